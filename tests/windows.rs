//! Windows-only tests of what `_ssl.enum_certificates` / `_ssl.enum_crls` return, below the
//! Python layer (there is no Windows Python here), of a TLS handshake whose trust comes from
//! them, and of `pep466_urandom`'s draw: `scripts/windows.sh` builds this file for
//! x86_64-pc-windows-gnu and runs it under Wine, whose system ROOT store holds the host's CA
//! certificates. On other targets the file is empty.
//!
//! The module under test is compiled into this binary from its source file rather than taken
//! from the `pep466` library: anything linked from the library pulls in its Python-facing code,
//! whose imports from python27.dll would stop the binary from loading where there is no Python.
#![cfg(windows)]

#[path = "../src/win/certstore.rs"]
#[allow(dead_code)]
mod certstore;

#[path = "../src/urandom/portable.rs"]
mod portable;

use certstore::{enum_certificates, enum_crls, Encoding, Store, StoreCert, Trust, WinError};
use openssl::ssl::{HandshakeError, SslAcceptor, SslConnector, SslFiletype, SslMethod};
use openssl::x509::store::{X509Store, X509StoreBuilder};
use openssl::x509::X509;
use std::ffi::CStr;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};

const CA: &[u8] = include_bytes!("windows/ca.der");
const EKU_LEAF: &[u8] = include_bytes!("windows/eku.der");
const CRL: &[u8] = include_bytes!("windows/crl.der");
const TLS_CA: &[u8] = include_bytes!("windows/tls-ca.der");
const TLS_SERVER_CERT: &str = "tests/windows/tls-server.pem";
const TLS_SERVER_KEY: &str = "tests/windows/tls-server-key.pem";
const SERVER_AUTH: &[u8] = b"1.3.6.1.5.5.7.3.1";
const CLIENT_AUTH: &[u8] = b"1.3.6.1.5.5.7.3.2";
const CODE_SIGNING: &[u8] = b"1.3.6.1.5.5.7.3.3";

fn oids(trust: &Trust) -> Vec<&[u8]> {
    match trust {
        Trust::All => panic!("expected a set of OIDs, got True"),
        Trust::Oids(v) => {
            let mut v: Vec<&[u8]> = v.iter().map(|o| o.as_slice()).collect();
            v.sort();
            v
        }
    }
}

/// A DER certificate: one SEQUENCE spanning exactly the bytes given.
fn is_der_sequence(der: &[u8]) -> bool {
    if der.len() < 2 || der[0] != 0x30 {
        return false;
    }
    let (len, header) = match der[1] {
        n if n < 0x80 => (n as usize, 2),
        n => {
            let count = (n & 0x7f) as usize;
            if count == 0 || count > 4 || der.len() < 2 + count {
                return false;
            }
            let len = der[2..2 + count]
                .iter()
                .fold(0usize, |acc, b| (acc << 8) | *b as usize);
            (len, 2 + count)
        }
    };
    header + len == der.len()
}

#[test]
fn root_store_lists_the_trust_anchors() {
    let certs = enum_certificates(c"ROOT").expect("the ROOT store opens");
    assert!(
        certs.len() >= 10,
        "ROOT has only {} certificates",
        certs.len()
    );
    for cert in &certs {
        assert_eq!(cert.encoding, Encoding::X509Asn);
        assert!(
            is_der_sequence(&cert.der),
            "not a DER certificate: {:02x?}",
            &cert.der[..8.min(cert.der.len())]
        );
        if let Trust::Oids(list) = &cert.trust {
            assert!(list.iter().all(|o| !o.is_empty() && o.is_ascii()));
        }
    }
    // The count scripts/windows.sh compares with the host's CA bundle.
    println!("ROOT certificates: {}", certs.len());
}

#[test]
fn root_store_is_read_the_same_twice() {
    let a = enum_certificates(c"ROOT").unwrap();
    let b = enum_certificates(c"ROOT").unwrap();
    assert_eq!(a, b);
}

#[test]
fn ca_and_my_stores_open_and_crls_enumerate() {
    // Their contents depend on the machine; opening and enumerating must work.
    for name in [c"CA", c"MY"] {
        enum_certificates(name).expect("system store opens");
        for crl in enum_crls(name).expect("CRLs enumerate") {
            assert_eq!(crl.encoding, Encoding::X509Asn);
            assert!(is_der_sequence(&crl.der));
        }
    }
}

#[test]
fn no_restriction_is_trust_true() {
    let store = Store::open_memory().unwrap();
    store.add_certificate(CA, None).unwrap();
    let certs = store.certificates().unwrap();
    assert_eq!(
        certs,
        vec![StoreCert {
            der: CA.to_vec(),
            encoding: Encoding::X509Asn,
            trust: Trust::All
        }]
    );
    store.close().unwrap();
}

#[test]
fn usage_property_gives_a_set_of_oids() {
    let store = Store::open_memory().unwrap();
    store
        .add_certificate(CA, Some(&[c"1.3.6.1.5.5.7.3.2", c"1.3.6.1.5.5.7.3.1"]))
        .unwrap();
    let certs = store.certificates().unwrap();
    assert_eq!(certs.len(), 1);
    assert_eq!(oids(&certs[0].trust), vec![SERVER_AUTH, CLIENT_AUTH]);
}

#[test]
fn usage_extension_is_used_without_a_property() {
    let store = Store::open_memory().unwrap();
    store.add_certificate(EKU_LEAF, None).unwrap();
    let certs = store.certificates().unwrap();
    assert_eq!(oids(&certs[0].trust), vec![SERVER_AUTH, CODE_SIGNING]);
}

#[test]
fn usage_property_wins_over_the_extension() {
    // An administrator's purposes setting narrows what the certificate itself says.
    let store = Store::open_memory().unwrap();
    store
        .add_certificate(EKU_LEAF, Some(&[c"1.3.6.1.5.5.7.3.1"]))
        .unwrap();
    let certs = store.certificates().unwrap();
    assert_eq!(oids(&certs[0].trust), vec![SERVER_AUTH]);
}

#[test]
fn empty_usage_property_is_an_empty_set() {
    // Trusted for nothing: an empty set, which 2.7's ssl.py skips (not True).
    let store = Store::open_memory().unwrap();
    store.add_certificate(CA, Some(&[])).unwrap();
    let certs = store.certificates().unwrap();
    assert_eq!(certs[0].trust, Trust::Oids(vec![]));
}

#[test]
fn certificates_keep_store_order_and_bytes() {
    let store = Store::open_memory().unwrap();
    store.add_certificate(CA, None).unwrap();
    store.add_certificate(EKU_LEAF, None).unwrap();
    let ders: Vec<Vec<u8>> = store
        .certificates()
        .unwrap()
        .into_iter()
        .map(|c| c.der)
        .collect();
    assert_eq!(ders.len(), 2);
    assert!(ders.contains(&CA.to_vec()) && ders.contains(&EKU_LEAF.to_vec()));
}

#[test]
fn crls_are_listed_with_their_encoding() {
    let store = Store::open_memory().unwrap();
    assert!(store.crls().unwrap().is_empty());
    store.add_crl(CRL).unwrap();
    let crls = store.crls().unwrap();
    assert_eq!(crls.len(), 1);
    assert_eq!(crls[0].der, CRL);
    assert_eq!(crls[0].encoding, Encoding::X509Asn);
}

#[test]
fn bad_der_is_a_windows_error() {
    // crypt32's own code comes back (an ASN.1 error, CRYPT_E_ASN1_*: 0x8009_3xxx), not 0.
    let store = Store::open_memory().unwrap();
    let err: WinError = store.add_certificate(b"\x30\x03abc", None).unwrap_err();
    assert_ne!(err.0, 0);
    assert_eq!(
        err.0 & 0xffff_f000,
        0x8009_3000,
        "unexpected code {:#x}",
        err.0
    );
    let err = store.add_crl(b"not a crl").unwrap_err();
    assert_ne!(err.0, 0);
}

// --- a handshake whose trust comes from the system stores -----------------------------------

/// What 2.7.18's `SSLContext.load_default_certs()` does on Windows for a client
/// (`_load_windows_store_certs(storename, Purpose.SERVER_AUTH)`): every X.509 certificate of the
/// named stores that is trusted for all uses or for serverAuth, loaded as trust anchors.
fn trust_from_stores(stores: &[&CStr]) -> X509Store {
    let mut builder = X509StoreBuilder::new().unwrap();
    for name in stores {
        for cert in enum_certificates(name).expect("system store opens") {
            let for_servers = match &cert.trust {
                Trust::All => true,
                Trust::Oids(list) => list.iter().any(|o| o.as_slice() == SERVER_AUTH),
            };
            if cert.encoding == Encoding::X509Asn && for_servers {
                let x509 = X509::from_der(&cert.der).expect("store certificates are DER");
                // The same certificate in two stores is one anchor; OpenSSL says so, harmlessly.
                let _ = builder.add_cert(x509);
            }
        }
    }
    builder.build()
}

/// Puts the test trust anchor into the machine's "CA" store, once (the Wine prefix is kept
/// between local runs).
fn install_test_anchor() {
    let present = enum_certificates(c"CA")
        .unwrap()
        .iter()
        .any(|c| c.der == TLS_CA);
    if !present {
        let store = Store::open_system_for_update(c"CA").expect("the CA store opens for writing");
        store.add_certificate(TLS_CA, None).unwrap();
        store.close().unwrap();
    }
}

/// One loopback handshake to a server whose certificate (for `localhost` and 127.0.0.1) the
/// test anchor signed; the client verifies the chain and the name with `trust`.
fn handshake_with(trust: X509Store) -> Result<Vec<u8>, HandshakeError<TcpStream>> {
    let root = env!("CARGO_MANIFEST_DIR");
    let mut acceptor = SslAcceptor::mozilla_intermediate_v5(SslMethod::tls_server()).unwrap();
    acceptor
        .set_certificate_chain_file(format!("{root}/{TLS_SERVER_CERT}"))
        .unwrap();
    acceptor
        .set_private_key_file(format!("{root}/{TLS_SERVER_KEY}"), SslFiletype::PEM)
        .unwrap();
    let acceptor = acceptor.build();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let server = std::thread::spawn(move || {
        let (tcp, _) = listener.accept().unwrap();
        // A failed handshake on the server side is the client's verdict arriving as an alert.
        if let Ok(mut tls) = acceptor.accept(tcp) {
            tls.write_all(b"hello from the server").unwrap();
            tls.shutdown().ok();
        }
    });
    let mut connector = SslConnector::builder(SslMethod::tls_client()).unwrap();
    connector.set_cert_store(trust);
    let tcp = TcpStream::connect(addr).unwrap();
    let result = connector.build().connect("localhost", tcp).map(|mut tls| {
        let mut got = Vec::new();
        tls.read_to_end(&mut got).unwrap();
        got
    });
    server.join().unwrap();
    result
}

#[test]
fn handshake_trusts_the_anchor_found_in_the_system_stores() {
    install_test_anchor();
    let got = handshake_with(trust_from_stores(&[c"CA", c"ROOT"])).expect("verified handshake");
    assert_eq!(got, b"hello from the server");
}

#[test]
fn handshake_without_that_store_is_refused() {
    install_test_anchor();
    // The ROOT store (the host's public CAs) does not vouch for the test server.
    match handshake_with(trust_from_stores(&[c"ROOT"])) {
        Ok(_) => panic!("a server no store trusts was accepted"),
        Err(HandshakeError::Failure(mid)) => assert_eq!(
            mid.ssl().verify_result().as_raw(),
            20, // X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY
            "{}",
            mid.error()
        ),
        Err(other) => panic!("unexpected handshake error: {other}"),
    }
}

// --- pep466_urandom's draw (getrandom crate: ProcessPrng on Windows) -----------------------

#[test]
fn urandom_fills_buffers_of_every_size() {
    for len in [0usize, 1, 16, 256, 257, 4096, 1 << 20] {
        let mut a = vec![0u8; len];
        let mut b = vec![0u8; len];
        portable::draw(&mut a).unwrap();
        portable::draw(&mut b).unwrap();
        if len >= 16 {
            assert_ne!(a, b, "two draws of {len} bytes are equal");
            assert!(a.iter().any(|&x| x != 0), "{len} bytes of zeros");
        }
    }
}

#[test]
fn urandom_bytes_are_spread_over_all_values() {
    // 1 MiB: each byte value is expected 4 096 times (standard deviation 64); a source that
    // repeats, skips values or leaves the buffer alone falls far outside the bound.
    let mut buf = vec![0u8; 1 << 20];
    portable::draw(&mut buf).unwrap();
    let mut counts = [0u32; 256];
    for &b in &buf {
        counts[b as usize] += 1;
    }
    for (value, &n) in counts.iter().enumerate() {
        assert!(
            (3_500..=4_700).contains(&n),
            "byte {value:#04x} seen {n} times"
        );
    }
}

#[test]
fn urandom_serves_many_threads() {
    let draws: Vec<Vec<u8>> = (0..8)
        .map(|_| {
            std::thread::spawn(|| {
                let mut buf = vec![0u8; 64 * 1024];
                portable::draw(&mut buf).unwrap();
                buf
            })
        })
        .collect::<Vec<_>>()
        .into_iter()
        .map(|t| t.join().unwrap())
        .collect();
    for i in 0..draws.len() {
        for j in i + 1..draws.len() {
            assert_ne!(draws[i], draws[j]);
        }
    }
}
