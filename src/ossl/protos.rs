//! ALPN and NPN protocol lists of a context and OpenSSL's selection callbacks.
//!
//! The lists (in wire format: `<len><bytes>` repeated) live in the `SSL_CTX`'s ex_data, freed
//! with the context by OpenSSL, so a callback can never see a freed list even when the Python
//! context object is gone and an SSL still holds the `SSL_CTX`. The callbacks hand OpenSSL
//! pointers into a copy kept in the `SSL`'s own ex_data (freed with the SSL): OpenSSL copies
//! the selected protocol after the callback returns, and a concurrent `_set_alpn_protocols`
//! on the context then cannot free what the pointer refers to.

use crate::ossl::ctx::SslCtx;
use crate::ossl::exdata::Slot;
use openssl_sys as sys;
use std::ffi::{c_int, c_uchar, c_uint, c_void};
use std::sync::Mutex;

type NpnSelectCb = extern "C" fn(
    *mut sys::SSL,
    *mut *mut c_uchar,
    *mut c_uchar,
    *const c_uchar,
    c_uint,
    *mut c_void,
) -> c_int;

extern "C" {
    // openssl-sys declares the callback non-nullable; OpenSSL accepts NULL (no NPN select).
    #[link_name = "SSL_CTX_set_next_proto_select_cb"]
    #[allow(clashing_extern_declarations)]
    fn clear_next_proto_select_cb(
        ctx: *mut sys::SSL_CTX,
        cb: Option<NpnSelectCb>,
        arg: *mut c_void,
    );
}

/// NPN is built into every OpenSSL 1.1.1/3.x we link unless configured out.
pub(crate) const HAS_NPN: bool = true;

/// The two lists of one context.
#[derive(Default)]
struct Lists {
    alpn: Mutex<Vec<u8>>,
    npn: Mutex<Vec<u8>>,
}

impl Lists {
    fn of(&self, npn: bool) -> &Mutex<Vec<u8>> {
        if npn {
            &self.npn
        } else {
            &self.alpn
        }
    }
}

/// Each context's lists, created on first use. Only `SslCtx` methods create them (with the
/// context's configuration lock held by the caller), callbacks only read.
static LISTS: Slot<sys::SSL_CTX, Lists> = Slot::new();

/// Each connection's copy of the list its last selection callback handed to OpenSSL.
static SCRATCH: Slot<sys::SSL, Mutex<Vec<u8>>> = Slot::new();

/// Stores a copy of `data` on `ssl` (replacing an earlier one) and returns a view of it that
/// stays valid while the SSL lives or until the next call. None when the slot is unavailable.
///
/// # Safety
/// `ssl` is a live SSL, used by this thread (OpenSSL runs callbacks on the handshaking
/// thread, and only the callbacks of this SSL's handshake store here), and the slice is not
/// used after the next call for the same SSL.
unsafe fn keep_on_ssl<'a>(ssl: *mut sys::SSL, data: Vec<u8>) -> Option<&'a [u8]> {
    // SAFETY: the caller's contract.
    let cell = unsafe { SCRATCH.get_or_init(ssl, Mutex::default) }?;
    let mut kept = cell.lock().unwrap_or_else(|e| e.into_inner());
    *kept = data;
    // SAFETY: the vector's buffer is replaced only by the next call (the caller's contract)
    // and freed with the SSL.
    Some(unsafe { std::slice::from_raw_parts(kept.as_ptr(), kept.len()) })
}

/// Copy of one of the lists of the context `ssl` currently uses.
///
/// # Safety
/// `ssl` is a live SSL.
unsafe fn current_list(ssl: *mut sys::SSL, npn: bool) -> Vec<u8> {
    // SAFETY: the caller's contract; an SSL always has a context.
    let lists = unsafe { LISTS.get(sys::SSL_get_SSL_CTX(ssl)) };
    lists
        .map(|l| l.of(npn).lock().unwrap_or_else(|e| e.into_inner()).clone())
        .unwrap_or_default()
}

/// Whether `list` is a well-formed protocol list: `<len><bytes>` entries, each `len` > 0, the
/// last one ending exactly at the end (an empty list is well-formed).
pub(crate) fn is_wire_list(list: &[u8]) -> bool {
    let mut rest = list;
    while let Some((&len, tail)) = rest.split_first() {
        if len == 0 || tail.len() < usize::from(len) {
            return false;
        }
        rest = &tail[usize::from(len)..];
    }
    true
}

/// 2.7's `do_protocol_selection`: `SSL_select_next_proto(server, client)`; for ALPN no overlap
/// means "no ALPN" (NOACK), for NPN the client falls back to its first protocol.
///
/// `SSL_select_next_proto` trusts both lists: with an empty `client` list (NPN: ours, set by
/// `set_npn_protocols([])`) OpenSSL before 3.0.15/3.1.7/3.2.3/3.3.2 (and 1.1.1 without a
/// premium patch) reads the length byte past its end and can send up to 255 bytes of memory
/// to the peer (CVE-2024-5535, in CPython CVE-2024-5642); a malformed list of ours
/// (`_set_alpn_protocols(b"\xff")`) over-reads the same way. Lists the peer sent were checked
/// by OpenSSL. So our side is checked here, on every OpenSSL: `client` must be a non-empty
/// well-formed list and `server` a well-formed one, else no protocol is selected (ALPN: NOACK;
/// NPN: the handshake fails, as a fixed OpenSSL fails it).
///
/// # Safety
/// `out`/`outlen` are OpenSSL's output slots; `server` and `client` outlive OpenSSL's copy.
unsafe fn select(
    alpn: bool,
    out: *mut *mut c_uchar,
    outlen: *mut c_uchar,
    server: &[u8],
    client: &[u8],
) -> c_int {
    let (Ok(server_len), Ok(client_len)) = (
        c_uint::try_from(server.len()),
        c_uint::try_from(client.len()),
    ) else {
        return no_selection(alpn);
    };
    if client.is_empty() || !is_wire_list(client) || !is_wire_list(server) {
        return no_selection(alpn);
    }
    // SAFETY: the caller's contract; lengths are those of the slices, both lists well-formed
    // and the client list non-empty (the function's unchecked preconditions).
    let r = unsafe {
        sys::SSL_select_next_proto(
            out,
            outlen,
            server.as_ptr(),
            server_len,
            client.as_ptr(),
            client_len,
        )
    };
    if alpn && r != sys::OPENSSL_NPN_NEGOTIATED {
        return sys::SSL_TLSEXT_ERR_NOACK;
    }
    sys::SSL_TLSEXT_ERR_OK
}

fn no_selection(alpn: bool) -> c_int {
    if alpn {
        sys::SSL_TLSEXT_ERR_NOACK
    } else {
        sys::SSL_TLSEXT_ERR_ALERT_FATAL
    }
}

/// What the ALPN (`alpn`) or NPN selection callback answers for these lists: the callback's
/// return value and the protocol it selected (copied). The callbacks' own logic, callable
/// without a handshake (unit tests, `fuzz/fuzz_targets/protos.rs`).
#[cfg(any(test, feature = "fuzzing"))]
pub(crate) fn select_protocol(
    alpn: bool,
    server: &[u8],
    client: &[u8],
) -> (c_int, Option<Vec<u8>>) {
    let mut out: *mut c_uchar = std::ptr::null_mut();
    let mut outlen: c_uchar = 0;
    // SAFETY: the output slots are locals; both slices live until the copy below.
    let r = unsafe { select(alpn, &mut out, &mut outlen, server, client) };
    if r != sys::SSL_TLSEXT_ERR_OK || out.is_null() {
        return (r, None);
    }
    // SAFETY: OpenSSL points `out` at `outlen` bytes inside `server` or `client`, both alive.
    let chosen = unsafe { std::slice::from_raw_parts(out, usize::from(outlen)) }.to_vec();
    (r, Some(chosen))
}

/// The protocol list OpenSSL received from the peer (wire format), or an empty one.
///
/// # Safety
/// `inbuf` is NULL or valid for `inlen` bytes for `'a`.
unsafe fn peer_list<'a>(inbuf: *const c_uchar, inlen: c_uint) -> &'a [u8] {
    if inbuf.is_null() {
        return &[];
    }
    // SAFETY: the caller's contract.
    unsafe { std::slice::from_raw_parts(inbuf, inlen as usize) }
}

/// Both selection callbacks: server side ALPN (`NPN` false; the first protocol of our list the
/// client also offered) and client side NPN (`NPN` true; the first server protocol we support,
/// else our first). `Out` is the output slot's pointer type as OpenSSL declares each callback
/// (`const` for ALPN). Our list, kept on the SSL, goes to `select` as the server's list for
/// ALPN (we are the server) and as the client's for NPN (we are the client); anything that
/// fails is no selection.
extern "C" fn select_cb<const NPN: bool, Out>(
    ssl: *mut sys::SSL,
    out: *mut Out,
    outlen: *mut c_uchar,
    inbuf: *const c_uchar,
    inlen: c_uint,
    _arg: *mut c_void,
) -> c_int {
    let (name, alpn) = if NPN {
        ("npn_select", false)
    } else {
        ("alpn_select", true)
    };
    // SAFETY: OpenSSL passes the live SSL of the handshake.
    let owner = unsafe { crate::ossl::ssl::SslRef::from_ptr(ssl) };
    crate::py::callback::guard(name, owner, no_selection(alpn), || {
        // SAFETY: OpenSSL passes a live SSL in handshake, its output slots and the peer's list
        // (inlen bytes); our copy lives on the SSL until OpenSSL has copied the selection.
        unsafe {
            let peer = peer_list(inbuf, inlen);
            let Some(ours) = keep_on_ssl(ssl, current_list(ssl, NPN)) else {
                return no_selection(alpn);
            };
            let out = out.cast::<*mut c_uchar>();
            if alpn {
                select(alpn, out, outlen, ours, peer)
            } else {
                select(alpn, out, outlen, peer, ours)
            }
        }
    })
}

/// Server side NPN: advertise our list.
extern "C" fn npn_advertise_cb(
    ssl: *mut sys::SSL,
    out: *mut *const c_uchar,
    outlen: *mut c_uint,
    _arg: *mut c_void,
) -> c_int {
    // SAFETY: OpenSSL passes the live SSL of the handshake.
    let owner = unsafe { crate::ossl::ssl::SslRef::from_ptr(ssl) };
    crate::py::callback::guard("npn_advertise", owner, sys::SSL_TLSEXT_ERR_OK, || {
        // SAFETY: OpenSSL passes a live SSL and output slots; the copy lives on the SSL.
        let (ptr, len) = match unsafe { keep_on_ssl(ssl, current_list(ssl, true)) } {
            Some(list) => (list.as_ptr(), list.len()),
            None => (c"".as_ptr().cast(), 0),
        };
        // SAFETY: OpenSSL's output slots.
        unsafe {
            *out = ptr;
            *outlen = len as c_uint;
        }
        sys::SSL_TLSEXT_ERR_OK
    })
}

/// Why setting a list failed: 2.7 raises MemoryError for both.
#[derive(Debug)]
pub(crate) struct ProtosError;

impl SslCtx {
    /// `_set_alpn_protocols`: our client offer (`SSL_CTX_set_alpn_protos`) and the server's
    /// preference list for the select callback.
    pub(crate) fn set_alpn_protocols(&self, wire: &[u8]) -> Result<(), ProtosError> {
        let len = c_uint::try_from(wire.len()).map_err(|_| ProtosError)?;
        // SAFETY: a live context; the list is copied by OpenSSL; the callback ignores its arg.
        unsafe {
            let lists = LISTS
                .get_or_init(self.as_ptr(), Lists::default)
                .ok_or(ProtosError)?;
            *lists.alpn.lock().unwrap_or_else(|e| e.into_inner()) = wire.to_vec();
            if sys::SSL_CTX_set_alpn_protos(self.as_ptr(), wire.as_ptr(), len) != 0 {
                crate::ossl::error::OsslError::take();
                return Err(ProtosError);
            }
            sys::SSL_CTX_set_alpn_select_cb__fixed_rust(
                self.as_ptr(),
                Some(select_cb::<false, *const c_uchar>),
                std::ptr::null_mut(),
            );
        }
        Ok(())
    }

    /// `_set_npn_protocols`: both the server advertisement and the client selection, since a
    /// context can make sockets of either side. An empty list clears the client selection
    /// callback: a client with no protocols does not offer NPN at all (2.7.18 offered it and
    /// then had OpenSSL read past the empty list: CVE-2024-5642).
    pub(crate) fn set_npn_protocols(&self, wire: &[u8]) -> Result<(), ProtosError> {
        // SAFETY: a live context; the callbacks ignore their arg; a NULL select callback is
        // OpenSSL's "no NPN on the client side".
        unsafe {
            let lists = LISTS
                .get_or_init(self.as_ptr(), Lists::default)
                .ok_or(ProtosError)?;
            *lists.npn.lock().unwrap_or_else(|e| e.into_inner()) = wire.to_vec();
            sys::SSL_CTX_set_next_protos_advertised_cb(
                self.as_ptr(),
                npn_advertise_cb,
                std::ptr::null_mut(),
            );
            if wire.is_empty() {
                clear_next_proto_select_cb(self.as_ptr(), None, std::ptr::null_mut());
            } else {
                sys::SSL_CTX_set_next_proto_select_cb(
                    self.as_ptr(),
                    select_cb::<true, *mut c_uchar>,
                    std::ptr::null_mut(),
                );
            }
        }
        Ok(())
    }

    /// The list last given to `_set_alpn_protocols` (empty if none; for the tests
    /// and the fuzz harness).
    #[cfg(any(test, feature = "fuzzing"))]
    pub(crate) fn alpn_protocols(&self) -> Vec<u8> {
        self.protocols(false)
    }

    /// The list last given to `_set_npn_protocols` (empty if none; for the tests
    /// and the fuzz harness).
    #[cfg(any(test, feature = "fuzzing"))]
    pub(crate) fn npn_protocols(&self) -> Vec<u8> {
        self.protocols(true)
    }

    #[cfg(any(test, feature = "fuzzing"))]
    fn protocols(&self, npn: bool) -> Vec<u8> {
        // SAFETY: a live context.
        unsafe { LISTS.get(self.as_ptr()) }
            .map(|l| l.of(npn).lock().unwrap_or_else(|e| e.into_inner()).clone())
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use crate::ossl::ctx::SslCtx;

    #[test]
    fn lists_are_stored_per_context() {
        let (a, b) = (SslCtx::for_test(), SslCtx::for_test());
        assert!(a.alpn_protocols().is_empty());
        a.set_alpn_protocols(b"\x02h2\x08http/1.1").expect("alpn");
        a.set_npn_protocols(b"\x06spdy/2").expect("npn");
        assert_eq!(a.alpn_protocols(), b"\x02h2\x08http/1.1");
        assert_eq!(a.npn_protocols(), b"\x06spdy/2");
        assert!(b.alpn_protocols().is_empty());
        a.set_alpn_protocols(b"").expect("clear");
        assert!(a.alpn_protocols().is_empty());
    }

    #[test]
    fn wire_lists() {
        use crate::ossl::protos::is_wire_list;
        assert!(is_wire_list(b""));
        assert!(is_wire_list(b"\x02h2\x08http/1.1"));
        assert!(!is_wire_list(b"\x00"));
        assert!(!is_wire_list(b"\x02h"));
        assert!(!is_wire_list(b"\x02h2\xff"));
    }

    /// CVE-2024-5642 / CVE-2024-5535: an empty or malformed list of ours never reaches
    /// `SSL_select_next_proto`. Checked by removing the guard in `select`: on OpenSSL 3.0.19
    /// the NPN cases then return SSL_TLSEXT_ERR_OK (no overlap, nothing selected) and this
    /// test fails; on 1.1.1w they read past the list.
    #[test]
    fn selection_never_trusts_our_lists() {
        use crate::ossl::protos::select_protocol;
        use openssl_sys as sys;
        let peer: &[u8] = b"\x02h2\x08http/1.1";
        let (ok, noack, fatal) = (
            sys::SSL_TLSEXT_ERR_OK,
            sys::SSL_TLSEXT_ERR_NOACK,
            sys::SSL_TLSEXT_ERR_ALERT_FATAL,
        );
        // (ALPN?, the server's list, the client's list, the answer): ALPN's server and NPN's
        // client are us.
        let cases: [(bool, &[u8], &[u8], _); 7] = [
            // NPN client: an empty or malformed list of ours.
            (false, peer, b"", (fatal, None)),
            (false, peer, b"\x05", (fatal, None)),
            // ALPN server: a malformed list of ours, an overlap, none.
            (true, b"\xff", peer, (noack, None)),
            (
                true,
                b"\x08http/1.1",
                peer,
                (ok, Some(b"http/1.1".to_vec())),
            ),
            (true, b"\x03foo", peer, (noack, None)),
            // NPN: no overlap falls back to the client's first.
            (false, b"\x03foo", peer, (ok, Some(b"h2".to_vec()))),
            // An empty server list (NPN's edge case) is allowed.
            (false, b"", peer, (ok, Some(b"h2".to_vec()))),
        ];
        for (alpn, server, client, answer) in cases {
            assert_eq!(
                select_protocol(alpn, server, client),
                answer,
                "{alpn} {server:?} {client:?}"
            );
        }
    }
}
