"""A session outliving its connection: taken from an SSLObject or SSLSocket that is then
dropped (with or without unwrap, or closed), it must still resume. Python 3 marks a
connection as shut down before freeing it, so OpenSSL does not invalidate its session."""
from __future__ import print_function

import gc

from parity import Pair, ThreadServer, client_ctx, connect, done, server_ctx, show, want_read


def resumes(cctx, sctx, sess):
    q = Pair(cctx, sctx, session=sess)
    q.handshake(trace=False)
    return q.client.session_reused, q.server.session_reused


for tls in ("1.2", "1.3"):
    print("== TLS %s" % tls)
    for ending in ("kept", "client dropped", "server dropped", "both dropped", "unwrapped"):
        cctx, sctx = client_ctx(tls=tls), server_ctx(tls=tls)
        p = Pair(cctx, sctx)
        sess = p.ping_pong()
        if ending == "client dropped":
            del p.client
        elif ending == "server dropped":
            del p.server
        elif ending == "both dropped":
            del p
        elif ending == "unwrapped":
            want_read(p.client.unwrap)
            p.pump()
            p.server.unwrap()
            p.pump()
            p.client.unwrap()
            del p
        gc.collect()
        show("SSLObject session, %s: resumes" % ending, resumes(cctx, sctx, sess))

    for ending in ("unwrapped", "closed", "dropped"):
        cctx, sctx = client_ctx(tls=tls), server_ctx(tls=tls)
        srv = ThreadServer(sctx, conns=1)
        s = cctx.wrap_socket(connect(srv.port), server_hostname="localhost")
        s.sendall(b"x")
        s.recv(1)
        sess = s.session
        if ending == "unwrapped":
            s.unwrap()
            s.close()
        elif ending == "closed":
            s.close()
        del s
        gc.collect()
        srv.thread.join(30)
        show("SSLSocket session, %s: resumes" % ending, resumes(cctx, sctx, sess))
done()
