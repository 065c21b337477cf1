#!/usr/bin/env bash
# A pristine CPython 2.7.18 source build with pep466's _ssl and _hashlib builtin: exactly the
# redistributor steps of cpython-patches/README.md ("Unix source build"), then the tests.
#
#   scripts/build-cpython.sh [--variant ucs2|ucs4|pydebug]... [--no-test] [--jobs N]
#   scripts/build-cpython.sh --source-only   steps 1-2 only (the checked pristine tree), then
#                                            print its path (scripts/windows.sh reads its
#                                            Include/ and PC/pyconfig.h)
#
# (default: --variant ucs2). Steps:
#   1. the source: Debian's bullseye source package python2.7, whose orig tarball is the
#      upstream Python-2.7.18.tgz, fetched with `apt-get source --download-only` through a
#      private sources list (deb-src, suite bullseye) whose URI is the one this machine's own
#      /etc/apt/sources.list.d entries use for Debian; its sha256 is checked;
#   2. cpython-patches/check-patches.sh on the pristine tree (no offset, no fuzz), then every
#      patch that a Unix build uses applied: setup.py, Python/random.c, Lib/*.patch;
#   3. per variant, in its own build folder (a VPATH build): Modules/Setup.local from
#      cpython-patches, configure (default = UCS2; ucs4 = --enable-unicode=ucs4; pydebug =
#      --with-pydebug), then pep466 built as a staticlib against *that* tree
#      (PEP466_PYTHON_INCLUDE=<src>/Include:<build>), its native libraries written into
#      Setup.local, then make: _ssl/_hashlib builtin, os.urandom through pep466_urandom;
#   4. unless --no-test: CPython's test_ssl, test_hashlib, test_hmac (scripts/run-stdlib-suites.py
#      --static-python, against tests/expected-failures.txt), the py3parity suite, test_os's
#      urandom classes, and tests/cpython/ (the core's os.urandom through pep466) on the result.
#
# Everything lives under target/cpython/ (tarball, trees, builds, cargo's own target dir) and
# is reused by later runs; a fresh checkout (CI) starts from nothing.
# Each variant prints `cpython-<variant>: N passed, N failed`.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WORK=${PEP466_CPYTHON_WORK:-$ROOT/target/cpython}
VERSION=2.7.18
SHA256=da3080e3b488f648a3d7a4560ddee895284c3380b11d6de75edb986526b9a814
TARBALL=$WORK/python2.7_$VERSION.orig.tar.gz
PATCHES=$ROOT/cpython-patches/$VERSION

variants=()
test=1
source_only=0
jobs=$(nproc 2>/dev/null || echo 2)
while [ $# -gt 0 ]; do
    case $1 in
        --variant) variants+=("$2"); shift 2 ;;
        --no-test) test=0; shift ;;
        --source-only) source_only=1; shift ;;
        --jobs) jobs=$2; shift 2 ;;
        -h|--help) sed -n '2,30p' "$0"; exit 0 ;;
        *) echo "unknown argument $1" >&2; exit 2 ;;
    esac
done
[ ${#variants[@]} -gt 0 ] || variants=(ucs2)
for v in "${variants[@]}"; do
    case $v in ucs2|ucs4|pydebug) ;; *) echo "unknown variant $v" >&2; exit 2 ;; esac
done

log() { echo "build-cpython: $*" >&2; }
die() { echo "build-cpython: $*" >&2; exit 1; }
mkdir -p "$WORK"

# --- 1. the pristine tarball ---------------------------------------------------------------
# The Debian mirror this machine already uses: deb822 .sources stanzas or one-line .list entries
# whose suite is the host's own release (so not -security or a third-party repository).
debian_uri() {
    local codename
    codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
    [ -n "$codename" ] || return 1
    {
        for f in /etc/apt/sources.list.d/*.sources; do
            [ -f "$f" ] || continue
            awk -v c="$codename" '
                /^[[:space:]]*$/ { if (ok && uri) print uri; uri = ""; ok = 0; next }
                /^URIs:/ { uri = $2 }
                /^Suites:/ { for (i = 2; i <= NF; i++) if ($i == c) ok = 1 }
                END { if (ok && uri) print uri }' "$f"
        done
        for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
            [ -f "$f" ] || continue
            awk -v c="$codename" '$1 == "deb" && $0 !~ /^#/ {
                    i = 2; if ($i ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
                    if ($(i + 1) == c) print $i }' "$f"
        done
    } | head -1
}

fetch_tarball() {
    local apt=$WORK/apt uri
    uri=$(debian_uri) || true
    [ -n "$uri" ] || die "no Debian entry in /etc/apt/sources.list.d to take the archive URI from"
    log "fetching the python2.7 source package (bullseye) from this machine's Debian mirror"
    rm -rf "$apt"
    mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$apt/dl"
    echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $uri bullseye main" \
        > "$apt/sources.list"
    local opts=(-o "Dir::Etc::SourceList=$apt/sources.list" -o Dir::Etc::SourceParts=/dev/null
                -o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt/cache"
                -o APT::Sandbox::User="$(id -un)" -q)
    apt-get "${opts[@]}" update >/dev/null
    (cd "$apt/dl" && apt-get "${opts[@]}" source --download-only python2.7 >/dev/null)
    [ -f "$apt/dl/python2.7_$VERSION.orig.tar.gz" ] || die "apt-get source did not fetch the orig tarball"
    mv "$apt/dl/python2.7_$VERSION.orig.tar.gz" "$TARBALL.part"
    rm -rf "$apt"
    echo "$SHA256  $TARBALL.part" | sha256sum -c --quiet - || die "sha256 mismatch: not Python-$VERSION.tgz"
    mv "$TARBALL.part" "$TARBALL"
}

[ -f "$TARBALL" ] || fetch_tarball
echo "$SHA256  $TARBALL" | sha256sum -c --quiet - || die "cached $TARBALL has the wrong sha256"

# --- 2. the patched tree -------------------------------------------------------------------
# Every patch (Windows and macOS ones too) is checked on a pristine tree on every run.
PRISTINE=$WORK/pristine/Python-$VERSION
if [ ! -f "$PRISTINE/.pep466-pristine" ]; then
    rm -rf "$WORK/pristine"; mkdir -p "$WORK/pristine"
    tar -xzf "$TARBALL" -C "$WORK/pristine"
    touch "$PRISTINE/.pep466-pristine"   # check-patches.sh only dry-runs: never modified
fi
"$ROOT/cpython-patches/check-patches.sh" "$PRISTINE" "$VERSION" >&2 \
    || die "cpython-patches do not apply exactly to the pristine $VERSION tree"
if [ "$source_only" = 1 ]; then echo "$PRISTINE"; exit 0; fi
# The build tree has the patches a Unix build applies; it (and the builds) are made again when
# those or Setup.local change.
SRC=$WORK/Python-$VERSION
mapfile -t UNIX_PATCHES < <(cd "$PATCHES" && ls setup.py.patch Python/random.c.patch Lib/*.patch)
stamp_of_patches() {
    (cd "$PATCHES" && cat "${UNIX_PATCHES[@]}" Modules/Setup.local) | sha256sum | cut -c1-16
}
patch_stamp=$(stamp_of_patches)
if [ "$(cat "$SRC/.pep466-patched" 2>/dev/null)" != "$patch_stamp" ]; then
    log "making the patched tree"
    rm -rf "$SRC" "$WORK"/build-*
    tar -xzf "$TARBALL" -C "$WORK"
    for p in "${UNIX_PATCHES[@]}"; do
        patch -s -p1 -F0 -N -d "$SRC" < "$PATCHES/$p"
    done
    echo "$patch_stamp" > "$SRC/.pep466-patched"
fi

# --- 3. and 4. per variant -----------------------------------------------------------------
CARGO_DIR=$WORK/cargo
summary=()
overall=0

build_variant() {  # build_variant VARIANT: configure, pep466, make
    local v=$1 build=$WORK/build-$1 flags=()
    case $v in
        ucs4) flags=(--enable-unicode=ucs4) ;;
        pydebug) flags=(--with-pydebug) ;;
    esac
    # Rebuild when the Rust sources changed (cargo decides; its output is copied only if new).
    mkdir -p "$build/Modules"
    if [ ! -f "$build/Makefile" ]; then
        log "[$v] configure ${flags[*]:-}"
        # Setup.local before configure (the README's order): PEP466_LIBS is filled in below.
        sed -e "s|^PEP466_LIB=.*|PEP466_LIB=$build/libpep466.a|" \
            -e "s|^PEP466_INCLUDE=.*|PEP466_INCLUDE=$ROOT/include|" \
            "$PATCHES/Modules/Setup.local" > "$build/Modules/Setup.local"
        (cd "$build" && "$SRC/configure" -q --prefix="$build/install" "${flags[@]}" >/dev/null)
    fi
    log "[$v] building pep466 against $SRC/Include and $build/pyconfig.h"
    local out libs
    out=$(cd "$ROOT" && PEP466_PYTHON_INCLUDE="$SRC/Include:$build" CARGO_TARGET_DIR="$CARGO_DIR" \
          cargo rustc --release --locked --lib --crate-type staticlib -- --print native-static-libs 2>&1) \
        || { echo "$out" >&2; die "[$v] cargo failed"; }
    libs=$(sed -n 's/.*native-static-libs: //p' <<<"$out" | tail -1)
    [ -n "$libs" ] || die "[$v] cargo printed no native-static-libs"
    # makesetup puts the archive into $(MODLIBS), which is not a prerequisite of the python
    # target: when the archive changed, remove the interpreter so that make links it again.
    if ! cmp -s "$CARGO_DIR/release/libpep466.a" "$build/libpep466.a"; then
        cp "$CARGO_DIR/release/libpep466.a" "$build/libpep466.a"
        rm -f "$build/python"
    fi
    sed -i "s|^PEP466_LIBS=.*|PEP466_LIBS=$libs|" "$build/Modules/Setup.local"
    log "[$v] make -j$jobs"
    (cd "$build" && nice make -j"$jobs" -s >make.log 2>&1) || { tail -30 "$build/make.log" >&2; die "[$v] make failed"; }
    "$build/python" -c 'import sys; assert "_ssl" in sys.builtin_module_names and "_hashlib" in sys.builtin_module_names, sys.builtin_module_names' \
        || die "[$v] _ssl/_hashlib are not builtin"
}

count() {  # count LOGFILE: the last "N passed, N failed" of a log -> "N N"
    grep -E '[0-9]+ passed, [0-9]+ failed' "$1" | tail -1 | sed -E 's/.* ([0-9]+) passed, ([0-9]+) failed.*/\1 \2/'
}

test_variant() {
    local v=$1 build=$WORK/build-$1 py=$WORK/build-$1/python logs=$WORK/logs-$1 p=0 f=0 rc=0 n
    rm -rf "$logs"; mkdir -p "$logs"
    run() {  # run NAME COMMAND...: its counts join the variant's
        local name=$1; shift
        log "[$v] $name"
        "$@" > "$logs/$name.out" 2>&1 || rc=1
        tail -3 "$logs/$name.out" | sed "s/^/[$v] /"
        n=$(count "$logs/$name.out")
        if [ -n "$n" ]; then p=$((p + ${n% *})); f=$((f + ${n#* })); else f=$((f + 1)); rc=1; fi
    }
    run stdlib python3 "$ROOT/scripts/run-stdlib-suites.py" --static-python "$py" \
        --suites test_ssl test_hashlib test_hmac --policy system --logs "$logs/suites"
    run py3parity python3 "$ROOT/tests/py3parity/run.py" --python27 "$py" --builtin --jobs 2
    run test_os-urandom python3 "$ROOT/tests/cpython/run.py" --python "$py" --unittest \
        test.test_os.URandomTests test.test_os.URandomFDTests
    export PEP466_VARIANT=$v
    run core python3 "$ROOT/tests/cpython/run.py" --python "$py" \
        "$ROOT/tests/cpython/test_core.py"
    echo "cpython-$v: $p passed, $f failed"
    [ "$rc" = 0 ] && [ "$f" = 0 ]
}

for v in "${variants[@]}"; do
    start=$(date +%s)
    build_variant "$v"
    log "[$v] built in $(( $(date +%s) - start )) s"
    if [ "$test" = 1 ]; then
        test_variant "$v" || overall=1
        log "[$v] built and tested in $(( $(date +%s) - start )) s"
    fi
done
exit $overall
