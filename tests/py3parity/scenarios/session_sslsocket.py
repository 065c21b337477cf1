"""Session resumption with SSLSocket clients: wrap_socket(session=...), SSLSocket.session and
session_reused, against an SSLSocket server thread on 127.0.0.1; sessions moved between an
SSLSocket and an SSLObject of the same context; TLS 1.2 and 1.3."""
from __future__ import print_function

import ssl

from parity import (Pair, SocketLink, ThreadServer, attempt, client_ctx, connect, done, server_ctx,
                    show)


def talk(sock):
    sock.sendall(b"ping")
    got = b""
    while len(got) < 4:
        d = sock.recv(4 - len(got))
        if not d:
            break
        got += d
    return got


for tls in ("1.2", "1.3"):
    print("== TLS %s" % tls)
    cctx, sctx = client_ctx(tls=tls), server_ctx(tls=tls)
    srv = ThreadServer(sctx, conns=6)

    s1 = cctx.wrap_socket(connect(srv.port), server_hostname="localhost")
    show("first session_reused", s1.session_reused)
    show("first echo", talk(s1) == b"ping")
    sess = s1.session
    show("first session", (type(sess).__name__, sess.has_ticket))
    s1.unwrap()
    s1.close()
    attempt("session of a closed SSLSocket", lambda: s1.session)

    s2 = cctx.wrap_socket(connect(srv.port), server_hostname="localhost", session=sess)
    show("second session_reused", s2.session_reused)
    show("second echo", talk(s2) == b"ping")
    show("second session equals first", s2.session == sess)
    s2.unwrap()
    s2.close()

    # No session: a full handshake.
    s3 = cctx.wrap_socket(connect(srv.port), server_hostname="localhost")
    show("third (no session) session_reused", s3.session_reused)
    talk(s3)
    s3.unwrap()
    s3.close()

    # An SSLSocket session resumed by an SSLObject over a socket.
    link = SocketLink(cctx, connect(srv.port), session=sess)
    attempt("SSLObject handshake with the SSLSocket's session", link.call, link.obj.do_handshake)
    show("SSLObject session_reused", link.obj.session_reused)
    link.call(link.obj.write, b"ping")
    show("SSLObject echo", link.read_exactly(4) == b"ping")
    osess = link.obj.session
    link.call(link.obj.unwrap)
    link.sock.close()

    # ... and the SSLObject's session resumed by an SSLSocket.
    s5 = cctx.wrap_socket(connect(srv.port), server_hostname="localhost", session=osess)
    show("SSLSocket with the SSLObject's session: reused", s5.session_reused)
    talk(s5)
    s5.unwrap()
    s5.close()

    # Sessions across server kinds of one context: issued by a server SSLObject on memory
    # BIOs, resumed at the SSLSocket server; and the other way round.
    msess = Pair(cctx, sctx).ping_pong()
    s6 = cctx.wrap_socket(connect(srv.port), server_hostname="localhost", session=msess)
    show("memory-BIO server's session at the SSLSocket server: reused", s6.session_reused)
    talk(s6)
    s6.unwrap()
    s6.close()
    q = Pair(cctx, sctx, session=sess)
    q.handshake(trace=False)
    show("SSLSocket server's session at a memory-BIO server: reused",
         (q.client.session_reused, q.server.session_reused))
    srv.join()
done()
