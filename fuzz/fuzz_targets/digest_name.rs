//! Digest-name lookup (`hashlib.new(name)`): any bytes as a name.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    pep466::fuzzing::sink(pep466::fuzzing::digest_name(data));
});
