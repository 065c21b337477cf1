"""Python 3.8's TLS 1.3 post-handshake authentication between two SSLObjects: the server asks
for the client's certificate after the handshake; without post_handshake_auth on the client,
or on TLS 1.2, the request fails."""
from __future__ import print_function

import ssl

from parity import Pair, attempt, cert, cert_summary, done, show


def contexts(client_pha=True, server_pha=True, client_cert=True, tls13=True):
    c = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    c.load_verify_locations(cert("ca.pem"))
    if client_cert:
        c.load_cert_chain(cert("client.pem"), cert("client.key"))
    s = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    s.load_cert_chain(cert("localhost.pem"), cert("localhost.key"))
    s.load_verify_locations(cert("ca.pem"))
    s.verify_mode = ssl.CERT_REQUIRED
    if not tls13:
        c.maximum_version = ssl.TLSVersion.TLSv1_2
    c.post_handshake_auth = client_pha
    s.post_handshake_auth = server_pha
    return c, s


show("default", ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT).post_handshake_auth)
attempt("del post_handshake_auth", delattr, ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT),
        "post_handshake_auth")

for label, kw in (("both sides", {}),
                  ("client without a certificate", {"client_cert": False}),
                  ("client did not offer it", {"client_pha": False}),
                  ("TLS 1.2", {"tls13": False})):
    c, s = contexts(**kw)
    p = Pair(c, s)
    show(label + ": handshake", p.handshake(trace=False))
    show(label + ": before, server sees", p.server.getpeercert())
    ok, _ = attempt(label + ": verify_client_post_handshake", p.server.verify_client_post_handshake)
    if not ok:
        continue
    attempt(label + ": server write", p.server.write, b"ping")
    p.pump()
    attempt(label + ": client read", p.client.read, 4, binary=True)
    p.pump()
    attempt(label + ": server read", p.server.read, 10, binary=True)
    peer = None
    try:
        peer = p.server.getpeercert()
    except Exception as e:
        peer = type(e).__name__
    show(label + ": after, server sees", cert_summary(peer) if isinstance(peer, dict) else peer)
attempt("on a client", Pair(*contexts()).client.verify_client_post_handshake)
done()
