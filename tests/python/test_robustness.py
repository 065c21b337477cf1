"""Regression tests for memory-safety bugs found by valgrind runs and code review
(scripts/valgrind.sh, design.md section 6.7). Each crash-prone case runs in a child
interpreter, so a regression is reported as a failure instead of killing the test run.
"""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pep466_support import assert_modules_are_ours, run_ours, run_stock  # noqa: E402


class ParserCleanupTests(unittest.TestCase):
    """2.7's argument parser frees an `et` buffer itself when a later check fails."""

    CODE = r"""
import _ssl, socket
ctx = _ssl._SSLContext(2)
s = socket.socket()
out = []
for i in range(50):
    for call in (lambda: ctx.load_cert_chain("/nonexistent", bogus=1),
                 lambda: ctx._wrap_socket(s._sock, False, "host", bogus=1),
                 lambda: ctx.load_cert_chain(u"/nonexistent", keyfile=None, nope=2)):
        try:
            call()
        except TypeError as e:
            out.append(str(e))
print(sorted(set(out)))
"""

    def test_buffers_released_once_after_a_failed_parse(self):
        # `s*`/`w*` views CPython released on a failed parse are released again by our slots'
        # Drop: harmless only because PyBuffer_Release clears the view. A double release would
        # drop references and leave the bytearray's export count wrong (no resize).
        import socket
        import _hashlib
        import _ssl
        b = bytearray(b"pw")
        w = bytearray(10)
        a, c = socket.socketpair()
        s = _ssl._SSLContext(2)._wrap_socket(a, False)
        before = [sys.getrefcount(b), sys.getrefcount(w)]
        for _ in range(200):
            self.assertRaises(TypeError, _hashlib.pbkdf2_hmac, "sha1", b, b, "x")
            self.assertRaises(TypeError, s.read, 5, w, 3)
        self.assertEqual([sys.getrefcount(b), sys.getrefcount(w)], before)
        b.extend(b"more")
        w.extend(b"more")
        a.close()
        c.close()

    def test_unknown_keyword_after_et_argument(self):
        # Before the fix: "free(): double free detected" (abort) on the first call.
        self.assertEqual(run_ours(self.CODE), run_stock(self.CODE))


class HugeRequestTests(unittest.TestCase):
    """A size that comes from Python and cannot be allocated raises MemoryError (2.7's
    PyString_FromStringAndSize(NULL, n)); before the fix the process aborted."""

    CODE = r"""
import resource, socket, ssl, hashlib, _ssl
resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
a, b = socket.socketpair()
s = ssl.SSLContext(ssl.PROTOCOL_SSLv23)._wrap_socket(a, False)
calls = [lambda: s.read(2 ** 31 - 1),
         lambda: hashlib.pbkdf2_hmac("sha1", b"p", b"s", 1, 2 ** 31 - 1)]
if hasattr(_ssl, "RAND_bytes"):
    calls += [lambda: _ssl.RAND_bytes(2 ** 31 - 1), lambda: _ssl.RAND_pseudo_bytes(2 ** 31 - 1)]
for f in calls:
    try:
        f()
    except MemoryError as e:
        print(repr(e))
    else:
        print("no error")
print("%d %d" % (len(s.read(0)), len(hashlib.pbkdf2_hmac("sha1", b"p", b"s", 1, 20))))
"""

    def test_memory_error_not_abort(self):
        lines = run_ours(self.CODE).splitlines()
        self.assertEqual(lines[-1], "0 20")
        self.assertTrue(len(lines) >= 3)
        self.assertEqual(set(lines[:-1]), set(["MemoryError()"]))


class MisuseTests(unittest.TestCase):
    """API misuse (methods before the handshake, after the peer or the socket closed, deleted
    attributes, NUL bytes, wrong types) raises ordinary exceptions: no crash, no SystemError
    (a Rust panic). Stock 2.7.18 segfaults on `del sslobj.context`."""

    CODE = r"""
import _ssl, socket
out = []
def t(f):
    try:
        f()
    except SystemError as e:
        out.append("SystemError: %s" % e)
    except Exception:
        pass
ctx = _ssl._SSLContext(2)
a, b = socket.socketpair()
s = ctx._wrap_socket(a, False)
b.close()
for m in ("peer_certificate", "cipher", "version", "tls_unique_cb", "selected_alpn_protocol",
          "selected_npn_protocol", "compression", "pending", "shared_ciphers", "do_handshake",
          "shutdown"):
    if hasattr(s, m):
        t(getattr(s, m))
t(lambda: s.peer_certificate(True))
t(lambda: s.write(b"x"))
t(lambda: s.read(10))
t(lambda: s.read(-1))
t(lambda: s.read(5, bytearray(3)))
t(lambda: s.read(0, bytearray(0)))
t(lambda: setattr(s, "context", 1))
t(lambda: delattr(s, "context"))
a.close()
t(lambda: s.read(1))
t(lambda: s.write(b"x"))
t(lambda: s.do_handshake())
for name in ("options", "verify_mode", "verify_flags", "check_hostname"):
    t(lambda: delattr(ctx, name))
    t(lambda: setattr(ctx, name, -1))
    t(lambda: setattr(ctx, name, 2 ** 70))
t(lambda: ctx.set_servername_callback(1))
t(lambda: ctx.set_ecdh_curve("a\0b"))
t(lambda: ctx.load_cert_chain("a\0b"))
t(lambda: ctx.load_verify_locations(None, "a\0b"))
t(lambda: ctx.load_verify_locations(cadata=u"\xe9"))
t(lambda: ctx.load_dh_params(1))
t(lambda: ctx._wrap_socket(socket.socket()._sock, False, None, 1))
t(lambda: ctx._wrap_socket(socket.socket()._sock, False, u"a..b"))
t(lambda: _ssl.nid2obj(2 ** 40))
t(lambda: _ssl._test_decode_cert("/"))
print(out)
"""

    def test_no_crash_no_panic(self):
        self.assertEqual(run_ours(self.CODE).strip(), "[]")


if __name__ == "__main__":
    assert_modules_are_ours()
    unittest.main()
