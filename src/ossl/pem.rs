//! Loading certificates and keys into a context: `load_cert_chain` (certificate chain file,
//! private key file with an optional password callback, key check) and `cadata` (PEM text or
//! DER bytes added to the certificate store).

use crate::ossl::ctx::{with_errno, SslCtx};
use crate::ossl::error::OsslError;
use openssl_sys as sys;
use std::cell::Cell;
use std::ffi::{c_char, c_int, c_void, CStr};

extern "C" {
    fn SSL_CTX_set_default_passwd_cb(ctx: *mut sys::SSL_CTX, cb: sys::pem_password_cb);
    fn SSL_CTX_set_default_passwd_cb_userdata(ctx: *mut sys::SSL_CTX, u: *mut c_void);
    fn SSL_CTX_get_default_passwd_cb(ctx: *mut sys::SSL_CTX) -> sys::pem_password_cb;
    fn SSL_CTX_get_default_passwd_cb_userdata(ctx: *mut sys::SSL_CTX) -> *mut c_void;
}

/// The password source of `load_cert_chain`: fills the buffer (OpenSSL's, `PEM_BUFSIZE` bytes)
/// and returns the length, or None to fail the load (the caller keeps the reason).
pub(crate) type PasswordFn<'a> = dyn FnMut(&mut [u8]) -> Option<usize> + 'a;

/// Which step of `load_cert_chain` failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ChainStep {
    /// `SSL_CTX_use_certificate_chain_file`
    Certificate,
    /// `SSL_CTX_use_PrivateKey_file`
    PrivateKey,
    /// `SSL_CTX_check_private_key`
    CheckKey,
}

#[derive(Debug)]
pub(crate) struct ChainFailure {
    pub(crate) step: ChainStep,
    /// C `errno` right after the failing call (0 for `CheckKey`).
    pub(crate) errno: i32,
    pub(crate) error: OsslError,
    /// The password function panicked (its message); the load then failed.
    pub(crate) callback_panic: Option<String>,
}

/// What OpenSSL's callback userdata points to during a load.
struct CallbackData<'a, 'b> {
    f: &'a mut PasswordFn<'b>,
    panic: &'a Cell<Option<String>>,
}

/// `pem_password_cb` trampoline: never unwinds into OpenSSL.
unsafe extern "C" fn password_trampoline(
    buf: *mut c_char,
    size: c_int,
    _rwflag: c_int,
    userdata: *mut c_void,
) -> c_int {
    if userdata.is_null() || buf.is_null() || size < 0 {
        return -1;
    }
    // SAFETY: userdata is the CallbackData installed by `load_cert_chain` for the duration of
    // the load on this thread; buf is OpenSSL's buffer of `size` bytes.
    let (data, buf) = unsafe {
        (
            &mut *userdata.cast::<CallbackData<'_, '_>>(),
            std::slice::from_raw_parts_mut(buf.cast::<u8>(), size as usize),
        )
    };
    match crate::py::boundary::catch_callback_panic(|| (data.f)(buf)) {
        Ok(Some(n)) if n <= buf.len() => n as c_int,
        Ok(_) => -1,
        Err(msg) => {
            data.panic.set(Some(msg));
            -1
        }
    }
}

/// Restores the context's previous password callback and userdata when dropped.
struct RestoreCallback {
    ctx: *mut sys::SSL_CTX,
    cb: sys::pem_password_cb,
    userdata: *mut c_void,
}

impl Drop for RestoreCallback {
    fn drop(&mut self) {
        // SAFETY: the context is alive for the whole load (borrowed by `load_cert_chain`).
        unsafe {
            SSL_CTX_set_default_passwd_cb(self.ctx, self.cb);
            SSL_CTX_set_default_passwd_cb_userdata(self.ctx, self.userdata);
        }
    }
}

impl SslCtx {
    /// 2.7's `load_cert_chain` steps. Blocking file I/O: call it with the GIL released; the
    /// password function runs on this thread, inside the call.
    pub(crate) fn load_cert_chain(
        &self,
        certfile: &CStr,
        keyfile: &CStr,
        password: Option<&mut PasswordFn<'_>>,
    ) -> Result<(), ChainFailure> {
        let ctx = self.as_ptr();
        let panic = Cell::new(None);
        let mut data = password.map(|f| CallbackData { f, panic: &panic });
        // SAFETY: a live context.
        let restore = unsafe {
            RestoreCallback {
                ctx,
                cb: SSL_CTX_get_default_passwd_cb(ctx),
                userdata: SSL_CTX_get_default_passwd_cb_userdata(ctx),
            }
        };
        if let Some(data) = data.as_mut() {
            // SAFETY: `data` lives until after `restore` has uninstalled it (explicit drops
            // at the end; nothing between can unwind: the trampoline catches panics).
            unsafe {
                SSL_CTX_set_default_passwd_cb(ctx, Some(password_trampoline));
                SSL_CTX_set_default_passwd_cb_userdata(ctx, (data as *mut CallbackData).cast());
            }
        }
        OsslError::take();
        let result = self.load_chain_steps(certfile, keyfile, &panic);
        // Uninstall the callback before `data` (which OpenSSL points to) goes out of scope.
        drop(restore);
        result
    }

    fn load_chain_steps(
        &self,
        certfile: &CStr,
        keyfile: &CStr,
        panic: &Cell<Option<String>>,
    ) -> Result<(), ChainFailure> {
        let ctx = self.as_ptr();
        let failure = |step, errno| ChainFailure {
            step,
            errno,
            error: OsslError::take(),
            callback_panic: panic.take(),
        };
        let (r, errno) = with_errno(|| {
            // SAFETY: a live context and a NUL-terminated path.
            unsafe { sys::SSL_CTX_use_certificate_chain_file(ctx, certfile.as_ptr()) }
        });
        if r != 1 {
            return Err(failure(ChainStep::Certificate, errno));
        }
        let (r, errno) = with_errno(|| {
            // SAFETY: as above.
            unsafe {
                sys::SSL_CTX_use_PrivateKey_file(ctx, keyfile.as_ptr(), sys::SSL_FILETYPE_PEM)
            }
        });
        if r != 1 {
            return Err(failure(ChainStep::PrivateKey, errno));
        }
        // SAFETY: a live context.
        if unsafe { sys::SSL_CTX_check_private_key(ctx) } != 1 {
            return Err(failure(ChainStep::CheckKey, 0));
        }
        Ok(())
    }

    /// 2.7's `_add_ca_certs`: adds every certificate of `data` (DER when `der`, else PEM) to
    /// the store. Returns how many were read, with the error that stopped the loop when it is
    /// not the normal end-of-input marker. OpenSSL 3 queues nothing at the end of DER input,
    /// which 2.7.18 misreads as a failure; here an empty queue after at least one
    /// certificate is the normal end, as in Python 3.
    pub(crate) fn add_ca_certs(&self, data: &[u8], der: bool) -> Result<usize, OsslError> {
        let len = c_int::try_from(data.len()).map_err(|_| OsslError::default())?;
        OsslError::take();
        // SAFETY: a read-only memory BIO over `data`, freed below before `data` ends.
        let bio = unsafe { sys::BIO_new_mem_buf(data.as_ptr().cast(), len) };
        if bio.is_null() {
            return Err(OsslError::take());
        }
        // SAFETY: a live context; its store is owned by it.
        let store = unsafe { sys::SSL_CTX_get_cert_store(self.as_ptr()) };
        let mut loaded = 0usize;
        // Whether the last read started with the BIO already empty: the clean end of DER
        // input. OpenSSL queues a different reason there per version (1.1.1 HEADER_TOO_LONG,
        // 3.0 nothing, 3.6 NOT_ENOUGH_DATA, 4.0 nothing), so the BIO itself says it.
        let mut at_end;
        loop {
            // BIO_CTRL_PENDING (10) on a memory BIO: the bytes not read yet.
            // SAFETY: a control query on the live BIO.
            at_end = unsafe { sys::BIO_ctrl(bio, 10, 0, std::ptr::null_mut()) } == 0;
            // SAFETY: reads one certificate from the live BIO; NULL at the end or on error.
            let cert = unsafe {
                if der {
                    sys::d2i_X509_bio(bio, std::ptr::null_mut())
                } else {
                    sys::PEM_read_bio_X509(bio, std::ptr::null_mut(), None, std::ptr::null_mut())
                }
            };
            if cert.is_null() {
                break;
            }
            // SAFETY: the store takes its own reference; we free ours.
            let added = unsafe {
                let r = sys::X509_STORE_add_cert(store, cert);
                sys::X509_free(cert);
                r == 1
            };
            if !added {
                // SAFETY: reads this thread's queue.
                let code = unsafe { sys::ERR_peek_last_error() };
                let e = OsslError::from_code(code);
                // X509_R_CERT_ALREADY_IN_HASH_TABLE (OpenSSL 1.x): a duplicate is no error.
                if e.lib == 11 && e.reason == 101 {
                    OsslError::take();
                } else {
                    break;
                }
            }
            loaded += 1;
        }
        // SAFETY: our BIO, freed once.
        unsafe { sys::BIO_free_all(bio) };
        // SAFETY: reads this thread's queue.
        let last = OsslError::from_code(unsafe { sys::ERR_peek_last_error() });
        let end_marker = if der {
            at_end || (last.lib == sys::ERR_LIB_ASN1 && last.reason == sys::ASN1_R_HEADER_TOO_LONG)
        } else {
            last.lib == sys::ERR_LIB_PEM && last.reason == sys::PEM_R_NO_START_LINE
        };
        if loaded > 0 && (last.is_empty() || end_marker) {
            OsslError::take();
            return Ok(loaded);
        }
        Err(OsslError::take())
    }
}

#[cfg(test)]
mod tests {
    use crate::ossl::ctx::SslCtx;

    #[test]
    fn cadata_garbage_fails_with_the_stock_reasons() {
        let ctx = SslCtx::for_test();
        let pem = ctx.add_ca_certs(b"broken", false).unwrap_err();
        assert_eq!((pem.lib, pem.reason), (9, 108), "PEM no start line");
        let der = ctx.add_ca_certs(b"broken", true).unwrap_err();
        assert_eq!(der.lib, 13, "ASN1");
    }
}
