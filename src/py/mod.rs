//! Our small Python 2.7 toolkit: references, exceptions, the GIL, argument parsing, type and
//! module builders, and the panic boundary. Only this folder (with `ffi`, `shim` and `ossl`)
//! handles raw `PyObject*`; module code uses the typed helpers exported here.

pub(crate) mod args;
pub(crate) mod boundary;
pub(crate) mod buffer;
pub(crate) mod callback;
pub(crate) mod err;
pub(crate) mod exception;
pub(crate) mod gil;
pub(crate) mod gil_only;
pub(crate) mod gil_or_mutex;
mod layout;
pub(crate) mod lock;
pub(crate) mod module;
pub(crate) mod object;
pub(crate) mod socket;
pub(crate) mod typeobj;
pub(crate) mod value;
pub(crate) mod weakref;

#[cfg(test)]
pub(crate) mod embed;

pub(crate) use err::{PyErr, PyResult};
pub(crate) use gil::Python;
pub(crate) use object::{Borrowed, Owned};
