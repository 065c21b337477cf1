"""Thread stress: 8 client threads and 8 server threads in one process, one shared client
context and one shared server context (with a servername callback, so OpenSSL calls back into
Python from many threads), doing full handshakes, an echo of a few KB and a TLS shutdown on
every connection. 2 000 connections by default (PEP466_TLS_THREAD_CONNECTIONS to change it).

Checks: every connection completes with the right data, no error on either side, no crash, and
the process's resident memory after the run is within a few MB of what it was after a warm-up
(a leak of even one small object per connection would show).
"""
import os
import socket
import ssl
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tls_support  # noqa: E402
from pep466_support import rss_kb  # noqa: E402
from tls_support import listener, recv_exactly  # noqa: E402

THREADS = 8
CONNECTIONS = int(os.environ.get("PEP466_TLS_THREAD_CONNECTIONS", "2000"))
WARMUP = 200
PAYLOAD = 4096
TIMEOUT = 30.0
# Allowed RSS growth between the warm-up and the end of the run.
RSS_SLACK_KB = 6 * 1024


def setUpModule():
    tls_support.set_up_module()


class Stress(object):
    def __init__(self):
        self.server_ctx = tls_support.server_context()
        self.names = [0]
        lock = threading.Lock()

        def on_servername(sslsock, name, context):
            if name != u"localhost":
                return ssl.ALERT_DESCRIPTION_UNRECOGNIZED_NAME
            with lock:
                self.names[0] += 1
        self.server_ctx.set_servername_callback(on_servername)
        self.client_ctx = tls_support.client_context(check_hostname=True)
        self.listener = listener(128, timeout=1.0)
        self.port = self.listener.getsockname()[1]
        self.errors = []
        self.served = [0]
        self.done = threading.Event()
        self.lock = lock

    def serve(self):
        while not self.done.is_set():
            try:
                raw, _ = self.listener.accept()
            except socket.timeout:
                continue
            except socket.error as e:
                if not self.done.is_set():
                    self.errors.append(("accept", e))
                return
            conn = None
            try:
                raw.settimeout(TIMEOUT)
                conn = self.server_ctx.wrap_socket(raw, server_side=True)
                data = recv_exactly(conn, PAYLOAD)
                conn.sendall(data)
                # The client's close_notify, then ours.
                if conn.recv(1) != b"":
                    raise AssertionError("data after the payload")
                conn = conn.unwrap()
                with self.lock:
                    self.served[0] += 1
            except Exception as e:
                self.errors.append(("server", e))
            finally:
                (conn or raw).close()

    def client(self, count, ident):
        for i in range(count):
            payload = (b"%d:%d:" % (ident, i)).ljust(PAYLOAD, b"x")
            s = None
            try:
                raw = socket.create_connection(("127.0.0.1", self.port), timeout=TIMEOUT)
                s = self.client_ctx.wrap_socket(raw, server_hostname="localhost")
                s.sendall(payload)
                echoed = recv_exactly(s, PAYLOAD)
                if echoed != payload:
                    raise AssertionError("echo mismatch on %d/%d" % (ident, i))
                s = s.unwrap()
            except Exception as e:
                self.errors.append(("client", e))
            finally:
                if s is not None:
                    s.close()

    def run_clients(self, total):
        per = [total // THREADS + (1 if i < total % THREADS else 0) for i in range(THREADS)]
        threads = [threading.Thread(target=self.client, args=(n, i)) for i, n in enumerate(per)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()


class ThreadStress(unittest.TestCase):

    def test_shared_contexts_many_threads(self):
        st = Stress()
        servers = [threading.Thread(target=st.serve) for _ in range(THREADS)]
        for t in servers:
            t.daemon = True
            t.start()
        try:
            st.run_clients(WARMUP)
            before = rss_kb()
            started = time.time()
            st.run_clients(CONNECTIONS)
            elapsed = time.time() - started
            # Let the servers finish their last unwrap.
            deadline = time.time() + TIMEOUT
            while st.served[0] < WARMUP + CONNECTIONS and time.time() < deadline:
                time.sleep(0.01)
            after = rss_kb()
        finally:
            st.done.set()
            for t in servers:
                t.join(TIMEOUT)
            st.listener.close()
        sys.stderr.write("\n%d connections on %d+%d threads in %.1f s; RSS %d kB -> %d kB "
                         "(%+d kB)\n" % (CONNECTIONS, THREADS, THREADS, elapsed, before, after,
                                         after - before))
        self.assertEqual(st.errors[:5], [])
        self.assertEqual(st.served[0], WARMUP + CONNECTIONS)
        self.assertEqual(st.names[0], WARMUP + CONNECTIONS)
        self.assertLess(after - before, RSS_SLACK_KB)


if __name__ == "__main__":
    unittest.main()
