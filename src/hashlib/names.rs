//! Which digests exist: the name list `openssl_md_meth_names`, and the ready-made contexts the
//! `openssl_<name>` constructors copy.

use crate::ossl::digest::{table_names, DigestCtx, DigestTemplate, MessageDigest};
use std::sync::OnceLock;

/// The named constructors of 2.7's `_hashlib`, in its order.
pub(crate) const CONSTRUCTOR_NAMES: [&str; 6] =
    ["md5", "sha1", "sha224", "sha256", "sha384", "sha512"];

/// A context initialised at module init, copied by each `openssl_<name>()` call (2.7's
/// `CONST_new_*_ctx_p`). None when the digest is unavailable (FIPS mode, for example).
static TEMPLATES: OnceLock<Vec<Option<DigestTemplate>>> = OnceLock::new();

pub(crate) fn prepare_constructors() {
    TEMPLATES.get_or_init(|| {
        CONSTRUCTOR_NAMES
            .iter()
            .map(|name| {
                MessageDigest::by_name(name.as_bytes()).and_then(|md| DigestTemplate::new(md).ok())
            })
            .collect()
    });
}

/// A fresh context for constructor `index` of `CONSTRUCTOR_NAMES`, or None if unavailable.
pub(crate) fn constructor_context(index: usize) -> Option<DigestCtx> {
    let template = TEMPLATES.get()?.get(index)?.as_ref()?;
    template.instantiate().ok()
}

/// True when `new(name)` would work: OpenSSL knows the name and a context initialises.
pub(crate) fn is_usable(name: &str) -> bool {
    MessageDigest::by_name(name.as_bytes()).is_some_and(|md| DigestCtx::new(md).is_ok())
}

/// `openssl_md_meth_names`: OpenSSL's non-alias names, keeping only those `new()` accepts
/// (on OpenSSL 3 the table lists md4 and whirlpool even when no provider implements them).
pub(crate) fn available_names() -> Vec<String> {
    table_names().into_iter().filter(|n| is_usable(n)).collect()
}
