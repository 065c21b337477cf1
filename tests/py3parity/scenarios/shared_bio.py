"""Two connections sharing BIOs: two clients writing into one outgoing BIO, one server
reading both ClientHellos from one incoming BIO; and a BIO used as incoming of one object and
outgoing of another."""
from __future__ import print_function

import ssl

from parity import Pair, attempt, client_ctx, done, server_ctx, show, want_read

for tls in ("1.2", "1.3"):
    print("== TLS %s" % tls)
    cctx = client_ctx(tls=tls)
    shared_out = ssl.MemoryBIO()
    in1, in2 = ssl.MemoryBIO(), ssl.MemoryBIO()
    c1 = cctx.wrap_bio(in1, shared_out, server_hostname="localhost")
    c2 = cctx.wrap_bio(in2, shared_out, server_hostname="localhost")
    attempt("client 1 hello", c1.do_handshake)
    n1 = shared_out.pending
    attempt("client 2 hello", c2.do_handshake)
    show("both hellos in the shared BIO", shared_out.pending > n1 > 0)
    s_in, s_out = ssl.MemoryBIO(), ssl.MemoryBIO()
    s = server_ctx(tls=tls).wrap_bio(s_in, s_out, server_side=True)
    s_in.write(shared_out.read())
    attempt("server handshake (two hellos queued)", s.do_handshake)
    reply = s_out.read()
    in1.write(reply)
    attempt("client 1 continues", c1.do_handshake)
    s_in.write(shared_out.read())
    attempt("server continues", s.do_handshake)
    attempt("server read", s.read, binary=True)

    # Two servers and two clients on the same incoming BIO: the bytes go to whoever reads.
    shared_in = ssl.MemoryBIO()
    o1, o2 = ssl.MemoryBIO(), ssl.MemoryBIO()
    sctx = server_ctx(tls=tls)
    s1 = sctx.wrap_bio(shared_in, o1, server_side=True)
    s2 = sctx.wrap_bio(shared_in, o2, server_side=True)
    ci, co = ssl.MemoryBIO(), ssl.MemoryBIO()
    c = cctx.wrap_bio(ci, co, server_hostname="localhost")
    attempt("client hello", c.do_handshake)
    shared_in.write(co.read())
    attempt("server 2 takes the hello", s2.do_handshake)
    attempt("server 1 finds nothing", s1.do_handshake)
    show("server 1 wrote nothing", o1.pending)
    ci.write(o2.read())
    attempt("client continues with server 2", c.do_handshake)
    shared_in.write(co.read())
    attempt("server 1 gets server 2's Finished", s1.do_handshake)

    # One BIO as the client's outgoing and the server's incoming (and vice versa).
    a, b = ssl.MemoryBIO(), ssl.MemoryBIO()
    c = cctx.wrap_bio(b, a, server_hostname="localhost")
    s = sctx.wrap_bio(a, b, server_side=True)
    for step in range(6):
        for name, obj in (("client", c), ("server", s)):
            want_read(obj.do_handshake)
    show("cross-wired handshake versions", (c.version(), s.version()))
    c.write(b"direct")
    attempt("server read, cross-wired", s.read, binary=True)
done()
