"""hmac with every digest Python 3 guarantees (by name and by constructor), BLAKE2 as
digestmod, copy() midway, hmac.digest(), HMAC's Python 3 attributes, RFC 4231 known answers."""
from __future__ import print_function

import binascii
import hashlib
import hmac

from parity import attempt, done, show, showb

NAMES = ("md5", "sha1", "sha224", "sha256", "sha384", "sha512", "sha3_224", "sha3_256",
         "sha3_384", "sha3_512", "blake2b", "blake2s")
KEYS = (b"", b"k", b"\x0b" * 20, b"K" * 200)
for name in NAMES:
    for key in KEYS:
        h = hmac.new(key, b"message", name)
        show("%s key %d" % (name, len(key)), (h.hexdigest(), h.name, h.digest_size,
                                             h.block_size))
        showb("%s key %d hmac.digest" % (name, len(key)), hmac.digest(key, b"message", name))
    ctor = getattr(hashlib, name)
    h = hmac.new(b"key", digestmod=ctor)
    h.update(b"first ")
    c = h.copy()
    h.update(b"second")
    c.update(b"other")
    show("%s constructor digestmod + copy midway" % name,
         (h.hexdigest(), c.hexdigest(), h.name, c.digest_size))
    showb("%s hmac.digest(constructor)" % name, hmac.digest(b"key", b"msg", ctor))
    show("%s HMAC() == new()" % name,
         hmac.HMAC(b"key", b"msg", name).digest() == hmac.new(b"key", b"msg", name).digest())
# BLAKE2 objects (not OpenSSL's) as digestmod: the pure-Python HMAC.
for name in ("blake2b", "blake2s"):
    ctor = getattr(hashlib, name)
    show("%s type digestmod" % name, hmac.new(b"key", b"msg", ctor).hexdigest())
    show("%s lambda digestmod" % name,
         hmac.new(b"key", b"msg", lambda d=b"": ctor(d, digest_size=20)).hexdigest())
# RFC 4231 test cases 1, 2 and 6 (key longer than the block).
RFC4231 = [
    (b"\x0b" * 20, b"Hi There", {
        "sha224": "896fb1128abbdf196832107cd49df33f47b4b1169912ba4f53684b22",
        "sha256": "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
        "sha384": "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59c"
                  "faea9ea9076ede7f4af152e8b2fa9cb6",
        "sha512": "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cde"
                  "daa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854"}),
    (b"Jefe", b"what do ya want for nothing?", {
        "sha224": "a30e01098bc6dbbf45690f3a7e9e6d0f8bbea2a39e6148008fd05e44",
        "sha256": "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
        "sha384": "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e"
                  "8e2240ca5e69e2c78b3239ecfab21649",
        "sha512": "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
                  "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737"}),
    (b"\xaa" * 131, b"Test Using Larger Than Block-Size Key - Hash Key First", {
        "sha256": "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"}),
]
for key, msg, wants in RFC4231:
    for name, want in sorted(wants.items()):
        show("rfc4231 %s key %d" % (name, len(key)),
             (hmac.new(key, msg, name).hexdigest() == want,
              binascii.hexlify(hmac.digest(key, msg, name)).decode() == want))
attempt("unknown name", lambda: hmac.new(b"k", b"m", "spam").digest())
done()
