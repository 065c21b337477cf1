//! The 2.7 `_socket.socket` object as `_ssl` sees it: its type (from the `_socket.CAPI`
//! capsule, as 2.7's `_ssl` takes it), the two fields it reads (fd and
//! timeout, through the shim's declared layout, checked against `fileno()`/`gettimeout()`),
//! raising `socket.error` the socket's own way, and waiting on its fd with `poll`.

use crate::ffi;
use crate::py::err::Builtin;
use crate::py::object::PyObjectRef;
use crate::py::{value, Borrowed, Owned, PyErr, PyResult, Python};
use std::ffi::c_int;
use std::ptr::NonNull;
use std::sync::OnceLock;

/// What `_ssl` takes from the capsule: `_socket.socket` (the type). `socket.error` comes with
/// it, but the socket's own `errorhandler` raises it.
#[derive(Clone, Copy)]
struct Capi {
    sock_type: NonNull<ffi::PyObject>,
}

// SAFETY: both are objects of the `_socket` extension module, which is never unloaded (the
// capsule keeps a reference to the module's static type and its error class); they are only
// used with the GIL held.
unsafe impl Send for Capi {}
// SAFETY: as above.
unsafe impl Sync for Capi {}

static CAPI: OnceLock<Capi> = OnceLock::new();

fn capi(_py: Python<'_>) -> PyResult<Capi> {
    if let Some(c) = CAPI.get() {
        return Ok(*c);
    }
    let mut raw = ffi::shim::SocketCapi {
        sock_type: std::ptr::null_mut(),
        error: std::ptr::null_mut(),
    };
    // SAFETY: out-pointer valid; -1 means an exception is set.
    if unsafe { ffi::shim::pep466_socket_import(&mut raw) } != 0 {
        return Err(PyErr::fetch());
    }
    let missing = || PyErr::new(Builtin::SystemError, "_socket.CAPI capsule is incomplete");
    let c = Capi {
        sock_type: NonNull::new(raw.sock_type.cast()).ok_or_else(missing)?,
    };
    let _ = CAPI.set(c);
    Ok(c)
}

/// `_socket.socket`, the type `_wrap_socket` requires.
pub(crate) fn socket_type(py: Python<'_>) -> PyResult<Owned> {
    // SAFETY: a live, never-freed type object (see Capi).
    Ok(unsafe { Owned::from_borrowed(capi(py)?.sock_type) })
}

/// A `_socket.socket` instance (checked with `O!` when it was received).
#[derive(Clone)]
pub(crate) struct Socket(Owned);

impl Socket {
    /// Wraps an object already checked to be a `_socket.socket` (or subclass), then verifies
    /// the declared field layout against the object's own methods, once per call: a mismatch
    /// (an interpreter built with a different `socketmodule.h`) must not be trusted.
    pub(crate) fn from_checked(py: Python<'_>, obj: Borrowed<'_>) -> PyResult<Socket> {
        let ty = socket_type(py)?;
        if !obj.is_instance(&ty)? {
            return Err(PyErr::new(Builtin::TypeError, "expected a _socket.socket"));
        }
        let sock = Socket(obj.to_owned());
        sock.check_layout()?;
        Ok(sock)
    }

    fn check_layout(&self) -> PyResult<()> {
        let fileno = value::as_long(&self.0.getattr(c"fileno")?.call(&[])?)?;
        let timeout = self.0.getattr(c"gettimeout")?.call(&[])?;
        let timeout = if timeout.is_none() {
            -1.0
        } else {
            // SAFETY: a live object; -1.0 with an exception set signals failure.
            let t = unsafe { ffi::PyFloat_AsDouble(timeout.as_ptr()) };
            if t == -1.0 && PyErr::occurred() {
                return Err(PyErr::fetch());
            }
            t
        };
        if fileno as i64 != self.fd() || timeout != self.timeout() {
            return Err(PyErr::new(
                Builtin::SystemError,
                "_socket.socket object layout differs from the one pep466 was built for",
            ));
        }
        Ok(())
    }

    /// `sock_fd` (-1 once the socket is closed).
    pub(crate) fn fd(&self) -> i64 {
        // SAFETY: a live _socket.socket (layout checked at wrap time).
        unsafe { ffi::shim::pep466_socket_fd(self.0.as_ptr()) }
    }

    /// `sock_timeout`: < 0 blocking, 0 non-blocking, > 0 seconds.
    pub(crate) fn timeout(&self) -> f64 {
        // SAFETY: as above.
        unsafe { ffi::shim::pep466_socket_timeout(self.0.as_ptr()) }
    }

    /// `socket.error(errno, strerror)` raised by the socket's own `errorhandler()` (2.7 calls
    /// it for a failing syscall inside OpenSSL) from the errno saved after that call.
    pub(crate) fn error_from_errno(&self, errno: i32) -> PyErr {
        set_socket_errno(errno);
        // SAFETY: a live _socket.socket; the handler sets an exception and returns NULL.
        let ret = unsafe { ffi::shim::pep466_socket_error_from_errno(self.0.as_ptr()) };
        // SAFETY: NULL with an exception, or (never in 2.7) a new reference.
        match unsafe { Owned::from_new(ret) } {
            Err(e) => e,
            Ok(_) => PyErr::new(Builtin::SystemError, "socket error handler raised nothing"),
        }
    }

    pub(crate) fn object(&self) -> &Owned {
        &self.0
    }
}

/// Where the socket's `errorhandler()` reads the error: errno on POSIX, `WSAGetLastError()`
/// on Windows (our captured value is `GetLastError()`, the same number for socket calls).
#[cfg(not(windows))]
fn set_socket_errno(errno: i32) {
    crate::ossl::ctx::errno::set(errno);
}

#[cfg(windows)]
fn set_socket_errno(errno: i32) {
    #[link(name = "ws2_32")]
    extern "system" {
        fn WSASetLastError(err: c_int);
    }
    // SAFETY: sets this thread's Winsock error code; no pointers involved.
    unsafe { WSASetLastError(errno) }
}

impl PyObjectRef for Socket {
    fn ptr(&self) -> *mut ffi::PyObject {
        self.0.as_ptr()
    }
}

/// What one `poll_fd` saw.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PollResult {
    Ready,
    /// Ready, but the descriptor is in error, hung up or not open (POLLERR/POLLHUP/POLLNVAL):
    /// the next call on it fails rather than waits.
    Broken,
    TimedOut,
    /// `poll` itself failed (EINTR after a signal: the caller checks signals and goes on).
    Interrupted,
}

/// Waits until `fd` is readable (or writable) for at most `timeout_ms` (-1: no limit).
/// Call it with the GIL released.
#[cfg(unix)]
pub(crate) fn poll_fd(fd: i64, writing: bool, timeout_ms: c_int) -> PollResult {
    let Ok(fd) = c_int::try_from(fd) else {
        return PollResult::Broken;
    };
    let mut pfd = libc::pollfd {
        fd,
        events: if writing { libc::POLLOUT } else { libc::POLLIN },
        revents: 0,
    };
    // SAFETY: one valid pollfd for the duration of the call.
    match unsafe { libc::poll(&mut pfd, 1, timeout_ms) } {
        0 => PollResult::TimedOut,
        n if n < 0 => PollResult::Interrupted,
        _ if pfd.revents & (libc::POLLERR | libc::POLLHUP | libc::POLLNVAL) != 0 => {
            PollResult::Broken
        }
        _ => PollResult::Ready,
    }
}

/// Windows: the same with `WSAPoll` (2.7's `_ssl` uses select() there; poll has no fd-number
/// limit).
#[cfg(windows)]
pub(crate) fn poll_fd(fd: i64, writing: bool, timeout_ms: c_int) -> PollResult {
    #[repr(C)]
    struct WsaPollFd {
        fd: usize,
        events: i16,
        revents: i16,
    }
    #[link(name = "ws2_32")]
    extern "system" {
        fn WSAPoll(fds: *mut WsaPollFd, n: u32, timeout: c_int) -> c_int;
    }
    const POLLRDNORM: i16 = 0x0100;
    const POLLWRNORM: i16 = 0x0010;
    const POLLERR: i16 = 0x0001;
    const POLLHUP: i16 = 0x0002;
    const POLLNVAL: i16 = 0x0004;
    let mut pfd = WsaPollFd {
        fd: fd as usize,
        events: if writing { POLLWRNORM } else { POLLRDNORM },
        revents: 0,
    };
    // SAFETY: one valid WSAPOLLFD for the duration of the call.
    match unsafe { WSAPoll(&mut pfd, 1, timeout_ms) } {
        0 => PollResult::TimedOut,
        n if n < 0 => PollResult::Interrupted,
        _ if pfd.revents & (POLLERR | POLLHUP | POLLNVAL) != 0 => PollResult::Broken,
        _ => PollResult::Ready,
    }
}

/// `PyErr_CheckSignals()`: runs pending Python signal handlers; their exception (e.g.
/// KeyboardInterrupt) interrupts the I/O loop, as in 2.7.
pub(crate) fn check_signals(_py: Python<'_>) -> PyResult<()> {
    // SAFETY: called with the GIL held; -1 means a handler raised.
    if unsafe { ffi::PyErr_CheckSignals() } != 0 {
        return Err(PyErr::fetch());
    }
    Ok(())
}
