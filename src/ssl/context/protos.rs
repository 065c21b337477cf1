//! `_set_alpn_protocols` and `_set_npn_protocols`: `ssl.py` hands over the wire format
//! (`<len><name>` repeated), which is copied into the context (`ossl::protos`).

use super::SslContext;
use crate::ossl::protos::HAS_NPN;
use crate::parse_args;
use crate::py::args::BufferArg;
use crate::py::boundary::Args;
use crate::py::err::Builtin;
use crate::py::typeobj::Slf;
use crate::py::{value, Owned, PyErr, PyResult, Python};

/// Python: `_ssl._SSLContext._set_alpn_protocols(protos)`, and `_set_npn_protocols(protos)`
/// when `NPN`: takes the wire-format list (2.7 names both methods "set_npn_protocols" in its
/// argument errors) and stores it under the context's lock; any failure is 2.7's bare
/// `MemoryError`.
pub(super) fn set_protocols<const NPN: bool>(
    py: Python<'_>,
    slf: Slf<'_, SslContext>,
    args: Args<'_>,
) -> PyResult<Owned> {
    if NPN && !HAS_NPN {
        return Err(PyErr::new(
            Builtin::NotImplementedError,
            "The NPN extension requires OpenSSL 1.0.1 or later.",
        ));
    }
    parse_args!(args, c"s*:set_npn_protocols" => positional(buf: BufferArg::new()));
    let wire = buf.bytes().unwrap_or_default().to_vec();
    let _guard = slf.lock.acquire(py);
    let ctx = slf.ssl_ctx();
    let stored = if NPN {
        ctx.set_npn_protocols(&wire)
    } else {
        ctx.set_alpn_protocols(&wire)
    };
    stored.map_err(|_| PyErr::new(Builtin::MemoryError, ""))?;
    Ok(value::none())
}
