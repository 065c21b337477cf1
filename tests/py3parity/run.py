#!/usr/bin/env python3
"""The py3parity differential suite: runs every scenario (tests/py3parity/scenarios/*.py)
under Python 2.7 + pep466 and under Python 3, each in its own subprocess with a deadline, and
compares their outputs line by line. Differences listed in allowed.txt (deliberate 2.7-vs-3
differences) make a scenario "allowed" instead of failed.

  python3 tests/py3parity/run.py --lib target/release/libpep466.so [scenario ...]
  python3 tests/py3parity/run.py --py27 DIR        # DIR made by scripts/install.sh --prefix
  python3 tests/py3parity/run.py --python3-only    # develop scenarios against Python 3 alone

The last line is `py3parity: N passed, M failed, K allowed`; the exit status is non-zero when
M > 0.
"""
import argparse
import concurrent.futures
import difflib
import glob
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PYTESTS = os.path.join(ROOT, "tests", "python")
SCENARIOS = os.path.join(HERE, "scenarios")
sys.path.insert(0, PYTESTS)
from pep466_support import find_python27  # noqa: E402
import tls_support  # noqa: E402

END = "END"
MIN_LINES = 5  # a scenario that prints less than this checked nothing


def find_python3():
    try:
        prefix = subprocess.check_output(["pyenv", "prefix", "3.13.0"],
                                         stderr=subprocess.DEVNULL).decode().strip()
        exe = os.path.join(prefix, "bin", "python3.13")
        if os.path.exists(exe):
            return exe
    except (OSError, subprocess.CalledProcessError):
        pass
    best = None
    try:
        names = subprocess.check_output(["pyenv", "versions", "--bare"],
                                        stderr=subprocess.DEVNULL).decode().split()
        for name in names:
            m = re.match(r"^3\.(\d+)\.(\d+)$", name)
            if m:
                key = (int(m.group(1)), int(m.group(2)))
                if best is None or key > best[0]:
                    best = (key, name)
    except (OSError, subprocess.CalledProcessError):
        pass
    if best:
        prefix = subprocess.check_output(["pyenv", "prefix", best[1]]).decode().strip()
        return os.path.join(prefix, "bin", "python3.%d" % best[0][0])
    return shutil.which("python3") or sys.exit("no Python 3 found; use --python3")


def load_allowed(path):
    """allowed.txt: `scenario :: side :: regex :: reason` per line, side py27, py3 or both;
    the regex must match a whole differing line of that side's output."""
    entries = []
    if not os.path.exists(path):
        return entries
    with open(path) as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            parts = [p.strip() for p in line.split(" :: ")]
            if len(parts) != 4 or parts[1] not in ("py27", "py3", "both") or not parts[3]:
                sys.exit("%s:%d: want 'scenario :: py27|py3|both :: regex :: reason'" % (path, n))
            entries.append({"scenario": parts[0], "side": parts[1], "regex": re.compile(parts[2]),
                            "reason": parts[3], "line": n, "used": False})
    return entries


def run_one(argv, env, timeout):
    """Runs argv in its own session; returns (exit code or 'timeout', stdout, stderr)."""
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            stdin=subprocess.DEVNULL, start_new_session=True, cwd=HERE)
    try:
        out, err = proc.communicate(timeout=timeout)
        code = proc.returncode
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except OSError:
            pass
        try:
            out, err = proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            out, err = b"", b""
        code = "timeout"
    # Whatever the scenario started (s_server, ...) goes with it.
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except OSError:
        pass
    return code, out.decode("utf-8", "replace"), err.decode("utf-8", "replace")


def problems(name, code, out, err):
    """Why one run is not usable for comparison (empty list when it is)."""
    bad = []
    if code != 0:
        bad.append("exit status %s" % code)
    lines = out.splitlines()
    if not lines or lines[-1] != END:
        bad.append("output does not end with %s" % END)
    if len(lines) < MIN_LINES:
        bad.append("only %d lines of output" % len(lines))
    return bad


def compare(name, out27, out3, allowed):
    """Returns (status, diff text): 'passed', 'allowed' or 'failed'."""
    a, b = out27.splitlines(), out3.splitlines()
    if a == b:
        return "passed", ""
    mine = [e for e in allowed if e["scenario"] == name]
    unexplained = False
    sm = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag == "equal":
            continue
        for side, lines in (("py27", a[i1:i2]), ("py3", b[j1:j2])):
            for line in lines:
                hit = [e for e in mine if e["side"] in (side, "both") and e["regex"].fullmatch(line)]
                for e in hit:
                    e["used"] = True
                if not hit:
                    unexplained = True
    diff = "\n".join(difflib.unified_diff(a, b, "python2.7+pep466", "python3", lineterm="", n=2))
    return ("failed" if unexplained else "allowed"), diff


def build_prefix(lib, python27):
    d = tempfile.mkdtemp(prefix="pep466-py3parity-")
    proc = subprocess.run([os.path.join(ROOT, "scripts", "install.sh"), "--prefix", d, "--lib",
                           os.path.abspath(lib), "--python", python27],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=300)
    if proc.returncode != 0:
        print(proc.stdout.decode("utf-8", "replace"))
        shutil.rmtree(d, ignore_errors=True)
        return None
    return d


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lib", help="libpep466.so; installed with scripts/install.sh --prefix into a temp dir")
    ap.add_argument("--py27", metavar="DIR", help="a ready-made scripts/install.sh --prefix DIR")
    ap.add_argument("--python27", help="the Python 2.7 interpreter (default as install.sh finds it)")
    ap.add_argument("--python3", help="the Python 3 (default pyenv's 3.13.0, else the newest 3.x)")
    ap.add_argument("--python3-only", action="store_true",
                    help="run the scenarios under Python 3 only (checks that they work and that "
                         "they compile under 2.7)")
    ap.add_argument("--timeout", type=float, default=60, help="seconds per scenario run")
    ap.add_argument("--jobs", type=int, default=4)
    ap.add_argument("--allowed", default=os.path.join(HERE, "allowed.txt"))
    ap.add_argument("-v", "--verbose", action="store_true", help="print every output")
    ap.add_argument("scenarios", nargs="*")
    args = ap.parse_args()

    if not args.python3_only and not (args.lib or args.py27):
        ap.error("give --lib, --py27 or --python3-only")
    python27 = args.python27 or find_python27()
    python3 = args.python3 or find_python3()
    names = [os.path.splitext(os.path.basename(s))[0] for s in args.scenarios] or sorted(
        os.path.splitext(os.path.basename(p))[0] for p in glob.glob(os.path.join(SCENARIOS, "*.py")))
    allowed = load_allowed(args.allowed)
    print("py3parity run: python3 %s, python2.7 %s, %d scenarios" % (python3, python27, len(names)))

    # Every scenario must at least compile as Python 2.7.
    compile_errors = {}
    for n in names:
        path = os.path.join(SCENARIOS, n + ".py")
        proc = subprocess.run([python27, "-c", "import sys; compile(open(sys.argv[1]).read(), sys.argv[1], 'exec')",
                               path], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        if proc.returncode != 0:
            compile_errors[n] = proc.stdout.decode("utf-8", "replace")
        with open(path, "rb") as f:
            try:
                f.read().decode("ascii")
            except UnicodeDecodeError as e:
                compile_errors[n] = "not ASCII (2.7 needs a coding line): %s" % e

    prefix, made = None, False
    if not args.python3_only:
        if args.py27:
            prefix = os.path.abspath(args.py27)
        else:
            prefix = build_prefix(args.lib, python27)
            made = True
            if prefix is None:
                print("scripts/install.sh --prefix failed")
                print("py3parity: 0 passed, %d failed, 0 allowed" % len(names))
                return 1

    started = time.time()
    try:
        certs = tls_support.pki()["dir"]
        base = dict(os.environ)
        for k in ("PYTHONPATH", "OPENSSL_CONF", "PYTHONHOME", "PYTHONSTARTUP"):
            base.pop(k, None)
        base.update(PY3PARITY_CERTS=certs, PYTHONDONTWRITEBYTECODE="1", PYTHONIOENCODING="utf-8",
                    PYTHONHASHSEED="0", PEP466_PYTHON3=python3)
        common_path = [HERE, PYTESTS]
        env3 = dict(base, PYTHONPATH=os.pathsep.join(common_path))
        env27 = dict(base, PYTHONPATH=os.pathsep.join(([prefix] if prefix else []) + common_path))

        jobs = []
        for n in names:
            path = os.path.join(SCENARIOS, n + ".py")
            jobs.append((n, "py3", [python3, path], env3))
            if not args.python3_only:
                jobs.append((n, "py27", [python27, path], env27))
        results = {}
        with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
            futs = dict((pool.submit(run_one, argv, env, args.timeout), (n, side))
                        for n, side, argv, env in jobs)
            for f in concurrent.futures.as_completed(futs):
                results[futs[f]] = f.result()

        passed, failed, allowed_n = 0, 0, 0
        reports = []
        for n in names:
            why = []
            if n in compile_errors:
                why.append("does not compile under 2.7:\n" + compile_errors[n])
            r3 = results[(n, "py3")]
            p3 = problems(n, *r3)
            if p3:
                why.append("python3: " + "; ".join(p3) + "\n" + r3[1][-3000:] + r3[2][-3000:])
            if args.python3_only:
                status = "failed" if why else "passed"
                if args.verbose:
                    reports.append((n, r3[1]))
            else:
                r27 = results[(n, "py27")]
                p27 = problems(n, *r27)
                if p27:
                    why.append("python2.7: " + "; ".join(p27) + "\n" + r27[2][-3000:])
                status, diff = compare(n, r27[1], r3[1], allowed)
                if diff:
                    why.append(diff)
                if p3 or p27 or n in compile_errors:
                    status = "failed"
                if args.verbose:
                    reports.append((n, "--- python2.7\n" + r27[1] + "--- python3\n" + r3[1]))
            if status == "passed":
                passed += 1
            elif status == "allowed":
                allowed_n += 1
            else:
                failed += 1
            print("%-32s %s" % (n, status))
            if status == "failed":
                reports.append((n, "\n".join(why)))
        for n, text in reports:
            print("\n===== %s =====\n%s" % (n, text))
        if not args.python3_only and not args.scenarios:
            for e in allowed:
                if not e["used"]:
                    print("note: allowed.txt:%d (%s) matched nothing" % (e["line"], e["scenario"]))
        print("(%.1fs)" % (time.time() - started))
        if args.python3_only:
            print("py3parity (python3 only): %d passed, %d failed" % (passed, failed))
        else:
            print("py3parity: %d passed, %d failed, %d allowed" % (passed, failed, allowed_n))
        return 1 if failed else 0
    finally:
        if made and prefix:
            shutil.rmtree(prefix, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
