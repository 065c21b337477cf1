//! Argument parsing through CPython's own `PyArg_ParseTuple[AndKeywords]`, with the format
//! strings of 2.7.18's C modules, so `TypeError` texts and conversions (unicode to the default
//! encoding for `s*`, IDNA for `et`...) are 2.7's own.
//!
//! Each output is a typed slot; `parse` checks that the format's units match the slots' kinds
//! before handing their addresses to the variadic C function.

use crate::ffi;
use crate::py::boundary::Args;
use crate::py::typeobj::TypeSlot;
use crate::py::{Borrowed, Owned, PyErr, PyResult};
use std::ffi::{c_char, c_int, c_long, c_void, CStr};
use std::ptr;

/// One output of a format string.
pub(crate) trait ArgSlot {
    /// The format units this slot receives, e.g. `"s*"` or `"O!"`.
    fn unit(&self) -> &'static str;
    /// The addresses the C parser writes to, in order (inputs such as `O!`'s type first).
    fn pointers(&mut self, out: &mut Vec<*mut c_void>);
}

/// `O`: any object, borrowed from the arguments.
pub(crate) struct ObjectArg(*mut ffi::PyObject);

/// `O!`: an object of a given type.
pub(crate) struct TypedObjectArg(*mut ffi::PyTypeObject, *mut ffi::PyObject);

/// `s*`: a read buffer (str, buffer objects; unicode encoded with the default encoding).
pub(crate) struct BufferArg(ffi::Py_buffer);

/// `w*`: a writable buffer (bytearray, array, memoryview of one).
pub(crate) struct WritableBufferArg(ffi::Py_buffer);

/// `s`: a NUL-free string.
pub(crate) struct StrArg(*const c_char);

/// `z`: like `s`, or None.
pub(crate) struct OptStrArg(*const c_char);

/// `et`: a string encoded with a named codec, allocated by CPython.
pub(crate) struct EncodedStrArg(&'static CStr, *mut c_char);

/// `l`, `i`, `n`.
pub(crate) struct LongArg(pub(crate) c_long);
pub(crate) struct IntArg(pub(crate) c_int);
pub(crate) struct SizeArg(pub(crate) ffi::Py_ssize_t);

impl ObjectArg {
    pub(crate) fn new() -> Self {
        ObjectArg(ptr::null_mut())
    }
    /// The object, if it was given.
    pub(crate) fn get(&self) -> Option<Borrowed<'_>> {
        // SAFETY: the parser stores a reference borrowed from the argument tuple/dict, which
        // outlive the call (and so this slot).
        unsafe { Borrowed::from_ptr(self.0) }
    }
}

impl TypedObjectArg {
    pub(crate) fn new(ty: &TypeSlot) -> Self {
        TypedObjectArg(ty.object().as_ptr().cast(), ptr::null_mut())
    }
    /// For a type that is not ours (e.g. `_socket.socket`).
    pub(crate) fn of_type(ty: &Owned) -> Self {
        TypedObjectArg(ty.as_ptr().cast(), ptr::null_mut())
    }
    pub(crate) fn get(&self) -> Option<Borrowed<'_>> {
        // SAFETY: as for ObjectArg.
        unsafe { Borrowed::from_ptr(self.1) }
    }
}

impl BufferArg {
    pub(crate) fn new() -> Self {
        // SAFETY: an all-zero Py_buffer is "not filled"; PyBuffer_Release accepts it.
        BufferArg(unsafe { std::mem::zeroed() })
    }
    /// The bytes, if the argument was given.
    pub(crate) fn bytes(&self) -> Option<&[u8]> {
        view_bytes(&self.0)
    }
}

impl WritableBufferArg {
    pub(crate) fn new() -> Self {
        // SAFETY: as for BufferArg.
        WritableBufferArg(unsafe { std::mem::zeroed() })
    }
    pub(crate) fn is_given(&self) -> bool {
        !self.0.obj.is_null()
    }
    pub(crate) fn bytes_mut(&mut self) -> Option<&mut [u8]> {
        if self.0.obj.is_null() {
            return None;
        }
        if self.0.len == 0 {
            return Some(&mut []);
        }
        // SAFETY: a filled writable view: buf is valid for len writable bytes while held.
        Some(unsafe {
            std::slice::from_raw_parts_mut(self.0.buf.cast::<u8>(), self.0.len as usize)
        })
    }
}

fn view_bytes(view: &ffi::Py_buffer) -> Option<&[u8]> {
    if view.obj.is_null() && view.buf.is_null() {
        return None;
    }
    if view.len == 0 {
        return Some(&[]);
    }
    // SAFETY: a filled view: buf is valid for len bytes until PyBuffer_Release (our Drop).
    Some(unsafe { std::slice::from_raw_parts(view.buf.cast::<u8>(), view.len as usize) })
}

impl Drop for BufferArg {
    fn drop(&mut self) {
        // SAFETY: releases a filled view, or does nothing for a zeroed one; GIL held (slots
        // live inside method calls).
        unsafe { ffi::PyBuffer_Release(&mut self.0) }
    }
}

impl Drop for WritableBufferArg {
    fn drop(&mut self) {
        // SAFETY: as for BufferArg.
        unsafe { ffi::PyBuffer_Release(&mut self.0) }
    }
}

impl StrArg {
    pub(crate) fn new() -> Self {
        StrArg(ptr::null())
    }
    pub(crate) fn bytes(&self) -> Option<&[u8]> {
        // SAFETY: the parser stores a pointer into the argument object's NUL-terminated buffer.
        (!self.0.is_null()).then(|| unsafe { CStr::from_ptr(self.0) }.to_bytes())
    }
}

impl OptStrArg {
    pub(crate) fn new() -> Self {
        OptStrArg(ptr::null())
    }
    pub(crate) fn bytes(&self) -> Option<&[u8]> {
        // SAFETY: as for StrArg; NULL for None or not given.
        (!self.0.is_null()).then(|| unsafe { CStr::from_ptr(self.0) }.to_bytes())
    }
}

impl EncodedStrArg {
    pub(crate) fn new(encoding: &'static CStr) -> Self {
        EncodedStrArg(encoding, ptr::null_mut())
    }
    pub(crate) fn bytes(&self) -> Option<&[u8]> {
        // SAFETY: CPython allocated a NUL-terminated copy, freed in Drop.
        (!self.1.is_null()).then(|| unsafe { CStr::from_ptr(self.1) }.to_bytes())
    }
}

impl Drop for EncodedStrArg {
    fn drop(&mut self) {
        // SAFETY: `et` output is allocated with PyMem_Malloc; NULL is allowed.
        unsafe { ffi::PyMem_Free(self.1.cast()) }
    }
}

macro_rules! slot {
    ($ty:ty, $unit:literal, |$s:ident, $out:ident| $body:expr) => {
        impl ArgSlot for $ty {
            fn unit(&self) -> &'static str {
                $unit
            }
            fn pointers(&mut self, $out: &mut Vec<*mut c_void>) {
                let $s = self;
                $body
            }
        }
    };
}

slot!(ObjectArg, "O", |s, out| out
    .push(ptr::addr_of_mut!(s.0).cast()));
slot!(TypedObjectArg, "O!", |s, out| {
    out.push(s.0.cast());
    out.push(ptr::addr_of_mut!(s.1).cast());
});
slot!(BufferArg, "s*", |s, out| out
    .push(ptr::addr_of_mut!(s.0).cast()));
slot!(WritableBufferArg, "w*", |s, out| out
    .push(ptr::addr_of_mut!(s.0).cast()));
slot!(StrArg, "s", |s, out| out
    .push(ptr::addr_of_mut!(s.0).cast()));
slot!(OptStrArg, "z", |s, out| out
    .push(ptr::addr_of_mut!(s.0).cast()));
slot!(EncodedStrArg, "et", |s, out| {
    out.push(s.0.as_ptr().cast_mut().cast());
    out.push(ptr::addr_of_mut!(s.1).cast());
});
slot!(LongArg, "l", |s, out| out
    .push(ptr::addr_of_mut!(s.0).cast()));
slot!(IntArg, "i", |s, out| out
    .push(ptr::addr_of_mut!(s.0).cast()));
slot!(SizeArg, "n", |s, out| out
    .push(ptr::addr_of_mut!(s.0).cast()));

/// Splits a format string into its units, skipping `|` and stopping at `:`/`;`.
fn format_units(format: &str) -> Vec<String> {
    let mut units = Vec::new();
    let mut chars = format.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '|' => continue,
            ':' | ';' => break,
            'e' => {
                let mut unit = String::from("e");
                unit.extend(chars.next());
                if chars.peek() == Some(&'#') {
                    unit.push(chars.next().expect("peeked"));
                }
                units.push(unit);
            }
            _ => {
                let mut unit = c.to_string();
                if let Some(&m) = chars.peek() {
                    if matches!(m, '*' | '#' | '!' | '&') {
                        unit.push(m);
                        chars.next();
                    }
                }
                units.push(unit);
            }
        }
    }
    units
}

/// The most outputs any of our format strings has.
const MAX_POINTERS: usize = 12;

/// Parses `args` (and keywords, when `keywords` is given) into `slots`. A mismatch between the
/// format and the slots is a programming error and panics (becoming a `SystemError`).
pub(crate) fn parse(
    call: Args<'_>,
    format: &CStr,
    keywords: Option<&[&CStr]>,
    slots: &mut [&mut dyn ArgSlot],
) -> PyResult<()> {
    let text = format.to_str().expect("format strings are ASCII");
    let expected: Vec<&str> = slots.iter().map(|s| s.unit()).collect();
    assert_eq!(
        format_units(text),
        expected,
        "format {text:?} does not match its slots"
    );
    let mut ptrs = Vec::with_capacity(MAX_POINTERS);
    for slot in slots.iter_mut() {
        slot.pointers(&mut ptrs);
    }
    assert!(ptrs.len() <= MAX_POINTERS, "too many outputs for {text:?}");
    // Unused trailing arguments are never read by the parser: it reads one per format unit.
    ptrs.resize(MAX_POINTERS, ptr::null_mut());
    let p = &ptrs;
    // An empty tuple stands in for "no arguments" (METH_NOARGS-style callers).
    let empty;
    let args_ptr = match call.args {
        Some(a) => a.as_ptr(),
        None => {
            empty = crate::py::value::tuple(Vec::new())?;
            empty.as_ptr()
        }
    };
    let kwargs_ptr = call.kwargs.map_or(ptr::null_mut(), |k| k.as_ptr());
    // SAFETY: the format's units were checked against the slots, whose addresses point to
    // storage of the matching C types; args is a tuple and kwargs NULL or a dict.
    let ok = unsafe {
        match keywords {
            Some(names) => {
                let mut list: Vec<*mut c_char> =
                    names.iter().map(|n| n.as_ptr().cast_mut()).collect();
                list.push(ptr::null_mut());
                ffi::_PyArg_ParseTupleAndKeywords_SizeT(
                    args_ptr,
                    kwargs_ptr,
                    format.as_ptr(),
                    list.as_mut_ptr(),
                    p[0],
                    p[1],
                    p[2],
                    p[3],
                    p[4],
                    p[5],
                    p[6],
                    p[7],
                    p[8],
                    p[9],
                    p[10],
                    p[11],
                )
            }
            None => ffi::_PyArg_ParseTuple_SizeT(
                args_ptr,
                format.as_ptr(),
                p[0],
                p[1],
                p[2],
                p[3],
                p[4],
                p[5],
                p[6],
                p[7],
                p[8],
                p[9],
                p[10],
                p[11],
            ),
        }
    };
    if ok == 0 {
        return Err(PyErr::fetch());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::format_units;

    #[test]
    fn units_are_split_like_cpython() {
        assert_eq!(format_units("O|s*:new"), ["O", "s*"]);
        assert_eq!(
            format_units("ss*s*l|O:pbkdf2_hmac"),
            ["s", "s*", "s*", "l", "O"]
        );
        assert_eq!(
            format_units("O!i|O!et:_wrap_socket"),
            ["O!", "i", "O!", "et"]
        );
        assert_eq!(format_units(":digest"), Vec::<String>::new());
        assert_eq!(format_units("s#;bad"), ["s#"]);
    }
}
