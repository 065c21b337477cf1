"""The certificate verification matrix of a PROTOCOL_TLS_CLIENT context, on SSLObject and on
SSLSocket: expired, not yet valid, wrong host, wrong IP, untrusted root, self-signed, weak key,
SHA-1 signature, NUL in a SAN, CN-only with hostname_checks_common_name on and off, IDNA names,
and IPv4/IPv6 SAN certificates that verify. Each failure prints its class, verify_code,
verify_message and message, and whether `except ssl.CertificateError` catches it. The
certificates are made here, with the openssl CLI, in a temporary folder."""
from __future__ import print_function

import atexit
import os
import shutil
import subprocess
import tempfile

import ssl

from parity import Pair, ThreadServer, connect, done, exc, show

D = tempfile.mkdtemp(prefix="py3parity-matrix-")
atexit.register(shutil.rmtree, D, True)
CA_CNF = """[ca]
default_ca = c
[c]
dir = .
database = index.txt
new_certs_dir = .
serial = serial
default_md = sha256
policy = p
unique_subject = no
[p]
commonName = supplied
"""


def run(*args):
    p = subprocess.Popen(("openssl",) + args, cwd=D, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE)
    out, err = p.communicate()
    if p.returncode:
        raise RuntimeError("openssl %s: %s" % (args[0], err))


def key(name, rsa_bits=None):
    if rsa_bits:
        run("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:%d" % rsa_bits,
            "-out", name + ".key")
    else:
        run("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
            "-out", name + ".key")


def root(name):
    key(name)
    run("req", "-x509", "-new", "-key", name + ".key", "-out", name + ".pem", "-days", "2",
        "-subj", "/CN=matrix " + name, "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign")


def leaf(name, ext, issuer="ca", cn="localhost", rsa_bits=None, md="sha256",
         start=None, end=None):
    key(name, rsa_bits)
    run("req", "-new", "-key", name + ".key", "-out", name + ".csr", "-subj", "/CN=" + cn)
    with open(os.path.join(D, name + ".ext"), "w") as f:
        f.write("basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n" + ext)
    dates = ["-days", "2"]
    if start:
        dates = ["-startdate", start, "-enddate", end]
    run("ca", "-batch", "-config", "ca.cnf", "-notext", "-md", md, "-cert", issuer + ".pem",
        "-keyfile", issuer + ".key", "-in", name + ".csr", "-out", name + ".pem",
        "-extfile", name + ".ext", *dates)


with open(os.path.join(D, "ca.cnf"), "w") as f:
    f.write(CA_CNF)
open(os.path.join(D, "index.txt"), "w").close()
with open(os.path.join(D, "serial"), "w") as f:
    f.write("1000\n")
root("ca")
root("rogue")
SAN = "subjectAltName=DNS:localhost\n"
leaf("valid", SAN)
leaf("expired", SAN, start="20200101000000Z", end="20200102000000Z")
leaf("notyet", SAN, start="20990101000000Z", end="20990102000000Z")
leaf("otherhost", "subjectAltName=DNS:other.example\n")
leaf("otherip", "subjectAltName=IP:127.0.0.2\n")
leaf("untrusted", SAN, issuer="rogue")
leaf("weakkey", SAN, rsa_bits=1024)
leaf("sha1", SAN, md="sha1")
# SAN dNSName "localhost\0.evil.example" (IA5String with an embedded NUL), as raw DER.
NUL_NAME = b"localhost\x00.evil.example"
leaf("nulsan", "subjectAltName=DER:30%02x82%02x%s\n" % (
    len(NUL_NAME) + 2, len(NUL_NAME),
    "".join("%02x" % c for c in bytearray(NUL_NAME))))
leaf("cnonly", "")
leaf("idna", "subjectAltName=DNS:xn--pythn-mua.example\n")
leaf("ipv4", "subjectAltName=IP:127.0.0.1\n")
leaf("ipv6", "subjectAltName=IP:::1\n")
key("selfsigned")
run("req", "-x509", "-new", "-key", "selfsigned.key", "-out", "selfsigned.pem", "-days", "2",
    "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost")

# (label, certificate, server_hostname, hostname_checks_common_name or None)
CASES = (
    ("valid", "valid", "localhost", None),
    ("expired", "expired", "localhost", None),
    ("not yet valid", "notyet", "localhost", None),
    ("wrong host", "otherhost", "localhost", None),
    ("wrong IP", "otherip", "127.0.0.1", None),
    ("untrusted root", "untrusted", "localhost", None),
    ("self-signed", "selfsigned", "localhost", None),
    ("weak key", "weakkey", "localhost", None),
    ("SHA-1 signature", "sha1", "localhost", None),
    ("NUL in SAN", "nulsan", "localhost", None),
    ("NUL in SAN, full name", "nulsan", "localhost.evil.example", None),
    ("CN only, common name on", "cnonly", "localhost", True),
    ("CN only, common name off", "cnonly", "localhost", False),
    ("IDNA U-label", "idna", u"pyth\xf6n.example", None),
    ("IDNA A-label", "idna", "xn--pythn-mua.example", None),
    ("IDNA other name", "idna", u"pyth\xf8n.example", None),
    ("IPv4 SAN", "ipv4", "127.0.0.1", None),
    ("IPv6 SAN", "ipv6", "::1", None),
    ("IPv6 SAN, other address", "ipv6", "::2", None),
)


def client(common_name):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.load_verify_locations(os.path.join(D, "ca.pem"))
    if common_name is not None:
        ctx.hostname_checks_common_name = common_name
    return ctx


def server(name):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    # The server itself accepts a weak key or a SHA-1 certificate: the client must refuse.
    ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
    ctx.load_cert_chain(os.path.join(D, name + ".pem"), os.path.join(D, name + ".key"))
    return ctx


def outcome(label, e):
    if e is None:
        show(label, "accepted")
    else:
        show(label, (exc(e), isinstance(e, ssl.CertificateError),
                     isinstance(e, ssl.SSLError)))


for label, name, host, common_name in CASES:
    # SSLObject over memory BIOs.
    p = Pair(client(common_name), server(name), hostname=host)
    r = p.handshake(trace=False)
    outcome("SSLObject %s" % label, None if r is None else r[1])
    # SSLSocket against a server thread.
    srv = ThreadServer(server(name))
    err = None
    s = None
    try:
        s = client(common_name).wrap_socket(connect(srv.port), server_hostname=host)
        show("SSLSocket %s: peer" % label, s.getpeercert().get("subjectAltName"))
    except Exception as e:
        err = e
    finally:
        if s is not None:
            s.close()
    outcome("SSLSocket %s" % label, err)
    # What the server saw of the handshake (what follows it depends on thread timing).
    srv.thread.join(30)
    for line in srv.log:
        if "handshake" in line:
            print(line)
done()
