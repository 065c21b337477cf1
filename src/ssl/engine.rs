//! The one I/O loop of a TLS connection, for both transports (`transport.rs`): handshake, read,
//! write and shutdown each claim their direction(s) (`serial.rs`), make their OpenSSL call
//! under the connection's lock, capture its outcome (ret, `SSL_get_error`, errno, queued
//! error) at once, and on WANT_READ / WANT_WRITE release the lock and ask the transport to
//! wait, then retry. Each operation's 2.7.18 rules are stated once, in `Kind`'s tables:
//!
//! * the timeout texts (`_ssl.c:711: The handshake operation timed out`, `The read operation
//!   timed out`...), raised as `SSLError('text')` (whose `str()` is the tuple repr, as in 2.7);
//! * on a closed socket: handshake and write raise, read retries (its next call fails), shutdown
//!   keeps the SSL error;
//! * write waits for writability once before its first attempt (sockets with a timeout);
//! * shutdown tries `SSL_shutdown` at most twice when it returns 0, and disables read-ahead once
//!   our close_notify went out (so `unwrap()` leaves the plaintext that follows in the socket);
//! * read returns 0 at the peer's close_notify instead of raising.
//!
//! Beyond 2.7 (whose C module crashed or hung on these): the socket's timeout is a deadline for
//! the whole operation; a descriptor that polls as hung up or in error while OpenSSL still
//! wants to wait is an error, never a busy loop; a call waiting on the socket stops when another
//! thread closes the connection (`ssl.py`'s `close()`, which drops the owner's `_sslobj`) or
//! starts `shutdown()`: a read then returns end of data (0), anything else raises
//! `socket.error(EBADF)`.
//!
//! Pending Python signals are checked after every handshake/read/write call (not shutdown, as in
//! 2.7), and whenever a wait is interrupted.

use crate::ossl::readbuf::ReadBuf;
use crate::ossl::ssl::{IoOutcome, Ssl};
use crate::py::callback::FailureSlot;
use crate::py::socket::check_signals;
use crate::py::PyErr;
use crate::py::{PyResult, Python};
use crate::ssl::errors::ssl_error_plain;
use crate::ssl::serial::{Claim, Serial};
use crate::ssl::transport::{Deadline, Direction, Transport, WaitState};
use std::ffi::CStr;
use std::sync::atomic::{AtomicBool, Ordering};

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

/// One connection as the loop sees it.
pub(crate) struct Conn<'a> {
    pub(crate) ssl: &'a Ssl,
    pub(crate) transport: &'a Transport,
    pub(crate) serial: &'a Serial,
    /// Where the connection's callbacks leave an exception or panic for this loop to raise.
    pub(crate) failures: &'a FailureSlot,
    /// The `server_hostname` given (for the hostname-mismatch message).
    pub(crate) hostname: Option<&'a CStr>,
    /// Has the owner (`ssl.SSLSocket`) been closed or dropped by another thread?
    pub(crate) owner_closed: &'a dyn Fn(Python<'_>) -> bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Handshake,
    Read,
    Write,
    Shutdown,
}

/// What the loop does when waiting ends in `state`.
enum Next {
    Retry,
    /// Stop and report the call's own outcome.
    Stop,
    Raise(&'static str),
    /// Another thread is closing the connection.
    Abandon,
}

impl Kind {
    fn line(self) -> u32 {
        match self {
            Kind::Handshake => line::HANDSHAKE,
            Kind::Read => line::READ,
            Kind::Write => line::WRITE,
            Kind::Shutdown => line::SHUTDOWN,
        }
    }

    fn timed_out(self, direction: Direction) -> &'static str {
        match (self, direction) {
            (Kind::Handshake, _) => HANDSHAKE_TIMED_OUT,
            (Kind::Read, _) | (Kind::Shutdown, Direction::Read) => READ_TIMED_OUT,
            (Kind::Write, _) | (Kind::Shutdown, Direction::Write) => WRITE_TIMED_OUT,
        }
    }

    fn claim(self) -> Claim {
        match self {
            Kind::Read => Claim::Read,
            Kind::Write => Claim::Write,
            Kind::Handshake | Kind::Shutdown => Claim::Both,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Kind::Handshake => "do_handshake",
            Kind::Read => "read",
            Kind::Write => "write",
            Kind::Shutdown => "shutdown",
        }
    }

    fn after_wait(self, state: WaitState, direction: Direction) -> Next {
        match (state, self) {
            (WaitState::Ready | WaitState::Broken, _) => Next::Retry,
            (WaitState::TimedOut, _) => Next::Raise(self.timed_out(direction)),
            (WaitState::NonBlocking, _) => Next::Stop,
            (WaitState::Abandoned, _) => Next::Abandon,
            (WaitState::Closed, Kind::Handshake) => Next::Raise(HANDSHAKE_SOCKET_CLOSED),
            (WaitState::Closed, Kind::Write) => Next::Raise(SOCKET_CLOSED),
            // 2.7 does not test for a closed socket in read: the next SSL_read fails instead.
            (WaitState::Closed, Kind::Read) => Next::Retry,
            (WaitState::Closed, Kind::Shutdown) => Next::Stop,
        }
    }
}

/// The OpenSSL call of one operation, with what it needs.
enum Call<'b, 'm> {
    Handshake,
    Read(&'b mut ReadBuf<'m>),
    Write(&'b [u8]),
    /// The connection's `shutdown_seen_zero` flag.
    Shutdown(&'b AtomicBool),
}

impl Call<'_, '_> {
    fn kind(&self) -> Kind {
        match self {
            Call::Handshake => Kind::Handshake,
            Call::Read(_) => Kind::Read,
            Call::Write(_) => Kind::Write,
            Call::Shutdown(_) => Kind::Shutdown,
        }
    }

    /// `python3`: the connection follows Python 3 (memory BIOs): `SSL_read_ex`/`SSL_write_ex`,
    /// so an empty write succeeds and lengths are not limited to a C int.
    fn run(&mut self, ssl: &Ssl, python3: bool) -> IoOutcome {
        match self {
            Call::Handshake => ssl.do_handshake(),
            Call::Read(buf) if python3 => ssl.read_ex(buf),
            Call::Read(buf) => ssl.read(buf),
            Call::Write(data) if python3 => ssl.write_ex(data),
            Call::Write(data) => ssl.write(data),
            Call::Shutdown(seen_zero) => {
                if seen_zero.load(Ordering::Relaxed) {
                    ssl.disable_read_ahead();
                }
                ssl.shutdown()
            }
        }
    }
}

/// Runs `call` to completion: the count it returned (> 0 for a successful handshake, read or
/// write; 0 for a read at the peer's close_notify or a shutdown waiting for the peer's).
/// A callback's stored failure is raised once the OpenSSL call returned (`py::callback::merge`).
fn drive(py: Python<'_>, conn: &Conn<'_>, call: Call<'_, '_>) -> PyResult<usize> {
    let result = drive_calls(py, conn, call);
    crate::py::callback::merge(result, conn.failures.take(py))
}

fn drive_calls(py: Python<'_>, conn: &Conn<'_>, mut call: Call<'_, '_>) -> PyResult<usize> {
    let kind = call.kind();
    let Conn {
        ssl,
        transport,
        serial,
        failures: _,
        hostname,
        owner_closed,
    } = *conn;
    if kind == Kind::Shutdown {
        // Calls waiting in other threads stop, so this one can claim both directions.
        serial.start_closing();
    }
    let _claimed = serial.claim(py, kind.claim(), kind.name())?;
    let deadline = transport.deadline();
    let abandoned =
        |py: Python<'_>| (kind != Kind::Shutdown && serial.is_closing()) || owner_closed(py);
    let next_after = |state: PyResult<WaitState>, direction| -> PyResult<Next> {
        Ok(kind.after_wait(state?, direction))
    };
    if kind == Kind::Write && matches!(deadline, Deadline::At(_)) {
        // 2.7 waits for writability once before the first attempt.
        let state = transport.wait(py, Direction::Write, deadline, &abandoned);
        match next_after(state, Direction::Write)? {
            Next::Raise(text) => return Err(ssl_error_plain(text)),
            Next::Abandon => return Err(abandoned_error(transport)),
            Next::Retry | Next::Stop => {}
        }
    }
    let python3 = transport.socket().is_none();
    let mut zeros = 0;
    let mut broken = false;
    let outcome = loop {
        let outcome = serial.with_ssl(py, || transport.call(py, ssl, |s| call.run(s, python3)));
        if kind != Kind::Shutdown {
            check_signals(py)?;
        }
        if outcome.ret > 0 {
            return Ok(outcome.count);
        }
        if let (Call::Shutdown(seen_zero), 0) = (&call, outcome.ret) {
            // Our close_notify is sent; try once more to receive the peer's.
            zeros += 1;
            if zeros > 1 {
                return Ok(0);
            }
            seen_zero.store(true, Ordering::Relaxed);
            continue;
        }
        let direction = if outcome.wants_read() {
            Direction::Read
        } else if outcome.wants_write() {
            Direction::Write
        } else {
            break outcome;
        };
        if broken {
            // The descriptor polled as hung up or in error, yet OpenSSL wants to wait again:
            // waiting more would spin.
            return Err(socket_error(transport, libc::ENOTCONN));
        }
        let state = transport.wait(py, direction, deadline, &abandoned);
        broken = matches!(state, Ok(WaitState::Broken));
        match next_after(state, direction)? {
            Next::Retry => {}
            Next::Stop => break outcome,
            Next::Raise(text) => return Err(ssl_error_plain(text)),
            Next::Abandon if kind == Kind::Read => return Ok(0),
            Next::Abandon => return Err(abandoned_error(transport)),
        }
    };
    if kind == Kind::Read
        && outcome.ssl_error == openssl_sys::SSL_ERROR_ZERO_RETURN
        && serial.with_ssl(py, || ssl.received_shutdown_only())
    {
        // The peer's close_notify: end of data, not an error.
        return Ok(0);
    }
    Err(transport.failure(ssl, hostname, outcome, kind.line()))
}

/// The socket's own error for `errno` (`socket.error(errno, strerror)`).
fn socket_error(transport: &Transport, errno: i32) -> PyErr {
    match transport.socket() {
        Some(sock) => sock.error_from_errno(errno),
        None => PyErr::new(crate::py::err::Builtin::SystemError, "no socket"),
    }
}

/// A write, handshake or shutdown stopped because another thread closed the connection.
fn abandoned_error(transport: &Transport) -> PyErr {
    socket_error(transport, libc::EBADF)
}

/// Python: the loop of `_SSLSocket.do_handshake`.
pub(crate) fn handshake(py: Python<'_>, conn: &Conn<'_>) -> PyResult<()> {
    drive(py, conn, Call::Handshake).map(drop)
}

/// Python: the loop of `_SSLSocket.read`: the byte count (0 at a clean close_notify EOF).
pub(crate) fn read(py: Python<'_>, conn: &Conn<'_>, buf: &mut ReadBuf<'_>) -> PyResult<usize> {
    drive(py, conn, Call::Read(buf))
}

/// Python: the loop of `_SSLSocket.write`: the byte count written.
pub(crate) fn write(py: Python<'_>, conn: &Conn<'_>, data: &[u8]) -> PyResult<usize> {
    drive(py, conn, Call::Write(data))
}

/// Python: the loop of `_SSLSocket.shutdown`. `seen_zero` is the connection's
/// `shutdown_seen_zero` flag.
pub(crate) fn shutdown(py: Python<'_>, conn: &Conn<'_>, seen_zero: &AtomicBool) -> PyResult<()> {
    drive(py, conn, Call::Shutdown(seen_zero)).map(drop)
}
