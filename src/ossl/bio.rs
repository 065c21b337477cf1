//! OpenSSL `BIO`s: memory BIOs (input over a byte slice, or a growable output buffer for
//! OpenSSL's printers) and read-only file BIOs.

use crate::ossl::error::OsslError;
use openssl_sys as sys;
use std::ffi::{c_char, c_int, CStr};
use std::marker::PhantomData;
use std::ptr::NonNull;

extern "C" {
    // Not declared by openssl-sys; stable in 1.1.1, 3.x and 4.x.
    fn BIO_new_file(filename: *const c_char, mode: *const c_char) -> *mut sys::BIO;
    fn BIO_free(bio: *mut sys::BIO) -> c_int;
}

/// An owned BIO; `'a` is the lifetime of the bytes a read-only memory BIO reads from.
pub(crate) struct Bio<'a> {
    ptr: NonNull<sys::BIO>,
    _data: PhantomData<&'a [u8]>,
}

impl Bio<'static> {
    /// An empty, writable memory BIO (for `ASN1_TIME_print` and friends).
    pub(crate) fn memory() -> Result<Bio<'static>, OsslError> {
        // SAFETY: BIO_s_mem returns a static method table; BIO_new returns an owned BIO or NULL.
        let ptr = unsafe { sys::BIO_new(sys::BIO_s_mem()) };
        Bio::own(ptr)
    }

    /// A file BIO reading `path` (`BIO_new_file(path, "r")`).
    pub(crate) fn open_file(path: &CStr) -> Result<Bio<'static>, OsslError> {
        // SAFETY: both strings are NUL-terminated; returns an owned BIO or NULL.
        let ptr = unsafe { BIO_new_file(path.as_ptr(), c"r".as_ptr()) };
        Bio::own(ptr)
    }
}

impl<'a> Bio<'a> {
    /// A read-only memory BIO over `data` (not copied: the BIO borrows it).
    #[cfg(feature = "fuzzing")]
    pub(crate) fn from_slice(data: &'a [u8]) -> Result<Bio<'a>, OsslError> {
        let len = c_int::try_from(data.len()).map_err(|_| OsslError::default())?;
        // SAFETY: data is valid for len bytes for 'a, which the returned Bio cannot outlive.
        let ptr = unsafe { sys::BIO_new_mem_buf(data.as_ptr().cast(), len) };
        Bio::own(ptr)
    }

    fn own(ptr: *mut sys::BIO) -> Result<Bio<'a>, OsslError> {
        NonNull::new(ptr)
            .map(|ptr| Bio {
                ptr,
                _data: PhantomData,
            })
            .ok_or_else(OsslError::take)
    }

    pub(crate) fn as_ptr(&self) -> *mut sys::BIO {
        self.ptr.as_ptr()
    }

    /// Everything written to a memory BIO so far.
    pub(crate) fn contents(&self) -> Vec<u8> {
        let mut data: *mut c_char = std::ptr::null_mut();
        // SAFETY: BIO_CTRL_INFO on a memory BIO stores a pointer to its buffer and returns
        // its length; the buffer stays valid until the BIO is written to or freed.
        let len = unsafe { sys::BIO_get_mem_data(self.as_ptr(), &mut data) };
        if data.is_null() || len <= 0 {
            return Vec::new();
        }
        // SAFETY: as above; copied at once.
        unsafe { std::slice::from_raw_parts(data.cast::<u8>(), len as usize) }.to_vec()
    }
}

impl Drop for Bio<'_> {
    fn drop(&mut self) {
        // SAFETY: we own the BIO.
        unsafe { BIO_free(self.ptr.as_ptr()) };
    }
}

/// What one `BIO_gets(bio, buf, size)` returns from the start of `data`: at most `size - 1`
/// bytes, ending after the first newline. 2.7 reads printer output this way (so multi-line
/// output is cut at the first line).
pub(crate) fn first_line(data: &[u8], size: usize) -> &[u8] {
    let limit = data.len().min(size.saturating_sub(1));
    let head = &data[..limit];
    match head.iter().position(|&b| b == b'\n') {
        Some(i) => &head[..=i],
        None => head,
    }
}

#[cfg(test)]
mod tests {
    use super::first_line;

    #[test]
    fn first_line_is_bio_gets() {
        assert_eq!(first_line(b"abc\ndef", 100), b"abc\n");
        assert_eq!(first_line(b"abcdef", 4), b"abc");
        assert_eq!(first_line(b"", 4), b"");
    }
}
