"""docs/SECURITY.md's table, one test per row: each CVE pep466 fixes or is not affected by.

Every test here was checked to fail with its fix removed; how is written in each docstring
("Checked: ..."). The OpenSSL advisories are tested against the OpenSSL actually linked.
CVE-2022-37454 (SHA-3, 4 GiB of input) has its own file, test_cve_2022_37454.py.
"""
import json
import os
import socket
import ssl
import struct
import subprocess
import sys
import tempfile
import threading
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import pep466_support  # noqa: E402
from pep466_support import OUR_DIR, PYTHON27  # noqa: E402
import tls_support  # noqa: E402
from tls_support import pki  # noqa: E402

import _ssl  # noqa: E402

_certs = {}


def made_certs():
    """tests/certs/make_certs.py's certificates: {name: path}."""
    if not _certs:
        d = tempfile.mkdtemp(prefix="pep466-sec-certs-")
        out = subprocess.check_output([pep466_support.PYTHON3,
                                       os.path.join(ROOT, "tests", "certs", "make_certs.py"), d])
        _certs.update(json.loads(out))
        _certs["dir"] = d
    return _certs


def setUpModule():
    tls_support.set_up_module()


class NulBytesInNames(unittest.TestCase):
    """CVE-2013-4238: a NUL byte in a subjectAltName (or CN) must be kept, so that a name
    like 'altnull.python.org\\x00example.com' never matches 'altnull.python.org'.

    Checked: with src/ssl/cert.rs changed to cut DNS names at their first NUL, this test
    fails (the SAN reads 'altnull.python.org' and match_hostname accepts it)."""

    def test_nul_kept_and_not_matched(self):
        cert = _ssl._test_decode_cert(made_certs()["nul_bytes"])
        sans = cert["subjectAltName"]
        self.assertIn(("DNS", "altnull.python.org\x00example.com"), sans)
        self.assertIn(("email", "null@python.org\x00user@example.org"), sans)
        self.assertIn(("URI", "http://null.python.org\x00http://example.org"), sans)
        cn = [v for rdn in cert["subject"] for k, v in rdn if k == "commonName"]
        self.assertEqual(cn, [u"null.python.org\x00example.org"])
        for host in ("altnull.python.org", "example.com", "null.python.org"):
            self.assertRaises(ssl.CertificateError, ssl.match_hostname, cert, host)


class _HttpsServer(object):
    """A loopback HTTPS server (our modules) answering one 200 response per connection."""

    def __init__(self, cert, key):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(5)
        self.port = self.sock.getsockname()[1]
        self.cert, self.key = cert, key
        self.thread = threading.Thread(target=self.serve)
        self.thread.daemon = True
        self.stop = False
        self.thread.start()

    def serve(self):
        self.sock.settimeout(0.2)
        while not self.stop:
            try:
                conn, _ = self.sock.accept()
            except socket.timeout:
                continue
            conn.settimeout(10)
            try:
                s = ssl.wrap_socket(conn, server_side=True, certfile=self.cert,
                                    keyfile=self.key)
                s.recv(4096)
                s.sendall(b"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok")
                s.close()
            except (ssl.SSLError, socket.error):
                conn.close()

    def close(self):
        self.stop = True
        self.thread.join(10)
        self.sock.close()


class VerificationDefaults(unittest.TestCase):
    """CVE-2014-9365 (PEP 476): httplib/urllib2 verify certificates and host names by default,
    as 2.7.9+ does; pep466 keeps it (ssl.py's defaults over our _SSLContext).

    Checked: with SslCtx::set_verify_mode in src/ossl/ctx.rs made a no-op, the untrusted
    server is accepted and test_untrusted_certificate_refused fails."""

    def test_default_https_context_verifies(self):
        ctx = ssl._create_default_https_context()
        self.assertEqual(ctx.verify_mode, ssl.CERT_REQUIRED)
        self.assertTrue(ctx.check_hostname)

    def test_untrusted_certificate_refused(self):
        import urllib2
        p = pki()
        server = _HttpsServer(p["rogue"], p["rogue.key"])
        try:
            ctx = ssl.create_default_context(cafile=p["ca"])
            with self.assertRaises(urllib2.URLError) as cm:
                urllib2.urlopen("https://localhost:%d/" % server.port, context=ctx, timeout=10)
            self.assertIsInstance(cm.exception.reason, ssl.SSLError)
            self.assertIn("CERTIFICATE_VERIFY_FAILED", str(cm.exception.reason))
        finally:
            server.close()

    def test_wrong_host_name_refused_and_right_one_accepted(self):
        import urllib2
        p = pki()
        server = _HttpsServer(p["other"], p["other.key"])
        try:
            ctx = ssl.create_default_context(cafile=p["ca"])
            with self.assertRaises(Exception) as cm:
                urllib2.urlopen("https://localhost:%d/" % server.port, context=ctx, timeout=10)
            self.assertIn("match", str(cm.exception))
        finally:
            server.close()
        server = _HttpsServer(p["localhost"], p["localhost.key"])
        try:
            ctx = ssl.create_default_context(cafile=p["ca"])
            body = urllib2.urlopen("https://localhost:%d/" % server.port, context=ctx,
                                   timeout=10).read()
            self.assertEqual(body, b"ok")
        finally:
            server.close()


class CrlDistributionPointWithoutName(unittest.TestCase):
    """CVE-2019-5010: a cRLDistributionPoints entry without a distributionPoint made 2.7.15's
    _ssl dereference NULL (crash on getpeercert()/_test_decode_cert).

    Checked: with the `name.is_null()` test removed from crl_distribution_points in
    src/ossl/x509v3.rs, the child interpreter dies with SIGSEGV and this test fails."""

    def test_decoded_without_crash(self):
        path = made_certs()["crldp_only_empty_points"]
        code = ("import _ssl, sys\n"
                "c = _ssl._test_decode_cert(sys.argv[1])\n"
                "print(repr(sorted(c)))\n")
        proc = subprocess.Popen([PYTHON27, "-c", code, path], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, env=dict(os.environ, PYTHONPATH=OUR_DIR))
        out, err = proc.communicate()
        self.assertEqual(proc.returncode, 0, "decoding died (%d): %s" % (proc.returncode, err))
        self.assertNotIn("crlDistributionPoints", out)
        self.assertIn("'subject'", out)


# Runs in a child 2.7 with a given ssl.py: a client sends plaintext to a listening socket and
# resets the connection; the server accepts only then and wraps the socket. Prints what the
# server got: RAISED <class> or DATA <repr>.
_PREAUTH = r"""
import socket, ssl, struct, sys, time
cert, key = sys.argv[1], sys.argv[2]
lst = socket.socket()
lst.bind(("127.0.0.1", 0))
lst.listen(1)
c = socket.create_connection(lst.getsockname())
c.sendall(b"GET /secret HTTP/1.0\r\n\r\n")
c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
c.close()
time.sleep(0.3)
conn, _ = lst.accept()
conn.settimeout(5)
try:
    s = ssl.wrap_socket(conn, server_side=True, certfile=cert, keyfile=key)
    print("DATA %r" % s.recv(1024))
except ssl.SSLError as e:
    print("RAISED SSLError %s" % e.args[1])
except socket.error as e:
    print("RAISED socket.error %s" % (e.args,))
"""


class PlaintextBeforeHandshake(unittest.TestCase):
    """CVE-2023-40217: an SSLSocket made from a socket whose peer sent data and reset the
    connection right after accept() is "not connected", has no SSL object, and 2.7.18's
    recv() returns the peer's unencrypted bytes as if TLS had carried them. Fixed in the Lib
    layer (cpython-patches/2.7.18/Lib/ssl.py.patch, SSLSocket._refuse_plaintext_before_
    handshake): the socket is refused with SSLError.

    Checked, by the test itself: under 2.7.18's own ssl.py (the fix removed) the same script
    gets the plaintext back (test_stock_ssl_py_is_affected), under the Lib layer it gets
    SSLError."""

    @classmethod
    def setUpClass(cls):
        cls.layer = tempfile.mkdtemp(prefix="pep466-sec-layer-")
        with open(os.devnull, "w") as null:
            subprocess.check_call([pep466_support.PYTHON3,
                                   os.path.join(ROOT, "scripts", "lib-layer.py"),
                                   "--python", PYTHON27, "--out", cls.layer], stdout=null)

    def run_script(self, path):
        p = pki()
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(x for x in path if x))
        proc = subprocess.Popen([PYTHON27, "-c", _PREAUTH, p["localhost"], p["localhost.key"]],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        out, err = proc.communicate()
        self.assertEqual(proc.returncode, 0, err)
        return out.strip()

    def test_lib_layer_refuses_the_socket(self):
        out = self.run_script([self.layer, OUR_DIR])
        self.assertEqual(out, "RAISED SSLError Closed before TLS handshake with data in "
                              "recv buffer.")

    def test_stock_ssl_py_is_affected(self):
        # The stdlib's ssl.py is 2.7.18's unless install.sh replaced it; the pristine file
        # is then in lib-dynload/.pep466-backup, which the stock view puts first.
        out = self.run_script([pep466_support.stock_view_dir(PYTHON27), OUR_DIR])
        self.assertEqual(out, "DATA 'GET /secret HTTP/1.0\\r\\n\\r\\n'")


class EmptyNpnList(unittest.TestCase):
    """CVE-2024-5642: 2.7 accepts set_npn_protocols([]) and then has OpenSSL's
    SSL_select_next_proto read past the empty list (CVE-2024-5535: up to 255 bytes of memory
    sent to the server on OpenSSL before 3.0.15). pep466: a client with an empty list offers
    no NPN, and the select callback never passes an empty or malformed list of ours.

    Checked: with the empty-list branch of SslCtx::set_npn_protocols (src/ossl/protos.rs)
    removed, on OpenSSL 3.0.19 the handshake fails (SSL_R_BAD_EXTENSION) and this test fails;
    the Rust test ossl::protos::tests::selection_never_trusts_our_lists fails with the guard
    in `select` removed."""

    def handshake(self, client_protocols, server_protocols):
        p = pki()
        server_ctx = ssl.SSLContext(ssl.PROTOCOL_SSLv23)
        server_ctx.load_cert_chain(p["localhost"], p["localhost.key"])
        server_ctx.set_npn_protocols(server_protocols)
        client_ctx = ssl.SSLContext(ssl.PROTOCOL_SSLv23)
        # NPN is TLS 1.2 only.
        client_ctx.options |= ssl.OP_NO_TLSv1_3
        client_ctx.set_npn_protocols(client_protocols)
        a, b = [socket.socket(_sock=x) for x in socket.socketpair()]
        a.settimeout(10)
        b.settimeout(10)
        result = {}

        def serve():
            try:
                s = server_ctx.wrap_socket(a, server_side=True)
                # The C method: ssl.py's says None as HAS_NPN is False (NPN is obsolete).
                result["server"] = s._sslobj.selected_npn_protocol()
                s.sendall(b"x")
                s.close()
            except Exception as e:  # reported by the main thread
                result["server_error"] = e

        t = threading.Thread(target=serve)
        t.start()
        try:
            c = client_ctx.wrap_socket(b)
            result["client"] = c._sslobj.selected_npn_protocol()
            c.recv(1)
            c.close()
        finally:
            t.join(10)
            a.close()
            b.close()
        return result

    def test_empty_client_list_offers_no_npn(self):
        r = self.handshake([], ["http/1.1", "spdy/2"])
        self.assertNotIn("server_error", r)
        self.assertIsNone(r["client"])
        self.assertIsNone(r["server"])

    def test_non_empty_lists_still_negotiate(self):
        r = self.handshake(["spdy/2"], ["http/1.1", "spdy/2"])
        self.assertEqual(r["client"], "spdy/2")
        self.assertEqual(r["server"], "spdy/2")


# OpenSSL advisories that the OpenSSL bundled with 2.7.18's installers (1.0.2t on Windows,
# 1.0.2u on macOS; 1.0.2 is out of public support since 2019-12-31) carries. For each, the
# first public release with the fix per OpenSSL line: (1, 1, 1) -> (1, 1, 1, letter number,
# a=1), (3, N) -> (3, N, patch, 0); None: no public release of that line has it (1.1.1w, the
# last public 1.1.1, lacks fixes released after it). A 3.x line newer than every line listed
# was first released after the fix; an older line, or 1.0.2/1.1.0, is not fixed.
ADVISORIES = [
    ("CVE-2020-1971", {(1, 1, 1): (1, 1, 1, 9), (3, 0): (3, 0, 0, 0)},
     "EDIPARTYNAME NULL dereference in GENERAL_NAME_cmp"),
    ("CVE-2021-23840", {(1, 1, 1): (1, 1, 1, 10), (3, 0): (3, 0, 0, 0)},
     "EVP_CipherUpdate output length overflow"),
    ("CVE-2021-23841", {(1, 1, 1): (1, 1, 1, 10), (3, 0): (3, 0, 0, 0)},
     "X509_issuer_and_serial_hash NULL dereference"),
    ("CVE-2021-3712", {(1, 1, 1): (1, 1, 1, 12), (3, 0): (3, 0, 0, 0)},
     "ASN.1 string read overrun when printing certificates"),
    ("CVE-2022-0778", {(1, 1, 1): (1, 1, 1, 14), (3, 0): (3, 0, 2, 0)},
     "BN_mod_sqrt infinite loop parsing certificates"),
    ("CVE-2023-0286", {(1, 1, 1): (1, 1, 1, 20), (3, 0): (3, 0, 8, 0)},
     "X.400 address type confusion in GENERAL_NAME_cmp"),
    ("CVE-2023-0464", {(1, 1, 1): (1, 1, 1, 21), (3, 0): (3, 0, 9, 0), (3, 1): (3, 1, 1, 0)},
     "excessive resource use verifying policy constraints"),
    ("CVE-2023-2650", {(1, 1, 1): (1, 1, 1, 21), (3, 0): (3, 0, 9, 0), (3, 1): (3, 1, 1, 0)},
     "OBJ_obj2txt slowness on huge OIDs"),
    ("CVE-2024-5535", {(1, 1, 1): None, (3, 0): (3, 0, 15, 0), (3, 1): (3, 1, 7, 0),
                       (3, 2): (3, 2, 3, 0), (3, 3): (3, 3, 2, 0)},
     "SSL_select_next_proto over-read (pep466 guards its own calls: CVE-2024-5642)"),
]


def fixed_in(version, table):
    """Whether OpenSSL `version` (major, minor, patch, letter-or-0) has the fix."""
    line = tuple(version[:3]) if version[0] == 1 else tuple(version[:2])
    if line in table:
        first = table[line]
        return first is not None and tuple(version) >= first
    newest = max(k for k in table if k[0] >= 3)
    return version[0] >= 3 and line > newest


def openssl_version_tuple(number):
    """OPENSSL_VERSION_NUMBER -> (major, minor, patch, letter) on 1.x, (major, minor, patch,
    0) on 3.x+."""
    major = number >> 28
    if major >= 3:
        return (major, (number >> 20) & 0xFF, (number >> 4) & 0xFFFF, 0)
    return (major, (number >> 20) & 0xFF, (number >> 12) & 0xFF, (number >> 4) & 0xFF)


class OpenSslAdvisories(unittest.TestCase):
    """The OpenSSL advisories 2.7.18's bundled 1.0.2t/u carries are fixed in the OpenSSL this
    pep466 runs on.

    Checked: test_a_1_0_2_build_is_flagged feeds 1.0.2u's and 1.1.1w's version numbers
    (0x1000215f, 0x1010117f) to the same check and expects it to flag them."""

    def test_linked_openssl_has_the_fixes(self):
        version = openssl_version_tuple(_ssl.OPENSSL_VERSION_NUMBER)
        missing = [cve for cve, table, _ in ADVISORIES if not fixed_in(version, table)]
        self.assertEqual(missing, [], "%s lacks the fixes for %s" % (_ssl.OPENSSL_VERSION,
                                                                     missing))

    def test_a_1_0_2_build_is_flagged(self):
        v102u = openssl_version_tuple(0x1000215f)
        self.assertEqual(v102u, (1, 0, 2, 21))
        self.assertEqual([c for c, t, _ in ADVISORIES if fixed_in(v102u, t)], [])
        v111w = openssl_version_tuple(0x1010117f)
        self.assertEqual(v111w, (1, 1, 1, 23))
        self.assertEqual([c for c, t, _ in ADVISORIES if not fixed_in(v111w, t)],
                         ["CVE-2024-5535"])
        self.assertTrue(all(fixed_in((3, 0, 19, 0), t) for _, t, _ in ADVISORIES))
        self.assertFalse(fixed_in((3, 0, 14, 0), ADVISORIES[-1][1]))
        self.assertFalse(fixed_in((3, 1, 0, 0), ADVISORIES[-2][1]))
        self.assertTrue(fixed_in((3, 6, 0, 0), ADVISORIES[-1][1]))
        self.assertTrue(fixed_in((4, 0, 0, 0), ADVISORIES[-1][1]))
        self.assertFalse(fixed_in((1, 1, 0, 12), ADVISORIES[0][1]))


if __name__ == "__main__":
    unittest.main()
