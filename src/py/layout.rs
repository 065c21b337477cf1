//! Layout test: Rust's view of the CPython structs (from bindgen) must agree with the C
//! compiler's view of the same headers (reported by the shim).

#[cfg(test)]
mod tests {
    use crate::ffi::shim::{
        pep466_offsetof_tp_dealloc, pep466_offsetof_tp_flags, pep466_offsetof_tp_free,
        pep466_sizeof_py_buffer, pep466_sizeof_pymethoddef, pep466_sizeof_pyobject,
        pep466_sizeof_pytypeobject, pep466_tpflags_default,
    };
    use crate::ffi::{PyMethodDef, PyObject, PyTypeObject, Py_TPFLAGS_DEFAULT, Py_buffer};
    use std::mem::{offset_of, size_of};

    #[test]
    fn rust_and_c_agree_on_struct_layouts() {
        // One line per fact: Rust's figure, then the C compiler's.
        // SAFETY: the shim's reporters only return sizeof/offsetof constants.
        let facts = unsafe {
            [
                (size_of::<PyObject>(), pep466_sizeof_pyobject()),
                (size_of::<PyTypeObject>(), pep466_sizeof_pytypeobject()),
                (
                    offset_of!(PyTypeObject, tp_flags),
                    pep466_offsetof_tp_flags(),
                ),
                (
                    offset_of!(PyTypeObject, tp_dealloc),
                    pep466_offsetof_tp_dealloc(),
                ),
                (offset_of!(PyTypeObject, tp_free), pep466_offsetof_tp_free()),
                (size_of::<PyMethodDef>(), pep466_sizeof_pymethoddef()),
                (size_of::<Py_buffer>(), pep466_sizeof_py_buffer()),
            ]
        };
        for (i, (rust, c)) in facts.into_iter().enumerate() {
            assert_eq!(rust, c, "layout fact {i}: Rust and C disagree");
        }
        // SAFETY: as above.
        let c_flags = unsafe { pep466_tpflags_default() };
        assert_eq!(Py_TPFLAGS_DEFAULT as std::ffi::c_long, c_flags);
    }
}
