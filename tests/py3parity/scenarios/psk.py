"""PSK (Python 3.13): set_psk_client_callback / set_psk_server_callback over SSLObject pairs,
TLS 1.2 PSK cipher suites and TLS 1.3 external PSKs; what each callable gets, wrong keys,
callables that raise or return wrong types or oversized values (reported unraisable or
failing silently, never crashing), argument errors, HAS_PSK."""
from __future__ import print_function

import sys
import warnings

import ssl

from parity import Pair, attempt, cert, done, show

PY2 = sys.version_info[0] == 2
KEY = b"\xde\xad\xbe\xef" * 4


class Capture(object):
    """Collects what is written to sys.stderr (where both report unraisable exceptions)."""

    def __init__(self):
        self.text = []

    def write(self, s):
        self.text.append(s)

    def flush(self):
        pass


def contexts(tls, client_cb, server_cb, hint=None, server_cert=False):
    c = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    s = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    for ctx in (c, s):
        ctx.options |= ssl.OP_NO_TLSv1_3 if tls == "1.2" else ssl.OP_NO_TLSv1_2
        ctx.set_ciphers("PSK")
    c.check_hostname = False
    c.verify_mode = ssl.CERT_NONE
    if server_cert:
        s.load_cert_chain(cert("localhost.pem"), cert("localhost.key"))
    if client_cb is not None:
        c.set_psk_client_callback(client_cb)
    if server_cb is not None:
        s.set_psk_server_callback(server_cb, hint)
    return c, s


def run(label, tls, client_cb, server_cb, hint=None, server_cert=False):
    seen = []

    def ccb(h):
        seen.append(("client got", h, type(h).__name__ if h is not None else None))
        return client_cb(h)

    def scb(i):
        seen.append(("server got", i, type(i).__name__ if i is not None else None))
        return server_cb(i)

    c, s = contexts(tls, ccb, scb, hint, server_cert)
    p = Pair(c, s, hostname=None)
    old, sys.stderr = sys.stderr, Capture()
    try:
        failure = p.handshake(trace=False)
    finally:
        cap, sys.stderr = sys.stderr, old
    text = "".join(cap.text)
    for item in seen:
        show("%s %s" % (tls, label), (item[0], item[1], item[2] in ("str", "unicode")
                                      if item[2] else None))
    # Whether an unraisable exception was reported (the class of a wrong return value
    # differs: 3 parses it with PyArg_ParseTuple, which raises SystemError for a non-tuple),
    # and whether it was the callable's own ValueError.
    show("%s %s: reported" % (tls, label), (bool(text.strip()), "ValueError" in text))
    if failure is None:
        show("%s %s: cipher" % (tls, label), p.client.cipher()[0])
        p.send("client", b"ping")
        show("%s %s: data" % (tls, label), p.recv("server")[0] == b"ping")
    return failure


good_client = lambda h: ("client-identity", KEY)  # noqa: E731
good_server = lambda i: KEY  # noqa: E731


def boom(_):
    raise ValueError("boom")


for tls in ("1.2", "1.3"):
    run("basic", tls, good_client, good_server, hint="identity-hint")
    run("no hint", tls, good_client, good_server)
    run("with certificate", tls, good_client, good_server, server_cert=True)
    run("unicode identity", tls, lambda h: (u"caf\u00e9", KEY), good_server)
    run("None identity", tls, lambda h: (None, KEY), good_server)
    run("wrong key", tls, good_client, lambda i: b"\x00" * 16)
    run("client raises", tls, boom, good_server)
    run("server raises", tls, good_client, boom)
    run("client returns int", tls, lambda h: 1, good_server)
    run("client returns 3-tuple", tls, lambda h: ("a", KEY, 1), good_server)
    run("client text psk", tls, lambda h: ("a", u"key"), good_server)
    run("client identity int", tls, lambda h: (1, KEY), good_server)
    run("identity 255 bytes", tls, lambda h: ("i" * 255, KEY), good_server)
    run("identity 256 bytes", tls, lambda h: ("i" * 256, KEY), good_server)
    run("identity 1000 bytes", tls, lambda h: ("i" * 1000, KEY), good_server)
    run("client psk 512 bytes", tls, lambda h: ("a", b"k" * 512), lambda i: b"k" * 512)
    run("client psk 10000 bytes", tls, lambda h: ("a", b"k" * 10000), good_server)
    run("server psk 10000 bytes", tls, good_client, lambda i: b"k" * 10000)
    run("server returns text", tls, good_client, lambda i: u"key")
    run("server returns None", tls, good_client, lambda i: None)
    run("empty psk", tls, lambda h: ("a", b""), lambda i: b"")

# Callables that remove themselves (and drop their context) while a handshake runs.
for tls in ("1.2", "1.3"):
    holder = {}

    def removing_client(h):
        holder["c"].set_psk_client_callback(None)
        del holder["c"]
        return ("client-identity", KEY)

    def removing_server(i):
        holder["s"].set_psk_server_callback(None)
        del holder["s"]
        return KEY

    c, s = contexts(tls, removing_client, removing_server)
    holder["c"], holder["s"] = c, s
    p = Pair(c, s, hostname=None)
    del c, s
    show("%s self-removing callables: failure" % tls, p.handshake(trace=False))
    show("%s self-removing callables: contexts dropped" % tls, sorted(holder))

cctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
sctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
attempt("client cb on server ctx", sctx.set_psk_client_callback, good_client)
attempt("server cb on client ctx", cctx.set_psk_server_callback, good_server)
attempt("client cb not callable", cctx.set_psk_client_callback, 1)
attempt("client cb None", cctx.set_psk_client_callback, None)
attempt("client cb keyword", cctx.set_psk_client_callback, callback=good_client)
attempt("server cb not callable", sctx.set_psk_server_callback, 1)
attempt("server cb not callable, long hint", sctx.set_psk_server_callback, 1, "x" * 1000)
attempt("server hint int", sctx.set_psk_server_callback, good_server, 1, msg=False)
attempt("server hint 256", sctx.set_psk_server_callback, good_server, "x" * 256)
attempt("server hint 257", sctx.set_psk_server_callback, good_server, "x" * 257)
attempt("server hint keyword", sctx.set_psk_server_callback, good_server,
        identity_hint=u"h\u00e9")
attempt("server None, long hint", sctx.set_psk_server_callback, None, "x" * 1000)
attempt("no arguments", sctx.set_psk_server_callback, msg=False)
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    g = ssl.SSLContext(ssl.PROTOCOL_SSLv23)
attempt("generic: client cb", g.set_psk_client_callback, good_client)
attempt("generic: server cb", g.set_psk_server_callback, good_server)
show("HAS_PSK", ssl.HAS_PSK)
done()
