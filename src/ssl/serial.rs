//! One connection used from several threads: OpenSSL's `SSL*` must never see two calls at
//! once, yet a thread waiting for the peer's data must not stop another from writing, nor a
//! getter from answering. So:
//!
//! * `ssl`: held around each single OpenSSL call on the connection (never while waiting for the
//!   socket), and by the getters;
//! * `reading` / `writing`: a `read()` or `write()` claims its direction for the whole call,
//!   waits included, so concurrent readers split the stream between them call by call, and a
//!   write that OpenSSL asks to retry is retried with the same buffer before any other write
//!   (OpenSSL's rule); a handshake or shutdown claims both;
//! * `closing`: set by `shutdown()`/`unwrap()`, which tells calls waiting on the socket in other
//!   threads to stop, so the shutdown can claim both directions.
//!
//! Every lock is a `GilLock`: a thread that must wait does so with the GIL released, and a
//! call made from inside one of the connection's own OpenSSL callbacks (the thread already
//! holds `ssl`) is refused instead of deadlocking or re-entering OpenSSL.

use crate::py::err::Builtin;
use crate::py::lock::{GilLock, GilLockGuard};
use crate::py::{PyErr, PyResult, Python};
use std::sync::atomic::{AtomicBool, Ordering};

#[derive(Default)]
pub(crate) struct Serial {
    ssl: GilLock,
    reading: GilLock,
    writing: GilLock,
    closing: AtomicBool,
}

/// The directions an operation claims for its whole run.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Claim {
    Read,
    Write,
    Both,
}

/// What an operation holds while it runs.
pub(crate) struct Claimed<'a> {
    _read: Option<GilLockGuard<'a>>,
    _write: Option<GilLockGuard<'a>>,
}

impl Serial {
    /// Is this thread inside one of the connection's OpenSSL calls (a callback)?
    pub(crate) fn in_callback(&self) -> bool {
        self.ssl.held_here()
    }

    /// Claims the directions `claim` names, for an I/O method called `what`; refuses a call
    /// made from inside the connection's own callbacks.
    pub(crate) fn claim(&self, py: Python<'_>, claim: Claim, what: &str) -> PyResult<Claimed<'_>> {
        if self.in_callback() {
            return Err(reentered(what));
        }
        let reentry = |_| reentered(what);
        // Always reading before writing, so two claimers of both never deadlock.
        let read = match claim {
            Claim::Read | Claim::Both => Some(self.reading.acquire(py).map_err(reentry)?),
            Claim::Write => None,
        };
        let write = match claim {
            Claim::Write | Claim::Both => Some(self.writing.acquire(py).map_err(reentry)?),
            Claim::Read => None,
        };
        Ok(Claimed {
            _read: read,
            _write: write,
        })
    }

    /// Holds the `SSL*` for one OpenSSL call, or for a getter. Inside a callback the thread
    /// already holds it: the getter runs as part of that call (as a servername callback that
    /// reads `sslsocket.version()` or sets `sslsocket.context` does).
    pub(crate) fn with_ssl<R>(&self, py: Python<'_>, f: impl FnOnce() -> R) -> R {
        match self.ssl.acquire(py) {
            Ok(_guard) => f(),
            Err(_already_ours) => f(),
        }
    }

    /// Tells calls waiting on the socket in other threads to stop (`shutdown()`).
    pub(crate) fn start_closing(&self) {
        self.closing.store(true, Ordering::Release);
    }

    pub(crate) fn is_closing(&self) -> bool {
        self.closing.load(Ordering::Acquire)
    }
}

fn reentered(what: &str) -> PyErr {
    PyErr::new(
        Builtin::RuntimeError,
        &format!("{what}() called on an SSL connection from inside one of its own callbacks"),
    )
}
