//! The `HASH` type of `_hashlib`, the `new()` function and the `openssl_<name>` constructors.
//!
//! Thread safety: each object's context sits in a `GilOrMutex`. An update of 2048 bytes or more
//! (2.7's `HASHLIB_GIL_MINSIZE`) runs with the GIL released under the object's lock; after the
//! first such update every access takes the lock, with the GIL held if it is free and otherwise
//! waiting for it with the GIL released (2.7's `ENTER_HASHLIB`), so two threads hashing big
//! buffers run in parallel and never deadlock.

use crate::hashlib::errors::{openssl_failure, unsupported};
use crate::hashlib::names::{constructor_context, digest_by_name, python_name, CONSTRUCTOR_NAMES};
use crate::ossl::digest::{DigestCtx, MAX_DIGEST};
use crate::ossl::error::OsslError;
use crate::parse_args;
use crate::py::args::{parse, single_exact_str, with_data, BufferArg, ObjectArg};
use crate::py::boundary::{Args, KwArgs};
use crate::py::err::Builtin;
use crate::py::gil_or_mutex::GilOrMutex;
use crate::py::module::ModuleBuilder;
use crate::py::object::PyObjectRef;
use crate::py::typeobj::{address, create, PyClass, Slf, TypeBuilder};
use crate::py::{value, Borrowed, Owned, PyErr, PyResult, Python};
use crate::py_unary_slot;
use std::ffi::CStr;

/// Updates at least this long release the GIL (2.7's `HASHLIB_GIL_MINSIZE`).
pub(crate) const GIL_MINSIZE: usize = 2048;

/// Runs `f` with the GIL released when `len` is at least `GIL_MINSIZE` (the data of a
/// constructor, a new HMAC or a one-shot, which no other thread can see yet).
pub(crate) fn released_if_long<R: Send>(
    py: Python<'_>,
    len: usize,
    f: impl FnOnce() -> R + Send,
) -> R {
    if len >= GIL_MINSIZE {
        py.allow_threads(f)
    } else {
        f()
    }
}

/// The object is the header and two pointers (32 bytes, as Python 3's). `name` is 2.7's: the
/// object given to `new()` (`'SHA256'` stays upper case), kept beside the lock in the
/// context's side allocation; objects of the `openssl_<name>` constructors, and of `new()`
/// when given that very (interned) string, keep none: their name is the constructor's shared
/// string, found from the digest when asked for.
pub(crate) struct Hash {
    ctx: GilOrMutex<DigestCtx, Owned>,
}

/// One name string per constructor, shared by its objects (2.7's `CONST_<name>_name_obj`),
/// interned so that `new('sha256')` with a literal passes this very object.
static NAMES: [value::StaticStr; CONSTRUCTOR_NAMES.len()] =
    [const { value::StaticStr::new() }; CONSTRUCTOR_NAMES.len()];

fn constructor_name(index: usize) -> PyResult<Owned> {
    NAMES[index].get(CONSTRUCTOR_NAMES[index])
}

/// Makes the shared names at import, so the module's one reference to each is there from
/// the start (a literal `'sha256'` elsewhere is the same interned object).
pub(crate) fn prepare_names() -> PyResult<()> {
    for index in 0..CONSTRUCTOR_NAMES.len() {
        constructor_name(index)?;
    }
    Ok(())
}

impl PyClass for Hash {
    crate::py_type_slot!();
}

/// `_hashlib.HASHXOF` (SHAKE), Python 3's subclass of `HASH` whose `digest` and `hexdigest`
/// take the output length. Transparent, so `HASH`'s methods run on it unchanged.
#[repr(transparent)]
pub(crate) struct HashXof(Hash);

impl PyClass for HashXof {
    crate::py_type_slot!();
}

/// The two docstrings differ in their first line and in `digest`'s argument.
macro_rules! hash_doc {
    ($head:literal, $length:literal) => {
        value::const_cstr(concat!(
            $head,
            "\n\nMethods:\n\n\
             update() -- updates the current digest with an additional string\n\
             digest(",
            $length,
            ") -- return the current digest value\n\
             hexdigest(",
            $length,
            ") -- return the current digest as a string of hexadecimal digits\n\
             copy() -- return a copy of the current hash object\n\
             \n\
             Attributes:\n\
             \n\
             name -- the hash algorithm being used by this object\n\
             digest_size -- number of bytes in this hashes output\n\0"
        ))
    };
}

const HASHXOF_DOC: &CStr = hash_doc!(
    "A hash is an object used to calculate a checksum of a string of information.",
    "length"
);

const HASH_DOC: &CStr = hash_doc!(
    "A hash represents the object used to calculate a checksum of a\nstring of information.",
    ""
);

pub(crate) const NEW_DOC: &CStr = c"Return a new hash object using the named algorithm.\n\
An optional string argument may be provided and will be\n\
automatically hashed.\n\
\n\
The MD5 and SHA1 algorithms are always supported.\n";

py_unary_slot!(hash_tp_repr, Hash, repr);

/// Readies `HASH` and `HASHXOF`; returns both (the module exports them, as Python 3's does).
pub(crate) fn ready_types() -> PyResult<(Owned, Owned)> {
    let hash = ready_hash_type()?;
    let xof = TypeBuilder::new::<HashXof>(c"_hashlib.HASHXOF", HASHXOF_DOC).base::<Hash>();
    let xof = crate::py_members!(xof, HashXof {
        method keywords c"digest" => xof_digest_py,
            c"Return the digest value as a string of binary data.";
        method keywords c"hexdigest" => xof_hexdigest_py,
            c"Return the digest value as a string of hexadecimal digits.";
        get c"digest_size" => xof_get_digest_size, c"";
        get c"digestsize" => xof_get_digest_size, c"";
    })
    .build::<HashXof>()?;
    Ok((hash, xof))
}

fn ready_hash_type() -> PyResult<Owned> {
    let builder = TypeBuilder::new::<Hash>(c"_hashlib.HASH", HASH_DOC).subclassable();
    crate::py_members!(builder, Hash {
        method varargs c"update" => update,
            c"Update this hash object's state with the provided string.";
        method noargs c"digest" => digest::<false>, c"Return the digest value as a string of binary data.";
        method noargs c"hexdigest" => digest::<true>,
            c"Return the digest value as a string of hexadecimal digits.";
        method noargs c"copy" => copy, c"Return a copy of the hash object.";
        getset c"name" => get_name, set_name, c"algorithm name.";
        get c"digest_size" => get_digest_size, c"";
        get c"digestsize" => get_digest_size, c"";
        get c"block_size" => get_block_size, c"";
    })
    .repr(hash_tp_repr)
    .build::<Hash>()
}

/// Makes a HASH object, hashing `data` first (with the GIL released when it is long; nobody
/// else can see the object yet, so no lock is needed).
/// `xof`: the digest is an extendable-output function (the constructors know it from their
/// index; `new()` and `copy()` ask the context).
fn new_hash(
    py: Python<'_>,
    name: Option<Owned>,
    mut ctx: DigestCtx,
    xof: bool,
    data: Option<&[u8]>,
) -> PyResult<Owned> {
    if let Some(data) = data.filter(|d| !d.is_empty()) {
        ctx = released_if_long(py, data.len(), || ctx.update(data).map(|()| ctx))
            .map_err(openssl_failure)?;
    }
    let object = Hash {
        ctx: GilOrMutex::with_extra(ctx, name),
    };
    if xof {
        create(HashXof(object))
    } else {
        create(object)
    }
}

/// Python: `_hashlib.HASH.update`
fn update(py: Python<'_>, slf: Slf<'_, Hash>, args: Args<'_>) -> PyResult<Owned> {
    // The common call, `h.update(some_str)`, skips the generic parser (see `with_data`).
    with_data(args, c"s*:update", None, |bytes| {
        feed(py, &slf.ctx, bytes, DigestCtx::update)
    })
}

/// What `update` does to a HASH or HMAC object once it has the bytes: feeds its context under
/// the object's lock, with the GIL released for long data. Inlined into `update`'s fast path:
/// one call frame fewer per short update.
#[inline(always)]
pub(crate) fn feed<C: Send, X>(
    py: Python<'_>,
    ctx: &GilOrMutex<C, X>,
    bytes: &[u8],
    update: impl FnOnce(&mut C, &[u8]) -> Result<(), OsslError> + Send,
) -> PyResult<Owned> {
    if !bytes.is_empty() {
        ctx.with(py, bytes.len() >= GIL_MINSIZE, |c| update(c, bytes))
            .map_err(openssl_failure)?;
    }
    Ok(value::none())
}

/// Python: `_hashlib.HASH.digest` / `hexdigest` (`HEX`)
fn digest<const HEX: bool>(py: Python<'_>, slf: Slf<'_, Hash>) -> PyResult<Owned> {
    let raw = slf.ctx.with(py, false, |ctx| ctx.digest());
    bytes_or_hex::<HEX>(raw.map_err(openssl_failure)?.as_slice())
}

/// A digest as `digest()` (bytes) or `hexdigest()` (`HEX`) returns it.
pub(crate) fn bytes_or_hex<const HEX: bool>(raw: &[u8]) -> PyResult<Owned> {
    if HEX {
        hex_str(raw)
    } else {
        value::bytes(raw)
    }
}

/// A `str` of the lower-case hex of a digest (at most `MAX_DIGEST` bytes).
pub(crate) fn hex_str(raw: &[u8]) -> PyResult<Owned> {
    let mut hex = [0u8; 2 * MAX_DIGEST];
    hex_into(raw, &mut hex);
    value::bytes(&hex[..2 * raw.len()])
}

/// Python: `_hashlib.HASH.copy`
fn copy(py: Python<'_>, slf: Slf<'_, Hash>) -> PyResult<Owned> {
    let ctx = slf
        .ctx
        .with(py, false, |ctx| ctx.try_clone())
        .map_err(openssl_failure)?;
    let xof = ctx.md().is_xof();
    new_hash(py, slf.ctx.extra(py).cloned(), ctx, xof, None)
}

/// Python: `_hashlib.HASH.name`
fn get_name(py: Python<'_>, slf: Slf<'_, Hash>) -> PyResult<Owned> {
    name(py, &slf)
}

fn name(py: Python<'_>, slf: &Hash) -> PyResult<Owned> {
    if let Some(name) = slf.ctx.extra(py) {
        return Ok(name.clone());
    }
    // A constructor's object (or `new()`'s, given the constructor's own string).
    let md = slf.ctx.with(py, false, |ctx| ctx.md());
    let python = python_name(md);
    match CONSTRUCTOR_NAMES.iter().position(|n| *n == python) {
        Some(index) => constructor_name(index),
        None => value::bytes(python.as_bytes()),
    }
}

/// Python: assigning or deleting `_hashlib.HASH.name`. 2.7 makes `name` a READONLY member,
/// whose setter raises `TypeError("readonly attribute")` (a getset without a setter would raise
/// AttributeError instead).
fn set_name(_py: Python<'_>, _slf: Slf<'_, Hash>, _value: Option<Borrowed<'_>>) -> PyResult<()> {
    Err(PyErr::new(Builtin::TypeError, "readonly attribute"))
}

/// Python: `_hashlib.HASH.digest_size` (a long, as in 2.7)
fn get_digest_size(py: Python<'_>, slf: Slf<'_, Hash>) -> PyResult<Owned> {
    let size = slf.ctx.with(py, false, |ctx| ctx.digest_size());
    value::long(size as i64)
}

/// Python: `_hashlib.HASH.block_size` (a long, as in 2.7)
fn get_block_size(py: Python<'_>, slf: Slf<'_, Hash>) -> PyResult<Owned> {
    let size = slf.ctx.with(py, false, |ctx| ctx.block_size());
    value::long(size as i64)
}

/// Python: `repr(_hashlib.HASH)`: `<md5 HASH object @ 0x7f...>`
fn repr(py: Python<'_>, slf: Slf<'_, Hash>) -> PyResult<Owned> {
    let name = value::as_bytes(&name(py, &slf)?)?;
    let text = format!(
        "<{} HASH object @ {:#x}>",
        String::from_utf8_lossy(&name),
        address(&slf.object())
    );
    value::bytes(text.as_bytes())
}

/// The output length asked of a HASHXOF. Without one, the length 2.7 gave SHAKE on OpenSSL
/// 1.1.1 (16 or 32 bytes), where Python 3 requires it: 2.7 code kept working.
fn xof_length(
    py: Python<'_>,
    slf: &Slf<'_, HashXof>,
    args: Args<'_>,
    name: &CStr,
) -> PyResult<usize> {
    parse_args!(args, name => keywords(length: ObjectArg::new()));
    let Some(length) = length.get() else {
        return Ok(slf.0.ctx.with(py, false, |ctx| ctx.digest_size()));
    };
    let n = value::as_index_ssize(&length)?;
    usize::try_from(n).map_err(|_| PyErr::new(Builtin::ValueError, "length must be non-negative"))
}

/// Squeezes `out.len()` bytes; long outputs with the GIL released, under the object's lock.
fn xof_squeeze(py: Python<'_>, slf: &Slf<'_, HashXof>, out: &mut [u8]) -> PyResult<()> {
    let release = out.len() >= GIL_MINSIZE;
    slf.0
        .ctx
        .with(py, release, |ctx| ctx.digest_xof(out))
        .map_err(openssl_failure)
}

/// Python: `_hashlib.HASHXOF.digest(length)`
fn xof_digest_py(py: Python<'_>, slf: Slf<'_, HashXof>, args: KwArgs<'_>) -> PyResult<Owned> {
    let len = xof_length(py, &slf, args.into(), c"|O:digest")?;
    value::bytes_zeroed_filled(len, |out| xof_squeeze(py, &slf, out))?
}

/// Python: `_hashlib.HASHXOF.hexdigest(length)`
fn xof_hexdigest_py(py: Python<'_>, slf: Slf<'_, HashXof>, args: KwArgs<'_>) -> PyResult<Owned> {
    let len = xof_length(py, &slf, args.into(), c"|O:hexdigest")?;
    let hex_len = len
        .checked_mul(2)
        .ok_or_else(|| PyErr::new(Builtin::OverflowError, "length is too large"))?;
    let mut raw = value::zeroed_buffer(len)?;
    xof_squeeze(py, &slf, &mut raw)?;
    value::bytes_zeroed_filled(hex_len, |out| {
        hex_into(&raw, out);
        Ok::<(), PyErr>(())
    })?
}

/// Python: `_hashlib.HASHXOF.digest_size`: 0, as Python 3 (the length is the caller's).
fn xof_get_digest_size(_py: Python<'_>, _slf: Slf<'_, HashXof>) -> PyResult<Owned> {
    value::long(0)
}

/// Lower-case hex of `raw` into `out` (twice as long).
pub(crate) fn hex_into(raw: &[u8], out: &mut [u8]) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    for (pair, b) in out.chunks_exact_mut(2).zip(raw) {
        pair[0] = HEX[usize::from(b >> 4)];
        pair[1] = HEX[usize::from(b & 15)];
    }
}

/// The optional data and `usedforsecurity` of a constructor call.
struct CtorArgs {
    data: BufferArg,
    alt_data: BufferArg,
    usedforsecurity: ObjectArg,
}

impl CtorArgs {
    fn new() -> CtorArgs {
        CtorArgs {
            data: BufferArg::new(),
            alt_data: BufferArg::new(),
            usedforsecurity: ObjectArg::new(),
        }
    }

    /// `string` and `data` name the same argument (2.7's and Python 3's spelling).
    fn data(&self) -> PyResult<Option<&[u8]>> {
        match (self.data.bytes(), self.alt_data.bytes()) {
            (Some(_), Some(_)) => Err(PyErr::new(
                Builtin::TypeError,
                "'data' and 'string' are mutually exclusive and support for 'string' keyword \
                 parameter is slated for removal in a future version.",
            )),
            (a, b) => Ok(a.or(b)),
        }
    }

    fn usedforsecurity(&self) -> PyResult<bool> {
        self.usedforsecurity.get().map_or(Ok(true), |o| o.is_true())
    }
}

/// Whether a call needs the keyword-aware parser: only calls with keywords do, and only when
/// they do not pass more positionals than 2.7's signature has (then 2.7's parser, and so its
/// exact message, reports the call).
fn wants_keywords(args: &Args<'_>, positional_max: usize) -> bool {
    args.kwargs.is_some() && value::tuple_len(args.args.as_ref()) <= positional_max
}

/// Python: `_hashlib.new(name, string=b'', *, usedforsecurity=True, data=b'')`
pub(crate) fn new(py: Python<'_>, args: KwArgs<'_>) -> PyResult<Owned> {
    let (mut name_obj, mut rest) = (ObjectArg::new(), CtorArgs::new());
    if wants_keywords(&args, 2) {
        parse(
            args,
            c"O|s*Os*:new",
            Some(&[c"name", c"string", c"usedforsecurity", c"data"]),
            &mut [
                &mut name_obj,
                &mut rest.data,
                &mut rest.usedforsecurity,
                &mut rest.alt_data,
            ],
        )?;
    } else {
        parse(
            args,
            c"O|s*:new",
            Some(&[c"name", c"string"]),
            &mut [&mut name_obj, &mut rest.data],
        )?;
    }
    let name_obj = name_obj.get().expect("required argument").to_owned();
    let name = digest_name(&name_obj)?;
    let md = digest_by_name(&name, rest.usedforsecurity()?).ok_or_else(unsupported)?;
    let ctx = DigestCtx::new(md).map_err(|_| unsupported())?;
    // Given a constructor's own name object, the object needs no name of its own: `name`
    // finds the same object again from the digest.
    // (The digest of constructor `i`'s name is named that again: `names` tests it.)
    let shared = match CONSTRUCTOR_NAMES
        .iter()
        .position(|n| n.as_bytes() == name.as_slice())
    {
        Some(index) => constructor_name(index)?.as_ptr() == name_obj.as_ptr(),
        None => false,
    };
    new_hash(
        py,
        (!shared).then_some(name_obj),
        ctx,
        md.is_xof(),
        rest.data()?,
    )
}

/// 2.7 converts the name with the `s` format: str, or unicode in the default encoding, without
/// NUL bytes; anything else is "name must be a string".
fn digest_name(obj: &Owned) -> PyResult<Vec<u8>> {
    let type_error = || PyErr::new(Builtin::TypeError, "name must be a string");
    if !(value::is_str(obj) || value::is_unicode(obj)) {
        return Err(type_error());
    }
    let bytes = value::as_bytes(obj).map_err(|_| type_error())?;
    if bytes.contains(&0) {
        return Err(type_error());
    }
    Ok(bytes)
}

/// Shared body of `openssl_<name>(string=b'', *, usedforsecurity=True, data=b'')`.
fn named_constructor(
    py: Python<'_>,
    args: KwArgs<'_>,
    index: usize,
    format_27: &CStr,
    format_kw: &CStr,
) -> PyResult<Owned> {
    // The common call, `sha256(some_str)`, skips the generic parser (same bytes, see
    // `single_exact_str`).
    if args.kwargs.is_none() {
        if let Some(bytes) = single_exact_str(&args) {
            return constructed(py, index, true, Some(bytes));
        }
    }
    let mut rest = CtorArgs::new();
    if wants_keywords(&args, 1) {
        parse(
            args,
            format_kw,
            Some(&[c"string", c"usedforsecurity", c"data"]),
            &mut [
                &mut rest.data,
                &mut rest.usedforsecurity,
                &mut rest.alt_data,
            ],
        )?;
    } else {
        parse(args, format_27, None, &mut [&mut rest.data])?;
    }
    constructed(py, index, rest.usedforsecurity()?, rest.data()?)
}

fn constructed(
    py: Python<'_>,
    index: usize,
    usedforsecurity: bool,
    data: Option<&[u8]>,
) -> PyResult<Owned> {
    let ctx = constructor_context(index, usedforsecurity).ok_or_else(unsupported)?;
    new_hash(
        py,
        None,
        ctx,
        CONSTRUCTOR_NAMES[index].starts_with("shake"),
        data,
    )
}

macro_rules! constructors {
    ($($index:literal $name:ident $format:literal $format_kw:literal $doc:literal;)*) => {
        $(
            /// Python: `_hashlib.openssl_<name>`
            fn $name(py: Python<'_>, args: KwArgs<'_>) -> PyResult<Owned> {
                named_constructor(py, args, $index, $format, $format_kw)
            }
        )*

        /// Adds the `openssl_<name>` functions; returns them with their names for
        /// `_constructors`.
        pub(crate) fn add_constructors(module: ModuleBuilder) -> ModuleBuilder {
            crate::py_members!(module, module {
                $(
                    // Names are "openssl_" + the constructor name.
                    function keywords crate::py::value::const_cstr(concat!("openssl_", stringify!($name), "\0"))
                        => $name, $doc;
                )*
            })
        }
    };
}

constructors! {
    0 md5 c"|s*:openssl_md5" c"|s*Os*:openssl_md5" c"Returns a md5 hash object; optionally initialized with a string";
    1 sha1 c"|s*:openssl_sha1" c"|s*Os*:openssl_sha1" c"Returns a sha1 hash object; optionally initialized with a string";
    2 sha224 c"|s*:openssl_sha224" c"|s*Os*:openssl_sha224" c"Returns a sha224 hash object; optionally initialized with a string";
    3 sha256 c"|s*:openssl_sha256" c"|s*Os*:openssl_sha256" c"Returns a sha256 hash object; optionally initialized with a string";
    4 sha384 c"|s*:openssl_sha384" c"|s*Os*:openssl_sha384" c"Returns a sha384 hash object; optionally initialized with a string";
    5 sha512 c"|s*:openssl_sha512" c"|s*Os*:openssl_sha512" c"Returns a sha512 hash object; optionally initialized with a string";
    6 sha3_224 c"|s*:openssl_sha3_224" c"|s*Os*:openssl_sha3_224" c"Returns a sha3-224 hash object; optionally initialized with a string";
    7 sha3_256 c"|s*:openssl_sha3_256" c"|s*Os*:openssl_sha3_256" c"Returns a sha3-256 hash object; optionally initialized with a string";
    8 sha3_384 c"|s*:openssl_sha3_384" c"|s*Os*:openssl_sha3_384" c"Returns a sha3-384 hash object; optionally initialized with a string";
    9 sha3_512 c"|s*:openssl_sha3_512" c"|s*Os*:openssl_sha3_512" c"Returns a sha3-512 hash object; optionally initialized with a string";
    10 shake_128 c"|s*:openssl_shake_128" c"|s*Os*:openssl_shake_128" c"Returns a shake-128 variable hash object; optionally initialized with a string";
    11 shake_256 c"|s*:openssl_shake_256" c"|s*Os*:openssl_shake_256" c"Returns a shake-256 variable hash object; optionally initialized with a string";
}

#[cfg(test)]
mod tests {
    use super::{Hash, HASHXOF_DOC, HASH_DOC};

    #[test]
    fn object_is_two_pointers() {
        // Header (16) + side pointer + context pointer: 32 bytes, as Python 3's.
        assert_eq!(std::mem::size_of::<Hash>(), 16);
    }

    #[test]
    fn docstrings_keep_their_lines() {
        let hash = HASH_DOC.to_str().expect("ascii");
        assert!(hash.starts_with("A hash represents the object used to calculate a checksum of a\nstring of information.\n\nMethods:\n\nupdate() --"));
        assert!(hash.contains("\ndigest() -- return the current digest value\nhexdigest() -- "));
        assert!(hash.ends_with("\n\nAttributes:\n\nname -- the hash algorithm being used by this object\ndigest_size -- number of bytes in this hashes output\n"));
        let xof = HASHXOF_DOC.to_str().expect("ascii");
        assert!(xof.starts_with("A hash is an object used to calculate a checksum of a string of information.\n\nMethods:"));
        assert!(xof.contains(
            "\ndigest(length) -- return the current digest value\nhexdigest(length) -- "
        ));
    }
}
