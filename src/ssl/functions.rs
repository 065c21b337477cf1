//! The module-level functions of `_ssl`: `_test_decode_cert`, the `RAND_*` family,
//! `txt2obj` / `nid2obj` and `get_default_verify_paths`.

use crate::ossl::x509::{LoadFileError, X509};
use crate::py::args::{parse, StrArg};
use crate::py::boundary::Args;
use crate::py::module::ModuleBuilder;
use crate::py::typeobj::MethodKind;
use crate::py::{Owned, PyResult, Python};
use crate::py_function;
use crate::ssl::cert::decode_certificate;
use crate::ssl::errors::ssl_error_plain;
use std::ffi::CString;

py_function!(varargs test_decode_cert_fn, test_decode_cert);

pub(crate) fn add_functions(m: ModuleBuilder) -> ModuleBuilder {
    m.function(
        c"_test_decode_cert",
        MethodKind::VarArgs(test_decode_cert_fn),
        c"",
    )
}

/// Python: `_ssl._test_decode_cert(path)`: the dict of the first PEM certificate of a file.
fn test_decode_cert(py: Python<'_>, args: Args<'_>) -> PyResult<Owned> {
    let mut path = StrArg::new();
    parse(args, c"s:test_decode_certificate", None, &mut [&mut path])?;
    let path = CString::new(path.bytes().unwrap_or_default()).expect("`s` has no NUL");
    // 2.7 raises these bare (shape D) messages and ignores OpenSSL's reason.
    let cert = X509::load_pem_file(&path).map_err(|e| match e {
        LoadFileError::Open(_) => ssl_error_plain("Can't open file"),
        LoadFileError::Decode(_) => ssl_error_plain("Error decoding PEM-encoded file"),
    })?;
    decode_certificate(py, &cert)
}
