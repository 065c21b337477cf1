#!/usr/bin/env python3
"""Runs CPython 2.7.18's own test suites, in place from the interpreter's lib/python2.7/test,
against pep466's modules, and prints each suite's counts.

Two ways to put our modules under test:
  --lib PATH/libpep466.so   a drop-in build: a temporary folder holding _ssl.so and _hashlib.so
                            (symlinks to PATH) goes first on PYTHONPATH;
  --static-python EXE       an interpreter with _ssl and _hashlib linked in as builtin modules.
Before running anything it checks that the interpreter really imports ours.

Which Lib files (ssl.py, hashlib.py, hmac.py) the suites run on:
  (default)                 the interpreter's own, 2.7.18's (when scripts/install.sh replaced
                            them, the originals it kept go first on PYTHONPATH);
  --lib-layer               pep466's Lib layer: the files scripts/lib-layer.py makes from them
                            and cpython-patches/2.7.18/Lib/*.patch go first on PYTHONPATH.

Failures are compared with tests/expected-failures.txt: a failure listed there (with its reason)
is reported as expected; any other failure, or a listed test that now passes, makes the run fail.

--policy runs test_ssl under the system OpenSSL policy, under a test-only OpenSSL config that
re-enables TLS 1.0/1.1 ("permissive"), or both.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LIB_LAYER = os.path.join(ROOT, "scripts", "lib-layer.py")
LIB_FILES = ("ssl.py", "hashlib.py", "hmac.py")  # those the Lib layer may patch
sys.path.insert(0, os.path.join(ROOT, "tests", "python"))
from pep466_support import find_python27, run_captured, stock_view_dir  # noqa: E402
import tls_support  # noqa: E402
DEFAULT_SUITES = [
    "test_ssl", "test_hashlib", "test_hmac", "test_httplib", "test_urllib2_localnet",
    "test_ftplib", "test_poplib", "test_imaplib", "test_smtplib", "test_urllib2",
    "test_urllib", "test_urllibnet", "test_socket", "test_robotparser", "test_xmlrpc",
    "test_random", "test_imaplib_local",
]
# Test classes that talk only to servers they start on loopback, but that their suite runs only
# under regrtest's `network` resource (which would also start tests reaching the internet).
# They run here directly, after the setup their suite's test_main would do.
LOCAL_CLASSES = {
    "test_imaplib_local": (
        "import os, test.test_imaplib as t\n"
        "t.CERTFILE = os.path.join(os.path.dirname(t.__file__), 'keycert.pem')\n",
        ["ThreadedNetworkedTests", "ThreadedNetworkedTestsSSL"],
    ),
}
LOCAL_DRIVER = (
    "import sys, unittest\n"
    "{setup}"
    "suite = unittest.TestSuite(unittest.defaultTestLoader.loadTestsFromTestCase(getattr(t, c))\n"
    "                           for c in {classes!r})\n"
    "result = unittest.TextTestRunner(verbosity=2, stream=sys.stdout).run(suite)\n"
    "sys.exit(not result.wasSuccessful())\n"
)
RESULT_LINE = re.compile(r"^(test\w*) \(([\w.]+)\) \.\.\. (.*)$")
HEADER_LINE = re.compile(r"^(FAIL|ERROR): (test\w*) \(([\w.]+)\)")
SUMMARY = re.compile(r"^Ran (\d+) tests? in")


def load_expected(path):
    """[(suite, policy, condition, test_id, reason)] from lines `suite policy test_id  # reason`.

    The policy may carry an OpenSSL version condition, `policy@ossl<op><version>` with op one
    of >=, <, = (= matches a version prefix): `system@ossl>=3` applies only when the linked
    OpenSSL (`_ssl.OPENSSL_VERSION_INFO`) is 3.0 or later, `any@ossl=1.1` only on 1.1.x.
    """
    expected = []
    if not os.path.exists(path):
        return expected
    with open(path) as f:
        for line in f:
            body, _, reason = line.partition("#")
            parts = body.split()
            if not parts:
                continue
            suite, policy, test_id = parts
            policy, _, condition = policy.partition("@")
            if condition and not VERSION_CONDITION.match(condition):
                sys.exit("%s: bad OpenSSL condition %r in: %s" % (path, condition, line.strip()))
            expected.append((suite, policy, condition, test_id, reason.strip()))
    return expected


VERSION_CONDITION = re.compile(r"^ossl(>=|<|=)(\d+(?:\.\d+)*)$")


def version_matches(condition, version):
    """Whether `version` (a tuple of ints, e.g. (3, 6, 0)) satisfies `ossl>=3.6` and the like."""
    if not condition:
        return True
    op, wanted = VERSION_CONDITION.match(condition).groups()
    wanted = tuple(int(n) for n in wanted.split("."))
    have = tuple(version[:len(wanted)])
    return {">=": have >= wanted, "<": have < wanted, "=": have == wanted}[op]


def expected_for(expected, suite, policy, version):
    return {test_id: reason for (s, p, cond, test_id, reason) in expected
            if s == suite and p in ("any", policy) and version_matches(cond, version)}


def parse_output(text):
    """Counts and failing test ids from `regrtest -v` output."""
    run = skipped = 0
    failed = set()
    for line in text.splitlines():
        m = RESULT_LINE.match(line)
        if m:
            name, cls, outcome = m.groups()
            if outcome.startswith("skipped"):
                skipped += 1
            elif outcome.startswith(("FAIL", "ERROR")):
                failed.add("%s.%s" % (cls, name))
            continue
        m = HEADER_LINE.match(line)
        if m:
            failed.add("%s.%s" % (m.group(3), m.group(2)))
            continue
        m = SUMMARY.match(line)
        if m:
            run += int(m.group(1))
    return run, skipped, failed


def check_modules(python, env, static):
    code = ("import _ssl, _hashlib, sys\n"
            "for m in (_ssl, _hashlib):\n"
            "    print(getattr(m, '__file__', 'builtin:' + str(m.__name__ in sys.builtin_module_names)))\n")
    out = subprocess.check_output([python, "-c", code], env=env).decode().split()
    for where in out:
        if static and where != "builtin:True":
            sys.exit("not builtin modules: %s" % out)
        if not static and not where.startswith(env["PYTHONPATH"]):
            sys.exit("the interpreter imports %s, not our build in %s" % (out, env["PYTHONPATH"]))
    return out


def put_lib_files(python, folder, layer):
    """Puts the Lib files under test in `folder` (which goes first on PYTHONPATH): with
    `layer`, ours from scripts/lib-layer.py; else the interpreter's originals, if
    scripts/install.sh replaced them (it keeps them in lib-dynload/.pep466-backup)."""
    if layer:
        subprocess.check_call([python, LIB_LAYER, "--python", python, "--out", folder],
                              stdout=subprocess.DEVNULL)
        return
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    dynload = subprocess.check_output(
        [python, "-c", "import os, _struct; print(os.path.dirname(_struct.__file__))"],
        env=env).decode().strip()
    for name in LIB_FILES:
        original = os.path.join(dynload, ".pep466-backup", name)
        if os.path.exists(original):
            os.symlink(original, os.path.join(folder, name))


def check_lib(python, env, folder, layer):
    """Fails unless every Lib file `put_lib_files` put in `folder` is the one imported;
    returns what is under test."""
    code = ("import ssl, hashlib, hmac\n"
            "for m in (ssl, hashlib, hmac): print(m.__file__)\n")
    for path in subprocess.check_output([python, "-c", code], env=env).decode().split():
        name = os.path.basename(re.sub(r"\.py[co]$", ".py", path))
        if os.path.exists(os.path.join(folder, name)) and os.path.dirname(path) != folder:
            sys.exit("the interpreter imports %s, not %s" % (path, os.path.join(folder, name)))
    if layer:
        return "pep466's Lib layer (%s)" % " ".join(sorted(os.listdir(folder)))
    if os.listdir(folder):
        return "the interpreter's own (the originals install.sh kept)"
    return "the interpreter's own"


def openssl_version(python, env):
    """(`_ssl.OPENSSL_VERSION`, `_ssl.OPENSSL_VERSION_INFO`) of the modules under test."""
    code = "import _ssl; print(_ssl.OPENSSL_VERSION); print(list(_ssl.OPENSSL_VERSION_INFO))"
    text, info = subprocess.check_output([python, "-c", code], env=env).decode().splitlines()
    return text, tuple(json.loads(info))


def run_suite(python, env, suite, timeout):
    testdir = subprocess.check_output(
        [python, "-c", "import os, test; print(os.path.dirname(test.__file__))"], env=env
    ).decode().strip()
    if suite in LOCAL_CLASSES:
        setup, classes = LOCAL_CLASSES[suite]
        cmd = [python, "-c", LOCAL_DRIVER.format(setup=setup, classes=classes)]
    else:
        cmd = [python, "-m", "test.regrtest", "-v", suite]
    with tempfile.TemporaryDirectory(prefix="pep466-suite-") as cwd:
        text, _ = run_captured(cmd, timeout, cwd=cwd, env=env)
    return testdir, text


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    where = ap.add_mutually_exclusive_group(required=True)
    where.add_argument("--lib", help="path to libpep466.so (drop-in build)")
    where.add_argument("--static-python", help="interpreter with _ssl/_hashlib builtin")
    where.add_argument("--stock", action="store_true",
                       help="the interpreter's own modules, for comparison (counts only; "
                            "the expected-failure list does not apply)")
    ap.add_argument("--python", help="the 2.7 interpreter (default: $PYTHON27 or pyenv 2.7.18)")
    ap.add_argument("--lib-layer", action="store_true",
                    help="run on pep466's Lib layer (patched ssl.py...) instead of the stock Lib")
    ap.add_argument("--suites", nargs="+", default=DEFAULT_SUITES)
    ap.add_argument("--policy", choices=["system", "permissive", "both"], default="both",
                    help="OpenSSL policy for test_ssl (other suites: system)")
    ap.add_argument("--expected", default=os.path.join(ROOT, "tests", "expected-failures.txt"))
    ap.add_argument("--json", help="write the counts here")
    ap.add_argument("--logs", help="keep each suite's output in this folder")
    ap.add_argument("--timeout", type=int, default=900, help="seconds per suite")
    args = ap.parse_args()
    if args.lib_layer and args.stock:
        ap.error("--lib-layer tests our modules: use it with --lib or --static-python")

    python = os.path.abspath(args.static_python or args.python or find_python27())
    expected = load_expected(args.expected)
    tmp = tempfile.mkdtemp(prefix="pep466-libdir-")
    try:
        env = dict(os.environ)
        for var in ("PYTHONPATH", "PYTHONHOME", "OPENSSL_CONF"):
            env.pop(var, None)
        if args.stock:
            # The interpreter's originals, even if scripts/install.sh replaced them.
            view = stock_view_dir(python)
            if view:
                env["PYTHONPATH"] = view
        if args.lib:
            lib = os.path.abspath(args.lib)
            for name in ("_ssl.so", "_hashlib.so"):
                os.symlink(lib, os.path.join(tmp, name))
            env["PYTHONPATH"] = tmp
        if not args.stock:
            check_modules(python, env, static=bool(args.static_python))
            # The Lib files' folder goes before everything else on PYTHONPATH.
            libfiles = os.path.join(tmp, "lib")
            os.mkdir(libfiles)
            put_lib_files(python, libfiles, args.lib_layer)
            env["PYTHONPATH"] = os.pathsep.join(p for p in (libfiles, env.get("PYTHONPATH")) if p)
            print("Lib under test: %s" % check_lib(python, env, libfiles, args.lib_layer))
        ossl_text, ossl_version = openssl_version(python, env)
        print("OpenSSL under test: %s" % ossl_text)
        conf = tls_support.permissive_openssl_conf(tmp)

        runs = []
        for suite in args.suites:
            policies = ["system"]
            if suite == "test_ssl" and args.policy != "system":
                policies = ["system", "permissive"] if args.policy == "both" else ["permissive"]
            for policy in policies:
                runs.append((suite, policy))

        results, bad = {}, []
        print("%-22s %-10s %5s %5s %5s %9s" % ("suite", "policy", "run", "fail", "skip", "expected"))
        for suite, policy in runs:
            suite_env = dict(env)
            if policy == "permissive":
                suite_env["OPENSSL_CONF"] = conf
            testdir, text = run_suite(python, suite_env, suite, args.timeout)
            if args.logs:
                os.makedirs(args.logs, exist_ok=True)
                with open(os.path.join(args.logs, "%s-%s.log" % (suite, policy)), "w") as f:
                    f.write(text)
            run, skipped, failed = parse_output(text)
            allowed = {} if args.stock else expected_for(expected, suite, policy, ossl_version)
            unexpected = sorted(failed - set(allowed))
            now_passing = sorted(t for t in allowed if t not in failed and t.split(".")[-1] in text)
            # A suite regrtest skips whole (it needs the `network` resource, say) is a skip.
            whole_skip = re.search(r"^%s skipped -- " % re.escape(suite), text, re.M)
            if whole_skip and run == 0:
                skipped = 1
            elif "*** TIMEOUT ***" in text or run == 0:
                unexpected.append("<suite did not complete: %d tests parsed>" % run)
            key = suite if policy == "system" else "%s[%s]" % (suite, policy)
            results[key] = {"run": run, "passed": max(0, run - len(failed) - skipped),
                            "failures": len(failed), "skipped": skipped,
                            "expected_failures": len(failed & set(allowed)),
                            "unexpected": unexpected, "now_passing": now_passing}
            print("%-22s %-10s %5d %5d %5d %9d" % (suite, policy, run, len(failed), skipped,
                                                  len(failed & set(allowed))), flush=True)
            if args.stock:
                unexpected, now_passing = [], []
            for t in unexpected:
                bad.append("%s [%s]: unexpected failure %s" % (suite, policy, t))
            for t in now_passing:
                bad.append("%s [%s]: listed as expected failure but passed: %s" % (suite, policy, t))
        if args.json:
            with open(args.json, "w") as f:
                json.dump({"python": python, "lib": args.lib, "lib_layer": args.lib_layer,
                           "openssl_version": ossl_text, "suites": results}, f, indent=2)
        total_passed = sum(r["passed"] for r in results.values())
        total_fail = sum(r["failures"] for r in results.values())
        total_skip = sum(r["skipped"] for r in results.values())
        if bad:
            print("\n".join(bad))
        print("stdlib suites%s: %d passed, %d failed, %d skipped" % (
            " on our Lib" if args.lib_layer else "", total_passed,
            total_fail - sum(r["expected_failures"] for r in results.values()), total_skip))
        return 1 if bad else 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
