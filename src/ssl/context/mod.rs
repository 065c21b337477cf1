//! `_ssl._SSLContext`: the type, its constructor and defaults, and the settings (options,
//! verification, ciphers, curves, statistics, SNI callback storage). Loaders are in `load`,
//! ALPN/NPN in `protos`, the configuration lock in `lock`, passwords in `password`.

// C `long`/`unsigned long` are 32-bit on Windows and OpenSSL 1.1.1's options are
// `unsigned long`: the casts to 64-bit types are only no-ops on some targets.
#![allow(clippy::unnecessary_cast)]

mod config_lock;
mod groups;
mod hooks;
mod load;
mod password;
mod protos;
mod python3;
pub(crate) mod versions;

use crate::ossl::ctx::{short_name_to_nid, Protocol, SslCtx};
use crate::parse_args;
use crate::py::args::{
    attribute_deleted, masked_unsigned_long, parse_setter_value, single_object, IntArg, LongArg,
    ObjectArg, StrArg,
};
use crate::py::boundary::{Args, KwArgs};
use crate::py::err::Builtin;
use crate::py::module::Module;
use crate::py::object::PyObjectRef;
use crate::py::typeobj::{create_subtype, GilCell, PyClass, Slf, SubType, TypeBuilder, Visit};
use crate::py::{value, Borrowed, Owned, PyErr, PyResult, Python};
use crate::py_new;
use crate::ssl::errors::{lines, ssl_error_from_queue, ssl_error_plain, ssl_error_text};
pub(crate) use groups::get_sigalgs;
use openssl_sys::{
    SSL_VERIFY_FAIL_IF_NO_PEER_CERT, SSL_VERIFY_NONE, SSL_VERIFY_PEER,
    X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS,
};
use std::ffi::{c_int, CStr};

pub(crate) use config_lock::ConfigGuard;

/// 2.7's `CERT_NONE`, `CERT_OPTIONAL`, `CERT_REQUIRED`.
const CERT_NONE: c_int = 0;
const CERT_OPTIONAL: c_int = 1;
const CERT_REQUIRED: c_int = 2;

/// `SSL_OP_*` bits 2.7.18 sets on every new context (values of OpenSSL 1.1.1 and 3.x).
/// `SINGLE_DH_USE`/`SINGLE_ECDH_USE` are 0 since OpenSSL 1.1 (always on); OpenSSL adds
/// `ENABLE_MIDDLEBOX_COMPAT` itself, which gives stock's 0x82520050 on OpenSSL 3.
/// (The casts matter on OpenSSL 1.1.1, whose options are `unsigned long`.)
mod op {
    use openssl_sys as sys;
    pub(super) const ALL: u64 = sys::SSL_OP_ALL as u64;
    pub(super) const DONT_INSERT_EMPTY_FRAGMENTS: u64 =
        sys::SSL_OP_DONT_INSERT_EMPTY_FRAGMENTS as u64;
    pub(super) const NO_SSLV2: u64 = sys::SSL_OP_NO_SSLv2 as u64;
    pub(super) const NO_SSLV3: u64 = sys::SSL_OP_NO_SSLv3 as u64;
    pub(super) const NO_COMPRESSION: u64 = sys::SSL_OP_NO_COMPRESSION as u64;
    pub(super) const CIPHER_SERVER_PREFERENCE: u64 = sys::SSL_OP_CIPHER_SERVER_PREFERENCE as u64;
    pub(super) const SINGLE_DH_USE: u64 = 0;
    pub(super) const SINGLE_ECDH_USE: u64 = sys::SSL_OP_SINGLE_ECDH_USE as u64;
}

/// 2.7's "bare minimum" cipher list for new contexts.
const DEFAULT_CIPHERS: &CStr = c"HIGH:!aNULL:!eNULL:!MD5";

/// The session id context every 2.7 context sets: "Python" with its terminating NUL.
const SESSION_ID_CONTEXT: &[u8] = b"Python\0";

/// The value behind an `_SSLContext` (or a Python subclass such as `ssl.SSLContext`).
pub(crate) struct SslContext {
    ctx: SslCtx,
    protocol: Protocol,
    lock: config_lock::ConfigLock,
    check_hostname: GilCell<bool>,
    /// `X509_CHECK_FLAG_*` given to OpenSSL's host-name check (`hostname_checks_common_name`).
    host_flags: std::sync::atomic::AtomicU32,
    /// Python 3.8's `post_handshake_auth` (read when a connection is made).
    post_handshake_auth: std::sync::atomic::AtomicBool,
    /// `set_servername_callback`'s callable (traversed by the GC).
    servername_callback: GilCell<Option<Owned>>,
    /// Python 3's callback settings (PSK callables, key log file, `sni_callback`'s form).
    hooks: hooks::Hooks,
}

impl PyClass for SslContext {
    crate::py_type_slot!();

    fn traverse(&self, py: Python<'_>, visit: &mut Visit<'_>) -> c_int {
        if let Some(cb) = self.servername_callback.get(py) {
            let r = visit.visit(&cb);
            if r != 0 {
                return r;
            }
        }
        self.hooks.traverse(py, visit)
    }

    fn clear(&self, py: Python<'_>) {
        drop(self.servername_callback.replace(py, None));
        self.hooks.clear(py);
    }
}

/// What `_SSLSocket` (and the SNI callback) needs from a context.
impl SslContext {
    /// The owned `SSL_CTX` (its `as_ptr()` is for `ossl` code).
    pub(crate) fn ssl_ctx(&self) -> &SslCtx {
        &self.ctx
    }

    pub(crate) fn protocol(&self) -> Protocol {
        self.protocol
    }

    /// Python 3.8's `post_handshake_auth`.
    pub(crate) fn post_handshake_auth(&self) -> bool {
        self.post_handshake_auth
            .load(std::sync::atomic::Ordering::Acquire)
    }

    pub(crate) fn check_hostname(&self, py: Python<'_>) -> bool {
        self.check_hostname.get(py)
    }

    /// The callable given to `set_servername_callback`, if any.
    pub(crate) fn servername_callback(&self, py: Python<'_>) -> Option<Owned> {
        self.servername_callback.get(py)
    }

    /// The servername callable and whether it wants Python 3's A-label `str` (`sni_callback`)
    /// rather than 2.7's IDNA-decoded unicode (`set_servername_callback`).
    pub(crate) fn servername_callback_and_form(&self, py: Python<'_>) -> Option<(Owned, bool)> {
        let cb = self.servername_callback.get(py)?;
        Some((
            cb,
            self.hooks
                .sni_a_label
                .load(std::sync::atomic::Ordering::Acquire),
        ))
    }

    /// Holds the context's configuration lock (take it around `SSL_new` and anything else
    /// that reads the SSL_CTX's configuration while another thread may be loading into it).
    pub(crate) fn config_lock(&self, py: Python<'_>) -> ConfigGuard<'_> {
        self.lock.acquire(py)
    }
}

py_new!(context_tp_new, context_new);

const SERVERNAME_DOC: &CStr = c"set_servername_callback(method)\n\
\n\
This sets a callback that will be called when a server name is provided by\n\
the SSL/TLS client in the SNI extension.\n\
\n\
If the argument is None then the callback is disabled. The method is called\n\
with the SSLSocket, the server name as a string, and the SSLContext object.\n\
See RFC 6066 for details of the SNI extension.";

const SNI_CALLBACK_DOC: &CStr = c"Set a callback that will be called when a server name is provided by the SSL/TLS client in the SNI extension.\n\
\n\
If the argument is None then the callback is disabled. The method is called\n\
with the SSLSocket, the server name as a string, and the SSLContext object.\n\
See RFC 6066 for details of the SNI extension.";

const STATS_DOC: &CStr = c"cert_store_stats() -> {'crl': int, 'x509_ca': int, 'x509': int}\n\
\n\
Returns quantities of loaded X.509 certificates. X.509 certificates with a\n\
CA extension and certificate revocation lists inside the context's cert\n\
store.\n\
NOTE: Certificates in a capath directory aren't loaded unless they have\n\
been used at least once.";

const CA_CERTS_DOC: &CStr = c"get_ca_certs(binary_form=False) -> list of loaded certificate\n\
\n\
Returns a list of dicts with information of loaded CA certs. If the\n\
optional argument is True, returns a DER-encoded copy of the CA certificate.\n\
NOTE: Certificates in a capath directory aren't loaded unless they have\n\
been used at least once.";

/// Adds `_SSLContext` to the module.
pub(crate) fn add_type(_py: Python<'_>, m: &Module) -> PyResult<()> {
    // 2.7's type has no docstring and no per-method docs except these three (`c""` → None
    // is not expressible here, so the undocumented ones get an empty doc).
    let builder = TypeBuilder::new::<SslContext>(c"_ssl._SSLContext", c"")
        .subclassable()
        .gc::<SslContext>()
        .new_func(context_tp_new);
    let builder = crate::py_members!(builder, SslContext {
        method keywords c"_wrap_socket" => crate::ssl::wrap::wrap_socket, c"";
        method keywords c"_wrap_bio" => crate::ssl::wrap::wrap_bio, c"";
        method varargs c"set_ciphers" => set_ciphers, c"";
        method varargs c"_set_alpn_protocols" => protos::set_protocols::<false>, c"";
        method varargs c"_set_npn_protocols" => protos::set_protocols::<true>, c"";
        method keywords c"load_cert_chain" => load::load_cert_chain, c"";
        method single c"load_dh_params" => load::load_dh_params, c"";
        method keywords c"load_verify_locations" => load::load_verify_locations, c"";
        method noargs c"session_stats" => session_stats, c"";
        method noargs c"set_default_verify_paths" => load::set_default_verify_paths, c"";
        method single c"set_ecdh_curve" => set_ecdh_curve, c"";
        method varargs c"set_servername_callback" => set_servername_callback, SERVERNAME_DOC;
        method noargs c"cert_store_stats" => cert_store_stats, STATS_DOC;
        method keywords c"get_ca_certs" => get_ca_certs, CA_CERTS_DOC;
        getset c"check_hostname" => get_check_hostname, set_check_hostname, c"";
        getset c"options" => get_options, set_options, c"";
        getset c"verify_flags" => get_verify_flags, set_verify_flags, c"";
        getset c"verify_mode" => get_verify_mode, set_verify_mode, c"";
        // Python 3.10's read-only `security_level` (2.7's ssl.py never reads it).
        get c"security_level" => get_security_level, c"";
        // Python 3.7's sni_callback, 3.8's keylog_filename, 3.13's PSK callbacks (hooks.rs).
        getset c"sni_callback" => hooks::get_sni_callback, hooks::set_sni_callback,
            SNI_CALLBACK_DOC;
        getset c"keylog_filename" => hooks::get_keylog_filename, hooks::set_keylog_filename, c"";
        method keywords c"set_psk_client_callback" => hooks::set_psk_client_callback, c"";
        method keywords c"set_psk_server_callback" => hooks::set_psk_server_callback, c"";
        // Python 3.15's cipher suite, group and signature algorithm lists (groups.rs).
        method varargs c"set_ciphersuites" => groups::set_list::<{ groups::CIPHERSUITES }>, c"";
        method varargs c"set_groups" => groups::set_list::<{ groups::GROUPS }>, c"";
        method keywords c"get_groups" => groups::get_groups, c"";
        method varargs c"set_client_sigalgs" => groups::set_list::<{ groups::CLIENT_SIGALGS }>, c"";
        method varargs c"set_server_sigalgs" => groups::set_list::<{ groups::SERVER_SIGALGS }>, c"";
        // Python 3.7's protocol version range (the generic protocols only).
        getset c"minimum_version" => versions::get_version::<false>,
            versions::set_version::<false>, c"";
        getset c"maximum_version" => versions::get_version::<true>,
            versions::set_version::<true>, c"";
        // Python 3's TLS 1.3 and verification settings (context/python3.rs).
        getset c"hostname_checks_common_name" => python3::get_hostname_checks_common_name,
            python3::set_hostname_checks_common_name, c"";
        getset c"num_tickets" => python3::get_num_tickets, python3::set_num_tickets,
            c"Control the number of TLSv1.3 session tickets";
        getset c"post_handshake_auth" => python3::get_post_handshake_auth,
            python3::set_post_handshake_auth, c"";
        method noargs c"get_ciphers" => python3::get_ciphers, c"";
    });
    let ty = builder.build::<SslContext>()?;
    m.add(c"_SSLContext", ty)
}

/// Python: `_ssl._SSLContext.__new__(cls, protocol)`
fn context_new(py: Python<'_>, subtype: SubType, args: Args<'_>) -> PyResult<Owned> {
    parse_args!(args, c"i:_SSLContext" => keywords(protocol: IntArg(0)));
    let protocol = Protocol::from_python(protocol.0)
        .ok_or_else(|| PyErr::new(Builtin::ValueError, "invalid protocol version"))?;
    let ctx = py
        .allow_threads(|| SslCtx::new(protocol))
        .map_err(|e| ssl_error_from_queue(&e, lines::CONTEXT_NEW))?;
    ctx.set_verify_mode(SSL_VERIFY_NONE);
    // SSLv2/SSLv3 never exist here, so both NO_ bits are always added.
    let options = (op::ALL & !op::DONT_INSERT_EMPTY_FRAGMENTS)
        | op::NO_SSLV2
        | op::NO_SSLV3
        | op::NO_COMPRESSION
        | op::CIPHER_SERVER_PREFERENCE
        | op::SINGLE_DH_USE
        | op::SINGLE_ECDH_USE;
    ctx.set_options(options);
    if !ctx.set_cipher_list(DEFAULT_CIPHERS) {
        return Err(ssl_error_plain("No cipher can be selected."));
    }
    // OpenSSL 1.1+ selects ECDH curves automatically: 2.7 sets nothing there.
    ctx.set_session_id_context(SESSION_ID_CONTEXT);
    ctx.set_trusted_first();
    // Python 3.7's host-name rule (RFC 6125: no partial wildcards such as `f*.example.com`),
    // used only when a connection asks OpenSSL to check the name (see ssl::wrap).
    ctx.set_host_flags(X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    // Python 3.6's PROTOCOL_TLS_CLIENT verifies the server and its name by default; every
    // other protocol keeps 2.7's defaults (no verification).
    let client = protocol == Protocol::TlsClient;
    if client {
        ctx.set_verify_mode(SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT);
    }
    if matches!(protocol, Protocol::TlsClient | Protocol::TlsServer) {
        // Python 3.10's minimum for new contexts, applied to these Python 3 protocols only.
        ctx.set_proto_version(false, versions::PROTO_TLSV1_2);
    }
    create_subtype(
        subtype,
        SslContext {
            ctx,
            protocol,
            lock: config_lock::ConfigLock::default(),
            check_hostname: GilCell::new(client),
            host_flags: std::sync::atomic::AtomicU32::new(X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS),
            post_handshake_auth: std::sync::atomic::AtomicBool::new(false),
            servername_callback: GilCell::new(None),
            hooks: hooks::Hooks::default(),
        },
    )
}

/// Python: `_ssl._SSLContext.options` (get): a long.
fn get_options(_py: Python<'_>, slf: Slf<'_, SslContext>) -> PyResult<Owned> {
    // 2.7 returns `PyLong_FromLong(SSL_CTX_get_options())`.
    value::long(slf.ctx.options() as std::ffi::c_long as i64)
}

/// Python: `_ssl._SSLContext.options` (set): bits to clear are cleared, bits to set are set.
fn set_options(py: Python<'_>, slf: Slf<'_, SslContext>, v: Option<Borrowed<'_>>) -> PyResult<()> {
    // 2.7 works in C `long`: a negative value sets every high bit.
    let new = parse_setter_value(v, c"l", LongArg(0))?.0 as i64 as u64;
    let _guard = slf.lock.acquire(py);
    let current = slf.ctx.options();
    let (clear, set) = (current & !new, !current & new);
    if clear != 0 {
        slf.ctx.clear_options(clear);
    }
    if set != 0 {
        slf.ctx.set_options(set);
    }
    Ok(())
}

/// Python: `_ssl._SSLContext.verify_mode` (get): `CERT_*` as a long.
fn get_verify_mode(_py: Python<'_>, slf: Slf<'_, SslContext>) -> PyResult<Owned> {
    let mode = match slf.ctx.verify_mode() {
        SSL_VERIFY_NONE => CERT_NONE,
        SSL_VERIFY_PEER => CERT_OPTIONAL,
        m if m == SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT => CERT_REQUIRED,
        _ => {
            return Err(ssl_error_plain(
                "invalid return value from SSL_CTX_get_verify_mode",
            ))
        }
    };
    value::long(mode.into())
}

/// Python: `_ssl._SSLContext.verify_mode` (set), with 2.7's check_hostname rule.
fn set_verify_mode(
    py: Python<'_>,
    slf: Slf<'_, SslContext>,
    v: Option<Borrowed<'_>>,
) -> PyResult<()> {
    let mode = match parse_setter_value(v, c"i", IntArg(0))?.0 {
        CERT_NONE => SSL_VERIFY_NONE,
        CERT_OPTIONAL => SSL_VERIFY_PEER,
        CERT_REQUIRED => SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT,
        _ => {
            return Err(PyErr::new(
                Builtin::ValueError,
                "invalid value for verify_mode",
            ))
        }
    };
    if mode == SSL_VERIFY_NONE && slf.check_hostname.get(py) {
        return Err(PyErr::new(
            Builtin::ValueError,
            "Cannot set verify_mode to CERT_NONE when check_hostname is enabled.",
        ));
    }
    let _guard = slf.lock.acquire(py);
    slf.ctx.set_verify_mode(mode);
    Ok(())
}

/// Python: `_ssl._SSLContext.verify_flags` (get): the store's `X509_V_FLAG_*` bits, a long.
fn get_verify_flags(_py: Python<'_>, slf: Slf<'_, SslContext>) -> PyResult<Owned> {
    value::ulong(slf.ctx.verify_flags() as u64)
}

/// Python: `_ssl._SSLContext.verify_flags` (set): clears, then sets, the differing bits.
fn set_verify_flags(
    py: Python<'_>,
    slf: Slf<'_, SslContext>,
    v: Option<Borrowed<'_>>,
) -> PyResult<()> {
    let new = masked_unsigned_long(&v.ok_or_else(attribute_deleted)?)?;
    let _guard = slf.lock.acquire(py);
    let current = slf.ctx.verify_flags();
    let (clear, set) = (current & !new, !current & new);
    if clear != 0 {
        slf.ctx
            .clear_verify_flags(clear)
            .map_err(|e| ssl_error_from_queue(&e, lines::VERIFY_FLAGS))?;
    }
    if set != 0 {
        slf.ctx
            .set_verify_flags(set)
            .map_err(|e| ssl_error_from_queue(&e, lines::VERIFY_FLAGS))?;
    }
    Ok(())
}

/// Python: `_ssl._SSLContext.security_level` (Python 3.10+; read-only)
fn get_security_level(_py: Python<'_>, slf: Slf<'_, SslContext>) -> PyResult<Owned> {
    value::int(slf.ctx.security_level().into())
}

/// Python: `_ssl._SSLContext.check_hostname` (get)
fn get_check_hostname(py: Python<'_>, slf: Slf<'_, SslContext>) -> PyResult<Owned> {
    Ok(value::boolean(slf.check_hostname.get(py)))
}

/// Python: `_ssl._SSLContext.check_hostname` (set): truth-tested; only a flag (`ssl.py` does
/// the matching), which needs CERT_OPTIONAL or CERT_REQUIRED.
fn set_check_hostname(
    py: Python<'_>,
    slf: Slf<'_, SslContext>,
    v: Option<Borrowed<'_>>,
) -> PyResult<()> {
    let on = v.ok_or_else(attribute_deleted)?.is_true()?;
    if on && slf.ctx.verify_mode() == SSL_VERIFY_NONE {
        return Err(PyErr::new(
            Builtin::ValueError,
            "check_hostname needs a SSL context with either CERT_OPTIONAL or CERT_REQUIRED",
        ));
    }
    slf.check_hostname.replace(py, on);
    Ok(())
}

/// Python: `_ssl._SSLContext.set_ciphers(cipherlist)`
fn set_ciphers(py: Python<'_>, slf: Slf<'_, SslContext>, args: Args<'_>) -> PyResult<Owned> {
    parse_args!(args, c"s:set_ciphers" => positional(list: StrArg::new()));
    let list = std::ffi::CString::new(list.bytes().expect("required argument"))
        .expect("`s` rejects NUL bytes");
    let _guard = slf.lock.acquire(py);
    if !slf.ctx.set_cipher_list(&list) {
        return Err(ssl_error_plain("No cipher can be selected."));
    }
    Ok(value::none())
}

/// Python: `_ssl._SSLContext.session_stats()`: 11 counters as longs.
fn session_stats(_py: Python<'_>, slf: Slf<'_, SslContext>) -> PyResult<Owned> {
    let stats = value::dict()?;
    for (name, v) in slf.ctx.session_stats() {
        value::dict_set_str(&stats, name, &value::long(v as i64)?)?;
    }
    Ok(stats)
}

/// Python: `_ssl._SSLContext.cert_store_stats()`: `{'x509', 'crl', 'x509_ca'}` as ints.
fn cert_store_stats(py: Python<'_>, slf: Slf<'_, SslContext>) -> PyResult<Owned> {
    let s = {
        let _guard = slf.lock.acquire(py);
        slf.ctx.store_stats()
    };
    let d = value::dict()?;
    value::dict_set_str(&d, "x509", &value::int(s.x509.into())?)?;
    value::dict_set_str(&d, "crl", &value::int(s.crl.into())?)?;
    value::dict_set_str(&d, "x509_ca", &value::int(s.x509_ca.into())?)?;
    Ok(d)
}

/// Python: `_ssl._SSLContext.get_ca_certs(binary_form=False)`
fn get_ca_certs(py: Python<'_>, slf: Slf<'_, SslContext>, args: KwArgs<'_>) -> PyResult<Owned> {
    parse_args!(args, c"|O:get_ca_certs" => keywords(binary_form: ObjectArg::new()));
    let binary = binary_form.flag()?;
    let certs = {
        let _guard = slf.lock.acquire(py);
        slf.ctx.ca_certs()
    };
    let mut items = Vec::with_capacity(certs.len());
    for cert in &certs {
        items.push(if binary {
            let der = cert
                .to_der()
                .map_err(|e| ssl_error_from_queue(&e, lines::CA_CERTS))?;
            value::bytes(&der)?
        } else {
            crate::ssl::cert::decode_certificate(py, cert)?
        });
    }
    value::list(items)
}

/// Python: `_ssl._SSLContext.set_ecdh_curve(name)`
fn set_ecdh_curve(py: Python<'_>, slf: Slf<'_, SslContext>, name: Borrowed<'_>) -> PyResult<Owned> {
    // 2.7's `PyBytes_AsString`: str, or unicode in the default encoding.
    if !(value::is_str(&name) || value::is_unicode(&name)) {
        return Err(PyErr::new(
            Builtin::TypeError,
            &format!(
                "expected string or Unicode object, {} found",
                name.type_name()
            ),
        ));
    }
    let bytes = value::as_bytes(&name)?;
    let nid = short_name_to_nid(&bytes);
    if nid == 0 {
        let repr = value::as_bytes(&name.repr()?)?;
        return Err(PyErr::new(
            Builtin::ValueError,
            &format!(
                "unknown elliptic curve name {}",
                String::from_utf8_lossy(&repr)
            ),
        ));
    }
    let _guard = slf.lock.acquire(py);
    slf.ctx.set_ecdh_curve(nid).map_err(|e| {
        // OpenSSL 3 rejects a non-curve name (e.g. 'RSA') without queueing an error, where
        // 2.7's EC_KEY_new_by_curve_name queued "unknown group".
        if e.is_empty() {
            ssl_error_text("unknown group", lines::ECDH_CURVE)
        } else {
            ssl_error_from_queue(&e, lines::ECDH_CURVE)
        }
    })?;
    Ok(value::none())
}

/// Python: `_ssl._SSLContext.set_servername_callback(method)`: drops the old callable first;
/// None disables; a non-callable raises and leaves none installed.
fn set_servername_callback(
    py: Python<'_>,
    slf: Slf<'_, SslContext>,
    args: Args<'_>,
) -> PyResult<Owned> {
    let cb = single_object(args, c"O", None)?.to_owned();
    slf.hooks
        .sni_a_label
        .store(false, std::sync::atomic::Ordering::Release);
    slf.replace_servername_callback(py, cb)
}

impl SslContext {
    /// `set_servername_callback` / `sni_callback =`: drops the old callable first; None
    /// disables; a non-callable raises and leaves none installed.
    fn replace_servername_callback(&self, py: Python<'_>, cb: Owned) -> PyResult<Owned> {
        drop(self.servername_callback.replace(py, None));
        let _guard = self.lock.acquire(py);
        if cb.is_none() {
            crate::ssl::sni::uninstall(&self.ctx);
            return Ok(value::none());
        }
        if !cb.is_callable() {
            crate::ssl::sni::uninstall(&self.ctx);
            return Err(PyErr::new(Builtin::TypeError, "not a callable object"));
        }
        self.servername_callback.replace(py, Some(cb));
        crate::ssl::sni::install(&self.ctx);
        Ok(value::none())
    }
}
