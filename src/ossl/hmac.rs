//! HMAC over OpenSSL's `HMAC_CTX` (the one-shot `HMAC()` for `hmac_digest`).
//!
//! `HMAC_CTX` is deprecated in OpenSSL 3 but still there up to 4.x, and it runs the digest
//! contexts directly; `EVP_MAC` adds a provider round trip and a parameter parse on every
//! init, which is most of a short HMAC's cost. Python 3's `_hashlib` makes the same choice.

use crate::ossl::digest::{MessageDigest, MAX_DIGEST};
use crate::ossl::error::OsslError;
use openssl_sys as sys;
use std::ffi::{c_int, c_uint, c_void};
use std::ptr::NonNull;

/// An initialised `HMAC_CTX` (key and digest set).
pub(crate) struct HmacCtx {
    ctx: NonNull<sys::HMAC_CTX>,
    md: MessageDigest,
}

// SAFETY: an HMAC_CTX may move between threads; every use goes through &mut or a lock.
unsafe impl Send for HmacCtx {}

/// A finished MAC, on the stack.
pub(crate) struct MacBytes {
    buf: [u8; MAX_DIGEST],
    len: usize,
}

impl MacBytes {
    pub(crate) fn as_slice(&self) -> &[u8] {
        &self.buf[..self.len]
    }
}

impl HmacCtx {
    fn alloc(md: MessageDigest) -> Result<HmacCtx, OsslError> {
        // SAFETY: plain allocation; NULL on failure.
        NonNull::new(unsafe { sys::HMAC_CTX_new() })
            .map(|ctx| HmacCtx { ctx, md })
            .ok_or_else(OsslError::take)
    }

    /// A context keyed with `key` for HMAC-`md`. Keys longer than INT_MAX are refused by the
    /// caller (OpenSSL takes an int).
    pub(crate) fn new(md: MessageDigest, key: &[u8]) -> Result<HmacCtx, OsslError> {
        let len = c_int::try_from(key.len()).map_err(|_| OsslError::default())?;
        let ctx = HmacCtx::alloc(md)?;
        // An empty key still needs a non-NULL pointer: NULL means "keep the old key".
        let key_ptr = if key.is_empty() {
            b"".as_ptr()
        } else {
            key.as_ptr()
        };
        // SAFETY: fresh context; key valid for len bytes; md valid; no engine.
        let ok = unsafe {
            sys::HMAC_Init_ex(
                ctx.ctx.as_ptr(),
                key_ptr.cast::<c_void>(),
                len,
                md.as_ptr(),
                std::ptr::null_mut(),
            )
        };
        match ok {
            1 => Ok(ctx),
            _ => Err(OsslError::take()),
        }
    }

    pub(crate) fn md(&self) -> MessageDigest {
        self.md
    }

    pub(crate) fn update(&mut self, data: &[u8]) -> Result<(), OsslError> {
        if data.is_empty() {
            return Ok(());
        }
        // SAFETY: initialised context; data valid for its length.
        match unsafe { sys::HMAC_Update(self.ctx.as_ptr(), data.as_ptr(), data.len()) } {
            1 => Ok(()),
            _ => Err(OsslError::take()),
        }
    }

    pub(crate) fn try_clone(&self) -> Result<HmacCtx, OsslError> {
        let copy = HmacCtx::alloc(self.md)?;
        // SAFETY: both valid; the source is only read (the C prototype lacks `const`).
        match unsafe { sys::HMAC_CTX_copy(copy.ctx.as_ptr(), self.ctx.as_ptr()) } {
            1 => Ok(copy),
            _ => Err(OsslError::take()),
        }
    }

    /// The MAC so far; the context stays usable (a copy is finalised).
    pub(crate) fn mac(&self) -> Result<MacBytes, OsslError> {
        self.try_clone()?.finish()
    }

    fn finish(self) -> Result<MacBytes, OsslError> {
        let mut out = MacBytes {
            buf: [0; MAX_DIGEST],
            len: 0,
        };
        let mut len: c_uint = 0;
        // SAFETY: initialised context; out has EVP_MAX_MD_SIZE bytes.
        match unsafe { sys::HMAC_Final(self.ctx.as_ptr(), out.buf.as_mut_ptr(), &mut len) } {
            1 => {
                out.len = (len as usize).min(MAX_DIGEST);
                Ok(out)
            }
            _ => Err(OsslError::take()),
        }
    }
}

impl Drop for HmacCtx {
    fn drop(&mut self) {
        // SAFETY: we own the context.
        unsafe { sys::HMAC_CTX_free(self.ctx.as_ptr()) }
    }
}

/// One-shot HMAC-`md`(`key`, `msg`).
pub(crate) fn hmac(md: MessageDigest, key: &[u8], msg: &[u8]) -> Result<MacBytes, OsslError> {
    extern "C" {
        // Bound by openssl-sys only under some configurations; present in 1.1.1 to 4.x.
        fn HMAC(
            md: *const sys::EVP_MD,
            key: *const c_void,
            key_len: c_int,
            d: *const u8,
            n: usize,
            out: *mut u8,
            out_len: *mut c_uint,
        ) -> *mut u8;
    }
    let key_len = c_int::try_from(key.len()).map_err(|_| OsslError::default())?;
    let mut out = MacBytes {
        buf: [0; MAX_DIGEST],
        len: 0,
    };
    let mut len: c_uint = 0;
    // An empty key or message still needs a non-NULL pointer (NULL key means "no key").
    let nonnull = |s: &[u8]| if s.is_empty() { b"".as_ptr() } else { s.as_ptr() };
    // SAFETY: key and msg valid for their lengths; out has EVP_MAX_MD_SIZE bytes.
    let r = unsafe {
        HMAC(
            md.as_ptr(),
            nonnull(key).cast::<c_void>(),
            key_len,
            nonnull(msg),
            msg.len(),
            out.buf.as_mut_ptr(),
            &mut len,
        )
    };
    if r.is_null() {
        return Err(OsslError::take());
    }
    out.len = (len as usize).min(MAX_DIGEST);
    Ok(out)
}
