"""Helpers shared by the py3parity scenarios. Written in the common subset of Python 2.7 and
Python 3: every scenario runs under Python 2.7 + pep466 and under Python 3, and the runner
(run.py) compares what they print, line by line.

Canonical output (see README.md):
  * text (2.7 str/unicode, 3 str) is printed quoted, non-ASCII escaped;
  * data that is bytes in Python 3 is printed with `showb` (hex, or length + CRC for long
    data) and must be 2.7 `str` / 3 `bytes`;
  * dicts with sorted keys, tuples as (...), lists as [...];
  * exceptions as ClassName(errno=..., library=..., reason=..., msg='...') with the
    "(_ssl.c:N)" suffix removed; never addresses, timings, ports or random bytes.
"""
from __future__ import print_function

import errno
import os
import re
import socket
import sys
import threading
import warnings
import zlib

warnings.simplefilter("ignore")  # Python 3 warns about PROTOCOL_SSLv23 and friends

import ssl  # noqa: E402

PY2 = sys.version_info[0] == 2
if PY2:
    text_type = unicode  # noqa: F821
    int_types = (int, long)  # noqa: F821
    bytes_type = str
else:
    text_type = str
    int_types = (int,)
    bytes_type = bytes

CERTS = os.environ.get("PY3PARITY_CERTS")
if not CERTS:
    sys.exit("PY3PARITY_CERTS is not set (run the scenarios through run.py)")

# One fixed TLS 1.2 cipher list for both sides of every connection: 2.7 and 3 have different
# default cipher strings, and shared_ciphers()/cipher() must not depend on them.
CIPHERS = ("ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
           "ECDHE-ECDSA-CHACHA20-POLY1305")
TIMEOUT = 20.0  # seconds, for every socket operation


def cert(name):
    return os.path.join(CERTS, name)


def read_file(name):
    with open(cert(name)) as f:
        return f.read()


# --- canonical printing -----------------------------------------------------------------

def _text(v):
    if PY2 and isinstance(v, str):
        v = v.decode("latin-1")
    return "'" + v.encode("unicode_escape").decode("ascii").replace("'", "\\'") + "'"


def canon(v):
    if v is None or isinstance(v, bool):
        return repr(v)
    if isinstance(v, int_types):
        return str(int(v)) if not PY2 else ("%d" % v)
    if isinstance(v, float):
        return repr(v)
    if isinstance(v, text_type) or isinstance(v, str):
        return _text(v)
    if isinstance(v, (bytes_type, bytearray)):
        return "b:" + _hex(v)
    if isinstance(v, tuple):
        return "(" + ", ".join(canon(x) for x in v) + ("," if len(v) == 1 else "") + ")"
    if isinstance(v, list):
        return "[" + ", ".join(canon(x) for x in v) + "]"
    if isinstance(v, dict):
        keys = sorted(v, key=lambda k: canon(k))
        return "{" + ", ".join("%s: %s" % (canon(k), canon(v[k])) for k in keys) + "}"
    if isinstance(v, (set, frozenset)):
        return "set(" + ", ".join(sorted(canon(x) for x in v)) + ")"
    if isinstance(v, BaseException):
        return exc(v)
    return "<%s>" % type(v).__name__


def _hex(b):
    b = bytearray(b)
    if len(b) <= 64:
        return "".join("%02x" % c for c in b)
    return "[len=%d crc=%08x]" % (len(b), zlib.crc32(bytes(b)) & 0xffffffff)


def data(v):
    """Canonical form of a value Python 3 gives as bytes (2.7: str)."""
    if PY2:
        ok = type(v) is str
    else:
        ok = type(v) is bytes
    if not ok:
        return "!type=%s %s" % (type(v).__name__, canon(v))
    return "b:" + _hex(v)


class Lcg(object):
    """A tiny deterministic generator: random.Random's sequences differ between 2.7 and 3."""

    def __init__(self, seed):
        self.state = seed

    def randint(self, a, b):
        self.state = (self.state * 6364136223846793005 + 1442695040888963407) % 2 ** 64
        return a + (self.state >> 11) % (b - a + 1)

    def random(self):
        return self.randint(0, 2 ** 20) / float(2 ** 20)


def show(label, v):
    print("%s: %s" % (label, canon(v)))


def showb(label, v):
    print("%s: %s" % (label, data(v)))


def show_recv(label, result):
    """Prints a Pair.recv() result: (data, exception or None)."""
    got, err = result
    print("%s: %s, %s" % (label, data(got), canon(err)))


def note(*args):
    print(" ".join(str(a) for a in args))


_SSL_C = re.compile(r"\s*\(_ssl\.c:\d+\)")


def message(e):
    if isinstance(e, EnvironmentError) and e.strerror is not None:
        m = e.strerror
    elif len(e.args) == 1:
        m = e.args[0]
    else:
        m = str(e)
    if not isinstance(m, (str, text_type)):
        m = str(m)
    m = _SSL_C.sub("", m)
    if PY2:
        m = m.replace("'unicode'", "'str'")
    return m


def exc(e, msg=True):
    """Canonical form of an exception: class name and the attributes Python 3 defines."""
    parts = []
    name = type(e).__name__
    if isinstance(e, EnvironmentError) and not isinstance(e, ssl.SSLError):
        # 2.7 raises IOError/OSError where 3 raises FileNotFoundError etc.: compare the errno.
        name = "OSError"
        parts.append("errno=%s" % (errno.errorcode.get(e.errno, e.errno) if e.errno else None))
    if isinstance(e, ssl.SSLError):
        parts.append("errno=%s" % canon(e.errno))
        for attr in ("library", "reason", "verify_code", "verify_message"):
            if hasattr(e, attr):
                parts.append("%s=%s" % (attr, canon(getattr(e, attr))))
    if msg:
        parts.append("msg=%s" % _text(message(e)))
    return "%s(%s)" % (name, ", ".join(parts))


def attempt(label, fn, *args, **kwargs):
    """Calls fn and prints `label: -> result` or `label: !Exception(...)`; returns
    (ok, result_or_exception). `msg=False` leaves out the exception's message (use it only for
    argument-parsing errors whose wording is CPython's, not the ssl module's)."""
    msg = kwargs.pop("msg", True)
    binary = kwargs.pop("binary", False)
    try:
        r = fn(*args, **kwargs)
    except Exception as e:
        print("%s: !%s" % (label, exc(e, msg)))
        return False, e
    print("%s: -> %s" % (label, data(r) if binary else canon(r)))
    return True, r


def raises(label, fn, *args, **kwargs):
    """Like attempt, for calls expected to fail; a success is printed as such."""
    return attempt(label, fn, *args, **kwargs)


def done():
    print("END")
    sys.stdout.flush()


# --- contexts ---------------------------------------------------------------------------

def _protocols(ctx, tls):
    ctx.options |= ssl.OP_NO_TLSv1 | ssl.OP_NO_TLSv1_1
    if tls == "1.2":
        ctx.options |= ssl.OP_NO_TLSv1_3
    elif tls == "1.3":
        ctx.options |= ssl.OP_NO_TLSv1_2
    ctx.set_ciphers(CIPHERS)


def client_ctx(tls=None, verify=True, check_hostname=None, cafile="ca.pem", cert_name=None,
               alpn=None):
    """A client context of PROTOCOL_SSLv23 with everything that differs between the 2.7 and
    3 defaults set explicitly. tls: None (1.2 or 1.3), "1.2" or "1.3"."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_SSLv23)
    _protocols(ctx, tls)
    if verify:
        ctx.verify_mode = ssl.CERT_REQUIRED
        ctx.check_hostname = True if check_hostname is None else check_hostname
        ctx.load_verify_locations(cert(cafile))
    else:
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
    if cert_name:
        ctx.load_cert_chain(cert(cert_name + ".pem"), cert(cert_name + ".key"))
    if alpn is not None:
        ctx.set_alpn_protocols(alpn)
    return ctx


def server_ctx(tls=None, cert_name="localhost", client_certs=None, alpn=None):
    """A server context; client_certs: None, "optional" or "required" (trusting ca.pem)."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_SSLv23)
    _protocols(ctx, tls)
    ctx.check_hostname = False
    ctx.load_cert_chain(cert(cert_name + ".pem"), cert(cert_name + ".key"))
    if client_certs:
        ctx.verify_mode = ssl.CERT_REQUIRED if client_certs == "required" else ssl.CERT_OPTIONAL
        ctx.load_verify_locations(cert("ca.pem"))
    else:
        ctx.verify_mode = ssl.CERT_NONE
    if alpn is not None:
        ctx.set_alpn_protocols(alpn)
    return ctx


# --- two SSLObjects over memory BIOs ------------------------------------------------------

def want_read(fn, *args):
    """Runs one step of an SSLObject (`do_handshake`, `unwrap`) that is expected to stop for
    the peer's bytes: a want-read is ignored, anything else raised."""
    try:
        return fn(*args)
    except ssl.SSLWantReadError:
        return None


class Pair(object):
    """A client and a server SSLObject, each with its own incoming/outgoing MemoryBIO; `pump`
    moves the bytes each has written to the other."""

    def __init__(self, cctx, sctx, hostname="localhost", session=None):
        self.c_in, self.c_out = ssl.MemoryBIO(), ssl.MemoryBIO()
        self.s_in, self.s_out = ssl.MemoryBIO(), ssl.MemoryBIO()
        if session is None:
            self.client = cctx.wrap_bio(self.c_in, self.c_out, server_hostname=hostname)
        else:
            self.client = cctx.wrap_bio(self.c_in, self.c_out, server_hostname=hostname,
                                        session=session)
        self.server = sctx.wrap_bio(self.s_in, self.s_out, server_side=True)

    def pump(self):
        """Moves all pending bytes; returns True when something moved."""
        moved = False
        d = self.c_out.read()
        if d:
            self.s_in.write(d)
            moved = True
        d = self.s_out.read()
        if d:
            self.c_in.write(d)
            moved = True
        return moved

    def handshake(self, trace=True, limit=12):
        """Runs both handshakes step by step; prints what each side did at each step.
        Returns None on success, else (side, exception) of the first failure."""
        sides = (("client", self.client), ("server", self.server))
        finished = set()
        for step in range(1, limit + 1):
            events = []
            for name, obj in sides:
                if name in finished:
                    continue
                try:
                    obj.do_handshake()
                except ssl.SSLWantReadError:
                    events.append(name + " want-read")
                except ssl.SSLWantWriteError:
                    events.append(name + " want-write")
                except Exception as e:
                    if trace:
                        print("handshake step %d: %s" % (step, ", ".join(events + [name + " failed"])))
                    print("handshake %s: !%s" % (name, exc(e)))
                    self.pump()
                    return name, e
                else:
                    finished.add(name)
                    events.append(name + " done")
            moved = self.pump()
            if trace and events:
                print("handshake step %d: %s" % (step, ", ".join(events)))
            if len(finished) == 2 and not moved:
                return None
        raise RuntimeError("handshake did not finish in %d steps" % limit)

    def send(self, src, data_):
        """src ('client'/'server') writes data_; the bytes are moved to the peer."""
        obj = self.client if src == "client" else self.server
        n = obj.write(data_)
        self.pump()
        return n

    def recv(self, dst, size=65536):
        """Everything the `dst` side can read now (until SSLWantReadError), as bytes; an
        exception other than want-read is returned as the second item."""
        obj = self.client if dst == "client" else self.server
        got = []
        while True:
            try:
                d = obj.read(size)
            except ssl.SSLWantReadError:
                return b"".join(got), None
            except Exception as e:
                return b"".join(got), e
            if not d:
                return b"".join(got), None
            got.append(d)
            self.pump()

    def ping_pong(self):
        """Handshake quietly, then one record each way (a TLS 1.3 client has its session
        tickets after reading the server's first record); returns the client's session."""
        self.handshake(trace=False)
        self.send("client", b"ping")
        self.recv("server")
        self.send("server", b"pong")
        self.recv("client")
        return self.client.session


def cert_summary(d):
    """A getpeercert() dict with the run-dependent values (serial, validity dates) replaced by
    their shape, and the validity period in seconds."""
    if not isinstance(d, dict):
        return d
    out = dict(d)
    if "serialNumber" in out:
        s = out["serialNumber"]
        out["serialNumber"] = "<hex %s>" % bool(re.match(r"^[0-9A-F]+$", s))
    date = re.compile(r"^[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \d{4} GMT$")
    for k in ("notBefore", "notAfter"):
        if k in out:
            out[k] = "<date %s>" % bool(date.match(out[k]))
    if "notBefore" in d and "notAfter" in d:
        out["validity"] = ssl.cert_time_to_seconds(d["notAfter"]) - ssl.cert_time_to_seconds(d["notBefore"])
    return out


def der_of(name):
    return ssl.PEM_cert_to_DER_cert(read_file(name))


# --- sockets ------------------------------------------------------------------------------

def listener():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", 0))
    s.listen(5)
    s.settimeout(TIMEOUT)
    return s


def connect(port):
    s = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
    return s


class ThreadServer(object):
    """An SSLSocket server on 127.0.0.1 in a thread: accepts `conns` connections with `ctx`,
    and for each echoes what it receives until the peer closes. What the server saw (per
    connection: session_reused, version, exceptions) is kept in `log`, to print after join()
    so output order does not depend on thread timing."""

    def __init__(self, ctx, conns=1):
        self.ctx = ctx
        self.conns = conns
        self.sock = listener()
        self.port = self.sock.getsockname()[1]
        self.log = []
        self.thread = threading.Thread(target=self._run)
        self.thread.daemon = True
        self.thread.start()

    def _run(self):
        try:
            for i in range(self.conns):
                conn, _ = self.sock.accept()
                conn.settimeout(TIMEOUT)
                self._serve(i, conn)
        except Exception as e:
            self.log.append("server: !%s" % exc(e))
        finally:
            self.sock.close()

    def _serve(self, i, conn):
        try:
            s = self.ctx.wrap_socket(conn, server_side=True)
        except Exception as e:
            self.log.append("server conn %d handshake: !%s" % (i, exc(e)))
            conn.close()
            return
        try:
            self.log.append("server conn %d: version=%s reused=%s" % (
                i, canon(s.version()), canon(s.session_reused)))
            while True:
                d = s.recv(4096)
                if not d:
                    break
                s.sendall(d)
            self.log.append("server conn %d: peer closed" % i)
            try:
                s.unwrap()
                self.log.append("server conn %d: unwrap ok" % i)
            except Exception as e:
                self.log.append("server conn %d: unwrap !%s" % (i, type(e).__name__))
        except Exception as e:
            self.log.append("server conn %d: !%s" % (i, exc(e)))
        finally:
            s.close()

    def join(self):
        self.thread.join(TIMEOUT * 2)
        if self.thread.is_alive():
            print("server thread: still running")
        for line in self.log:
            print(line)


class SocketLink(object):
    """Drives an SSLObject over a plain connected socket."""

    def __init__(self, ctx, sock, hostname="localhost", session=None, server_side=False):
        self.sock = sock
        self.inc, self.out = ssl.MemoryBIO(), ssl.MemoryBIO()
        kw = {}
        if session is not None:
            kw["session"] = session
        self.obj = ctx.wrap_bio(self.inc, self.out, server_side=server_side,
                                server_hostname=None if server_side else hostname, **kw)

    def flush(self):
        d = self.out.read()
        if d:
            self.sock.sendall(d)

    def call(self, fn, *args):
        """Runs fn until it does not want to read, moving bytes over the socket."""
        for _ in range(1000):
            try:
                r = fn(*args)
            except ssl.SSLWantReadError:
                self.flush()
                d = self.sock.recv(16384)
                if d:
                    self.inc.write(d)
                else:
                    self.inc.write_eof()
            else:
                self.flush()
                return r
        raise RuntimeError("no progress")

    def read_exactly(self, n):
        got = b""
        while len(got) < n:
            d = self.call(self.obj.read, n - len(got))
            if not d:
                break
            got += d
        return got
