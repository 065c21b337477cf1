//! Argument parsing through CPython's own `PyArg_ParseTuple[AndKeywords]`, with the format
//! strings of 2.7.18's C modules, so `TypeError` texts and conversions (unicode to the default
//! encoding for `s*`, IDNA for `et`...) are 2.7's own.
//!
//! Each output is a typed slot; `parse` checks that the format's units match the slots' kinds
//! before handing their addresses to the variadic C function.

use crate::ffi;
use crate::py::boundary::Args;
use crate::py::err::Builtin;
use crate::py::object::PyObjectRef;
use crate::py::value;
use crate::py::{Borrowed, Owned, PyErr, PyResult};
use std::ffi::{c_char, c_int, c_long, c_ulong, c_void, CStr};
use std::ptr;

/// One output of a format string.
pub(crate) trait ArgSlot {
    /// The format units this slot receives, e.g. `"s*"` or `"O!"`.
    fn unit(&self) -> &'static str;
    /// The addresses the C parser writes to, in order (inputs such as `O!`'s type first).
    fn pointers(&mut self, out: &mut Pointers);
    /// Called when the parse failed: outputs CPython already released must be forgotten.
    fn parse_failed(&mut self) {}
}

/// The parser's variadic outputs, kept on the stack: `parse` runs on hot paths (one
/// `hash.update()` per call) where a heap allocation per call shows in profiles.
pub(crate) struct Pointers {
    ptrs: [*mut c_void; MAX_POINTERS],
    len: usize,
}

impl Pointers {
    fn push(&mut self, p: *mut c_void) {
        assert!(self.len < MAX_POINTERS, "too many parser outputs");
        self.ptrs[self.len] = p;
        self.len += 1;
    }
}

/// `O`: any object, borrowed from the arguments.
pub(crate) struct ObjectArg(*mut ffi::PyObject);

/// `O!`: an object of a given type.
pub(crate) struct TypedObjectArg(*mut ffi::PyTypeObject, *mut ffi::PyObject);

/// `s*`: a read buffer (str, buffer objects; unicode encoded with the default encoding).
pub(crate) struct BufferArg(ffi::Py_buffer);

/// `z*`: like `s*`, or None (then not given).
pub(crate) struct OptBufferArg(ffi::Py_buffer);

/// `w*`: a writable buffer (bytearray, array, memoryview of one).
pub(crate) struct WritableBufferArg(ffi::Py_buffer);

/// `s`: a NUL-free string.
pub(crate) struct StrArg(*const c_char);

/// `s#`: a string or read-only buffer with its length (NULs allowed; unicode is encoded with
/// the default encoding). The length is a `Py_ssize_t`: we call the `_SizeT` parsers.
pub(crate) struct StrLenArg(*const c_char, ffi::Py_ssize_t);

/// `d`: a C double (`PyFloat_AsDouble`).
pub(crate) struct DoubleArg(pub(crate) f64);

/// `et`: a string encoded with a named codec, allocated by CPython.
pub(crate) struct EncodedStrArg(&'static CStr, *mut c_char);

/// `l`, `i`, `n`.
pub(crate) struct LongArg(pub(crate) c_long);
pub(crate) struct IntArg(pub(crate) c_int);
pub(crate) struct SsizeArg(pub(crate) ffi::Py_ssize_t);

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
    /// As an optional flag (`binary_form=False`): see [`flag`].
    pub(crate) fn flag(&self) -> PyResult<bool> {
        flag(self.get())
    }
}

/// An optional flag argument (`binary_form=False`, `der=False`): its truth (`bool(x)`, which
/// may raise), false when it was not given.
pub(crate) fn flag(arg: Option<Borrowed<'_>>) -> PyResult<bool> {
    arg.map_or(Ok(false), |v| v.is_true())
}

impl TypedObjectArg {
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

impl OptBufferArg {
    pub(crate) fn new() -> Self {
        // SAFETY: as for BufferArg.
        OptBufferArg(unsafe { std::mem::zeroed() })
    }
    /// The bytes, if the argument was given and not None.
    pub(crate) fn bytes(&self) -> Option<&[u8]> {
        view_bytes(&self.0)
    }
}

impl Drop for OptBufferArg {
    fn drop(&mut self) {
        // SAFETY: as for BufferArg (None leaves the view zeroed, which Release accepts).
        unsafe { ffi::PyBuffer_Release(&mut self.0) }
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

impl StrLenArg {
    pub(crate) fn new() -> Self {
        StrLenArg(ptr::null(), 0)
    }
    pub(crate) fn bytes(&self) -> Option<&[u8]> {
        if self.0.is_null() {
            return None;
        }
        if self.1 <= 0 {
            return Some(&[]);
        }
        // SAFETY: the parser stores a pointer to len bytes owned by the argument object (or by
        // its cached default-encoded form), which outlives the call and so this slot.
        Some(unsafe { std::slice::from_raw_parts(self.0.cast::<u8>(), self.1 as usize) })
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

/// A slot whose outputs are its own fields, in order: one table line per format unit.
macro_rules! slot {
    ($ty:ty, $unit:literal, $($field:tt),+) => {
        impl ArgSlot for $ty {
            fn unit(&self) -> &'static str {
                $unit
            }
            fn pointers(&mut self, out: &mut Pointers) {
                $(out.push(ptr::addr_of_mut!(self.$field).cast());)+
            }
        }
    };
}

slot!(ObjectArg, "O", 0);
slot!(BufferArg, "s*", 0);
slot!(OptBufferArg, "z*", 0);
slot!(WritableBufferArg, "w*", 0);
slot!(StrArg, "s", 0);
slot!(StrLenArg, "s#", 0, 1);
slot!(DoubleArg, "d", 0);
slot!(LongArg, "l", 0);
slot!(IntArg, "i", 0);
slot!(SsizeArg, "n", 0);

/// `O!` and `et` take an input before their output: the type to check, the codec's name.
impl ArgSlot for TypedObjectArg {
    fn unit(&self) -> &'static str {
        "O!"
    }
    fn pointers(&mut self, out: &mut Pointers) {
        out.push(self.0.cast());
        out.push(ptr::addr_of_mut!(self.1).cast());
    }
}
impl ArgSlot for EncodedStrArg {
    fn unit(&self) -> &'static str {
        "et"
    }
    fn pointers(&mut self, out: &mut Pointers) {
        out.push(self.0.as_ptr().cast_mut().cast());
        out.push(ptr::addr_of_mut!(self.1).cast());
    }
    /// When a later unit (or an unknown keyword) fails, 2.7's parser frees the buffer it
    /// allocated for us (its cleanup list) but leaves our pointer set: freeing it again in
    /// `Drop` would be a double free.
    fn parse_failed(&mut self) {
        self.1 = ptr::null_mut();
    }
}

/// Python 3's `Py_buffer` argument (`y*`), which 2.7's parser lacks: any buffer object but text.
/// 2.7's `s*` would encode a `unicode` with the default codec; Python 3 refuses `str` (its
/// text type), so `unicode` is refused here, and every refusal has Python 3's wording.
pub(crate) fn bytes_like(call: Args<'_>, format: &CStr) -> PyResult<BufferArg> {
    let mut obj = ObjectArg::new();
    let mut data = BufferArg::new();
    let refuse = |given: &dyn PyObjectRef| {
        PyErr::new(
            crate::py::err::Builtin::TypeError,
            &format!(
                "a bytes-like object is required, not '{}'",
                given.type_name()
            ),
        )
    };
    // The same format with `O` in place of `s*` checks the argument count and names.
    let text = format.to_str().expect("format strings are ASCII");
    let object_format =
        std::ffi::CString::new(text.replacen("s*", "O", 1)).expect("no NUL in formats");
    parse(call, &object_format, None, &mut [&mut obj])?;
    let given = obj.get().expect("required argument");
    if crate::py::value::is_unicode(&given) {
        return Err(refuse(&given));
    }
    match parse(call, format, None, &mut [&mut data]) {
        Ok(()) => Ok(data),
        Err(_) => Err(refuse(&given)),
    }
}

/// The units of a format string, skipping `|` and stopping at `:`/`;`, as slices of it (no
/// allocation and no UTF-8 check: this runs on every call).
fn units(format: &[u8]) -> impl Iterator<Item = &[u8]> {
    let bytes = format;
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < bytes.len() && bytes[i] == b'|' {
            i += 1;
        }
        if i >= bytes.len() || matches!(bytes[i], b':' | b';') {
            return None;
        }
        let start = i;
        if bytes[i] == b'e' {
            // `e` + encoding kind (`s`/`t`), optionally `#`.
            i = (i + 2).min(bytes.len());
            if bytes.get(i) == Some(&b'#') {
                i += 1;
            }
        } else {
            i += 1;
            if matches!(bytes.get(i), Some(b'*' | b'#' | b'!' | b'&')) {
                i += 1;
            }
        }
        Some(&bytes[start..i])
    })
}

/// Splits a format string into its units (for messages and tests).
fn format_units(format: &str) -> Vec<&str> {
    units(format.as_bytes())
        .map(|u| std::str::from_utf8(u).unwrap_or("?"))
        .collect()
}

/// The most outputs any of our format strings has.
const MAX_POINTERS: usize = 16;

/// Calls the C-variadic parser `f` with the leading arguments, then all `MAX_POINTERS` output
/// pointers of `p` (a C variadic call cannot take an array; the parser reads as many as the
/// format has units and ignores the rest).
macro_rules! spread_outputs {
    ($f:path, $p:ident; $($lead:expr),+) => {
        $f(
            $($lead,)+
            $p[0], $p[1], $p[2], $p[3], $p[4], $p[5], $p[6], $p[7],
            $p[8], $p[9], $p[10], $p[11], $p[12], $p[13], $p[14], $p[15],
        )
    };
}
const _: () = assert!(MAX_POINTERS == 16, "spread_outputs! spells out 16 outputs");

/// Parses `args` (and keywords, when `keywords` is given) into `slots`. A mismatch between the
/// format and the slots is a programming error and panics (becoming a `SystemError`).
pub(crate) fn parse<'a>(
    call: impl Into<Args<'a>>,
    format: &CStr,
    keywords: Option<&[&CStr]>,
    slots: &mut [&mut dyn ArgSlot],
) -> PyResult<()> {
    let call = call.into();
    // The check guards the variadic call below, so it stays in release builds; it compares
    // slices without allocating.
    if !units(format.to_bytes()).eq(slots.iter().map(|s| s.unit().as_bytes())) {
        let text = format.to_string_lossy();
        let expected: Vec<&str> = slots.iter().map(|s| s.unit()).collect();
        panic!(
            "format {text:?} does not match its slots: {:?} vs {expected:?}",
            format_units(&text)
        );
    }
    // Unused trailing arguments are never read by the parser: it reads one per format unit.
    let mut ptrs = Pointers {
        ptrs: [ptr::null_mut(); MAX_POINTERS],
        len: 0,
    };
    for slot in slots.iter_mut() {
        slot.pointers(&mut ptrs);
    }
    let p = &ptrs.ptrs;
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
                // NULL-terminated, on the stack (see `Pointers`).
                let mut list: [*mut c_char; MAX_POINTERS + 1] = [ptr::null_mut(); MAX_POINTERS + 1];
                assert!(
                    names.len() <= MAX_POINTERS,
                    "too many keywords for {format:?}"
                );
                for (slot, name) in list.iter_mut().zip(names) {
                    *slot = name.as_ptr().cast_mut();
                }
                spread_outputs!(
                    ffi::_PyArg_ParseTupleAndKeywords_SizeT,
                    p;
                    args_ptr,
                    kwargs_ptr,
                    format.as_ptr(),
                    list.as_mut_ptr()
                )
            }
            None => spread_outputs!(ffi::_PyArg_ParseTuple_SizeT, p; args_ptr, format.as_ptr()),
        }
    };
    if ok == 0 {
        for slot in slots.iter_mut() {
            slot.parse_failed();
        }
        return Err(PyErr::fetch());
    }
    Ok(())
}

/// Declares a call's arguments in one statement, the way a signature would: each argument's
/// name, which is also its keyword, with its slot; the format string (2.7's, for CPython's
/// parser and its messages) states the units, optional ones and the function's name:
///
/// ```text
/// parse_args!(args, c"s*|z*O:hmac_new" => keywords(
///     key: BufferArg::new(), msg: OptBufferArg::new(), digestmod: ObjectArg::new()));
/// parse_args!(args, c"s:set_ciphers" => positional(cipherlist: StrArg::new()));
/// ```
///
/// binds `key`, `msg`, `digestmod` (the filled slots) in the caller and returns its error if
/// the parse fails. `keywords` passes the names to `PyArg_ParseTupleAndKeywords`
/// (`METH_KEYWORDS` functions); `positional` parses the tuple alone (`PyArg_ParseTuple`). The
/// keyword list is a constant: nothing is built per call.
#[macro_export]
macro_rules! parse_args {
    ($call:expr, $format:expr => keywords($($name:ident: $slot:expr),+ $(,)?)) => {
        $(let mut $name = $slot;)+
        $crate::py::args::parse(
            $call,
            $format,
            Some(const { &[$($crate::py::value::const_cstr(concat!(stringify!($name), "\0"))),+] }),
            &mut [$(&mut $name),+],
        )?;
    };
    ($call:expr, $format:expr => positional($($name:ident: $slot:expr),+ $(,)?)) => {
        $(let mut $name = $slot;)+
        $crate::py::args::parse($call, $format, None, &mut [$(&mut $name),+])?;
    };
}

/// Fast path for METH_VARARGS functions whose format is one `s*` (`HASH.update`, the
/// `openssl_*` constructors): when the call has exactly one positional argument, of exact type
/// `str`, its bytes, borrowed from the argument tuple. `s*` would give the very same bytes (a
/// str's buffer is its own storage and filling the view has no side effect), so the caller may
/// skip `parse`; any other shape (subclasses, unicode, buffers, errors) goes through `parse`.
pub(crate) fn single_exact_str<'a>(call: &Args<'a>) -> Option<&'a [u8]> {
    exact_strs::<1>(call).map(|[bytes]| bytes)
}

/// A call's one required object (`O`): `set_servername_callback(method)`,
/// `set_psk_client_callback(callback)`; borrowed from the call's arguments.
pub(crate) fn single_object<'a>(
    call: impl Into<Args<'a>>,
    format: &CStr,
    keywords: Option<&[&CStr]>,
) -> PyResult<Borrowed<'a>> {
    let mut obj = ObjectArg::new();
    parse(call, format, keywords, &mut [&mut obj])?;
    // SAFETY: the parser stored a reference borrowed from the call's tuple or keywords dict,
    // which the caller holds for 'a.
    let obj = unsafe { Borrowed::from_ptr(obj.0) };
    Ok(obj.expect("`O` is a required unit"))
}

/// The one `s*` argument of an `update`-style method (`format`, e.g. `"s*:update"`, with its
/// keyword when the method takes keywords): `f` gets its bytes, through `single_exact_str`'s
/// fast path when the call is one exact `str`, else through 2.7's own `s*` conversion.
#[inline(always)]
pub(crate) fn with_data<'a, R>(
    call: impl Into<Args<'a>>,
    format: &CStr,
    keywords: Option<&[&CStr]>,
    f: impl FnOnce(&[u8]) -> PyResult<R>,
) -> PyResult<R> {
    let call = call.into();
    match single_exact_str(&call) {
        Some(bytes) => f(bytes),
        None => with_parsed_data(call, format, keywords, f),
    }
}

/// `with_data` when the call is not one exact `str`: 2.7's own `s*` conversion.
#[cold]
#[inline(never)]
fn with_parsed_data<R>(
    call: Args<'_>,
    format: &CStr,
    keywords: Option<&[&CStr]>,
    f: impl FnOnce(&[u8]) -> PyResult<R>,
) -> PyResult<R> {
    let mut data = BufferArg::new();
    parse(call, format, keywords, &mut [&mut data])?;
    f(data.bytes().unwrap_or_default())
}

/// Like `single_exact_str`, for a call of exactly `N` positional arguments, all of exact type
/// `str`, and no keywords (`hmac_new(key, msg, 'sha256')`): their bytes, borrowed from the
/// argument tuple, which the generic parser would give too. One shim call reads the tuple and
/// the strings with 2.7's macros (these paths are a few hundred instructions in all).
pub(crate) fn exact_strs<'a, const N: usize>(call: &Args<'a>) -> Option<[&'a [u8]; N]> {
    if call.kwargs.is_some() {
        return None;
    }
    let args = call.args.as_ref()?.as_ptr();
    let mut data: [*const c_char; N] = [ptr::null(); N];
    let mut size: [ffi::Py_ssize_t; N] = [0; N];
    // SAFETY: `args` is the live argument tuple of this call; the shim writes N entries of
    // each array (both N long) and only reads the tuple.
    if unsafe {
        ffi::shim::pep466_exact_str_items(
            args,
            N as ffi::Py_ssize_t,
            data.as_mut_ptr(),
            size.as_mut_ptr(),
        )
    } == 0
    {
        return None;
    }
    let mut out: [&'a [u8]; N] = [&[]; N];
    for ((slot, p), n) in out.iter_mut().zip(data).zip(size) {
        // SAFETY: item i of the tuple is an exact str (checked by the shim): `p` is its
        // storage, `n` its size (never negative), valid and unchanged while the tuple holds
        // the item, i.e. for 'a (str is immutable).
        *slot = unsafe { std::slice::from_raw_parts(p.cast::<u8>(), n as usize) };
    }
    Some(out)
}

// Setter values: a property setter gets one object (or NULL for `del`), which 2.7 parsed
// with `PyArg_Parse` and one format unit.

/// A setter got `del ctx.attr`: 2.7's `PyArg_Parse` then sees no argument.
pub(crate) fn attribute_deleted() -> PyErr {
    PyErr::new(Builtin::TypeError, "function takes at least one argument")
}

/// Parses a setter's value with one 2.7 format unit through `PyArg_ParseTuple`, whose
/// conversion errors are those of 2.7's `PyArg_Parse`.
/// Returns the filled slot: `let n = parse_setter_value(v, c"i", IntArg(0))?.0;`.
pub(crate) fn parse_setter_value<S: ArgSlot>(
    value: Option<Borrowed<'_>>,
    format: &CStr,
    mut slot: S,
) -> PyResult<S> {
    let value = value.ok_or_else(attribute_deleted)?;
    let tuple = value::tuple(vec![value.to_owned()])?;
    let call = Args {
        args: Some(tuple.borrow()),
        kwargs: None,
    };
    parse(call, format, None, &mut [&mut slot])?;
    Ok(slot)
}

/// 2.7's `k` format: any int or long, masked to a C `unsigned long` (so -1 is all bits).
pub(crate) fn masked_unsigned_long(obj: &Borrowed<'_>) -> PyResult<c_ulong> {
    if !value::is_int_or_long(obj) {
        return Err(PyErr::new(
            Builtin::TypeError,
            &format!(
                "argument must be an integer, not {}",
                // 2.7's converterr names None "None", other objects by their type.
                if obj.is_none() {
                    "None".to_owned()
                } else {
                    obj.type_name()
                }
            ),
        ));
    }
    // Python's own `&` masks longs of any size; ints fit a C long and wrap as C would.
    match value::as_long(obj) {
        Ok(v) => Ok(v as c_ulong),
        Err(_) => {
            // c_ulong is 32 bits on Windows, 64 here: the cast is not always a no-op.
            #[allow(clippy::unnecessary_cast)]
            let mask = value::ulong(c_ulong::MAX as u64)?;
            let masked = obj.getattr(c"__and__")?.call(&[&mask])?;
            Ok(value::as_unsigned_long(&masked)? as c_ulong)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{format_units, parse, EncodedStrArg, ObjectArg};
    use crate::py::boundary::Args;
    use crate::py::embed::with_python;
    use crate::py::value;

    #[test]
    fn a_failed_parse_forgets_the_et_buffer_cpython_freed() {
        with_python(|_py| {
            let args = value::tuple(vec![value::bytes(b"host").expect("str")]).expect("tuple");
            let good = value::dict().expect("dict");
            let bad = value::dict().expect("dict");
            value::dict_set_str(&bad, "bogus", &value::none()).expect("set");
            for _ in 0..3 {
                let (mut host, mut extra) = (EncodedStrArg::new(c"idna"), ObjectArg::new());
                let call = Args {
                    args: Some(args.borrow()),
                    kwargs: Some(bad.borrow()),
                };
                let kw = [c"host", c"extra"];
                let r = parse(call, c"et|O:f", Some(&kw), &mut [&mut host, &mut extra]);
                // The unknown keyword fails after `et` was filled; CPython freed the copy and
                // dropping `host` must not free it again (a double free aborts this binary).
                assert!(r.is_err());
                assert_eq!(host.bytes(), None);
            }
            let (mut host, mut extra) = (EncodedStrArg::new(c"idna"), ObjectArg::new());
            let call = Args {
                args: Some(args.borrow()),
                kwargs: Some(good.borrow()),
            };
            parse(
                call,
                c"et|O:f",
                Some(&[c"host", c"extra"]),
                &mut [&mut host, &mut extra],
            )
            .expect("parses");
            assert_eq!(host.bytes(), Some(&b"host"[..]));
        });
    }

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
