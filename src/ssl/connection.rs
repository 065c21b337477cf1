//! `_ssl._SSLSocket`: one TLS connection, over a `_socket.socket` (made by
//! `_SSLContext._wrap_socket`, 2.7's) or over two `MemoryBIO`s (made by `_wrap_bio`, Python 3's
//! `SSLObject` underneath); `wrap.rs` makes both. Every operation runs through the one loop in
//! `engine.rs`; the transport (`transport.rs`) is the only difference between the two.
//!
//! As in 2.7.18 the type is exported as `_ssl._SSLSocket` and cannot be instantiated from Python
//! nor subclassed. Unlike stock it takes part in cycle collection: it holds the socket and its
//! context strongly, and a context's servername callback may reach back to the owner, so the GC
//! must see those references. The owner (`ssl.SSLSocket`, `ssl.SSLObject`) is held weakly.
//!
//! Beyond 2.7.18 it has Python 3's `shared_ciphers()`, `getpeercert()`, `get_channel_binding()`,
//! `server_side`, `server_hostname`, `owner`, `session` and `session_reused`.

use crate::ossl::readbuf::ReadBuf;
use crate::ossl::ssl::{CipherInfo, Role, Ssl};
use crate::parse_args;
use crate::py::args::{
    bytes_like, parse, BufferArg, IntArg, ObjectArg, SsizeArg, StrArg, WritableBufferArg,
};
use crate::py::boundary::{Args, KwArgs};
use crate::py::callback::FailureSlot;
use crate::py::err::Builtin;
use crate::py::module::Module;
use crate::py::object::PyObjectRef;
use crate::py::typeobj::{downcast, downcast_owned, GilCell, PyClass, Slf, TypeBuilder, Visit};
use crate::py::{value, weakref, Borrowed, Owned, PyErr, PyResult, Python};
use crate::ssl::conn_info;
use crate::ssl::context::SslContext;
use crate::ssl::engine::{self, Conn};
use crate::ssl::errors::{lines, ssl_error_from_queue, ssl_error_from_queue_py3, ssl_error_text};
use crate::ssl::serial::Serial;
use crate::ssl::session::SslSession;
use crate::ssl::transport::Transport;
use std::ffi::{c_int, CStr, CString};
use std::sync::atomic::{AtomicBool, Ordering};

/// `SSL_VERIFY_PEER`.
const VERIFY_PEER: c_int = openssl_sys::SSL_VERIFY_PEER;

pub(crate) struct Connection {
    pub(crate) ssl: Ssl,
    pub(crate) role: Role,
    /// The socket (held strongly, as 2.7) or the memory BIOs.
    pub(crate) transport: Transport,
    /// The context now in use (`context` property; the SNI callback may switch it).
    pub(crate) ctx: GilCell<Owned>,
    /// The context the connection was made from: its `SSL_CTX` runs the servername callback,
    /// whose argument points to that context object, so it must live as long as the connection.
    pub(crate) wrap_ctx: Owned,
    /// `weakref(owner)`, handed to the servername callback; None when not given.
    pub(crate) owner: GilCell<Option<Owned>>,
    /// The `server_hostname` given (IDNA-encoded), for the `server_hostname` property.
    pub(crate) server_hostname: Option<CString>,
    pub(crate) handshake_done: AtomicBool,
    pub(crate) shutdown_seen_zero: AtomicBool,
    /// One OpenSSL call at a time, claims on the two directions (see `serial.rs`).
    pub(crate) serial: Serial,
    /// What a callback (key log, PSK, servername) left to raise after the OpenSSL call.
    pub(crate) failures: std::sync::Arc<FailureSlot>,
}

impl PyClass for Connection {
    crate::py_type_slot!();

    fn traverse(&self, py: Python<'_>, visit: &mut Visit<'_>) -> c_int {
        let ctx = self.ctx.get(py);
        let owner = self.owner.get(py);
        for obj in [
            self.transport.socket().map(|s| s.object()),
            Some(&ctx),
            Some(&self.wrap_ctx),
        ]
        .into_iter()
        .chain([owner.as_ref()])
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

impl Connection {
    /// The weak reference to the owner, if one was given.
    pub(crate) fn owner(&self, py: Python<'_>) -> Option<Owned> {
        self.owner.get(py)
    }

    /// Whether a servername callback given no owner passes the connection itself (Python 3,
    /// memory BIOs) or aborts the handshake (2.7, sockets).
    pub(crate) fn is_memory(&self) -> bool {
        self.transport.socket().is_none()
    }

    /// The connection as the I/O loop sees it, handed to `f`.
    fn io<R>(slf: &Slf<'_, Connection>, f: impl FnOnce(&Conn<'_>) -> PyResult<R>) -> PyResult<R> {
        let me = slf.object();
        let owner_closed = |py: Python<'_>| slf.owner_closed(py, me);
        f(&Conn {
            ssl: &slf.ssl,
            transport: &slf.transport,
            serial: &slf.serial,
            failures: &slf.failures,
            hostname: slf.server_hostname.as_deref(),
            owner_closed: &owner_closed,
        })
    }

    /// Runs `f` holding the connection's `SSL*` (see `serial.rs`): every OpenSSL call on the
    /// connection outside the I/O loop goes through here.
    pub(crate) fn with_ssl<R>(&self, py: Python<'_>, f: impl FnOnce(&Ssl) -> R) -> R {
        self.serial.with_ssl(py, || f(&self.ssl))
    }

    /// Has another thread closed the owning `ssl.SSLSocket` (2.7's `close()` drops its
    /// `_sslobj`) or dropped it? Asked only while an operation waits on the socket.
    fn owner_closed(&self, py: Python<'_>, me: Borrowed<'_>) -> bool {
        let Some(weak) = self.owner(py) else {
            return false;
        };
        let owner = weakref::get(&weak);
        if owner.is_none() {
            return true;
        }
        match owner.getattr(c"_sslobj") {
            Ok(current) => !current.is(&me),
            Err(_) => false,
        }
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

/// Python: `_ssl._SSLSocket` (the type, exported as in 2.7.18).
pub(crate) fn add_type(_py: Python<'_>, m: &Module) -> PyResult<()> {
    let builder = TypeBuilder::new::<Connection>(c"_ssl._SSLSocket", c"").gc::<Connection>();
    let mut builder = crate::py_members!(builder, Connection {
        method noargs c"do_handshake" => do_handshake, c"";
        method varargs c"write" => write, WRITE_DOC;
        method varargs c"read" => read, READ_DOC;
        method noargs c"pending" => pending, PENDING_DOC;
        method varargs c"peer_certificate" => peer_certificate, PEER_CERT_DOC;
        method keywords c"getpeercert" => getpeercert, c"";
        method noargs c"cipher" => cipher, c"";
        method noargs c"shared_ciphers" => shared_ciphers, c"";
        method noargs c"version" => version, c"";
        method noargs c"selected_alpn_protocol" => selected_alpn_protocol, c"";
        method noargs c"compression" => compression, c"";
        method noargs c"shutdown" => shutdown, SHUTDOWN_DOC;
        method noargs c"tls_unique_cb" => tls_unique_cb, TLS_UNIQUE_DOC;
        method keywords c"get_channel_binding" => get_channel_binding, c"";
        method noargs c"verify_client_post_handshake" => verify_client_post_handshake, c"";
        // Python 3.13's chains and 3.15's group and signature algorithms (conn_info.rs).
        method noargs c"get_verified_chain" => conn_info::get_verified_chain, c"";
        method noargs c"get_unverified_chain" => conn_info::get_unverified_chain, c"";
        method noargs c"group" => conn_info::group, c"";
        method noargs c"client_sigalg" => conn_info::client_sigalg, c"";
        method noargs c"server_sigalg" => conn_info::server_sigalg, c"";
        getset c"context" => get_context, set_context, CONTEXT_DOC;
        get c"server_side" => get_server_side, c"Whether this is a server-side socket.";
        get c"server_hostname" => get_server_hostname,
            c"The currently set server hostname (for SNI).";
        getset c"owner" => get_owner, set_owner,
            c"The Python-level owner of this object.\n\nPassed as \"self\" in servername callback.";
        getset c"session" => get_session, set_session, c"The underlying SSLSession object.";
        get c"session_reused" => get_session_reused,
            c"Was the client session reused during handshake?";
    });
    // 2.7 compiles `selected_npn_protocol` in only when the library has NPN (`HAS_NPN`).
    if crate::ossl::protos::HAS_NPN {
        builder = crate::py_members!(builder, Connection {
            method noargs c"selected_npn_protocol" => selected_npn_protocol, c"";
        });
    }
    m.add(c"_SSLSocket", builder.build::<Connection>()?)
}

/// Python: `_ssl._SSLSocket.do_handshake`
fn do_handshake(py: Python<'_>, slf: Slf<'_, Connection>) -> PyResult<Owned> {
    Connection::io(&slf, |conn| engine::handshake(py, conn))?;
    slf.handshake_done.store(true, Ordering::Release);
    Ok(value::none())
}

/// Python: `_ssl._SSLSocket.read(len[, buffer])`: over a socket with 2.7's argument rules (a C
/// `int` length), over memory BIOs with Python 3's (a `Py_ssize_t`).
fn read(py: Python<'_>, slf: Slf<'_, Connection>, args: Args<'_>) -> PyResult<Owned> {
    let mut buffer = WritableBufferArg::new();
    let len = if slf.is_memory() {
        let mut len = SsizeArg(0);
        parse(args, c"n|w*:read", None, &mut [&mut len, &mut buffer])?;
        len.0 as i64
    } else {
        let mut len = IntArg(0);
        parse(args, c"i|w*:read", None, &mut [&mut len, &mut buffer])?;
        i64::from(len.0)
    };
    if buffer.is_given() {
        let buf = buffer.bytes_mut().expect("given");
        let n = match usize::try_from(len) {
            Ok(n) if n > 0 && n <= buf.len() => n,
            _ => buf.len(),
        };
        if !slf.is_memory() && c_int::try_from(n).is_err() {
            return Err(PyErr::new(
                Builtin::OverflowError,
                "maximum length can't fit in a C 'int'",
            ));
        }
        if n == 0 {
            return value::long(0);
        }
        let mut target = ReadBuf::from_slice(&mut buf[..n]);
        let count = Connection::io(&slf, |conn| engine::read(py, conn, &mut target))?;
        return value::long(count as i64);
    }
    let Ok(len) = usize::try_from(len) else {
        return Err(PyErr::new(
            Builtin::ValueError,
            "size should not be negative",
        ));
    };
    if len == 0 {
        return value::bytes(b"");
    }
    value::bytes_filled(len, |buf| {
        Connection::io(&slf, |conn| engine::read(py, conn, buf))
    })
}

/// Python: `_ssl._SSLSocket.write(data)`: over a socket 2.7's `s*` (a `unicode` is encoded
/// with the default codec), over memory BIOs Python 3's bytes-like objects only.
fn write(py: Python<'_>, slf: Slf<'_, Connection>, args: Args<'_>) -> PyResult<Owned> {
    let data = if slf.is_memory() {
        bytes_like(args, c"s*:write")?
    } else {
        parse_args!(args, c"s*:write" => positional(data: BufferArg::new()));
        data
    };
    let bytes = data.bytes().unwrap_or_default();
    if bytes.len() > c_int::MAX as usize {
        return Err(PyErr::new(
            Builtin::OverflowError,
            &format!("string longer than {} bytes", c_int::MAX),
        ));
    }
    let count = Connection::io(&slf, |conn| engine::write(py, conn, bytes))?;
    value::int(count as _)
}

/// Python: `_ssl._SSLSocket.pending()`
fn pending(py: Python<'_>, slf: Slf<'_, Connection>) -> PyResult<Owned> {
    // SSL_pending only reads buffered state, so the GIL is kept.
    value::int(slf.with_ssl(py, |ssl| ssl.pending()).max(0).into())
}

/// Python: `_ssl._SSLSocket.peer_certificate([der=False])` (2.7's name)
fn peer_certificate(py: Python<'_>, slf: Slf<'_, Connection>, args: Args<'_>) -> PyResult<Owned> {
    parse_args!(args, c"|O:peer_certificate" => positional(der: ObjectArg::new()));
    peer_cert(py, &slf, der.get())
}

/// Python: `_ssl._SSLSocket.getpeercert(der=False)` (Python 3's name)
fn getpeercert(py: Python<'_>, slf: Slf<'_, Connection>, args: KwArgs<'_>) -> PyResult<Owned> {
    parse_args!(args, c"|O:getpeercert" => keywords(der: ObjectArg::new()));
    peer_cert(py, &slf, der.get())
}

/// The peer's certificate: None without one, DER bytes when `binary` is true, else the decoded
/// dict (empty when it was not verified).
fn peer_cert(py: Python<'_>, slf: &Connection, binary: Option<Borrowed<'_>>) -> PyResult<Owned> {
    // 2.7 asks whether do_handshake() once succeeded; Python 3 (so a memory connection)
    // whether the connection is in a finished handshake now (not after a failed
    // post-handshake authentication, say).
    let done = if slf.is_memory() {
        slf.with_ssl(py, |ssl| ssl.is_init_finished())
    } else {
        slf.handshake_done.load(Ordering::Acquire)
    };
    if !done {
        return Err(PyErr::new(Builtin::ValueError, "handshake not done yet"));
    }
    let Some(cert) = slf.with_ssl(py, |ssl| ssl.peer_certificate()) else {
        return Ok(value::none());
    };
    if crate::py::args::flag(binary)? {
        let der = cert
            .to_der()
            .map_err(|e| ssl_error_from_queue(&e, lines::PEER_CERT))?;
        return value::bytes(&der);
    }
    if slf.with_ssl(py, |ssl| ssl.current_ctx_verify_mode()) & VERIFY_PEER == 0 {
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
fn cipher(py: Python<'_>, slf: Slf<'_, Connection>) -> PyResult<Owned> {
    match slf.with_ssl(py, |ssl| ssl.current_cipher()) {
        Some(c) => cipher_tuple(&c),
        None => Ok(value::none()),
    }
}

/// Python: `_ssl._SSLSocket.shared_ciphers()` (Python 3.5's; not in stock 2.7.18)
fn shared_ciphers(py: Python<'_>, slf: Slf<'_, Connection>) -> PyResult<Owned> {
    match slf.with_ssl(py, |ssl| ssl.shared_ciphers()) {
        Some(list) => value::list(list.iter().map(cipher_tuple).collect::<PyResult<_>>()?),
        None => Ok(value::none()),
    }
}

/// Python: `_ssl._SSLSocket.version()`
fn version(py: Python<'_>, slf: Slf<'_, Connection>) -> PyResult<Owned> {
    // Python 3 (and so `SSLObject`) says None until the handshake is done; 2.7.18 reports
    // what OpenSSL says, which 2.7 code on a socket can observe, so that stays.
    if slf.transport.socket().is_none() && !slf.with_ssl(py, |ssl| ssl.is_init_finished()) {
        return Ok(value::none());
    }
    let v = slf.with_ssl(py, |ssl| ssl.version());
    if v == "unknown" {
        return Ok(value::none());
    }
    value::unicode_from_utf8(v.as_bytes(), c"strict")
}

/// Python: `_ssl._SSLSocket.compression()`
fn compression(py: Python<'_>, slf: Slf<'_, Connection>) -> PyResult<Owned> {
    match slf.with_ssl(py, |ssl| ssl.compression()) {
        Some(name) => value::bytes(name.as_bytes()),
        None => Ok(value::none()),
    }
}

/// Python: `_ssl._SSLSocket.selected_alpn_protocol()`
fn selected_alpn_protocol(py: Python<'_>, slf: Slf<'_, Connection>) -> PyResult<Owned> {
    match slf.with_ssl(py, |ssl| ssl.alpn_selected()) {
        Some(p) => value::bytes(&p),
        None => Ok(value::none()),
    }
}

/// Python: `_ssl._SSLSocket.selected_npn_protocol()` (present when `HAS_NPN`)
fn selected_npn_protocol(py: Python<'_>, slf: Slf<'_, Connection>) -> PyResult<Owned> {
    match slf.with_ssl(py, |ssl| ssl.npn_selected()) {
        Some(p) => value::bytes(&p),
        None => Ok(value::none()),
    }
}

/// Python: `_ssl._SSLSocket.shutdown()`: returns the underlying `_socket.socket`, or None over
/// memory BIOs (Python 3).
fn shutdown(py: Python<'_>, slf: Slf<'_, Connection>) -> PyResult<Owned> {
    let sock = slf.transport.socket();
    if sock.is_some_and(|s| s.fd() < 0) {
        return Err(ssl_error_text(
            "Underlying socket connection gone",
            lines::SHUTDOWN_GONE,
        ));
    }
    Connection::io(&slf, |conn| {
        engine::shutdown(py, conn, &slf.shutdown_seen_zero)
    })?;
    Ok(sock.map_or_else(value::none, |s| s.object().clone()))
}

/// The 'tls-unique' channel binding (RFC 5929): the first Finished message of the handshake,
/// the client's for a new session, the server's for a resumed one; None before the handshake.
fn tls_unique(py: Python<'_>, slf: &Connection) -> PyResult<Owned> {
    let data = slf.with_ssl(py, |ssl| {
        let ours = ssl.session_reused() ^ (slf.role == Role::Client);
        ssl.finished(!ours)
    });
    if data.is_empty() {
        return Ok(value::none());
    }
    value::bytes(&data)
}

/// Python: `_ssl._SSLSocket.tls_unique_cb()` (2.7's)
fn tls_unique_cb(py: Python<'_>, slf: Slf<'_, Connection>) -> PyResult<Owned> {
    tls_unique(py, &slf)
}

/// Python: `_ssl._SSLSocket.get_channel_binding(cb_type='tls-unique')` (Python 3's)
fn get_channel_binding(
    py: Python<'_>,
    slf: Slf<'_, Connection>,
    args: KwArgs<'_>,
) -> PyResult<Owned> {
    parse_args!(args, c"|s:get_channel_binding" => keywords(cb_type: StrArg::new()));
    match cb_type.bytes() {
        None | Some(b"tls-unique") => tls_unique(py, &slf),
        Some(other) => Err(PyErr::new(
            Builtin::ValueError,
            &format!(
                "'{}' channel binding type not implemented",
                String::from_utf8_lossy(other)
            ),
        )),
    }
}

/// Python: `_ssl._SSLSocket.context` (get)
fn get_context(py: Python<'_>, slf: Slf<'_, Connection>) -> PyResult<Owned> {
    Ok(slf.ctx.get(py))
}

/// Python: `_ssl._SSLSocket.context` (set): switches the connection's `SSL_CTX` (certificate
/// and key; verification settings already copied into the SSL stay), typically from a
/// servername callback.
fn set_context(
    py: Python<'_>,
    slf: Slf<'_, Connection>,
    value: Option<Borrowed<'_>>,
) -> PyResult<()> {
    let not_a_context = || PyErr::new(Builtin::TypeError, "The value must be a SSLContext");
    let value = value.ok_or_else(not_a_context)?;
    let ctx = downcast::<SslContext>(value).ok_or_else(not_a_context)?;
    {
        let _config = ctx.config_lock(py);
        slf.with_ssl(py, |ssl| ssl.set_ctx(ctx.ssl_ctx()));
    }
    drop(slf.ctx.replace(py, value.to_owned()));
    Ok(())
}

/// Python: `_ssl._SSLSocket.server_side` (Python 3's)
fn get_server_side(_py: Python<'_>, slf: Slf<'_, Connection>) -> PyResult<Owned> {
    Ok(value::boolean(slf.role == Role::Server))
}

/// Python: `_ssl._SSLSocket.server_hostname` (Python 3's): the name given to the wrap call,
/// IDNA-encoded, or None.
fn get_server_hostname(_py: Python<'_>, slf: Slf<'_, Connection>) -> PyResult<Owned> {
    match &slf.server_hostname {
        Some(name) => value::bytes(name.to_bytes()),
        None => Ok(value::none()),
    }
}

/// Python: `_ssl._SSLSocket.owner` (get; Python 3's): the `ssl.SSLSocket`/`SSLObject` that owns
/// this connection, or None (it is held weakly).
fn get_owner(_py: Python<'_>, slf: Slf<'_, Connection>) -> PyResult<Owned> {
    Ok(match slf.owner(_py) {
        Some(weak) => weakref::get(&weak),
        None => value::none(),
    })
}

/// Python: `_ssl._SSLSocket.owner` (set; Python 3's)
fn set_owner(
    py: Python<'_>,
    slf: Slf<'_, Connection>,
    value: Option<Borrowed<'_>>,
) -> PyResult<()> {
    let weak = match value {
        Some(v) => Some(weakref::new_ref(&v)?),
        None => None,
    };
    drop(slf.owner.replace(py, weak));
    Ok(())
}

/// Python: `_ssl._SSLSocket.session` (get; Python 3's): the session to resume later, or None.
fn get_session(py: Python<'_>, slf: Slf<'_, Connection>) -> PyResult<Owned> {
    match slf.with_ssl(py, |ssl| ssl.session()) {
        Some(session) => SslSession::wrap(session, slf.ctx.get(py)),
        None => Ok(value::none()),
    }
}

/// Python: `_ssl._SSLSocket.session` (set; Python 3's): resume `value` on the coming handshake.
fn set_session(
    py: Python<'_>,
    slf: Slf<'_, Connection>,
    value: Option<Borrowed<'_>>,
) -> PyResult<()> {
    let session = value
        .and_then(downcast::<SslSession>)
        .ok_or_else(|| PyErr::new(Builtin::TypeError, "Value is not a SSLSession."))?;
    set_session_checked(py, &slf, &session)
}

/// Python 3's checks before `SSL_set_session`, shared with the `session=` argument of the wrap
/// calls.
pub(crate) fn set_session_checked(
    py: Python<'_>,
    conn: &Connection,
    session: &SslSession,
) -> PyResult<()> {
    let current = conn.ctx.get(py);
    let current_ctx = downcast_owned::<SslContext>(&current)
        .map_or(std::ptr::null(), |c| c.ssl_ctx().as_ptr().cast_const());
    if session.ssl_ctx_ptr() != current_ctx {
        return Err(PyErr::new(
            Builtin::ValueError,
            "Session refers to a different SSLContext.",
        ));
    }
    if conn.role != Role::Client {
        return Err(PyErr::new(
            Builtin::ValueError,
            "Cannot set session for server-side SSLSocket.",
        ));
    }
    if conn.with_ssl(py, |ssl| ssl.is_init_finished()) {
        return Err(PyErr::new(
            Builtin::ValueError,
            "Cannot set session after handshake.",
        ));
    }
    conn.with_ssl(py, |ssl| ssl.set_session(session.session()))
        .map_err(|e| ssl_error_from_queue_py3(&e, lines::SET_SESSION))
}

/// Python: `_ssl._SSLSocket.session_reused` (Python 3's)
fn get_session_reused(py: Python<'_>, slf: Slf<'_, Connection>) -> PyResult<Owned> {
    Ok(value::boolean(slf.with_ssl(py, |ssl| ssl.session_reused())))
}

/// Python: `_ssl._SSLSocket.verify_client_post_handshake()` (Python 3.8): a TLS 1.3 server asks
/// the client for its certificate after the handshake; the request goes out with the next
/// read or write.
fn verify_client_post_handshake(py: Python<'_>, slf: Slf<'_, Connection>) -> PyResult<Owned> {
    if slf.serial.in_callback() {
        return Err(PyErr::new(
            Builtin::RuntimeError,
            "verify_client_post_handshake() called on an SSL connection from inside one of its \
             own callbacks",
        ));
    }
    slf.with_ssl(py, |ssl| ssl.verify_client_post_handshake())
        .map_err(|e| ssl_error_from_queue_py3(&e, lines::POST_HANDSHAKE_AUTH))?;
    Ok(value::none())
}
