//! Python 3.15's lists of a context: TLS 1.3 cipher suites (`set_ciphersuites`), key-exchange
//! groups (`set_groups`, `get_groups`) and signature algorithms (`set_client_sigalgs`,
//! `set_server_sigalgs`); the module's `get_sigalgs()`. Each list is OpenSSL's text format;
//! OpenSSL decides what is valid. A refused list is an `SSLError` naming it, as Python 3.

use crate::ossl::ctx::SslCtx;
use crate::ossl::ssl_info::{builtin_sigalgs, Unsupported};
use crate::py::args::{parse, ObjectArg, StrArg};
use crate::py::boundary::{Args, KwArgs};
use crate::py::err::Builtin;
use crate::py::typeobj::Slf;
use crate::py::{value, Owned, PyErr, PyResult, Python};
use crate::ssl::context::SslContext;
use crate::ssl::errors::ssl_error_plain;
use std::ffi::{CStr, CString};

/// What every list setter does: parse its one string argument (`format` names the method),
/// hand it to OpenSSL under the context's configuration lock, and raise `SSLError(refused)`
/// when OpenSSL refuses it.
fn set_list(
    py: Python<'_>,
    slf: Slf<'_, SslContext>,
    args: Args<'_>,
    format: &CStr,
    apply: impl FnOnce(&SslCtx, &CStr) -> bool,
    refused: impl FnOnce(&str) -> String,
) -> PyResult<Owned> {
    let mut list = StrArg::new();
    parse(args, format, None, &mut [&mut list])?;
    let list =
        CString::new(list.bytes().expect("required argument")).expect("`s` rejects NUL bytes");
    let _config = slf.config_lock(py);
    if !apply(slf.ssl_ctx(), &list) {
        return Err(ssl_error_plain(&refused(&list.to_string_lossy())));
    }
    Ok(value::none())
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
    set_list(
        py,
        slf,
        args,
        c"s:set_ciphersuites",
        SslCtx::set_ciphersuites,
        |_| "No cipher suite can be selected.".into(),
    )
}

/// Python: `_ssl._SSLContext.set_groups(groups, /)` (3.15)
pub(crate) fn set_groups(
    py: Python<'_>,
    slf: Slf<'_, SslContext>,
    args: Args<'_>,
) -> PyResult<Owned> {
    set_list(
        py,
        slf,
        args,
        c"s:set_groups",
        SslCtx::set_groups_list,
        |list| format!("unrecognized or unsupported group in '{list}'"),
    )
}

/// Python: `_ssl._SSLContext.set_client_sigalgs(sigalgs, /)` (`CLIENT`; 3.15): the signature
/// algorithms allowed for certificate-based client authentication;
/// `_ssl._SSLContext.set_server_sigalgs(sigalgs, /)` (3.15): those allowed for the server's
/// handshake signature.
pub(crate) fn set_sigalgs<const CLIENT: bool>(
    py: Python<'_>,
    slf: Slf<'_, SslContext>,
    args: Args<'_>,
) -> PyResult<Owned> {
    let format = if CLIENT {
        c"s:set_client_sigalgs"
    } else {
        c"s:set_server_sigalgs"
    };
    set_list(
        py,
        slf,
        args,
        format,
        |ctx, list| ctx.set_sigalgs_list(list, CLIENT),
        |list| format!("unrecognized or unsupported signature algorithm in '{list}'"),
    )
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
    let aliases = aliases.flag()?;
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
