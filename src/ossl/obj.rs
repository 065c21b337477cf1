//! ASN.1 object identifiers as OpenSSL's object table knows them (`OBJ_*`).

use crate::ossl::asn1::obj2txt;
use crate::ossl::owned::owned;
use openssl_sys as sys;
use std::ffi::{c_int, CStr};
use std::ptr::NonNull;

owned! {
    /// An owned `ASN1_OBJECT` (static table objects, which `OBJ_nid2obj` returns, are left
    /// alone by `ASN1_OBJECT_free`).
    pub(crate) struct Asn1Object(sys::ASN1_OBJECT);
    free = sys::ASN1_OBJECT_free;
}

/// What `_ssl.txt2obj` / `nid2obj` report about an object.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct ObjectInfo {
    /// `NID_undef` (0) when OpenSSL's table does not know the OID.
    pub(crate) nid: c_int,
    pub(crate) short_name: Option<String>,
    pub(crate) long_name: Option<String>,
    /// The dotted OID; empty when the object has none.
    pub(crate) oid: String,
}

impl Asn1Object {
    /// `OBJ_txt2obj(txt, no_name)`: with `no_name` only a dotted OID is accepted, otherwise
    /// short and long names too.
    pub(crate) fn from_text(txt: &CStr, no_name: bool) -> Option<Asn1Object> {
        // SAFETY: NUL-terminated input; returns a new object or NULL.
        let p = unsafe { sys::OBJ_txt2obj(txt.as_ptr(), c_int::from(no_name)) };
        // SAFETY: a failed lookup queues errors nobody reports.
        unsafe { sys::ERR_clear_error() };
        NonNull::new(p).map(Asn1Object)
    }

    /// `OBJ_nid2obj(nid)`.
    pub(crate) fn from_nid(nid: c_int) -> Option<Asn1Object> {
        // SAFETY: any nid is accepted; returns an object (a static one for table entries,
        // which ASN1_OBJECT_free leaves alone) or NULL.
        let p = unsafe { sys::OBJ_nid2obj(nid) };
        // SAFETY: an unknown nid queues an error nobody reports.
        unsafe { sys::ERR_clear_error() };
        NonNull::new(p).map(Asn1Object)
    }

    pub(crate) fn info(&self) -> ObjectInfo {
        let obj = self.as_ptr();
        // SAFETY: live object; the name lookups return static strings or NULL.
        unsafe {
            let nid = sys::OBJ_obj2nid(obj);
            ObjectInfo {
                nid,
                short_name: crate::ossl::static_text(sys::OBJ_nid2sn(nid)),
                long_name: crate::ossl::static_text(sys::OBJ_nid2ln(nid)),
                oid: obj2txt(obj, true).unwrap_or_default(),
            }
        }
    }
}
