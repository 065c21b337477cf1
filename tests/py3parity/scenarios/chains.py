"""SSLSocket/SSLObject.get_verified_chain() and get_unverified_chain() (Python 3.13): lists
of DER certificates (bytes), before and after the handshake, on both sides, with and without
verification and client certificates."""
from __future__ import print_function

import ssl

from parity import (Pair, ThreadServer, client_ctx, connect, der_of, done, server_ctx,
                    show)

LEAF, CA, CLIENT = der_of("localhost.pem"), der_of("ca.pem"), der_of("client.pem")
NAMES = {LEAF: "localhost", CA: "ca", CLIENT: "client"}


def names(chain):
    """The chain as certificate names; anything that is not a list of bytes is shown as such."""
    if not isinstance(chain, list):
        return ("not a list", type(chain).__name__)
    out = []
    for der in chain:
        ok = isinstance(der, bytes) and not isinstance(der, bytearray)
        out.append(NAMES.get(der, "other") if ok else "!" + type(der).__name__)
    return out


def chains(label, obj):
    for meth in ("get_verified_chain", "get_unverified_chain"):
        try:
            show("%s %s" % (label, meth), names(getattr(obj, meth)()))
        except Exception as e:
            show("%s %s" % (label, meth), e)


for tls in ("1.2", "1.3"):
    for verify, client_certs in ((True, None), (False, None), (True, "required"),
                                 (True, "optional")):
        label = "TLS %s verify=%s client_certs=%s" % (tls, verify, client_certs)
        cctx = client_ctx(tls=tls, verify=verify,
                          cert_name="client" if client_certs == "required" else None)
        p = Pair(cctx, server_ctx(tls=tls, client_certs=client_certs))
        chains(label + " before: client", p.client)
        chains(label + " before: server", p.server)
        show(label + " handshake", p.handshake(trace=False))
        chains(label + ": client", p.client)
        chains(label + ": server", p.server)

# SSLSocket, client side, against an SSLSocket server.
srv = ThreadServer(server_ctx())
s = client_ctx().wrap_socket(connect(srv.port), server_hostname="localhost")
chains("SSLSocket client", s)
s.close()
srv.thread.join(30)
unconnected = client_ctx().wrap_socket(__import__("socket").socket(),
                                       server_hostname="localhost")
chains("SSLSocket unconnected", unconnected)
unconnected.close()
done()
