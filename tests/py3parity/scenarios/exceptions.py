"""The ssl exception classes the memory-BIO API raises: their hierarchy, the SSL_ERROR_*
constants they carry, and what an actual want-read / zero-return / EOF error looks like."""
from __future__ import print_function

import ssl

from parity import Pair, client_ctx, done, exc, server_ctx, show, want_read

NAMES = ("SSLError", "SSLZeroReturnError", "SSLWantReadError", "SSLWantWriteError",
         "SSLSyscallError", "SSLEOFError", "SSLCertVerificationError", "CertificateError")
for name in NAMES:
    cls = getattr(ssl, name, None)
    if cls is None:
        print("%s: missing" % name)
        continue
    show(name, (issubclass(cls, ssl.SSLError), issubclass(cls, ValueError),
                issubclass(cls, EnvironmentError)))
for a in NAMES[1:6]:
    for b in NAMES[1:6]:
        if a != b and issubclass(getattr(ssl, a), getattr(ssl, b)):
            print("%s is a %s" % (a, b))

for const in ("SSL_ERROR_SSL", "SSL_ERROR_WANT_READ", "SSL_ERROR_WANT_WRITE",
              "SSL_ERROR_WANT_X509_LOOKUP", "SSL_ERROR_SYSCALL", "SSL_ERROR_ZERO_RETURN",
              "SSL_ERROR_WANT_CONNECT", "SSL_ERROR_EOF", "SSL_ERROR_INVALID_ERROR_CODE"):
    show(const, int(getattr(ssl, const)))

p = Pair(client_ctx(), server_ctx())
try:
    p.client.do_handshake()
except ssl.SSLError as e:
    show("want-read errno is SSL_ERROR_WANT_READ", e.errno == ssl.SSL_ERROR_WANT_READ)
    show("want-read args", (len(e.args), e.args[0]))
    show("want-read str", str(e).split(" (_ssl.c")[0])
p.handshake(trace=False)
want_read(p.server.unwrap)
p.pump()
try:
    p.client.read()
    print("client read: no error")
except ssl.SSLError as e:
    show("zero-return errno is SSL_ERROR_ZERO_RETURN", e.errno == ssl.SSL_ERROR_ZERO_RETURN)
    print(exc(e))

q = Pair(client_ctx(), server_ctx())
q.handshake(trace=False)
q.c_in.write_eof()
try:
    q.client.read()
except ssl.SSLError as e:
    show("EOF errno is SSL_ERROR_EOF", e.errno == ssl.SSL_ERROR_EOF)
    show("EOF is SSLEOFError", isinstance(e, ssl.SSLEOFError))
    show("EOF args", (len(e.args), e.args[0]))
    show("EOF str", str(e).split(" (_ssl.c")[0])

r = Pair(client_ctx(cafile="rogue-ca.pem"), server_ctx())
fail = r.handshake(trace=False)
if fail:
    e = fail[1]
    show("verify failure errno", e.errno)
    show("verify failure args length", len(e.args))
    show("verify failure is ValueError", isinstance(e, ValueError))
done()
