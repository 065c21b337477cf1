//! Where a connection's TLS records go: a `_socket.socket` (OpenSSL reads and writes the fd
//! itself) or a pair of memory BIOs (Python code moves the bytes: `SSLObject`). The engine
//! (`engine.rs`) asks a transport only three things: run one OpenSSL call, wait until the
//! connection can read or write, and what a failed call means.
//!
//! * Socket: calls run with the GIL released and never block (`ossl::sockbio`); waiting is a
//!   `poll` on the descriptor with the GIL released, after the socket's timeout: None waits as
//!   long as it takes, 0.0 raises the WANT error, > 0 is a deadline for the whole operation.
//! * Memory: there is never anything to wait for: "would block" is raised at once as
//!   `SSLWantReadError`/`SSLWantWriteError` (Python 3's `SSLObject`), and a failed call with no
//!   OpenSSL error is the peer's EOF (`SSLEOFError`), as Python 3 reports it when the connection
//!   has no socket. Calls keep the GIL: a memory BIO never blocks, and holding it keeps two
//!   threads from driving one `SSL` at once.

use crate::ossl::ssl::{verify_error_text, IoOutcome, Ssl};
use crate::py::socket::{check_signals, poll_fd, PollResult, Socket};
use crate::py::{PyErr, PyResult, Python};
use crate::ssl::errors::{classify, VerifyFailure};
use std::ffi::{c_int, c_long, CStr};
use std::time::{Duration, Instant};

/// How a wait for the socket ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum WaitState {
    Ready,
    /// Ready, but the descriptor hung up or is in error: the next call fails, never waits.
    Broken,
    TimedOut,
    /// The Python socket was closed (its descriptor is -1).
    Closed,
    /// Nothing to wait for: report the WANT error (non-blocking socket, memory BIOs).
    NonBlocking,
    /// Another thread closed or is shutting down the connection (see `engine`).
    Abandoned,
}

/// What the connection must wait for before retrying.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Direction {
    Read,
    Write,
}

/// When an operation must give up waiting: its socket's timeout, taken once when it starts,
/// is a deadline for the whole operation (2.7 restarted it at every wait).
#[derive(Clone, Copy, Debug)]
pub(crate) enum Deadline {
    /// Timeout 0.0 (or memory BIOs): never wait.
    NonBlocking,
    /// Timeout None: wait as long as it takes.
    Never,
    At(Instant),
}

/// The longest single `poll`: between two, the engine checks whether another thread closed the
/// connection, so a blocked call notices within this time.
const SLICE: Duration = Duration::from_millis(250);

pub(crate) enum Transport {
    Socket(Socket),
    /// The BIOs themselves belong to the `SSL` (see `Ssl::set_memory_bios`).
    Memory,
}

impl Transport {
    pub(crate) fn socket(&self) -> Option<&Socket> {
        match self {
            Transport::Socket(sock) => Some(sock),
            Transport::Memory => None,
        }
    }

    /// The deadline of an operation starting now.
    pub(crate) fn deadline(&self) -> Deadline {
        let Transport::Socket(sock) = self else {
            return Deadline::NonBlocking;
        };
        let timeout = sock.timeout();
        if timeout < 0.0 {
            Deadline::Never
        } else if timeout == 0.0 {
            Deadline::NonBlocking
        } else {
            // A timeout too large for an Instant is no limit.
            Duration::try_from_secs_f64(timeout)
                .ok()
                .and_then(|t| Instant::now().checked_add(t))
                .map_or(Deadline::Never, Deadline::At)
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

    /// Waits until the connection can go on in `direction`, with the GIL released, polling in
    /// slices: between two, a closed Python socket, the deadline, pending signals (after an
    /// interrupted poll) and `abandoned` (another thread closing the connection) are checked.
    pub(crate) fn wait(
        &self,
        py: Python<'_>,
        direction: Direction,
        deadline: Deadline,
        abandoned: &dyn Fn(Python<'_>) -> bool,
    ) -> PyResult<WaitState> {
        let Transport::Socket(sock) = self else {
            return Ok(WaitState::NonBlocking);
        };
        let writing = direction == Direction::Write;
        loop {
            let slice = match deadline {
                Deadline::NonBlocking => return Ok(WaitState::NonBlocking),
                Deadline::Never => SLICE,
                Deadline::At(at) => match at.checked_duration_since(Instant::now()) {
                    Some(left) if !left.is_zero() => left.min(SLICE),
                    _ => return Ok(WaitState::TimedOut),
                },
            };
            let fd = sock.fd();
            if fd < 0 {
                return Ok(WaitState::Closed);
            }
            // Rounded up, so a wait never ends before its deadline.
            let ms = c_int::try_from(slice.as_micros().div_ceil(1000)).unwrap_or(c_int::MAX);
            match py.allow_threads(move || poll_fd(fd, writing, ms)) {
                PollResult::Ready => return Ok(WaitState::Ready),
                PollResult::Broken => return Ok(WaitState::Broken),
                PollResult::Interrupted => check_signals(py)?,
                PollResult::TimedOut => {
                    if abandoned(py) {
                        return Ok(WaitState::Abandoned);
                    }
                }
            }
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
        let errno = outcome.errno;
        classify(outcome, self.socket().is_none(), line).into_pyerr(
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
