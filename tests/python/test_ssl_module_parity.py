"""Every module-level name of `_ssl`, with its type and value, under the stock 2.7.18 module
and under ours: the only differences allowed are the documented ones below. The names we add
are checked against Python 3 (same OpenSSL), whose meaning they take.

Run: PEP466_LIBDIR=/tmp/x/lib PYTHONPATH=/tmp/x/lib python2.7 tests/python/test_ssl_module_parity.py
"""
import ast
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pep466_support as support  # noqa: E402

# Prints one line per name: name <TAB> kind <TAB> value.
DUMP = r'''
import _ssl
for n in sorted(dir(_ssl)):
    if n == '__file__':
        continue
    v = getattr(_ssl, n)
    if isinstance(v, dict):
        print('%s\tdict\t%r' % (n, sorted(v.items())))
    elif isinstance(v, type) and issubclass(v, BaseException):
        print('%s\texception\t%r' % (n, ([c.__name__ for c in v.__mro__], v.__module__, v.__doc__, sorted(v.__dict__))))
    elif isinstance(v, type):
        print('%s\ttype\t%r' % (n, v.__name__))
    elif callable(v):
        print('%s\t%s\t%r' % (n, type(v).__name__, v.__name__))
    else:
        print('%s\t%s\t%r' % (n, type(v).__name__, v))
'''

# Names we add, with the Python version whose meaning they carry.
ADDED = {
    "RAND_bytes": "3.3: n cryptographically strong random bytes",
    "RAND_pseudo_bytes": "3.3 (removed in 3.12): (bytes, is_cryptographic)",
    "OP_NO_TICKET": "3.6: disable session tickets",
    "OP_NO_RENEGOTIATION": "3.7: disable renegotiation",
    "OP_IGNORE_UNEXPECTED_EOF": "3.10: EOF without close_notify is a clean close (off by default)",
    "OP_LEGACY_SERVER_CONNECT": "3.12: allow legacy (unpatched) renegotiation servers",
    "VERIFY_X509_PARTIAL_CHAIN": "3.10: trust intermediates in the store as anchors",
    "VERIFY_ALLOW_PROXY_CERTS": "3.10: accept proxy certificates",
    "HAS_SSLv2": "3.7: protocol built into OpenSSL (never on 1.1+)",
    "HAS_SSLv3": "3.7: protocol built into OpenSSL (not in default builds)",
    "HAS_TLSv1": "3.7: protocol built into OpenSSL",
    "HAS_TLSv1_1": "3.7: protocol built into OpenSSL",
    "HAS_TLSv1_2": "3.7: protocol built into OpenSSL",
}

# Names whose value differs from stock, and why.
CHANGED = {
    "err_codes_to_names": "generated from the linked OpenSSL's headers: stock's 1.0.2-era table "
                          "names ~25% of OpenSSL 3 codes wrongly (20/294 shows as KRB5_S_TKT_NYV) "
                          "and lists only the PEM, X509 and SSL libraries",
    "err_names_to_codes": "as err_codes_to_names",
    "lib_codes_to_names": "every ERR_LIB_* (as CPython 3), not only PEM/X509/SSL, so errors from "
                          "ASN1, EVP, ... get a [LIB] prefix and a library attribute",
    "HAS_NPN": "True: NPN works (stock 2.7.18's compile-time check misses OpenSSL 1.1.1+'s NPN)",
}

# Names stock has that we do not: none (RAND_egd is absent from both on OpenSSL >= 1.1).
REMOVED = {}


def parse(out):
    table = {}
    for line in out.decode("utf-8").splitlines():
        name, kind, value = line.split("\t", 2)
        table[name] = (kind, value)
    return table


class ModuleParity(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        support.assert_modules_are_ours()
        cls.stock = parse(support.run_stock(DUMP))
        cls.ours = parse(support.run_ours(DUMP))

    def test_names_added_and_removed(self):
        self.assertEqual(sorted(set(self.ours) - set(self.stock)), sorted(ADDED))
        self.assertEqual(sorted(set(self.stock) - set(self.ours)), sorted(REMOVED))

    def test_everything_else_is_identical(self):
        for name in sorted(set(self.stock) & set(self.ours)):
            if name in CHANGED:
                continue
            self.assertEqual(self.ours[name], self.stock[name], name)

    def test_documented_changes_are_real(self):
        # A CHANGED entry that no longer differs must be removed from the list.
        for name in CHANGED:
            self.assertNotEqual(self.ours[name], self.stock[name], name)

    def test_no_protocol_the_context_cannot_make(self):
        import _ssl
        for name in dir(_ssl):
            if name.startswith("PROTOCOL_"):
                _ssl._SSLContext(getattr(_ssl, name))  # must not raise

    def test_added_names_mean_what_python3_says(self):
        # The python3 here is 3.11; OP_LEGACY_SERVER_CONNECT is 3.12 (SSL_OP_LEGACY_SERVER_CONNECT,
        # 0x4 in every OpenSSL since 0.9.8m).
        self.assertEqual(ast.literal_eval(self.ours["OP_LEGACY_SERVER_CONNECT"][1]), 4)
        names = sorted(n for n in ADDED
                       if not n.startswith("RAND_") and n != "OP_LEGACY_SERVER_CONNECT")
        code = "import _ssl\nprint(repr([getattr(_ssl, n, None) for n in %r]))" % (names,)
        py3 = ast.literal_eval(support.run_python3(code).decode().strip())
        ours = [ast.literal_eval(self.ours[n][1]) for n in names]
        self.assertEqual(dict(zip(names, ours)), dict(zip(names, py3)))
        for n in names:
            self.assertEqual(self.ours[n][0], "bool" if n.startswith("HAS_") else "int", n)

    def test_rand_functions(self):
        import _ssl
        data = _ssl.RAND_bytes(16)
        self.assertIsInstance(data, str)
        self.assertEqual(len(data), 16)
        self.assertEqual(_ssl.RAND_bytes(0), "")
        data, strong = _ssl.RAND_pseudo_bytes(8)
        self.assertEqual((len(data), strong), (8, True))
        self.assertRaises(ValueError, _ssl.RAND_bytes, -1)
        self.assertRaises(ValueError, _ssl.RAND_pseudo_bytes, -1)
        self.assertRaises(TypeError, _ssl.RAND_bytes, "3")
        self.assertRaises(OverflowError, _ssl.RAND_bytes, 2 ** 40)

    def test_error_tables_agree_with_python3(self):
        # CPython 3.11 (last with these dicts) builds them from the same OpenSSL's headers.
        code = ("import _ssl\nprint(repr((sorted(_ssl.err_codes_to_names.items()), "
                "sorted(_ssl.lib_codes_to_names.items()))))")
        codes3, libs3 = ast.literal_eval(support.run_python3(code).decode().strip())
        import _ssl
        shared = set(_ssl.err_codes_to_names) & set(k for k, _ in codes3)
        self.assertGreater(len(shared), 1000)
        codes3 = dict(codes3)
        for key in shared:
            self.assertEqual(_ssl.err_codes_to_names[key], codes3[key], key)
        for lib, name in libs3:
            if lib in _ssl.lib_codes_to_names:
                self.assertEqual(_ssl.lib_codes_to_names[lib], name)
        self.assertEqual(_ssl.err_codes_to_names[(20, 294)], u"UNEXPECTED_EOF_WHILE_READING")
        self.assertEqual(_ssl.err_names_to_codes[u"CERTIFICATE_VERIFY_FAILED"], (20, 134))
        self.assertEqual(_ssl.lib_codes_to_names[20], u"SSL")


if __name__ == "__main__":
    unittest.main()
