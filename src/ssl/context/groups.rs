//! Python 3.15's lists of a context: TLS 1.3 cipher suites (`set_ciphersuites`), key-exchange
//! groups (`set_groups`, `get_groups`) and signature algorithms (`set_client_sigalgs`,
//! `set_server_sigalgs`); the module's `get_sigalgs()`. Each list is OpenSSL's text format;
//! OpenSSL decides what is valid. A refused list is an `SSLError` naming it, as Python 3.

use crate::ossl::ssl_info::{builtin_sigalgs, Unsupported};
use crate::py::args::{parse, ObjectArg, StrArg};
use crate::py::boundary::{Args, KwArgs};
use crate::py::err::Builtin;
use crate::py::object::PyObjectRef;
use crate::py::typeobj::Slf;
use crate::py::{value, Owned, PyErr, PyResult, Python};
use crate::ssl::context::SslContext;
use crate::ssl::errors::ssl_error_plain;
use std::ffi::{CStr, CString};

/// The one string argument of a setter (`format` names the method), as a C string.
fn list_arg(args: Args<'_>, format: &CStr) -> PyResult<CString> {
    let mut list = StrArg::new();
    parse(args, format, None, &mut [&mut list])?;
    Ok(CString::new(list.bytes().expect("required argument")).expect("`s` rejects NUL bytes"))
}

fn names(list: Vec<String>) -> PyResult<Owned> {
    value::list(
        list.iter()
            .map(|n| value::unicode_from_utf8(n.as_bytes(), c"strict"))
            .collect::<PyResult<_>>()?,
    )
}

fn unsupported(e: Unsupported) -> PyErr {
    PyErr::new(Builtin::NotImplementedError, e.0)
}

/// Python: `_ssl._SSLContext.set_ciphersuites(ciphersuites, /)` (3.15)
pub(crate) fn set_ciphersuites(
    py: Python<'_>,
    slf: Slf<'_, SslContext>,
    args: Args<'_>,
) -> PyResult<Owned> {
    let list = list_arg(args, c"s:set_ciphersuites")?;
    let _config = slf.config_lock(py);
    if !slf.ssl_ctx().set_ciphersuites(&list) {
        return Err(ssl_error_plain("No cipher suite can be selected."));
    }
    Ok(value::none())
}

/// Python: `_ssl._SSLContext.set_groups(groups, /)` (3.15)
pub(crate) fn set_groups(
    py: Python<'_>,
    slf: Slf<'_, SslContext>,
    args: Args<'_>,
) -> PyResult<Owned> {
    let list = list_arg(args, c"s:set_groups")?;
    let _config = slf.config_lock(py);
    if !slf.ssl_ctx().set_groups_list(&list) {
        return Err(ssl_error_plain(&format!(
            "unrecognized or unsupported group in '{}'",
            list.to_string_lossy()
        )));
    }
    Ok(value::none())
}

fn set_sigalgs(
    py: Python<'_>,
    slf: Slf<'_, SslContext>,
    args: Args<'_>,
    format: &CStr,
    client: bool,
) -> PyResult<Owned> {
    let list = list_arg(args, format)?;
    let _config = slf.config_lock(py);
    if !slf.ssl_ctx().set_sigalgs_list(&list, client) {
        return Err(ssl_error_plain(&format!(
            "unrecognized or unsupported signature algorithm in '{}'",
            list.to_string_lossy()
        )));
    }
    Ok(value::none())
}

/// Python: `_ssl._SSLContext.set_client_sigalgs(sigalgs, /)` (3.15): the signature
/// algorithms allowed for certificate-based client authentication.
pub(crate) fn set_client_sigalgs(
    py: Python<'_>,
    slf: Slf<'_, SslContext>,
    args: Args<'_>,
) -> PyResult<Owned> {
    set_sigalgs(py, slf, args, c"s:set_client_sigalgs", true)
}

/// Python: `_ssl._SSLContext.set_server_sigalgs(sigalgs, /)` (3.15): the signature
/// algorithms allowed for the server's handshake signature.
pub(crate) fn set_server_sigalgs(
    py: Python<'_>,
    slf: Slf<'_, SslContext>,
    args: Args<'_>,
) -> PyResult<Owned> {
    set_sigalgs(py, slf, args, c"s:set_server_sigalgs", false)
}

/// Python: `_ssl._SSLContext.get_groups(*, include_aliases=False)` (3.15; OpenSSL 3.5+)
pub(crate) fn get_groups(
    py: Python<'_>,
    slf: Slf<'_, SslContext>,
    args: KwArgs<'_>,
) -> PyResult<Owned> {
    if value::tuple_len(args.args.as_ref()) > 0 {
        return Err(PyErr::new(
            Builtin::TypeError,
            "get_groups() takes no positional arguments",
        ));
    }
    let mut aliases = ObjectArg::new();
    parse(
        args,
        c"|O:get_groups",
        Some(&[c"include_aliases"]),
        &mut [&mut aliases],
    )?;
    let aliases = match aliases.get() {
        Some(a) => a.is_true()?,
        None => false,
    };
    let list = {
        let _config = slf.config_lock(py);
        slf.ssl_ctx().implemented_groups(aliases)
    };
    names(list.map_err(unsupported)?)
}

/// Python: `_ssl.get_sigalgs()` (3.15; OpenSSL 3.4+): every signature algorithm name.
pub(crate) fn get_sigalgs(_py: Python<'_>) -> PyResult<Owned> {
    names(builtin_sigalgs().map_err(unsupported)?)
}
