#!/usr/bin/env bash
# Builds pep466 (release) and installs it as _ssl and _hashlib into a CPython 2.7.
#
#   scripts/install.sh [--python PY27] [--prefix DIR] [--no-build] [--lib PATH]
#   scripts/install.sh --uninstall [--python PY27]
#
# Default target: the interpreter's lib-dynload (the 2.7 found as build.rs finds it: $PYTHON27,
# python2.7-config, pyenv's 2.7.18). Any file replaced there is kept in
# lib-dynload/.pep466-backup/, and --uninstall puts it back (files that did not exist before,
# such as _hashlib.so on a build whose _hashlib failed, are removed).
# --prefix DIR installs into DIR instead (for PYTHONPATH=DIR); the interpreter is not touched.
#
# One file is installed: _ssl.so is the library and _hashlib.so a symlink to it, so CPython
# loads one copy of it for both modules.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
python=""
prefix=""
build=1
lib=""
uninstall=0

usage() { sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
while [ $# -gt 0 ]; do
    case "$1" in
        --python) python=$2; shift 2 ;;
        --prefix) prefix=$2; shift 2 ;;
        --no-build) build=0; shift ;;
        --lib) lib=$2; build=0; shift 2 ;;
        --uninstall) uninstall=1; shift ;;
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
else
    dest=$("$python" -c 'import os, _struct; print(os.path.dirname(_struct.__file__))' 2>/dev/null) \
        || dest=$("$python" -c 'import sysconfig; print(sysconfig.get_path("platstdlib") + "/lib-dynload")')
fi
backup="$dest/.pep466-backup"

if [ "$uninstall" = 1 ]; then
    [ -d "$backup" ] || { echo "install.sh: nothing to uninstall in $dest" >&2; exit 1; }
    for name in _ssl.so _hashlib.so; do
        rm -f "$dest/$name"
        if [ -e "$backup/$name" ]; then mv "$backup/$name" "$dest/$name"; fi
    done
    rm -rf "$backup"
    echo "pep466 uninstalled from $dest"
    exit 0
fi

if [ "$build" = 1 ]; then
    (cd "$root" && PYTHON27="$python" cargo build --release --locked)
fi
[ -n "$lib" ] || lib="${CARGO_TARGET_DIR:-$root/target}/release/libpep466.so"
[ -f "$lib" ] || { echo "install.sh: $lib not found (build first)" >&2; exit 1; }

# Keep what we replace, once (a re-install must not back up our own files).
if [ -z "$prefix" ] && [ ! -d "$backup" ]; then
    mkdir -p "$backup"
    for name in _ssl.so _hashlib.so; do
        if [ -e "$dest/$name" ]; then cp -p "$dest/$name" "$backup/$name"; fi
    done
fi

tmp="$dest/._ssl.so.pep466-new"
cp "$lib" "$tmp"
mv -f "$tmp" "$dest/_ssl.so"
ln -sfn _ssl.so "$dest/_hashlib.so"

PYTHONPATH=${prefix:+$prefix} "$python" - "$dest" <<'PYEOF'
import os, sys
import _ssl, _hashlib, ssl, hashlib
dest = os.path.realpath(sys.argv[1])
for mod in (_ssl, _hashlib):
    where = os.path.realpath(os.path.dirname(mod.__file__))
    if where != dest:
        sys.exit("install.sh: %s is imported from %s, not %s" % (mod.__name__, where, dest))
print("pep466 installed in %s: %s, hashlib sha256 %s" % (dest, ssl.OPENSSL_VERSION, hashlib.sha256(b"").hexdigest()[:8]))
PYEOF
