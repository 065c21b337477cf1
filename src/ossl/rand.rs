//! OpenSSL's random generator: seeding, status and bytes.

use crate::ossl::error::OsslError;
use openssl_sys as sys;
use std::ffi::c_int;

/// `RAND_add`, in chunks of at most `INT_MAX` bytes (the C length is an int).
pub(crate) fn add(data: &[u8], entropy: f64) {
    for chunk in data.chunks(c_int::MAX as usize) {
        // SAFETY: chunk is valid for its length, which fits in an int.
        unsafe { sys::RAND_add(chunk.as_ptr().cast(), chunk.len() as c_int, entropy) };
    }
    if data.is_empty() {
        // SAFETY: a zero-length buffer is allowed (2.7 calls it once even then).
        unsafe { sys::RAND_add(data.as_ptr().cast(), 0, entropy) };
    }
}

/// `RAND_status()`: 1 when the generator is seeded.
pub(crate) fn status() -> c_int {
    // SAFETY: no arguments.
    unsafe { sys::RAND_status() }
}

/// `RAND_bytes`: fills `buf` (at most `INT_MAX` bytes), or the queued error when the
/// generator cannot. The caller allocates, so a huge request fails as MemoryError there.
pub(crate) fn fill(buf: &mut [u8]) -> Result<(), OsslError> {
    let len = c_int::try_from(buf.len()).map_err(|_| OsslError::default())?;
    // SAFETY: buf is writable for len bytes.
    match unsafe { sys::RAND_bytes(buf.as_mut_ptr(), len) } {
        1 => Ok(()),
        _ => Err(OsslError::take()),
    }
}
