"""hashlib's constructors and names as Python 3 has them: every algorithm Python 3 guarantees,
by constructor and by new(), their name, digest_size and block_size, update in pieces, copy()
midway, usedforsecurity=False, OpenSSL's spellings, and NIST's SHA-3/SHAKE known answers."""
from __future__ import print_function

import hashlib

from parity import attempt, done, show, showb

PY3_GUARANTEED = ("md5", "sha1", "sha224", "sha256", "sha384", "sha512", "sha3_224",
                  "sha3_256", "sha3_384", "sha3_512", "shake_128", "shake_256", "blake2b",
                  "blake2s")
XOF = ("shake_128", "shake_256")


def hexof(h, n=40):
    return h.hexdigest(n) if h.name in XOF else h.hexdigest()


for name in PY3_GUARANTEED:
    show("%s in algorithms_available" % name, name in hashlib.algorithms_available)
    ctor = getattr(hashlib, name)
    h = ctor(b"abc")
    show("%s name/digest_size/block_size" % name, (h.name, h.digest_size, h.block_size))
    show("%s ctor abc" % name, hexof(h))
    show("%s new abc" % name, hexof(hashlib.new(name, b"abc")))
    show("%s ctor empty" % name, hexof(ctor()))
    g = hashlib.new(name)
    g.update(b"a")
    mid = g.copy()
    g.update(b"bc")
    mid.update(b"bd")
    show("%s pieces/copy" % name, (hexof(g), hexof(mid)))
    show("%s usedforsecurity=False" % name,
         hexof(hashlib.new(name, b"abc", usedforsecurity=False)))
    big = b"\x5a" * 100000
    show("%s 100000 bytes" % name, hexof(ctor(big)))
    show("%s memoryview/bytearray" % name,
         (hexof(ctor(memoryview(b"abc"))), hexof(ctor(bytearray(b"abc")))))

show("guaranteed subset of available",
     set(hashlib.algorithms_guaranteed) <= set(hashlib.algorithms_available))
for name in ("sha512_224", "sha512_256"):
    show("new %s" % name, hashlib.new(name, b"abc").hexdigest())
    show("new %s name" % name, hashlib.new(name).name)
# OpenSSL's spellings reach the same digests (names as given stay 2.7's: not printed).
for ossl, py in (("sha3-256", "sha3_256"), ("sha512-224", "sha512_224"), ("SHA256", "sha256"),
                 ("blake2b512", "blake2b")):
    show("new %s == new %s" % (ossl, py),
         hashlib.new(ossl, b"abc").digest() == hashlib.new(py, b"abc").digest())
attempt("new unknown", hashlib.new, "spam")
try:
    hashlib.new("spam")
except ValueError as e:
    show("new unknown is a ValueError", str(e))

# FIPS 202 / NIST CSRC examples.
KAT = [
    ("sha3_224", b"abc", "e642824c3f8cf24ad09234ee7d3c766fc9a3a5168d0c94ad73b46fdf"),
    ("sha3_256", b"abc", "3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532"),
    ("sha3_384", b"abc", "ec01498288516fc926459f58e2c6ad8df9b473cb0fc08c2596da7cf0e49be4b2"
                         "98d88cea927ac7f539f1edf228376d25"),
    ("sha3_512", b"abc", "b751850b1a57168a5693cd924b6b096e08f621827444f70d884f5d0240d2712e"
                         "10e116e9192af3c91a7ec57647e3934057340b4cf408d5a56592f8274eec53f0"),
    ("shake_128", b"", "7f9c2ba4e88f827d616045507605853ed73b8093f6efbc88eb1a6eacfa66ef26"),
    ("shake_256", b"", "46b9dd2b0ba88d13233b3feb743eeb243fcd52ea62b81b82b50c27646ed5762f"),
]
for name, msg, want in KAT:
    h = hashlib.new(name, msg)
    got = h.hexdigest(len(want) // 2) if name in XOF else h.hexdigest()
    show("kat %s" % name, got == want)
showb("sha3_256 digest", hashlib.sha3_256(b"abc").digest())
done()
