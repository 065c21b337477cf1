//! The module constants of `_ssl`: stock 2.7.18's (values from the linked OpenSSL) plus a few
//! Python 3 additions that only name OpenSSL bits (documented below and in
//! tests/python/test_ssl_module_parity.py).
//!
//! Not exported, as in stock 2.7.18 on OpenSSL >= 1.1: `PROTOCOL_SSLv2` (OpenSSL 1.1 removed
//! SSLv2) and `PROTOCOL_SSLv3` (no OpenSSL we support is built with SSLv3 by default, and
//! `_SSLContext` refuses it). `ssl.py` and `test_ssl` loop over every `PROTOCOL_*` name, so
//! one the context cannot make would break them.

use crate::ossl::compat;
use crate::py::module::Module;
use crate::py::{value, PyResult, Python};
use crate::ssl::errors::code;
use openssl_sys as sys;
use std::ffi::{c_long, CStr};

/// 2.7's own protocol numbers (`PY_SSL_VERSION_*`), not OpenSSL's.
const PROTOCOLS: [(&CStr, c_long); 5] = [
    (c"PROTOCOL_SSLv23", 2),
    (c"PROTOCOL_TLS", 2),
    (c"PROTOCOL_TLSv1", 3),
    (c"PROTOCOL_TLSv1_1", 4),
    (c"PROTOCOL_TLSv1_2", 5),
];

/// Python 3.7's `_ssl.PROTO_*`: TLS versions for `minimum_version`/`maximum_version`.
/// (`PROTOCOL_TLS_CLIENT`/`PROTOCOL_TLS_SERVER` are deliberately not among the `PROTOCOL_*`
/// names: 2.7's `ssl.py` and `test_ssl` treat every `PROTOCOL_*` of `_ssl` as a protocol for
/// both sides; pep466's Lib layer defines them in `ssl.py`.)
const PROTO_VERSIONS: [(&CStr, c_long); 7] = {
    use crate::ssl::context::versions as v;
    [
        (
            c"PROTO_MINIMUM_SUPPORTED",
            v::PROTO_MINIMUM_SUPPORTED as c_long,
        ),
        (
            c"PROTO_MAXIMUM_SUPPORTED",
            v::PROTO_MAXIMUM_SUPPORTED as c_long,
        ),
        (c"PROTO_SSLv3", v::PROTO_SSLV3 as c_long),
        (c"PROTO_TLSv1", v::PROTO_TLSV1 as c_long),
        (c"PROTO_TLSv1_1", v::PROTO_TLSV1_1 as c_long),
        (c"PROTO_TLSv1_2", v::PROTO_TLSV1_2 as c_long),
        (c"PROTO_TLSv1_3", v::PROTO_TLSV1_3 as c_long),
    ]
};

/// Python 3.7's `_ssl.HOSTFLAG_*`: OpenSSL's `X509_CHECK_FLAG_*` host-name rules (Python 3's
/// `ssl.py` derives `HAS_NEVER_CHECK_COMMON_NAME` from the last one's presence).
const HOST_FLAGS: [(&CStr, c_long); 6] = [
    (c"HOSTFLAG_ALWAYS_CHECK_SUBJECT", 0x1),
    (c"HOSTFLAG_NO_WILDCARDS", 0x2),
    (c"HOSTFLAG_NO_PARTIAL_WILDCARDS", 0x4),
    (c"HOSTFLAG_MULTI_LABEL_WILDCARDS", 0x8),
    (c"HOSTFLAG_SINGLE_LABEL_SUBDOMAINS", 0x10),
    (c"HOSTFLAG_NEVER_CHECK_SUBJECT", 0x20),
];

/// `SSL_OP_*` bits as the linked OpenSSL defines them. 2.7 stores them with
/// `PyModule_AddIntConstant`, i.e. as a C long.
fn options() -> Vec<(&'static CStr, u64)> {
    // OpenSSL 3 widened the option type to 64 bits; 1.1.1's is unsigned long.
    fn op(bits: impl Into<u64>) -> u64 {
        bits.into()
    }
    let mut ops = vec![
        // 2.7: SSL_OP_ALL without SSL_OP_DONT_INSERT_EMPTY_FRAGMENTS (CBC IV attack fix).
        (
            c"OP_ALL",
            op(sys::SSL_OP_ALL & !sys::SSL_OP_DONT_INSERT_EMPTY_FRAGMENTS),
        ),
        (c"OP_NO_SSLv2", op(sys::SSL_OP_NO_SSLv2)),
        (c"OP_NO_SSLv3", op(sys::SSL_OP_NO_SSLv3)),
        (c"OP_NO_TLSv1", op(sys::SSL_OP_NO_TLSv1)),
        (c"OP_NO_TLSv1_1", op(sys::SSL_OP_NO_TLSv1_1)),
        (c"OP_NO_TLSv1_2", op(sys::SSL_OP_NO_TLSv1_2)),
        (c"OP_NO_TLSv1_3", op(sys::SSL_OP_NO_TLSv1_3)),
        (
            c"OP_CIPHER_SERVER_PREFERENCE",
            op(sys::SSL_OP_CIPHER_SERVER_PREFERENCE),
        ),
        (c"OP_SINGLE_DH_USE", op(sys::SSL_OP_SINGLE_DH_USE)),
        (c"OP_SINGLE_ECDH_USE", op(sys::SSL_OP_SINGLE_ECDH_USE)),
        (c"OP_NO_COMPRESSION", op(sys::SSL_OP_NO_COMPRESSION)),
        (
            c"OP_ENABLE_MIDDLEBOX_COMPAT",
            op(sys::SSL_OP_ENABLE_MIDDLEBOX_COMPAT),
        ),
        // Python 3 additions: plain option bits the `options` property already accepts.
        // 3.6: no session tickets; 3.7: no renegotiation; 3.10: treat an EOF without
        // close_notify as a clean close (off by default, as in 3.10+); 3.12: allow
        // unpatched legacy renegotiation servers.
        (c"OP_NO_TICKET", op(sys::SSL_OP_NO_TICKET)),
        (c"OP_NO_RENEGOTIATION", op(sys::SSL_OP_NO_RENEGOTIATION)),
        (
            c"OP_LEGACY_SERVER_CONNECT",
            op(sys::SSL_OP_LEGACY_SERVER_CONNECT),
        ),
    ];
    // 3.10: treat an EOF without close_notify as a clean close (OpenSSL 3.0+ only).
    ops.extend(compat::OP_IGNORE_UNEXPECTED_EOF.map(|bits| (c"OP_IGNORE_UNEXPECTED_EOF", bits)));
    // 3.12: kernel TLS (OpenSSL 3.0+ only; off by default, as in Python 3).
    ops.extend(compat::OP_ENABLE_KTLS.map(|bits| (c"OP_ENABLE_KTLS", bits)));
    ops
}

// `unsigned long` flags are 32 bits on Windows: the casts are not useless there.
#[allow(clippy::unnecessary_cast)]
const VERIFY_FLAGS: [(&CStr, u64); 7] = [
    (c"VERIFY_DEFAULT", 0),
    (c"VERIFY_CRL_CHECK_LEAF", sys::X509_V_FLAG_CRL_CHECK as u64),
    (
        c"VERIFY_CRL_CHECK_CHAIN",
        (sys::X509_V_FLAG_CRL_CHECK | sys::X509_V_FLAG_CRL_CHECK_ALL) as u64,
    ),
    (c"VERIFY_X509_STRICT", sys::X509_V_FLAG_X509_STRICT as u64),
    // X509_V_FLAG_TRUSTED_FIRST (1.0.2+), not declared by openssl-sys.
    (c"VERIFY_X509_TRUSTED_FIRST", 0x8000),
    // Python 3.10 additions: trust intermediates in the store as anchors; allow proxy
    // certificates.
    (
        c"VERIFY_X509_PARTIAL_CHAIN",
        sys::X509_V_FLAG_PARTIAL_CHAIN as u64,
    ),
    (
        c"VERIFY_ALLOW_PROXY_CERTS",
        sys::X509_V_FLAG_ALLOW_PROXY_CERTS as u64,
    ),
];

/// TLS alert numbers (RFC 5246 §7.2 and RFC 6066), which OpenSSL's `SSL_AD_*` equal.
const ALERTS: [(&CStr, c_long); 27] = [
    (c"ALERT_DESCRIPTION_CLOSE_NOTIFY", 0),
    (c"ALERT_DESCRIPTION_UNEXPECTED_MESSAGE", 10),
    (c"ALERT_DESCRIPTION_BAD_RECORD_MAC", 20),
    (c"ALERT_DESCRIPTION_RECORD_OVERFLOW", 22),
    (c"ALERT_DESCRIPTION_DECOMPRESSION_FAILURE", 30),
    (c"ALERT_DESCRIPTION_HANDSHAKE_FAILURE", 40),
    (c"ALERT_DESCRIPTION_BAD_CERTIFICATE", 42),
    (c"ALERT_DESCRIPTION_UNSUPPORTED_CERTIFICATE", 43),
    (c"ALERT_DESCRIPTION_CERTIFICATE_REVOKED", 44),
    (c"ALERT_DESCRIPTION_CERTIFICATE_EXPIRED", 45),
    (c"ALERT_DESCRIPTION_CERTIFICATE_UNKNOWN", 46),
    (c"ALERT_DESCRIPTION_ILLEGAL_PARAMETER", 47),
    (c"ALERT_DESCRIPTION_UNKNOWN_CA", 48),
    (c"ALERT_DESCRIPTION_ACCESS_DENIED", 49),
    (c"ALERT_DESCRIPTION_DECODE_ERROR", 50),
    (c"ALERT_DESCRIPTION_DECRYPT_ERROR", 51),
    (c"ALERT_DESCRIPTION_PROTOCOL_VERSION", 70),
    (c"ALERT_DESCRIPTION_INSUFFICIENT_SECURITY", 71),
    (c"ALERT_DESCRIPTION_INTERNAL_ERROR", 80),
    (c"ALERT_DESCRIPTION_USER_CANCELLED", 90),
    (c"ALERT_DESCRIPTION_NO_RENEGOTIATION", 100),
    (c"ALERT_DESCRIPTION_UNSUPPORTED_EXTENSION", 110),
    (c"ALERT_DESCRIPTION_CERTIFICATE_UNOBTAINABLE", 111),
    (c"ALERT_DESCRIPTION_UNRECOGNIZED_NAME", 112),
    (c"ALERT_DESCRIPTION_BAD_CERTIFICATE_STATUS_RESPONSE", 113),
    (c"ALERT_DESCRIPTION_BAD_CERTIFICATE_HASH_VALUE", 114),
    (c"ALERT_DESCRIPTION_UNKNOWN_PSK_IDENTITY", 115),
];

/// 2.7's `enum py_ssl_error` (0, NONE, and 9, NO_SOCKET, are not exported).
const SSL_ERRORS: [(&CStr, i32); 9] = [
    (c"SSL_ERROR_ZERO_RETURN", code::ZERO_RETURN),
    (c"SSL_ERROR_WANT_READ", code::WANT_READ),
    (c"SSL_ERROR_WANT_WRITE", code::WANT_WRITE),
    (c"SSL_ERROR_WANT_X509_LOOKUP", code::WANT_X509_LOOKUP),
    (c"SSL_ERROR_SYSCALL", code::SYSCALL),
    (c"SSL_ERROR_SSL", code::SSL),
    (c"SSL_ERROR_WANT_CONNECT", code::WANT_CONNECT),
    (c"SSL_ERROR_EOF", code::EOF),
    (c"SSL_ERROR_INVALID_ERROR_CODE", code::INVALID_ERROR_CODE),
];

/// Feature flags (bools).
fn features() -> [(&'static CStr, bool); 12] {
    [
        (c"HAS_SNI", true),
        (c"HAS_TLS_UNIQUE", true),
        (c"HAS_ECDH", true),
        // False, as stock 2.7.18 and every Python 3 report on OpenSSL >= 1.1.1: NPN is
        // obsolete (ALPN replaced it). `_SSLContext._set_npn_protocols` and
        // `_SSLSocket.selected_npn_protocol` still exist and work (src/ossl/protos.rs), so
        // code that calls `set_npn_protocols` anyway keeps working.
        (c"HAS_NPN", false),
        (c"HAS_ALPN", true),
        (c"HAS_TLSv1_3", true),
        // Python 3.13's HAS_PSK (the PSK callbacks of `ssl::psk`).
        (c"HAS_PSK", crate::ossl::hooks::HAS_PSK),
        // Python 3.7 additions: which protocol versions this OpenSSL was built with
        // (SSLv2 is gone from 1.1+, SSLv3 from default builds; see the file docs).
        (c"HAS_SSLv2", false),
        (c"HAS_SSLv3", false),
        (c"HAS_TLSv1", true),
        (c"HAS_TLSv1_1", true),
        (c"HAS_TLSv1_2", true),
    ]
}

/// 2.7's `parse_openssl_version`: `(major, minor, fix, patch, status)` from the packed
/// number (on 3.x "fix" is always 0 and the patch release lands in "patch").
pub(crate) fn split_version(n: u64) -> [u64; 5] {
    [
        (n >> 28) & 0xff,
        (n >> 20) & 0xff,
        (n >> 12) & 0xff,
        (n >> 4) & 0xff,
        n & 0xf,
    ]
}

fn version_tuple(n: u64) -> PyResult<crate::py::Owned> {
    let items = split_version(n)
        .iter()
        .map(|&v| value::int(v as c_long))
        .collect::<PyResult<Vec<_>>>()?;
    value::tuple(items)
}

/// Python: the constants `init_ssl` adds.
pub(crate) fn add_constants(_py: Python<'_>, m: &Module) -> PyResult<()> {
    for (name, v) in PROTOCOLS
        .iter()
        .chain(ALERTS.iter())
        .chain(PROTO_VERSIONS.iter())
        .chain(HOST_FLAGS.iter())
    {
        m.add_int(name, *v)?;
    }
    for (name, bits) in options().into_iter().chain(VERIFY_FLAGS) {
        // As 2.7's PyModule_AddIntConstant: the value converted to a C long.
        m.add_int(name, bits as c_long)?;
    }
    for (name, v) in [
        (c"CERT_NONE", 0),
        (c"CERT_OPTIONAL", 1),
        (c"CERT_REQUIRED", 2),
    ] {
        m.add_int(name, v)?;
    }
    for (name, v) in SSL_ERRORS {
        m.add_int(name, c_long::from(v))?;
    }
    for (name, flag) in features() {
        m.add(name, value::boolean(flag))?;
    }
    // The library actually loaded (may be newer than the headers we were built with).
    let runtime = crate::ossl::version::runtime_number();
    m.add(
        c"OPENSSL_VERSION",
        value::bytes(crate::ossl::version::runtime_text().as_bytes())?,
    )?;
    m.add(c"OPENSSL_VERSION_INFO", version_tuple(runtime)?)?;
    m.add(c"OPENSSL_VERSION_NUMBER", value::ulong(runtime)?)?;
    m.add(
        c"_OPENSSL_API_VERSION",
        version_tuple(crate::ossl::version::build_number())?,
    )
}

#[cfg(test)]
mod tests {
    use super::split_version;

    #[test]
    fn versions_split_as_2_7_does() {
        assert_eq!(split_version(0x3000_0130), [3, 0, 0, 19, 0]);
        assert_eq!(split_version(0x1010_117f), [1, 1, 1, 23, 15]);
        assert_eq!(split_version(0x4000_0030), [4, 0, 0, 3, 0]);
    }

    #[test]
    fn option_values_on_this_openssl_line() {
        let ops = super::options();
        let get = |n: &str| ops.iter().find(|(k, _)| k.to_str() == Ok(n)).unwrap().1;
        assert_eq!(get("OP_NO_SSLv3"), 0x0200_0000);
        assert_eq!(get("OP_NO_TLSv1_3"), 0x2000_0000);
        assert_eq!(get("OP_NO_SSLv2"), 0);
        assert_eq!(get("OP_ALL") & 0x800, 0);
    }
}
