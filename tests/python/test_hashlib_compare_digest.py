"""_hashlib.compare_digest against 2.7.18's own operator._compare_digest (which 2.7's
hmac.compare_digest is): the same result, exception class and message for every pair of a
set of values (str, unicode ASCII and not, bytearray, memoryview, buffer, array, subclasses
overriding __eq__, int, None). Python 3's behaviour on the common subset is checked by
tests/py3parity/scenarios/compare_digest.py."""
import array
import operator
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pep466_support  # noqa: E402,F401

import _hashlib  # noqa: E402


class MyStr(str):
    def __eq__(self, other):
        return False


class MyUnicode(unicode):
    def __eq__(self, other):
        return False


VALUES = ['', 'abc', 'abd', 'ab', u'', u'abc', u'abd', u'\xe9', u'\xe9\u20ac', u'\xea',
          bytearray('abc'), memoryview('abc'), buffer('abc'), array.array('b', [97, 98, 99]),
          MyStr('abc'), MyUnicode(u'abc'), 1, None, 1.5, ['abc'], 'a\x00c', '\xff' * 64]


def outcome(f, a, b):
    try:
        return ('ok', f(a, b))
    except Exception as e:
        return (type(e).__name__, str(e))


class CompareDigestTest(unittest.TestCase):

    def test_same_as_operator_compare_digest(self):
        wrong = []
        for a in VALUES:
            for b in VALUES:
                ours = outcome(_hashlib.compare_digest, a, b)
                stock = outcome(operator._compare_digest, a, b)
                if ours != stock:
                    wrong.append((a, b, ours, stock))
        self.assertEqual(wrong, [])

    def test_arity(self):
        self.assertRaises(TypeError, _hashlib.compare_digest, 'a')
        self.assertRaises(TypeError, _hashlib.compare_digest, 'a', 'b', 'c')

    def test_long_inputs(self):
        a = 'x' * 10 ** 6
        self.assertTrue(_hashlib.compare_digest(a, 'x' * 10 ** 6))
        self.assertFalse(_hashlib.compare_digest(a, 'x' * (10 ** 6 - 1) + 'y'))
        self.assertFalse(_hashlib.compare_digest(a, 'x'))


if __name__ == '__main__':
    unittest.main()
