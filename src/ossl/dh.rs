//! Diffie-Hellman parameters from a PEM file (`_SSLContext.load_dh_params`).

use crate::ossl::ctx::{with_errno, SslCtx};
use crate::ossl::error::OsslError;
use crate::ossl::owned::owned;
use openssl_sys as sys;
use std::ffi::c_char;
use std::ffi::CStr;
use std::ptr::NonNull;

extern "C" {
    fn BIO_new_file(filename: *const c_char, mode: *const c_char) -> *mut sys::BIO;
}

owned! {
    /// Owned DH parameters.
    pub(crate) struct DhParams(sys::DH);
    free = sys::DH_free;
}

// SAFETY: a DH object we own exclusively; OpenSSL objects are not tied to a thread.
unsafe impl Send for DhParams {}

/// Why reading failed: the file could not be opened (errno), or reading/parsing failed
/// (errno if the C library set one, and OpenSSL's error).
#[derive(Debug)]
pub(crate) enum DhFailure {
    Open { errno: i32 },
    Read { errno: i32, error: OsslError },
}

impl DhParams {
    /// `BIO_new_file(path, "r")` then `PEM_read_bio_DHparams`. Blocking file I/O: call it with
    /// the GIL released.
    pub(crate) fn from_pem_file(path: &CStr) -> Result<DhParams, DhFailure> {
        let (bio, errno) = with_errno(|| {
            // SAFETY: NUL-terminated path and mode; returns NULL or a BIO we own.
            unsafe { BIO_new_file(path.as_ptr(), c"r".as_ptr()) }
        });
        if bio.is_null() {
            OsslError::take();
            return Err(DhFailure::Open { errno });
        }
        let (dh, errno) = with_errno(|| {
            // SAFETY: a live BIO; NULL callback/userdata (parameters are never encrypted).
            unsafe {
                sys::PEM_read_bio_DHparams(bio, std::ptr::null_mut(), None, std::ptr::null_mut())
            }
        });
        // SAFETY: our BIO, freed once.
        unsafe { sys::BIO_free_all(bio) };
        match NonNull::new(dh) {
            Some(dh) => Ok(DhParams(dh)),
            None => Err(DhFailure::Read {
                errno,
                error: OsslError::take(),
            }),
        }
    }
}

impl SslCtx {
    /// `SSL_CTX_set_tmp_dh` (the context copies the parameters).
    pub(crate) fn set_tmp_dh(&self, dh: &DhParams) -> Result<(), OsslError> {
        // SAFETY: a live context and live parameters; OpenSSL takes its own reference.
        let r = unsafe { sys::SSL_CTX_set_tmp_dh(self.as_ptr(), dh.as_ptr()) };
        (r != 0).then_some(()).ok_or_else(OsslError::take)
    }
}
