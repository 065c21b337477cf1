"""Client SSLObject <-> server SSLObject over memory BIOs, for TLS 1.2 and TLS 1.3: the
handshake step by step, then everything the connection reports, then application data."""
from __future__ import print_function

from parity import Pair, cert_summary, client_ctx, der_of, done, server_ctx, show, attempt


def scenario(tls):
    """Every label is prefixed with the protocol version, so the two runs stay apart."""
    def label(text):
        return "TLS %s %s" % (tls, text)

    p = Pair(client_ctx(tls=tls), server_ctx(tls=tls))
    show(label("handshake"), p.handshake())
    for name, obj in (("client", p.client), ("server", p.server)):
        show(label(name + " version"), obj.version())
        show(label(name + " cipher"), obj.cipher())
        show(label(name + " compression"), obj.compression())
        show(label(name + " alpn"), obj.selected_alpn_protocol())
        show(label(name + " pending"), obj.pending())
        show(label(name + " session_reused"), obj.session_reused)
    show(label("client shared_ciphers"), p.client.shared_ciphers())
    show(label("server shared_ciphers"), p.server.shared_ciphers())
    show(label("client getpeercert"), cert_summary(p.client.getpeercert()))
    der = p.client.getpeercert(True)
    show(label("client getpeercert(True) is the server cert"), der == der_of("localhost.pem"))
    show(label("client getpeercert(True) type"), type(der) is type(b""))
    show(label("server getpeercert (CERT_NONE)"), p.server.getpeercert())
    show(label("server getpeercert(True) (no client cert)"), p.server.getpeercert(True))
    cb_c = p.client.get_channel_binding("tls-unique")
    cb_s = p.server.get_channel_binding("tls-unique")
    show(label("tls-unique type"), type(cb_c) is type(b""))
    show(label("tls-unique length"), len(cb_c))
    show(label("tls-unique equal on both sides"), cb_c == cb_s)
    show(label("tls-unique default arg"), p.client.get_channel_binding() == cb_c)
    attempt(label("get_channel_binding('tls-server-end-point')"), p.client.get_channel_binding, "tls-server-end-point")
    attempt(label("do_handshake after done"), p.client.do_handshake)

    # Application data both ways.
    attempt(label("client write"), p.client.write, b"hello server")
    p.pump()
    show(label("server pending before read"), p.server.pending())
    attempt(label("server read(5)"), p.server.read, 5, binary=True)
    show(label("server pending after read(5)"), p.server.pending())
    attempt(label("server read()"), p.server.read, binary=True)
    attempt(label("server read() again"), p.server.read)
    attempt(label("server write"), p.server.write, b"hello client")
    p.pump()
    attempt(label("client read(1024)"), p.client.read, 1024, binary=True)


for version in ("1.2", "1.3"):
    scenario(version)
done()
