//! OpenSSL 3's "legacy" provider (md4, ripemd160 before 3.0.7, whirlpool), in a library
//! context of its own.
//!
//! 2.7's hashlib offers those digests, so we make them available where the provider is
//! installed. Loading it into the *default* context would make every fetch in the process
//! (TLS handshakes included) search one more provider, and would offer DES, RC4 and the other
//! legacy algorithms to everything that uses OpenSSL in the process. A separate context, used
//! only for a digest the default providers do not have, costs neither.

use crate::ossl::error::OsslError;
use openssl_sys as sys;
use std::ffi::{c_char, c_int, c_uint, c_void, CStr};
use std::sync::OnceLock;

/// The legacy library context: the default provider (for PBKDF2 and HMAC) plus the legacy one.
#[derive(Clone, Copy)]
struct LibCtx(*mut sys::OSSL_LIB_CTX);

// SAFETY: an OSSL_LIB_CTX is documented as safe to share between threads once set up; it is
// never freed.
unsafe impl Send for LibCtx {}
// SAFETY: as above.
unsafe impl Sync for LibCtx {}

static LEGACY: OnceLock<Option<LibCtx>> = OnceLock::new();

/// The context, made on first use; None when the legacy provider cannot be loaded.
fn libctx() -> Option<LibCtx> {
    *LEGACY.get_or_init(|| {
        // SAFETY: a new context, and providers loaded into it by NUL-terminated name. On
        // failure the context is freed and the error queue cleared; on success both live for
        // the process.
        unsafe {
            let ctx = sys::OSSL_LIB_CTX_new();
            if ctx.is_null() {
                OsslError::take();
                return None;
            }
            let default = sys::OSSL_PROVIDER_load(ctx, c"default".as_ptr());
            let legacy = sys::OSSL_PROVIDER_load(ctx, c"legacy".as_ptr());
            if default.is_null() || legacy.is_null() {
                OsslError::take();
                sys::OSSL_LIB_CTX_free(ctx);
                return None;
            }
            Some(LibCtx(ctx))
        }
    })
}

/// Fetches a digest from the legacy context; NULL when it has none by that name.
pub(crate) fn fetch_md(name: &CStr) -> *mut sys::EVP_MD {
    let Some(ctx) = libctx() else {
        return std::ptr::null_mut();
    };
    // SAFETY: a live context, a NUL-terminated name, no property query.
    let md = unsafe { sys::EVP_MD_fetch(ctx.0, name.as_ptr(), std::ptr::null()) };
    if md.is_null() {
        OsslError::take();
    }
    md
}

extern "C" {
    // Not bound by openssl-sys; OpenSSL 3.0+.
    fn OSSL_PARAM_construct_utf8_string(
        key: *const c_char,
        buf: *mut c_char,
        bsize: usize,
    ) -> sys::OSSL_PARAM;
    fn OSSL_PARAM_construct_int(key: *const c_char, buf: *mut c_int) -> sys::OSSL_PARAM;
}

/// PBKDF2-HMAC with a legacy digest, derived in the legacy context (`PKCS5_PBKDF2_HMAC` only
/// looks in the default one). `pkcs5 = 1` turns off SP 800-132's lower bounds, as
/// `PKCS5_PBKDF2_HMAC` does, so the results are PKCS #5's for any input 2.7 accepts.
pub(crate) fn pbkdf2(
    digest_name: &CStr,
    password: &[u8],
    salt: &[u8],
    iterations: u32,
    out: &mut [u8],
) -> Result<(), OsslError> {
    let ctx = libctx().ok_or_else(OsslError::default)?;
    let mut iter: c_uint = iterations;
    let mut pkcs5: c_int = 1;
    // SAFETY: the KDF and its context are freed below; every parameter points to memory that
    // outlives the derive call (OSSL_PARAM only borrows); lengths are the buffers' own.
    unsafe {
        let kdf = sys::EVP_KDF_fetch(ctx.0, c"PBKDF2".as_ptr(), std::ptr::null());
        if kdf.is_null() {
            return Err(OsslError::take());
        }
        let kctx = sys::EVP_KDF_CTX_new(kdf);
        sys::EVP_KDF_free(kdf);
        if kctx.is_null() {
            return Err(OsslError::take());
        }
        let params = [
            sys::OSSL_PARAM_construct_octet_string(
                c"pass".as_ptr(),
                password.as_ptr().cast_mut().cast::<c_void>(),
                password.len(),
            ),
            sys::OSSL_PARAM_construct_octet_string(
                c"salt".as_ptr(),
                salt.as_ptr().cast_mut().cast::<c_void>(),
                salt.len(),
            ),
            sys::OSSL_PARAM_construct_uint(c"iter".as_ptr(), &mut iter),
            OSSL_PARAM_construct_utf8_string(
                c"digest".as_ptr(),
                digest_name.as_ptr().cast_mut(),
                0,
            ),
            OSSL_PARAM_construct_int(c"pkcs5".as_ptr(), &mut pkcs5),
            sys::OSSL_PARAM_construct_end(),
        ];
        let ok = sys::EVP_KDF_derive(kctx, out.as_mut_ptr(), out.len(), params.as_ptr());
        sys::EVP_KDF_CTX_free(kctx);
        match ok {
            1 => Ok(()),
            _ => Err(OsslError::take()),
        }
    }
}
