//! A certificate as the dict 2.7.18's `_decode_certificate` makes (`getpeercert()`,
//! `get_ca_certs()`, `_test_decode_cert()`), with 2.7's exact Python types: `subject` /
//! `issuer` tuples of RDN tuples of `(str, unicode)`, `version` long, `serialNumber` and
//! `notBefore` unicode, `notAfter` str, `subjectAltName` entries `(str, str)` except
//! `(u'Registered ID', unicode)` and `('DirName', name)`, and unicode URIs for `OCSP`,
//! `caIssuers` and `crlDistributionPoints`.
//!
//! The text of SAN entries that 2.7 took from `GENERAL_NAME_print` is produced here, in the
//! form OpenSSL 1.x printed (and 2.7's tests expect) on every OpenSSL: IPv6 as eight `%X`
//! groups plus a trailing newline (OpenSSL 3 drops the newline), every othername as
//! `<unsupported>` (OpenSSL 3 prints some kinds, and the text varies between 3.x releases).

use crate::ossl::bio::first_line;
use crate::ossl::error::OsslError;
use crate::ossl::x509::{NameEntry, X509};
use crate::ossl::x509v3::{AccessMethod, GeneralName};
use crate::py::err::Builtin;
use crate::py::{value, Owned, PyErr, PyResult, Python};
use crate::ssl::errors::ssl_error_from_queue;

fn unicode(data: &[u8]) -> PyResult<Owned> {
    value::unicode_from_utf8(data, c"strict")
}

fn byte_str(data: &[u8]) -> PyResult<Owned> {
    value::bytes(data)
}

/// `i2a_ASN1_INTEGER` read back with one `BIO_gets`: uppercase hex, `-` for negatives,
/// `00` for an empty value, and OpenSSL's `\` + newline every 35 bytes, which cuts a serial
/// longer than 35 bytes at its first line (2.7 quirk, kept).
pub(crate) fn serial_text(negative: bool, magnitude: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(magnitude.len() * 2 + 2);
    if negative {
        out.push(b'-');
    }
    if magnitude.is_empty() {
        out.extend_from_slice(b"00");
    }
    for (i, byte) in magnitude.iter().enumerate() {
        if i != 0 && i % 35 == 0 {
            out.extend_from_slice(b"\\\n");
        }
        out.extend_from_slice(format!("{byte:02X}").as_bytes());
    }
    first_line(&out, 2048).to_vec()
}

/// The text after `"IP Address:"` in OpenSSL 1.x's `GENERAL_NAME_print`.
pub(crate) fn ip_text(octets: &[u8]) -> String {
    match octets.len() {
        4 => format!("{}.{}.{}.{}", octets[0], octets[1], octets[2], octets[3]),
        16 => {
            let groups: Vec<String> = octets
                .chunks(2)
                .map(|g| format!("{:X}", u16::from_be_bytes([g[0], g[1]])))
                .collect();
            format!("{}\n", groups.join(":"))
        }
        _ => "<invalid>".to_owned(),
    }
}

/// 2.7 printed a registered ID into a 2048-byte buffer and gave `<INVALID>` when it did not
/// fit.
pub(crate) fn rid_text(text: &str) -> &str {
    if text.len() >= 2048 {
        "<INVALID>"
    } else {
        text
    }
}

/// Groups consecutive entries with the same RDN set index (2.7's `rdn_level` logic).
pub(crate) fn group_rdns(entries: &[NameEntry]) -> Vec<&[NameEntry]> {
    let mut out = Vec::new();
    let mut start = 0;
    for i in 1..=entries.len() {
        if i == entries.len() || entries[i].set != entries[i - 1].set {
            if i > start {
                out.push(&entries[start..i]);
            }
            start = i;
        }
    }
    out
}

/// Python: `_create_tuple_for_X509_NAME`.
fn name_tuple(entries: &[NameEntry]) -> PyResult<Owned> {
    let mut rdns = Vec::new();
    for rdn in group_rdns(entries) {
        let mut attrs = Vec::with_capacity(rdn.len());
        for entry in rdn {
            let value = match &entry.value {
                Ok(utf8) => unicode(utf8)?,
                Err(e) => return Err(ssl_error_from_queue(e, line!())),
            };
            let attr = entry
                .attr
                .as_ref()
                .map_err(|e| ssl_error_from_queue(e, line!()))?;
            attrs.push(value::tuple(vec![byte_str(attr.as_bytes())?, value])?);
        }
        rdns.push(value::tuple(attrs)?);
    }
    value::tuple(rdns)
}

fn pair(kind: Owned, v: Owned) -> PyResult<Owned> {
    value::tuple(vec![kind, v])
}

/// One `subjectAltName` entry.
fn san_entry(name: &GeneralName) -> PyResult<Owned> {
    let unsupported = |kind: &str| pair(byte_str(kind.as_bytes())?, byte_str(b"<unsupported>")?);
    match name {
        GeneralName::DirName(entries) => pair(byte_str(b"DirName")?, name_tuple(entries)?),
        GeneralName::Email(raw) => pair(byte_str(b"email")?, byte_str(raw)?),
        GeneralName::Dns(raw) => pair(byte_str(b"DNS")?, byte_str(raw)?),
        GeneralName::Uri(raw) => pair(byte_str(b"URI")?, byte_str(raw)?),
        GeneralName::RegisteredId(text) => {
            let text = text
                .as_ref()
                .map_err(|e| ssl_error_from_queue(e, line!()))?;
            pair(
                unicode(b"Registered ID")?,
                unicode(rid_text(text).as_bytes())?,
            )
        }
        GeneralName::IpAddress(octets) => pair(
            byte_str(b"IP Address")?,
            byte_str(ip_text(octets).as_bytes())?,
        ),
        GeneralName::OtherName => unsupported("othername"),
        GeneralName::X400 => unsupported("X400Name"),
        GeneralName::EdiParty => unsupported("EdiPartyName"),
        // OpenSSL's decoder cannot produce other types; 2.7 would print nothing and fail so.
        GeneralName::Unknown(_) => Err(PyErr::new(Builtin::ValueError, "Invalid value ")),
    }
}

/// Everything `_decode_certificate` reports, read from OpenSSL as plain Rust data: the
/// DER -> fields step, separate from the Python-dict step (`decode_certificate`) so it can run
/// (and be fuzzed: `fuzz/fuzz_targets/cert_der.rs`) without an interpreter. The fields are
/// read in the order 2.7.18 reads them; errors are kept per field and raised by the dict step
/// in that same order.
#[derive(Debug)]
pub(crate) struct CertFields {
    pub(crate) subject: Vec<NameEntry>,
    pub(crate) issuer: Vec<NameEntry>,
    pub(crate) version: i64,
    /// `serialNumber` as 2.7 prints it (`serial_text`).
    pub(crate) serial: Vec<u8>,
    pub(crate) not_before: Result<Vec<u8>, OsslError>,
    pub(crate) not_after: Result<Vec<u8>, OsslError>,
    /// Every name of every subjectAltName extension; None when there is no such extension.
    pub(crate) subject_alt_names: Option<Vec<GeneralName>>,
    /// authorityInfoAccess URIs of the OCSP method.
    pub(crate) ocsp: Vec<Vec<u8>>,
    /// authorityInfoAccess URIs of the caIssuers method.
    pub(crate) ca_issuers: Vec<Vec<u8>>,
    /// Every URI of every fullName of cRLDistributionPoints (a point without a
    /// distributionPoint, CVE-2019-5010, contributes nothing).
    pub(crate) crl_distribution_points: Vec<Vec<u8>>,
}

fn aia_uris(cert: &X509, wanted: AccessMethod) -> Vec<Vec<u8>> {
    cert.authority_info_access()
        .into_iter()
        .filter_map(|(method, location)| match location {
            GeneralName::Uri(raw) if method == wanted => Some(raw),
            _ => None,
        })
        .collect()
}

fn crl_uris(cert: &X509) -> Vec<Vec<u8>> {
    cert.crl_distribution_points()
        .unwrap_or_default()
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|name| match name {
            GeneralName::Uri(raw) => Some(raw),
            _ => None,
        })
        .collect()
}

/// The DER -> fields step of `_decode_certificate` (no Python).
pub(crate) fn cert_fields(cert: &X509) -> CertFields {
    let subject = cert.subject();
    let issuer = cert.issuer();
    let version = cert.version();
    let (negative, magnitude) = cert.serial();
    let serial = serial_text(negative, &magnitude);
    let not_before = cert.not_before_text();
    let not_after = cert.not_after_text();
    let extensions = cert.subject_alt_names();
    let subject_alt_names =
        (!extensions.is_empty()).then(|| extensions.into_iter().flatten().collect());
    let ocsp = aia_uris(cert, AccessMethod::Ocsp);
    let ca_issuers = aia_uris(cert, AccessMethod::CaIssuers);
    let crl_distribution_points = crl_uris(cert);
    CertFields {
        subject,
        issuer,
        version,
        serial,
        not_before,
        not_after,
        subject_alt_names,
        ocsp,
        ca_issuers,
        crl_distribution_points,
    }
}

/// A tuple of unicode URIs, None if there are none.
fn uri_tuple(uris: &[Vec<u8>]) -> PyResult<Option<Owned>> {
    if uris.is_empty() {
        return Ok(None);
    }
    let items = uris
        .iter()
        .map(|raw| unicode(raw))
        .collect::<PyResult<Vec<_>>>()?;
    Ok(Some(value::tuple(items)?))
}

/// Python: `_ssl.c`'s `_decode_certificate` (the dict of `getpeercert()`).
pub(crate) fn decode_certificate(_py: Python<'_>, cert: &X509) -> PyResult<Owned> {
    fields_to_dict(&cert_fields(cert))
}

/// The Python-dict step of `_decode_certificate`, with 2.7's types.
fn fields_to_dict(fields: &CertFields) -> PyResult<Owned> {
    let dict = value::dict()?;
    dict_set(&dict, "subject", name_tuple(&fields.subject)?)?;
    dict_set(&dict, "issuer", name_tuple(&fields.issuer)?)?;
    dict_set(&dict, "version", value::long(fields.version)?)?;
    dict_set(&dict, "serialNumber", unicode(&fields.serial)?)?;
    let not_before = fields
        .not_before
        .as_ref()
        .map_err(|e| ssl_error_from_queue(e, line!()))?;
    dict_set(&dict, "notBefore", unicode(not_before)?)?;
    let not_after = fields
        .not_after
        .as_ref()
        .map_err(|e| ssl_error_from_queue(e, line!()))?;
    // 2.7 quirk, kept: notAfter is a str while notBefore is unicode.
    dict_set(&dict, "notAfter", byte_str(not_after)?)?;
    if let Some(names) = &fields.subject_alt_names {
        let entries = names.iter().map(san_entry).collect::<PyResult<Vec<_>>>()?;
        dict_set(&dict, "subjectAltName", value::tuple(entries)?)?;
    }
    if let Some(ocsp) = uri_tuple(&fields.ocsp)? {
        dict_set(&dict, "OCSP", ocsp)?;
    }
    if let Some(issuers) = uri_tuple(&fields.ca_issuers)? {
        dict_set(&dict, "caIssuers", issuers)?;
    }
    if let Some(dps) = uri_tuple(&fields.crl_distribution_points)? {
        dict_set(&dict, "crlDistributionPoints", dps)?;
    }
    Ok(dict)
}

fn dict_set(dict: &Owned, key: &str, v: Owned) -> PyResult<()> {
    value::dict_set_str(dict, key, &v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serials_as_i2a_asn1_integer_prints_them() {
        assert_eq!(serial_text(false, &[]), b"00");
        assert_eq!(serial_text(false, &[0]), b"00");
        assert_eq!(serial_text(false, &[2]), b"02");
        assert_eq!(
            serial_text(false, &[0x98, 0xA7, 0xCF, 0x88, 0xC7, 0x4A, 0x32, 0xED]),
            b"98A7CF88C74A32ED"
        );
        assert_eq!(serial_text(true, &[1, 0]), b"-0100");
        let long = vec![0xABu8; 40];
        let mut want = "AB".repeat(35).into_bytes();
        want.extend_from_slice(b"\\\n");
        assert_eq!(serial_text(false, &long), want);
    }

    #[test]
    fn ip_addresses_in_openssl_1_form() {
        assert_eq!(ip_text(&[192, 0, 2, 1]), "192.0.2.1");
        let mut v6 = [0u8; 16];
        v6[0] = 0x20;
        v6[1] = 0x01;
        v6[2] = 0x0d;
        v6[3] = 0xb8;
        v6[15] = 1;
        assert_eq!(ip_text(&v6), "2001:DB8:0:0:0:0:0:1\n");
        assert_eq!(ip_text(&[0; 16]), "0:0:0:0:0:0:0:0\n");
        assert_eq!(ip_text(&[1, 2, 3]), "<invalid>");
        assert_eq!(ip_text(&[]), "<invalid>");
    }

    #[test]
    fn registered_ids_that_do_not_fit() {
        assert_eq!(rid_text("1.2.3.4.5"), "1.2.3.4.5");
        let long = "1.".repeat(1024);
        assert_eq!(rid_text(&long), "<INVALID>");
    }

    #[test]
    fn rdns_group_by_set() {
        let e = |set| NameEntry {
            set,
            attr: Ok(String::new()),
            value: Ok(Vec::new()),
        };
        let entries = [e(0), e(1), e(1), e(2)];
        let sizes: Vec<usize> = group_rdns(&entries).iter().map(|r| r.len()).collect();
        assert_eq!(sizes, [1, 2, 1]);
        assert!(group_rdns(&[]).is_empty());
    }
}
