#!/usr/bin/env python3
"""Makes the certificates pep466's certificate-decoding tests use, at test time, into a
directory given on the command line, and prints a JSON manifest {name: file} to stdout.

Most certificates are assembled here from DER pieces (so every corner of the format can be
reached: NUL bytes, every GeneralName kind, odd serials, long OIDs, string types OpenSSL's
CLI will not emit) and signed with a throw-away EC key by the `openssl` CLI. A few come
straight from `openssl req -x509` for realism. Certificates are written as PEM; `bad_*`
files are deliberately broken inputs.

Usage: python3 make_certs.py OUTDIR
"""
import base64
import json
import os
import subprocess
import sys


# --- DER -------------------------------------------------------------------------------

def der_len(n):
    if n < 0x80:
        return bytes([n])
    body = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(body)]) + body


def tlv(tag, body):
    return bytes([tag]) + der_len(len(body)) + body


def seq(*items):
    return tlv(0x30, b"".join(items))


def set_(*items):
    return tlv(0x31, b"".join(items))


def integer_bytes(content):
    """An INTEGER with the given content octets (two's complement, as stored)."""
    return tlv(0x02, content)


def integer(n):
    if n == 0:
        return integer_bytes(b"\x00")
    length = (n.bit_length() + 8) // 8 if n > 0 else ((-n - 1).bit_length() + 8) // 8
    return integer_bytes(n.to_bytes(length, "big", signed=True))


def oid(dotted):
    return tlv(0x06, oid_body(dotted))


def oid_body(dotted):
    arcs = [int(a) for a in dotted.split(".")]
    out = bytearray([arcs[0] * 40 + arcs[1]])
    for arc in arcs[2:]:
        chunk = [arc & 0x7F]
        arc >>= 7
        while arc:
            chunk.append(0x80 | (arc & 0x7F))
            arc >>= 7
        out.extend(reversed(chunk))
    return bytes(out)


def utf8(s):
    return tlv(0x0C, s.encode("utf-8") if isinstance(s, str) else s)


def printable(s):
    return tlv(0x13, s.encode("ascii"))


def ia5(b):
    return tlv(0x16, b)


def utctime(s):
    return tlv(0x17, s.encode("ascii"))


def gentime(s):
    return tlv(0x18, s.encode("ascii"))


def octets(b):
    return tlv(0x04, b)


def explicit(n, body):
    return tlv(0xA0 | n, body)


def implicit_prim(n, body):
    return tlv(0x80 | n, body)


def implicit_cons(n, body):
    return tlv(0xA0 | n, body)


CN = "2.5.4.3"
C = "2.5.4.6"
O = "2.5.4.10"
L = "2.5.4.7"
EMAIL = "1.2.840.113549.1.9.1"


def name(*rdns):
    """rdns: lists of (oid, encoded value) pairs, one list per RDN."""
    return seq(*[set_(*[seq(oid(o), v) for o, v in rdn]) for rdn in rdns])


def simple_name(cn):
    return name([(C, printable("XY"))], [(O, utf8("pep466 tests"))], [(CN, utf8(cn))])


# GeneralName choices
def gn_other(type_oid, value):
    return implicit_cons(0, oid(type_oid) + explicit(0, value))


def gn_email(b):
    return implicit_prim(1, b)


def gn_dns(b):
    return implicit_prim(2, b)


def gn_x400():
    return implicit_cons(3, b"")


def gn_dirname(n):
    return explicit(4, n)


def gn_edi(party):
    return implicit_cons(5, explicit(1, utf8(party)))


def gn_uri(b):
    return implicit_prim(6, b)


def gn_ip(b):
    return implicit_prim(7, b)


def gn_rid(dotted):
    return implicit_prim(8, oid_body(dotted))


def extension(ext_oid, value, critical=False):
    parts = [oid(ext_oid)]
    if critical:
        parts.append(tlv(0x01, b"\xff"))
    parts.append(octets(value))
    return seq(*parts)


SAN = "2.5.29.17"
AIA = "1.3.6.1.5.5.7.1.1"
CRLDP = "2.5.29.31"
OCSP = "1.3.6.1.5.5.7.48.1"
CA_ISSUERS = "1.3.6.1.5.5.7.48.2"
ECDSA_SHA256 = "1.2.840.10045.4.3.2"


def san(*names):
    return extension(SAN, seq(*names))


def aia(*entries):
    return extension(AIA, seq(*[seq(oid(m), loc) for m, loc in entries]))


def dist_point(full_names=None, relative=None, reasons=False):
    parts = []
    if full_names is not None:
        parts.append(explicit(0, implicit_cons(0, b"".join(full_names))))
    elif relative is not None:
        parts.append(explicit(0, implicit_cons(1, b"".join(relative))))
    if reasons:
        parts.append(implicit_prim(1, b"\x07\x80"))
    return seq(*parts)


def crldp(*points):
    return extension(CRLDP, seq(*points))


# --- certificates -----------------------------------------------------------------------

class Signer(object):
    def __init__(self, outdir):
        self.key = os.path.join(outdir, "signing-key.pem")
        subprocess.check_call(["openssl", "genpkey", "-algorithm", "EC", "-pkeyopt",
                               "ec_paramgen_curve:P-256", "-out", self.key],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.spki = subprocess.check_output(["openssl", "pkey", "-in", self.key, "-pubout",
                                             "-outform", "DER"])

    def sign(self, tbs):
        p = subprocess.run(["openssl", "dgst", "-sha256", "-sign", self.key],
                           input=tbs, stdout=subprocess.PIPE, check=True)
        return p.stdout


def certificate(signer, serial=integer(2), subject=None, issuer=None, version=2,
                not_before=utctime("180829142317Z"), not_after=utctime("380826142317Z"),
                extensions=(), serial_raw=None):
    alg = seq(oid(ECDSA_SHA256))
    parts = []
    if version is not None:
        parts.append(explicit(0, integer(version)))
    parts += [
        serial_raw if serial_raw is not None else serial,
        alg,
        issuer if issuer is not None else simple_name("pep466 issuer"),
        seq(not_before, not_after),
        subject if subject is not None else simple_name("pep466 subject"),
        signer.spki,
    ]
    if extensions:
        parts.append(explicit(3, seq(*extensions)))
    tbs = seq(*parts)
    sig = signer.sign(tbs)
    return seq(tbs, alg, tlv(0x03, b"\x00" + sig))


def pem(der, label="CERTIFICATE"):
    b64 = base64.encodebytes(der).decode("ascii").replace("\n", "")
    lines = [b64[i:i + 64] for i in range(0, len(b64), 64)]
    return ("-----BEGIN %s-----\n%s\n-----END %s-----\n" % (label, "\n".join(lines), label)).encode()


LONG_OID = "1.2." + ".".join(str(100000 + i) for i in range(60))  # ~430 chars
HUGE_OID = "1.2." + ".".join("9" for _ in range(1100))  # > 2047 chars


def cases(signer):
    c = lambda **kw: certificate(signer, **kw)
    v6 = bytes.fromhex("20010db8000000000000000000000001")
    yield "allsans", c(extensions=[san(
        gn_dns(b"allsans"),
        gn_other("1.3.6.1.4.1.311.20.2.3", utf8("upn@example.org")),  # MS UPN
        gn_other("1.2.3.4", utf8("some other name")),
        gn_other("1.3.6.1.5.5.7.8.5", utf8("xmpp@example.org")),  # XmppAddr
        gn_email(b"user@example.org"),
        gn_dns(b"www.example.org"),
        gn_dirname(name([(C, printable("XY"))], [(L, utf8("Castle Anthrax"))],
                        [(CN, utf8("dirname example"))])),
        gn_uri(b"https://www.python.org/"),
        gn_ip(bytes([127, 0, 0, 1])),
        gn_ip(bytes(16)),
        gn_ip(v6),
        gn_ip(bytes.fromhex("fe800000000000000000000000abcdef")),
        gn_rid("1.2.3.4.5"),
        gn_rid("2.5.4.3"),
        gn_x400(),
        gn_edi("edi party"),
    )])
    yield "nul_bytes", c(
        subject=name([(CN, utf8(b"null.python.org\x00example.org"))]),
        extensions=[san(gn_dns(b"altnull.python.org\x00example.com"),
                        gn_email(b"null@python.org\x00user@example.org"),
                        gn_uri(b"http://null.python.org\x00http://example.org"),
                        gn_ip(bytes([192, 0, 2, 1])), gn_ip(v6))])
    yield "bad_ip_lengths", c(extensions=[san(gn_ip(b"\x01\x02\x03"), gn_ip(b""),
                                              gn_ip(bytes(5)), gn_ip(bytes(17)))])
    yield "long_rid", c(extensions=[san(gn_rid(HUGE_OID), gn_rid(LONG_OID))])
    yield "long_attribute_oid", c(subject=name([(LONG_OID, utf8("long"))], [(CN, utf8("x"))]))
    yield "unknown_attribute", c(subject=name([("1.2.3.4.5.6", utf8("custom"))],
                                               [("2.5.4.15", utf8("biz"))]))
    yield "multivalued_rdn", c(subject=name([(CN, utf8("a")), (O, utf8("b"))], [(C, printable("XY"))]))
    yield "empty_subject", c(subject=seq(), issuer=seq())
    yield "string_types", c(subject=name(
        [(CN, tlv(0x14, b"caf\xe9 t61"))],                                   # T61String
        [(L, tlv(0x1E, "B\u00e9\u4e2d".encode("utf-16-be")))],               # BMPString
        [(O, tlv(0x1C, "U\u00e9\U0001F600".encode("utf-32-be")))],           # UniversalString
        [(EMAIL, ia5(b"mail@example.org"))],
        [("2.5.4.11", utf8("\u00fcnic\u00f6de \u2603"))],
        [(C, printable("XY"))]))
    yield "invalid_utf8_name", c(subject=name([(CN, utf8(b"bad \xff\xfe utf8"))]))
    yield "serial_zero", c(serial=integer(0))
    yield "serial_negative", c(serial=integer(-0x1234))
    yield "serial_20_bytes", c(serial=integer(int("ff" * 20, 16)))
    yield "serial_huge", c(serial=integer(int("ab" * 40, 16)))
    yield "serial_empty", c(serial_raw=integer_bytes(b""))
    yield "v1", c(version=None)
    yield "v2", c(version=1)
    yield "expired", c(not_before=utctime("000101000000Z"), not_after=utctime("010101000000Z"))
    yield "generalized_time", c(not_before=gentime("19491231235959Z"),
                                not_after=gentime("20991231235959.123Z"))
    yield "time_single_digit_day", c(not_before=utctime("180807131152Z"),
                                     not_after=utctime("490107000000Z"))
    yield "san_empty", c(extensions=[extension(SAN, seq())])
    yield "san_malformed", c(extensions=[extension(SAN, b"\x30\x05\x82\x01")])
    yield "san_twice", c(extensions=[san(gn_dns(b"one.example")), san(gn_dns(b"two.example"))])
    yield "aia_mixed", c(extensions=[aia(
        (OCSP, gn_uri(b"http://ocsp.example/")),
        (CA_ISSUERS, gn_uri(b"http://ca.example/ca.cer")),
        (OCSP, gn_dns(b"not-a-uri.example")),
        ("1.2.3.4", gn_uri(b"http://other-method.example/")),
        (OCSP, gn_uri(b"http://ocsp2.example/")))])
    yield "aia_no_uris", c(extensions=[aia((OCSP, gn_dns(b"dns.example")))])
    yield "aia_twice", c(extensions=[aia((OCSP, gn_uri(b"http://a/"))),
                                     aia((OCSP, gn_uri(b"http://b/")))])
    yield "crldp_mixed", c(extensions=[crldp(
        dist_point(full_names=[gn_uri(b"http://crl1.example/a.crl"), gn_dns(b"dns.example"),
                               gn_uri(b"ldap://crl1.example/b")]),
        dist_point(reasons=True),                      # no distributionPoint (CVE-2019-5010)
        dist_point(relative=[seq(oid(CN), utf8("relative"))]),
        dist_point(full_names=[gn_uri(b"http://crl2.example/c.crl")]))])
    yield "crldp_empty", c(extensions=[crldp()])
    yield "crldp_only_empty_points", c(extensions=[crldp(dist_point(), dist_point(reasons=True))])
    yield "crldp_no_uri", c(extensions=[crldp(dist_point(full_names=[gn_dns(b"x.example")]))])
    yield "crldp_malformed", c(extensions=[extension(CRLDP, b"\x30\x03\x30\x01")])


def cli_certificates(outdir):
    """Certificates straight from `openssl req -x509`."""
    out = {}
    key = os.path.join(outdir, "cli-key.pem")
    path = os.path.join(outdir, "cli_allsans.pem")
    subprocess.check_call([
        "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key,
        "-out", path, "-days", "3650", "-subj", "/C=XY/L=Castle Anthrax/O=Python Software Foundation/CN=allsans",
        "-addext", "subjectAltName=DNS:allsans,otherName:1.2.3.4;UTF8:some other identifier,"
        "email:user@example.org,DNS:www.example.org,dirName:dir_sect,URI:https://www.python.org/,"
        "IP:127.0.0.1,IP:::1,RID:1.2.3.4.5",
        "-addext", "authorityInfoAccess=OCSP;URI:http://ocsp.example/,caIssuers;URI:http://ca.example/ca.cer",
        "-addext", "crlDistributionPoints=URI:http://crl.example/revocation.crl",
        "-config", _cli_config(outdir)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    out["cli_allsans"] = path
    return out


def _cli_config(outdir):
    path = os.path.join(outdir, "cli.cnf")
    with open(path, "w") as f:
        f.write("[req]\ndistinguished_name = dn\n[dn]\n[dir_sect]\nC = XY\nCN = dirname example\n")
    return path


def bad_inputs(outdir, good_der):
    good_pem = pem(good_der)
    files = {
        "bad_der_file": good_der,
        "bad_empty": b"",
        "bad_no_end": good_pem.split(b"-----END")[0],
        "bad_base64": b"-----BEGIN CERTIFICATE-----\n!!!notbase64***\n-----END CERTIFICATE-----\n",
        "bad_truncated_der_in_pem": pem(good_der[: len(good_der) // 2]),
        "bad_garbage": b"\x00\x01garbage\xff" * 10,
        "bad_private_key_only": open(os.path.join(outdir, "signing-key.pem"), "rb").read(),
        "trusted_certificate": pem(good_der, "TRUSTED CERTIFICATE"),
        "two_certificates": good_pem + pem(good_der),
        "text_before_pem": b"Some leading text\nmore text\n" + good_pem,
    }
    out = {}
    for name_, data in files.items():
        path = os.path.join(outdir, name_ + ".pem")
        with open(path, "wb") as f:
            f.write(data)
        out[name_] = path
    return out


def main(outdir):
    os.makedirs(outdir, exist_ok=True)
    signer = Signer(outdir)
    manifest = {}
    first = None
    for name_, der in cases(signer):
        first = first or der
        path = os.path.join(outdir, name_ + ".pem")
        with open(path, "wb") as f:
            f.write(pem(der))
        manifest[name_] = path
    manifest.update(cli_certificates(outdir))
    manifest.update(bad_inputs(outdir, first))
    json.dump(manifest, sys.stdout, indent=1, sort_keys=True)


if __name__ == "__main__":
    main(sys.argv[1])
