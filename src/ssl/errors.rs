//! The exception classes of `_ssl` (`SSLError` and its five subclasses, deriving from
//! `socket.error`), the ways the rest of the crate raises them (2.7.18's `_setSSLError`,
//! `PySSL_SetError` and bare `PyErr_SetString`), and the `err_codes_to_names`,
//! `err_names_to_codes` and `lib_codes_to_names` dicts.
//!
//! The pure decision table lives in `classify` (unit-tested without Python).

mod classify;
pub(crate) mod lines;

// The I/O half of this API is used by `_SSLSocket` (socket.rs).
#[cfg(feature = "fuzzing")]
pub(crate) use classify::format_message;
pub(crate) use classify::{classify, code, ErrorClass, SslFailure};

use crate::ossl::error::OsslError;
use crate::py::exception::{instantiate, set_attr, use_strerror_str, ExceptionSlot};
use crate::py::module::{import, Module};
use crate::py::object::PyObjectRef;
use crate::py::{value, Owned, PyErr, PyResult, Python};
use crate::ssl::err_data::{LIBRARY_NAMES, REASON_CODES, REASON_NAMES};
use std::ffi::CStr;

static SSL_ERROR: ExceptionSlot = ExceptionSlot::new();
static SSL_ZERO_RETURN_ERROR: ExceptionSlot = ExceptionSlot::new();
static SSL_WANT_READ_ERROR: ExceptionSlot = ExceptionSlot::new();
static SSL_WANT_WRITE_ERROR: ExceptionSlot = ExceptionSlot::new();
static SSL_SYSCALL_ERROR: ExceptionSlot = ExceptionSlot::new();
static SSL_EOF_ERROR: ExceptionSlot = ExceptionSlot::new();
static SSL_CERT_VERIFICATION_ERROR: ExceptionSlot = ExceptionSlot::new();
static CERTIFICATE_ERROR: ExceptionSlot = ExceptionSlot::new();

/// `(module attribute, class name, slot, doc)`; `SSLError` first: the others derive from it.
static CLASSES: [(&CStr, &CStr, &ExceptionSlot, &CStr); 6] = [
    (
        c"SSLError",
        c"ssl.SSLError",
        &SSL_ERROR,
        c"An error occurred in the SSL implementation.",
    ),
    (
        c"SSLZeroReturnError",
        c"ssl.SSLZeroReturnError",
        &SSL_ZERO_RETURN_ERROR,
        c"SSL/TLS session closed cleanly.",
    ),
    (
        c"SSLWantReadError",
        c"ssl.SSLWantReadError",
        &SSL_WANT_READ_ERROR,
        c"Non-blocking SSL socket needs to read more data\n\
before the requested operation can be completed.",
    ),
    (
        c"SSLWantWriteError",
        c"ssl.SSLWantWriteError",
        &SSL_WANT_WRITE_ERROR,
        c"Non-blocking SSL socket needs to write more data\n\
before the requested operation can be completed.",
    ),
    (
        c"SSLSyscallError",
        c"ssl.SSLSyscallError",
        &SSL_SYSCALL_ERROR,
        c"System error when attempting SSL operation.",
    ),
    (
        c"SSLEOFError",
        c"ssl.SSLEOFError",
        &SSL_EOF_ERROR,
        c"SSL/TLS connection terminated abruptly.",
    ),
];

/// The class object of one of the six exceptions (e.g. for `isinstance` checks).
pub(crate) fn class(kind: ErrorClass) -> Owned {
    let slot = match kind {
        ErrorClass::SslError => &SSL_ERROR,
        ErrorClass::ZeroReturn => &SSL_ZERO_RETURN_ERROR,
        ErrorClass::WantRead => &SSL_WANT_READ_ERROR,
        ErrorClass::WantWrite => &SSL_WANT_WRITE_ERROR,
        ErrorClass::Syscall => &SSL_SYSCALL_ERROR,
        ErrorClass::Eof => &SSL_EOF_ERROR,
        ErrorClass::CertVerification => &SSL_CERT_VERIFICATION_ERROR,
    };
    slot.object()
}

/// Python: `_ssl.SSLError` and subclasses, plus the three error-name dicts.
pub(crate) fn add_exceptions(py: Python<'_>, m: &Module) -> PyResult<()> {
    // socket.error is _socket.error; 2.7 takes it from the "_socket.CAPI" capsule.
    let socket_error = import(c"_socket")?.getattr(c"error")?;
    for &(attr, dotted, slot, doc) in &CLASSES {
        let base = if std::ptr::eq(slot, &SSL_ERROR) {
            socket_error.clone()
        } else {
            SSL_ERROR.object()
        };
        let cls = slot.create(py, dotted, doc, &base)?;
        // 2.7 installs its own tp_str on all six classes (str(e) is strerror or str(args)).
        use_strerror_str(&cls)?;
        m.add(attr, cls)?;
    }
    // 2.7's `ssl.CertificateError` (a ValueError, what `match_hostname` raises) and Python
    // 3.7's `SSLCertVerificationError`, here made a subclass of both SSLError and
    // CertificateError: every 2.7 `except CertificateError` and `except SSLError` (and
    // Python 3's `except ValueError`) catches a verification failure, while
    // `match_hostname`'s own errors stay plain CertificateErrors, not socket errors (urllib2
    // lets those through as themselves instead of wrapping them in URLError). pep466's
    // ssl.py takes both classes from here; 2.7.18's ssl.py keeps its own CertificateError.
    let value_error = crate::py::err::Builtin::ValueError.object();
    let certificate_error =
        CERTIFICATE_ERROR.create(py, c"ssl.CertificateError", c"", &value_error)?;
    m.add(c"CertificateError", certificate_error.clone())?;
    let bases = value::tuple(vec![SSL_ERROR.object(), certificate_error])?;
    let cls = SSL_CERT_VERIFICATION_ERROR.create(
        py,
        c"ssl.SSLCertVerificationError",
        c"A certificate could not be verified.",
        &bases,
    )?;
    use_strerror_str(&cls)?;
    m.add(c"SSLCertVerificationError", cls)?;
    add_error_dicts(m)
}

fn unicode(s: &str) -> PyResult<Owned> {
    value::unicode_from_utf8(s.as_bytes(), c"strict")
}

fn lib_reason_key(lib: i32, reason: i32) -> PyResult<Owned> {
    value::tuple(vec![value::int(lib.into())?, value::int(reason.into())?])
}

/// `err_codes_to_names`, `err_names_to_codes`, `lib_codes_to_names`, from the tables of the
/// linked OpenSSL line (err_data.rs explains why they differ from stock's 1.0.2-era table).
fn add_error_dicts(m: &Module) -> PyResult<()> {
    let codes_to_names = value::dict()?;
    for &(lib, reason, name) in REASON_NAMES {
        value::dict_set(
            &codes_to_names,
            &lib_reason_key(lib, reason)?,
            &unicode(name)?,
        )?;
    }
    let names_to_codes = value::dict()?;
    for &(name, lib, reason) in REASON_CODES {
        value::dict_set(
            &names_to_codes,
            &unicode(name)?,
            &lib_reason_key(lib, reason)?,
        )?;
    }
    let libs = value::dict()?;
    for &(lib, name) in LIBRARY_NAMES {
        // Stock 2.7 made these keys `long`.
        value::dict_set(&libs, &value::long(lib.into())?, &unicode(name)?)?;
    }
    m.add(c"err_codes_to_names", codes_to_names)?;
    m.add(c"err_names_to_codes", names_to_codes)?;
    m.add(c"lib_codes_to_names", libs)
}

/// 2.7's `fill_and_set_sslerror`: `class(errno, u"[LIB: REASON] text (_ssl.c:LINE)")` with
/// `library` and `reason` set on the instance (unicode or None).
fn fill_and_set_sslerror(
    class: Owned,
    errno: i32,
    text: Option<&str>,
    queued: &OsslError,
    line: u32,
) -> PyErr {
    ssl_error_with_verify_detail(class, errno, text, None, queued, line)
}

/// `fill_and_set_sslerror`, plus Python 3's `verify_code` and `verify_message` for a verification failure.
fn ssl_error_with_verify_detail(
    class: Owned,
    errno: i32,
    text: Option<&str>,
    verify: Option<&VerifyFailure>,
    queued: &OsslError,
    line: u32,
) -> PyErr {
    let build = || -> PyResult<PyErr> {
        let detail = verify.map(|v| v.message.as_str());
        let (msg, lib, reason) = classify::format_message_with(text, detail, queued, line);
        let args = value::tuple(vec![value::int(errno.into())?, unicode(&msg)?])?;
        let instance = instantiate(&class, args)?;
        let opt = |s: Option<&str>| s.map_or_else(|| Ok(value::none()), unicode);
        set_attr(&instance, c"reason", &opt(reason)?)?;
        set_attr(&instance, c"library", &opt(lib)?)?;
        if let Some(v) = verify {
            set_attr(&instance, c"verify_code", &value::int(v.code)?)?;
            set_attr(&instance, c"verify_message", &unicode(&v.message)?)?;
        }
        Ok(PyErr::with_value(class.clone(), instance))
    };
    build().unwrap_or_else(|e| e)
}

/// Why certificate verification failed (Python 3's `verify_code` / `verify_message`).
pub(crate) struct VerifyFailure {
    pub(crate) code: std::ffi::c_long,
    pub(crate) message: String,
}

/// Python: 2.7's `_setSSLError(NULL, ...)` (shape B): `SSLError(packed_code, u"[LIB: REASON]
/// text (_ssl.c:LINE)")`. `err` is `OsslError::take()` (the queue is then already clear); an
/// empty one gives `SSLError(0, u"unknown error (_ssl.c:LINE)")`.
pub(crate) fn ssl_error_from_queue(err: &OsslError, line: u32) -> PyErr {
    // 2.7 stores the packed `unsigned long` code in a C int.
    let errno = err.code as u32 as i32;
    fill_and_set_sslerror(SSL_ERROR.object(), errno, None, err, line)
}

/// Python 3's `_setSSLError(NULL, ...)`, for methods only Python 3 has: the same exception as
/// `ssl_error_from_queue`, but its `errno` is the reason code, as Python 3 reports it (2.7
/// stored the packed code).
pub(crate) fn ssl_error_from_queue_py3(err: &OsslError, line: u32) -> PyErr {
    fill_and_set_sslerror(SSL_ERROR.object(), err.reason, None, err, line)
}

/// Python: 2.7's `_setSSLError("text", ...)` (shape C): `SSLError(0, u"text (_ssl.c:LINE)")`
/// with `library` and `reason` None.
pub(crate) fn ssl_error_text(text: &str, line: u32) -> PyErr {
    fill_and_set_sslerror(
        SSL_ERROR.object(),
        0,
        Some(text),
        &OsslError::default(),
        line,
    )
}

/// Python: `PyErr_SetString(PySSLErrorObject, msg)` (shape D): `SSLError('msg')`, whose
/// `str()` is the tuple repr `"('msg',)"`, as in 2.7.
pub(crate) fn ssl_error_plain(msg: &str) -> PyErr {
    PyErr::with_message(SSL_ERROR.object(), msg)
}

impl SslFailure {
    /// The exception (2.7's `PySSL_SetError`, shape A). `socket_error_from_errno` raises the
    /// socket module's error for `SslFailure::Socket` (2.7 calls the socket's
    /// `errorhandler()` with the saved errno restored).
    /// `verify` is asked for the connection's verification result when the failure is a
    /// certificate verification failure.
    pub(crate) fn into_pyerr(
        self,
        socket_error_from_errno: impl FnOnce() -> PyErr,
        verify: impl FnOnce() -> VerifyFailure,
    ) -> PyErr {
        match self {
            SslFailure::Socket { .. } => socket_error_from_errno(),
            SslFailure::Ssl {
                class: kind,
                errno,
                text,
                queued,
                line,
            } => {
                let detail = (kind == ErrorClass::CertVerification).then(verify);
                ssl_error_with_verify_detail(
                    class(kind),
                    errno,
                    text,
                    detail.as_ref(),
                    &queued,
                    line,
                )
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::py::embed::with_python;

    fn init_classes(py: Python<'_>) -> Module {
        let m = crate::py::module::ModuleBuilder::new(c"_ssl_errors_test", c"")
            .build()
            .unwrap();
        add_exceptions(py, &m).unwrap();
        m
    }

    #[test]
    fn classes_and_messages() {
        with_python(|py| {
            let m = init_classes(py);
            let eof = m.object().getattr(c"SSLEOFError").unwrap();
            assert!(class(ErrorClass::Eof).is(&eof));
            let err = ssl_error_plain("The read operation timed out");
            assert!(err.matches(&class(ErrorClass::SslError)));
        });
    }
}
