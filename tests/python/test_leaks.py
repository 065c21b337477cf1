"""Leak soak (design.md section 6.7): loops over hashing, context loading, TLS connections and
error paths, checking that the process's resident size stays flat after a warm-up and that the
objects handed to our functions (names, callbacks, buffers) get their references back.

RSS bounds are generous (a few MB over thousands of iterations): they catch a lost OpenSSL
object or Python object per call, not allocator noise. Also a script:

  PEP466_LIBDIR=DIR PYTHONPATH=DIR python2.7 tests/python/test_leaks.py --report [SCALE]

prints the figures (RSS after warm-up and after N iterations, per loop) without asserting
(and also runs on the stock modules, for comparison).
"""
import gc
import hashlib
import hmac
import os
import socket
import ssl
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pep466_support import assert_modules_are_ours, rss_kb  # noqa: E402
import tls_support  # noqa: E402

import _hashlib  # noqa: E402
import _ssl  # noqa: E402

# Iterations per loop (after warm-up); --report SCALE multiplies them.
SCALE = 1.0
# Allowed RSS growth after warm-up, in kB.
BOUND_KB = 1024


def ref_counts(objs):
    """sys.getrefcount of each object of the list `objs` (measured the same way each time)."""
    return [sys.getrefcount(o) for o in objs]


def soak(body, n, warmup=None):
    """Runs body(i) warmup times, then n times; returns (rss after warm-up, after n) in kB."""
    n = int(n * SCALE)
    warmup = warmup if warmup is not None else max(n // 5, 50)
    for i in xrange(warmup):
        body(i)
    gc.collect()
    before = rss_kb()
    for i in xrange(n):
        body(i)
    gc.collect()
    return before, rss_kb(), n


PASSWORD = b"pep466-pass"


def _protected_key(pki):
    """localhost.key encrypted with PASSWORD (made once with the openssl CLI)."""
    path = os.path.join(pki["dir"], "localhost.enc.key")
    if not os.path.exists(path):
        tls_support._run(["pkey", "-in", pki["localhost.key"], "-aes128", "-passout",
                          "pass:" + PASSWORD.decode(), "-out", path], pki["dir"])
    return path


class Raiser(object):
    def __call__(self):
        raise ValueError("no password today")


def _read_all(s, n):
    got = b""
    for _ in range(1000):
        try:
            got += s.read(n - len(got))
        except ssl.SSLWantReadError:
            continue
        if len(got) == n:
            return got
    raise AssertionError("read did not finish")


class LeakSoak(unittest.TestCase):

    figures = []
    longMessage = True

    def assert_refs(self, objs, before):
        """Each object has its reference count of `before` back (2.7 keeps the last exception's
        traceback, and with it frames referencing our objects, until exc_clear)."""
        sys.exc_clear()
        gc.collect()
        after = ref_counts(objs)
        for o, n, m in zip(objs, before, after):
            self.assertEqual(m, n, "%s: %d references before, %d after" % (repr(o)[:60], n, m))

    def check(self, name, before, after, n):
        growth = after - before
        LeakSoak.figures.append((name, n, before, after, growth))
        if not REPORT:
            self.assertLess(growth, BOUND_KB,
                            "%s: RSS grew %d kB over %d iterations (%d -> %d)"
                            % (name, growth, n, before, after))

    def test_hashing(self):
        data = b"x" * 3000
        name = "sha256"
        buf = bytearray(data)
        objs = [name, data, buf]
        refs = ref_counts(objs)

        def body(i):
            h = hashlib.new(name, data)
            h.update(buf)
            h.update(memoryview(buf))
            h2 = h.copy()
            h2.update(data)
            h.digest(), h2.hexdigest(), h.name, h.digest_size, h.block_size
            _hashlib.openssl_md5(data).digest()
            hashlib.sha512(data).hexdigest()
            hmac.new(b"key", data, hashlib.sha1).hexdigest()
            if i % 10 == 0:
                hashlib.pbkdf2_hmac("sha1", buf, data, 5, 40)
                hashlib.pbkdf2_hmac(name, data, b"salt", 3)

        self.check("hash", *soak(body, 20000))
        self.assert_refs(objs, refs)

    def test_context_loading(self):
        pki = tls_support.pki()
        enc_key = _protected_key(pki)
        # 2.7: unicode cadata is PEM, str (any buffer) is DER.
        cadata = open(pki["ca"]).read().decode("ascii")
        der = ssl.PEM_cert_to_DER_cert(cadata)
        raiser = Raiser()
        good = lambda: PASSWORD  # noqa: E731
        objs = [raiser, good, cadata, der, PASSWORD]
        refs = ref_counts(objs)

        def body(i):
            ctx = ssl.SSLContext(ssl.PROTOCOL_SSLv23)
            try:
                ctx.load_cert_chain(pki["localhost"], enc_key, password=raiser)
            except ValueError:
                pass
            else:
                raise AssertionError("the password callback's error was lost")
            ctx.load_cert_chain(pki["localhost"], enc_key, password=good)
            ctx.load_cert_chain(pki["localhost"], enc_key, password=PASSWORD)
            ctx.load_verify_locations(cadata=cadata)
            ctx.load_verify_locations(cadata=der)
            ctx.load_verify_locations(pki["ca"])
            assert len(ctx.get_ca_certs()) == 1
            ctx.get_ca_certs(binary_form=True)
            ctx.cert_store_stats()
            ctx.set_ciphers("HIGH:!aNULL")
            ctx.set_alpn_protocols(["h2", "http/1.1"])
            ctx.set_npn_protocols(["http/1.1"])
            ctx.set_servername_callback(good)
            ctx.set_servername_callback(None)
            ctx.options |= ssl.OP_NO_COMPRESSION
            ctx.verify_mode = ssl.CERT_REQUIRED
            ctx.check_hostname = True
            ctx.session_stats()

        self.check("context", *soak(body, 1500))
        self.assert_refs(objs, refs)

    def test_tls_connections(self):
        pki = tls_support.pki()
        sctx = ssl.SSLContext(ssl.PROTOCOL_SSLv23)
        sctx.load_cert_chain(pki["localhost"], pki["localhost.key"])
        sctx.set_alpn_protocols(["h2", "http/1.1"])
        seen = [0]

        def sni(sock, name, ctx):
            assert name == u"localhost", name
            seen[0] += 1
        sctx.set_servername_callback(sni)
        cctx = ssl.SSLContext(ssl.PROTOCOL_SSLv23)
        cctx.verify_mode = ssl.CERT_REQUIRED
        cctx.check_hostname = True
        cctx.load_verify_locations(pki["ca"])
        cctx.set_alpn_protocols(["http/1.1"])
        payload = b"p" * 5000
        objs = [sctx, cctx, sni, payload]
        refs = ref_counts(objs)

        def body(i):
            a, b = [socket.socket(_sock=x) for x in socket.socketpair()]
            try:
                c = cctx.wrap_socket(a, server_hostname="localhost",
                                     do_handshake_on_connect=False)
                s = sctx.wrap_socket(b, server_side=True, do_handshake_on_connect=False)
                c.setblocking(False)
                s.setblocking(False)
                self.assertTrue(tls_support.drive_handshakes([c, s], 1000),
                                "handshake did not finish")
                assert c.selected_alpn_protocol() == "http/1.1"
                c.getpeercert(), c.getpeercert(True), c.cipher(), c.version()
                s._sslobj.shared_ciphers(), c.get_channel_binding("tls-unique")
                c.write(payload)
                assert _read_all(s, len(payload)) == payload
                s.write(b"pong")
                assert _read_all(c, 4) == b"pong"
                c.pending()
                c.close()
                s.close()
            finally:
                a.close()
                b.close()

        self.check("tls", *soak(body, 1500))
        self.assertGreater(seen[0], 1500)
        self.assert_refs(objs, refs)

    def test_error_paths(self):
        pki = tls_support.pki()
        bad_pem = u"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"
        bad_der = b"\x30\x82\x01\x00" + b"\x00" * 40
        name = "no-such-hash"
        cipher = "NOT-A-CIPHER"
        objs = [bad_pem, bad_der, name, cipher]
        refs = ref_counts(objs)
        ctx = ssl.SSLContext(ssl.PROTOCOL_SSLv23)

        def expect(exc, f, *args, **kw):
            try:
                f(*args, **kw)
            except exc:
                return
            raise AssertionError("%r did not raise %s" % (f, exc))

        def body(i):
            expect(ssl.SSLError, ctx.load_verify_locations, cadata=bad_pem)
            expect(ssl.SSLError, ctx.load_verify_locations, cadata=bad_der)
            expect(TypeError, ctx.load_verify_locations, cadata=1)
            expect(IOError, ctx.load_verify_locations, "/nonexistent/ca.pem")
            expect(IOError, ctx.load_cert_chain, "/nonexistent/cert.pem")
            expect(ssl.SSLError, ctx.load_cert_chain, pki["ca"])
            expect(TypeError, ctx.load_cert_chain, pki["localhost"], pki["localhost.key"],
                   password=1)
            expect(ssl.SSLError, ctx.set_ciphers, cipher)
            expect(TypeError, ctx.set_ciphers, 1)
            expect(ValueError, ctx.set_ecdh_curve, "no-such-curve")
            expect(ValueError, hashlib.new, name)
            expect(TypeError, hashlib.sha1, 1)
            expect(TypeError, hashlib.sha1().update, 1)
            expect(ValueError, hashlib.pbkdf2_hmac, name, b"p", b"s", 1)
            expect(ValueError, hashlib.pbkdf2_hmac, "sha1", b"p", b"s", 0)
            expect(IOError, _ssl._test_decode_cert, "/nonexistent.pem")
            expect(ssl.SSLError, ctx.load_dh_params, "/dev/null")
            expect(ValueError, _ssl.txt2obj, name)
            expect(TypeError, ctx._wrap_socket, 1, False)

        self.check("errors", *soak(body, 2000))
        self.assert_refs(objs, refs)


REPORT = False

if __name__ == "__main__":
    if "--report" in sys.argv:
        # Figures only; also runs on the stock modules, for comparison.
        sys.stderr.write("modules: %s %s\n" % (_ssl.__file__, _hashlib.__file__))
        REPORT = True
        i = sys.argv.index("--report")
        if len(sys.argv) > i + 1:
            SCALE = float(sys.argv[i + 1])
            del sys.argv[i + 1]
        del sys.argv[i]
    else:
        assert_modules_are_ours()
    try:
        unittest.main()
    finally:
        for name, n, before, after, growth in LeakSoak.figures:
            sys.stderr.write("soak %-8s n=%-6d rss %6d kB -> %6d kB (%+d kB)\n"
                             % (name, n, before, after, growth))
