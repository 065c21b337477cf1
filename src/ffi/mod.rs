//! Raw declarations: bindgen's view of the CPython 2.7 headers plus the C shim's functions.
//! Nothing here is safe to call without reading the C documentation of the callee.

#![allow(
    non_upper_case_globals,
    non_camel_case_types,
    non_snake_case,
    dead_code,
    clippy::all,
    clippy::undocumented_unsafe_blocks,
    unsafe_op_in_unsafe_fn
)]

include!(concat!(env!("OUT_DIR"), "/python27.rs"));

pub(crate) mod shim;
#[cfg(any(target_os = "linux", target_os = "android"))]
pub(crate) mod sysrandom;
