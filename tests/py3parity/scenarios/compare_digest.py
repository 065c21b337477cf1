"""hmac.compare_digest (and _hashlib's) on bytes, ASCII text, mixed and non-ASCII input."""
from __future__ import print_function

import hmac

from parity import attempt, done

CASES = [
    ("bytes equal", b"abc", b"abc"), ("bytes differ", b"abc", b"abd"),
    ("bytes lengths", b"abc", b"ab"), ("bytes empty", b"", b""),
    ("bytearray/bytes", bytearray(b"abc"), b"abc"), ("memoryview/bytes", memoryview(b"ab"), b"ab"),
    ("ascii text equal", u"abc", u"abc"), ("ascii text differ", u"abc", u"abd"),
    ("ascii text lengths", u"abc", u"abcd"),
    ("int/int", 1, 1), ("None/None", None, None),
]
for label, a, b in CASES:
    attempt(label, hmac.compare_digest, a, b)
# One side without a buffer: the TypeError's text is the interpreter's buffer protocol's.
for label, a, b in (("text/bytes", u"abc", b"abc"), ("bytes/text", b"abc", u"abc"),
                    ("int/bytes", 1, b"a"), ("bytes/int", b"a", 1)):
    attempt(label, hmac.compare_digest, a, b, msg=False)
# Non-ASCII text: Python 3 refuses it; 2.7's hmac.compare_digest compares it (allowed.txt).
attempt("non-ascii text", hmac.compare_digest, u"\xe9", u"\xe9")
attempt("non-ascii text differ", hmac.compare_digest, u"\xe9", u"\xea")
done()
