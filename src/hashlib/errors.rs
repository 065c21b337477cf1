//! `_hashlib`'s exceptions: `UnsupportedDigestmodError` (Python 3.10's `ValueError` subclass)
//! raised with 2.7's `unsupported hash type` text, so `except ValueError` (2.7 code) and
//! `except UnsupportedDigestmodError` (Python 3 code) both catch it; and OpenSSL failures as
//! 2.7's `ValueError` with OpenSSL's text.

use crate::ossl::error::OsslError;
use crate::py::err::Builtin;
use crate::py::exception::ExceptionSlot;
use crate::py::{Owned, PyErr, PyResult, Python};

static UNSUPPORTED: ExceptionSlot = ExceptionSlot::new();

/// Creates `_hashlib.UnsupportedDigestmodError` (once per process).
pub(crate) fn create(py: Python<'_>) -> PyResult<Owned> {
    UNSUPPORTED.create(
        py,
        c"_hashlib.UnsupportedDigestmodError",
        c"",
        &Builtin::ValueError.object(),
    )
}

/// The digest is unknown or no provider implements it.
pub(crate) fn unsupported() -> PyErr {
    match UNSUPPORTED.get() {
        Some(class) => PyErr::with_message(class, "unsupported hash type"),
        None => PyErr::new(Builtin::ValueError, "unsupported hash type"),
    }
}

/// 2.7 raises ValueError with OpenSSL's text for failures inside OpenSSL.
pub(crate) fn openssl_failure(err: OsslError) -> PyErr {
    PyErr::new(Builtin::ValueError, &err.hashlib_message())
}
