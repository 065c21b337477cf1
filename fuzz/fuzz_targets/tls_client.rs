//! A TLS client over memory BIOs (SNI, ALPN, NPN offered) fed fuzzed server bytes.
#![no_main]
use std::sync::OnceLock;

static CLIENT: OnceLock<pep466::fuzzing::TlsSide> = OnceLock::new();

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let side = CLIENT.get_or_init(|| pep466::fuzzing::TlsSide::new(false, None));
    pep466::fuzzing::sink(side.run(data));
});
