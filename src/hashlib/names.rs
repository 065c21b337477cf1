//! Which digests exist and what they are called: Python 3's names (`sha3_256`, `shake_128`,
//! `sha512_224`, `blake2b`) beside OpenSSL's (`sha3-256`, `shake128`, `sha512-224`,
//! `blake2b512`), the name list `openssl_md_meth_names`, and the ready-made contexts the
//! `openssl_<name>` constructors copy.

use crate::ossl::digest::{table_names, DigestCtx, DigestTemplate, MessageDigest};
use std::sync::{Mutex, OnceLock};

/// The named constructors, `openssl_<name>`: 2.7's six, then Python 3.9's SHA-3 and SHAKE.
pub(crate) const CONSTRUCTOR_NAMES: [&str; 12] = [
    "md5",
    "sha1",
    "sha224",
    "sha256",
    "sha384",
    "sha512",
    "sha3_224",
    "sha3_256",
    "sha3_384",
    "sha3_512",
    "shake_128",
    "shake_256",
];

/// Python 3's spelling and OpenSSL's, for the names where they differ.
const PY_TO_OPENSSL: [(&str, &str); 10] = [
    ("sha3_224", "sha3-224"),
    ("sha3_256", "sha3-256"),
    ("sha3_384", "sha3-384"),
    ("sha3_512", "sha3-512"),
    ("shake_128", "shake128"),
    ("shake_256", "shake256"),
    ("sha512_224", "sha512-224"),
    ("sha512_256", "sha512-256"),
    ("blake2b", "blake2b512"),
    ("blake2s", "blake2s256"),
];

/// The name OpenSSL knows for `name`: Python 3's spellings are translated (in any case, as
/// OpenSSL's own lookup ignores case); anything else is passed through.
pub(crate) fn openssl_name(name: &[u8]) -> &[u8] {
    PY_TO_OPENSSL
        .iter()
        .find(|(py, _)| py.as_bytes().eq_ignore_ascii_case(name))
        .map_or(name, |(_, ossl)| ossl.as_bytes())
}

/// Python 3's name for a digest (`hmac-<name>`, `openssl_md_meth_names`): OpenSSL's long
/// name, lower case, with the spellings above translated back.
pub(crate) fn python_name(md: MessageDigest) -> String {
    let long = md.long_name();
    PY_TO_OPENSSL
        .iter()
        .find(|(_, ossl)| *ossl == long)
        .map_or(long, |(py, _)| (*py).to_owned())
}

/// Names already resolved, exactly as given: `hmac.new(k, m, 'sha256')` and `new('sha256')`
/// resolve the same few names on every call, and OpenSSL's name lookup (a locked hash table,
/// then our fetch cache keyed on the upper-cased name) is a good part of a short call.
/// Bounded, so arbitrary names cannot grow it; failures are not kept.
static RESOLVED: Mutex<Vec<(Vec<u8>, bool, MessageDigest)>> = Mutex::new(Vec::new());
const RESOLVED_MAX: usize = 64;

/// The digest `name` (either spelling) stands for, if a provider implements it.
pub(crate) fn digest_by_name(name: &[u8], usedforsecurity: bool) -> Option<MessageDigest> {
    let mut cache = RESOLVED.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, _, md)) = cache
        .iter()
        .find(|(n, s, _)| *s == usedforsecurity && n.as_slice() == name)
    {
        return Some(*md);
    }
    let md = MessageDigest::by_name_for(openssl_name(name), usedforsecurity)?;
    if cache.len() < RESOLVED_MAX {
        cache.push((name.to_vec(), usedforsecurity, md));
    }
    Some(md)
}

/// A context initialised at module init, copied by each `openssl_<name>()` call (2.7's
/// `CONST_new_*_ctx_p`). None when the digest is unavailable (FIPS mode, for example).
static TEMPLATES: OnceLock<Vec<Option<DigestTemplate>>> = OnceLock::new();

pub(crate) fn prepare_constructors() {
    TEMPLATES.get_or_init(|| {
        CONSTRUCTOR_NAMES
            .iter()
            .map(|name| {
                digest_by_name(name.as_bytes(), true).and_then(|md| DigestTemplate::new(md).ok())
            })
            .collect()
    });
}

/// A fresh context for constructor `index` of `CONSTRUCTOR_NAMES`, or None if unavailable.
/// `usedforsecurity == false` fetches with the relaxed query instead of copying the template.
pub(crate) fn constructor_context(index: usize, usedforsecurity: bool) -> Option<DigestCtx> {
    if !usedforsecurity {
        let md = digest_by_name(CONSTRUCTOR_NAMES.get(index)?.as_bytes(), false)?;
        return DigestCtx::new(md).ok();
    }
    let template = TEMPLATES.get()?.get(index)?.as_ref()?;
    template.instantiate().ok()
}

/// True when `new(name)` would work: OpenSSL knows the name and a context initialises.
pub(crate) fn is_usable(name: &str) -> bool {
    digest_by_name(name.as_bytes(), true).is_some_and(|md| DigestCtx::new(md).is_ok())
}

/// `openssl_md_meth_names`: OpenSSL's non-alias names (2.7's list), keeping only those `new()`
/// accepts (on OpenSSL 3 the table lists md4 and whirlpool even when no provider implements
/// them), plus Python 3's name for each, so code written for either finds its spelling.
pub(crate) fn available_names() -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for name in table_names().into_iter().filter(|n| is_usable(n)) {
        if let Some(md) = digest_by_name(name.as_bytes(), true) {
            names.push(python_name(md));
        }
        names.push(name);
    }
    names.sort();
    names.dedup();
    names
}

#[cfg(test)]
mod tests {
    use super::{digest_by_name, openssl_name, python_name};

    #[test]
    fn python_names_translate_both_ways() {
        assert_eq!(openssl_name(b"sha3_256"), b"sha3-256");
        assert_eq!(openssl_name(b"SHAKE_128"), b"shake128");
        assert_eq!(openssl_name(b"sha256"), b"sha256");
        for (given, python) in [
            ("sha3-256", "sha3_256"),
            ("sha3_512", "sha3_512"),
            ("shake128", "shake_128"),
            ("SHA512-224", "sha512_224"),
            ("SHA256", "sha256"),
            ("md5-sha1", "md5-sha1"),
        ] {
            let md = digest_by_name(given.as_bytes(), true).expect(given);
            assert_eq!(python_name(md), python, "{given}");
        }
    }

    /// `HASH.name` finds a constructor's shared name from the digest: each constructor's
    /// digest must be named that constructor's name again (either `usedforsecurity`).
    #[test]
    fn constructor_names_round_trip() {
        for name in super::CONSTRUCTOR_NAMES {
            for usedforsecurity in [true, false] {
                let md = digest_by_name(name.as_bytes(), usedforsecurity).expect(name);
                assert_eq!(python_name(md), name);
            }
        }
    }
}
