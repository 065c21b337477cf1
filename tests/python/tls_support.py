"""Helpers for the TLS tests: a throw-away PKI made with the openssl CLI, free loopback ports,
`openssl s_server` / `s_client` peers that are always bounded in time and always killed, and
the set-up every TLS test module shares (`set_up_module`, `client_context`, `server_context`,
`listener`, `connect`, `recv_exactly`).

Certificates (EC P-256, valid two days), made once per process in a temp dir:
  ca.pem/ca.key          the test CA
  localhost.pem/.key     server, CN=localhost, SAN DNS:localhost, IP:127.0.0.1
  other.pem/.key         server, CN=other.example, SAN DNS:other.example
  client.pem/.key        client certificate (CN=pep466 client), signed by the CA
  rogue-ca.pem, rogue.pem/.key   a second CA nobody trusts and a localhost cert from it
"""
import atexit
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time

import pep466_support

OPENSSL = os.environ.get("PEP466_OPENSSL", "openssl")
# Upper bound for any single peer process (seconds).
PEER_LIMIT = 60
# Socket timeout of the helpers' connections (seconds).
TIMEOUT = 20.0

_pki = {}


def _run(args, cwd):
    proc = subprocess.Popen([OPENSSL] + args, cwd=cwd, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    out, err = proc.communicate()
    if proc.returncode != 0:
        raise RuntimeError("openssl %s failed: %s" % (args[0], err))
    return out


def _key(d, name):
    _run(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
          "-out", name + ".key"], d)


def _ca(d, name, cn):
    _key(d, name)
    _run(["req", "-x509", "-new", "-key", name + ".key", "-out", name + ".pem", "-days", "2",
          "-subj", "/O=pep466 tests/CN=" + cn,
          "-addext", "basicConstraints=critical,CA:TRUE",
          "-addext", "keyUsage=critical,keyCertSign,cRLSign"], d)


def _leaf(d, name, cn, ca, ext):
    _key(d, name)
    _run(["req", "-new", "-key", name + ".key", "-out", name + ".csr",
          "-subj", "/O=pep466 tests/CN=" + cn], d)
    with open(os.path.join(d, name + ".ext"), "w") as f:
        f.write(ext + "\n")
    _run(["x509", "-req", "-in", name + ".csr", "-CA", ca + ".pem", "-CAkey", ca + ".key",
          "-CAcreateserial", "-out", name + ".pem", "-days", "2",
          "-extfile", name + ".ext"], d)


def pki():
    """Returns {name: path} of the test PKI (made on first use)."""
    if _pki:
        return _pki
    d = tempfile.mkdtemp(prefix="pep466-pki-")
    atexit.register(shutil.rmtree, d, True)
    _ca(d, "ca", "pep466 test CA")
    _ca(d, "rogue-ca", "pep466 rogue CA")
    server_ext = "extendedKeyUsage=serverAuth\nsubjectAltName=%s"
    _leaf(d, "localhost", "localhost", "ca", server_ext % "DNS:localhost,IP:127.0.0.1")
    _leaf(d, "other", "other.example", "ca", server_ext % "DNS:other.example")
    _leaf(d, "client", "pep466 client", "ca", "extendedKeyUsage=clientAuth")
    _leaf(d, "rogue", "localhost", "rogue-ca", server_ext % "DNS:localhost,IP:127.0.0.1")
    for name in ("ca", "rogue-ca", "localhost", "other", "client", "rogue"):
        _pki[name] = os.path.join(d, name + ".pem")
        _pki[name + ".key"] = os.path.join(d, name + ".key")
    _pki["dir"] = d
    return _pki


def set_up_module():
    """Every TLS test module's setUpModule: when the runner gave our build, check it is the one
    imported; make the PKI."""
    if pep466_support.OUR_DIR:
        pep466_support.assert_modules_are_ours()
    pki()


# `ssl` is imported inside the helpers, not here: modules that run on the Lib layer import this
# file before pep466_support.use_lib_layer() puts the patched ssl.py first on sys.path.

def client_context(protocol=None, cafile=None, cert=None, check_hostname=None):
    """A client context (`protocol` default PROTOCOL_SSLv23) that requires a certificate from
    `cafile` (default the test CA), optionally presents the `cert` of the PKI and sets
    `check_hostname` (when given; PROTOCOL_TLS_CLIENT turns it on by itself)."""
    import ssl
    ctx = ssl.SSLContext(ssl.PROTOCOL_SSLv23 if protocol is None else protocol)
    ctx.verify_mode = ssl.CERT_REQUIRED
    if check_hostname is not None:
        ctx.check_hostname = check_hostname
    ctx.load_verify_locations(cafile or pki()["ca"])
    if cert:
        ctx.load_cert_chain(pki()[cert], pki()[cert + ".key"])
    return ctx


def server_context(cert="localhost", protocol=None):
    """A server context (`protocol` default PROTOCOL_SSLv23) with the PKI's `cert`."""
    import ssl
    ctx = ssl.SSLContext(ssl.PROTOCOL_SSLv23 if protocol is None else protocol)
    ctx.load_cert_chain(pki()[cert], pki()[cert + ".key"])
    return ctx


def cert_args(name="localhost"):
    """The `openssl s_server`/`s_client` options that present the PKI's certificate `name`."""
    return ["-cert", pki()[name], "-key", pki()[name + ".key"]]


def listener(backlog=1, timeout=None):
    """A TCP socket listening on 127.0.0.1:<free port> (`timeout` for its accept)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(backlog)
    if timeout is not None:
        sock.settimeout(timeout)
    return sock


def connect(port, ctx, hostname="localhost", timeout=TIMEOUT, **wrap_options):
    """A TLS client connection to 127.0.0.1:port through `ctx`, handshake done (the TCP socket
    is closed if the handshake fails); `wrap_options` go to `wrap_socket`."""
    raw = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    try:
        return ctx.wrap_socket(raw, server_hostname=hostname, **wrap_options)
    except Exception:
        raw.close()
        raise


def recv_exactly(s, n):
    """`n` bytes from `s`, fewer only if the peer ends the stream first."""
    chunks, got = [], 0
    while got < n:
        chunk = s.recv(n - got)
        if not chunk:
            break
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class _Watchdog(object):
    """Kills a process after `limit` seconds, whatever happens to the test."""

    def __init__(self, proc, limit):
        self.timer = threading.Timer(limit, self._kill, (proc,))
        self.timer.daemon = True
        self.timer.start()

    @staticmethod
    def _kill(proc):
        try:
            proc.kill()
        except OSError:
            pass

    def cancel(self):
        self.timer.cancel()
        self.timer.join(5)


class SServer(object):
    """`openssl s_server` on 127.0.0.1:<free port>, as a context manager. `args` are extra
    s_server options; the server answers `-naccept` connections (default 1) and is killed on
    exit in any case."""

    def __init__(self, args, naccept=1, limit=PEER_LIMIT):
        self.port = free_port()
        argv = [OPENSSL, "s_server", "-accept", "127.0.0.1:%d" % self.port,
                "-naccept", str(naccept)] + list(args)
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, close_fds=True)
        self.watchdog = _Watchdog(self.proc, limit)
        self.output = []
        ready = threading.Event()

        def pump():
            for line in iter(self.proc.stdout.readline, b""):
                self.output.append(line)
                if line.startswith(b"ACCEPT"):
                    ready.set()
            ready.set()

        self.reader = threading.Thread(target=pump)
        self.reader.daemon = True
        self.reader.start()
        ready.wait(20)
        if self.proc.poll() is not None:
            raise RuntimeError("s_server exited: %s" % b"".join(self.output))

    def __enter__(self):
        return self

    def kill(self, sig=signal.SIGKILL):
        if self.proc.poll() is None:
            try:
                os.kill(self.proc.pid, sig)
            except OSError:
                pass
        self.proc.wait()

    def text(self):
        return b"".join(self.output)

    def __exit__(self, *exc):
        self.watchdog.cancel()
        self.kill()
        self.reader.join(5)
        try:
            self.proc.stdin.close()
        except (OSError, IOError):
            pass
        return False


def s_client(port, args, data=b"", limit=PEER_LIMIT):
    """Runs `openssl s_client` against 127.0.0.1:port, feeding `data` on stdin; returns
    (exit code, stdout+stderr). Killed after `limit` seconds."""
    argv = [OPENSSL, "s_client", "-connect", "127.0.0.1:%d" % port] + list(args)
    proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, close_fds=True)
    dog = _Watchdog(proc, limit)
    try:
        out, _ = proc.communicate(data)
    finally:
        dog.cancel()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return proc.returncode, out


class SClient(object):
    """`openssl s_client` run in the background (for tests where our side is the server):
    start it after the listener is ready, then `result()` waits for it."""

    def __init__(self, port, args, data=b"", limit=PEER_LIMIT):
        self._out = None
        self._thread = threading.Thread(target=self._go, args=(port, args, data, limit))
        self._thread.daemon = True
        self._thread.start()

    def _go(self, port, args, data, limit):
        self._out = s_client(port, args, data, limit)

    def result(self, wait=PEER_LIMIT + 5):
        self._thread.join(wait)
        return self._out


def drive_handshakes(sockets, rounds):
    """Steps the handshakes of non-blocking SSL sockets connected to each other (a socketpair)
    in this thread, at most `rounds` passes; True when every one finished."""
    import ssl
    pending = list(sockets)
    for _ in range(rounds):
        for s in list(pending):
            try:
                s.do_handshake()
                pending.remove(s)
            except (ssl.SSLWantReadError, ssl.SSLWantWriteError):
                pass
        if not pending:
            return True
    return False


def wait_until(pred, limit=10.0, step=0.01):
    deadline = time.time() + limit
    while time.time() < deadline:
        if pred():
            return True
        time.sleep(step)
    return pred()


def permissive_openssl_conf(directory):
    """Writes a test-only OpenSSL config that re-enables TLS 1.0/1.1 (security level 0) and
    returns its path (for OPENSSL_CONF)."""
    path = os.path.join(directory, "openssl-legacy-tls.cnf")
    with open(path, "w") as f:
        f.write("openssl_conf = openssl_init\n\n"
                "[openssl_init]\nssl_conf = ssl_sect\n\n"
                "[ssl_sect]\nsystem_default = sd\n\n"
                "[sd]\nMinProtocol = None\nCipherString = DEFAULT:@SECLEVEL=0\n")
    return path


_PY3_RAGGED = r"""
import socket, ssl, sys
port, cafile, suppress = int(sys.argv[1]), sys.argv[2], sys.argv[3] == "1"
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.load_verify_locations(cafile)
s = ctx.wrap_socket(socket.create_connection(("127.0.0.1", port), timeout=20),
                    server_hostname="localhost", suppress_ragged_eofs=suppress)
s.sendall(b"x\n")
got = b""
while len(got) < 2:
    got += s.recv(2 - len(got))
print("READY", flush=True)
sys.stdin.readline()
try:
    print(repr(s.recv(1024))[1:])
except ssl.SSLEOFError as e:
    print("SSLEOFError", e.args[0])
"""


def run_python3_client(server, cafile, suppress, limit=PEER_LIMIT):
    """Python 3 as the client of `server` (an SServer running -rev): after the echo, the
    server is killed (ragged EOF) and Python 3's next recv() result is returned: b"''" or
    b"SSLEOFError 8"."""
    python3 = os.environ.get("PEP466_PYTHON3", "python3")
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)  # our 2.7 modules must not shadow Python 3's
    proc = subprocess.Popen([python3, "-c", _PY3_RAGGED, str(server.port), cafile,
                             "1" if suppress else "0"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, close_fds=True, env=env)
    dog = _Watchdog(proc, limit)
    try:
        line = proc.stdout.readline()
        if line.strip() != b"READY":
            raise RuntimeError("python3 client failed: %r %r" % (line, proc.stderr.read()))
        server.kill()
        out, err = proc.communicate(b"go\n")
    finally:
        dog.cancel()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return out.strip()
