"""Client SSLObject <-> server SSLObject over memory BIOs, TLS 1.2: the handshake step by
step, then everything the connection reports."""
from __future__ import print_function

import ssl

from parity import Pair, cert_summary, client_ctx, der_of, done, server_ctx, show, attempt

p = Pair(client_ctx(tls="1.2"), server_ctx(tls="1.2"))
show("handshake", p.handshake())
for name, obj in (("client", p.client), ("server", p.server)):
    show(name + " version", obj.version())
    show(name + " cipher", obj.cipher())
    show(name + " compression", obj.compression())
    show(name + " alpn", obj.selected_alpn_protocol())
    show(name + " pending", obj.pending())
    show(name + " session_reused", obj.session_reused)
show("client shared_ciphers", p.client.shared_ciphers())
show("server shared_ciphers", p.server.shared_ciphers())
show("client getpeercert", cert_summary(p.client.getpeercert()))
der = p.client.getpeercert(True)
show("client getpeercert(True) is the server cert", der == der_of("localhost.pem"))
show("client getpeercert(True) type", type(der) is type(b""))
show("server getpeercert (CERT_NONE)", p.server.getpeercert())
show("server getpeercert(True) (no client cert)", p.server.getpeercert(True))
cb_c = p.client.get_channel_binding("tls-unique")
cb_s = p.server.get_channel_binding("tls-unique")
show("tls-unique type", type(cb_c) is type(b""))
show("tls-unique length", len(cb_c))
show("tls-unique equal on both sides", cb_c == cb_s)
show("tls-unique default arg", p.client.get_channel_binding() == cb_c)
attempt("get_channel_binding('tls-server-end-point')", p.client.get_channel_binding, "tls-server-end-point")
attempt("do_handshake after done", p.client.do_handshake)

# Application data both ways.
attempt("client write", p.client.write, b"hello server")
p.pump()
show("server pending before read", p.server.pending())
attempt("server read(5)", p.server.read, 5, binary=True)
show("server pending after read(5)", p.server.pending())
attempt("server read()", p.server.read, binary=True)
attempt("server read() again", p.server.read)
attempt("server write", p.server.write, b"hello client")
p.pump()
attempt("client read(1024)", p.client.read, 1024, binary=True)
done()
