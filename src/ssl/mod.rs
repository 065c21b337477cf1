//! The `_ssl` module of CPython 2.7.18 (plus the Python 3 features PEP 466 brings to 2.7).
//!
//! Files: `errors` (exception classes and the OpenSSL → Python error mapping), `constants`,
//! `functions` (module-level functions), `cert` (certificate → dict), `context`
//! (`_SSLContext`), `connection` (`_SSLSocket`, one TLS connection), `wrap` (the two ways to make
//! one: over a socket or over memory BIOs), `engine` (the one I/O loop), `transport` (socket or
//! memory BIOs: waiting and error meaning), `memory_bio` (`MemoryBIO`), `session`
//! (`SSLSession`), `sni` (the servername callback), `err_data` (generated error-name tables),
//! `conn_info` (a connection's chains, group and signature algorithms).
//! `winstore` (Windows only: `enum_certificates`, `enum_crls`).

mod cert;
mod conn_info;
mod connection;
mod constants;
mod context;
mod engine;
mod err_data;
mod errors;
mod functions;
#[cfg(feature = "fuzzing")]
pub(crate) mod fuzzing;
mod keylog;
mod memory_bio;
mod psk;
mod serial;
mod session;
mod sni;
mod transport;
#[cfg(windows)]
mod winstore;
mod wrap;

use crate::py::module::{Module, ModuleBuilder};
use crate::py::{PyResult, Python};

const MODULE_DOC: &std::ffi::CStr =
    c"Implementation module for SSL socket operations.  See the socket module\n\
for documentation.";

/// Python: `init_ssl`
pub(crate) fn init(py: Python<'_>) -> PyResult<Module> {
    crate::ossl::init();
    let builder = functions::add_functions(ModuleBuilder::new(c"_ssl", MODULE_DOC));
    #[cfg(windows)]
    let builder = winstore::add_functions(builder);
    let module = builder.build()?;
    errors::add_exceptions(py, &module)?;
    constants::add_constants(py, &module)?;
    context::add_type(py, &module)?;
    connection::add_type(py, &module)?;
    memory_bio::add_type(py, &module)?;
    session::add_type(py, &module)?;
    Ok(module)
}
