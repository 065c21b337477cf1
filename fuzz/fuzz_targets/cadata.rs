//! `load_verify_locations(cadata=...)` (PEM or DER, first byte) then `get_ca_certs()`.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    pep466::fuzzing::sink(pep466::fuzzing::cadata(data));
});
