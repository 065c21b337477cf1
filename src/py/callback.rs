//! The callback kit: how every OpenSSL callback that belongs to a connection reaches Python.
//!
//! * The OpenSSL side is a one-line `extern "C"` shell in `ossl` that turns raw arguments into
//!   safe ones (`SslRef`, slices) and calls a handler.
//! * The handler runs its body through [`run`], the one trampoline of this kind: it takes the
//!   GIL, finds the owning Python object through a typed ex_data slot (never a `*mut c_void`
//!   in module code), catches a Rust panic, and stores the body's error or the panic (with its
//!   message) in the owner's [`FailureSlot`]; OpenSSL gets the callback's failure value.
//! * The code that made the OpenSSL call (the engine's loop) takes the stored failure after the
//!   call returns and raises it ([`merge`]).
//!
//! Python 3 does the same with `SSL_get_app_data` and `PySSLSocket.exc`; 2.7 quirks that print
//! an unraisable error instead (the servername callback's) stay in the handlers.

use crate::ffi;
use crate::ossl::exdata::Slot;
use crate::ossl::ssl::{Ssl, SslRef};
use crate::py::err::Builtin;
use crate::py::typeobj::{downcast, PyClass};
use crate::py::{gil, Borrowed, Owned, PyErr, PyResult, Python};
use std::cell::UnsafeCell;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr::NonNull;

/// What a callback left for its caller.
pub(crate) enum Failure {
    /// The callback's body failed with a Python exception it did not report itself.
    Raised(PyErr),
    /// Rust code panicked: `SystemError("Rust panic in callback <name>: <message>")`.
    Panic(PyErr),
}

/// The per-owner place a callback's failure waits until the caller raises it.
pub(crate) struct FailureSlot(UnsafeCell<Option<Failure>>);

// SAFETY: the cell is only touched through `put`/`take`, which take a `Python` token: the GIL
// serialises every access, and no reference to the content escapes.
unsafe impl Sync for FailureSlot {}
// SAFETY: as above; the content (Python references) is dropped with the GIL held by `take`'s
// caller or by the owner's tp_dealloc.
unsafe impl Send for FailureSlot {}

impl Default for FailureSlot {
    fn default() -> Self {
        FailureSlot(UnsafeCell::new(None))
    }
}

impl FailureSlot {
    /// Keeps the first failure; a panic replaces an earlier Python exception (a bug must show).
    pub(crate) fn put(&self, _py: Python<'_>, failure: Failure) {
        // SAFETY: GIL held (the token); see the Sync impl.
        let cell = unsafe { &mut *self.0.get() };
        match (&*cell, &failure) {
            (None, _) | (Some(Failure::Raised(_)), Failure::Panic(_)) => *cell = Some(failure),
            _ => {}
        }
    }

    pub(crate) fn take(&self, _py: Python<'_>) -> Option<Failure> {
        // SAFETY: GIL held (the token); see the Sync impl.
        unsafe { (*self.0.get()).take() }
    }
}

/// A Python object that owns an OpenSSL object whose callbacks may fail.
pub(crate) trait CallbackOwner: PyClass {
    fn failures(&self) -> &FailureSlot;
}

/// The owner's address, kept in the `SSL`'s ex_data. Not a reference: the owner holds the
/// `SSL` (it is freed in the owner's tp_dealloc), so the address is valid whenever OpenSSL can
/// run a callback on that `SSL`.
struct Back(NonNull<ffi::PyObject>);

// SAFETY: only an address; it is dereferenced with the GIL held, in `owner`.
unsafe impl Send for Back {}
// SAFETY: as above.
unsafe impl Sync for Back {}

static SSL_OWNER: Slot<openssl_sys::SSL, Back> = Slot::new();

/// Links `ssl` to `owner`, the Python object that owns it (and outlives it), once, before the
/// connection is used.
pub(crate) fn attach(ssl: &Ssl, owner: &Owned) -> PyResult<()> {
    let addr = NonNull::new(owner.as_ptr()).expect("an Owned is never NULL");
    // SAFETY: a live SSL, not yet shared with another thread; the value is set once.
    let set = unsafe { SSL_OWNER.get_or_init(ssl.as_ptr(), || Back(addr)) };
    match set {
        Some(back) if back.0 == addr => Ok(()),
        _ => Err(PyErr::new(
            Builtin::SystemError,
            "cannot link the SSL object to its connection",
        )),
    }
}

/// The owning object of `ssl`, if `attach` linked one.
fn owner<'a>(_py: Python<'a>, ssl: SslRef<'a>) -> Option<Borrowed<'a>> {
    // SAFETY: a live SSL (OpenSSL is calling back on it); the slot holds the address of the
    // owner, alive while the SSL is (see `Back`); the GIL is held (the token).
    unsafe {
        let back = SSL_OWNER.get(ssl.as_ptr())?;
        Borrowed::from_ptr(back.0.as_ptr())
    }
}

/// The panic's exception, named after the callback.
fn panic_failure(name: &str, payload: &(dyn std::any::Any + Send)) -> Failure {
    Failure::Panic(crate::py::boundary::panic_error(
        &format!("callback {name}"),
        payload,
    ))
}

/// The one trampoline for connection callbacks: runs `body` with the GIL and the owner `O` of
/// `ssl`; its `Err`, or a panic, is stored on the owner and `fallback` returned to OpenSSL.
/// Without an owner (an `SSL` not made by `_wrap_socket`/`_wrap_bio`) `fallback` is returned.
pub(crate) fn run<O: CallbackOwner, R>(
    name: &str,
    ssl: SslRef<'_>,
    fallback: R,
    body: impl FnOnce(Python<'_>, Borrowed<'_>, &O) -> PyResult<R>,
) -> R {
    gil::with_gil(|py| {
        let Some(obj) = owner(py, ssl) else {
            return fallback;
        };
        let Some(this) = downcast::<O>(obj) else {
            return fallback;
        };
        let failures = this.failures();
        match catch_unwind(AssertUnwindSafe(|| body(py, obj, &this))) {
            Ok(Ok(value)) => value,
            Ok(Err(e)) => {
                failures.put(py, Failure::Raised(e));
                fallback
            }
            Err(payload) => {
                failures.put(py, panic_failure(name, payload.as_ref()));
                fallback
            }
        }
    })
}

/// For the `extern "C"` shells: a panic outside `run` (in the shell's own argument handling)
/// must not unwind into OpenSSL either; it is reported as unraisable with its message.
pub(crate) fn guard<R>(name: &str, fallback: R, f: impl FnOnce() -> R) -> R {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(v) => v,
        Err(payload) => {
            let msg = crate::py::boundary::panic_message(payload.as_ref());
            gil::with_gil(|_py| {
                PyErr::new(
                    Builtin::SystemError,
                    &format!("Rust panic in callback {name}: {msg}"),
                )
                .write_unraisable(None)
            });
            fallback
        }
    }
}

/// The caller's side: what an operation raises given its own result and the failure its
/// callbacks left. A panic always wins. A Python exception is raised when the operation itself
/// succeeded; when it failed, the operation's error is raised with the callback's exception as
/// its `__context__` (Python 3 chains them the same way; 2.7 does not print it, but code can
/// read it).
pub(crate) fn merge<T>(result: PyResult<T>, failure: Option<Failure>) -> PyResult<T> {
    match (failure, result) {
        (None, r) => r,
        (Some(Failure::Panic(e)), _) => Err(e),
        (Some(Failure::Raised(e)), Ok(_)) => Err(e),
        (Some(Failure::Raised(cause)), Err(e)) => Err(e.with_context(cause)),
    }
}
