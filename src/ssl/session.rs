//! `_ssl.SSLSession` (Python 3.6's): a finished handshake's resumption state, read from a
//! connection's `session` and given to a later connection of the same context (`session=` of
//! `wrap_socket`/`wrap_bio`, or the `session` setter) to resume it.
//!
//! As in Python 3 it cannot be made from Python, keeps the context it came from (a session
//! only resumes on a connection of that context), compares equal by session id, and is
//! unhashable.

use crate::ossl::session::Session;
use crate::py::module::Module;
use crate::py::typeobj::{create, downcast, PyClass, Slf, TypeBuilder, Visit};
use crate::py::{value, Borrowed, Owned, PyResult, Python};
use crate::py_richcompare;
use crate::ssl::context::SslContext;
use std::ffi::c_int;

/// CPython's `Py_EQ` and `Py_NE` (`object.h`).
const PY_EQ: c_int = 2;
const PY_NE: c_int = 3;

pub(crate) struct SslSession {
    session: Session,
    /// The `_SSLContext` of the connection it came from.
    context: Owned,
}

impl PyClass for SslSession {
    crate::py_type_slot!();

    fn traverse(&self, _py: Python<'_>, visit: &mut Visit<'_>) -> c_int {
        visit.visit(&self.context)
    }
}

impl SslSession {
    /// Wraps a session taken from a connection whose context is `context`.
    pub(crate) fn wrap(session: Session, context: Owned) -> PyResult<Owned> {
        create(SslSession { session, context })
    }

    pub(crate) fn session(&self) -> &Session {
        &self.session
    }

    /// The `SSL_CTX` of the context the session came from (for the same-context check).
    pub(crate) fn ssl_ctx_ptr(&self) -> *const openssl_sys::SSL_CTX {
        crate::py::typeobj::downcast_owned::<SslContext>(&self.context)
            .map_or(std::ptr::null(), |c| c.ssl_ctx().as_ptr().cast_const())
    }
}

py_richcompare!(session_tp_richcompare, SslSession, richcompare);

/// Python: `_ssl.SSLSession` (the type).
pub(crate) fn add_type(_py: Python<'_>, m: &Module) -> PyResult<()> {
    let ty = TypeBuilder::new::<SslSession>(c"_ssl.SSLSession", c"")
        .gc::<SslSession>()
        .richcompare(session_tp_richcompare);
    let ty = crate::py_members!(ty, SslSession {
        get c"id" => id, c"Session ID.";
        get c"time" => time, c"Session creation time (seconds since epoch).";
        get c"timeout" => timeout, c"Session timeout (delta in seconds).";
        get c"ticket_lifetime_hint" => ticket_lifetime_hint, c"Ticket life time hint.";
        get c"has_ticket" => has_ticket, c"Does the session contain a ticket?";
    })
    .build::<SslSession>()?;
    m.add(c"SSLSession", ty)
}

/// Python: `_ssl.SSLSession.id`
fn id(_py: Python<'_>, slf: Slf<'_, SslSession>) -> PyResult<Owned> {
    value::bytes(&slf.session.id())
}

/// Python: `_ssl.SSLSession.time`
fn time(_py: Python<'_>, slf: Slf<'_, SslSession>) -> PyResult<Owned> {
    value::int(slf.session.time())
}

/// Python: `_ssl.SSLSession.timeout`
fn timeout(_py: Python<'_>, slf: Slf<'_, SslSession>) -> PyResult<Owned> {
    value::int(slf.session.timeout())
}

/// Python: `_ssl.SSLSession.ticket_lifetime_hint`
fn ticket_lifetime_hint(_py: Python<'_>, slf: Slf<'_, SslSession>) -> PyResult<Owned> {
    // An int, as Python 3 shows it (2.7 would make a long of an unsigned long).
    match std::ffi::c_long::try_from(slf.session.ticket_lifetime_hint()) {
        Ok(v) => value::int(v),
        Err(_) => value::ulong(slf.session.ticket_lifetime_hint()),
    }
}

/// Python: `_ssl.SSLSession.has_ticket`
fn has_ticket(_py: Python<'_>, slf: Slf<'_, SslSession>) -> PyResult<Owned> {
    Ok(value::boolean(slf.session.has_ticket()))
}

/// Python: `SSLSession.__eq__`/`__ne__` (other comparisons: NotImplemented).
fn richcompare(
    _py: Python<'_>,
    slf: Slf<'_, SslSession>,
    other: Borrowed<'_>,
    op: c_int,
) -> PyResult<Owned> {
    let Some(other) = downcast::<SslSession>(other) else {
        return Ok(value::not_implemented());
    };
    let equal = slf.session.same_as(&other.session);
    Ok(match op {
        PY_EQ => value::boolean(equal),
        PY_NE => value::boolean(!equal),
        _ => value::not_implemented(),
    })
}
