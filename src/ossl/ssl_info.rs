//! What a connection and a context can say about certificates chains, key-exchange groups and
//! signature algorithms (Python 3.13's chains, Python 3.15's groups and sigalgs), and the
//! setters of those lists. Which OpenSSL has which query is decided here, by the cfgs of
//! build.rs: a query the linked OpenSSL lacks returns `Unsupported` with the version it needs.

use crate::ossl::ctx::SslCtx;
use crate::ossl::error::OsslError;
use crate::ossl::ssl::Ssl;
use crate::ossl::x509::X509;
use openssl_sys as sys;
#[cfg(pep466_ossl300)]
use std::ffi::c_char;
use std::ffi::{c_int, CStr};

/// A query the linked OpenSSL cannot answer; the text names the version that can.
#[derive(Debug)]
pub(crate) struct Unsupported(pub(crate) &'static str);

#[cfg(all(pep466_ossl300, not(pep466_ossl320)))]
extern "C" {
    // OpenSSL 3.0: the name of a group given by NID.
    fn SSL_group_to_name(s: *mut sys::SSL, id: c_int) -> *const c_char;
}

#[cfg(pep466_ossl320)]
extern "C" {
    // OpenSSL 3.2 (declared here so no openssl-sys version cfg is needed).
    fn SSL_get0_group_name(s: *mut sys::SSL) -> *const c_char;
}

// OpenSSL 3.5's `SSL_CTX_get0_implemented_groups`, `SSL_get0_signature_name` and
// `SSL_get0_peer_signature_name` are macros over these ctrls of `ssl.h`.
#[cfg(pep466_ossl350)]
const SSL_CTRL_GET0_IMPLEMENTED_GROUPS: c_int = 139;
#[cfg(pep466_ossl350)]
const SSL_CTRL_GET_SIGNATURE_NAME: c_int = 140;
#[cfg(pep466_ossl350)]
const SSL_CTRL_GET_PEER_SIGNATURE_NAME: c_int = 141;

#[cfg(pep466_ossl340)]
extern "C" {
    fn SSL_get1_builtin_sigalgs(libctx: *mut sys::OSSL_LIB_CTX) -> *mut c_char;
}

/// `SSL_CTRL_GET_NEGOTIATED_GROUP` of `ssl.h` (the ctrl behind `SSL_get_negotiated_group`).
#[cfg(all(pep466_ossl300, not(pep466_ossl320)))]
const SSL_CTRL_GET_NEGOTIATED_GROUP: c_int = 134;

/// The certificates of a `STACK_OF(X509)` the connection owns, each with a reference of ours.
///
/// # Safety
/// `stack` is NULL or a live stack of certificates.
unsafe fn certs_of(stack: *mut sys::stack_st_X509) -> Option<Vec<X509>> {
    if stack.is_null() {
        return None;
    }
    // SAFETY: a live stack; each value is a live X509 that from_borrowed_ptr up-refs.
    unsafe {
        let n = sys::OPENSSL_sk_num(stack.cast());
        Some(
            (0..n)
                .filter_map(|i| {
                    X509::from_borrowed_ptr(sys::OPENSSL_sk_value(stack.cast(), i).cast())
                })
                .collect(),
        )
    }
}

impl Ssl {
    /// `SSL_get_peer_cert_chain`: the chain as the peer sent it (None before the handshake).
    /// On a server it lacks the client's own certificate (OpenSSL's rule).
    pub(crate) fn peer_cert_chain(&self) -> Option<Vec<X509>> {
        // SAFETY: a live SSL; the stack it returns is borrowed until the SSL changes.
        unsafe { certs_of(sys::SSL_get_peer_cert_chain(self.as_ptr())) }
    }

    /// `SSL_get0_verified_chain`: the chain verification built, leaf to anchor (the peer's
    /// chain when nothing was verified); None before the handshake.
    pub(crate) fn verified_chain(&self) -> Option<Vec<X509>> {
        // SAFETY: a live SSL; the stack is borrowed.
        unsafe { certs_of(sys::SSL_get0_verified_chain(self.as_ptr())) }
    }

    /// The key-exchange group of the handshake (`SSL_get0_group_name` on 3.2+,
    /// `SSL_get_negotiated_group` + `SSL_group_to_name` on 3.0 and 3.1: the same names).
    pub(crate) fn group_name(&self) -> Result<Option<String>, Unsupported> {
        // Both OpenSSL calls below read the session without checking it: on a connection
        // that has none yet (before the handshake) they dereference NULL (CPython
        // gh-155782). No session, no group.
        // SAFETY: a live SSL; the session is only compared with NULL.
        #[cfg(pep466_ossl300)]
        if unsafe { sys::SSL_get_session(self.as_ptr()) }.is_null() {
            return Ok(None);
        }
        #[cfg(pep466_ossl320)]
        {
            // SAFETY: a live SSL with a session; NULL or a static name.
            Ok(unsafe { crate::ossl::static_text(SSL_get0_group_name(self.as_ptr())) })
        }
        #[cfg(all(pep466_ossl300, not(pep466_ossl320)))]
        {
            // SAFETY: a live SSL with a session; the ctrl takes no pointer; the name is
            // static or NULL.
            unsafe {
                let nid = sys::SSL_ctrl(
                    self.as_ptr(),
                    SSL_CTRL_GET_NEGOTIATED_GROUP,
                    0,
                    std::ptr::null_mut(),
                );
                if nid <= 0 {
                    return Ok(None);
                }
                Ok(crate::ossl::static_text(SSL_group_to_name(
                    self.as_ptr(),
                    c_int::try_from(nid).unwrap_or(0),
                )))
            }
        }
        #[cfg(not(pep466_ossl300))]
        {
            Err(Unsupported(
                "Getting the selected group requires OpenSSL 3.0 or later.",
            ))
        }
    }

    /// The signature algorithm of this end's (`peer` false) or the peer's certificate
    /// signature in the handshake, by its IANA name (`SSL_get0_signature_name`, 3.5+).
    pub(crate) fn signature_name(&self, peer: bool) -> Result<Option<String>, Unsupported> {
        #[cfg(pep466_ossl350)]
        {
            let mut name: *const c_char = std::ptr::null();
            let ctrl = if peer {
                SSL_CTRL_GET_PEER_SIGNATURE_NAME
            } else {
                SSL_CTRL_GET_SIGNATURE_NAME
            };
            // SAFETY: a live SSL; the ctrl stores a borrowed static name (or nothing) through
            // the pointer it is given.
            let ok = unsafe {
                sys::SSL_ctrl(
                    self.as_ptr(),
                    ctrl,
                    0,
                    (&mut name as *mut *const c_char).cast(),
                )
            };
            if ok != 1 {
                OsslError::take();
                return Ok(None);
            }
            // SAFETY: set by OpenSSL to NULL or a static name.
            Ok(unsafe { crate::ossl::static_text(name) })
        }
        #[cfg(not(pep466_ossl350))]
        {
            let _ = peer;
            Err(Unsupported(
                "Getting the signature algorithm requires OpenSSL 3.5 or later.",
            ))
        }
    }
}

/// The outcome of a list setter: false when OpenSSL refused the list (the queue is cleared).
fn accepted(ret: std::ffi::c_long) -> bool {
    if ret == 1 {
        true
    } else {
        OsslError::take();
        false
    }
}

impl SslCtx {
    /// `SSL_CTX_set_ciphersuites`: the TLS 1.3 cipher suites.
    pub(crate) fn set_ciphersuites(&self, list: &CStr) -> bool {
        // SAFETY: a live context; OpenSSL copies the string.
        accepted(unsafe { sys::SSL_CTX_set_ciphersuites(self.as_ptr(), list.as_ptr()) }.into())
    }

    /// `SSL_CTX_set1_groups_list`: the key-exchange groups, in order of preference.
    pub(crate) fn set_groups_list(&self, list: &CStr) -> bool {
        // SAFETY: as above.
        accepted(unsafe { sys::SSL_CTX_set1_groups_list(self.as_ptr(), list.as_ptr()) } as _)
    }

    /// `SSL_CTX_set1_sigalgs_list` (`client` false) or `SSL_CTX_set1_client_sigalgs_list`.
    pub(crate) fn set_sigalgs_list(&self, list: &CStr, client: bool) -> bool {
        // `SSL_CTRL_SET_CLIENT_SIGALGS_LIST` of ssl.h (openssl-sys declares only the other).
        const SET_CLIENT_SIGALGS_LIST: c_int = 102;
        // SAFETY: as above; the ctrl copies the string.
        let ret = unsafe {
            if client {
                sys::SSL_CTX_ctrl(
                    self.as_ptr(),
                    SET_CLIENT_SIGALGS_LIST,
                    0,
                    list.as_ptr() as *mut std::ffi::c_void,
                )
            } else {
                sys::SSL_CTX_set1_sigalgs_list(self.as_ptr(), list.as_ptr())
            }
        };
        accepted(ret as _)
    }

    /// `SSL_CTX_get0_implemented_groups` (3.5+): the groups this context can use with its
    /// protocol versions; `aliases` adds the other names of each.
    pub(crate) fn implemented_groups(&self, aliases: bool) -> Result<Vec<String>, Unsupported> {
        #[cfg(pep466_ossl350)]
        {
            // SAFETY: a stack we own of strings OpenSSL owns; freed (not its items) below.
            unsafe {
                let names = sys::OPENSSL_sk_new_null();
                if names.is_null() {
                    OsslError::take();
                    return Ok(Vec::new());
                }
                let mut out = Vec::new();
                let found = sys::SSL_CTX_ctrl(
                    self.as_ptr(),
                    SSL_CTRL_GET0_IMPLEMENTED_GROUPS,
                    std::ffi::c_long::from(aliases),
                    names.cast(),
                );
                if found == 1 {
                    for i in 0..sys::OPENSSL_sk_num(names) {
                        if let Some(s) =
                            crate::ossl::static_text(sys::OPENSSL_sk_value(names, i).cast())
                        {
                            out.push(s);
                        }
                    }
                } else {
                    OsslError::take();
                }
                sys::OPENSSL_sk_free(names);
                Ok(out)
            }
        }
        #[cfg(not(pep466_ossl350))]
        {
            let _ = aliases;
            Err(Unsupported(
                "Getting implemented groups requires OpenSSL 3.5 or later.",
            ))
        }
    }
}

/// `SSL_get1_builtin_sigalgs` (3.4+): every signature algorithm name TLS can use here.
pub(crate) fn builtin_sigalgs() -> Result<Vec<String>, Unsupported> {
    #[cfg(pep466_ossl340)]
    {
        // SAFETY: the default library context (NULL); the string is ours to free.
        unsafe {
            let list = SSL_get1_builtin_sigalgs(std::ptr::null_mut());
            let text = crate::ossl::static_text(list).unwrap_or_default();
            if !list.is_null() {
                sys::OPENSSL_free(list.cast());
            } else {
                OsslError::take();
            }
            Ok(text
                .split(':')
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect())
        }
    }
    #[cfg(not(pep466_ossl340))]
    {
        Err(Unsupported(
            "Getting signature algorithms requires OpenSSL 3.4 or later.",
        ))
    }
}
