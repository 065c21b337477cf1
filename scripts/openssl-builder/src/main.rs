//! Prints where build.rs installed OpenSSL, as `key=value` lines that
//! scripts/build-openssl.sh reads.
fn main() {
    println!("install={}", env!("PEP466_OPENSSL_INSTALL"));
    println!("openssl_src={}", env!("PEP466_OPENSSL_SRC_VERSION"));
    // "builtin": legacy provider compiled into libcrypto.a (openssl-src
    // configures `no-module`); "none": this line has no providers (1.1.1).
    println!("legacy_provider={}", env!("PEP466_OPENSSL_LEGACY"));
}
