//! pep466: CPython 2.7's `_ssl` and `_hashlib`, in Rust, on a current OpenSSL (PEP 466).
//!
//! The exported C functions below are the whole public API; everything else is crate-private.
//! Each is a single line into the module-init trampoline, which catches panics and turns them
//! into a Python `SystemError`.

#![deny(unsafe_op_in_unsafe_fn)]
#![warn(clippy::undocumented_unsafe_blocks)]

pub(crate) mod ffi;
pub(crate) mod hashlib;
pub(crate) mod ossl;
pub(crate) mod py;
pub(crate) mod ssl;

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
