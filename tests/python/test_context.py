"""_ssl._SSLContext: defaults, settings, loaders and bad input, compared with the stock 2.7.18
module where it can run (run_stock), plus what stock cannot do on OpenSSL 3 (DER cadata) and
what only a Rust implementation must guarantee (no crash, no hang, no deadlock).

Run: PEP466_LIBDIR=/tmp/x/lib PYTHONPATH=/tmp/x/lib python2.7 tests/python/test_context.py
"""
import gc
import os
import re
import shutil
import sys
import tempfile
import threading
import unittest
import weakref

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pep466_support as support  # noqa: E402

import _ssl  # noqa: E402
import ssl  # noqa: E402
import test as _stdlib_test  # noqa: E402

# 2.7's own test certificates (shipped with the interpreter under test).
CERTS = os.path.dirname(os.path.abspath(_stdlib_test.__file__))


def cert(name):
    return os.path.join(CERTS, name)


KEYCERT = cert("keycert.pem")
KEYCERT2 = cert("keycert2.pem")
PROTECTED = cert("keycert.passwd.pem")  # key encrypted with "somepass"
CACERT = cert("pycacert.pem")
BADCERT = cert("badcert.pem")
NULLCERT = cert("nullcert.pem")
DHFILE = cert("ffdh3072.pem")
PASSWORD = "somepass"


def pem_block(path, kind="CERTIFICATE"):
    """The first "-----BEGIN <kind>-----" block of a file (which may hold text around it)."""
    text = open(path).read()
    begin, end = "-----BEGIN %s-----" % kind, "-----END %s-----" % kind
    return text[text.index(begin):text.index(end) + len(end)] + "\n"

# One bad-input case per line: label and an expression over `c` (a fresh TLS context), `C`
# (the certificate directory) and `P` (the protected key file). The runner prints, per case,
# the exception class and its args with `(_ssl.c:N)` line suffixes removed.
CASES = r"""
options None|c.options = None
options float|c.options = 1.5
options 2**64|c.options = 2**64
options 2**63|c.options = 2**63
options str|c.options = 'x'
options -1|c.options = -1; r = c.options
options 0|c.options = 0; r = c.options
del options|del c.options
verify_mode None|c.verify_mode = None
verify_mode 42|c.verify_mode = 42
verify_mode -1|c.verify_mode = -1
verify_mode 2**64|c.verify_mode = 2**64
verify_mode float|c.verify_mode = 1.5
verify_flags None|c.verify_flags = None
verify_flags str|c.verify_flags = 'x'
verify_flags float|c.verify_flags = 2.5
verify_flags -1|c.verify_flags = -1; r = c.verify_flags
verify_flags 2**64|c.verify_flags = 2**64; r = c.verify_flags
verify_flags 2**100+3|c.verify_flags = 2**100 + 3; r = c.verify_flags
check_hostname on CERT_NONE|c.check_hostname = True
check_hostname then CERT_NONE|c.verify_mode = 2; c.check_hostname = 'yes'; c.verify_mode = 0
protocol -1|_ssl._SSLContext(-1)
protocol 42|_ssl._SSLContext(42)
protocol 2**40|_ssl._SSLContext(2**40)
protocol str|_ssl._SSLContext('tls')
protocol missing|_ssl._SSLContext()
ciphers garbage|c.set_ciphers('xyzzy')
ciphers empty|c.set_ciphers('')
ciphers nul|c.set_ciphers('HI\0GH')
ciphers None|c.set_ciphers(None)
ciphers only tls13|c.set_ciphers('TLS_AES_256_GCM_SHA384')
ciphers huge|c.set_ciphers('A' * 100000)
ecdh foo|c.set_ecdh_curve('foo')
ecdh u foo|c.set_ecdh_curve(u'foo')
ecdh empty|c.set_ecdh_curve('')
ecdh nul|c.set_ecdh_curve('prime\x00256v1')
ecdh None|c.set_ecdh_curve(None)
ecdh int|c.set_ecdh_curve(1)
ecdh non-ascii|c.set_ecdh_curve(u'\xe9')
ecdh huge|c.set_ecdh_curve('x' * 100000)
ecdh ok|c.set_ecdh_curve('prime256v1')
ecdh X25519|c.set_ecdh_curve('X25519')
ecdh RSA|c.set_ecdh_curve('RSA')
dh None|c.load_dh_params(None)
dh missing|c.load_dh_params('/nonexistent/dh.pem')
dh directory|c.load_dh_params(C)
dh certificate|c.load_dh_params(C + '/keycert.pem')
dh int|c.load_dh_params(1)
dh bytearray|c.load_dh_params(bytearray('/x'))
dh ok|c.load_dh_params(C + '/ffdh3072.pem')
lvl nothing|c.load_verify_locations()
lvl all None|c.load_verify_locations(None, None, None)
lvl missing|c.load_verify_locations('/nonexistent/ca.pem')
lvl directory as file|c.load_verify_locations(C)
lvl empty name|c.load_verify_locations(u'')
lvl bad pem|c.load_verify_locations(C + '/badcert.pem')
lvl empty pem|c.load_verify_locations(C + '/nullcert.pem')
lvl capath True|c.load_verify_locations(capath=True)
lvl cafile int|c.load_verify_locations(1)
lvl capath missing|c.load_verify_locations(capath='/nonexistent')
cadata u broken|c.load_verify_locations(cadata=u'broken')
cadata b broken|c.load_verify_locations(cadata=b'broken')
cadata empty|c.load_verify_locations(cadata=b'')
cadata u empty|c.load_verify_locations(cadata=u'')
cadata object|c.load_verify_locations(cadata=object())
cadata int|c.load_verify_locations(cadata=1)
cadata non-ascii|c.load_verify_locations(cadata=u'\xe9')
cadata pem as str|c.load_verify_locations(cadata=open(C + '/pycacert.pem').read())
cadata truncated pem|c.load_verify_locations(cadata=unicode(open(C + '/pycacert.pem').read()[:-40]))
cadata pem body garbage|c.load_verify_locations(cadata=u'-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n')
cadata der junk 1MB|c.load_verify_locations(cadata=b'\x30\x82' + b'\xff' * (1 << 20))
lcc missing|c.load_cert_chain('/nonexistent/cert.pem')
lcc directory|c.load_cert_chain(C)
lcc None|c.load_cert_chain(None)
lcc keyfile only|c.load_cert_chain(keyfile=C + '/keycert.pem')
lcc bad cert|c.load_cert_chain(C + '/badcert.pem')
lcc empty cert|c.load_cert_chain(C + '/nullcert.pem')
lcc keyfile int|c.load_cert_chain(C + '/keycert.pem', 1)
lcc keyfile missing|c.load_cert_chain(C + '/keycert.pem', '/nonexistent/key.pem')
lcc keyfile directory|c.load_cert_chain(C + '/keycert.pem', C)
lcc mismatch|c.load_cert_chain(C + '/keycert.pem', C + '/keycert2.pem')
pw bad type|c.load_cert_chain(P, password=True)
pw bad type int|c.load_cert_chain(P, password=42)
pw wrong|c.load_cert_chain(P, password='wrong')
pw 0 bytes|c.load_cert_chain(P, password='')
pw 0 bytes unicode|c.load_cert_chain(P, password=u'')
pw 1 MB|c.load_cert_chain(P, password='a' * (1 << 20))
pw 1024|c.load_cert_chain(P, password='a' * 1024)
pw 1025|c.load_cert_chain(P, password='a' * 1025)
pw non-ascii|c.load_cert_chain(P, password=u'\xe9')
pw bytearray|c.load_cert_chain(P, password=bytearray('somepass'))
pw unicode|c.load_cert_chain(P, password=u'somepass')
pw ok|c.load_cert_chain(P, password='somepass')
cb returns int|c.load_cert_chain(P, password=lambda: 9)
cb returns None|c.load_cert_chain(P, password=lambda: None)
cb returns list|c.load_cert_chain(P, password=lambda: ['somepass'])
cb raises|c.load_cert_chain(P, password=lambda: 1 // 0)
cb raises KeyboardInterrupt|c.load_cert_chain(P, password=lambda: (_ for _ in ()).throw(KeyboardInterrupt('stop')))
cb 0 bytes|c.load_cert_chain(P, password=lambda: '')
cb 1 MB|c.load_cert_chain(P, password=lambda: 'a' * (1 << 20))
cb wrong|c.load_cert_chain(P, password=lambda: 'wrong')
cb non-ascii|c.load_cert_chain(P, password=lambda: u'\xe9')
cb needs arguments|c.load_cert_chain(P, password=lambda x: x)
cb ok bytearray|c.load_cert_chain(P, password=lambda: bytearray('somepass'))
cb not needed|c.load_cert_chain(C + '/keycert.pem', password=lambda: 1 // 0)
sni int|c.set_servername_callback(4)
sni str|c.set_servername_callback('')
sni missing|c.set_servername_callback()
sni None|c.set_servername_callback(None)
alpn None|c._set_alpn_protocols(None)
alpn int|c._set_alpn_protocols(1)
alpn ok|c._set_alpn_protocols(bytearray('\x02h2\x08http/1.1'))
ca certs kw|r = c.get_ca_certs(binary_form=[])
ca certs bad kw|c.get_ca_certs(binary=True)
session stats|r = sorted(c.session_stats().items())
store stats|r = sorted(c.cert_store_stats().items())
"""

RUNNER = r"""
import _ssl, re, sys
C, P = %(certs)r, %(protected)r
def norm(x):
    if isinstance(x, basestring):
        return re.sub(r' \(_ssl\.c:\d+\)', '', x)
    if isinstance(x, tuple):
        return tuple(norm(i) for i in x)
    return x
for line in sys.stdin.read().splitlines():
    if not line.strip():
        continue
    label, code = line.split('|', 1)
    c = _ssl._SSLContext(2)
    r = None
    try:
        exec(code)
        out = 'ok %%r' %% (r,)
    except BaseException as e:
        out = '%%s %%r' %% (type(e).__name__, norm(e.args))
    print('%%s => %%s' %% (label, out))
"""

# Where ours differs from stock on purpose (each says why); the value is what ours prints.
EXPECTED_DIFFERENCES = {
    # OpenSSL 3 wants SSL_CTX_set1_groups (what Python 3 uses); it also accepts X25519.
    # A non-curve name ('RSA' is a known short name) fails there without a queued error.
    "ecdh X25519": "ok None",
    "ecdh RSA": "SSLError (0, u'unknown group')",
}

# Our error tables name every OpenSSL library and the reasons of the OpenSSL in use (like
# Python 3.11), where 2.7.18's tables knew only PEM, SSL and X509 and 1.0.2's reasons. So
# "[LIB: REASON] " prefixes are compared separately (PREFIX below), and the rest exactly.
PREFIX = re.compile(r"u'\[([A-Z0-9_]+)(?:: [A-Z0-9_]+)?\] ")


def strip_prefix(text):
    return PREFIX.sub("u'", text)


def run_cases(runner):
    code = RUNNER % {"certs": CERTS, "protected": PROTECTED}
    script = "import sys; sys.stdin = __import__('StringIO').StringIO(%r)\n%s" % (CASES, code)
    out = runner(script)
    return dict(line.split(" => ", 1) for line in out.splitlines() if " => " in line)


# "SSLError (<packed code>, u'...')": the packed code depends on the OpenSSL's packing.
ERRNO = re.compile(r"^(SSLError) \((\d+), ")


def comparable(result, number, other):
    """A case's result with its SSLError code in a form comparable with results from OpenSSL
    `other` (unchanged when both OpenSSLs pack codes alike, as on the system build)."""
    m = ERRNO.match(result)
    if not m:
        return result
    code = support.comparable_error_code(int(m.group(2)), number, other)
    return "%s (%r, %s" % (m.group(1), code, result[m.end():])


# SSL_CTX options read back through a C long: 1.1.1 keeps 32 bits of options (uint32_t), 3.x
# and 4.x 64 (so -1 reads back as -1).
OPTIONS_MINUS_ONE = {"111": "ok 4294967295L", "300": "ok -1L", "400": "ok -1L"}


def expected_for_ours(label, stock_result):
    """What ours must print for a case given what stock printed: stock's result, except for the
    documented differences and, when our OpenSSL is another line than stock's, the values
    that line defines itself."""
    expected = EXPECTED_DIFFERENCES.get(label, stock_result)
    if label == "options -1":
        # Stock's own value must be its line's, too.
        if stock_result != OPTIONS_MINUS_ONE[support.openssl_line(support.stock_openssl_version())]:
            return stock_result + " (stock: unexpected)"
        return OPTIONS_MINUS_ONE[support.openssl_line(support.ours_openssl_version())]
    return expected


class ParityWithStock(unittest.TestCase):
    """Each bad input raises what stock raises (class, errno, message)."""

    @classmethod
    def setUpClass(cls):
        cls.ours = run_cases(support.run_ours)
        cls.stock = run_cases(support.run_stock)

    def test_every_case_ran(self):
        labels = [l.split("|", 1)[0] for l in CASES.splitlines() if l.strip()]
        self.assertEqual(sorted(self.ours), sorted(labels))
        self.assertEqual(sorted(self.stock), sorted(labels))

    def test_same_exceptions_as_stock(self):
        mismatches = []
        n_ours, n_stock = support.ours_openssl_version(), support.stock_openssl_version()
        for label, theirs in sorted(self.stock.items()):
            mine = comparable(self.ours[label], n_ours, n_stock)
            expected = comparable(expected_for_ours(label, theirs), n_stock, n_ours)
            if strip_prefix(mine) != strip_prefix(expected):
                mismatches.append("%s:\n  stock: %s\n  ours:  %s" % (label, theirs, mine))
        self.assertEqual(mismatches, [], "\n".join(mismatches))

    def test_expected_differences_are_real(self):
        # Keeps EXPECTED_DIFFERENCES honest: each entry differs from stock today.
        for label in EXPECTED_DIFFERENCES:
            self.assertNotEqual(self.stock[label], self.ours[label], label)

    def test_prefixes_are_at_least_as_specific_as_stock(self):
        for label, theirs in sorted(self.stock.items()):
            m = PREFIX.search(theirs)
            if m and label not in EXPECTED_DIFFERENCES:
                self.assertIn("u'[%s" % m.group(1), self.ours[label], label)

    def test_messages_say_what_failed(self):
        self.assertIn("No cipher can be selected", self.ours["ciphers garbage"])
        self.assertIn("unknown elliptic curve name 'foo'", self.ours["ecdh foo"])
        self.assertIn("password cannot be longer than 1024 bytes", self.ours["pw 1 MB"])
        self.assertIn("password cannot be longer than 1024 bytes", self.ours["cb 1 MB"])
        self.assertIn("password callback must return a string", self.ours["cb returns int"])
        self.assertTrue(self.ours["cb raises"].startswith("ZeroDivisionError"))
        self.assertTrue(self.ours["cb raises KeyboardInterrupt"].startswith("KeyboardInterrupt"))
        self.assertTrue(self.ours["lcc missing"].startswith("IOError (2,"))
        self.assertTrue(self.ours["lcc directory"].startswith("IOError (21,"))
        self.assertIn("no start line", self.ours["cadata u broken"])
        self.assertIn("not enough data", self.ours["cadata b broken"])


class Defaults(unittest.TestCase):
    def test_modules_are_ours(self):
        support.assert_modules_are_ours()

    # 2.7.18's default options: OP_ALL & ~DONT_INSERT_EMPTY_FRAGMENTS | NO_SSLv3 |
    # NO_COMPRESSION | CIPHER_SERVER_PREFERENCE, plus OpenSSL's MIDDLEBOX_COMPAT. 1.1.1's
    # SSL_OP_ALL also holds LEGACY_SERVER_CONNECT (0x4), which 3.0 took out of it.
    DEFAULT_OPTIONS = {"111": 0x82520054, "300": 0x82520050, "400": 0x82520050}

    def test_defaults_match_stock(self):
        code = ("import _ssl\n"
                "for p in (2, 3, 4, 5):\n"
                "    c = _ssl._SSLContext(p)\n"
                "    print p, c.options, c.verify_mode, c.verify_flags, c.check_hostname,"
                " sorted(c.session_stats().items()), sorted(c.cert_store_stats().items())\n")
        ours, stock = support.run_ours(code), support.run_stock(code)
        # Options are each line's own (DEFAULT_OPTIONS); everything else is stock's.
        want_ours = self.DEFAULT_OPTIONS[support.openssl_line(support.ours_openssl_version())]
        want_stock = self.DEFAULT_OPTIONS[support.openssl_line(support.stock_openssl_version())]
        self.assertEqual(len(stock.splitlines()), 4)
        expected = "".join("%s %d %s\n" % (p, want_ours, rest) for p, opts, rest in
                           (line.split(" ", 2) for line in stock.splitlines())
                           if int(opts) == want_stock)
        self.assertEqual(ours, expected)

    def test_default_options_value(self):
        self.assertEqual(_ssl._SSLContext(2).options,
                         self.DEFAULT_OPTIONS[support.openssl_line(_ssl.OPENSSL_VERSION_NUMBER)])

    def test_type_shape(self):
        t = _ssl._SSLContext
        self.assertEqual(t.__name__, "_SSLContext")
        self.assertEqual(t.__weakrefoffset__, 0)
        self.assertIsNone(t.__doc__)
        self.assertTrue(t.__flags__ & (1 << 14))  # Py_TPFLAGS_HAVE_GC
        self.assertTrue(t.__flags__ & (1 << 10))  # Py_TPFLAGS_BASETYPE

    def test_subclass_with_weakref_slot(self):
        class Sub(_ssl._SSLContext):
            __slots__ = ("protocol", "__weakref__")

            def __new__(cls, protocol):
                self = _ssl._SSLContext.__new__(cls, protocol)
                self.protocol = protocol
                return self

        s = Sub(3)
        self.assertEqual(s.protocol, 3)
        r = weakref.ref(s)
        self.assertIs(r(), s)
        del s
        gc.collect()
        self.assertIsNone(r())
        self.assertIsInstance(ssl.SSLContext(ssl.PROTOCOL_TLS), _ssl._SSLContext)

    def test_options_round_trip(self):
        c = _ssl._SSLContext(2)
        c.options |= _ssl.OP_NO_TLSv1
        self.assertTrue(c.options & _ssl.OP_NO_TLSv1)
        c.options &= ~_ssl.OP_NO_TLSv1
        self.assertFalse(c.options & _ssl.OP_NO_TLSv1)
        c.options = 0
        self.assertEqual(c.options, 0)


class Loading(unittest.TestCase):
    def test_der_cadata_on_every_openssl(self):
        # Stock 2.7.18 raises "unknown error" here on OpenSSL 3 (empty queue at DER end).
        der = ssl.PEM_cert_to_DER_cert(pem_block(CACERT))
        c = _ssl._SSLContext(2)
        c.load_verify_locations(cadata=der)
        self.assertEqual(c.cert_store_stats()["x509_ca"], 1)
        other = ssl.PEM_cert_to_DER_cert(pem_block(KEYCERT))
        c.load_verify_locations(cadata=der + other)
        self.assertEqual(c.cert_store_stats()["x509"], 2)
        c.load_verify_locations(cadata=bytearray(der))
        self.assertEqual(c.cert_store_stats()["x509"], 2)

    def test_der_cadata_followed_by_junk_fails(self):
        der = ssl.PEM_cert_to_DER_cert(pem_block(CACERT))
        c = _ssl._SSLContext(2)
        self.assertRaises(ssl.SSLError, c.load_verify_locations, cadata=der + b"junk")

    def test_get_ca_certs(self):
        c = _ssl._SSLContext(2)
        c.load_verify_locations(CACERT)
        (ca,) = c.get_ca_certs()
        self.assertIn((("commonName", u"our-ca-server"),), ca["subject"])
        (der,) = c.get_ca_certs(True)
        self.assertEqual(der, ssl.PEM_cert_to_DER_cert(pem_block(CACERT)))

    def test_password_callback_runs_once_and_is_uninstalled(self):
        calls = []

        def cb():
            calls.append(1)
            return PASSWORD

        c = _ssl._SSLContext(2)
        c.load_cert_chain(PROTECTED, password=cb)
        self.assertEqual(len(calls), 1)
        c.load_cert_chain(KEYCERT, password=cb)  # unencrypted: not asked
        self.assertEqual(len(calls), 1)

    def test_password_callback_may_reenter_the_context(self):
        c = _ssl._SSLContext(2)

        def cb():
            c.set_ciphers("HIGH")
            c.options |= _ssl.OP_NO_TLSv1
            c.load_verify_locations(CACERT)
            return PASSWORD

        c.load_cert_chain(PROTECTED, password=cb)
        self.assertEqual(c.cert_store_stats()["x509_ca"], 1)

    def test_password_callback_exception_keeps_traceback_object(self):
        class Boom(Exception):
            pass

        def cb():
            raise Boom("getpass error")

        c = _ssl._SSLContext(2)
        with self.assertRaises(Boom) as cm:
            c.load_cert_chain(PROTECTED, password=cb)
        self.assertEqual(cm.exception.args, ("getpass error",))

    def test_unicode_paths(self):
        d = tempfile.mkdtemp()
        try:
            name = os.path.join(d, u"dhp\xe4r\xe4m.pem")
            try:
                name.encode(sys.getfilesystemencoding())
            except (UnicodeError, TypeError):
                self.skipTest("filesystem encoding cannot encode the test name")
            shutil.copy(DHFILE, name)
            c = _ssl._SSLContext(2)
            c.load_dh_params(name)
            ca = os.path.join(d, u"c\xe4.pem")
            shutil.copy(CACERT, ca)
            c.load_verify_locations(ca)
            c.load_cert_chain(KEYCERT, keyfile=unicode(KEYCERT))
        finally:
            shutil.rmtree(d)

    def test_nul_in_path_is_type_error(self):
        c = _ssl._SSLContext(2)
        self.assertRaises(TypeError, c.load_cert_chain, KEYCERT + "\0x")
        self.assertRaises(TypeError, c.load_verify_locations, CACERT + "\0x")
        self.assertRaises(TypeError, c.load_dh_params, DHFILE + "\0x")


class Threads(unittest.TestCase):
    """The loaders release the GIL; the context lock must neither deadlock nor let two threads
    configure one SSL_CTX at once."""

    def run_threads(self, targets, timeout=60):
        errors = []

        def wrap(f):
            def run():
                try:
                    f()
                except Exception as e:  # reported below
                    errors.append(e)
            return run

        threads = [threading.Thread(target=wrap(f)) for f in targets]
        for t in threads:
            t.daemon = True
            t.start()
        for t in threads:
            t.join(timeout)
            self.assertFalse(t.is_alive(), "thread still running: deadlock?")
        self.assertEqual(errors, [])

    def test_concurrent_loads_and_settings_on_one_context(self):
        c = _ssl._SSLContext(2)
        barrier = threading.Event()

        def slow_password():
            barrier.set()
            return PASSWORD

        def loader():
            for _ in range(20):
                c.load_cert_chain(PROTECTED, password=slow_password)
                c.load_verify_locations(CACERT)

        def setter():
            barrier.wait(10)
            for i in range(200):
                c.set_ciphers("HIGH" if i % 2 else "DEFAULT")
                c.options = c.options ^ _ssl.OP_NO_TLSv1
                c.verify_flags = c.verify_flags ^ 0x4
                c.cert_store_stats()
                c._set_alpn_protocols(b"\x02h2")

        self.run_threads([loader, loader, setter, setter])

    def test_password_callback_on_two_contexts_in_parallel(self):
        contexts = [_ssl._SSLContext(2) for _ in range(4)]

        def load(ctx):
            return lambda: [ctx.load_cert_chain(PROTECTED, password=lambda: PASSWORD)
                            for _ in range(20)]

        self.run_threads([load(ctx) for ctx in contexts])


class GarbageCollection(unittest.TestCase):
    def test_servername_callback_cycle_is_collected(self):
        def make(cls, *args):
            ctx = cls(*args)
            ctx.set_servername_callback(lambda *a: ctx)
            return weakref.ref(ctx)

        for r in (make(ssl.SSLContext, ssl.PROTOCOL_TLS), make(self.weakrefable(), 2)):
            gc.collect()
            self.assertIsNone(r())

    @staticmethod
    def weakrefable():
        class Ctx(_ssl._SSLContext):
            __slots__ = ("__weakref__",)
        return Ctx

    def test_non_callable_leaves_no_callback(self):
        s = ssl.SSLContext(ssl.PROTOCOL_TLS)
        s.set_servername_callback(lambda *a: None)
        self.assertRaises(TypeError, s.set_servername_callback, 4)
        s.set_servername_callback(None)


if __name__ == "__main__":
    unittest.main()
