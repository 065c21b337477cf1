//! The X.509 v3 extensions 2.7's certificate dict reports, read as plain Rust data:
//! subjectAltName (every GeneralName kind), authorityInfoAccess (OCSP / caIssuers) and
//! cRLDistributionPoints. Formatting is `_ssl`'s job (src/ssl/cert.rs), not OpenSSL's
//! printers, whose output differs between OpenSSL versions.

use crate::ossl::asn1;
use crate::ossl::error::OsslError;
use crate::ossl::x509::{name_entries, NameEntry, X509};
use openssl_sys as sys;
use std::ffi::c_int;

extern "C" {
    // Not declared by openssl-sys; ASN.1 free functions present in 1.1.1, 3.x and 4.x.
    fn GENERAL_NAMES_free(names: *mut sys::stack_st_GENERAL_NAME);
    fn AUTHORITY_INFO_ACCESS_free(aia: *mut sys::stack_st_ACCESS_DESCRIPTION);
    fn CRL_DIST_POINTS_free(dps: *mut sys::stack_st_DIST_POINT);
}

/// One GeneralName (RFC 5280 §4.2.1.6).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum GeneralName {
    OtherName,
    /// rfc822Name: raw IA5String bytes, NULs kept.
    Email(Vec<u8>),
    Dns(Vec<u8>),
    X400,
    DirName(Vec<NameEntry>),
    EdiParty,
    Uri(Vec<u8>),
    /// The octets: 4 for IPv4, 16 for IPv6, anything else is malformed.
    IpAddress(Vec<u8>),
    /// `OBJ_obj2txt(oid, 0)`: the long name if known, else the dotted OID (or why OpenSSL
    /// could not print it).
    RegisteredId(Result<String, OsslError>),
    /// A type number OpenSSL does not define (cannot come from its decoder).
    Unknown(i32),
}

/// An access method of authorityInfoAccess.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum AccessMethod {
    Ocsp,
    CaIssuers,
    Other,
}

fn stack_len<T>(stack: *const T) -> c_int {
    // SAFETY: every OpenSSL STACK_OF(...) is an OPENSSL_STACK; NULL gives -1.
    unsafe { sys::OPENSSL_sk_num(stack.cast()) }
}

/// # Safety
/// `stack` is a live stack of `U` and `i` is in range.
unsafe fn stack_value<T, U>(stack: *const T, i: c_int) -> *mut U {
    // SAFETY: the caller's contract.
    unsafe { sys::OPENSSL_sk_value(stack.cast(), i).cast::<U>() }
}

/// # Safety
/// `gn` is a live `GENERAL_NAME`.
unsafe fn general_name(gn: *const sys::GENERAL_NAME) -> GeneralName {
    // SAFETY: the caller's contract; `d` is the union member selected by `type_`.
    unsafe {
        let d = (*gn).d;
        match (*gn).type_ {
            sys::GEN_OTHERNAME => GeneralName::OtherName,
            sys::GEN_EMAIL => GeneralName::Email(asn1::string_bytes(d.cast())),
            sys::GEN_DNS => GeneralName::Dns(asn1::string_bytes(d.cast())),
            sys::GEN_X400 => GeneralName::X400,
            sys::GEN_DIRNAME => GeneralName::DirName(name_entries(d.cast())),
            sys::GEN_EDIPARTY => GeneralName::EdiParty,
            sys::GEN_URI => GeneralName::Uri(asn1::string_bytes(d.cast())),
            sys::GEN_IPADD => GeneralName::IpAddress(asn1::string_bytes(d.cast())),
            sys::GEN_RID => GeneralName::RegisteredId(asn1::obj2txt(d.cast(), false)),
            other => GeneralName::Unknown(other),
        }
    }
}

/// # Safety
/// `names` is NULL or a live `STACK_OF(GENERAL_NAME)`.
unsafe fn general_names(names: *const sys::stack_st_GENERAL_NAME) -> Vec<GeneralName> {
    (0..stack_len(names).max(0))
        // SAFETY: the caller's contract; i is in range.
        .map(|i| unsafe { general_name(stack_value(names, i)) })
        .collect()
}

impl X509 {
    /// The names of every subjectAltName extension, one list per extension, in order. An
    /// extension that does not decode gives an empty list (as in 2.7, which then reports
    /// `subjectAltName: ()`).
    pub(crate) fn subject_alt_names(&self) -> Vec<Vec<GeneralName>> {
        let mut out = Vec::new();
        let mut pos = -1;
        loop {
            // SAFETY: live X509; returns the next index or -1.
            pos =
                unsafe { sys::X509_get_ext_by_NID(self.as_ptr(), sys::NID_subject_alt_name, pos) };
            if pos < 0 {
                break;
            }
            // SAFETY: pos is a valid extension index of this certificate; the extension is
            // owned by it; X509V3_EXT_d2i returns a new GENERAL_NAMES (or NULL), freed here.
            let names = unsafe {
                let ext = sys::X509_get_ext(self.as_ptr(), pos);
                let decoded = sys::X509V3_EXT_d2i(ext).cast::<sys::stack_st_GENERAL_NAME>();
                let names = general_names(decoded);
                if !decoded.is_null() {
                    GENERAL_NAMES_free(decoded);
                }
                names
            };
            out.push(names);
        }
        // A failed decode leaves errors queued that nobody reports.
        // SAFETY: clears this thread's queue.
        unsafe { sys::ERR_clear_error() };
        out
    }

    /// The extension `nid` decoded, owned by the caller; NULL when it is absent, malformed or
    /// present twice (`X509_get_ext_d2i` semantics, as in 2.7).
    fn decoded_extension<T>(&self, nid: c_int) -> *mut T {
        // SAFETY: live X509; NULL crit/idx are allowed; returns a new object or NULL.
        unsafe {
            sys::X509_get_ext_d2i(
                self.as_ptr(),
                nid,
                std::ptr::null_mut(),
                std::ptr::null_mut(),
            )
        }
        .cast()
    }

    /// authorityInfoAccess entries `(method, location)`; empty when the extension is absent,
    /// malformed or present twice (`X509_get_ext_d2i` semantics, as in 2.7).
    pub(crate) fn authority_info_access(&self) -> Vec<(AccessMethod, GeneralName)> {
        let aia = self.decoded_extension::<sys::stack_st_ACCESS_DESCRIPTION>(sys::NID_info_access);
        let mut out = Vec::new();
        for i in 0..stack_len(aia).max(0) {
            // SAFETY: i is in range of the live stack; entries are owned by it.
            unsafe {
                let ad: *mut sys::ACCESS_DESCRIPTION = stack_value(aia, i);
                let method = match sys::OBJ_obj2nid((*ad).method) {
                    sys::NID_ad_OCSP => AccessMethod::Ocsp,
                    sys::NID_ad_ca_issuers => AccessMethod::CaIssuers,
                    _ => AccessMethod::Other,
                };
                out.push((method, general_name((*ad).location)));
            }
        }
        if !aia.is_null() {
            // SAFETY: we own the decoded stack.
            unsafe { AUTHORITY_INFO_ACCESS_free(aia) };
        }
        // SAFETY: clears this thread's queue (absent or malformed extensions queue errors).
        unsafe { sys::ERR_clear_error() };
        out
    }

    /// cRLDistributionPoints: `None` when the extension is absent (or malformed, or present
    /// twice); else one entry per DistributionPoint: its fullName list, or `None` for a point
    /// without a distributionPoint (CVE-2019-5010) or with a nameRelativeToCRLIssuer.
    pub(crate) fn crl_distribution_points(&self) -> Option<Vec<Option<Vec<GeneralName>>>> {
        let dps =
            self.decoded_extension::<sys::stack_st_DIST_POINT>(sys::NID_crl_distribution_points);
        if dps.is_null() {
            // SAFETY: clears this thread's queue.
            unsafe { sys::ERR_clear_error() };
            return None;
        }
        let mut out = Vec::new();
        for i in 0..stack_len(dps).max(0) {
            // SAFETY: i is in range of the live stack; every field is owned by it; the
            // union member read is the one `type_` 0 (fullName) selects.
            unsafe {
                let dp: *mut sys::DIST_POINT = stack_value(dps, i);
                let name = (*dp).distpoint;
                if name.is_null() || (*name).type_ != 0 {
                    out.push(None);
                } else {
                    out.push(Some(general_names((*name).name.fullname)));
                }
            }
        }
        // SAFETY: we own the decoded stack.
        unsafe { CRL_DIST_POINTS_free(dps) };
        Some(out)
    }
}
