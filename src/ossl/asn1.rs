//! Reading ASN.1 values OpenSSL hands out (objects, strings, integers, times) as plain Rust
//! data. The pointers passed in are borrowed from a live owner (an `X509` or a decoded
//! extension); callers in `ossl` guarantee that.

use crate::ossl::bio::{first_line, Bio};
use crate::ossl::error::OsslError;
use openssl_sys as sys;
use std::ffi::{c_char, c_int};

/// `OBJ_obj2txt(obj, no_name)` in full: the long name (or short name) of a known object, or
/// its dotted OID, however long (2.7 used fixed buffers). Fails as OpenSSL does (3.0.9+
/// refuses to print OIDs whose encoding exceeds 586 bytes).
///
/// # Safety
/// `obj` is a live `ASN1_OBJECT`.
pub(crate) unsafe fn obj2txt(
    obj: *const sys::ASN1_OBJECT,
    no_name: bool,
) -> Result<String, OsslError> {
    let flag = c_int::from(no_name);
    let mut buf = vec![0u8; 256];
    loop {
        // SAFETY: the caller's contract for obj; buf is writable for its length. The return
        // is the full text length (excluding NUL) whatever the buffer size, 0 for an empty
        // object, or -1.
        let n = unsafe {
            sys::OBJ_obj2txt(
                buf.as_mut_ptr().cast::<c_char>(),
                buf.len() as c_int,
                obj,
                flag,
            )
        };
        if n < 0 {
            return Err(OsslError::take());
        }
        let n = n as usize;
        if n < buf.len() {
            buf.truncate(n);
            return Ok(String::from_utf8_lossy(&buf).into_owned());
        }
        buf.resize(n + 1, 0);
    }
}

/// The raw bytes of an `ASN1_STRING` (IA5String SAN entries keep embedded NULs).
///
/// # Safety
/// `s` is a live `ASN1_STRING` (or NULL, giving an empty vector).
pub(crate) unsafe fn string_bytes(s: *const sys::ASN1_STRING) -> Vec<u8> {
    if s.is_null() {
        return Vec::new();
    }
    // SAFETY: the caller's contract; data is valid for length bytes.
    unsafe {
        let len = sys::ASN1_STRING_length(s);
        let data = sys::ASN1_STRING_get0_data(s);
        if data.is_null() || len <= 0 {
            return Vec::new();
        }
        std::slice::from_raw_parts(data, len as usize).to_vec()
    }
}

/// `ASN1_STRING_to_UTF8`: any string type converted to UTF-8 (NULs kept). Fails for
/// strings OpenSSL cannot convert (e.g. a UTF8String that is not UTF-8).
///
/// # Safety
/// `s` is a live `ASN1_STRING`.
pub(crate) unsafe fn string_to_utf8(s: *const sys::ASN1_STRING) -> Result<Vec<u8>, OsslError> {
    let mut out: *mut u8 = std::ptr::null_mut();
    // SAFETY: the caller's contract; on success `out` is an OPENSSL_malloc'd buffer of n bytes
    // that we copy and free.
    unsafe {
        let n = sys::ASN1_STRING_to_UTF8(&mut out, s);
        if n < 0 {
            return Err(OsslError::take());
        }
        if out.is_null() {
            return Ok(Vec::new());
        }
        let v = std::slice::from_raw_parts(out, n as usize).to_vec();
        sys::OPENSSL_free(out.cast());
        Ok(v)
    }
}

/// An `ASN1_INTEGER` as sign and big-endian magnitude bytes.
///
/// # Safety
/// `i` is a live `ASN1_INTEGER`.
pub(crate) unsafe fn integer_parts(i: *const sys::ASN1_INTEGER) -> (bool, Vec<u8>) {
    // V_ASN1_NEG: the flag OpenSSL ORs into the type of negative INTEGER/ENUMERATED values.
    const V_ASN1_NEG: c_int = 0x100;
    // SAFETY: the caller's contract.
    unsafe {
        let negative = sys::ASN1_STRING_type(i.cast()) & V_ASN1_NEG != 0;
        (negative, string_bytes(i.cast()))
    }
}

/// `ASN1_TIME_print`, as 2.7 reads it: the first line, at most 2047 bytes
/// (`'Aug  7 13:11:52 2013 GMT'`, day space-padded). This printer's format is the same on
/// 1.1.1, 3.x and 4.x.
///
/// # Safety
/// `t` is a live `ASN1_TIME`.
pub(crate) unsafe fn time_text(t: *const sys::ASN1_TIME) -> Result<Vec<u8>, OsslError> {
    let bio = Bio::memory()?;
    // SAFETY: the caller's contract; the BIO is a live writable memory BIO. A bad time
    // prints "Bad time value" and returns 0, which 2.7 ignored: so do we.
    unsafe { sys::ASN1_TIME_print(bio.as_ptr(), t) };
    Ok(first_line(&bio.contents(), 2048).to_vec())
}
