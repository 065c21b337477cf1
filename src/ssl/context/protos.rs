//! `_set_alpn_protocols` and `_set_npn_protocols`: `ssl.py` hands over the wire format
//! (`<len><name>` repeated), which is copied into the context (`ossl::protos`).

use super::SslContext;
use crate::ossl::protos::HAS_NPN;
use crate::py::args::{parse, BufferArg};
use crate::py::boundary::Args;
use crate::py::err::Builtin;
use crate::py::typeobj::Slf;
use crate::py::{value, Owned, PyErr, PyResult, Python};

fn protocols_arg(args: Args<'_>) -> PyResult<Vec<u8>> {
    let mut buf = BufferArg::new();
    // 2.7 names both methods "set_npn_protocols" in its argument errors.
    parse(args, c"s*:set_npn_protocols", None, &mut [&mut buf])?;
    Ok(buf.bytes().unwrap_or_default().to_vec())
}

/// Python: `_ssl._SSLContext._set_alpn_protocols(protos)`
pub(super) fn set_alpn_protocols(
    py: Python<'_>,
    slf: Slf<'_, SslContext>,
    args: Args<'_>,
) -> PyResult<Owned> {
    let wire = protocols_arg(args)?;
    let _guard = slf.lock.acquire(py);
    slf.ssl_ctx()
        .set_alpn_protocols(&wire)
        .map_err(|_| PyErr::new(Builtin::MemoryError, ""))?;
    Ok(value::none())
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
    let wire = protocols_arg(args)?;
    let _guard = slf.lock.acquire(py);
    slf.ssl_ctx()
        .set_npn_protocols(&wire)
        .map_err(|_| PyErr::new(Builtin::MemoryError, ""))?;
    Ok(value::none())
}
