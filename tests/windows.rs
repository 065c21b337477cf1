//! Windows-only tests of what `_ssl.enum_certificates` / `_ssl.enum_crls` return, below the
//! Python layer (there is no Windows Python here): `scripts/windows.sh` builds this file for
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

use certstore::{enum_certificates, enum_crls, Encoding, Store, StoreCert, Trust, WinError};

const CA: &[u8] = include_bytes!("windows/ca.der");
const EKU_LEAF: &[u8] = include_bytes!("windows/eku.der");
const CRL: &[u8] = include_bytes!("windows/crl.der");
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
