//! Windows-only calls into the operating system (compiled for `cfg(windows)` only). Like
//! `src/ffi` and `src/ossl`, this is a boundary layer: raw calls and `unsafe` stay here and the
//! module code (`src/ssl`) gets plain Rust values.
//!
//! Public (not crate-private) so that `tests/windows.rs` can test it without an interpreter:
//! there is no Windows Python on the machines that build pep466, so the Windows stage
//! (`scripts/windows.sh`) runs these tests under Wine.

pub mod certstore;
