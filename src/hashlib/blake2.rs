//! `blake2b` and `blake2s` with Python 3's whole signature (key, salt, personalisation and
//! tree parameters), on the `blake2b_simd`/`blake2s_simd` crates: OpenSSL's BLAKE2 takes
//! none of those parameters (Python 3 does not use it for BLAKE2 either).
//!
//! Every parameter is checked here, with Python 3's messages, before the crate sees it (the
//! crate asserts on out-of-range values). Thread safety as for `HASH`.

use crate::hashlib::hash::hex_into;
use crate::py::args::{parse, single_exact_str, with_data, BufferArg, IntArg, ObjectArg};
use crate::py::boundary::Args;
use crate::py::err::Builtin;
use crate::py::gil_or_mutex::GilOrMutex;
use crate::py::object::PyObjectRef;
use crate::py::typeobj::{create_subtype, PyClass, Slf, SubType, TypeBuilder};
use crate::py::{value, Borrowed, Owned, PyErr, PyResult, Python};
use crate::py_new;
use std::ffi::CStr;

/// Data at least this long is hashed with the GIL released (as for `HASH`).
const GIL_MINSIZE: usize = 2048;

/// What differs between BLAKE2b and BLAKE2s.
pub(crate) trait Variant: Send + Sized + 'static {
    const NAME: &'static str;
    const TYPE_NAME: &'static CStr;
    const FORMAT: &'static CStr;
    const OUT: usize;
    const KEY: usize;
    const SALT: usize;
    const PERSON: usize;
    const BLOCK: usize;
    /// The largest node offset (BLAKE2s stores 48 bits).
    const MAX_OFFSET: u64;
    type State: Clone + Send;
    fn state(p: &Params<'_>) -> Self::State;
    fn update(s: &mut Self::State, data: &[u8]);
    fn finalize(s: &Self::State) -> Vec<u8>;
}

/// Checked parameters (all within the variant's limits).
pub(crate) struct Params<'a> {
    digest_size: usize,
    key: &'a [u8],
    salt: &'a [u8],
    person: &'a [u8],
    fanout: u8,
    depth: u8,
    leaf_size: u32,
    node_offset: u64,
    node_depth: u8,
    inner_size: usize,
    last_node: bool,
}

pub(crate) struct B;
pub(crate) struct S;

/// The two variants differ in sizes and crate only: `blake2b_simd` and `blake2s_simd` have the
/// same builder API.
macro_rules! variant {
    ($ty:ident, $krate:ident, $name:literal, out $out:expr, key $key:expr, salt $salt:expr,
     person $person:expr, block $block:expr, max_offset $max_offset:expr) => {
        impl Variant for $ty {
            const NAME: &'static str = $name;
            const TYPE_NAME: &'static CStr =
                crate::py::value::const_cstr(concat!("_hashlib.", $name, "\0"));
            const FORMAT: &'static CStr =
                crate::py::value::const_cstr(concat!("|s*is*s*s*iiOOiiOOs*:", $name, "\0"));
            const OUT: usize = $out;
            const KEY: usize = $key;
            const SALT: usize = $salt;
            const PERSON: usize = $person;
            const BLOCK: usize = $block;
            const MAX_OFFSET: u64 = $max_offset;
            type State = $krate::State;
            fn state(p: &Params<'_>) -> Self::State {
                $krate::Params::new()
                    .hash_length(p.digest_size)
                    .key(p.key)
                    .salt(p.salt)
                    .personal(p.person)
                    .fanout(p.fanout)
                    .max_depth(p.depth)
                    .max_leaf_length(p.leaf_size)
                    .node_offset(p.node_offset)
                    .node_depth(p.node_depth)
                    .inner_hash_length(p.inner_size)
                    .last_node(p.last_node)
                    .to_state()
            }
            fn update(s: &mut Self::State, data: &[u8]) {
                s.update(data);
            }
            fn finalize(s: &Self::State) -> Vec<u8> {
                s.finalize().as_bytes().to_vec()
            }
        }
    };
}

variant!(B, blake2b_simd, "blake2b", out 64, key 64, salt 16, person 16, block 128,
         max_offset u64::MAX);
variant!(S, blake2s_simd, "blake2s", out 32, key 32, salt 8, person 8, block 64,
         max_offset (1 << 48) - 1);

pub(crate) struct Blake2<V: Variant> {
    state: GilOrMutex<V::State>,
    digest_size: usize,
}

impl PyClass for Blake2<B> {
    crate::py_type_slot!();
}

impl PyClass for Blake2<S> {
    crate::py_type_slot!();
}

fn value_error(msg: &str) -> PyErr {
    PyErr::new(Builtin::ValueError, msg)
}

/// An int parameter within `lo..=hi`, else `ValueError(msg)`.
fn in_range(v: i32, lo: i32, hi: i32, msg: &str) -> PyResult<u8> {
    if (lo..=hi).contains(&v) {
        Ok(v as u8)
    } else {
        Err(value_error(msg))
    }
}

/// `leaf_size` and `node_offset`: non-negative ints up to `max` (Python 3's texts).
fn unsigned(obj: Option<Borrowed<'_>>, max: u64, too_large: &str) -> PyResult<u64> {
    let Some(obj) = obj else { return Ok(0) };
    if !value::is_int_or_long(&obj) {
        return Err(PyErr::new(Builtin::TypeError, "an integer is required"));
    }
    let v = match value::as_u64(&obj) {
        Ok(Some(v)) => v,
        Ok(None) => return Err(value_error("value must be positive")),
        Err(_) => return Err(PyErr::new(Builtin::OverflowError, too_large)),
    };
    if v > max {
        return Err(PyErr::new(Builtin::OverflowError, too_large));
    }
    Ok(v)
}

py_new!(blake2b_tp_new, new_b);
py_new!(blake2s_tp_new, new_s);

fn new_b(py: Python<'_>, subtype: SubType, args: Args<'_>) -> PyResult<Owned> {
    construct::<B>(py, subtype, args)
}

fn new_s(py: Python<'_>, subtype: SubType, args: Args<'_>) -> PyResult<Owned> {
    construct::<S>(py, subtype, args)
}

/// Python: `_hashlib.blake2b(data=b'', *, digest_size=64, key=b'', salt=b'', person=b'',
/// fanout=1, depth=1, leaf_size=0, node_offset=0, node_depth=0, inner_size=0,
/// last_node=False, usedforsecurity=True)` and `blake2s` alike.
fn construct<V: Variant>(py: Python<'_>, subtype: SubType, args: Args<'_>) -> PyResult<Owned>
where
    Blake2<V>: PyClass,
{
    // The common call, `blake2b(some_str)`, skips the generic parser.
    let fast = if args.kwargs.is_none() {
        single_exact_str(&args)
    } else {
        None
    };
    let given = value::tuple_len(args.args.as_ref());
    if given > 1 {
        return Err(PyErr::new(
            Builtin::TypeError,
            &format!(
                "{}() takes at most 1 positional argument ({given} given)",
                V::NAME
            ),
        ));
    }
    let mut data = BufferArg::new();
    let mut digest_size = IntArg(V::OUT as i32);
    let (mut key, mut salt, mut person) = (BufferArg::new(), BufferArg::new(), BufferArg::new());
    let (mut fanout, mut depth) = (IntArg(1), IntArg(1));
    let (mut leaf_size, mut node_offset) = (ObjectArg::new(), ObjectArg::new());
    let (mut node_depth, mut inner_size) = (IntArg(0), IntArg(0));
    let (mut last_node, mut usedforsecurity) = (ObjectArg::new(), ObjectArg::new());
    let mut string = BufferArg::new();
    if fast.is_none() {
        parse(
            args,
            V::FORMAT,
            Some(&[
                c"data",
                c"digest_size",
                c"key",
                c"salt",
                c"person",
                c"fanout",
                c"depth",
                c"leaf_size",
                c"node_offset",
                c"node_depth",
                c"inner_size",
                c"last_node",
                c"usedforsecurity",
                c"string",
            ]),
            &mut [
                &mut data,
                &mut digest_size,
                &mut key,
                &mut salt,
                &mut person,
                &mut fanout,
                &mut depth,
                &mut leaf_size,
                &mut node_offset,
                &mut node_depth,
                &mut inner_size,
                &mut last_node,
                &mut usedforsecurity,
                &mut string,
            ],
        )?;
    }
    let max = V::OUT as i32;
    if !(1..=max).contains(&digest_size.0) {
        return Err(value_error(&format!(
            "digest_size must be between 1 and {max} bytes"
        )));
    }
    let (key, salt, person) = (
        key.bytes().unwrap_or_default(),
        salt.bytes().unwrap_or_default(),
        person.bytes().unwrap_or_default(),
    );
    if salt.len() > V::SALT {
        return Err(value_error(&format!(
            "maximum salt length is {} bytes",
            V::SALT
        )));
    }
    if person.len() > V::PERSON {
        return Err(value_error(&format!(
            "maximum person length is {} bytes",
            V::PERSON
        )));
    }
    let fanout = in_range(fanout.0, 0, 255, "fanout must be between 0 and 255")?;
    let depth = in_range(depth.0, 1, 255, "depth must be between 1 and 255")?;
    let leaf_size = unsigned(
        leaf_size.get(),
        u64::from(u32::MAX),
        "leaf_size is too large",
    )?;
    let offset_msg = if V::MAX_OFFSET == u64::MAX {
        "int too big to convert"
    } else {
        "node_offset is too large"
    };
    let node_offset = unsigned(node_offset.get(), V::MAX_OFFSET, offset_msg)?;
    let node_depth = in_range(node_depth.0, 0, 255, "node_depth must be between 0 and 255")?;
    let inner_size = in_range(
        inner_size.0,
        0,
        max,
        &format!("inner_size must be between 0 and is {max}"),
    )?;
    if key.len() > V::KEY {
        return Err(value_error(&format!(
            "maximum key length is {} bytes",
            V::KEY
        )));
    }
    let last_node = last_node.get().map_or(Ok(false), |o| o.is_true())?;
    // usedforsecurity changes nothing here: BLAKE2 is not a FIPS algorithm either way.
    if let Some(u) = usedforsecurity.get() {
        u.is_true()?;
    }
    let params = Params {
        digest_size: digest_size.0 as usize,
        key,
        salt,
        person,
        fanout,
        depth,
        leaf_size: leaf_size as u32,
        node_offset,
        node_depth,
        inner_size: usize::from(inner_size),
        last_node,
    };
    let data = match (fast, data.bytes(), string.bytes()) {
        (Some(d), _, _) => Some(d),
        (None, Some(_), Some(_)) => {
            return Err(PyErr::new(
                Builtin::TypeError,
                "'data' and 'string' are mutually exclusive and support for 'string' keyword \
                 parameter is slated for removal in a future version.",
            ))
        }
        (None, a, b) => a.or(b),
    };
    let mut state = V::state(&params);
    if let Some(data) = data.filter(|d| !d.is_empty()) {
        if data.len() >= GIL_MINSIZE {
            state = py.allow_threads(move || {
                V::update(&mut state, data);
                state
            });
        } else {
            V::update(&mut state, data);
        }
    }
    create_subtype(
        subtype,
        Blake2::<V> {
            state: GilOrMutex::new(state),
            digest_size: params.digest_size,
        },
    )
}

/// Python: `_hashlib.blake2b.update(data)` (and `blake2s`)
fn update<V: Variant>(py: Python<'_>, slf: Slf<'_, Blake2<V>>, args: Args<'_>) -> PyResult<Owned>
where
    Blake2<V>: PyClass,
{
    with_data(args, c"s*:update", None, |bytes| {
        update_bytes(py, &slf, bytes)
    })
}

fn update_bytes<V: Variant>(
    py: Python<'_>,
    slf: &Slf<'_, Blake2<V>>,
    data: &[u8],
) -> PyResult<Owned>
where
    Blake2<V>: PyClass,
{
    if !data.is_empty() {
        slf.state
            .with(py, data.len() >= GIL_MINSIZE, |s| V::update(s, data));
    }
    Ok(value::none())
}

fn finish<V: Variant>(py: Python<'_>, slf: &Slf<'_, Blake2<V>>) -> Vec<u8>
where
    Blake2<V>: PyClass,
{
    slf.state.with(py, false, |s| V::finalize(s))
}

/// Python: `_hashlib.blake2b.digest()`
fn digest<V: Variant>(py: Python<'_>, slf: Slf<'_, Blake2<V>>) -> PyResult<Owned>
where
    Blake2<V>: PyClass,
{
    value::bytes(&finish(py, &slf))
}

/// Python: `_hashlib.blake2b.hexdigest()`
fn hexdigest<V: Variant>(py: Python<'_>, slf: Slf<'_, Blake2<V>>) -> PyResult<Owned>
where
    Blake2<V>: PyClass,
{
    let raw = finish(py, &slf);
    let mut hex = [0u8; 128];
    hex_into(&raw, &mut hex);
    value::bytes(&hex[..2 * raw.len()])
}

/// Python: `_hashlib.blake2b.copy()`
fn copy<V: Variant>(py: Python<'_>, slf: Slf<'_, Blake2<V>>) -> PyResult<Owned>
where
    Blake2<V>: PyClass,
{
    let state = slf.state.with(py, false, |s| s.clone());
    crate::py::typeobj::create(Blake2::<V> {
        state: GilOrMutex::new(state),
        digest_size: slf.digest_size,
    })
}

/// Python: `_hashlib.blake2b.name`
fn get_name<V: Variant>(_py: Python<'_>, _slf: Slf<'_, Blake2<V>>) -> PyResult<Owned>
where
    Blake2<V>: PyClass,
{
    value::bytes(V::NAME.as_bytes())
}

/// Python: `_hashlib.blake2b.digest_size`
fn get_digest_size<V: Variant>(_py: Python<'_>, slf: Slf<'_, Blake2<V>>) -> PyResult<Owned>
where
    Blake2<V>: PyClass,
{
    value::int(slf.digest_size as std::ffi::c_long)
}

/// Python: `_hashlib.blake2b.block_size`
fn get_block_size<V: Variant>(_py: Python<'_>, _slf: Slf<'_, Blake2<V>>) -> PyResult<Owned>
where
    Blake2<V>: PyClass,
{
    value::int(V::BLOCK as std::ffi::c_long)
}

const B_DOC: &CStr = c"Return a new BLAKE2b hash object.";
const S_DOC: &CStr = c"Return a new BLAKE2s hash object.";

macro_rules! ready {
    ($fn:ident, $v:ty, $doc:expr, $new:ident) => {
        pub(crate) fn $fn() -> PyResult<Owned> {
            let builder = TypeBuilder::new::<Blake2<$v>>(<$v>::TYPE_NAME, $doc)
                .subclassable()
                .new_func($new);
            crate::py_members!(builder, Blake2<$v> {
                method varargs c"update" => update::<$v>,
                    c"Update this hash object's state with the provided bytes-like object.";
                method noargs c"digest" => digest::<$v>,
                    c"Return the digest value as a bytes object.";
                method noargs c"hexdigest" => hexdigest::<$v>,
                    c"Return the digest value as a string of hexadecimal digits.";
                method noargs c"copy" => copy::<$v>, c"Return a copy of the hash object.";
                get c"name" => get_name::<$v>, c"";
                get c"digest_size" => get_digest_size::<$v>, c"";
                get c"block_size" => get_block_size::<$v>, c"";
            })
            .constant(c"SALT_SIZE", <$v>::SALT as std::ffi::c_long)
            .constant(c"PERSON_SIZE", <$v>::PERSON as std::ffi::c_long)
            .constant(c"MAX_KEY_SIZE", <$v>::KEY as std::ffi::c_long)
            .constant(c"MAX_DIGEST_SIZE", <$v>::OUT as std::ffi::c_long)
            .build::<Blake2<$v>>()
        }
    };
}

ready!(ready_blake2b, B, B_DOC, blake2b_tp_new);
ready!(ready_blake2s, S, S_DOC, blake2s_tp_new);
