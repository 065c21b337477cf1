#!/usr/bin/env python3
"""Runs pep466's own Python 2.7 tests (tests/python/test_*.py), each file in its own 2.7
process with our build first on PYTHONPATH, and prints each file's counts.

  python3 tests/python/run.py --lib target/release/libpep466.so [--python PY27] [test_x.py ...]
"""
import argparse
import os
import re
import shutil
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from pep466_support import find_python27, run_captured  # noqa: E402
RAN = re.compile(r"^Ran (\d+) tests? in")
OUTCOME = re.compile(r"^(OK|FAILED)(?: \((.*)\))?$")


def counts(text):
    run, failed, skipped = 0, 0, 0
    for line in text.splitlines():
        m = RAN.match(line)
        if m:
            run = int(m.group(1))
        m = OUTCOME.match(line)
        if m and m.group(2):
            for part in m.group(2).split(","):
                key, _, num = part.strip().partition("=")
                if key in ("failures", "errors", "unexpected successes"):
                    failed += int(num)
                elif key == "skipped":
                    skipped += int(num)
    return run, failed, skipped


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--lib", required=True, help="path to libpep466.so")
    ap.add_argument("--python", default=None)
    ap.add_argument("--timeout", type=int, default=900, help="seconds per file")
    ap.add_argument("files", nargs="*")
    args = ap.parse_args()
    python = args.python or find_python27()
    files = args.files or sorted(f for f in os.listdir(HERE) if re.match(r"test_\w+\.py$", f))
    libdir = tempfile.mkdtemp(prefix="pep466-own-")
    total = [0, 0, 0]
    bad = []
    try:
        for name in ("_ssl.so", "_hashlib.so"):
            os.symlink(os.path.abspath(args.lib), os.path.join(libdir, name))
        env = dict(os.environ)
        env.pop("OPENSSL_CONF", None)
        env.update(PYTHONPATH=libdir + os.pathsep + HERE, PEP466_LIBDIR=libdir, PEP466_PYTHON27=python)
        for f in files:
            path = os.path.join(HERE, os.path.basename(f))
            text, code = run_captured([python, path, "-v"], args.timeout, env=env)
            run, failed, skipped = counts(text)
            if code != 0 and failed == 0:
                failed = 1  # crashed, timed out or failed outside a test
            print("%-40s run %4d  failed %3d  skipped %3d" % (os.path.basename(f), run, failed, skipped))
            if failed or code != 0 or run == 0:
                bad.append((f, text))
            total[0] += run
            total[1] += failed
            total[2] += skipped
        for f, text in bad:
            print("\n===== %s =====\n%s" % (f, text[-6000:]))
        print("own python tests: %d passed, %d failed, %d skipped" % (
            total[0] - total[1] - total[2], total[1], total[2]))
        return 1 if bad else 0
    finally:
        shutil.rmtree(libdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
