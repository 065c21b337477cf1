"""SSLObject before the handshake: attributes, methods that need a handshake, wrap_bio
arguments, the public constructors that must not exist."""
from __future__ import print_function

import ssl

from parity import Pair, attempt, client_ctx, done, server_ctx, show

cctx = client_ctx()
sctx = server_ctx()
inc, out = ssl.MemoryBIO(), ssl.MemoryBIO()
c = cctx.wrap_bio(inc, out, server_hostname="localhost")
show("type", type(c).__name__)
show("is SSLObject", isinstance(c, ssl.SSLObject))
show("sslobject_class", cctx.sslobject_class is ssl.SSLObject)
show("sslsocket_class", cctx.sslsocket_class is ssl.SSLSocket)
show("server_side", c.server_side)
show("server_hostname", c.server_hostname)
show("context is cctx", c.context is cctx)
show("session", c.session)
show("session_reused", c.session_reused)
for name in ("pending", "cipher", "shared_ciphers", "compression", "version",
             "selected_alpn_protocol", "get_channel_binding"):
    attempt(name + "()", getattr(c, name))
attempt("getpeercert()", c.getpeercert)
attempt("getpeercert(True)", c.getpeercert, True)
attempt("get_channel_binding('foo')", c.get_channel_binding, "foo")
attempt("get_channel_binding('tls-unique')", c.get_channel_binding, "tls-unique")
show("outgoing before do_handshake", out.pending)
attempt("read(10) before handshake", c.read, 10, binary=True)
attempt("write before handshake", c.write, b"x")
attempt("unwrap before handshake", c.unwrap)
attempt("do_handshake", c.do_handshake)
show("ClientHello written", out.pending > 0)
attempt("do_handshake again", c.do_handshake)
show("context settable", hasattr(type(c), "context"))

s = sctx.wrap_bio(ssl.MemoryBIO(), ssl.MemoryBIO(), server_side=True)
show("server server_side", s.server_side)
show("server server_hostname", s.server_hostname)
attempt("server do_handshake", s.do_handshake)

# wrap_bio arguments
i2, o2 = ssl.MemoryBIO(), ssl.MemoryBIO()
attempt("no hostname", lambda: cctx.wrap_bio(i2, o2).server_hostname)
nc = client_ctx(verify=False)
attempt("no hostname, no check_hostname", lambda: nc.wrap_bio(i2, o2).server_hostname)
attempt("bytes hostname", lambda: nc.wrap_bio(i2, o2, server_hostname=b"localhost").server_hostname)
attempt("unicode hostname", lambda: nc.wrap_bio(i2, o2, server_hostname=u"LocalHost").server_hostname)
attempt("IDN hostname", lambda: nc.wrap_bio(i2, o2, server_hostname=u"b\u00fccher.example").server_hostname)
attempt("IP hostname", lambda: nc.wrap_bio(i2, o2, server_hostname="127.0.0.1").server_hostname)
attempt("empty hostname", nc.wrap_bio, i2, o2, server_hostname="")
try:
    nc.wrap_bio(i2, o2, server_hostname=".example")
    print("leading dot hostname: accepted")
except ValueError as e:  # Python 3.13's idna codec raises UnicodeEncodeError, older ones UnicodeError
    print("leading dot hostname: ValueError subclass")
attempt("NUL in hostname", nc.wrap_bio, i2, o2, server_hostname="a\x00b", msg=False)
attempt("server_side with hostname", lambda: sctx.wrap_bio(i2, o2, server_side=True,
                                                            server_hostname="localhost").server_side)
attempt("incoming not a BIO", nc.wrap_bio, b"x", o2, msg=False)
attempt("outgoing not a BIO", nc.wrap_bio, i2, None, msg=False)
attempt("session not a session", nc.wrap_bio, i2, o2, server_hostname="localhost", session=1)
attempt("SSLObject()", ssl.SSLObject)
attempt("SSLObject(i, o)", ssl.SSLObject, i2, o2)
attempt("SSLSession()", ssl.SSLSession, msg=False)

# check_hostname without a server_hostname: Python 3 wraps, and the handshake fails.
def no_hostname_handshake():
    p = Pair(cctx, sctx, hostname=None)
    return p.handshake(trace=False)


attempt("handshake with check_hostname and no server_hostname", no_hostname_handshake)

# A context without a certificate as a server: the handshake fails, not the wrap.
bare = client_ctx(verify=False)
srv = bare.wrap_bio(ssl.MemoryBIO(), ssl.MemoryBIO(), server_side=True)
show("bare server wrapped", srv.server_side)
done()
