//! Reading an argument's bytes the way Python 3's hashlib and `compare_digest` do, rather than
//! through a format unit: a new-style buffer view (`PyBUF_SIMPLE`, one dimension), and a
//! unicode object's code units.

use crate::ffi;
use crate::py::err::Builtin;
use crate::py::object::PyObjectRef;
use crate::py::{PyErr, PyResult};
use std::ffi::CStr;

/// A filled `PyBUF_SIMPLE` view, released on drop.
pub(crate) struct View(ffi::Py_buffer);

impl View {
    /// `PyObject_GetBuffer(obj, PyBUF_SIMPLE)`, refusing views of more than one dimension
    /// (`BufferError`, as Python 3 does).
    pub(crate) fn simple(obj: &dyn PyObjectRef) -> PyResult<View> {
        // SAFETY: an all-zero Py_buffer is "not filled"; GetBuffer fills it or fails.
        let mut view = View(unsafe { std::mem::zeroed() });
        // SAFETY: live object; the view is ours to fill.
        if unsafe { ffi::PyObject_GetBuffer(obj.ptr(), &mut view.0, ffi::PyBUF_SIMPLE as i32) } != 0
        {
            // Nothing was filled: forget the view so Drop does not release it.
            std::mem::forget(view);
            return Err(PyErr::fetch());
        }
        if view.0.ndim > 1 {
            return Err(PyErr::new(
                Builtin::BufferError,
                "Buffer must be single dimension",
            ));
        }
        Ok(view)
    }

    pub(crate) fn bytes(&self) -> &[u8] {
        if self.0.len <= 0 || self.0.buf.is_null() {
            return &[];
        }
        // SAFETY: a filled view: buf is valid for len bytes until released (our Drop).
        unsafe { std::slice::from_raw_parts(self.0.buf.cast::<u8>(), self.0.len as usize) }
    }
}

impl Drop for View {
    fn drop(&mut self) {
        // SAFETY: a filled view, released once; the GIL is held (views live inside calls).
        unsafe { ffi::PyBuffer_Release(&mut self.0) }
    }
}

/// Whether `obj` has the new-style buffer interface (`PyObject_CheckBuffer`).
pub(crate) fn has_buffer(obj: &dyn PyObjectRef) -> bool {
    // SAFETY: live object.
    unsafe { ffi::shim::pep466_check_buffer(obj.ptr()) != 0 }
}

/// A unicode object's code units as bytes (UCS2 or UCS4 as the interpreter was built), the
/// form 2.7's `operator._compare_digest` compares. `None` for a non-unicode object.
pub(crate) fn unicode_units(obj: &dyn PyObjectRef) -> Option<&[u8]> {
    if !crate::py::value::is_unicode(obj) {
        return None;
    }
    let mut size: ffi::Py_ssize_t = 0;
    // SAFETY: a live unicode object; its data buffer is immutable and lives as long as it.
    let data = unsafe { ffi::shim::pep466_unicode_data(obj.ptr(), &mut size) };
    if data.is_null() || size <= 0 {
        return Some(&[]);
    }
    // SAFETY: as above; `size` bytes at `data`.
    Some(unsafe { std::slice::from_raw_parts(data.cast::<u8>(), size as usize) })
}

/// `Py_TYPE(obj)->tp_name`, for messages.
pub(crate) fn type_name(obj: &dyn PyObjectRef) -> String {
    // SAFETY: live object; tp_name is static NUL-terminated text.
    unsafe { CStr::from_ptr((*(*obj.ptr()).ob_type).tp_name) }
        .to_string_lossy()
        .into_owned()
}
