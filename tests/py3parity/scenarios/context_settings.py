"""Python 3 context settings that are one OpenSSL knob each: hostname_checks_common_name
(3.7; with OpenSSL's host-name check on an SSLObject, a CN-only certificate), num_tickets (3.8),
get_ciphers() (3.6)."""
from __future__ import print_function

import ssl
import warnings

from parity import Pair, attempt, cert, client_ctx, done, server_ctx, show

warnings.simplefilter("ignore")
show("HAS_NEVER_CHECK_COMMON_NAME", ssl.HAS_NEVER_CHECK_COMMON_NAME)
ctx = ssl.SSLContext(ssl.PROTOCOL_SSLv23)
show("hostname_checks_common_name default", ctx.hostname_checks_common_name)
ctx.hostname_checks_common_name = False
show("after False", ctx.hostname_checks_common_name)
ctx.hostname_checks_common_name = 1
show("after 1", ctx.hostname_checks_common_name)

# num_tickets: server contexts only.
server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
show("num_tickets default", server.num_tickets)
attempt("num_tickets = 0", setattr, server, "num_tickets", 0)
show("num_tickets", server.num_tickets)
attempt("num_tickets = -1", setattr, server, "num_tickets", -1)
attempt("num_tickets on a client context", setattr, ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT),
        "num_tickets", 1)
attempt("num_tickets on PROTOCOL_TLS", setattr, ssl.SSLContext(ssl.PROTOCOL_SSLv23),
        "num_tickets", 1)

# A server sending no tickets: a TLS 1.3 client then has no session to resume.
sctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
sctx.load_cert_chain(cert("localhost.pem"), cert("localhost.key"))
sctx.num_tickets = 0
cctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
cctx.load_verify_locations(cert("ca.pem"))
p = Pair(cctx, sctx)
show("handshake", p.handshake(trace=False))
p.server.write(b"x")
p.pump()
attempt("client read", p.client.read, 1, binary=True)
session = p.client.session
show("no ticket", session is None or not session.has_ticket)

# get_ciphers(): every key and value of Python 3's dicts.
ctx = ssl.SSLContext(ssl.PROTOCOL_SSLv23)
ctx.set_ciphers("ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-CHACHA20-POLY1305:AES256-SHA")
for c in ctx.get_ciphers():
    show("cipher", sorted(c.items()))
attempt("get_ciphers(1)", ctx.get_ciphers, 1, msg=False)
done()
