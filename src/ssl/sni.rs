//! The OpenSSL servername (SNI) callback of `_SSLContext.set_servername_callback`.
//!
//! Installed on the context's `SSL_CTX` with the context object as its argument. On a server
//! handshake OpenSSL calls it (with the GIL released by `do_handshake`); we take the GIL, find
//! the `_SSLSocket` from the SSL's app data, and call the Python callback with
//! `(ssl.SSLSocket, server_name or None, context)` exactly as 2.7.18 does:
//!
//! * `server_name` is the SNI name decoded with the `idna` codec (unicode); None without SNI;
//! * the callback may switch `sslsocket.context` to choose another certificate;
//! * returning None continues the handshake; returning an int aborts it with that TLS alert;
//!   any other return value is reported (unraisable `TypeError`) and aborts with
//!   INTERNAL_ERROR; an exception is reported (unraisable) and aborts with HANDSHAKE_FAILURE;
//! * if the owner `ssl.SSLSocket` is gone (or was never given), the handshake aborts with
//!   INTERNAL_ERROR without calling the callback.

use crate::ossl::ctx::SslCtx;
use crate::ossl::ssl::{self as ossl_ssl, ServernameHandler, ServernameReply, SslRef};
use crate::py::object::PyObjectRef;
use crate::py::typeobj::downcast;
use crate::py::{gil, value, weakref, Borrowed, Python};
use crate::ssl::connection::Connection;
use crate::ssl::context::ContextObject;
use std::ffi::{c_int, c_void};

/// TLS alerts 2.7 sends (`SSL_AD_*`).
const ALERT_HANDSHAKE_FAILURE: c_int = openssl_sys::SSL_AD_HANDSHAKE_FAILURE;
const ALERT_INTERNAL_ERROR: c_int = openssl_sys::SSL_AD_INTERNAL_ERROR;

/// Python: `_SSLContext.set_servername_callback(cb)`, OpenSSL side: route the context's SNI
/// callback to us, with `context` (the `_SSLContext` object owning `ctx`) as its argument.
///
/// `context` stays valid while the callback can run: every `_SSLSocket` made from this
/// context keeps a strong reference to it for its whole life (its `wrap_context`), and OpenSSL
/// only runs a context's servername callback for connections made from that context.
pub(crate) fn install(ctx: &SslCtx, context: &dyn PyObjectRef) {
    // SAFETY: see above: the argument outlives every connection that can call back.
    unsafe { ossl_ssl::set_servername_callback::<Sni>(ctx, context.ptr().cast()) }
}

/// Python: `_SSLContext.set_servername_callback(None)`, OpenSSL side.
pub(crate) fn uninstall(ctx: &SslCtx) {
    ossl_ssl::clear_servername_callback(ctx);
}

struct Sni;

impl ServernameHandler for Sni {
    fn on_servername(ssl: SslRef<'_>, arg: *mut c_void) -> ServernameReply {
        gil::with_gil(|py| servername(py, ssl, arg))
    }
}

fn servername(py: Python<'_>, ssl: SslRef<'_>, arg: *mut c_void) -> ServernameReply {
    // SAFETY: `arg` is the `_SSLContext` given to `install`, alive (see there); the GIL is held.
    let Some(context) = (unsafe { Borrowed::from_ptr(arg.cast()) }) else {
        return ServernameReply::Ok;
    };
    let Some(ctx) = downcast::<ContextObject>(context) else {
        return ServernameReply::Ok;
    };
    // The callback may have been removed while this handshake was under way.
    let Some(callback) = ctx.servername_callback(py) else {
        return ServernameReply::Ok;
    };
    // SAFETY: the app data is the `_SSLSocket` that owns this SSL (set in `wrap_socket`); it is
    // alive because the handshake running this callback was called on it.
    let Some(socket_obj) = (unsafe { Borrowed::from_ptr(ssl.app_data().cast()) }) else {
        return ServernameReply::Fatal(ALERT_INTERNAL_ERROR);
    };
    let Some(conn) = downcast::<Connection>(socket_obj) else {
        return ServernameReply::Fatal(ALERT_INTERNAL_ERROR);
    };
    let owner = match conn.owner(py) {
        Some(weak) => weakref::get(&weak),
        // Python 3 hands a memory-BIO connection without an owner to the callback itself.
        None if conn.is_memory() => socket_obj.to_owned(),
        None => value::none(),
    };
    if owner.is_none() {
        return ServernameReply::Fatal(ALERT_INTERNAL_ERROR);
    }
    let name = match ssl.servername() {
        None => value::none(),
        Some(raw) => {
            let raw = match value::bytes(&raw) {
                Ok(b) => b,
                Err(e) => {
                    e.write_unraisable(Some(&context));
                    return ServernameReply::Fatal(ALERT_INTERNAL_ERROR);
                }
            };
            let decoded = raw
                .getattr(c"decode")
                .and_then(|d| d.call(&[&value::bytes(b"idna").unwrap_or_else(|_| value::none())]));
            match decoded {
                Ok(name) => name,
                Err(e) => {
                    e.write_unraisable(Some(&raw));
                    return ServernameReply::Fatal(ALERT_INTERNAL_ERROR);
                }
            }
        }
    };
    match callback.call(&[&owner, &name, &context]) {
        Err(e) => {
            e.write_unraisable(Some(&callback));
            ServernameReply::Fatal(ALERT_HANDSHAKE_FAILURE)
        }
        Ok(result) if result.is_none() => ServernameReply::Ok,
        Ok(result) => match value::long_as_long(&result) {
            Ok(alert) => ServernameReply::Fatal(alert as c_int),
            Err(e) => {
                e.write_unraisable(Some(&result));
                ServernameReply::Fatal(ALERT_INTERNAL_ERROR)
            }
        },
    }
}
