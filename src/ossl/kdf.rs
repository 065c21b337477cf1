//! scrypt (RFC 7914) through OpenSSL's `EVP_PBE_scrypt`.

use crate::ossl::digest::nonnull;
use crate::ossl::error::OsslError;
use openssl_sys as sys;
use std::ffi::c_char;

/// The scrypt cost parameters, as Python 3 passes them (`maxmem` 0: OpenSSL's default limit).
#[derive(Clone, Copy, Debug)]
pub(crate) struct ScryptParams {
    pub(crate) n: u64,
    pub(crate) r: u64,
    pub(crate) p: u64,
    pub(crate) maxmem: u64,
}

/// Asks OpenSSL whether it accepts the parameters (no output: nothing is derived). The
/// error, when OpenSSL queued one, says why (e.g. "memory limit exceeded"); some refusals
/// queue nothing (then the error is empty).
pub(crate) fn scrypt_check(params: ScryptParams) -> Result<(), OsslError> {
    // SAFETY: NULL key means "check only"; no buffers are read or written.
    let ok = unsafe {
        sys::EVP_PBE_scrypt(
            std::ptr::null(),
            0,
            std::ptr::null(),
            0,
            params.n,
            params.r,
            params.p,
            params.maxmem,
            std::ptr::null_mut(),
            0,
        )
    };
    match ok {
        1 => Ok(()),
        _ => Err(OsslError::take()),
    }
}

/// Derives `out.len()` bytes. Runs for a long time for real parameters: call it with the GIL
/// released.
pub(crate) fn scrypt(
    password: &[u8],
    salt: &[u8],
    params: ScryptParams,
    out: &mut [u8],
) -> Result<(), OsslError> {
    // OpenSSL wants non-NULL pointers even for empty inputs.
    // SAFETY: inputs valid for their lengths; out writable for its length.
    let ok = unsafe {
        sys::EVP_PBE_scrypt(
            nonnull(password).cast::<c_char>(),
            password.len(),
            nonnull(salt),
            salt.len(),
            params.n,
            params.r,
            params.p,
            params.maxmem,
            out.as_mut_ptr(),
            out.len(),
        )
    };
    match ok {
        1 => Ok(()),
        _ => Err(OsslError::take()),
    }
}

#[cfg(test)]
mod tests {
    use super::{scrypt, ScryptParams};
    use crate::ossl::test_hex as hex;

    #[test]
    fn rfc_7914_vectors() {
        let mut out = [0u8; 64];
        let p = |n, r, p| ScryptParams { n, r, p, maxmem: 0 };
        scrypt(b"", b"", p(16, 1, 1), &mut out).expect("scrypt");
        assert!(hex(&out)
            .starts_with("77d6576238657b203b19ca42c18a0497f16b4844e3074ae8dfdffa3fede21442"));
        scrypt(b"password", b"NaCl", p(1024, 8, 16), &mut out).expect("scrypt");
        assert!(hex(&out)
            .starts_with("fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b373162"));
    }
}
