//! The lock around a HASH or HMAC object's context, with 2.7's lazy-lock rule
//! (`ENTER_HASHLIB`): until the first update that runs with the GIL released, the GIL alone
//! guards the context and no lock is taken; from then on every access takes the object's
//! lock (trying first with the GIL held, then waiting with the GIL released, so a thread that
//! holds the lock without the GIL can always finish).
//!
//! Skipping the lock matters on the short-call paths (`h.update(16 bytes)`, `h.digest()`),
//! where two atomic instructions are a measurable share of the call.

use crate::py::Python;
use std::cell::UnsafeCell;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, TryLockError};

pub(crate) struct GilOrMutex<C> {
    /// Set (with the GIL held) before the first GIL-released access; never cleared.
    threaded: AtomicBool,
    lock: Mutex<()>,
    ctx: UnsafeCell<C>,
}

// SAFETY: the context is only reached through `with`, which gives exclusive access either
// under the GIL while no GIL-free user can exist (`threaded` false), or under `lock`; the
// context itself may move between threads (C: Send).
unsafe impl<C: Send> Sync for GilOrMutex<C> {}

impl<C: Send> GilOrMutex<C> {
    pub(crate) fn new(ctx: C) -> GilOrMutex<C> {
        GilOrMutex {
            threaded: AtomicBool::new(false),
            lock: Mutex::new(()),
            ctx: UnsafeCell::new(ctx),
        }
    }

    /// Runs `f` with exclusive access to the context. `release_gil` asks for the GIL to be
    /// released around `f` (long updates). `f` must not call into Python.
    pub(crate) fn with<R: Send>(
        &self,
        py: Python<'_>,
        release_gil: bool,
        f: impl FnOnce(&mut C) -> R + Send,
    ) -> R {
        if release_gil {
            // Published with the GIL held, before any GIL-free access begins: every later
            // GIL holder sees it (the GIL's release/acquire orders it) and takes the lock.
            self.threaded.store(true, Ordering::Relaxed);
        } else if !self.threaded.load(Ordering::Relaxed) {
            // SAFETY: we hold the GIL and no GIL-free access has ever started (it would have
            // set `threaded` first, under the GIL), so nobody else can touch the context
            // during `f`, which does not release the GIL.
            return f(unsafe { &mut *self.ctx.get() });
        } else {
            match self.lock.try_lock() {
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
        let this = SendRef(self);
        py.allow_threads(move || {
            let this = this;
            let _guard = this.0.lock.lock().unwrap_or_else(|e| e.into_inner());
            // SAFETY: `threaded` is set, so every other access also takes the lock, which is
            // held for the whole of `f`.
            f(unsafe { &mut *this.0.ctx.get() })
        })
    }
}

/// `&GilOrMutex` is Send because GilOrMutex is Sync; spelled out for the closure.
struct SendRef<'a, C>(&'a GilOrMutex<C>);
