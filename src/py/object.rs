//! The two reference types: `Owned` (a strong reference, released on drop) and `Borrowed<'a>`
//! (valid while its source is). Every conversion from a raw pointer is named after what the C
//! documentation says the pointer is.

use crate::ffi;
use crate::py::{PyErr, PyResult};
use std::ffi::CStr;
use std::marker::PhantomData;
use std::ptr::NonNull;

/// A strong reference. Not `Send`: it may only be touched with the GIL held, which is why it can
/// never be captured by a closure that runs with the GIL released.
pub(crate) struct Owned(NonNull<ffi::PyObject>);

/// A reference whose owner (an argument tuple, a struct field) outlives `'a`.
#[derive(Clone, Copy)]
pub(crate) struct Borrowed<'a> {
    ptr: NonNull<ffi::PyObject>,
    _source: PhantomData<&'a Owned>,
}

impl Owned {
    /// Takes over a "new reference" result; NULL means the call set an exception.
    ///
    /// # Safety
    /// `ptr` is NULL or a new (owned) reference, and the GIL is held.
    pub(crate) unsafe fn from_new(ptr: *mut ffi::PyObject) -> PyResult<Owned> {
        NonNull::new(ptr).map(Owned).ok_or_else(PyErr::fetch)
    }

    /// Takes over a "new reference" that may be NULL without an exception meaning "none"
    /// (the outputs of `PyErr_Fetch`).
    ///
    /// # Safety
    /// `ptr` is NULL or a new (owned) reference, and the GIL is held.
    pub(crate) unsafe fn from_new_or_none(ptr: *mut ffi::PyObject) -> Option<Owned> {
        NonNull::new(ptr).map(Owned)
    }

    /// Increments the count of a borrowed pointer.
    ///
    /// # Safety
    /// `ptr` points to a live object and the GIL is held.
    pub(crate) unsafe fn from_borrowed(ptr: NonNull<ffi::PyObject>) -> Owned {
        // SAFETY: the caller guarantees a live object and the GIL.
        unsafe { ffi::shim::pep466_incref(ptr.as_ptr()) };
        Owned(ptr)
    }

    pub(crate) fn as_ptr(&self) -> *mut ffi::PyObject {
        self.0.as_ptr()
    }

    /// Hands the reference to C code that steals it.
    pub(crate) fn into_raw(self) -> *mut ffi::PyObject {
        let ptr = self.0.as_ptr();
        std::mem::forget(self);
        ptr
    }

    pub(crate) fn borrow(&self) -> Borrowed<'_> {
        Borrowed {
            ptr: self.0,
            _source: PhantomData,
        }
    }
}

impl Clone for Owned {
    fn clone(&self) -> Owned {
        // SAFETY: self is a live object; Owned only exists while the GIL is held.
        unsafe { Owned::from_borrowed(self.0) }
    }
}

impl Drop for Owned {
    fn drop(&mut self) {
        // SAFETY: we own one reference, and Owned is only dropped with the GIL held.
        unsafe { ffi::shim::pep466_decref(self.0.as_ptr()) }
    }
}

impl<'a> Borrowed<'a> {
    /// # Safety
    /// `ptr` is NULL or stays alive for `'a`.
    pub(crate) unsafe fn from_ptr(ptr: *mut ffi::PyObject) -> Option<Borrowed<'a>> {
        NonNull::new(ptr).map(|ptr| Borrowed {
            ptr,
            _source: PhantomData,
        })
    }

    pub(crate) fn as_ptr(&self) -> *mut ffi::PyObject {
        self.ptr.as_ptr()
    }

    pub(crate) fn to_owned(self) -> Owned {
        // SAFETY: a Borrowed is alive for 'a and only exists with the GIL held.
        unsafe { Owned::from_borrowed(self.ptr) }
    }
}

/// Operations shared by both reference kinds.
pub(crate) trait PyObjectRef {
    fn ptr(&self) -> *mut ffi::PyObject;

    /// Identity (`is`).
    fn is(&self, other: &dyn PyObjectRef) -> bool {
        self.ptr() == other.ptr()
    }

    fn is_none(&self) -> bool {
        self.ptr() == std::ptr::addr_of_mut!(ffi::_Py_NoneStruct)
    }

    fn type_name(&self) -> String {
        // SAFETY: every live object has a type with a NUL-terminated tp_name.
        unsafe {
            let ty = (*self.ptr()).ob_type;
            CStr::from_ptr((*ty).tp_name).to_string_lossy().into_owned()
        }
    }

    fn getattr(&self, name: &CStr) -> PyResult<Owned> {
        // SAFETY: live object, NUL-terminated name; returns a new reference.
        unsafe { Owned::from_new(ffi::PyObject_GetAttrString(self.ptr(), name.as_ptr())) }
    }

    fn call(&self, args: &[&dyn PyObjectRef]) -> PyResult<Owned> {
        let tuple = crate::py::value::tuple_of(args)?;
        // SAFETY: self is callable-or-raises; tuple is a live tuple; new reference back.
        unsafe {
            Owned::from_new(ffi::PyObject_Call(
                self.ptr(),
                tuple.as_ptr(),
                std::ptr::null_mut(),
            ))
        }
    }

    fn is_callable(&self) -> bool {
        // SAFETY: live object.
        unsafe { ffi::shim::pep466_callable_check(self.ptr()) != 0 }
    }

    fn is_instance(&self, ty: &dyn PyObjectRef) -> PyResult<bool> {
        // SAFETY: both live; -1 means an exception was set.
        match unsafe { ffi::PyObject_IsInstance(self.ptr(), ty.ptr()) } {
            -1 => Err(PyErr::fetch()),
            n => Ok(n == 1),
        }
    }

    fn is_true(&self) -> PyResult<bool> {
        // SAFETY: live object; -1 means an exception was set.
        match unsafe { ffi::PyObject_IsTrue(self.ptr()) } {
            -1 => Err(PyErr::fetch()),
            n => Ok(n == 1),
        }
    }

    fn repr(&self) -> PyResult<Owned> {
        // SAFETY: live object; new reference back.
        unsafe { Owned::from_new(ffi::PyObject_Repr(self.ptr())) }
    }

    fn as_object(&self) -> Borrowed<'_> {
        // SAFETY: self is alive for the borrow's lifetime.
        unsafe { Borrowed::from_ptr(self.ptr()).expect("live object pointer is never NULL") }
    }
}

impl PyObjectRef for Owned {
    fn ptr(&self) -> *mut ffi::PyObject {
        self.as_ptr()
    }
}

impl PyObjectRef for Borrowed<'_> {
    fn ptr(&self) -> *mut ffi::PyObject {
        self.as_ptr()
    }
}
