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
use std::sync::Arc;

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

/// What the `SSL`'s ex_data links to: the owner's address and its failure slot (shared, so
/// callbacks that run without Python, such as ALPN selection, can store a panic without
/// knowing the owner's type). The address is not a reference: the owner holds the `SSL` (it
/// is freed in the owner's tp_dealloc), so it is valid whenever OpenSSL can call back.
struct Back {
    obj: NonNull<ffi::PyObject>,
    failures: Arc<FailureSlot>,
}

// SAFETY: the address is dereferenced only with the GIL held, in `owner`; the slot is Sync.
unsafe impl Send for Back {}
// SAFETY: as above.
unsafe impl Sync for Back {}

static SSL_OWNER: Slot<openssl_sys::SSL, Back> = Slot::new();

/// Links `ssl` to `owner`, the Python object that owns it (and outlives it), and to the
/// owner's failure slot, once, before the connection is used.
pub(crate) fn attach(ssl: &Ssl, owner: &Owned, failures: &Arc<FailureSlot>) -> PyResult<()> {
    let addr = NonNull::new(owner.as_ptr()).expect("an Owned is never NULL");
    let make = || Back {
        obj: addr,
        failures: Arc::clone(failures),
    };
    // SAFETY: a live SSL, not yet shared with another thread; the value is set once.
    let set = unsafe { SSL_OWNER.get_or_init(ssl.as_ptr(), make) };
    match set {
        Some(back) if back.obj == addr => Ok(()),
        _ => Err(PyErr::new(
            Builtin::SystemError,
            "cannot link the SSL object to its connection",
        )),
    }
}

/// What `attach` linked to `ssl`.
fn back<'a>(ssl: SslRef<'a>) -> Option<&'a Back> {
    // SAFETY: a live SSL (OpenSSL is calling back on it); the slot lives as long as it.
    unsafe { SSL_OWNER.get(ssl.as_ptr()) }
}

/// The owning object `back` names.
fn owner<'a>(_py: Python<'a>, back: &'a Back) -> Option<Borrowed<'a>> {
    // SAFETY: the owner is alive while its SSL is (see `Back`); the GIL is held (the token).
    unsafe { Borrowed::from_ptr(back.obj.as_ptr()) }
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
pub(crate) fn run<O: PyClass, R>(
    name: &str,
    ssl: SslRef<'_>,
    fallback: R,
    body: impl FnOnce(Python<'_>, Borrowed<'_>, &O) -> PyResult<R>,
) -> R {
    let Some(back) = back(ssl) else {
        return fallback;
    };
    gil::with_gil(|py| {
        let Some(obj) = owner(py, back) else {
            return fallback;
        };
        let Some(this) = downcast::<O>(obj) else {
            return fallback;
        };
        let failures = &back.failures;
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

/// The trampoline of the `extern "C"` shells and of callbacks that run no Python (ALPN/NPN
/// selection): runs `f` without the GIL; a panic is stored on the owner of `ssl` (taking the
/// GIL only then) and `fallback` returned. With no owner linked, the panic is reported as
/// unraisable, its message kept.
pub(crate) fn guard<R>(
    name: &str,
    ssl: Option<SslRef<'_>>,
    fallback: R,
    f: impl FnOnce() -> R,
) -> R {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(v) => v,
        Err(payload) => {
            // The exception is made with the GIL held (it holds Python objects).
            gil::with_gil(|py| {
                let failure = panic_failure(name, payload.as_ref());
                match ssl.and_then(back) {
                    Some(back) => back.failures.put(py, failure),
                    None => match failure {
                        Failure::Panic(e) | Failure::Raised(e) => e.write_unraisable(None),
                    },
                }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::py::embed::with_python;

    fn err(ty: Builtin, msg: &str) -> PyErr {
        PyErr::new(ty, msg)
    }

    fn class_of(e: PyErr) -> &'static str {
        for (ty, name) in [
            (Builtin::ValueError, "ValueError"),
            (Builtin::SystemError, "SystemError"),
            (Builtin::IOError, "IOError"),
        ] {
            if e.matches(&ty.object()) {
                return name;
            }
        }
        "other"
    }

    #[test]
    fn the_first_exception_is_kept_and_a_panic_replaces_it() {
        with_python(|py| {
            let slot = FailureSlot::default();
            slot.put(py, Failure::Raised(err(Builtin::IOError, "first")));
            slot.put(py, Failure::Raised(err(Builtin::ValueError, "second")));
            match slot.take(py) {
                Some(Failure::Raised(e)) => assert_eq!(class_of(e), "IOError"),
                _ => panic!("the first exception is kept"),
            }
            assert!(slot.take(py).is_none(), "taking empties the slot");
            slot.put(py, Failure::Raised(err(Builtin::IOError, "x")));
            slot.put(py, Failure::Panic(err(Builtin::SystemError, "boom")));
            slot.put(py, Failure::Raised(err(Builtin::ValueError, "y")));
            assert!(matches!(slot.take(py), Some(Failure::Panic(_))));
        });
    }

    #[test]
    fn merge_raises_what_the_caller_must_see() {
        with_python(|py| {
            let _ = py;
            assert_eq!(merge(Ok(1), None).ok(), Some(1));
            let stored = Some(Failure::Raised(err(Builtin::IOError, "log")));
            assert_eq!(class_of(merge(Ok(1), stored).unwrap_err()), "IOError");
            let stored = Some(Failure::Raised(err(Builtin::IOError, "log")));
            let own: PyResult<i32> = Err(err(Builtin::ValueError, "call"));
            assert_eq!(class_of(merge(own, stored).unwrap_err()), "ValueError");
            let stored = Some(Failure::Panic(err(Builtin::SystemError, "boom")));
            let own: PyResult<i32> = Err(err(Builtin::ValueError, "call"));
            assert_eq!(class_of(merge(own, stored).unwrap_err()), "SystemError");
        });
    }
}
