"""Certificate decoding (`_ssl._test_decode_cert`, the dict of `getpeercert()`), ours against
the stock 2.7.18 module on certificates made at test time (tests/certs/make_certs.py: every
SubjectAltName kind, NUL bytes, long OIDs, odd serials, string types, times, v1, AIA and CRL
distribution point corner cases, broken files) plus 2.7's own test certificates.

Ours must equal stock except where stock is wrong on OpenSSL 3 because it prints some SAN
entries with OpenSSL's text printer, whose output changed in 3.0 (`STOCK_ON_OPENSSL3` says how
each is corrected; the corrected form is what 2.7's own tests and OpenSSL 1.1.1 give).

Run: PEP466_LIBDIR=/tmp/x/lib PYTHONPATH=/tmp/x/lib python2.7 tests/python/test_cert_decoding.py
"""
import ast
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pep466_support as support  # noqa: E402

import _ssl  # noqa: E402
import test as _stdlib_test  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
MAKE_CERTS = os.path.join(HERE, os.pardir, "certs", "make_certs.py")
STDLIB_CERTS = os.path.dirname(os.path.abspath(_stdlib_test.__file__))

# Decodes every file of a {name: path} dict given as argv[1] (a repr), one line per name.
DECODE = r'''
import _ssl, sys, ast
for name, path in sorted(ast.literal_eval(sys.argv[1]).items()):
    try:
        r = _ssl._test_decode_cert(path)
    except Exception as e:
        r = ('raised', type(e).__name__, e.args)
    print('%s\t%r' % (name, r))
'''

# How stock 2.7.18 is wrong on OpenSSL 3, and the correction (applied to stock's output to
# get ours):
#  * IPv6 addresses: OpenSSL 3's GENERAL_NAME_print dropped the trailing newline 2.7's tests
#    expect (test_parse_all_sans, test_parse_cert_CVE_2013_4238);
#  * IP addresses of a bad length: OpenSSL 3 prints '<invalid length=N>', 1.x '<invalid>';
#  * otherName: OpenSSL 3 prints some kinds ('UPN:...', 'XmppAddr:...'; the set grows with
#    3.x releases); 1.x and 2.7 give '<unsupported>' for all, and so do we on every OpenSSL.
STOCK_ON_OPENSSL3 = {
    "allsans": "IPv6 newline; otherName UPN and XmppAddr",
    "nul_bytes": "IPv6 newline",
    "bad_ip_lengths": "'<invalid length=N>'",
    "cli_allsans": "IPv6 newline",
    "text_before_pem": "same certificate as allsans",
    "trusted_certificate": "same certificate as allsans",
    "two_certificates": "same certificate as allsans",
    "stdlib_allsans": "IPv6 newline",
    "stdlib_nullbytecert": "IPv6 newline",
}

# Where ours differs from stock for a reason other than OpenSSL's printer.
OTHER_DIFFERENCES = {
    # An OID too long for OBJ_obj2txt (OpenSSL >= 3.0.9 refuses > 586 encoded bytes). Both
    # raise SSLError; stock's message reports an unrelated error left queued by PEM parsing.
    "long_rid": "SSLError(0, u'unknown error (_ssl.c:N)') instead of a stale PEM error",
}


def correct_stock(value):
    """Stock's dict with the OpenSSL 3 printer differences undone."""
    if not isinstance(value, dict) or "subjectAltName" not in value:
        return value
    fixed = []
    for kind, v in value["subjectAltName"]:
        if kind == "IP Address" and ":" in v and not v.endswith("\n"):
            v += "\n"
        elif kind == "IP Address" and v.startswith("<invalid length="):
            v = "<invalid>"
        elif kind == "othername":
            v = "<unsupported>"
        fixed.append((kind, v))
    value = dict(value)
    value["subjectAltName"] = tuple(fixed)
    return value


def decode_all(runner, files):
    out = runner(DECODE.replace("sys.argv[1]", repr(repr(files))))
    table = {}
    for line in out.decode("utf-8").splitlines():
        name, value = line.split("\t", 1)
        table[name] = ast.literal_eval(value)
    return table


class CertDecoding(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        support.assert_modules_are_ours()
        cls.tmp = tempfile.mkdtemp(prefix="pep466-certs-")
        manifest = subprocess.check_output(["python3", MAKE_CERTS, cls.tmp])
        files = dict((str(k), str(v)) for k, v in ast.literal_eval(manifest.decode()).items())
        for name in ("keycert.pem", "nokia.pem", "talos-2019-0758.pem", "nullbytecert.pem",
                     "allsans.pem", "capath/5ed36f99.0", "keycert3.pem", "pycacert.pem",
                     "ssl_cert.pem", "badcert.pem", "badkey.pem", "nullcert.pem"):
            key = "stdlib_" + os.path.splitext(os.path.basename(name))[0]
            files[key] = os.path.join(STDLIB_CERTS, name)
        files["path_missing"] = os.path.join(cls.tmp, "no-such-file.pem")
        files["path_directory"] = cls.tmp
        files["path_empty"] = ""
        cls.files = files
        cls.stock = decode_all(support.run_stock, files)
        cls.ours = decode_all(support.run_ours, files)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_every_file_was_decoded_by_both(self):
        self.assertEqual(sorted(self.stock), sorted(self.files))
        self.assertEqual(sorted(self.ours), sorted(self.files))

    def test_ours_equals_stock_corrected(self):
        for name in sorted(self.files):
            if name in OTHER_DIFFERENCES:
                continue
            self.assertEqual(self.ours[name], correct_stock(self.stock[name]), name)

    def test_documented_differences_are_real(self):
        # Each entry must still be needed: an entry that no longer differs is stale.
        for name in sorted(STOCK_ON_OPENSSL3):
            self.assertNotEqual(self.stock[name], self.ours[name], name)
        for name in sorted(set(self.files) - set(STOCK_ON_OPENSSL3) - set(OTHER_DIFFERENCES)):
            self.assertEqual(self.stock[name], self.ours[name], name)

    def test_long_registered_id(self):
        self.assertEqual(self.stock["long_rid"][:2], ("raised", "SSLError"))
        raised, cls, args = self.ours["long_rid"]
        self.assertEqual((raised, cls, args[0]), ("raised", "SSLError", 0))
        self.assertTrue(args[1].startswith(u"unknown error (_ssl.c:"), args)

    def test_allsans_exact(self):
        # 2.7's test_parse_all_sans expectations, on a certificate made here.
        san = self.ours["allsans"]["subjectAltName"]
        self.assertEqual(san, (
            ("DNS", "allsans"),
            ("othername", "<unsupported>"), ("othername", "<unsupported>"),
            ("othername", "<unsupported>"),
            ("email", "user@example.org"), ("DNS", "www.example.org"),
            ("DirName", ((("countryName", u"XY"),), (("localityName", u"Castle Anthrax"),),
                         (("commonName", u"dirname example"),))),
            ("URI", "https://www.python.org/"),
            ("IP Address", "127.0.0.1"),
            ("IP Address", "0:0:0:0:0:0:0:0\n"),
            ("IP Address", "2001:DB8:0:0:0:0:0:1\n"),
            ("IP Address", "FE80:0:0:0:0:0:AB:CDEF\n"),
            (u"Registered ID", u"1.2.3.4.5"), (u"Registered ID", u"commonName"),
            ("X400Name", "<unsupported>"), ("EdiPartyName", "<unsupported>")))

    def test_python_types_are_2_7s(self):
        cert = _ssl._test_decode_cert(self.files["allsans"])
        self.assertIs(type(cert["notAfter"]), str)
        self.assertIs(type(cert["notBefore"]), unicode)
        self.assertIs(type(cert["serialNumber"]), unicode)
        self.assertIs(type(cert["version"]), long)
        attr, value = cert["subject"][0][0]
        self.assertEqual((type(attr), type(value)), (str, unicode))
        for kind, value in cert["subjectAltName"]:
            want = unicode if kind == u"Registered ID" else (tuple if kind == "DirName" else str)
            self.assertIs(type(kind), unicode if kind == u"Registered ID" else str)
            self.assertIs(type(value), want)
        cert = _ssl._test_decode_cert(self.files["aia_mixed"])
        self.assertEqual(cert["OCSP"], (u"http://ocsp.example/", u"http://ocsp2.example/"))
        self.assertEqual(cert["caIssuers"], (u"http://ca.example/ca.cer",))
        self.assertIs(type(cert["OCSP"][0]), unicode)

    def test_corner_cases(self):
        o = self.ours
        self.assertEqual(o["nul_bytes"]["subject"], (((u"commonName", u"null.python.org\x00example.org"),),))
        self.assertEqual(o["serial_zero"]["serialNumber"], u"00")
        self.assertEqual(o["serial_negative"]["serialNumber"], u"-1234")
        self.assertEqual(o["serial_20_bytes"]["serialNumber"], u"FF" * 20)
        # i2a_ASN1_INTEGER breaks lines every 35 bytes; 2.7 keeps only the first line.
        self.assertEqual(o["serial_huge"]["serialNumber"], u"AB" * 35 + u"\\\n")
        self.assertEqual(o["v1"]["version"], 1)
        self.assertEqual(o["generalized_time"]["notAfter"], "Dec 31 23:59:59.123 2099 GMT")
        self.assertEqual(o["time_single_digit_day"]["notBefore"], u"Aug  7 13:11:52 2018 GMT")
        self.assertEqual(o["expired"]["notAfter"], "Jan  1 00:00:00 2001 GMT")
        self.assertEqual(o["san_empty"]["subjectAltName"], ())
        self.assertEqual(o["san_malformed"]["subjectAltName"], ())
        self.assertEqual(o["san_twice"]["subjectAltName"], (("DNS", "one.example"), ("DNS", "two.example")))
        self.assertNotIn("OCSP", o["aia_twice"])
        self.assertNotIn("OCSP", o["aia_no_uris"])
        self.assertEqual(o["crldp_mixed"]["crlDistributionPoints"],
                         (u"http://crl1.example/a.crl", u"ldap://crl1.example/b", u"http://crl2.example/c.crl"))
        for name in ("crldp_empty", "crldp_only_empty_points", "crldp_no_uri", "crldp_malformed",
                     "stdlib_talos-2019-0758"):
            self.assertNotIn("crlDistributionPoints", o[name], name)
        self.assertEqual(o["multivalued_rdn"]["subject"][0],
                         (("commonName", u"a"), ("organizationName", u"b")))
        self.assertEqual(o["unknown_attribute"]["subject"][0][0][0], "1.2.3.4.5.6")
        self.assertEqual(o["empty_subject"]["subject"], ())
        self.assertEqual([v for ((_, v),) in o["string_types"]["subject"][:3]],
                         [u"caf\xe9 t61", u"B\xe9\u4e2d", u"U\xe9\U0001F600"])
        self.assertTrue(o["long_attribute_oid"]["subject"][0][0][0].startswith("1.2.100000.100001."))

    def test_bad_files_raise_stocks_errors(self):
        for name in ("bad_der_file", "bad_empty", "bad_no_end", "bad_base64", "bad_garbage",
                     "bad_truncated_der_in_pem", "bad_private_key_only", "path_directory",
                     "stdlib_nullcert", "invalid_utf8_name", "serial_empty"):
            self.assertEqual(self.ours[name], ("raised", "SSLError", ("Error decoding PEM-encoded file",)), name)
        for name in ("path_missing", "path_empty"):
            self.assertEqual(self.ours[name], ("raised", "SSLError", ("Can't open file",)), name)

    def test_bad_arguments(self):
        cases = [(), (None,), (1,), ("a\x00b",), (u"caf\xe9.pem",), ("a", "b")]
        code = ("import _ssl\nfor a in %r:\n    try: _ssl._test_decode_cert(*a)\n"
                "    except Exception as e: print(type(e).__name__, e.args)\n") % (cases,)
        self.assertEqual(support.run_ours(code), support.run_stock(code))
        with self.assertRaises(UnicodeEncodeError):
            _ssl._test_decode_cert(u"caf\xe9.pem")


if __name__ == "__main__":
    unittest.main()
