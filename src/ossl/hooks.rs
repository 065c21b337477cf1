//! The C shells of the newer connection callbacks (key log, PSK client, PSK server) and their
//! installers. Each shell turns OpenSSL's raw arguments into safe ones (`SslRef`, slices),
//! calls a handler (module code, which runs its body in `py::callback::run`) and copies the
//! handler's answer into OpenSSL's buffers, checking every length. Nothing here knows Python.

use crate::ossl::ctx::SslCtx;
use crate::ossl::ssl::SslRef;
use crate::py::callback::guard;
use openssl_sys as sys;
use std::ffi::{c_char, c_int, c_uchar, c_uint, CStr};

extern "C" {
    fn SSL_CTX_use_psk_identity_hint(ctx: *mut sys::SSL_CTX, hint: *const c_char) -> c_int;
}

/// `HAS_PSK`: the PSK callbacks are linked above, so an OpenSSL configured without PSK does
/// not build this crate; every OpenSSL 1.1.1/3.x default build has them.
pub(crate) const HAS_PSK: bool = true;

/// The bytes of a NUL-terminated string OpenSSL passes, None for NULL or empty (Python 3 gives
/// the callback None for both).
///
/// # Safety
/// `p` is NULL or NUL-terminated and live for `'a`.
unsafe fn text<'a>(p: *const c_char) -> Option<&'a [u8]> {
    if p.is_null() {
        return None;
    }
    // SAFETY: the caller's contract.
    let bytes = unsafe { CStr::from_ptr(p) }.to_bytes();
    (!bytes.is_empty()).then_some(bytes)
}

/// Receives each NSS key log line OpenSSL produces (without its newline).
pub(crate) trait KeylogHandler {
    fn on_line(ssl: SslRef<'_>, line: &[u8]);
}

unsafe extern "C" fn keylog_shell<H: KeylogHandler>(ssl: *const sys::SSL, line: *const c_char) {
    // SAFETY: OpenSSL passes the live SSL and a NUL-terminated line, both live for the call.
    let (ssl, line) = unsafe { (SslRef::from_ptr(ssl), text(line)) };
    if let (Some(ssl), Some(line)) = (ssl, line) {
        guard("keylog", Some(ssl), (), || H::on_line(ssl, line));
    }
}

/// `SSL_CTX_set_keylog_callback`: `H` when `on`, else none.
pub(crate) fn set_keylog_callback<H: KeylogHandler>(ctx: &SslCtx, on: bool) {
    // SAFETY: a live context; the shell has the callback's C signature.
    unsafe { sys::SSL_CTX_set_keylog_callback(ctx.as_ptr(), on.then_some(keylog_shell::<H>)) }
}

/// What a PSK client callback answers: the identity to send and the key.
pub(crate) struct PskClientReply {
    pub(crate) identity: Vec<u8>,
    pub(crate) psk: Vec<u8>,
}

/// Supplies pre-shared keys; None fails the handshake.
pub(crate) trait PskHandler {
    /// Client side: the server's identity hint (None if it sent none).
    fn client(ssl: SslRef<'_>, hint: Option<&[u8]>) -> Option<PskClientReply>;
    /// Server side: the key for the identity the client sent.
    fn server(ssl: SslRef<'_>, identity: Option<&[u8]>) -> Option<Vec<u8>>;
}

/// Copies `src` to the start of `dst` if it fits in `limit` bytes (and in `dst`).
fn copy_in(dst: &mut [u8], src: &[u8], limit: usize) -> bool {
    if src.len() > limit || src.len() > dst.len() {
        return false;
    }
    dst[..src.len()].copy_from_slice(src);
    true
}

extern "C" fn psk_client_shell<H: PskHandler>(
    ssl: *mut sys::SSL,
    hint: *const c_char,
    identity: *mut c_char,
    max_identity_len: c_uint,
    psk: *mut c_uchar,
    max_psk_len: c_uint,
) -> c_uint {
    // SAFETY: OpenSSL passes the live SSL and the hint (NULL or NUL-terminated).
    let (Some(ssl), hint) = (unsafe { SslRef::from_ptr(ssl) }, unsafe { text(hint) }) else {
        return 0;
    };
    guard("psk_client", Some(ssl), 0, || {
        if identity.is_null() || psk.is_null() {
            return 0;
        }
        let Some(reply) = H::client(ssl, hint) else {
            return 0;
        };
        let (id_max, psk_max) = (max_identity_len as usize, max_psk_len as usize);
        // SAFETY: OpenSSL's buffers: `identity` holds max_identity_len bytes (plus, in every
        // OpenSSL, one for the terminator, which we do not rely on), `psk` max_psk_len.
        let (id_buf, psk_buf) = unsafe {
            (
                std::slice::from_raw_parts_mut(identity.cast::<u8>(), id_max),
                std::slice::from_raw_parts_mut(psk, psk_max),
            )
        };
        // Python 3: the identity and its NUL must fit in max_identity_len, the key in
        // max_psk_len; anything longer fails the handshake.
        if reply.identity.len() + 1 > id_max || !copy_in(psk_buf, &reply.psk, psk_max) {
            return 0;
        }
        id_buf[..reply.identity.len()].copy_from_slice(&reply.identity);
        id_buf[reply.identity.len()] = 0;
        c_uint::try_from(reply.psk.len()).unwrap_or(0)
    })
}

extern "C" fn psk_server_shell<H: PskHandler>(
    ssl: *mut sys::SSL,
    identity: *const c_char,
    psk: *mut c_uchar,
    max_psk_len: c_uint,
) -> c_uint {
    // SAFETY: OpenSSL passes the live SSL and the identity (NULL or NUL-terminated).
    let (Some(ssl), identity) = (unsafe { SslRef::from_ptr(ssl) }, unsafe { text(identity) })
    else {
        return 0;
    };
    guard("psk_server", Some(ssl), 0, || {
        if psk.is_null() {
            return 0;
        }
        let Some(key) = H::server(ssl, identity) else {
            return 0;
        };
        let max = max_psk_len as usize;
        // SAFETY: OpenSSL's key buffer of max_psk_len bytes.
        let buf = unsafe { std::slice::from_raw_parts_mut(psk, max) };
        if !copy_in(buf, &key, max) {
            return 0;
        }
        c_uint::try_from(key.len()).unwrap_or(0)
    })
}

/// `SSL_CTX_set_psk_client_callback`: `H` when `on`, else none.
pub(crate) fn set_psk_client_callback<H: PskHandler>(ctx: &SslCtx, on: bool) {
    // SAFETY: a live context; the shell has the callback's C signature.
    unsafe {
        sys::SSL_CTX_set_psk_client_callback(ctx.as_ptr(), on.then_some(psk_client_shell::<H>))
    }
}

/// `SSL_CTX_set_psk_server_callback`: `H` when `on`, else none.
pub(crate) fn set_psk_server_callback<H: PskHandler>(ctx: &SslCtx, on: bool) {
    // SAFETY: a live context; the shell has the callback's C signature.
    unsafe {
        sys::SSL_CTX_set_psk_server_callback(ctx.as_ptr(), on.then_some(psk_server_shell::<H>))
    }
}

/// `SSL_CTX_use_psk_identity_hint` (None clears it); false when OpenSSL refuses it (longer
/// than `PSK_MAX_IDENTITY_LEN`). The error queue is cleared.
pub(crate) fn set_psk_identity_hint(ctx: &SslCtx, hint: Option<&CStr>) -> bool {
    // SAFETY: a live context; NULL or a NUL-terminated string, copied by OpenSSL.
    let ok = unsafe {
        SSL_CTX_use_psk_identity_hint(ctx.as_ptr(), hint.map_or(std::ptr::null(), CStr::as_ptr))
    } == 1;
    if !ok {
        crate::ossl::error::OsslError::take();
    }
    ok
}

#[cfg(test)]
mod tests {
    use super::copy_in;

    #[test]
    fn copy_in_checks_both_limits() {
        let mut buf = [0u8; 4];
        assert!(copy_in(&mut buf, b"abc", 4));
        assert_eq!(&buf[..3], b"abc");
        assert!(!copy_in(&mut buf, b"abcde", 8));
        assert!(!copy_in(&mut buf, b"abc", 2));
        assert!(copy_in(&mut buf, b"", 0));
    }
}
