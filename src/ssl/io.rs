//! The I/O loop of `_SSLSocket`: each OpenSSL call runs with the GIL released and its outcome
//! (ret, `SSL_get_error`, errno, queued error) captured inside that region; WANT_READ /
//! WANT_WRITE wait on the fd with `poll` (GIL released) according to the socket's timeout, which
//! is re-read on every call as in 2.7.18:
//!
//! * blocking (timeout None): the BIO blocks inside OpenSSL;
//! * non-blocking (0.0): the loop stops and the WANT_* error is raised (`SSLWantReadError`);
//! * timeout (> 0): poll for that long, **restarting the full timeout on every retry** (2.7
//!   semantics, not an overall deadline), and raise 2.7's exact `SSLError("The read operation
//!   timed out")` & co. (shape D: `str()` is the tuple repr) when it expires.
//!
//! Pending Python signals are checked after every handshake/read/write call, so Ctrl-C
//! interrupts a blocked loop; an interrupted `poll` (EINTR) just retries the OpenSSL call.

use crate::ossl::ssl::{IoOutcome, Ssl};
use crate::py::socket::{check_signals, poll_fd, Socket};
use crate::py::{PyErr, PyResult, Python};
use crate::ssl::errors::{classify, ssl_error_plain, IoErrorState};
use std::ffi::c_int;

/// `_ssl.c` line numbers stock 2.7.18 shows in the messages of each operation's errors.
pub(crate) mod line {
    pub(crate) const HANDSHAKE: u32 = 727;
    pub(crate) const WRITE: u32 = 1829;
    pub(crate) const READ: u32 = 1946;
    pub(crate) const SHUTDOWN: u32 = 2051;
}

const HANDSHAKE_TIMED_OUT: &str = "_ssl.c:711: The handshake operation timed out";
const HANDSHAKE_SOCKET_CLOSED: &str = "_ssl.c:715: Underlying socket has been closed.";
const READ_TIMED_OUT: &str = "The read operation timed out";
const WRITE_TIMED_OUT: &str = "The write operation timed out";
const SOCKET_CLOSED: &str = "Underlying socket has been closed.";

/// 2.7's `check_socket_and_wait_for_timeout` results.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SockState {
    /// Ready (or poll failed/was interrupted: retry the OpenSSL call, as 2.7 does).
    Ready,
    TimedOut,
    Closed,
    NonBlocking,
    Blocking,
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

/// Re-applies the socket's blocking mode to the BIOs ("just in case the blocking state of the
/// socket has been changed", 2.7).
pub(crate) fn sync_blocking_mode(ssl: &Ssl, sock: &Socket) {
    ssl.set_nonblocking(sock.timeout() >= 0.0);
}

/// Waits for the socket to become readable (or writable) within its timeout.
pub(crate) fn wait(py: Python<'_>, sock: &Socket, writing: bool) -> SockState {
    let timeout = sock.timeout();
    if timeout < 0.0 {
        return SockState::Blocking;
    }
    if timeout == 0.0 {
        return SockState::NonBlocking;
    }
    let fd = sock.fd();
    if fd < 0 {
        return SockState::Closed;
    }
    let ms = timeout_ms(timeout);
    match py.allow_threads(move || poll_fd(fd, writing, ms)) {
        0 => SockState::TimedOut,
        _ => SockState::Ready,
    }
}

/// Waits as the outcome asks (WANT_READ → readable, WANT_WRITE → writable).
fn wait_for(py: Python<'_>, sock: &Socket, outcome: &IoOutcome) -> SockState {
    if outcome.wants_read() {
        wait(py, sock, false)
    } else if outcome.wants_write() {
        wait(py, sock, true)
    } else {
        SockState::Ready
    }
}

/// The exception for a failed call (2.7's `PySSL_SetError`), consuming the captured outcome.
pub(crate) fn failure(sock: &Socket, outcome: IoOutcome, line: u32) -> PyErr {
    let state = IoErrorState {
        ret: outcome.ret,
        ssl_error: outcome.ssl_error,
        errno: outcome.errno,
        queued: outcome.queued,
        socket_gone: false,
        line,
    };
    classify(state).into_pyerr(|| sock.error_from_errno(outcome.errno))
}

/// Runs one OpenSSL call without the GIL.
fn call(py: Python<'_>, ssl: &Ssl, op: impl FnOnce(&Ssl) -> IoOutcome + Send) -> IoOutcome {
    py.allow_threads(move || op(ssl))
}

/// Python: the loop of `_SSLSocket.do_handshake`.
pub(crate) fn handshake(py: Python<'_>, ssl: &Ssl, sock: &Socket) -> PyResult<()> {
    sync_blocking_mode(ssl, sock);
    let outcome = loop {
        let outcome = call(py, ssl, Ssl::do_handshake);
        check_signals(py)?;
        match wait_for(py, sock, &outcome) {
            SockState::TimedOut => return Err(ssl_error_plain(HANDSHAKE_TIMED_OUT)),
            SockState::Closed => return Err(ssl_error_plain(HANDSHAKE_SOCKET_CLOSED)),
            SockState::NonBlocking => break outcome,
            SockState::Ready | SockState::Blocking => {}
        }
        if !(outcome.wants_read() || outcome.wants_write()) {
            break outcome;
        }
    };
    if outcome.ret < 1 {
        return Err(failure(sock, outcome, line::HANDSHAKE));
    }
    Ok(())
}

/// Python: the loop of `_SSLSocket.read`: the byte count (0 at a clean close_notify EOF).
pub(crate) fn read(py: Python<'_>, ssl: &Ssl, sock: &Socket, buf: &mut [u8]) -> PyResult<usize> {
    sync_blocking_mode(ssl, sock);
    let outcome = loop {
        let outcome = call(py, ssl, |s| s.read(&mut *buf));
        check_signals(py)?;
        let state = if outcome.wants_read() || outcome.wants_write() {
            wait_for(py, sock, &outcome)
        } else if outcome.ssl_error == openssl_sys::SSL_ERROR_ZERO_RETURN
            && ssl.received_shutdown_only()
        {
            // The peer's close_notify: end of data, not an error.
            return Ok(0);
        } else {
            SockState::Ready
        };
        match state {
            SockState::TimedOut => return Err(ssl_error_plain(READ_TIMED_OUT)),
            SockState::NonBlocking => break outcome,
            // 2.7 does not test for a closed socket here: the next SSL_read fails instead.
            SockState::Ready | SockState::Blocking | SockState::Closed => {}
        }
        if !(outcome.wants_read() || outcome.wants_write()) {
            break outcome;
        }
    };
    if outcome.ret <= 0 {
        return Err(failure(sock, outcome, line::READ));
    }
    Ok(outcome.ret as usize)
}

/// Python: the loop of `_SSLSocket.write`: the byte count written.
pub(crate) fn write(py: Python<'_>, ssl: &Ssl, sock: &Socket, data: &[u8]) -> PyResult<usize> {
    sync_blocking_mode(ssl, sock);
    // 2.7 waits for writability once before the first attempt.
    match wait(py, sock, true) {
        SockState::TimedOut => return Err(ssl_error_plain(WRITE_TIMED_OUT)),
        SockState::Closed => return Err(ssl_error_plain(SOCKET_CLOSED)),
        _ => {}
    }
    let outcome = loop {
        let outcome = call(py, ssl, |s| s.write(data));
        check_signals(py)?;
        match wait_for(py, sock, &outcome) {
            SockState::TimedOut => return Err(ssl_error_plain(WRITE_TIMED_OUT)),
            SockState::Closed => return Err(ssl_error_plain(SOCKET_CLOSED)),
            SockState::NonBlocking => break outcome,
            SockState::Ready | SockState::Blocking => {}
        }
        if !(outcome.wants_read() || outcome.wants_write()) {
            break outcome;
        }
    };
    if outcome.ret <= 0 {
        return Err(failure(sock, outcome, line::WRITE));
    }
    Ok(outcome.ret as usize)
}

/// Python: the loop of `_SSLSocket.shutdown`. `seen_zero` is the socket's
/// `shutdown_seen_zero` flag (read-ahead is disabled once our close_notify went out).
pub(crate) fn shutdown(
    py: Python<'_>,
    ssl: &Ssl,
    sock: &Socket,
    seen_zero: &std::sync::atomic::AtomicBool,
) -> PyResult<()> {
    use std::sync::atomic::Ordering::Relaxed;
    sync_blocking_mode(ssl, sock);
    let mut zeros = 0;
    let outcome = loop {
        let disable_read_ahead = seen_zero.load(Relaxed);
        let outcome = call(py, ssl, move |s| {
            if disable_read_ahead {
                s.disable_read_ahead();
            }
            s.shutdown()
        });
        if outcome.ret > 0 {
            break outcome;
        }
        if outcome.ret == 0 {
            // Our close_notify is sent; try once more to receive the peer's (2.7 makes at
            // most two attempts).
            zeros += 1;
            if zeros > 1 {
                break outcome;
            }
            seen_zero.store(true, Relaxed);
            continue;
        }
        let writing = if outcome.wants_read() {
            false
        } else if outcome.wants_write() {
            true
        } else {
            break outcome;
        };
        match wait(py, sock, writing) {
            SockState::TimedOut if writing => return Err(ssl_error_plain(WRITE_TIMED_OUT)),
            SockState::TimedOut => return Err(ssl_error_plain(READ_TIMED_OUT)),
            SockState::Ready => {}
            // Non-blocking or closed: keep the SSL error.
            _ => break outcome,
        }
    };
    if outcome.ret < 0 {
        return Err(failure(sock, outcome, line::SHUTDOWN));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::timeout_ms;

    #[test]
    fn timeouts_round_like_2_7() {
        assert_eq!(timeout_ms(0.2), 200);
        assert_eq!(timeout_ms(0.0004), 0);
        assert_eq!(timeout_ms(0.0005), 1);
        assert_eq!(timeout_ms(1.5), 1500);
        assert_eq!(timeout_ms(1e12), c_int::MAX);
    }

    use std::ffi::c_int;
}
