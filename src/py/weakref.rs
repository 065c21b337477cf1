//! Weak references (`_SSLSocket` holds its owner `ssl.SSLSocket` weakly, as 2.7 does).

use crate::ffi;
use crate::py::object::PyObjectRef;
use crate::py::{value, Borrowed, Owned, PyResult};

/// `weakref.ref(obj)`; TypeError when `obj` cannot be weakly referenced.
pub(crate) fn new_ref(obj: &dyn PyObjectRef) -> PyResult<Owned> {
    // SAFETY: a live object; NULL callback; new reference or NULL with an exception.
    unsafe { Owned::from_new(ffi::PyWeakref_NewRef(obj.ptr(), std::ptr::null_mut())) }
}

/// The referent of a weak reference, or None once it died.
pub(crate) fn get(weak: &Owned) -> Owned {
    // SAFETY: a live weakref; returns a borrowed reference (None when dead), upgraded at once.
    unsafe { Borrowed::from_ptr(ffi::PyWeakref_GetObject(weak.as_ptr())) }
        .map(|b| b.to_owned())
        .unwrap_or_else(value::none)
}
