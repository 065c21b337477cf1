"""SSLContext.sni_callback (Python 3.7): readable, None disables, non-callable is TypeError;
the callable gets (SSLObject or SSLSocket, A-label str or None, context); None continues,
an int aborts with that alert, an exception or a non-int aborts; switching the object's
context changes the certificate. Over SSLObject pairs and an SSLSocket server."""
from __future__ import print_function

import ssl

from parity import (Pair, SocketLink, ThreadServer, attempt, client_ctx, connect, der_of,
                    done, server_ctx, show)

ctx = server_ctx()
show("default", ctx.sni_callback)
attempt("set int", setattr, ctx, "sni_callback", 1)
attempt("set str", setattr, ctx, "sni_callback", "x")
show("after failure", ctx.sni_callback)
f = lambda *a: None  # noqa: E731
ctx.sni_callback = f
show("readable", ctx.sni_callback is f)
ctx.sni_callback = None
show("None disables", ctx.sni_callback)

seen = []
other = server_ctx(cert_name="other")


def make(result):
    def cb(obj, name, c):
        seen.append((type(obj).__name__, name, type(name).__name__ in ("str", "unicode"),
                     c is sctx))
        if result == "raise":
            raise ValueError("boom")
        if result == "switch":
            obj.context = other
            return None
        return result
    return cb


CASES = (
    ("none", None, "localhost"),
    ("alert", ssl.ALERT_DESCRIPTION_ACCESS_DENIED, "localhost"),
    ("raise", "raise", "localhost"),
    ("non-int", "x", "localhost"),
    ("no sni", None, None),
    ("a-label", None, "xn--bcher-kva.example"),
    ("switch", "switch", "localhost"),
)
for tls in ("1.2", "1.3"):
    for label, result, host in CASES:
        del seen[:]
        sctx = server_ctx(tls=tls)
        sctx.sni_callback = make(result)
        cctx = client_ctx(tls=tls, verify=False)
        p = Pair(cctx, sctx, hostname=host)
        failure = p.handshake(trace=False)
        show("TLS %s %s: seen" % (tls, label), seen)
        if failure is not None:
            attempt("TLS %s %s: client sees" % (tls, label), p.client.do_handshake)
        if failure is None:
            der = p.client.getpeercert(True)
            show("TLS %s %s: certificate" % (tls, label),
                 [n for n in ("localhost", "other") if der_of(n + ".pem") == der])

# A callable that removes itself and replaces the object's context while it runs.
sctx = server_ctx()


def removing(obj, name, c):
    c.sni_callback = None
    obj.context = server_ctx(cert_name="other")
    return None


sctx.sni_callback = removing
p = Pair(client_ctx(verify=False), sctx)
del sctx
show("self-removing: failure", p.handshake(trace=False))
show("self-removing: certificate",
     [n for n in ("localhost", "other") if der_of(n + ".pem") == p.client.getpeercert(True)])
show("self-removing: callback now", p.server.context.sni_callback)

# The SSLSocket server: the callable gets the SSLSocket.
del seen[:]
sctx = server_ctx(tls="1.3")
sctx.sni_callback = make(None)
server = ThreadServer(sctx)
link = SocketLink(client_ctx(tls="1.3", verify=False), connect(server.port))
link.call(link.obj.do_handshake)
link.call(link.obj.write, b"x")
link.read_exactly(1)
link.sock.close()
server.join()
show("socket seen", seen)
done()
