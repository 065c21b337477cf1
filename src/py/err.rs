//! Python exceptions as Rust values: fetched from the interpreter, or made by us and restored
//! when control returns to CPython.

use crate::ffi;
use crate::py::object::PyObjectRef;
use crate::py::{Borrowed, Owned};
use std::ptr;

pub(crate) type PyResult<T> = Result<T, PyErr>;

/// An exception: type, value (instance, args or message, normalised lazily by CPython) and
/// traceback. Only exists with the GIL held (it holds `Owned`).
pub(crate) struct PyErr {
    ptype: Owned,
    pvalue: Option<Owned>,
    ptraceback: Option<Owned>,
}

/// The builtin exception classes we raise. Each reads a `PyExc_*` global of the interpreter.
/// The variants are spelled as Python spells the classes.
#[derive(Clone, Copy, Debug)]
#[allow(clippy::enum_variant_names)]
pub(crate) enum Builtin {
    ValueError,
    TypeError,
    OverflowError,
    SystemError,
    MemoryError,
    NotImplementedError,
    IOError,
    OSError,
    RuntimeError,
    BufferError,
    AttributeError,
}

impl Builtin {
    pub(crate) fn object(self) -> Owned {
        // SAFETY: the PyExc_* globals are set before any extension module is initialised and
        // live for the whole interpreter.
        unsafe {
            let ptr = match self {
                Builtin::ValueError => ffi::PyExc_ValueError,
                Builtin::TypeError => ffi::PyExc_TypeError,
                Builtin::OverflowError => ffi::PyExc_OverflowError,
                Builtin::SystemError => ffi::PyExc_SystemError,
                Builtin::MemoryError => ffi::PyExc_MemoryError,
                Builtin::NotImplementedError => ffi::PyExc_NotImplementedError,
                Builtin::IOError => ffi::PyExc_IOError,
                Builtin::OSError => ffi::PyExc_OSError,
                Builtin::RuntimeError => ffi::PyExc_RuntimeError,
                Builtin::AttributeError => ffi::PyExc_AttributeError,
                Builtin::BufferError => ffi::PyExc_BufferError,
            };
            Borrowed::from_ptr(ptr)
                .expect("builtin exception class is initialised")
                .to_owned()
        }
    }
}

impl PyErr {
    /// Takes the interpreter's current exception. A NULL return without one is a bug in the
    /// callee, reported as CPython does.
    pub(crate) fn fetch() -> PyErr {
        let (mut t, mut v, mut tb) = (ptr::null_mut(), ptr::null_mut(), ptr::null_mut());
        // SAFETY: out-pointers are valid; we receive owned references (or NULL).
        unsafe { ffi::PyErr_Fetch(&mut t, &mut v, &mut tb) };
        // SAFETY: PyErr_Fetch returned new references or NULL.
        let take = |p| unsafe { Owned::from_new_or_none(p) };
        match take(t) {
            Some(ptype) => PyErr {
                ptype,
                pvalue: take(v),
                ptraceback: take(tb),
            },
            None => PyErr::new(Builtin::SystemError, "error return without exception set"),
        }
    }

    /// `WindowsError` for a Windows error code, made as 2.7's `PyErr_SetFromWindowsErr` makes
    /// it (`(winerror, message)`, `errno` mapped from the code).
    #[cfg(windows)]
    pub(crate) fn from_windows_error(code: u32) -> PyErr {
        // SAFETY: sets the current exception (GIL held by our caller) and returns NULL.
        unsafe { ffi::PyErr_SetFromWindowsErr(code as std::ffi::c_int) };
        PyErr::fetch()
    }

    /// Is an exception set right now? (Used after C calls that signal errors only that way.)
    pub(crate) fn occurred() -> bool {
        // SAFETY: reads the thread state's current exception; GIL held.
        unsafe { !ffi::PyErr_Occurred().is_null() }
    }

    /// An exception of a builtin class with a message.
    pub(crate) fn new(ty: Builtin, msg: &str) -> PyErr {
        PyErr::with_message(ty.object(), msg)
    }

    /// An exception of any class with a `str` message (as `PyErr_SetString` would make).
    pub(crate) fn with_message(ty: Owned, msg: &str) -> PyErr {
        match crate::py::value::bytes(msg.as_bytes()) {
            Ok(text) => PyErr::with_value(ty, text),
            Err(e) => e,
        }
    }

    /// An exception whose value is an object: an args tuple, a message or an instance.
    pub(crate) fn with_value(ty: Owned, value: Owned) -> PyErr {
        PyErr {
            ptype: ty,
            pvalue: Some(value),
            ptraceback: None,
        }
    }

    /// Is this exception an instance of `ty` (or of a subclass)?
    #[cfg(test)]
    pub(crate) fn matches(&self, ty: &dyn PyObjectRef) -> bool {
        // SAFETY: both live objects.
        unsafe { ffi::PyErr_GivenExceptionMatches(self.ptype.as_ptr(), ty.ptr()) != 0 }
    }

    /// Hands the exception back to the interpreter (the caller then returns its error value).
    pub(crate) fn restore(self) {
        let raw = |o: Option<Owned>| o.map_or(ptr::null_mut(), Owned::into_raw);
        // SAFETY: PyErr_Restore steals all three references.
        unsafe {
            ffi::PyErr_Restore(
                self.ptype.into_raw(),
                raw(self.pvalue),
                raw(self.ptraceback),
            )
        }
    }

    /// This exception with `cause` as its `__context__` attribute (Python 3's implicit
    /// chaining, done by hand: 2.7 has no chaining, but the callback's exception stays
    /// reachable from the one raised).
    pub(crate) fn with_context(self, cause: PyErr) -> PyErr {
        let (mut t, mut v, mut tb) = (
            self.ptype.into_raw(),
            self.pvalue.map_or(ptr::null_mut(), Owned::into_raw),
            self.ptraceback.map_or(ptr::null_mut(), Owned::into_raw),
        );
        let (mut ct, mut cv, mut ctb) = (
            cause.ptype.into_raw(),
            cause.pvalue.map_or(ptr::null_mut(), Owned::into_raw),
            cause.ptraceback.map_or(ptr::null_mut(), Owned::into_raw),
        );
        // SAFETY: the pointers are owned references (or NULL) taken from the two errors;
        // PyErr_NormalizeException replaces them with owned references to an instance of the
        // class; the attribute store is best effort (its failure is cleared).
        unsafe {
            ffi::PyErr_NormalizeException(&mut t, &mut v, &mut tb);
            ffi::PyErr_NormalizeException(&mut ct, &mut cv, &mut ctb);
            if !v.is_null()
                && !cv.is_null()
                && ffi::PyObject_SetAttrString(v, c"__context__".as_ptr(), cv) != 0
            {
                ffi::PyErr_Clear();
            }
            let take = |p| Owned::from_new_or_none(p);
            drop((take(ct), take(cv), take(ctb)));
            PyErr {
                ptype: take(t).expect("a normalised exception has a class"),
                pvalue: take(v),
                ptraceback: take(tb),
            }
        }
    }

    /// Reports an exception that cannot propagate (in a destructor or a callback), the way
    /// CPython reports one: printed to stderr with the context object.
    pub(crate) fn write_unraisable(self, context: Option<&dyn PyObjectRef>) {
        self.restore();
        let ctx = context.map_or(ptr::null_mut(), |c| c.ptr());
        // SAFETY: an exception is set; ctx is NULL or live.
        unsafe { ffi::PyErr_WriteUnraisable(ctx) }
    }
}

impl std::fmt::Debug for PyErr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PyErr({})", self.ptype.repr_lossy())
    }
}

/// A printable form for diagnostics only.
trait ReprLossy {
    fn repr_lossy(&self) -> String;
}

impl ReprLossy for Owned {
    fn repr_lossy(&self) -> String {
        self.repr()
            .ok()
            .and_then(|r| crate::py::value::as_bytes(&r).ok())
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_else(|| "<unprintable>".into())
    }
}

/// `warnings.warn(msg, DeprecationWarning, stacklevel=2)`: an error when warnings are errors.
pub(crate) fn warn_deprecation(msg: &str) -> PyResult<()> {
    let text = std::ffi::CString::new(msg).unwrap_or_default();
    // SAFETY: the class is a live global; the message is NUL-terminated; -1 means the warning
    // was turned into an exception, which is then set.
    if unsafe { ffi::PyErr_WarnEx(ffi::PyExc_DeprecationWarning, text.as_ptr(), 2) } != 0 {
        return Err(PyErr::fetch());
    }
    Ok(())
}
