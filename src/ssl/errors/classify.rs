//! The pure part of 2.7.18's `PySSL_SetError`: what a failing `SSL_do_handshake` / `SSL_read`
//! / `SSL_write` / `SSL_shutdown` becomes, decided from plain data captured right after the
//! call (no Python, no OpenSSL calls here), so it is unit-tested as a table.
//!
//! Differences from stock 2.7.18, both taken from CPython 3.10+ and both needed for 2.7's own
//! logic (`suppress_ragged_eofs` checks `args[0] == SSL_ERROR_EOF`) to hold on OpenSSL 3:
//!
//! * OpenSSL 3 reports a peer that closes without close_notify as `SSL_ERROR_SSL` (or
//!   `SSL_ERROR_SYSCALL` with a queued error) carrying `SSL_R_UNEXPECTED_EOF_WHILE_READING`,
//!   where 1.1.1 gave `SSL_ERROR_SYSCALL` with ret 0 and an empty queue. Both become
//!   `SSLEOFError(8, "... EOF occurred in violation of protocol ...")`.
//! * `SSL_ERROR_SYSCALL`, ret -1, empty queue and **errno 0** (OpenSSL 3, writing after the
//!   peer's rude close) is also an EOF: stock raised the meaningless `socket.error(0, 'Error')`.

use crate::ossl::error::OsslError;
use crate::ossl::ssl::IoOutcome;

/// 2.7's `enum py_ssl_error`: the `errno` of shape-A errors and the `SSL_ERROR_*` constants.
pub(crate) mod code {
    pub(crate) const SSL: i32 = 1;
    pub(crate) const WANT_READ: i32 = 2;
    pub(crate) const WANT_WRITE: i32 = 3;
    pub(crate) const WANT_X509_LOOKUP: i32 = 4;
    pub(crate) const SYSCALL: i32 = 5;
    pub(crate) const ZERO_RETURN: i32 = 6;
    pub(crate) const WANT_CONNECT: i32 = 7;
    pub(crate) const EOF: i32 = 8;
    pub(crate) const INVALID_ERROR_CODE: i32 = 10;
}

/// `ERR_LIB_SSL` and `SSL_R_UNEXPECTED_EOF_WHILE_READING`: 294 on 3.x and 4.x, none on 1.1.1w
/// (where 294 is OCSP_CALLBACK_FAILURE; the err_data tables agree, a unit test checks them).
const LIB_SSL: i32 = 20;
const REASON_UNEXPECTED_EOF_WHILE_READING: Option<i32> =
    crate::ossl::compat::SSL_R_UNEXPECTED_EOF_WHILE_READING;

/// One of the six exception classes of `_ssl`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ErrorClass {
    SslError,
    ZeroReturn,
    WantRead,
    WantWrite,
    Syscall,
    Eof,
    /// `SSLCertVerificationError` (Python 3.7's): the handshake failed certificate
    /// verification (`SSL_R_CERTIFICATE_VERIFY_FAILED`).
    CertVerification,
}

/// The exception to raise.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum SslFailure {
    /// One of our classes with `args == (errno, u"[LIB: REASON] text (_ssl.c:LINE)")`;
    /// `text` None means OpenSSL's reason text (or "unknown error").
    Ssl {
        class: ErrorClass,
        errno: i32,
        text: Option<&'static str>,
        queued: OsslError,
        line: u32,
    },
    /// The socket module's error made from `errno` (2.7 calls the socket's errorhandler).
    Socket { errno: i32 },
}

/// `SSL_R_CERTIFICATE_VERIFY_FAILED`: 134 on every OpenSSL line we support.
const REASON_CERTIFICATE_VERIFY_FAILED: i32 = 134;

fn is_unexpected_eof(e: &OsslError) -> bool {
    !e.is_empty() && e.lib == LIB_SSL && Some(e.reason) == REASON_UNEXPECTED_EOF_WHILE_READING
}

const EOF_TEXT: &str = "EOF occurred in violation of protocol";

/// Python: the decision part of `_ssl.c`'s `PySSL_SetError`.
///
/// `outcome` is the failed call's (its errno and queued error read right after it, before
/// anything else could touch them); `socket_gone` says the connection has no Python socket
/// (2.7's `GET_SOCKET(obj) == Py_None`; always so for a memory-BIO connection); `line` is the
/// `_ssl.c:LINE` number shown in the message.
pub(crate) fn classify(outcome: IoOutcome, socket_gone: bool, line: u32) -> SslFailure {
    use openssl_sys as sys;
    let IoOutcome {
        ret,
        ssl_error,
        errno,
        queued,
        ..
    } = outcome;
    let empty = queued.is_empty();
    let (class, py_errno, text) = match ssl_error {
        sys::SSL_ERROR_ZERO_RETURN => (
            ErrorClass::ZeroReturn,
            code::ZERO_RETURN,
            Some("TLS/SSL connection has been closed (EOF)"),
        ),
        sys::SSL_ERROR_WANT_READ => (
            ErrorClass::WantRead,
            code::WANT_READ,
            Some("The operation did not complete (read)"),
        ),
        sys::SSL_ERROR_WANT_WRITE => (
            ErrorClass::WantWrite,
            code::WANT_WRITE,
            Some("The operation did not complete (write)"),
        ),
        sys::SSL_ERROR_WANT_X509_LOOKUP => (
            ErrorClass::SslError,
            code::WANT_X509_LOOKUP,
            Some("The operation did not complete (X509 lookup)"),
        ),
        sys::SSL_ERROR_WANT_CONNECT => (
            ErrorClass::SslError,
            code::WANT_CONNECT,
            Some("The operation did not complete (connect)"),
        ),
        sys::SSL_ERROR_SYSCALL if empty => {
            if ret == 0 || socket_gone {
                (ErrorClass::Eof, code::EOF, Some(EOF_TEXT))
            } else if ret == -1 && errno != 0 {
                return SslFailure::Socket { errno };
            } else if ret == -1 {
                // OpenSSL 3 fix (see the file docs): errno 0 is an EOF, not socket.error(0).
                (ErrorClass::Eof, code::EOF, Some(EOF_TEXT))
            } else {
                (
                    ErrorClass::Syscall,
                    code::SYSCALL,
                    Some("Some I/O error occurred"),
                )
            }
        }
        sys::SSL_ERROR_SYSCALL | sys::SSL_ERROR_SSL if is_unexpected_eof(&queued) => {
            // OpenSSL 3 fix (see the file docs).
            (ErrorClass::Eof, code::EOF, Some(EOF_TEXT))
        }
        // OpenSSL 3.2+ queues the failed socket call as a system error where 1.1.1 left
        // the queue empty and errno set: the same socket.error (as Python 3.12+ does).
        sys::SSL_ERROR_SYSCALL if queued.lib == sys::ERR_LIB_SYS && queued.reason > 0 => {
            return SslFailure::Socket {
                errno: queued.reason,
            };
        }
        sys::SSL_ERROR_SYSCALL => (ErrorClass::SslError, code::SYSCALL, None),
        sys::SSL_ERROR_SSL if empty => (
            ErrorClass::SslError,
            code::SSL,
            Some("A failure in the SSL library occurred"),
        ),
        sys::SSL_ERROR_SSL
            if queued.lib == LIB_SSL && queued.reason == REASON_CERTIFICATE_VERIFY_FAILED =>
        {
            (ErrorClass::CertVerification, code::SSL, None)
        }
        sys::SSL_ERROR_SSL => (ErrorClass::SslError, code::SSL, None),
        _ => (
            ErrorClass::SslError,
            code::INVALID_ERROR_CODE,
            Some("Invalid error code"),
        ),
    };
    SslFailure::Ssl {
        class,
        errno: py_errno,
        text,
        queued,
        line,
    }
}

/// The message of every `_ssl` error that carries one (2.7's `fill_and_set_sslerror`), and
/// the `library` / `reason` attribute values: `[LIB: REASON] text (_ssl.c:LINE)`,
/// `[LIB] text (_ssl.c:LINE)` or `text (_ssl.c:LINE)`. (The fuzz harness and tests call it;
/// the library itself uses `format_message_with`.)
#[cfg(any(test, feature = "fuzzing"))]
pub(crate) fn format_message(
    text: Option<&str>,
    queued: &OsslError,
    line: u32,
) -> (String, Option<&'static str>, Option<&'static str>) {
    format_message_with(text, None, queued, line)
}

/// `format_message` with Python 3's verification detail: `[SSL: CERTIFICATE_VERIFY_FAILED]
/// certificate verify failed: <detail> (_ssl.c:LINE)`.
pub(crate) fn format_message_with(
    text: Option<&str>,
    detail: Option<&str>,
    queued: &OsslError,
    line: u32,
) -> (String, Option<&'static str>, Option<&'static str>) {
    let (lib, reason) = if queued.is_empty() {
        (None, None)
    } else {
        (
            crate::ssl::err_data::library_name(queued.lib),
            crate::ssl::err_data::reason_name(queued.lib, queued.reason),
        )
    };
    let text = text
        .or(queued.reason_text.as_deref())
        .unwrap_or("unknown error");
    let text = match detail {
        Some(d) => format!("{text}: {d}"),
        None => text.to_owned(),
    };
    let msg = match (lib, reason) {
        (Some(l), Some(r)) => format!("[{l}: {r}] {text} (_ssl.c:{line})"),
        (Some(l), None) => format!("[{l}] {text} (_ssl.c:{line})"),
        _ => format!("{text} (_ssl.c:{line})"),
    };
    (msg, lib, reason)
}

#[cfg(test)]
mod tests {
    use super::*;
    use openssl_sys as sys;
    use std::ffi::c_int;

    fn queued(lib: i32, reason: i32, text: &str) -> OsslError {
        OsslError {
            code: ((lib as u64) << 23) | reason as u64,
            lib,
            reason,
            reason_text: Some(text.into()),
            ..OsslError::default()
        }
    }

    fn state(ret: c_int, ssl_error: c_int, errno: i32, q: OsslError) -> IoOutcome {
        IoOutcome {
            ret,
            count: 0,
            ssl_error,
            errno,
            queued: q,
        }
    }

    fn ssl(class: ErrorClass, errno: i32, text: Option<&'static str>, q: OsslError) -> SslFailure {
        SslFailure::Ssl {
            class,
            errno,
            text,
            queued: q,
            line: 1,
        }
    }

    /// 2.7's classification, one row per case: the I/O outcome (return value, SSL_get_error,
    /// errno, queued error) and the failure it becomes.
    #[rustfmt::skip]
    fn rows_2_7() -> Vec<(IoOutcome, SslFailure)> {
        use sys::{SSL_ERROR_SSL, SSL_ERROR_SYSCALL, SSL_ERROR_WANT_ACCEPT, SSL_ERROR_WANT_CONNECT};
        use sys::{SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE, SSL_ERROR_WANT_X509_LOOKUP};
        use sys::SSL_ERROR_ZERO_RETURN;
        use ErrorClass::*;
        let none = OsslError::default;
        let verify = || queued(20, 134, "certificate verify failed");
        vec![
            (state(0, SSL_ERROR_ZERO_RETURN, 0, none()), ssl(ZeroReturn, 6, Some("TLS/SSL connection has been closed (EOF)"), none())),
            (state(-1, SSL_ERROR_WANT_READ, 11, none()), ssl(WantRead, 2, Some("The operation did not complete (read)"), none())),
            (state(-1, SSL_ERROR_WANT_WRITE, 11, none()), ssl(WantWrite, 3, Some("The operation did not complete (write)"), none())),
            (state(-1, SSL_ERROR_WANT_X509_LOOKUP, 0, none()), ssl(SslError, 4, Some("The operation did not complete (X509 lookup)"), none())),
            (state(-1, SSL_ERROR_WANT_CONNECT, 0, none()), ssl(SslError, 7, Some("The operation did not complete (connect)"), none())),
            // 1.1.1's ragged EOF.
            (state(0, SSL_ERROR_SYSCALL, 0, none()), ssl(Eof, 8, Some(EOF_TEXT), none())),
            (state(-1, SSL_ERROR_SYSCALL, 104, none()), SslFailure::Socket { errno: 104 }),
            (state(-2, SSL_ERROR_SYSCALL, 0, none()), ssl(Syscall, 5, Some("Some I/O error occurred"), none())),
            (state(-1, SSL_ERROR_SYSCALL, 0, verify()), ssl(SslError, 5, None, verify())),
            // OpenSSL 3.2+: the socket's errno queued as a system error.
            (state(-1, SSL_ERROR_SYSCALL, 0, queued(2, 104, "Connection reset")), SslFailure::Socket { errno: 104 }),
            // Python 3.7's class (2.7.18 raised a plain SSLError here).
            (state(-1, SSL_ERROR_SSL, 0, verify()), ssl(CertVerification, 1, None, verify())),
            (state(-1, SSL_ERROR_SSL, 0, none()), ssl(SslError, 1, Some("A failure in the SSL library occurred"), none())),
            (state(-1, 99, 0, none()), ssl(SslError, 10, Some("Invalid error code"), none())),
            (state(-1, SSL_ERROR_WANT_ACCEPT, 0, none()), ssl(SslError, 10, Some("Invalid error code"), none())),
        ]
    }

    #[test]
    fn the_2_7_table() {
        let rows = rows_2_7();
        for (input, want) in rows {
            assert_eq!(classify(input.clone(), false, 1), want, "{input:?}");
        }
    }

    #[test]
    fn socket_gone_is_eof() {
        let s = state(-1, sys::SSL_ERROR_SYSCALL, 32, OsslError::default());
        assert_eq!(
            classify(s, true, 1),
            ssl(ErrorClass::Eof, 8, Some(EOF_TEXT), OsslError::default())
        );
    }

    #[cfg(pep466_ossl300)]
    #[test]
    fn openssl3_eof_fixes() {
        let eof = || queued(20, 294, "unexpected eof while reading");
        for ssl_error in [sys::SSL_ERROR_SSL, sys::SSL_ERROR_SYSCALL] {
            assert_eq!(
                classify(state(0, ssl_error, 0, eof()), false, 1),
                ssl(ErrorClass::Eof, 8, Some(EOF_TEXT), eof())
            );
        }
        // errno 0 with ret -1: EOF rather than socket.error(0, 'Error').
        assert_eq!(
            classify(
                state(-1, sys::SSL_ERROR_SYSCALL, 0, OsslError::default()),
                false,
                1
            ),
            ssl(ErrorClass::Eof, 8, Some(EOF_TEXT), OsslError::default())
        );
        // Reason 294 of another library is not the EOF.
        let other = queued(13, 294, "x");
        assert_eq!(
            classify(state(-1, sys::SSL_ERROR_SSL, 0, other.clone()), false, 1),
            ssl(ErrorClass::SslError, 1, None, other)
        );
    }

    /// 1.1.1's 20/294 is OCSP_CALLBACK_FAILURE, an ordinary SSLError.
    #[cfg(not(pep466_ossl300))]
    #[test]
    fn reason_294_is_no_eof_on_1_1_1() {
        let ocsp = queued(20, 294, "ocsp callback failure");
        assert_eq!(
            classify(state(-1, sys::SSL_ERROR_SSL, 0, ocsp.clone()), false, 1),
            ssl(ErrorClass::SslError, 1, None, ocsp)
        );
    }

    #[test]
    fn eof_reason_matches_the_tables() {
        if let Some(reason) = REASON_UNEXPECTED_EOF_WHILE_READING {
            assert_eq!(
                crate::ssl::err_data::reason_name(LIB_SSL, reason),
                Some("UNEXPECTED_EOF_WHILE_READING")
            );
        } else {
            assert_eq!(
                crate::ssl::err_data::reason_name(LIB_SSL, 294),
                Some("OCSP_CALLBACK_FAILURE")
            );
        }
        assert_eq!(crate::ssl::err_data::library_name(LIB_SSL), Some("SSL"));
    }

    #[test]
    fn messages_have_the_2_7_shapes() {
        let (m, l, r) = format_message(None, &queued(20, 134, "certificate verify failed"), 727);
        assert_eq!(
            m,
            "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed (_ssl.c:727)"
        );
        assert_eq!((l, r), (Some("SSL"), Some("CERTIFICATE_VERIFY_FAILED")));
        let (m, l, r) = format_message(
            Some("The operation did not complete (read)"),
            &OsslError::default(),
            9,
        );
        assert_eq!(m, "The operation did not complete (read) (_ssl.c:9)");
        assert_eq!((l, r), (None, None));
        // A library without a mnemonic for this reason: "[LIB] text".
        let (m, _, r) = format_message(None, &queued(20, 4000, "odd"), 3);
        assert_eq!((m.as_str(), r), ("[SSL] odd (_ssl.c:3)", None));
        // No library name and no text.
        let mut q = queued(200, 1, "x");
        q.reason_text = None;
        assert_eq!(format_message(None, &q, 5).0, "unknown error (_ssl.c:5)");
        // The fixed text wins over OpenSSL's, and the prefix is still added.
        let (m, _, _) = format_message(
            Some(EOF_TEXT),
            &queued(20, 294, "unexpected eof while reading"),
            2,
        );
        let prefix = if cfg!(pep466_ossl300) {
            "[SSL: UNEXPECTED_EOF_WHILE_READING]"
        } else {
            "[SSL: OCSP_CALLBACK_FAILURE]"
        };
        assert_eq!(
            m,
            format!("{prefix} EOF occurred in violation of protocol (_ssl.c:2)")
        );
    }
}
