"""An SSLObject client (over a TCP socket) talking to `openssl s_server` on 127.0.0.1:
`-www` (an HTTP status page) and `-rev` (reverses each line); TLS 1.2 and 1.3, ALPN."""
from __future__ import print_function

import ssl

from parity import SocketLink, attempt, cert, client_ctx, connect, done, show, showb
from tls_support import SServer

BASE = ["-cert", cert("localhost.pem"), "-key", cert("localhost.key")]

for tls in ("1.2", "1.3"):
    flag = "-tls1_2" if tls == "1.2" else "-tls1_3"
    with SServer(BASE + [flag, "-www"]) as srv:
        sock = connect(srv.port)
        link = SocketLink(client_ctx(tls=tls), sock)
        attempt("TLS %s -www handshake" % tls, link.call, link.obj.do_handshake)
        show("version", link.obj.version())
        link.call(link.obj.write, b"GET / HTTP/1.0\r\n\r\n")
        page = b""
        while True:
            try:
                d = link.call(link.obj.read, 4096)
            except ssl.SSLError as e:
                print("read ended: %s" % type(e).__name__)
                break
            if not d:
                print("read ended: b''")
                break
            page += d
        showb("status line", page.split(b"\r\n")[0])
        show("page names the protocol", (b"Protocol  : TLSv" + tls.encode("ascii")) in page)
        sock.close()

    with SServer(BASE + [flag, "-rev", "-alpn", "h2,http/1.1"]) as srv:
        sock = connect(srv.port)
        link = SocketLink(client_ctx(tls=tls, alpn=["http/1.1", "h2"]), sock)
        attempt("TLS %s -rev handshake" % tls, link.call, link.obj.do_handshake)
        show("alpn", link.obj.selected_alpn_protocol())
        show("cipher", link.obj.cipher())
        link.call(link.obj.write, b"hello pep466\n")
        showb("reversed", link.read_exactly(13))
        link.call(link.obj.write, b"second line\n")
        showb("reversed again", link.read_exactly(12))
        try:
            link.call(link.obj.unwrap)
            print("unwrap: ok")
        except ssl.SSLError as e:
            print("unwrap: %s" % type(e).__name__)
        sock.close()

    # s_server rejects a client without a certificate when it requires one.
    with SServer(BASE + [flag, "-Verify", "1", "-CAfile", cert("ca.pem"), "-rev"]) as srv:
        sock = connect(srv.port)
        link = SocketLink(client_ctx(tls=tls), sock)
        try:
            link.call(link.obj.do_handshake)
            link.call(link.obj.write, b"x\n")
            link.call(link.obj.read, 10)
            print("no-cert client: accepted")
        except ssl.SSLError as e:
            print("no-cert client: %s %s" % (type(e).__name__, getattr(e, "reason", None)))
        sock.close()
done()
