//! An owned `SSL_CTX` and the context-level OpenSSL calls `_ssl._SSLContext` makes: options,
//! verification settings, cipher lists, the certificate store, session statistics, curves and
//! the ALPN/NPN protocol lists (whose selection callbacks live in `ossl::protos`).
//!
//! Every method takes `&self`: OpenSSL's SSL_CTX is internally reference counted and the Python
//! side serialises configuration changes (the context's lock, `ssl::context::lock`).

use crate::ossl::error::OsslError;
use crate::ossl::owned::owned;
use crate::ossl::x509::X509;
use openssl_sys as sys;
use std::ffi::{c_char, c_int, c_long, c_uint, c_ulong, c_void, CStr};
use std::ptr::NonNull;

extern "C" {
    // X509_LOOKUP_TYPE, a C enum: unsigned int with GCC and Clang.
    fn X509_OBJECT_get_type(obj: *const sys::X509_OBJECT) -> c_uint;
    // const since OpenSSL 4.0.
    #[cfg(not(pep466_ossl400))]
    fn X509_check_ca(x: *mut sys::X509) -> c_int;
    #[cfg(pep466_ossl400)]
    fn X509_check_ca(x: *const sys::X509) -> c_int;
    fn X509_STORE_lock(store: *mut sys::X509_STORE) -> c_int;
    fn X509_STORE_unlock(store: *mut sys::X509_STORE) -> c_int;
    // const since OpenSSL 3.0.
    #[cfg(not(pep466_ossl300))]
    fn X509_STORE_get0_param(store: *mut sys::X509_STORE) -> *mut sys::X509_VERIFY_PARAM;
    #[cfg(pep466_ossl300)]
    fn X509_STORE_get0_param(store: *const sys::X509_STORE) -> *mut sys::X509_VERIFY_PARAM;
}

/// `X509_LU_X509` / `X509_LU_CRL` of `x509_vfy.h` (an enum there, stable across versions).
const X509_LU_X509: c_uint = 1;
const X509_LU_CRL: c_uint = 2;

/// `SSL_CTRL_SESS_*` of `ssl.h`: the `SSL_CTX_sess_*` macros are `SSL_CTX_ctrl` calls.
const SSL_CTRL_SESS_NUMBER: c_int = 20;
const SSL_CTRL_SET_GROUPS: c_int = 91;

/// `X509_V_FLAG_TRUSTED_FIRST`: 2.7.9+ sets it on every new context's store.
const X509_V_FLAG_TRUSTED_FIRST: c_ulong = 0x8000;

/// 2.7's protocol numbers (`PY_SSL_VERSION_*`) that this OpenSSL can make a context for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Protocol {
    /// `PROTOCOL_TLS` / `PROTOCOL_SSLv23` (2): any version both sides allow.
    Tls,
    /// `PROTOCOL_TLSv1` (3), `PROTOCOL_TLSv1_1` (4), `PROTOCOL_TLSv1_2` (5).
    TlsV1,
    TlsV1_1,
    TlsV1_2,
    /// Python 3.6's `PROTOCOL_TLS_CLIENT` (16) and `PROTOCOL_TLS_SERVER` (17): any version, one
    /// side only.
    TlsClient,
    TlsServer,
}

impl Protocol {
    /// The Python value → protocol; SSLv2/SSLv3 (0, 1) are compiled out of every OpenSSL we
    /// support, as in stock 2.7.18 on OpenSSL 3.
    pub(crate) fn from_python(value: c_int) -> Option<Protocol> {
        match value {
            2 => Some(Protocol::Tls),
            3 => Some(Protocol::TlsV1),
            4 => Some(Protocol::TlsV1_1),
            5 => Some(Protocol::TlsV1_2),
            16 => Some(Protocol::TlsClient),
            17 => Some(Protocol::TlsServer),
            _ => None,
        }
    }

    /// The inverse of `from_python` (the tests check the round trip).
    #[cfg(test)]
    pub(crate) fn to_python(self) -> c_int {
        match self {
            Protocol::Tls => 2,
            Protocol::TlsV1 => 3,
            Protocol::TlsV1_1 => 4,
            Protocol::TlsV1_2 => 5,
            Protocol::TlsClient => 16,
            Protocol::TlsServer => 17,
        }
    }

    /// Can the minimum and maximum version be changed (Python 3: the generic protocols only)?
    pub(crate) fn is_generic(self) -> bool {
        matches!(
            self,
            Protocol::Tls | Protocol::TlsClient | Protocol::TlsServer
        )
    }

    /// The single wire version a version-specific protocol pins (None: the generic one).
    /// OpenSSL 1.1+'s `TLSv1_method()` & co. are `TLS_method()` restricted to one version,
    /// which is what pinning min and max does, without the deprecated entry points.
    fn pinned_version(self) -> Option<c_int> {
        match self {
            Protocol::Tls | Protocol::TlsClient | Protocol::TlsServer => None,
            Protocol::TlsV1 => Some(sys::TLS1_VERSION),
            Protocol::TlsV1_1 => Some(sys::TLS1_1_VERSION),
            Protocol::TlsV1_2 => Some(sys::TLS1_2_VERSION),
        }
    }
}

/// What a failing load reports: OpenSSL's last error and the C `errno` seen right after the
/// call (2.7 raises `IOError(errno, ...)` when it is set).
#[derive(Debug)]
pub(crate) struct LoadFailure {
    pub(crate) errno: i32,
    pub(crate) error: OsslError,
}

/// Runs an OpenSSL call with `errno` cleared first and returns `(result, errno after)`.
pub(crate) fn with_errno<T>(f: impl FnOnce() -> T) -> (T, i32) {
    errno::set(0);
    let r = f();
    (r, errno::get())
}

/// Thread-local C `errno`, read and written through libc.
pub(crate) mod errno {
    pub(crate) fn get() -> i32 {
        std::io::Error::last_os_error().raw_os_error().unwrap_or(0)
    }

    #[cfg(any(target_os = "linux", target_os = "android"))]
    pub(crate) fn set(value: i32) {
        // SAFETY: __errno_location returns this thread's errno slot, valid for the thread.
        unsafe { *libc::__errno_location() = value }
    }

    #[cfg(any(target_os = "macos", target_os = "ios", target_os = "freebsd"))]
    pub(crate) fn set(value: i32) {
        // SAFETY: __error returns this thread's errno slot, valid for the thread.
        unsafe { *libc::__error() = value }
    }

    #[cfg(windows)]
    pub(crate) fn set(value: i32) {
        extern "C" {
            fn _set_errno(value: std::ffi::c_int) -> std::ffi::c_int;
        }
        // SAFETY: the CRT's documented setter of this thread's errno.
        unsafe { _set_errno(value) };
    }
}

/// Counts of the certificate store's objects (`cert_store_stats()`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct StoreStats {
    pub(crate) x509: c_int,
    pub(crate) crl: c_int,
    pub(crate) x509_ca: c_int,
}

/// The `session_stats()` keys in 2.7's order, and the `SSL_CTRL_SESS_*` offset of each
/// (`hits` is `SSL_CTRL_SESS_HIT`; `cb_hits`, offset 8, is not reported by 2.7).
pub(crate) const SESSION_STATS: [(&str, c_int); 11] = [
    ("number", 0),
    ("connect", 1),
    ("connect_good", 2),
    ("connect_renegotiate", 3),
    ("accept", 4),
    ("accept_good", 5),
    ("accept_renegotiate", 6),
    ("hits", 7),
    ("misses", 9),
    ("timeouts", 10),
    ("cache_full", 11),
];

owned! {
    /// An owned `SSL_CTX`. Dropping it releases our reference (SSL objects hold their own).
    pub(crate) struct SslCtx(sys::SSL_CTX);
    free = sys::SSL_CTX_free;
}

// SAFETY: SSL_CTX is reference counted with atomic counts and OpenSSL locks its shared caches;
// our callers serialise configuration changes (see the file doc), so the handle may move to and
// be used from any thread (the GIL is released around SSL_CTX_new and the loaders).
unsafe impl Send for SslCtx {}
// SAFETY: as above.
unsafe impl Sync for SslCtx {}

impl SslCtx {
    /// `SSL_CTX_new` for `protocol`, pinned to its version when it names one.
    pub(crate) fn new(protocol: Protocol) -> Result<SslCtx, OsslError> {
        // SAFETY: TLS_method returns a static method table; SSL_CTX_new returns NULL or a new
        // context we then own.
        let raw = unsafe {
            sys::SSL_CTX_new(match protocol {
                Protocol::TlsClient => sys::TLS_client_method(),
                Protocol::TlsServer => sys::TLS_server_method(),
                _ => sys::TLS_method(),
            })
        };
        let ctx = SslCtx(NonNull::new(raw).ok_or_else(OsslError::take)?);
        if let Some(version) = protocol.pinned_version() {
            // SAFETY: a live context; versions are the TLS1_*_VERSION constants.
            let ok = unsafe {
                sys::SSL_CTX_set_min_proto_version(ctx.as_ptr(), version as _) == 1
                    && sys::SSL_CTX_set_max_proto_version(ctx.as_ptr(), version as _) == 1
            };
            if !ok {
                return Err(OsslError::take());
            }
        }
        Ok(ctx)
    }

    pub(crate) fn options(&self) -> u64 {
        // SAFETY: a live context.
        unsafe { sys::SSL_CTX_get_options(self.as_ptr()) as u64 }
    }

    pub(crate) fn set_options(&self, bits: u64) {
        // SAFETY: a live context; any bit pattern is accepted.
        unsafe { sys::SSL_CTX_set_options(self.as_ptr(), bits as _) };
    }

    pub(crate) fn clear_options(&self, bits: u64) {
        // SAFETY: as above.
        unsafe { sys::SSL_CTX_clear_options(self.as_ptr(), bits as _) };
    }

    /// `SSL_CTX_get_min_proto_version` / `get_max_proto_version`: a wire version, or 0 for
    /// "no limit".
    pub(crate) fn proto_version(&self, maximum: bool) -> c_int {
        // SAFETY: a live context; SSL_CTX_ctrl with the GET_*_PROTO_VERSION commands only reads.
        let v = unsafe {
            sys::SSL_CTX_ctrl(
                self.as_ptr(),
                if maximum {
                    sys::SSL_CTRL_GET_MAX_PROTO_VERSION
                } else {
                    sys::SSL_CTRL_GET_MIN_PROTO_VERSION
                },
                0,
                std::ptr::null_mut(),
            )
        };
        c_int::try_from(v).unwrap_or(0)
    }

    /// `SSL_CTX_set_min_proto_version` / `set_max_proto_version` (0: no limit). False when
    /// OpenSSL refuses the version.
    pub(crate) fn set_proto_version(&self, maximum: bool, version: c_int) -> bool {
        // SAFETY: a live context; any value is checked by OpenSSL.
        unsafe {
            if maximum {
                sys::SSL_CTX_set_max_proto_version(self.as_ptr(), version as _) == 1
            } else {
                sys::SSL_CTX_set_min_proto_version(self.as_ptr(), version as _) == 1
            }
        }
    }

    /// `SSL_CTX_get_security_level` (0-5; from `@SECLEVEL=` or the configuration).
    pub(crate) fn security_level(&self) -> c_int {
        // SAFETY: a live context.
        unsafe { sys::SSL_CTX_get_security_level(self.as_ptr()) }
    }

    /// `SSL_CTX_get_verify_mode`: the `SSL_VERIFY_*` bits.
    pub(crate) fn verify_mode(&self) -> c_int {
        // SAFETY: a live context.
        unsafe { sys::SSL_CTX_get_verify_mode(self.as_ptr()) }
    }

    /// `SSL_CTX_set_verify(mode, NULL)`: no verify callback, as 2.7.
    pub(crate) fn set_verify_mode(&self, mode: c_int) {
        // SAFETY: a live context; NULL keeps OpenSSL's default verification callback.
        unsafe { sys::SSL_CTX_set_verify(self.as_ptr(), mode, None) }
    }

    fn verify_param(&self) -> *mut sys::X509_VERIFY_PARAM {
        // SAFETY: every context has a store, and every store a parameter block, owned by it.
        unsafe { X509_STORE_get0_param(sys::SSL_CTX_get_cert_store(self.as_ptr())) }
    }

    pub(crate) fn verify_flags(&self) -> c_ulong {
        // SAFETY: the store's live parameter block.
        unsafe { sys::X509_VERIFY_PARAM_get_flags(self.verify_param()) }
    }

    pub(crate) fn set_verify_flags(&self, bits: c_ulong) -> Result<(), OsslError> {
        // SAFETY: the store's live parameter block.
        let ok = unsafe { sys::X509_VERIFY_PARAM_set_flags(self.verify_param(), bits) } == 1;
        ok.then_some(()).ok_or_else(OsslError::take)
    }

    pub(crate) fn clear_verify_flags(&self, bits: c_ulong) -> Result<(), OsslError> {
        // SAFETY: as above.
        let ok = unsafe { sys::X509_VERIFY_PARAM_clear_flags(self.verify_param(), bits) } == 1;
        ok.then_some(()).ok_or_else(OsslError::take)
    }

    /// `SSL_CTX_set_cipher_list`; false when nothing matches (the queue is cleared).
    pub(crate) fn set_cipher_list(&self, list: &CStr) -> bool {
        // SAFETY: a live context and a NUL-terminated string, copied by OpenSSL.
        let ok = unsafe { sys::SSL_CTX_set_cipher_list(self.as_ptr(), list.as_ptr()) } == 1;
        if !ok {
            OsslError::take();
        }
        ok
    }

    /// `X509_VERIFY_PARAM_set_hostflags` on the context's verification parameters: how host
    /// names are matched when a connection asks OpenSSL to check one.
    pub(crate) fn set_host_flags(&self, flags: std::ffi::c_uint) {
        // SAFETY: a live context; its parameters belong to it.
        unsafe {
            sys::X509_VERIFY_PARAM_set_hostflags(sys::SSL_CTX_get0_param(self.as_ptr()), flags)
        }
    }

    /// `SSL_CTX_get_num_tickets`: TLS 1.3 session tickets a server sends after a handshake.
    pub(crate) fn num_tickets(&self) -> usize {
        // SAFETY: a live context.
        unsafe { sys::SSL_CTX_get_num_tickets(self.as_ptr()) }
    }

    /// `SSL_CTX_set_num_tickets`.
    pub(crate) fn set_num_tickets(&self, n: usize) -> bool {
        // SAFETY: a live context; any count is accepted or refused by OpenSSL.
        unsafe { sys::SSL_CTX_set_num_tickets(self.as_ptr(), n) == 1 }
    }

    /// `SSL_CTX_set_session_id_context` (at most 32 bytes, copied).
    pub(crate) fn set_session_id_context(&self, sid: &[u8]) -> bool {
        let len = sid.len().min(32) as std::ffi::c_uint;
        // SAFETY: a live context; sid is valid for len bytes and copied.
        unsafe { sys::SSL_CTX_set_session_id_context(self.as_ptr(), sid.as_ptr(), len) == 1 }
    }

    /// 2.7.9+'s `X509_V_FLAG_TRUSTED_FIRST` on the store of a new context.
    pub(crate) fn set_trusted_first(&self) {
        // SAFETY: the context's live store.
        unsafe {
            sys::X509_STORE_set_flags(
                sys::SSL_CTX_get_cert_store(self.as_ptr()),
                X509_V_FLAG_TRUSTED_FIRST,
            )
        };
    }

    pub(crate) fn set_default_verify_paths(&self) -> Result<(), OsslError> {
        // SAFETY: a live context.
        let ok = unsafe { sys::SSL_CTX_set_default_verify_paths(self.as_ptr()) } == 1;
        ok.then_some(()).ok_or_else(OsslError::take)
    }

    /// `SSL_CTX_load_verify_locations(cafile, capath)`; blocking file I/O (call it with the
    /// GIL released).
    pub(crate) fn load_verify_locations(
        &self,
        cafile: Option<&CStr>,
        capath: Option<&CStr>,
    ) -> Result<(), LoadFailure> {
        let ptr = |s: Option<&CStr>| s.map_or(std::ptr::null(), CStr::as_ptr);
        let (r, errno) = with_errno(|| {
            // SAFETY: a live context; NULL or NUL-terminated paths.
            unsafe { sys::SSL_CTX_load_verify_locations(self.as_ptr(), ptr(cafile), ptr(capath)) }
        });
        if r == 1 {
            return Ok(());
        }
        Err(LoadFailure {
            errno,
            error: OsslError::take(),
        })
    }

    /// Walks the store's objects: `f(kind, cert)` for each, with the certificate for X509
    /// entries. The store is locked meanwhile so a concurrent load cannot reallocate it.
    fn for_each_store_object(&self, mut f: impl FnMut(c_uint, Option<CertRef<'_>>)) {
        // SAFETY: the context's live store; X509_STORE_lock/unlock pair below.
        unsafe {
            let store = sys::SSL_CTX_get_cert_store(self.as_ptr());
            X509_STORE_lock(store);
            let objs = sys::X509_STORE_get0_objects(store);
            let n = sys::OPENSSL_sk_num(objs.cast());
            for i in 0..n {
                let obj = sys::OPENSSL_sk_value(objs.cast(), i).cast::<sys::X509_OBJECT>();
                let kind = X509_OBJECT_get_type(obj);
                let cert = if kind == X509_LU_X509 {
                    NonNull::new(sys::X509_OBJECT_get0_X509(obj)).map(|p| CertRef {
                        ptr: p,
                        _store: std::marker::PhantomData,
                    })
                } else {
                    None
                };
                f(kind, cert);
            }
            X509_STORE_unlock(store);
        }
    }

    /// `cert_store_stats()`.
    pub(crate) fn store_stats(&self) -> StoreStats {
        let mut stats = StoreStats::default();
        self.for_each_store_object(|kind, cert| match kind {
            X509_LU_X509 => {
                stats.x509 += 1;
                if cert.is_some_and(|c| c.is_ca()) {
                    stats.x509_ca += 1;
                }
            }
            X509_LU_CRL => stats.crl += 1,
            _ => {}
        });
        stats
    }

    /// The store's certificates that are a CA for any purpose (`get_ca_certs()`), in store
    /// order, each with its own reference.
    pub(crate) fn ca_certs(&self) -> Vec<X509> {
        let mut out = Vec::new();
        self.for_each_store_object(|_, cert| {
            if let Some(cert) = cert.filter(|c| c.is_ca()) {
                // SAFETY: a live certificate of the locked store; we take a reference.
                out.extend(unsafe { X509::from_borrowed_ptr(cert.ptr.as_ptr()) });
            }
        });
        out
    }

    /// Replaces the context's certificate store with an empty one (`SSL_CTX_set_cert_store`
    /// frees the old). For the fuzz targets, which reuse one context per process because
    /// `SSL_CTX_new` costs a millisecond on OpenSSL 3.
    #[cfg(feature = "fuzzing")]
    pub(crate) fn reset_cert_store(&self) -> Result<(), OsslError> {
        // SAFETY: X509_STORE_new returns a new store or NULL; the context takes ownership of
        // it and frees the one it had, which nothing else of ours holds.
        unsafe {
            let store = sys::X509_STORE_new();
            if store.is_null() {
                return Err(OsslError::take());
            }
            sys::SSL_CTX_set_cert_store(self.as_ptr(), store);
        }
        Ok(())
    }

    /// `SSL_CTX_sess_<name>()` for each of `SESSION_STATS`.
    pub(crate) fn session_stats(&self) -> [(&'static str, c_long); 11] {
        SESSION_STATS.map(|(name, offset)| {
            // SAFETY: a live context; SESS_* controls only read counters.
            let v = unsafe {
                sys::SSL_CTX_ctrl(
                    self.as_ptr(),
                    SSL_CTRL_SESS_NUMBER + offset,
                    0,
                    std::ptr::null_mut(),
                )
            };
            (name, v)
        })
    }

    /// `SSL_CTX_set1_groups` with one curve, the OpenSSL 1.1+/3 way of 2.7's
    /// `SSL_CTX_set_tmp_ecdh(EC_KEY_new_by_curve_name(nid))` (and it accepts X25519/X448).
    pub(crate) fn set_ecdh_curve(&self, nid: c_int) -> Result<(), OsslError> {
        let mut groups = [nid];
        // SAFETY: a live context; the array holds 1 int and is copied.
        let r = unsafe {
            sys::SSL_CTX_ctrl(
                self.as_ptr(),
                SSL_CTRL_SET_GROUPS,
                1,
                groups.as_mut_ptr().cast::<c_void>(),
            )
        };
        (r == 1).then_some(()).ok_or_else(OsslError::take)
    }
}

/// `OBJ_sn2nid`: 0 for unknown short names (and for names with NUL bytes).
pub(crate) fn short_name_to_nid(name: &[u8]) -> c_int {
    let Ok(cname) = std::ffi::CString::new(name) else {
        return 0;
    };
    // SAFETY: NUL-terminated name; returns a nid or NID_undef (0).
    unsafe { sys::OBJ_sn2nid(cname.as_ptr() as *const c_char) }
}

#[cfg(test)]
impl SslCtx {
    /// A `PROTOCOL_TLS` context for unit tests, OpenSSL initialised first.
    pub(crate) fn for_test() -> SslCtx {
        crate::ossl::init();
        SslCtx::new(Protocol::Tls).expect("context")
    }
}

/// A certificate borrowed from a locked store.
#[derive(Clone, Copy)]
struct CertRef<'a> {
    ptr: NonNull<sys::X509>,
    _store: std::marker::PhantomData<&'a ()>,
}

impl CertRef<'_> {
    fn is_ca(self) -> bool {
        // SAFETY: a live certificate (X509_check_ca caches extensions, which OpenSSL guards).
        unsafe { X509_check_ca(self.ptr.as_ptr()) != 0 }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn protocols_round_trip() {
        for v in [2, 3, 4, 5] {
            assert_eq!(Protocol::from_python(v).map(Protocol::to_python), Some(v));
        }
        for v in [-1, 0, 1, 6, 42] {
            assert_eq!(Protocol::from_python(v), None);
        }
    }

    #[test]
    fn new_context_has_empty_store_and_stats() {
        let ctx = SslCtx::for_test();
        assert_eq!(ctx.store_stats(), StoreStats::default());
        assert!(ctx.session_stats().iter().all(|&(_, v)| v == 0));
        assert!(ctx.ca_certs().is_empty());
        assert!(!ctx.set_cipher_list(c"xyzzy"));
        assert!(ctx.set_cipher_list(c"HIGH"));
    }

    #[test]
    fn curve_names() {
        crate::ossl::init();
        assert_eq!(short_name_to_nid(b"foo"), 0);
        assert_eq!(short_name_to_nid(b"a\0b"), 0);
        let nid = short_name_to_nid(b"prime256v1");
        assert_ne!(nid, 0);
        let ctx = SslCtx::for_test();
        assert!(ctx.set_ecdh_curve(nid).is_ok());
    }
}
