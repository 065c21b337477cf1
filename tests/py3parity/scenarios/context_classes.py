"""SSLContext.sslobject_class and sslsocket_class: subclasses are what wrap_bio/wrap_socket
return; class attributes and instance overrides."""
from __future__ import print_function

import ssl

from parity import Pair, ThreadServer, attempt, client_ctx, connect, done, server_ctx, show


class MyObject(ssl.SSLObject):
    def hello(self):
        return "my object, server_side=%s" % self.server_side


class MySocket(ssl.SSLSocket):
    def hello(self):
        return "my socket"


show("default sslobject_class", ssl.SSLContext.sslobject_class is ssl.SSLObject)
show("default sslsocket_class", ssl.SSLContext.sslsocket_class is ssl.SSLSocket)

ctx = client_ctx()
ctx.sslobject_class = MyObject
o = ctx.wrap_bio(ssl.MemoryBIO(), ssl.MemoryBIO(), server_hostname="localhost")
show("instance override type", type(o).__name__)
show("method of the subclass", o.hello())
show("other contexts unaffected", type(client_ctx().wrap_bio(ssl.MemoryBIO(), ssl.MemoryBIO(),
                                                                  server_hostname="localhost")).__name__)


class MyContext(ssl.SSLContext):
    sslobject_class = MyObject
    sslsocket_class = MySocket


sctx = server_ctx()
c2 = MyContext(ssl.PROTOCOL_SSLv23)
c2.options |= ssl.OP_NO_TLSv1 | ssl.OP_NO_TLSv1_1
c2.verify_mode = ssl.CERT_REQUIRED
c2.check_hostname = True
c2.load_verify_locations(__import__("parity").cert("ca.pem"))
p = Pair(c2, sctx)
show("context subclass object type", type(p.client).__name__)
show("handshake through the subclass", p.handshake(trace=False))
show("subclass version", p.client.version())
show("subclass hello", p.client.hello())
show("object context is the subclass instance", type(p.client.context).__name__)

srv = ThreadServer(sctx, conns=1)
s = c2.wrap_socket(connect(srv.port), server_hostname="localhost")
show("wrap_socket type", type(s).__name__)
show("socket hello", s.hello())
show("isinstance SSLSocket", isinstance(s, ssl.SSLSocket))
s.sendall(b"z")
show("echo", s.recv(1) == b"z")
s.unwrap()
s.close()
srv.join()

attempt("SSLObject subclass direct construction", MyObject, ssl.MemoryBIO(), ssl.MemoryBIO())
show("SSLObject is not SSLSocket", issubclass(ssl.SSLObject, ssl.SSLSocket))
done()
