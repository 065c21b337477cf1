//! Python 3.7's `_SSLContext.minimum_version` / `maximum_version`: the lowest and highest TLS
//! version a context negotiates, as `_ssl.PROTO_*` numbers (the wire versions, plus -2 and -1
//! for "whatever OpenSSL supports"). Only the generic protocols (`PROTOCOL_TLS`,
//! `PROTOCOL_TLS_CLIENT`, `PROTOCOL_TLS_SERVER`) may change them, as in Python 3.
//!
//! Defaults: a `PROTOCOL_TLS` context keeps 2.7's (no minimum of its own: the system policy
//! decides), where Python 3.10+ sets TLS 1.2; the Python-3-only `PROTOCOL_TLS_CLIENT` and
//! `PROTOCOL_TLS_SERVER` get Python 3's TLS 1.2 minimum (set in `context_new`).

use crate::py::args::parse_setter_value;
use crate::py::args::LongArg;
use crate::py::err::Builtin;
use crate::py::typeobj::Slf;
use crate::py::{value, Borrowed, Owned, PyErr, PyResult, Python};
use crate::ssl::context::SslContext;
use std::ffi::c_int;

/// `_ssl.PROTO_*` (Python 3's `_ssl` values).
pub(crate) const PROTO_MINIMUM_SUPPORTED: c_int = -2;
pub(crate) const PROTO_MAXIMUM_SUPPORTED: c_int = -1;
pub(crate) const PROTO_SSLV3: c_int = 0x300;
pub(crate) const PROTO_TLSV1: c_int = 0x301;
pub(crate) const PROTO_TLSV1_1: c_int = 0x302;
pub(crate) const PROTO_TLSV1_2: c_int = 0x303;
pub(crate) const PROTO_TLSV1_3: c_int = 0x304;

/// What "the lowest/highest the library supports" means when the other end of the range is
/// asked for (Python 3 emulates `MAXIMUM_SUPPORTED` as a minimum with the newest version, and
/// the reverse).
/// (No OpenSSL this builds against has SSLv3 compiled in, so the lowest is TLS 1.0, as Python 3
/// reports on the same library.)
const MINIMUM_AVAILABLE: c_int = PROTO_TLSV1;
const MAXIMUM_AVAILABLE: c_int = PROTO_TLSV1_3;

/// Python: `_ssl._SSLContext.minimum_version` / `maximum_version` (get): `MAXIMUM` says which.
pub(crate) fn get_version<const MAXIMUM: bool>(
    _py: Python<'_>,
    slf: Slf<'_, SslContext>,
) -> PyResult<Owned> {
    get(&slf, MAXIMUM)
}

/// Python: `_ssl._SSLContext.minimum_version` / `maximum_version` (set)
pub(crate) fn set_version<const MAXIMUM: bool>(
    py: Python<'_>,
    slf: Slf<'_, SslContext>,
    v: Option<Borrowed<'_>>,
) -> PyResult<()> {
    set(py, &slf, v, MAXIMUM)
}

fn get(slf: &SslContext, maximum: bool) -> PyResult<Owned> {
    // A version-specific protocol (PROTOCOL_TLSv1_2...) is pinned here with min = max, where
    // Python 3 uses a version-specific method and reports no limits: say what Python 3 says.
    let configured = if slf.protocol().is_generic() {
        slf.ssl_ctx().proto_version(maximum)
    } else {
        0
    };
    let v = match configured {
        0 if maximum => PROTO_MAXIMUM_SUPPORTED,
        0 => PROTO_MINIMUM_SUPPORTED,
        v => v,
    };
    value::int(v.into())
}

fn set(py: Python<'_>, slf: &SslContext, v: Option<Borrowed<'_>>, maximum: bool) -> PyResult<()> {
    let n = parse_setter_value(v, c"l", LongArg(0))?.0;
    // On Windows `long` is `int`: the conversion cannot fail there.
    #[allow(irrefutable_let_patterns)]
    let Ok(v) = c_int::try_from(n) else {
        return Err(PyErr::new(Builtin::OverflowError, "Option is too long"));
    };
    if !slf.protocol().is_generic() {
        return Err(PyErr::new(
            Builtin::ValueError,
            "The context's protocol doesn't support modification of highest and lowest version.",
        ));
    }
    match v {
        PROTO_SSLV3 | PROTO_TLSV1 | PROTO_TLSV1_1 => {
            let name = match v {
                PROTO_SSLV3 => "SSLv3",
                PROTO_TLSV1 => "TLSv1",
                _ => "TLSv1_1",
            };
            crate::py::err::warn_deprecation(&format!("ssl.TLSVersion.{name} is deprecated"))?;
        }
        PROTO_MINIMUM_SUPPORTED | PROTO_MAXIMUM_SUPPORTED | PROTO_TLSV1_2 | PROTO_TLSV1_3 => {}
        _ => {
            return Err(PyErr::new(
                Builtin::ValueError,
                &format!("Unsupported TLS/SSL version 0x{v:x}"),
            ))
        }
    }
    let wire = match (v, maximum) {
        (PROTO_MINIMUM_SUPPORTED, false) | (PROTO_MAXIMUM_SUPPORTED, true) => 0,
        (PROTO_MAXIMUM_SUPPORTED, false) => MAXIMUM_AVAILABLE,
        (PROTO_MINIMUM_SUPPORTED, true) => MINIMUM_AVAILABLE,
        (v, _) => v,
    };
    let _config = slf.config_lock(py);
    if !slf.ssl_ctx().set_proto_version(maximum, wire) {
        crate::ossl::error::OsslError::take();
        return Err(PyErr::new(
            Builtin::ValueError,
            &format!("Unsupported protocol version 0x{wire:x}"),
        ));
    }
    Ok(())
}
