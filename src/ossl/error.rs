//! The OpenSSL error queue, captured as plain data (no Python objects), and always cleared.

use std::ffi::c_ulong;

/// The most recent entry of the queue, as 2.7 reads it (`ERR_peek_last_error`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct OsslError {
    /// The packed code; 0 when the queue was empty.
    pub(crate) code: u64,
    pub(crate) lib: i32,
    pub(crate) reason: i32,
    /// OpenSSL's own texts: library ("digital envelope routines"), function (always None on
    /// OpenSSL 3), reason ("unsupported").
    pub(crate) lib_text: Option<String>,
    pub(crate) func_text: Option<String>,
    pub(crate) reason_text: Option<String>,
}

impl OsslError {
    /// Reads the last error and clears the whole queue.
    pub(crate) fn take() -> OsslError {
        // SAFETY: reads and clears this thread's error queue.
        let code = unsafe { openssl_sys::ERR_peek_last_error() };
        let err = OsslError::from_code(code);
        // SAFETY: as above.
        unsafe { openssl_sys::ERR_clear_error() };
        err
    }

    /// `take()` after a failed TLS I/O call. From OpenSSL 3.2 on, a fatal error makes libssl
    /// send an alert, and when that write fails (the peer is gone) the socket BIO queues an
    /// `ERR_LIB_SYS` entry (EPIPE) *after* the real error, e.g. after
    /// `UNEXPECTED_EOF_WHILE_READING`; the last entry, which 2.7 reports, would be that
    /// consequence. So the last entry that is not a system error is taken when there is one;
    /// a queue of system errors only (a failed socket read or write) keeps its last one.
    pub(crate) fn take_io() -> OsslError {
        let (mut last, mut last_not_sys) = (0, 0);
        loop {
            // SAFETY: pops the oldest entry of this thread's queue (0 when empty).
            let code = unsafe { openssl_sys::ERR_get_error() };
            if code == 0 {
                break;
            }
            last = code;
            if openssl_sys::ERR_GET_LIB(code as _) != openssl_sys::ERR_LIB_SYS {
                last_not_sys = code;
            }
        }
        OsslError::from_code(if last_not_sys != 0 {
            last_not_sys
        } else {
            last
        })
    }

    /// Decodes a packed code (as the error queue holds it).
    pub(crate) fn from_code(code: c_ulong) -> OsslError {
        if code == 0 {
            return OsslError::default();
        }
        // SAFETY: the *_error_string functions accept any code and return static text or NULL.
        unsafe {
            // c_ulong is 32 bits on Windows, 64 elsewhere.
            #[allow(clippy::useless_conversion)]
            let code64 = u64::from(code);
            OsslError {
                code: code64,
                lib: openssl_sys::ERR_GET_LIB(code as _),
                reason: crate::ossl::compat::err_reason(code as _),
                lib_text: crate::ossl::static_text(openssl_sys::ERR_lib_error_string(code)),
                func_text: func_text(code),
                reason_text: crate::ossl::static_text(openssl_sys::ERR_reason_error_string(code)),
            }
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.code == 0
    }

    /// `_hashopenssl.c`'s `_setException` text: "[lib: func] reason", "[lib] reason", the bare
    /// reason, or "unknown reasons" for an empty queue.
    pub(crate) fn hashlib_message(&self) -> String {
        let reason = match (&self.reason_text, self.is_empty()) {
            (_, true) => return "unknown reasons".to_owned(),
            (Some(r), _) => r.clone(),
            (None, _) => format!("error:{:08X}", self.code),
        };
        match (&self.lib_text, &self.func_text) {
            (Some(lib), Some(func)) => format!("[{lib}: {func}] {reason}"),
            (Some(lib), None) => format!("[{lib}] {reason}"),
            _ => reason,
        }
    }
}

#[cfg(not(pep466_ossl300))]
fn func_text(code: c_ulong) -> Option<String> {
    // SAFETY: returns static text or NULL.
    unsafe { crate::ossl::static_text(openssl_sys::ERR_func_error_string(code)) }
}

/// OpenSSL 3 records no function names.
#[cfg(pep466_ossl300)]
fn func_text(_code: c_ulong) -> Option<String> {
    None
}

#[cfg(test)]
mod tests {
    use super::OsslError;

    #[test]
    fn hashlib_messages_have_2_7_shapes() {
        let mut e = OsslError {
            code: 1,
            lib_text: Some("digital envelope routines".into()),
            reason_text: Some("unsupported".into()),
            ..OsslError::default()
        };
        assert_eq!(
            e.hashlib_message(),
            "[digital envelope routines] unsupported"
        );
        e.func_text = Some("EVP_DigestInit_ex".into());
        assert_eq!(
            e.hashlib_message(),
            "[digital envelope routines: EVP_DigestInit_ex] unsupported"
        );
        assert_eq!(OsslError::default().hashlib_message(), "unknown reasons");
    }
}
