#!/usr/bin/env python3
"""Real clients over pep466: pip and urllib3 under CPython 2.7 with our _ssl/_hashlib and our
Lib layer first on the path (the interpreter itself is never modified), and the same runs on
the stock modules and 2.7.18's own ssl.py for comparison.

  python3 scripts/clients.py --lib target/release/libpep466.so [--only ours|modules|stock]
  python3 scripts/clients.py --fetch          only fetch what the runs need (scripts/deps.sh --clients)
  python3 scripts/clients.py --lib ... --policy permissive    urllib3's tests under an OpenSSL
                                              config that allows TLS 1.0/1.1 (counts only)

1. pip over TLS: pip 20.3.4 (the last pip for 2.7, vendoring urllib3 1.26) and the
   interpreter's bundled pip 19.2.3 download a wheel from a loopback HTTPS "simple" index
   (tests/clients/https_index.py, Python 3, certificate from a throw-away CA made here):
   with --cert CA the download succeeds and the file matches byte for byte; without --cert
   (pip's own CA bundle) and against a server whose certificate names another host, pip
   refuses and its output names the certificate verification failure.
2. urllib3 1.26.20's own TLS tests, from its sdist, under pytest 4.6 on 2.7:
   test/with_dummyserver/test_https.py, test/test_ssl.py, test/test_ssltransport.py and the
   TLS classes of test/with_dummyserver/test_socketlevel.py.

What is fetched is pinned with hashes in tests/clients/requirements.txt and cached under
target/clients/ (pip download --require-hashes; the test dependencies are installed with
pip 20.3.4 --target into target/clients/, never into the interpreter). Failures of our run
are compared with tests/clients/expected-failures.txt (each with its reason): any other
failure, or a listed test that passes, fails the run. The other two configurations report
counts only: 'modules' (our modules under 2.7.18's own ssl.py, as `scripts/install.sh
--modules-only` installs them) and 'stock'.
"""
import argparse
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HERE = os.path.join(ROOT, "tests", "clients")
REQUIREMENTS = os.path.join(HERE, "requirements.txt")
EXPECTED = os.path.join(HERE, "expected-failures.txt")
WORK = os.path.join(ROOT, "target", "clients")
CACHE = os.path.join(WORK, "cache")
sys.path.insert(0, os.path.join(ROOT, "tests", "python"))
from pep466_support import find_python27, run_captured, stock_view_dir  # noqa: E402
import tls_support  # noqa: E402

URLLIB3 = "urllib3-1.26.20"
PIP20 = "pip-20.3.4-py2.py3-none-any.whl"
PROBE = "six-1.17.0-py2.py3-none-any.whl"  # the file pip downloads from the loopback index
# urllib3's TLS tests: its HTTPS suite, its ssl helpers, SSLTransport, and the TLS classes of
# the socket-level suite (SNI, ALPN, client certificates, TLS errors and timeouts).
URLLIB3_TESTS = [
    "test/with_dummyserver/test_https.py",
    "test/test_ssl.py",
    "test/test_ssltransport.py",
] + ["test/with_dummyserver/test_socketlevel.py::" + c
     for c in ("TestSSL", "TestSNI", "TestALPN", "TestClientCerts")]
PER_TEST_TIMEOUT = 60
RUN_TIMEOUT = 900


def clean_env(pythonpath):
    """The environment of a 2.7 child: nothing user-wide or proxy-related leaks in; `CI` makes
    urllib3's tests use their CI timeouts (0.5 s, not 0.01 s: this machine is shared)."""
    env = dict(os.environ)
    for var in list(env):
        if (var.startswith(("PIP_", "PYTHON")) or var.lower().endswith("_proxy")
                or var in ("OPENSSL_CONF", "SSL_CERT_FILE", "SSL_CERT_DIR",
                           "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE")):
            del env[var]
    env["NO_PROXY"] = env["no_proxy"] = "localhost,127.0.0.1"
    env["PIP_CONFIG_FILE"] = os.devnull
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env["CI"] = "true"
    if pythonpath:
        env["PYTHONPATH"] = os.pathsep.join(pythonpath)
    return env


# --- fetching and installing ------------------------------------------------------------

def pinned():
    """{name: set of sha256} of tests/clients/requirements.txt."""
    text = open(REQUIREMENTS).read().replace("\\\n", " ")
    reqs = {}
    for line in text.splitlines():
        line = line.split("#")[0].strip()
        m = re.match(r"^([A-Za-z0-9_.-]+)==(\S+)\s+(.*)$", line)
        if m:
            reqs[m.group(1)] = set(re.findall(r"--hash=sha256:([0-9a-f]{64})", m.group(3)))
    return reqs


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def cache_complete():
    have = {sha256(os.path.join(CACHE, f)) for f in os.listdir(CACHE)} if os.path.isdir(CACHE) else set()
    return all(hashes & have for hashes in pinned().values())


def fetch(python):
    """Fills target/clients/cache with what requirements.txt pins, checked by hash (pip
    download --require-hashes by the interpreter's own pip); quick when already there."""
    if cache_complete():
        return
    os.makedirs(CACHE, exist_ok=True)
    # pip as this machine sets it up (its proxy, CA bundle and index settings), without our
    # modules on the path; the hashes decide what is accepted.
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    subprocess.check_call([python, "-m", "pip", "download", "--disable-pip-version-check",
                           "--no-cache-dir", "--no-deps", "--require-hashes", "-q",
                           "-r", REQUIREMENTS, "-d", CACHE], env=env)
    if not cache_complete():
        sys.exit("clients: target/clients/cache does not hold every pinned file")


def install(python):
    """Installs the test dependencies (everything pinned but pip and urllib3) with pip 20.3.4
    --target into target/clients/site-<hash of requirements.txt>, unpacks pip 20.3.4 and
    urllib3's sdist beside it; returns (site, pip20 dir, urllib3 source tree)."""
    key = sha256(REQUIREMENTS)[:12]
    site = os.path.join(WORK, "site-" + key)
    pip20 = os.path.join(WORK, "pip-20.3.4")
    tree = os.path.join(WORK, URLLIB3)
    if not os.path.isdir(pip20):
        with zipfile.ZipFile(os.path.join(CACHE, PIP20)) as z:
            z.extractall(pip20 + ".tmp")
        os.rename(pip20 + ".tmp", pip20)
    if not os.path.isdir(tree):
        shutil.rmtree(tree + ".tmp", ignore_errors=True)
        os.makedirs(tree + ".tmp")
        subprocess.check_call(["tar", "xzf", os.path.join(CACHE, URLLIB3 + ".tar.gz"),
                               "-C", tree + ".tmp"])
        os.rename(os.path.join(tree + ".tmp", URLLIB3), tree)
        os.rmdir(tree + ".tmp")
    if not os.path.isdir(site):
        text = open(REQUIREMENTS).read()
        text = re.sub(r"(?m)^(pip|urllib3)==.*\\\n(\s+--hash.*\n)+", "", text)
        text = re.sub(r"(?m)^--no-binary.*\n", "", text)
        shutil.rmtree(site + ".tmp", ignore_errors=True)
        with tempfile.TemporaryDirectory(prefix="pep466-clients-home-") as home:
            reqs = os.path.join(home, "requirements.txt")
            with open(reqs, "w") as f:
                f.write(text)
            env = clean_env([pip20])
            env["HOME"] = home
            subprocess.check_call([python, "-m", "pip", "install", "--disable-pip-version-check",
                                   "--no-cache-dir", "--no-index", "--find-links", CACHE,
                                   "--no-deps", "--require-hashes", "--no-build-isolation", "-q",
                                   "--target", site + ".tmp", "-r", reqs], env=env)
        os.rename(site + ".tmp", site)
        for old in os.listdir(WORK):  # installs of earlier requirements.txt versions
            if old.startswith("site-") and os.path.join(WORK, old) != site:
                shutil.rmtree(os.path.join(WORK, old), ignore_errors=True)
    return site, pip20, tree


# --- what is under test -----------------------------------------------------------------

def setup_config(name, python, lib, tmp):
    """[PYTHONPATH entries] putting config `name`'s modules and Lib files first: 'ours' =
    our build + the Lib layer; 'modules' = our build under 2.7.18's own ssl.py (what
    `scripts/install.sh --modules-only` gives); 'stock' = the interpreter's own modules and
    Lib. Where scripts/install.sh replaced the interpreter's files, the originals it kept in
    lib-dynload/.pep466-backup stand in for them. Checks that the interpreter imports what we
    meant."""
    env = clean_env(None)
    dynload = subprocess.check_output(
        [python, "-c", "import os, _struct; print(os.path.dirname(_struct.__file__))"],
        env=env).decode().strip()
    backup = os.path.join(dynload, ".pep466-backup")
    if name == "stock":
        view = stock_view_dir(python)
        path = [view] if view else []
    else:
        mods = os.path.join(tmp, name + "-modules")
        libfiles = os.path.join(tmp, name + "-lib")
        os.mkdir(mods)
        os.mkdir(libfiles)
        for mod in ("_ssl.so", "_hashlib.so"):
            os.symlink(os.path.abspath(lib), os.path.join(mods, mod))
        if name == "ours":
            subprocess.check_call([python, os.path.join(ROOT, "scripts", "lib-layer.py"),
                                   "--python", python, "--out", libfiles],
                                  stdout=subprocess.DEVNULL)
        else:
            for f in ("ssl.py", "hashlib.py", "hmac.py"):
                if os.path.exists(os.path.join(backup, f)):
                    os.symlink(os.path.join(backup, f), os.path.join(libfiles, f))
        path = [libfiles, mods]
    code = "import ssl, _ssl; print(ssl.__file__); print(_ssl.__file__)"
    ssl_file, mod_file = subprocess.check_output(
        [python, "-c", code], env=clean_env(path)).decode().split()
    if name != "stock":
        # An empty Lib folder means the interpreter's own files are the originals.
        ssl_ok = ssl_file.startswith(path[0]) or not os.listdir(path[0])
        if not (ssl_ok and mod_file.startswith(path[1])):
            sys.exit("clients: %s imports %s and %s" % (name, ssl_file, mod_file))
    elif os.path.realpath(mod_file) == os.path.realpath(lib):
        sys.exit("clients: stock imports %s" % mod_file)
    print("%s: ssl.py %s, _ssl %s" % (name, ssl_file, os.path.realpath(mod_file)))
    return path


# --- 1. pip over TLS ----------------------------------------------------------------------

class Index(object):
    """tests/clients/https_index.py serving `root` with `cert`, as a context manager."""

    def __init__(self, root, cert, key):
        self.proc = subprocess.Popen(
            [sys.executable, os.path.join(HERE, "https_index.py"), "--root", root,
             "--cert", cert, "--key", key], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.port = int(self.proc.stdout.readline())

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.proc.stdin.close()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def make_index(tmp):
    """simple/six/index.html linking files/<PROBE> with its sha256, as pip expects."""
    root = os.path.join(tmp, "index")
    os.makedirs(os.path.join(root, "simple", "six"))
    os.makedirs(os.path.join(root, "files"))
    shutil.copy(os.path.join(CACHE, PROBE), os.path.join(root, "files", PROBE))
    with open(os.path.join(root, "simple", "six", "index.html"), "w") as f:
        f.write('<!DOCTYPE html><html><body><a href="../../files/%s#sha256=%s">%s</a>'
                "</body></html>\n" % (PROBE, sha256(os.path.join(CACHE, PROBE)), PROBE))
    return root


VERIFY_FAILED = re.compile(r"CERTIFICATE_VERIFY_FAILED|certificate verify failed", re.I)
HOST_MISMATCH = re.compile(r"doesn't match|[Hh]ostname mismatch|not valid for")


def snippet(text, pattern):
    """The words around pattern's first match in pip's output, to show what pip said."""
    m = pattern.search(text)
    return text[max(0, m.start() - 60):m.end() + 60].replace("\n", " ")


def pip_checks(python, path, pip20, tmp):
    """[(test id, failure message or None)] of the pip checks under PYTHONPATH `path`."""
    pki = tls_support.pki()
    root = make_index(tmp)
    want = sha256(os.path.join(root, "files", PROBE))
    results = []
    pips = [("pip-20.3.4", [pip20]), ("pip-19.2.3", [])]
    with Index(root, pki["localhost"], pki["localhost.key"]) as good, \
            Index(root, pki["other"], pki["other.key"]) as wrong:
        for pip_name, extra in pips:
            env = clean_env(path + extra)

            def pip(name, port, cert):
                out = os.path.join(tmp, pip_name + "-" + name)
                home = os.path.join(tmp, pip_name + "-" + name + "-home")
                os.makedirs(home)
                env["HOME"] = home
                argv = [python, "-m", "pip", "download", "--no-deps", "--no-cache-dir",
                        "--disable-pip-version-check", "--retries", "0", "--timeout", "20",
                        "--index-url", "https://localhost:%d/simple/" % port, "-d", out]
                if cert:
                    argv += ["--cert", pki["ca"]]
                proc = subprocess.run(argv + ["six==1.17.0"], env=env, stdout=subprocess.PIPE,
                                      stderr=subprocess.STDOUT, timeout=120)
                text = proc.stdout.decode("utf-8", "replace")
                files = os.listdir(out) if os.path.isdir(out) else []
                return proc.returncode, text, [os.path.join(out, f) for f in files]

            def check(name, problem):
                results.append(("pip.%s.%s" % (pip_name, name), problem))

            # Which pip runs is part of the check: the vendored urllib3 pip is known by.
            code, text, files = pip("with-cert", good.port, True)
            version = subprocess.check_output(
                [python, "-c", "import pip; print(pip.__version__)"], env=env).decode().strip()
            if version != pip_name.split("-")[1]:
                check("download_with_cert", "ran pip %s, not %s" % (version, pip_name))
            elif code != 0:
                check("download_with_cert", "pip failed (%d):\n%s" % (code, text[-3000:]))
            elif [os.path.basename(f) for f in files] != [PROBE] or sha256(files[0]) != want:
                check("download_with_cert", "downloaded %s, not the served %s" % (files, PROBE))
            else:
                check("download_with_cert", None)

            code, text, files = pip("without-cert", good.port, False)
            if code == 0 or files or not VERIFY_FAILED.search(text):
                check("refuses_unknown_ca", "pip (%d, %s) without --cert:\n%s" % (code, files, text[-3000:]))
            else:
                check("refuses_unknown_ca", None)
                print("  %s without --cert: ...%s..." % (pip_name, snippet(text, VERIFY_FAILED)))

            code, text, files = pip("wrong-host", wrong.port, True)
            if code == 0 or files or not (HOST_MISMATCH.search(text) or VERIFY_FAILED.search(text)):
                check("refuses_wrong_host", "pip (%d, %s) to a server for other.example:\n%s"
                      % (code, files, text[-3000:]))
            else:
                check("refuses_wrong_host", None)
                print("  %s to other.example's server: ...%s..." % (
                    pip_name, snippet(text, HOST_MISMATCH if HOST_MISMATCH.search(text) else VERIFY_FAILED)))
    return results


# --- 2. urllib3's own TLS tests -------------------------------------------------------------

def urllib3_tests(python, path, site, tree, tmp, name, permissive):
    """[(test id, failure message or None or 'skipped')] of urllib3's TLS tests."""
    xml = os.path.join(tmp, name + "-urllib3.xml")
    env = clean_env(path + [site, os.path.join(tree, "src")])
    env["HOME"] = tmp
    if permissive:
        # TLS 1.0/1.1 allowed (the stdlib stage's permissive policy), so urllib3's
        # TestHTTPS_TLSv1 and _TLSv1_1 classes run instead of skipping themselves.
        env["OPENSSL_CONF"] = tls_support.permissive_openssl_conf(tmp)
    argv = [python, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-rfE",
            "--timeout", str(PER_TEST_TIMEOUT), "--junitxml", xml] + URLLIB3_TESTS
    text, _ = run_captured(argv, RUN_TIMEOUT, cwd=tree, env=env)
    with open(os.path.join(WORK, name + "-urllib3.log"), "w") as f:
        f.write(text)
    if not os.path.exists(xml):
        return [("urllib3.<run>", "pytest wrote no report:\n" + text[-3000:])]
    # flaky (urllib3 marks test_https.py with it) reruns a failed test once; the report then
    # holds one entry per run (the rerun one, with no outcome of its own, first): the last
    # entry is the test's outcome, as flaky decides it.
    outcome = {}
    for case in ET.parse(xml).iter("testcase"):
        test_id = "urllib3.%s.%s" % (case.get("classname"), case.get("name"))
        bad = case.find("failure")
        if bad is None:
            bad = case.find("error")
        if bad is not None:
            this = (bad.get("message") or "")[:500] or "failed"
        elif case.find("skipped") is not None:
            this = "skipped"
        else:
            this = None
        outcome[test_id] = this
    results = sorted(outcome.items())
    # Cross-check with pytest's own closing line ("1 failed, 176 passed, 118 skipped ...").
    summary = re.findall(r"^=*\s*((?:\d+ \w+(?:, )?)+) in [\d.]+ seconds", text, re.M)
    said = {w: int(n) for n, w in re.findall(r"(\d+) (\w+)", summary[-1])} if summary else {}
    mine = {"passed": sum(1 for _, w in results if w is None),
            "skipped": sum(1 for _, w in results if w == "skipped")}
    mine["failed"] = len(results) - mine["passed"] - mine["skipped"]
    said = {"passed": said.get("passed", 0) + said.get("xpassed", 0),
            "failed": said.get("failed", 0) + said.get("error", 0) + said.get("errors", 0),
            "skipped": said.get("skipped", 0) + said.get("xfailed", 0)}
    if said != mine:
        results.append(("urllib3.<report>", "pytest says %s, its report %s" % (said, mine)))
    if "*** TIMEOUT ***" in text:
        results.append(("urllib3.<run>", "timed out after %d s" % RUN_TIMEOUT))
    return results


# --- the whole run ------------------------------------------------------------------------

def load_expected():
    """{test id: reason} from lines `<test id>  # reason`."""
    expected = {}
    for line in open(EXPECTED):
        body, _, reason = line.partition("#")
        if body.strip():
            expected[body.strip()] = reason.strip()
    return expected


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lib", help="path to libpep466.so")
    ap.add_argument("--python", help="the 2.7 interpreter (default: $PYTHON27 or pyenv 2.7.18)")
    ap.add_argument("--only", choices=["ours", "modules", "stock"],
                    help="run one configuration (default: all three)")
    ap.add_argument("--part", choices=["pip", "urllib3"], help="run one part")
    ap.add_argument("--policy", choices=["system", "permissive"], default="system",
                    help="OpenSSL policy of urllib3's run; permissive reports counts only")
    ap.add_argument("--fetch", action="store_true", help="only fetch into target/clients/cache")
    args = ap.parse_args()
    python = os.path.abspath(args.python or find_python27())
    fetch(python)
    if args.fetch:
        return 0
    if not args.lib:
        ap.error("--lib is required")
    site, pip20, tree = install(python)
    expected = load_expected()
    configs = [args.only] if args.only else ["ours", "modules", "stock"]
    status = 0
    ours = None  # the gated counts: our modules, system policy
    tmp = tempfile.mkdtemp(prefix="pep466-clients-")
    try:
        for name in configs:
            start = time.time()
            path = setup_config(name, python, args.lib, tmp)
            results = []
            if args.part in (None, "pip"):
                results += pip_checks(python, path, pip20, os.path.join(tmp, name + "-pip"))
            if args.part in (None, "urllib3"):
                results += urllib3_tests(python, path, site, tree, tmp, name,
                                        args.policy == "permissive")
            failed = {t: why for t, why in results if why not in (None, "skipped")}
            skipped = sum(1 for _, why in results if why == "skipped")
            counts_only = name != "ours" or args.policy == "permissive"
            allowed = {} if counts_only else expected
            unexpected = sorted(set(failed) - set(allowed))
            passing = {t for t, why in results if why is None}
            now_passing = sorted(t for t in allowed if t in passing)
            for group in ("pip", "urllib3"):
                mine = [(t, why) for t, why in results if t.startswith(group + ".")]
                if not mine:
                    continue
                print("%s %-8s %4d run, %4d passed, %3d failed (%d expected), %3d skipped" % (
                    name, group, len(mine),
                    sum(1 for _, why in mine if why is None),
                    sum(1 for t, _ in mine if t in failed),
                    sum(1 for t, _ in mine if t in failed and t in allowed),
                    sum(1 for _, why in mine if why == "skipped")))
            for t in sorted(failed):
                tag = "expected" if t in allowed else ("failed" if counts_only else "UNEXPECTED")
                print("  %s failure %s: %s" % (tag, t, failed[t].splitlines()[0] if failed[t] else ""))
                if tag == "UNEXPECTED":
                    print("    " + failed[t].replace("\n", "\n    "))
            for t in now_passing:
                print("  listed as expected failure but passed: %s" % t)
            passed = len(results) - len(failed) - skipped
            print("clients %s: %d passed, %d failed, %d skipped (%d expected failures) in %.0f s" % (
                name, passed, len(failed) - len(set(failed) & set(allowed)), skipped,
                len(set(failed) & set(allowed)), time.time() - start), flush=True)
            if name == "ours" and not counts_only:
                if unexpected or now_passing:
                    status = 1
                ours = (passed, len(unexpected) + len(now_passing), skipped)
        if ours:
            print("clients: %d passed, %d failed, %d skipped" % ours)
        return status
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
