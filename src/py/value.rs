//! Making Python values from Rust data and reading Rust data from Python values.

use crate::ffi;
use crate::ossl::readbuf::ReadBuf;
use crate::py::err::Builtin;
use crate::py::object::PyObjectRef;
use crate::py::{Borrowed, Owned, PyErr, PyResult};
use std::ffi::{c_char, c_int, c_long, CStr};

fn ssize(len: usize) -> PyResult<ffi::Py_ssize_t> {
    ffi::Py_ssize_t::try_from(len).map_err(|_| PyErr::new(Builtin::OverflowError, "size too large"))
}

/// A zero-filled buffer of `len` bytes for OpenSSL to write into, whose size comes from
/// Python (`read(n)`, `RAND_bytes(n)`): an allocation failure raises MemoryError, as 2.7's
/// `PyString_FromStringAndSize(NULL, n)` does, instead of aborting the process (what
/// `vec![0; n]` does). Zeroed memory comes from `calloc`-style allocation, so untouched
/// pages of a large buffer cost nothing.
pub(crate) fn zeroed_buffer(len: usize) -> PyResult<Vec<u8>> {
    if len == 0 {
        return Ok(Vec::new());
    }
    // `MemoryError()` without arguments, as `PyErr_NoMemory` raises it.
    let no_memory = || match tuple(Vec::new()) {
        Ok(args) => PyErr::with_value(Builtin::MemoryError.object(), args),
        Err(e) => e,
    };
    let layout = std::alloc::Layout::array::<u8>(len).map_err(|_| no_memory())?;
    // SAFETY: a non-zero-sized layout.
    let ptr = unsafe { std::alloc::alloc_zeroed(layout) };
    if ptr.is_null() {
        return Err(no_memory());
    }
    // SAFETY: `ptr` was allocated by the global allocator with the layout of `len` u8s, all
    // initialised (zero); length and capacity are `len`.
    Ok(unsafe { Vec::from_raw_parts(ptr, len, len) })
}

/// A new `str` of `len` bytes whose contents are not written yet (2.7's documented way to
/// build a string in place): the two callers below write them before anyone sees the object.
#[inline]
fn uninit_str(len: usize) -> PyResult<Owned> {
    // SAFETY: NULL data asks for an uninitialised string of `len` bytes (plus the NUL); a new
    // reference or NULL with MemoryError/OverflowError set.
    unsafe {
        Owned::from_new(ffi::PyString_FromStringAndSize(
            std::ptr::null(),
            ssize(len)?,
        ))
    }
}

/// A new 2.7 `str` of at most `len` bytes, filled in place by `fill` (which returns how many
/// bytes it wrote): what `PyString_FromStringAndSize(NULL, n)` + `_PyString_Resize` do in
/// 2.7's `_ssl`, with no zeroing and no copy. `fill` may release the GIL: nobody else can
/// see the string until it is returned.
pub(crate) fn bytes_filled(
    len: usize,
    fill: impl FnOnce(&mut ReadBuf<'_>) -> PyResult<usize>,
) -> PyResult<Owned> {
    if len == 0 {
        return bytes(b"");
    }
    let obj = uninit_str(len)?;
    // SAFETY: a fresh str we own exclusively: its buffer holds len writable bytes and stays
    // where it is until the resize below; nothing reads them before `fill` has written them
    // (only the first `count` are kept).
    let count = unsafe {
        let data = std::ptr::NonNull::new(ffi::PyString_AsString(obj.as_ptr()).cast::<u8>())
            .ok_or_else(PyErr::fetch)?;
        let mut buf = ReadBuf::from_raw(data, len);
        fill(&mut buf)?
    }
    .min(len);
    if count == len {
        return Ok(obj);
    }
    let mut raw = obj.into_raw();
    // SAFETY: `raw` is our only reference to a str nobody else has seen, which is what
    // _PyString_Resize requires; on failure it frees the object, sets *raw to NULL and raises.
    // (count < len, which fitted a Py_ssize_t.)
    unsafe {
        if ffi::_PyString_Resize(&mut raw, count as ffi::Py_ssize_t) != 0 {
            return Err(PyErr::fetch());
        }
        Owned::from_new(raw)
    }
}

/// A 2.7 `str` (byte string).
pub(crate) fn bytes(data: &[u8]) -> PyResult<Owned> {
    // SAFETY: data is valid for len bytes; returns a new reference or NULL with an exception.
    unsafe {
        Owned::from_new(ffi::PyString_FromStringAndSize(
            data.as_ptr().cast::<c_char>(),
            ssize(data.len())?,
        ))
    }
}

/// A `unicode` decoded from UTF-8; `errors` as in `str.decode` ("strict", "replace"...).
pub(crate) fn unicode_from_utf8(data: &[u8], errors: &CStr) -> PyResult<Owned> {
    // SAFETY: data valid for len bytes; errors NUL-terminated; new reference or NULL.
    unsafe {
        Owned::from_new(ffi::shim::pep466_unicode_decode_utf8(
            data.as_ptr().cast::<c_char>(),
            ssize(data.len())?,
            errors.as_ptr(),
        ))
    }
}

/// A 2.7 `int`.
pub(crate) fn int(value: c_long) -> PyResult<Owned> {
    // SAFETY: plain constructor; new reference or NULL.
    unsafe { Owned::from_new(ffi::PyInt_FromLong(value)) }
}

/// A 2.7 `long` (the type 2.7 gives digest sizes, serial-independent counters...).
pub(crate) fn long(value: i64) -> PyResult<Owned> {
    // SAFETY: plain constructor; new reference or NULL.
    unsafe { Owned::from_new(ffi::PyLong_FromLongLong(value)) }
}

/// A 2.7 `long` from an unsigned value (OpenSSL option masks, packed error codes).
pub(crate) fn ulong(value: u64) -> PyResult<Owned> {
    // SAFETY: plain constructor; new reference or NULL.
    unsafe { Owned::from_new(ffi::PyLong_FromUnsignedLongLong(value)) }
}

pub(crate) fn boolean(value: bool) -> Owned {
    // SAFETY: PyBool_FromLong never fails; new reference.
    unsafe { Owned::from_new(ffi::PyBool_FromLong(c_long::from(value))) }
        .expect("PyBool_FromLong cannot fail")
}

pub(crate) fn none() -> Owned {
    // SAFETY: the None singleton lives for the whole interpreter.
    unsafe {
        Borrowed::from_ptr(std::ptr::addr_of_mut!(ffi::_Py_NoneStruct))
            .expect("None exists")
            .to_owned()
    }
}

pub(crate) fn tuple(items: Vec<Owned>) -> PyResult<Owned> {
    sequence(items, ffi::PyTuple_New, ffi::PyTuple_SetItem)
}

pub(crate) fn tuple_of(items: &[&dyn PyObjectRef]) -> PyResult<Owned> {
    tuple(items.iter().map(|o| o.as_object().to_owned()).collect())
}

pub(crate) fn list(items: Vec<Owned>) -> PyResult<Owned> {
    sequence(items, ffi::PyList_New, ffi::PyList_SetItem)
}

/// A new tuple or list of `items`, made by `new` and filled by `set_item` (the C API's pair for
/// the type, which steals each reference into its slot).
#[inline(always)]
fn sequence(
    items: Vec<Owned>,
    new: unsafe extern "C" fn(ffi::Py_ssize_t) -> *mut ffi::PyObject,
    set_item: unsafe extern "C" fn(
        *mut ffi::PyObject,
        ffi::Py_ssize_t,
        *mut ffi::PyObject,
    ) -> c_int,
) -> PyResult<Owned> {
    // SAFETY: a new sequence of the right size, each slot set once with a reference it steals.
    unsafe {
        let seq = Owned::from_new(new(ssize(items.len())?))?;
        for (i, item) in items.into_iter().enumerate() {
            set_item(seq.as_ptr(), i as ffi::Py_ssize_t, item.into_raw());
        }
        Ok(seq)
    }
}

pub(crate) fn dict() -> PyResult<Owned> {
    // SAFETY: plain constructor; new reference or NULL.
    unsafe { Owned::from_new(ffi::PyDict_New()) }
}

/// `d[key] = value` (does not steal).
pub(crate) fn dict_set(d: &Owned, key: &dyn PyObjectRef, value: &dyn PyObjectRef) -> PyResult<()> {
    // SAFETY: live dict, key and value; -1 means an exception was set.
    match unsafe { ffi::PyDict_SetItem(d.as_ptr(), key.ptr(), value.ptr()) } {
        0 => Ok(()),
        _ => Err(PyErr::fetch()),
    }
}

/// `d[key] = value` with a string key.
pub(crate) fn dict_set_str(d: &Owned, key: &str, value: &dyn PyObjectRef) -> PyResult<()> {
    dict_set(d, &bytes(key.as_bytes())?, value)
}

/// `frozenset(items)`.
pub(crate) fn frozenset(items: Vec<Owned>) -> PyResult<Owned> {
    let l = list(items)?;
    // SAFETY: l is a live iterable; new reference or NULL.
    unsafe { Owned::from_new(ffi::PyFrozenSet_New(l.as_ptr())) }
}

/// `set(items)` (mutable, as `PySet_New`): the trust sets of `_ssl.enum_certificates`.
#[cfg(windows)]
pub(crate) fn set(items: Vec<Owned>) -> PyResult<Owned> {
    let l = list(items)?;
    // SAFETY: l is a live iterable; new reference or NULL.
    unsafe { Owned::from_new(ffi::PySet_New(l.as_ptr())) }
}

/// Reads a 2.7 `str` (or anything `PyString_AsStringAndSize` accepts) as bytes.
pub(crate) fn as_bytes(obj: &dyn PyObjectRef) -> PyResult<Vec<u8>> {
    let mut data: *mut c_char = std::ptr::null_mut();
    let mut len: ffi::Py_ssize_t = 0;
    // SAFETY: out-pointers valid; on success data points to len bytes owned by obj (or by a
    // default-encoded copy cached on a unicode obj), which we copy before returning.
    unsafe {
        if ffi::PyString_AsStringAndSize(obj.ptr(), &mut data, &mut len) != 0 {
            return Err(PyErr::fetch());
        }
        Ok(std::slice::from_raw_parts(data.cast::<u8>(), len as usize).to_vec())
    }
}

/// `PyInt_AsLong` semantics: ints and longs (and `__int__`) to a C long.
pub(crate) fn as_long(obj: &dyn PyObjectRef) -> PyResult<c_long> {
    // SAFETY: live object; -1 with an exception set signals failure.
    let v = unsafe { ffi::PyInt_AsLong(obj.ptr()) };
    if v == -1 && PyErr::occurred() {
        return Err(PyErr::fetch());
    }
    Ok(v)
}

/// `PyLong_AsLong` semantics: no `__int__` on floats in 2.7 (raises TypeError for non-integers).
pub(crate) fn long_as_long(obj: &dyn PyObjectRef) -> PyResult<c_long> {
    // SAFETY: live object; -1 with an exception set signals failure.
    let v = unsafe { ffi::PyLong_AsLong(obj.ptr()) };
    if v == -1 && PyErr::occurred() {
        return Err(PyErr::fetch());
    }
    Ok(v)
}

/// Reads an unsigned long, masking as `PyLong_AsUnsignedLongMask`-free code would not: raises
/// OverflowError for negatives, as 2.7's `options` setter does.
pub(crate) fn as_unsigned_long(obj: &dyn PyObjectRef) -> PyResult<u64> {
    // SAFETY: live object; (unsigned)-1 with an exception set signals failure.
    let v = unsafe { ffi::PyLong_AsUnsignedLongLong(obj.ptr()) };
    if v == u64::MAX && PyErr::occurred() {
        return Err(PyErr::fetch());
    }
    Ok(v)
}

pub(crate) fn is_str(obj: &dyn PyObjectRef) -> bool {
    // SAFETY: live object.
    unsafe { ffi::shim::pep466_string_check(obj.ptr()) != 0 }
}

pub(crate) fn is_unicode(obj: &dyn PyObjectRef) -> bool {
    // SAFETY: live object.
    unsafe { ffi::shim::pep466_unicode_check(obj.ptr()) != 0 }
}

pub(crate) fn is_int_or_long(obj: &dyn PyObjectRef) -> bool {
    // SAFETY: live object.
    unsafe {
        ffi::shim::pep466_int_check(obj.ptr()) != 0 || ffi::shim::pep466_long_check(obj.ptr()) != 0
    }
}

/// `isinstance(obj, tuple)`.
pub(crate) fn is_tuple(obj: &dyn PyObjectRef) -> PyResult<bool> {
    obj.is_instance(&crate::py::module::import(c"__builtin__")?.getattr(c"tuple")?)
}

/// `obj[i]` of a sequence.
pub(crate) fn item(obj: &dyn PyObjectRef, i: ffi::Py_ssize_t) -> PyResult<Owned> {
    // SAFETY: a live object; PySequence_GetItem returns a new reference or NULL with an
    // exception set.
    unsafe { Owned::from_new(ffi::PySequence_GetItem(obj.ptr(), i)) }
}

/// `len(obj)`.
pub(crate) fn len(obj: &dyn PyObjectRef) -> PyResult<usize> {
    // SAFETY: a live object; -1 means an exception was set.
    let n = unsafe { ffi::PyObject_Size(obj.ptr()) };
    usize::try_from(n).map_err(|_| PyErr::fetch())
}

/// The `NotImplemented` singleton (a rich comparison's "ask the other operand").
pub(crate) fn not_implemented() -> Owned {
    // SAFETY: the NotImplemented singleton lives for the whole interpreter.
    unsafe {
        Borrowed::from_ptr(std::ptr::addr_of_mut!(ffi::_Py_NotImplementedStruct))
            .expect("NotImplemented exists")
            .to_owned()
    }
}

/// The number of items of an argument tuple (0 for none).
pub(crate) fn tuple_len(args: Option<&Borrowed<'_>>) -> usize {
    let Some(t) = args else { return 0 };
    // SAFETY: a live tuple (CPython passes a tuple to every varargs function).
    let n = unsafe { ffi::PyTuple_Size(t.as_ptr()) };
    n.max(0) as usize
}

/// `operator.index(obj)` as a Py_ssize_t (`PyNumber_AsSsize_t`, OverflowError when it does not
/// fit): ints and longs only, as Python 3's length arguments take.
pub(crate) fn as_index_ssize(obj: &dyn PyObjectRef) -> PyResult<isize> {
    // SAFETY: live object; PyExc_OverflowError is a live class; -1 with an exception set
    // signals failure.
    let v = unsafe { ffi::PyNumber_AsSsize_t(obj.ptr(), ffi::PyExc_OverflowError) };
    if v == -1 && PyErr::occurred() {
        return Err(PyErr::fetch());
    }
    Ok(v as isize)
}

/// A new `str` of `len` bytes, zeroed, then written by `fill` as a plain `&mut [u8]` (no
/// intermediate buffer: long XOF outputs are written in place). `bytes_filled` is the
/// unzeroed form for `ReadBuf` writers. `MemoryError` when it cannot be allocated.
pub(crate) fn bytes_zeroed_filled<E>(
    len: usize,
    fill: impl FnOnce(&mut [u8]) -> Result<(), E>,
) -> PyResult<Result<Owned, E>> {
    let s = uninit_str(len)?;
    // SAFETY: a fresh str nobody else sees yet; its buffer holds `len` bytes, which we fill
    // before the object is handed out (2.7's documented way to build a string in place).
    let buf = unsafe {
        let data = ffi::PyString_AsString(s.as_ptr());
        if len == 0 {
            &mut [][..]
        } else {
            std::ptr::write_bytes(data, 0, len);
            std::slice::from_raw_parts_mut(data.cast::<u8>(), len)
        }
    };
    Ok(fill(buf).map(|()| s))
}

/// A 2.7 `int` or `long` as a u64: `Ok(None)` when it is negative, OverflowError above
/// `u64::MAX`, TypeError for other types (`PyLong_AsUnsignedLongLong` alone refuses 2.7 ints).
pub(crate) fn as_u64(obj: &dyn PyObjectRef) -> PyResult<Option<u64>> {
    // SAFETY: live object; the type checks come from the shim.
    unsafe {
        if ffi::shim::pep466_int_check(obj.ptr()) != 0 {
            let v = as_long(obj)?;
            return Ok(u64::try_from(v).ok());
        }
        if ffi::shim::pep466_long_check(obj.ptr()) != 0 {
            if ffi::_PyLong_Sign(obj.ptr()) < 0 {
                return Ok(None);
            }
            return as_unsigned_long(obj).map(Some);
        }
    }
    Err(PyErr::new(Builtin::TypeError, "an integer is required"))
}

/// A `str` made once and kept for the process, handed out as new references (2.7's
/// `CONST_<name>_name_obj`): objects that share a constant name need no string each.
pub(crate) struct StaticStr(std::sync::OnceLock<StaticPtr>);

#[derive(Clone, Copy)]
struct StaticPtr(std::ptr::NonNull<ffi::PyObject>);

// SAFETY: the object holds one leaked strong reference, so it lives for the process; it is
// only touched (increfs included) with the GIL held.
unsafe impl Send for StaticPtr {}
// SAFETY: as above.
unsafe impl Sync for StaticPtr {}

impl StaticStr {
    pub(crate) const fn new() -> StaticStr {
        StaticStr(std::sync::OnceLock::new())
    }

    /// The string `text` (the same `text` on every call for one slot), interned: a literal
    /// `'text'` in Python code (interned by the compiler) is this very object. GIL held.
    pub(crate) fn get(&self, text: &str) -> PyResult<Owned> {
        if let Some(p) = self.0.get() {
            // SAFETY: alive forever (leaked reference); from_borrowed increfs.
            return Ok(unsafe { Owned::from_borrowed(p.0) });
        }
        let mut raw = bytes(text.as_bytes())?.into_raw();
        // SAFETY: `raw` is an exact str we own one reference to; InternInPlace replaces it
        // with the interned string (moving our reference) and cannot fail.
        let s = unsafe {
            ffi::PyString_InternInPlace(&mut raw);
            Owned::from_new(raw)?
        };
        // The slot keeps one reference for the process. (Filled twice only if `bytes` ran
        // Python code that re-entered here; then one small str stays unreferenced.)
        let raw = std::ptr::NonNull::new(s.clone().into_raw()).expect("non-NULL");
        let _ = self.0.set(StaticPtr(raw));
        Ok(s)
    }
}

/// A `&CStr` from a `concat!`-built literal ending in `\0`, checked at compile time (names made
/// from a macro's parameters, such as `openssl_<name>`).
pub(crate) const fn const_cstr(s: &'static str) -> &'static CStr {
    match CStr::from_bytes_with_nul(s.as_bytes()) {
        Ok(c) => c,
        Err(_) => panic!("missing or inner NUL"),
    }
}
