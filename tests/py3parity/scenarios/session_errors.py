"""Setting SSLObject.session / SSLSocket.session where Python 3 refuses it: a session from
another context, server-side objects, after the handshake, wrong types."""
from __future__ import print_function

import socket
import ssl

from parity import Pair, ThreadServer, attempt, client_ctx, connect, done, server_ctx, show


def session_of(cctx, sctx):
    return Pair(cctx, sctx).ping_pong()


for tls in ("1.2", "1.3"):
    print("== TLS %s" % tls)
    cctx, sctx = client_ctx(tls=tls), server_ctx(tls=tls)
    sess = session_of(cctx, sctx)
    other_ctx = client_ctx(tls=tls)

    inc, out = ssl.MemoryBIO(), ssl.MemoryBIO()
    attempt("wrap_bio(session from another context)",
            other_ctx.wrap_bio, inc, out, server_hostname="localhost", session=sess)
    o = other_ctx.wrap_bio(inc, out, server_hostname="localhost")
    attempt("set session from another context", setattr, o, "session", sess)
    show("session still None", o.session)

    # A context used on both sides: the session is its own, the object is server-side.
    both = server_ctx(tls=tls)
    own = session_of(both, sctx)
    s = both.wrap_bio(ssl.MemoryBIO(), ssl.MemoryBIO(), server_side=True)
    attempt("set session on a server-side object", setattr, s, "session", own)
    attempt("wrap_bio(server_side=True, session=...)", both.wrap_bio, ssl.MemoryBIO(),
            ssl.MemoryBIO(), server_side=True, session=own)

    p = Pair(cctx, sctx)
    p.handshake(trace=False)
    attempt("set session after the handshake", setattr, p.client, "session", sess)

    q = Pair(cctx, sctx)
    for label, value in (("None", None), ("int", 1), ("bytes", b"session"),
                         ("context", cctx)):
        attempt("set session to %s" % label, setattr, q.client, "session", value)
    show("session untouched", q.client.session)
    try:
        del q.client.session
        print("del session: allowed")
    except (AttributeError, TypeError) as e:
        print("del session: %s" % type(e).__name__)

    # The same checks on SSLSocket, with a session the SSLSocket server issued.
    srv = ThreadServer(sctx, conns=3)
    first = cctx.wrap_socket(connect(srv.port), server_hostname="localhost")
    first.sendall(b"x")
    first.recv(1)
    sess = first.session
    first.unwrap()
    first.close()
    raw = connect(srv.port)
    attempt("wrap_socket(session from another context)", other_ctx.wrap_socket, raw,
            server_hostname="localhost", session=sess)
    raw.close()
    sock = cctx.wrap_socket(connect(srv.port), server_hostname="localhost",
                            do_handshake_on_connect=False)
    attempt("SSLSocket set session from another context", setattr, sock, "session",
            session_of(other_ctx, sctx))
    attempt("SSLSocket set session before handshake", setattr, sock, "session", sess)
    sock.do_handshake()
    show("SSLSocket session_reused", sock.session_reused)
    attempt("SSLSocket set session after handshake", setattr, sock, "session", sess)
    attempt("SSLSocket set session to int", setattr, sock, "session", 1)
    sock.sendall(b"x")
    sock.recv(1)
    sock.unwrap()
    sock.close()
    srv.thread.join(30)
    for line in srv.log:
        if line.startswith("server conn 2"):
            print(line)
    lsock = socket.socket()
    attempt("server-side wrap_socket(session=...)", both.wrap_socket, lsock,
            server_side=True, session=own)
    lsock.close()
done()
