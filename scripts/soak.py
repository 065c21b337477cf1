"""Soak: 100 000 TLS handshakes over memory BIOs and 1 000 000 hash/HMAC objects in one
CPython 2.7 process with our _ssl/_hashlib, checking that the resident size stays flat.

  python2.7 scripts/soak.py --lib target/release/libpep466.so [--handshakes N] [--hashes N]

Each loop runs a warm-up (5% of its iterations, at least 1000) first; RSS (VmRSS) is read
after the warm-up and then every 10% of the loop. The loop passes when the last reading is
at most its bound above the reading after the warm-up: a per-iteration leak of even 16 bytes
exceeds it (100 000 x 16 B = 1.6 MB), allocator noise does not. The handshakes are full ones
(no session reuse), client and server in this process, each over its own pair of
_ssl.MemoryBIO, a few bytes exchanged each way, then a clean shutdown; the hash loop makes
hashlib, _hashlib constructor, hmac (2.7's Python HMAC over our hash objects) and, when
_hashlib has it, Python 3's C HMAC objects, each updated, copied and finalised.
Prints one line per loop and "soak: N passed, N failed".
"""
import gc
import os
import shutil
import subprocess
import sys
import tempfile
import time

# The Python tests' shared helpers: rss_kb here, tls_support's PKI in handshake_loop.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                "tests", "python"))
from pep466_support import rss_kb  # noqa: E402

HANDSHAKE_BOUND_KB = 1536
HASH_BOUND_KB = 1024


def reexec_with(lib):
    d = tempfile.mkdtemp(prefix="pep466-soak-")
    try:
        for name in ("_ssl.so", "_hashlib.so"):
            os.symlink(os.path.abspath(lib), os.path.join(d, name))
        env = dict(os.environ, PYTHONPATH=d, PEP466_SOAK_LIBDIR=d)
        args = [a for a in sys.argv[1:]]
        i = args.index("--lib")
        del args[i:i + 2]
        return subprocess.call([sys.executable, os.path.abspath(__file__)] + args, env=env)
    finally:
        shutil.rmtree(d, True)


def soak(name, body, n, bound_kb):
    warmup = max(n // 20, 1000)
    for i in xrange(warmup):
        body(i)
    gc.collect()
    start = rss_kb()
    readings = []
    t0 = time.time()
    step = max(n // 10, 1)
    for i in xrange(n):
        body(i)
        if (i + 1) % step == 0:
            gc.collect()
            readings.append(rss_kb())
    secs = time.time() - t0
    growth = readings[-1] - start
    ok = growth <= bound_kb
    print("soak %-10s %7d iterations in %5.0f s: RSS %.1f MB after warm-up, %.1f MB at the end "
          "(%+d kB, bound %d kB; max %.1f MB) %s"
          % (name, n, secs, start / 1024.0, readings[-1] / 1024.0, growth, bound_kb,
             max(readings) / 1024.0, "ok" if ok else "GROWS"))
    sys.stdout.flush()
    return ok


def handshake_loop():
    import _ssl
    from tls_support import pki
    p = pki()
    server_ctx = _ssl._SSLContext(2)
    server_ctx.load_cert_chain(p["localhost"], p["localhost.key"])
    client_ctx = _ssl._SSLContext(2)
    client_ctx.verify_mode = 2  # CERT_REQUIRED: the chain is verified every time
    client_ctx.load_verify_locations(p["ca"])
    want = (_ssl.SSLWantReadError, _ssl.SSLWantWriteError)

    def step(f):
        try:
            f()
            return True
        except want:
            return False

    def move(src, dst):
        data = src.read()
        if data:
            dst.write(data)

    def body(i):
        ci, co, si, so = _ssl.MemoryBIO(), _ssl.MemoryBIO(), _ssl.MemoryBIO(), _ssl.MemoryBIO()
        c = client_ctx._wrap_bio(ci, co, False, "localhost")
        s = server_ctx._wrap_bio(si, so, True)
        done_c = done_s = False
        for _ in range(10):
            if not done_c:
                done_c = step(c.do_handshake)
            move(co, si)
            if not done_s:
                done_s = step(s.do_handshake)
            move(so, ci)
            if done_c and done_s:
                break
        if not (done_c and done_s):
            raise AssertionError("handshake %d did not complete" % i)
        c.write(b"ping")
        move(co, si)
        if s.read(4) != b"ping":
            raise AssertionError("server read")
        s.write(b"pong")
        move(so, ci)
        if c.read(4) != b"pong":
            raise AssertionError("client read")

    return body


def hash_loop():
    import _hashlib
    import hashlib
    import hmac
    key = b"k" * 32
    data = b"pep466" * 20
    has_c_hmac = hasattr(_hashlib, "hmac_new")

    def body(i):
        kind = i % 4
        if kind == 0:
            h = hashlib.new("sha256", data)
        elif kind == 1:
            h = _hashlib.openssl_sha1(data)
        elif kind == 2:
            h = hmac.new(key, data, hashlib.sha256)
        elif has_c_hmac:
            h = _hashlib.hmac_new(key, data, "sha512")
        else:
            h = hashlib.new("sha3-256", data)
        h.update(data)
        h.copy().hexdigest()
        h.digest()

    return body


def main():
    args = sys.argv[1:]
    if "--lib" in args:
        sys.exit(reexec_with(args[args.index("--lib") + 1]))
    handshakes = int(args[args.index("--handshakes") + 1]) if "--handshakes" in args else 100000
    hashes = int(args[args.index("--hashes") + 1]) if "--hashes" in args else 1000000
    libdir = os.environ.get("PEP466_SOAK_LIBDIR")
    import _hashlib
    import _ssl
    for m in (_ssl, _hashlib):
        if libdir and os.path.dirname(os.path.abspath(m.__file__)) != os.path.abspath(libdir):
            sys.exit("soak: %s is not ours: %s" % (m.__name__, m.__file__))
    results = [soak("handshake", handshake_loop(), handshakes, HANDSHAKE_BOUND_KB),
               soak("hash/hmac", hash_loop(), hashes, HASH_BOUND_KB)]
    print("soak: %d passed, %d failed" % (results.count(True), results.count(False)))
    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
