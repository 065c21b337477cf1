//! `_ssl._SSLContext`: the type, its constructor and defaults, and the settings (options,
//! verification, ciphers, curves, statistics, SNI callback storage). Loaders are in `load`,
//! ALPN/NPN in `protos`, the configuration lock in `lock`, passwords in `password`.

// C `long`/`unsigned long` are 32-bit on Windows and OpenSSL 1.1.1's options are
// `unsigned long`: the casts to 64-bit types are only no-ops on some targets.
#![allow(clippy::unnecessary_cast)]

mod groups;
mod load;
mod lock;
mod password;
mod protos;
mod python3;
pub(crate) mod versions;

use crate::ossl::ctx::{short_name_to_nid, Protocol, SslCtx};
use crate::py::args::{parse, IntArg, LongArg, ObjectArg, StrArg};
use crate::py::boundary::Args;
use crate::py::err::Builtin;
use crate::py::module::Module;
use crate::py::object::PyObjectRef;
use crate::py::typeobj::{
    create_subtype, GilCell, MethodKind, PyClass, Slf, SubType, TypeBuilder, TypeSlot, Visit,
};
use crate::py::{value, Borrowed, Owned, PyErr, PyResult, Python};
use crate::ssl::errors::{ssl_error_from_queue, ssl_error_plain, ssl_error_text};
use crate::{py_getset, py_method, py_new};
pub(crate) use groups::get_sigalgs;
use std::ffi::{c_int, c_ulong, CStr};

pub(crate) use lock::CtxGuard;

/// `SSL_VERIFY_*` of `ssl.h`.
const SSL_VERIFY_NONE: c_int = 0;
const SSL_VERIFY_PEER: c_int = 1;
const SSL_VERIFY_FAIL_IF_NO_PEER_CERT: c_int = 2;

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

/// `X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS` of `x509v3.h`.
const X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS: u32 = 0x4;

/// 2.7's "bare minimum" cipher list for new contexts.
const DEFAULT_CIPHERS: &CStr = c"HIGH:!aNULL:!eNULL:!MD5";

/// The session id context every 2.7 context sets: "Python" with its terminating NUL.
const SESSION_ID_CONTEXT: &[u8] = b"Python\0";

/// Line numbers stock 2.7.18 reports for errors raised here.
const LINE_NEW: u32 = 2092;
const LINE_VERIFY_FLAGS: u32 = 2366;
const LINE_ECDH: u32 = 3236;
const LINE_CA_CERTS: u32 = 3399;

/// The value behind an `_SSLContext` (or a Python subclass such as `ssl.SSLContext`).
pub(crate) struct ContextObject {
    ctx: SslCtx,
    protocol: Protocol,
    lock: lock::CtxLock,
    check_hostname: GilCell<bool>,
    /// `X509_CHECK_FLAG_*` given to OpenSSL's host-name check (`hostname_checks_common_name`).
    host_flags: std::sync::atomic::AtomicU32,
    /// Python 3.8's `post_handshake_auth` (read when a connection is made).
    post_handshake_auth: std::sync::atomic::AtomicBool,
    /// `set_servername_callback`'s callable (traversed by the GC).
    servername_callback: GilCell<Option<Owned>>,
}

static CONTEXT_TYPE: TypeSlot = TypeSlot::new();

impl PyClass for ContextObject {
    fn type_slot() -> &'static TypeSlot {
        &CONTEXT_TYPE
    }

    fn traverse(&self, visit: &mut Visit<'_>) -> c_int {
        // SAFETY: the GC calls tp_traverse with the GIL held.
        let py = unsafe { Python::assume_gil_held() };
        match self.servername_callback.get(py) {
            Some(cb) => visit.visit(&cb),
            None => 0,
        }
    }

    fn clear(&self, py: Python<'_>) {
        drop(self.servername_callback.replace(py, None));
    }
}

/// What `_SSLSocket` (and the SNI callback) needs from a context.
#[allow(dead_code)] // used by ssl::socket / ssl::sni
impl ContextObject {
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

    /// ALPN list in wire format, as given to `_set_alpn_protocols` (empty if none).
    pub(crate) fn alpn_protocols(&self) -> Vec<u8> {
        self.ctx.alpn_protocols()
    }

    /// NPN list in wire format, as given to `_set_npn_protocols` (empty if none).
    pub(crate) fn npn_protocols(&self) -> Vec<u8> {
        self.ctx.npn_protocols()
    }

    /// Holds the context's configuration lock (take it around `SSL_new` and anything else
    /// that reads the SSL_CTX's configuration while another thread may be loading into it).
    pub(crate) fn config_lock(&self, py: Python<'_>) -> CtxGuard<'_> {
        self.lock.acquire(py)
    }

    /// The `_SSLContext` type object (for `isinstance` checks and `O!` parsing).
    pub(crate) fn type_object() -> Owned {
        CONTEXT_TYPE.object()
    }
}

py_new!(context_new_fn, context_new);
py_getset!(get get_options_fn, ContextObject, get_options);
py_getset!(set set_options_fn, ContextObject, set_options);
py_getset!(get get_verify_mode_fn, ContextObject, get_verify_mode);
py_getset!(set set_verify_mode_fn, ContextObject, set_verify_mode);
py_getset!(get get_verify_flags_fn, ContextObject, get_verify_flags);
py_getset!(set set_verify_flags_fn, ContextObject, set_verify_flags);
py_getset!(get get_check_hostname_fn, ContextObject, get_check_hostname);
py_getset!(get get_security_level_fn, ContextObject, get_security_level);
py_getset!(get get_minimum_version_fn, ContextObject, versions::get_minimum_version);
py_getset!(get get_hostname_checks_cn_fn, ContextObject, python3::get_hostname_checks_common_name);
py_getset!(set set_hostname_checks_cn_fn, ContextObject, python3::set_hostname_checks_common_name);
py_getset!(get get_num_tickets_fn, ContextObject, python3::get_num_tickets);
py_getset!(get get_pha_fn, ContextObject, python3::get_post_handshake_auth);
py_getset!(set set_pha_fn, ContextObject, python3::set_post_handshake_auth);
py_getset!(set set_num_tickets_fn, ContextObject, python3::set_num_tickets);
py_method!(noargs get_ciphers_fn, ContextObject, python3::get_ciphers);
py_method!(varargs set_ciphersuites_fn, ContextObject, groups::set_ciphersuites);
py_method!(varargs set_groups_fn, ContextObject, groups::set_groups);
py_method!(keywords get_groups_fn, ContextObject, groups::get_groups);
py_method!(varargs set_client_sigalgs_fn, ContextObject, groups::set_client_sigalgs);
py_method!(varargs set_server_sigalgs_fn, ContextObject, groups::set_server_sigalgs);
py_getset!(set set_minimum_version_fn, ContextObject, versions::set_minimum_version);
py_getset!(get get_maximum_version_fn, ContextObject, versions::get_maximum_version);
py_getset!(set set_maximum_version_fn, ContextObject, versions::set_maximum_version);
py_getset!(set set_check_hostname_fn, ContextObject, set_check_hostname);
py_method!(varargs set_ciphers_fn, ContextObject, set_ciphers);
py_method!(varargs set_alpn_fn, ContextObject, protos::set_alpn_protocols);
py_method!(varargs set_npn_fn, ContextObject, protos::set_npn_protocols);
py_method!(keywords load_cert_chain_fn, ContextObject, load::load_cert_chain);
py_method!(single load_dh_params_fn, ContextObject, load::load_dh_params);
py_method!(keywords load_verify_locations_fn, ContextObject, load::load_verify_locations);
py_method!(noargs session_stats_fn, ContextObject, session_stats);
py_method!(noargs set_default_verify_paths_fn, ContextObject, load::set_default_verify_paths);
py_method!(single set_ecdh_curve_fn, ContextObject, set_ecdh_curve);
py_method!(varargs set_servername_callback_fn, ContextObject, set_servername_callback);
py_method!(noargs cert_store_stats_fn, ContextObject, cert_store_stats);
py_method!(keywords get_ca_certs_fn, ContextObject, get_ca_certs);

const SERVERNAME_DOC: &CStr = c"set_servername_callback(method)\n\
\n\
This sets a callback that will be called when a server name is provided by\n\
the SSL/TLS client in the SNI extension.\n\
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
    let builder = TypeBuilder::new::<ContextObject>(c"_ssl._SSLContext", c"")
        .subclassable()
        .gc::<ContextObject>()
        .new_func(context_new_fn);
    let builder = builder
        .method(
            c"_wrap_socket",
            MethodKind::Keywords(crate::ssl::wrap::wrap_socket_fn),
            c"",
        )
        .method(
            c"_wrap_bio",
            MethodKind::Keywords(crate::ssl::wrap::wrap_bio_fn),
            c"",
        )
        .method(c"set_ciphers", MethodKind::VarArgs(set_ciphers_fn), c"")
        .method(
            c"_set_alpn_protocols",
            MethodKind::VarArgs(set_alpn_fn),
            c"",
        )
        .method(c"_set_npn_protocols", MethodKind::VarArgs(set_npn_fn), c"")
        .method(
            c"load_cert_chain",
            MethodKind::Keywords(load_cert_chain_fn),
            c"",
        )
        .method(
            c"load_dh_params",
            MethodKind::Single(load_dh_params_fn),
            c"",
        )
        .method(
            c"load_verify_locations",
            MethodKind::Keywords(load_verify_locations_fn),
            c"",
        )
        .method(c"session_stats", MethodKind::NoArgs(session_stats_fn), c"")
        .method(
            c"set_default_verify_paths",
            MethodKind::NoArgs(set_default_verify_paths_fn),
            c"",
        )
        .method(
            c"set_ecdh_curve",
            MethodKind::Single(set_ecdh_curve_fn),
            c"",
        )
        .method(
            c"set_servername_callback",
            MethodKind::VarArgs(set_servername_callback_fn),
            SERVERNAME_DOC,
        )
        .method(
            c"cert_store_stats",
            MethodKind::NoArgs(cert_store_stats_fn),
            STATS_DOC,
        )
        .method(
            c"get_ca_certs",
            MethodKind::Keywords(get_ca_certs_fn),
            CA_CERTS_DOC,
        )
        .getset(
            c"check_hostname",
            get_check_hostname_fn,
            Some(set_check_hostname_fn),
            c"",
        )
        .getset(c"options", get_options_fn, Some(set_options_fn), c"")
        // Python 3.10's read-only `security_level` (2.7's ssl.py never reads it).
        .getset(c"security_level", get_security_level_fn, None, c"")
        .getset(
            c"hostname_checks_common_name",
            get_hostname_checks_cn_fn,
            Some(set_hostname_checks_cn_fn),
            c"",
        )
        .getset(
            c"num_tickets",
            get_num_tickets_fn,
            Some(set_num_tickets_fn),
            c"Control the number of TLSv1.3 session tickets",
        )
        .method(c"get_ciphers", MethodKind::NoArgs(get_ciphers_fn), c"")
        // Python 3.15's cipher suite, group and signature algorithm lists (groups.rs).
        .method(
            c"set_ciphersuites",
            MethodKind::VarArgs(set_ciphersuites_fn),
            c"",
        )
        .method(c"set_groups", MethodKind::VarArgs(set_groups_fn), c"")
        .method(c"get_groups", MethodKind::Keywords(get_groups_fn), c"")
        .method(
            c"set_client_sigalgs",
            MethodKind::VarArgs(set_client_sigalgs_fn),
            c"",
        )
        .method(
            c"set_server_sigalgs",
            MethodKind::VarArgs(set_server_sigalgs_fn),
            c"",
        )
        .getset(c"post_handshake_auth", get_pha_fn, Some(set_pha_fn), c"")
        // Python 3.7's protocol version range (the generic protocols only).
        .getset(
            c"minimum_version",
            get_minimum_version_fn,
            Some(set_minimum_version_fn),
            c"",
        )
        .getset(
            c"maximum_version",
            get_maximum_version_fn,
            Some(set_maximum_version_fn),
            c"",
        )
        .getset(
            c"verify_flags",
            get_verify_flags_fn,
            Some(set_verify_flags_fn),
            c"",
        )
        .getset(
            c"verify_mode",
            get_verify_mode_fn,
            Some(set_verify_mode_fn),
            c"",
        );
    let ty = builder.build::<ContextObject>()?;
    m.add(c"_SSLContext", ty)
}

/// Python: `_ssl._SSLContext.__new__(cls, protocol)`
fn context_new(py: Python<'_>, subtype: SubType, args: Args<'_>) -> PyResult<Owned> {
    let mut proto = IntArg(0);
    parse(
        args,
        c"i:_SSLContext",
        Some(&[c"protocol"]),
        &mut [&mut proto],
    )?;
    let protocol = Protocol::from_python(proto.0)
        .ok_or_else(|| PyErr::new(Builtin::ValueError, "invalid protocol version"))?;
    let ctx = py
        .allow_threads(|| SslCtx::new(protocol))
        .map_err(|e| ssl_error_from_queue(&e, LINE_NEW))?;
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
        ContextObject {
            ctx,
            protocol,
            lock: lock::CtxLock::default(),
            check_hostname: GilCell::new(client),
            host_flags: std::sync::atomic::AtomicU32::new(X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS),
            post_handshake_auth: std::sync::atomic::AtomicBool::new(false),
            servername_callback: GilCell::new(None),
        },
    )
}

/// A setter got `del ctx.attr`: 2.7's `PyArg_Parse` then sees no argument.
pub(crate) fn deleted() -> PyErr {
    PyErr::new(Builtin::TypeError, "function takes at least one argument")
}

/// Parses a setter's value with one 2.7 format unit through `PyArg_ParseTuple`, whose
/// conversion errors are those of 2.7's `PyArg_Parse`.
pub(crate) fn parse_value(
    value: Option<Borrowed<'_>>,
    format: &CStr,
    slot: &mut dyn crate::py::args::ArgSlot,
) -> PyResult<()> {
    let value = value.ok_or_else(deleted)?;
    let tuple = value::tuple(vec![value.to_owned()])?;
    parse(
        Args {
            args: Some(tuple.borrow()),
            kwargs: None,
        },
        format,
        None,
        &mut [slot],
    )
}

/// Python: `_ssl._SSLContext.options` (get): a long.
fn get_options(_py: Python<'_>, slf: Slf<'_, ContextObject>) -> PyResult<Owned> {
    // 2.7 returns `PyLong_FromLong(SSL_CTX_get_options())`.
    value::long(slf.ctx.options() as std::ffi::c_long as i64)
}

/// Python: `_ssl._SSLContext.options` (set): bits to clear are cleared, bits to set are set.
fn set_options(
    py: Python<'_>,
    slf: Slf<'_, ContextObject>,
    v: Option<Borrowed<'_>>,
) -> PyResult<()> {
    let mut new = LongArg(0);
    parse_value(v, c"l", &mut new)?;
    // 2.7 works in C `long`: a negative value sets every high bit.
    let new = new.0 as i64 as u64;
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
fn get_verify_mode(_py: Python<'_>, slf: Slf<'_, ContextObject>) -> PyResult<Owned> {
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
    slf: Slf<'_, ContextObject>,
    v: Option<Borrowed<'_>>,
) -> PyResult<()> {
    let mut n = IntArg(0);
    parse_value(v, c"i", &mut n)?;
    let mode = match n.0 {
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
fn get_verify_flags(_py: Python<'_>, slf: Slf<'_, ContextObject>) -> PyResult<Owned> {
    value::ulong(slf.ctx.verify_flags() as u64)
}

/// 2.7's `k` format: any int or long, masked to a C `unsigned long` (so -1 is all bits).
fn unsigned_long_mask(obj: &Borrowed<'_>) -> PyResult<c_ulong> {
    if !value::is_int_or_long(obj) {
        return Err(PyErr::new(
            Builtin::TypeError,
            &format!(
                "argument must be an integer, not {}",
                // 2.7's converterr names None "None", other objects by their type.
                if obj.is_none() {
                    "None".to_owned()
                } else {
                    obj.type_name()
                }
            ),
        ));
    }
    // Python's own `&` masks longs of any size; ints fit a C long and wrap as C would.
    match value::as_long(obj) {
        Ok(v) => Ok(v as c_ulong),
        Err(_) => {
            let mask = value::ulong(c_ulong::MAX as u64)?;
            let masked = obj.getattr(c"__and__")?.call(&[&mask])?;
            Ok(value::as_unsigned_long(&masked)? as c_ulong)
        }
    }
}

/// Python: `_ssl._SSLContext.verify_flags` (set): clears, then sets, the differing bits.
fn set_verify_flags(
    py: Python<'_>,
    slf: Slf<'_, ContextObject>,
    v: Option<Borrowed<'_>>,
) -> PyResult<()> {
    let new = unsigned_long_mask(&v.ok_or_else(deleted)?)?;
    let _guard = slf.lock.acquire(py);
    let current = slf.ctx.verify_flags();
    let (clear, set) = (current & !new, !current & new);
    if clear != 0 {
        slf.ctx
            .clear_verify_flags(clear)
            .map_err(|e| ssl_error_from_queue(&e, LINE_VERIFY_FLAGS))?;
    }
    if set != 0 {
        slf.ctx
            .set_verify_flags(set)
            .map_err(|e| ssl_error_from_queue(&e, LINE_VERIFY_FLAGS))?;
    }
    Ok(())
}

/// Python: `_ssl._SSLContext.security_level` (Python 3.10+; read-only)
fn get_security_level(_py: Python<'_>, slf: Slf<'_, ContextObject>) -> PyResult<Owned> {
    value::int(slf.ctx.security_level().into())
}

/// Python: `_ssl._SSLContext.check_hostname` (get)
fn get_check_hostname(py: Python<'_>, slf: Slf<'_, ContextObject>) -> PyResult<Owned> {
    Ok(value::boolean(slf.check_hostname.get(py)))
}

/// Python: `_ssl._SSLContext.check_hostname` (set): truth-tested; only a flag (`ssl.py` does
/// the matching), which needs CERT_OPTIONAL or CERT_REQUIRED.
fn set_check_hostname(
    py: Python<'_>,
    slf: Slf<'_, ContextObject>,
    v: Option<Borrowed<'_>>,
) -> PyResult<()> {
    let on = v.ok_or_else(deleted)?.is_true()?;
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
fn set_ciphers(py: Python<'_>, slf: Slf<'_, ContextObject>, args: Args<'_>) -> PyResult<Owned> {
    let mut list = StrArg::new();
    parse(args, c"s:set_ciphers", None, &mut [&mut list])?;
    let list = std::ffi::CString::new(list.bytes().expect("required argument"))
        .expect("`s` rejects NUL bytes");
    let _guard = slf.lock.acquire(py);
    if !slf.ctx.set_cipher_list(&list) {
        return Err(ssl_error_plain("No cipher can be selected."));
    }
    Ok(value::none())
}

/// Python: `_ssl._SSLContext.session_stats()`: 11 counters as longs.
fn session_stats(_py: Python<'_>, slf: Slf<'_, ContextObject>) -> PyResult<Owned> {
    let stats = value::dict()?;
    for (name, v) in slf.ctx.session_stats() {
        value::dict_set_str(&stats, name, &value::long(v as i64)?)?;
    }
    Ok(stats)
}

/// Python: `_ssl._SSLContext.cert_store_stats()`: `{'x509', 'crl', 'x509_ca'}` as ints.
fn cert_store_stats(py: Python<'_>, slf: Slf<'_, ContextObject>) -> PyResult<Owned> {
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
fn get_ca_certs(py: Python<'_>, slf: Slf<'_, ContextObject>, args: Args<'_>) -> PyResult<Owned> {
    let mut binary = ObjectArg::new();
    parse(
        args,
        c"|O:get_ca_certs",
        Some(&[c"binary_form"]),
        &mut [&mut binary],
    )?;
    let binary = match binary.get() {
        Some(b) => b.is_true()?,
        None => false,
    };
    let certs = {
        let _guard = slf.lock.acquire(py);
        slf.ctx.ca_certs()
    };
    let mut items = Vec::with_capacity(certs.len());
    for cert in &certs {
        items.push(if binary {
            let der = cert
                .to_der()
                .map_err(|e| ssl_error_from_queue(&e, LINE_CA_CERTS))?;
            value::bytes(&der)?
        } else {
            crate::ssl::cert::decode_certificate(py, cert)?
        });
    }
    value::list(items)
}

/// Python: `_ssl._SSLContext.set_ecdh_curve(name)`
fn set_ecdh_curve(py: Python<'_>, slf: Slf<'_, ContextObject>, args: Args<'_>) -> PyResult<Owned> {
    let mut name_arg = ObjectArg::new();
    parse(args, c"O:set_ecdh_curve", None, &mut [&mut name_arg])?;
    let name = name_arg.get().expect("required argument");
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
            ssl_error_text("unknown group", LINE_ECDH)
        } else {
            ssl_error_from_queue(&e, LINE_ECDH)
        }
    })?;
    Ok(value::none())
}

/// Python: `_ssl._SSLContext.set_servername_callback(method)`: drops the old callable first;
/// None disables; a non-callable raises and leaves none installed.
fn set_servername_callback(
    py: Python<'_>,
    slf: Slf<'_, ContextObject>,
    args: Args<'_>,
) -> PyResult<Owned> {
    let mut cb = ObjectArg::new();
    parse(args, c"O", None, &mut [&mut cb])?;
    let cb = cb.get().expect("required argument").to_owned();
    drop(slf.servername_callback.replace(py, None));
    let _guard = slf.lock.acquire(py);
    if cb.is_none() {
        install_servername_hook(&slf, false);
        return Ok(value::none());
    }
    if !cb.is_callable() {
        install_servername_hook(&slf, false);
        return Err(PyErr::new(Builtin::TypeError, "not a callable object"));
    }
    slf.servername_callback.replace(py, Some(cb));
    install_servername_hook(&slf, true);
    Ok(value::none())
}

/// Installs (or removes) the OpenSSL servername callback that calls the stored callable
/// (the OpenSSL side is `ssl::sni`).
fn install_servername_hook(slf: &Slf<'_, ContextObject>, on: bool) {
    if on {
        crate::ssl::sni::install(&slf.ctx, &slf.object());
    } else {
        crate::ssl::sni::uninstall(&slf.ctx);
    }
}
