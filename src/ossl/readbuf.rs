//! Memory OpenSSL writes received bytes into (`SSL_read`, `BIO_read`): a caller's writable
//! buffer, or the not yet initialised storage of a new Python `str` that the read fills in
//! place (no zeroing, no copy; Python 3 reads into its result object the same way).
//! OpenSSL only ever writes into it, and reports how many bytes it wrote.

use std::marker::PhantomData;
use std::ptr::NonNull;

pub(crate) struct ReadBuf<'a> {
    ptr: NonNull<u8>,
    len: usize,
    _life: PhantomData<&'a mut [u8]>,
}

// SAFETY: a ReadBuf is an exclusive borrow of its bytes (like `&mut [u8]`, which is Send).
unsafe impl Send for ReadBuf<'_> {}

impl<'a> ReadBuf<'a> {
    pub(crate) fn from_slice(buf: &'a mut [u8]) -> ReadBuf<'a> {
        ReadBuf {
            ptr: NonNull::new(buf.as_mut_ptr()).unwrap_or(NonNull::dangling()),
            len: buf.len(),
            _life: PhantomData,
        }
    }

    /// # Safety
    /// `ptr` is valid for writes of `len` bytes, and nothing else reads or writes them, for
    /// `'a`. They need not be initialised: they are only written.
    pub(crate) unsafe fn from_raw(ptr: NonNull<u8>, len: usize) -> ReadBuf<'a> {
        ReadBuf {
            ptr,
            len,
            _life: PhantomData,
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// For the OpenSSL call that fills it.
    pub(crate) fn as_mut_ptr(&mut self) -> *mut u8 {
        self.ptr.as_ptr()
    }
}
