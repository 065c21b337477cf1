//! HMAC in C for `hmac.py`: `_hashlib.hmac_new` and the `HMAC` type, `_hashlib.hmac_digest`
//! (Python 3.7's one-shot behind `hmac.digest`), over OpenSSL's HMAC.
//!
//! Thread safety as for `HASH`: the context sits in a `GilOrMutex`; long updates release the GIL.

use crate::hashlib::errors::{openssl_failure, unsupported};
use crate::hashlib::hash::{bytes_or_hex, feed, released_if_long};
use crate::hashlib::names::{digest_by_name, python_name};
use crate::ossl::digest::MessageDigest;
use crate::ossl::hmac::{hmac, HmacCtx};
use crate::parse_args;
use crate::py::args::{exact_strs, with_data, BufferArg, ObjectArg, OptBufferArg};
use crate::py::boundary::KwArgs;
use crate::py::err::Builtin;
use crate::py::gil_or_mutex::GilOrMutex;
use crate::py::object::PyObjectRef;
use crate::py::typeobj::{address, create, PyClass, Slf, TypeBuilder};
use crate::py::{value, Borrowed, Owned, PyErr, PyResult, Python};
use crate::py_unary_slot;
use std::ffi::CStr;
use std::sync::OnceLock;

/// The name (`hmac-sha256`) is made from the context's digest when asked for: building it
/// per object cost an allocation and a name lookup on every `hmac.new`.
pub(crate) struct Hmac {
    ctx: GilOrMutex<HmacCtx>,
}

impl PyClass for Hmac {
    crate::py_type_slot!();
}

py_unary_slot!(hmac_tp_repr, Hmac, repr);

pub(crate) fn ready_type() -> PyResult<Owned> {
    let builder = TypeBuilder::new::<Hmac>(
        c"_hashlib.HMAC",
        c"The object used to calculate HMAC of a message.",
    );
    crate::py_members!(builder, Hmac {
        method keywords c"update" => update, c"Update the HMAC object with msg.";
        method noargs c"digest" => digest::<false>,
            c"Return the digest of the bytes passed to the update() method so far.";
        method noargs c"hexdigest" => digest::<true>,
            c"Return hexadecimal digest of the bytes passed to the update() method so far.";
        method noargs c"copy" => copy, c"Return a copy (\"clone\") of the HMAC object.";
        get c"name" => get_name, c"";
        get c"digest_size" => get_digest_size, c"";
        get c"block_size" => get_block_size, c"";
    })
    .repr(hmac_tp_repr)
    .build::<Hmac>()
}

/// The `openssl_<name>` functions, by address, with their digest names: Python 3 accepts
/// them as `digestmod` (`hmac.new(k, m, hashlib.sha256)`), looked up in `_constructors`.
/// Each holds a leaked reference, so an address can never be reused by another object.
static CONSTRUCTORS: OnceLock<Vec<(usize, &'static str)>> = OnceLock::new();

pub(crate) fn set_constructors(list: Vec<(usize, &'static str)>) {
    let _ = CONSTRUCTORS.set(list);
}

/// The digest a `digestmod` names: a name (str or unicode, either spelling) or one of our
/// constructors. None is Python 3's TypeError; anything else is unsupported.
fn digest_from_digestmod(digestmod: Option<Borrowed<'_>>) -> PyResult<MessageDigest> {
    let Some(d) = digestmod.filter(|d| !d.is_none()) else {
        return Err(PyErr::new(
            Builtin::TypeError,
            "Missing required parameter 'digestmod'.",
        ));
    };
    let name: Vec<u8> = if value::is_str(&d) || value::is_unicode(&d) {
        value::as_bytes(&d).map_err(|_| unsupported())?
    } else {
        let addr = address(&d);
        match CONSTRUCTORS
            .get()
            .and_then(|l| l.iter().find(|(a, _)| *a == addr))
        {
            Some((_, n)) => n.as_bytes().to_vec(),
            None => return Err(unsupported()),
        }
    };
    digest_from_name(&name)
}

fn digest_from_name(name: &[u8]) -> PyResult<MessageDigest> {
    let md = digest_by_name(name, true).ok_or_else(unsupported)?;
    // Python 3 refuses XOFs here (OpenSSL's HMAC cannot finish them).
    if md.is_xof() {
        return Err(unsupported());
    }
    Ok(md)
}

/// Python: `_hashlib.hmac_new(key, msg=b'', digestmod=None)`
pub(crate) fn hmac_new(py: Python<'_>, args: KwArgs<'_>) -> PyResult<Owned> {
    // `hmac.new(key, msg, 'sha256')` passes three plain str: skip the generic parser.
    if let Some([key, msg, name]) = exact_strs::<3>(&args) {
        let md = digest_from_name(name)?;
        return new_object(py, md, key, Some(msg));
    }
    parse_args!(args, c"s*|z*O:hmac_new" => keywords(
        key: BufferArg::new(), msg: OptBufferArg::new(), digestmod: ObjectArg::new()));
    let md = digest_from_digestmod(digestmod.get())?;
    new_object(py, md, key.bytes().unwrap_or_default(), msg.bytes())
}

fn new_object(
    py: Python<'_>,
    md: MessageDigest,
    key: &[u8],
    msg: Option<&[u8]>,
) -> PyResult<Owned> {
    check_key(key)?;
    let mut ctx = HmacCtx::new(md, key).map_err(openssl_failure)?;
    if let Some(msg) = msg.filter(|m| !m.is_empty()) {
        // Nobody else sees the context yet: no lock, the GIL released for long messages.
        ctx = released_if_long(py, msg.len(), || ctx.update(msg).map(|()| ctx))
            .map_err(openssl_failure)?;
    }
    create(Hmac {
        ctx: GilOrMutex::new(ctx),
    })
}

/// OpenSSL takes the key length as an int.
fn check_key(key: &[u8]) -> PyResult<()> {
    if key.len() > i32::MAX as usize {
        return Err(PyErr::new(Builtin::OverflowError, "key is too long."));
    }
    Ok(())
}

/// Python: `_hashlib.HMAC.update(msg)`
fn update(py: Python<'_>, slf: Slf<'_, Hmac>, args: KwArgs<'_>) -> PyResult<Owned> {
    // `h.update(some_str)` skips the generic parser (see `with_data`).
    with_data(args, c"s*:update", Some(&[c"msg"]), |bytes| {
        feed(py, &slf.ctx, bytes, HmacCtx::update)
    })
}

/// Python: `_hashlib.HMAC.digest()` / `hexdigest()` (`HEX`)
fn digest<const HEX: bool>(py: Python<'_>, slf: Slf<'_, Hmac>) -> PyResult<Owned> {
    let raw = slf.ctx.with(py, false, |ctx| ctx.mac());
    bytes_or_hex::<HEX>(raw.map_err(openssl_failure)?.as_slice())
}

/// Python: `_hashlib.HMAC.copy()`
fn copy(py: Python<'_>, slf: Slf<'_, Hmac>) -> PyResult<Owned> {
    let ctx = slf
        .ctx
        .with(py, false, |ctx| ctx.try_clone())
        .map_err(openssl_failure)?;
    create(Hmac {
        ctx: GilOrMutex::new(ctx),
    })
}

/// Python 3's name of the object's digest (`sha256`).
fn digest_name(py: Python<'_>, slf: &Slf<'_, Hmac>) -> String {
    python_name(slf.ctx.with(py, false, |ctx| ctx.md()))
}

/// Python: `_hashlib.HMAC.name` (`hmac-sha256`)
fn get_name(py: Python<'_>, slf: Slf<'_, Hmac>) -> PyResult<Owned> {
    value::bytes(format!("hmac-{}", digest_name(py, &slf)).as_bytes())
}

/// Python: `_hashlib.HMAC.digest_size`
fn get_digest_size(py: Python<'_>, slf: Slf<'_, Hmac>) -> PyResult<Owned> {
    let size = slf.ctx.with(py, false, |ctx| ctx.md().size());
    value::long(size as i64)
}

/// Python: `_hashlib.HMAC.block_size`
fn get_block_size(py: Python<'_>, slf: Slf<'_, Hmac>) -> PyResult<Owned> {
    let size = slf.ctx.with(py, false, |ctx| ctx.md().block_size());
    value::long(size as i64)
}

/// Python: `repr(_hashlib.HMAC)`: `<sha256 HMAC object @ 0x7f...>`
fn repr(py: Python<'_>, slf: Slf<'_, Hmac>) -> PyResult<Owned> {
    let text = format!(
        "<{} HMAC object @ {:#x}>",
        digest_name(py, &slf),
        address(&slf.object())
    );
    value::bytes(text.as_bytes())
}

/// Python: `_hashlib.hmac_digest(key, msg, digest)`
pub(crate) fn hmac_digest(py: Python<'_>, args: KwArgs<'_>) -> PyResult<Owned> {
    if let Some([key, msg, name]) = exact_strs::<3>(&args) {
        return one_shot(py, digest_from_name(name)?, key, msg);
    }
    parse_args!(args, c"s*s*O:hmac_digest" => keywords(
        key: BufferArg::new(), msg: BufferArg::new(), digest: ObjectArg::new()));
    let md = digest_from_digestmod(digest.get())?;
    one_shot(
        py,
        md,
        key.bytes().unwrap_or_default(),
        msg.bytes().unwrap_or_default(),
    )
}

fn one_shot(py: Python<'_>, md: MessageDigest, key: &[u8], msg: &[u8]) -> PyResult<Owned> {
    check_key(key)?;
    let out = released_if_long(py, msg.len(), || hmac(md, key, msg)).map_err(openssl_failure)?;
    value::bytes(out.as_slice())
}

pub(crate) const HMAC_NEW_DOC: &CStr =
    c"hmac_new($module, /, key, msg=b'', digestmod=None)\n--\n\n\
Return a new hmac object.";
pub(crate) const HMAC_DIGEST_DOC: &CStr = c"hmac_digest($module, /, key, msg, digest)\n--\n\n\
Single-shot HMAC.";
