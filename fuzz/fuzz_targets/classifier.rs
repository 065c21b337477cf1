//! The error classifier (`PySSL_SetError` decision) and message formatting over any state.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    pep466::fuzzing::sink(pep466::fuzzing::classifier(data));
});
