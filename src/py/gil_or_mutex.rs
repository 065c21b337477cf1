//! The lock around a HASH or HMAC object's context, with 2.7's lazy-lock rule
//! (`ENTER_HASHLIB`): until the first update that runs with the GIL released, the GIL alone
//! guards the context and no lock exists; from then on every access takes the object's
//! lock (trying first with the GIL held, then waiting with the GIL released, so a thread that
//! holds the lock without the GIL can always finish).
//!
//! Skipping the lock matters on the short-call paths (`h.update(16 bytes)`, `h.digest()`),
//! where two atomic instructions are a measurable share of the call. The lock lives in a
//! side allocation made on that first GIL-released access (2.7 allocates its
//! `PyThread_type_lock` then too), so an object that is never hashed without the GIL carries
//! one null pointer. The side allocation can also hold a rarely present extra value `X` (a
//! HASH made by `new()` keeps the name object it was given there): HASH is then the object
//! header and two pointers, 32 bytes, Python 3's size (this 2.7's pymalloc rounds requests
//! to 16 bytes, so 40 bytes would cost 48).

use crate::py::Python;
use std::cell::UnsafeCell;
use std::sync::atomic::{AtomicBool, AtomicPtr, Ordering};
use std::sync::{Mutex, TryLockError};

pub(crate) struct GilOrMutex<C, X = ()> {
    /// Null until the first GIL-released access or an extra value; then the same side
    /// allocation for good. Written once, with the GIL held, while null; freed in `drop`.
    side: AtomicPtr<Side<X>>,
    ctx: UnsafeCell<C>,
}

struct Side<X> {
    /// Set (with the GIL held) before the first GIL-released access; never cleared.
    threaded: AtomicBool,
    lock: Mutex<()>,
    /// Only reached with the GIL held (`extra` takes the token).
    extra: Option<X>,
}

// SAFETY: the context is only reached through `with`, which gives exclusive access either
// under the GIL while no GIL-free user can exist (`threaded` unset), or under the lock; the
// context itself may move between threads (C: Send). GIL-free threads touch only the side's
// `threaded` flag and lock (atomics and a Mutex); `extra` is reached only with the GIL token,
// and the side is freed only in `drop`.
unsafe impl<C: Send, X> Sync for GilOrMutex<C, X> {}

impl<C: Send, X> GilOrMutex<C, X> {
    pub(crate) fn new(ctx: C) -> GilOrMutex<C, X> {
        GilOrMutex {
            side: AtomicPtr::new(std::ptr::null_mut()),
            ctx: UnsafeCell::new(ctx),
        }
    }

    /// With an extra value kept beside the lock (made now when there is one).
    pub(crate) fn with_extra(ctx: C, extra: Option<X>) -> GilOrMutex<C, X> {
        let this = GilOrMutex::new(ctx);
        if extra.is_some() {
            let side = Box::new(Side {
                threaded: AtomicBool::new(false),
                lock: Mutex::new(()),
                extra,
            });
            this.side.store(Box::into_raw(side), Ordering::Release);
        }
        this
    }

    /// The extra value, if the object was made with one. GIL held (`_py`).
    pub(crate) fn extra(&self, _py: Python<'_>) -> Option<&X> {
        // SAFETY: a non-null side lives until `drop`; `extra` is never written after
        // `with_extra` and only read with the GIL held.
        unsafe { self.side.load(Ordering::Acquire).as_ref() }?
            .extra
            .as_ref()
    }

    /// The side allocation, made now if missing. GIL held (`_py`).
    fn side_for_threads(&self, _py: Python<'_>) -> &Side<X> {
        let mut p = self.side.load(Ordering::Acquire);
        if p.is_null() {
            // Only GIL holders write the pointer, so no other writer can race this one.
            p = Box::into_raw(Box::new(Side {
                threaded: AtomicBool::new(false),
                lock: Mutex::new(()),
                extra: None,
            }));
            self.side.store(p, Ordering::Release);
        }
        // SAFETY: non-null pointers come from Box::into_raw and live until `drop`.
        unsafe { &*p }
    }

    /// Runs `f` with exclusive access to the context. `release_gil` asks for the GIL to be
    /// released around `f` (long updates). `f` must not call into Python.
    ///
    /// Inlined: the common case (no lock in use, GIL kept) is a load and a branch, where a
    /// call frame of its own was a measurable part of a 16-byte `update`.
    #[inline(always)]
    pub(crate) fn with<R: Send>(
        &self,
        py: Python<'_>,
        release_gil: bool,
        f: impl FnOnce(&mut C) -> R + Send,
    ) -> R {
        if !release_gil {
            let p = self.side.load(Ordering::Acquire);
            // SAFETY: a non-null side lives until `drop`.
            if p.is_null() || !unsafe { &*p }.threaded.load(Ordering::Relaxed) {
                // SAFETY: we hold the GIL and no GIL-free access has ever started (it would
                // have set `threaded` first, under the GIL), so nobody else can touch the
                // context during `f`, which does not release the GIL.
                return f(unsafe { &mut *self.ctx.get() });
            }
        }
        self.with_lock(py, release_gil, f)
    }

    /// `with` once the object uses (or is about to use) its lock.
    #[cold]
    #[inline(never)]
    fn with_lock<R: Send>(
        &self,
        py: Python<'_>,
        release_gil: bool,
        f: impl FnOnce(&mut C) -> R + Send,
    ) -> R {
        let side = self.side_for_threads(py);
        if release_gil {
            // Published with the GIL held, before any GIL-free access begins: every later
            // GIL holder sees it (the GIL's release/acquire orders it) and takes the lock.
            side.threaded.store(true, Ordering::Relaxed);
        } else {
            match side.lock.try_lock() {
                // SAFETY: the lock is held for the whole of `f`.
                Ok(_guard) => return f(unsafe { &mut *self.ctx.get() }),
                // A panic inside `f` poisons nothing we rely on: the context stays valid.
                Err(TryLockError::Poisoned(p)) => {
                    let _guard = p.into_inner();
                    // SAFETY: as above.
                    return f(unsafe { &mut *self.ctx.get() });
                }
                Err(TryLockError::WouldBlock) => {}
            }
        }
        let this = SendRef(self, &side.lock);
        py.allow_threads(move || {
            let this = this;
            let _guard = this.1.lock().unwrap_or_else(|e| e.into_inner());
            // SAFETY: `threaded` is set, so every other access also takes the lock, which is
            // held for the whole of `f`.
            f(unsafe { &mut *this.0.ctx.get() })
        })
    }
}

impl<C, X> Drop for GilOrMutex<C, X> {
    fn drop(&mut self) {
        let p = *self.side.get_mut();
        if !p.is_null() {
            // SAFETY: made by Box::into_raw; nobody can hold a borrow of it while `self` is
            // dropped (drop runs where the object dies: with the GIL, for `extra`).
            drop(unsafe { Box::from_raw(p) });
        }
    }
}

/// The closure's view of the object and its lock (Send: GilOrMutex is Sync).
struct SendRef<'a, C, X>(&'a GilOrMutex<C, X>, &'a Mutex<()>);

#[cfg(test)]
mod tests {
    use super::GilOrMutex;

    #[test]
    fn a_lazy_lock_is_one_pointer() {
        assert_eq!(std::mem::size_of::<GilOrMutex<usize, String>>(), 16);
    }
}
