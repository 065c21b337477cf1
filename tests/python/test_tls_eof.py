"""A peer that closes the TCP connection without sending close_notify (a "ragged EOF").

OpenSSL 3 reports it as SSL_R_UNEXPECTED_EOF_WHILE_READING; stock 2.7.18 then raised a plain
SSLError (mislabelled KRB5_S_TKT_NYV) even with suppress_ragged_eofs=True. Our module maps it to
SSLEOFError (args[0] == SSL_ERROR_EOF), so 2.7's ssl.py reads it as end of data, which is what
OpenSSL 1.1.1 gave and what Python 3.10+ does:

  suppress_ragged_eofs=True   -> recv() returns ''
  suppress_ragged_eofs=False  -> SSLEOFError(8, 'EOF occurred in violation of protocol ...')

A clean close (close_notify received) reads '' in both modes.
"""
import os
import socket
import ssl
import sys
import threading
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tls_support  # noqa: E402
from tls_support import (SServer, cert_args, client_context, connect, pki, recv_exactly,  # noqa: E402
                         run_python3_client, server_context)

TIMEOUT = 20.0


def setUpModule():
    tls_support.set_up_module()


class RaggedEofFromOpenSSL(unittest.TestCase):
    """`openssl s_server` killed with SIGKILL after answering: the kernel sends FIN, OpenSSL
    never sends close_notify."""

    def run_case(self, version_flag, suppress):
        args = cert_args() + ["-rev", version_flag]
        with SServer(args) as srv:
            s = connect(srv.port, client_context(), suppress_ragged_eofs=suppress)
            try:
                s.sendall(b"ragged\n")
                self.assertEqual(recv_exactly(s, 7), b"deggar\n")
                srv.kill()
                if suppress:
                    self.assertEqual(s.recv(1024), b"")
                    self.assertEqual(s.recv(1024), b"")
                else:
                    with self.assertRaises(ssl.SSLEOFError) as cm:
                        s.recv(1024)
                    e = cm.exception
                    self.assertEqual(e.args[0], ssl.SSL_ERROR_EOF)
                    self.assertEqual(e.errno, ssl.SSL_ERROR_EOF)
                    self.assertIn("EOF occurred in violation of protocol", str(e))
                    self.assertIsInstance(e, ssl.SSLError)
                    self.assertIsInstance(e, socket.error)
            finally:
                s.close()

    def test_tls12_suppressed(self):
        self.run_case("-tls1_2", True)

    def test_tls12_raises(self):
        self.run_case("-tls1_2", False)

    def test_tls13_suppressed(self):
        self.run_case("-tls1_3", True)

    def test_tls13_raises(self):
        self.run_case("-tls1_3", False)

    def test_recv_into_suppressed(self):
        args = cert_args() + ["-rev"]
        with SServer(args) as srv:
            s = connect(srv.port, client_context())
            try:
                s.sendall(b"x\n")
                self.assertEqual(recv_exactly(s, 2), b"x\n")
                srv.kill()
                buf = bytearray(10)
                self.assertEqual(s.recv_into(buf), 0)
            finally:
                s.close()


class OwnServer(object):
    """A 2.7 server made with our module: answers one line, then either closes the socket
    without a TLS shutdown (2.7's SSLSocket.close() sends no close_notify) or unwraps."""

    def __init__(self, clean):
        self.ctx = server_context()
        self.listener = tls_support.listener(timeout=TIMEOUT)
        self.port = self.listener.getsockname()[1]
        self.clean = clean
        self.error = None
        self.thread = threading.Thread(target=self.run)
        self.thread.daemon = True
        self.thread.start()

    def run(self):
        try:
            raw, _ = self.listener.accept()
            raw.settimeout(TIMEOUT)
            conn = self.ctx.wrap_socket(raw, server_side=True)
            conn.sendall(recv_exactly(conn, 4))
            if self.clean:
                conn = conn.unwrap()
            conn.close()
        except Exception as e:
            self.error = e
        finally:
            self.listener.close()


class EofFromOurOwnServer(unittest.TestCase):

    def run_case(self, clean, suppress):
        srv = OwnServer(clean)
        s = connect(srv.port, client_context(), suppress_ragged_eofs=suppress)
        try:
            s.sendall(b"ping")
            self.assertEqual(recv_exactly(s, 4), b"ping")
            if clean:
                # The server's unwrap() sends close_notify and waits for ours.
                self.assertEqual(s.recv(1024), b"")
                s = s.unwrap()
            elif suppress:
                srv.thread.join(TIMEOUT)
                self.assertEqual(s.recv(1024), b"")
            else:
                srv.thread.join(TIMEOUT)
                with self.assertRaises(ssl.SSLEOFError):
                    s.recv(1024)
        finally:
            s.close()
        srv.thread.join(TIMEOUT)
        self.assertIsNone(srv.error)

    def test_ragged_suppressed(self):
        self.run_case(False, True)

    def test_ragged_raises(self):
        self.run_case(False, False)

    def test_clean_close_suppressed(self):
        self.run_case(True, True)

    def test_clean_close_not_suppressed(self):
        self.run_case(True, False)


class SameAsPython3(unittest.TestCase):
    """Python 3 (3.10+ semantics) on the same OpenSSL reads the ragged EOF the same way."""

    def test_python3_agrees(self):
        p = pki()
        args = cert_args() + ["-rev"]
        results = []
        for suppress in (True, False):
            with SServer(args) as srv:
                results.append(run_python3_client(srv, p["ca"], suppress))
        self.assertEqual(results, [b"''", b"SSLEOFError 8"])


if __name__ == "__main__":
    unittest.main()
