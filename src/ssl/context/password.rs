//! The `password` argument of `load_cert_chain`: a str/unicode/bytearray, or a callable asked
//! for one when OpenSSL needs it (2.7's `_pwinfo_set` / `_password_callback`).
//!
//! The load runs with the GIL released; OpenSSL calls our function on the same thread, which
//! re-enters Python through the saved thread state, calls the callable, and keeps the first
//! exception for `load_cert_chain` to raise after the load returns.

use crate::py::err::Builtin;
use crate::py::gil::SavedThread;
use crate::py::gil_only::GilOnly;
use crate::py::object::PyObjectRef;
use crate::py::{value, Owned, PyErr, PyResult, Python};
use std::cell::RefCell;

/// Where the password comes from.
pub(super) enum Source {
    Static(Vec<u8>),
    Callable(Owned),
}

/// `isinstance(obj, bytearray)`.
fn is_bytearray(obj: &dyn PyObjectRef) -> PyResult<bool> {
    let ty = crate::py::module::import(c"__builtin__")?.getattr(c"bytearray")?;
    obj.is_instance(&ty)
}

/// 2.7's `_pwinfo_set`: the password bytes of a str, unicode (default encoding) or bytearray;
/// `bad_type` is the TypeError text for anything else.
fn password_bytes(obj: &Owned, bad_type: &str) -> PyResult<Vec<u8>> {
    let data = if value::is_unicode(obj) {
        // The default codec (ascii), as `PyUnicode_AsEncodedString(pw, NULL, NULL)`.
        value::as_bytes(&obj.getattr(c"encode")?.call(&[])?)?
    } else if value::is_str(obj) || is_bytearray(obj)? {
        let text = if value::is_str(obj) {
            obj.clone()
        } else {
            crate::py::module::import(c"__builtin__")?
                .getattr(c"str")?
                .call(&[obj])?
        };
        value::as_bytes(&text)?
    } else {
        return Err(PyErr::new(Builtin::TypeError, bad_type));
    };
    if data.len() > i32::MAX as usize {
        return Err(too_long(i32::MAX as usize));
    }
    Ok(data)
}

fn too_long(limit: usize) -> PyErr {
    PyErr::new(
        Builtin::ValueError,
        &format!("password cannot be longer than {limit} bytes"),
    )
}

impl Source {
    /// From the `password` argument (not None): a callable, or the password itself.
    pub(super) fn from_arg(obj: &Owned) -> PyResult<Source> {
        if obj.is_callable() {
            return Ok(Source::Callable(obj.clone()));
        }
        password_bytes(obj, "password should be a string or callable").map(Source::Static)
    }
}

/// The state shared with the callback: the source and the first error.
pub(super) struct PasswordState {
    source: Source,
    error: Option<PyErr>,
}

pub(super) type SharedState = GilOnly<RefCell<PasswordState>>;

pub(super) fn shared(source: Source) -> SharedState {
    GilOnly::new(RefCell::new(PasswordState {
        source,
        error: None,
    }))
}

/// Takes the callback's exception, if it raised or returned something unusable.
pub(super) fn take_error(py: Python<'_>, state: &SharedState) -> Option<PyErr> {
    state.get(py).borrow_mut().error.take()
}

/// 2.7's `_password_callback`: fills OpenSSL's buffer (`PEM_BUFSIZE`, 1024 bytes) or records
/// the exception and fails. Runs on the loading thread with the GIL released.
pub(super) fn fill(saved: SavedThread, state: &SharedState, buf: &mut [u8]) -> Option<usize> {
    saved.with_gil(|py| {
        let cell = state.get(py);
        // Take what we need, then call Python with no borrow held (the callable may re-enter).
        let callable = match &cell.borrow().source {
            Source::Callable(f) => Some(f.clone()),
            Source::Static(_) => None,
        };
        let result = match callable {
            Some(f) => f
                .call(&[])
                .and_then(|ret| password_bytes(&ret, "password callback must return a string")),
            None => match &cell.borrow().source {
                Source::Static(pw) => Ok(pw.clone()),
                Source::Callable(_) => unreachable!("checked above"),
            },
        };
        let outcome = result.and_then(|pw| {
            if pw.len() > buf.len() {
                return Err(too_long(buf.len()));
            }
            buf[..pw.len()].copy_from_slice(&pw);
            Ok(pw.len())
        });
        match outcome {
            Ok(n) => Some(n),
            Err(e) => {
                let mut st = cell.borrow_mut();
                if st.error.is_none() {
                    st.error = Some(e);
                }
                None
            }
        }
    })
}
