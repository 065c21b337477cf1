//! The fuzz targets call no Python, but code they link shares codegen units with code that
//! does: link the libpython pep466's build script found (shared, with an rpath) so those
//! references resolve.

fn main() {
    if let Ok(dir) = std::env::var("DEP_PYTHON27_LIBDIR") {
        println!("cargo:rustc-link-search=native={dir}");
        println!("cargo:rustc-link-lib=dylib=python2.7");
        println!("cargo:rustc-link-arg=-Wl,-rpath,{dir}");
    }
    println!("cargo:rerun-if-env-changed=DEP_PYTHON27_LIBDIR");
}
