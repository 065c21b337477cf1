"""Object lifetime: SSLObjects dropped mid-handshake or mid-transfer, BIOs outliving their
SSLObjects, contexts dropped while their objects live, operations on failed objects."""
from __future__ import print_function

import gc
import ssl
import weakref

from parity import Pair, attempt, client_ctx, done, server_ctx, show, want_read

for tls in ("1.2", "1.3"):
    print("== TLS %s" % tls)
    p = Pair(client_ctx(tls=tls), server_ctx(tls=tls))
    want_read(p.client.do_handshake)
    p.pump()
    want_read(p.server.do_handshake)
    # Drop the client mid-handshake: its BIOs stay usable, the server waits.
    ref = weakref.ref(p.client)
    del p.client
    gc.collect()
    show("client collected", ref() is None)
    show("server outgoing pending", p.s_out.pending > 0)
    p.c_in.write(p.s_out.read())
    show("client incoming keeps the bytes", p.c_in.pending > 0)
    attempt("client BIO write_eof", p.c_in.write_eof)
    attempt("server do_handshake still waits", p.server.do_handshake)
    p.s_in.write_eof()
    attempt("server do_handshake after EOF", p.server.do_handshake)

    # Drop the server mid-transfer.
    p = Pair(client_ctx(tls=tls), server_ctx(tls=tls))
    p.handshake(trace=False)
    p.send("client", b"x" * 1000)
    del p.server
    gc.collect()
    show("server incoming pending", p.s_in.pending > 1000)
    attempt("client writes on", p.client.write, b"more")

    # The BIOs only: objects gone, BIOs used afresh by a new pair.
    inc, out = ssl.MemoryBIO(), ssl.MemoryBIO()
    c = client_ctx(tls=tls).wrap_bio(inc, out, server_hostname="localhost")
    want_read(c.do_handshake)
    del c
    gc.collect()
    hello = out.read()
    show("hello survives its object", len(hello) > 0)
    s_in, s_out = ssl.MemoryBIO(), ssl.MemoryBIO()
    s = server_ctx(tls=tls).wrap_bio(s_in, s_out, server_side=True)
    s_in.write(hello)
    attempt("server answers the orphan hello", s.do_handshake)

    # The context dropped while its objects live.
    cctx, sctx = client_ctx(tls=tls), server_ctx(tls=tls)
    p = Pair(cctx, sctx)
    cref = weakref.ref(cctx)
    del cctx, sctx
    gc.collect()
    show("context kept alive by its object", cref() is not None)
    show("handshake without the caller's contexts", p.handshake(trace=False))
    p.send("client", b"still works")
    show("data", p.recv("server")[0] == b"still works")

    # A failed object keeps failing the same way.
    p = Pair(client_ctx(tls=tls, cafile="rogue-ca.pem"), server_ctx(tls=tls))
    r = p.handshake(trace=False)
    show("verification failed", r is not None and r[0])
    attempt("do_handshake again", p.client.do_handshake)
    attempt("read", p.client.read, binary=True)
    attempt("write", p.client.write, b"x")
    attempt("unwrap", p.client.unwrap)
    attempt("getpeercert", p.client.getpeercert)
    show("version", p.client.version())
    show("cipher", p.client.cipher())

# Many objects created and dropped.
ctx = client_ctx()
for i in range(300):
    o = ctx.wrap_bio(ssl.MemoryBIO(), ssl.MemoryBIO(), server_hostname="localhost")
    want_read(o.do_handshake)
del o
gc.collect()
show("300 objects made and dropped", True)
done()
