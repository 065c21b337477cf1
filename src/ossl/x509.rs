//! An owned `X509` certificate: made from DER or PEM (bytes, BIO or file), or by taking a
//! reference to one OpenSSL owns; serialised back to DER; and its basic fields (version,
//! serial, validity, subject and issuer names) read as plain Rust data for `_ssl` to format.
//! The X.509 v3 extensions 2.7 reports are read in `x509v3.rs`.

use crate::ossl::asn1;
use crate::ossl::bio::Bio;
use crate::ossl::error::OsslError;
use crate::ossl::owned::owned;
use openssl_sys as sys;
use std::ffi::{c_int, CStr};
use std::ptr::NonNull;

extern "C" {
    // Not declared by openssl-sys; stable in 1.1.1, 3.x and 4.x.
    fn X509_NAME_ENTRY_set(ne: *const sys::X509_NAME_ENTRY) -> c_int;
    fn PEM_read_bio_X509_AUX(
        bio: *mut sys::BIO,
        out: *mut *mut sys::X509,
        cb: sys::pem_password_cb,
        u: *mut std::ffi::c_void,
    ) -> *mut sys::X509;
}

owned! {
    /// A strong reference to an `X509`.
    pub(crate) struct X509(sys::X509);
    free = sys::X509_free;
    up_ref = sys::X509_up_ref;
}

// SAFETY: X509 objects are reference counted atomically, and this wrapper only reads them
// (OpenSSL locks its lazily computed extension cache), so they may move between threads.
unsafe impl Send for X509 {}
// SAFETY: as above: shared access is read-only.
unsafe impl Sync for X509 {}

/// Why a certificate file could not be read.
#[derive(Debug)]
pub(crate) enum LoadFileError {
    /// `BIO_new_file` failed (missing file, permission...).
    Open,
    /// The file has no (valid) PEM certificate.
    Decode,
}

/// One attribute of a distinguished name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct NameEntry {
    /// The RDN (SET) this attribute belongs to; equal neighbours share one RDN.
    pub(crate) set: i32,
    /// The attribute type's long name (`commonName`), or its dotted OID (or why OpenSSL
    /// could not print it).
    pub(crate) attr: Result<String, OsslError>,
    /// The value converted to UTF-8 by `ASN1_STRING_to_UTF8`, or why it could not be.
    pub(crate) value: Result<Vec<u8>, OsslError>,
}

impl X509 {
    /// Takes ownership of an `X509*` returned as a new reference (NULL: the queued error).
    ///
    /// # Safety
    /// `ptr` is NULL or an `X509` whose reference the caller gives away.
    pub(crate) unsafe fn from_owned_ptr(ptr: *mut sys::X509) -> Result<X509, OsslError> {
        NonNull::new(ptr).map(X509).ok_or_else(OsslError::take)
    }

    /// Adds a reference to an `X509*` OpenSSL owns (e.g. from `SSL_get0_peer_certificate`,
    /// `X509_STORE` objects or a chain).
    ///
    /// # Safety
    /// `ptr` is NULL or a live `X509`.
    pub(crate) unsafe fn from_borrowed_ptr(ptr: *mut sys::X509) -> Option<X509> {
        let ptr = NonNull::new(ptr)?;
        // SAFETY: the caller's contract: a live X509 whose count we increment.
        unsafe { sys::X509_up_ref(ptr.as_ptr()) };
        Some(X509(ptr))
    }

    /// The certificate in DER `der` (trailing bytes are ignored).
    #[cfg(feature = "fuzzing")]
    pub(crate) fn from_der(der: &[u8]) -> Result<X509, OsslError> {
        let mut p = der.as_ptr();
        let len = std::ffi::c_long::try_from(der.len()).map_err(|_| OsslError::default())?;
        // SAFETY: p points to len readable bytes; d2i returns a new X509 or NULL.
        unsafe { X509::from_owned_ptr(sys::d2i_X509(std::ptr::null_mut(), &mut p, len)) }
    }

    /// The first PEM certificate (`-----BEGIN CERTIFICATE-----`) in `pem`.
    #[cfg(feature = "fuzzing")]
    pub(crate) fn from_pem(pem: &[u8]) -> Result<X509, OsslError> {
        let bio = Bio::from_slice(pem)?;
        X509::read_pem(&bio)
    }

    /// The next PEM certificate from a BIO (`PEM_read_bio_X509`, no password callback).
    #[cfg(feature = "fuzzing")]
    pub(crate) fn read_pem(bio: &Bio<'_>) -> Result<X509, OsslError> {
        // SAFETY: live BIO; NULL out/callback/arg are allowed; new X509 or NULL.
        unsafe {
            X509::from_owned_ptr(sys::PEM_read_bio_X509(
                bio.as_ptr(),
                std::ptr::null_mut(),
                None,
                std::ptr::null_mut(),
            ))
        }
    }

    /// The next PEM certificate from a BIO, also accepting `TRUSTED CERTIFICATE` blocks
    /// (`PEM_read_bio_X509_AUX`, what 2.7's `_test_decode_cert` uses).
    pub(crate) fn read_pem_aux(bio: &Bio<'_>) -> Result<X509, OsslError> {
        // SAFETY: live BIO; NULL out/callback/arg are allowed; new X509 or NULL.
        unsafe {
            X509::from_owned_ptr(PEM_read_bio_X509_AUX(
                bio.as_ptr(),
                std::ptr::null_mut(),
                None,
                std::ptr::null_mut(),
            ))
        }
    }

    /// The first certificate of a PEM file, as 2.7's `_test_decode_cert` reads it.
    pub(crate) fn load_pem_file(path: &CStr) -> Result<X509, LoadFileError> {
        let bio = Bio::open_file(path).map_err(|_| LoadFileError::Open)?;
        X509::read_pem_aux(&bio).map_err(|_| LoadFileError::Decode)
    }

    /// `i2d_X509`: the DER encoding.
    pub(crate) fn to_der(&self) -> Result<Vec<u8>, OsslError> {
        // SAFETY: live X509; a NULL output pointer asks for the length only.
        let len = unsafe { sys::i2d_X509(self.as_ptr(), std::ptr::null_mut()) };
        if len < 0 {
            return Err(OsslError::take());
        }
        let mut out = vec![0u8; len as usize];
        let mut p = out.as_mut_ptr();
        // SAFETY: out has room for the len bytes i2d writes; p is advanced past them.
        let written = unsafe { sys::i2d_X509(self.as_ptr(), &mut p) };
        if written != len {
            return Err(OsslError::take());
        }
        Ok(out)
    }

    /// `X509_get_version() + 1` (1 for v1, 3 for v3).
    // `long` is 32 bits on Windows: the conversion is not useless there.
    #[allow(clippy::useless_conversion)]
    pub(crate) fn version(&self) -> i64 {
        // SAFETY: live X509.
        i64::from(unsafe { sys::X509_get_version(self.as_ptr()) }) + 1
    }

    /// The serial number: (negative, big-endian magnitude).
    pub(crate) fn serial(&self) -> (bool, Vec<u8>) {
        // SAFETY: live X509; the serial is owned by it and read at once.
        unsafe { asn1::integer_parts(sys::X509_get_serialNumber(self.as_ptr())) }
    }

    /// `notBefore` as `ASN1_TIME_print` writes it.
    pub(crate) fn not_before_text(&self) -> Result<Vec<u8>, OsslError> {
        // SAFETY: live X509; the time is owned by it.
        unsafe { asn1::time_text(sys::X509_getm_notBefore(self.as_ptr())) }
    }

    /// `notAfter` as `ASN1_TIME_print` writes it.
    pub(crate) fn not_after_text(&self) -> Result<Vec<u8>, OsslError> {
        // SAFETY: live X509; the time is owned by it.
        unsafe { asn1::time_text(sys::X509_getm_notAfter(self.as_ptr())) }
    }

    pub(crate) fn subject(&self) -> Vec<NameEntry> {
        // SAFETY: live X509; the name is owned by it.
        unsafe { name_entries(sys::X509_get_subject_name(self.as_ptr())) }
    }

    pub(crate) fn issuer(&self) -> Vec<NameEntry> {
        // SAFETY: live X509; the name is owned by it.
        unsafe { name_entries(sys::X509_get_issuer_name(self.as_ptr())) }
    }
}

/// Every attribute of an `X509_NAME`, in order.
///
/// # Safety
/// `name` is NULL or a live `X509_NAME`.
pub(crate) unsafe fn name_entries(name: *const sys::X509_NAME) -> Vec<NameEntry> {
    if name.is_null() {
        return Vec::new();
    }
    // SAFETY: the caller's contract; entries are owned by the name and read at once.
    unsafe {
        let count = sys::X509_NAME_entry_count(name);
        (0..count)
            .filter_map(|i| {
                let entry = sys::X509_NAME_get_entry(name, i);
                if entry.is_null() {
                    return None;
                }
                let obj = sys::X509_NAME_ENTRY_get_object(entry);
                let data = sys::X509_NAME_ENTRY_get_data(entry);
                Some(NameEntry {
                    set: X509_NAME_ENTRY_set(entry),
                    attr: asn1::obj2txt(obj, false),
                    value: asn1::string_to_utf8(data),
                })
            })
            .collect()
    }
}

/// `X509_get_default_cert_file_env()`, `..._file()`, `..._dir_env()`, `..._dir()`: where
/// `SSL_CTX_set_default_verify_paths` looks (None for a NULL answer).
pub(crate) fn default_cert_paths() -> [Option<Vec<u8>>; 4] {
    let text = |p: *const std::ffi::c_char| {
        // SAFETY: these return static NUL-terminated strings or NULL.
        (!p.is_null()).then(|| unsafe { CStr::from_ptr(p) }.to_bytes().to_vec())
    };
    // SAFETY: no arguments; static results.
    unsafe {
        [
            text(sys::X509_get_default_cert_file_env()),
            text(sys::X509_get_default_cert_file()),
            text(sys::X509_get_default_cert_dir_env()),
            text(sys::X509_get_default_cert_dir()),
        ]
    }
}
