//! The PSK callbacks of `_SSLContext.set_psk_client_callback` / `set_psk_server_callback`
//! (Python 3.13): TLS 1.2 PSK cipher suites and TLS 1.3 external PSKs (OpenSSL's
//! compatibility path, which uses these same callbacks).
//!
//! As in Python 3, the callable is the one of the connection's current context. The client's
//! callable gets the server's identity hint (unicode decoded from UTF-8, or None) and returns
//! `(identity, psk)`: identity a str/unicode (UTF-8) or None, psk a byte string. The server's
//! gets the client's identity (unicode or None) and returns the psk. Anything else — an
//! exception, a wrong type — is reported as unraisable (Python 3 does the same) and fails the
//! handshake; an identity or key too long for OpenSSL, or a hint or identity that is not
//! UTF-8, fails it silently, as in Python 3.

use crate::ossl::hooks::{PskClientReply, PskHandler};
use crate::ossl::ssl::SslRef;
use crate::py::callback;
use crate::py::err::Builtin;
use crate::py::object::PyObjectRef;
use crate::py::typeobj::downcast_owned;
use crate::py::{value, Owned, PyErr, PyResult, Python};
use crate::ssl::connection::Connection;
use crate::ssl::context::SslContext;

pub(crate) struct Psk;

/// The current context's client (or server) callable.
fn callable(py: Python<'_>, conn: &Connection, client: bool) -> Option<Owned> {
    let ctx = conn.ctx.get(py);
    let ctx = downcast_owned::<SslContext>(&ctx)?;
    ctx.psk_callback(py, client)
}

/// The hint or identity OpenSSL received, as the callable's argument; None if not UTF-8.
fn text_argument(raw: Option<&[u8]>) -> Option<PyResult<Owned>> {
    match raw {
        None => Some(Ok(value::none())),
        Some(raw) => std::str::from_utf8(raw)
            .ok()
            .map(|_| value::unicode_from_utf8(raw, c"strict")),
    }
}

/// A `str` (bytes) result's contents, else `TypeError` naming what was expected.
fn byte_string(obj: &Owned, what: &str) -> PyResult<Vec<u8>> {
    if value::is_str(obj) {
        return value::as_bytes(obj);
    }
    Err(PyErr::new(
        Builtin::TypeError,
        &format!("{what} must be a byte string"),
    ))
}

/// The client callable's `(identity, psk)`.
fn client_reply(result: &Owned) -> PyResult<PskClientReply> {
    let is_pair = value::is_tuple(result)? && value::len(result)? == 2;
    if !is_pair {
        return Err(PyErr::new(
            Builtin::TypeError,
            "PSK client callback must return a tuple (identity, psk)",
        ));
    }
    let identity = value::item(result, 0)?;
    let psk = value::item(result, 1)?;
    let identity = if identity.is_none() {
        Vec::new()
    } else if value::is_unicode(&identity) {
        value::as_bytes(
            &identity
                .getattr(c"encode")?
                .call(&[&value::bytes(b"utf-8")?])?,
        )?
    } else {
        byte_string(&identity, "identity")?
    };
    Ok(PskClientReply {
        identity,
        psk: byte_string(&psk, "psk")?,
    })
}

/// Runs `f`; its exception is reported as unraisable with the callable as context (Python
/// 3's `PyErr_WriteUnraisable(callback)`), and the handshake fails.
fn reported<T>(cb: &Owned, f: impl FnOnce() -> PyResult<T>) -> Option<T> {
    match f() {
        Ok(v) => Some(v),
        Err(e) => {
            e.write_unraisable(Some(cb));
            None
        }
    }
}

impl PskHandler for Psk {
    fn client(ssl: SslRef<'_>, hint: Option<&[u8]>) -> Option<PskClientReply> {
        callback::run::<Connection, _>("psk_client", ssl, None, |py, _obj, conn| {
            let Some(cb) = callable(py, conn, true) else {
                return Ok(None);
            };
            let Some(arg) = text_argument(hint) else {
                return Ok(None);
            };
            Ok(reported(&cb, || client_reply(&cb.call(&[&arg?])?)))
        })
    }

    fn server(ssl: SslRef<'_>, identity: Option<&[u8]>) -> Option<Vec<u8>> {
        callback::run::<Connection, _>("psk_server", ssl, None, |py, _obj, conn| {
            let Some(cb) = callable(py, conn, false) else {
                return Ok(None);
            };
            let Some(arg) = text_argument(identity) else {
                return Ok(None);
            };
            Ok(reported(&cb, || byte_string(&cb.call(&[&arg?])?, "psk")))
        })
    }
}
