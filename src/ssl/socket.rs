//! `_ssl._SSLSocket` (one TLS connection over a `_socket.socket`) and
//! `_SSLContext._wrap_socket`, which makes it.
//!
//! As in 2.7.18 the type is exported as `_ssl._SSLSocket`, cannot be instantiated from Python
//! (no `tp_new`) nor subclassed. Unlike stock it takes part in cycle collection: it holds the
//! socket and its context strongly, and a context's servername callback may reach back to the
//! `ssl.SSLSocket` that owns this object, so the GC must see those references. The owner
//! `ssl.SSLSocket` is held weakly, as in 2.7.
//!
//! Beyond 2.7.18 it has `shared_ciphers()` (Python 3.5's; the issue asked for it).

use crate::ossl::error::OsslError;
use crate::ossl::ssl::{is_ip_literal, CipherInfo, Role, Ssl};
use crate::py::args::{parse, BufferArg, EncodedStrArg, IntArg, ObjectArg, TypedObjectArg};
use crate::py::boundary::Args;
use crate::py::err::Builtin;
use crate::py::module::Module;
use crate::py::object::PyObjectRef;
use crate::py::socket::{socket_type, Socket};
use crate::py::typeobj::{
    create, downcast, downcast_owned, GilCell, MethodKind, PyClass, Slf, TypeBuilder, TypeSlot,
    Visit,
};
use crate::py::{value, weakref, Borrowed, Owned, PyErr, PyResult, Python};
use crate::ssl::context::ContextObject;
use crate::ssl::errors::{ssl_error_from_queue, ssl_error_text};
use crate::ssl::io;
use crate::{py_getset, py_method};
use std::ffi::{c_int, CStr, CString};
use std::sync::atomic::{AtomicBool, Ordering};

/// Line numbers stock shows for the set-up failures we report.
const LINE_WRAP: u32 = 511;
const LINE_SHUTDOWN_GONE: u32 = 2012;
const LINE_PEER_CERT: u32 = 1380;

/// `SSL_VERIFY_PEER`.
const VERIFY_PEER: c_int = openssl_sys::SSL_VERIFY_PEER;

pub(crate) struct SslSocket {
    ssl: Ssl,
    role: Role,
    /// The `_socket.socket` (strong, as 2.7).
    sock: Socket,
    /// The context now in use (`context` property; the SNI callback may switch it).
    ctx: GilCell<Owned>,
    /// The context the socket was made from: its `SSL_CTX` runs the servername callback, whose
    /// argument points to this object, so it must live as long as the connection.
    wrap_ctx: Owned,
    /// `weakref(ssl.SSLSocket)`, handed to the servername callback; None when not given.
    owner: Option<Owned>,
    handshake_done: AtomicBool,
    shutdown_seen_zero: AtomicBool,
}

static SSL_SOCKET_TYPE: TypeSlot = TypeSlot::new();

impl PyClass for SslSocket {
    fn type_slot() -> &'static TypeSlot {
        &SSL_SOCKET_TYPE
    }

    fn traverse(&self, visit: &mut Visit<'_>) -> c_int {
        // SAFETY: the GC calls tp_traverse with the GIL held.
        let py = unsafe { Python::assume_gil_held() };
        let ctx = self.ctx.get(py);
        for obj in [Some(self.sock.object()), Some(&ctx), Some(&self.wrap_ctx)]
            .into_iter()
            .chain([self.owner.as_ref()])
            .flatten()
        {
            let r = visit.visit(obj);
            if r != 0 {
                return r;
            }
        }
        0
    }
}

impl SslSocket {
    /// The weak reference to the owning `ssl.SSLSocket`, if one was given.
    pub(crate) fn owner(&self) -> Option<&Owned> {
        self.owner.as_ref()
    }
}

const CONTEXT_DOC: &CStr = c"_setter_context(ctx)\n\
This changes the context associated with the SSLSocket. This is typically\n\
used from within a callback function set by the set_servername_callback\n\
on the SSLContext to change the certificate information associated with the\n\
SSLSocket before the cryptographic exchange handshake messages\n";
const PEER_CERT_DOC: &CStr = c"peer_certificate([der=False]) -> certificate\n\
\n\
Returns the certificate for the peer.  If no certificate was provided,\n\
returns None.  If a certificate was provided, but not validated, returns\n\
an empty dictionary.  Otherwise returns a dict containing information\n\
about the peer certificate.\n\
\n\
If the optional argument is True, returns a DER-encoded copy of the\n\
peer certificate, or None if no certificate was provided.  This will\n\
return the certificate even if it wasn't validated.";
const PENDING_DOC: &CStr = c"pending() -> count\n\
\n\
Returns the number of already decrypted bytes available for read,\n\
pending on the connection.\n";
const READ_DOC: &CStr = c"read([len]) -> string\n\nRead up to len bytes from the SSL socket.";
const SHUTDOWN_DOC: &CStr = c"shutdown(s) -> socket\n\
\n\
Does the SSL shutdown handshake with the remote end, and returns\n\
the underlying socket object.";
const TLS_UNIQUE_DOC: &CStr = c"tls_unique_cb() -> bytes\n\
\n\
Returns the 'tls-unique' channel binding data, as defined by RFC 5929.\n\
\n\
If the TLS handshake is not yet complete, None is returned";
const WRITE_DOC: &CStr = c"write(s) -> len\n\
\n\
Writes the string s into the SSL object.  Returns the number\n\
of bytes written.";

py_method!(keywords wrap_socket_fn, ContextObject, wrap_socket);
py_method!(noargs sock_do_handshake, SslSocket, do_handshake);
py_method!(varargs sock_read, SslSocket, read);
py_method!(varargs sock_write, SslSocket, write);
py_method!(noargs sock_pending, SslSocket, pending);
py_method!(varargs sock_peer_certificate, SslSocket, peer_certificate);
py_method!(noargs sock_cipher, SslSocket, cipher);
py_method!(noargs sock_shared_ciphers, SslSocket, shared_ciphers);
py_method!(noargs sock_version, SslSocket, version);
py_method!(noargs sock_compression, SslSocket, compression);
py_method!(noargs sock_selected_alpn, SslSocket, selected_alpn_protocol);
py_method!(noargs sock_selected_npn, SslSocket, selected_npn_protocol);
py_method!(noargs sock_shutdown, SslSocket, shutdown);
py_method!(noargs sock_tls_unique_cb, SslSocket, tls_unique_cb);
py_getset!(get sock_get_context, SslSocket, get_context);
py_getset!(set sock_set_context, SslSocket, set_context);

/// Python: `_ssl._SSLSocket` (the type, exported as in 2.7.18).
pub(crate) fn add_type(_py: Python<'_>, m: &Module) -> PyResult<()> {
    let mut builder = TypeBuilder::new::<SslSocket>(c"_ssl._SSLSocket", c"")
        .gc::<SslSocket>()
        .method(c"do_handshake", MethodKind::NoArgs(sock_do_handshake), c"")
        .method(c"write", MethodKind::VarArgs(sock_write), WRITE_DOC)
        .method(c"read", MethodKind::VarArgs(sock_read), READ_DOC)
        .method(c"pending", MethodKind::NoArgs(sock_pending), PENDING_DOC)
        .method(
            c"peer_certificate",
            MethodKind::VarArgs(sock_peer_certificate),
            PEER_CERT_DOC,
        )
        .method(c"cipher", MethodKind::NoArgs(sock_cipher), c"")
        .method(
            c"shared_ciphers",
            MethodKind::NoArgs(sock_shared_ciphers),
            c"",
        )
        .method(c"version", MethodKind::NoArgs(sock_version), c"")
        .method(
            c"selected_alpn_protocol",
            MethodKind::NoArgs(sock_selected_alpn),
            c"",
        )
        .method(c"compression", MethodKind::NoArgs(sock_compression), c"")
        .method(c"shutdown", MethodKind::NoArgs(sock_shutdown), SHUTDOWN_DOC)
        .method(
            c"tls_unique_cb",
            MethodKind::NoArgs(sock_tls_unique_cb),
            TLS_UNIQUE_DOC,
        )
        .getset(
            c"context",
            sock_get_context,
            Some(sock_set_context),
            CONTEXT_DOC,
        );
    // 2.7 compiles `selected_npn_protocol` in only when the library has NPN (`HAS_NPN`).
    if crate::ossl::protos::HAS_NPN {
        builder = builder.method(
            c"selected_npn_protocol",
            MethodKind::NoArgs(sock_selected_npn),
            c"",
        );
    }
    m.add(c"_SSLSocket", builder.build::<SslSocket>()?)
}

/// Python: `_ssl._SSLContext._wrap_socket(sock, server_side, server_hostname=None,
/// ssl_sock=None)`.
pub(crate) fn wrap_socket(
    py: Python<'_>,
    slf: Slf<'_, ContextObject>,
    args: Args<'_>,
) -> PyResult<Owned> {
    const KW: &[&CStr] = &[c"sock", c"server_side", c"server_hostname", c"ssl_sock"];
    let sock_type = socket_type(py)?;
    // 2.7 parses twice: first with server_hostname None (or absent), then with it encoded with
    // the idna codec; the second attempt's error is the one reported.
    let none_type = value::none().getattr(c"__class__")?;
    let mut sock = TypedObjectArg::of_type(&sock_type);
    let mut server_side = IntArg(0);
    let mut none_host = TypedObjectArg::of_type(&none_type);
    let mut ssl_sock = ObjectArg::new();
    let first = parse(
        args,
        c"O!i|O!O:_wrap_socket",
        Some(KW),
        &mut [&mut sock, &mut server_side, &mut none_host, &mut ssl_sock],
    );
    let mut host_arg = EncodedStrArg::new(c"idna");
    if first.is_err() {
        drop(first);
        sock = TypedObjectArg::of_type(&sock_type);
        server_side = IntArg(0);
        ssl_sock = ObjectArg::new();
        parse(
            args,
            c"O!iet|O:_wrap_socket",
            Some(KW),
            &mut [&mut sock, &mut server_side, &mut host_arg, &mut ssl_sock],
        )?;
    }
    let sock = Socket::from_checked(py, sock.get().expect("required argument"))?;
    let hostname = host_arg
        .bytes()
        .map(|h| CString::new(h).expect("`et` output has no NUL bytes"));
    let owner = match ssl_sock.get() {
        Some(o) if !o.is_none() => Some(weakref::new_ref(&o)?),
        _ => None,
    };
    let role = if server_side.0 != 0 {
        Role::Server
    } else {
        Role::Client
    };
    new_socket(py, slf, sock, role, hostname.as_deref(), owner)
}

/// 2.7's `newPySSLSocket`.
fn new_socket(
    py: Python<'_>,
    context: Slf<'_, ContextObject>,
    sock: Socket,
    role: Role,
    hostname: Option<&CStr>,
    owner: Option<Owned>,
) -> PyResult<Owned> {
    // A stale error left by earlier code must not be reported for this connection.
    OsslError::take();
    let ssl = {
        let ctx = context.ssl_ctx();
        let _config = context.config_lock(py);
        py.allow_threads(|| Ssl::new(ctx))
    }
    .map_err(|e| ssl_error_from_queue(&e, LINE_WRAP))?;
    let fd = c_int::try_from(sock.fd()).unwrap_or(-1);
    ssl.set_fd(fd)
        .map_err(|e| ssl_error_from_queue(&e, LINE_WRAP))?;
    ssl.set_python_modes();
    if let Some(host) = hostname {
        // No SNI for IP literals (2.7.15+). A failure to set it is ignored, as in 2.7.
        if !is_ip_literal(host) && ssl.set_host_name(host).is_err() {
            OsslError::take();
        }
    }
    if sock.timeout() >= 0.0 {
        ssl.set_nonblocking(true);
    }
    ssl.set_role(role);
    let context_obj = context.object().to_owned();
    let obj = create(SslSocket {
        ssl,
        role,
        sock,
        ctx: GilCell::new(context_obj.clone()),
        wrap_ctx: context_obj,
        owner,
        handshake_done: AtomicBool::new(false),
        shutdown_seen_zero: AtomicBool::new(false),
    })?;
    let made = downcast_owned::<SslSocket>(&obj).expect("just created");
    made.ssl.set_app_data(obj.as_ptr().cast());
    Ok(obj)
}

/// Python: `_ssl._SSLSocket.do_handshake`
fn do_handshake(py: Python<'_>, slf: Slf<'_, SslSocket>) -> PyResult<Owned> {
    io::handshake(py, &slf.ssl, &slf.sock)?;
    slf.handshake_done.store(true, Ordering::Release);
    Ok(value::none())
}

/// Python: `_ssl._SSLSocket.read(len[, buffer])`
fn read(py: Python<'_>, slf: Slf<'_, SslSocket>, args: Args<'_>) -> PyResult<Owned> {
    let mut len = IntArg(0);
    let mut buffer = crate::py::args::WritableBufferArg::new();
    parse(args, c"i|w*:read", None, &mut [&mut len, &mut buffer])?;
    if buffer.is_given() {
        let buf = buffer.bytes_mut().expect("given");
        let mut n = len.0;
        if n <= 0 || n as usize > buf.len() {
            n = c_int::try_from(buf.len()).map_err(|_| {
                PyErr::new(
                    Builtin::OverflowError,
                    "maximum length can't fit in a C 'int'",
                )
            })?;
        }
        if n == 0 {
            return value::long(0);
        }
        let count = io::read(py, &slf.ssl, &slf.sock, &mut buf[..n as usize])?;
        return value::long(count as i64);
    }
    if len.0 < 0 {
        return Err(PyErr::new(
            Builtin::ValueError,
            "size should not be negative",
        ));
    }
    if len.0 == 0 {
        return value::bytes(b"");
    }
    let mut data = value::zeroed_buffer(len.0 as usize)?;
    let count = io::read(py, &slf.ssl, &slf.sock, &mut data)?;
    value::bytes(&data[..count])
}

/// Python: `_ssl._SSLSocket.write(data)`
fn write(py: Python<'_>, slf: Slf<'_, SslSocket>, args: Args<'_>) -> PyResult<Owned> {
    let mut data = BufferArg::new();
    parse(args, c"s*:write", None, &mut [&mut data])?;
    let bytes = data.bytes().unwrap_or_default();
    if bytes.len() > c_int::MAX as usize {
        return Err(PyErr::new(
            Builtin::OverflowError,
            &format!("string longer than {} bytes", c_int::MAX),
        ));
    }
    let count = io::write(py, &slf.ssl, &slf.sock, bytes)?;
    value::int(count as _)
}

/// Python: `_ssl._SSLSocket.pending()`
fn pending(_py: Python<'_>, slf: Slf<'_, SslSocket>) -> PyResult<Owned> {
    // SSL_pending only reads buffered state, so the GIL is kept.
    value::int(slf.ssl.pending().max(0).into())
}

/// Python: `_ssl._SSLSocket.peer_certificate([der=False])`
fn peer_certificate(py: Python<'_>, slf: Slf<'_, SslSocket>, args: Args<'_>) -> PyResult<Owned> {
    let mut binary = ObjectArg::new();
    parse(args, c"|O:peer_certificate", None, &mut [&mut binary])?;
    if !slf.handshake_done.load(Ordering::Acquire) {
        return Err(PyErr::new(Builtin::ValueError, "handshake not done yet"));
    }
    let Some(cert) = slf.ssl.peer_certificate() else {
        return Ok(value::none());
    };
    let binary = match binary.get() {
        Some(b) => b.is_true()?,
        None => false,
    };
    if binary {
        let der = cert
            .to_der()
            .map_err(|e| ssl_error_from_queue(&e, LINE_PEER_CERT))?;
        return value::bytes(&der);
    }
    if slf.ssl.current_ctx_verify_mode() & VERIFY_PEER == 0 {
        return value::dict();
    }
    crate::ssl::cert::decode_certificate(py, &cert)
}

fn cipher_tuple(c: &CipherInfo) -> PyResult<Owned> {
    let text = |s: &Option<String>| match s {
        Some(s) => value::bytes(s.as_bytes()),
        None => Ok(value::none()),
    };
    value::tuple(vec![
        text(&c.name)?,
        text(&c.version)?,
        value::int(c.bits.into())?,
    ])
}

/// Python: `_ssl._SSLSocket.cipher()`
fn cipher(_py: Python<'_>, slf: Slf<'_, SslSocket>) -> PyResult<Owned> {
    match slf.ssl.current_cipher() {
        Some(c) => cipher_tuple(&c),
        None => Ok(value::none()),
    }
}

/// Python: `_ssl._SSLSocket.shared_ciphers()` (Python 3.5's; not in stock 2.7.18)
fn shared_ciphers(_py: Python<'_>, slf: Slf<'_, SslSocket>) -> PyResult<Owned> {
    match slf.ssl.shared_ciphers() {
        Some(list) => value::list(list.iter().map(cipher_tuple).collect::<PyResult<_>>()?),
        None => Ok(value::none()),
    }
}

/// Python: `_ssl._SSLSocket.version()`
fn version(_py: Python<'_>, slf: Slf<'_, SslSocket>) -> PyResult<Owned> {
    let v = slf.ssl.version();
    if v == "unknown" {
        return Ok(value::none());
    }
    value::unicode_from_utf8(v.as_bytes(), c"strict")
}

/// Python: `_ssl._SSLSocket.compression()`
fn compression(_py: Python<'_>, slf: Slf<'_, SslSocket>) -> PyResult<Owned> {
    match slf.ssl.compression() {
        Some(name) => value::bytes(name.as_bytes()),
        None => Ok(value::none()),
    }
}

/// Python: `_ssl._SSLSocket.selected_alpn_protocol()`
fn selected_alpn_protocol(_py: Python<'_>, slf: Slf<'_, SslSocket>) -> PyResult<Owned> {
    match slf.ssl.alpn_selected() {
        Some(p) => value::bytes(&p),
        None => Ok(value::none()),
    }
}

/// Python: `_ssl._SSLSocket.selected_npn_protocol()` (present when `HAS_NPN`)
fn selected_npn_protocol(_py: Python<'_>, slf: Slf<'_, SslSocket>) -> PyResult<Owned> {
    match slf.ssl.npn_selected() {
        Some(p) => value::bytes(&p),
        None => Ok(value::none()),
    }
}

/// Python: `_ssl._SSLSocket.shutdown()`: returns the underlying `_socket.socket`.
fn shutdown(py: Python<'_>, slf: Slf<'_, SslSocket>) -> PyResult<Owned> {
    if slf.sock.fd() < 0 {
        return Err(ssl_error_text(
            "Underlying socket connection gone",
            LINE_SHUTDOWN_GONE,
        ));
    }
    io::shutdown(py, &slf.ssl, &slf.sock, &slf.shutdown_seen_zero)?;
    Ok(slf.sock.object().clone())
}

/// Python: `_ssl._SSLSocket.tls_unique_cb()`
fn tls_unique_cb(_py: Python<'_>, slf: Slf<'_, SslSocket>) -> PyResult<Owned> {
    // tls-unique is the first Finished message of the handshake: the client's for a new
    // session, the server's for a resumed one.
    let ours = slf.ssl.session_reused() ^ (slf.role == Role::Client);
    let data = slf.ssl.finished(!ours);
    if data.is_empty() {
        return Ok(value::none());
    }
    value::bytes(&data)
}

/// Python: `_ssl._SSLSocket.context` (get)
fn get_context(py: Python<'_>, slf: Slf<'_, SslSocket>) -> PyResult<Owned> {
    Ok(slf.ctx.get(py))
}

/// Python: `_ssl._SSLSocket.context` (set): switches the connection's `SSL_CTX` (certificate
/// and key; verification settings already copied into the SSL stay), typically from a
/// servername callback.
fn set_context(
    py: Python<'_>,
    slf: Slf<'_, SslSocket>,
    value: Option<Borrowed<'_>>,
) -> PyResult<()> {
    let not_a_context = || PyErr::new(Builtin::TypeError, "The value must be a SSLContext");
    let value = value.ok_or_else(not_a_context)?;
    let ctx = downcast::<ContextObject>(value).ok_or_else(not_a_context)?;
    {
        let _config = ctx.config_lock(py);
        slf.ssl.set_ctx(ctx.ssl_ctx());
    }
    drop(slf.ctx.replace(py, value.to_owned()));
    Ok(())
}
