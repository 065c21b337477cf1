"""Shared helpers for pep466's own Python 2.7 tests.

Every test file runs under the 2.7 interpreter with our build first on PYTHONPATH (the
runner, tests/python/run.py, sets that up). Parity tests also need the *stock* modules:
`run_stock` starts the same interpreter without our directory on the path (and, when
scripts/install.sh has replaced them in the interpreter, with the originals it kept).
"""
import atexit
import os
import shutil
import subprocess
import sys
import tempfile

# The directory holding our _ssl.so / _hashlib.so (set by the runner).
OUR_DIR = os.environ.get("PEP466_LIBDIR", "")
# The 2.7 interpreter under test (the runner passes the one it found).
PYTHON27 = os.environ.get("PEP466_PYTHON27", sys.executable)
# A Python 3 on the same OpenSSL, for differential tests against Python 3 semantics.
PYTHON3 = os.environ.get("PEP466_PYTHON3", "python3")


def rss_kb():
    """This process's resident set size (VmRSS), in kB."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS in /proc/self/status")


def use_lib_layer():
    """Materialises our Lib layer (2.7.18's ssl.py, hashlib.py, hmac.py with our patches) into
    a temporary directory removed at exit, and puts it first on sys.path, so the next
    `import ssl` is ours. Returns the directory."""
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    layer = tempfile.mkdtemp(prefix="pep466-layer-")
    atexit.register(shutil.rmtree, layer, True)
    with open(os.devnull, "w") as null:
        subprocess.check_call([sys.executable, os.path.join(root, "scripts", "lib-layer.py"),
                               "--python", sys.executable, "--out", layer], stdout=null)
    sys.path.insert(0, layer)
    return layer


def run_captured(cmd, timeout, **popen_args):
    """Runs `cmd` with stdout and stderr as one text; returns (text, exit status), the status
    "timeout" (and the text ending in a TIMEOUT line) when `timeout` seconds ran out first.
    For the Python 3 runner scripts."""
    try:
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              timeout=timeout, **popen_args)
        return proc.stdout.decode("utf-8", "replace"), proc.returncode
    except subprocess.TimeoutExpired as e:
        return (e.stdout or b"").decode("utf-8", "replace") + "\n*** TIMEOUT ***\n", "timeout"


def find_python27():
    """The 2.7 interpreter the test runners use: $PYTHON27, else pyenv's 2.7.18, else
    python2.7 on PATH (the order build.rs and scripts/install.sh follow). Runners only (Python 3).
    """
    exe = os.environ.get("PYTHON27")
    if exe:
        return exe
    try:
        prefix = subprocess.check_output(["pyenv", "prefix", "2.7.18"]).decode().strip()
        return os.path.join(prefix, "bin", "python2.7")
    except (OSError, subprocess.CalledProcessError):
        return shutil.which("python2.7") or sys.exit("no python2.7 found; set PYTHON27")


def stock_view_dir(python):
    """A folder to put first on PYTHONPATH so `python` imports its *original* _ssl/_hashlib.

    None when the interpreter's lib-dynload holds its own modules. After scripts/install.sh
    replaced them, the originals are in lib-dynload/.pep466-backup: the folder links those,
    and stands in a module that raises ImportError for one the interpreter never had (stock
    2.7.18 on OpenSSL 3 has no _hashlib). The Lib files install.sh replaced (ssl.py...) are
    kept there too and linked likewise, so stock means stock Lib as well.
    """
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    out = subprocess.check_output(
        [python, "-c", "import os, _struct; print(os.path.dirname(_struct.__file__))"], env=env)
    backup = os.path.join(out.decode().strip(), ".pep466-backup")
    if not os.path.isdir(backup):
        return None
    view = tempfile.mkdtemp(prefix="pep466-stock-")
    atexit.register(shutil.rmtree, view, True)
    for name in ("_ssl", "_hashlib"):
        original = os.path.join(backup, name + ".so")
        if os.path.exists(original):
            os.symlink(original, os.path.join(view, name + ".so"))
        else:
            with open(os.path.join(view, name + ".py"), "w") as f:
                f.write("raise ImportError('No module named %s')\n" % name)
    for name in ("ssl.py", "hashlib.py", "hmac.py"):
        original = os.path.join(backup, name)
        if os.path.exists(original):
            os.symlink(original, os.path.join(view, name))
    return view


_stock_view = []


def _env(path=None):
    """The environment for a child interpreter, with `path` (or nothing) as PYTHONPATH."""
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    if path:
        env["PYTHONPATH"] = path
    return env


def _stock_path():
    if not _stock_view:
        _stock_view.append(stock_view_dir(PYTHON27))
    return _stock_view[0]


def _run(argv, env, stdin=None):
    proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env)
    out, err = proc.communicate(stdin)
    if proc.returncode != 0:
        raise AssertionError("%r failed (%d):\n%s" % (argv[:2], proc.returncode, err))
    return out


def run_stock(code):
    """Runs `code` under 2.7 with its stock _ssl/_hashlib; returns stdout."""
    return _run([PYTHON27, "-c", code], _env(_stock_path()))


def run_ours(code):
    """Runs `code` under 2.7 with our modules first on the path; returns stdout."""
    return _run([PYTHON27, "-c", code], _env(OUR_DIR))


def run_python3(code, stdin=None):
    """Runs `code` under Python 3; returns stdout (bytes)."""
    return _run([PYTHON3, "-c", code], _env(), stdin)


def assert_modules_are_ours():
    """Fails unless the imported _ssl and _hashlib are the ones from OUR_DIR."""
    import _hashlib
    import _ssl
    for mod in (_ssl, _hashlib):
        # Compare folders, not resolved files: our modules are symlinks to the built library.
        path = os.path.abspath(getattr(mod, "__file__", "<builtin>"))
        if not OUR_DIR or os.path.dirname(path) != os.path.abspath(OUR_DIR):
            raise AssertionError("%s comes from %s, not from %s" % (mod.__name__, path, OUR_DIR))


# --- Which OpenSSL each side is linked to -------------------------------------------------
# Our build may be linked to another OpenSSL (scripts/openssl-matrix.sh: 1.1.1, 3.6, 4.0) than
# the references (stock 2.7, python3, the `openssl` CLI: the system's). Values that depend on
# the OpenSSL are then checked against what *our* OpenSSL defines, never skipped.

_VERSION_CODE = "import _ssl, sys; sys.stdout.write('%d' % _ssl.OPENSSL_VERSION_NUMBER)"
_cache = {}


def ours_openssl_version():
    """OPENSSL_VERSION_NUMBER of the OpenSSL our module is linked to (e.g. 0x30000130)."""
    import _ssl
    return _ssl.OPENSSL_VERSION_NUMBER


def stock_openssl_version():
    """OPENSSL_VERSION_NUMBER of the stock 2.7 _ssl (the system OpenSSL)."""
    if "stock" not in _cache:
        _cache["stock"] = int(run_stock(_VERSION_CODE))
    return _cache["stock"]


def python3_openssl_version():
    """OPENSSL_VERSION_NUMBER of Python 3's ssl module."""
    if "py3" not in _cache:
        _cache["py3"] = int(run_python3(_VERSION_CODE))
    return _cache["py3"]


def openssl_line(number):
    """The release line whose error numbering and tables a version follows: '111', '300'
    (every 3.x) or '400' (src/ssl/err_data/ossl<line>.rs)."""
    major = number >> 28
    return {1: "111", 3: "300", 4: "400"}[major]


def same_openssl_as_stock():
    """True when our module and stock 2.7 use the same OpenSSL release."""
    return ours_openssl_version() == stock_openssl_version()


def same_openssl_as_python3():
    return ours_openssl_version() == python3_openssl_version()


def unpack_error(code, number):
    """(library, reason) of a packed OpenSSL error code, packed the way OpenSSL `number` packs
    it: 1.1.1 is lib << 24 | func << 12 | reason, 3.x and 4.x lib << 23 | reason."""
    if number >> 28 >= 3:
        return (code >> 23) & 0xFF, code & 0x7FFFFF
    return (code >> 24) & 0xFF, code & 0xFFF


def generated_error_tables(number):
    """The error tables scripts/make_ssl_data.py generated for the line of OpenSSL `number`:
    (lib_codes_to_names, err_codes_to_names, err_names_to_codes) as dicts, read from
    src/ssl/err_data/ossl<line>.rs (generated from that line's headers)."""
    import re
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "src", "ssl",
                        "err_data", "ossl%s.rs" % openssl_line(number))
    text = open(path).read()

    def block(name):
        start = text.index("static %s:" % name)
        return text[start:text.index("];", start)]

    libs = dict((int(c), n) for c, n in
                re.findall(r'\(\s*(\d+),\s*"([A-Z0-9_]+)",?\s*\)', block("LIBRARY_NAMES")))
    names = dict(((int(l), int(r)), n) for l, r, n in
                 re.findall(r'\(\s*(\d+),\s*(\d+),\s*"([A-Z0-9_]+)",?\s*\)', block("REASON_NAMES")))
    codes = dict((n, (int(l), int(r))) for n, l, r in
                 re.findall(r'\(\s*"([A-Z0-9_]+)",\s*(\d+),\s*(\d+),?\s*\)', block("REASON_CODES")))
    if not (libs and names and codes):
        raise AssertionError("could not read the tables of %s" % path)
    return libs, names, codes


def comparable_error_code(code, number, other_number):
    """A packed error code `code` from OpenSSL `number`, in a form comparable with codes from
    OpenSSL `other_number`: the code itself when both pack alike (3.x and 4.x do), else its
    (library, reason) pair (1.1.1 also packs a function code, which 3.x dropped; 3.x marks
    common reasons such as ERR_R_PEM_LIB with ERR_RFLAG_COMMON, bits 18-22, which 1.1.1 has
    not got: 3.x's 0x80009 is 1.1.1's 9)."""
    if (number >> 28 >= 3) == (other_number >> 28 >= 3):
        return code
    lib, reason = unpack_error(code, number)
    if number >> 28 >= 3:
        common = reason & (0x2 << 18)
        reason &= ~(0x1F << 18)
        if common:
            reason = COMMON_REASONS_3_TO_111.get(reason, reason)
    return lib, reason


# The ERR_R_* reasons 3.0 renumbered (err.h of 3.0 -> of 1.1.1, where the "fatal" ones carry
# 1.1.1's ERR_R_FATAL, 64): MALLOC_FAILURE, SHOULD_NOT_HAVE_BEEN_CALLED,
# PASSED_NULL_PARAMETER, INTERNAL_ERROR, DISABLED, INIT_FAIL, PASSED_INVALID_ARGUMENT,
# OPERATION_FAIL, NESTED_ASN1_ERROR, MISSING_ASN1_EOS.
COMMON_REASONS_3_TO_111 = {256: 1 | 64, 257: 2 | 64, 258: 3 | 64, 259: 4 | 64, 260: 5 | 64,
                           261: 6 | 64, 262: 7, 263: 8 | 64, 266: 58, 267: 63}
