"""Shared helpers for pep466's own Python 2.7 tests.

Every test file runs under the 2.7 interpreter with our build first on PYTHONPATH (the
runner, tests/python/run.py, sets that up). Parity tests also need the *stock* modules:
`run_stock` starts the same interpreter without our directory on the path.
"""
import os
import subprocess
import sys

# The directory holding our _ssl.so / _hashlib.so (set by the runner).
OUR_DIR = os.environ.get("PEP466_LIBDIR", "")
# The 2.7 interpreter under test (the runner passes the one it found).
PYTHON27 = os.environ.get("PEP466_PYTHON27", sys.executable)
# A Python 3 on the same OpenSSL, for differential tests against Python 3 semantics.
PYTHON3 = os.environ.get("PEP466_PYTHON3", "python3")


def _env(with_ours):
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    if with_ours:
        env["PYTHONPATH"] = OUR_DIR
    return env


def _run(argv, env, stdin=None):
    proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env)
    out, err = proc.communicate(stdin)
    if proc.returncode != 0:
        raise AssertionError("%r failed (%d):\n%s" % (argv[:2], proc.returncode, err))
    return out


def run_stock(code):
    """Runs `code` under 2.7 with its stock _ssl/_hashlib; returns stdout."""
    return _run([PYTHON27, "-c", code], _env(False))


def run_ours(code):
    """Runs `code` under 2.7 with our modules first on the path; returns stdout."""
    return _run([PYTHON27, "-c", code], _env(True))


def run_python3(code, stdin=None):
    """Runs `code` under Python 3; returns stdout (bytes)."""
    return _run([PYTHON3, "-c", code], _env(False), stdin)


def assert_modules_are_ours():
    """Fails unless the imported _ssl and _hashlib are the ones from OUR_DIR."""
    import _hashlib
    import _ssl
    for mod in (_ssl, _hashlib):
        # Compare folders, not resolved files: our modules are symlinks to the built library.
        path = os.path.abspath(getattr(mod, "__file__", "<builtin>"))
        if not OUR_DIR or os.path.dirname(path) != os.path.abspath(OUR_DIR):
            raise AssertionError("%s comes from %s, not from %s" % (mod.__name__, path, OUR_DIR))
