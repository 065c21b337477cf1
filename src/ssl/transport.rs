//! Where a connection's TLS records go: a `_socket.socket` (OpenSSL reads and writes the fd
//! itself) or a pair of memory BIOs (Python code moves the bytes: `SSLObject`). The engine
//! (`engine.rs`) asks a transport only three things: run one OpenSSL call, wait until the
//! connection can read or write, and what a failed call means.
//!
//! * Socket: calls run with the GIL released; waiting follows the socket's timeout as 2.7.18
//!   does (blocking: OpenSSL blocks; 0.0: raise the WANT error; > 0: poll for that long).
//! * Memory: there is never anything to wait for: "would block" is raised at once as
//!   `SSLWantReadError`/`SSLWantWriteError` (Python 3's `SSLObject`), and a failed call with no
//!   OpenSSL error is the peer's EOF (`SSLEOFError`), as Python 3 reports it when the connection
//!   has no socket. Calls keep the GIL: a memory BIO never blocks, and holding it keeps two
//!   threads from driving one `SSL` at once.

use crate::ossl::ssl::{verify_error_text, IoOutcome, Ssl};
use crate::py::socket::{poll_fd, Socket};
use crate::py::{PyErr, Python};
use crate::ssl::errors::{classify, IoErrorState, VerifyFailure};
use std::ffi::{c_int, c_long, CStr};

/// 2.7's `check_socket_and_wait_for_timeout` results.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum WaitState {
    /// Ready (or poll failed/was interrupted: retry the OpenSSL call, as 2.7 does).
    Ready,
    TimedOut,
    Closed,
    /// Nothing to wait for: report the WANT error (non-blocking socket, memory BIOs).
    NonBlocking,
    /// OpenSSL blocks inside the call itself.
    Blocking,
}

/// What the connection must wait for before retrying.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Direction {
    Read,
    Write,
}

pub(crate) enum Transport {
    Socket(Socket),
    /// The BIOs themselves belong to the `SSL` (see `Ssl::set_memory_bios`).
    Memory,
}

/// The poll timeout for a socket timeout in seconds, as 2.7 rounds it (`timeout*1000 + 0.5`),
/// kept within poll's `int`.
pub(crate) fn timeout_ms(seconds: f64) -> c_int {
    let ms = seconds * 1000.0 + 0.5;
    if ms >= c_int::MAX as f64 {
        c_int::MAX
    } else {
        ms as c_int
    }
}

impl Transport {
    pub(crate) fn socket(&self) -> Option<&Socket> {
        match self {
            Transport::Socket(sock) => Some(sock),
            Transport::Memory => None,
        }
    }

    /// Before each operation: re-applies the socket's blocking mode to the BIOs ("just in
    /// case the blocking state of the socket has been changed", 2.7).
    pub(crate) fn prepare(&self, ssl: &Ssl) {
        if let Transport::Socket(sock) = self {
            ssl.set_nonblocking(sock.timeout() >= 0.0);
        }
    }

    /// Runs one OpenSSL call on the connection (see the file docs for the GIL).
    pub(crate) fn call(
        &self,
        py: Python<'_>,
        ssl: &Ssl,
        op: impl FnOnce(&Ssl) -> IoOutcome + Send,
    ) -> IoOutcome {
        match self {
            Transport::Socket(_) => py.allow_threads(move || op(ssl)),
            Transport::Memory => op(ssl),
        }
    }

    /// Waits until the connection can go on in `direction`.
    pub(crate) fn wait(&self, py: Python<'_>, direction: Direction) -> WaitState {
        let Transport::Socket(sock) = self else {
            return WaitState::NonBlocking;
        };
        let timeout = sock.timeout();
        if timeout < 0.0 {
            return WaitState::Blocking;
        }
        if timeout == 0.0 {
            return WaitState::NonBlocking;
        }
        let fd = sock.fd();
        if fd < 0 {
            return WaitState::Closed;
        }
        let ms = timeout_ms(timeout);
        let writing = direction == Direction::Write;
        match py.allow_threads(move || poll_fd(fd, writing, ms)) {
            0 => WaitState::TimedOut,
            _ => WaitState::Ready,
        }
    }

    /// The exception for a failed call on `ssl` (2.7's `PySSL_SetError`, with Python 3's
    /// `SSLCertVerificationError` details), consuming its outcome. `hostname` is the name the
    /// connection was made for (for the hostname-mismatch message).
    pub(crate) fn failure(
        &self,
        ssl: &Ssl,
        hostname: Option<&CStr>,
        outcome: IoOutcome,
        line: u32,
    ) -> PyErr {
        let state = IoErrorState {
            ret: outcome.ret,
            ssl_error: outcome.ssl_error,
            errno: outcome.errno,
            queued: outcome.queued,
            socket_gone: self.socket().is_none(),
            line,
        };
        let errno = outcome.errno;
        classify(state).into_pyerr(
            || match self {
                Transport::Socket(sock) => sock.error_from_errno(errno),
                // classify never asks a socket-less connection for a socket error.
                Transport::Memory => PyErr::new(
                    crate::py::err::Builtin::SystemError,
                    "socket error on a memory-BIO connection",
                ),
            },
            || verify_failure(ssl, hostname),
        )
    }
}

/// `X509_V_ERR_HOSTNAME_MISMATCH` and `X509_V_ERR_IP_ADDRESS_MISMATCH` (stable values).
const HOSTNAME_MISMATCH: c_long = 62;
const IP_ADDRESS_MISMATCH: c_long = 64;

/// Python 3's `verify_code` and `verify_message` of a failed verification.
fn verify_failure(ssl: &Ssl, hostname: Option<&CStr>) -> VerifyFailure {
    let code = ssl.verify_result();
    let name = || hostname.map_or_else(String::new, |h| h.to_string_lossy().into_owned());
    let message = match code {
        HOSTNAME_MISMATCH => format!(
            "Hostname mismatch, certificate is not valid for '{}'.",
            name()
        ),
        IP_ADDRESS_MISMATCH => format!(
            "IP address mismatch, certificate is not valid for '{}'.",
            name()
        ),
        _ => verify_error_text(code),
    };
    VerifyFailure { code, message }
}

#[cfg(test)]
mod tests {
    use super::timeout_ms;
    use std::ffi::c_int;

    #[test]
    fn timeouts_round_like_2_7() {
        assert_eq!(timeout_ms(0.2), 200);
        assert_eq!(timeout_ms(0.0004), 0);
        assert_eq!(timeout_ms(0.0005), 1);
        assert_eq!(timeout_ms(1.5), 1500);
        assert_eq!(timeout_ms(1e12), c_int::MAX);
    }
}
