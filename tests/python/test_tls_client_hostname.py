"""An SSLSocket of a PROTOCOL_TLS_CLIENT context (Lib layer) against `openssl s_server`: OpenSSL
checks the host name during the handshake, as Python 3.7+. IP-address certificates (IPv4 SAN)
verify, a wrong name or address fails the handshake with SSLCertVerificationError (Python 3's
verify_code and message), which `except ssl.CertificateError` still catches, and the server
sees the client's alert. A PROTOCOL_SSLv23 socket keeps 2.7's match_hostname after the
handshake."""
import functools
import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import pep466_support  # noqa: E402
import tls_support  # noqa: E402
from tls_support import SServer, cert_args, connect, pki  # noqa: E402

pep466_support.use_lib_layer()
import ssl  # noqa: E402


def setUpModule():
    tls_support.set_up_module()


def server():
    # The `localhost` certificate names DNS:localhost and IP:127.0.0.1.
    return SServer(cert_args())


tls_client = functools.partial(tls_support.client_context, ssl.PROTOCOL_TLS_CLIENT)


class InOpenSSL(unittest.TestCase):

    def test_names_that_verify(self):
        for name in ("localhost", "LOCALHOST", "127.0.0.1", u"localhost"):
            with server() as srv:
                s = connect(srv.port, tls_client(), name)
                s.close()

    def test_mismatch_fails_the_handshake(self):
        for name, code, message in (
                ("other.example", 62,
                 "Hostname mismatch, certificate is not valid for 'other.example'."),
                ("127.0.0.2", 64, "IP address mismatch, certificate is not valid for '127.0.0.2'.")):
            with server() as srv:
                with self.assertRaises(ssl.CertificateError) as cm:
                    connect(srv.port, tls_client(), name)
                srv.reader.join(5)
            e = cm.exception
            self.assertIsInstance(e, ssl.SSLCertVerificationError)
            self.assertIsInstance(e, ssl.SSLError)
            self.assertEqual((e.verify_code, e.verify_message), (code, message))
            self.assertIn("certificate verify failed: " + message, str(e))
            # Python 3's behaviour: the handshake itself failed, so the server got an alert.
            self.assertIn(b"alert bad certificate", srv.text().lower())

    def test_sslv23_context_keeps_match_hostname(self):
        ctx = ssl.SSLContext(ssl.PROTOCOL_SSLv23)
        ctx.verify_mode = ssl.CERT_REQUIRED
        ctx.check_hostname = True
        ctx.load_verify_locations(pki()["ca"])
        with server() as srv:
            with self.assertRaises(ssl.CertificateError) as cm:
                connect(srv.port, ctx, "other.example")
        self.assertNotIsInstance(cm.exception, ssl.SSLError)
        self.assertIn("doesn't match", str(cm.exception))


if __name__ == "__main__":
    unittest.main()
