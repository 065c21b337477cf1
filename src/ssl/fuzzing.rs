//! Entry points for the coverage-guided fuzz targets in `fuzz/` (feature `fuzzing`, off in
//! every shipped build): each runs one of the steps pep466 applies to untrusted bytes, the
//! same code the modules use, with no Python interpreter. `lib.rs` re-exports them as
//! `pep466::fuzzing`. A panic or a memory error here is a finding; ordinary failures (an
//! invalid certificate, a handshake alert) are the expected outcome of most inputs.

use crate::ossl::ctx::{Protocol, SslCtx};
use crate::ossl::digest::{DigestCtx, MessageDigest};
use crate::ossl::error::OsslError;
use crate::ossl::membio::MemBio;
use crate::ossl::protos::{is_wire_list, select_protocol};
use crate::ossl::readbuf::ReadBuf;
use crate::ossl::ssl::{IoOutcome, Role, Ssl};
use crate::ossl::x509::X509;
use crate::ossl::x509v3::GeneralName;
use crate::ssl::cert::{cert_fields, group_rdns, ip_text, rid_text, CertFields};
use crate::ssl::errors::{classify, format_message, SslFailure};
use std::ffi::{c_int, CString};

fn init() {
    crate::ossl::init();
}

/// One context per process for the targets that only configure it (a fuzz process runs one
/// input at a time).
fn shared_ctx() -> &'static SslCtx {
    static CTX: std::sync::OnceLock<SslCtx> = std::sync::OnceLock::new();
    CTX.get_or_init(|| SslCtx::new(Protocol::Tls).expect("SSL_CTX_new"))
}

/// Everything the dict step would format, computed from the fields (so the formatters run
/// over fuzzed data too); returns a number that depends on all of it.
fn consume(fields: &CertFields) -> usize {
    // Wrapping: fields hold anything a certificate can say (a version of -7 included).
    let mut n = fields.serial.len().wrapping_add(fields.version as usize);
    for name in [&fields.subject, &fields.issuer] {
        n = n.wrapping_add(group_rdns(name).len());
    }
    for r in [&fields.not_before, &fields.not_after] {
        n = n.wrapping_add(r.as_ref().map_or(1, Vec::len));
    }
    for name in fields.subject_alt_names.iter().flatten() {
        n = n.wrapping_add(match name {
            GeneralName::IpAddress(octets) => ip_text(octets).len(),
            GeneralName::RegisteredId(Ok(text)) => rid_text(text).len(),
            GeneralName::DirName(entries) => group_rdns(entries).len(),
            _ => 1,
        });
    }
    n.wrapping_add(fields.ocsp.len() + fields.ca_issuers.len())
        .wrapping_add(fields.crl_distribution_points.len())
}

/// DER bytes -> certificate fields (`_decode_certificate`'s first step, `getpeercert()`).
pub fn cert_der(data: &[u8]) -> usize {
    init();
    let n = match X509::from_der(data) {
        Ok(cert) => {
            let fields = cert_fields(&cert);
            // The DER of what OpenSSL decoded (`getpeercert(True)`).
            consume(&fields).wrapping_add(cert.to_der().map_or(0, |d| d.len()))
        }
        Err(_) => 0,
    };
    OsslError::take();
    n
}

/// PEM text -> certificate fields (`_test_decode_cert`'s path).
pub fn cert_pem(data: &[u8]) -> usize {
    init();
    let n = X509::from_pem(data).map_or(0, |cert| consume(&cert_fields(&cert)));
    OsslError::take();
    n
}

/// `load_verify_locations(cadata=...)` then `get_ca_certs()`: the first byte picks DER (odd)
/// or PEM (even), the rest is the data.
pub fn cadata(data: &[u8]) -> usize {
    init();
    let Some((&kind, data)) = data.split_first() else {
        return 0;
    };
    let ctx = shared_ctx();
    if ctx.reset_cert_store().is_err() {
        return 0;
    }
    let loaded = ctx.add_ca_certs(data, kind & 1 == 1).unwrap_or(0);
    let n = ctx
        .ca_certs()
        .iter()
        .fold(loaded, |n, c| n.wrapping_add(consume(&cert_fields(c))));
    OsslError::take();
    n
}

/// ALPN/NPN wire lists in both directions: the first byte splits the input into our list and
/// the peer's; the lists are stored on a context and read back (what `_set_alpn_protocols`
/// does), and selected as the server's ALPN callback and the client's NPN callback select.
pub fn protos(data: &[u8]) -> usize {
    init();
    let Some((&split, rest)) = data.split_first() else {
        return 0;
    };
    let (ours, peer) = rest.split_at(usize::from(split).min(rest.len()));
    let mut n = 0;
    let ctx = shared_ctx();
    if ctx.set_alpn_protocols(ours).is_ok() {
        assert_eq!(ctx.alpn_protocols(), ours);
    }
    ctx.set_npn_protocols(ours).expect("npn list");
    assert_eq!(ctx.npn_protocols(), ours);
    // OpenSSL checks lists a peer sends before a callback sees them; a malformed peer list
    // cannot reach the callbacks, so only well-formed ones are selected from.
    if is_wire_list(peer) && !peer.is_empty() {
        // Server ALPN: ours first, the client's second.
        let (r, chosen) = select_protocol(true, ours, peer);
        n += r as usize + chosen.map_or(0, |c| c.len());
    }
    if is_wire_list(peer) {
        // Client NPN: the server's (peer's) list first, ours second.
        let (r, chosen) = select_protocol(false, peer, ours);
        if let Some(c) = &chosen {
            assert!(!c.is_empty(), "NPN selected an empty protocol");
        }
        n += r as usize + chosen.map_or(0, |c| c.len());
    }
    OsslError::take();
    n
}

/// The error classifier: an `IoOutcome` made of fuzzed numbers (any packed error code,
/// looked up in OpenSSL's tables and ours) -> the exception and its message.
pub fn classifier(data: &[u8]) -> usize {
    init();
    let mut words = data
        .chunks(8)
        .map(|c| {
            let mut b = [0u8; 8];
            b[..c.len()].copy_from_slice(c);
            u64::from_le_bytes(b)
        })
        .chain(std::iter::repeat(0));
    let mut next = || words.next().unwrap_or(0);
    let (a, b, c, d) = (next(), next(), next(), next());
    let outcome = IoOutcome {
        ret: a as i32,
        count: 0,
        ssl_error: (a >> 32) as i32 % 16,
        errno: b as i32,
        queued: OsslError::from_code(c as std::ffi::c_ulong),
    };
    let queued = outcome.queued.clone();
    let failure = classify(outcome, (b >> 32) & 1 == 1, d as u32);
    let (text, lib, reason) = match &failure {
        SslFailure::Ssl {
            text, queued, line, ..
        } => format_message(*text, queued, *line),
        SslFailure::Socket { errno } => format_message(None, &queued, *errno as u32),
    };
    text.len() + lib.map_or(0, str::len) + reason.map_or(0, str::len)
}

/// Digest-name lookup (`hashlib.new(name)`, `pbkdf2_hmac(name, ...)`): any bytes as a name;
/// a name OpenSSL resolves must give a working digest of its stated size.
pub fn digest_name(data: &[u8]) -> usize {
    init();
    let Some(md) = MessageDigest::by_name_for(data, true) else {
        OsslError::take();
        return 0;
    };
    let n = match DigestCtx::new(md) {
        Ok(mut ctx) => {
            ctx.update(data).expect("update");
            let out = ctx.digest().expect("digest");
            // XOFs (shake*) report their default length.
            assert_eq!(out.as_slice().len(), ctx.digest_size());
            out.as_slice().len()
        }
        Err(_) => 0,
    };
    OsslError::take();
    n + md.size() + md.block_size()
}

/// A context for one side of the TLS targets: the test certificate and key (PEM, both in one
/// file) for a server; ALPN and NPN lists and no verification for either, so the peer's
/// bytes reach the certificate parser, the ALPN select callback and the NPN callbacks.
pub struct TlsSide {
    ctx: SslCtx,
    role: Role,
}

impl TlsSide {
    /// `cert_and_key`: PEM certificate and private key (servers only; clients pass None).
    pub fn new(server: bool, cert_and_key: Option<&[u8]>) -> TlsSide {
        init();
        let ctx = SslCtx::new(Protocol::Tls).expect("SSL_CTX_new");
        if let Some(pem) = cert_and_key {
            let path = std::env::temp_dir().join(format!("pep466-fuzz-{}.pem", std::process::id()));
            std::fs::write(&path, pem).expect("write the test certificate");
            let cpath = CString::new(path.to_string_lossy().into_owned()).expect("path");
            ctx.load_cert_chain(&cpath, &cpath, None)
                .expect("load the test certificate");
            let _ = std::fs::remove_file(&path);
        }
        // Lowest security level: old versions and weak parameters in fuzzed hellos are parsed
        // further instead of being refused at once.
        ctx.set_cipher_list(c"ALL:@SECLEVEL=0");
        ctx.set_alpn_protocols(b"\x02h2\x08http/1.1").expect("alpn");
        ctx.set_npn_protocols(b"\x08http/1.1\x06spdy/3")
            .expect("npn");
        OsslError::take();
        TlsSide {
            ctx,
            role: if server { Role::Server } else { Role::Client },
        }
    }

    /// One connection fed `peer` as everything the peer sends (then EOF): handshake, then
    /// read application data, then shut down, each outcome classified as `_ssl` would.
    /// Returns the number of bytes this side wrote.
    pub fn run(&self, peer: &[u8]) -> usize {
        let Ok(ssl) = Ssl::new(&self.ctx) else {
            return 0;
        };
        let (Ok(incoming), Ok(outgoing)) = (MemBio::new(), MemBio::new()) else {
            return 0;
        };
        ssl.set_memory_bios(incoming.clone(), outgoing.clone());
        ssl.set_role(self.role);
        ssl.set_python_modes();
        if self.role == Role::Client {
            let _ = ssl.set_host_name(c"fuzz.example");
        }
        let mut written = 0;
        let mut drain = |out: &MemBio| {
            let mut bytes = [0u8; 16384];
            let mut buf = ReadBuf::from_slice(&mut bytes);
            while let Ok(n) = out.read(&mut buf) {
                if n == 0 {
                    break;
                }
                written += n;
            }
        };
        // A client first writes its ClientHello; the peer's bytes are its answer.
        let first = ssl.do_handshake();
        note(&first);
        drain(&outgoing);
        let _ = incoming.write(peer);
        incoming.set_eof();
        let mut done = first.ret == 1;
        for _ in 0..8 {
            if done {
                break;
            }
            let o = ssl.do_handshake();
            note(&o);
            drain(&outgoing);
            done = o.ret == 1;
            if !o.wants_read() && !o.wants_write() {
                break;
            }
        }
        if done {
            let _ = (ssl.version(), ssl.current_cipher(), ssl.alpn_selected());
            let _ = (
                ssl.npn_selected(),
                ssl.peer_certificate().map(|c| cert_fields(&c)),
            );
            let mut bytes = [0u8; 4096];
            let mut buf = ReadBuf::from_slice(&mut bytes);
            for _ in 0..16 {
                let o = ssl.read(&mut buf);
                note(&o);
                if o.ret <= 0 {
                    break;
                }
            }
            let o = ssl.write(b"pep466");
            note(&o);
            let o = ssl.shutdown();
            note(&o);
            drain(&outgoing);
        }
        OsslError::take();
        written
    }
}

/// Classifies a failed call as the engine would (the classifier must accept every outcome
/// OpenSSL really produces).
fn note(o: &IoOutcome) {
    if o.ret > 0 {
        return;
    }
    let failure = classify(o.clone(), false, 0);
    if let SslFailure::Ssl {
        text, queued, line, ..
    } = &failure
    {
        let _ = format_message(*text, queued, *line);
    }
}

/// Used by the targets to keep results alive.
pub fn sink(n: usize) -> c_int {
    (n & 1) as c_int
}
