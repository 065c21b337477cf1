//! Build script: finds the CPython 2.7 to build for, generates bindings to its headers, compiles
//! the C shim, and turns the linked OpenSSL's version into cfgs.
//!
//! Each step is one function; `main` only orders them.

#[path = "build-support/ossl_decls.rs"]
mod ossl_decls;

use std::env;
use std::path::{Path, PathBuf};
use std::process::Command;

/// What we need to know about the target interpreter.
struct Python27 {
    /// Header directories (`Include` plus the one with the configured `pyconfig.h`, for
    /// source-tree builds).
    include_dirs: Vec<PathBuf>,
    /// Where the shared libpython lives, for the unit-test binary only (unknown for source-tree
    /// builds).
    lib_dir: Option<PathBuf>,
}

fn main() {
    let python = find_python27();
    emit_openssl_cfgs();
    generate_bindings(&python);
    check_openssl_declarations();
    if typecheck_only() {
        // `cargo check` for a target this machine cannot compile C for (`*-pc-windows-msvc`:
        // no cl.exe, no lib.exe): the Rust code is checked, nothing is linked, so the shim's
        // object is not needed.
        println!("cargo:warning=PEP466_TYPECHECK_ONLY: the C shim is not compiled");
    } else {
        compile_shim(&python);
        if env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("windows") {
            // The shim calls into python27.dll too; GNU ld reads libraries in order, and the
            // Rust extern blocks' `python27` comes before the shim on its line, so name it
            // again after it (MSVC's link.exe does not care about the order).
            println!("cargo:rustc-link-lib=dylib=python27");
        }
    }
    link_python_for_tests(&python);
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=src/shim");
    println!("cargo:rerun-if-changed=src/ffi/python_api.txt");
    println!("cargo:rerun-if-env-changed=PYTHON27");
    println!("cargo:rerun-if-env-changed=PEP466_PYTHON_INCLUDE");
    println!("cargo:rerun-if-env-changed=PEP466_TYPECHECK_ONLY");
}

/// `PEP466_TYPECHECK_ONLY=1`: a type-check (`cargo check`) only; see `main` and
/// `header_target`. A build made with it cannot link.
fn typecheck_only() -> bool {
    env::var("PEP466_TYPECHECK_ONLY").is_ok_and(|v| v == "1")
}

/// Preprocessor definitions the target's Python headers need from the compiler. 2.7's
/// `PC/pyconfig.h` sets `MS_WIN64` (hence 8-byte `Py_ssize_t`, `Py_InitModule4_64`) only
/// under `_MSC_VER`; python27.dll is an MSVC build, so a 64-bit MinGW build of a module must
/// define it itself (as MinGW builds of 2.7 extensions always have).
fn header_defines() -> Vec<&'static str> {
    let windows = env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("windows");
    let gnu = env::var("CARGO_CFG_TARGET_ENV").as_deref() == Ok("gnu");
    let wide = env::var("CARGO_CFG_TARGET_POINTER_WIDTH").as_deref() == Ok("64");
    if windows && gnu && wide {
        vec!["MS_WIN64"]
    } else {
        vec![]
    }
}

/// The clang target bindgen parses the headers for, when it is not the build's own target:
/// with `PEP466_TYPECHECK_ONLY`, an MSVC target's headers are read as the MinGW target of the
/// same architecture (this machine has MinGW's C headers and no MSVC's; Python's structures
/// have the same layout under both, which bindgen's layout of them does not depend on beyond
/// the pointer and `long` sizes the two share), with `MS_WIN64` where MSVC would set it.
fn header_target() -> Option<(String, Vec<&'static str>)> {
    let target = env::var("TARGET").unwrap_or_default();
    if !typecheck_only() || !target.ends_with("-pc-windows-msvc") {
        return None;
    }
    let arch = target.split('-').next().unwrap_or_default();
    let defines = if arch == "x86_64" {
        vec!["MS_WIN64"]
    } else {
        vec![]
    };
    Some((format!("{arch}-w64-windows-gnu"), defines))
}

/// Header search order: `$PEP466_PYTHON_INCLUDE` (a path list, for CPython source-tree builds
/// such as PCbuild and the macOS installer), then an interpreter: `$PYTHON27`,
/// `python2.7-config`'s neighbour, pyenv's 2.7.18.
fn find_python27() -> Python27 {
    if let Some(list) = env::var_os("PEP466_PYTHON_INCLUDE") {
        let include_dirs: Vec<PathBuf> = env::split_paths(&list).collect();
        assert!(
            include_dirs.iter().any(|d| d.join("Python.h").exists()),
            "pep466: no Python.h in PEP466_PYTHON_INCLUDE={list:?}"
        );
        return Python27 {
            include_dirs,
            lib_dir: None,
        };
    }
    let candidates = python_candidates();
    for exe in &candidates {
        if let Some(found) = query_interpreter(exe) {
            return found;
        }
    }
    panic!(
        "pep466: no CPython 2.7 found (tried {:?}); set PYTHON27 to a python2.7 executable",
        candidates
    );
}

fn python_candidates() -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(exe) = env::var("PYTHON27") {
        out.push(PathBuf::from(exe));
        return out;
    }
    if let Some(prefix) = command_stdout("python2.7-config", &["--prefix"]) {
        out.push(Path::new(prefix.trim()).join("bin/python2.7"));
    }
    if let Some(prefix) = command_stdout("pyenv", &["prefix", "2.7.18"]) {
        out.push(Path::new(prefix.trim()).join("bin/python2.7"));
    }
    if let Ok(home) = env::var("HOME") {
        out.push(Path::new(&home).join(".pyenv/versions/2.7.18/bin/python2.7"));
    }
    out.push(PathBuf::from("python2.7"));
    out
}

fn query_interpreter(exe: &Path) -> Option<Python27> {
    let script = "import sys, sysconfig\n\
                  assert sys.version_info[:2] == (2, 7)\n\
                  print(sysconfig.get_path('include'))\n\
                  print(sysconfig.get_config_var('LIBDIR'))\n";
    let text = command_stdout(exe.to_str()?, &["-c", script])?;
    let mut lines = text.lines();
    let include_dir = PathBuf::from(lines.next()?);
    let lib_dir = PathBuf::from(lines.next()?);
    include_dir.join("Python.h").exists().then_some(Python27 {
        include_dirs: vec![include_dir],
        lib_dir: Some(lib_dir),
    })
}

fn command_stdout(program: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(program).args(args).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// `openssl-sys` exports the linked version as `DEP_OPENSSL_VERSION_NUMBER` (hex). Version
/// differences are keyed on these cfgs everywhere in the crate.
fn emit_openssl_cfgs() {
    for cfg in [
        "pep466_ossl300",
        "pep466_ossl320",
        "pep466_ossl340",
        "pep466_ossl350",
        "pep466_ossl400",
        "pep466_no_comp",
    ] {
        println!("cargo::rustc-check-cfg=cfg({cfg})");
    }
    let version = env::var("DEP_OPENSSL_VERSION_NUMBER")
        .ok()
        .and_then(|hex| u64::from_str_radix(&hex, 16).ok())
        .expect("openssl-sys did not report DEP_OPENSSL_VERSION_NUMBER");
    // The headers' OPENSSL_VERSION_NUMBER (hex), for `_ssl._OPENSSL_API_VERSION`.
    if let Ok(hex) = env::var("DEP_OPENSSL_VERSION_NUMBER") {
        println!("cargo:rustc-env=PEP466_OPENSSL_VERSION_NUMBER={hex}");
    }
    if version >= 0x3000_0000 {
        println!("cargo:rustc-cfg=pep466_ossl300");
    }
    // 3.2: SSL_get0_group_name; 3.4: SSL_get1_builtin_sigalgs; 3.5: implemented groups and
    // signature names (src/ossl/ssl_info.rs).
    for (min, cfg) in [
        (0x3020_0000, "pep466_ossl320"),
        (0x3040_0000, "pep466_ossl340"),
        (0x3050_0000, "pep466_ossl350"),
    ] {
        if version >= min {
            println!("cargo:rustc-cfg={cfg}");
        }
    }
    if version >= 0x4000_0000 {
        println!("cargo:rustc-cfg=pep466_ossl400");
    }
    // OpenSSL built without compression (openssl-src always is; `DEP_OPENSSL_CONF` lists the
    // OPENSSL_NO_* settings) has no SSL_get_current_compression: `compression()` is None there.
    let conf = env::var("DEP_OPENSSL_CONF").unwrap_or_default();
    if conf.split(',').any(|c| c == "OPENSSL_NO_COMP") {
        println!("cargo:rustc-cfg=pep466_no_comp");
    }
}

/// For Windows targets: MinGW's C headers include compiler headers (`mm_malloc.h`...) that
/// libclang only finds in its resource folder, which Debian's libclang (loaded through a
/// symlink) misses. The MinGW gcc of the target's architecture has them; they are searched
/// last, so only what is missing comes from there.
fn mingw_builtin_headers() -> Option<PathBuf> {
    if env::var("CARGO_CFG_TARGET_OS").as_deref() != Ok("windows") {
        return None;
    }
    let arch = env::var("CARGO_CFG_TARGET_ARCH").ok()?;
    let arch = if arch == "x86" {
        "i686".to_string()
    } else {
        arch
    };
    let gcc = format!("{arch}-w64-mingw32-gcc");
    let dir = PathBuf::from(command_stdout(&gcc, &["-print-file-name=include"])?.trim());
    dir.join("mm_malloc.h").exists().then_some(dir)
}

/// Bindings to the real headers, so debug builds' extra `PyObject` fields and the platform's
/// `Py_ssize_t`/`long` sizes are always right.
fn generate_bindings(python: &Python27) {
    let out = PathBuf::from(env::var("OUT_DIR").unwrap()).join("python27.rs");
    let mut clang_args: Vec<String> = header_defines().iter().map(|d| format!("-D{d}")).collect();
    if let Some((triple, defines)) = header_target() {
        clang_args.push(format!("--target={triple}"));
        clang_args.extend(defines.iter().map(|d| format!("-D{d}")));
    }
    if let Some(dir) = mingw_builtin_headers() {
        clang_args.push(format!("-idirafter{}", dir.display()));
    }
    let text = bindgen::Builder::default()
        .header("src/shim/bindgen.h")
        .clang_args(
            python
                .include_dirs
                .iter()
                .map(|d| format!("-I{}", d.display())),
        )
        .clang_args(clang_args)
        .allowlist_type("PyObject|PyVarObject|PyTypeObject|PyMethodDef|PyGetSetDef|PyMemberDef")
        .allowlist_type("Py_buffer|PyThreadState|Py_ssize_t|PyCFunction|PyNumberMethods")
        .allowlist_type("PyEnvironmentErrorObject")
        .allowlist_item(python_api_names())
        .allowlist_var("METH_.*|T_OBJECT|T_OBJECT_EX|READONLY")
        .layout_tests(false)
        .derive_default(true)
        .generate_comments(false)
        // prettyplease, not rustfmt: the output (which import_data_from_python_dll rewrites)
        // must not depend on whether the toolchain has rustfmt.
        .formatter(bindgen::Formatter::Prettyplease)
        .generate()
        .expect("bindgen failed on the CPython 2.7 headers")
        .to_string();
    // Made on every target, so a change in bindgen's output that would break the Windows
    // rewrite fails here too (its assertion), not only on a Windows build.
    let windows = import_data_from_python_dll(&text);
    let text = if env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("windows") {
        windows
    } else {
        text
    };
    std::fs::write(&out, text).expect("could not write bindings");
}

/// The OpenSSL functions declared by hand, against the linked OpenSSL's headers (see
/// build-support/ossl_decls.rs).
fn check_openssl_declarations() {
    let out = PathBuf::from(env::var("OUT_DIR").unwrap()).join("ossl_decl_check.rs");
    if env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("windows") {
        // Windows targets are cross-built or only type-checked here: MSVC has no OpenSSL
        // headers in a check, and for MinGW the OpenSSL headers pull in windows.h's compiler
        // intrinsics, which Debian's libclang (no resource headers) cannot parse. The same
        // declarations are checked on every Unix build, against each OpenSSL line's headers.
        std::fs::write(
            &out,
            "// not generated for Windows targets (see build.rs)\n",
        )
        .expect("write ossl_decl_check.rs");
        return;
    }
    let include = env::var_os("DEP_OPENSSL_INCLUDE")
        .map(PathBuf::from)
        .or_else(|| {
            // openssl-sys reports its include directory for vendored/OPENSSL_DIR builds; a
            // system OpenSSL found without pkg-config leaves it unset.
            ["/usr/include", "/usr/local/include"]
                .iter()
                .map(PathBuf::from)
                .find(|d| d.join("openssl/ssl.h").exists())
        })
        .expect("pep466: no OpenSSL headers found (DEP_OPENSSL_INCLUDE unset)");
    ossl_decls::generate(&include, &out);
    println!("cargo:rerun-if-changed=build-support/ossl_decls.rs");
}

/// The names listed in src/ffi/python_api.txt, as one anchored bindgen pattern.
fn python_api_names() -> String {
    let list = std::fs::read_to_string("src/ffi/python_api.txt").expect("src/ffi/python_api.txt");
    let names: Vec<&str> = list
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    format!("^({})$", names.join("|"))
}

/// On Windows, Python's exported *data* (`_Py_NoneStruct`, `PyString_Type`, the `PyExc_*`
/// objects...) can only be reached through the import table: `python27.lib` has
/// `__imp_<name>` for them and no plain `<name>`. Rust references a foreign static through
/// `__imp_` (dllimport) when its extern block is linked `kind = "dylib"`, so every block of
/// statics gets `#[link(name = "python27", kind = "dylib")]` (functions resolve through the
/// import library's thunks either way). The library name also goes to the staticlib's
/// native libraries, which PCbuild links anyway.
fn import_data_from_python_dll(bindings: &str) -> String {
    let block = "unsafe extern \"C\" {\n    pub static";
    let count = bindings.matches(block).count();
    assert!(
        count > 0,
        "pep466: no extern statics in the bindings to import from python27.dll"
    );
    bindings.replace(
        block,
        &format!("#[link(name = \"python27\", kind = \"dylib\")]\n{block}"),
    )
}

fn compile_shim(python: &Python27) {
    let mut build = cc::Build::new();
    for d in header_defines() {
        build.define(d, None);
    }
    build
        .file("src/shim/shim.c")
        .includes(&python.include_dirs)
        .warnings(true)
        .extra_warnings(true)
        .compile("pep466_shim");
}

/// Our unit-test binary runs an embedded interpreter, so it (and only it) links the shared
/// libpython (see src/py/embed.rs): the shared one, because extension modules from lib-dynload
/// link it too and a second interpreter copy in the process aborts. The cdylib must not link
/// it: CPython provides those symbols when it loads the module. Cargo passes no link arguments
/// to a library's own test binary alone, so debug builds (the ones `cargo test` makes) carry
/// an rpath to libpython; release builds, the ones installed, carry none.
fn link_python_for_tests(python: &Python27) {
    let Some(lib_dir) = &python.lib_dir else {
        return;
    };
    println!("cargo:rustc-link-search=native={}", lib_dir.display());
    // For dependents' build scripts (DEP_PYTHON27_LIBDIR): fuzz/build.rs links the fuzz
    // targets against the same libpython.
    println!("cargo:libdir={}", lib_dir.display());
    if env::var("PROFILE").as_deref() == Ok("debug") {
        println!("cargo:rustc-link-arg=-Wl,-rpath,{}", lib_dir.display());
    }
}
