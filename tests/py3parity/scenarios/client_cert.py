"""Client certificates over SSLObjects: server CERT_REQUIRED / CERT_OPTIONAL, with and without
a client certificate, untrusted client certificate; TLS 1.2 and 1.3 (in 1.3 the client learns
of the rejection only when it reads)."""
from __future__ import print_function

import ssl

from parity import show_recv, Pair, attempt, cert_summary, client_ctx, der_of, done, server_ctx, show

for tls in ("1.2", "1.3"):
    print("== TLS %s" % tls)
    for mode in ("required", "optional"):
        p = Pair(client_ctx(tls=tls, cert_name="client"), server_ctx(tls=tls, client_certs=mode))
        show("%s with cert: handshake" % mode, p.handshake(trace=False))
        show("%s server getpeercert" % mode, cert_summary(p.server.getpeercert()))
        show("%s server DER is the client cert" % mode, p.server.getpeercert(True) == der_of("client.pem"))
        p.send("client", b"ping")
        show("%s server reads" % mode, p.recv("server")[0] == b"ping")

        p = Pair(client_ctx(tls=tls), server_ctx(tls=tls, client_certs=mode))
        r = p.handshake()
        show("%s without cert: handshake ok" % mode, r is None)
        if r is None:
            show("%s without cert: server getpeercert" % mode, p.server.getpeercert())
            show("%s without cert: server getpeercert(True)" % mode, p.server.getpeercert(True))
        # The client may only learn about a rejection when it reads (TLS 1.3).
        try:
            p.client.write(b"ping")
            p.pump()
        except ssl.SSLError as e:
            print("client write: !%s" % type(e).__name__)
        got, err = p.recv("server")
        show_recv("server read", (got, err))
        got, err = p.recv("client")
        show_recv("client read", (got, err))

    # A client certificate from a CA the server does not trust.
    p = Pair(client_ctx(tls=tls, cert_name="rogue"), server_ctx(tls=tls, client_certs="required"))
    r = p.handshake()
    got, err = p.recv("client")
    show_recv("untrusted client cert: client read", (got, err))

# load_cert_chain mistakes
ctx = client_ctx()
attempt("load_cert_chain(missing file)", ctx.load_cert_chain, "/nonexistent/pep466.pem")
attempt("load_cert_chain(key mismatch)", ctx.load_cert_chain, __import__("parity").cert("client.pem"),
        __import__("parity").cert("localhost.key"))
done()
