//! Python 3.15's lists of a context: TLS 1.3 cipher suites (`set_ciphersuites`), key-exchange
//! groups (`set_groups`, `get_groups`) and signature algorithms (`set_client_sigalgs`,
//! `set_server_sigalgs`); the module's `get_sigalgs()`. Each list is OpenSSL's text format;
//! OpenSSL decides what is valid. A refused list is an `SSLError` naming it, as Python 3.

use crate::ossl::ssl_info::{builtin_sigalgs, Unsupported};
use crate::parse_args;
use crate::py::args::{ObjectArg, StrArg};
use crate::py::boundary::{Args, KwArgs};
use crate::py::err::Builtin;
use crate::py::typeobj::Slf;
use crate::py::{value, Owned, PyErr, PyResult, Python};
use crate::ssl::context::SslContext;
use crate::ssl::errors::ssl_error_plain;
use std::ffi::CString;

/// The lists `set_list` sets: its const parameter, one per Python method.
pub(crate) const CIPHERSUITES: u8 = 0;
pub(crate) const GROUPS: u8 = 1;
pub(crate) const CLIENT_SIGALGS: u8 = 2;
pub(crate) const SERVER_SIGALGS: u8 = 3;

/// Python (3.15), by `LIST`: `_ssl._SSLContext.set_ciphersuites(ciphersuites, /)` (the TLS
/// 1.3 cipher suites), `set_groups(groups, /)` (the key-exchange groups),
/// `set_client_sigalgs(sigalgs, /)` (the signature algorithms allowed for certificate-based
/// client authentication), `set_server_sigalgs(sigalgs, /)` (those allowed for the server's
/// handshake signature). Each parses its one string, hands it to OpenSSL under the context's
/// configuration lock, and raises Python 3's `SSLError` when OpenSSL refuses it.
pub(crate) fn set_list<const LIST: u8>(
    py: Python<'_>,
    slf: Slf<'_, SslContext>,
    args: Args<'_>,
) -> PyResult<Owned> {
    let format = match LIST {
        CIPHERSUITES => c"s:set_ciphersuites",
        GROUPS => c"s:set_groups",
        CLIENT_SIGALGS => c"s:set_client_sigalgs",
        _ => c"s:set_server_sigalgs",
    };
    parse_args!(args, format => positional(list: StrArg::new()));
    let list =
        CString::new(list.bytes().expect("required argument")).expect("`s` rejects NUL bytes");
    let _config = slf.config_lock(py);
    let ctx = slf.ssl_ctx();
    let accepted = match LIST {
        CIPHERSUITES => ctx.set_ciphersuites(&list),
        GROUPS => ctx.set_groups_list(&list),
        _ => ctx.set_sigalgs_list(&list, LIST == CLIENT_SIGALGS),
    };
    if accepted {
        return Ok(value::none());
    }
    let text = list.to_string_lossy();
    Err(ssl_error_plain(&match LIST {
        CIPHERSUITES => "No cipher suite can be selected.".to_string(),
        GROUPS => format!("unrecognized or unsupported group in '{text}'"),
        _ => format!("unrecognized or unsupported signature algorithm in '{text}'"),
    }))
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
    parse_args!(args, c"|O:get_groups" => keywords(include_aliases: ObjectArg::new()));
    let aliases = include_aliases.flag()?;
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
