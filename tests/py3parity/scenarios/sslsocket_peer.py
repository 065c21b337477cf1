"""An SSLObject client over a real TCP connection to an SSLSocket server thread (127.0.0.1),
and an SSLObject server behind a socket for an SSLSocket client; TLS 1.2 and 1.3, ALPN, data
both ways, orderly shutdown."""
from __future__ import print_function

import socket
import ssl
import threading

from parity import (SocketLink, ThreadServer, attempt, cert_summary, client_ctx, connect,
                    done, exc, listener, server_ctx, show, showb, TIMEOUT)

for tls in ("1.2", "1.3"):
    print("== TLS %s: SSLObject client, SSLSocket server" % tls)
    srv = ThreadServer(server_ctx(tls=tls, alpn=["h2", "http/1.1"]))
    sock = connect(srv.port)
    link = SocketLink(client_ctx(tls=tls, alpn=["http/1.1"]), sock)
    attempt("handshake", link.call, link.obj.do_handshake)
    show("version", link.obj.version())
    show("cipher", link.obj.cipher())
    show("alpn", link.obj.selected_alpn_protocol())
    show("peer cert", cert_summary(link.obj.getpeercert()))
    attempt("write", link.call, link.obj.write, b"hello over tcp")
    showb("echo", link.read_exactly(14))
    big = b"0123456789abcdef" * 20000
    link.call(link.obj.write, big)
    show("320 KB echoed", link.read_exactly(len(big)) == big)
    attempt("unwrap", link.call, link.obj.unwrap)
    sock.close()
    srv.join()

    print("== TLS %s: SSLSocket client, SSLObject server" % tls)
    lsock = listener()
    port = lsock.getsockname()[1]
    log = []

    def client():
        try:
            s = client_ctx(tls=tls).wrap_socket(connect(port), server_hostname="localhost")
            log.append("client version %s" % s.version())
            s.sendall(b"ping")
            log.append("client got %r" % (s.recv(10) == b"pong"))
            s.unwrap()
            log.append("client unwrapped")
            s.close()
        except Exception as e:
            log.append("client: !%s" % exc(e))

    t = threading.Thread(target=client)
    t.daemon = True
    t.start()
    conn, _ = lsock.accept()
    conn.settimeout(TIMEOUT)
    link = SocketLink(server_ctx(tls=tls), conn, server_side=True)
    attempt("server handshake", link.call, link.obj.do_handshake)
    showb("server reads", link.read_exactly(4))
    attempt("server writes", link.call, link.obj.write, b"pong")
    attempt("server unwrap", link.call, link.obj.unwrap)
    t.join(TIMEOUT * 2)
    show("client thread finished", not t.is_alive())
    for line in log:
        print(line)
    conn.close()
    lsock.close()
done()
