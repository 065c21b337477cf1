#!/usr/bin/env bash
# The Windows stage of scripts/test.sh: pep466's Windows code compiled, linked and run on this
# Linux machine (no Windows, no MSVC here). Prints `windows: N passed, N failed`.
#
#   scripts/windows.sh [--no-msvc]
#
#   1. a Rust that can build std for Windows: Debian's rustc-web (with its std sources,
#      rust-web-src), fetched with `apt-get download` and unpacked into target/windows/rust
#      (not installed: it would replace /usr/bin/rustc), used through RUSTC= with rustup's cargo,
#      RUSTC_BOOTSTRAP=1 and -Zbuild-std;
#   2. CPython 2.7.18's Windows headers: Include/ and PC/pyconfig.h of the pristine tarball
#      (scripts/build-cpython.sh --source-only), and python27.dll's import library made from them
#      (scripts/windows/python27-def.py, mingw's dlltool): Python's data only as __imp_ entries,
#      as in python27.lib;
#   3. x86_64-pc-windows-gnu (mingw-w64; OpenSSL vendored, cross-built by openssl-src): the
#      library (rlib, staticlib, and pep466.dll linked against that import library) and
#      tests/windows.rs, run under Wine (a prefix of our own; Wine 8 lacks
#      bcryptprimitives.dll, which Rust's std imports, so scripts/windows/processprng.c is
#      built into the prefix). Checks: the tests (crypt32 stores: the ROOT store, which under
#      Wine holds the host's CA certificates, trust as True or OID sets through an in-memory
#      store, CRLs, errors; a loopback TLS handshake trusted, and refused, by what the stores
#      hold; pep466_urandom's draw); pep466.dll exports init_ssl, init_hashlib,
#      pep466_urandom and imports Python from python27.dll; the test binary needs no
#      python27.dll;
#   4. unless --no-msvc: `cargo check` of the library for x86_64- and i686-pc-windows-msvc
#      (PEP466_TYPECHECK_ONLY=1: build.rs compiles no C and reads the headers as MinGW's;
#      openssl-sys gets the cross-built OpenSSL's headers, nothing is linked).
#
# Everything is kept under target/windows/ (toolchain, Wine prefix, cargo's target folder with
# std and OpenSSL built once); a fresh checkout (CI) starts from nothing. Measured on this
# 2-core machine kind while shared with other builds and a fuzz run: 18.5 minutes from nothing
# (the cross build took 14 of them, almost all OpenSSL's; each MSVC check about 1 minute),
# 27 seconds when target/windows/ is kept. PEP466_WINDOWS_WORK moves the folder.
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
W=${PEP466_WINDOWS_WORK:-$ROOT/target/windows}
msvc=1
for a in "$@"; do
    case $a in
        --no-msvc) msvc=0 ;;
        -h|--help) sed -n '2,33p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "windows.sh: unknown argument $a" >&2; exit 2 ;;
    esac
done
log() { echo "windows: $*" >&2; }
die() { echo "windows: $*" >&2; echo "windows: $passed passed, $((failed + 1)) failed"; exit 1; }
passed=0; failed=0
check() {  # check NAME COMMAND...: one counted check
    local name=$1; shift
    if "$@"; then passed=$((passed + 1)); echo "ok    $name"; else failed=$((failed + 1)); echo "FAIL  $name"; fi
}
start=$SECONDS
mkdir -p "$W"
"$ROOT/scripts/deps.sh" --windows || die "missing packages (scripts/deps.sh --windows)"

# --- 1. the toolchain ---------------------------------------------------------------------------
# Package names carry versions (libstd-rust-web-1.96, libllvm22): read them from the archive.
depends_on() { apt-cache depends "$1" | awk -v p="$2" '$1 == "Depends:" && $2 ~ p { print $2; exit }'; }
toolchain() {
    local std llvm pkgs stamp
    std=$(depends_on libstd-rust-web-dev '^libstd-rust-web-[0-9]')
    llvm=$(depends_on "$std" '^libllvm[0-9]')
    [ -n "$std" ] && [ -n "$llvm" ] || return 1
    pkgs=(rustc-web libstd-rust-web-dev rust-web-src "$std" "$llvm")
    stamp=$(for p in "${pkgs[@]}"; do apt-cache policy "$p" | awk -v p="$p" '/Candidate:/ { print p "=" $2 }'; done)
    if [ "$(cat "$W/rust/.stamp" 2>/dev/null)" != "$stamp" ]; then
        log "unpacking ${pkgs[*]}"
        rm -rf "$W/rust" "$W/debs"; mkdir -p "$W/debs" "$W/rust"
        (cd "$W/debs" && apt-get download -q "${pkgs[@]}" >/dev/null 2>&1) || return 1
        for d in "$W"/debs/*.deb; do dpkg-deb -x "$d" "$W/rust" || return 1; done
        rm -rf "$W/debs"
        echo "$stamp" > "$W/rust/.stamp"
    fi
    # The unpacked rustc finds its LLVM through this; its sysroot (std sources included) is
    # $W/rust/usr.
    local tool
    for tool in rustc rustdoc; do
        printf '#!/bin/sh\nLD_LIBRARY_PATH=%s exec %s "$@"\n' "$W/rust/usr/lib/x86_64-linux-gnu" \
            "$W/rust/usr/bin/$tool" > "$W/$tool.sh.new"
        # Rewritten only when it changes, so cargo sees the same compiler between runs.
        if cmp -s "$W/$tool.sh.new" "$W/$tool.sh"; then rm "$W/$tool.sh.new"; else mv "$W/$tool.sh.new" "$W/$tool.sh"; fi
    done
    chmod +x "$W/rustc.sh" "$W/rustdoc.sh"
    "$W/rustc.sh" -V >&2
}
toolchain || die "could not unpack Debian's rustc-web"
export RUSTC=$W/rustc.sh RUSTDOC=$W/rustdoc.sh RUSTC_BOOTSTRAP=1 CARGO_TARGET_DIR=$W/cargo

# --- 2. Python's Windows headers and python27.dll's import library -----------------------------
SRC=$("$ROOT/scripts/build-cpython.sh" --source-only 2>/dev/null | tail -1)
[ -f "$SRC/PC/pyconfig.h" ] || die "no CPython 2.7.18 tree (scripts/build-cpython.sh --source-only)"
export PEP466_PYTHON_INCLUDE=$SRC/Include:$SRC/PC
mkdir -p "$W/lib"
python3 "$ROOT/scripts/windows/python27-def.py" x86_64-w64-mingw32-gcc "$SRC" "$W/lib/python27.def" -DMS_WIN64 \
    || die "could not list python27.dll's exports"
x86_64-w64-mingw32-dlltool -d "$W/lib/python27.def" -D python27.dll -l "$W/lib/libpython27.dll.a" \
    || die "dlltool failed"
export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUSTFLAGS="-L native=$W/lib"

# --- 3. x86_64-pc-windows-gnu under Wine -------------------------------------------------------
export WINEPREFIX=$W/wine WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUNNER=wine
if [ ! -f "$WINEPREFIX/system.reg" ]; then
    log "creating the Wine prefix"
    wineboot --init >/dev/null 2>&1; wineserver -w
fi
SYS32=$WINEPREFIX/drive_c/windows/system32
x86_64-w64-mingw32-gcc -O2 -shared -o "$W/lib/bcryptprimitives.dll" \
    "$ROOT/scripts/windows/processprng.c" -ladvapi32 || die "could not build the ProcessPrng stub"
cp "$W/lib/bcryptprimitives.dll" "$SYS32/bcryptprimitives.dll"

GNU=x86_64-pc-windows-gnu
cargo_gnu() { cargo "$1" -Zbuild-std --locked --target $GNU --features vendored "${@:2}"; }
log "building for $GNU"
t=$SECONDS
cargo_gnu build --lib >&2 || die "the $GNU build failed"
log "built in $((SECONDS - t)) s"
out=$(cargo_gnu test --test windows 2>&1 -- --nocapture); rc=$?
echo "$out"
n_pass=$(awk '/^test result:/ { p += $4 } END { print p + 0 }' <<<"$out")
n_fail=$(awk '/^test result:/ { f += $6 } END { print f + 0 }' <<<"$out")
passed=$((passed + n_pass)); failed=$((failed + n_fail))
[ "$rc" = 0 ] || [ "$n_fail" -gt 0 ] || failed=$((failed + 1))   # did not build or run

# The ROOT store under Wine is the host's bundle (plus Wine's own few).
root_matches_host() {
    local got host
    got=$(sed -n 's/^ROOT certificates: //p' <<<"$out" | head -1)
    host=$(grep -c 'BEGIN CERTIFICATE' /etc/ssl/certs/ca-certificates.crt 2>/dev/null)
    echo "      ROOT store: ${got:-?} certificates; host bundle: ${host:-?}"
    [ -n "$got" ] && [ -n "$host" ] && [ "$got" -ge "$host" ]
}
check "ROOT store holds the host's CA bundle" root_matches_host

DLL=$CARGO_TARGET_DIR/$GNU/debug/pep466.dll
dll_exports() {
    local table sym
    table=$(x86_64-w64-mingw32-objdump -p "$DLL") || return 1
    for sym in init_ssl init_hashlib pep466_urandom; do
        grep -qE "\] $sym\$" <<<"$table" || { echo "      $DLL does not export $sym"; return 1; }
    done
    grep -q 'DLL Name: python27.dll' <<<"$table"
}
check "pep466.dll links against python27.dll, exports the three entry points" dll_exports
TEST_EXE=$(ls -t "$CARGO_TARGET_DIR/$GNU"/debug/deps/windows-*.exe 2>/dev/null | head -1)
no_python_import() {
    [ -n "$TEST_EXE" ] && ! x86_64-w64-mingw32-objdump -p "$TEST_EXE" | grep -qi 'DLL Name: python27.dll'
}
check "the Windows tests run without python27.dll" no_python_import

# --- 4. the MSVC targets: type-check -----------------------------------------------------------
if [ "$msvc" = 1 ]; then
    OSSL=$(ls -td "$CARGO_TARGET_DIR/$GNU"/debug/build/openssl-sys-*/out/openssl-build/install 2>/dev/null | head -1)
    for arch in x86_64 i686; do
        target=$arch-pc-windows-msvc
        env_prefix=$(echo "$target" | tr 'a-z-' 'A-Z_')
        typecheck() {
            # openssl-sys only preprocesses the headers (MinGW's gcc does it; cc warns that it is
            # not MSVC) and is told where the libraries would be; nothing is linked.
            env PEP466_TYPECHECK_ONLY=1 \
                "${env_prefix}_OPENSSL_INCLUDE_DIR=$OSSL/include" \
                "${env_prefix}_OPENSSL_LIB_DIR=$OSSL/lib" \
                "${env_prefix}_OPENSSL_STATIC=1" \
                "CC_${target//-/_}=$arch-w64-mingw32-gcc" \
                cargo check -Zbuild-std --locked --target "$target" --lib >&2
        }
        t=$SECONDS
        check "cargo check --target $target" typecheck
        log "$target checked in $((SECONDS - t)) s"
    done
fi

echo "windows: stage took $((SECONDS - start)) s"
echo "windows: $passed passed, $failed failed"
[ "$failed" = 0 ]
