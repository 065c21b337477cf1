#!/usr/bin/env bash
# Proves that a method registered under the wrong calling convention does not compile: the
# probe in src/py/boundary.rs (mod kind_probe) is type-checked once per case. "right" must
# compile; every other case must fail with a type or arity mismatch (E0308/E0593/E0631) from the
# py_members! line of the probe, and with nothing else.
# Prints "method kinds: N passed, N failed".
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
passed=0; failed=0
for case in right single_as_varargs keywords_as_varargs varargs_as_keywords noargs_as_single; do
    out=$(cargo rustc --locked --lib --profile check --message-format short -- \
        --cfg pep466_kind_probe --cfg "pep466_kind_case=\"$case\"" 2>&1)
    rc=$?
    if [ "$case" = right ]; then
        if [ $rc -eq 0 ]; then ok=1; else ok=0; fi
    else
        errors=$(grep -E '^[^ ]+:[0-9]+:[0-9]+: error' <<<"$out")
        if [ $rc -ne 0 ] && [ -n "$errors" ] \
            && ! grep -qvE 'src/py/boundary.rs:[0-9]+:[0-9]+: error\[E0(308|593|631)\]' <<<"$errors"; then
            ok=1
        else
            ok=0
        fi
    fi
    if [ $ok = 1 ]; then
        passed=$((passed + 1)); echo "ok   $case"
    else
        failed=$((failed + 1)); echo "FAIL $case (exit $rc)"; echo "$out" | tail -20
    fi
done
echo "method kinds: $passed passed, $failed failed"
[ $failed -eq 0 ]
