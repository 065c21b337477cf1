//! The configuration lock of one `_SSLContext`.
//!
//! OpenSSL does not allow changing an `SSL_CTX` while another thread reads or changes it, and
//! 2.7 releases the GIL around the loaders (`load_cert_chain` can spend seconds in a password
//! callback or on a slow disk). Every configuration change takes this lock; the loaders hold it
//! for their whole GIL-free run.
//!
//! Rules that keep it deadlock-free with the GIL:
//! - A thread holding the GIL never blocks on this lock with the GIL held: it tries first, and
//!   otherwise waits with the GIL released (`acquire`).
//! - It is re-entrant per thread: a password callback (run inside `load_cert_chain`, which holds
//!   the lock) may call back into the same context.

use crate::py::Python;
use std::sync::{Condvar, Mutex, MutexGuard};
use std::thread::{self, ThreadId};

#[derive(Default)]
struct Owner {
    thread: Option<ThreadId>,
    depth: usize,
}

#[derive(Default)]
pub(crate) struct ConfigLock {
    owner: Mutex<Owner>,
    freed: Condvar,
}

/// Proof that this thread holds the lock; released on drop.
pub(crate) struct ConfigGuard<'a> {
    lock: &'a ConfigLock,
}

impl ConfigLock {
    fn state(&self) -> MutexGuard<'_, Owner> {
        self.owner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Takes the lock if it is free or already ours.
    fn try_acquire(&self) -> Option<ConfigGuard<'_>> {
        let me = thread::current().id();
        let mut st = self.state();
        match st.thread {
            Some(t) if t != me => None,
            _ => {
                st.thread = Some(me);
                st.depth += 1;
                Some(ConfigGuard { lock: self })
            }
        }
    }

    /// Waits for the lock. Call without the GIL (or from a thread that never takes it).
    pub(crate) fn acquire_blocking(&self) -> ConfigGuard<'_> {
        let me = thread::current().id();
        let mut st = self.state();
        while st.thread.is_some_and(|t| t != me) {
            st = self.freed.wait(st).unwrap_or_else(|e| e.into_inner());
        }
        st.thread = Some(me);
        st.depth += 1;
        ConfigGuard { lock: self }
    }

    /// Takes the lock from a thread holding the GIL, releasing the GIL only while waiting.
    pub(crate) fn acquire(&self, py: Python<'_>) -> ConfigGuard<'_> {
        if let Some(guard) = self.try_acquire() {
            return guard;
        }
        py.allow_threads(|| self.acquire_blocking())
    }
}

impl Drop for ConfigGuard<'_> {
    fn drop(&mut self) {
        let mut st = self.lock.state();
        st.depth -= 1;
        if st.depth == 0 {
            st.thread = None;
            drop(st);
            self.lock.freed.notify_all();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ConfigLock;
    use std::sync::Arc;

    #[test]
    fn reentrant_on_one_thread_exclusive_across_threads() {
        let lock = Arc::new(ConfigLock::default());
        let outer = lock.acquire_blocking();
        let inner = lock.try_acquire().expect("re-entrant");
        let other = {
            let lock = Arc::clone(&lock);
            std::thread::spawn(move || lock.try_acquire().is_none())
        };
        assert!(other.join().unwrap(), "another thread must not get it");
        drop(inner);
        drop(outer);
        let lock2 = Arc::clone(&lock);
        let t = std::thread::spawn(move || {
            let _g = lock2.acquire_blocking();
        });
        t.join().unwrap();
        assert!(lock.try_acquire().is_some());
    }
}
