"""Every module-level name of `_ssl`, with its type and value, under the stock 2.7.18 module
and under ours: the only differences allowed are the documented ones below. The names we add
are checked against Python 3 (same OpenSSL), whose meaning they take.

Run: PEP466_LIBDIR=/tmp/x/lib PYTHONPATH=/tmp/x/lib python2.7 tests/python/test_ssl_module_parity.py
"""
import ast
import os
import re
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
    "OP_ENABLE_KTLS": "3.12: kernel TLS (off by default)",
    "get_sigalgs": "3.15: TLS signature algorithm names (NotImplementedError before OpenSSL 3.4)",
    "VERIFY_X509_PARTIAL_CHAIN": "3.10: trust intermediates in the store as anchors",
    "VERIFY_ALLOW_PROXY_CERTS": "3.10: accept proxy certificates",
    "HAS_SSLv2": "3.7: protocol built into OpenSSL (never on 1.1+)",
    "HAS_SSLv3": "3.7: protocol built into OpenSSL (not in default builds)",
    "HAS_TLSv1": "3.7: protocol built into OpenSSL",
    "HAS_TLSv1_1": "3.7: protocol built into OpenSSL",
    "HAS_TLSv1_2": "3.7: protocol built into OpenSSL",
    "HAS_PSK": "3.13: PSK client/server callbacks available",
    "MemoryBIO": "3.5: the in-memory byte queue SSLObject runs on",
    "SSLSession": "3.6: a session to resume",
    "SSLCertVerificationError": "3.7: a certificate verification failure",
    "PROTO_MINIMUM_SUPPORTED": "3.7: minimum_version/maximum_version values",
    "HOSTFLAG_ALWAYS_CHECK_SUBJECT": "3.7: X509_CHECK_FLAG_* host-name rules",
    "HOSTFLAG_NO_WILDCARDS": "3.7",
    "HOSTFLAG_NO_PARTIAL_WILDCARDS": "3.7",
    "HOSTFLAG_MULTI_LABEL_WILDCARDS": "3.7",
    "HOSTFLAG_SINGLE_LABEL_SUBDOMAINS": "3.7",
    "HOSTFLAG_NEVER_CHECK_SUBJECT": "3.7",
    "PROTO_MAXIMUM_SUPPORTED": "3.7",
    "PROTO_SSLv3": "3.7",
    "PROTO_TLSv1": "3.7",
    "PROTO_TLSv1_1": "3.7",
    "PROTO_TLSv1_2": "3.7",
    "PROTO_TLSv1_3": "3.7",
    "CertificateError": "2.7's ssl.CertificateError, made here so SSLCertVerificationError can "
                        "derive from it",
}

# Names whose value differs from stock, and why.
CHANGED = {
    "err_codes_to_names": "generated from the linked OpenSSL's headers: stock's 1.0.2-era table "
                          "names ~25% of OpenSSL 3 codes wrongly (20/294 shows as KRB5_S_TKT_NYV) "
                          "and lists only the PEM, X509 and SSL libraries",
    "err_names_to_codes": "as err_codes_to_names",
    "lib_codes_to_names": "every ERR_LIB_* (as CPython 3), not only PEM/X509/SSL, so errors from "
                          "ASN1, EVP, ... get a [LIB] prefix and a library attribute",
}

# Names stock has that we do not: none (RAND_egd is absent from both on OpenSSL >= 1.1).
REMOVED = {}

# Added names that exist only where the linked OpenSSL defines the constant (as in Python 3):
# name -> first OPENSSL_VERSION_NUMBER that has it.
ADDED_FROM = {
    "OP_IGNORE_UNEXPECTED_EOF": 0x30000000,   # SSL_OP_IGNORE_UNEXPECTED_EOF is new in 3.0
    "OP_ENABLE_KTLS": 0x30000000,             # SSL_OP_ENABLE_KTLS is new in 3.0
}

# Names whose value comes from the linked OpenSSL's headers. Where our build and stock use the
# same OpenSSL they are compared with stock like everything else; otherwise with what our
# OpenSSL defines (test_version_dependent_names_match_our_openssl).
VERSION_DEPENDENT = ("OPENSSL_VERSION", "OPENSSL_VERSION_INFO", "OPENSSL_VERSION_NUMBER",
                     "_OPENSSL_API_VERSION", "OP_ALL")

# _ssl.OP_ALL is SSL_OP_ALL & ~SSL_OP_DONT_INSERT_EMPTY_FRAGMENTS (0x800), as 2.7 exports it.
# SSL_OP_ALL: CRYPTOPRO_TLSEXT_BUG | DONT_INSERT_EMPTY_FRAGMENTS | TLSEXT_PADDING |
# SAFARI_ECDHE_ECDSA_BUG on every line, plus LEGACY_SERVER_CONNECT (0x4) on 1.1.1, which 3.0
# took out of it.
SSL_OP_ALL = {"111": 0x80000054, "300": 0x80000050, "400": 0x80000050}


def added_names():
    """ADDED, less the names the linked OpenSSL is too old for."""
    number = support.ours_openssl_version()
    return sorted(n for n in ADDED if number >= ADDED_FROM.get(n, 0))


def version_info(number):
    """OPENSSL_VERSION_INFO as 2.7 derives it from OPENSSL_VERSION_NUMBER."""
    return (number >> 28 & 0xF, number >> 20 & 0xFF, number >> 12 & 0xFF, number >> 4 & 0xFF,
            number & 0xF)


def number_from_text(text):
    """OPENSSL_VERSION_NUMBER from an "OpenSSL 1.1.1w  11 Sep 2023" / "OpenSSL 3.6.3 9 Jun
    2026" version text: 1.x is 0xMNNFFPPS (PP the letter, S 0xf for a release), 3.x+ is
    0xMNN00PP0."""
    m = re.match(r"OpenSSL (\d+)\.(\d+)\.(\d+)([a-z]?) ", text)
    major, minor, patch, letter = int(m.group(1)), int(m.group(2)), int(m.group(3)), m.group(4)
    if major >= 3:
        return major << 28 | minor << 20 | patch << 4
    return (major << 28 | minor << 20 | patch << 12
            | (ord(letter) - ord("a") + 1 if letter else 0) << 4 | 0xF)


def linked_openssl_texts():
    """The "OpenSSL x.y.z" texts in the binaries this process maps: our library (static
    OpenSSL) or the libcrypto it loaded (shared)."""
    import _ssl
    paths = set([os.path.realpath(_ssl.__file__)])
    for line in open("/proc/self/maps"):
        parts = line.split()
        if len(parts) >= 6 and "libcrypto" in parts[-1]:
            paths.add(parts[-1])
    found = set()
    for path in paths:
        data = open(path, "rb").read()
        found.update(re.findall(r"OpenSSL \d+\.\d+\.\d+[a-z]?[ ]+\d+ [A-Z][a-z]{2} \d{4}", data))
    return found


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
        self.assertEqual(sorted(set(self.ours) - set(self.stock)), added_names())
        self.assertEqual(sorted(set(self.stock) - set(self.ours)), sorted(REMOVED))
        if support.ours_openssl_version() >= 0x30000000:
            self.assertEqual(added_names(), sorted(ADDED))

    def test_everything_else_is_identical(self):
        same = support.same_openssl_as_stock()
        for name in sorted(set(self.stock) & set(self.ours)):
            if name in CHANGED or (name in VERSION_DEPENDENT and not same):
                continue
            self.assertEqual(self.ours[name], self.stock[name], name)

    def test_version_dependent_names_match_our_openssl(self):
        import _ssl
        number = _ssl.OPENSSL_VERSION_NUMBER
        self.assertEqual(self.ours["OPENSSL_VERSION_NUMBER"], ("long", repr(long(number))))
        self.assertEqual(number_from_text(_ssl.OPENSSL_VERSION), number)
        self.assertEqual(_ssl.OPENSSL_VERSION_INFO, version_info(number))
        # The headers we were built with are the library we run with (static or same .so).
        self.assertEqual(_ssl._OPENSSL_API_VERSION, version_info(number))
        self.assertIn(_ssl.OPENSSL_VERSION, linked_openssl_texts())
        self.assertEqual(_ssl.OP_ALL, SSL_OP_ALL[support.openssl_line(number)])
        self.assertEqual(type(_ssl.OP_ALL), int)

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
        # HAS_PSK is 3.13's (the py3parity psk scenario compares it with 3.13 on this OpenSSL).
        self.assertEqual(self.ours["HAS_PSK"], ("bool", "True"))
        # OP_ENABLE_KTLS is 3.12 too (SSL_OP_ENABLE_KTLS, SSL_OP_BIT(3) in OpenSSL 3.x); the
        # 3.15 function get_sigalgs is checked by test_groups_sigalgs.py.
        newer = ("OP_LEGACY_SERVER_CONNECT", "OP_ENABLE_KTLS", "get_sigalgs", "HAS_PSK")
        if "OP_ENABLE_KTLS" in self.ours:
            self.assertEqual(ast.literal_eval(self.ours["OP_ENABLE_KTLS"][1]), 8)
        names = sorted(n for n in added_names()
                       if not n.startswith("RAND_") and n not in newer
                       and self.ours[n][0] not in ("type", "exception"))
        for n in added_names():
            if self.ours[n][0] in ("type", "exception") and n != "CertificateError":
                code = "import _ssl\nprint(_ssl.%s.__name__)" % n
                self.assertEqual(support.run_python3(code).decode().strip(), n)
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

    def test_error_tables_are_our_openssl_lines(self):
        # Exactly the tables generated from the headers of the linked OpenSSL's line.
        import _ssl
        libs, names, codes = support.generated_error_tables(_ssl.OPENSSL_VERSION_NUMBER)
        self.assertEqual(_ssl.lib_codes_to_names, libs)
        self.assertEqual(_ssl.err_codes_to_names, names)
        self.assertEqual(_ssl.err_names_to_codes, codes)
        # Known answers per line: 1.1.1f reverted the unexpected-EOF reason, so 294 is
        # OCSP_CALLBACK_FAILURE there; 4.0 shows the legacy SSLV3_ALERT_* name of 1040.
        line = support.openssl_line(_ssl.OPENSSL_VERSION_NUMBER)
        self.assertEqual(names[(20, 294)], {"111": "OCSP_CALLBACK_FAILURE"}.get(
            line, "UNEXPECTED_EOF_WHILE_READING"))
        self.assertEqual(names[(20, 1040)], "SSLV3_ALERT_HANDSHAKE_FAILURE")
        self.assertEqual(codes["CERTIFICATE_VERIFY_FAILED"], (20, 134))
        self.assertEqual(len(libs), {"111": 38}.get(line, 46))

    def test_error_tables_agree_with_python3(self):
        # CPython 3.11 (last with these dicts) builds them from its OpenSSL's headers: the
        # same numbering as ours when the line is the same (3.x only appends), otherwise
        # test_error_tables_are_our_openssl_lines checks the line's own table.
        code = ("import _ssl\nprint(repr((sorted(_ssl.err_codes_to_names.items()), "
                "sorted(_ssl.lib_codes_to_names.items()))))")
        import _ssl
        if (support.openssl_line(_ssl.OPENSSL_VERSION_NUMBER)
                != support.openssl_line(support.python3_openssl_version())):
            return
        codes3, libs3 = ast.literal_eval(support.run_python3(code).decode().strip())
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
