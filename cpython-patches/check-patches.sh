#!/usr/bin/env bash
# Dry-run every pep466 patch for a CPython release against its source tree.
#
# Usage: cpython-patches/check-patches.sh CPYTHON_SRC_DIR [VERSION]
#   VERSION defaults to 2.7.18 (the directory under cpython-patches/).
# Nothing in CPYTHON_SRC_DIR is modified. Exit status 0 when every patch
# applies exactly (no fuzz, no offset), 1 otherwise.
#
# The PCbuild/*.patch files carry CRLF lines, as the PCbuild files in the
# release tarball and in a git checkout (.gitattributes eol=crlf) do; --binary
# keeps GNU patch from touching the line ends.
set -eu
src=${1:?usage: check-patches.sh CPYTHON_SRC_DIR [VERSION]}
ver=${2:-2.7.18}
here=$(cd "$(dirname "$0")" && pwd)
dir=$here/$ver
[ -d "$dir" ] || { echo "no patches for $ver in $dir" >&2; exit 1; }
[ -f "$src/Include/patchlevel.h" ] || { echo "$src is not a CPython source tree" >&2; exit 1; }
grep -q "PY_VERSION[[:space:]]*\"$ver\"" "$src/Include/patchlevel.h" \
    || echo "warning: $src is not CPython $ver" >&2
status=0
for p in $(cd "$dir" && find . -name '*.patch' | sed 's|^\./||' | sort); do
    # -F0 refuses fuzz; a hunk that applies at another line ("offset N lines") is refused
    # too: the patches must match the release exactly.
    if out=$(patch -p1 --dry-run --binary -F0 -N -d "$src" < "$dir/$p" 2>&1) \
        && ! grep -qiE 'offset|fuzz' <<<"$out"; then
        echo "ok    $p"
    else
        echo "FAIL  $p"; echo "$out" | sed 's/^/      /'; status=1
    fi
done
exit $status
