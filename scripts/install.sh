#!/usr/bin/env bash
# Builds pep466 (release) and installs it into a CPython 2.7: the C modules _ssl and _hashlib,
# and the Lib layer (2.7.18's ssl.py, hashlib.py, hmac.py with pep466's patches from
# cpython-patches/2.7.18/Lib/, made by scripts/lib-layer.py; only files that have a patch).
#
#   scripts/install.sh [--python PY27] [--prefix DIR] [--modules-only] [--no-build] [--lib PATH]
#   scripts/install.sh --uninstall [--python PY27]
#
# Default target: the interpreter found as build.rs finds it ($PYTHON27, python2.7-config,
# pyenv's 2.7.18): the modules go to its lib-dynload, the Lib files replace lib/python2.7's
# own (their stale .pyc/.pyo are removed). Every file replaced is kept in
# lib-dynload/.pep466-backup/, and --uninstall puts it back (files that did not exist before,
# such as _hashlib.so on a build whose _hashlib failed, are removed). The Lib patches are
# applied only to 2.7.18's exact files; a modified original is refused before anything changes.
# --prefix DIR installs all of it into DIR instead (for PYTHONPATH=DIR, where it shadows the
# stdlib's files); the interpreter is not touched.
# --modules-only installs just the two C modules; the Lib files are left as they are.
#
# _ssl.so is the library and _hashlib.so a symlink to it, so CPython loads one copy of it for
# both modules.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
python=""
prefix=""
build=1
lib=""
uninstall=0
modules_only=0
lib_files="ssl.py hashlib.py hmac.py"  # what a Lib patch may exist for

usage() { sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
while [ $# -gt 0 ]; do
    case "$1" in
        --python) python=$2; shift 2 ;;
        --prefix) prefix=$2; shift 2 ;;
        --no-build) build=0; shift ;;
        --lib) lib=$2; build=0; shift 2 ;;
        --uninstall) uninstall=1; shift ;;
        --modules-only) modules_only=1; shift ;;
        -h|--help) usage ;;
        *) echo "install.sh: unknown argument $1" >&2; usage ;;
    esac
done

find_python() {
    if [ -n "${PYTHON27:-}" ]; then echo "$PYTHON27"; return; fi
    if command -v python2.7-config >/dev/null 2>&1; then
        local p; p=$(python2.7-config --prefix 2>/dev/null) && [ -x "$p/bin/python2.7" ] && { echo "$p/bin/python2.7"; return; }
    fi
    if command -v pyenv >/dev/null 2>&1; then
        local p; p=$(pyenv prefix 2.7.18 2>/dev/null) && [ -x "$p/bin/python2.7" ] && { echo "$p/bin/python2.7"; return; }
    fi
    [ -x "$HOME/.pyenv/versions/2.7.18/bin/python2.7" ] && { echo "$HOME/.pyenv/versions/2.7.18/bin/python2.7"; return; }
    command -v python2.7 || { echo "install.sh: no CPython 2.7 found; use --python" >&2; exit 1; }
}
[ -n "$python" ] || python=$(find_python)
"$python" -c 'import sys; assert sys.version_info[:2] == (2, 7)' \
    || { echo "install.sh: $python is not a Python 2.7" >&2; exit 1; }

if [ -n "$prefix" ]; then
    dest=$prefix
    mkdir -p "$dest"
    libdest=$dest
else
    dest=$("$python" -c 'import os, _struct; print(os.path.dirname(_struct.__file__))' 2>/dev/null) \
        || dest=$("$python" -c 'import sysconfig; print(sysconfig.get_path("platstdlib") + "/lib-dynload")')
    # lib/python2.7 itself: it comes before lib-dynload on sys.path, so a ssl.py put in
    # lib-dynload would never be imported.
    libdest=$(env -u PYTHONPATH "$python" -c 'import os; print(os.path.dirname(os.__file__))')
fi
backup="$dest/.pep466-backup"

if [ "$uninstall" = 1 ]; then
    [ -d "$backup" ] || { echo "install.sh: nothing to uninstall in $dest" >&2; exit 1; }
    for name in _ssl.so _hashlib.so; do
        rm -f "$dest/$name"
        if [ -e "$backup/$name" ]; then mv "$backup/$name" "$dest/$name"; fi
    done
    # A Lib file was replaced if its original is in the backup (with its .pyc/.pyo, if any).
    for name in $lib_files; do
        [ -e "$backup/$name" ] || continue
        for f in "$name" "${name}c" "${name}o"; do
            rm -f "$libdest/$f"
            if [ -e "$backup/$f" ]; then mv "$backup/$f" "$libdest/$f"; fi
        done
    done
    rm -rf "$backup"
    echo "pep466 uninstalled from $dest"
    exit 0
fi

if [ "$build" = 1 ]; then
    # A C compiler, libclang (bindgen), the OpenSSL headers, pkg-config: found, or installed
    # with apt-get when run as root, or named in one message.
    "$root/scripts/deps.sh"
    (cd "$root" && PYTHON27="$python" cargo build --release --locked)
fi
[ -n "$lib" ] || lib="${CARGO_TARGET_DIR:-$root/target}/release/libpep466.so"
[ -f "$lib" ] || { echo "install.sh: $lib not found (build first)" >&2; exit 1; }

# The patched Lib files, made (and their originals checked) before anything is changed.
layer=$(mktemp -d)
trap 'rm -rf "$layer"' EXIT
if [ "$modules_only" = 0 ]; then
    "$python" "$root/scripts/lib-layer.py" --python "$python" --out "$layer" >/dev/null || {
        echo "install.sh: nothing installed; --modules-only installs the C modules alone" >&2
        exit 1
    }
fi
new_lib=$(cd "$layer" && ls)

# Keep what we replace, once (a re-install must not back up our own files).
if [ -z "$prefix" ] && [ ! -d "$backup" ]; then
    mkdir -p "$backup"
    for name in _ssl.so _hashlib.so; do
        if [ -e "$dest/$name" ]; then cp -p "$dest/$name" "$backup/$name"; fi
    done
fi
if [ -z "$prefix" ]; then
    for name in $new_lib; do
        # Not backed up yet (first install, or after a --modules-only one): the interpreter's
        # file is the original lib-layer.py just checked.
        [ -e "$backup/$name" ] && continue
        for f in "$name" "${name}c" "${name}o"; do
            if [ -e "$libdest/$f" ]; then cp -p "$libdest/$f" "$backup/$f"; fi
        done
    done
fi

tmp="$dest/._ssl.so.pep466-new"
cp "$lib" "$tmp"
mv -f "$tmp" "$dest/_ssl.so"
ln -sfn _ssl.so "$dest/_hashlib.so"
for name in $new_lib; do
    cp "$layer/$name" "$libdest/.$name.pep466-new"
    mv -f "$libdest/.$name.pep466-new" "$libdest/$name"
    rm -f "$libdest/${name}c" "$libdest/${name}o"
    "$python" -c 'import py_compile, sys; py_compile.compile(sys.argv[1], doraise=True)' "$libdest/$name"
done

PYTHONPATH=${prefix:+$prefix} "$python" - "$dest" "$libdest" $new_lib <<'PYEOF'
import os, sys
import _ssl, _hashlib, ssl, hashlib
dest, libdest = os.path.realpath(sys.argv[1]), os.path.realpath(sys.argv[2])
mods = [(_ssl, dest), (_hashlib, dest)]
mods += [(__import__(name[:-3]), libdest) for name in sys.argv[3:]]
for mod, want in mods:
    where = os.path.realpath(os.path.dirname(mod.__file__))
    if where != want:
        sys.exit("install.sh: %s is imported from %s, not %s" % (mod.__name__, where, want))
print("pep466 installed in %s: %s, hashlib sha256 %s" % (dest, ssl.OPENSSL_VERSION, hashlib.sha256(b"").hexdigest()[:8]))
if sys.argv[3:]:
    print("pep466 Lib layer installed in %s: %s" % (libdest, " ".join(sys.argv[3:])))
PYEOF
