"""hashlib.scrypt: RFC 7914's vectors, random parameters, and every bad parameter."""
from __future__ import print_function

import binascii
import hashlib

from parity import Lcg, attempt, done, show, showb

RFC7914 = [
    (b"", b"", 16, 1, 1, 64,
     "77d6576238657b203b19ca42c18a0497f16b4844e3074ae8dfdffa3fede21442"
     "fcd0069ded0948f8326a753a0fc81f17e8d3e0fb2e0d3628cf35e20c38d18906"),
    (b"password", b"NaCl", 1024, 8, 16, 64,
     "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b373162"
     "2eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640"),
    (b"pleaseletmein", b"SodiumChloride", 16384, 8, 1, 64,
     "7023bdcb3afd7348461c06cd81fd38ebfda8fbba904f8e3ea9b543f6545da1f2"
     "d5432955613f0fcf62d49705242a9af9e61e85dc0d651e40dfcf017b45575887"),
]
for pw, salt, n, r, p, dklen, want in RFC7914:
    key = hashlib.scrypt(pw, salt=salt, n=n, r=r, p=p, dklen=dklen)
    show("rfc7914 n=%d r=%d p=%d" % (n, r, p), binascii.hexlify(key).decode() == want)
    showb("rfc7914 n=%d key" % n, key)

rng = Lcg(466)
for i in range(25):
    n = 2 ** rng.randint(1, 10)
    r, p = rng.randint(1, 8), rng.randint(1, 4)
    dklen = rng.randint(1, 100)
    pw = bytes(bytearray(rng.randint(0, 255) for _ in range(rng.randint(0, 40))))
    salt = bytes(bytearray(rng.randint(0, 255) for _ in range(rng.randint(0, 40))))
    showb("random %d (n=%d r=%d p=%d dklen=%d)" % (i, n, r, p, dklen),
          hashlib.scrypt(pw, salt=salt, n=n, r=r, p=p, dklen=dklen))
showb("maxmem given", hashlib.scrypt(b"pw", salt=b"s", n=1024, r=8, p=1, maxmem=2 ** 24))
showb("bytearray/memoryview", hashlib.scrypt(bytearray(b"pw"), salt=memoryview(b"s"), n=16,
                                             r=1, p=1))

s = hashlib.scrypt
for label, kw in (("n not a power of 2", dict(n=3, r=8, p=1)), ("n=1", dict(n=1, r=8, p=1)),
                  ("n=0", dict(n=0, r=8, p=1)), ("n negative", dict(n=-4, r=1, p=1)),
                  ("r*p too large", dict(n=2, r=2 ** 30, p=2 ** 30)),
                  ("memory above default maxmem", dict(n=2 ** 20, r=8, p=1)),
                  ("maxmem exceeded", dict(n=1024, r=8, p=1, maxmem=1000)),
                  ("maxmem negative", dict(n=16, r=1, p=1, maxmem=-1)),
                  ("maxmem too large", dict(n=16, r=1, p=1, maxmem=2 ** 31)),
                  ("dklen 0", dict(n=16, r=1, p=1, dklen=0)),
                  ("dklen 2**32", dict(n=16, r=1, p=1, dklen=2 ** 32)),
                  ("dklen 2**31", dict(n=16, r=1, p=1, dklen=2 ** 31)),
                  ("r=0", dict(n=16, r=0, p=1)), ("p=0", dict(n=16, r=1, p=0))):
    attempt(label, s, b"pw", salt=b"salt", **kw)
attempt("no salt", s, b"pw", n=16, r=1, p=1)
attempt("no n", s, b"pw", salt=b"s", r=1, p=1)
attempt("two positionals", s, b"pw", b"salt", n=16, r=1, p=1)
attempt("float n", s, b"pw", salt=b"s", n=16.0, r=1, p=1)
done()
