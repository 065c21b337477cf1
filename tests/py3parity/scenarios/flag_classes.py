"""Python 3.6's classes of the ssl constants (Options, VerifyFlags, VerifyMode,
AlertDescription, SSLErrorNumber, _SSLMethod): members, repr/str, iteration, __members__,
flag arithmetic and composite names, and what SSLContext.protocol/options/verify_mode/
verify_flags return (and the default ciphers of PROTOCOL_TLS_CLIENT/SERVER); the OP_* and
VERIFY_* constants of this OpenSSL; HAS_NPN."""
from __future__ import print_function

import copy
import pickle
import ssl

from parity import attempt, done, show

CLASSES = ("Options", "VerifyFlags", "VerifyMode", "AlertDescription", "SSLErrorNumber",
           "_SSLMethod")
for name in CLASSES:
    cls = getattr(ssl, name)
    show("%s members" % name, [(m.name, int(m)) for m in cls])
    show("%s len" % name, len(cls))
    show("%s __members__" % name, list(cls.__members__))
    first = list(cls)[0]
    show("%s first" % name, (repr(first), str(first), "%d" % first, "{0}".format(first),
                             first.name, first.value, isinstance(first, int)))
    show("%s pickled" % name, repr(pickle.loads(pickle.dumps(first))))
    show("%s copied" % name, repr(copy.copy(first)))

# Module constants are the members.
for name in ("CERT_REQUIRED", "OP_NO_TLSv1", "OP_ALL", "VERIFY_X509_STRICT",
             "VERIFY_CRL_CHECK_CHAIN", "ALERT_DESCRIPTION_UNKNOWN_CA", "SSL_ERROR_WANT_READ",
             "PROTOCOL_TLS", "PROTOCOL_SSLv23", "PROTOCOL_TLS_CLIENT", "PROTOCOL_TLSv1_2"):
    show("constant %s" % name, repr(getattr(ssl, name)))
show("every OP_", sorted(n for n in dir(ssl) if n.startswith("OP_")))
show("every VERIFY_", sorted(n for n in dir(ssl) if n.startswith("VERIFY_")))
show("every ALERT_", len([n for n in dir(ssl) if n.startswith("ALERT_DESCRIPTION_")]))
show("HAS_NPN", ssl.HAS_NPN)

# Flag arithmetic and composite names.
for label, value in (
        ("OP_ALL|OP_NO_TLSv1", ssl.OP_ALL | ssl.OP_NO_TLSv1),
        ("OP_ALL|1", ssl.OP_ALL | 1),
        ("1|OP_ALL", 1 | ssl.OP_ALL),
        ("~OP_NO_TLSv1", ~ssl.OP_NO_TLSv1),
        ("OP_ALL&OP_NO_TLSv1", ssl.OP_ALL & ssl.OP_NO_TLSv1),
        ("OP_ALL^OP_ALL", ssl.OP_ALL ^ ssl.OP_ALL),
        ("Options(0)", ssl.Options(0)),
        ("Options(3)", ssl.Options(3)),
        ("Options(-1)", ssl.Options(-1)),
        ("VerifyFlags(0)", ssl.VerifyFlags(0)),
        ("VerifyFlags(12)", ssl.VerifyFlags(12)),
        ("VerifyFlags(13)", ssl.VerifyFlags(13)),
        ("VerifyFlags(0x88020)", ssl.VerifyFlags(0x88020)),
        ("VERIFY_X509_STRICT|VERIFY_CRL_CHECK_CHAIN",
         ssl.VERIFY_X509_STRICT | ssl.VERIFY_CRL_CHECK_CHAIN)):
    show(label, (repr(value), str(value), type(value).__name__))
show("lookup by name", repr(ssl.VerifyMode["CERT_NONE"]))
show("member in class", (ssl.CERT_NONE in ssl.VerifyMode, ssl.OP_NO_TLSv1 in ssl.Options))
attempt("VerifyMode(7)", ssl.VerifyMode, 7)
attempt("AlertDescription(1000)", ssl.AlertDescription, 1000)
attempt("Options('x')", ssl.Options, "x")

# What contexts return.
for proto in ("PROTOCOL_TLS", "PROTOCOL_TLS_CLIENT", "PROTOCOL_TLS_SERVER", "PROTOCOL_TLSv1_2"):
    ctx = ssl.SSLContext(getattr(ssl, proto))
    show("%s protocol" % proto, (repr(ctx.protocol), str(ctx.protocol)))
    show("%s options" % proto, (repr(ctx.options), str(ctx.options)))
    show("%s verify_mode" % proto, repr(ctx.verify_mode))
    show("%s verify_flags" % proto, repr(ctx.verify_flags))
    show("%s security_level" % proto, ctx.security_level)
    if proto in ("PROTOCOL_TLS_CLIENT", "PROTOCOL_TLS_SERVER"):
        # Python 3's defaults for its one-sided protocols include its cipher string.
        show("%s ciphers" % proto, [c["name"] for c in ctx.get_ciphers()])
    ctx.options |= ssl.OP_NO_TICKET
    ctx.options &= ~ssl.OP_NO_COMPRESSION
    ctx.verify_flags |= ssl.VERIFY_X509_STRICT | ssl.VERIFY_X509_PARTIAL_CHAIN
    ctx.verify_mode = ssl.CERT_OPTIONAL
    show("%s changed" % proto, (repr(ctx.options), repr(ctx.verify_flags),
                                repr(ctx.verify_mode)))
    ctx.options = 0
    ctx.verify_flags = 0
    show("%s zero" % proto, (repr(ctx.options), repr(ctx.verify_flags)))
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
attempt("verify_mode = 5", setattr, ctx, "verify_mode", 5)
attempt("options = 'x'", setattr, ctx, "options", "x", msg=False)
done()
