#!/usr/bin/env bash
# Runs valgrind memcheck over CPython 2.7 with our _ssl/_hashlib, and summarises the errors
# and definite leaks whose stacks reach libpep466.so.
#
#   scripts/valgrind.sh [--lib target/release/libpep466.so] [--out DIR] [suite ...]
#
# Suites: own (tests/python/test_*.py but the four OWN_SKIP names below), hashlib, hmac, ssl-context, ssl-basic, ssl-threaded,
# ssl-threaded-permissive (ThreadedTests with TLS 1.0/1.1 allowed again through OPENSSL_CONF,
# as scripts/run-stdlib-suites.py --policy permissive does, so the handshakes the system policy
# refuses run too), fuzz (fuzz/fuzz_inputs.py, 100 inputs per target), or "all" (the default). Each run writes DIR/<suite>[-<file>].log (valgrind) and .out (the
# test output); the summary lists, per log, the error count and the libpep466 records.
#
# CPython 2.7 is not built --with-valgrind and has no PYTHONMALLOC: obmalloc's arena checks
# are silenced with scripts/valgrind-python27.supp. Build with debug info (the release
# profile has debug=1) so frames have file:line.
set -u
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(dirname "$HERE")"
LIB="$ROOT/target/release/libpep466.so"
OUT="${TMPDIR:-/tmp}/pep466-valgrind"
PY27="${PYTHON27:-}"
if [ -z "$PY27" ]; then
    PY27="$(pyenv prefix 2.7.18 2>/dev/null)/bin/python2.7"
    [ -x "$PY27" ] || PY27="$(command -v python2.7)"
fi
SUITES=()
while [ $# -gt 0 ]; do
    case "$1" in
        --lib) LIB="$2"; shift 2 ;;
        --out) OUT="$2"; shift 2 ;;
        -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
        *) SUITES+=("$1"); shift ;;
    esac
done
[ ${#SUITES[@]} -eq 0 ] && SUITES=(all)
command -v valgrind >/dev/null || { echo "valgrind is not installed (apt-get install valgrind)"; exit 2; }
[ -f "$LIB" ] || { echo "no $LIB: build first (cargo build --release)"; exit 2; }

mkdir -p "$OUT"
LIBDIR="$(mktemp -d "${TMPDIR:-/tmp}/pep466-vg-lib.XXXXXX")"
trap 'rm -rf "$LIBDIR"' EXIT
ln -sf "$(readlink -f "$LIB")" "$LIBDIR/_ssl.so"
ln -sf "$(readlink -f "$LIB")" "$LIBDIR/_hashlib.so"
# Fails early unless the modules under test are ours.
PYTHONPATH="$LIBDIR" "$PY27" -c 'import _ssl, _hashlib, sys
for m in (_ssl, _hashlib):
    assert m.__file__.startswith(sys.argv[1]), m.__file__
print("modules: %s, %s" % (_ssl.__file__, _hashlib.__file__))' "$LIBDIR" || exit 2
STDLIB="$("$PY27" -c 'import os, sys; print(os.path.dirname(os.__file__))')"

VG=(valgrind --tool=memcheck --error-limit=no --num-callers=40
    --suppressions="$HERE/valgrind-python27.supp"
    --leak-check=full --show-leak-kinds=definite --errors-for-leak-kinds=definite
    --track-origins=yes)

run() {  # run NAME CWD ARGS...
    local name="$1" cwd="$2"; shift 2
    echo "== $name"
    local start=$SECONDS
    (cd "$cwd" && PYTHONPATH="$LIBDIR" PEP466_LIBDIR="$LIBDIR" PEP466_PYTHON27="$PY27" \
        "${VG[@]}" --log-file="$OUT/$name.log" "$PY27" "$@" >"$OUT/$name.out" 2>&1)
    echo "$? $((SECONDS - start))" >"$OUT/$name.status"
    tail -n 3 "$OUT/$name.out" | sed 's/^/   /'
    echo "   ($((SECONDS - start)) s)"
}

want() {
    local s
    for s in "${SUITES[@]}"; do
        [ "$s" = all ] || [ "$s" = "$1" ] && return 0
    done
    return 1
}

# Our own tests, except those whose work runs in child interpreters valgrind does not follow
# (test_install, test_fuzz: the "fuzz" suite runs that harness itself under valgrind), the
# RSS soak (test_leaks: hours under valgrind; scripts/soak.py runs it at full speed and
# memcheck's leak check covers leaks here) and the 4 GiB SHA-3 input of test_cve_2022_37454.
OWN_SKIP="test_install.py test_fuzz.py test_leaks.py test_cve_2022_37454.py"
if want own; then
    for f in "$ROOT"/tests/python/test_*.py; do
        case " $OWN_SKIP " in *" $(basename "$f") "*) continue ;; esac
        # test_connection_threads runs each scenario in a child process: it puts those
        # children under memcheck itself, with a log each in $OUT (summarised below).
        PEP466_CHILD_VALGRIND_LOGS="$OUT" PEP466_CHILD_VALGRIND_SUPP="$HERE/valgrind-python27.supp" \
            run "own-$(basename "$f" .py)" "$ROOT/tests/python" "$f"
    done
fi
want hashlib && run hashlib "$STDLIB" -m test.regrtest -v test_hashlib
want hmac && run hmac "$STDLIB" -m test.regrtest -v test_hmac
want ssl-context && run ssl-context "$STDLIB" -m unittest -v test.test_ssl.ContextTests
want ssl-basic && run ssl-basic "$STDLIB" -m unittest -v test.test_ssl.BasicSocketTests
want ssl-threaded && run ssl-threaded "$STDLIB" -m unittest -v test.test_ssl.ThreadedTests
if want ssl-threaded-permissive; then
    # The tests' permissive policy (TLS 1.0/1.1, security level 0), written by tls_support.
    permissive=$(python3 -c 'import sys; sys.path.insert(0, sys.argv[1]); import tls_support
print(tls_support.permissive_openssl_conf(sys.argv[2]))' "$ROOT/tests/python" "$LIBDIR") || exit 1
    OPENSSL_CONF="$permissive" run ssl-threaded-permissive "$STDLIB" \
        -m unittest -v test.test_ssl.ThreadedTests
fi
want fuzz && run fuzz "$ROOT" "$ROOT/fuzz/fuzz_inputs.py" --quiet --iterations 100

echo
echo "== summary (errors = valgrind's ERROR SUMMARY, definite leaks included; ours = records"
echo "   whose stack has a frame of our library: libpep466.so, _ssl.so/_hashlib.so, pep466::)"
"$(command -v python3)" - "$OUT" <<'PYEOF'
import glob, os, re, sys
OURS = re.compile(r"libpep466|pep466::|/_ssl\.so|/_hashlib\.so")
KINDS = ("Invalid", "uninitialised", "definitely lost", "Mismatched", "overlap",
         "Syscall param", "Source and destination")
total_ours = suites = failed = 0
for log in sorted(glob.glob(os.path.join(sys.argv[1], "*.log"))):
    name = os.path.basename(log)[:-4]
    text = open(log, errors="replace").read()
    # One valgrind process per log file (children are not traced).
    errors = sum(int(n) for n in re.findall(r"ERROR SUMMARY: (\d+) errors", text))
    records = re.split(r"\n==\d+== \n", text)
    ours = [r for r in records if OURS.search(r) and any(k in r for k in KINDS)]
    crashed = "Process terminating with default action" in text or not errors and \
        "ERROR SUMMARY" not in text
    status = os.path.join(sys.argv[1], name + ".status")
    rc, secs = (open(status).read().split() + ["?", "?"])[:2] if os.path.exists(status) \
        else ("?", "?")
    suites += 1
    total_ours += len(ours)
    bad = bool(ours) or crashed
    failed += bad
    print("%-40s %4s s  errors=%-4d ours=%d%s" % (name, secs, errors, len(ours),
                                                  "  CRASHED" if crashed else ""))
    for r in ours[:5]:
        print("    " + "\n    ".join(r.strip().splitlines()[:14]))
print("memcheck: %d suites, %d errors" % (suites, total_ours))
print("memcheck: %d passed, %d failed" % (suites - failed, failed))
sys.exit(1 if failed else 0)
PYEOF
