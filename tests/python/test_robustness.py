"""Regression tests for memory-safety bugs found by valgrind runs and code review
(scripts/valgrind.sh, design.md section 6.7). Each crash-prone case runs in a child
interpreter, so a regression is reported as a failure instead of killing the test run.
"""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pep466_support import assert_modules_are_ours, run_ours, run_stock  # noqa: E402


class ParserCleanupTests(unittest.TestCase):
    """2.7's argument parser frees an `et` buffer itself when a later check fails."""

    CODE = r"""
import _ssl, socket
ctx = _ssl._SSLContext(2)
s = socket.socket()
out = []
for i in range(50):
    for call in (lambda: ctx.load_cert_chain("/nonexistent", bogus=1),
                 lambda: ctx._wrap_socket(s._sock, False, "host", bogus=1),
                 lambda: ctx.load_cert_chain(u"/nonexistent", keyfile=None, nope=2)):
        try:
            call()
        except TypeError as e:
            out.append(str(e))
print(sorted(set(out)))
"""

    def test_unknown_keyword_after_et_argument(self):
        # Before the fix: "free(): double free detected" (abort) on the first call.
        self.assertEqual(run_ours(self.CODE), run_stock(self.CODE))


if __name__ == "__main__":
    assert_modules_are_ours()
    unittest.main()
