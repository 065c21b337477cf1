#!/usr/bin/env bash
# Finds, or installs, what building and testing pep466 needs beyond Rust and CPython 2.7.
# One script for scripts/install.sh, scripts/test.sh's stages and .ci/run.
#
#   scripts/deps.sh              the build: a C compiler, libclang (bindgen), the OpenSSL
#                                headers, pkg-config (Debian/Ubuntu packages: gcc,
#                                libclang-dev, libssl-dev, pkg-config)
#   scripts/deps.sh --memcheck   also valgrind (the memcheck stage of scripts/test.sh)
#   scripts/deps.sh --fuzz       also cargo-fuzz (`cargo install cargo-fuzz --locked`) for
#                                scripts/fuzz.sh
#   scripts/deps.sh --windows    also the Windows stage's (scripts/windows.sh) cross tools:
#                                mingw-w64 for x86_64 and i686 (gcc-mingw-w64-x86-64,
#                                gcc-mingw-w64-i686), Wine (wine, wine64), make and perl
#                                (OpenSSL's cross build); its Rust is unpacked, not installed
#   scripts/deps.sh --clients    also the clients stage's Python 2.7 packages (pip 20.3.4,
#                                urllib3 1.26.20's sdist, its test dependencies): fetched by
#                                hash from tests/clients/requirements.txt into
#                                target/clients/cache (scripts/clients.py --fetch)
#   scripts/deps.sh --all        all of the above
#
# Missing system packages are installed with apt-get when run as root on Debian/Ubuntu;
# otherwise it prints one message naming them and exits 1. Prints nothing when all is there.
set -euo pipefail

want_memcheck=0; want_fuzz=0; want_windows=0; want_clients=0
for a in "$@"; do
    case "$a" in
        --memcheck) want_memcheck=1 ;;
        --fuzz) want_fuzz=1 ;;
        --windows) want_windows=1 ;;
        --clients) want_clients=1 ;;
        --all) want_memcheck=1; want_fuzz=1; want_windows=1; want_clients=1 ;;
        -h|--help) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "deps.sh: unknown argument $a" >&2; exit 2 ;;
    esac
done

have_pkg() {  # have_pkg DEB-PACKAGE PROBE...: installed per dpkg, or (no dpkg) the probe holds
    if command -v dpkg-query >/dev/null 2>&1; then
        [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]
    else
        shift; "$@"
    fi
}
libclang_present() { ldconfig -p 2>/dev/null | grep -q 'libclang\(-[0-9.]*\)\?\.so'; }
openssl_headers_present() { [ -f /usr/include/openssl/ssl.h ] || pkg-config --exists openssl 2>/dev/null; }

missing=()
command -v cc >/dev/null 2>&1 || missing+=(gcc)
# bindgen needs libclang itself (libclang-cpp, which fresh machines have, is not it).
have_pkg libclang-dev libclang_present || missing+=(libclang-dev)
have_pkg libssl-dev openssl_headers_present || missing+=(libssl-dev)
command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
if [ "$want_memcheck" = 1 ]; then
    command -v valgrind >/dev/null 2>&1 || missing+=(valgrind)
fi

if [ "$want_windows" = 1 ]; then
    command -v x86_64-w64-mingw32-gcc >/dev/null 2>&1 || missing+=(gcc-mingw-w64-x86-64)
    command -v i686-w64-mingw32-gcc >/dev/null 2>&1 || missing+=(gcc-mingw-w64-i686)
    # bookworm's wine64 has no /usr/bin/wine64; /usr/bin/wine (package wine) runs both.
    command -v wine >/dev/null 2>&1 || missing+=(wine)
    have_pkg wine64 true || missing+=(wine64)
    command -v make >/dev/null 2>&1 || missing+=(make)
    command -v perl >/dev/null 2>&1 || missing+=(perl)
fi

if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "deps.sh: installing ${missing[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    else
        echo "deps.sh: missing ${missing[*]}: install them (Debian/Ubuntu: sudo apt-get install ${missing[*]}) or run this script as root" >&2
        exit 1
    fi
fi

if [ "$want_fuzz" = 1 ] && ! cargo fuzz --version >/dev/null 2>&1; then
    echo "deps.sh: installing cargo-fuzz"
    cargo install cargo-fuzz --locked --quiet
fi

if [ "$want_clients" = 1 ]; then
    # Prints nothing when target/clients/cache already holds every pinned file.
    python3 "$(dirname "${BASH_SOURCE[0]}")/clients.py" --fetch
fi
