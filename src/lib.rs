//! pep466: CPython 2.7's `_ssl` and `_hashlib`, in Rust, on a current OpenSSL (PEP 466).
//!
//! The exported C functions below are the whole public API; everything else is crate-private.
//! Each is a single line into the module-init trampoline, which catches panics and turns them
//! into a Python `SystemError`.

#![deny(unsafe_op_in_unsafe_fn)]
#![warn(clippy::undocumented_unsafe_blocks)]

/// cbindgen:ignore
pub(crate) mod ffi;
/// cbindgen:ignore
pub(crate) mod hashlib;
/// cbindgen:ignore
pub(crate) mod ossl;
/// cbindgen:ignore
pub(crate) mod py;
/// cbindgen:ignore
pub(crate) mod ssl;
/// cbindgen:ignore
pub(crate) mod urandom;
/// Windows certificate stores for `_ssl.enum_certificates`/`enum_crls` (not part of the C API;
/// `tests/windows.rs` tests it).
/// cbindgen:ignore
#[cfg(windows)]
#[doc(hidden)]
pub mod win;

/// Entry points for the fuzz targets in `fuzz/` (feature `fuzzing`; not part of the C API).
/// cbindgen:ignore
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing {
    pub use crate::ssl::fuzzing::*;
}

/// Initialises the `_hashlib` module. CPython 2.7 calls this when it imports `_hashlib`
/// (from `_hashlib.so`, or from its builtin-module table when linked statically). Must be called
/// with the GIL held, by the interpreter's import machinery; on failure a Python exception is set.
#[no_mangle]
pub extern "C" fn init_hashlib() {
    py::boundary::module_init("init_hashlib", hashlib::init)
}

/// Initialises the `_ssl` module. CPython 2.7 calls this when it imports `_ssl` (from `_ssl.so`,
/// or from its builtin-module table when linked statically). Must be called with the GIL held, by
/// the interpreter's import machinery; on failure a Python exception is set.
#[no_mangle]
pub extern "C" fn init_ssl() {
    py::boundary::module_init("init_ssl", ssl::init)
}

/// Fills `buf[0..len]` with cryptographically secure random bytes from the operating system,
/// with Python 3.6's `os.urandom` semantics (PEP 524): on Linux getrandom(2), which waits for
/// the kernel's pool once at boot (with the GIL released if the calling thread holds it), and
/// `/dev/urandom`, opened and closed on each call, where the system call is missing.
///
/// Returns 0 on success and -1 on failure (no source available, or `buf` is NULL while `len` is
/// not 0); on failure the buffer's contents are unspecified and no Python exception is set, so
/// the caller can run its own code, which raises the precise error. Needs no Python state and
/// no GIL: CPython's `_PyOS_URandom` may call it before the interpreter is initialised, and any
/// thread may call it. `len` may be any size the buffer really has.
///
/// # Safety
/// `buf` must be valid for writes of `len` bytes (or `len` must be 0).
#[no_mangle]
pub unsafe extern "C" fn pep466_urandom(buf: *mut u8, len: usize) -> i32 {
    if len == 0 {
        return 0;
    }
    if buf.is_null() || len > isize::MAX as usize {
        return -1;
    }
    // SAFETY: the caller guarantees `buf` is valid for `len` writable bytes.
    let out = unsafe { std::slice::from_raw_parts_mut(buf, len) };
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| urandom::fill(out))).map_or(-1, |r| {
        if r.is_ok() {
            0
        } else {
            -1
        }
    })
}
