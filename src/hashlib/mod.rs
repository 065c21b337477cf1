//! The `_hashlib` module: 2.7.18's (`new`, the `openssl_*` constructors, `pbkdf2_hmac`,
//! `openssl_md_meth_names`) with Python 3.13's additions (SHA-3 and SHAKE constructors,
//! `HASH`/`HASHXOF`, `usedforsecurity`, `scrypt`, `hmac_new`/`HMAC`, `hmac_digest`,
//! `compare_digest`, `get_fips_mode`, `UnsupportedDigestmodError`, `_constructors`) and
//! BLAKE2 with every parameter (`blake2b`, `blake2s`; Python 3's `_blake2`).

mod blake2;
mod compare;
mod errors;
mod hash;
mod hmac;
mod names;
mod pbkdf2;
mod scrypt;

use crate::py::module::{Module, ModuleBuilder};
use crate::py::object::PyObjectRef;
use crate::py::typeobj::address;
use crate::py::{value, Owned, PyResult, Python};
use std::ffi::CString;

/// Python: `_hashlib.get_fips_mode()`
fn get_fips_mode(_py: Python<'_>) -> PyResult<Owned> {
    value::int(crate::ossl::ct::fips_mode().into())
}

/// Python: `init_hashlib`.
pub(crate) fn init(py: Python<'_>) -> PyResult<Module> {
    crate::ossl::init();
    let (hash_type, xof_type) = hash::ready_types()?;
    let hmac_type = hmac::ready_type()?;
    let blake2b = blake2::ready_blake2b()?;
    let blake2s = blake2::ready_blake2s()?;
    let unsupported = errors::create(py)?;
    names::prepare_constructors();
    hash::prepare_names()?;
    let module = ModuleBuilder::new(c"_hashlib", c"OpenSSL interface for hashlib module");
    let module = crate::py_members!(module, module {
        function keywords c"new" => hash::new, hash::NEW_DOC;
        function keywords c"pbkdf2_hmac" => pbkdf2::pbkdf2_hmac_py, pbkdf2::DOC;
        function keywords c"scrypt" => scrypt::scrypt_py, scrypt::DOC;
        function keywords c"hmac_new" => hmac::hmac_new, hmac::HMAC_NEW_DOC;
        function keywords c"hmac_digest" => hmac::hmac_digest, hmac::HMAC_DIGEST_DOC;
        function varargs c"compare_digest" => compare::compare_digest, compare::DOC;
        function noargs c"get_fips_mode" => get_fips_mode,
            c"get_fips_mode($module, /)\n--\n\nDetermine the OpenSSL FIPS mode of operation.";
    });
    let module = hash::add_constructors(module).build()?;
    let names = names::available_names()
        .into_iter()
        .map(|n| value::bytes(n.as_bytes()))
        .collect::<PyResult<Vec<_>>>()?;
    module.add(c"openssl_md_meth_names", value::frozenset(names)?)?;
    module.add(c"HASH", hash_type)?;
    module.add(c"HASHXOF", xof_type)?;
    module.add(c"HMAC", hmac_type)?;
    module.add(c"blake2b", blake2b)?;
    module.add(c"blake2s", blake2s)?;
    module.add(c"UnsupportedDigestmodError", unsupported)?;
    // `_constructors`: each openssl_<name> function -> its name (Python 3's digestmod lookup).
    let constructors = value::dict()?;
    let mut by_address = Vec::new();
    for name in names::CONSTRUCTOR_NAMES {
        let attr = CString::new(format!("openssl_{name}")).expect("no NUL");
        let func = module.as_object().getattr(&attr)?;
        value::dict_set(&constructors, &func, &value::bytes(name.as_bytes())?)?;
        by_address.push((address(&func), name));
        // Kept alive for the process, so its address stays unique (see hmac::CONSTRUCTORS).
        let _ = func.into_raw();
    }
    hmac::set_constructors(by_address);
    module.add(c"_constructors", constructors)?;
    Ok(module)
}
