//! A reference-counted OpenSSL memory BIO, the byte queue behind `_ssl.MemoryBIO`: Python code
//! writes the peer's bytes into one and reads ours out of another, and a connection made by
//! `_wrap_bio` holds its own reference to each (`SSL_set_bio` takes over one reference per BIO),
//! so a BIO outlives whichever of its holders goes first, and one BIO may serve two connections.

use crate::ossl::error::OsslError;
use crate::ossl::owned::owned;
use crate::ossl::readbuf::ReadBuf;
use openssl_sys as sys;
use std::ffi::{c_int, c_long};
use std::ptr::NonNull;

extern "C" {
    // Functions (not macros) in 1.1.1, 3.x and 4.x; openssl-sys does not declare them.
    fn BIO_up_ref(bio: *mut sys::BIO) -> c_int;
    fn BIO_free(bio: *mut sys::BIO) -> c_int;
    fn BIO_ctrl_pending(bio: *mut sys::BIO) -> usize;
}

owned! {
    /// One reference to a memory BIO. Cloning takes another reference (`BIO_up_ref`).
    pub(crate) struct MemBio(sys::BIO);
    free = BIO_free;
    up_ref = BIO_up_ref;
}

// SAFETY: a BIO's reference count is atomic; its buffer is only touched by calls that Python's
// GIL (MemoryBIO methods) or the owning connection's serialisation keep to one thread at a time.
unsafe impl Send for MemBio {}
// SAFETY: as above.
unsafe impl Sync for MemBio {}

impl MemBio {
    /// An empty memory BIO that reports "retry" when empty (so an SSL reading from it gets
    /// `SSL_ERROR_WANT_READ`, not EOF) until `set_eof` is called.
    pub(crate) fn new() -> Result<MemBio, OsslError> {
        // SAFETY: BIO_s_mem is a static method table; BIO_new returns an owned BIO or NULL.
        let ptr =
            NonNull::new(unsafe { sys::BIO_new(sys::BIO_s_mem()) }).ok_or_else(OsslError::take)?;
        let bio = MemBio(ptr);
        // An empty BIO says "try again" (-1 with the retry flag), as Python 3 sets it up.
        bio.set_eof_return(-1);
        Ok(bio)
    }

    /// The value `BIO_read` returns on an empty BIO: -1 ("retry") or 0 (end of data).
    fn set_eof_return(&self, value: c_long) {
        // SAFETY: a live memory BIO; BIO_C_SET_BUF_MEM_EOF_RETURN takes the value in larg.
        unsafe {
            sys::BIO_ctrl(
                self.as_ptr(),
                sys::BIO_C_SET_BUF_MEM_EOF_RETURN,
                value,
                std::ptr::null_mut(),
            )
        };
    }

    /// From now on an empty BIO means end of data (Python: `MemoryBIO.write_eof()`).
    pub(crate) fn set_eof(&self) {
        self.set_eof_return(0);
    }

    /// Bytes buffered and not yet read.
    pub(crate) fn pending(&self) -> usize {
        // SAFETY: a live BIO.
        unsafe { BIO_ctrl_pending(self.as_ptr()) }
    }

    /// `BIO_read` into `buf` (at most `c_int::MAX` bytes): the count read, or the BIO's
    /// failure (an empty memory BIO returns -1 or 0, see `new`/`set_eof`).
    pub(crate) fn read(&self, buf: &mut ReadBuf<'_>) -> Result<usize, OsslError> {
        let len = c_int::try_from(buf.len()).unwrap_or(c_int::MAX);
        // SAFETY: buf is valid for len writable bytes for the call.
        let n = unsafe { sys::BIO_read(self.as_ptr(), buf.as_mut_ptr().cast(), len) };
        usize::try_from(n).map_err(|_| OsslError::take())
    }

    /// `BIO_write` of all of `data` (callers keep it within `c_int`): a memory BIO takes it whole
    /// or fails (out of memory).
    pub(crate) fn write(&self, data: &[u8]) -> Result<usize, OsslError> {
        let len = c_int::try_from(data.len()).unwrap_or(c_int::MAX);
        // SAFETY: data is valid for len bytes for the call; the BIO copies it.
        let n = unsafe { sys::BIO_write(self.as_ptr(), data.as_ptr().cast(), len) };
        usize::try_from(n).map_err(|_| OsslError::take())
    }

    /// Hands this reference over to an `SSL` (which frees it): for `Ssl::set_memory_bios`.
    pub(crate) fn into_raw(self) -> *mut sys::BIO {
        let ptr = self.as_ptr();
        std::mem::forget(self);
        ptr
    }
}

#[cfg(test)]
mod tests {
    use super::MemBio;
    use crate::ossl::readbuf::ReadBuf;

    #[test]
    fn queue_eof_and_shared_references() {
        crate::ossl::init();
        let bio = MemBio::new().unwrap();
        let other = bio.clone();
        assert_eq!(bio.write(b"hello").unwrap(), 5);
        assert_eq!(other.pending(), 5);
        let mut buf = [0u8; 3];
        assert_eq!(other.read(&mut ReadBuf::from_slice(&mut buf)).unwrap(), 3);
        assert_eq!(&buf, b"hel");
        drop(other);
        assert_eq!(bio.pending(), 2);
        let mut rest = [0u8; 8];
        assert_eq!(bio.read(&mut ReadBuf::from_slice(&mut rest)).unwrap(), 2);
        // Empty: "retry" (an error), then after set_eof, a clean 0.
        assert!(bio.read(&mut ReadBuf::from_slice(&mut rest)).is_err());
        bio.set_eof();
        assert_eq!(bio.read(&mut ReadBuf::from_slice(&mut rest)).unwrap(), 0);
    }
}
