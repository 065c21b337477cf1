"""The callback kit's features against real OpenSSL peers on 127.0.0.1, and its failure paths.

* keylog_filename: for one session, our key log and `openssl s_server/s_client -keylogfile`
  hold the same lines (labels, client random, secrets), TLS 1.2 (CLIENT_RANDOM) and TLS 1.3
  (the five traffic/exporter secrets), as client and as server; a file deleted after it was
  opened keeps working; a failing write (RLIMIT_FSIZE) is raised as IOError by the operation
  that produced the secret, after OpenSSL returned (the exception stored on the connection).
* PSK: our client against `s_server -psk` (hint, identity, TLS 1.2 PSK suite and TLS 1.3
  external PSK), our server against `s_client -psk`; a wrong key fails the handshake.
* sni_callback over a socket against `s_client -servername`, and 2.7's
  set_servername_callback still gets the IDNA-decoded unicode name.
"""
import os
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import textwrap
import threading
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tls_support  # noqa: E402
from tls_support import (SClient, SServer, cert_args, listener, pki,  # noqa: E402
                         server_context)

TIMEOUT = 20.0
KEY_HEX = "00112233445566778899aabbccddeeff"
KEY = KEY_HEX.decode("hex")


def setUpModule():
    tls_support.set_up_module()


def secret_lines(path):
    with open(path) as f:
        return sorted(l.strip() for l in f if l.strip() and not l.startswith("#"))


def labels(lines):
    return sorted(set(l.split()[0] for l in lines))


def serve_s_client(ctx, client_args, data):
    """Serves one `openssl s_client -quiet` (with `client_args`, sending `data`) through `ctx`:
    returns the first recv(10) and the TLS version, or raises the SSLError of the handshake
    or the read (after the peer is done in either case)."""
    lst = listener(timeout=TIMEOUT)
    client = SClient(lst.getsockname()[1], client_args + ["-quiet"], data=data)
    conn, _ = lst.accept()
    try:
        s = ctx.wrap_socket(conn, server_side=True)
        got = s.recv(10), s.version()
        s.close()
        return got
    finally:
        conn.close()  # 2.7: the accepted socket shares the descriptor
        lst.close()
        client.result()


TLS13_LABELS = ["CLIENT_HANDSHAKE_TRAFFIC_SECRET", "CLIENT_TRAFFIC_SECRET_0",
                "EXPORTER_SECRET", "SERVER_HANDSHAKE_TRAFFIC_SECRET",
                "SERVER_TRAFFIC_SECRET_0"]


class KeyLog(unittest.TestCase):

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="pep466-keylog-")
        self.ours = os.path.join(self.dir, "ours.log")
        self.peer = os.path.join(self.dir, "peer.log")

    def tearDown(self):
        shutil.rmtree(self.dir, True)

    def client_side(self, flag, expected_labels):
        args = cert_args() + ["-rev", flag, "-keylogfile", self.peer]
        with SServer(args) as srv:
            ctx = ssl.SSLContext(ssl.PROTOCOL_SSLv23)
            ctx.keylog_filename = self.ours
            raw = socket.create_connection(("127.0.0.1", srv.port), timeout=TIMEOUT)
            s = ctx.wrap_socket(raw)
            s.sendall(b"abc\n")
            self.assertEqual(s.recv(10), b"cba\n")
            s.close()
        self.assert_same_secrets(expected_labels)

    def test_client_tls12_same_secrets_as_s_server(self):
        self.client_side("-tls1_2", ["CLIENT_RANDOM"])

    def test_client_tls13_same_secrets_as_s_server(self):
        self.client_side("-tls1_3", TLS13_LABELS)

    def server_side(self, flag, expected_labels):
        ctx = server_context()
        ctx.keylog_filename = self.ours
        got, _ = serve_s_client(ctx, [flag, "-keylogfile", self.peer], b"ping\n")
        self.assertEqual(got, b"ping\n")
        self.assert_same_secrets(expected_labels)

    def assert_same_secrets(self, expected_labels):
        """Our key log has the lines of `expected_labels` kinds, the same as the peer's."""
        ours, peer = secret_lines(self.ours), secret_lines(self.peer)
        self.assertEqual(labels(ours), expected_labels)
        self.assertEqual(ours, peer)

    def test_server_tls12_same_secrets_as_s_client(self):
        self.server_side("-tls1_2", ["CLIENT_RANDOM"])

    def test_server_tls13_same_secrets_as_s_client(self):
        self.server_side("-tls1_3", TLS13_LABELS)

    def test_file_deleted_after_assignment(self):
        ctx = ssl.SSLContext(ssl.PROTOCOL_SSLv23)
        ctx.keylog_filename = self.ours
        os.remove(self.ours)
        with SServer(cert_args() + ["-rev"]) as srv:
            raw = socket.create_connection(("127.0.0.1", srv.port), timeout=TIMEOUT)
            s = ctx.wrap_socket(raw)
            s.sendall(b"x\n")
            self.assertEqual(s.recv(10), b"x\n")
            s.close()
        self.assertFalse(os.path.exists(self.ours))
        self.assertEqual(ctx.keylog_filename, self.ours)

    def test_unwritable_raises_at_assignment(self):
        ctx = ssl.SSLContext(ssl.PROTOCOL_SSLv23)
        for path, code in ((self.dir, 21), (os.path.join(self.dir, "a", "b"), 2),
                           ("/dev/full", 28)):
            with self.assertRaises(IOError) as cm:
                ctx.keylog_filename = path
            self.assertEqual(cm.exception.errno, code)
            self.assertEqual(cm.exception.filename, path)
            self.assertIsNone(ctx.keylog_filename)

    def test_failed_write_is_raised_after_the_handshake(self):
        # A child process whose file size limit lets the header through but not a secret:
        # the callback's IOError(EFBIG) is stored on the connection and raised by
        # do_handshake once OpenSSL returned (the handshake itself completed).
        code = textwrap.dedent("""
            import resource, signal, socket, ssl, sys, threading
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (60, resource.RLIM_INFINITY))
            c = ssl.SSLContext(ssl.PROTOCOL_SSLv23)
            c.keylog_filename = sys.argv[1]
            s = ssl.SSLContext(ssl.PROTOCOL_SSLv23)
            s.load_cert_chain(sys.argv[2], sys.argv[3])
            a, b = [socket.socket(_sock=x) for x in socket.socketpair()]
            a.settimeout(20)
            b.settimeout(20)
            server = []
            t = threading.Thread(target=lambda: server.append(
                s.wrap_socket(b, server_side=True)))
            t.start()
            cl = c.wrap_socket(a, do_handshake_on_connect=False)
            try:
                cl.do_handshake()
            except IOError as e:
                print("%s %s %s" % (type(e).__name__, e.errno, e.filename == sys.argv[1]))
            t.join()
            print("done %s" % (cl.version(),))
        """)
        p = pki()
        out = subprocess.check_output(
            [sys.executable, "-c", code, self.ours, p["localhost"], p["localhost.key"]],
            stderr=subprocess.STDOUT)
        self.assertEqual(out.split("\n")[0], "IOError 27 True")
        self.assertIn("done TLSv1.3", out)


class Psk(unittest.TestCase):

    def client(self, flags, hint=None):
        got = []

        def cb(h):
            got.append(h)
            return (u"client1", KEY)

        args = ["-nocert", "-psk", KEY_HEX, "-psk_identity", "client1", "-rev"] + flags
        if hint:
            args += ["-psk_hint", hint]
        with SServer(args) as srv:
            ctx = ssl.SSLContext(ssl.PROTOCOL_SSLv23)
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
            ctx.set_ciphers("PSK")
            ctx.set_psk_client_callback(cb)
            raw = socket.create_connection(("127.0.0.1", srv.port), timeout=TIMEOUT)
            s = ctx.wrap_socket(raw)
            s.sendall(b"psk\n")
            self.assertEqual(s.recv(10), b"ksp\n")
            version, cipher = s.version(), s.cipher()[0]
            s.close()
        return got, version, cipher

    def test_client_tls12_psk_suite(self):
        got, version, cipher = self.client(["-tls1_2", "-cipher", "PSK"], hint="hint1")
        # OpenSSL asks first for a TLS 1.3 PSK (no hint yet), then, in TLS 1.2, with the hint.
        self.assertEqual(got[-1], u"hint1")
        self.assertIsInstance(got[-1], unicode)
        self.assertEqual(version, "TLSv1.2")
        self.assertIn("PSK", cipher)

    def test_client_tls13_external_psk(self):
        got, version, cipher = self.client(["-tls1_3"])
        self.assertEqual(got, [None])  # TLS 1.3 has no identity hint
        self.assertEqual(version, "TLSv1.3")

    def server(self, flags, key_hex=KEY_HEX):
        seen = []

        def cb(identity):
            seen.append(identity)
            return KEY

        ctx = ssl.SSLContext(ssl.PROTOCOL_SSLv23)
        ctx.set_ciphers("PSK")
        ctx.set_psk_server_callback(cb, "hint2")
        try:
            result = serve_s_client(
                ctx, ["-psk", key_hex, "-psk_identity", "client2"] + flags, b"ping\n")
        except ssl.SSLError as e:
            result = e
        return seen, result

    def test_server_tls12_psk_suite(self):
        seen, result = self.server(["-tls1_2", "-cipher", "PSK"])
        self.assertEqual(seen, [u"client2"])
        self.assertEqual(result, (b"ping\n", "TLSv1.2"))

    def test_server_tls13_external_psk(self):
        seen, result = self.server(["-tls1_3"])
        self.assertEqual(seen, [u"client2"])
        self.assertEqual(result, (b"ping\n", "TLSv1.3"))

    def test_server_wrong_key_fails(self):
        seen, result = self.server(["-tls1_2", "-cipher", "PSK"], key_hex="ff" * 16)
        self.assertEqual(seen, [u"client2"])
        self.assertIsInstance(result, ssl.SSLError)


class Servername(unittest.TestCase):

    def serve(self, setup, host):
        ctx = server_context()
        seen = []
        setup(ctx, lambda sock, name, c: seen.append((type(sock).__name__, name, c is ctx)))
        got, _ = serve_s_client(ctx, ["-servername", host], b"x\n")
        self.assertEqual(got, b"x\n")
        return seen

    def test_sni_callback_gets_a_label_str(self):
        def setup(ctx, cb):
            ctx.sni_callback = cb
        seen = self.serve(setup, "xn--bcher-kva.example")
        self.assertEqual(seen, [("SSLSocket", "xn--bcher-kva.example", True)])
        self.assertIsInstance(seen[0][1], str)

    def test_set_servername_callback_keeps_2_7_unicode(self):
        def setup(ctx, cb):
            ctx.set_servername_callback(cb)
        seen = self.serve(setup, "xn--bcher-kva.example")
        self.assertEqual(seen, [("SSLSocket", u"b\xfccher.example", True)])
        self.assertIsInstance(seen[0][1], unicode)


if __name__ == "__main__":
    unittest.main()
