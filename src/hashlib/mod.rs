//! The `_hashlib` module of CPython 2.7.18: `new`, the `openssl_*` constructors, `pbkdf2_hmac`
//! and `openssl_md_meth_names`.

mod ctx_lock;
mod hash;
mod names;
mod pbkdf2;

use crate::py::module::{Module, ModuleBuilder};
use crate::py::typeobj::MethodKind;
use crate::py::{value, PyResult, Python};

/// Python: `init_hashlib`.
pub(crate) fn init(_py: Python<'_>) -> PyResult<Module> {
    crate::ossl::init();
    hash::ready_type()?;
    names::prepare_constructors();
    let module = ModuleBuilder::new(c"_hashlib", c"")
        .function(c"new", MethodKind::Keywords(hash::new_fn), hash::NEW_DOC)
        .function(
            c"pbkdf2_hmac",
            MethodKind::Keywords(pbkdf2::pbkdf2_hmac_fn),
            pbkdf2::DOC,
        );
    let module = hash::add_constructors(module).build()?;
    let names = names::available_names()
        .into_iter()
        .map(|n| value::bytes(n.as_bytes()))
        .collect::<PyResult<Vec<_>>>()?;
    module.add(c"openssl_md_meth_names", value::frozenset(names)?)?;
    Ok(module)
}
