"""One TLS connection used from several threads at once, re-entered from its own callbacks,
closed under a blocked call, or stuck on a dead socket: never a crash, a hang, lost or
duplicated data, or a busy loop.

Each scenario runs in a child process with a deadline (a hang fails the test instead of
stopping the run; a crash shows as a signal exit). Stock 2.7.18 crashes or hangs on most of
these (segfaults in libssl, `free(): invalid pointer`, readers that never wake).

Run alone: PYTHONPATH=<dir with _ssl.so> python2.7 tests/python/test_connection_threads.py
"""
import errno
import gc
import os
import resource
import socket
import ssl
import subprocess
import sys
import threading
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import tls_support  # noqa: E402
from tls_support import client_context, server_context  # noqa: E402

# Upper bound of one scenario's child process (seconds).
CHILD_LIMIT = 60
TIMEOUT = 20.0


def setUpModule():
    tls_support.set_up_module()


def cpu_seconds():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


class Collector(object):
    """A thread running gc.collect() in a loop while a scenario runs."""

    def __init__(self):
        self.stop = False
        self.thread = threading.Thread(target=self.run)
        self.thread.daemon = True
        self.thread.start()

    def run(self):
        while not self.stop:
            gc.collect()
            time.sleep(0.001)

    def close(self):
        self.stop = True
        self.thread.join(TIMEOUT)


def echo_server(listener, conns=1, handshake_errors=None):
    """Serves `conns` TLS connections, echoing every byte until the client closes."""
    ctx = server_context()

    def serve():
        for _ in range(conns):
            raw, _ = listener.accept()
            raw.settimeout(TIMEOUT)
            try:
                s = ctx.wrap_socket(raw, server_side=True)
            except (ssl.SSLError, socket.error) as e:
                if handshake_errors is not None:
                    handshake_errors.append(e)
                raw.close()
                continue
            try:
                while True:
                    data = s.recv(65536)
                    if not data:
                        break
                    s.sendall(data)
            except (ssl.SSLError, socket.error):
                pass
            s.close()
    t = threading.Thread(target=serve)
    t.daemon = True
    t.start()
    return t


def serve_one(behave):
    """A TLS server thread for one connection on a fresh listener: accepts it, wraps it server
    side and runs `behave(tls_socket, raw_socket)`. Returns (the thread, the address)."""
    listener = tls_support.listener(1)
    sctx = server_context()

    def serve():
        raw, _ = listener.accept()
        behave(sctx.wrap_socket(raw, server_side=True), raw)
    t = threading.Thread(target=serve)
    t.start()
    return t, listener.getsockname()


def connected_pair(conns=1, handshake=True, timeout=TIMEOUT):
    listener = tls_support.listener(5)
    server = echo_server(listener, conns)
    raw = socket.create_connection(listener.getsockname(), TIMEOUT)
    raw.settimeout(timeout)
    s = client_context().wrap_socket(raw, do_handshake_on_connect=handshake)
    return listener, server, s


# ---- scenarios (each runs in a child process: see ScenarioTest) ----

def scenario_two_handshakes():
    """Two threads call do_handshake() on the same socket at once."""
    listener, server, s = connected_pair(handshake=False)
    errors = []

    def shake():
        try:
            s.do_handshake()
        except Exception as e:  # reported below
            errors.append(e)
    threads = [threading.Thread(target=shake) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(TIMEOUT)
    assert not errors, errors
    assert s.version() is not None
    s.sendall(b"ping")
    assert s.recv(4) == b"ping"
    s.close()
    print("ok")


def scenario_readers_and_writers(timeout):
    """Four writers send tagged blocks, two readers split the echo between them: every byte
    comes back exactly once and every block is whole (writes are never interleaved)."""
    listener, server, s = connected_pair(timeout=timeout)
    gcer = Collector()
    writers, blocks, size = 4, 60, 997
    expected = sum(range(writers)) * 0 + writers * blocks * size
    received, errors = [], []
    lock = threading.Lock()

    def write(n):
        block = (b"%d" % n) * size
        try:
            for _ in range(blocks):
                s.sendall(block)
        except Exception as e:
            errors.append(("w", e))

    def read():
        try:
            while True:
                with lock:
                    if sum(len(x) for x in received) >= expected:
                        return
                try:
                    data = s.recv(8192)
                except ssl.SSLError as e:
                    if "timed out" in str(e):
                        continue
                    raise
                if not data:
                    return
                with lock:
                    received.append(data)
        except Exception as e:
            errors.append(("r", e))
    ts = [threading.Thread(target=write, args=(i,)) for i in range(writers)]
    ts += [threading.Thread(target=read) for _ in range(2)]
    for t in ts:
        t.start()
    for t in ts:
        t.join(CHILD_LIMIT)
    gcer.close()
    assert not errors, errors
    data = b"".join(received)
    assert len(data) == expected, (len(data), expected)
    for n in range(writers):
        assert data.count(b"%d" % n) == blocks * size, n
    s.close()
    print("ok")


def scenario_getters_while_echoing():
    """Four threads call every getter while the main thread echoes data."""
    listener, server, s = connected_pair()
    stop, errors = [], []

    def hammer():
        try:
            while not stop:
                s.cipher()
                s.version()
                s.getpeercert()
                s.getpeercert(True)
                s.pending()
                s.selected_alpn_protocol()
                s.compression()
                s.get_channel_binding()
        except Exception as e:
            errors.append(e)
    ts = [threading.Thread(target=hammer) for _ in range(4)]
    for t in ts:
        t.start()
    for i in range(300):
        msg = b"x" * (i % 50 + 1)
        s.sendall(msg)
        got = b""
        while len(got) < len(msg):
            got += s.recv(len(msg) - len(got))
        assert got == msg
    stop.append(True)
    for t in ts:
        t.join(TIMEOUT)
    assert not errors, errors
    s.close()
    print("ok")


def blocked_reader(s):
    """A thread blocked in s.recv(): returns (thread, results)."""
    out = []

    def read():
        try:
            out.append(("data", s.recv(100)))
        except Exception as e:
            out.append(("error", e))
    t = threading.Thread(target=read)
    t.start()
    time.sleep(0.3)
    assert t.is_alive(), out
    return t, out


def scenario_close_wakes_reader():
    """close() from another thread makes a blocked read() return."""
    listener, server, s = connected_pair(timeout=None)
    t, out = blocked_reader(s)
    start = time.time()
    s.close()
    t.join(5)
    assert not t.is_alive(), "the reader is still blocked"
    assert time.time() - start < 3, time.time() - start
    print("ok", out[0][0])


def scenario_shutdown_wakes_reader():
    """shutdown(SHUT_RDWR) from another thread makes a blocked read() return."""
    listener, server, s = connected_pair(timeout=None)
    t, out = blocked_reader(s)
    s.shutdown(socket.SHUT_RDWR)
    t.join(5)
    assert not t.is_alive(), "the reader is still blocked"
    print("ok", out[0][0])


def scenario_unwrap_wakes_reader():
    """unwrap() while another thread is blocked in read(): both return."""
    listener, server, s = connected_pair(timeout=None)
    t, out = blocked_reader(s)
    done = []

    def unwrap():
        try:
            done.append(s.unwrap())
        except Exception as e:
            done.append(e)
    u = threading.Thread(target=unwrap)
    u.start()
    t.join(5)
    u.join(5)
    assert not t.is_alive(), "the reader is still blocked"
    assert not u.is_alive(), "unwrap is still blocked"
    print("ok", out[0][0], type(done[0]).__name__)


def scenario_callback_reentry():
    """I/O methods called from inside the connection's own servername callback raise
    RuntimeError there; getters work; the handshake then goes on as the callback says."""
    import _ssl
    listener = tls_support.listener(5)
    sctx = server_context()
    seen = []

    def callback(sslsock, name, ctx):
        for what, call in (("do_handshake", lambda: sslsock.do_handshake()),
                           ("read", lambda: sslsock.read(1)),
                           ("write", lambda: sslsock.write(b"x")),
                           ("unwrap", lambda: sslsock.unwrap())):
            try:
                call()
                seen.append((what, "no error"))
            except RuntimeError as e:
                seen.append((what, "RuntimeError" if "own callbacks" in str(e) else str(e)))
            except Exception as e:
                seen.append((what, repr(e)))
        seen.append(("version", sslsock.version() is not None or True))
        return None
    sctx.set_servername_callback(callback)

    def serve():
        raw, _ = listener.accept()
        raw.settimeout(TIMEOUT)
        s = sctx.wrap_socket(raw, server_side=True)
        s.sendall(s.recv(10))
        s.close()
    t = threading.Thread(target=serve)
    t.start()
    raw = socket.create_connection(listener.getsockname(), TIMEOUT)
    c = client_context().wrap_socket(raw, server_hostname="localhost")
    c.sendall(b"hello")
    assert c.recv(10) == b"hello"
    c.close()
    t.join(TIMEOUT)
    for what in ("do_handshake", "read", "write", "unwrap"):
        assert (what, "RuntimeError") in seen, seen
    print("ok")


def scenario_memory_two_threads():
    """One SSLObject-level connection (memory BIOs) driven by two threads at once."""
    import _ssl
    sctx, cctx = server_context(), client_context()
    ci, co, si, so = _ssl.MemoryBIO(), _ssl.MemoryBIO(), _ssl.MemoryBIO(), _ssl.MemoryBIO()
    c = cctx._wrap_bio(ci, co, False, "localhost")
    s = sctx._wrap_bio(si, so, True)
    errors = []
    stop = []
    # Moving bytes between the BIOs must keep their order, so the threads take turns at it;
    # the TLS calls themselves run concurrently on the same two connections.
    move = threading.Lock()

    def pump():
        try:
            while not stop:
                for obj in (c, s):
                    try:
                        obj.do_handshake()
                        obj.write(b"z")
                        obj.read(10)
                    except (ssl.SSLWantReadError, ssl.SSLWantWriteError):
                        pass
                with move:
                    data = co.read()
                    if data:
                        si.write(data)
                    data = so.read()
                    if data:
                        ci.write(data)
        except Exception as e:
            errors.append(e)
    ts = [threading.Thread(target=pump) for _ in range(2)]
    for t in ts:
        t.start()
    time.sleep(2)
    stop.append(True)
    for t in ts:
        t.join(TIMEOUT)
    assert not errors, errors
    print("ok")


def scenario_no_busy_wait():
    """Blocked or failing operations consume (almost) no CPU: a handshake on an unconnected
    socket fails at once, a peer that stops mid-record times the read out at its deadline, a
    half-closed peer ends the read."""
    import _ssl
    ctx = client_context()
    # Unconnected socket, with and without a timeout, both sides.
    for timeout, server_side in ((None, False), (2.0, False), (None, True), (2.0, True)):
        sock = socket.socket()
        sock.settimeout(timeout)
        obj = (server_context() if server_side else ctx)._wrap_socket(sock._sock, server_side)
        before, start = cpu_seconds(), time.time()
        try:
            obj.do_handshake()
            raise AssertionError("handshake on an unconnected socket succeeded")
        except (ssl.SSLError, socket.error):
            pass
        assert time.time() - start < 1.5, ("unconnected", timeout, time.time() - start)
        assert cpu_seconds() - before < 0.5, ("unconnected", timeout, cpu_seconds() - before)
    # A peer that completes the handshake, sends half a record and stops.
    release = threading.Event()

    def stall(s, raw):
        s._sock.send(b"\x17\x03\x03\x00\x40" + b"\x00" * 10)
        release.wait(CHILD_LIMIT)
        s.close()
    t, address = serve_one(stall)
    raw = socket.create_connection(address, TIMEOUT)
    raw.settimeout(1.0)
    c = client_context().wrap_socket(raw)
    before, start = cpu_seconds(), time.time()
    try:
        c.recv(10)
        raise AssertionError("read of a stalled record returned")
    except ssl.SSLError as e:
        assert "timed out" in str(e), e
    elapsed = time.time() - start
    assert 0.9 <= elapsed < 1.8, elapsed
    assert cpu_seconds() - before < 0.3, cpu_seconds() - before
    release.set()
    t.join(TIMEOUT)
    # A peer that shuts down its sending side (FIN, no close_notify): the read ends, at once.
    done = threading.Event()

    def half_close(s, raw):
        s.shutdown(socket.SHUT_WR)
        done.wait(CHILD_LIMIT)
        raw.close()
    t, address = serve_one(half_close)
    raw = socket.create_connection(address, TIMEOUT)
    c = client_context().wrap_socket(raw)
    before, start = cpu_seconds(), time.time()
    assert c.recv(10) == b""  # suppress_ragged_eofs
    assert time.time() - start < 1.5, time.time() - start
    assert cpu_seconds() - before < 0.3, cpu_seconds() - before
    done.set()
    t.join(TIMEOUT)
    print("ok")


def scenario_deadline_is_total():
    """A timeout bounds the whole operation: a peer dribbling one byte of a record every 0.3 s
    cannot keep a 1 s read alive for longer (2.7 restarted the timeout at every byte)."""
    stop = threading.Event()

    def dribble(s, raw):
        record = b"\x17\x03\x03\x00\x40" + b"\x00" * 0x40
        for b in record:
            if stop.wait(0.3):
                break
            s._sock.send(b)
        s.close()
    t, address = serve_one(dribble)
    raw = socket.create_connection(address, TIMEOUT)
    raw.settimeout(1.0)
    c = client_context().wrap_socket(raw)
    start = time.time()
    try:
        c.recv(10)
    except ssl.SSLError as e:
        assert "timed out" in str(e), e
    elapsed = time.time() - start
    stop.set()
    t.join(TIMEOUT)
    assert elapsed < 1.8, elapsed
    print("ok")


SCENARIOS = [
    # (name, call, also under valgrind: no timing assertions)
    ("two_handshakes", "scenario_two_handshakes()", True),
    ("readers_writers_blocking", "scenario_readers_and_writers(None)", True),
    ("readers_writers_timeout", "scenario_readers_and_writers(5.0)", False),
    ("getters_while_echoing", "scenario_getters_while_echoing()", True),
    ("close_wakes_reader", "scenario_close_wakes_reader()", True),
    ("shutdown_wakes_reader", "scenario_shutdown_wakes_reader()", True),
    ("unwrap_wakes_reader", "scenario_unwrap_wakes_reader()", True),
    ("callback_reentry", "scenario_callback_reentry()", True),
    ("memory_two_threads", "scenario_memory_two_threads()", True),
    ("no_busy_wait", "scenario_no_busy_wait()", False),
    ("deadline_is_total", "scenario_deadline_is_total()", False),
]

# scripts/valgrind.sh sets these: each scenario that makes no timing assertion then runs under
# memcheck itself (valgrind does not follow the child processes), writing its own log there.
VALGRIND_LOGS = os.environ.get("PEP466_CHILD_VALGRIND_LOGS")
VALGRIND_SUPP = os.environ.get("PEP466_CHILD_VALGRIND_SUPP")


def run_child(name, call, memcheck):
    code = ("import sys; sys.path.insert(0, %r)\n"
            "import test_connection_threads as t\n"
            "t.%s\n" % (HERE, call))
    argv = [sys.executable, "-c", code]
    limit = CHILD_LIMIT
    if memcheck and VALGRIND_LOGS:
        argv = ["valgrind", "--tool=memcheck", "--error-limit=no", "--num-callers=40",
                "--leak-check=full", "--show-leak-kinds=definite",
                "--errors-for-leak-kinds=definite",
                "--suppressions=%s" % VALGRIND_SUPP,
                "--log-file=%s" % os.path.join(VALGRIND_LOGS,
                                               "own-connection-threads-%s.log" % name)] + argv
        limit = CHILD_LIMIT * 10
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            env=os.environ.copy())
    deadline = time.time() + limit
    while proc.poll() is None and time.time() < deadline:
        time.sleep(0.05)
    if proc.poll() is None:
        proc.kill()
        out = proc.communicate()[0]
        return None, out
    return proc.returncode, proc.communicate()[0]


class ScenarioTest(unittest.TestCase):
    pass


def make_test(name, call, memcheck):
    def test(self):
        if VALGRIND_LOGS and not memcheck:
            self.skipTest("asserts timings, which valgrind's slowdown breaks")
        rc, out = run_child(name, call, memcheck)
        self.assertIsNotNone(rc, "%s hung (killed after %d s):\n%s" % (name, CHILD_LIMIT, out))
        self.assertEqual(rc, 0, "%s exited with %s:\n%s" % (name, rc, out))
        self.assertIn("ok", out)
    test.__name__ = "test_" + name
    return test


for _name, _call, _memcheck in SCENARIOS:
    setattr(ScenarioTest, "test_" + _name, make_test(_name, _call, _memcheck))


if __name__ == "__main__":
    unittest.main()
