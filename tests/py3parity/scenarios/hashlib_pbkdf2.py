"""pbkdf2_hmac over Python 3's digest names, SHA-3 included."""
from __future__ import print_function

import hashlib

from parity import attempt, done, showb

for name in ("sha1", "sha256", "sha512", "sha3_224", "sha3_256", "sha3_384", "sha3_512",
             "sha512_224", "sha512_256", "sha3-256", "SHA256"):
    for dklen in (None, 1, 20, 64, 100):
        showb("%s dklen=%s" % (name, dklen),
              hashlib.pbkdf2_hmac(name, b"pass\x00word", b"sa\x00lt", 50, dklen))
attempt("unknown digest", hashlib.pbkdf2_hmac, "spam", b"p", b"s", 1)
done()
