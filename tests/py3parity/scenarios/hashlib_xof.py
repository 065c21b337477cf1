"""SHAKE objects (HASHXOF): output lengths, hexdigest, copy, and bad lengths."""
from __future__ import print_function

import hashlib

from parity import attempt, done, show, showb

for name in ("shake_128", "shake_256"):
    h = hashlib.new(name, b"The quick brown fox")
    show("%s name/digest_size/block_size" % name, (h.name, h.digest_size, h.block_size))
    for n in (0, 1, 16, 32, 33, 100, 168, 169, 1000, 5000):
        showb("%s digest(%d)" % (name, n), h.digest(n))
        show("%s hexdigest(%d) matches" % (name, n), h.hexdigest(n) == "".join(
            "%02x" % c for c in bytearray(h.digest(n))))
    showb("%s digest(length=20)" % name, h.digest(length=20))
    c = h.copy()
    c.update(b" jumps")
    showb("%s copy updated" % name, c.digest(24))
    showb("%s original" % name, h.digest(24))
    attempt("%s digest(2**40)" % name, h.digest, 2 ** 40)
    attempt("%s digest(2**64)" % name, h.digest, 2 ** 64, msg=False)
    attempt("%s digest('x')" % name, h.digest, "x", msg=False)
    attempt("%s hexdigest(2**64)" % name, h.hexdigest, 2 ** 64, msg=False)
    attempt("%s digest(-1)" % name, h.digest, -1)
    attempt("%s digest() without length" % name, h.digest, msg=False, binary=True)
    show("%s is a HASH subclass" % name, isinstance(h, type(hashlib.sha256())))
done()
