//! An owned `SSL` (one TLS connection) and the connection-level OpenSSL calls `_ssl._SSLSocket`
//! makes: set-up over a socket fd, the four I/O calls (each returning everything 2.7's error
//! mapping needs, captured before anything else can run), and the read-only queries (cipher,
//! version, ALPN, tls-unique...). Also the SNI (servername) callback shell, generic over a
//! handler so this file knows nothing about Python.
//!
//! Threads: an `SSL` is driven with the GIL released, so the handle must be `Send + Sync`. Like
//! CPython (2.7 and 3.x), we do not lock it: `_ssl` code calls it from one thread at a time in
//! practice, and full-duplex users (one thread reading, one writing) rely on the two directions
//! not blocking each other, which a lock held across a blocking `SSL_read` would break.

use crate::ossl::compat;
use crate::ossl::ctx::{with_errno, SslCtx};
use crate::ossl::error::OsslError;
use crate::ossl::membio::MemBio;
use crate::ossl::owned::owned;
use crate::ossl::readbuf::ReadBuf;
use crate::ossl::session::Session;
use crate::ossl::x509::X509;
use openssl_sys as sys;
use std::ffi::{c_char, c_int, c_long, c_uint, c_void, CStr};
use std::ptr::NonNull;

extern "C" {
    fn SSL_set_read_ahead(ssl: *mut sys::SSL, yes: c_int);
    fn SSL_get_ciphers(ssl: *const sys::SSL) -> *mut sys::stack_st_SSL_CIPHER;
    fn SSL_get_client_ciphers(ssl: *const sys::SSL) -> *mut sys::stack_st_SSL_CIPHER;
    fn a2i_IPADDRESS(ipasc: *const c_char) -> *mut sys::ASN1_OCTET_STRING;
    fn SSL_set_post_handshake_auth(ssl: *mut sys::SSL, val: c_int);
    fn SSL_verify_client_post_handshake(ssl: *mut sys::SSL) -> c_int;
    fn SSL_get_verify_callback(ssl: *const sys::SSL) -> Option<VerifyCallback>;
    // openssl-sys types the callback as a safe fn; the header's SSL_verify_cb (what
    // SSL_get_verify_callback returns) is the unsafe one, passed back unchanged.
    #[link_name = "SSL_set_verify"]
    #[allow(clashing_extern_declarations)]
    fn set_verify_with_header_callback(ssl: *mut sys::SSL, mode: c_int, cb: Option<VerifyCallback>);
    fn SSL_set_session_id_context(ssl: *mut sys::SSL, sid: *const u8, len: c_uint) -> c_int;
}

/// `TLSEXT_NAMETYPE_host_name`.
const TLSEXT_NAMETYPE_HOST_NAME: c_int = 0;
/// Enough for any Finished message (2.7's `PySSL_CB_MAXLEN`; TLS 1.3 gives up to 64 bytes).
const FINISHED_MAX: usize = 128;

/// OpenSSL's certificate verification callback type.
type VerifyCallback = unsafe extern "C" fn(c_int, *mut sys::X509_STORE_CTX) -> c_int;

/// Which end of the connection this is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Role {
    Client,
    Server,
}

/// What an `SSL_do_handshake` / `SSL_read` / `SSL_write` / `SSL_shutdown` call returned, with
/// `SSL_get_error`, the C errno and the last queued error read right after it (the queue is then
/// clear). `queued` and `errno` only mean something when the call failed.
#[derive(Clone, Debug)]
pub(crate) struct IoOutcome {
    pub(crate) ret: c_int,
    /// Bytes read or written by a successful read/write (`ret` itself, or the `_ex` calls'
    /// out-parameter, which may be 0 for an empty write).
    pub(crate) count: usize,
    pub(crate) ssl_error: c_int,
    pub(crate) errno: i32,
    pub(crate) queued: OsslError,
}

impl IoOutcome {
    pub(crate) fn wants_read(&self) -> bool {
        self.ssl_error == sys::SSL_ERROR_WANT_READ
    }

    pub(crate) fn wants_write(&self) -> bool {
        self.ssl_error == sys::SSL_ERROR_WANT_WRITE
    }
}

/// A cipher as `cipher()` reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct CipherInfo {
    pub(crate) name: Option<String>,
    pub(crate) version: Option<String>,
    pub(crate) bits: c_int,
}

owned! {
    /// An owned `SSL`. Dropping it frees the connection state (not the fd, which the Python
    /// socket owns).
    pub(crate) struct Ssl(sys::SSL);
    free = free_shut_down;
}

// SAFETY: an SSL object may be used from any thread; see the file doc for why concurrent use is
// left to the caller, as in CPython.
unsafe impl Send for Ssl {}
// SAFETY: as above.
unsafe impl Sync for Ssl {}

/// `Ssl`'s free function. Freeing a connection that did not send close_notify makes OpenSSL
/// mark its session not resumable (RFC 5246's rule for aborted connections). Python code rarely
/// unwraps before closing, so, as Python 3.13 does, the connection is marked as shut down first
/// and a session taken from it (or cached by a server) stays resumable.
///
/// # Safety
/// `ssl` is a live SSL the caller owns; it is freed.
unsafe fn free_shut_down(ssl: *mut sys::SSL) {
    // SAFETY: the caller's contract.
    unsafe {
        sys::SSL_set_shutdown(ssl, sys::SSL_get_shutdown(ssl) | sys::SSL_SENT_SHUTDOWN);
        sys::SSL_free(ssl)
    }
}

/// The address bytes of an IPv4 or IPv6 literal (4 or 16 bytes), None for a name.
pub(crate) fn ip_literal_bytes(host: &CStr) -> Option<Vec<u8>> {
    // SAFETY: a NUL-terminated string; returns NULL or a new octet string we free after
    // copying its bytes.
    unsafe {
        let ip = a2i_IPADDRESS(host.as_ptr());
        if ip.is_null() {
            OsslError::take();
            return None;
        }
        let data = sys::ASN1_STRING_get0_data(ip.cast());
        let len = usize::try_from(sys::ASN1_STRING_length(ip.cast())).unwrap_or(0);
        let bytes = std::slice::from_raw_parts(data, len).to_vec();
        sys::ASN1_OCTET_STRING_free(ip);
        Some(bytes)
    }
}

/// Is `host` an IPv4 or IPv6 literal? (2.7.15+ sends no SNI for those; OpenSSL's parser, as
/// 2.7.18 uses.)
pub(crate) fn is_ip_literal(host: &CStr) -> bool {
    // SAFETY: a NUL-terminated string; returns NULL or a new octet string we free.
    let ip = unsafe { a2i_IPADDRESS(host.as_ptr()) };
    if ip.is_null() {
        OsslError::take();
        false
    } else {
        // SAFETY: the octet string made above, freed once.
        unsafe { sys::ASN1_OCTET_STRING_free(ip) };
        true
    }
}

impl Ssl {
    /// `SSL_new(ctx)`: the connection inherits the context's settings as they are now.
    pub(crate) fn new(ctx: &SslCtx) -> Result<Ssl, OsslError> {
        // SAFETY: a live context; returns NULL or a new SSL we own.
        let raw = unsafe { sys::SSL_new(ctx.as_ptr()) };
        NonNull::new(raw).map(Ssl).ok_or_else(OsslError::take)
    }

    /// OpenSSL does the socket I/O itself on `fd`, through our never-blocking socket BIO
    /// (`ossl::sockbio`; the engine waits for the descriptor).
    pub(crate) fn set_fd(&self, fd: c_int) -> Result<(), OsslError> {
        let bio = crate::ossl::sockbio::new_socket_bio(fd);
        if bio.is_null() {
            return Err(OsslError::take());
        }
        // SAFETY: a live SSL with no BIOs yet; SSL_set_bio takes over our reference, used for
        // both directions (as SSL_set_fd does with one socket BIO).
        unsafe { sys::SSL_set_bio(self.as_ptr(), bio, bio) };
        Ok(())
    }

    /// 2.7's modes: `SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER | SSL_MODE_AUTO_RETRY` (a Python
    /// buffer may move between a WANT_WRITE and the retry), plus `SSL_MODE_RELEASE_BUFFERS`,
    /// which Python 3 sets and 2.7.18 does not: an idle connection then holds no read/write
    /// record buffers (about 10 KB less per open connection, see docs/PERFORMANCE.md). Not
    /// observable from Python; the CVE-2014-0198 bug that made 3.x skip it on old 1.0.x
    /// releases is fixed in every OpenSSL we build against.
    pub(crate) fn set_python_modes(&self) {
        let mode = sys::SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER
            | sys::SSL_MODE_AUTO_RETRY
            | sys::SSL_MODE_RELEASE_BUFFERS;
        // SAFETY: a live SSL; SSL_CTRL_MODE ORs the bits in.
        unsafe {
            sys::SSL_ctrl(
                self.as_ptr(),
                sys::SSL_CTRL_MODE,
                mode,
                std::ptr::null_mut(),
            )
        };
    }

    /// `SSL_set_session_id_context` on this connection (at most 32 bytes, copied).
    pub(crate) fn set_session_id_context(&self, sid: &[u8]) -> bool {
        let len = sid.len().min(32) as c_uint;
        // SAFETY: a live SSL; sid is valid for len bytes and copied.
        unsafe { SSL_set_session_id_context(self.as_ptr(), sid.as_ptr(), len) == 1 }
    }

    /// `SSL_set_tlsext_host_name` (the SNI sent by a client).
    pub(crate) fn set_host_name(&self, host: &CStr) -> Result<(), OsslError> {
        // SAFETY: a live SSL; the name is NUL-terminated and copied.
        let ok = unsafe { sys::SSL_set_tlsext_host_name(self.as_ptr(), host.as_ptr().cast_mut()) };
        (ok == 1).then_some(()).ok_or_else(OsslError::take)
    }

    pub(crate) fn set_role(&self, role: Role) {
        // SAFETY: a live SSL.
        unsafe {
            match role {
                Role::Client => sys::SSL_set_connect_state(self.as_ptr()),
                Role::Server => sys::SSL_set_accept_state(self.as_ptr()),
            }
        }
    }

    /// `SSL_set_bio(ssl, rbio, wbio)`: the connection reads the peer's bytes from `incoming`
    /// and writes its own to `outgoing` (each reference is handed over to the SSL).
    pub(crate) fn set_memory_bios(&self, incoming: MemBio, outgoing: MemBio) {
        // SAFETY: a live SSL with no BIOs yet; SSL_set_bio takes over one reference to each.
        unsafe { sys::SSL_set_bio(self.as_ptr(), incoming.into_raw(), outgoing.into_raw()) }
    }

    /// Makes certificate verification also check that the peer's certificate is valid for
    /// `host` (a DNS name, or an IP address literal matched against IP SANs), as Python 3.7+
    /// does (`X509_VERIFY_PARAM_set1_host`/`set1_ip` on the connection's parameters).
    pub(crate) fn set_verify_host(&self, host: &CStr) -> Result<(), OsslError> {
        // SAFETY: a live SSL; its parameters belong to it; the name/address is copied.
        let ok = unsafe {
            let param = sys::SSL_get0_param(self.as_ptr());
            match ip_literal_bytes(host) {
                Some(ip) => sys::X509_VERIFY_PARAM_set1_ip(param, ip.as_ptr(), ip.len()),
                None => {
                    sys::X509_VERIFY_PARAM_set1_host(param, host.as_ptr(), host.to_bytes().len())
                }
            }
        };
        (ok == 1).then_some(()).ok_or_else(OsslError::take)
    }

    /// TLS 1.3 post-handshake authentication (Python 3.8's `post_handshake_auth`): a client
    /// announces it will answer a certificate request after the handshake; a server that
    /// verifies clients may send one (`SSL_VERIFY_POST_HANDSHAKE`, set only together with
    /// `SSL_VERIFY_PEER`, as Python 3 does: OpenSSL does not ignore it otherwise).
    pub(crate) fn enable_post_handshake_auth(&self, role: Role) {
        // SAFETY: a live SSL; the verify callback read back is OpenSSL's (or NULL) and is set
        // again unchanged.
        unsafe {
            match role {
                Role::Client => SSL_set_post_handshake_auth(self.as_ptr(), 1),
                Role::Server => {
                    let mode = sys::SSL_get_verify_mode(self.as_ptr());
                    if mode & sys::SSL_VERIFY_PEER != 0 {
                        let callback = SSL_get_verify_callback(self.as_ptr());
                        set_verify_with_header_callback(
                            self.as_ptr(),
                            mode | sys::SSL_VERIFY_POST_HANDSHAKE,
                            callback,
                        );
                    }
                }
            }
        }
    }

    /// `SSL_verify_client_post_handshake`: queue a certificate request (sent by the next I/O).
    pub(crate) fn verify_client_post_handshake(&self) -> Result<(), OsslError> {
        // SAFETY: a live SSL.
        let ok = unsafe { SSL_verify_client_post_handshake(self.as_ptr()) } == 1;
        ok.then_some(()).ok_or_else(OsslError::take)
    }

    /// `SSL_get_verify_result`: `X509_V_OK` (0) or why verification failed.
    pub(crate) fn verify_result(&self) -> c_long {
        // SAFETY: a live SSL.
        unsafe { sys::SSL_get_verify_result(self.as_ptr()) }
    }

    /// The connection's current session (`SSL_get1_session`), None before there is one.
    pub(crate) fn session(&self) -> Option<Session> {
        // SAFETY: a live SSL.
        unsafe { Session::of_ssl(self.as_ptr()) }
    }

    /// `SSL_set_session`: try to resume `session` on the coming handshake.
    pub(crate) fn set_session(&self, session: &Session) -> Result<(), OsslError> {
        // SAFETY: a live SSL.
        unsafe { crate::ossl::session::set_on_ssl(self.as_ptr(), session) }
    }

    /// `SSL_is_init_finished`: a handshake has completed.
    pub(crate) fn is_init_finished(&self) -> bool {
        // SAFETY: a live SSL.
        unsafe { sys::SSL_is_init_finished(self.as_ptr()) != 0 }
    }

    /// Runs one OpenSSL I/O call and captures its outcome at once (errno first).
    fn io(&self, call: impl FnOnce(*mut sys::SSL) -> c_int) -> IoOutcome {
        self.io_counted(|s| {
            let ret = call(s);
            (ret, usize::try_from(ret).unwrap_or(0))
        })
    }

    /// `io` for calls that report the byte count separately (the `_ex` family).
    fn io_counted(&self, call: impl FnOnce(*mut sys::SSL) -> (c_int, usize)) -> IoOutcome {
        // A stale errno would otherwise be reported for an EOF (SYSCALL with ret -1).
        let ((ret, count), errno) = with_errno(|| call(self.as_ptr()));
        // SAFETY: a live SSL and the return value of the call just made on it.
        let ssl_error = unsafe { sys::SSL_get_error(self.as_ptr(), ret) };
        let queued = if ret > 0 {
            OsslError::default()
        } else {
            OsslError::take_io()
        };
        IoOutcome {
            ret,
            count,
            ssl_error: compat::ssl_error_code(ssl_error, queued.is_empty()),
            errno,
            queued,
        }
    }

    pub(crate) fn do_handshake(&self) -> IoOutcome {
        // SAFETY: a live SSL with an fd and a role.
        self.io(|s| unsafe { sys::SSL_do_handshake(s) })
    }

    /// `SSL_read` into `buf` (at most `c_int::MAX` bytes are asked for).
    pub(crate) fn read(&self, buf: &mut ReadBuf<'_>) -> IoOutcome {
        let len = c_int::try_from(buf.len()).unwrap_or(c_int::MAX);
        let ptr = buf.as_mut_ptr();
        // SAFETY: buf is valid for len writable bytes for the duration of the call.
        self.io(|s| unsafe { sys::SSL_read(s, ptr.cast(), len) })
    }

    /// `SSL_write` of `buf` (callers check the `c_int` limit first, as 2.7 does).
    pub(crate) fn write(&self, buf: &[u8]) -> IoOutcome {
        let len = c_int::try_from(buf.len()).unwrap_or(c_int::MAX);
        // SAFETY: buf is valid for len bytes for the duration of the call.
        self.io(|s| unsafe { sys::SSL_write(s, buf.as_ptr().cast(), len) })
    }

    /// `SSL_read_ex` (Python 3's call): any length; 1 and the count on success, 0 on failure.
    pub(crate) fn read_ex(&self, buf: &mut ReadBuf<'_>) -> IoOutcome {
        let mut count = 0usize;
        let (ptr, len) = (buf.as_mut_ptr(), buf.len());
        self.io_counted(|s| {
            // SAFETY: buf is valid for len writable bytes for the duration of the call;
            // count is a valid out-pointer.
            let ret = unsafe { sys::SSL_read_ex(s, ptr.cast(), len, &mut count) };
            (ret, count)
        })
    }

    /// `SSL_write_ex` (Python 3's call): an empty write succeeds with 0 once the handshake is
    /// done.
    pub(crate) fn write_ex(&self, buf: &[u8]) -> IoOutcome {
        let mut count = 0usize;
        self.io_counted(|s| {
            // SAFETY: buf is valid for its length for the duration of the call; count is a
            // valid out-pointer.
            let ret = unsafe { sys::SSL_write_ex(s, buf.as_ptr().cast(), buf.len(), &mut count) };
            (ret, count)
        })
    }

    pub(crate) fn shutdown(&self) -> IoOutcome {
        // SAFETY: a live SSL.
        self.io(|s| unsafe { sys::SSL_shutdown(s) })
    }

    /// `SSL_set_read_ahead(ssl, 0)`: after our close_notify, read no further than the peer's,
    /// so `unwrap()` leaves any plaintext that follows in the socket.
    pub(crate) fn disable_read_ahead(&self) {
        // SAFETY: a live SSL.
        unsafe { SSL_set_read_ahead(self.as_ptr(), 0) }
    }

    /// `SSL_pending`: decrypted bytes buffered for reading.
    pub(crate) fn pending(&self) -> c_int {
        // SAFETY: a live SSL.
        unsafe { sys::SSL_pending(self.as_ptr()) }
    }

    /// `SSL_get_shutdown() == SSL_RECEIVED_SHUTDOWN`: the peer's close_notify arrived (and we
    /// have not sent ours).
    pub(crate) fn received_shutdown_only(&self) -> bool {
        // SAFETY: a live SSL.
        unsafe { sys::SSL_get_shutdown(self.as_ptr()) == sys::SSL_RECEIVED_SHUTDOWN }
    }

    /// The peer's certificate (`SSL_get1_peer_certificate`: a new reference).
    pub(crate) fn peer_certificate(&self) -> Option<X509> {
        // SAFETY: a live SSL; returns NULL (no certificate) or a new reference we take over.
        unsafe { X509::from_owned_ptr(compat::get1_peer_certificate(self.as_ptr())) }.ok()
    }

    /// `SSL_CTX_get_verify_mode(SSL_get_SSL_CTX(ssl))`: the verify mode of the context the
    /// connection uses *now* (the SNI callback may have switched it).
    pub(crate) fn current_ctx_verify_mode(&self) -> c_int {
        // SAFETY: a live SSL always has a context.
        unsafe { sys::SSL_CTX_get_verify_mode(sys::SSL_get_SSL_CTX(self.as_ptr())) }
    }

    /// `SSL_set_SSL_CTX`: switches certificate and key (used from the SNI callback).
    pub(crate) fn set_ctx(&self, ctx: &SslCtx) -> bool {
        // SAFETY: both live; the SSL takes its own reference to the context.
        !unsafe { sys::SSL_set_SSL_CTX(self.as_ptr(), ctx.as_ptr()) }.is_null()
    }

    pub(crate) fn current_cipher(&self) -> Option<CipherInfo> {
        // SAFETY: a live SSL; returns NULL or a static cipher description.
        let c = unsafe { sys::SSL_get_current_cipher(self.as_ptr()) };
        (!c.is_null()).then(|| cipher_info(c))
    }

    /// The ciphers both sides offered, in our preference order (Python 3.5's
    /// `shared_ciphers()`); None when either list is unavailable (client side, before the
    /// handshake).
    pub(crate) fn shared_ciphers(&self) -> Option<Vec<CipherInfo>> {
        // SAFETY: a live SSL; both stacks belong to it and stay valid while we read them.
        unsafe {
            let ours = SSL_get_ciphers(self.as_ptr());
            let theirs = SSL_get_client_ciphers(self.as_ptr());
            if ours.is_null() || theirs.is_null() {
                return None;
            }
            let list = |st: *mut sys::stack_st_SSL_CIPHER| {
                let n = sys::OPENSSL_sk_num(st.cast());
                (0..n)
                    .map(|i| sys::OPENSSL_sk_value(st.cast(), i) as *const sys::SSL_CIPHER)
                    .collect::<Vec<_>>()
            };
            let client = list(theirs);
            Some(
                list(ours)
                    .into_iter()
                    .filter(|c| client.contains(c))
                    .map(cipher_info)
                    .collect(),
            )
        }
    }

    /// `SSL_get_version` ("TLSv1.3"...; "unknown" for none).
    pub(crate) fn version(&self) -> String {
        // SAFETY: a live SSL; static text.
        unsafe { crate::ossl::static_text(sys::SSL_get_version(self.as_ptr())) }.unwrap_or_default()
    }

    /// OpenSSL built without compression (`pep466_no_comp`, set by build.rs): never any.
    #[cfg(pep466_no_comp)]
    pub(crate) fn compression(&self) -> Option<String> {
        None
    }

    /// The short name of the compression method in use, if any.
    #[cfg(not(pep466_no_comp))]
    pub(crate) fn compression(&self) -> Option<String> {
        // SAFETY: a live SSL; NULL or a static method whose type is a NID.
        unsafe {
            let comp = sys::SSL_get_current_compression(self.as_ptr());
            if comp.is_null() {
                return None;
            }
            let nid = sys::COMP_get_type(comp.cast());
            if nid == sys::NID_undef {
                return None;
            }
            crate::ossl::static_text(sys::OBJ_nid2sn(nid))
        }
    }

    /// The ALPN protocol chosen, if any.
    pub(crate) fn alpn_selected(&self) -> Option<Vec<u8>> {
        self.protocol_selected(sys::SSL_get0_alpn_selected)
    }

    /// The NPN protocol negotiated, if any.
    pub(crate) fn npn_selected(&self) -> Option<Vec<u8>> {
        self.protocol_selected(sys::SSL_get0_next_proto_negotiated)
    }

    /// A copy of the protocol `get0` (one of the two queries above) reports, if any.
    fn protocol_selected(
        &self,
        get0: unsafe extern "C" fn(*const sys::SSL, *mut *const u8, *mut c_uint),
    ) -> Option<Vec<u8>> {
        let mut data: *const u8 = std::ptr::null();
        let mut len: c_uint = 0;
        // SAFETY: a live SSL; out-pointers valid; data points into the SSL for len bytes.
        unsafe {
            get0(self.as_ptr(), &mut data, &mut len);
            (!data.is_null()).then(|| std::slice::from_raw_parts(data, len as usize).to_vec())
        }
    }

    pub(crate) fn session_reused(&self) -> bool {
        // SAFETY: a live SSL.
        unsafe { sys::SSL_session_reused(self.as_ptr()) != 0 }
    }

    /// Our (`peer` false) or the peer's last Finished message; empty before the handshake.
    pub(crate) fn finished(&self, peer: bool) -> Vec<u8> {
        let mut buf = [0u8; FINISHED_MAX];
        // SAFETY: a live SSL; buf is valid for FINISHED_MAX bytes; the return value is the
        // full message length, of which at most FINISHED_MAX bytes were copied.
        let len = unsafe {
            if peer {
                sys::SSL_get_peer_finished(self.as_ptr(), buf.as_mut_ptr().cast(), buf.len())
            } else {
                sys::SSL_get_finished(self.as_ptr(), buf.as_mut_ptr().cast(), buf.len())
            }
        };
        buf[..len.min(FINISHED_MAX)].to_vec()
    }
}

/// OpenSSL's text for a certificate verification result (`X509_verify_cert_error_string`).
pub(crate) fn verify_error_text(code: c_long) -> String {
    // SAFETY: returns a static NUL-terminated string for every code.
    unsafe { crate::ossl::static_text(sys::X509_verify_cert_error_string(code)) }
        .unwrap_or_default()
}

fn cipher_info(c: *const sys::SSL_CIPHER) -> CipherInfo {
    // SAFETY: a live static cipher description.
    unsafe {
        CipherInfo {
            name: crate::ossl::static_text(sys::SSL_CIPHER_get_name(c)),
            version: crate::ossl::static_text(sys::SSL_CIPHER_get_version(c)),
            bits: sys::SSL_CIPHER_get_bits(c, std::ptr::null_mut()),
        }
    }
}

/// An `SSL` borrowed for the duration of a callback.
#[derive(Clone, Copy)]
pub(crate) struct SslRef<'a> {
    ptr: NonNull<sys::SSL>,
    _life: std::marker::PhantomData<&'a ()>,
}

impl<'a> SslRef<'a> {
    /// The SSL OpenSSL passed to a callback (None for NULL).
    ///
    /// # Safety
    /// `ptr` is NULL or an SSL that stays live for `'a` (the callback's duration).
    pub(crate) unsafe fn from_ptr(ptr: *const sys::SSL) -> Option<SslRef<'a>> {
        NonNull::new(ptr.cast_mut()).map(|ptr| SslRef {
            ptr,
            _life: std::marker::PhantomData,
        })
    }

    /// The raw SSL, for the callback kit's typed ex_data.
    pub(crate) fn as_ptr(&self) -> *mut sys::SSL {
        self.ptr.as_ptr()
    }

    /// The SNI host name the client sent, if any.
    pub(crate) fn servername(&self) -> Option<Vec<u8>> {
        // SAFETY: a live SSL; NULL or a NUL-terminated string owned by the SSL.
        unsafe {
            let p = sys::SSL_get_servername(self.ptr.as_ptr(), TLSEXT_NAMETYPE_HOST_NAME);
            (!p.is_null()).then(|| CStr::from_ptr(p).to_bytes().to_vec())
        }
    }
}

/// What a servername handler tells OpenSSL.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ServernameReply {
    /// Carry on with the handshake.
    Ok,
    /// Abort the handshake with this TLS alert number.
    Fatal(c_int),
}

/// Code run by OpenSSL's servername callback (its body runs in `py::callback::run`, which
/// stores a panic on the connection).
pub(crate) trait ServernameHandler {
    fn on_servername(ssl: SslRef<'_>) -> ServernameReply;
}

/// The C callback: one line into the handler, never unwinding into OpenSSL.
unsafe extern "C" fn servername_shell<H: ServernameHandler>(
    ssl: *mut sys::SSL,
    alert: *mut c_int,
    _arg: *mut c_void,
) -> c_int {
    // SAFETY: OpenSSL passes the live SSL of the handshake.
    let Some(ssl) = (unsafe { SslRef::from_ptr(ssl) }) else {
        return sys::SSL_TLSEXT_ERR_OK;
    };
    let internal = ServernameReply::Fatal(sys::SSL_AD_INTERNAL_ERROR);
    let reply =
        crate::py::callback::guard("servername", Some(ssl), internal, || H::on_servername(ssl));
    match reply {
        ServernameReply::Ok => sys::SSL_TLSEXT_ERR_OK,
        ServernameReply::Fatal(code) => {
            if !alert.is_null() {
                // SAFETY: OpenSSL passes a valid out-pointer for the alert.
                unsafe { *alert = code };
            }
            sys::SSL_TLSEXT_ERR_ALERT_FATAL
        }
    }
}

/// Installs `H` as the context's servername callback (it finds its connection through the
/// SSL's typed ex_data, so no argument pointer is given).
pub(crate) fn set_servername_callback<H: ServernameHandler>(ctx: &SslCtx) {
    // SAFETY: a live context; the shell has the callback's C signature.
    unsafe {
        sys::SSL_CTX_set_tlsext_servername_callback__fixed_rust(
            ctx.as_ptr(),
            Some(servername_shell::<H>),
        );
        sys::SSL_CTX_set_tlsext_servername_arg(ctx.as_ptr(), std::ptr::null_mut());
    }
}

/// Removes the context's servername callback.
pub(crate) fn clear_servername_callback(ctx: &SslCtx) {
    // SAFETY: a live context; NULL removes the callback.
    unsafe {
        sys::SSL_CTX_set_tlsext_servername_callback__fixed_rust(ctx.as_ptr(), None);
        sys::SSL_CTX_set_tlsext_servername_arg(ctx.as_ptr(), std::ptr::null_mut());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ip_literals_are_recognised() {
        crate::ossl::init();
        assert!(is_ip_literal(c"127.0.0.1"));
        assert!(is_ip_literal(c"::1"));
        assert!(is_ip_literal(c"2001:db8::1"));
        assert!(!is_ip_literal(c"localhost"));
        assert!(!is_ip_literal(c"www.python.org"));
        assert!(!is_ip_literal(c"1.2.3"));
    }
}
