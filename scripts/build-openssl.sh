#!/usr/bin/env bash
# Build one OpenSSL line from the `openssl-src` crate (through the helper crate
# scripts/openssl-builder) and install it into a cache dir, then print that dir.
#
#   scripts/build-openssl.sh VERSION        VERSION: 1.1.1 | 3.6 | 4.0
#
#   1.1.1 -> openssl-src =111.28.2 (OpenSSL 1.1.1w; no providers)
#   3.6   -> openssl-src =300.6.1  (OpenSSL 3.6.x, the release the main crate's
#                                   Cargo.lock uses for `openssl-sys/vendored`)
#   4.0   -> openssl-src =400.0.2  (OpenSSL 4.0.x)
#
# 3.6 and 4.0 are built with openssl-src's `legacy` feature. openssl-src always
# configures `no-shared no-module`, so the legacy provider is compiled into
# lib/libcrypto.a (loadable by name, "legacy") and there is no legacy.so.
#
# Install dir: ${PEP466_OPENSSL_CACHE:-$HOME/.cache/pep466/openssl}/VERSION/
#   include/openssl/*.h, lib/libssl.a, lib/libcrypto.a, BUILD-INFO
# If that dir is already complete nothing is built. A build takes ~8 minutes
# on 2 cores; it runs under `nice -n 19`. Use it with the main crate as
#   OPENSSL_DIR=<dir> OPENSSL_STATIC=1 cargo build --release
#
# Environment: PEP466_OPENSSL_CACHE (cache root), PEP466_BUILD_JOBS (make/cargo
# jobs, default 2), PEP466_OPENSSL_REBUILD=1 (ignore a complete cache entry).
set -euo pipefail

usage() { echo "usage: $0 {1.1.1|3.6|4.0}" >&2; exit 2; }
[ $# -eq 1 ] || usage
version=$1
case "$version" in
    1.1.1) feature=openssl-111 ;;
    3.6)   feature=openssl-300 ;;
    4.0)   feature=openssl-400 ;;
    *) usage ;;
esac

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
builder="$here/openssl-builder"
cache_root=${PEP466_OPENSSL_CACHE:-$HOME/.cache/pep466/openssl}
dest="$cache_root/$version"
jobs=${PEP466_BUILD_JOBS:-2}

is_complete() {
    [ -f "$1/.pep466-complete" ] &&
    [ -f "$1/include/openssl/ssl.h" ] &&
    [ -f "$1/include/openssl/opensslv.h" ] &&
    [ -s "$1/lib/libssl.a" ] &&
    [ -s "$1/lib/libcrypto.a" ]
}

if [ "${PEP466_OPENSSL_REBUILD:-0}" != 1 ] && is_complete "$dest"; then
    echo "$dest"
    exit 0
fi

mkdir -p "$cache_root"
# One build per cache entry at a time.
exec 9>"$cache_root/.$version.lock"
flock 9
if [ "${PEP466_OPENSSL_REBUILD:-0}" != 1 ] && is_complete "$dest"; then
    echo "$dest"
    exit 0
fi

# The helper's target dir lives in the cache, not in the work tree.
export CARGO_TARGET_DIR="$cache_root/.build/$version"
echo "build-openssl: building OpenSSL $version (feature $feature) in $CARGO_TARGET_DIR" >&2
info=$(cd "$builder" && nice -n 19 cargo run --locked --release \
        -j "$jobs" --no-default-features --features "$feature")
install=$(printf '%s\n' "$info" | sed -n 's/^install=//p')
[ -n "$install" ] || { echo "build-openssl: no install dir reported" >&2; exit 1; }
[ -f "$install/lib/libssl.a" ] && [ -f "$install/lib/libcrypto.a" ] ||
    { echo "build-openssl: $install lacks lib/libssl.a or lib/libcrypto.a" >&2; exit 1; }

tmp="$dest.tmp.$$"
rm -rf "$tmp"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp"
cp -a "$install/include" "$install/lib" "$tmp/"

# Legacy provider: with `no-module` it is in libcrypto.a (ossl_legacy_provider_init).
legacy=$(printf '%s\n' "$info" | sed -n 's/^legacy_provider=//p')
if [ "$legacy" = builtin ]; then
    # (no grep -q: under pipefail an early exit of grep would fail nm with SIGPIPE)
    if nm "$tmp/lib/libcrypto.a" 2>/dev/null | grep ' T ossl_legacy_provider_init$' >/dev/null; then
        legacy="built into lib/libcrypto.a (no-module)"
    else
        echo "build-openssl: legacy provider expected in libcrypto.a but not found" >&2
        exit 1
    fi
fi
ver_text=$(grep -h -E '^# *define +OPENSSL_(VERSION_TEXT|FULL_VERSION_STR|VERSION_NUMBER)' \
           "$tmp/include/openssl/opensslv.h" | grep -v '\\$' | tr -s ' ' || true)
{
    echo "openssl line: $version"
    printf '%s\n' "$info" | sed -n 's/^openssl_src=/openssl-src crate: /p'
    echo "legacy provider: $legacy"
    # What openssl-src's Build passes to Configure on x86_64 Linux (see its lib.rs).
    if [ "$version" = 1.1.1 ]; then
        echo "configured by openssl-src: no-shared no-unit-test no-comp no-zlib no-ssl3 no-md2 no-rc5"
        echo "  no-weak-ssl-ciphers no-camellia no-idea no-seed; openssldir=/usr/local/ssl"
    else
        echo "configured by openssl-src: no-shared no-module no-tests no-comp no-zlib no-ssl3 no-md2"
        echo "  no-rc5 no-weak-ssl-ciphers no-camellia no-idea no-seed (legacy on); openssldir=/usr/local/ssl"
    fi
    echo "opensslv.h:"
    printf '%s\n' "$ver_text" | sed 's/^/  /'
    echo "use: OPENSSL_DIR=$dest OPENSSL_STATIC=1"
} > "$tmp/BUILD-INFO"
touch "$tmp/.pep466-complete"

rm -rf "$dest"
mv "$tmp" "$dest"
echo "$dest"
