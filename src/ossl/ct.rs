//! Constant-time comparison and the FIPS-mode query.

use openssl_sys as sys;
use std::ffi::c_void;

/// `a == b` in time that depends only on the lengths (and, when they differ, only on `b`'s,
/// as Python 3's `compare_digest` does: `b` is taken to be the secret-independent input).
pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    // Compare `b` with itself when the lengths differ, so the time stays that of len(b).
    let (left, equal_len) = if a.len() == b.len() {
        (a, true)
    } else {
        (b, false)
    };
    if b.is_empty() {
        return equal_len;
    }
    // SAFETY: both buffers valid for b.len() bytes.
    let diff = unsafe {
        sys::CRYPTO_memcmp(
            left.as_ptr().cast::<c_void>(),
            b.as_ptr().cast::<c_void>(),
            b.len(),
        )
    };
    equal_len & (diff == 0)
}

/// Whether the default library context asks for FIPS implementations (OpenSSL 3), or the
/// FIPS module is on (1.1.1 builds with FIPS support).
#[cfg(pep466_ossl300)]
pub(crate) fn fips_mode() -> i32 {
    // SAFETY: NULL is the default library context.
    unsafe { sys::EVP_default_properties_is_fips_enabled(std::ptr::null_mut()) }
}

/// See the OpenSSL 3 variant above; upstream 1.1.1 has no FIPS module.
#[cfg(not(pep466_ossl300))]
pub(crate) fn fips_mode() -> i32 {
    0
}

#[cfg(test)]
mod tests {
    use super::constant_time_eq;

    #[test]
    fn equal_and_unequal() {
        assert!(constant_time_eq(b"", b""));
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"ab", b"abc"));
        assert!(!constant_time_eq(b"abc", b""));
        assert!(!constant_time_eq(b"", b"a"));
    }
}
