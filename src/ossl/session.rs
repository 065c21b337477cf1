//! An owned `SSL_SESSION` (what `_ssl.SSLSession` wraps): the resumption state of a finished
//! handshake, taken from one connection and given to a later one of the same context.

use crate::ossl::error::OsslError;
use crate::ossl::owned::owned;
use openssl_sys as sys;
use std::ffi::{c_int, c_long, c_uint, c_ulong};
use std::ptr::NonNull;

extern "C" {
    // Functions in 1.1.1, 3.x and 4.x that openssl-sys does not declare.
    fn SSL_get1_session(ssl: *mut sys::SSL) -> *mut sys::SSL_SESSION;
    fn SSL_SESSION_has_ticket(session: *const sys::SSL_SESSION) -> c_int;
    fn SSL_SESSION_get_ticket_lifetime_hint(session: *const sys::SSL_SESSION) -> c_ulong;
}

owned! {
    /// One reference to a session.
    pub(crate) struct Session(sys::SSL_SESSION);
    free = sys::SSL_SESSION_free;
    up_ref = sys::SSL_SESSION_up_ref;
}

// SAFETY: sessions are reference-counted with atomics and immutable once a handshake made them;
// OpenSSL shares them between connections on any thread.
unsafe impl Send for Session {}
// SAFETY: as above; every method here only reads.
unsafe impl Sync for Session {}

impl Session {
    /// `SSL_get1_session`: the connection's current session (None before one exists).
    ///
    /// # Safety
    /// `ssl` is a live `SSL`.
    pub(crate) unsafe fn of_ssl(ssl: *mut sys::SSL) -> Option<Session> {
        // SAFETY: the caller's contract; returns NULL or a new reference we take over.
        NonNull::new(unsafe { SSL_get1_session(ssl) }).map(Session)
    }

    /// The session id (empty for a TLS 1.3 or ticket-only session that has none).
    pub(crate) fn id(&self) -> Vec<u8> {
        let mut len: c_uint = 0;
        // SAFETY: a live session; the id points into it for len bytes and is copied at once.
        unsafe {
            let p = sys::SSL_SESSION_get_id(self.as_ptr(), &mut len);
            if p.is_null() {
                return Vec::new();
            }
            std::slice::from_raw_parts(p, len as usize).to_vec()
        }
    }

    /// Creation time, seconds since the epoch.
    pub(crate) fn time(&self) -> c_long {
        // SAFETY: a live session.
        unsafe { sys::SSL_SESSION_get_time(self.as_ptr()) }
    }

    /// Lifetime in seconds.
    pub(crate) fn timeout(&self) -> c_long {
        // SAFETY: a live session.
        unsafe { sys::SSL_SESSION_get_timeout(self.as_ptr()) }
    }

    /// The server's ticket lifetime hint, seconds (0 without a ticket).
    // `unsigned long` is 32-bit on Windows, 64-bit elsewhere: the conversion is a no-op here only.
    #[allow(clippy::useless_conversion)]
    pub(crate) fn ticket_lifetime_hint(&self) -> u64 {
        // SAFETY: a live session.
        u64::from(unsafe { SSL_SESSION_get_ticket_lifetime_hint(self.as_ptr()) })
    }

    pub(crate) fn has_ticket(&self) -> bool {
        // SAFETY: a live session.
        unsafe { SSL_SESSION_has_ticket(self.as_ptr()) != 0 }
    }

    /// Do both hold the same session, or sessions with the same id (Python 3's equality)?
    pub(crate) fn same_as(&self, other: &Session) -> bool {
        self.0 == other.0 || self.id() == other.id()
    }
}

/// `SSL_set_session`: resume `session` on the next handshake of `ssl`.
///
/// # Safety
/// `ssl` is a live `SSL`.
pub(crate) unsafe fn set_on_ssl(ssl: *mut sys::SSL, session: &Session) -> Result<(), OsslError> {
    // SAFETY: the caller's contract; the SSL takes its own reference to the session.
    let ok = unsafe { sys::SSL_set_session(ssl, session.as_ptr()) } == 1;
    ok.then_some(()).ok_or_else(OsslError::take)
}
