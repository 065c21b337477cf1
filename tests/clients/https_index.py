#!/usr/bin/env python3
"""A loopback HTTPS "simple" package index for the pip checks of scripts/clients.py.

  python3 https_index.py --root DIR --cert CERT.pem --key KEY.pem [--limit SECONDS]

Serves DIR (which holds simple/<name>/index.html and the files it links) over TLS on
127.0.0.1 at a free port, prints the port on one line, and stops when its standard input
closes or after --limit seconds, whichever comes first. It runs under Python 3 (its own ssl
module and OpenSSL), so the only pep466 code in the exchange is the 2.7 client's.
"""
import argparse
import functools
import http.server
import ssl
import sys
import threading


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep the runner's output to the checks' results
        pass


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--root", required=True)
    ap.add_argument("--cert", required=True)
    ap.add_argument("--key", required=True)
    ap.add_argument("--limit", type=float, default=300)
    args = ap.parse_args()
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(args.cert, args.key)
    handler = functools.partial(QuietHandler, directory=args.root)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    server.socket = ctx.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(server.server_address[1], flush=True)
    # Stop when the runner closes our stdin (or dies), bounded by --limit in any case.
    done = threading.Event()
    threading.Thread(target=lambda: (sys.stdin.read(), done.set()), daemon=True).start()
    done.wait(args.limit)
    server.shutdown()


if __name__ == "__main__":
    main()
