//! Raw declarations: bindgen's view of the CPython 2.7 headers plus the C shim's functions.
//! Nothing here is safe to call without reading the C documentation of the callee.

/// bindgen's output for the names listed in `python_api.txt` (and the types they need).
#[allow(
    non_upper_case_globals,
    non_camel_case_types,
    non_snake_case,
    dead_code,
    clippy::all,
    clippy::undocumented_unsafe_blocks,
    unsafe_op_in_unsafe_fn
)]
mod python27 {
    include!(concat!(env!("OUT_DIR"), "/python27.rs"));
}
pub(crate) use python27::*;

pub(crate) mod shim;
#[cfg(any(target_os = "linux", target_os = "android"))]
pub(crate) mod sysrandom;

#[cfg(test)]
mod tests {
    /// Every name the bindings are generated for is used somewhere in src/ (a name nobody
    /// uses any more should leave the list, so the bindings stay what the crate needs).
    #[test]
    fn every_listed_python_name_is_used() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut sources = String::new();
        let mut dirs = vec![root];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).expect("src readable") {
                let path = entry.expect("entry").path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    sources.push_str(&std::fs::read_to_string(&path).expect("source readable"));
                }
            }
        }
        let unused: Vec<&str> = include_str!("python_api.txt")
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .filter(|name| !sources.contains(&format!("ffi::{name}")))
            .collect();
        assert!(
            unused.is_empty(),
            "listed in python_api.txt but unused: {unused:?}"
        );
    }
}
