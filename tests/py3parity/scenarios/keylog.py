"""keylog_filename (Python 3.8): NSS key log lines for SSLObject and SSLSocket connections, TLS
1.2 and 1.3, appended to one file shared by two contexts and several threads; errors at
assignment (directory, missing directory, wrong type); None disables; SSLKEYLOGFILE in
create_default_context (and ignored under -E)."""
from __future__ import print_function

import os
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import threading

from parity import (Pair, SocketLink, ThreadServer, attempt, client_ctx, connect, done,
                    server_ctx, show)

tmp = tempfile.mkdtemp()
path = os.path.join(tmp, "keys.log")


def labels(p):
    """The label of each line (secrets and randoms differ per run), in file order."""
    with open(p) as f:
        return [line.split(" ")[0] if not line.startswith("#") else line.strip()
                for line in f]


def well_formed(p):
    """Every secret line is LABEL <64 hex client random> <hex secret>."""
    with open(p) as f:
        for line in f:
            if line.startswith("#"):
                continue
            parts = line.split()
            if len(parts) != 3 or len(parts[1]) != 64:
                return False
            int(parts[1], 16), int(parts[2], 16)
    return True


ctx = client_ctx()
show("default", ctx.keylog_filename)
attempt("set to a directory", setattr, ctx, "keylog_filename", tmp)
show("after failure", ctx.keylog_filename)
attempt("set to a missing dir", setattr, ctx, "keylog_filename",
        os.path.join(tmp, "no", "such", "file"))
attempt("set to an int", setattr, ctx, "keylog_filename", 1, msg=False)
attempt("set to a path with NUL", setattr, ctx, "keylog_filename", "a\0b", msg=False)

for tls in ("1.2", "1.3"):
    if os.path.exists(path):
        os.remove(path)
    c, s = client_ctx(tls=tls), server_ctx(tls=tls)
    c.keylog_filename = path
    show("TLS %s filename" % tls, c.keylog_filename == path)
    show("TLS %s header only" % tls, labels(path))
    p = Pair(c, s)
    show("TLS %s handshake failure" % tls, p.handshake(trace=False))
    show("TLS %s client lines" % tls, labels(path))
    s.keylog_filename = path
    p = Pair(c, s)
    p.handshake(trace=False)
    lines = labels(path)
    show("TLS %s both sides: lines" % tls, len(lines))
    show("TLS %s both sides: labels" % tls, sorted(set(lines)))
    show("TLS %s well formed" % tls, well_formed(path))
    c.keylog_filename = None
    s.keylog_filename = None
    show("TLS %s disabled" % tls, (c.keylog_filename, s.keylog_filename))
    n = len(labels(path))
    Pair(c, s).handshake(trace=False)
    show("TLS %s nothing more" % tls, len(labels(path)) == n)

# SSLSocket server and SSLObject-over-socket clients from threads, all into one file.
os.remove(path)
sctx = server_ctx(tls="1.3")
sctx.keylog_filename = path
N = 4
server = ThreadServer(sctx, conns=N)
cctx = client_ctx(tls="1.3")
cctx.keylog_filename = path
errors = []


def client():
    try:
        link = SocketLink(cctx, connect(server.port))
        link.call(link.obj.do_handshake)
        link.call(link.obj.write, b"x")
        link.read_exactly(1)
        link.sock.close()
    except Exception as e:  # noqa
        errors.append(repr(e))


threads = [threading.Thread(target=client) for _ in range(N)]
for t in threads:
    t.start()
for t in threads:
    t.join(60)
server.join()
show("threads errors", errors)
lines = labels(path)
show("threads lines", len(lines))
show("threads well formed", well_formed(path))
show("threads label counts", sorted((l, lines.count(l)) for l in set(lines)))

# create_default_context() and SSLKEYLOGFILE, with and without -E.
env_path = os.path.join(tmp, "env.log")
# -E also ignores PYTHONPATH: the child gets this interpreter's path explicitly.
code = ("import sys; sys.path[:0] = %r; import ssl, warnings; warnings.simplefilter('ignore'); "
        "print('%%s %%s' %% (ssl.create_default_context().keylog_filename is not None, "
        "ssl._create_unverified_context().keylog_filename is not None))" % (sys.path,))
env = dict(os.environ, SSLKEYLOGFILE=env_path)
for flags in ([], ["-E"]):
    out = subprocess.check_output([sys.executable] + flags + ["-c", code], env=env)
    show("SSLKEYLOGFILE %s" % (flags or "no flags"), out.decode().strip())
show("env file header", labels(env_path) if os.path.exists(env_path) else None)
shutil.rmtree(tmp)
done()
