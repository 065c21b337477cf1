//! A TLS server over memory BIOs fed fuzzed client bytes (ClientHello and onwards).
#![no_main]
use std::sync::OnceLock;

static SERVER: OnceLock<pep466::fuzzing::TlsSide> = OnceLock::new();

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let side = SERVER.get_or_init(|| {
        pep466::fuzzing::TlsSide::new(true, Some(include_bytes!("../certs/server.pem")))
    });
    pep466::fuzzing::sink(side.run(data));
});
