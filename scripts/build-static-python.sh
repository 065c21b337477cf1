#!/usr/bin/env bash
# Build a python2.7 whose _ssl and _hashlib are builtin modules from
# libpep466.a, using only the static kit an installed CPython 2.7 ships in
# lib/python2.7/config/ (libpython2.7.a, python.o, config.c.in, makesetup,
# Setup, Setup.config, Makefile). It proves cpython-patches/2.7.18/Modules/
# Setup.local the way a source build would use it: makesetup turns the Setup
# files into config.c and the module libraries, and the link line is the one
# CPython's Makefile uses for $(BUILDPYTHON).
#
# Usage: scripts/build-static-python.sh [--out DIR] [--prefix PYTHON_PREFIX]
#                                       [--cpython-src DIR]
#
#   --out DIR          output directory (default: build/static-python);
#                      the interpreter is DIR/bin/python2.7
#   --prefix DIR       installed CPython 2.7 (default: $PYTHON27_PREFIX or
#                      /root/.pyenv/versions/2.7.18); never modified
#   --cpython-src DIR  a CPython 2.7.18 source tree: compile its Python/random.c
#                      with cpython-patches/2.7.18/Python/random.c.patch applied
#                      (in DIR/work, the tree is not touched) and link it ahead
#                      of libpython2.7.a, so os.urandom uses pep466_urandom
#
# Environment:
#   PEP466_STATICLIB   the staticlib (default target/release/libpep466.a,
#                      built with `cargo build --release` when missing)
#   PEP466_NATIVE_LIBS the staticlib's native libraries; default: printed by
#                      `cargo rustc ... --print native-static-libs` for the
#                      default staticlib, else the list below
#
# The interpreter finds its stdlib through the prefix compiled into
# libpython2.7.a (getpath.c falls back to it when no lib/python2.7/os.py lies
# above the binary), so sys.prefix is the installed prefix and nothing there is
# modified. If that check fails, bin/python2.7 becomes a wrapper that sets
# PYTHONHOME.
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
OUT=$REPO/build/static-python
PREFIX=${PYTHON27_PREFIX:-$(pyenv prefix 2.7.18 2>/dev/null || echo "$HOME/.pyenv/versions/2.7.18")}
CPYTHON_SRC=
FRAGMENT=$REPO/cpython-patches/2.7.18/Modules/Setup.local
RANDOM_PATCH=$REPO/cpython-patches/2.7.18/Python/random.c.patch
# What rustc printed for this crate on x86_64-linux-gnu with the system OpenSSL.
DEFAULT_NATIVE_LIBS="-lssl -lcrypto -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc"

die() { echo "build-static-python: $*" >&2; exit 1; }
log() { echo "build-static-python: $*" >&2; }

while [ $# -gt 0 ]; do
    case $1 in
    --out) OUT=$2; shift 2;;
    --out=*) OUT=${1#--out=}; shift;;
    --prefix) PREFIX=$2; shift 2;;
    --prefix=*) PREFIX=${1#--prefix=}; shift;;
    --cpython-src) CPYTHON_SRC=$2; shift 2;;
    --cpython-src=*) CPYTHON_SRC=${1#--cpython-src=}; shift;;
    -h|--help) sed -n '2,/^set -eu/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; exit 0;;
    *) die "unknown argument: $1 (see --help)";;
    esac
done
case $OUT in /*) ;; *) OUT=$PWD/$OUT;; esac

PYCONFIG=$PREFIX/lib/python2.7/config
STOCK=$PREFIX/bin/python2.7
for f in libpython2.7.a python.o config.c.in makesetup Setup Setup.config Makefile; do
    [ -f "$PYCONFIG/$f" ] || die "missing $PYCONFIG/$f (is $PREFIX a CPython 2.7 install?)"
done
[ -x "$STOCK" ] || die "missing $STOCK"
[ -f "$FRAGMENT" ] || die "missing $FRAGMENT"

# --- the staticlib and its native libraries ---------------------------------
NATIVE_LIBS=${PEP466_NATIVE_LIBS:-}
if [ -n "${PEP466_STATICLIB:-}" ]; then
    STATICLIB=$PEP466_STATICLIB
    [ -f "$STATICLIB" ] || die "PEP466_STATICLIB=$STATICLIB does not exist"
else
    STATICLIB=$REPO/target/release/libpep466.a
    if [ ! -f "$STATICLIB" ]; then
        log "building $STATICLIB (cargo build --release)"
        (cd "$REPO" && cargo build --release)
    fi
    if [ -z "$NATIVE_LIBS" ]; then
        # rustc prints the list only when it runs; a fresh build prints nothing
        # and we fall back to the default list (checked by the link below).
        printed=$(cd "$REPO" && cargo rustc --release --lib --crate-type staticlib \
                    -- --print native-static-libs 2>&1 | sed -n 's/.*native-static-libs: //p' | tail -n 1)
        [ -n "$printed" ] && NATIVE_LIBS=$printed
    fi
fi
case $STATICLIB in /*) ;; *) STATICLIB=$PWD/$STATICLIB;; esac
if [ -z "$NATIVE_LIBS" ]; then
    NATIVE_LIBS=$DEFAULT_NATIVE_LIBS
    log "native libs: default list ($NATIVE_LIBS)"
else
    log "native libs: $NATIVE_LIBS"
fi
# Read the symbol list once: `nm | grep -q` would fail under pipefail when grep exits early.
defined=$(nm -g --defined-only "$STATICLIB" 2>/dev/null || true)
for sym in init_ssl init_hashlib; do
    grep -qE "^[0-9a-f]+ T $sym\$" <<<"$defined" \
        || die "$STATICLIB does not define $sym"
done

# --- makesetup: Setup files -> config.c and the module libraries ------------
WORK=$OUT/work
rm -rf "$WORK"
mkdir -p "$WORK" "$OUT/bin"
cd "$WORK"
# Read before the fragment, so these definitions win (first one wins).
cat > Setup.paths <<EOF
PEP466_LIB=$STATICLIB
PEP466_LIBS=$NATIVE_LIBS
PEP466_INCLUDE=$REPO/include
EOF
# A minimal Makefile.pre: the markers makesetup fills in, and a way to print.
cat > Makefile.pre <<'EOF'
# === Definitions added by makesetup ===
MODOBJS= _MODOBJS_
MODLIBS= _MODLIBS_
pep466-print-%: ; @echo '$($*)'
EOF
# Same file order as CPython's Makefile: Setup.config Setup.local Setup, with
# our fragment as Setup.local.
sh "$PYCONFIG/makesetup" -c "$PYCONFIG/config.c.in" -s Modules -m Makefile.pre \
    Setup.paths "$PYCONFIG/Setup.config" "$FRAGMENT" "$PYCONFIG/Setup"
grep -q '{"_ssl", init_ssl}' config.c || die "makesetup did not put _ssl in config.c"
grep -q '{"_hashlib", init_hashlib}' config.c || die "makesetup did not put _hashlib in config.c"
MODLIBS=$(make -s -f Makefile pep466-print-MODLIBS)
EXTRA_CFLAGS=$(make -s -f Makefile pep466-print-EXTRA_CFLAGS)
log "MODLIBS from Setup.local: $MODLIBS"

# --- compile and link like $(BUILDPYTHON) in CPython's Makefile --------------
cfg() { "$STOCK" -E -c "import sysconfig; print(sysconfig.get_config_var('$1') or '')"; }
CC=$(cfg CC)
CFLAGS="$(cfg CFLAGS) $EXTRA_CFLAGS"
INCLUDEPY=$(cfg INCLUDEPY)
LDFLAGS=$(cfg LDFLAGS)
LINKFORSHARED=$(cfg LINKFORSHARED)
LIBS=$(cfg LIBS)
SYSLIBS=$(cfg SYSLIBS)

# shellcheck disable=SC2086
$CC $CFLAGS -DPy_BUILD_CORE -I"$INCLUDEPY" -c config.c -o config.o

EXTRA_OBJS=
if [ -n "$CPYTHON_SRC" ]; then
    [ -f "$CPYTHON_SRC/Python/random.c" ] || die "no Python/random.c in $CPYTHON_SRC"
    [ -f "$RANDOM_PATCH" ] || die "missing $RANDOM_PATCH"
    mkdir -p src/Python
    cp "$CPYTHON_SRC/Python/random.c" src/Python/random.c
    (cd src && patch -s -p1 < "$RANDOM_PATCH")
    # shellcheck disable=SC2086
    $CC $CFLAGS -DPy_BUILD_CORE -I"$INCLUDEPY" -c src/Python/random.c -o random.o
    nm random.o | grep -qE ' U pep466_urandom$' || die "patched random.o does not call pep466_urandom"
    EXTRA_OBJS=$WORK/random.o
    log "linking patched Python/random.c ahead of libpython2.7.a"
fi

# $(LINKCC) $(LDFLAGS) $(LINKFORSHARED) -o $@ Modules/python.o $(BLDLIBRARY) \
#     $(LIBS) $(MODLIBS) $(SYSLIBS) $(LDLAST), with our config.o first.
LINK=($CC $LDFLAGS $LINKFORSHARED -o "$OUT/bin/python2.7" "$PYCONFIG/python.o" "$WORK/config.o"
      $EXTRA_OBJS "$PYCONFIG/libpython2.7.a" $LIBS $MODLIBS $SYSLIBS)
printf '%q ' "${LINK[@]}" > link-line.txt; echo >> link-line.txt
log "link: $(cat link-line.txt)"
"${LINK[@]}"

# --- checks -----------------------------------------------------------------
PY=$OUT/bin/python2.7
got_prefix=$(env -u PYTHONHOME -u PYTHONPATH "$PY" -E -c 'import sys; print(sys.prefix + " " + sys.exec_prefix)')
if [ "$got_prefix" != "$PREFIX $PREFIX" ]; then
    log "sys.prefix/exec_prefix is '$got_prefix', not $PREFIX: installing a PYTHONHOME wrapper"
    mv "$PY" "$OUT/bin/python2.7-bin"
    cat > "$PY" <<EOF
#!/bin/sh
PYTHONHOME='$PREFIX'
export PYTHONHOME
exec "\$(dirname "\$0")/python2.7-bin" "\$@"
EOF
    chmod +x "$PY"
fi

env -u PYTHONPATH "$PY" - "$PREFIX" <<'EOF' || die "checks failed"
import sys
prefix = sys.argv[1]
assert sys.prefix == prefix, sys.prefix
assert sys.exec_prefix == prefix, sys.exec_prefix
for name in ('_ssl', '_hashlib'):
    assert name in sys.builtin_module_names, name
    mod = __import__(name)
    # A builtin wins over lib-dynload/_ssl.so: it has no __file__.
    assert not hasattr(mod, '__file__'), (name, mod.__file__)
import os
assert len(os.urandom(32)) == 32
print("static python OK: %s, _ssl and _hashlib builtin, sys.prefix=%s"
      % (sys.executable, sys.prefix))
EOF
