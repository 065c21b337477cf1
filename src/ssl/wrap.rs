//! The two ways to make an `_ssl._SSLSocket` connection: `_SSLContext._wrap_socket` (2.7's,
//! over a `_socket.socket`) and `_SSLContext._wrap_bio` (Python 3's, over two `MemoryBIO`s).
//! Both end in `new_connection`, 2.7's `newPySSLSocket`.

use crate::ossl::ctx::Protocol;
use crate::ossl::error::OsslError;
use crate::ossl::ssl::{is_ip_literal, Role, Ssl};
use crate::py::args::{parse, EncodedStrArg, IntArg, ObjectArg, TypedObjectArg};
use crate::py::boundary::KwArgs;
use crate::py::err::Builtin;
use crate::py::object::PyObjectRef;
use crate::py::socket::{socket_type, Socket};
use crate::py::typeobj::{create, downcast, downcast_owned, GilCell, Slf};
use crate::py::{value, weakref, Borrowed, Owned, PyErr, PyResult, Python};
use crate::ssl::connection::{set_session_checked, Connection};
use crate::ssl::context::SslContext;
use crate::ssl::errors::{lines, ssl_error_from_queue, ssl_error_text};
use crate::ssl::memory_bio::MemoryBio;
use crate::ssl::serial::Serial;
use crate::ssl::session::SslSession;
use crate::ssl::transport::Transport;
use std::ffi::{c_int, CStr, CString};
use std::sync::atomic::AtomicBool;

/// Python: `_ssl._SSLContext._wrap_socket(sock, server_side, server_hostname=None,
/// ssl_sock=None)`.
pub(crate) fn wrap_socket(
    py: Python<'_>,
    slf: Slf<'_, SslContext>,
    args: KwArgs<'_>,
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
    let owner = weak_owner(ssl_sock.get())?;
    let obj = new_connection(
        py,
        slf,
        Transport::Socket(sock),
        role(server_side.0),
        hostname,
        owner,
    )?;
    Ok(obj)
}

/// Python: `_ssl._SSLContext._wrap_bio(incoming, outgoing, server_side, server_hostname=None,
/// owner=None, session=None)` (Python 3.5's, with 3.6's `session` and 3.7's `owner`).
pub(crate) fn wrap_bio(
    py: Python<'_>,
    slf: Slf<'_, SslContext>,
    args: KwArgs<'_>,
) -> PyResult<Owned> {
    const KW: &[&CStr] = &[
        c"incoming",
        c"outgoing",
        c"server_side",
        c"server_hostname",
        c"owner",
        c"session",
    ];
    let bio_type = MemoryBio::type_object();
    let mut incoming = TypedObjectArg::of_type(&bio_type);
    let mut outgoing = TypedObjectArg::of_type(&bio_type);
    let mut server_side = IntArg(0);
    let mut hostname_obj = ObjectArg::new();
    let mut owner_obj = ObjectArg::new();
    let mut session_obj = ObjectArg::new();
    parse(
        args,
        c"O!O!i|OOO:_wrap_bio",
        Some(KW),
        &mut [
            &mut incoming,
            &mut outgoing,
            &mut server_side,
            &mut hostname_obj,
            &mut owner_obj,
            &mut session_obj,
        ],
    )?;
    let hostname = match hostname_obj.get() {
        Some(h) if !h.is_none() => Some(ascii_hostname(h)?),
        _ => None,
    };
    let bio = |arg: &TypedObjectArg| -> MemoryBioRef {
        let obj = arg.get().expect("required argument");
        MemoryBioRef(downcast::<MemoryBio>(obj).expect("checked by O!").share())
    };
    let (incoming, outgoing) = (bio(&incoming), bio(&outgoing));
    let owner = weak_owner(owner_obj.get())?;
    let role = role(server_side.0);
    let obj = new_connection(py, slf, Transport::Memory, role, hostname, owner)?;
    let conn = downcast_owned::<Connection>(&obj).expect("just created");
    conn.with_ssl(py, |ssl| ssl.set_memory_bios(incoming.0, outgoing.0));
    if let Some(s) = session_obj.get().filter(|s| !s.is_none()) {
        let session = downcast::<SslSession>(s)
            .ok_or_else(|| PyErr::new(Builtin::TypeError, "Value is not a SSLSession."))?;
        set_session_checked(py, &conn, &session)?;
    }
    Ok(obj)
}

/// One reference to a `MemoryBIO`'s queue, taken while parsing.
struct MemoryBioRef(crate::ossl::membio::MemBio);

/// Python 3 takes `server_hostname` of `_wrap_bio` as an ASCII `str` (`ssl.py` has already
/// IDNA-encoded it); on 2.7 a `str` or an ASCII `unicode`. Empty names and names starting with
/// a dot are refused, as Python 3 does.
fn ascii_hostname(h: Borrowed<'_>) -> PyResult<CString> {
    let bytes = if value::is_unicode(&h) {
        let encoded = h.getattr(c"encode")?.call(&[&value::bytes(b"ascii")?])?;
        value::as_bytes(&encoded)?
    } else if value::is_str(&h) {
        value::as_bytes(&h)?
    } else {
        return Err(PyErr::new(
            Builtin::TypeError,
            "server_hostname must be a str or None",
        ));
    };
    if bytes.is_empty() || bytes[0] == b'.' {
        return Err(PyErr::new(
            Builtin::ValueError,
            "server_hostname cannot be an empty string or start with a leading dot.",
        ));
    }
    CString::new(bytes).map_err(|_| {
        PyErr::new(
            Builtin::TypeError,
            &format!(
                "argument must be encoded string without null bytes, not {}",
                h.type_name()
            ),
        )
    })
}

fn role(server_side: c_int) -> Role {
    if server_side != 0 {
        Role::Server
    } else {
        Role::Client
    }
}

/// `weakref.ref(owner)`, or None for no owner (or None given).
fn weak_owner(owner: Option<Borrowed<'_>>) -> PyResult<Option<Owned>> {
    match owner {
        Some(o) if !o.is_none() => Ok(Some(weakref::new_ref(&o)?)),
        _ => Ok(None),
    }
}

/// 2.7's `newPySSLSocket`: the `SSL` from the context, 2.7's modes, SNI, the role; a socket
/// transport gets the fd (and the BIOs' blocking mode), a memory one gets its BIOs from the
/// caller.
fn new_connection(
    py: Python<'_>,
    context: Slf<'_, SslContext>,
    transport: Transport,
    role: Role,
    hostname: Option<CString>,
    owner: Option<Owned>,
) -> PyResult<Owned> {
    // Python 3.6's one-sided protocols.
    match (context.protocol(), role) {
        (Protocol::TlsClient, Role::Server) => {
            return Err(ssl_error_text(
                "Cannot create a server socket with a PROTOCOL_TLS_CLIENT context",
                lines::WRAP_ROLE,
            ))
        }
        (Protocol::TlsServer, Role::Client) => {
            return Err(ssl_error_text(
                "Cannot create a client socket with a PROTOCOL_TLS_SERVER context",
                lines::WRAP_ROLE,
            ))
        }
        _ => {}
    }
    // A stale error left by earlier code must not be reported for this connection.
    OsslError::take();
    let ssl = {
        let ctx = context.ssl_ctx();
        let _config = context.config_lock(py);
        py.allow_threads(|| Ssl::new(ctx))
    }
    .map_err(|e| ssl_error_from_queue(&e, lines::WRAP))?;
    if let Transport::Socket(sock) = &transport {
        let fd = c_int::try_from(sock.fd()).unwrap_or(-1);
        ssl.set_fd(fd)
            .map_err(|e| ssl_error_from_queue(&e, lines::WRAP))?;
    }
    ssl.set_python_modes();
    if let Some(host) = hostname.as_deref() {
        // No SNI for IP literals (2.7.15+). A failure to set it is ignored, as in 2.7.
        if !is_ip_literal(host) && ssl.set_host_name(host).is_err() {
            OsslError::take();
        }
        // Python 3.7+ has OpenSSL check the name during the handshake. That is what a
        // memory-BIO connection (`SSLObject`, Python 3's API) gets, and a socket connection
        // of a `PROTOCOL_TLS_CLIENT` context (a Python-3-only protocol: no 2.7 code uses
        // it). Other socket connections keep 2.7's rule, where `ssl.py` checks the name
        // after the handshake (`match_hostname`): 2.7 servers and clients observe the
        // difference (the server completes its handshake and gets no alert; the client's
        // `CertificateError` says which names the certificate has), and 2.7's defaults win
        // (docs/COMPATIBILITY.md). The Lib layer's `SSLSocket.do_handshake` skips
        // `match_hostname` for exactly these connections.
        let in_openssl = matches!(transport, Transport::Memory)
            || matches!(context.protocol(), Protocol::TlsClient);
        if in_openssl && context.check_hostname(py) {
            ssl.set_verify_host(host)
                .map_err(|e| ssl_error_from_queue(&e, lines::WRAP))?;
        }
    }
    ssl.set_role(role);
    if role == Role::Client {
        // Python 3 gives only server connections the "Python" session id context; a client
        // connection has none. It matters for TLS 1.3 external PSKs: OpenSSL makes the PSK's
        // session with no context and refuses to resume it on a connection that has one
        // (ATTEMPT_TO_REUSE_SESSION_IN_DIFFERENT_CONTEXT). Sessions a client takes and
        // reuses are made on client connections, so they agree either way.
        ssl.set_session_id_context(b"");
    }
    if context.post_handshake_auth() {
        ssl.enable_post_handshake_auth(role);
    }
    let context_obj = context.object().to_owned();
    let obj = create(Connection {
        ssl,
        role,
        transport,
        ctx: GilCell::new(context_obj.clone()),
        wrap_ctx: context_obj,
        owner: GilCell::new(owner),
        server_hostname: hostname,
        handshake_done: AtomicBool::new(false),
        shutdown_seen_zero: AtomicBool::new(false),
        serial: Serial::default(),
        failures: Default::default(),
    })?;
    let made = downcast_owned::<Connection>(&obj).expect("just created");
    // Callbacks find the connection through the SSL's typed owner slot (py::callback).
    crate::py::callback::attach(&made.ssl, &obj, &made.failures)?;
    Ok(obj)
}
