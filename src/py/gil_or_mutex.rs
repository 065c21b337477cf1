//! The lock around a HASH or HMAC object's context, with 2.7's lazy-lock rule
//! (`ENTER_HASHLIB`): until the first update that runs with the GIL released, the GIL alone
//! guards the context and no lock exists; from then on every access takes the object's
//! lock (trying first with the GIL held, then waiting with the GIL released, so a thread that
//! holds the lock without the GIL can always finish).
//!
//! Skipping the lock matters on the short-call paths (`h.update(16 bytes)`, `h.digest()`),
//! where two atomic instructions are a measurable share of the call. The lock itself is
//! allocated on that first GIL-released access (2.7 allocates its `PyThread_type_lock` then
//! too): an object that is never hashed without the GIL carries one null pointer, 8 bytes,
//! where a flag and an inline mutex took 16 (objects are 8-byte granular in pymalloc).

use crate::py::Python;
use std::cell::UnsafeCell;
use std::sync::atomic::{AtomicPtr, Ordering};
use std::sync::{Mutex, TryLockError};

pub(crate) struct GilOrMutex<C> {
    /// Null until the first GIL-released access, then the object's lock for good. Written
    /// once, with the GIL held, before any GIL-free access begins; freed in `drop`.
    lock: AtomicPtr<Mutex<()>>,
    ctx: UnsafeCell<C>,
}

// SAFETY: the context is only reached through `with`, which gives exclusive access either
// under the GIL while no GIL-free user can exist (`lock` still null), or under the lock; the
// context itself may move between threads (C: Send). The lock is a Mutex (Sync), never freed
// while `self` is borrowed.
unsafe impl<C: Send> Sync for GilOrMutex<C> {}

impl<C: Send> GilOrMutex<C> {
    pub(crate) fn new(ctx: C) -> GilOrMutex<C> {
        GilOrMutex {
            lock: AtomicPtr::new(std::ptr::null_mut()),
            ctx: UnsafeCell::new(ctx),
        }
    }

    /// The lock, made now if this is the first GIL-released access. GIL held (`_py`).
    fn lock_for_threads(&self, _py: Python<'_>) -> &Mutex<()> {
        let mut p = self.lock.load(Ordering::Acquire);
        if p.is_null() {
            // Only GIL holders write the pointer, so no other writer can race this one.
            p = Box::into_raw(Box::new(Mutex::new(())));
            self.lock.store(p, Ordering::Release);
        }
        // SAFETY: non-null pointers come from Box::into_raw above and live until `drop`.
        unsafe { &*p }
    }

    /// Runs `f` with exclusive access to the context. `release_gil` asks for the GIL to be
    /// released around `f` (long updates). `f` must not call into Python.
    ///
    /// Inlined: the common case (no lock yet, GIL kept) is one load and a branch, where a call
    /// frame of its own was a measurable part of a 16-byte `update`.
    #[inline(always)]
    pub(crate) fn with<R: Send>(
        &self,
        py: Python<'_>,
        release_gil: bool,
        f: impl FnOnce(&mut C) -> R + Send,
    ) -> R {
        if !release_gil && self.lock.load(Ordering::Acquire).is_null() {
            // SAFETY: we hold the GIL and no GIL-free access has ever started (it would have
            // published the lock first, under the GIL), so nobody else can touch the context
            // during `f`, which does not release the GIL.
            return f(unsafe { &mut *self.ctx.get() });
        }
        self.with_lock(py, release_gil, f)
    }

    /// `with` once the object has (or is about to have) a lock.
    #[cold]
    #[inline(never)]
    fn with_lock<R: Send>(
        &self,
        py: Python<'_>,
        release_gil: bool,
        f: impl FnOnce(&mut C) -> R + Send,
    ) -> R {
        let lock = if release_gil {
            // Published with the GIL held, before any GIL-free access begins: every later
            // GIL holder sees it (the GIL's release/acquire orders it) and takes the lock.
            self.lock_for_threads(py)
        } else {
            // SAFETY: `with` saw the lock published; it lives until `drop`.
            let lock = unsafe { &*self.lock.load(Ordering::Acquire) };
            match lock.try_lock() {
                // SAFETY: the lock is held for the whole of `f`.
                Ok(_guard) => return f(unsafe { &mut *self.ctx.get() }),
                // A panic inside `f` poisons nothing we rely on: the context stays valid.
                Err(TryLockError::Poisoned(p)) => {
                    let _guard = p.into_inner();
                    // SAFETY: as above.
                    return f(unsafe { &mut *self.ctx.get() });
                }
                Err(TryLockError::WouldBlock) => lock,
            }
        };
        let this = SendRef(self, lock);
        py.allow_threads(move || {
            let this = this;
            let _guard = this.1.lock().unwrap_or_else(|e| e.into_inner());
            // SAFETY: the lock is published, so every other access also takes it, and it is
            // held for the whole of `f`.
            f(unsafe { &mut *this.0.ctx.get() })
        })
    }
}

impl<C> Drop for GilOrMutex<C> {
    fn drop(&mut self) {
        let p = *self.lock.get_mut();
        if !p.is_null() {
            // SAFETY: made by Box::into_raw in `lock_for_threads`; nobody can hold a borrow of
            // it while `self` is dropped.
            drop(unsafe { Box::from_raw(p) });
        }
    }
}

/// `&GilOrMutex` is Send because GilOrMutex is Sync; spelled out for the closure.
struct SendRef<'a, C>(&'a GilOrMutex<C>, &'a Mutex<()>);

#[cfg(test)]
mod tests {
    use super::GilOrMutex;

    #[test]
    fn a_lazy_lock_is_one_pointer() {
        assert_eq!(std::mem::size_of::<GilOrMutex<usize>>(), 16);
    }
}
