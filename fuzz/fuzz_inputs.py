"""A bounded, seeded fuzz harness for the inputs pep466 decodes (design.md section 6.7).

Runs under Python 2.7 with our _ssl/_hashlib first on PYTHONPATH:

  PYTHONPATH=DIR python2.7 fuzz/fuzz_inputs.py [--seed N] [--iterations N] [--certs DIR]
                                               [target ...]

Targets: decode (mutated DER/PEM certificates to _ssl._test_decode_cert), cadata (the same
to load_verify_locations(cadata=...), then get_ca_certs), alpn / npn (random, often
malformed, protocol lists on both ends of TLS handshakes over a socketpair), hashnames
(random digest names to hashlib.new, _hashlib.new and pbkdf2_hmac), objects (txt2obj /
nid2obj). Python exceptions of the documented classes are expected; a crash (signal), a
SystemError (what a Rust panic becomes) or an unexpected exception class is a failure: the
harness prints the seed, target and iteration and exits 1 (or dies, for a crash, after
printing "case ..." to stderr, flushed before each input).
"""
import argparse
import base64
import os
import random
import socket
import ssl
import sys
import tempfile

import _hashlib
import _ssl
from pem_certs import pem_blocks

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tests", "python"))
from tls_support import drive_handshakes  # noqa: E402
DEFAULT_CERTS = os.path.join(os.path.dirname(ssl.__file__), "test")
# Seed certificates from CPython's test suite: many extension kinds (SANs of every type,
# AIA, CRL distribution points, NUL bytes in names, a CRL DP without a distributionPoint).
SEEDS = ["allsans.pem", "nokia.pem", "talos-2019-0758.pem", "nullbytecert.pem",
         "keycert3.pem", "pycacert.pem", "keycert.pem", "ssl_cert.pem"]


class Failure(Exception):
    pass


def to_pem(der):
    b64 = base64.b64encode(der)
    lines = [b64[i:i + 64] for i in range(0, len(b64), 64)]
    return "-----BEGIN CERTIFICATE-----\n%s\n-----END CERTIFICATE-----\n" % "\n".join(lines)


def mutate(rng, data):
    """One to a few byte-level mutations, biased towards ASN.1 lengths and tags."""
    data = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        if not data:
            data.append(rng.randrange(256))
            continue
        op = rng.randrange(8)
        i = rng.randrange(len(data))
        if op == 0:
            data[i] = rng.randrange(256)
        elif op == 1:
            data[i] ^= 1 << rng.randrange(8)
        elif op == 2:  # an interesting length byte
            data[i] = rng.choice([0x00, 0x01, 0x7f, 0x80, 0x81, 0x82, 0x84, 0xff])
        elif op == 3:
            del data[i:i + rng.randint(1, 16)]
        elif op == 4:
            chunk = data[rng.randrange(len(data)):][:rng.randint(1, 64)]
            data[i:i] = chunk
        elif op == 5:
            del data[i:]
        elif op == 6:  # a tag byte: one of the GeneralName / string tags
            data[i] = rng.choice([0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88,
                                  0xa0, 0xa4, 0x0c, 0x13, 0x16, 0x1e, 0x06, 0x30, 0x31])
        else:
            data[i:i] = bytearray(rng.randrange(256) for _ in range(rng.randint(1, 8)))
    return bytes(data)


class Harness(object):
    def __init__(self, seed, certs):
        self.rng = random.Random(seed)
        self.seed = seed
        self.ders = []
        for name in SEEDS:
            path = os.path.join(certs, name)
            if os.path.exists(path):
                self.ders.extend(pem_blocks(open(path).read()))
        if not self.ders:
            raise SystemExit("no seed certificates in %s" % certs)
        self.tmp = tempfile.mkdtemp(prefix="pep466-fuzz-")
        self.stats = {}

    def case(self, target, i):
        sys.stderr.write("case seed=%d target=%s iteration=%d\n" % (self.seed, target, i))
        sys.stderr.flush()

    def expect(self, allowed, f, *args, **kw):
        try:
            return f(*args, **kw)
        except SystemError as e:
            raise Failure("SystemError (a panic?): %s" % e)
        except allowed as e:
            self.stats[type(e).__name__] = self.stats.get(type(e).__name__, 0) + 1
            return None
        except Exception as e:
            raise Failure("unexpected %s: %s" % (type(e).__name__, e))

    def cert_input(self):
        der = mutate(self.rng, self.rng.choice(self.ders))
        return der

    # -- targets ---------------------------------------------------------------------------

    def t_decode(self, i):
        der = self.cert_input()
        path = os.path.join(self.tmp, "c.pem")
        with open(path, "wb") as f:
            if self.rng.random() < 0.8:
                f.write(to_pem(der))
            else:  # mutated PEM text itself (headers, base64)
                f.write(mutate(self.rng, to_pem(self.rng.choice(self.ders))))
        r = self.expect((ssl.SSLError, ValueError, UnicodeError), _ssl._test_decode_cert, path)
        if r is not None:
            repr(r)

    def t_cadata(self, i):
        ctx = ssl.SSLContext(ssl.PROTOCOL_SSLv23)
        n = self.rng.randint(1, 3)
        ders = [self.cert_input() if self.rng.random() < 0.7 else self.rng.choice(self.ders)
                for _ in range(n)]
        if self.rng.random() < 0.5:
            data = "".join(to_pem(d) for d in ders).decode("ascii")
        else:
            data = b"".join(ders)
        self.expect((ssl.SSLError, ValueError), ctx.load_verify_locations, cadata=data)
        self.expect((ssl.SSLError, ValueError, UnicodeError), ctx.get_ca_certs)
        self.expect((ssl.SSLError,), ctx.get_ca_certs, True)
        ctx.cert_store_stats()

    def protocol_list(self):
        r = self.rng.random()
        if r < 0.3:  # valid lists of random protocols
            return [bytes(bytearray(self.rng.randrange(256)
                                    for _ in range(self.rng.randint(1, 20))))
                    for _ in range(self.rng.randint(1, 4))]
        if r < 0.4:
            return [b"http/1.1", b"h2"][:self.rng.randint(1, 2)]
        # raw wire bytes, often malformed (lengths past the end, zero lengths)
        return bytes(bytearray(self.rng.randrange(256) for _ in range(self.rng.randint(0, 40))))

    def set_list(self, ctx, kind, value):
        if isinstance(value, list):
            setter = ctx.set_alpn_protocols if kind == "alpn" else ctx.set_npn_protocols
            self.expect((ValueError, NotImplementedError), setter, value)
        else:
            raw = ctx._set_alpn_protocols if kind == "alpn" else ctx._set_npn_protocols
            self.expect((ssl.SSLError, ValueError, MemoryError), raw, value)

    def handshake(self, kind):
        sctx = self.server_ctx()
        cctx = ssl.SSLContext(ssl.PROTOCOL_SSLv23)
        if kind == "npn":  # NPN exists only below TLS 1.3
            cctx.options |= ssl.OP_NO_TLSv1_3
        self.set_list(sctx, kind, self.protocol_list())
        self.set_list(cctx, kind, self.protocol_list())
        a, b = [socket.socket(_sock=x) for x in socket.socketpair()]
        try:
            c = cctx.wrap_socket(a, do_handshake_on_connect=False)
            s = sctx.wrap_socket(b, server_side=True, do_handshake_on_connect=False)
            c.setblocking(False)
            s.setblocking(False)
            drive_handshakes([c, s], 200)  # fuzzed lists may well make it fail
            for x in (c, s):
                x.selected_alpn_protocol()
                x.selected_npn_protocol()
            c.close()
            s.close()
        finally:
            a.close()
            b.close()

    def server_ctx(self):
        if not hasattr(self, "_keycert"):
            self._keycert = os.path.join(DEFAULT_CERTS, "keycert.pem")
        sctx = ssl.SSLContext(ssl.PROTOCOL_SSLv23)
        sctx.load_cert_chain(self._keycert)
        return sctx

    def t_alpn(self, i):
        self.expect((ssl.SSLError, socket.error), self.handshake, "alpn")

    def t_npn(self, i):
        self.expect((ssl.SSLError, socket.error), self.handshake, "npn")

    def random_name(self):
        r = self.rng.random()
        if r < 0.3:
            base = self.rng.choice(["md5", "sha1", "SHA256", "sha512", "sha3_256", "blake2b512",
                                    "shake_128", "md4", "ripemd160", "whirlpool", "sm3",
                                    "sha512-224", "ecdsa-with-SHA1", "RSA-SHA256", "md5-sha1"])
            return mutate(self.rng, base) if self.rng.random() < 0.3 else base
        if r < 0.5:
            return u"".join(unichr(self.rng.randrange(0x20, 0x3000))
                            for _ in range(self.rng.randint(0, 12)))
        return bytes(bytearray(self.rng.randrange(256) for _ in range(self.rng.randint(0, 40))))

    def t_hashnames(self, i):
        name = self.random_name()
        errs = (ValueError, TypeError, UnicodeError)
        h = self.expect(errs, _hashlib.new, name, b"data")
        if h is not None:
            h.update(b"more")
            h.copy().digest()
            h.hexdigest()
            h.name, h.digest_size, h.block_size
        self.expect(errs, _hashlib.pbkdf2_hmac, name, b"pw", b"salt", 2)
        self.expect(errs, _hashlib.pbkdf2_hmac, "sha1", name, name, 1,
                    self.rng.choice([None, 1, 20, 100]))

    def t_objects(self, i):
        name = self.random_name()
        self.expect((ValueError, TypeError, UnicodeError), _ssl.txt2obj, name,
                    self.rng.random() < 0.5)
        self.expect((ValueError, TypeError), _ssl.nid2obj, self.rng.randint(-5, 2000))

    def run(self, targets, iterations):
        for target in targets:
            f = getattr(self, "t_" + target)
            self.stats = {}
            for i in xrange(iterations):
                self.case(target, i)
                try:
                    f(i)
                except Failure as e:
                    print("FAIL seed=%d target=%s iteration=%d: %s" % (self.seed, target, i, e))
                    return 1
            print("%s: %d inputs; expected exceptions: %s" % (
                target, iterations, ", ".join("%s %d" % kv for kv in sorted(self.stats.items()))))
        return 0


TARGETS = ["decode", "cadata", "alpn", "npn", "hashnames", "objects"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, default=466)
    ap.add_argument("--iterations", type=int, default=500)
    ap.add_argument("--certs", default=DEFAULT_CERTS)
    ap.add_argument("--quiet", action="store_true", help="do not log each case to stderr")
    ap.add_argument("targets", nargs="*", default=TARGETS)
    args = ap.parse_args()
    h = Harness(args.seed, args.certs)
    if args.quiet:
        h.case = lambda target, i: None
    sys.exit(h.run(args.targets, args.iterations))


if __name__ == "__main__":
    main()
