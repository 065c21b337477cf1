//! Python 3 context settings that are one OpenSSL knob each: `hostname_checks_common_name`
//! (3.7), `num_tickets` and `post_handshake_auth` (3.8) and `get_ciphers()` (3.6).

use crate::ossl::cipher::context_ciphers;
use crate::ossl::ctx::Protocol;
use crate::py::args::SsizeArg;
use crate::py::args::{attribute_deleted, parse_setter_value};
use crate::py::err::Builtin;
use crate::py::object::PyObjectRef;
use crate::py::typeobj::Slf;
use crate::py::{value, Borrowed, Owned, PyErr, PyResult, Python};
use crate::ssl::context::SslContext;
use crate::ssl::errors::{lines, ssl_error_from_queue};
// Never fall back to the subject's CN (`hostname_checks_common_name = False`).
use openssl_sys::X509_CHECK_FLAG_NEVER_CHECK_SUBJECT;
use std::sync::atomic::Ordering;

/// Python: `_ssl._SSLContext.hostname_checks_common_name` (get)
pub(crate) fn get_hostname_checks_common_name(
    _py: Python<'_>,
    slf: Slf<'_, SslContext>,
) -> PyResult<Owned> {
    let flags = slf.host_flags.load(Ordering::Acquire);
    Ok(value::boolean(
        flags & X509_CHECK_FLAG_NEVER_CHECK_SUBJECT == 0,
    ))
}

/// Python: `_ssl._SSLContext.hostname_checks_common_name` (set): whether a certificate with
/// no DNS name may match by its subject's common name (OpenSSL's check; `SSLObject` only,
/// see ssl::wrap).
pub(crate) fn set_hostname_checks_common_name(
    py: Python<'_>,
    slf: Slf<'_, SslContext>,
    v: Option<Borrowed<'_>>,
) -> PyResult<()> {
    let on = v.ok_or_else(attribute_deleted)?.is_true()?;
    let _config = slf.config_lock(py);
    let old = slf.host_flags.load(Ordering::Acquire);
    let new = if on {
        old & !X509_CHECK_FLAG_NEVER_CHECK_SUBJECT
    } else {
        old | X509_CHECK_FLAG_NEVER_CHECK_SUBJECT
    };
    slf.host_flags.store(new, Ordering::Release);
    slf.ssl_ctx().set_host_flags(new);
    Ok(())
}

/// Python: `_ssl._SSLContext.num_tickets` (get)
pub(crate) fn get_num_tickets(_py: Python<'_>, slf: Slf<'_, SslContext>) -> PyResult<Owned> {
    value::long(slf.ssl_ctx().num_tickets() as i64)
}

/// Python: `_ssl._SSLContext.num_tickets` (set): server contexts (`PROTOCOL_TLS_SERVER`) only,
/// as in Python 3.
pub(crate) fn set_num_tickets(
    py: Python<'_>,
    slf: Slf<'_, SslContext>,
    v: Option<Borrowed<'_>>,
) -> PyResult<()> {
    let Ok(n) = usize::try_from(parse_setter_value(v, c"n", SsizeArg(0))?.0) else {
        return Err(PyErr::new(
            Builtin::ValueError,
            "value must be non-negative",
        ));
    };
    if slf.protocol() != Protocol::TlsServer {
        return Err(PyErr::new(
            Builtin::ValueError,
            "SSLContext is not a server context.",
        ));
    }
    let _config = slf.config_lock(py);
    if !slf.ssl_ctx().set_num_tickets(n) {
        return Err(PyErr::new(Builtin::TypeError, "failed to set num tickets."));
    }
    Ok(())
}

/// Python: `_ssl._SSLContext.get_ciphers()`: a dict per cipher a connection would offer.
pub(crate) fn get_ciphers(py: Python<'_>, slf: Slf<'_, SslContext>) -> PyResult<Owned> {
    let list = {
        let _config = slf.config_lock(py);
        context_ciphers(slf.ssl_ctx()).map_err(|e| ssl_error_from_queue(&e, lines::GET_CIPHERS))?
    };
    let text = |s: &Option<String>| match s {
        Some(s) => value::bytes(s.as_bytes()),
        None => Ok(value::none()),
    };
    let mut out = Vec::with_capacity(list.len());
    for c in &list {
        let d = value::dict()?;
        value::dict_set_str(&d, "id", &value::ulong(c.id)?)?;
        value::dict_set_str(&d, "name", &text(&c.name)?)?;
        value::dict_set_str(&d, "protocol", &text(&c.protocol)?)?;
        value::dict_set_str(&d, "description", &value::bytes(c.description.as_bytes())?)?;
        value::dict_set_str(&d, "strength_bits", &value::int(c.strength_bits.into())?)?;
        value::dict_set_str(&d, "alg_bits", &value::int(c.alg_bits.into())?)?;
        value::dict_set_str(&d, "aead", &value::boolean(c.aead))?;
        value::dict_set_str(&d, "symmetric", &text(&c.symmetric)?)?;
        value::dict_set_str(&d, "digest", &text(&c.digest)?)?;
        value::dict_set_str(&d, "kea", &text(&c.kea)?)?;
        value::dict_set_str(&d, "auth", &text(&c.auth)?)?;
        out.push(d);
    }
    value::list(out)
}

/// Python: `_ssl._SSLContext.post_handshake_auth` (get)
pub(crate) fn get_post_handshake_auth(
    _py: Python<'_>,
    slf: Slf<'_, SslContext>,
) -> PyResult<Owned> {
    Ok(value::boolean(
        slf.post_handshake_auth.load(Ordering::Acquire),
    ))
}

/// Python: `_ssl._SSLContext.post_handshake_auth` (set): applies to connections made after
/// (`ssl::wrap` enables it per connection, as Python 3 does).
pub(crate) fn set_post_handshake_auth(
    _py: Python<'_>,
    slf: Slf<'_, SslContext>,
    v: Option<Borrowed<'_>>,
) -> PyResult<()> {
    let v = v.ok_or_else(|| PyErr::new(Builtin::AttributeError, "cannot delete attribute"))?;
    slf.post_handshake_auth
        .store(v.is_true()?, Ordering::Release);
    Ok(())
}
