"""MemoryBIO: read sizes, buffer types accepted by write(), pending/eof transitions."""
from __future__ import print_function

import ssl

from parity import attempt, done, show, showb

b = ssl.MemoryBIO()
show("new pending", b.pending)
show("new eof", b.eof)
attempt("read empty", b.read, binary=True)
attempt("read(0) empty", b.read, 0, binary=True)
attempt("read(5) empty", b.read, 5, binary=True)

attempt("write bytes", b.write, b"abc")
attempt("write bytearray", b.write, bytearray(b"def"))
attempt("write memoryview", b.write, memoryview(b"ghij"))
attempt("write memoryview slice", b.write, memoryview(b"0123456789")[2:5])
attempt("write empty", b.write, b"")
attempt("write empty bytearray", b.write, bytearray())
show("pending", b.pending)
show("eof", b.eof)

attempt("read(0)", b.read, 0, binary=True)
show("pending after read(0)", b.pending)
attempt("read(2)", b.read, 2, binary=True)
show("pending after read(2)", b.pending)
attempt("read(-1)", b.read, -1, binary=True)
show("pending after read(-1)", b.pending)

b.write(b"0123456789")
attempt("read(-100)", b.read, -100, binary=True)
b.write(b"0123456789")
attempt("read(1000) larger than pending", b.read, 1000, binary=True)
b.write(b"0123456789")
attempt("read(10) exactly pending", b.read, 10, binary=True)
show("pending 0", b.pending)
b.write(b"xy")
attempt("read(1)", b.read, 1, binary=True)
attempt("read(1) again", b.read, 1, binary=True)
attempt("read(1) drained", b.read, 1, binary=True)

# Large data in, read back in pieces.
big = bytes(bytearray(range(256))) * 4096
attempt("write 1 MiB", b.write, big)
show("pending 1 MiB", b.pending)
first = b.read(100000)
show("read 100000 length", len(first))
rest = b.read()
show("read rest length", len(rest))
show("round trip equal", first + rest == big)

# A memoryview of a bytearray, multi-dimensional/non-contiguous views.
ba = bytearray(b"abcdefgh")
attempt("write memoryview(bytearray)", b.write, memoryview(ba))
ba[0:1] = b"Z"
attempt("read after source changed", b.read, binary=True)
# eof transitions
c = ssl.MemoryBIO()
c.write(b"tail")
attempt("write_eof", c.write_eof)
show("eof with pending data", c.eof)
show("pending after write_eof", c.pending)
attempt("read(2) after eof", c.read, 2, binary=True)
show("eof after partial read", c.eof)
attempt("read rest after eof", c.read, binary=True)
show("eof after draining", c.eof)
attempt("read at eof", c.read, binary=True)
attempt("read(0) at eof", c.read, 0, binary=True)
show("pending at eof", c.pending)

d = ssl.MemoryBIO()
d.write_eof()
show("eof right after write_eof", d.eof)

# Many small writes, then one read
e = ssl.MemoryBIO()
for i in range(1000):
    e.write((str(i) + ",").encode("ascii"))
got = e.read()
showb("1000 small writes head", got[:20])
show("1000 small writes length", len(got))
done()
