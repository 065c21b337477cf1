//! `_ssl.enum_certificates` and `_ssl.enum_crls` (Windows only, as in 2.7.18): the system
//! certificate stores, read by `crate::win::certstore`, turned into 2.7's Python values.
//! 2.7.18's `ssl.py` imports both on Windows; `create_default_context()` loads the "CA" and
//! "ROOT" stores through them.

use crate::parse_args;
use crate::py::args::StrArg;
use crate::py::boundary::{Args, KwArgs};
use crate::py::module::ModuleBuilder;
use crate::py::{value, Owned, PyErr, PyResult, Python};
use crate::win::certstore::{self, Encoding, Trust, WinError};
use std::ffi::{CStr, CString};

const ENUM_CERTIFICATES_DOC: &CStr = c"enum_certificates(store_name) -> []\n\
\n\
Return the certificates of the Windows system store store_name ('CA',\n\
'ROOT', 'MY' or another one) as a list of (bytes, encoding_type, trust)\n\
tuples: encoding_type is 'x509_asn' or 'pkcs_7_asn' (else its number), and\n\
trust is True or the set of OIDs the certificate may be used for.";
const ENUM_CRLS_DOC: &CStr = c"enum_crls(store_name) -> []\n\
\n\
Return the CRLs of the Windows system store store_name as a list of\n\
(bytes, encoding_type) tuples, encoding_type as for enum_certificates().";

pub(crate) fn add_functions(m: ModuleBuilder) -> ModuleBuilder {
    crate::py_members!(m, module {
        function keywords c"enum_certificates" => enum_certificates, ENUM_CERTIFICATES_DOC;
        function keywords c"enum_crls" => enum_crls, ENUM_CRLS_DOC;
    })
}

/// The one `store_name` argument, with 2.7's parsing (and its error messages).
fn store_name(args: Args<'_>, format: &CStr) -> PyResult<CString> {
    parse_args!(args, format => keywords(store_name: StrArg::new()));
    Ok(CString::new(store_name.bytes().unwrap_or_default()).expect("`s` has no NUL"))
}

fn windows_error(e: WinError) -> PyErr {
    PyErr::from_windows_error(e.0)
}

/// 2.7's encoding names: `'x509_asn'`, `'pkcs_7_asn'`, else the number.
fn encoding(e: Encoding) -> PyResult<Owned> {
    match e {
        Encoding::X509Asn => value::bytes(b"x509_asn"),
        Encoding::Pkcs7Asn => value::bytes(b"pkcs_7_asn"),
        // 2.7: `PyInt_FromLong(dwCertEncodingType)`, the DWORD converted to a C long.
        Encoding::Other(n) => value::int(n as std::ffi::c_long),
    }
}

/// What both functions do: read the store named by the argument (GIL released), then make
/// the list of each entry's Python value.
fn store_entries<T: Send>(
    py: Python<'_>,
    args: KwArgs<'_>,
    format: &CStr,
    read: fn(&CStr) -> Result<Vec<T>, WinError>,
    entry: impl Fn(T) -> PyResult<Owned>,
) -> PyResult<Owned> {
    let name = store_name(args.into(), format)?;
    let found = py.allow_threads(|| read(&name)).map_err(windows_error)?;
    value::list(found.into_iter().map(entry).collect::<PyResult<_>>()?)
}

/// Python: `_ssl.enum_certificates(store_name)`.
fn enum_certificates(py: Python<'_>, args: KwArgs<'_>) -> PyResult<Owned> {
    store_entries(
        py,
        args,
        c"s:enum_certificates",
        certstore::enum_certificates,
        |cert| {
            let trust = match cert.trust {
                Trust::All => value::boolean(true),
                Trust::Oids(oids) => value::set(
                    oids.iter()
                        .map(|oid| value::bytes(oid))
                        .collect::<PyResult<_>>()?,
                )?,
            };
            value::tuple(vec![
                value::bytes(&cert.der)?,
                encoding(cert.encoding)?,
                trust,
            ])
        },
    )
}

/// Python: `_ssl.enum_crls(store_name)`.
fn enum_crls(py: Python<'_>, args: KwArgs<'_>) -> PyResult<Owned> {
    store_entries(py, args, c"s:enum_crls", certstore::enum_crls, |crl| {
        value::tuple(vec![value::bytes(&crl.der)?, encoding(crl.encoding)?])
    })
}
