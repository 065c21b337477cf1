//! Declarations of src/shim/shim.c, kept in lock-step with src/shim/shim.h.

use super::{PyMethodDef, PyObject, Py_ssize_t};
use std::ffi::{c_char, c_double, c_int, c_void};

#[repr(C)]
pub(crate) struct SocketCapi {
    pub(crate) sock_type: *mut c_void,
    pub(crate) error: *mut PyObject,
}

extern "C" {
    pub(crate) fn pep466_incref(o: *mut PyObject);
    pub(crate) fn pep466_decref(o: *mut PyObject);
    pub(crate) fn pep466_init_module(
        name: *const c_char,
        methods: *mut PyMethodDef,
        doc: *const c_char,
    ) -> *mut PyObject;
    pub(crate) fn pep466_unicode_decode_utf8(
        s: *const c_char,
        size: Py_ssize_t,
        errors: *const c_char,
    ) -> *mut PyObject;
    pub(crate) fn pep466_unicode_check(o: *mut PyObject) -> c_int;
    pub(crate) fn pep466_string_check(o: *mut PyObject) -> c_int;
    pub(crate) fn pep466_exact_str_items(
        args: *mut PyObject,
        n: Py_ssize_t,
        data: *mut *const c_char,
        size: *mut Py_ssize_t,
    ) -> c_int;
    pub(crate) fn pep466_int_check(o: *mut PyObject) -> c_int;
    pub(crate) fn pep466_long_check(o: *mut PyObject) -> c_int;
    pub(crate) fn pep466_callable_check(o: *mut PyObject) -> c_int;
    pub(crate) fn pep466_unicode_data(o: *mut PyObject, size: *mut Py_ssize_t) -> *const c_char;
    pub(crate) fn pep466_check_buffer(o: *mut PyObject) -> c_int;
    pub(crate) fn pep466_socket_import(out: *mut SocketCapi) -> c_int;
    pub(crate) fn pep466_socket_fd(sock: *mut PyObject) -> i64;
    pub(crate) fn pep466_socket_timeout(sock: *mut PyObject) -> c_double;
    pub(crate) fn pep466_socket_error_from_errno(sock: *mut PyObject) -> *mut PyObject;
    pub(crate) fn pep466_gil_held_here() -> c_int;
}

// Facts about the headers, for the layout test (src/py/layout.rs).
#[cfg(test)]
extern "C" {
    pub(crate) fn pep466_sizeof_pyobject() -> usize;
    pub(crate) fn pep466_sizeof_pytypeobject() -> usize;
    pub(crate) fn pep466_offsetof_tp_flags() -> usize;
    pub(crate) fn pep466_offsetof_tp_dealloc() -> usize;
    pub(crate) fn pep466_offsetof_tp_free() -> usize;
    pub(crate) fn pep466_sizeof_pymethoddef() -> usize;
    pub(crate) fn pep466_sizeof_py_buffer() -> usize;
    pub(crate) fn pep466_tpflags_default() -> std::ffi::c_long;
}
