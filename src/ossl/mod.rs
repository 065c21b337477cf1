//! Thin owned wrappers over `openssl-sys`: the only place (with `ffi`/`shim`/`py`) that holds raw
//! OpenSSL pointers. Version differences live in `compat`.

pub(crate) mod asn1;
pub(crate) mod bio;
pub(crate) mod cipher;
pub(crate) mod compat;
pub(crate) mod ct;
pub(crate) mod ctx;
mod decl_check;
pub(crate) mod dh;
pub(crate) mod digest;
pub(crate) mod error;
pub(crate) mod exdata;
pub(crate) mod hmac;
pub(crate) mod hooks;
pub(crate) mod kdf;
#[cfg(pep466_ossl300)]
pub(crate) mod legacy;
pub(crate) mod membio;
pub(crate) mod obj;
mod owned;
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

/// Lower-case hex of `bytes`, for unit tests comparing digests with published vectors.
#[cfg(test)]
pub(crate) fn test_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A string OpenSSL returns as NULL or a static NUL-terminated C string (names, reason and
/// version texts), as an owned Rust string.
///
/// # Safety
/// `ptr` is NULL or points to a NUL-terminated string that stays valid during the call.
pub(crate) unsafe fn static_text(ptr: *const std::ffi::c_char) -> Option<String> {
    (!ptr.is_null()).then(|| {
        // SAFETY: the caller's contract; NULL is excluded above.
        unsafe { std::ffi::CStr::from_ptr(ptr) }
            .to_string_lossy()
            .into_owned()
    })
}
