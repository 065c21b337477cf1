#!/usr/bin/env python3
"""Runs Python 2.7 unittest code under a given interpreter (a CPython source build made by
scripts/build-cpython.sh) and prints `NAME: N passed, N failed, N skipped`.

  python3 tests/cpython/run.py --python BUILD/python tests/cpython/test_core.py
  python3 tests/cpython/run.py --python BUILD/python --unittest test.test_os.URandomTests ...
"""
import argparse
import os
import re
import subprocess
import sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--python", required=True)
    ap.add_argument("--unittest", action="store_true", help="the arguments are unittest ids")
    ap.add_argument("--name", help="label of the counts line")
    ap.add_argument("--timeout", type=int, default=600)
    ap.add_argument("what", nargs="+")
    args = ap.parse_args()
    env = dict(os.environ)
    for var in ("PYTHONPATH", "PYTHONHOME", "OPENSSL_CONF"):
        env.pop(var, None)
    if args.unittest:
        cmd = [args.python, "-m", "unittest", "-v"] + args.what
        name = args.name or "unittest"
    else:
        cmd = [args.python] + args.what + ["-v"]
        name = args.name or os.path.splitext(os.path.basename(args.what[0]))[0]
    try:
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env,
                              timeout=args.timeout)
        out, rc = proc.stdout.decode("utf-8", "replace"), proc.returncode
    except subprocess.TimeoutExpired as e:
        out, rc = (e.stdout or b"").decode("utf-8", "replace") + "\nTIMEOUT", 1
    sys.stdout.write(out)
    ran = re.search(r"^Ran (\d+) tests?", out, re.M)
    total = int(ran.group(1)) if ran else 0
    m = re.search(r"^FAILED \((.*)\)", out, re.M)
    bad = sum(int(n) for n in re.findall(r"(?:failures|errors)=(\d+)", m.group(1))) if m else 0
    skipped = sum(int(n) for n in re.findall(r"skipped=(\d+)", out.splitlines()[-1] if out else ""))
    if total == 0 or (rc != 0 and bad == 0):
        bad = max(bad, 1)  # crashed, timed out or ran nothing
    passed = max(total - bad - skipped, 0)
    print("%s: %d passed, %d failed, %d skipped" % (name, passed, bad, skipped))
    return 0 if bad == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
