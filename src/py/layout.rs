//! Layout test: Rust's view of the CPython structs (from bindgen) must agree with the C
//! compiler's view of the same headers (reported by the shim).

#[cfg(test)]
mod tests {
    use crate::ffi;
    use std::mem::{offset_of, size_of};

    #[test]
    fn rust_and_c_agree_on_struct_layouts() {
        // SAFETY: the shim's reporters only return sizeof/offsetof constants.
        unsafe {
            assert_eq!(
                size_of::<ffi::PyObject>(),
                ffi::shim::pep466_sizeof_pyobject()
            );
            assert_eq!(
                size_of::<ffi::PyTypeObject>(),
                ffi::shim::pep466_sizeof_pytypeobject()
            );
            assert_eq!(
                offset_of!(ffi::PyTypeObject, tp_flags),
                ffi::shim::pep466_offsetof_tp_flags()
            );
            assert_eq!(
                offset_of!(ffi::PyTypeObject, tp_dealloc),
                ffi::shim::pep466_offsetof_tp_dealloc()
            );
            assert_eq!(
                offset_of!(ffi::PyTypeObject, tp_free),
                ffi::shim::pep466_offsetof_tp_free()
            );
            assert_eq!(
                size_of::<ffi::PyMethodDef>(),
                ffi::shim::pep466_sizeof_pymethoddef()
            );
            assert_eq!(
                size_of::<ffi::Py_buffer>(),
                ffi::shim::pep466_sizeof_py_buffer()
            );
            assert_eq!(
                ffi::Py_TPFLAGS_DEFAULT as std::ffi::c_long,
                ffi::shim::pep466_tpflags_default()
            );
        }
    }
}
