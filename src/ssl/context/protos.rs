//! `_set_alpn_protocols` and `_set_npn_protocols`: `ssl.py` hands over the wire format
//! (`<len><name>` repeated), which is copied into the context (`ossl::protos`).

use super::SslContext;
use crate::ossl::ctx::SslCtx;
use crate::ossl::protos::{ProtosError, HAS_NPN};
use crate::parse_args;
use crate::py::args::BufferArg;
use crate::py::boundary::Args;
use crate::py::err::Builtin;
use crate::py::typeobj::Slf;
use crate::py::{value, Owned, PyErr, PyResult, Python};

/// What both setters do: take the wire-format list (2.7 names both methods
/// "set_npn_protocols" in its argument errors) and store it with `store` under the context's
/// lock; any failure is 2.7's bare `MemoryError`.
fn set_protocols(
    py: Python<'_>,
    slf: Slf<'_, SslContext>,
    args: Args<'_>,
    store: impl FnOnce(&SslCtx, &[u8]) -> Result<(), ProtosError>,
) -> PyResult<Owned> {
    parse_args!(args, c"s*:set_npn_protocols" => positional(buf: BufferArg::new()));
    let wire = buf.bytes().unwrap_or_default().to_vec();
    let _guard = slf.lock.acquire(py);
    store(slf.ssl_ctx(), &wire).map_err(|_| PyErr::new(Builtin::MemoryError, ""))?;
    Ok(value::none())
}

/// Python: `_ssl._SSLContext._set_alpn_protocols(protos)`
pub(super) fn set_alpn_protocols(
    py: Python<'_>,
    slf: Slf<'_, SslContext>,
    args: Args<'_>,
) -> PyResult<Owned> {
    set_protocols(py, slf, args, SslCtx::set_alpn_protocols)
}

/// Python: `_ssl._SSLContext._set_npn_protocols(protos)`
pub(super) fn set_npn_protocols(
    py: Python<'_>,
    slf: Slf<'_, SslContext>,
    args: Args<'_>,
) -> PyResult<Owned> {
    if !HAS_NPN {
        return Err(PyErr::new(
            Builtin::NotImplementedError,
            "The NPN extension requires OpenSSL 1.0.1 or later.",
        ));
    }
    set_protocols(py, slf, args, SslCtx::set_npn_protocols)
}
