//! HMAC over OpenSSL's `HMAC_CTX` (the one-shot `HMAC()` for `hmac_digest`).
//!
//! `HMAC_CTX` is deprecated in OpenSSL 3 but still there up to 4.x, and it runs the digest
//! contexts directly; `EVP_MAC` adds a provider round trip and a parameter parse on every
//! init, which is most of a short HMAC's cost. Python 3's `_hashlib` makes the same choice.

use crate::ossl::digest::{nonnull, DigestBytes, MessageDigest};
use crate::ossl::error::OsslError;
use openssl_sys as sys;
use std::cell::RefCell;
use std::ffi::{c_int, c_void};
use std::ptr::NonNull;

/// An initialised `HMAC_CTX` (key and digest set).
pub(crate) struct HmacCtx {
    ctx: NonNull<sys::HMAC_CTX>,
    md: MessageDigest,
}

// SAFETY: an HMAC_CTX may move between threads; every use goes through &mut or a lock.
unsafe impl Send for HmacCtx {}

/// A finished MAC, on the stack.
pub(crate) type MacBytes = DigestBytes;

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
        let mut ctx = HmacCtx::alloc(md)?;
        ctx.rekey(md, key)?;
        Ok(ctx)
    }

    /// (Re)starts the context with a key and digest. On a context that already ran the same
    /// digest, OpenSSL reuses its three digest contexts: no allocation.
    fn rekey(&mut self, md: MessageDigest, key: &[u8]) -> Result<(), OsslError> {
        let len = c_int::try_from(key.len()).map_err(|_| OsslError::default())?;
        // An empty key still needs a non-NULL pointer: NULL means "keep the old key".
        let key_ptr = nonnull(key);
        // SAFETY: live context; key valid for len bytes; md valid; no engine.
        let ok = unsafe {
            sys::HMAC_Init_ex(
                self.ctx.as_ptr(),
                key_ptr.cast::<c_void>(),
                len,
                md.as_ptr(),
                std::ptr::null_mut(),
            )
        };
        self.md = md;
        match ok {
            1 => Ok(()),
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
    ///
    /// The copy goes into this thread's scratch context (see `with_scratch`): `HMAC_CTX_copy`
    /// into a context that already holds the same digest reuses its three digest contexts,
    /// where a fresh copy allocates and frees them, a third of a short HMAC's cost.
    pub(crate) fn mac(&self) -> Result<MacBytes, OsslError> {
        with_scratch(self.md, |scratch| {
            // SAFETY: both valid; the source is only read (the C prototype lacks `const`).
            match unsafe { sys::HMAC_CTX_copy(scratch.ctx.as_ptr(), self.ctx.as_ptr()) } {
                1 => scratch.finish(),
                _ => Err(OsslError::take()),
            }
        })
    }

    fn finish(&mut self) -> Result<MacBytes, OsslError> {
        let ctx = self.ctx.as_ptr();
        // SAFETY: initialised context; out has EVP_MAX_MD_SIZE bytes.
        DigestBytes::from_final(|out, len| unsafe { sys::HMAC_Final(ctx, out, len) })
    }
}

impl Drop for HmacCtx {
    fn drop(&mut self) {
        // SAFETY: we own the context.
        unsafe { sys::HMAC_CTX_free(self.ctx.as_ptr()) }
    }
}

/// Runs `f` on this thread's scratch HMAC context (made on first use), or on a fresh one when
/// there is no thread-local storage (thread exiting) or the scratch is in use (never nested
/// today). Between uses it holds the last key's padded digest states, as any live HMAC object
/// does; they are cleansed when it is next re-keyed or copied into, or at thread exit.
fn with_scratch<R>(
    md: MessageDigest,
    f: impl FnOnce(&mut HmacCtx) -> Result<R, OsslError>,
) -> Result<R, OsslError> {
    thread_local! {
        static SCRATCH: RefCell<Option<HmacCtx>> = const { RefCell::new(None) };
    }
    let mut f = Some(f);
    let done = SCRATCH.try_with(|cell| {
        let mut slot = cell.try_borrow_mut().ok()?;
        if slot.is_none() {
            *slot = HmacCtx::alloc(md).ok();
        }
        let scratch = slot.as_mut()?;
        Some((f.take().expect("called once"))(scratch))
    });
    match done {
        Ok(Some(result)) => result,
        _ => (f.take().expect("not called"))(&mut HmacCtx::alloc(md)?),
    }
}

/// One-shot HMAC-`md`(`key`, `msg`), on this thread's scratch context: no allocation, where
/// OpenSSL 3's `HMAC()` goes through `EVP_Q_mac` (fetching the MAC and parsing parameters
/// on every call, more than the HMAC itself costs for short messages).
pub(crate) fn hmac(md: MessageDigest, key: &[u8], msg: &[u8]) -> Result<MacBytes, OsslError> {
    with_scratch(md, |ctx| {
        ctx.rekey(md, key)?;
        ctx.update(msg)?;
        ctx.finish()
    })
}

/// `HMAC()` itself, kept for comparison in tests.
#[cfg(test)]
fn hmac_evp_q(md: MessageDigest, key: &[u8], msg: &[u8]) -> Result<MacBytes, OsslError> {
    extern "C" {
        // Bound by openssl-sys only under some configurations; present in 1.1.1 to 4.x.
        fn HMAC(
            md: *const sys::EVP_MD,
            key: *const c_void,
            key_len: c_int,
            d: *const u8,
            n: usize,
            out: *mut u8,
            out_len: *mut std::ffi::c_uint,
        ) -> *mut u8;
    }
    let key_len = c_int::try_from(key.len()).map_err(|_| OsslError::default())?;
    // An empty key or message still needs a non-NULL pointer (NULL key means "no key").
    // SAFETY: key and msg valid for their lengths; out has EVP_MAX_MD_SIZE bytes.
    DigestBytes::from_final(|out, len| unsafe {
        let r = HMAC(
            md.as_ptr(),
            nonnull(key).cast::<c_void>(),
            key_len,
            nonnull(msg),
            msg.len(),
            out,
            len,
        );
        c_int::from(!r.is_null())
    })
}

#[cfg(test)]
mod tests {
    use super::{hmac, hmac_evp_q, HmacCtx};
    use crate::ossl::digest::MessageDigest;
    use crate::ossl::test_hex as hex;

    #[test]
    fn rfc_4231_case_2_and_paths_agree() {
        let md = MessageDigest::by_name_for(b"sha256", true).expect("sha256");
        let want = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
        let key: &[u8] = b"Jefe";
        let msg: &[u8] = b"what do ya want for nothing?";
        assert_eq!(hex(hmac(md, key, msg).expect("hmac").as_slice()), want);
        assert_eq!(
            hex(hmac_evp_q(md, key, msg).expect("HMAC").as_slice()),
            want
        );
        let mut ctx = HmacCtx::new(md, key).expect("ctx");
        ctx.update(&msg[..5]).expect("update");
        let copy = ctx.try_clone().expect("copy");
        ctx.update(&msg[5..]).expect("update");
        assert_eq!(hex(ctx.mac().expect("mac").as_slice()), want);
        // The scratch context is re-keyed per call: another key, then the first again.
        let sha1 = MessageDigest::by_name_for(b"sha1", true).expect("sha1");
        assert_eq!(hmac(sha1, b"", b"").expect("hmac").as_slice().len(), 20);
        assert_eq!(hex(hmac(md, key, msg).expect("hmac").as_slice()), want);
        drop(copy);
    }
}
