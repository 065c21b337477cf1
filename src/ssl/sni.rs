//! The OpenSSL servername (SNI) callback behind `_SSLContext.set_servername_callback` (2.7)
//! and `_SSLContext.sni_callback` (Python 3.7).
//!
//! Installed on the context's `SSL_CTX`. On a server handshake OpenSSL calls it (with the GIL
//! released by `do_handshake` on sockets); the body runs in `py::callback::run`, which takes
//! the GIL and finds the `_SSLSocket` through the SSL's typed owner slot. The context whose
//! callable runs is the one the connection was made from (its `SSL_CTX` is the one calling
//! back). The callable gets `(owner, server_name or None, context)`, as 2.7.18 and Python 3:
//!
//! * `server_name`: `set_servername_callback` gives the SNI name decoded with the `idna` codec
//!   (unicode, 2.7); `sni_callback` gives the A-label as a `str` (Python 3.7: the name as
//!   sent, decoded as ASCII; a non-ASCII name is reported unraisable and aborts with
//!   INTERNAL_ERROR); None without SNI;
//! * `owner`: the `ssl.SSLSocket` or `ssl.SSLObject`; a memory-BIO connection with no owner
//!   passes the `_SSLSocket` itself (Python 3); a socket connection whose owner is gone aborts
//!   with INTERNAL_ERROR without calling (2.7);
//! * the callable may switch `owner.context` to choose another certificate;
//! * returning None continues; an int aborts with that TLS alert; any other value is reported
//!   (unraisable `TypeError`) and aborts with INTERNAL_ERROR; an exception is reported
//!   (unraisable) and aborts with HANDSHAKE_FAILURE. A Rust panic is stored on the connection
//!   and raised by `do_handshake` (the callback kit).

use crate::ossl::ctx::SslCtx;
use crate::ossl::ssl::{self as ossl_ssl, ServernameHandler, ServernameReply, SslRef};
use crate::py::callback;
use crate::py::object::PyObjectRef;
use crate::py::typeobj::downcast_owned;
use crate::py::{value, weakref, Borrowed, Owned, Python};
use crate::ssl::connection::Connection;
use crate::ssl::context::SslContext;
use std::ffi::c_int;

/// TLS alerts 2.7 sends (`SSL_AD_*`).
const ALERT_HANDSHAKE_FAILURE: c_int = openssl_sys::SSL_AD_HANDSHAKE_FAILURE;
const ALERT_INTERNAL_ERROR: c_int = openssl_sys::SSL_AD_INTERNAL_ERROR;

/// Routes the context's SNI callback to us.
pub(crate) fn install(ctx: &SslCtx) {
    ossl_ssl::set_servername_callback::<Sni>(ctx);
}

/// Removes it.
pub(crate) fn uninstall(ctx: &SslCtx) {
    ossl_ssl::clear_servername_callback(ctx);
}

struct Sni;

impl ServernameHandler for Sni {
    fn on_servername(ssl: SslRef<'_>) -> ServernameReply {
        callback::run::<Connection, _>(
            "servername",
            ssl,
            ServernameReply::Fatal(ALERT_INTERNAL_ERROR),
            |py, obj, conn| Ok(servername(py, ssl, obj, conn)),
        )
    }
}

/// The name argument: 2.7's IDNA-decoded unicode, or Python 3's A-label `str`. None when the
/// name cannot be converted (reported unraisable, as both do).
fn name_argument(raw: Option<Vec<u8>>, a_label: bool) -> Option<Owned> {
    let Some(raw) = raw else {
        return Some(value::none());
    };
    let bytes = match value::bytes(&raw) {
        Ok(b) => b,
        Err(e) => {
            e.write_unraisable(None);
            return None;
        }
    };
    let codec = if a_label { &b"ascii"[..] } else { b"idna" };
    let decoded = bytes
        .getattr(c"decode")
        .and_then(|d| d.call(&[&value::bytes(codec)?]));
    match decoded {
        // A-label: keep the native `str` (the name is ASCII, checked by the decode).
        Ok(_) if a_label => Some(bytes),
        Ok(name) => Some(name),
        Err(e) => {
            e.write_unraisable(Some(&bytes));
            None
        }
    }
}

fn servername(
    py: Python<'_>,
    ssl: SslRef<'_>,
    conn_obj: Borrowed<'_>,
    conn: &Connection,
) -> ServernameReply {
    let context = conn.wrap_ctx.clone();
    let Some(ctx) = downcast_owned::<SslContext>(&context) else {
        return ServernameReply::Ok;
    };
    // The callback may have been removed while this handshake was under way.
    let Some((cb, a_label)) = ctx.servername_callback_and_form(py) else {
        return ServernameReply::Ok;
    };
    let owner = match conn.owner(py) {
        Some(weak) => weakref::get(&weak),
        // Python 3 hands a memory-BIO connection without an owner to the callback itself.
        None if conn.is_memory() => conn_obj.to_owned(),
        None => value::none(),
    };
    if owner.is_none() {
        return ServernameReply::Fatal(ALERT_INTERNAL_ERROR);
    }
    let Some(name) = name_argument(ssl.servername(), a_label) else {
        return ServernameReply::Fatal(ALERT_INTERNAL_ERROR);
    };
    match cb.call(&[&owner, &name, &context]) {
        Err(e) => {
            // Reported with the callable as its context, as 2.7.18 does.
            e.write_unraisable(Some(&cb));
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
