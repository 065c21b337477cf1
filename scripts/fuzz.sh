#!/usr/bin/env bash
# Runs pep466's coverage-guided fuzz targets (fuzz/, cargo-fuzz + libFuzzer, AddressSanitizer).
#
#   scripts/fuzz.sh [--long] [--time SECONDS] [--runs N] [--out DIR] [target ...]
#
# Default (the smoke run scripts/test.sh does): every target for --time seconds (30) over its
# committed seed corpus (fuzz/corpus/<target>) and its regression inputs
# (fuzz/regressions/<target>: every crash found so far, replayed first). New inputs go to a
# scratch corpus under --out, never into the committed one.
# --long: each target until --runs executions (default 10 000 000), keeping the grown corpus in
# fuzz/corpus-long/<target> (not committed) so a second --long run continues from it; the log
# of each target is --out/<target>.log.
# Needs a nightly toolchain (`cargo +nightly`; else the stable one with RUSTC_BOOTSTRAP=1) and
# cargo-fuzz, which scripts/deps.sh --fuzz installs when it is missing.
# A crash (panic, sanitizer report, timeout, out-of-memory) leaves its input in --out as
# <target>-crash-<sha1>: fix it, then copy the input to fuzz/regressions/<target>/.
# Prints one line per target (executions, coverage, features), then
#   fuzz: N targets, N execs, N crashes
#   fuzz: N passed, N failed
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

long=0
seconds=30
runs=10000000
out="${TMPDIR:-/tmp}/pep466-fuzz"
targets=()
while [ $# -gt 0 ]; do
    case "$1" in
        --long) long=1; shift ;;
        --time) seconds=$2; shift 2 ;;
        --runs) runs=$2; shift 2 ;;
        --out) out=$2; shift 2 ;;
        -h|--help) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        -*) echo "fuzz.sh: unknown option $1" >&2; exit 2 ;;
        *) targets+=("$1"); shift ;;
    esac
done
mkdir -p "$out" && out=$(cd "$out" && pwd)
cd "$root/fuzz"
[ ${#targets[@]} -gt 0 ] || mapfile -t targets < <(sed -n 's/^name = "\(.*\)"$/\1/p' Cargo.toml | grep -v '^pep466-fuzz$')

"$root/scripts/deps.sh" --fuzz || exit 1
if rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
    cargo=(cargo +nightly)
else
    export RUSTC_BOOTSTRAP=1
    cargo=(cargo)
fi
mkdir -p "$out"
if ! "${cargo[@]}" fuzz build -s address >"$out/build.log" 2>&1; then
    tail -30 "$out/build.log"
    echo "fuzz: ${#targets[@]} targets, 0 execs, 0 crashes (the targets did not build)"
    echo "fuzz: 0 passed, ${#targets[@]} failed"
    exit 1
fi
bin="$root/fuzz/target/$(rustc -vV | sed -n 's/^host: //p')/release"

total_execs=0; crashes=0; passed=0; failed=0
for t in "${targets[@]}"; do
    [ -x "$bin/$t" ] || { echo "fuzz: no binary for $t (build failed)"; failed=$((failed + 1)); crashes=$((crashes + 1)); continue; }
    mkdir -p "regressions/$t"
    if [ "$long" = 1 ]; then
        work="$root/fuzz/corpus-long/$t"
        limit=(-runs="$runs")
    else
        work="$out/scratch-$t"
        rm -rf "$work"
        limit=(-max_total_time="$seconds")
    fi
    mkdir -p "$work"
    log="$out/$t.log"
    start=$(date +%s)
    # -rss_limit_mb: the RSS of a sanitized run grows (quarantine, allocator caches) to a few
    # hundred MB; 4 GB still catches a real leak.
    "$bin/$t" "${limit[@]}" -print_final_stats=1 -rss_limit_mb=4096 -timeout=25 \
        -artifact_prefix="$out/$t-" "$work" "corpus/$t" "regressions/$t" >"$log" 2>&1
    rc=$?
    secs=$(( $(date +%s) - start ))
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    execs=${execs:-0}
    last=$(grep -E '^#[0-9]+' "$log" | tail -1)
    cov=$(sed -nE 's/.* cov: ([0-9]+).*/\1/p' <<<"$last")
    ft=$(sed -nE 's/.* ft: ([0-9]+).*/\1/p' <<<"$last")
    corp=$(sed -nE 's/.* corp: ([0-9]+)\/.*/\1/p' <<<"$last")
    total_execs=$((total_execs + execs))
    if [ "$rc" = 0 ]; then
        passed=$((passed + 1)); verdict=ok
    else
        failed=$((failed + 1)); crashes=$((crashes + 1)); verdict="CRASH (exit $rc)"
    fi
    printf '  %-12s %10d execs in %5ds  cov %-5s ft %-5s corpus %-5s %s\n' \
        "$t" "$execs" "$secs" "${cov:-?}" "${ft:-?}" "${corp:-?}" "$verdict"
    if [ "$rc" != 0 ]; then
        grep -E 'panicked at|ERROR: (AddressSanitizer|libFuzzer)|SUMMARY' "$log" | head -5 | sed 's/^/      /'
        ls "$out/$t-"* 2>/dev/null | sed 's/^/      input: /'
    fi
done
echo "fuzz: ${#targets[@]} targets, $total_execs execs, $crashes crashes"
echo "fuzz: $passed passed, $failed failed"
[ "$failed" = 0 ]
