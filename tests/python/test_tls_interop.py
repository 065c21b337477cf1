"""Our _ssl against real OpenSSL peers on 127.0.0.1: `openssl s_server` when we are the client,
`openssl s_client` when we are the server. TLS 1.2 and 1.3, SNI choosing a certificate (both
directions), ALPN, client certificates, a peer that drops the connection in the middle of a
record, and verification failures (hostname mismatch, untrusted root). Certificates are made at
test time (tls_support.pki). Every peer process is bounded in time and killed at the end.
"""
import functools
import os
import select
import socket
import ssl
import sys
import threading
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tls_support  # noqa: E402
from tls_support import SClient, SServer, cert_args, connect, pki, server_context  # noqa: E402

TIMEOUT = 20.0


def setUpModule():
    tls_support.set_up_module()


# Our clients here check the host name too.
client_context = functools.partial(tls_support.client_context, check_hostname=True)


def subject_cn(cert):
    for rdn in cert["subject"]:
        for key, value in rdn:
            if key == "commonName":
                return value
    return None


def recv_line(s):
    data = b""
    while not data.endswith(b"\n"):
        chunk = s.recv(1024)
        if not chunk:
            break
        data += chunk
    return data


class ClientAgainstSServer(unittest.TestCase):
    """We are the client; `openssl s_server -rev` echoes each line reversed."""

    def server(self, *extra, **kw):
        cert = kw.pop("cert", "localhost")
        args = cert_args(cert) + ["-rev"] + list(extra)
        return SServer(args, **kw)

    def echo(self, version_flag, expected_version):
        with self.server(version_flag) as srv:
            s = connect(srv.port, client_context())
            try:
                self.assertEqual(s.version(), expected_version)
                name, proto, bits = s.cipher()
                self.assertIsInstance(name, str)
                self.assertIsInstance(bits, int)
                self.assertTrue(bits >= 128)
                s.sendall(b"hello pep466\n")
                self.assertEqual(recv_line(s), b"664pep olleh\n")
                cert = s.getpeercert()
                self.assertEqual(subject_cn(cert), u"localhost")
                self.assertIn(("DNS", "localhost"), cert["subjectAltName"])
                self.assertEqual(len(s.getpeercert(True)) > 100, True)
                self.assertIsInstance(s._sslobj.tls_unique_cb(), str)
            finally:
                s.close()

    def test_tls12(self):
        self.echo("-tls1_2", "TLSv1.2")

    def test_tls13(self):
        self.echo("-tls1_3", "TLSv1.3")

    def test_sni_chooses_certificate(self):
        p = pki()
        extra = ["-servername", "other.example", "-cert2", p["other"], "-key2", p["other.key"]]
        with self.server(*extra, naccept=2) as srv:
            for host, cn in (("other.example", u"other.example"), ("localhost", u"localhost")):
                s = connect(srv.port, client_context(), host)
                try:
                    self.assertEqual(subject_cn(s.getpeercert()), cn)
                    s.sendall(b"abc\n")
                    self.assertEqual(recv_line(s), b"cba\n")
                finally:
                    s.close()

    def test_alpn(self):
        with self.server("-alpn", "h2,http/1.1") as srv:
            ctx = client_context()
            ctx.set_alpn_protocols(["spdy/3", "http/1.1"])
            s = connect(srv.port, ctx)
            try:
                self.assertEqual(s.selected_alpn_protocol(), "http/1.1")
                self.assertIsNone(s.selected_npn_protocol())
            finally:
                s.close()

    def test_no_alpn_overlap(self):
        with self.server("-alpn", "h2") as srv:
            ctx = client_context()
            ctx.set_alpn_protocols(["http/1.1"])
            try:
                s = connect(srv.port, ctx)
            except ssl.SSLError as e:
                # OpenSSL's s_server rejects a client with no protocol in common: a fatal
                # no_application_protocol alert (120), which the client queues as SSL reason
                # SSL_AD_REASON_OFFSET + 120. 3.0 named it; 1.1.1 has neither a name nor a
                # text for it, so 2.7 (and 3.x Python) say "[SSL] unknown error" there.
                self.assertEqual((e.errno, e.library), (ssl.SSL_ERROR_SSL, "SSL"))
                if ssl.OPENSSL_VERSION_NUMBER >= 0x30000000:
                    self.assertEqual(e.reason, "TLSV1_ALERT_NO_APPLICATION_PROTOCOL")
                    self.assertIn("no application protocol", str(e))
                else:
                    self.assertIsNone(e.reason)
                    self.assertRegexpMatches(str(e), r"^\[SSL\] unknown error \(_ssl\.c:\d+\)$")
            else:
                self.assertIsNone(s.selected_alpn_protocol())
                s.close()

    def test_npn(self):
        # NPN exists up to TLS 1.2; the client picks the first server protocol it supports.
        # HAS_NPN is False (as in stock 2.7.18 and Python 3, NPN being obsolete), so ssl.py's
        # selected_npn_protocol() says None; the C method shows what was negotiated.
        with self.server("-tls1_2", "-nextprotoneg", "h2,http/1.1") as srv:
            ctx = client_context()
            ctx.set_npn_protocols(["http/1.1", "spdy/3"])
            s = connect(srv.port, ctx)
            try:
                self.assertEqual(s._sslobj.selected_npn_protocol(), "http/1.1")
            finally:
                s.close()

    def test_client_certificate_required(self):
        p = pki()
        for version in ("-tls1_2", "-tls1_3"):
            args = ("-Verify", "1", "-CAfile", p["ca"], "-verify_return_error", version)
            with self.server(*args) as srv:
                s = connect(srv.port, client_context(cert="client"))
                try:
                    s.sendall(b"with cert\n")
                    self.assertEqual(recv_line(s), b"trec htiw\n")
                finally:
                    s.close()
            with self.server(*args) as srv:
                def without_cert():
                    s = connect(srv.port, client_context())
                    try:
                        # TLS 1.3 reports the server's refusal on the first read.
                        s.sendall(b"no cert\n")
                        s.recv(100)
                    finally:
                        s.close()
                with self.assertRaises(ssl.SSLError) as cm:
                    without_cert()
                # TLS 1.2: s_server sends handshake_failure; TLS 1.3: certificate_required.
                self.assertIn(cm.exception.reason, ("SSLV3_ALERT_HANDSHAKE_FAILURE",
                                                    "TLSV13_ALERT_CERTIFICATE_REQUIRED"))

    def test_hostname_mismatch(self):
        with self.server() as srv:
            with self.assertRaises(ssl.CertificateError) as cm:
                connect(srv.port, client_context(), "wrong.example")
            self.assertIn("wrong.example", str(cm.exception))

    def test_untrusted_root(self):
        with self.server(cert="rogue") as srv:
            with self.assertRaises(ssl.SSLError) as cm:
                connect(srv.port, client_context())
            self.assertEqual(cm.exception.reason, "CERTIFICATE_VERIFY_FAILED")
            self.assertEqual(cm.exception.library, "SSL")
            self.assertIn("certificate verify failed", str(cm.exception))

    def test_untrusted_root_accepted_with_cert_none(self):
        with self.server(cert="rogue") as srv:
            ctx = ssl.SSLContext(ssl.PROTOCOL_SSLv23)
            s = connect(srv.port, ctx, None)
            try:
                self.assertEqual(s.getpeercert(), {})
                self.assertIsNotNone(s.getpeercert(True))
            finally:
                s.close()


class TruncatingProxy(object):
    """Relays between a client and a TLS 1.2 server, then forwards only the header and half the
    body of the server's first application-data record (type 23) and drops both connections:
    the client sees the connection end in the middle of a record."""

    def __init__(self, upstream_port):
        self.listener = tls_support.listener(1, timeout=TIMEOUT)
        self.port = self.listener.getsockname()[1]
        self.upstream_port = upstream_port
        self.truncated = threading.Event()
        self.thread = threading.Thread(target=self.run)
        self.thread.daemon = True
        self.thread.start()

    def run(self):
        client = server = None
        try:
            client, _ = self.listener.accept()
            server = socket.create_connection(("127.0.0.1", self.upstream_port), TIMEOUT)
            pending = b""
            while True:
                ready, _, _ = select.select([client, server], [], [], TIMEOUT)
                if not ready:
                    return
                if client in ready:
                    data = client.recv(65536)
                    if not data:
                        return
                    server.sendall(data)
                if server in ready:
                    data = server.recv(65536)
                    if not data:
                        return
                    pending += data
                    # Forward whole records until an application-data record shows up.
                    while len(pending) >= 5:
                        length = (ord(pending[3:4]) << 8) | ord(pending[4:5])
                        if ord(pending[0:1]) == 23:
                            cut = 5 + length // 2
                            client.sendall(pending[:cut])
                            self.truncated.set()
                            return
                        if len(pending) < 5 + length:
                            break
                        client.sendall(pending[:5 + length])
                        pending = pending[5 + length:]
        except (socket.error, socket.timeout):
            return
        finally:
            for s in (client, server, self.listener):
                if s is not None:
                    s.close()


class PeerDropsMidRecord(unittest.TestCase):

    def run_case(self, suppress):
        args = cert_args() + ["-rev", "-tls1_2"]
        with SServer(args) as srv:
            proxy = TruncatingProxy(srv.port)
            s = connect(proxy.port, client_context(), suppress_ragged_eofs=suppress)
            try:
                s.sendall(b"0123456789" * 100 + b"\n")
                if suppress:
                    self.assertEqual(s.recv(4096), b"")
                else:
                    with self.assertRaises(ssl.SSLEOFError) as cm:
                        s.recv(4096)
                    self.assertEqual(cm.exception.args[0], ssl.SSL_ERROR_EOF)
                self.assertTrue(proxy.truncated.is_set())
            finally:
                s.close()
                proxy.thread.join(TIMEOUT)

    def test_mid_record_eof_raises(self):
        self.run_case(False)

    def test_mid_record_eof_suppressed(self):
        self.run_case(True)


class ServerAgainstSClient(unittest.TestCase):
    """We are the server; `openssl s_client` connects, sends a line, and prints our reply."""

    def setUp(self):
        self.listener = tls_support.listener(5, timeout=TIMEOUT)
        self.port = self.listener.getsockname()[1]
        self.result = {}

    def tearDown(self):
        self.listener.close()

    def serve(self, ctx, reply=b"pong\n"):
        """Accepts one connection in a thread: handshake, read a line, reply, close."""
        def run():
            conn = None
            try:
                raw, _ = self.listener.accept()
                raw.settimeout(TIMEOUT)
                conn = ctx.wrap_socket(raw, server_side=True)
                self.result["version"] = conn.version()
                self.result["alpn"] = conn.selected_alpn_protocol()
                # The C method: ssl.py's gives None as HAS_NPN is False (see test_npn).
                self.result["npn"] = conn._sslobj.selected_npn_protocol()
                self.result["peercert"] = conn.getpeercert()
                self.result["line"] = recv_line(conn)
                conn.sendall(reply)
                conn = conn.unwrap()
            except Exception as e:
                self.result["error"] = e
            finally:
                if conn is not None:
                    conn.close()
        t = threading.Thread(target=run)
        t.daemon = True
        t.start()
        return t

    def s_client(self, *args):
        p = pki()
        base = ["-CAfile", p["ca"], "-verify_return_error", "-ign_eof",
                "-servername", "localhost", "-verify_hostname", "localhost"]
        return SClient(self.port, base + list(args), data=b"ping\n")

    def finish(self, thread, client):
        code, out = client.result()
        thread.join(TIMEOUT)
        self.assertFalse(thread.is_alive())
        return code, out

    def test_tls12_and_tls13(self):
        for flag, version in (("-tls1_2", "TLSv1.2"), ("-tls1_3", "TLSv1.3")):
            t = self.serve(server_context())
            code, out = self.finish(t, self.s_client(flag))
            self.assertNotIn("error", self.result, self.result.get("error"))
            self.assertEqual(self.result["version"], version)
            self.assertEqual(self.result["line"], b"ping\n")
            self.assertIn(b"pong", out)
            self.assertIn(b"Verify return code: 0 (ok)", out)
            self.assertEqual(code, 0, out)

    def test_sni_callback_switches_certificate(self):
        ctx = server_context("localhost")
        other = server_context("other")
        seen = []

        def callback(sslsock, name, context):
            seen.append((type(sslsock).__name__, name, context is ctx))
            if name == u"other.example":
                sslsock.context = other
        ctx.set_servername_callback(callback)
        t = self.serve(ctx)
        p = pki()
        client = SClient(self.port, ["-CAfile", p["ca"], "-verify_return_error", "-ign_eof",
                                     "-servername", "other.example",
                                     "-verify_hostname", "other.example"], data=b"ping\n")
        code, out = self.finish(t, client)
        self.assertNotIn("error", self.result, self.result.get("error"))
        self.assertEqual(seen, [("SSLSocket", u"other.example", True)])
        self.assertIn(b"CN = other.example", out)
        self.assertIn(b"pong", out)
        self.assertEqual(code, 0, out)

    def test_sni_callback_alert_rejects(self):
        ctx = server_context()
        ctx.set_servername_callback(lambda s, n, c: ssl.ALERT_DESCRIPTION_ACCESS_DENIED)
        t = self.serve(ctx)
        code, out = self.finish(t, self.s_client())
        self.assertIsInstance(self.result.get("error"), ssl.SSLError)
        self.assertIn(b"access denied", out)
        self.assertNotEqual(code, 0)

    def test_client_certificate_required(self):
        p = pki()
        ctx = server_context()
        ctx.verify_mode = ssl.CERT_REQUIRED
        ctx.load_verify_locations(p["ca"])
        t = self.serve(ctx)
        code, out = self.finish(t, self.s_client(*cert_args("client")))
        self.assertNotIn("error", self.result, self.result.get("error"))
        self.assertEqual(subject_cn(self.result["peercert"]), u"pep466 client")
        self.assertIn(b"pong", out)

        t = self.serve(ctx)
        code, out = self.finish(t, self.s_client("-tls1_2"))
        self.assertIsInstance(self.result.get("error"), ssl.SSLError)
        self.assertIn("PEER_DID_NOT_RETURN_A_CERTIFICATE", str(self.result["error"]))
        self.assertNotEqual(code, 0)

    def test_npn(self):
        ctx = server_context()
        ctx.set_npn_protocols(["h2", "http/1.1"])
        t = self.serve(ctx)
        code, out = self.finish(t, self.s_client("-tls1_2", "-nextprotoneg", "http/1.1"))
        self.assertNotIn("error", self.result, self.result.get("error"))
        self.assertEqual(self.result["npn"], "http/1.1")
        self.assertIn(b"Next protocol: (1) http/1.1", out)

    def test_alpn(self):
        ctx = server_context()
        ctx.set_alpn_protocols(["h2", "http/1.1"])
        t = self.serve(ctx)
        code, out = self.finish(t, self.s_client("-alpn", "http/1.1,spdy/3"))
        self.assertNotIn("error", self.result, self.result.get("error"))
        self.assertEqual(self.result["alpn"], "http/1.1")
        self.assertIn(b"ALPN protocol: http/1.1", out)


class Alarm(Exception):
    pass


class InterruptedCalls(unittest.TestCase):
    """A signal arriving while a read is blocked inside OpenSSL (GIL released): a handler that
    raises interrupts the read with its exception; one that returns lets the read go on."""

    def test_signal_during_blocking_read(self):
        import signal
        args = cert_args() + ["-rev"]
        calls = []

        def raising(signum, frame):
            raise Alarm()

        def quiet(signum, frame):
            calls.append(signum)
            # Let the peer answer now, so the resumed read gets data.
            s.sendall(b"late\n")
        old = signal.signal(signal.SIGALRM, raising)
        try:
            with SServer(args) as srv:
                raw = socket.create_connection(("127.0.0.1", srv.port))
                s = client_context().wrap_socket(raw, server_hostname="localhost")
                try:
                    signal.alarm(1)
                    with self.assertRaises(Alarm):
                        s.recv(100)  # the server sends nothing until it gets a line
                    signal.signal(signal.SIGALRM, quiet)
                    signal.alarm(1)
                    self.assertEqual(recv_line(s), b"etal\n")
                    self.assertEqual(calls, [signal.SIGALRM])
                finally:
                    signal.alarm(0)
                    s.close()
        finally:
            signal.signal(signal.SIGALRM, old)


class NoSniForIpLiterals(unittest.TestCase):
    """2.7.15+: no SNI is sent when server_hostname is an IP address."""

    def test_ip_literal(self):
        ctx = server_context()
        names = []
        ctx.set_servername_callback(lambda s, n, c: names.append(n))
        listener = tls_support.listener(2, timeout=TIMEOUT)
        port = listener.getsockname()[1]

        def serve():
            for _ in range(2):
                raw, _ = listener.accept()
                try:
                    conn = ctx.wrap_socket(raw, server_side=True)
                    conn.close()
                except ssl.SSLError:
                    raw.close()
        t = threading.Thread(target=serve)
        t.daemon = True
        t.start()
        cctx = client_context()
        cctx.check_hostname = False
        for host in ("127.0.0.1", "localhost"):
            s = connect(port, cctx, host)
            s.close()
        t.join(TIMEOUT)
        listener.close()
        self.assertEqual(names, [None, u"localhost"])


if __name__ == "__main__":
    unittest.main()
