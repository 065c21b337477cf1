//! PEM certificate text -> the fields of `_test_decode_cert`.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    pep466::fuzzing::sink(pep466::fuzzing::cert_pem(data));
});
