"""ALPN over SSLObjects: agreement, preference order, no overlap, one side only; TLS 1.2 and
TLS 1.3; set_alpn_protocols argument errors."""
from __future__ import print_function

import ssl

from parity import Pair, attempt, client_ctx, done, server_ctx, show

CASES = (
    ("match", ["http/1.1", "h2"], ["h2", "http/1.1"]),
    ("client order", ["h2", "http/1.1"], ["http/1.1", "h2"]),
    ("single", ["spdy/3"], ["spdy/3"]),
    ("no overlap", ["a", "b"], ["c"]),
    ("client only", ["h2"], None),
    ("server only", None, ["h2"]),
    ("empty client list", [], ["h2"]),
    ("unicode names", [u"h2"], [u"h2"]),
)
for tls in ("1.2", "1.3"):
    for label, cl, sv in CASES:
        p = Pair(client_ctx(tls=tls, alpn=cl), server_ctx(tls=tls, alpn=sv))
        failure = p.handshake(trace=False)
        print("TLS %s %s: client=%s server=%s failure=%s" % (
            tls, label, p.client.selected_alpn_protocol() if failure is None else "-",
            p.server.selected_alpn_protocol() if failure is None else "-",
            failure is not None))

ctx = client_ctx()
attempt("set_alpn_protocols(long name)", ctx.set_alpn_protocols, ["x" * 256])
attempt("set_alpn_protocols(255 chars)", ctx.set_alpn_protocols, ["x" * 255])
attempt("set_alpn_protocols(empty name)", ctx.set_alpn_protocols, [""])
attempt("set_alpn_protocols(ints)", ctx.set_alpn_protocols, [1], msg=False)
attempt("set_alpn_protocols([])", ctx.set_alpn_protocols, [])
show("HAS_ALPN", ssl.HAS_ALPN)
done()
