"""Bad input to _hashlib: each case gives exactly 2.7.18's exception class and message, and never
crashes.

Stock 2.7.18 on this machine has no _hashlib (it failed to build against OpenSSL 3), so the
expected texts come from 2.7's _hashopenssl.c as recorded in the API inventory (section 3) and
from CPython's own argument parser (which our module calls with 2.7's format strings, so those
messages are 2.7's by construction and are pinned here). Where hashlib.py is involved the
results are also compared with stock 2.7 running hashlib's built-in fallback.
"""
import hashlib
import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pep466_support  # noqa: E402

import _hashlib  # noqa: E402

NON_ASCII = ("'ascii' codec can't encode character u'\\xe9' in position %d: "
             "ordinal not in range(128)")


class S(str):
    pass


def P(*args, **kwargs):
    return (args, kwargs)


new, pbkdf2 = _hashlib.new, _hashlib.pbkdf2_hmac
H = _hashlib.new('md5')

# (label, callable, positional/keyword args, exception class, message)
UNSUPPORTED = _hashlib.UnsupportedDigestmodError

CASES = [
    # new(name, string=''): "O|s*:new", then the name through "s".
    ('new int name', new, P(1), TypeError, 'name must be a string'),
    ('new None name', new, P(None), TypeError, 'name must be a string'),
    ('new list name', new, P(['md5']), TypeError, 'name must be a string'),
    ('new object name', new, P(object()), TypeError, 'name must be a string'),
    ('new buffer name', new, P(buffer('md5')), TypeError, 'name must be a string'),
    ('new NUL name', new, P('sha256\x00'), TypeError, 'name must be a string'),
    ('new NUL only', new, P('\x00'), TypeError, 'name must be a string'),
    ('new unicode NUL name', new, P(u'md5\x00'), TypeError, 'name must be a string'),
    ('new non-ASCII unicode name', new, P(u'sh\xe9'), TypeError, 'name must be a string'),
    # Unknown digests: 2.7's text, raised as Python 3's UnsupportedDigestmodError (a
    # ValueError, so 2.7's `except ValueError` holds).
    ('new unknown name', new, P('spam spam'), UNSUPPORTED, 'unsupported hash type'),
    ('new empty name', new, P(''), UNSUPPORTED, 'unsupported hash type'),
    ('new unknown unicode name', new, P(u'nope'), UNSUPPORTED, 'unsupported hash type'),
    ('new non-ASCII data', new, P('sha256', u'\xe9'), UnicodeEncodeError, NON_ASCII % 0),
    ('new non-ASCII data kw', new, P('md5', string=u'a\xe9'), UnicodeEncodeError,
     NON_ASCII % 1),
    ('new int data', new, P('sha256', 1), TypeError,
     'new() argument 2 must be string or buffer, not int'),
    ('new None data', new, P('sha256', None), TypeError,
     'new() argument 2 must be string or buffer, not None'),
    ('new object data', new, P('sha256', object()), TypeError,
     'new() argument 2 must be string or buffer, not object'),
    ('new list data', new, P('md5', ['a']), TypeError,
     'new() argument 2 must be string or buffer, not list'),
    ('new no args', new, P(), TypeError, "Required argument 'name' (pos 1) not found"),
    ('new 3 args', new, P('md5', 'a', 'b'), TypeError,
     'new() takes at most 2 arguments (3 given)'),
    ('new name twice', new, P('md5', name='md5'), TypeError,
     "Argument given by name ('name') and position (1)"),
    ('new unknown keyword', new, P('md5', bogus='x'), TypeError,
     "'bogus' is an invalid keyword argument for this function"),
    ('new data and string', new, P('md5', string='x', data='y'), TypeError,
     "'data' and 'string' are mutually exclusive and support for 'string' keyword parameter "
     "is slated for removal in a future version."),
    # Data errors are reported before name errors ("O|s*" parses both first).
    ('new bad name and data', new, P(1, 2), TypeError,
     'new() argument 2 must be string or buffer, not int'),
    # openssl_<name>([string]): 2.7's "|s*" for positional calls; keywords as Python 3's
    # (string/data, usedforsecurity).
    ('ctor keyword', _hashlib.openssl_md5, P(bogus='a'), TypeError,
     "'bogus' is an invalid keyword argument for this function"),
    ('ctor 2 args and keyword', _hashlib.openssl_md5, P('a', 'b', usedforsecurity=False),
     TypeError, 'openssl_md5() takes at most 1 argument (2 given)'),
    ('ctor 2 args', _hashlib.openssl_sha256, P('a', 'b'), TypeError,
     'openssl_sha256() takes at most 1 argument (2 given)'),
    ('ctor int', _hashlib.openssl_sha1, P(3), TypeError,
     'openssl_sha1() argument 1 must be string or buffer, not int'),
    ('ctor None', _hashlib.openssl_sha384, P(None), TypeError,
     'openssl_sha384() argument 1 must be string or buffer, not None'),
    ('ctor non-ASCII', _hashlib.openssl_sha512, P(u'\xe9'), UnicodeEncodeError,
     NON_ASCII % 0),
    # HASH methods.
    ('update no args', H.update, P(), TypeError, 'update() takes exactly 1 argument (0 given)'),
    ('update 2 args', H.update, P('a', 'b'), TypeError,
     'update() takes exactly 1 argument (2 given)'),
    ('update keyword', H.update, P(data='x'), TypeError, 'update() takes no keyword arguments'),
    ('update int', H.update, P(1), TypeError,
     'update() argument 1 must be string or buffer, not int'),
    ('update None', H.update, P(None), TypeError,
     'update() argument 1 must be string or buffer, not None'),
    ('update dict', H.update, P({}), TypeError,
     'update() argument 1 must be string or buffer, not dict'),
    ('update non-ASCII', H.update, P(u'ab\xe9'), UnicodeEncodeError, NON_ASCII % 2),
    ('digest arg', H.digest, P(1), TypeError, 'digest() takes no arguments (1 given)'),
    ('hexdigest arg', H.hexdigest, P(1), TypeError, 'hexdigest() takes no arguments (1 given)'),
    ('copy arg', H.copy, P(1), TypeError, 'copy() takes no arguments (1 given)'),
    ('set name', setattr, P(H, 'name', 'x'), TypeError, 'readonly attribute'),
    ('del name', delattr, P(H, 'name'), TypeError, 'readonly attribute'),
    ('set digest_size', setattr, P(H, 'digest_size', 1), AttributeError,
     "attribute 'digest_size' of '_hashlib.HASH' objects is not writable"),
    ('set block_size', setattr, P(H, 'block_size', 1), AttributeError,
     "attribute 'block_size' of '_hashlib.HASH' objects is not writable"),
    ('new attribute', setattr, P(H, 'spam', 1), AttributeError,
     "'_hashlib.HASH' object has no attribute 'spam'"),
    ('instantiate HASH', type(H), P(), TypeError, "cannot create '_hashlib.HASH' instances"),
    # pbkdf2_hmac(hash_name, password, salt, iterations, dklen=None): "ss*s*l|O", then 2.7's
    # checks in 2.7's order.
    ('pbkdf2 unknown hash', pbkdf2, P('spam', 'p', 's', 1), UNSUPPORTED, 'unsupported hash type'),
    ('pbkdf2 unknown hash first', pbkdf2, P('spam', 'p', 's', 0, 0), UNSUPPORTED,
     'unsupported hash type'),
    ('pbkdf2 zero iterations', pbkdf2, P('sha1', 'p', 's', 0), ValueError,
     'iteration value must be greater than 0.'),
    ('pbkdf2 negative iterations', pbkdf2, P('sha1', 'p', 's', -1), ValueError,
     'iteration value must be greater than 0.'),
    ('pbkdf2 iterations before dklen', pbkdf2, P('sha1', 'p', 's', 0, 0), ValueError,
     'iteration value must be greater than 0.'),
    ('pbkdf2 iterations INT_MAX+1', pbkdf2, P('sha1', 'p', 's', 2 ** 31), OverflowError,
     'iteration value is too great.'),
    ('pbkdf2 iterations over long', pbkdf2, P('sha1', 'p', 's', 2 ** 64), OverflowError,
     'Python int too large to convert to C long'),
    ('pbkdf2 float iterations', pbkdf2, P('sha1', 'p', 's', 1.5), TypeError,
     'integer argument expected, got float'),
    ('pbkdf2 str iterations', pbkdf2, P('sha1', 'p', 's', '1'), TypeError,
     'an integer is required'),
    ('pbkdf2 zero dklen', pbkdf2, P('sha1', 'p', 's', 1, 0), ValueError,
     'key length must be greater than 0.'),
    ('pbkdf2 negative dklen', pbkdf2, P('sha1', 'p', 's', 1, -20), ValueError,
     'key length must be greater than 0.'),
    ('pbkdf2 huge dklen', pbkdf2, P('sha1', 'p', 's', 1, 2 ** 31), OverflowError,
     'key length is too great.'),
    ('pbkdf2 huge long dklen', pbkdf2, P('sha1', 'p', 's', 1, 2 ** 64), OverflowError,
     'Python int too large to convert to C long'),
    ('pbkdf2 str dklen', pbkdf2, P('sha1', 'p', 's', 1, 'x'), TypeError,
     'an integer is required'),
    ('pbkdf2 int hash name', pbkdf2, P(1, 'p', 's', 1), TypeError,
     'pbkdf2_hmac() argument 1 must be string, not int'),
    ('pbkdf2 NUL hash name', pbkdf2, P('sha\x001', 'p', 's', 1), TypeError,
     'pbkdf2_hmac() argument 1 must be string without null bytes, not str'),
    ('pbkdf2 non-ASCII hash name', pbkdf2, P(u'sh\xe9', 'p', 's', 1), UnicodeEncodeError,
     NON_ASCII % 2),
    ('pbkdf2 int password', pbkdf2, P('sha1', 1, 's', 1), TypeError,
     'pbkdf2_hmac() argument 2 must be string or buffer, not int'),
    ('pbkdf2 None salt', pbkdf2, P('sha1', 'p', None, 1), TypeError,
     'pbkdf2_hmac() argument 3 must be string or buffer, not None'),
    ('pbkdf2 non-ASCII password', pbkdf2, P('sha1', u'\xe9', 's', 1), UnicodeEncodeError,
     NON_ASCII % 0),
    ('pbkdf2 missing iterations', pbkdf2, P('sha1', 'p', 's'), TypeError,
     "Required argument 'iterations' (pos 4) not found"),
    ('pbkdf2 unknown keyword', pbkdf2, P('sha1', 'p', 's', 1, rounds=3), TypeError,
     "'rounds' is an invalid keyword argument for this function"),
    ('pbkdf2 too many args', pbkdf2, P('sha1', 'p', 's', 1, 2, 3), TypeError,
     'pbkdf2_hmac() takes at most 5 arguments (6 given)'),
    # An XOF has no HMAC: up to OpenSSL 3.3 PKCS5_PBKDF2_HMAC fails and queues no error, so
    # 2.7's _setException says "unknown reasons" (Python 3.11 says "no reason supplied"); 3.4
    # added a check that queues PROV_R_XOF_DIGESTS_NOT_ALLOWED, which 2.7 shows as
    # "[<library text>] <reason text>".
    ('pbkdf2 xof', pbkdf2, P('shake128', 'p', 's', 1), ValueError,
     '[Provider routines] xof digests not allowed'
     if pep466_support.ours_openssl_version() >= 0x30400000 else 'unknown reasons'),
]


class BadInputTest(unittest.TestCase):

    def test_table(self):
        wrong = []
        for label, fn, (args, kwargs), cls, message in CASES:
            try:
                fn(*args, **kwargs)
            except Exception as e:
                if type(e) is not cls or str(e) != message:
                    wrong.append((label, type(e).__name__, str(e)))
            else:
                wrong.append((label, 'no exception', None))
        self.assertEqual(wrong, [])

    def test_accepted_unusual_input(self):
        """What 2.7 accepts: unicode (ASCII) names and data, buffers, str subclasses, keywords,
        a non-integer dklen that converts (PyLong_AsLong uses __int__)."""
        want = new('sha256', 'abc').digest()
        h = new(u'sha256', u'abc')
        self.assertEqual(h.digest(), want)
        self.assertEqual(type(h.name), unicode)
        self.assertEqual(new('SHA256', 'abc').name, 'SHA256')
        self.assertEqual(new(name='sha256', string='abc').digest(), want)
        self.assertEqual(new(string='abc', name='sha256').digest(), want)
        for data in (S('abc'), bytearray('abc'), buffer('xabc', 1), memoryview('abc'),
                     u'abc', __import__('array').array('b', 'abc')):
            self.assertEqual(new('sha256', data).digest(), want, repr(data))
            self.assertEqual(_hashlib.openssl_sha256(data).digest(), want, repr(data))
            h = _hashlib.openssl_sha256()
            h.update(data)
            self.assertEqual(h.digest(), want, repr(data))
        key = pbkdf2('sha1', 'p', 's', 1)
        self.assertEqual(pbkdf2(hash_name='sha1', password='p', salt='s', iterations=1,
                                dklen=None), key)
        self.assertEqual(pbkdf2(u'sha1', u'p', u's', 1L), key)
        self.assertEqual(pbkdf2('sha1', bytearray('p'), buffer('s'), 1), key)
        self.assertEqual(pbkdf2('sha1', 'p', 's', 1, 1.9), key[:1])
        self.assertEqual(pbkdf2('sha1', 'p', 's', 1, True), key[:1])
        self.assertEqual(pbkdf2('SHA1', 'p', 's', 1, 5L), key[:5])

    def test_legacy_digests_work(self):
        """md4, whirlpool and ripemd160 (legacy provider loaded by ossl::compat)."""
        vectors = {
            'md4': 'a448017aaf21d8525fc10ae87aa6729d',
            'ripemd160': '8eb208f7e05d987a9b044a8e98c6b087f15a0bfc',
            'whirlpool': '4e2448a4c6f486bb16b6562c73b4020bf3043e3a731bce721ae1b303d97e6d4c'
                         '7181eebdb6c57e277d0e34957114cbd6c797fc9d95d8b582d225292076d4eef5',
        }
        for name, want in sorted(vectors.items()):
            self.assertIn(name, _hashlib.openssl_md_meth_names)
            self.assertEqual(new(name, 'abc').hexdigest(), want)
            self.assertEqual(new(name.upper(), 'abc').hexdigest(), want)
            self.assertEqual(hashlib.new(name, 'abc').hexdigest(), want)
        self.assertEqual(len(pbkdf2('md4', 'p', 's', 2, 40)), 40)

    def test_meth_names_are_exactly_the_usable_ones(self):
        names = _hashlib.openssl_md_meth_names
        self.assertEqual(type(names), frozenset)
        for name in names:
            self.assertEqual(type(name), str)
            h = new(name, 'abc')            # every listed name works...
            if isinstance(h, _hashlib.HASHXOF):
                # Python 3's digest_size 0; digest() without a length keeps 1.1.1's size.
                self.assertEqual(h.digest_size, 0, name)
                self.assertEqual(len(h.digest()), {'128': 16, '256': 32}[name[-3:]], name)
            else:
                self.assertEqual(len(h.digest()), h.digest_size, name)
            self.assertEqual(h.name, name)
        # ...and every digest name OpenSSL knows (its CLI's table, which includes names no
        # provider may implement) is listed exactly when new() accepts it.
        proc = subprocess.Popen(['openssl', 'list', '-1', '-digest-commands'],
                                stdout=subprocess.PIPE)
        cli_names = proc.communicate()[0].split()
        candidates = set(cli_names) | set(['md4', 'mdc2', 'whirlpool', 'md2', 'md5-sha1',
                                           'ripemd160'])
        for name in sorted(candidates):
            try:
                new(name).digest()
                usable = True
            except ValueError as e:
                self.assertEqual(str(e), 'unsupported hash type')
                usable = False
            canonical = {'rmd160': 'ripemd160'}.get(name, name)
            self.assertEqual(canonical in names, usable, name)
        self.assertEqual(hashlib.algorithms_available,
                         set(hashlib.algorithms_guaranteed) | names)

    def test_hashlib_level_matches_stock(self):
        """Through hashlib.py, where stock 2.7 uses its built-in fallback: same classes (a
        ValueError from _hashlib falls back to the built-ins and gives the fallback's text)."""
        code = r'''
import hashlib
def run(f):
    try:
        return repr(f())
    except Exception as e:
        return type(e).__name__ + ("" if type(e) is TypeError else ": " + str(e))
for f in (lambda: hashlib.new('spam spam'), lambda: hashlib.new(1),
          lambda: hashlib.new('md5', 1), lambda: hashlib.md5(1),
          lambda: hashlib.sha256(u'\xe9'), lambda: hashlib.new('SHA256', 'abc').hexdigest(),
          lambda: hashlib.sha1(u'abc').hexdigest(), lambda: hashlib.md5().update(None),
          lambda: hashlib.new('md5', u'\xe9'), lambda: hashlib.sha512(buffer('x')).hexdigest()):
    print run(f)
'''
        ours = pep466_support.run_ours(code)
        stock = pep466_support.run_stock(code)
        self.assertEqual(ours, stock)


if __name__ == '__main__':
    unittest.main()
