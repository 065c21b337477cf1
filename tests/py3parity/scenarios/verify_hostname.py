"""Hostname checking over SSLObjects (check_hostname on, chain trusted): matching names,
case, IP addresses, a wrong name; what the client raises and what the server sees."""
from __future__ import print_function

import ssl

from parity import Pair, client_ctx, done, server_ctx, show, show_recv

CASES = (
    ("dns name", "localhost", "localhost"),
    ("upper case", "localhost", "LOCALHOST"),
    ("ip address in SAN", "localhost", "127.0.0.1"),
    ("wrong hostname", "other", "localhost"),
    ("check_hostname off", "other", None),
)
for tls in ("1.2", "1.3"):
    for label, scert, host in CASES:
        if host is None:
            ctx = client_ctx(tls=tls, check_hostname=False)
            host = "localhost"
        else:
            ctx = client_ctx(tls=tls)
        p = Pair(ctx, server_ctx(tls=tls, cert_name=scert), hostname=host)
        r = p.handshake(trace=False)
        if r is None:
            show("TLS %s %s" % (tls, label), "ok")
        else:
            side, e = r
            show("TLS %s %s" % (tls, label), (side, isinstance(e, ssl.SSLError),
                                               isinstance(e, ValueError)))
            show_recv("TLS %s %s: server" % (tls, label), p.recv("server"))
done()
