#!/usr/bin/env bash
# Runs every test of pep466 (the README's test command):
#   1. Rust tests: unit tests (error mapping, tables, panic boundary on an embedded 2.7, layout),
#      the header-freshness test, the symbol/link-line tests; the compile-fail proof that a
#      method table entry of the wrong calling convention does not compile;
#   2. the error tables are fresh for the linked OpenSSL and for the 1.1.1 and 4.0 headers
#      (scripts/make_ssl_data.py --check); 2b. licences: THIRD-PARTY-LICENSES.txt is current
#      (scripts/third-party-licenses.py --check) and the patched MSI and macOS installer scripts
#      ship it (scripts/installer-licences.py, run by 2.7 on the pristine tree);
#   3. our own Python 2.7 tests (tests/python) against the release cdylib, then the py3parity
#      differential suite (tests/py3parity: the same scenarios under 2.7 + pep466 and Python 3);
#   4. CPython 2.7.18's own suites, in place, against the cdylib (test_ssl under the system and
#      a permissive OpenSSL policy), failures checked against tests/expected-failures.txt; twice:
#      on 2.7.18's own Lib files (ssl.py...), then on our Lib layer (cpython-patches/2.7.18/Lib);
#   4b. clients: pip 20.3.4 and 19.2.3 over TLS to a loopback HTTPS index, and urllib3 1.26.20's
#      own TLS tests, under 2.7 with our modules and Lib layer (scripts/clients.py; packages
#      pinned by hash in tests/clients/requirements.txt, cached in target/clients; about 2
#      minutes when cached, most of it urllib3's three 2 GiB transfers);
#   5. the same core suites on a python2.7 with _ssl/_hashlib linked in statically;
#   6. the staticlib's link line (rustc's native-static-libs) is the one README.md documents;
#   6b. windows: the Windows code cross-built on Linux (scripts/windows.sh): the library for
#      x86_64-pc-windows-gnu against 2.7.18's Windows headers, tests/windows.rs run under Wine
#      (crypt32 certificate stores, a handshake trusted through them, urandom), pep466.dll linked against python27.dll's import library,
#      and `cargo check` for x86_64- and i686-pc-windows-msvc (18.5 minutes from a clean
#      target/ on a busy 2-core machine, mostly OpenSSL's cross build; 27 s when cached);
#   7. fuzz: each cargo-fuzz target for 30 s (PEP466_FUZZ_SECONDS) over its seed corpus and
#      regression inputs (scripts/fuzz.sh);
#   8. memcheck: valgrind over our Python tests, test_ssl, test_hashlib, test_hmac and the fuzz
#      harness (scripts/valgrind.sh), failing on any error attributed to our library;
#   9. soak: 100 000 TLS handshakes and 1 000 000 hash/HMAC objects, RSS flat (scripts/soak.py);
#  10. pristine CPython 2.7.18 source builds with the modules builtin and os.urandom through
#      pep466, and the suites on each (scripts/build-cpython.sh): the default UCS2 build,
#      --enable-unicode=ucs4 and --with-pydebug (about 5.5 minutes for the three from a clean
#      target/ on this 2-core machine kind, 1.5 minutes when target/cpython is cached).
# Each stage prints its counts; the last line sums them.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

status=0
summary=()
log=$(mktemp -d)
trap 'rm -rf "$log"' EXIT

stage() {  # stage NAME COMMAND...: runs it, keeps the "... N passed, N failed" line
    local name=$1; shift
    echo "==== $name: $*"
    local start=$SECONDS
    if "$@" 2>&1 | tee "$log/$name.out"; then :; else status=1; echo "==== $name FAILED"; fi
    echo "==== $name: $((SECONDS - start)) s"
    summary+=("$(grep -E '[0-9]+ passed, [0-9]+ failed' "$log/$name.out" | tail -1)")
}

cargo_tests() {
    cargo build --release --locked || return 1
    cargo test --locked 2>&1 | tee "$log/cargo.out"
    local rc=${PIPESTATUS[0]}
    # Sum cargo's "test result:" lines into one line for the summary.
    awk '/^test result:/ { p += $4; f += $6 } END { printf "rust tests: %d passed, %d failed\n", p, f }' \
        "$log/cargo.out"
    return "$rc"
}

stage rust cargo_tests
# A method registered under the wrong calling convention must not compile (src/py/boundary.rs).
stage kinds scripts/check-method-kinds.sh
error_tables() {
    # Each OpenSSL line's table against its headers: the linked (system) OpenSSL's, then the
    # 1.1.1 and 4.0 sources of the openssl-src crates the matrix builds pin
    # (scripts/openssl-builder/Cargo.lock; fetched, not built).
    local passed=0 failed=0 v dir
    if python3 scripts/make_ssl_data.py --check; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
    cargo fetch --locked --manifest-path scripts/openssl-builder/Cargo.toml >/dev/null 2>&1 || {
        echo "cannot fetch the openssl-src crates"; failed=$((failed + 1)); }
    for v in 111.28.2 400.0.2; do
        dir=$(ls -d "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/openssl-src-"$v"+*/openssl/include/openssl 2>/dev/null | head -1)
        if [ -n "$dir" ] && python3 scripts/make_ssl_data.py --check --include "$dir"; then
            passed=$((passed + 1))
        else
            echo "openssl-src $v: headers missing or table stale"; failed=$((failed + 1))
        fi
    done
    echo "error tables: $passed passed, $failed failed"
    [ "$failed" -eq 0 ]
}
stage tables error_tables
licences() {
    # THIRD-PARTY-LICENSES.txt must list what Cargo.lock links now, and the MSI's and the macOS
    # installer's patched licence steps must ship it (run by 2.7 on the pristine 2.7.18 tree).
    local src py27 fresh=0
    python3 scripts/third-party-licenses.py --check && fresh=1
    echo "licence file: $fresh passed, $((1 - fresh)) failed"
    src=$(scripts/build-cpython.sh --source-only 2>/dev/null | tail -1)
    py27=$(python3 -c 'import sys; sys.path.insert(0, "tests/python"); import pep466_support as s; print(s.find_python27())')
    local out p f
    out=$("$py27" scripts/installer-licences.py "$src" .)
    echo "$out"
    p=$(sed -n 's/^installer licences: \([0-9]*\) passed.*/\1/p' <<<"$out")
    f=$(sed -n 's/^installer licences: .* \([0-9]*\) failed/\1/p' <<<"$out")
    [ -n "$p" ] || { p=0; f=1; }   # did not run
    echo "licences: $((p + fresh)) passed, $((f + 1 - fresh)) failed"
    [ "$fresh" = 1 ] && [ "$f" = 0 ]
}
stage licences licences
stage own python3 tests/python/run.py --lib target/release/libpep466.so
stage py3parity python3 tests/py3parity/run.py --lib target/release/libpep466.so
stage stdlib python3 scripts/run-stdlib-suites.py --lib target/release/libpep466.so
stage stdlib-ourlib python3 scripts/run-stdlib-suites.py --lib target/release/libpep466.so --lib-layer
clients() {
    scripts/deps.sh --clients || return 1
    python3 scripts/clients.py --lib target/release/libpep466.so --only ours
}
stage clients clients
static_suites() {
    scripts/build-static-python.sh --out target/static-python || return 1
    python3 scripts/run-stdlib-suites.py --static-python target/static-python/bin/python2.7 \
        --suites test_ssl test_hashlib test_hmac --policy system
}
stage static static_suites
link_line() {
    # What rustc says the staticlib needs must be the line README.md documents (and
    # tests/symbols.rs links with).
    local got
    got=$(cargo rustc --release --locked --lib --crate-type staticlib -- --print native-static-libs 2>&1 \
        | sed -n 's/.*native-static-libs: //p' | tail -1)
    if [ -n "$got" ] && grep -qF -- "$got" README.md; then
        echo "link line: 1 passed, 0 failed ($got)"
    else
        echo "README.md does not give rustc's link line: '$got'"
        echo "link line: 0 passed, 1 failed"
        return 1
    fi
}
stage linkline link_line
stage windows scripts/windows.sh
# Coverage-guided fuzzing: every cargo-fuzz target for 30 s over its seeds and regressions.
stage fuzz scripts/fuzz.sh --time "${PEP466_FUZZ_SECONDS:-30}"
# valgrind memcheck over our Python tests and CPython's test_ssl, test_hashlib, test_hmac
# (plus the fuzz harness): fails on any error whose stack reaches our library.
memcheck() {
    scripts/deps.sh --memcheck || return 1
    local out="$log/memcheck"
    scripts/valgrind.sh --out "$out" own hashlib hmac ssl-context ssl-basic ssl-threaded \
        ssl-threaded-permissive fuzz
}
stage memcheck memcheck
# RSS soak: 100 000 TLS handshakes over memory BIOs, 1 000 000 hash/HMAC objects.
soak() {
    local py
    py=$(python3 -c 'import sys; sys.path.insert(0, "tests/python"); import pep466_support as s; print(s.find_python27())')
    "$py" scripts/soak.py --lib target/release/libpep466.so
}
stage soak soak
for variant in ucs2 ucs4 pydebug; do
    stage "cpython-$variant" scripts/build-cpython.sh --variant "$variant"
done

passed=0; failed=0
for line in "${summary[@]}"; do
    [ -n "$line" ] || continue
    echo "  $line"
    p=$(sed -E 's/.* ([0-9]+) passed.*/\1/' <<<"$line"); f=$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$line")
    passed=$((passed + p)); failed=$((failed + f))
done
[ "$status" = 0 ] || [ "$failed" -gt 0 ] || failed=1
echo "all: $passed passed, $failed failed"
exit "$status"
