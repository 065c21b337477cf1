//! The module-level functions of `_ssl`: `_test_decode_cert`, the `RAND_*` family,
//! `txt2obj` / `nid2obj` and `get_default_verify_paths`.
//!
//! `RAND_egd` is not offered: OpenSSL removed it in 1.1.0 (stock 2.7.18 omits it there too;
//! `ssl.py` imports it inside try/except). `RAND_bytes` and `RAND_pseudo_bytes` are the
//! Python 3.3 additions. Windows' `enum_certificates` / `enum_crls` are in `winstore.rs`.

use crate::ossl::obj::{Asn1Object, ObjectInfo};
use crate::ossl::x509::{default_cert_paths, LoadFileError, X509};
use crate::ossl::{error::OsslError, rand};
use crate::parse_args;
use crate::py::args::{DoubleArg, IntArg, ObjectArg, StrArg, StrLenArg};
use crate::py::boundary::{Args, KwArgs};
use crate::py::err::Builtin;
use crate::py::module::ModuleBuilder;
use crate::py::{value, Owned, PyErr, PyResult, Python};
use crate::ssl::cert::decode_certificate;
use crate::ssl::errors::{class, ssl_error_plain, ErrorClass};
use std::ffi::{CStr, CString};

const RAND_ADD_DOC: &CStr = c"RAND_add(string, entropy)\n\
\n\
Mix string into the OpenSSL PRNG state.  entropy (a float) is a lower\n\
bound on the entropy contained in string.  See RFC 4086.";
const RAND_STATUS_DOC: &CStr = c"RAND_status() -> 0 or 1\n\
\n\
Returns 1 if the OpenSSL PRNG has been seeded with enough data and 0 if not.";
const RAND_BYTES_DOC: &CStr = c"RAND_bytes(n) -> bytes\n\
\n\
Generate n cryptographically strong pseudo-random bytes.";
const RAND_PSEUDO_BYTES_DOC: &CStr = c"RAND_pseudo_bytes(n) -> (bytes, is_cryptographic)\n\
\n\
Generate n pseudo-random bytes. is_cryptographic is True if the bytes\n\
generated are cryptographically strong.";
const TXT2OBJ_DOC: &CStr = c"txt2obj(txt, name=False) -> (nid, shortname, longname, oid)\n\
\n\
Look up the NID, short name, long name and OID of an ASN1_OBJECT. By default\n\
only OIDs are accepted; with name=True short and long names match too.";
const NID2OBJ_DOC: &CStr = c"nid2obj(nid) -> (nid, shortname, longname, oid)\n\
\n\
Look up the NID, short name, long name and OID of an ASN1_OBJECT by NID.";
const PATHS_DOC: &CStr = c"get_default_verify_paths() -> tuple\n\
\n\
The search paths and environment variables SSLContext's\n\
set_default_verify_paths() uses to load default CAs:\n\
'cert_file_env', 'cert_file', 'cert_dir_env', 'cert_dir'.";

pub(crate) fn add_functions(m: ModuleBuilder) -> ModuleBuilder {
    crate::py_members!(m, module {
        function varargs c"_test_decode_cert" => test_decode_cert, c"";
        function varargs c"RAND_add" => rand_add, RAND_ADD_DOC;
        function noargs c"RAND_status" => rand_status, RAND_STATUS_DOC;
        function varargs c"RAND_bytes" => rand_bytes, RAND_BYTES_DOC;
        function varargs c"RAND_pseudo_bytes" => rand_pseudo_bytes, RAND_PSEUDO_BYTES_DOC;
        function keywords c"txt2obj" => txt2obj, TXT2OBJ_DOC;
        function varargs c"nid2obj" => nid2obj, NID2OBJ_DOC;
        function noargs c"get_default_verify_paths" => get_default_verify_paths, PATHS_DOC;
        // Python 3.15 (NotImplementedError before OpenSSL 3.4): src/ssl/context/groups.rs.
        function noargs c"get_sigalgs" => crate::ssl::context::get_sigalgs, c"";
    })
}

/// Python: `_ssl._test_decode_cert(path)`: the dict of the first PEM certificate of a file.
fn test_decode_cert(py: Python<'_>, args: Args<'_>) -> PyResult<Owned> {
    parse_args!(args, c"s:test_decode_certificate" => positional(path: StrArg::new()));
    let path = CString::new(path.bytes().unwrap_or_default()).expect("`s` has no NUL");
    // 2.7 raises these bare (shape D) messages and ignores OpenSSL's reason.
    let cert = X509::load_pem_file(&path).map_err(|e| match e {
        LoadFileError::Open => ssl_error_plain("Can't open file"),
        LoadFileError::Decode => ssl_error_plain("Error decoding PEM-encoded file"),
    })?;
    // Whatever PEM parsing left queued must not be reported as a later decoding error.
    drop(OsslError::take());
    decode_certificate(py, &cert)
}

/// Python: `_ssl.RAND_add(string, entropy)`.
fn rand_add(py: Python<'_>, args: Args<'_>) -> PyResult<Owned> {
    parse_args!(args, c"s#d:RAND_add" => positional(data: StrLenArg::new(), entropy: DoubleArg(0.0)));
    let (data, entropy) = (data.bytes().unwrap_or_default().to_vec(), entropy.0);
    py.allow_threads(move || rand::add(&data, entropy));
    Ok(value::none())
}

/// Python: `_ssl.RAND_status()`: `1L` or `0L` (a long, as 2.7's `PyLong_FromLong`).
fn rand_status(_py: Python<'_>) -> PyResult<Owned> {
    value::long(rand::status().into())
}

/// The count argument of `RAND_bytes` / `RAND_pseudo_bytes` (Python 3: "num must be
/// positive").
fn byte_count(args: Args<'_>, format: &CStr) -> PyResult<usize> {
    parse_args!(args, format => positional(n: IntArg(0)));
    usize::try_from(n.0).map_err(|_| PyErr::new(Builtin::ValueError, "num must be positive"))
}

/// Python 3's RAND failure: `SSLError(code, reason)` from the queued error.
fn rand_error(err: &OsslError) -> PyErr {
    let build = || -> PyResult<PyErr> {
        let reason = match &err.reason_text {
            Some(t) => value::bytes(t.as_bytes())?,
            None => value::none(),
        };
        let args = value::tuple(vec![value::ulong(err.code)?, reason])?;
        Ok(PyErr::with_value(class(ErrorClass::SslError), args))
    };
    build().unwrap_or_else(|e| e)
}

/// Python: `_ssl.RAND_bytes(n)` (Python 3.3).
fn rand_bytes(py: Python<'_>, args: Args<'_>) -> PyResult<Owned> {
    let n = byte_count(args, c"i:RAND_bytes")?;
    let mut out = value::zeroed_buffer(n)?;
    py.allow_threads(|| rand::fill(&mut out))
        .map_err(|e| rand_error(&e))?;
    value::bytes(&out)
}

/// Python: `_ssl.RAND_pseudo_bytes(n)` (Python 3.3): `(bytes, is_cryptographic)`. OpenSSL
/// 1.1 dropped the separate pseudo generator, so (as in Python 3) this is `RAND_bytes` and
/// the flag says whether it succeeded.
fn rand_pseudo_bytes(py: Python<'_>, args: Args<'_>) -> PyResult<Owned> {
    let n = byte_count(args, c"i:RAND_pseudo_bytes")?;
    let mut out = value::zeroed_buffer(n)?;
    py.allow_threads(|| rand::fill(&mut out))
        .map_err(|e| rand_error(&e))?;
    value::tuple(vec![value::bytes(&out)?, value::boolean(true)])
}

/// 2.7's `asn1obj2py`: `(nid, shortname, longname, oid or None)`.
fn object_tuple(obj: &Asn1Object) -> PyResult<Owned> {
    let ObjectInfo {
        nid,
        short_name,
        long_name,
        oid,
    } = obj.info();
    if nid == 0 {
        return Err(PyErr::new(Builtin::ValueError, "Unknown object"));
    }
    let text = |s: Option<String>| match s {
        Some(s) => value::bytes(s.as_bytes()),
        None => Ok(value::none()),
    };
    value::tuple(vec![
        value::int(nid.into())?,
        text(short_name)?,
        text(long_name)?,
        text((!oid.is_empty()).then_some(oid))?,
    ])
}

/// Python: `_ssl.txt2obj(txt, name=False)`.
fn txt2obj(_py: Python<'_>, args: KwArgs<'_>) -> PyResult<Owned> {
    parse_args!(args, c"s|O:txt2obj" => keywords(txt: StrArg::new(), name: ObjectArg::new()));
    let by_name = name.flag()?;
    let raw = txt.bytes().unwrap_or_default();
    let c_txt = CString::new(raw).expect("`s` has no NUL");
    match Asn1Object::from_text(&c_txt, !by_name) {
        Some(obj) => object_tuple(&obj),
        None => {
            // 2.7: "unknown object '%.100s'" (at most 100 bytes of the input).
            let shown = String::from_utf8_lossy(&raw[..raw.len().min(100)]).into_owned();
            Err(PyErr::new(
                Builtin::ValueError,
                &format!("unknown object '{shown}'"),
            ))
        }
    }
}

/// Python: `_ssl.nid2obj(nid)`.
fn nid2obj(_py: Python<'_>, args: Args<'_>) -> PyResult<Owned> {
    parse_args!(args, c"i:nid2obj" => positional(nid: IntArg(0)));
    if nid.0 < 0 {
        return Err(PyErr::new(Builtin::ValueError, "NID must be positive."));
    }
    match Asn1Object::from_nid(nid.0) {
        Some(obj) => object_tuple(&obj),
        None => Err(PyErr::new(
            Builtin::ValueError,
            &format!("unknown NID {}", nid.0),
        )),
    }
}

/// Python: `_ssl.get_default_verify_paths()`.
fn get_default_verify_paths(_py: Python<'_>) -> PyResult<Owned> {
    let items = default_cert_paths()
        .iter()
        .map(|p| match p {
            Some(bytes) => value::bytes(bytes),
            None => Ok(value::none()),
        })
        .collect::<PyResult<Vec<_>>>()?;
    value::tuple(items)
}
