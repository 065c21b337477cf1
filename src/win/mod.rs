//! Windows-only calls into the operating system (compiled for `cfg(windows)` only). Like
//! `src/ffi` and `src/ossl`, this is a boundary layer: raw calls and `unsafe` stay here and the
//! module code (`src/ssl`) gets plain Rust values.
//!
//! `certstore` needs nothing from Python, so `tests/windows.rs` compiles it on its own and the
//! Windows stage (`scripts/windows.sh`) runs it under Wine: there is no Windows Python on the
//! machines that build pep466. Public so that what only the tests call (the in-memory store)
//! is not dead code here.

pub mod certstore;
