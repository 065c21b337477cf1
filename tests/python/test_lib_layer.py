"""pep466's Lib layer: 2.7.18's ssl.py with cpython-patches/2.7.18/Lib/ssl.py.patch, made by
scripts/lib-layer.py into a temp folder put first on sys.path, on our modules.

Python 3's API where _ssl provides it (SSLObject, SSLContext.wrap_bio, sessions, the
sslsocket_class/sslobject_class hooks), checked against what Python 3 does; 2.7's defaults kept
(the host name is checked in Python after the handshake, raising CertificateError). The
memory-BIO and session tests are skipped on a _ssl without MemoryBIO / SSLSession: there the
new names must be absent, which is tested too.
"""
import functools
import inspect
import os
import socket
import sys
import threading
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import pep466_support  # noqa: E402
import tls_support  # noqa: E402
from tls_support import pki  # noqa: E402

LAYER = pep466_support.use_lib_layer()
import _ssl  # noqa: E402
import ssl  # noqa: E402

HAS_MEMORY = hasattr(_ssl, "MemoryBIO")
HAS_SESSION = hasattr(_ssl, "SSLSession")
TIMEOUT = 20.0


def setUpModule():
    tls_support.set_up_module()


# This module's contexts: PROTOCOL_TLS; clients check the host name only when asked.
client_context = functools.partial(tls_support.client_context, ssl.PROTOCOL_TLS,
                                   check_hostname=False)
server_context = functools.partial(tls_support.server_context, protocol=ssl.PROTOCOL_TLS)


class Memory(object):
    """A client and a server SSLObject joined by moving bytes between their BIOs."""

    def __init__(self, client_ctx, server_ctx, **client_kw):
        self.c_in, self.c_out = ssl.MemoryBIO(), ssl.MemoryBIO()
        self.s_in, self.s_out = ssl.MemoryBIO(), ssl.MemoryBIO()
        client_kw.setdefault("server_hostname", "localhost")
        self.client = client_ctx.wrap_bio(self.c_in, self.c_out, **client_kw)
        self.server = server_ctx.wrap_bio(self.s_in, self.s_out, server_side=True)

    def pump(self):
        moved = 0
        for src, dst in ((self.c_out, self.s_in), (self.s_out, self.c_in)):
            data = src.read()
            moved += len(data)
            if data:
                dst.write(data)
        return moved

    def run(self, client_step, server_step):
        """Calls both steps, moving bytes in between, until each has returned once (an
        SSLWant*Error means: again after the next move). Returns their results."""
        results = {}
        for _ in range(100):
            for name, step in (("client", client_step), ("server", server_step)):
                if name in results:
                    continue
                try:
                    results[name] = step()
                except (ssl.SSLWantReadError, ssl.SSLWantWriteError):
                    pass
            if not self.pump() and len(results) == 2:
                return results["client"], results["server"]
        raise AssertionError("no progress: %r" % results)

    def handshake(self):
        return self.run(self.client.do_handshake, self.server.do_handshake)

    def exchange(self, request=b"ping", reply=b"pong"):
        """Client writes, server answers; returns what each side read."""
        self.client.write(request)
        self.pump()
        got = self.server.read(1024)
        self.server.write(reply)
        self.pump()
        return self.client.read(1024), got


class AnyModules(unittest.TestCase):
    """What holds on every _ssl, stock 2.7.18's included."""

    def test_patched_ssl_is_imported(self):
        self.assertEqual(os.path.dirname(ssl.__file__), LAYER)
        self.assertIs(ssl.SSLContext.sslsocket_class, ssl.SSLSocket)

    def test_new_names_follow_the_c_module(self):
        # hasattr() tells the truth: no SSLObject or wrap_bio without memory BIOs.
        self.assertEqual(hasattr(ssl, "MemoryBIO"), HAS_MEMORY)
        self.assertEqual(hasattr(ssl, "SSLObject"), HAS_MEMORY)
        self.assertEqual(hasattr(ssl.SSLContext, "wrap_bio"), HAS_MEMORY)
        self.assertEqual(hasattr(ssl.SSLContext, "sslobject_class"), HAS_MEMORY)
        self.assertEqual(hasattr(ssl, "SSLSession"), HAS_SESSION)

    def test_module_wrap_socket_keeps_its_27_signature(self):
        self.assertEqual(inspect.getargspec(ssl.wrap_socket).args,
                         ["sock", "keyfile", "certfile", "server_side", "cert_reqs",
                          "ssl_version", "ca_certs", "do_handshake_on_connect",
                          "suppress_ragged_eofs", "ciphers"])

    def test_session_only_in_client_mode(self):
        sock = socket.socket()
        try:
            with self.assertRaises(ValueError) as cm:
                server_context().wrap_socket(sock, server_side=True, session=object())
            self.assertEqual(str(cm.exception), "session can only be specified in client mode")
        finally:
            sock.close()

    def test_unconnected_socket_has_no_session(self):
        s = client_context().wrap_socket(socket.socket(), server_hostname="localhost")
        try:
            self.assertIsNone(s.session)
            self.assertIsNone(s.session_reused)
            s.session = None  # kept for connect(), nothing to check yet
        finally:
            s.close()

    def test_instance_and_subclass_choose_the_socket_class(self):
        class Mine(ssl.SSLSocket):
            pass
        ctx = client_context()
        ctx.sslsocket_class = Mine
        s = ctx.wrap_socket(socket.socket())
        try:
            self.assertIs(type(s), Mine)
        finally:
            s.close()
        self.assertIs(ssl.SSLContext.sslsocket_class, ssl.SSLSocket)

    def test_replacing_ssl_sslsocket_still_works(self):
        # 2.7's SSLContext.wrap_socket looked SSLSocket up at each call, with these arguments.
        calls = []

        def replacement(**kw):
            calls.append(sorted(kw))
            return "replaced"
        saved, ssl.SSLSocket = ssl.SSLSocket, replacement
        try:
            self.assertEqual(client_context().wrap_socket(None), "replaced")
        finally:
            ssl.SSLSocket = saved
        self.assertEqual(calls, [["_context", "do_handshake_on_connect", "server_hostname",
                                  "server_side", "sock", "suppress_ragged_eofs"]])

    def test_socket_handshake_and_accept_use_the_class(self):
        class ServerSide(ssl.SSLSocket):
            pass
        sctx = server_context()
        sctx.sslsocket_class = ServerSide
        listener = sctx.wrap_socket(socket.socket(), server_side=True)
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        seen = []

        def serve():
            conn, _ = listener.accept()
            seen.append(type(conn))
            conn.sendall(conn.recv(100).upper())
            conn.close()
        t = threading.Thread(target=serve)
        t.start()
        try:
            c = client_context(check_hostname=True).wrap_socket(
                socket.socket(), server_hostname="localhost")
            c.settimeout(TIMEOUT)
            c.connect(listener.getsockname())
            c.sendall(b"hello")
            self.assertEqual(c.recv(100), b"HELLO")
            c.close()
        finally:
            t.join(TIMEOUT)
            listener.close()
        self.assertEqual(seen, [ServerSide])


@unittest.skipUnless(HAS_MEMORY, "this _ssl has no MemoryBIO")
class MemoryBIOs(unittest.TestCase):

    def test_no_public_constructor(self):
        with self.assertRaises(TypeError) as cm:
            ssl.SSLObject()
        self.assertEqual(str(cm.exception), "SSLObject does not have a public constructor. "
                                            "Instances are returned by SSLContext.wrap_bio().")

    def test_handshake_data_and_shutdown(self):
        m = Memory(client_context(check_hostname=True), server_context())
        self.assertIs(m.client.context.__class__, ssl.SSLContext)
        self.assertIsNone(m.client.version())
        self.assertIsNone(m.client.cipher())
        with self.assertRaises(ssl.SSLWantReadError):
            m.client.do_handshake()
        self.assertEqual(m.handshake(), (None, None))
        self.assertFalse(m.client.server_side)
        self.assertTrue(m.server.server_side)
        self.assertEqual(m.client.server_hostname, "localhost")
        self.assertIsNone(m.server.server_hostname)
        self.assertIn(m.client.version(), ("TLSv1.2", "TLSv1.3"))
        self.assertEqual(m.client.cipher(), m.server.cipher())
        self.assertIsNone(m.client.shared_ciphers())
        self.assertIsInstance(m.server.shared_ciphers(), list)
        self.assertIsNone(m.client.compression())
        self.assertIsNone(m.client.selected_alpn_protocol())
        cert = m.client.getpeercert()
        self.assertIn((("commonName", "localhost"),), cert["subject"])
        self.assertEqual(ssl.DER_cert_to_PEM_cert(m.client.getpeercert(True)),
                         ssl.DER_cert_to_PEM_cert(ssl.PEM_cert_to_DER_cert(
                             open(pki()["localhost"]).read())))
        self.assertIsNone(m.server.getpeercert())
        self.assertIsInstance(m.client.get_channel_binding(), bytes)
        with self.assertRaises(ValueError) as cm:
            m.client.get_channel_binding("x")
        self.assertEqual(str(cm.exception), "'x' channel binding type not implemented")
        self.assertEqual(m.exchange(), (b"pong", b"ping"))
        # read into a buffer, pending()
        m.client.write(b"abcdef")
        m.pump()
        buf = bytearray(4)
        self.assertEqual(m.server.read(4, buf), 4)
        self.assertEqual(bytes(buf), b"abcd")
        self.assertEqual(m.server.pending(), 2)
        self.assertEqual(m.server.read(), b"ef")
        with self.assertRaises(ssl.SSLWantReadError):
            m.server.read()
        # close_notify both ways: unwrap() returns None over memory BIOs
        self.assertEqual(m.run(m.client.unwrap, m.server.unwrap), (None, None))

    def test_ragged_eof_is_an_eof_error(self):
        m = Memory(client_context(), server_context())
        m.handshake()
        m.c_in.write_eof()
        with self.assertRaises(ssl.SSLEOFError):
            m.client.read()

    def test_owner_is_the_sslobject(self):
        m = Memory(client_context(), server_context())
        self.assertIs(m.client._sslobj.owner, m.client)

    def test_hostname_checked_in_the_handshake(self):
        # SSLObject is Python 3's API: OpenSSL checks the name during the handshake (3.7+),
        # and the error is both an SSLError and 2.7's CertificateError.
        m = Memory(client_context(check_hostname=True), server_context(),
                   server_hostname="other.example")
        with self.assertRaises(ssl.SSLCertVerificationError) as cm:
            m.handshake()
        e = cm.exception
        self.assertIsInstance(e, ssl.CertificateError)
        self.assertIsInstance(e, ssl.SSLError)
        self.assertEqual(e.verify_code, 62)
        self.assertEqual(e.verify_message,
                         "Hostname mismatch, certificate is not valid for 'other.example'.")
        self.assertIn("certificate verify failed: Hostname mismatch", str(e))

    def test_ip_address_checked_against_ip_sans(self):
        # An address is compared with the certificate's IP SANs only (Python 3); the test
        # certificate has IP:127.0.0.1 (and DNS:localhost, which an address never matches).
        Memory(client_context(check_hostname=True), server_context(),
               server_hostname="127.0.0.1").handshake()
        m = Memory(client_context(check_hostname=True), server_context(),
                   server_hostname="127.0.0.2")
        with self.assertRaises(ssl.SSLCertVerificationError) as cm:
            m.handshake()
        self.assertEqual(cm.exception.verify_code, 64)
        self.assertEqual(cm.exception.verify_message,
                         "IP address mismatch, certificate is not valid for '127.0.0.2'.")

    def test_check_hostname_without_server_hostname(self):
        # Python 3.7+ accepts it (there is then no name for OpenSSL to check).
        ctx = client_context(check_hostname=True)
        obj = ctx.wrap_bio(ssl.MemoryBIO(), ssl.MemoryBIO())
        self.assertIsNone(obj.server_hostname)

    def test_socket_hostname_check_stays_2_7s(self):
        # SSLSocket keeps 2.7's check after the handshake: a plain CertificateError (not an
        # SSLError, so urllib2 does not turn it into URLError) with 2.7's message.
        self.assertFalse(issubclass(ssl.CertificateError, ssl.SSLError))
        with self.assertRaises(ssl.CertificateError) as cm:
            ssl.match_hostname({"subjectAltName": (("DNS", "localhost"),)}, "other.example")
        self.assertNotIsInstance(cm.exception, ssl.SSLError)
        self.assertEqual(str(cm.exception), "hostname 'other.example' doesn't match 'localhost'")

    def test_server_hostname_encoding(self):
        ctx = client_context()
        wrap = lambda name: ctx.wrap_bio(ssl.MemoryBIO(), ssl.MemoryBIO(), server_hostname=name)
        self.assertEqual(wrap(u"stra\xdfe.de").server_hostname, "strasse.de")
        self.assertEqual(wrap(u"b\xfccher.example").server_hostname, "xn--bcher-kva.example")
        self.assertEqual(wrap("Example.COM").server_hostname, "Example.COM")
        self.assertEqual(type(wrap(u"example.com").server_hostname), str)
        self.assertRaises(UnicodeDecodeError, wrap, b"b\xc3\xbccher.example")

    def test_sslobject_class(self):
        class Mine(ssl.SSLObject):
            pass
        ctx = client_context()
        ctx.sslobject_class = Mine
        self.assertIs(type(ctx.wrap_bio(ssl.MemoryBIO(), ssl.MemoryBIO())), Mine)
        self.assertIs(ssl.SSLContext.sslobject_class, ssl.SSLObject)

    def test_context_can_be_changed(self):
        m = Memory(client_context(), server_context())
        other = client_context()
        m.client.context = other
        self.assertIs(m.client.context, other)

    @unittest.skipUnless(HAS_SESSION, "this _ssl has no SSLSession")
    def test_session_resumption(self):
        cctx, sctx = client_context(), server_context()
        first = Memory(cctx, sctx)
        self.assertIsNone(first.client.session)
        first.handshake()
        first.exchange()  # TLS 1.3 sends its ticket after the handshake
        session = first.client.session
        self.assertIsInstance(session, ssl.SSLSession)
        self.assertFalse(first.client.session_reused)

        second = Memory(cctx, sctx, session=session)
        second.handshake()
        self.assertTrue(second.client.session_reused)
        self.assertTrue(second.server.session_reused)
        self.assertEqual(second.client.session.id, session.id)

        third = Memory(cctx, sctx)
        third.client.session = session  # the setter, before the handshake
        third.handshake()
        self.assertTrue(third.client.session_reused)


@unittest.skipUnless(HAS_SESSION, "this _ssl has no SSLSession")
class SocketSessions(unittest.TestCase):

    def test_session_over_sockets(self):
        sctx = server_context()
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen(3)

        def serve():
            for _ in range(3):
                conn, _ = listener.accept()
                s = sctx.wrap_socket(conn, server_side=True)
                s.sendall(s.recv(100).upper())
                s.close()
        t = threading.Thread(target=serve)
        t.start()
        cctx = client_context()
        try:
            c = cctx.wrap_socket(socket.create_connection(listener.getsockname(), TIMEOUT))
            c.sendall(b"one")
            self.assertEqual(c.recv(100), b"ONE")
            session = c.session
            self.assertFalse(c.session_reused)
            c.close()
            # session= given to wrap_socket for an unconnected socket reaches connect().
            c = cctx.wrap_socket(socket.socket(), session=session)
            c.settimeout(TIMEOUT)
            c.connect(listener.getsockname())
            self.assertTrue(c.session_reused)
            c.sendall(b"two")
            self.assertEqual(c.recv(100), b"TWO")
            with self.assertRaises(ValueError):
                c.session = session  # too late: after the handshake
            c.close()
            # ... and for a connected one, the handshake in wrap_socket().
            c = cctx.wrap_socket(socket.create_connection(listener.getsockname(), TIMEOUT),
                                 session=session)
            self.assertTrue(c.session_reused)
            c.sendall(b"three")
            self.assertEqual(c.recv(100), b"THREE")
            c.close()
        finally:
            t.join(TIMEOUT)
            listener.close()


if __name__ == "__main__":
    unittest.main()
