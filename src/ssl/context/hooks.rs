//! The context's Python 3 callback settings: `sni_callback` (3.7), `keylog_filename` (3.8),
//! `set_psk_client_callback` / `set_psk_server_callback` (3.13). The callables live here
//! (traversed by the GC); the OpenSSL side is `ssl::sni`, `ssl::keylog`, `ssl::psk` over the
//! callback kit (`py::callback`, `ossl::hooks`).

use crate::ossl::ctx::Protocol;
use crate::ossl::hooks;
use crate::parse_args;
use crate::py::args::attribute_deleted;
use crate::py::args::{single_object, ObjectArg};
use crate::py::boundary::KwArgs;
use crate::py::err::Builtin;
use crate::py::object::PyObjectRef;
use crate::py::typeobj::{GilCell, Slf, Visit};
use crate::py::{value, Borrowed, Owned, PyErr, PyResult, Python};
use crate::ssl::context::SslContext;
use crate::ssl::errors::{lines, ssl_error_text};
use crate::ssl::keylog::{io_error, KeyLog, Keylog};
use crate::ssl::psk::Psk;
use std::ffi::{c_int, CString};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// The callables and the key log file of one context.
#[derive(Default)]
pub(crate) struct Hooks {
    /// The servername callable was given to `sni_callback` (A-label `str` names) rather than
    /// `set_servername_callback` (2.7's IDNA-decoded unicode).
    pub(super) sni_a_label: AtomicBool,
    psk_client: GilCell<Option<Owned>>,
    psk_server: GilCell<Option<Owned>>,
    keylog_filename: GilCell<Option<Owned>>,
    /// Shared with the key log callbacks of running connections (each clones the `Arc`).
    keylog: Mutex<Option<Arc<KeyLog>>>,
}

impl Default for GilCell<Option<Owned>> {
    fn default() -> Self {
        GilCell::new(None)
    }
}

impl Hooks {
    pub(super) fn traverse(&self, py: Python<'_>, visit: &mut Visit<'_>) -> c_int {
        for cell in [&self.psk_client, &self.psk_server, &self.keylog_filename] {
            if let Some(obj) = cell.get(py) {
                let r = visit.visit(&obj);
                if r != 0 {
                    return r;
                }
            }
        }
        0
    }

    pub(super) fn clear(&self, py: Python<'_>) {
        drop(self.psk_client.replace(py, None));
        drop(self.psk_server.replace(py, None));
    }
}

impl SslContext {
    /// The open key log file, if `keylog_filename` is set.
    pub(crate) fn keylog(&self) -> Option<Arc<KeyLog>> {
        self.hooks
            .keylog
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// The PSK client (or server) callable.
    pub(crate) fn psk_callback(&self, py: Python<'_>, client: bool) -> Option<Owned> {
        if client {
            self.hooks.psk_client.get(py)
        } else {
            self.hooks.psk_server.get(py)
        }
    }
}

/// Python: `_ssl._SSLContext.sni_callback` (get): the servername callable, whichever setter
/// gave it (Python 3 shows the shim `set_servername_callback` made; we have none).
pub(crate) fn get_sni_callback(py: Python<'_>, slf: Slf<'_, SslContext>) -> PyResult<Owned> {
    Ok(slf.servername_callback(py).unwrap_or_else(value::none))
}

/// Python: `_ssl._SSLContext.sni_callback` (set): a callable gets `(sslobject, A-label str
/// or None, context)`; None disables; anything else is `TypeError("not a callable object")`
/// and leaves none set (as `set_servername_callback`).
pub(crate) fn set_sni_callback(
    py: Python<'_>,
    slf: Slf<'_, SslContext>,
    v: Option<Borrowed<'_>>,
) -> PyResult<()> {
    let v = v.ok_or_else(attribute_deleted)?;
    slf.hooks.sni_a_label.store(true, Ordering::Release);
    slf.replace_servername_callback(py, v.to_owned()).map(drop)
}

/// What the text arguments below take: a str's bytes, or a unicode encoded with `encoding`
/// (asked for only then), as a C string. Any other type is a `TypeError` whose message
/// `refused` makes from the type's name; a NUL byte is `ValueError(nul)`.
fn c_text(
    obj: &dyn PyObjectRef,
    encoding: impl FnOnce() -> PyResult<Owned>,
    refused: impl FnOnce(String) -> String,
    nul: &str,
) -> PyResult<CString> {
    let bytes = if value::is_str(obj) {
        value::as_bytes(obj)?
    } else if value::is_unicode(obj) {
        value::as_bytes(&obj.getattr(c"encode")?.call(&[&encoding()?])?)?
    } else {
        return Err(PyErr::new(Builtin::TypeError, &refused(obj.type_name())));
    };
    CString::new(bytes).map_err(|_| PyErr::new(Builtin::ValueError, nul))
}

/// The path argument of `keylog_filename`: a str, or unicode in the file system encoding.
fn path_bytes(obj: &Owned) -> PyResult<CString> {
    let fs_encoding = || {
        let enc = crate::py::module::import(c"sys")?
            .getattr(c"getfilesystemencoding")?
            .call(&[])?;
        if enc.is_none() {
            value::bytes(b"utf-8")
        } else {
            Ok(enc)
        }
    };
    let refused = |t| format!("expected str, bytes or os.PathLike object, not {t}");
    c_text(obj, fs_encoding, refused, "embedded null byte")
}

/// Python: `_ssl._SSLContext.keylog_filename` (get)
pub(crate) fn get_keylog_filename(py: Python<'_>, slf: Slf<'_, SslContext>) -> PyResult<Owned> {
    Ok(slf
        .hooks
        .keylog_filename
        .get(py)
        .unwrap_or_else(value::none))
}

/// Python: `_ssl._SSLContext.keylog_filename` (set): as Python 3, key logging is switched off
/// first, then the file is opened for appending (an error raises here and leaves it off);
/// None disables.
pub(crate) fn set_keylog_filename(
    py: Python<'_>,
    slf: Slf<'_, SslContext>,
    v: Option<Borrowed<'_>>,
) -> PyResult<()> {
    let v = v.ok_or_else(attribute_deleted)?.to_owned();
    let _config = slf.config_lock(py);
    hooks::set_keylog_callback::<Keylog>(slf.ssl_ctx(), false);
    drop(slf.hooks.keylog_filename.replace(py, None));
    *slf.hooks.keylog.lock().unwrap_or_else(|e| e.into_inner()) = None;
    if v.is_none() {
        return Ok(());
    }
    let path = path_bytes(&v)?;
    let log = py
        .allow_threads(|| KeyLog::open(&path))
        .map_err(|e| io_error(&e, path.to_bytes()))?;
    *slf.hooks.keylog.lock().unwrap_or_else(|e| e.into_inner()) = Some(Arc::new(log));
    slf.hooks.keylog_filename.replace(py, Some(v));
    hooks::set_keylog_callback::<Keylog>(slf.ssl_ctx(), true);
    Ok(())
}

/// The `callback` argument of a PSK setter, checked in Python 3's order: the context is not of
/// the `refused` protocol (the other side's; `SSLError(message)`), then the argument is None
/// (→ None) or a callable, else `TypeError`.
fn psk_callback_arg(
    slf: &SslContext,
    cb: Borrowed<'_>,
    refused: Protocol,
    message: &str,
    line: u32,
) -> PyResult<Option<Owned>> {
    if slf.protocol() == refused {
        return Err(ssl_error_text(message, line));
    }
    if cb.is_none() {
        Ok(None)
    } else if cb.is_callable() {
        Ok(Some(cb.to_owned()))
    } else {
        Err(PyErr::new(Builtin::TypeError, "callback must be callable"))
    }
}

/// Python: `_ssl._SSLContext.set_psk_client_callback(callback)`
pub(crate) fn set_psk_client_callback(
    py: Python<'_>,
    slf: Slf<'_, SslContext>,
    args: KwArgs<'_>,
) -> PyResult<Owned> {
    let callback = single_object(args, c"O:set_psk_client_callback", Some(&[c"callback"]))?;
    let cb = psk_callback_arg(
        &slf,
        callback,
        Protocol::TlsServer,
        "Cannot add PSK client callback to a PROTOCOL_TLS_SERVER context",
        lines::PSK_CLIENT,
    )?;
    let _config = slf.config_lock(py);
    let on = cb.is_some();
    drop(slf.hooks.psk_client.replace(py, cb));
    hooks::set_psk_client_callback::<Psk>(slf.ssl_ctx(), on);
    Ok(value::none())
}

/// The `identity_hint` argument: str, unicode (UTF-8) or None, else Python 3's `TypeError`.
fn hint_bytes(hint: Option<Borrowed<'_>>) -> PyResult<Option<CString>> {
    let Some(hint) = hint.filter(|h| !h.is_none()) else {
        return Ok(None);
    };
    let refused = |t| {
        format!("set_psk_server_callback() argument 'identity_hint' must be str or None, not {t}")
    };
    let utf8 = || value::bytes(b"utf-8");
    c_text(&hint, utf8, refused, "embedded null character").map(Some)
}

/// Python: `_ssl._SSLContext.set_psk_server_callback(callback, identity_hint=None)`
pub(crate) fn set_psk_server_callback(
    py: Python<'_>,
    slf: Slf<'_, SslContext>,
    args: KwArgs<'_>,
) -> PyResult<Owned> {
    parse_args!(args, c"O|O:set_psk_server_callback" => keywords(
        callback: ObjectArg::new(), identity_hint: ObjectArg::new()));
    let hint = hint_bytes(identity_hint.get())?;
    let cb = psk_callback_arg(
        &slf,
        callback.get().expect("required argument"),
        Protocol::TlsClient,
        "Cannot add PSK server callback to a PROTOCOL_TLS_CLIENT context",
        lines::PSK_SERVER,
    )?;
    let _config = slf.config_lock(py);
    if cb.is_some() && !hooks::set_psk_identity_hint(slf.ssl_ctx(), hint.as_deref()) {
        return Err(PyErr::new(
            Builtin::ValueError,
            "failed to set identity hint",
        ));
    }
    let on = cb.is_some();
    drop(slf.hooks.psk_server.replace(py, cb));
    hooks::set_psk_server_callback::<Psk>(slf.ssl_ctx(), on);
    Ok(value::none())
}
