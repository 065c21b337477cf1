"""Application data over SSLObjects: read sizes (0, negative, huge, into a buffer), pending,
writes of every buffer type, non-buffer writes, large writes split into records."""
from __future__ import print_function

import ssl

from parity import Pair, attempt, client_ctx, done, server_ctx, show, showb

for tls in ("1.2", "1.3"):
    print("== TLS %s" % tls)
    p = Pair(client_ctx(tls=tls), server_ctx(tls=tls))
    p.handshake(trace=False)
    c, s = p.client, p.server
    attempt("read(0) nothing pending", s.read, 0, binary=True)
    attempt("read(-1)", s.read, -1)
    attempt("read(-1) with data pending", lambda: (p.send("client", b"x"), s.read(-1)))
    attempt("read(1) after failed read(-1)", s.read, 1, binary=True)
    p.send("client", b"0123456789")
    attempt("read(0) with data", s.read, 0, binary=True)
    show("pending after read(0)", s.pending())
    attempt("read(3)", s.read, 3, binary=True)
    show("pending", s.pending())
    attempt("read(2**31 - 1)", s.read, 2 ** 31 - 1, binary=True)
    attempt("read(2**31)", s.read, 2 ** 31, msg=False)
    attempt("read(2**64)", s.read, 2 ** 64, msg=False)
    attempt("read(None)", s.read, None, msg=False)
    attempt("read('1')", s.read, "1", msg=False)

    p.send("client", b"abcdef")
    buf = bytearray(4)
    attempt("read(4, bytearray(4))", s.read, 4, buf)
    showb("buffer", bytes(buf))
    buf = bytearray(10)
    attempt("read(10, bytearray(10)) short", s.read, 10, buf)
    showb("buffer", bytes(buf))
    p.send("client", b"XYZ")
    buf = bytearray(2)
    attempt("read(5, bytearray(2)) buffer too small", s.read, 5, buf)
    showb("buffer", bytes(buf))
    attempt("read(0, bytearray(2)) rest fits", s.read, 0, bytearray(2))
    attempt("read(1, bytes) read-only buffer", s.read, 1, b"xx", msg=False)
    p.recv("server")

    for label, value in (("bytes", b"b1"), ("bytearray", bytearray(b"b2")),
                         ("memoryview", memoryview(b"b3")), ("empty", b"")):
        attempt("write(%s)" % label, c.write, value)
    p.pump()
    got, err = p.recv("server")
    showb("server got", got)
    show("server error", err)
    for label, value in (("None", None), ("int", 5), ("text", u"text"), ("list", [1])):
        attempt("write(%s)" % label, c.write, value)

    big = bytes(bytearray(range(256))) * 1024 * 3  # 768 KiB: many records
    attempt("write 768 KiB", c.write, big)
    show("outgoing holds several records", p.c_out.pending > len(big))
    p.pump()
    got, err = p.recv("server", 2 ** 20)
    show("received length", len(got))
    show("received equal", got == big)
    show("error", err)
    # Reads never return more than one record's worth at a time.
    c.write(big[:40000])
    p.pump()
    first = s.read(2 ** 20)
    show("first read of 40000 (one record)", len(first))
    show("pending after first record", s.pending())
    p.recv("server")
done()
