//! Python classes backed by Rust values: the object layout (`PyObject` header + Rust payload),
//! the type-object builder, allocation, deallocation and GC support.

use crate::ffi;
use crate::py::boundary::{panic_error, trampoline};
use crate::py::object::PyObjectRef;
use crate::py::{Borrowed, Owned, PyErr, PyResult, Python};
use std::cell::UnsafeCell;
use std::ffi::{c_int, c_long, c_void, CStr};
use std::mem::ManuallyDrop;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::OnceLock;

/// Instance layout: the header CPython expects (from bindgen, so debug builds are right), then
/// our value. Subclasses made in Python append `__dict__`/`__weakref__` after it.
#[repr(C)]
struct PyCell<T> {
    ob_base: ffi::PyObject,
    value: ManuallyDrop<T>,
}

/// The `type_slot` of a `PyClass` impl, with the class's own static slot:
/// `impl PyClass for T { py_type_slot!(); }`.
#[macro_export]
macro_rules! py_type_slot {
    () => {
        fn type_slot() -> &'static $crate::py::typeobj::TypeSlot {
            static SLOT: $crate::py::typeobj::TypeSlot = $crate::py::typeobj::TypeSlot::new();
            &SLOT
        }
    };
}

/// A Rust type exposed as a Python class.
pub(crate) trait PyClass: Sized + 'static {
    /// The slot holding the ready type object, filled by `TypeBuilder::build`.
    fn type_slot() -> &'static TypeSlot;

    /// Visits the Python objects this value holds (GC classes only).
    fn traverse(&self, _py: Python<'_>, _visit: &mut Visit<'_>) -> c_int {
        0
    }

    /// Drops the Python objects this value holds, to break cycles (GC classes only).
    fn clear(&self, _py: Python<'_>) {}
}

/// A ready type object, set once at module init.
pub(crate) struct TypeSlot(OnceLock<TypePtr>);

#[derive(Clone, Copy)]
struct TypePtr(*mut ffi::PyTypeObject);

// SAFETY: a ready, never-freed static type object; only touched with the GIL held.
unsafe impl Send for TypePtr {}
// SAFETY: as above.
unsafe impl Sync for TypePtr {}

impl TypeSlot {
    pub(crate) const fn new() -> TypeSlot {
        TypeSlot(OnceLock::new())
    }

    fn ptr(&self) -> *mut ffi::PyTypeObject {
        self.0
            .get()
            .expect("type used before its module was initialised")
            .0
    }

    /// The type object as a Python reference (for `isinstance`, module attributes...).
    pub(crate) fn object(&self) -> Owned {
        // SAFETY: ready static type objects live forever.
        unsafe {
            Borrowed::from_ptr(self.ptr().cast())
                .expect("non-NULL")
                .to_owned()
        }
    }
}

/// `self` inside a method: the Python object and our value in it.
pub(crate) struct Slf<'a, T> {
    obj: Borrowed<'a>,
    value: &'a T,
}

impl<'a, T: PyClass> Slf<'a, T> {
    /// # Safety
    /// `obj` is a live instance of `T`'s type or a subtype, alive for `'a`.
    pub(crate) unsafe fn from_ptr(obj: *mut ffi::PyObject) -> Slf<'a, T> {
        // SAFETY: the caller's contract: the layout starts with PyCell<T>.
        unsafe {
            Slf {
                obj: Borrowed::from_ptr(obj).expect("self is never NULL"),
                value: &(*obj.cast::<PyCell<T>>()).value,
            }
        }
    }

    pub(crate) fn object(&self) -> Borrowed<'a> {
        self.obj
    }
}

impl<T> std::ops::Deref for Slf<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        self.value
    }
}

/// `isinstance(obj, T)` and, if so, our value in it.
pub(crate) fn downcast<'a, T: PyClass>(obj: Borrowed<'a>) -> Option<Slf<'a, T>> {
    let ty = T::type_slot().ptr();
    // SAFETY: live object and ready type.
    let ok = unsafe { ffi::PyType_IsSubtype((*obj.as_ptr()).ob_type, ty) } != 0;
    // SAFETY: checked to be an instance of T's type.
    ok.then(|| unsafe { Slf::from_ptr(obj.as_ptr()) })
}

/// Like `downcast`, for an `Owned`: the borrow lives as long as the `Owned`.
pub(crate) fn downcast_owned<T: PyClass>(obj: &Owned) -> Option<Slf<'_, T>> {
    downcast(obj.borrow())
}

/// Creates an instance of `T` (or of a Python subclass `subtype` of it) holding `value`.
pub(crate) fn create<T: PyClass>(value: T) -> PyResult<Owned> {
    // SAFETY: T's own ready type.
    unsafe { create_in(T::type_slot().ptr(), value) }
}

/// A Python class object handed to `tp_new`, for `create_subtype`.
#[derive(Clone, Copy)]
pub(crate) struct SubType(*mut ffi::PyTypeObject);

impl SubType {
    /// # Safety
    /// `ptr` is a ready type object (what CPython passes to `tp_new`).
    pub(crate) unsafe fn from_ptr(ptr: *mut ffi::PyTypeObject) -> SubType {
        SubType(ptr)
    }
}

pub(crate) fn create_subtype<T: PyClass>(subtype: SubType, value: T) -> PyResult<Owned> {
    // SAFETY: tp_new is only called with T's type or a subtype of it.
    unsafe { create_in(subtype.0, value) }
}

/// # Safety
/// `ty` is `T`'s type or a subtype of it.
unsafe fn create_in<T: PyClass>(ty: *mut ffi::PyTypeObject, value: T) -> PyResult<Owned> {
    // SAFETY: tp_alloc zero-fills basicsize bytes (and GC-tracks GC types) or returns NULL; no
    // Python code runs before the value is written, so traverse never sees the zeroed payload.
    unsafe {
        let alloc = (*ty).tp_alloc.expect("ready types have tp_alloc");
        let obj = Owned::from_new(alloc(ty, 0))?;
        let cell = obj.as_ptr().cast::<PyCell<T>>();
        std::ptr::addr_of_mut!((*cell).value).write(ManuallyDrop::new(value));
        Ok(obj)
    }
}

/// `tp_dealloc` for every class: untrack, drop the Rust value, free. Never fails: a panic in a
/// destructor is reported as unraisable and the memory is still freed.
unsafe extern "C" fn dealloc<T: PyClass>(obj: *mut ffi::PyObject) {
    // SAFETY: CPython calls tp_dealloc once, with the GIL, on an instance of T's type.
    unsafe {
        let ty = (*obj).ob_type;
        if is_gc(ty) {
            ffi::PyObject_GC_UnTrack(obj.cast());
        }
        let cell = obj.cast::<PyCell<T>>();
        let dropped = catch_unwind(AssertUnwindSafe(|| ManuallyDrop::drop(&mut (*cell).value)));
        if let Err(payload) = dropped {
            panic_error(std::any::type_name::<T>(), payload.as_ref()).write_unraisable(None);
        }
        let free = (*ty).tp_free.expect("ready types have tp_free");
        free(obj.cast());
    }
}

/// # Safety
/// `ty` is a live type object.
unsafe fn is_gc(ty: *mut ffi::PyTypeObject) -> bool {
    // SAFETY: the caller's contract.
    unsafe { (*ty).tp_flags & (ffi::Py_TPFLAGS_HAVE_GC as c_long) != 0 }
}

/// The GC's visitor, handed to `PyClass::traverse`.
pub(crate) struct Visit<'a> {
    visit: ffi::visitproc,
    arg: *mut c_void,
    _life: std::marker::PhantomData<&'a ()>,
}

impl Visit<'_> {
    pub(crate) fn visit(&mut self, obj: &Owned) -> c_int {
        match self.visit {
            // SAFETY: visitproc contract: a live object and the arg CPython gave us.
            Some(f) => unsafe { f(obj.as_ptr(), self.arg) },
            None => 0,
        }
    }
}

unsafe extern "C" fn traverse<T: PyClass>(
    obj: *mut ffi::PyObject,
    visit: ffi::visitproc,
    arg: *mut c_void,
) -> c_int {
    // SAFETY: the GC passes a live instance of T's type; traverse runs with the GIL.
    let (value, py) = unsafe { (&(*obj.cast::<PyCell<T>>()).value, Python::assume_gil_held()) };
    let mut v = Visit {
        visit,
        arg,
        _life: std::marker::PhantomData,
    };
    // tp_traverse cannot raise: a panic (a bug) is reported on stderr, and the object is
    // treated as holding nothing more.
    catch_unwind(AssertUnwindSafe(|| value.traverse(py, &mut v))).unwrap_or_else(|payload| {
        eprintln!(
            "pep466: Rust panic in tp_traverse: {}",
            crate::py::boundary::panic_message(payload.as_ref())
        );
        0
    })
}

unsafe extern "C" fn clear<T: PyClass>(obj: *mut ffi::PyObject) -> c_int {
    trampoline("tp_clear", |py| {
        // SAFETY: the GC passes a live instance of T's type, with the GIL held.
        let value = unsafe { &(*obj.cast::<PyCell<T>>()).value };
        value.clear(py);
        Ok(())
    })
}

/// A Python-object field of a class value, read and written only with the GIL held, and never
/// borrowed across a call into Python (so re-entrant code cannot see a half-updated field).
pub(crate) struct GilCell<T>(UnsafeCell<T>);

impl<T: Clone> GilCell<T> {
    pub(crate) fn new(value: T) -> GilCell<T> {
        GilCell(UnsafeCell::new(value))
    }

    pub(crate) fn get(&self, _py: Python<'_>) -> T {
        // SAFETY: the GIL serialises access and no reference escapes this call.
        unsafe { (*self.0.get()).clone() }
    }

    /// Replaces the value; the old one is dropped after the cell is updated.
    pub(crate) fn replace(&self, _py: Python<'_>, value: T) -> T {
        // SAFETY: as in `get`; the old value is returned, so dropping it (which may run Python
        // code) happens after this access ended.
        unsafe { std::mem::replace(&mut *self.0.get(), value) }
    }
}

/// Method flags as CPython defines them.
#[derive(Clone, Copy)]
pub(crate) enum MethodKind {
    NoArgs(unsafe extern "C" fn(*mut ffi::PyObject, *mut ffi::PyObject) -> *mut ffi::PyObject),
    VarArgs(unsafe extern "C" fn(*mut ffi::PyObject, *mut ffi::PyObject) -> *mut ffi::PyObject),
    /// METH_O: exactly one positional argument, counted by CPython.
    Single(unsafe extern "C" fn(*mut ffi::PyObject, *mut ffi::PyObject) -> *mut ffi::PyObject),
    Keywords(
        unsafe extern "C" fn(
            *mut ffi::PyObject,
            *mut ffi::PyObject,
            *mut ffi::PyObject,
        ) -> *mut ffi::PyObject,
    ),
}

/// An empty doc is stored as NULL, so Python shows `__doc__` as None, as for C types and
/// methods that 2.7 defines without a docstring.
fn doc_ptr(doc: &'static CStr) -> *const std::ffi::c_char {
    if doc.is_empty() {
        std::ptr::null()
    } else {
        doc.as_ptr()
    }
}

/// Builds a `PyMethodDef` (name and doc are static C strings).
fn method_def(name: &'static CStr, kind: MethodKind, doc: &'static CStr) -> ffi::PyMethodDef {
    let (meth, flags): (ffi::PyCFunction, u32) = match kind {
        MethodKind::NoArgs(f) => (Some(f), ffi::METH_NOARGS),
        MethodKind::VarArgs(f) => (Some(f), ffi::METH_VARARGS),
        MethodKind::Single(f) => (Some(f), ffi::METH_O),
        // SAFETY: CPython calls METH_KEYWORDS functions with three arguments; the PyCFunction
        // field type is the documented way to store them.
        MethodKind::Keywords(f) => (
            Some(unsafe {
                std::mem::transmute::<
                    unsafe extern "C" fn(
                        *mut ffi::PyObject,
                        *mut ffi::PyObject,
                        *mut ffi::PyObject,
                    ) -> *mut ffi::PyObject,
                    unsafe extern "C" fn(
                        *mut ffi::PyObject,
                        *mut ffi::PyObject,
                    ) -> *mut ffi::PyObject,
                >(f)
            }),
            ffi::METH_VARARGS | ffi::METH_KEYWORDS,
        ),
    };
    ffi::PyMethodDef {
        ml_name: name.as_ptr(),
        ml_meth: meth,
        ml_flags: flags as c_int,
        ml_doc: doc_ptr(doc),
    }
}

/// What holds a method table: a class being built or a module being built. `method` is the one
/// way a Python-callable is registered (`py_members!` calls it).
pub(crate) trait MethodTable: Sized {
    fn methods(&mut self) -> &mut Vec<ffi::PyMethodDef>;

    fn method(mut self, name: &'static CStr, kind: MethodKind, doc: &'static CStr) -> Self {
        self.methods().push(method_def(name, kind, doc));
        self
    }
}

impl MethodTable for TypeBuilder {
    fn methods(&mut self) -> &mut Vec<ffi::PyMethodDef> {
        &mut self.methods
    }
}

pub(crate) type Getter =
    unsafe extern "C" fn(*mut ffi::PyObject, *mut c_void) -> *mut ffi::PyObject;
pub(crate) type Setter =
    unsafe extern "C" fn(*mut ffi::PyObject, *mut ffi::PyObject, *mut c_void) -> c_int;
pub(crate) type NewFunc = unsafe extern "C" fn(
    *mut ffi::PyTypeObject,
    *mut ffi::PyObject,
    *mut ffi::PyObject,
) -> *mut ffi::PyObject;
pub(crate) type UnaryFunc = unsafe extern "C" fn(*mut ffi::PyObject) -> *mut ffi::PyObject;
pub(crate) type RichCompareFunc =
    unsafe extern "C" fn(*mut ffi::PyObject, *mut ffi::PyObject, c_int) -> *mut ffi::PyObject;

/// Builds a static type object for `T`.
pub(crate) struct TypeBuilder {
    ty: Box<ffi::PyTypeObject>,
    methods: Vec<ffi::PyMethodDef>,
    getset: Vec<ffi::PyGetSetDef>,
    members: Vec<ffi::PyMemberDef>,
    constants: Vec<(&'static CStr, c_long)>,
}

impl TypeBuilder {
    /// `name` is the dotted name CPython shows (`_ssl._SSLContext`).
    pub(crate) fn new<T: PyClass>(name: &'static CStr, doc: &'static CStr) -> TypeBuilder {
        // SAFETY: an all-zero PyTypeObject is the documented starting point for static types.
        let mut ty: Box<ffi::PyTypeObject> = Box::new(unsafe { std::mem::zeroed() });
        ty.ob_refcnt = 1;
        ty.tp_name = name.as_ptr();
        ty.tp_doc = doc_ptr(doc);
        ty.tp_basicsize = std::mem::size_of::<PyCell<T>>() as ffi::Py_ssize_t;
        ty.tp_flags = ffi::Py_TPFLAGS_DEFAULT as c_long;
        ty.tp_dealloc = Some(dealloc::<T>);
        TypeBuilder {
            ty,
            methods: Vec::new(),
            getset: Vec::new(),
            members: Vec::new(),
            constants: Vec::new(),
        }
    }

    /// Derives from `B`'s type; `T`'s layout must start with `B`'s (a `#[repr(transparent)]`
    /// wrapper around `B`), so `B`'s methods can run on `T`'s instances.
    pub(crate) fn base<B: PyClass>(mut self) -> Self {
        self.ty.tp_base = B::type_slot().ptr();
        self
    }

    /// A class attribute holding an int (`blake2b.SALT_SIZE`).
    pub(crate) fn constant(mut self, name: &'static CStr, value: c_long) -> Self {
        self.constants.push((name, value));
        self
    }

    /// Python code may subclass it.
    pub(crate) fn subclassable(mut self) -> Self {
        self.ty.tp_flags |= ffi::Py_TPFLAGS_BASETYPE as c_long;
        self
    }

    /// The value holds Python objects: take part in cycle collection.
    pub(crate) fn gc<T: PyClass>(mut self) -> Self {
        self.ty.tp_flags |= ffi::Py_TPFLAGS_HAVE_GC as c_long;
        self.ty.tp_traverse = Some(traverse::<T>);
        self.ty.tp_clear = Some(clear::<T>);
        self
    }

    pub(crate) fn getset(
        mut self,
        name: &'static CStr,
        get: Getter,
        set: Option<Setter>,
        doc: &'static CStr,
    ) -> Self {
        self.getset.push(ffi::PyGetSetDef {
            name: name.as_ptr().cast_mut(),
            get: Some(get),
            set,
            doc: doc_ptr(doc).cast_mut(),
            closure: std::ptr::null_mut(),
        });
        self
    }

    pub(crate) fn new_func(mut self, f: NewFunc) -> Self {
        self.ty.tp_new = Some(f);
        self
    }

    /// `tp_richcompare`; without a `tp_hash` the instances are unhashable, as in Python 3.
    pub(crate) fn richcompare(mut self, f: RichCompareFunc) -> Self {
        self.ty.tp_richcompare = Some(f);
        self
    }

    pub(crate) fn repr(mut self, f: UnaryFunc) -> Self {
        self.ty.tp_repr = Some(f);
        self
    }

    /// Readies the type and stores it in `T`'s slot. Types live for the process.
    pub(crate) fn build<T: PyClass>(self) -> PyResult<Owned> {
        let slot = T::type_slot();
        if slot.0.get().is_some() {
            return Ok(slot.object());
        }
        let TypeBuilder {
            mut ty,
            mut methods,
            mut getset,
            mut members,
            constants,
        } = self;
        // SAFETY: zeroed entries are the documented table terminators.
        unsafe {
            methods.push(std::mem::zeroed());
            getset.push(std::mem::zeroed());
            members.push(std::mem::zeroed());
        }
        ty.tp_methods = Box::leak(methods.into_boxed_slice()).as_mut_ptr();
        ty.tp_getset = Box::leak(getset.into_boxed_slice()).as_mut_ptr();
        ty.tp_members = Box::leak(members.into_boxed_slice()).as_mut_ptr();
        let ty = Box::leak(ty) as *mut ffi::PyTypeObject;
        // SAFETY: a fully initialised static type object; -1 means an exception is set.
        if unsafe { ffi::PyType_Ready(ty) } != 0 {
            return Err(PyErr::fetch());
        }
        for (name, value) in constants {
            let value = crate::py::value::int(value)?;
            // SAFETY: a ready type has its dict; name is NUL-terminated; SetItemString does
            // not steal. The type is new, so no method cache holds stale entries.
            if unsafe { ffi::PyDict_SetItemString((*ty).tp_dict, name.as_ptr(), value.as_ptr()) }
                != 0
            {
                return Err(PyErr::fetch());
            }
        }
        let _ = slot.0.set(TypePtr(ty));
        Ok(slot.object())
    }
}

/// The `PyObject*` of an object, for `%p`-style reprs.
pub(crate) fn address(obj: &dyn PyObjectRef) -> usize {
    obj.ptr() as usize
}
