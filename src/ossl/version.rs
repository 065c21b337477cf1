//! The OpenSSL version: the library loaded at run time and the headers built against.

use openssl_sys as sys;
use std::ffi::CStr;

/// `OpenSSL_version_num()`: the packed number of the loaded library.
// `unsigned long` is 32 bits on Windows: the conversion is not useless there.
#[allow(clippy::useless_conversion)]
pub(crate) fn runtime_number() -> u64 {
    // SAFETY: no arguments; always succeeds.
    u64::from(unsafe { sys::OpenSSL_version_num() })
}

/// `OpenSSL_version(OPENSSL_VERSION)`: e.g. `"OpenSSL 3.0.19 27 Jan 2026"`.
pub(crate) fn runtime_text() -> String {
    // SAFETY: returns a static NUL-terminated string (never NULL for this key).
    let p = unsafe { sys::OpenSSL_version(sys::OPENSSL_VERSION) };
    if p.is_null() {
        return String::new();
    }
    // SAFETY: as above.
    unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned()
}

/// The `OPENSSL_VERSION_NUMBER` of the headers this crate was compiled against (build.rs
/// passes openssl-sys's `DEP_OPENSSL_VERSION_NUMBER`).
pub(crate) fn build_number() -> u64 {
    u64::from_str_radix(env!("PEP466_OPENSSL_VERSION_NUMBER"), 16).unwrap_or(0)
}
