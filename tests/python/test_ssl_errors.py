"""The `_ssl` exception classes and the errors our code raises, against the stock 2.7.18 module:
hierarchy, docs, `str()`, `errno`/`strerror`/`args`, the `library`/`reason` attributes and
the four raised shapes (I/O errors, OpenSSL-queue errors, fixed texts, bare messages).

The decision table that maps a failing SSL_* call to a class (including the OpenSSL 3 EOF
fix) is unit-tested in Rust (src/ssl/errors/classify.rs); live EOF behaviour is covered by
tests/python/test_tls_eof.py.

Run: PEP466_LIBDIR=/tmp/x/lib PYTHONPATH=/tmp/x/lib python2.7 tests/python/test_ssl_errors.py
"""
import ast
import os
import re
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pep466_support as support  # noqa: E402

import _ssl  # noqa: E402

CLASSES = ["SSLError", "SSLZeroReturnError", "SSLWantReadError", "SSLWantWriteError",
           "SSLSyscallError", "SSLEOFError"]

# Prints the classes and what str()/attributes give for instances made from Python.
CLASS_PROBE = r'''
import _ssl, socket
for n in %r:
    c = getattr(_ssl, n)
    print(n, [k.__name__ for k in c.__mro__], c.__module__, repr(c.__doc__), sorted(c.__dict__))
    print(issubclass(c, socket.error), c.__base__.__name__)
    for args in [(), ('foo',), (1, 'foo'), (1, u'f\xe9'), (1, u'ascii'), (1, 'foo', 'bar'),
                 (1, 2, 3, 4), (None, 'x'), (1, 0), (u'f\xe9',)]:
        e = c(*args)
        try:
            text = repr(str(e))
        except Exception as x:
            text = 'raised ' + type(x).__name__
        print(repr(args), text, e.args, e.errno, e.strerror, e.filename,
              hasattr(e, 'library'), hasattr(e, 'reason'), repr(e))
    try:
        str(c(1, None))
    except Exception as x:
        print('str(None strerror)', type(x).__name__, x.args)
    class Sub(c):
        pass
    print(str(Sub(1, 'sub')), str(Sub('a')))
''' % (CLASSES,)

# Errors raised by real code paths: shapes B (OpenSSL queue) and D (bare message).
RAISED_PROBE = r'''
import _ssl, ssl, re
def show(f):
    try:
        f()
    except Exception as e:
        msg = e.args[1] if len(e.args) > 1 else None
        if isinstance(msg, basestring):
            msg = re.sub(r'_ssl\.c:\d+', '_ssl.c:N', msg)
        print(type(e).__name__, e.args[:1], repr(msg), type(msg).__name__,
              repr(getattr(e, 'library', 'absent')), repr(getattr(e, 'reason', 'absent')),
              re.sub(r'_ssl\.c:\d+', '_ssl.c:N', str(e)))
ctx = lambda: ssl.SSLContext(ssl.PROTOCOL_TLS)
show(lambda: _ssl._test_decode_cert('/nonexistent/file.pem'))
show(lambda: ctx().load_verify_locations(cadata=u'not a certificate'))
show(lambda: ctx().load_cert_chain(%(cert)r, %(badkey)r))
show(lambda: ctx().set_ciphers('no-such-cipher'))
show(lambda: ctx().set_ecdh_curve('no-such-curve'))
'''


class ExceptionClasses(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        support.assert_modules_are_ours()

    def test_classes_match_stock(self):
        ours, stock = support.run_ours(CLASS_PROBE), support.run_stock(CLASS_PROBE)
        self.assertEqual(len(ours.splitlines()), 6 * 14)
        self.assertEqual(ours.splitlines(), stock.splitlines())

    def test_hierarchy(self):
        import socket
        self.assertTrue(issubclass(_ssl.SSLError, socket.error))
        for name in CLASSES[1:]:
            self.assertIs(getattr(_ssl, name).__base__, _ssl.SSLError)
        import ssl
        for name in CLASSES:
            self.assertIs(getattr(ssl, name), getattr(_ssl, name))

    def test_str_is_strerror_or_args(self):
        self.assertEqual(str(_ssl.SSLError(1, "foo")), "foo")
        self.assertEqual(str(_ssl.SSLError("foo")), "('foo',)")
        self.assertEqual(str(_ssl.SSLError()), "()")
        self.assertEqual(str(_ssl.SSLEOFError(8, "eof")), "eof")


class RaisedErrors(unittest.TestCase):
    def test_raised_errors_match_stock(self):
        import test as stdlib_test
        here = os.path.dirname(os.path.abspath(stdlib_test.__file__))
        code = RAISED_PROBE % {"cert": os.path.join(here, "keycert.pem"),
                               "badkey": os.path.join(here, "badkey.pem")}
        ours, stock = support.run_ours(code).splitlines(), support.run_stock(code).splitlines()
        self.assertEqual(len(ours), 5, ours)
        # Error codes are packed by each side's OpenSSL (1.1.1 adds a function code): compare
        # them in a form both share (unchanged when both pack alike, as on the system build).
        n_ours, n_stock = support.ours_openssl_version(), support.stock_openssl_version()

        def comparable(lines, mine, other):
            out = []
            for line in lines:
                row = list(ast.literal_eval(line))
                if row[1] and isinstance(row[1][0], (int, long)):
                    row[1] = (support.comparable_error_code(row[1][0], mine, other),)
                out.append(row)
            return out
        self.assertEqual(comparable(ours, n_ours, n_stock), comparable(stock, n_stock, n_ours))

    def test_queue_error_shape(self):
        import ssl
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS)
        with self.assertRaises(ssl.SSLError) as cm:
            ctx.load_verify_locations(cadata=u"not a certificate")
        e = cm.exception
        self.assertEqual((e.library, e.reason), (u"PEM", u"NO_START_LINE"))
        self.assertIs(type(e.args[1]), unicode)
        self.assertTrue(re.match(r"\[PEM: NO_START_LINE\] no start line \(_ssl\.c:\d+\)$", e.args[1]))
        self.assertEqual(e.errno, e.args[0])
        self.assertNotEqual(e.errno, 0)

    def test_bare_message_shape(self):
        with self.assertRaises(_ssl.SSLError) as cm:
            _ssl._test_decode_cert("/nonexistent/file.pem")
        e = cm.exception
        self.assertEqual(e.args, ("Can't open file",))
        self.assertIsNone(e.errno)
        self.assertEqual(str(e), "(\"Can't open file\",)")
        self.assertFalse(hasattr(e, "library"))


class ErrorTables(unittest.TestCase):
    STOCK_TABLES = ("import _ssl\nprint(repr((sorted(_ssl.err_codes_to_names.items()), "
                    "sorted(_ssl.lib_codes_to_names.items()))))")

    def test_corrected_entries(self):
        stock_codes, stock_libs = ast.literal_eval(support.run_stock(self.STOCK_TABLES).decode())
        # The reference: the table generated from the headers of our OpenSSL's line, which is
        # Python 3's where Python 3 uses the same line (checked by test_ssl_module_parity).
        number = support.ours_openssl_version()
        libs, expected, _ = support.generated_error_tables(number)
        ours = _ssl.err_codes_to_names
        corrected = gone = 0
        for key, name in stock_codes:
            if key not in expected:
                # A reason the linked OpenSSL's headers no longer define.
                gone += 1
                self.assertNotIn(key, ours)
                continue
            self.assertEqual(ours[key], expected[key], key)
            corrected += ours[key] != name
        # Stock 2.7.18's table (1.0.2 era), against each line: how many of its 387 keys name
        # another error, how many are gone (both counted from the generated tables).
        line = support.openssl_line(number)
        want = {"111": (90, 25), "300": (95, 23), "400": (115, 5)}[line]
        self.assertEqual((corrected, gone), want)
        self.assertEqual(ours[(20, 294)], {"111": u"OCSP_CALLBACK_FAILURE"}.get(
            line, u"UNEXPECTED_EOF_WHILE_READING"))
        for lib, name in stock_libs:
            self.assertEqual(_ssl.lib_codes_to_names[lib], name)
            self.assertEqual(libs[lib], name)
        self.assertTrue(all(type(v) is unicode for v in ours.values()))
        self.assertTrue(all(type(k) is unicode for k in _ssl.err_names_to_codes))
        self.assertTrue(all(type(k) is long for k in _ssl.lib_codes_to_names))

if __name__ == "__main__":
    unittest.main()
