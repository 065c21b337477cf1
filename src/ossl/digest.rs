//! Message digests: name lookup (with a cache of provider implementations on OpenSSL 3),
//! digest contexts, and PBKDF2.

use crate::ossl::compat;
use crate::ossl::error::OsslError;
use crate::ossl::owned::owned;
use openssl_sys as sys;
use std::cell::RefCell;
use std::ffi::{c_char, c_int, c_uint, c_void, CStr, CString};
use std::ptr::NonNull;
use std::sync::Mutex;

/// A digest algorithm. Points to OpenSSL's static table or to a fetched implementation that is
/// cached, and so never freed, for the life of the process.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct MessageDigest(*const sys::EVP_MD);

// SAFETY: EVP_MD objects are immutable once made and OpenSSL documents them as shareable.
unsafe impl Send for MessageDigest {}
// SAFETY: as above.
unsafe impl Sync for MessageDigest {}

/// Fetched implementations by canonical name. Fetching once avoids OpenSSL 3's implicit fetch
/// on every `EVP_DigestInit_ex`, which dominates the cost of hashing short strings.
static FETCHED: Mutex<Vec<(String, MessageDigest)>> = Mutex::new(Vec::new());

impl MessageDigest {
    /// What `EVP_get_digestbyname` accepts (any case, aliases), resolved to a usable
    /// implementation. None when OpenSSL does not know the name or cannot provide it.
    ///
    /// `usedforsecurity == false` relaxes a FIPS default property query
    /// (`-fips`, as Python 3 asks), so a non-FIPS implementation may serve a checksum use.
    /// Without FIPS configured both give the same implementation.
    pub(crate) fn by_name_for(name: &[u8], usedforsecurity: bool) -> Option<MessageDigest> {
        let cname = CString::new(name).ok()?;
        // SAFETY: NUL-terminated name; returns a static EVP_MD or NULL.
        let legacy = unsafe { sys::EVP_get_digestbyname(cname.as_ptr()) };
        if legacy.is_null() {
            return None;
        }
        provider_implementation(legacy, !usedforsecurity)
    }

    /// An extendable-output function (SHAKE): its output length is the caller's choice.
    pub(crate) fn is_xof(self) -> bool {
        // SAFETY: a valid EVP_MD.
        unsafe { compat::shake_length(self.0) }.is_some()
    }

    /// OpenSSL's long name, lower case (`sha256`, `sha3-256`, `shake128`, `md5-sha1`).
    pub(crate) fn long_name(self) -> String {
        // SAFETY: a valid EVP_MD; OBJ_nid2ln returns static text or NULL.
        let ln = unsafe { sys::OBJ_nid2ln(sys::EVP_MD_type(self.0)) };
        if ln.is_null() {
            return String::new();
        }
        // SAFETY: NUL-terminated static text.
        unsafe { CStr::from_ptr(ln) }
            .to_string_lossy()
            .to_ascii_lowercase()
    }

    pub(crate) fn as_ptr(self) -> *const sys::EVP_MD {
        self.0
    }

    pub(crate) fn size(self) -> usize {
        // SAFETY: a valid EVP_MD.
        if let Some(n) = unsafe { compat::shake_length(self.0) } {
            return n;
        }
        // SAFETY: a valid EVP_MD.
        unsafe { sys::EVP_MD_size(self.0) as usize }
    }

    pub(crate) fn block_size(self) -> usize {
        // SAFETY: a valid EVP_MD.
        unsafe { sys::EVP_MD_block_size(self.0) as usize }
    }
}

/// OpenSSL 3: fetch (once) the provider implementation behind a name-table entry. A fetch that
/// fails (md4 without the legacy provider) means the digest is unusable.
#[cfg(pep466_ossl300)]
fn provider_implementation(legacy: *const sys::EVP_MD, relaxed: bool) -> Option<MessageDigest> {
    extern "C" {
        fn EVP_MD_get0_name(md: *const sys::EVP_MD) -> *const c_char;
    }
    // SAFETY: a valid EVP_MD from the name table; the name is static text.
    let name = unsafe { CStr::from_ptr(EVP_MD_get0_name(legacy)) };
    let mut key = name.to_string_lossy().to_ascii_uppercase();
    // Python 3's query for `usedforsecurity=False`: the `fips` property may be anything.
    let properties: &CStr = if relaxed { c"-fips" } else { c"" };
    if relaxed {
        key.push_str("?-fips");
    }
    let mut cache = FETCHED.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, md)) = cache.iter().find(|(k, _)| *k == key) {
        return Some(*md);
    }
    let properties = if properties.is_empty() {
        std::ptr::null()
    } else {
        properties.as_ptr()
    };
    // SAFETY: default library context, NUL-terminated name and property query (or NULL).
    let fetched = unsafe { sys::EVP_MD_fetch(std::ptr::null_mut(), name.as_ptr(), properties) };
    let md = if fetched.is_null() {
        OsslError::take();
        // Not in the default providers: md4, whirlpool... come from the legacy context.
        let legacy = crate::ossl::legacy::fetch_md(name);
        if legacy.is_null() {
            return None;
        }
        let md = MessageDigest(legacy);
        LEGACY_FETCHED
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(md);
        md
    } else {
        MessageDigest(fetched)
    };
    cache.push((key, md));
    Some(md)
}

/// Digests fetched from the legacy library context (see `ossl::legacy`).
#[cfg(pep466_ossl300)]
static LEGACY_FETCHED: Mutex<Vec<MessageDigest>> = Mutex::new(Vec::new());

/// PBKDF2 for a digest of the legacy context must run in that context.
#[cfg(pep466_ossl300)]
fn legacy_digest_name(md: MessageDigest) -> Option<&'static CStr> {
    extern "C" {
        fn EVP_MD_get0_name(md: *const sys::EVP_MD) -> *const c_char;
    }
    let legacy = LEGACY_FETCHED.lock().unwrap_or_else(|e| e.into_inner());
    // SAFETY: a fetched digest, never freed; its name is static text.
    legacy
        .contains(&md)
        .then(|| unsafe { CStr::from_ptr(EVP_MD_get0_name(md.0)) })
}

/// OpenSSL 1.1.1 has no provider contexts.
#[cfg(not(pep466_ossl300))]
fn legacy_digest_name(_md: MessageDigest) -> Option<&'static CStr> {
    None
}

#[cfg(not(pep466_ossl300))]
fn provider_implementation(legacy: *const sys::EVP_MD, _relaxed: bool) -> Option<MessageDigest> {
    let _ = &FETCHED;
    Some(MessageDigest(legacy))
}

/// `s`'s address, or a static empty string's for an empty `s` (whose pointer may be dangling):
/// OpenSSL reads NULL as "no input" (`HMAC_Init_ex`: keep the old key) or refuses it.
pub(crate) fn nonnull(s: &[u8]) -> *const u8 {
    if s.is_empty() {
        b"".as_ptr()
    } else {
        s.as_ptr()
    }
}

/// The longest digest `EVP_DigestFinal_ex` writes (`EVP_MAX_MD_SIZE`).
pub(crate) const MAX_DIGEST: usize = sys::EVP_MAX_MD_SIZE as usize;

/// A finished digest, on the stack (no allocation on the `digest()` path).
pub(crate) struct DigestBytes {
    buf: [u8; MAX_DIGEST],
    len: usize,
}

impl DigestBytes {
    pub(crate) fn as_slice(&self) -> &[u8] {
        &self.buf[..self.len]
    }

    /// Runs a `*Final*` call that writes up to `EVP_MAX_MD_SIZE` bytes and their count.
    pub(crate) fn from_final(
        fin: impl FnOnce(*mut u8, &mut c_uint) -> c_int,
    ) -> Result<DigestBytes, OsslError> {
        let mut out = DigestBytes {
            buf: [0; MAX_DIGEST],
            len: 0,
        };
        let mut len: c_uint = 0;
        if fin(out.buf.as_mut_ptr(), &mut len) != 1 {
            return Err(OsslError::take());
        }
        out.len = (len as usize).min(MAX_DIGEST);
        Ok(out)
    }
}

owned! {
    /// An `EVP_MD_CTX` that has been successfully initialised.
    pub(crate) struct DigestCtx(sys::EVP_MD_CTX);
    free = sys::EVP_MD_CTX_free;
}

// SAFETY: an EVP_MD_CTX may move between threads; all use goes through &mut (or a Mutex).
unsafe impl Send for DigestCtx {}

impl DigestCtx {
    fn alloc() -> Result<DigestCtx, OsslError> {
        // SAFETY: plain allocation; NULL on failure.
        NonNull::new(unsafe { sys::EVP_MD_CTX_new() })
            .map(DigestCtx)
            .ok_or_else(OsslError::take)
    }

    /// A fresh context. Initialisation is checked: OpenSSL 3 can return an EVP_MD whose init
    /// fails, and hashing with such a context would give garbage.
    pub(crate) fn new(md: MessageDigest) -> Result<DigestCtx, OsslError> {
        let ctx = DigestCtx::alloc()?;
        // SAFETY: valid context and digest; no engine.
        match unsafe { sys::EVP_DigestInit_ex(ctx.as_ptr(), md.0, std::ptr::null_mut()) } {
            1 => Ok(ctx),
            _ => Err(OsslError::take()),
        }
    }

    #[inline]
    pub(crate) fn update(&mut self, mut data: &[u8]) -> Result<(), OsslError> {
        // Fed in pieces of at most INT_MAX bytes, as 2.7 does, so any size works everywhere.
        while !data.is_empty() {
            let n = data.len().min(c_int::MAX as usize);
            // SAFETY: initialised context; data valid for n bytes.
            if unsafe { sys::EVP_DigestUpdate(self.as_ptr(), data.as_ptr().cast::<c_void>(), n) }
                != 1
            {
                return Err(OsslError::take());
            }
            data = &data[n..];
        }
        Ok(())
    }

    pub(crate) fn try_clone(&self) -> Result<DigestCtx, OsslError> {
        let mut copy = DigestCtx::alloc()?;
        self.copy_into(&mut copy)?;
        Ok(copy)
    }

    /// The digest so far; the context stays usable (a copy is finalised).
    ///
    /// The copy goes into a per-thread scratch context rather than a fresh one: copying into a
    /// context that already holds the same digest skips OpenSSL's context allocation and the
    /// digest's reference-count traffic, which is a third of the cost of a short `digest()`.
    pub(crate) fn digest(&self) -> Result<DigestBytes, OsslError> {
        thread_local! {
            static SCRATCH: RefCell<Option<DigestCtx>> = const { RefCell::new(None) };
        }
        let with_scratch = SCRATCH.try_with(|cell| {
            let mut slot = cell.try_borrow_mut().ok()?;
            if slot.is_none() {
                *slot = DigestCtx::alloc().ok();
            }
            let scratch = slot.as_mut()?;
            Some(self.copy_into(scratch).and_then(|()| scratch.finish()))
        });
        match with_scratch {
            Ok(Some(result)) => result,
            // No thread-local storage (thread exiting) or a nested call: a fresh context.
            _ => self.try_clone()?.finish(),
        }
    }

    /// `out.len()` bytes of an extendable-output function's output so far; the context stays
    /// usable (a copy is finalised). `out` may be empty.
    pub(crate) fn digest_xof(&self, out: &mut [u8]) -> Result<(), OsslError> {
        if out.is_empty() {
            return Ok(());
        }
        let copy = self.try_clone()?;
        // SAFETY: an initialised XOF context (callers check `is_xof`); out valid for its length.
        match unsafe { sys::EVP_DigestFinalXOF(copy.as_ptr(), out.as_mut_ptr(), out.len()) } {
            1 => Ok(()),
            _ => Err(OsslError::take()),
        }
    }

    /// Makes `out` a copy of this context (`out`'s previous state is released).
    fn copy_into(&self, out: &mut DigestCtx) -> Result<(), OsslError> {
        // SAFETY: both valid; src initialised; out may hold any state (copy_ex resets it).
        match unsafe { sys::EVP_MD_CTX_copy_ex(out.as_ptr(), self.as_ptr()) } {
            1 => Ok(()),
            _ => Err(OsslError::take()),
        }
    }

    /// Finalises this context (which must then be re-initialised or copied into before reuse).
    fn finish(&mut self) -> Result<DigestBytes, OsslError> {
        let ctx = self.as_ptr();
        // SAFETY: a valid EVP_MD.
        if let Some(n) = unsafe { compat::shake_length(self.md().0) } {
            return DigestBytes::from_final(|out, len| {
                *len = n as c_uint;
                // SAFETY: initialised context; out has EVP_MAX_MD_SIZE (>= 32) bytes.
                unsafe { sys::EVP_DigestFinalXOF(ctx, out, n) }
            });
        }
        // SAFETY: initialised context; out has EVP_MAX_MD_SIZE bytes.
        DigestBytes::from_final(|out, len| unsafe { sys::EVP_DigestFinal_ex(ctx, out, len) })
    }

    pub(crate) fn digest_size(&self) -> usize {
        self.md().size()
    }

    pub(crate) fn block_size(&self) -> usize {
        self.md().block_size()
    }

    pub(crate) fn md(&self) -> MessageDigest {
        // SAFETY: an initialised context always has its digest.
        MessageDigest(unsafe { sys::EVP_MD_CTX_md(self.as_ptr()) })
    }
}

/// An initialised context that is only ever read: the `openssl_<name>` constructors copy it
/// (2.7's `CONST_new_<name>_ctx_p`), from any thread, without a lock.
pub(crate) struct DigestTemplate(DigestCtx);

// SAFETY: the template is never mutated after `new`; `EVP_MD_CTX_copy_ex` takes its source
// as `const EVP_MD_CTX *` and only reads it (and up-refs the EVP_MD atomically), so concurrent
// copies from several threads are safe.
unsafe impl Sync for DigestTemplate {}

impl DigestTemplate {
    pub(crate) fn new(md: MessageDigest) -> Result<DigestTemplate, OsslError> {
        DigestCtx::new(md).map(DigestTemplate)
    }

    /// A fresh context in the template's (initial) state.
    pub(crate) fn instantiate(&self) -> Result<DigestCtx, OsslError> {
        self.0.try_clone()
    }
}

/// PKCS#5 PBKDF2 with HMAC-`md`; `out.len()` is the key length. Sizes are checked by the caller
/// against C int limits.
pub(crate) fn pbkdf2_hmac(
    md: MessageDigest,
    password: &[u8],
    salt: &[u8],
    iterations: u32,
    out: &mut [u8],
) -> Result<(), OsslError> {
    let fits = |n: usize| c_int::try_from(n).ok();
    let (Some(plen), Some(slen), Some(iter), Some(klen)) = (
        fits(password.len()),
        fits(salt.len()),
        c_int::try_from(iterations).ok(),
        fits(out.len()),
    ) else {
        return Err(OsslError::default());
    };
    #[cfg(pep466_ossl300)]
    if let Some(name) = legacy_digest_name(md) {
        return crate::ossl::legacy::pbkdf2(name, password, salt, iterations, out);
    }
    #[cfg(not(pep466_ossl300))]
    let _ = legacy_digest_name(md);
    // SAFETY: buffers valid for the given lengths; md valid.
    let ok = unsafe {
        sys::PKCS5_PBKDF2_HMAC(
            password.as_ptr().cast::<c_char>(),
            plen,
            salt.as_ptr(),
            slen,
            iter,
            md.0,
            klen,
            out.as_mut_ptr(),
        )
    };
    match ok {
        1 => Ok(()),
        _ => Err(OsslError::take()),
    }
}

extern "C" {
    // Not bound by openssl-sys. Present in 1.1.1, 3.x and 4.x.
    fn EVP_MD_do_all(
        f: Option<
            unsafe extern "C" fn(*const sys::EVP_MD, *const c_char, *const c_char, *mut c_void),
        >,
        arg: *mut c_void,
    );
}

/// The non-alias names in OpenSSL's digest name table, spelled OpenSSL's way (2.7's
/// `openssl_md_meth_names` source), sorted.
pub(crate) fn table_names() -> Vec<String> {
    unsafe extern "C" fn collect(
        md: *const sys::EVP_MD,
        from: *const c_char,
        _to: *const c_char,
        arg: *mut c_void,
    ) {
        // Aliases come with a NULL md. Never unwind into OpenSSL.
        let _ = std::panic::catch_unwind(|| {
            if md.is_null() || from.is_null() {
                return;
            }
            // SAFETY: arg is the Vec passed below; from is NUL-terminated text.
            unsafe {
                let names = &mut *arg.cast::<Vec<String>>();
                names.push(CStr::from_ptr(from).to_string_lossy().into_owned());
            }
        });
    }
    let mut names: Vec<String> = Vec::new();
    // SAFETY: the callback only touches `names`, which outlives the call.
    unsafe { EVP_MD_do_all(Some(collect), (&mut names as *mut Vec<String>).cast()) };
    names.sort();
    names.dedup();
    names
}
