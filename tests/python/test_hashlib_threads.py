"""Threads sharing _hashlib objects.

Four threads update one hash object at once with a mix of small updates (made with the GIL
held) and updates of 2048 bytes or more (made with the GIL released, under the object's lock).
Every update feeds a whole number of copies of the same unit string, so whatever order the
lock serialises them in, the input is the unit repeated a known number of times: the final
digest is checkable, and every digest or copy taken mid-stream by a reader thread must be the
digest of some whole number of units. No timing is asserted here; whether two big updates run
in parallel is measured by scripts/bench.py.
"""
import os
import sys
import threading
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pep466_support  # noqa: E402,F401

import _hashlib  # noqa: E402

UNIT = ''.join(chr((i * 37 + 11) % 256) for i in xrange(100))
SMALL = UNIT               # 100 bytes: GIL held
BIG = UNIT * 41            # 4100 bytes: GIL released
HUGE = UNIT * 3000         # 300 000 bytes: long enough for real overlap
WRITERS = 4


def prefix_digests(name, count):
    """{digest of UNIT * k: k} for k in 0..count."""
    h = _hashlib.new(name)
    out = {h.digest(): 0}
    for k in xrange(1, count + 1):
        h.update(UNIT)
        out[h.digest()] = k
    return out


class SharedObjectTest(unittest.TestCase):

    def run_writers(self, name, pattern, rounds, readers=0):
        h = _hashlib.new(name)
        units = sum(len(p) // len(UNIT) for p in pattern) * rounds * WRITERS
        start = threading.Event()
        errors, seen = [], []
        done = []

        def writer(shift):
            start.wait()
            try:
                for r in xrange(rounds):
                    for i in xrange(len(pattern)):
                        h.update(pattern[(i + shift) % len(pattern)])
            except Exception as e:  # pragma: no cover - reported below
                errors.append(e)

        def reader():
            start.wait()
            try:
                # At least once: on a loaded machine the writers may all finish before a
                # reader is first scheduled.
                while True:
                    seen.append(h.digest())
                    seen.append(h.copy().digest())
                    if done:
                        break
            except Exception as e:  # pragma: no cover
                errors.append(e)

        writers = [threading.Thread(target=writer, args=(i,)) for i in xrange(WRITERS)]
        others = [threading.Thread(target=reader) for _ in xrange(readers)]
        for t in writers + others:
            t.start()
        start.set()
        for t in writers:
            t.join()
        done.append(True)
        for t in others:
            t.join()
        self.assertEqual(errors, [])
        valid = prefix_digests(name, units)
        self.assertEqual(valid.get(h.digest()), units, '%s: wrong final digest' % name)
        self.assertEqual(h.hexdigest(), _hashlib.new(name, UNIT * units).hexdigest())
        bad = [d for d in seen if d not in valid]
        self.assertEqual(bad, [], '%s: %d torn mid-stream digests' % (name, len(bad)))
        return seen

    def test_four_writers_mixed_sizes(self):
        for name in ('sha1', 'sha256', 'md5', 'sha512'):
            self.run_writers(name, [SMALL, BIG, SMALL, SMALL, BIG], rounds=60)

    def test_four_writers_big_only(self):
        self.run_writers('sha256', [BIG, HUGE], rounds=6)

    def test_writers_with_concurrent_readers(self):
        seen = self.run_writers('sha256', [SMALL, BIG, HUGE], rounds=5, readers=2)
        self.assertTrue(len(seen) > 0)

    def test_named_constructor_object(self):
        h = _hashlib.openssl_sha1()
        threads = [threading.Thread(target=lambda: [h.update(BIG) for _ in xrange(50)])
                   for _ in xrange(WRITERS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(h.hexdigest(), _hashlib.openssl_sha1(BIG * 50 * WRITERS).hexdigest())


class IndependentWorkTest(unittest.TestCase):

    def test_parallel_pbkdf2_and_big_hashes(self):
        """pbkdf2_hmac and big one-shot hashes (both GIL-released) in several threads give the
        same results as in one."""
        jobs = [('sha256', 'pw%d' % i, 'salt%d' % i, 3000 + i) for i in xrange(6)]
        want = [_hashlib.pbkdf2_hmac(*j) for j in jobs]
        big_want = _hashlib.openssl_sha512(HUGE * 4).hexdigest()
        got, big = [None] * len(jobs), []

        def kdf(i):
            got[i] = _hashlib.pbkdf2_hmac(*jobs[i])

        def hasher():
            for _ in xrange(3):
                big.append(_hashlib.openssl_sha512(HUGE * 4).hexdigest())
        threads = [threading.Thread(target=kdf, args=(i,)) for i in xrange(len(jobs))]
        threads += [threading.Thread(target=hasher) for _ in xrange(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(got, want)
        self.assertEqual(big, [big_want] * 6)


if __name__ == '__main__':
    unittest.main()
