//! Differences between OpenSSL 1.1.1, 3.x and 4.x, in one place.

/// `SSL_get1_peer_certificate` (3.0 name) / `SSL_get_peer_certificate` (1.1.1 name): both
/// return a new reference to the peer's certificate, or NULL.
///
/// # Safety
/// `ssl` must be a live `SSL*`.
#[cfg(pep466_ossl300)]
pub(crate) unsafe fn get1_peer_certificate(ssl: *const openssl_sys::SSL) -> *mut openssl_sys::X509 {
    // SAFETY: the caller passes a live SSL.
    unsafe { openssl_sys::SSL_get1_peer_certificate(ssl) }
}

/// See the 3.0 variant above.
///
/// # Safety
/// `ssl` must be a live `SSL*`.
#[cfg(not(pep466_ossl300))]
pub(crate) unsafe fn get1_peer_certificate(ssl: *const openssl_sys::SSL) -> *mut openssl_sys::X509 {
    // SAFETY: the caller passes a live SSL.
    unsafe { openssl_sys::SSL_get_peer_certificate(ssl) }
}

/// `SSL_OP_IGNORE_UNEXPECTED_EOF` exists from OpenSSL 3.0 on; Python 3.10+ only defines
/// `ssl.OP_IGNORE_UNEXPECTED_EOF` where it does.
#[cfg(pep466_ossl300)]
pub(crate) const OP_IGNORE_UNEXPECTED_EOF: Option<u64> =
    Some(openssl_sys::SSL_OP_IGNORE_UNEXPECTED_EOF);

/// See the 3.0 variant above.
#[cfg(not(pep466_ossl300))]
pub(crate) const OP_IGNORE_UNEXPECTED_EOF: Option<u64> = None;

/// `SSL_OP_ENABLE_KTLS` (kernel TLS) exists from OpenSSL 3.0 on; Python 3.12+ defines
/// `ssl.OP_ENABLE_KTLS` only there. openssl-sys does not declare it: its value is fixed in
/// OpenSSL's `ssl.h` (`SSL_OP_BIT(3)`).
#[cfg(pep466_ossl300)]
pub(crate) const OP_ENABLE_KTLS: Option<u64> = Some(0x8);

/// See the 3.0 variant above.
#[cfg(not(pep466_ossl300))]
pub(crate) const OP_ENABLE_KTLS: Option<u64> = None;

/// OpenSSL 3.4 gave SHAKE128/256 no default output length: `EVP_MD_get_size` is 0 there and
/// `EVP_DigestFinal_ex` fails, where 1.1.1 to 3.3 used 16 and 32 bytes. 2.7's hashlib offers
/// `shake128`/`shake256` as fixed-size digests of those lengths, so they are finished with
/// `EVP_DigestFinalXOF` at that length on every version (the same bytes). None for others.
///
/// # Safety
/// `md` must be a valid `EVP_MD`.
pub(crate) unsafe fn shake_length(md: *const openssl_sys::EVP_MD) -> Option<usize> {
    // SAFETY: the caller passes a valid EVP_MD.
    match unsafe { openssl_sys::EVP_MD_type(md) } {
        openssl_sys::NID_shake128 => Some(16),
        openssl_sys::NID_shake256 => Some(32),
        _ => None,
    }
}

/// `ERR_GET_REASON` as the C macro computes it. OpenSSL 3 packs a system error as
/// `ERR_SYSTEM_FLAG | errno`; openssl-sys's `ERR_GET_REASON` returns `ERR_LIB_SYS` (2) for
/// those instead of the errno. 1.1.1 packs `ERR_PACK(ERR_LIB_SYS, func, errno)`, which the
/// plain macro reads.
#[cfg(pep466_ossl300)]
pub(crate) fn err_reason(code: std::ffi::c_ulong) -> std::ffi::c_int {
    if code & openssl_sys::ERR_SYSTEM_FLAG != 0 {
        (code & openssl_sys::ERR_SYSTEM_MASK) as std::ffi::c_int
    } else {
        openssl_sys::ERR_GET_REASON(code)
    }
}

/// See the 3.0 variant above.
#[cfg(not(pep466_ossl300))]
pub(crate) fn err_reason(code: std::ffi::c_ulong) -> std::ffi::c_int {
    openssl_sys::ERR_GET_REASON(code)
}

/// OpenSSL 4.0's `SSL_get_error` says `SSL_ERROR_SSL`, with nothing queued, for every call on
/// a connection that already failed (after a ragged EOF or a reset, say), where 1.1.1 and 3.x
/// said `SSL_ERROR_SYSCALL` (or read on to the EOF). Reporting the 3.x value keeps 2.7's
/// mapping: an EOF (`suppress_ragged_eofs` then gives `''`), not "A failure in the SSL
/// library occurred".
#[cfg(pep466_ossl400)]
pub(crate) fn ssl_error_code(ssl_error: std::ffi::c_int, queue_empty: bool) -> std::ffi::c_int {
    if ssl_error == openssl_sys::SSL_ERROR_SSL && queue_empty {
        openssl_sys::SSL_ERROR_SYSCALL
    } else {
        ssl_error
    }
}

/// See the 4.0 variant above.
#[cfg(not(pep466_ossl400))]
pub(crate) fn ssl_error_code(ssl_error: std::ffi::c_int, _queue_empty: bool) -> std::ffi::c_int {
    ssl_error
}

/// `SSL_R_UNEXPECTED_EOF_WHILE_READING` (`ERR_LIB_SSL` reason), which OpenSSL 3.0+ queues for
/// a peer that closes without close_notify. 1.1.1w has no such reason: 1.1.1e added it and
/// 1.1.1f reverted it, and there 294 is `SSL_R_OCSP_CALLBACK_FAILURE`.
#[cfg(pep466_ossl300)]
pub(crate) const SSL_R_UNEXPECTED_EOF_WHILE_READING: Option<std::ffi::c_int> = Some(294);

/// See the 3.0 variant above.
#[cfg(not(pep466_ossl300))]
pub(crate) const SSL_R_UNEXPECTED_EOF_WHILE_READING: Option<std::ffi::c_int> = None;
