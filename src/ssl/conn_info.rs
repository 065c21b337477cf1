//! `_ssl._SSLSocket` queries newer than 2.7: the certificate chains (Python 3.13's
//! `get_verified_chain()`/`get_unverified_chain()`) and the key-exchange group and signature
//! algorithms of the handshake (Python 3.15's `group()`, `client_sigalg()`,
//! `server_sigalg()`). The OpenSSL side is `ossl/ssl_info.rs`.

use crate::ossl::ssl::Role;
use crate::ossl::ssl_info::Unsupported;
use crate::ossl::x509::X509;
use crate::py::err::Builtin;
use crate::py::typeobj::Slf;
use crate::py::{value, Owned, PyErr, PyResult, Python};
use crate::ssl::connection::Connection;
use crate::ssl::errors::{lines, ssl_error_from_queue};

/// A chain as a list of DER certificates (Python 3's `ssl.py` turns its `_ssl.Certificate`
/// objects into the same list of bytes), or None when OpenSSL has none.
fn der_list(chain: Option<Vec<X509>>) -> PyResult<Owned> {
    let Some(chain) = chain else {
        return Ok(value::none());
    };
    let items = chain
        .iter()
        .map(|c| {
            let der = c
                .to_der()
                .map_err(|e| ssl_error_from_queue(&e, lines::CERT_CHAIN))?;
            value::bytes(&der)
        })
        .collect::<PyResult<Vec<_>>>()?;
    value::list(items)
}

/// Python: `_ssl._SSLSocket.get_verified_chain()` (3.10 private, 3.13 public through ssl.py)
pub(crate) fn get_verified_chain(py: Python<'_>, slf: Slf<'_, Connection>) -> PyResult<Owned> {
    der_list(slf.with_ssl(py, |ssl| ssl.verified_chain()))
}

/// Python: `_ssl._SSLSocket.get_unverified_chain()`: the chain the peer sent. OpenSSL leaves
/// the client's own certificate out of a server's view of it; Python 3 puts it first, and so
/// do we (a client that sent none gives an empty list: Python 3.13 fails there with an
/// `AttributeError` on None, docs/COMPATIBILITY.md).
pub(crate) fn get_unverified_chain(py: Python<'_>, slf: Slf<'_, Connection>) -> PyResult<Owned> {
    let chain = slf.with_ssl(py, |ssl| {
        let mut chain = ssl.peer_cert_chain()?;
        if slf.role == Role::Server {
            if let Some(leaf) = ssl.peer_certificate() {
                chain.insert(0, leaf);
            }
        }
        Some(chain)
    });
    der_list(chain)
}

fn text_or_none(r: Result<Option<String>, Unsupported>) -> PyResult<Owned> {
    match r {
        Ok(Some(name)) => value::unicode_from_utf8(name.as_bytes(), c"strict"),
        Ok(None) => Ok(value::none()),
        Err(Unsupported(msg)) => Err(PyErr::new(Builtin::NotImplementedError, msg)),
    }
}

/// Python: `_ssl._SSLSocket.group()` (3.15): the key-exchange group, or None.
pub(crate) fn group(py: Python<'_>, slf: Slf<'_, Connection>) -> PyResult<Owned> {
    text_or_none(slf.with_ssl(py, |ssl| ssl.group_name()))
}

/// Python: `_ssl._SSLSocket.client_sigalg()` (3.15): the signature algorithm of the client's
/// certificate authentication, or None.
pub(crate) fn client_sigalg(py: Python<'_>, slf: Slf<'_, Connection>) -> PyResult<Owned> {
    let peer = slf.role == Role::Server;
    text_or_none(slf.with_ssl(py, |ssl| ssl.signature_name(peer)))
}

/// Python: `_ssl._SSLSocket.server_sigalg()` (3.15): the signature algorithm the server
/// completed the handshake with, or None.
pub(crate) fn server_sigalg(py: Python<'_>, slf: Slf<'_, Connection>) -> PyResult<Owned> {
    let peer = slf.role == Role::Client;
    text_or_none(slf.with_ssl(py, |ssl| ssl.signature_name(peer)))
}
