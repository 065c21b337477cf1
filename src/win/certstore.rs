//! Windows certificate stores through crypt32: what `_ssl.enum_certificates` and
//! `_ssl.enum_crls` return, as plain Rust values (no Python objects), so the logic runs and is
//! tested without an interpreter (`tests/windows.rs`, under Wine).
//!
//! 2.7.18's behaviour, kept here: a system store is opened by name, read-only, in the local
//! machine's location (`CertOpenStore(CERT_STORE_PROV_SYSTEM_A, ...,
//! CERT_STORE_READONLY_FLAG | CERT_SYSTEM_STORE_LOCAL_MACHINE, name)`); each certificate's trust is the EKU *property* set on it, else its EKU
//! *extension*, else "all uses" (`CRYPT_E_NOT_FOUND`); a failure anywhere (enumeration, key
//! usage, closing the store) is the Windows error code, and a failure to close the store wins
//! over the result.

use std::ffi::CStr;
use std::ptr;
use windows_sys::core::BOOL;
use windows_sys::Win32::Foundation::{GetLastError, CRYPT_E_NOT_FOUND};
use windows_sys::Win32::Security::Cryptography::{
    CertAddEncodedCRLToStore, CertAddEncodedCertificateToStore, CertCloseStore,
    CertEnumCRLsInStore, CertEnumCertificatesInStore, CertFreeCRLContext,
    CertFreeCertificateContext, CertGetEnhancedKeyUsage, CertOpenStore, CertSetEnhancedKeyUsage,
    CERT_CONTEXT, CERT_FIND_EXT_ONLY_ENHKEY_USAGE_FLAG, CERT_FIND_PROP_ONLY_ENHKEY_USAGE_FLAG,
    CERT_STORE_ADD_ALWAYS, CERT_STORE_PROV_MEMORY, CERT_STORE_PROV_SYSTEM_A,
    CERT_STORE_READONLY_FLAG, CERT_SYSTEM_STORE_LOCAL_MACHINE, CRL_CONTEXT, CTL_USAGE, HCERTSTORE,
    PKCS_7_ASN_ENCODING, X509_ASN_ENCODING,
};

/// A Windows error code (`GetLastError()`), raised as `WindowsError` by the Python layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WinError(pub u32);

impl WinError {
    fn last() -> WinError {
        // SAFETY: reads the calling thread's last-error value; no preconditions.
        WinError(unsafe { GetLastError() })
    }
}

/// How a certificate or CRL is encoded (`dwCertEncodingType`): 2.7 names the two usual values
/// and gives any other as its number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// `X509_ASN_ENCODING`: Python `'x509_asn'`.
    X509Asn,
    /// `PKCS_7_ASN_ENCODING`: Python `'pkcs_7_asn'`.
    Pkcs7Asn,
    /// Anything else: Python gets the number.
    Other(u32),
}

impl Encoding {
    fn of(value: u32) -> Encoding {
        match value {
            X509_ASN_ENCODING => Encoding::X509Asn,
            PKCS_7_ASN_ENCODING => Encoding::Pkcs7Asn,
            other => Encoding::Other(other),
        }
    }
}

/// What a certificate is trusted for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Trust {
    /// No extended key usage restricts it: Python `True`.
    All,
    /// Only these purposes (OIDs as ASCII bytes): Python a `set` of them; empty means none.
    Oids(Vec<Vec<u8>>),
}

/// One entry of `enum_certificates`: `(bytes, encoding_type, trust)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreCert {
    pub der: Vec<u8>,
    pub encoding: Encoding,
    pub trust: Trust,
}

/// One entry of `enum_crls`: `(bytes, encoding_type)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreCrl {
    pub der: Vec<u8>,
    pub encoding: Encoding,
}

/// `_ssl.enum_certificates(store_name)` below Python: every certificate of the named system
/// store ("ROOT", "CA", "MY"...).
pub fn enum_certificates(store_name: &CStr) -> Result<Vec<StoreCert>, WinError> {
    let store = Store::open_system(store_name)?;
    let found = store.certificates();
    // As 2.7: an error closing the store replaces whatever the enumeration gave.
    store.close()?;
    found
}

/// `_ssl.enum_crls(store_name)` below Python: every CRL of the named system store.
pub fn enum_crls(store_name: &CStr) -> Result<Vec<StoreCrl>, WinError> {
    let store = Store::open_system(store_name)?;
    let found = store.crls();
    store.close()?;
    found
}

/// An open certificate store. Closed on drop; `close` reports the failure 2.7 reports.
pub struct Store {
    handle: HCERTSTORE,
}

// SAFETY: a store handle may be used and closed from any thread (crypt32 locks internally);
// `Store` has no thread-affine state.
unsafe impl Send for Store {}

impl Store {
    /// A system store by name (ANSI), read-only, from the local machine's location: 2.7.18's
    /// call.
    pub fn open_system(name: &CStr) -> Result<Store, WinError> {
        Store::open_system_with(
            name,
            CERT_STORE_READONLY_FLAG | CERT_SYSTEM_STORE_LOCAL_MACHINE,
        )
    }

    /// The same system store opened for writing: the Wine tests put their trust anchor into it,
    /// as an administrator installs one.
    #[cfg(test)]
    pub fn open_system_for_update(name: &CStr) -> Result<Store, WinError> {
        Store::open_system_with(name, CERT_SYSTEM_STORE_LOCAL_MACHINE)
    }

    fn open_system_with(name: &CStr, flags: u32) -> Result<Store, WinError> {
        // SAFETY: `name` is a NUL-terminated string alive for the call, as the system
        // provider's parameter; provider 0 = default.
        let handle =
            unsafe { CertOpenStore(CERT_STORE_PROV_SYSTEM_A, 0, 0, flags, name.as_ptr().cast()) };
        Store::from_handle(handle)
    }

    /// An empty in-memory store (the tests fill it to check trust sets and CRLs).
    pub fn open_memory() -> Result<Store, WinError> {
        // SAFETY: the memory provider takes no parameter; encoding and provider are unused.
        let handle = unsafe { CertOpenStore(CERT_STORE_PROV_MEMORY, 0, 0, 0, ptr::null()) };
        Store::from_handle(handle)
    }

    fn from_handle(handle: HCERTSTORE) -> Result<Store, WinError> {
        if handle.is_null() {
            Err(WinError::last())
        } else {
            Ok(Store { handle })
        }
    }

    /// Adds a DER certificate; with `usage`, sets its enhanced-key-usage *property* to those
    /// OIDs (what an administrator's "certificate purposes" setting stores).
    pub fn add_certificate(&self, der: &[u8], usage: Option<&[&CStr]>) -> Result<(), WinError> {
        let len = u32::try_from(der.len()).map_err(|_| WinError(87))?; // ERROR_INVALID_PARAMETER
        let mut added: *mut CERT_CONTEXT = ptr::null_mut();
        // SAFETY: `der` is readable for `len` bytes; `added` receives a context we free below.
        let ok = unsafe {
            CertAddEncodedCertificateToStore(
                self.handle,
                X509_ASN_ENCODING,
                der.as_ptr(),
                len,
                CERT_STORE_ADD_ALWAYS,
                &mut added,
            )
        };
        if ok == 0 {
            return Err(WinError::last());
        }
        let result = match usage {
            None => Ok(()),
            // SAFETY: `added` is the valid context just added.
            Some(oids) => unsafe { set_usage_property(added, oids) },
        };
        // SAFETY: `added` is the context CertAddEncodedCertificateToStore gave us; freed once.
        unsafe { CertFreeCertificateContext(added) };
        result
    }

    /// Adds a DER CRL.
    pub fn add_crl(&self, der: &[u8]) -> Result<(), WinError> {
        let len = u32::try_from(der.len()).map_err(|_| WinError(87))?;
        // SAFETY: `der` is readable for `len` bytes; no context is asked for.
        let ok = unsafe {
            CertAddEncodedCRLToStore(
                self.handle,
                X509_ASN_ENCODING,
                der.as_ptr(),
                len,
                CERT_STORE_ADD_ALWAYS,
                ptr::null_mut(),
            )
        };
        if ok == 0 {
            Err(WinError::last())
        } else {
            Ok(())
        }
    }

    /// Every certificate, in the store's order, with its encoding and trust.
    pub fn certificates(&self) -> Result<Vec<StoreCert>, WinError> {
        // SAFETY: crypt32's certificate enumeration, its free function and a reader of
        // certificate contexts.
        unsafe {
            enumerate(
                self.handle,
                CertEnumCertificatesInStore,
                CertFreeCertificateContext,
                read_certificate,
            )
        }
    }

    /// Every CRL, in the store's order, with its encoding.
    pub fn crls(&self) -> Result<Vec<StoreCrl>, WinError> {
        // SAFETY: crypt32's CRL enumeration, its free function and a reader of CRL contexts.
        unsafe {
            enumerate(
                self.handle,
                CertEnumCRLsInStore,
                CertFreeCRLContext,
                read_crl,
            )
        }
    }

    /// Closes the store, reporting `CertCloseStore`'s failure.
    pub fn close(self) -> Result<(), WinError> {
        let handle = self.handle;
        std::mem::forget(self);
        // SAFETY: the handle is open and, `self` forgotten, closed exactly once here.
        if unsafe { CertCloseStore(handle, 0) } == 0 {
            Err(WinError::last())
        } else {
            Ok(())
        }
    }
}

impl Drop for Store {
    fn drop(&mut self) {
        // SAFETY: the handle is open; `close` forgets `self`, so this is the only other close.
        unsafe { CertCloseStore(self.handle, 0) };
    }
}

/// Copies `len` encoded bytes out of a crypt32 context.
///
/// # Safety
/// `data` must be readable for `len` bytes (or `len` must be 0).
unsafe fn encoded(data: *const u8, len: u32) -> Vec<u8> {
    if len == 0 || data.is_null() {
        return Vec::new();
    }
    // SAFETY: the caller guarantees `data` is readable for `len` bytes.
    unsafe { std::slice::from_raw_parts(data, len as usize) }.to_vec()
}

/// Every entry of one kind in `store`, in order: `next(store, prev)` returns the context after
/// `prev` (the first for NULL) and frees `prev`, NULL at the end or on error; `read` makes each
/// entry. When `read` fails the walk stops, and the current context, which no further `next`
/// call will free, is freed with `free`.
///
/// # Safety
/// `store` is open; `next`/`free` are crypt32's enumeration and free function of `C`
/// contexts; `read` accepts any valid `C` context.
unsafe fn enumerate<C, T>(
    store: HCERTSTORE,
    next: unsafe extern "system" fn(HCERTSTORE, *const C) -> *mut C,
    free: unsafe extern "system" fn(*const C) -> BOOL,
    read: unsafe fn(*const C) -> Result<T, WinError>,
) -> Result<Vec<T>, WinError> {
    let mut out = Vec::new();
    let mut ctx: *const C = ptr::null();
    loop {
        // SAFETY: `ctx` is NULL or the context the previous call returned; the call frees it
        // and returns the next one.
        ctx = unsafe { next(store, ctx) }.cast_const();
        if ctx.is_null() {
            return Ok(out);
        }
        // SAFETY: a non-NULL context from the enumeration is valid until passed back.
        match unsafe { read(ctx) } {
            Ok(entry) => out.push(entry),
            Err(e) => {
                // SAFETY: leaving the walk early: the current context is ours to free.
                unsafe { free(ctx) };
                return Err(e);
            }
        }
    }
}

/// One CRL's entry: its bytes and encoding.
///
/// # Safety
/// `ctx` must be a valid CRL context.
unsafe fn read_crl(ctx: *const CRL_CONTEXT) -> Result<StoreCrl, WinError> {
    // SAFETY: the caller's contract; its encoded bytes are `cbCrlEncoded` long.
    let crl = unsafe { &*ctx };
    Ok(StoreCrl {
        // SAFETY: as above.
        der: unsafe { encoded(crl.pbCrlEncoded, crl.cbCrlEncoded) },
        encoding: Encoding::of(crl.dwCertEncodingType),
    })
}

/// One certificate's entry: its bytes, encoding and trust (property first, then extension).
///
/// # Safety
/// `ctx` must be a valid certificate context.
unsafe fn read_certificate(ctx: *const CERT_CONTEXT) -> Result<StoreCert, WinError> {
    // SAFETY: the caller guarantees `ctx` is valid.
    let cert = unsafe { &*ctx };
    // SAFETY: `ctx` is valid (caller).
    let mut trust = unsafe { key_usage(ctx, CERT_FIND_PROP_ONLY_ENHKEY_USAGE_FLAG) }?;
    if trust == Trust::All {
        // SAFETY: as above.
        trust = unsafe { key_usage(ctx, CERT_FIND_EXT_ONLY_ENHKEY_USAGE_FLAG) }?;
    }
    Ok(StoreCert {
        // SAFETY: the context's encoded bytes are `cbCertEncoded` long.
        der: unsafe { encoded(cert.pbCertEncoded, cert.cbCertEncoded) },
        encoding: Encoding::of(cert.dwCertEncodingType),
        trust,
    })
}

/// The certificate's enhanced key usage from one source (`flags`: property or extension).
/// `CRYPT_E_NOT_FOUND` means no restriction.
///
/// # Safety
/// `ctx` must be a valid certificate context.
unsafe fn key_usage(ctx: *const CERT_CONTEXT, flags: u32) -> Result<Trust, WinError> {
    let not_found = |e: WinError| {
        if e.0 == CRYPT_E_NOT_FOUND as u32 {
            Ok(Trust::All)
        } else {
            Err(e)
        }
    };
    let mut size = 0u32;
    // SAFETY: `ctx` is valid (caller); a NULL buffer asks for the size only.
    if unsafe { CertGetEnhancedKeyUsage(ctx, flags, ptr::null_mut(), &mut size) } == 0 {
        return not_found(WinError::last());
    }
    // A CTL_USAGE followed by its pointer array and strings: u64 cells keep it aligned.
    let mut buf = vec![0u64; (size as usize).div_ceil(8).max(1)];
    let usage = buf.as_mut_ptr().cast::<CTL_USAGE>();
    // SAFETY: `buf` holds at least `size` writable, aligned bytes.
    if unsafe { CertGetEnhancedKeyUsage(ctx, flags, usage, &mut size) } == 0 {
        return not_found(WinError::last());
    }
    // SAFETY: filled by the call above; its pointers point into `buf`, alive here.
    let usage = unsafe { &*usage };
    let mut oids = Vec::new();
    for i in 0..usage.cUsageIdentifier as usize {
        // SAFETY: the array has `cUsageIdentifier` entries.
        let oid = unsafe { *usage.rgpszUsageIdentifier.add(i) };
        if !oid.is_null() {
            // SAFETY: each non-NULL entry is a NUL-terminated string inside `buf`.
            oids.push(
                unsafe { CStr::from_ptr(oid.cast_const().cast()) }
                    .to_bytes()
                    .to_vec(),
            );
        }
    }
    Ok(Trust::Oids(oids))
}

/// Sets a certificate's enhanced-key-usage property.
///
/// # Safety
/// `ctx` must be a valid certificate context.
unsafe fn set_usage_property(ctx: *const CERT_CONTEXT, oids: &[&CStr]) -> Result<(), WinError> {
    let mut ptrs: Vec<*mut u8> = oids.iter().map(|o| o.as_ptr() as *mut u8).collect();
    let usage = CTL_USAGE {
        cUsageIdentifier: u32::try_from(ptrs.len()).map_err(|_| WinError(87))?,
        rgpszUsageIdentifier: ptrs.as_mut_ptr(),
    };
    // SAFETY: `ctx` is a valid context; `usage` and the strings it points to outlive the call,
    // which copies them into the property (it does not write through the pointers).
    if unsafe { CertSetEnhancedKeyUsage(ctx, &usage) } == 0 {
        Err(WinError::last())
    } else {
        Ok(())
    }
}
