//! `GilOnly<T>`: a value reachable from code that runs while the GIL is released, but read
//! only with the GIL held again.

use crate::py::Python;

/// A value touched only with the GIL held, so a reference to it may cross into a closure that
/// runs while the GIL is released: it is read only after `SavedThread::with_gil` re-entered
/// Python on the same thread.
pub(crate) struct GilOnly<T>(T);

// SAFETY: the only access is `get`, which needs a `Python` token (proof that this thread holds
// the GIL), so no two threads ever touch the value at once; the value is created and dropped by
// the thread that made it, with the GIL held (e.g. `load_cert_chain`'s password state).
unsafe impl<T> Sync for GilOnly<T> {}

impl<T> GilOnly<T> {
    pub(crate) fn new(value: T) -> GilOnly<T> {
        GilOnly(value)
    }

    pub(crate) fn get(&self, _py: Python<'_>) -> &T {
        &self.0
    }
}
