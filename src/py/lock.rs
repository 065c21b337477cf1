//! A lock for objects that Python threads share and that are used with the GIL released
//! (one TLS connection's `SSL*`): it knows which thread holds it, so a thread that already
//! holds it (re-entering from an OpenSSL callback) is told so instead of deadlocking, and a
//! thread that must wait for it waits with the GIL released, so the holder (which may need
//! the GIL to run a callback) can always finish.
//!
//! Not re-entrant. Uncontended, taking and releasing it is two uncontended mutex operations.

use crate::py::Python;
use std::sync::{Condvar, Mutex, MutexGuard};

thread_local! {
    static THREAD_TOKEN: u8 = const { 0 };
}

/// A number unique to the calling thread while it lives (the address of a thread-local).
fn this_thread() -> usize {
    THREAD_TOKEN.with(|t| t as *const u8 as usize)
}

#[derive(Default)]
pub(crate) struct GilLock {
    /// The holder's thread token, 0 when free.
    holder: Mutex<usize>,
    freed: Condvar,
}

/// Proof that this thread holds the lock; released on drop.
pub(crate) struct GilLockGuard<'a> {
    lock: &'a GilLock,
}

/// The calling thread already holds the lock (it re-entered from a callback).
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Reentered;

impl GilLock {
    fn state(&self) -> MutexGuard<'_, usize> {
        // A panic while the state mutex was held cannot leave the token half-written.
        self.holder.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Does the calling thread hold it?
    pub(crate) fn held_here(&self) -> bool {
        *self.state() == this_thread()
    }

    /// Takes the lock; if another thread holds it, waits with the GIL released.
    pub(crate) fn acquire(&self, py: Python<'_>) -> Result<GilLockGuard<'_>, Reentered> {
        let me = this_thread();
        {
            let mut holder = self.state();
            if *holder == 0 {
                *holder = me;
                return Ok(GilLockGuard { lock: self });
            }
            if *holder == me {
                return Err(Reentered);
            }
        }
        py.allow_threads(|| self.acquire_blocking(me));
        Ok(GilLockGuard { lock: self })
    }

    /// Waits for the lock without the GIL (or on a thread that does not hold it).
    fn acquire_blocking(&self, me: usize) {
        let mut holder = self.state();
        while *holder != 0 {
            holder = self.freed.wait(holder).unwrap_or_else(|e| e.into_inner());
        }
        *holder = me;
    }
}

impl Drop for GilLockGuard<'_> {
    fn drop(&mut self) {
        *self.lock.state() = 0;
        self.lock.freed.notify_one();
    }
}

#[cfg(test)]
mod tests {
    use super::{this_thread, GilLock};

    #[test]
    fn knows_its_holder_and_excludes_other_threads() {
        let lock = std::sync::Arc::new(GilLock::default());
        lock.acquire_blocking(this_thread());
        assert!(lock.held_here());
        let other = std::sync::Arc::clone(&lock);
        let waiter = std::thread::spawn(move || {
            assert!(!other.held_here());
            other.acquire_blocking(this_thread());
            assert!(other.held_here());
        });
        std::thread::sleep(std::time::Duration::from_millis(20));
        assert!(!waiter.is_finished(), "the other thread must wait");
        *lock.state() = 0;
        lock.freed.notify_one();
        waiter.join().unwrap();
        assert!(!lock.held_here());
    }
}
