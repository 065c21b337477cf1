"""Bad bytes fed to SSLObjects: garbage, an HTTP request, a truncated ClientHello, a
corrupted handshake message and a corrupted application-data record; the SSLError class and
reason each raises."""
from __future__ import print_function

import ssl

from parity import Pair, attempt, client_ctx, done, server_ctx, want_read

def fresh_server(tls=None):
    inc, out = ssl.MemoryBIO(), ssl.MemoryBIO()
    return inc, out, server_ctx(tls=tls).wrap_bio(inc, out, server_side=True)

def fresh_client(tls=None):
    inc, out = ssl.MemoryBIO(), ssl.MemoryBIO()
    return inc, out, client_ctx(tls=tls).wrap_bio(inc, out, server_hostname="localhost")

for label, junk in (("zeros", b"\x00" * 64), ("http request", b"GET / HTTP/1.0\r\n\r\n"),
                    ("text", b"hello world, this is not TLS at all\n"),
                    ("bad record type", b"\x63\x03\x03\x00\x05hello"),
                    ("SSLv2 hello shape", b"\x80\x2e\x01\x00\x02" + b"\x00" * 45),
                    ("oversized record", b"\x16\x03\x01\xff\xff" + b"\x00" * 16)):
    inc, out, s = fresh_server()
    inc.write(junk)
    attempt("server fed %s" % label, s.do_handshake)
    attempt("server again after error", s.do_handshake)
    icl, ocl, c = fresh_client()
    want_read(c.do_handshake)
    icl.write(junk)
    attempt("client fed %s" % label, c.do_handshake)

# A truncated ClientHello: want-read until EOF.
ic, oc, c = fresh_client()
attempt("client hello", c.do_handshake)
hello = oc.read()
inc, out, s = fresh_server()
inc.write(hello[:len(hello) // 2])
attempt("server half ClientHello", s.do_handshake)
inc.write(hello[len(hello) // 2:-1])
attempt("server all but one byte", s.do_handshake)
inc.write_eof()
attempt("server then EOF", s.do_handshake)

# A ClientHello with a corrupted byte in its body.
ic, oc, c = fresh_client()
attempt("client hello", c.do_handshake)
hello = bytearray(oc.read())
hello[9] ^= 0xFF  # the ClientHello's version field
inc, out, s = fresh_server()
inc.write(bytes(hello))
attempt("server corrupted ClientHello version", s.do_handshake)

# Handshake fine, then a flipped bit in an application-data record.
for tls in ("1.2", "1.3"):
    p = Pair(client_ctx(tls=tls), server_ctx(tls=tls))
    p.handshake(trace=False)
    p.client.write(b"secret message")
    rec = bytearray(p.c_out.read())
    rec[-1] ^= 0x01
    p.s_in.write(bytes(rec))
    attempt("TLS %s server reads tampered record" % tls, p.server.read, binary=True)
    attempt("TLS %s server reads again" % tls, p.server.read, binary=True)
    # The record header with a wrong length.
    p = Pair(client_ctx(tls=tls), server_ctx(tls=tls))
    p.handshake(trace=False)
    p.client.write(b"x" * 10)
    rec = bytearray(p.c_out.read())
    rec[3:5] = b"\x48\x01"  # longer than any record may be
    p.s_in.write(bytes(rec))
    attempt("TLS %s server reads oversized record" % tls, p.server.read, binary=True)
    # A record cut short, then EOF.
    p = Pair(client_ctx(tls=tls), server_ctx(tls=tls))
    p.handshake(trace=False)
    p.client.write(b"y" * 100)
    rec = p.c_out.read()
    p.s_in.write(rec[:50])
    attempt("TLS %s server reads half a record" % tls, p.server.read, binary=True)
    p.s_in.write_eof()
    attempt("TLS %s server reads half a record then EOF" % tls, p.server.read, binary=True)
done()
