"""MemoryBIO errors: non-buffer writes, write after write_eof, bad read sizes, read-only
attributes, constructor arguments."""
from __future__ import print_function

import ssl

from parity import PY2, attempt, done, show

b = ssl.MemoryBIO()
for label, value in (("None", None), ("int", 1), ("text", u"text"), ("list", [1, 2]),
                     ("float", 1.5), ("object", object())):
    attempt("write(%s)" % label, b.write, value)
show("pending after failed writes", b.pending)
attempt("write() no argument", b.write, msg=False)
attempt("write two arguments", b.write, b"a", b"b", msg=False)

attempt("read(text)", b.read, "x", msg=False)
attempt("read(None)", b.read, None, msg=False)
attempt("read(1.5)", b.read, 1.5, msg=False)
attempt("read(2**70)", b.read, 2 ** 70, msg=False)
attempt("read(-2**70)", b.read, -2 ** 70, msg=False)
attempt("read(2**31)", b.read, 2 ** 31, binary=True, msg=False)
attempt("read(2**31 - 1)", b.read, 2 ** 31 - 1, binary=True)
attempt("read two arguments", b.read, 1, 2, msg=False)

b.write(b"data")
attempt("write_eof", b.write_eof)
attempt("write_eof twice", b.write_eof)
show("eof with data", b.eof)
attempt("write after write_eof", b.write, b"more")
attempt("write empty after write_eof", b.write, b"")
attempt("write non-buffer after write_eof", b.write, None)
show("pending unchanged", b.pending)
attempt("read", b.read, binary=True)
show("eof", b.eof)
attempt("write after eof reached", b.write, b"x")
attempt("write_eof after eof reached", b.write_eof)

for attr, value in (("pending", 3), ("eof", True)):
    try:
        setattr(b, attr, value)
    except AttributeError:
        print("set %s: AttributeError" % attr)
    else:
        print("set %s: allowed" % attr)
try:
    b.other = 1
except AttributeError:
    print("set new attribute: AttributeError")
else:
    print("set new attribute: allowed")

attempt("MemoryBIO(1)", ssl.MemoryBIO, 1, msg=False)
attempt("MemoryBIO(x=1)", ssl.MemoryBIO, x=1, msg=False)
show("type name", ssl.MemoryBIO.__name__)
show("is ssl.MemoryBIO", type(ssl.MemoryBIO()) is ssl.MemoryBIO)
show("has write_eof", hasattr(ssl.MemoryBIO(), "write_eof"))

# Independent BIOs do not share state.
x, y = ssl.MemoryBIO(), ssl.MemoryBIO()
x.write(b"1")
x.write_eof()
show("other pending", y.pending)
show("other eof", y.eof)
attempt("other write", y.write, b"2")
show("other pending after", y.pending)
done()
