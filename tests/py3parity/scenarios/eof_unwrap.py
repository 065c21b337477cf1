"""EOF and shutdown over SSLObjects: close_notify exchange through unwrap() on both sides,
SSLZeroReturnError after close_notify, SSLEOFError when the transport ends without it,
reading and writing after unwrap."""
from __future__ import print_function

import ssl

from parity import Pair, attempt, client_ctx, done, server_ctx, show

for tls in ("1.2", "1.3"):
    print("== TLS %s" % tls)
    # Orderly shutdown started by the client.
    p = Pair(client_ctx(tls=tls), server_ctx(tls=tls))
    p.handshake(trace=False)
    p.send("server", b"before close")
    attempt("client read", p.client.read, binary=True)
    attempt("client unwrap", p.client.unwrap)
    show("close_notify written", p.c_out.pending > 0)
    p.pump()
    attempt("server read sees close_notify", p.server.read, binary=True)
    attempt("server read again", p.server.read, binary=True)
    attempt("server unwrap", p.server.unwrap)
    p.pump()
    attempt("client read after server's close_notify", p.client.read, binary=True)
    attempt("client unwrap again", p.client.unwrap)
    attempt("client read after unwrap", p.client.read, binary=True)
    attempt("client write after unwrap", p.client.write, b"x")
    attempt("server write after unwrap", p.server.write, b"x")
    show("client version after unwrap", p.client.version())
    show("client cipher after unwrap", p.client.cipher() is not None)
    attempt("client pending after unwrap", p.client.pending)

    # unwrap while the peer has not answered yet: want-read, then completes.
    p = Pair(client_ctx(tls=tls), server_ctx(tls=tls))
    p.handshake(trace=False)
    attempt("server unwrap first", p.server.unwrap)
    attempt("server unwrap first, again", p.server.unwrap)
    p.pump()
    attempt("client unwrap answers", p.client.unwrap)
    p.pump()
    attempt("server unwrap completes", p.server.unwrap)
    show("BIOs drained", (p.c_in.pending, p.s_in.pending, p.c_out.pending, p.s_out.pending))

    # Transport EOF without close_notify.
    p = Pair(client_ctx(tls=tls), server_ctx(tls=tls))
    p.handshake(trace=False)
    p.send("server", b"tail")
    p.c_in.write_eof()
    attempt("client read data before EOF", p.client.read, binary=True)
    attempt("client read at EOF without close_notify", p.client.read, binary=True)
    attempt("client read again", p.client.read, binary=True)
    attempt("client write after EOF error", p.client.write, b"x")
    attempt("client unwrap after EOF error", p.client.unwrap)

    # close_notify, then transport EOF: still a clean SSLZeroReturnError.
    p = Pair(client_ctx(tls=tls), server_ctx(tls=tls))
    p.handshake(trace=False)
    attempt("server unwrap", p.server.unwrap)
    p.pump()
    p.c_in.write_eof()
    attempt("client read: close_notify then EOF", p.client.read, binary=True)
    attempt("client read again", p.client.read, binary=True)
    attempt("client unwrap", p.client.unwrap)

    # Application data left unread when unwrap() is called.
    p = Pair(client_ctx(tls=tls), server_ctx(tls=tls))
    p.handshake(trace=False)
    p.send("server", b"unread")
    attempt("client unwrap with unread data", p.client.unwrap)

    # EOF during the handshake.
    p = Pair(client_ctx(tls=tls), server_ctx(tls=tls))
    attempt("client do_handshake", p.client.do_handshake)
    p.pump()
    p.s_in.write_eof()
    attempt("server do_handshake: ClientHello then EOF", p.server.do_handshake)
    p.c_in.write_eof()
    attempt("client do_handshake at EOF", p.client.do_handshake)
    q = Pair(client_ctx(tls=tls), server_ctx(tls=tls))
    q.s_in.write_eof()
    attempt("server do_handshake: EOF before anything", q.server.do_handshake)
done()
