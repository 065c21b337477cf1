"""BLAKE2 with Python 3's whole signature: every parameter, tree hashing, constants, copy,
RFC 7693 known answers, and every parameter out of range."""
from __future__ import print_function

import hashlib

from parity import Lcg, attempt, done, show

for name in ("blake2b", "blake2s"):
    cls = getattr(hashlib, name)
    show("%s constants" % name, (cls.SALT_SIZE, cls.PERSON_SIZE, cls.MAX_KEY_SIZE,
                                 cls.MAX_DIGEST_SIZE))
    h = cls(b"abc")
    show("%s name/digest_size/block_size" % name, (h.name, h.digest_size, h.block_size))
    show("%s abc" % name, h.hexdigest())
    m = cls.MAX_DIGEST_SIZE
    for kw in (dict(digest_size=1), dict(digest_size=m // 2), dict(key=b"k" * cls.MAX_KEY_SIZE),
               dict(key=b"secret"), dict(salt=b"s" * cls.SALT_SIZE), dict(salt=b"na"),
               dict(person=b"p" * cls.PERSON_SIZE), dict(person=b"me"), dict(fanout=0),
               dict(fanout=255), dict(depth=255), dict(leaf_size=2 ** 32 - 1),
               dict(node_offset=5), dict(node_depth=255), dict(inner_size=m),
               dict(last_node=True), dict(usedforsecurity=False)):
        label = "%s %s" % (name, ",".join("%s=%r" % (k, v if not isinstance(v, bytes) else len(v))
                                          for k, v in sorted(kw.items())))
        show(label, cls(b"data", **kw).hexdigest())
    show("%s node_offset max" % name,
         cls(node_offset=2 ** 64 - 1 if name == "blake2b" else 2 ** 48 - 1).hexdigest())
    rng = Lcg(7)
    for i in range(10):
        kw = dict(digest_size=rng.randint(1, m), key=b"k" * rng.randint(0, cls.MAX_KEY_SIZE),
                  salt=b"s" * rng.randint(0, cls.SALT_SIZE),
                  person=b"p" * rng.randint(0, cls.PERSON_SIZE), fanout=rng.randint(0, 255),
                  depth=rng.randint(1, 255), leaf_size=rng.randint(0, 2 ** 32 - 1),
                  node_offset=rng.randint(0, 2 ** 48 - 1), node_depth=rng.randint(0, 255),
                  inner_size=rng.randint(0, m), last_node=rng.random() < 0.5)
        data = b"x" * rng.randint(0, 300)
        show("%s random %d" % (name, i), cls(data, **kw).hexdigest())
    # Tree hashing (Python 3's documentation example shape): two leaves and a root.
    fanout, depth, leaf, inner = 2, 2, 4096, m
    buf = b"\x11" * 6000
    h00 = cls(buf[:leaf], fanout=fanout, depth=depth, leaf_size=leaf, inner_size=inner,
              node_offset=0, node_depth=0, last_node=False)
    h01 = cls(buf[leaf:], fanout=fanout, depth=depth, leaf_size=leaf, inner_size=inner,
              node_offset=1, node_depth=0, last_node=True)
    root = cls(digest_size=32, fanout=fanout, depth=depth, leaf_size=leaf, inner_size=inner,
               node_offset=0, node_depth=1, last_node=True)
    root.update(h00.digest())
    root.update(h01.digest())
    show("%s tree root" % name, root.hexdigest())
    g = cls(key=b"k", digest_size=20)
    g.update(b"ab")
    c = g.copy()
    g.update(b"c")
    c.update(b"d")
    show("%s copy midway" % name, (g.hexdigest(), c.hexdigest(), c.digest_size))
    show("%s new()" % name, hashlib.new(name, b"abc", digest_size=16).hexdigest())
    # Out of range: one past each limit.
    for kw in (dict(key=b"k" * (cls.MAX_KEY_SIZE + 1)), dict(salt=b"s" * (cls.SALT_SIZE + 1)),
               dict(person=b"p" * (cls.PERSON_SIZE + 1)), dict(digest_size=0),
               dict(digest_size=m + 1), dict(fanout=256), dict(fanout=-1), dict(depth=0),
               dict(depth=256), dict(leaf_size=2 ** 32), dict(leaf_size=-1),
               dict(node_offset=-1), dict(node_depth=256), dict(node_depth=-1),
               dict(inner_size=m + 1), dict(inner_size=-1)):
        attempt("%s bad %s" % (name, sorted(kw)[0]), cls, **kw)
    attempt("%s node_offset too large" % name, cls,
            node_offset=2 ** 64 if name == "blake2b" else 2 ** 48)
    attempt("%s two positionals" % name, cls, b"a", b"b")

# RFC 7693 appendices A and B.
show("rfc7693 blake2b-512 abc", hashlib.blake2b(b"abc").hexdigest() ==
     "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d1"
     "7d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923")
show("rfc7693 blake2s-256 abc", hashlib.blake2s(b"abc").hexdigest() ==
     "508c5e8c327c14e2e1a72ba34eeb452f37458b209ed63a294d999b4c86675982")
done()
