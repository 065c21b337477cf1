//! Thin owned wrappers over `openssl-sys`: the only place (with `ffi`/`shim`/`py`) that holds raw
//! OpenSSL pointers. Version differences live in `compat`.

pub(crate) mod asn1;
pub(crate) mod bio;
pub(crate) mod cipher;
pub(crate) mod compat;
pub(crate) mod ct;
pub(crate) mod ctx;
pub(crate) mod dh;
pub(crate) mod digest;
pub(crate) mod error;
pub(crate) mod hmac;
pub(crate) mod kdf;
#[cfg(pep466_ossl300)]
pub(crate) mod legacy;
pub(crate) mod membio;
pub(crate) mod obj;
pub(crate) mod pem;
pub(crate) mod protos;
pub(crate) mod rand;
pub(crate) mod readbuf;
pub(crate) mod session;
pub(crate) mod sockbio;
pub(crate) mod ssl;
pub(crate) mod ssl_info;
pub(crate) mod version;
pub(crate) mod x509;
pub(crate) mod x509v3;

/// Initialises OpenSSL once per process (both module inits call it). The legacy provider is
/// not loaded here: `legacy` keeps it in a library context of its own, made on first use.
pub(crate) fn init() {
    openssl_sys::init();
}
