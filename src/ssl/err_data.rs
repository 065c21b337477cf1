//! Names for OpenSSL error codes: the data behind `_ssl.lib_codes_to_names`,
//! `_ssl.err_codes_to_names`, `_ssl.err_names_to_codes`, and the `[LIB: REASON]` prefix and
//! `library` / `reason` attributes of `SSLError`.
//!
//! Stock CPython 2.7.18 compiled in a table from the OpenSSL 1.0.2 era: under OpenSSL 3, 95 of
//! its 387 `(lib, reason)` keys name a different error (20/294, OpenSSL 3's "unexpected eof
//! while reading", shows as `KRB5_S_TKT_NYV`) and 23 name reasons that no longer exist. The
//! tables here are generated from the headers of the OpenSSL line the crate is built
//! against, one file per line, because the numbering differs between 1.1.1, 3.x and 4.x.
//!
//! What the tables hold:
//!
//! * **Libraries**: every `ERR_LIB_*` of `err.h` (46 on 3.x), as CPython 3 lists them, not
//!   only the PEM / X509 / SSL of stock 2.7. Errors from ASN1, EVP, EC and the others
//!   therefore get a `[ASN1: ...]` prefix and a `library` where 2.7 left them bare. 2.7's
//!   tests match messages with `re.search`, so both forms pass; the full list is what a
//!   user comparing with Python 3 expects. `ERR_LIB_OFFSET` and `ERR_LIB_MASK`, which
//!   CPython 3.11 lists by accident, describe code packing and are left out.
//! * **Reasons**: every `<LIB>_R_*` of the public `<lib>err.h` headers, for all libraries.
//!   Common `ERR_R_*` reasons ("PEM lib", "malloc failure") are left out, as in 2.7 and 3.x:
//!   their messages stay `[SSL] PEM lib`. Reasons of libraries whose headers OpenSSL does
//!   not install (DSO, SM2, PROP on 3.x) have no mnemonic; OpenSSL's text still appears.
//!   On 3.0 the table agrees with CPython 3.11's on every key they share.
//! * **OpenSSL 4 renames**: 4.0 renamed fifteen SSL reasons (`SSLV3_ALERT_*` became
//!   `TLS_ALERT_*`, `SSL3_*` became `TLS_*`) and keeps the old names, with the same numbers,
//!   in `sslerr_legacy.h`. The old name is the one shown, because 2.7 code and 2.7's
//!   `test_ssl` compare `exc.reason` with `'SSLV3_ALERT_HANDSHAKE_FAILURE'`; both names are
//!   in [`REASON_CODES`].
//! * **Name to code**: a name used by several libraries (`BAD_DECRYPT` is EVP, PEM and PROV)
//!   maps to the library whose name sorts last, the result both 2.7.18 and 3.x produce
//!   (`INVALID_TRUST` -> X509 11/123, not SSL). [`REASON_CODES`] is that mapping, one row
//!   per name; build `err_names_to_codes` from it, not by inverting [`REASON_NAMES`].
//!
//! Shape for the Python side: keys are `(int, int)` tuples and names are `str`, as in 2.7.
//! (Stock 2.7 made the `lib_codes_to_names` keys `long`; `int` compares and hashes equal.)
//!
//! The per-line files are written by `scripts/make_ssl_data.py`; do not edit them by hand.
//! Regenerate after changing OpenSSL headers:
//!
//! ```text
//! python3 scripts/make_ssl_data.py                       # system headers -> ossl300.rs here
//! python3 scripts/make_ssl_data.py --include DIR/include/openssl   # another OpenSSL
//! python3 scripts/make_ssl_data.py --check               # exit 1 if the file is stale
//! ```
//!
//! ossl111.rs came from openssl-src 111.28.2 (1.1.1w) and ossl400.rs from openssl-src
//! 400.0.2 (4.0.3). ossl300.rs came from the system's 3.0.19 headers, so a build against
//! a later 3.x (the `vendored` feature's 3.6) has no mnemonic for the reasons 3.1+ added;
//! 3.x only appends, so every name the table has is still right there.

// build.rs sets `pep466_ossl300` for every OpenSSL >= 3 and `pep466_ossl400` from 4 on, so
// the 3.x table must also exclude 4.x.
#[cfg(pep466_ossl400)]
mod ossl400;
#[cfg(pep466_ossl400)]
use ossl400 as table;

#[cfg(all(pep466_ossl300, not(pep466_ossl400)))]
mod ossl300;
#[cfg(all(pep466_ossl300, not(pep466_ossl400)))]
use ossl300 as table;

#[cfg(not(any(pep466_ossl300, pep466_ossl400)))]
mod ossl111;
#[cfg(not(any(pep466_ossl300, pep466_ossl400)))]
use ossl111 as table;

/// `(ERR_LIB_*, name)`, sorted by code: `lib_codes_to_names`.
pub(crate) use table::LIBRARY_NAMES;
/// `(name, lib, reason)`, sorted by name, names unique: `err_names_to_codes`.
pub(crate) use table::REASON_CODES;
/// `(lib, reason, name)`, sorted by `(lib, reason)`, keys unique: `err_codes_to_names`.
pub(crate) use table::REASON_NAMES;

/// The mnemonic of an `ERR_GET_LIB` value, e.g. 20 -> `"SSL"`.
pub(crate) fn library_name(lib: i32) -> Option<&'static str> {
    LIBRARY_NAMES
        .binary_search_by_key(&lib, |&(code, _)| code)
        .ok()
        .map(|i| LIBRARY_NAMES[i].1)
}

/// The mnemonic of an `(ERR_GET_LIB, ERR_GET_REASON)` pair, e.g. (20, 134) ->
/// `"CERTIFICATE_VERIFY_FAILED"`.
pub(crate) fn reason_name(lib: i32, reason: i32) -> Option<&'static str> {
    REASON_NAMES
        .binary_search_by_key(&(lib, reason), |&(l, r, _)| (l, r))
        .ok()
        .map(|i| REASON_NAMES[i].2)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code_of(name: &str) -> Option<(i32, i32)> {
        REASON_CODES
            .binary_search_by_key(&name, |&(n, _, _)| n)
            .ok()
            .map(|i| (REASON_CODES[i].1, REASON_CODES[i].2))
    }

    fn is_mnemonic(name: &str) -> bool {
        !name.is_empty()
            && name
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
    }

    #[test]
    fn tables_are_sorted_and_unique() {
        // Binary search and the dicts' sizes both depend on strict ordering.
        assert!(LIBRARY_NAMES.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(REASON_NAMES
            .windows(2)
            .all(|w| (w[0].0, w[0].1) < (w[1].0, w[1].1)));
        assert!(REASON_CODES.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn names_look_like_mnemonics() {
        assert!(LIBRARY_NAMES.iter().all(|&(_, n)| is_mnemonic(n)));
        assert!(REASON_NAMES.iter().all(|&(_, _, n)| is_mnemonic(n)));
        assert!(REASON_CODES.iter().all(|&(n, _, _)| is_mnemonic(n)));
    }

    #[test]
    fn every_reason_belongs_to_a_named_library() {
        for &(lib, reason, name) in REASON_NAMES {
            assert!(library_name(lib).is_some(), "{lib}/{reason} {name}");
            assert!(reason > 0, "{lib}/{reason} {name}");
        }
    }

    #[test]
    fn name_to_code_agrees_with_code_to_name() {
        // Every shown name must resolve, and every code it resolves to must exist.
        for &(_, _, name) in REASON_NAMES {
            assert!(code_of(name).is_some(), "{name}");
        }
        for &(name, lib, reason) in REASON_CODES {
            assert!(reason_name(lib, reason).is_some(), "{name}");
        }
    }

    #[test]
    fn shared_names_map_to_the_last_library_by_name() {
        // The rule stock 2.7.18 and CPython 3 follow; see the module docs.
        for &(name, lib, _) in REASON_CODES {
            let winner = library_name(lib).unwrap();
            for &(other, _, n) in REASON_NAMES {
                if n == name {
                    assert!(library_name(other).unwrap() <= winner, "{name}");
                }
            }
        }
        assert_eq!(code_of("INVALID_TRUST"), Some((11, 123)));
    }

    #[test]
    fn libraries_2_7_looks_for() {
        assert_eq!(library_name(9), Some("PEM"));
        assert_eq!(library_name(11), Some("X509"));
        assert_eq!(library_name(20), Some("SSL"));
        assert_eq!(library_name(13), Some("ASN1"));
        assert_eq!(library_name(6), Some("EVP"));
        assert_eq!(library_name(34), Some("X509V3"));
        assert_eq!(library_name(0), None);
        assert_eq!(library_name(12), None);
        assert_eq!(library_name(255), None);
    }

    #[test]
    fn reasons_2_7_tests_check() {
        // Stable across 1.1.1, 3.x and 4.x; test_ssl asserts these names.
        assert_eq!(reason_name(20, 134), Some("CERTIFICATE_VERIFY_FAILED"));
        assert_eq!(reason_name(9, 108), Some("NO_START_LINE"));
        assert_eq!(reason_name(11, 116), Some("KEY_VALUES_MISMATCH"));
        assert_eq!(reason_name(20, 193), Some("NO_SHARED_CIPHER"));
        assert_eq!(reason_name(20, 1049), Some("TLSV1_ALERT_ACCESS_DENIED"));
        assert_eq!(reason_name(20, 1040), Some("SSLV3_ALERT_HANDSHAKE_FAILURE"));
        assert_eq!(reason_name(20, 1080), Some("TLSV1_ALERT_INTERNAL_ERROR"));
        assert_eq!(code_of("NO_START_LINE"), Some((9, 108)));
        assert_eq!(code_of("CERTIFICATE_VERIFY_FAILED"), Some((20, 134)));
        assert_eq!(code_of("SSLV3_ALERT_HANDSHAKE_FAILURE"), Some((20, 1040)));
        assert_eq!(reason_name(20, 0), None);
        assert_eq!(reason_name(2, 2), None);
    }

    #[test]
    fn stock_misnamed_keys_are_corrected() {
        // Keys stock 2.7.18 labels with their OpenSSL 1.0.2 meaning (Appendix A of the
        // API inventory); every supported line agrees on the corrected names.
        assert_eq!(reason_name(20, 101), Some("NO_SUITABLE_KEY_SHARE"));
        assert_eq!(reason_name(20, 376), Some("NO_SHARED_SIGNATURE_ALGORITHMS"));
        assert_eq!(code_of("KRB5_S_TKT_NYV"), None);
    }

    #[cfg(any(pep466_ossl300, pep466_ossl400))]
    #[test]
    fn openssl3_reasons() {
        assert_eq!(reason_name(20, 294), Some("UNEXPECTED_EOF_WHILE_READING"));
        assert_eq!(
            reason_name(20, 118),
            Some("NO_SUITABLE_SIGNATURE_ALGORITHM")
        );
        assert_eq!(
            reason_name(20, 291),
            Some("APPLICATION_DATA_AFTER_CLOSE_NOTIFY")
        );
        assert_eq!(reason_name(13, 123), Some("HEADER_TOO_LONG"));
        assert_eq!(reason_name(13, 142), Some("NOT_ENOUGH_DATA"));
        assert_eq!(reason_name(20, 407), Some("SHUTDOWN_WHILE_IN_INIT"));
        assert_eq!(
            reason_name(20, 1116),
            Some("TLSV13_ALERT_CERTIFICATE_REQUIRED")
        );
        assert_eq!(library_name(57), Some("PROV"));
        assert_eq!(library_name(61), Some("HTTP"));
        assert_eq!(library_name(23), None, "ERR_LIB_OFFSET is not a library");
        assert_eq!(code_of("UNEXPECTED_EOF_WHILE_READING"), Some((20, 294)));
    }

    #[cfg(all(pep466_ossl300, not(pep466_ossl400)))]
    #[test]
    fn openssl3_only_reasons() {
        assert_eq!(reason_name(38, 116), Some("NO_SUCH_ENGINE"));
        assert_eq!(code_of("TLS_ALERT_HANDSHAKE_FAILURE"), None);
    }

    #[cfg(pep466_ossl400)]
    #[test]
    fn openssl4_keeps_2_7_names_and_accepts_new_ones() {
        assert_eq!(code_of("TLS_ALERT_HANDSHAKE_FAILURE"), Some((20, 1040)));
        assert_eq!(reason_name(20, 300), Some("SSL3_SESSION_ID_TOO_LONG"));
        assert_eq!(code_of("TLS_SESSION_ID_TOO_LONG"), Some((20, 300)));
        // 4.0 reuses numbers 3.x had retired.
        assert_eq!(reason_name(20, 382), Some("QUIC_PROTOCOL_ERROR"));
        assert_eq!(reason_name(38, 116), None, "ENGINE is gone in 4.0");
    }

    #[cfg(not(any(pep466_ossl300, pep466_ossl400)))]
    #[test]
    fn openssl111_reasons() {
        // 1.1.1w has no UNEXPECTED_EOF_WHILE_READING (1.1.1e added it, 1.1.1f reverted).
        assert_eq!(reason_name(20, 294), Some("OCSP_CALLBACK_FAILURE"));
        assert_eq!(reason_name(6, 151), Some("OPERATON_NOT_INITIALIZED"));
        assert_eq!(library_name(57), None);
        assert_eq!(code_of("UNEXPECTED_EOF_WHILE_READING"), None);
    }
}
