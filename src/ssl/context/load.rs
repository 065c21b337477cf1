//! The loaders of `_SSLContext`: `load_cert_chain`, `load_verify_locations` (files, directories
//! and `cadata`), `load_dh_params`, `set_default_verify_paths`, and the paths they take.

use super::password::{self, Source};
use super::SslContext;
use crate::ossl::ctx::LoadFailure;
use crate::ossl::dh::{DhFailure, DhParams};
use crate::ossl::pem::{ChainFailure, ChainStep};
use crate::parse_args;
use crate::py::args::{parse, EncodedStrArg, ObjectArg};
use crate::py::boundary::{Args, KwArgs};
use crate::py::err::Builtin;
use crate::py::object::PyObjectRef;
use crate::py::typeobj::Slf;
use crate::py::{value, Borrowed, Owned, PyErr, PyResult, Python};
use crate::ssl::errors::{lines, ssl_error_from_queue};
use std::ffi::{CStr, CString};
use std::sync::OnceLock;

/// `sys.getfilesystemencoding()` (2.7's `Py_FileSystemDefaultEncoding`), for `et` and
/// path encoding. None in 2.7 means "the default encoding".
fn fs_encoding(_py: Python<'_>) -> PyResult<&'static CStr> {
    static ENCODING: OnceLock<CString> = OnceLock::new();
    if let Some(e) = ENCODING.get() {
        return Ok(e.as_c_str());
    }
    let name = crate::py::module::import(c"sys")?
        .getattr(c"getfilesystemencoding")?
        .call(&[])?;
    let text = if name.is_none() {
        value::as_bytes(
            &crate::py::module::import(c"sys")?
                .getattr(c"getdefaultencoding")?
                .call(&[])?,
        )?
    } else {
        value::as_bytes(&name)?
    };
    let c = CString::new(text).unwrap_or_else(|_| c"ascii".to_owned());
    Ok(ENCODING.get_or_init(|| c).as_c_str())
}

fn nul_error() -> PyErr {
    PyErr::new(
        Builtin::TypeError,
        "file path must be encoded string without NULL bytes",
    )
}

/// 2.7's path conversion for `keyfile`, `cafile`, `capath` and `load_dh_params`: a str as is,
/// anything else through `PyUnicode_FromObject` then the filesystem encoding.
pub(super) fn fs_path(py: Python<'_>, obj: &dyn PyObjectRef) -> PyResult<CString> {
    let bytes = if value::is_str(obj) {
        value::as_bytes(obj)?
    } else if value::is_unicode(obj) {
        let enc = value::bytes(fs_encoding(py)?.to_bytes())?;
        value::as_bytes(&obj.getattr(c"encode")?.call(&[&enc])?)?
    } else {
        let bytearray = crate::py::module::import(c"__builtin__")?.getattr(c"bytearray")?;
        let msg = if obj.is_instance(&bytearray)? {
            "decoding bytearray is not supported".to_owned()
        } else {
            format!(
                "coercing to Unicode: need string or buffer, {} found",
                obj.type_name()
            )
        };
        return Err(PyErr::new(Builtin::TypeError, &msg));
    };
    CString::new(bytes).map_err(|_| nul_error())
}

/// `IOError(errno, strerror)` (or another class), as `PyErr_SetFromErrno[WithFilenameObject]`
/// builds it from a saved errno.
fn errno_error(class: Builtin, errno: i32, filename: Option<&dyn PyObjectRef>) -> PyErr {
    let text = std::io::Error::from_raw_os_error(errno).to_string();
    // Rust appends " (os error N)"; strerror's text is what precedes it.
    let text = text
        .rsplit_once(" (os error")
        .map_or(text.as_str(), |(t, _)| t)
        .to_owned();
    let build = || -> PyResult<PyErr> {
        let mut items = vec![value::int(errno.into())?, value::bytes(text.as_bytes())?];
        if let Some(f) = filename {
            items.push(f.as_object().to_owned());
        }
        Ok(PyErr::with_value(class.object(), value::tuple(items)?))
    };
    build().unwrap_or_else(|e| e)
}

/// 2.7's error choice after a failed load: the errno as IOError when set, else shape B.
fn load_error(failure: LoadFailure, line: u32) -> PyErr {
    if failure.errno != 0 {
        errno_error(Builtin::IOError, failure.errno, None)
    } else {
        ssl_error_from_queue(&failure.error, line)
    }
}

/// Python: `_ssl._SSLContext.load_cert_chain(certfile, keyfile=None, password=None)`
pub(super) fn load_cert_chain(
    py: Python<'_>,
    slf: Slf<'_, SslContext>,
    args: KwArgs<'_>,
) -> PyResult<Owned> {
    parse_args!(args, c"et|OO:load_cert_chain" => keywords(
        certfile: EncodedStrArg::new(fs_encoding(py)?), keyfile: ObjectArg::new(),
        password: ObjectArg::new()));
    let certfile =
        CString::new(certfile.bytes().expect("required argument")).map_err(|_| nul_error())?;
    let keyfile = match keyfile.get().filter(|k| !k.is_none()) {
        Some(k) => fs_path(py, &k)?,
        None => certfile.clone(),
    };
    let source = match password.get().filter(|p| !p.is_none()) {
        Some(p) => Some(Source::from_arg(&p.to_owned())?),
        None => None,
    };
    let has_password = source.is_some();
    let state = password::shared(source.unwrap_or(Source::Static(Vec::new())));
    let (ctx, lock, state_ref) = (slf.ssl_ctx(), &slf.lock, &state);
    let result = py.allow_threads_saved(|saved| {
        let _guard = lock.acquire_blocking();
        let mut fill = |buf: &mut [u8]| password::fill(saved, state_ref, buf);
        let pw: Option<&mut crate::ossl::pem::PasswordFn<'_>> =
            if has_password { Some(&mut fill) } else { None };
        ctx.load_cert_chain(&certfile, &keyfile, pw)
    });
    let Err(ChainFailure {
        step,
        errno,
        error,
        callback_panic,
    }) = result
    else {
        return Ok(value::none());
    };
    if let Some(err) = password::take_error(py, &state) {
        return Err(err);
    }
    if let Some(msg) = callback_panic {
        return Err(PyErr::new(
            Builtin::SystemError,
            &format!("Rust panic in load_cert_chain password callback: {msg}"),
        ));
    }
    let line = match step {
        ChainStep::Certificate => lines::CERT_CHAIN_FILE,
        ChainStep::PrivateKey => lines::PRIVATE_KEY,
        ChainStep::CheckKey => lines::CHECK_PRIVATE_KEY,
    };
    Err(load_error(LoadFailure { errno, error }, line))
}

/// 2.7's `cadata` rules: unicode is ASCII PEM; any other buffer (str too) is DER.
fn cadata_bytes(obj: &Borrowed<'_>) -> PyResult<(Vec<u8>, bool)> {
    let type_error = || {
        PyErr::new(
            Builtin::TypeError,
            "cadata should be an ASCII string or a bytes-like object",
        )
    };
    if value::is_unicode(obj) {
        let ascii = obj
            .getattr(c"encode")?
            .call(&[&value::bytes(b"ascii")?])
            .map_err(|_| type_error())?;
        return Ok((value::as_bytes(&ascii)?, false));
    }
    // Any buffer: parse the one-element tuple with `s*`, CPython's own buffer export.
    let tuple = value::tuple(vec![obj.as_object().to_owned()])?;
    let mut buf = crate::py::args::BufferArg::new();
    parse(
        Args {
            args: Some(tuple.borrow()),
            kwargs: None,
        },
        c"s*:load_verify_locations",
        None,
        &mut [&mut buf],
    )
    .map_err(|_| type_error())?;
    Ok((buf.bytes().unwrap_or_default().to_vec(), true))
}

/// Python: `_ssl._SSLContext.load_verify_locations(cafile=None, capath=None, cadata=None)`
pub(super) fn load_verify_locations(
    py: Python<'_>,
    slf: Slf<'_, SslContext>,
    args: KwArgs<'_>,
) -> PyResult<Owned> {
    parse_args!(args, c"|OOO:load_verify_locations" => keywords(
        cafile: ObjectArg::new(), capath: ObjectArg::new(), cadata: ObjectArg::new()));
    let given = |a: &ObjectArg| a.get().filter(|o| !o.is_none()).map(|o| o.to_owned());
    let (cafile, capath, cadata) = (given(&cafile), given(&capath), given(&cadata));
    if cafile.is_none() && capath.is_none() && cadata.is_none() {
        return Err(PyErr::new(
            Builtin::TypeError,
            "cafile, capath and cadata cannot be all omitted",
        ));
    }
    let cafile = cafile.map(|f| fs_path(py, &f)).transpose()?;
    let capath = capath.map(|p| fs_path(py, &p)).transpose()?;
    if let Some(data) = cadata {
        let (bytes, der) = cadata_bytes(&data.borrow())?;
        if bytes.is_empty() {
            return Err(PyErr::new(Builtin::ValueError, "Empty certificate data"));
        }
        if bytes.len() > i32::MAX as usize {
            return Err(PyErr::new(
                Builtin::OverflowError,
                "Certificate data is too long.",
            ));
        }
        let _guard = slf.lock.acquire(py);
        slf.ssl_ctx()
            .add_ca_certs(&bytes, der)
            .map_err(|e| ssl_error_from_queue(&e, lines::CADATA))?;
    }
    if cafile.is_some() || capath.is_some() {
        let (ctx, lock) = (slf.ssl_ctx(), &slf.lock);
        py.allow_threads(|| {
            let _guard = lock.acquire_blocking();
            ctx.load_verify_locations(cafile.as_deref(), capath.as_deref())
        })
        .map_err(|f| load_error(f, lines::VERIFY_LOCATIONS))?;
    }
    Ok(value::none())
}

/// Python: `_ssl._SSLContext.load_dh_params(path)`
pub(super) fn load_dh_params(
    py: Python<'_>,
    slf: Slf<'_, SslContext>,
    path_obj: Borrowed<'_>,
) -> PyResult<Owned> {
    let path_obj = path_obj.to_owned();
    let path = fs_path(py, &path_obj)?;
    let dh = py
        .allow_threads(|| DhParams::from_pem_file(&path))
        .map_err(|f| match f {
            DhFailure::Open { errno } => errno_error(Builtin::IOError, errno, Some(&path_obj)),
            DhFailure::Read { errno, .. } if errno != 0 => {
                errno_error(Builtin::OSError, errno, Some(&path_obj))
            }
            DhFailure::Read { error, .. } => ssl_error_from_queue(&error, lines::DH_PARAMS),
        })?;
    let _guard = slf.lock.acquire(py);
    slf.ssl_ctx()
        .set_tmp_dh(&dh)
        .map_err(|e| ssl_error_from_queue(&e, lines::DH_PARAMS))?;
    Ok(value::none())
}

/// Python: `_ssl._SSLContext.set_default_verify_paths()`
pub(super) fn set_default_verify_paths(
    py: Python<'_>,
    slf: Slf<'_, SslContext>,
) -> PyResult<Owned> {
    let (ctx, lock) = (slf.ssl_ctx(), &slf.lock);
    py.allow_threads(|| {
        let _guard = lock.acquire_blocking();
        ctx.set_default_verify_paths()
    })
    .map_err(|e| ssl_error_from_queue(&e, lines::DEFAULT_VERIFY_PATHS))?;
    Ok(value::none())
}
