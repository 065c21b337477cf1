//! The `_ssl` module of CPython 2.7.18 (plus the Python 3 features PEP 466 brings to 2.7).
//!
//! Files: `errors` (exception classes and the OpenSSL → Python error mapping), `constants`,
//! `functions` (module-level functions), `cert` (certificate → dict), `context`
//! (`_SSLContext`), `socket` (`_SSLSocket`), `io` (the fd/timeout loop), `err_data`
//! (generated error-name tables).

mod cert;
mod constants;
mod context;
mod err_data;
mod errors;
mod functions;
mod io;
mod sni;
mod socket;

use crate::py::module::{Module, ModuleBuilder};
use crate::py::{PyResult, Python};

const MODULE_DOC: &std::ffi::CStr =
    c"Implementation module for SSL socket operations.  See the socket module\n\
for documentation.";

/// Python: `init_ssl`
pub(crate) fn init(py: Python<'_>) -> PyResult<Module> {
    crate::ossl::init();
    let module = functions::add_functions(ModuleBuilder::new(c"_ssl", MODULE_DOC)).build()?;
    errors::add_exceptions(py, &module)?;
    constants::add_constants(py, &module)?;
    context::add_type(py, &module)?;
    socket::add_type(py, &module)?;
    Ok(module)
}
