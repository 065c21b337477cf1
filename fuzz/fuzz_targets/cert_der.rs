//! DER certificate -> the fields of `getpeercert()` (`cert_fields`, then the formatters).
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    pep466::fuzzing::sink(pep466::fuzzing::cert_der(data));
});
