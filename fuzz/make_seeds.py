#!/usr/bin/env python3
"""Writes the committed seed corpus of the cargo-fuzz targets, fuzz/corpus/<target>/.

Certificates come from tests/certs/make_certs.py (every GeneralName kind, NUL bytes, AIA, CRL
distribution points with and without a distributionPoint, odd serials...); TLS seeds are real
flights recorded with Python 3's ssl over memory BIOs against fuzz/certs/server.pem: a
ClientHello (for tls_server) and a server's first flight (for tls_client), TLS 1.2 and 1.3.
Files are named by content hash, so rerunning only adds what changed.

Usage: python3 fuzz/make_seeds.py   (needs python3 with ssl, and openssl on PATH)
"""
import hashlib
import os
import ssl
import subprocess
import sys
import tempfile

from pem_certs import pem_blocks

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
CORPUS = os.path.join(HERE, "corpus")


def put(target, data):
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, hashlib.sha1(data).hexdigest()[:16]), "wb") as f:
        f.write(data)


def certificates():
    tmp = tempfile.mkdtemp()
    subprocess.run([sys.executable, os.path.join(ROOT, "tests", "certs", "make_certs.py"), tmp],
                   check=True, stdout=subprocess.DEVNULL)
    pems, ders = [], []
    for name in sorted(os.listdir(tmp)):
        with open(os.path.join(tmp, name), "rb") as f:
            data = f.read()
        pems.append(data)
        ders.extend(pem_blocks(data.decode("latin-1"), strict=False))
    return pems, ders


def pump(a_out, b_in):
    data = a_out.read()
    b_in.write(data)
    return data


def flights(version):
    """(ClientHello, server's first flight) of one handshake at `version`."""
    server_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_ctx.load_cert_chain(os.path.join(HERE, "certs", "server.pem"))
    server_ctx.set_alpn_protocols(["h2", "http/1.1"])
    client_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    client_ctx.check_hostname = False
    client_ctx.verify_mode = ssl.CERT_NONE
    client_ctx.set_alpn_protocols(["http/1.1"])
    for ctx in (server_ctx, client_ctx):
        ctx.minimum_version = ctx.maximum_version = version
    c_in, c_out, s_in, s_out = (ssl.MemoryBIO() for _ in range(4))
    client = client_ctx.wrap_bio(c_in, c_out, server_hostname="fuzz.example")
    server = server_ctx.wrap_bio(s_in, s_out, server_side=True)
    try:
        client.do_handshake()
    except ssl.SSLWantReadError:
        pass
    hello = pump(c_out, s_in)
    try:
        server.do_handshake()
    except ssl.SSLWantReadError:
        pass
    return hello, pump(s_out, c_in)


def main():
    pems, ders = certificates()
    for der in ders:
        put("cert_der", der)
        put("cadata", b"\x01" + der)
    for pem in pems:
        put("cert_pem", pem)
        put("cadata", b"\x00" + pem)
    put("cadata", b"\x00" + b"".join(pems[:4]))
    put("cadata", b"\x01" + b"".join(ders[:4]))

    for ours, peer in [(b"\x02h2\x08http/1.1", b"\x08http/1.1\x06spdy/3"),
                       (b"", b"\x02h2"), (b"\x06spdy/2", b""), (b"\xff", b"\x01a"),
                       (b"\x03foo\x00", b"\x03foo")]:
        put("protos", bytes([len(ours)]) + ours + peer)

    for ret, err, errno, code in [(0, 5, 0, 0), (-1, 5, 104, 0), (-1, 1, 0, 0x0A000126),
                                  (0, 6, 0, 0), (-1, 2, 0, 0), (-1, 3, 0, 0),
                                  (-1, 1, 0, 0x0A000086), (-1, 5, 0, 0x80000068)]:
        state = (ret & 0xFFFFFFFF) | (err << 32)
        put("classifier", state.to_bytes(8, "little") + errno.to_bytes(8, "little")
            + code.to_bytes(8, "little") + (1234).to_bytes(8, "little"))

    for name in [b"sha256", b"SHA3-256", b"md5", b"sha512-256", b"blake2b512", b"shake_128",
                 b"ripemd160", b"md4", b"whirlpool", b"SHA1", b"sm3", b"sha224"]:
        put("digest_name", name)

    for version in (ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3):
        hello, server_flight = flights(version)
        put("tls_server", hello)
        put("tls_client", server_flight)
    for target in sorted(os.listdir(CORPUS)):
        print("%-12s %d seeds" % (target, len(os.listdir(os.path.join(CORPUS, target)))))


if __name__ == "__main__":
    main()
