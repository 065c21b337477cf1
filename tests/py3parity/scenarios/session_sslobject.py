"""Session resumption with SSLObject clients over memory BIOs, TLS 1.2 and TLS 1.3 (where the
ticket arrives after the handshake, so the session is taken after the first application
data): session_reused, SSLSession attributes and their types, equality."""
from __future__ import print_function

import ssl
import time

from parity import PY2, Pair, attempt, client_ctx, done, server_ctx, show

int_types = (int, long) if PY2 else (int,)  # noqa: F821


def kinds(sess):
    t0 = time.time()
    show("  type", type(sess).__name__)
    show("  is SSLSession", isinstance(sess, ssl.SSLSession))
    show("  id type bytes", type(sess.id) is type(b""))
    show("  id length", len(sess.id))
    show("  time is int", isinstance(sess.time, int_types))
    show("  time is recent", abs(sess.time - t0) < 120)
    show("  timeout", sess.timeout)
    show("  ticket_lifetime_hint", sess.ticket_lifetime_hint)
    show("  has_ticket", sess.has_ticket)
    for attr in ("id", "time", "timeout", "ticket_lifetime_hint", "has_ticket"):
        try:
            setattr(sess, attr, 1)
            print("  set %s: allowed" % attr)
        except AttributeError:
            print("  set %s: AttributeError" % attr)


for tls in ("1.2", "1.3"):
    print("== TLS %s" % tls)
    cctx, sctx = client_ctx(tls=tls), server_ctx(tls=tls)
    p = Pair(cctx, sctx)
    show("first session before handshake", p.client.session)
    p.handshake(trace=False)
    show("first reused", (p.client.session_reused, p.server.session_reused))
    early = p.client.session
    show("session right after handshake", early is not None)
    if early is not None:
        show("  has_ticket right after handshake", early.has_ticket)
    p.send("client", b"ping")
    p.recv("server")
    p.send("server", b"pong")
    p.recv("client")  # TLS 1.3: the tickets are read here
    sess = p.client.session
    print("client session:")
    kinds(sess)
    show("server session", p.server.session is not None)
    if p.server.session is not None:
        show("server session id equals client's", p.server.session.id == sess.id)
    show("session equal to itself", sess == sess)
    show("session equal to a fresh fetch", sess == p.client.session)
    show("session != other object", sess != object())
    show("session == None", sess == None)  # noqa: E711
    show("session != itself", sess != sess)
    attempt("hash(session)", lambda: isinstance(hash(sess), int_types), msg=False)

    # Resume with wrap_bio(session=...).
    q = Pair(cctx, sctx, session=sess)
    show("second session before handshake is the given one", q.client.session == sess)
    q.handshake(trace=False)
    show("second reused", (q.client.session_reused, q.server.session_reused))
    show("second version", q.client.version())
    q.send("client", b"ping")
    q.recv("server")
    q.send("server", b"pong")
    q.recv("client")
    s2 = q.client.session
    show("second session id equals first", s2.id == sess.id)
    show("second session equals first", s2 == sess)

    # Resume by setting .session before the handshake.
    r = Pair(cctx, sctx)
    attempt("set session before handshake", setattr, r.client, "session", sess)
    r.handshake(trace=False)
    show("third reused", (r.client.session_reused, r.server.session_reused))

    # A session offered to a server that does not know it (another server context).
    other = server_ctx(tls=tls)
    u = Pair(cctx, other, session=sess)
    u.handshake(trace=False)
    show("unknown to the server: reused", (u.client.session_reused, u.server.session_reused))

done()
