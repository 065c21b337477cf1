//! Typed ex_data slots: one `Slot<P, T>` per (OpenSSL object kind, Rust type), so a callback
//! finds its state as a `&T` and never casts a `*mut c_void` itself.
//!
//! A slot's value is a `Box<T>` leaked into the parent's ex_data and dropped by the slot's
//! `free_func` when OpenSSL frees the parent. Values are set once (`init`) and never replaced:
//! a callback on another thread may hold a `&T` at any time, so replacing would free memory
//! under it. State that changes (a key log file, a protocol list) lives inside `T` behind its
//! own lock.

use openssl_sys as sys;
use openssl_sys::{SSL_CTX_get_ex_data, SSL_CTX_set_ex_data, SSL_get_ex_data, SSL_set_ex_data};
use std::ffi::{c_int, c_long, c_void};
use std::marker::PhantomData;
use std::sync::OnceLock;

/// An OpenSSL object kind with ex_data (`SSL`, `SSL_CTX`).
pub(crate) trait Parent {
    /// `CRYPTO_EX_INDEX_*` of the kind.
    const CLASS: c_int;
    /// # Safety
    /// `parent` is live; `idx` a registered index of this kind.
    unsafe fn get(parent: *const Self, idx: c_int) -> *mut c_void;
    /// # Safety
    /// As `get`.
    unsafe fn set(parent: *mut Self, idx: c_int, value: *mut c_void) -> c_int;
}

/// `impl Parent` for each kind: its class and its get/set functions, one line per kind.
macro_rules! parent {
    ($($kind:ty => $class:expr, $get:path, $set:path;)+) => {$(
        impl Parent for $kind {
            const CLASS: c_int = $class;
            unsafe fn get(parent: *const Self, idx: c_int) -> *mut c_void {
                // SAFETY: the caller's contract.
                unsafe { $get(parent, idx) }
            }
            unsafe fn set(parent: *mut Self, idx: c_int, value: *mut c_void) -> c_int {
                // SAFETY: the caller's contract.
                unsafe { $set(parent, idx, value) }
            }
        }
    )+};
}

parent! {
    sys::SSL => sys::CRYPTO_EX_INDEX_SSL, SSL_get_ex_data, SSL_set_ex_data;
    sys::SSL_CTX => sys::CRYPTO_EX_INDEX_SSL_CTX, SSL_CTX_get_ex_data, SSL_CTX_set_ex_data;
}

/// One ex_data index of kind `P` holding a `Box<T>`.
pub(crate) struct Slot<P, T> {
    index: OnceLock<c_int>,
    _kind: PhantomData<fn() -> (*const P, T)>,
}

/// `free_func` of every slot holding a `T`: drops the box (OpenSSL calls it once, when the
/// parent is freed, also for a NULL value).
unsafe extern "C" fn free_box<T>(
    _parent: *mut c_void,
    ptr: *mut c_void,
    _ad: *mut sys::CRYPTO_EX_DATA,
    _idx: c_int,
    _argl: c_long,
    _argp: *mut c_void,
) {
    if !ptr.is_null() {
        // Nothing may unwind into OpenSSL; T's Drop is ours and does not panic, but be sure.
        let _ = std::panic::catch_unwind(|| {
            // SAFETY: a slot registered with free_box::<T> only ever holds a leaked Box<T>.
            drop(unsafe { Box::from_raw(ptr.cast::<T>()) })
        });
    }
}

impl<P: Parent, T: Send + Sync + 'static> Slot<P, T> {
    pub(crate) const fn new() -> Self {
        Slot {
            index: OnceLock::new(),
            _kind: PhantomData,
        }
    }

    fn index(&self) -> Option<c_int> {
        let idx = *self.index.get_or_init(|| {
            // SAFETY: registers a new index of kind P whose free function drops Box<T>.
            unsafe {
                sys::CRYPTO_get_ex_new_index(
                    P::CLASS,
                    0,
                    std::ptr::null_mut(),
                    None,
                    None,
                    Some(free_box::<T>),
                )
            }
        });
        (idx >= 0).then_some(idx)
    }

    /// The value of `parent`, if set.
    ///
    /// # Safety
    /// `parent` is live, and the reference is not used after it is freed.
    pub(crate) unsafe fn get<'a>(&self, parent: *const P) -> Option<&'a T> {
        let idx = self.index()?;
        // SAFETY: the caller's contract; the slot holds NULL or our Box<T>, never replaced.
        unsafe { P::get(parent, idx).cast::<T>().as_ref() }
    }

    /// The value of `parent`, set to `make()` first if it has none. Callers serialise the
    /// first call per parent (a context's configuration lock, or before the parent is shared).
    ///
    /// # Safety
    /// As `get`.
    pub(crate) unsafe fn get_or_init<'a>(
        &self,
        parent: *mut P,
        make: impl FnOnce() -> T,
    ) -> Option<&'a T> {
        let idx = self.index()?;
        // SAFETY: the caller's contract.
        if let Some(v) = unsafe { self.get(parent) } {
            return Some(v);
        }
        let raw = Box::into_raw(Box::new(make()));
        // SAFETY: the caller's contract; on success the parent owns the box (free_box).
        if unsafe { P::set(parent, idx, raw.cast()) } != 1 {
            // SAFETY: not handed over; ours to drop.
            drop(unsafe { Box::from_raw(raw) });
            return None;
        }
        // SAFETY: just stored, lives as long as the parent.
        Some(unsafe { &*raw })
    }
}
