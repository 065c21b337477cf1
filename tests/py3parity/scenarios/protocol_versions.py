"""Python 3.7's TLS version range: ssl.TLSVersion, SSLContext.minimum_version/maximum_version,
and Python 3.6's one-sided PROTOCOL_TLS_CLIENT/PROTOCOL_TLS_SERVER with their defaults; what a
range does to a handshake between two SSLObjects."""
from __future__ import print_function

import ssl
import warnings

from parity import Pair, attempt, cert, done, show

warnings.simplefilter("ignore")
T = ssl.TLSVersion
show("members", [repr(m) for m in T])
show("len", len(T))
show("by name", repr(T["TLSv1_2"]))
show("by value", repr(T(0x304)))
show("name, value", (T.TLSv1_2.name, T.TLSv1_2.value))
show("is an int", (isinstance(T.TLSv1_3, int), T.TLSv1_3 == 772, T.TLSv1_3 > T.TLSv1_2))
show("str", str(T.TLSv1_2))
attempt("TLSVersion(5)", T, 5)
attempt("TLSVersion['nope']", lambda: T["nope"])

client = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
show("client defaults", (client.verify_mode, client.check_hostname,
                         repr(client.minimum_version), repr(client.maximum_version)))
show("server defaults", (server.verify_mode, server.check_hostname,
                         repr(server.minimum_version), repr(server.maximum_version)))
show("protocol names", (ssl.get_protocol_name(ssl.PROTOCOL_TLS_CLIENT),
                        ssl.get_protocol_name(ssl.PROTOCOL_TLS_SERVER)))

for label, value in (("TLSv1_3", T.TLSv1_3), ("MINIMUM_SUPPORTED", T.MINIMUM_SUPPORTED),
                     ("MAXIMUM_SUPPORTED", T.MAXIMUM_SUPPORTED), ("int 0x303", 0x303),
                     ("bad 0x305", 0x305), ("negative -5", -5)):
    for attr in ("minimum_version", "maximum_version"):
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ok, _ = attempt("%s = %s" % (attr, label), setattr, ctx, attr, value)
        if ok:
            show("  reads back", repr(getattr(ctx, attr)))
attempt("a non-integer", setattr, client, "minimum_version", "TLSv1_2", msg=False)
pinned = ssl.SSLContext(ssl.PROTOCOL_TLSv1_2)
show("PROTOCOL_TLSv1_2 range", (repr(pinned.minimum_version), repr(pinned.maximum_version)))
attempt("PROTOCOL_TLSv1_2 minimum_version = TLSv1_3", setattr, pinned, "minimum_version",
        T.TLSv1_3)

# One-sided protocols refuse the other side.
attempt("client context, server side", client.wrap_bio, ssl.MemoryBIO(), ssl.MemoryBIO(),
        server_side=True)
attempt("server context, client side", server.wrap_bio, ssl.MemoryBIO(), ssl.MemoryBIO(),
        server_side=False)


def pair(cmin=None, cmax=None, smin=None, smax=None):
    c = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    c.load_verify_locations(cert("ca.pem"))
    s = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    s.load_cert_chain(cert("localhost.pem"), cert("localhost.key"))
    for ctx, lo, hi in ((c, cmin, cmax), (s, smin, smax)):
        if lo is not None:
            ctx.minimum_version = lo
        if hi is not None:
            ctx.maximum_version = hi
    return Pair(c, s)


for label, kw in (("defaults", {}),
                  ("client max 1.2", {"cmax": T.TLSv1_2}),
                  ("server max 1.2", {"smax": T.TLSv1_2}),
                  ("client min 1.3, server max 1.2", {"cmin": T.TLSv1_3, "smax": T.TLSv1_2}),
                  ("both exactly 1.3", {"cmin": T.TLSv1_3, "cmax": T.TLSv1_3,
                                        "smin": T.TLSv1_3, "smax": T.TLSv1_3})):
    p = pair(**kw)
    failure = p.handshake(trace=False)
    show(label, "ok %s" % p.client.version() if failure is None else failure[0])
done()
