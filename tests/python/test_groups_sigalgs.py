"""Python 3.15's key-exchange groups, signature algorithms and TLS 1.3 cipher suites
(SSLContext.set_ciphersuites/set_groups/get_groups/set_client_sigalgs/set_server_sigalgs,
SSLSocket/SSLObject.group()/client_sigalg()/server_sigalg(), ssl.get_sigalgs()) against real
`openssl s_server`/`s_client` peers: the group the peer negotiated and the signature digest it
saw. No Python 3 on this machine has these (3.15 does), so the reference is 3.15's
documentation and the OpenSSL peer. Runs on the Lib layer (scripts/lib-layer.py)."""
import functools
import os
import socket
import sys
import threading
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import pep466_support  # noqa: E402
import tls_support  # noqa: E402
from tls_support import SClient, SServer, cert_args, connect, pki  # noqa: E402

pep466_support.use_lib_layer()
import ssl  # noqa: E402

TIMEOUT = 20.0
V = ssl.OPENSSL_VERSION_INFO[:2]


def setUpModule():
    tls_support.set_up_module()


client_context = functools.partial(tls_support.client_context, ssl.PROTOCOL_TLS_CLIENT)
server_context = functools.partial(tls_support.server_context, protocol=ssl.PROTOCOL_TLS_SERVER)


def exchange(ctx, server_args, check):
    """Connects with `ctx` to an `openssl s_server` started with `server_args`, runs
    `check(sslsocket)`, sends a line; returns what s_server printed."""
    with SServer(server_args) as srv:
        s = connect(srv.port, ctx)
        try:
            check(s)
            s.sendall(b"x\n")
        finally:
            s.close()
        srv.reader.join(5)
    return srv.text()


class OurClient(unittest.TestCase):
    """We are the client; `openssl s_server` reports what we offered."""

    def test_groups_offered_and_negotiated(self):
        ctx = client_context()
        ctx.set_groups("secp384r1:x25519")
        seen = exchange(ctx, cert_args(), lambda s: self.assertEqual(s.group(), u"secp384r1"))
        self.assertIn(b"Supported groups: secp384r1:x25519", seen)

    def test_group_none_before_handshake(self):
        s = client_context().wrap_socket(socket.socket(), server_hostname="localhost")
        try:
            self.assertIsNone(s.group())
            self.assertIsNone(s.server_sigalg() if V >= (3, 5) else None)
        finally:
            s.close()

    def test_group_none_on_objects_without_a_session(self):
        # A memory-BIO object has its native connection at once, before any handshake;
        # OpenSSL 3.2+'s SSL_get0_group_name dereferences the missing session (CPython
        # gh-155782: Python 3 returns None there too).
        for ctx, kwargs in ((client_context(), {"server_hostname": "localhost"}),
                            (server_context(), {"server_side": True})):
            obj = ctx.wrap_bio(ssl.MemoryBIO(), ssl.MemoryBIO(), **kwargs)
            self.assertIsNone(obj.group())
            if V >= (3, 5):
                self.assertIsNone(obj.client_sigalg())
                self.assertIsNone(obj.server_sigalg())

    def test_client_sigalgs_restrict_our_signature(self):
        ctx = client_context(cert="client")
        ctx.maximum_version = ssl.TLSVersion.TLSv1_2
        ctx.set_client_sigalgs("ECDSA+SHA512")
        args = cert_args() + ["-verify", "1", "-CAfile", pki()["ca"]]

        def check(s):
            if V >= (3, 5):
                self.assertEqual(s.client_sigalg(), u"ecdsa_secp521r1_sha512")
        self.assertIn(b"Peer signing digest: SHA512", exchange(ctx, args, check))

    def test_ciphersuites(self):
        ctx = client_context()
        ctx.set_ciphersuites("TLS_CHACHA20_POLY1305_SHA256")

        def check(s):
            self.assertEqual(s.cipher()[0], "TLS_CHACHA20_POLY1305_SHA256")
            self.assertEqual(s.version(), "TLSv1.3")
        exchange(ctx, cert_args(), check)


class OurServer(unittest.TestCase):
    """We are the server; `openssl s_client` reports the group and signature it saw."""

    def serve(self, ctx):
        listener = tls_support.listener(timeout=TIMEOUT)
        self.addCleanup(listener.close)
        result = {}

        def run():
            try:
                raw, _ = listener.accept()
                raw.settimeout(TIMEOUT)
                conn = ctx.wrap_socket(raw, server_side=True)
                result["group"] = conn.group()
                if V >= (3, 5):
                    result["server_sigalg"] = conn.server_sigalg()
                    result["client_sigalg"] = conn.client_sigalg()
                conn.recv(10)
                conn.close()
            except Exception as e:
                result["error"] = e
        t = threading.Thread(target=run)
        t.daemon = True
        t.start()
        return listener.getsockname()[1], t, result

    def client(self, port, *args):
        return SClient(port, ["-CAfile", pki()["ca"], "-ign_eof"] + list(args),
                       data=b"ping\n").result()

    def test_group_chosen_by_server(self):
        ctx = server_context()
        ctx.set_groups("secp384r1")
        port, t, result = self.serve(ctx)
        code, out = self.client(port)
        t.join(TIMEOUT)
        self.assertNotIn("error", result, result.get("error"))
        self.assertEqual(result["group"], u"secp384r1")
        self.assertIn(b"Server Temp Key: ECDH, secp384r1, 384 bits", out)

    def test_server_sigalgs(self):
        ctx = server_context()
        ctx.set_server_sigalgs("ECDSA+SHA384")
        port, t, result = self.serve(ctx)
        code, out = self.client(port, "-tls1_2")
        t.join(TIMEOUT)
        self.assertNotIn("error", result, result.get("error"))
        self.assertIn(b"Peer signing digest: SHA384", out)
        if V >= (3, 5):
            self.assertEqual(result["server_sigalg"], u"ecdsa_secp384r1_sha384")
            self.assertIsNone(result["client_sigalg"])

    def test_client_sigalgs_requested(self):
        ctx = server_context()
        ctx.verify_mode = ssl.CERT_REQUIRED
        ctx.load_verify_locations(pki()["ca"])
        ctx.set_client_sigalgs("ECDSA+SHA384")
        port, t, result = self.serve(ctx)
        code, out = self.client(port, "-tls1_2", *cert_args("client"))
        t.join(TIMEOUT)
        self.assertNotIn("error", result, result.get("error"))
        self.assertIn(b"Requested Signature Algorithms: ECDSA+SHA384", out)
        if V >= (3, 5):
            self.assertEqual(result["client_sigalg"], u"ecdsa_secp384r1_sha384")


class Lists(unittest.TestCase):
    """Bad input gets Python 3's exception classes; queries this OpenSSL lacks say so."""

    def test_invalid_names_are_ssl_errors(self):
        # (What is valid is OpenSSL's decision: 3.0 refuses an empty group list, 3.6 takes it.)
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        for method, arg, text in (
                ("set_groups", "nonsense", "unrecognized or unsupported group in 'nonsense'"),
                ("set_ciphersuites", "nonsense", "No cipher suite can be selected."),
                ("set_client_sigalgs", "FOO+BAR",
                 "unrecognized or unsupported signature algorithm in 'FOO+BAR'"),
                ("set_server_sigalgs", "nonsense",
                 "unrecognized or unsupported signature algorithm in 'nonsense'")):
            with self.assertRaises(ssl.SSLError) as cm:
                getattr(ctx, method)(arg)
            # As Python 3's set_ciphers(): SSLError(text), no errno.
            self.assertEqual(cm.exception.args, (text,))
        for method in ("set_groups", "set_ciphersuites", "set_client_sigalgs",
                       "set_server_sigalgs"):
            for bad in (None, 1, b"x\0y"):
                self.assertRaises(TypeError, getattr(ctx, method), bad)
            self.assertRaises(TypeError, getattr(ctx, method))
        self.assertRaises(TypeError, ctx.get_groups, True)

    def test_valid_lists_are_taken(self):
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.set_groups("X25519:P-256")
        ctx.set_ciphersuites("TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384")
        ctx.set_client_sigalgs("ECDSA+SHA256:RSA-PSS+SHA256")
        ctx.set_server_sigalgs("ecdsa_secp256r1_sha256")

    @unittest.skipIf(V >= (3, 5), "OpenSSL 3.5+ has the queries")
    def test_queries_need_newer_openssl(self):
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        with self.assertRaises(NotImplementedError) as cm:
            ctx.get_groups()
        self.assertIn("OpenSSL 3.5", str(cm.exception))
        if V < (3, 4):
            with self.assertRaises(NotImplementedError) as cm:
                ssl.get_sigalgs()
            self.assertIn("OpenSSL 3.4", str(cm.exception))

    @unittest.skipUnless(V >= (3, 5), "needs OpenSSL 3.5+")
    def test_queries(self):
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        groups = ctx.get_groups()
        self.assertIn(u"x25519", groups)
        self.assertIn(u"X25519MLKEM768", groups)
        self.assertTrue(set(groups) <= set(ctx.get_groups(include_aliases=True)))
        self.assertIn(u"ecdsa_secp256r1_sha256", ssl.get_sigalgs())

    @unittest.skipUnless(V >= (3, 5), "X25519MLKEM768 needs OpenSSL 3.5+")
    def test_hybrid_post_quantum_group(self):
        cctx = client_context()
        cctx.set_groups("X25519MLKEM768")
        sctx = server_context()
        c_in, c_out, s_in, s_out = (ssl.MemoryBIO() for _ in range(4))
        client = cctx.wrap_bio(c_in, c_out, server_hostname="localhost")
        server = sctx.wrap_bio(s_in, s_out, server_side=True)
        for _ in range(10):
            for obj in (client, server):
                try:
                    obj.do_handshake()
                except ssl.SSLWantReadError:
                    pass
            s_in.write(c_out.read())
            c_in.write(s_out.read())
        self.assertEqual(client.group(), u"X25519MLKEM768")
        self.assertEqual(server.group(), u"X25519MLKEM768")
        self.assertEqual(client.server_sigalg(), u"ecdsa_secp256r1_sha256")


if __name__ == "__main__":
    unittest.main()
