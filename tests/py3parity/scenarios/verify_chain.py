"""Server certificate chain verification over SSLObjects (check_hostname off, so only the
chain counts): trusted, untrusted CA, a server from another CA, CERT_NONE, CERT_OPTIONAL; the
exception, its verify attributes, and the alert the server receives."""
from __future__ import print_function

import ssl

from parity import Pair, client_ctx, done, server_ctx, show, show_recv

CASES = (
    ("trusted", dict(), "localhost"),
    ("untrusted CA", dict(cafile="rogue-ca.pem"), "localhost"),
    ("rogue server", dict(), "rogue"),
    ("CERT_NONE rogue", dict(verify=False), "rogue"),
    ("other name, trusted", dict(), "other"),
)
for tls in ("1.2", "1.3"):
    for label, ckw, scert in CASES:
        ckw = dict(ckw)
        if ckw.get("verify", True):
            ckw["check_hostname"] = False
        p = Pair(client_ctx(tls=tls, **ckw), server_ctx(tls=tls, cert_name=scert))
        r = p.handshake(trace=False)
        if r is None:
            show("TLS %s %s" % (tls, label), ("ok", p.client.getpeercert(True) is not None))
            show("TLS %s %s: peer subject" % (tls, label), p.client.getpeercert().get("subject"))
        else:
            side, e = r
            show("TLS %s %s" % (tls, label), (side, isinstance(e, ssl.SSLError),
                                               isinstance(e, ValueError)))
            show_recv("TLS %s %s: server" % (tls, label), p.recv("server"))

    # CERT_OPTIONAL on a client: an untrusted server still fails.
    ctx = client_ctx(tls=tls, cafile="rogue-ca.pem", check_hostname=False)
    ctx.verify_mode = ssl.CERT_OPTIONAL
    p = Pair(ctx, server_ctx(tls=tls))
    r = p.handshake(trace=False)
    show("TLS %s CERT_OPTIONAL untrusted" % tls, r is None)
done()
