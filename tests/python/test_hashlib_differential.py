"""Differential test: our _hashlib against Python 3's hashlib on the same OpenSSL.

Every name in `_hashlib.openssl_md_meth_names` is hashed at a spread of sizes (0 to 70 000 bytes,
with the padding and block boundaries of every block size involved), fed in one piece, in
chunks, through copies taken mid-stream and after a mid-stream digest(); pbkdf2_hmac is checked
on the RFC 6070 vectors and on random cases. All the Python 3 work is batched into one
subprocess call per kind (pep466_support.run_python3).

Name mapping (2.7 keeps OpenSSL's spelling, Python 3 normalises it):
    blake2b512 -> blake2b, blake2s256 -> blake2s (their default digest sizes are 64 and 32),
    sha3-224/256/384/512 -> sha3_224/..., sha512-224/256 -> sha512_224/256,
    shake128 -> shake_128 with digest(16), shake256 -> shake_256 with digest(32): 2.7's
        digest() returns OpenSSL's default XOF length (EVP_MD_size), which is 16 and 32;
    md5-sha1, ripemd160, sm3 and the six classic names are spelled alike.
A name Python 3 cannot hash here (md4 and whirlpool: Python 3 does not load OpenSSL's legacy
provider) is compared with the `openssl dgst` / `openssl kdf` CLI, loading the legacy provider.
Python 3 and the CLI use the system OpenSSL; a build against another OpenSSL (the matrix's
openssl-src builds) can list a digest neither has (mdc2: Debian's OpenSSL leaves it out). Such a
name is checked against published known answers (KNOWN_ANSWERS), every case against that
name's one-shot digest, and its PBKDF2 against RFC 8018's PBKDF2 over RFC 2104's HMAC written
out here on top of that (known-answer-checked) digest. On the system build every name must
have Python 3 or the CLI as its reference.
"""
import base64
import json
import os
import random
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pep466_support  # noqa: E402

import _hashlib  # noqa: E402

# 2.7 / OpenSSL spelling -> (Python 3 name, XOF output length or None).
PY3_NAMES = {
    'blake2b512': ('blake2b', None),
    'blake2s256': ('blake2s', None),
    'sha3-224': ('sha3_224', None),
    'sha3-256': ('sha3_256', None),
    'sha3-384': ('sha3_384', None),
    'sha3-512': ('sha3_512', None),
    'sha512-224': ('sha512_224', None),
    'sha512-256': ('sha512_256', None),
    'shake128': ('shake_128', 16),
    'shake256': ('shake_256', 32),
    'shake_128': ('shake_128', 16),
    'shake_256': ('shake_256', 32),
}

# Block sizes (and SHA-3 rates) in play: 64, 128, 72, 104, 136, 144, 168. Around each: the
# last size that pads in one block, the boundary itself, one past; plus the GIL threshold
# (2048) and the top of the range.
SIZES = sorted(set(
    [0, 1, 2, 3, 31, 32, 33]
    + [b + d for b in (55, 56, 64, 111, 112, 128, 72, 104, 136, 144, 168, 192, 256)
       for d in (-1, 0, 1)]
    + [1000, 1023, 1024, 1025, 2047, 2048, 2049, 4095, 4096, 4097, 8191, 8192, 8193,
       16384, 32767, 65535, 65536, 65537, 69999, 70000]))

DATA_LEN = 140000

PY3_DIGESTS = r'''
import base64, hashlib, json, sys
job = json.loads(sys.stdin.read())
data = base64.b64decode(job["data"])
out = []
for name, xof, segs in job["tasks"]:
    h = hashlib.new(name)
    for a, b in segs:
        h.update(data[a:b])
    out.append(h.hexdigest(xof) if xof else h.hexdigest())
sys.stdout.write(json.dumps(out))
'''

PY3_PBKDF2 = r'''
import binascii, hashlib, json, sys
out = []
for name, pw, salt, it, dklen in json.loads(sys.stdin.read()):
    key = hashlib.pbkdf2_hmac(name, binascii.unhexlify(pw), binascii.unhexlify(salt), it, dklen)
    out.append(binascii.hexlify(key).decode())
sys.stdout.write(json.dumps(out))
'''

LEGACY = ['-provider', 'legacy', '-provider', 'default']

# Published digests for names that may have no reference here (see the module doc).
KNOWN_ANSWERS = {
    # MDC-2 with DES, padding 1 (OpenSSL's): OpenSSL's test/mdc2test.c and the MDC-2 examples
    # of its specification's common test set.
    'mdc2': [
        ('', '52525252525252522525252525252525'),
        ('Now is the time for all ', '42e50cd224baceba760bdd2bd409281a'),
        ('The quick brown fox jumps over the lazy dog', '000ed54e093d61679aefbeae05bfe33a'),
        ('The quick brown fox jumps over the lazy cog', '775f59f8e51aec29c57ac6ab850d58e8'),
    ],
}

_cli_has = {}


def cli_has_digest(name):
    """Whether the `openssl` CLI (with the legacy provider) can hash with `name`."""
    if name not in _cli_has:
        proc = subprocess.Popen(['openssl', 'dgst', '-' + name, '-r'] + LEGACY,
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE)
        proc.communicate('')
        _cli_has[name] = proc.returncode == 0
    return _cli_has[name]


def cli_is_our_openssl():
    """Whether the `openssl` CLI is the OpenSSL our module is linked to."""
    import _ssl
    out = openssl(['version'])
    return out.startswith(_ssl.OPENSSL_VERSION + ' ') or out.strip() == _ssl.OPENSSL_VERSION


def reference_hmac(name, key, msg):
    """RFC 2104 HMAC over our `name` digest, with the block size from the digest as OpenSSL's
    HMAC has it (2.7's hmac.py would use 64 for mdc2's 8-byte blocks). A key longer than a
    block is hashed; where that hash is longer than a block (mdc2: 16 > 8), which RFC 2104
    leaves open, OpenSSL's HMAC uses its first block-size bytes."""
    block = _hashlib.new(name).block_size
    if len(key) > block:
        key = _hashlib.new(name, key).digest()[:block]
    key = key + '\0' * (block - len(key))
    inner = _hashlib.new(name, ''.join(chr(ord(c) ^ 0x36) for c in key) + msg).digest()
    return _hashlib.new(name, ''.join(chr(ord(c) ^ 0x5c) for c in key) + inner).digest()


def reference_pbkdf2(name, pw, salt, it, dklen):
    """RFC 8018 PBKDF2 with reference_hmac as the PRF."""
    out = ''
    index = 1
    while len(out) < dklen:
        u = reference_hmac(name, pw, salt + chr(index >> 24 & 0xff) + chr(index >> 16 & 0xff)
                           + chr(index >> 8 & 0xff) + chr(index & 0xff))
        t = [ord(c) for c in u]
        for _ in xrange(it - 1):
            u = reference_hmac(name, pw, u)
            t = [a ^ ord(b) for a, b in zip(t, u)]
        out += ''.join(chr(c) for c in t)
        index += 1
    return out[:dklen]


def openssl(args, stdin=None):
    proc = subprocess.Popen(['openssl'] + args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    out, err = proc.communicate(stdin)
    if proc.returncode != 0:
        raise AssertionError('openssl %s failed: %s' % (' '.join(args), err))
    return out


def py3_hashable_names():
    """The Python 3 names that hashlib.new() accepts here."""
    code = ('import hashlib, json, sys\n'
            'ok = []\n'
            'for n in json.loads(sys.stdin.read()):\n'
            '    try:\n'
            '        hashlib.new(n)\n'
            '        ok.append(n)\n'
            '    except ValueError:\n'
            '        pass\n'
            'sys.stdout.write(json.dumps(ok))\n')
    names = [PY3_NAMES.get(n, (n, None))[0] for n in _hashlib.openssl_md_meth_names]
    return set(json.loads(pep466_support.run_python3(code, json.dumps(names))))


class DigestDifferentialTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        rng = random.Random(466)
        cls.data = ''.join(chr(rng.randrange(256)) for _ in xrange(DATA_LEN))
        cls.rng = rng
        cls.py3_ok = py3_hashable_names()
        cls.names = sorted(_hashlib.openssl_md_meth_names)

    def py3_name(self, name):
        return PY3_NAMES.get(name, (name, None))

    def cases(self, name):
        """(description, segments to feed, function computing our hex digest) for one name."""
        data, rng = self.data, random.Random(name)
        cases = []
        for size in SIZES:
            off = rng.randrange(DATA_LEN - size + 1)

            def one_shot(off=off, size=size):
                return _hashlib.new(name, data[off:off + size]).hexdigest()

            def update(off=off, size=size):
                h = _hashlib.new(name)
                h.update(data[off:off + size])
                return h.hexdigest()
            cases.append(('%s one-shot %d' % (name, size), [(off, off + size)], one_shot))
            cases.append(('%s update %d' % (name, size), [(off, off + size)], update))
        # Chunked feeding: random chunk sizes (often 0, 1 or around a block), several buffer
        # types; the result must not depend on how the input was cut.
        for size in (0, 1, 63, 64, 65, 200, 1000, 2048, 5000, 70000):
            off = rng.randrange(DATA_LEN - size + 1)
            cuts = []
            pos = 0
            while pos < size:
                step = min(size - pos, rng.choice([0, 1, 7, 63, 64, 65, 127, 128, 129, 3000]))
                cuts.append((off + pos, off + pos + step))
                pos += step

            def chunked(cuts=cuts):
                h = _hashlib.new(name)
                for i, (a, b) in enumerate(cuts):
                    piece = data[a:b]
                    kind = i % 4
                    if kind == 1:
                        piece = bytearray(piece)
                    elif kind == 2:
                        piece = buffer(piece)
                    elif kind == 3:
                        piece = memoryview(piece)
                    h.update(piece)
                return h.hexdigest()
            cases.append(('%s chunked %d' % (name, size), [(off, off + size)], chunked))
        # Copies mid-stream: the copy and the original go on with different data; a digest()
        # in the middle must not disturb either.
        for split, rest_a, rest_b in ((0, 10, 3000), (64, 64, 0), (100, 70000 - 100, 7),
                                      (2048, 2049, 1), (69999, 1, 0)):
            off = rng.randrange(DATA_LEN - split - rest_a + 1)
            off_b = rng.randrange(DATA_LEN - rest_b + 1)
            mid = (off, off + split)
            tail_a = (off + split, off + split + rest_a)
            tail_b = (off_b, off_b + rest_b)

            def copied(mid=mid, tail_a=tail_a, tail_b=tail_b):
                h = _hashlib.new(name, data[mid[0]:mid[1]])
                c = h.copy()
                at_copy = c.hexdigest()
                h.update(data[tail_a[0]:tail_a[1]])
                c.update(data[tail_b[0]:tail_b[1]])
                c2 = c.copy()
                return (h.hexdigest(), c.hexdigest(), at_copy, c2.hexdigest())
            cases.append(('%s copy original %d' % (name, split), [mid, tail_a],
                          lambda f=copied: f()[0]))
            cases.append(('%s copy branch %d' % (name, split), [mid, tail_b],
                          lambda f=copied: f()[1]))
            cases.append(('%s copy at split %d' % (name, split), [mid],
                          lambda f=copied: f()[2]))
            cases.append(('%s copy of copy %d' % (name, split), [mid, tail_b],
                          lambda f=copied: f()[3]))
        return cases

    def test_every_listed_name_against_python3_or_cli(self):
        self.assertTrue(len(self.names) >= 6, self.names)
        tasks, ours, labels, cli = [], [], [], []
        for name in self.names:
            py3, xof = self.py3_name(name)
            for label, segs, fn in self.cases(name):
                if py3 in self.py3_ok:
                    tasks.append((py3, xof, segs))
                    ours.append(fn())
                    labels.append(label)
                else:
                    cli.append((name, label, segs, fn))
        job = json.dumps({'data': base64.b64encode(self.data), 'tasks': tasks})
        theirs = json.loads(pep466_support.run_python3(PY3_DIGESTS, job))
        self.assertEqual(len(theirs), len(ours))
        mismatches = [(l, o, t) for l, o, t in zip(labels, ours, theirs) if o != t]
        self.assertEqual(mismatches, [], 'mismatches vs Python 3: %d, first: %r'
                         % (len(mismatches), mismatches[:3]))
        # Names Python 3 lacks: the CLI, on a subset of the cases (one process per case);
        # names the CLI lacks too: known answers and self-consistency (module doc).
        cli_names = set(n for n, _, _, _ in cli if cli_has_digest(n))
        kat_names = set(n for n, _, _, _ in cli) - cli_names
        if cli_is_our_openssl():
            self.assertEqual(kat_names, set(), 'the CLI is our OpenSSL: it must hash these')
        for name in sorted(kat_names):
            self.assertIn(name, KNOWN_ANSWERS, 'no reference for %s' % name)
            for data, want in KNOWN_ANSWERS[name]:
                self.assertEqual(_hashlib.new(name, data).hexdigest(), want, (name, data))
                h = _hashlib.new(name)
                for i in xrange(len(data)):
                    h.update(data[i])
                self.assertEqual(h.hexdigest(), want, (name, data))
            checked = 0
            for n, label, segs, fn in cli:
                if n == name:
                    payload = ''.join(self.data[a:b] for a, b in segs)
                    self.assertEqual(fn(), _hashlib.new(name, payload).hexdigest(), label)
                    checked += 1
            self.assertTrue(checked >= 100, (name, checked))
        for name in sorted(cli_names):
            checked = 0
            for n, label, segs, fn in cli:
                if n != name or not (label.endswith((' 0', ' 1', ' 64', ' 65', ' 2048',
                                                     ' 70000', ' 100'))):
                    continue
                payload = ''.join(self.data[a:b] for a, b in segs)
                line = openssl(['dgst', '-' + name, '-r'] + LEGACY, payload)
                self.assertEqual(fn(), line.split()[0], label)
                checked += 1
            self.assertTrue(checked >= 10, (name, checked))
        sys.stderr.write('\n  compared %d digests with Python 3 (%d names), CLI for %s, '
                         'known answers for %s\n' % (len(ours), len(set(t[0] for t in tasks)),
                                                      sorted(cli_names), sorted(kat_names)))

    def test_named_constructors_and_case(self):
        """openssl_<name>() and new() with upper-case names agree with new(name)."""
        for name in ('md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512'):
            for size in (0, 3, 64, 2048, 70000):
                data = self.data[:size]
                want = _hashlib.new(name, data).hexdigest()
                self.assertEqual(getattr(_hashlib, 'openssl_' + name)(data).hexdigest(), want)
                self.assertEqual(_hashlib.new(name.upper(), data).hexdigest(), want)
                self.assertEqual(_hashlib.new(name, bytearray(data)).hexdigest(), want)


RFC6070 = [
    ('password', 'salt', 1, 20, '0c60c80f961f0e71f3a9b524af6012062fe037a6'),
    ('password', 'salt', 2, 20, 'ea6c014dc72d6f8ccd1ed92ace1d41f0d8de8957'),
    ('password', 'salt', 4096, 20, '4b007901b765489abead49d926f721d065a429c1'),
    ('passwordPASSWORDpassword', 'saltSALTsaltSALTsaltSALTsaltSALTsalt', 4096, 25,
     '3d2eec4fe41c849b80c8d83662c0e44a8b291a964cf2f07038'),
    ('pass\0word', 'sa\0lt', 4096, 16, '56fa6aa75548099dcc37d7f03425e0c3'),
]


class Pbkdf2DifferentialTest(unittest.TestCase):

    def test_rfc6070(self):
        cases = []
        for pw, salt, it, dklen, want in RFC6070:
            got = _hashlib.pbkdf2_hmac('sha1', pw, salt, it, dklen)
            self.assertEqual(got.encode('hex'), want)
            cases.append(('sha1', pw.encode('hex'), salt.encode('hex'), it, dklen))
        theirs = json.loads(pep466_support.run_python3(PY3_PBKDF2, json.dumps(cases)))
        self.assertEqual(theirs, [c[4] for c in RFC6070])

    def test_random_cases(self):
        rng = random.Random(6070)
        py3_ok = py3_hashable_names()
        names = []
        for name in sorted(_hashlib.openssl_md_meth_names):
            if name.startswith('shake'):
                continue   # an XOF has no HMAC
            names.append(name)
        names += ['SHA256', 'Sha1', 'MD5']
        cases, ours, cli = [], [], []
        for i in xrange(300):
            name = names[i % len(names)]
            pw = ''.join(chr(rng.randrange(256)) for _ in xrange(rng.choice([0, 1, 8, 64, 65, 200])))
            salt = ''.join(chr(rng.randrange(256)) for _ in xrange(rng.choice([0, 1, 8, 16, 100])))
            it = rng.choice([1, 2, 3, 17, 100, 1000, 2000])
            dklen = rng.choice([None, 1, 16, 20, 32, 33, 64, 65, 129, 300])
            key = _hashlib.pbkdf2_hmac(name, pw, salt, it, dklen)
            py3 = PY3_NAMES.get(name, (name, None))[0]
            if py3.lower() in py3_ok or py3 in ('SHA256', 'Sha1', 'MD5'):
                cases.append((py3, pw.encode('hex'), salt.encode('hex'), it, dklen))
                ours.append(key.encode('hex'))
            else:
                cli.append((name, pw, salt, it, key))
        theirs = json.loads(pep466_support.run_python3(PY3_PBKDF2, json.dumps(cases)))
        mismatches = [(c, o, t) for c, o, t in zip(cases, ours, theirs) if o != t]
        self.assertEqual(len(theirs), len(ours))
        self.assertEqual(mismatches, [])
        # Digests the CLI lacks too (module doc): the reference PBKDF2, on every such case.
        if cli_is_our_openssl():
            self.assertEqual([c for c in cli if not cli_has_digest(c[0])], [])
        kat = [c for c in cli if not cli_has_digest(c[0])]
        if kat:
            # The reference itself, on RFC 6070's vectors.
            for pw, salt, it, dklen, want in RFC6070:
                self.assertEqual(reference_pbkdf2('sha1', pw, salt, it, dklen).encode('hex'), want)
        for name, pw, salt, it, key in kat:
            self.assertIn(name, KNOWN_ANSWERS, 'no reference for %s' % name)
            self.assertEqual(reference_pbkdf2(name, pw, salt, it, len(key)).encode('hex'),
                             key.encode('hex'), (name, it, len(key)))
        cli = [c for c in cli if cli_has_digest(c[0])]
        cli = [c for c in cli if c[1] and c[2]][:6]   # the CLI wants non-empty pass and salt
        self.assertTrue(len(cli) >= 2 or not cli_expected(names, py3_ok), cli)
        for name, pw, salt, it, key in cli:
            out = openssl(['kdf', '-keylen', str(len(key)), '-kdfopt', 'digest:' + name,
                           '-kdfopt', 'hexpass:' + pw.encode('hex'),
                           '-kdfopt', 'hexsalt:' + salt.encode('hex'),
                           '-kdfopt', 'iter:%d' % it] + LEGACY + ['PBKDF2'])
            self.assertEqual(out.strip().replace(':', '').lower(), key.encode('hex'))
        sys.stderr.write('\n  compared %d pbkdf2 keys with Python 3, %d with the CLI, %d with '
                         'the reference PBKDF2\n' % (len(ours), len(cli), len(kat)))


def cli_expected(names, py3_ok):
    return any(PY3_NAMES.get(n, (n, None))[0].lower() not in py3_ok and cli_has_digest(n)
               for n in names if n not in ('SHA256', 'Sha1', 'MD5'))


if __name__ == '__main__':
    unittest.main()
