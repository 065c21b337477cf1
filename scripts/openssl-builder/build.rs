//! Builds the selected OpenSSL line with `openssl_src::Build` (the same code
//! path `openssl-sys`'s `vendored` feature uses: static libs, `no-module`, so
//! with the `legacy` feature the legacy provider is compiled into libcrypto.a)
//! and hands the install dir to `main.rs` through rustc-env variables.

#[cfg(any(
    all(feature = "openssl-111", feature = "openssl-300"),
    all(feature = "openssl-111", feature = "openssl-400"),
    all(feature = "openssl-300", feature = "openssl-400"),
))]
compile_error!("select exactly one of the features openssl-111, openssl-300, openssl-400");

#[cfg(feature = "openssl-111")]
use openssl_src_111 as src;
#[cfg(feature = "openssl-300")]
use openssl_src_300 as src;
#[cfg(feature = "openssl-400")]
use openssl_src_400 as src;

#[cfg(any(feature = "openssl-111", feature = "openssl-300", feature = "openssl-400"))]
fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let artifacts = src::Build::new().build();
    let install = artifacts
        .lib_dir()
        .parent()
        .expect("lib dir has a parent")
        .to_path_buf();
    let legacy = cfg!(any(feature = "openssl-300", feature = "openssl-400"));
    println!("cargo:rustc-env=PEP466_OPENSSL_INSTALL={}", install.display());
    println!("cargo:rustc-env=PEP466_OPENSSL_SRC_VERSION={}", src::version());
    println!(
        "cargo:rustc-env=PEP466_OPENSSL_LEGACY={}",
        if legacy { "builtin" } else { "none" }
    );
}

#[cfg(not(any(feature = "openssl-111", feature = "openssl-300", feature = "openssl-400")))]
fn main() {
    panic!("select exactly one of the features openssl-111, openssl-300, openssl-400");
}
