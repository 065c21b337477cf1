//! `_hashlib.pbkdf2_hmac`, with 2.7.18's argument checks in 2.7's order and wording.

use crate::hashlib::errors::unsupported;
use crate::hashlib::names::digest_by_name;
use crate::ossl::digest::pbkdf2_hmac;
use crate::ossl::error::OsslError;
use crate::parse_args;
use crate::py::args::{BufferArg, LongArg, ObjectArg, StrArg};
use crate::py::boundary::KwArgs;
use crate::py::err::Builtin;
use crate::py::object::PyObjectRef;
use crate::py::{value, Owned, PyErr, PyResult, Python};
use std::ffi::{c_int, CStr};

pub(crate) const DOC: &CStr =
    c"pbkdf2_hmac(hash_name, password, salt, iterations, dklen=None) -> key\n\
\n\
Password based key derivation function 2 (PKCS #5 v2.0) with HMAC as\n\
pseudorandom function.";

/// Python: `_hashlib.pbkdf2_hmac(hash_name, password, salt, iterations, dklen=None)`
pub(crate) fn pbkdf2_hmac_py(py: Python<'_>, args: KwArgs<'_>) -> PyResult<Owned> {
    parse_args!(args, c"ss*s*l|O:pbkdf2_hmac" => keywords(
        hash_name: StrArg::new(), password: BufferArg::new(), salt: BufferArg::new(),
        iterations: LongArg(0), dklen: ObjectArg::new()));
    let fail = |ty, msg: &str| Err(PyErr::new(ty, msg));
    // Either spelling (`sha3_256`, `sha3-256`); an unknown name is 2.7's ValueError text,
    // raised as Python 3's UnsupportedDigestmodError (a ValueError).
    let md = digest_by_name(hash_name.bytes().unwrap_or_default(), true).ok_or_else(unsupported)?;
    let password = password.bytes().unwrap_or_default();
    let salt = salt.bytes().unwrap_or_default();
    let int_max = c_int::MAX as usize;
    if password.len() > int_max {
        return fail(Builtin::OverflowError, "password is too long.");
    }
    if salt.len() > int_max {
        return fail(Builtin::OverflowError, "salt is too long.");
    }
    if iterations.0 < 1 {
        return fail(
            Builtin::ValueError,
            "iteration value must be greater than 0.",
        );
    }
    if iterations.0 > c_int::MAX.into() {
        return fail(Builtin::OverflowError, "iteration value is too great.");
    }
    let key_len = match dklen.get().filter(|d| !d.is_none()) {
        None => md.size() as i64,
        // c_long is 32 bits on Windows, 64 elsewhere.
        #[allow(clippy::useless_conversion)]
        Some(d) => i64::from(value::long_as_long(&d)?),
    };
    if key_len < 1 {
        return fail(Builtin::ValueError, "key length must be greater than 0.");
    }
    if key_len > c_int::MAX.into() {
        return fail(Builtin::OverflowError, "key length is too great.");
    }
    let iterations = iterations.0 as u32;
    let mut key = value::zeroed_buffer(key_len as usize)?;
    py.allow_threads(|| pbkdf2_hmac(md, password, salt, iterations, &mut key))
        .map_err(|e: OsslError| PyErr::new(Builtin::ValueError, &e.hashlib_message()))?;
    value::bytes(&key)
}
