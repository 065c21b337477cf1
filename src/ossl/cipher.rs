//! The ciphers a context would offer, described as Python 3.6's `SSLContext.get_ciphers()`
//! reports them.

use crate::ossl::ctx::SslCtx;
use crate::ossl::error::OsslError;
use openssl_sys as sys;
use std::ffi::{c_char, c_int, CStr};

extern "C" {
    // Functions in 1.1.1, 3.x and 4.x that openssl-sys does not declare.
    fn SSL_CIPHER_get_id(c: *const sys::SSL_CIPHER) -> u32;
    fn SSL_CIPHER_is_aead(c: *const sys::SSL_CIPHER) -> c_int;
    fn SSL_CIPHER_get_kx_nid(c: *const sys::SSL_CIPHER) -> c_int;
    fn SSL_CIPHER_get_auth_nid(c: *const sys::SSL_CIPHER) -> c_int;
    fn SSL_get_ciphers(ssl: *const sys::SSL) -> *mut sys::stack_st_SSL_CIPHER;
}

/// One cipher, every field as Python 3 reports it (None where OpenSSL has no name).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct CipherDetails {
    pub(crate) id: u64,
    pub(crate) name: Option<String>,
    pub(crate) protocol: Option<String>,
    pub(crate) description: String,
    pub(crate) strength_bits: c_int,
    pub(crate) alg_bits: c_int,
    pub(crate) aead: bool,
    pub(crate) symmetric: Option<String>,
    pub(crate) digest: Option<String>,
    pub(crate) kea: Option<String>,
    pub(crate) auth: Option<String>,
}

fn long_name(nid: c_int) -> Option<String> {
    if nid == sys::NID_undef {
        return None;
    }
    // SAFETY: any nid; NULL or a static name.
    unsafe { crate::ossl::static_text(sys::OBJ_nid2ln(nid)) }
}

/// # Safety
/// `c` is a live cipher description.
#[allow(clippy::useless_conversion)] // `unsigned long` is 32-bit on Windows
unsafe fn details(c: *const sys::SSL_CIPHER) -> CipherDetails {
    let mut buf = [0 as c_char; 512];
    let mut alg_bits: c_int = 0;
    // SAFETY: the caller's contract; buf is writable for its length (OpenSSL NUL-terminates
    // within it); the out-pointer is valid.
    unsafe {
        sys::SSL_CIPHER_description(c, buf.as_mut_ptr(), (buf.len() - 1) as c_int);
        let mut description = CStr::from_ptr(buf.as_ptr()).to_string_lossy().into_owned();
        if description.len() > 1 && description.ends_with('\n') {
            description.pop();
        }
        let strength_bits = sys::SSL_CIPHER_get_bits(c, &mut alg_bits);
        CipherDetails {
            id: u64::from(SSL_CIPHER_get_id(c)),
            name: crate::ossl::static_text(sys::SSL_CIPHER_get_name(c)),
            protocol: crate::ossl::static_text(sys::SSL_CIPHER_get_version(c)),
            description,
            strength_bits,
            alg_bits,
            aead: SSL_CIPHER_is_aead(c) != 0,
            symmetric: long_name(sys::SSL_CIPHER_get_cipher_nid(c)),
            digest: long_name(sys::SSL_CIPHER_get_digest_nid(c)),
            kea: long_name(SSL_CIPHER_get_kx_nid(c)),
            auth: long_name(SSL_CIPHER_get_auth_nid(c)),
        }
    }
}

/// The ciphers a new connection from `ctx` would offer, in preference order.
pub(crate) fn context_ciphers(ctx: &SslCtx) -> Result<Vec<CipherDetails>, OsslError> {
    // SAFETY: a live context; the SSL made here is freed before returning, and the stack and
    // ciphers it holds are read while it lives.
    unsafe {
        let ssl = sys::SSL_new(ctx.as_ptr());
        if ssl.is_null() {
            return Err(OsslError::take());
        }
        let stack = SSL_get_ciphers(ssl);
        let mut out = Vec::new();
        if !stack.is_null() {
            for i in 0..sys::OPENSSL_sk_num(stack.cast()) {
                let c = sys::OPENSSL_sk_value(stack.cast(), i) as *const sys::SSL_CIPHER;
                out.push(details(c));
            }
        }
        sys::SSL_free(ssl);
        Ok(out)
    }
}
