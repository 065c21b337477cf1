#!/usr/bin/env bash
# OpenSSL compatibility matrix: build pep466 against each OpenSSL, run the
# CPython 2.7 stdlib suites against each build, and write the counts into
# docs/COMPATIBILITY.md between <!-- matrix:begin --> and <!-- matrix:end -->.
#
#   scripts/openssl-matrix.sh [VERSIONS...]     VERSIONS: system 1.1.1 3.6 4.0
#                                                (default: all four)
#
# For each version:
#   system  cargo build --release against the system OpenSSL (libssl-dev, shared)
#   1.1.1 / 3.6 / 4.0
#           OPENSSL_DIR=$(scripts/build-openssl.sh VER) OPENSSL_STATIC=1 cargo build --release
#           (build-openssl.sh builds that OpenSSL once, a few minutes, and caches it)
#   each into CARGO_TARGET_DIR=target/matrix-<ver>, then
#           python3 scripts/run-stdlib-suites.py --lib target/matrix-<ver>/release/libpep466.so \
#                   --json target/matrix-<ver>/suites.json --logs target/matrix-<ver>/suite-logs
#
# Versions not named on the command line keep their previous rows (the rows'
# data is kept in a comment inside the markers). Logs: target/matrix-<ver>/*.log.
# Exit status: 0 if every named version built and its runner produced results.
#
# Environment:
#   PEP466_SUITE_RUNNER   runner command (default: python3 scripts/run-stdlib-suites.py)
#   PEP466_RUNNER_ARGS    extra arguments passed to the runner
#   PEP466_MATRIX_DOC     document to update (default: docs/COMPATIBILITY.md)
#   PEP466_MATRIX_SKIP_BUILD=1  reuse target/matrix-<ver>/release/libpep466.so as it is
#   PEP466_MATRIX_SKIP_SUITES=1 keep target/matrix-<ver>/suites.json from the last run and
#                               only rerun our own tests
#   PEP466_OWN_TESTS      own-tests command (default: python3 tests/python/run.py); its
#                         last line "own python tests: N passed, N failed, N skipped" gives
#                         the "own tests" row (log: target/matrix-<ver>/own-tests.log)
#   PEP466_OPENSSL_CACHE  see scripts/build-openssl.sh
# Builds run under `nice -n 19`, one at a time.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
cd "$root"

all_versions=(system 1.1.1 3.6 4.0)
if [ $# -gt 0 ]; then versions=("$@"); else versions=("${all_versions[@]}"); fi
for v in "${versions[@]}"; do
    case "$v" in
        system|1.1.1|3.6|4.0) ;;
        *) echo "usage: $0 [system|1.1.1|3.6|4.0 ...]" >&2; exit 2 ;;
    esac
done

runner=${PEP466_SUITE_RUNNER:-python3 scripts/run-stdlib-suites.py}
own_tests=${PEP466_OWN_TESTS:-python3 tests/python/run.py}
doc=${PEP466_MATRIX_DOC:-docs/COMPATIBILITY.md}
status=0
results=()   # "ver<TAB>state<TAB>target dir<TAB>openssl dir"

for v in "${versions[@]}"; do
    tdir="target/matrix-$v"
    mkdir -p "$tdir"
    rm -f "$tdir/own-tests.log"   # a failed build must not show the last run's counts
    lib="$tdir/release/libpep466.so"
    odir=""
    echo "== OpenSSL $v" >&2

    if [ "$v" != system ]; then
        if ! odir=$(nice -n 19 "$here/build-openssl.sh" "$v" 2>"$tdir/build-openssl.log"); then
            echo "   building OpenSSL $v failed, see $tdir/build-openssl.log" >&2
            results+=("$v	openssl-build-failed	$tdir	")
            status=1
            continue
        fi
    fi

    if [ "${PEP466_MATRIX_SKIP_BUILD:-0}" != 1 ]; then
        echo "   cargo build --release (log: $tdir/cargo-build.log)" >&2
        if [ "$v" = system ]; then
            build_env=(env -u OPENSSL_DIR -u OPENSSL_STATIC -u OPENSSL_LIB_DIR -u OPENSSL_INCLUDE_DIR)
        else
            build_env=(env -u OPENSSL_LIB_DIR -u OPENSSL_INCLUDE_DIR OPENSSL_DIR="$odir" OPENSSL_STATIC=1)
        fi
        if ! "${build_env[@]}" CARGO_TARGET_DIR="$tdir" nice -n 19 cargo build --release --locked \
                >"$tdir/cargo-build.log" 2>&1; then
            echo "   cargo build failed, see $tdir/cargo-build.log" >&2
            results+=("$v	crate-build-failed	$tdir	$odir")
            status=1
            continue
        fi
    fi
    if [ ! -f "$lib" ]; then
        echo "   $lib missing" >&2
        results+=("$v	crate-build-failed	$tdir	$odir")
        status=1
        continue
    fi

    # Our own tests (tests/python) against the same build; the table reads the runner's last line.
    echo "   own tests: $own_tests --lib $lib (log: $tdir/own-tests.log)" >&2
    # shellcheck disable=SC2086
    nice -n 10 $own_tests --lib "$lib" >"$tdir/own-tests.log" 2>&1

    if [ "${PEP466_MATRIX_SKIP_SUITES:-0}" = 1 ] && [ -s "$tdir/suites.json" ]; then
        echo "   suites: keeping $tdir/suites.json" >&2
        rc=0
    else
        echo "   suites: $runner --lib $lib --json $tdir/suites.json (log: $tdir/suites.log)" >&2
        rm -f "$tdir/suites.json"
        # shellcheck disable=SC2086
        $runner --lib "$lib" --json "$tdir/suites.json" --logs "$tdir/suite-logs" ${PEP466_RUNNER_ARGS:-} \
            >"$tdir/suites.log" 2>&1
        rc=$?
    fi
    if [ ! -s "$tdir/suites.json" ]; then
        echo "   runner exited $rc without results, see $tdir/suites.log" >&2
        results+=("$v	runner-failed	$tdir	$odir")
        status=1
        continue
    fi
    # A non-zero exit with results just means some tests failed: the counts say so.
    results+=("$v	ok	$tdir	$odir")
done

# Write the table (Python 3, standard library only).
resfile=$(mktemp)
printf '%s\n' "${results[@]}" >"$resfile"
python3 - "$doc" "$resfile" <<'PY' || status=1
import datetime, glob, json, os, re, subprocess, sys

doc, resfile = sys.argv[1], sys.argv[2]
BEGIN, END = "<!-- matrix:begin -->", "<!-- matrix:end -->"
DATA = re.compile(r"<!-- matrix-data\n(.*?)\n-->", re.S)
ORDER = ["system", "1.1.1", "3.6", "4.0"]
VERSION_RE = re.compile(rb"OpenSSL \d+\.\d+\.\d+[a-z]*(?:-[A-Za-z0-9]+)?(?: +\d+ [A-Z][a-z]{2} \d{4})?")

def sh(*cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=60).stdout.strip()
    except Exception:
        return ""

def strings_version(path):
    try:
        with open(path, "rb") as f:
            m = VERSION_RE.search(f.read())
        return m.group(0).decode() if m else None
    except OSError:
        return None

def python_probe(lib, tdir):
    """What `_ssl.OPENSSL_VERSION` says when python2.7 imports the built library as _ssl."""
    probe = os.path.join(tdir, "probe")
    os.makedirs(probe, exist_ok=True)
    link = os.path.join(probe, "_ssl.so")
    try:
        if os.path.lexists(link):
            os.unlink(link)
        os.symlink(os.path.abspath(lib), link)
    except OSError:
        return None
    # Same interpreter search as run-stdlib-suites.py: $PYTHON27, pyenv's 2.7.18, python2.7.
    py = os.environ.get("PYTHON27")
    if not py:
        prefix = sh("pyenv", "prefix", "2.7.18")
        cand = os.path.join(prefix, "bin", "python2.7") if prefix else ""
        if not os.path.exists(cand):
            cand = os.path.expanduser("~/.pyenv/versions/2.7.18/bin/python2.7")
        py = cand if os.path.exists(cand) else "python2.7"
    code = ("import sys; sys.path.insert(0, %r); import _ssl; "
            "assert _ssl.__file__.startswith(%r); sys.stdout.write(_ssl.OPENSSL_VERSION)") % (probe, probe)
    out = sh(py, "-c", code)
    return out or None

def reported_version(state, tdir, odir, suites):
    # 1. the runner's own report, if it gives one
    for key in ("openssl_version", "OPENSSL_VERSION"):
        if isinstance(suites.get(key), str):
            return suites[key], "runner"
    lib = os.path.join(tdir, "release", "libpep466.so")
    if not os.path.exists(lib):
        return None, None
    # 2. python2.7 importing the library as _ssl
    v = python_probe(lib, tdir)
    if v:
        return v, "_ssl"
    # 3. the version string linked into the library (static) or its libcrypto (shared)
    v = strings_version(lib)
    if v:
        return v, "binary"
    for line in sh("ldd", lib).splitlines():
        m = re.search(r"libcrypto\.so\S* => (\S+)", line)
        if m:
            v = strings_version(m.group(1))
            if v:
                return v, "binary"
    return None, None

OWN_RE = re.compile(r"^own python tests: (\d+) passed, (\d+) failed, (\d+) skipped\s*$", re.M)

def own_counts(path):
    """The counts on the last summary line of tests/python/run.py, or None."""
    try:
        found = OWN_RE.findall(open(path, errors="replace").read())
    except OSError:
        return None
    if not found:
        return None
    passed, failed, skipped = (int(n) for n in found[-1])
    return {"passed": passed, "failed": failed, "skipped": skipped}

def own_row(e, first_cells):
    o = e.get("own")
    if not o:
        return "| %s | %s | own tests (`tests/python`): no result | | | | | |" % first_cells
    return "| %s | %s | own tests (`tests/python`) | %d | %d | %d | – | %d |" % (
        first_cells + (o["passed"] + o["failed"] + o["skipped"], o["passed"], o["failed"],
                       o["skipped"]))

# Previous rows, so a partial rerun keeps the other versions.
text = open(doc).read() if os.path.exists(doc) else ""
old = {}
if BEGIN in text and END in text:
    section = text.split(BEGIN, 1)[1].split(END, 1)[0]
    m = DATA.search(section)
    if m:
        try:
            old = json.loads(m.group(1))
        except ValueError:
            old = {}

commit = sh("git", "describe", "--always", "--dirty", "--abbrev=7") or "?"
today = datetime.date.today().isoformat()
for line in open(resfile).read().splitlines():
    if not line.strip():
        continue
    ver, state, tdir, odir = (line.split("\t") + ["", "", "", ""])[:4]
    entry = {"state": state, "date": today, "commit": commit, "suites": {}}
    suites = {}
    jpath = os.path.join(tdir, "suites.json")
    if state == "ok":
        try:
            suites = json.load(open(jpath))
            entry["suites"] = suites.get("suites", {})
        except (OSError, ValueError) as e:
            entry["state"] = "runner-failed"
    own = own_counts(os.path.join(tdir, "own-tests.log"))
    if own is not None:
        entry["own"] = own
    if state in ("ok", "runner-failed"):
        v, src = reported_version(state, tdir, odir, suites)
        entry["openssl_version"] = v
        entry["version_source"] = src
    if ver != "system" and odir:
        info = os.path.join(odir, "BUILD-INFO")
        if os.path.exists(info):
            m = re.search(r"^openssl-src crate: (\S+)", open(info).read(), re.M)
            if m:
                entry["openssl_src"] = m.group(1)
    if ver == "system":
        pkg = sh("dpkg-query", "-W", "-f=${Version}", "libssl-dev")
        entry["openssl_src"] = ("libssl-dev " + pkg) if pkg else (sh("openssl", "version", "-v") or "?")
    old[ver] = entry

STATE_TEXT = {
    "openssl-build-failed": "building OpenSSL failed",
    "crate-build-failed": "`cargo build --release` failed",
    "runner-failed": "suite runner produced no results",
}

def label(ver, e):
    if ver == "system":
        return "system (%s)" % e.get("openssl_src", "?")
    src = e.get("openssl_src")
    return "%s (openssl-src %s)" % (ver, src) if src else ver

lines = []
lines.append("| OpenSSL | `ssl.OPENSSL_VERSION` | suite | run | pass | fail | error | skip |")
lines.append("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: |")
for ver in sorted(old, key=lambda v: ORDER.index(v) if v in ORDER else 99):
    e = old[ver]
    ov = e.get("openssl_version") or "?"
    if e.get("version_source") == "binary":
        ov += " (from the binary)"
    stamp = "%s, %s" % (e.get("commit", "?"), e.get("date", "?"))
    if e.get("state") != "ok" or not e.get("suites"):
        why = STATE_TEXT.get(e.get("state"), "no suites reported")
        lines.append("| %s | %s | %s (%s) | | | | | |" % (label(ver, e), ov, why, stamp))
        if "own" in e:
            lines.append(own_row(e, ("", "")))
        continue
    tot = [0, 0, 0, 0, 0, 0]
    first = True
    has_err = any("errors" in s for s in e["suites"].values())
    has_exp = any("expected_failures" in s for s in e["suites"].values())
    def fmt_fail(fail, exp):
        return "%d (%d expected)" % (fail, exp) if has_exp and fail else "%d" % fail
    for name in sorted(e["suites"]):
        s = e["suites"][name]
        run, fail, err, skip, exp = (int(s.get(k, 0)) for k in
                                     ("run", "failures", "errors", "skipped", "expected_failures"))
        passed = max(run - fail - err - skip, 0)
        for i, n in enumerate((run, passed, fail, err, skip, exp)):
            tot[i] += n
        shown = name
        if any("did not complete" in u for u in s.get("unexpected", [])):
            shown += " (did not complete)"
        elif run == 0 and skip:
            shown += " (skipped whole by regrtest)"
        lines.append("| %s | %s | %s | %d | %d | %s | %s | %d |" % (
            label(ver, e) if first else "", ov if first else "", shown, run, passed,
            fmt_fail(fail, exp), err if has_err else "–", skip))
        first = False
    lines.append("| | | **total** (%s) | **%d** | **%d** | **%s** | **%s** | **%d** |" % (
        stamp, tot[0], tot[1], fmt_fail(tot[2], tot[5]), tot[3] if has_err else "–", tot[4]))
    lines.append(own_row(e, ("", "")))

section = "\n".join([
    "",
    "Generated by `scripts/openssl-matrix.sh` from `scripts/run-stdlib-suites.py` results.",
    "\"pass\" is run − fail − error − skip (unittest counts skipped tests as run); \"expected\"",
    "failures are those listed in `tests/expected-failures.txt`; \"–\" means the runner counts",
    "errors among the failures. `test_ssl[permissive]` is test_ssl under a test-only OpenSSL",
    "config that re-enables TLS 1.0/1.1. Each total row names the commit and date of its run.",
    "The \"own tests\" row under each total is `tests/python/run.py` (pep466's own Python tests,",
    "one unittest per test method) against the same build; it is not part of the total.",
    "",
] + lines + [
    "",
    "Rerun all four: `scripts/openssl-matrix.sh`; one or more: `scripts/openssl-matrix.sh 4.0 1.1.1`",
    "(rows of versions not named are kept). The first run builds each OpenSSL from the",
    "`openssl-src` crate (`scripts/build-openssl.sh`, about 8 minutes each, cached in",
    "`~/.cache/pep466/openssl/<version>/`). Logs are in `target/matrix-<version>/`.",
    "",
    "<!-- matrix-data",
    "{\n" + ",\n".join(json.dumps(k) + ": " + json.dumps(old[k], sort_keys=True) for k in sorted(old)) + "\n}",
    "-->",
    "",
])

if BEGIN in text and END in text:
    head, rest = text.split(BEGIN, 1)
    tail = rest.split(END, 1)[1]
    text = head + BEGIN + section + END + tail
else:
    if not text:
        text = "# Compatibility\n\n"
    text = text.rstrip("\n") + "\n\n## OpenSSL matrix\n\n" + BEGIN + section + END + "\n"
os.makedirs(os.path.dirname(doc) or ".", exist_ok=True)
open(doc, "w").write(text)
print("wrote %s" % doc, file=sys.stderr)
PY
rm -f "$resfile"
exit $status
