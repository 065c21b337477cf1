//! ABI checks on the built libraries: the cdylib exports exactly the documented C symbols, and
//! the staticlib links into a C program with the documented link line.

use std::path::{Path, PathBuf};

use std::process::Command;

/// The C API, as include/pep466.h declares it.
const EXPORTED: [&str; 3] = ["init_hashlib", "init_ssl", "pep466_urandom"];

/// What a program linking libpep466.a needs besides it (README.md, "Linking"); checked here.
pub const NATIVE_STATIC_LIBS: &str = "-lssl -lcrypto -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc";

/// target/release, where the shipped libraries are. The test binary lives in
/// target/<profile>/deps and `cargo test` builds only the rlib, so on a fresh clone the release
/// libraries are built here first (cargo's lock is per profile directory, so this does not wait
/// on the `cargo test` that runs it); scripts/test.sh has already built them.
fn artifact_dir() -> PathBuf {
    static BUILT: std::sync::Once = std::sync::Once::new();
    let exe = std::env::current_exe().expect("test binary path");
    let target = exe.ancestors().nth(3).expect("target dir");
    let dir = target.join("release");
    BUILT.call_once(|| {
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let status = Command::new(cargo)
            .args(["build", "--release", "--lib", "--locked"])
            .env("CARGO_TARGET_DIR", target)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .status()
            .expect("run cargo build --release");
        assert!(status.success(), "cargo build --release --lib failed");
    });
    assert!(dir.join("libpep466.so").exists() && dir.join("libpep466.a").exists());
    dir
}

fn tool_output(cmd: &mut Command) -> String {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn cdylib_exports_exactly_the_c_api() {
    let lib = artifact_dir().join("libpep466.so");
    let listing = tool_output(Command::new("nm").args(["-D", "--defined-only"]).arg(&lib));
    let mut exported: Vec<&str> = listing
        .lines()
        .filter_map(|l| {
            let mut parts = l.split_whitespace();
            let (_addr, kind, name) = (parts.next()?, parts.next()?, parts.next()?);
            matches!(kind, "T" | "D" | "B" | "R" | "W" | "V").then_some(name)
        })
        .collect();
    exported.sort_unstable();
    assert_eq!(
        exported,
        EXPORTED,
        "unexpected exports from {}",
        lib.display()
    );
}

#[test]
fn staticlib_links_with_the_documented_line() {
    let dir = artifact_dir();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let exe = dir.join("pep466-urandom-test");
    // libpython provides the CPython API the archive's module code refers to; a core build
    // links it anyway.
    let libdir = python_config_var("LIBDIR");
    let mut cc = Command::new("cc");
    cc.arg(root.join("tests/c/urandom.c"))
        .arg("-I")
        .arg(root.join("include"))
        .arg("-I")
        .arg(python_config_var("INCLUDEPY"))
        .arg("-o")
        .arg(&exe)
        .arg(dir.join("libpep466.a"))
        .arg(format!("-L{libdir}"))
        .arg(format!("-Wl,-rpath,{libdir}"))
        .arg("-lpython2.7")
        .args(NATIVE_STATIC_LIBS.split_whitespace());
    tool_output(&mut cc);
    assert_eq!(tool_output(&mut Command::new(&exe)).trim(), "ok");
}

#[test]
fn readme_documents_the_link_line() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README.md");
    assert!(
        readme.contains(NATIVE_STATIC_LIBS),
        "README.md must give the staticlib link line `{NATIVE_STATIC_LIBS}`"
    );
}

fn python_config_var(name: &str) -> String {
    let python = std::env::var("PYTHON27").unwrap_or_else(|_| {
        let prefix = tool_output(Command::new("pyenv").args(["prefix", "2.7.18"]));
        format!("{}/bin/python2.7", prefix.trim())
    });
    let out = tool_output(Command::new(python).args([
        "-c",
        &format!("import sysconfig; print(sysconfig.get_config_var('{name}'))"),
    ]));
    out.trim().to_owned()
}
