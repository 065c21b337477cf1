//! The BIO a socket connection reads and writes through: OpenSSL's socket BIO, except that its
//! calls never block, whatever the descriptor's own mode (`recv`/`send` with `MSG_DONTWAIT`).
//! A connection's engine (`ssl::engine`) does all the waiting itself, with `poll`, outside the
//! connection's lock and with the GIL released: so one thread may wait for the peer's data
//! while another writes on the same connection, the wait honours the socket's timeout as a
//! deadline, and `close()` or `unwrap()` from another thread can stop it. With OpenSSL's own
//! socket BIO on a blocking descriptor, a reader would sit inside `SSL_read` (and so inside the
//! lock) until the peer sent something.
//!
//! The descriptor is borrowed: the Python socket object owns and closes it.

use openssl_sys as sys;
use std::ffi::{c_char, c_int, c_long, c_void};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr::NonNull;
use std::sync::OnceLock;

extern "C" {
    fn BIO_get_new_index() -> c_int;
    fn BIO_test_flags(bio: *const sys::BIO, flags: c_int) -> c_int;
}

/// `BIO_TYPE_SOURCE_SINK | BIO_TYPE_DESCRIPTOR` (`bio.h`): a source/sink over a descriptor.
const BIO_TYPE_SOURCE_SINK_DESCRIPTOR: c_int = 0x0400 | 0x0100;
/// `BIO_CTRL_GET_CLOSE`, `BIO_CTRL_SET_CLOSE`, `BIO_CTRL_DUP`, `BIO_C_GET_FD` (`bio.h`; stable
/// values), which openssl-sys lacks; `BIO_CTRL_EOF` and `BIO_CTRL_FLUSH` are its.
const CTRL_GET_CLOSE: c_int = 8;
const CTRL_SET_CLOSE: c_int = 9;
const CTRL_DUP: c_int = 12;
const C_GET_FD: c_int = 105;
/// `BIO_FLAGS_IN_EOF` (3.0's name; the bit is unused on 1.1.1): the peer closed its side.
/// OpenSSL 3 asks `BIO_eof()` to tell a peer's EOF from an I/O error.
const FLAG_IN_EOF: c_int = 0x800;

struct Method(NonNull<sys::BIO_METHOD>);
// SAFETY: a method table is immutable once built and lives for the process.
unsafe impl Send for Method {}
// SAFETY: as above.
unsafe impl Sync for Method {}

static METHOD: OnceLock<Option<Method>> = OnceLock::new();

fn method() -> Option<*mut sys::BIO_METHOD> {
    METHOD
        .get_or_init(|| {
            // SAFETY: BIO_meth_new returns a new method table (or NULL); the setters store
            // function pointers with the C signatures OpenSSL calls them with. The table is
            // never freed (one per process, as OpenSSL's own are static).
            unsafe {
                let index = BIO_get_new_index();
                let m = NonNull::new(sys::BIO_meth_new(
                    index | BIO_TYPE_SOURCE_SINK_DESCRIPTOR,
                    c"pep466 socket".as_ptr(),
                ))?;
                let raw = m.as_ptr();
                let ok = sys::BIO_meth_set_write__fixed_rust(raw, Some(sock_write)) == 1
                    && sys::BIO_meth_set_read__fixed_rust(raw, Some(sock_read)) == 1
                    && sys::BIO_meth_set_ctrl__fixed_rust(raw, Some(sock_ctrl)) == 1
                    && sys::BIO_meth_set_create__fixed_rust(raw, Some(sock_create)) == 1;
                if !ok {
                    sys::BIO_meth_free(raw);
                    return None;
                }
                Some(Method(m))
            }
        })
        .as_ref()
        .map(|m| m.0.as_ptr())
}

/// A new BIO over `fd` (not owned), or NULL when OpenSSL could not make one (its error is
/// queued). The caller hands it to `SSL_set_bio`.
pub(crate) fn new_socket_bio(fd: c_int) -> *mut sys::BIO {
    let Some(m) = method() else {
        return std::ptr::null_mut();
    };
    // SAFETY: a valid method table; the new BIO (or NULL) is the caller's.
    unsafe {
        let bio = sys::BIO_new(m);
        if !bio.is_null() {
            sys::BIO_set_data(bio, fd as isize as *mut c_void);
            sys::BIO_set_init(bio, 1);
        }
        bio
    }
}

/// # Safety
/// `bio` is one of ours.
unsafe fn fd_of(bio: *mut sys::BIO) -> c_int {
    // SAFETY: the caller's contract: the data is the descriptor stored by new_socket_bio.
    unsafe { sys::BIO_get_data(bio) as isize as c_int }
}

/// Would a failed call succeed later (no data yet, buffer full, interrupted)?
#[cfg(unix)]
fn is_retryable(err: i32) -> bool {
    err == libc::EAGAIN
        || err == libc::EWOULDBLOCK
        || err == libc::EINTR
        || err == libc::EINPROGRESS
}

/// `WSAEWOULDBLOCK`, `WSAEINTR`, `WSAEINPROGRESS` (Winsock reports its own numbers).
#[cfg(windows)]
const WSAEWOULDBLOCK: i32 = 10035;
#[cfg(windows)]
fn is_retryable(err: i32) -> bool {
    err == WSAEWOULDBLOCK || err == 10004 || err == 10036
}

fn last_errno() -> i32 {
    std::io::Error::last_os_error().raw_os_error().unwrap_or(0)
}

/// OpenSSL's BIO callbacks: never unwind into OpenSSL (a panic is impossible in these bodies,
/// which only call libc, but the rule holds for every callback); -1 is "failed".
fn guarded(f: impl FnOnce() -> c_int) -> c_int {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or(-1)
}

unsafe extern "C" fn sock_create(_bio: *mut sys::BIO) -> c_int {
    1
}

/// Which way a call moves bytes: decides the retry flag and whether 0 means EOF.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Direction {
    Read,
    Write,
}

unsafe extern "C" fn sock_write(bio: *mut sys::BIO, data: *const c_char, len: c_int) -> c_int {
    // SAFETY: OpenSSL passes one of our BIOs and `len` readable bytes at `data`.
    unsafe {
        sock_io(bio, len, Direction::Write, |fd, n| {
            send_nowait(fd, data.cast(), n)
        })
    }
}

unsafe extern "C" fn sock_read(bio: *mut sys::BIO, buf: *mut c_char, len: c_int) -> c_int {
    // SAFETY: OpenSSL passes one of our BIOs and `len` writable bytes at `buf`.
    unsafe {
        sock_io(bio, len, Direction::Read, |fd, n| {
            recv_nowait(fd, buf.cast(), n)
        })
    }
}

/// The shell of both callbacks: `call(fd, len)` is the non-blocking `send`/`recv`, and its
/// result sets the BIO's flags by the rules of `dir`. Inlined into each callback, so `dir`
/// is a constant there.
///
/// # Safety
/// `bio` is one of ours; `call` is safe to make with its descriptor and `len` (the buffer it
/// captured is valid for `len` bytes).
#[inline(always)]
unsafe fn sock_io(
    bio: *mut sys::BIO,
    len: c_int,
    dir: Direction,
    call: impl FnOnce(c_int, usize) -> c_int,
) -> c_int {
    guarded(|| {
        let len = usize::try_from(len).unwrap_or(0);
        // SAFETY: the caller's contract.
        unsafe {
            sys::BIO_clear_retry_flags(bio);
            let n = call(fd_of(bio), len);
            if n < 0 && is_retryable(last_errno()) {
                // No data yet / a full send buffer: retry once the socket is ready.
                match dir {
                    Direction::Read => sys::BIO_set_retry_read(bio),
                    Direction::Write => sys::BIO_set_retry_write(bio),
                }
            } else if dir == Direction::Read && n == 0 && len > 0 {
                // The peer closed its side (a read into an empty buffer also returns 0).
                sys::BIO_set_flags(bio, FLAG_IN_EOF);
            }
            n
        }
    })
}

unsafe extern "C" fn sock_ctrl(
    bio: *mut sys::BIO,
    cmd: c_int,
    _larg: c_long,
    parg: *mut c_void,
) -> c_long {
    catch_unwind(AssertUnwindSafe(|| match cmd {
        // SAFETY: one of our BIOs.
        sys::BIO_CTRL_EOF => c_long::from(unsafe { BIO_test_flags(bio, FLAG_IN_EOF) } != 0),
        C_GET_FD => {
            // SAFETY: one of our BIOs; parg is NULL or points to an int, as for BIO_get_fd.
            unsafe {
                let fd = fd_of(bio);
                if !parg.is_null() {
                    *parg.cast::<c_int>() = fd;
                }
                c_long::from(fd)
            }
        }
        // Nothing is buffered, so a flush always succeeds; a BIO never closes the descriptor.
        sys::BIO_CTRL_FLUSH | CTRL_DUP => 1,
        CTRL_GET_CLOSE | CTRL_SET_CLOSE => 0,
        _ => 0,
    }))
    .unwrap_or(0)
}

/// `send` that never blocks and never raises SIGPIPE. Returns the count or -1 (errno set).
///
/// # Safety
/// `data` is valid for `len` bytes.
#[cfg(unix)]
unsafe fn send_nowait(fd: c_int, data: *const c_void, len: usize) -> c_int {
    #[cfg(any(target_os = "linux", target_os = "android", target_os = "freebsd"))]
    const FLAGS: c_int = libc::MSG_DONTWAIT | libc::MSG_NOSIGNAL;
    #[cfg(not(any(target_os = "linux", target_os = "android", target_os = "freebsd")))]
    const FLAGS: c_int = libc::MSG_DONTWAIT;
    // SAFETY: the caller's contract.
    let n = unsafe { libc::send(fd, data, len, FLAGS) };
    c_int::try_from(n).unwrap_or(c_int::MAX)
}

/// `recv` that never blocks. Returns the count, 0 at the peer's EOF, or -1 (errno set).
///
/// # Safety
/// `buf` is valid for writes of `len` bytes.
#[cfg(unix)]
unsafe fn recv_nowait(fd: c_int, buf: *mut c_void, len: usize) -> c_int {
    // SAFETY: the caller's contract.
    let n = unsafe { libc::recv(fd, buf, len, libc::MSG_DONTWAIT) };
    c_int::try_from(n).unwrap_or(c_int::MAX)
}

/// Windows has no `MSG_DONTWAIT`: the call is made only when `WSAPoll` says it will not block
/// (a `recv` then returns what is there; a `send` may still wait for buffer space for the
/// rest of a large record). Not built or run here (see cpython-patches/README.md).
#[cfg(windows)]
unsafe fn send_nowait(fd: c_int, data: *const c_void, len: usize) -> c_int {
    // SAFETY: the caller's contract.
    unsafe {
        ready_then(fd, true, || {
            win::send(fd as usize, data.cast(), len as c_int, 0)
        })
    }
}

#[cfg(windows)]
unsafe fn recv_nowait(fd: c_int, buf: *mut c_void, len: usize) -> c_int {
    // SAFETY: the caller's contract.
    unsafe {
        ready_then(fd, false, || {
            win::recv(fd as usize, buf.cast(), len as c_int, 0)
        })
    }
}

#[cfg(windows)]
unsafe fn ready_then(fd: c_int, writing: bool, call: impl FnOnce() -> c_int) -> c_int {
    match crate::py::socket::poll_fd(i64::from(fd), writing, 0) {
        crate::py::socket::PollResult::TimedOut => {
            // SAFETY: sets this thread's Winsock error, read back as errno by is_retryable.
            unsafe { win::WSASetLastError(WSAEWOULDBLOCK) };
            -1
        }
        _ => call(),
    }
}

#[cfg(windows)]
mod win {
    use std::ffi::{c_char, c_int};
    #[link(name = "ws2_32")]
    extern "system" {
        pub(super) fn send(s: usize, buf: *const c_char, len: c_int, flags: c_int) -> c_int;
        pub(super) fn recv(s: usize, buf: *mut c_char, len: c_int, flags: c_int) -> c_int;
        pub(super) fn WSASetLastError(err: c_int);
    }
}
