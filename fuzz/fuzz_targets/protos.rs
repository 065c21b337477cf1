//! ALPN/NPN wire lists: stored and read back, and selected as server (ALPN) and client (NPN).
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    pep466::fuzzing::sink(pep466::fuzzing::protos(data));
});
