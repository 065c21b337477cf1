//! `_hashlib.scrypt`: Python 3.6's signature, checks in Python 3's order and wording, the
//! derivation by OpenSSL with the GIL released.

use crate::hashlib::errors::openssl_failure;
use crate::ossl::kdf::{scrypt, scrypt_check, ScryptParams};
use crate::parse_args;
use crate::py::args::{BufferArg, LongArg, ObjectArg};
use crate::py::boundary::KwArgs;
use crate::py::buffer::type_name;
use crate::py::err::Builtin;
use crate::py::{value, Borrowed, Owned, PyErr, PyResult, Python};
use std::ffi::{c_int, CStr};

pub(crate) const DOC: &CStr =
    c"scrypt($module, /, password, *, salt=None, n=None, r=None, p=None,\n\
       maxmem=0, dklen=64)\n--\n\n\
scrypt password-based key derivation function.";

/// n, r and p: Python 3 takes them as ints and refuses negatives with one message.
fn cost(obj: Option<Borrowed<'_>>, name: &str) -> PyResult<u64> {
    let required = || {
        PyErr::new(
            Builtin::TypeError,
            &format!("{name} is required and must be an unsigned int"),
        )
    };
    let obj = obj.ok_or_else(required)?;
    if !value::is_int_or_long(&obj) {
        return Err(PyErr::new(
            Builtin::TypeError,
            &format!(
                "scrypt() argument '{name}' must be int, not {}",
                type_name(&obj)
            ),
        ));
    }
    match value::as_u64(&obj) {
        Ok(Some(v)) => Ok(v),
        _ => Err(required()),
    }
}

/// Python: `_hashlib.scrypt(password, *, salt, n, r, p, maxmem=0, dklen=64)`
pub(crate) fn scrypt_py(py: Python<'_>, args: KwArgs<'_>) -> PyResult<Owned> {
    // 2.7's parser has no keyword-only marker: count the positionals ourselves.
    let given = value::tuple_len(args.args.as_ref());
    if given > 1 {
        return Err(PyErr::new(
            Builtin::TypeError,
            &format!("scrypt() takes exactly 1 positional argument ({given} given)"),
        ));
    }
    parse_args!(args, c"s*|s*OOOll:scrypt" => keywords(
        password: BufferArg::new(), salt: BufferArg::new(), n: ObjectArg::new(),
        r: ObjectArg::new(), p: ObjectArg::new(), maxmem: LongArg(0), dklen: LongArg(64)));
    let password = password.bytes().unwrap_or_default();
    if password.len() > c_int::MAX as usize {
        return Err(PyErr::new(Builtin::OverflowError, "password is too long."));
    }
    let Some(salt) = salt.bytes() else {
        return Err(PyErr::new(Builtin::TypeError, "salt is required"));
    };
    if salt.len() > c_int::MAX as usize {
        return Err(PyErr::new(Builtin::OverflowError, "salt is too long."));
    }
    let n = cost(n.get(), "n")?;
    if n < 2 || n & (n - 1) != 0 {
        return Err(PyErr::new(Builtin::ValueError, "n must be a power of 2."));
    }
    let r = cost(r.get(), "r")?;
    let p = cost(p.get(), "p")?;
    let int_max = i64::from(c_int::MAX);
    #[allow(clippy::useless_conversion)] // c_long is 32 bits on Windows
    let (maxmem, dklen) = (i64::from(maxmem.0), i64::from(dklen.0));
    if !(0..=int_max).contains(&maxmem) {
        return Err(PyErr::new(
            Builtin::ValueError,
            &format!("maxmem must be positive and smaller than {int_max}"),
        ));
    }
    if !(1..=int_max).contains(&dklen) {
        return Err(PyErr::new(
            Builtin::ValueError,
            &format!("dklen must be greater than 0 and smaller than {int_max}"),
        ));
    }
    let params = ScryptParams {
        n,
        r,
        p,
        maxmem: maxmem as u64,
    };
    // OpenSSL checks the rest. As in Python 3, its reason when it queued one ("memory limit
    // exceeded"), else the generic text (r or p 0 queue nothing).
    if let Err(e) = scrypt_check(params) {
        return Err(if e.is_empty() {
            PyErr::new(
                Builtin::ValueError,
                "Invalid parameter combination for n, r, p, maxmem.",
            )
        } else {
            openssl_failure(e)
        });
    }
    let mut key = value::zeroed_buffer(dklen as usize)?;
    py.allow_threads(|| scrypt(password, salt, params, &mut key))
        .map_err(openssl_failure)?;
    value::bytes(&key)
}
