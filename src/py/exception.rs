//! Exception classes made by an extension module (`PyErr_NewExceptionWithDoc`), kept in a
//! process-wide slot, with the `EnvironmentError`-style `tp_str` 2.7's `_ssl` installs on its
//! six SSL error classes, and attribute setting on exception instances.

use crate::ffi;
use crate::py::boundary::trampoline;
use crate::py::object::PyObjectRef;
use crate::py::{Borrowed, Owned, PyErr, PyResult, Python};
use std::ffi::CStr;
use std::ptr::NonNull;
use std::sync::OnceLock;

/// An exception class created once per process and never freed (a second `init_ssl`, e.g.
/// after `reload`, reuses it, as the classes of a static C module would be).
pub(crate) struct ExceptionSlot(OnceLock<ClassPtr>);

#[derive(Clone, Copy)]
struct ClassPtr(NonNull<ffi::PyObject>);

// SAFETY: the class holds one leaked strong reference, so it lives for the process; it is only
// touched with the GIL held.
unsafe impl Send for ClassPtr {}
// SAFETY: as above.
unsafe impl Sync for ClassPtr {}

impl ExceptionSlot {
    pub(crate) const fn new() -> ExceptionSlot {
        ExceptionSlot(OnceLock::new())
    }

    /// The class, if the module was initialised.
    pub(crate) fn get(&self) -> Option<Owned> {
        // SAFETY: the slot's class is alive forever (leaked reference).
        self.0.get().map(|c| unsafe { Owned::from_borrowed(c.0) })
    }

    /// The class. Using it before module init is a programming error (a panic, i.e. a
    /// `SystemError` at the boundary).
    pub(crate) fn object(&self) -> Owned {
        self.get()
            .expect("exception class used before its module was initialised")
    }

    /// Creates the class `dotted_name` (e.g. `ssl.SSLError`) deriving from `base`, unless this
    /// slot already holds one.
    pub(crate) fn create(
        &self,
        _py: Python<'_>,
        dotted_name: &CStr,
        doc: &CStr,
        base: &dyn PyObjectRef,
    ) -> PyResult<Owned> {
        if let Some(existing) = self.get() {
            return Ok(existing);
        }
        // SAFETY: NUL-terminated strings; base is a live class; NULL dict means "new dict".
        // Returns a new reference or NULL with an exception set.
        let class = unsafe {
            Owned::from_new(ffi::PyErr_NewExceptionWithDoc(
                dotted_name.as_ptr().cast_mut(),
                // An empty doc becomes None, as for a class defined with `pass`.
                if doc.is_empty() {
                    std::ptr::null_mut()
                } else {
                    doc.as_ptr().cast_mut()
                },
                base.ptr(),
                std::ptr::null_mut(),
            ))
        }?;
        let raw = NonNull::new(class.clone().into_raw()).expect("non-NULL");
        let _ = self.0.set(ClassPtr(raw));
        Ok(class)
    }
}

/// Replaces `tp_str` of an `EnvironmentError` subclass with 2.7 `_ssl`'s: `strerror` when it is
/// set (even to a non-string, which `str()` then rejects as 2.7 does), else `str(args)`.
pub(crate) fn use_strerror_str(class: &Owned) -> PyResult<()> {
    // SAFETY: class is a live type object; checking it derives from EnvironmentError makes
    // `PyEnvironmentErrorObject` (bindgen's, from pyerrors.h) the layout of its instances.
    unsafe {
        let ty = class.as_ptr().cast::<ffi::PyTypeObject>();
        if ffi::PyType_IsSubtype(ty, ffi::PyExc_EnvironmentError.cast()) == 0 {
            return Err(PyErr::new(
                crate::py::err::Builtin::TypeError,
                "use_strerror_str needs an EnvironmentError subclass",
            ));
        }
        (*ty).tp_str = Some(strerror_str);
    }
    Ok(())
}

unsafe extern "C" fn strerror_str(obj: *mut ffi::PyObject) -> *mut ffi::PyObject {
    trampoline("SSLError.__str__", |_py| {
        // SAFETY: tp_str is only installed on EnvironmentError subclasses (checked above), so
        // obj has the EnvironmentError layout; both fields are NULL or live references owned
        // by obj, which outlives this call.
        unsafe {
            let e = obj.cast::<ffi::PyEnvironmentErrorObject>();
            if let Some(strerror) = Borrowed::from_ptr((*e).strerror) {
                return Ok(strerror.to_owned());
            }
            match Borrowed::from_ptr((*e).args) {
                Some(args) => Owned::from_new(ffi::PyObject_Str(args.as_ptr())),
                // An instance made by __new__ without __init__ still has args (); be safe.
                None => crate::py::value::bytes(b""),
            }
        }
    })
}

/// `obj.name = value`.
pub(crate) fn set_attr(
    obj: &dyn PyObjectRef,
    name: &CStr,
    value: &dyn PyObjectRef,
) -> PyResult<()> {
    // SAFETY: live object and value, NUL-terminated name; -1 means an exception is set.
    match unsafe { ffi::PyObject_SetAttrString(obj.ptr(), name.as_ptr(), value.ptr()) } {
        0 => Ok(()),
        _ => Err(PyErr::fetch()),
    }
}

/// Calls `class(*args)` to make an exception instance (as `PyObject_CallObject` does).
pub(crate) fn instantiate(class: &Owned, args: Owned) -> PyResult<Owned> {
    // SAFETY: live class and args tuple; new reference or NULL.
    unsafe {
        Owned::from_new(ffi::PyObject_Call(
            class.as_ptr(),
            args.as_ptr(),
            std::ptr::null_mut(),
        ))
    }
}
