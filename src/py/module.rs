//! Module objects: creation with a function table, and adding attributes.

use crate::ffi;
use crate::py::object::PyObjectRef;
use crate::py::typeobj::MethodTable;
use crate::py::{value, Borrowed, Owned, PyErr, PyResult};
use std::ffi::{c_long, CStr};

pub(crate) struct ModuleBuilder {
    name: &'static CStr,
    doc: &'static CStr,
    methods: Vec<ffi::PyMethodDef>,
}

impl MethodTable for ModuleBuilder {
    fn methods(&mut self) -> &mut Vec<ffi::PyMethodDef> {
        &mut self.methods
    }
}

/// An initialised module.
pub(crate) struct Module(Owned);

impl ModuleBuilder {
    pub(crate) fn new(name: &'static CStr, doc: &'static CStr) -> ModuleBuilder {
        ModuleBuilder {
            name,
            doc,
            methods: Vec::new(),
        }
    }

    /// Creates (or, on a second init in the same process, re-creates) the module.
    pub(crate) fn build(self) -> PyResult<Module> {
        let mut methods = self.methods;
        // SAFETY: a zeroed entry terminates the table.
        methods.push(unsafe { std::mem::zeroed() });
        // The table must outlive the module, which lives until the process ends.
        let table = Box::leak(methods.into_boxed_slice()).as_mut_ptr();
        // SAFETY: static strings and table; returns a borrowed reference or NULL.
        let module = unsafe {
            Borrowed::from_ptr(ffi::shim::pep466_init_module(
                self.name.as_ptr(),
                table,
                self.doc.as_ptr(),
            ))
        };
        module
            .map(|m| Module(m.to_owned()))
            .ok_or_else(PyErr::fetch)
    }
}

impl Module {
    /// `module.name = value`.
    pub(crate) fn add(&self, name: &CStr, value: Owned) -> PyResult<()> {
        // PyModule_AddObject steals the reference only when it succeeds.
        let raw = value.into_raw();
        // SAFETY: live module, NUL-terminated name, a reference we own.
        if unsafe { ffi::PyModule_AddObject(self.0.as_ptr(), name.as_ptr(), raw) } != 0 {
            // SAFETY: on failure the reference is still ours: take it back to release it.
            drop(unsafe { Owned::from_new(raw) });
            return Err(PyErr::fetch());
        }
        Ok(())
    }

    pub(crate) fn add_int(&self, name: &CStr, v: c_long) -> PyResult<()> {
        self.add(name, value::int(v)?)
    }
}

impl Module {
    /// The module object, for tests.
    #[cfg(test)]
    pub(crate) fn object(&self) -> &Owned {
        &self.0
    }
}

impl PyObjectRef for Module {
    fn ptr(&self) -> *mut ffi::PyObject {
        self.0.as_ptr()
    }
}

/// `import name`.
pub(crate) fn import(name: &CStr) -> PyResult<Owned> {
    // SAFETY: NUL-terminated name; new reference or NULL.
    unsafe { Owned::from_new(ffi::PyImport_ImportModule(name.as_ptr())) }
}
