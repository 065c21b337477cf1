"""CVE-2022-37454: the SHA-3 code (XKCP) in CPython 3.6-3.11's builtin _sha3 overflowed a
buffer when one update() followed a partial block with about 4 GiB of data. pep466 is not
affected: CPython 2.7 has no _sha3 module at all, and pep466's SHA-3 (hashlib.new('sha3-224'),
...) is OpenSSL's, through _hashlib. This runs the CVE's trigger (1 byte, then one update of
2**32 - 1 bytes, from a private anonymous mapping so it costs no memory) and compares with the
digest Python 3.11.7 (XKCP with the fix) and OpenSSL 3.0.19 both give.

Checked: with DigestCtx::update (src/ossl/digest.rs) changed to feed only its first chunk of
INT_MAX bytes, the digest differs and this test fails. Takes about 10 s of CPU; not run under
valgrind (scripts/test.sh's memcheck stage says so).
"""
import mmap
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pep466_support import OUR_DIR, assert_modules_are_ours  # noqa: E402

import _hashlib  # noqa: E402
import hashlib  # noqa: E402

TRIGGER_SHA3_224 = "c5bcc3bc73b5ef45e91d2d7c70b64f196fac08eee4e4acf6e6571ebe"


class Sha3Trigger(unittest.TestCase):

    def setUp(self):
        if OUR_DIR:
            assert_modules_are_ours()

    def test_no_builtin_sha3_module(self):
        self.assertRaises(ImportError, __import__, "_sha3")
        # _hashlib's HASH type, OpenSSL's digest.
        self.assertIs(type(hashlib.new("sha3-224")), type(_hashlib.new("sha256")))
        self.assertEqual(hashlib.new("sha3-224").name, "sha3-224")

    def test_cve_trigger_digest(self):
        m = mmap.mmap(-1, 2 ** 32 - 1, flags=mmap.MAP_PRIVATE)
        try:
            h = hashlib.new("sha3-224")
            h.update(b"\x00")
            h.update(m)
            self.assertEqual(h.hexdigest(), TRIGGER_SHA3_224)
        finally:
            m.close()


if __name__ == "__main__":
    unittest.main()
