//! The GIL: a token proving it is held, releasing it around blocking or long work, and taking
//! it from threads Python did not start (OpenSSL callbacks).

use crate::ffi;
use std::marker::PhantomData;

/// Proof that the GIL is held for `'py`. Made only by the boundary trampolines and guards.
#[derive(Clone, Copy)]
pub(crate) struct Python<'py>(PhantomData<&'py ()>, PhantomData<*mut ()>);

/// The thread state saved while the GIL is released. A callback that runs on this same
/// thread during the release (the `load_cert_chain` password callback) re-enters Python with it.
#[derive(Clone, Copy)]
pub(crate) struct SavedThread(*mut ffi::PyThreadState);

// SAFETY: SavedThread is only used on the thread that saved it (the closure runs there); it
// must cross the `Send` bound of `allow_threads` to reach that closure.
unsafe impl Send for SavedThread {}

impl<'py> Python<'py> {
    /// # Safety
    /// The calling thread holds the GIL for `'py`.
    pub(crate) unsafe fn assume_gil_held() -> Python<'py> {
        Python(PhantomData, PhantomData)
    }

    /// Runs `f` with the GIL released. `f` must be `Send`, so it cannot carry `Owned` references.
    pub(crate) fn allow_threads<T, F>(self, f: F) -> T
    where
        F: FnOnce() -> T + Send,
        T: Send,
    {
        self.allow_threads_saved(|_| f())
    }

    /// Like `allow_threads`, and hands `f` the saved thread state for re-entry.
    pub(crate) fn allow_threads_saved<T, F>(self, f: F) -> T
    where
        F: FnOnce(SavedThread) -> T + Send,
        T: Send,
    {
        struct Restore(*mut ffi::PyThreadState);
        impl Drop for Restore {
            fn drop(&mut self) {
                // SAFETY: restores the state saved below, on the same thread, even on unwind.
                unsafe { ffi::PyEval_RestoreThread(self.0) }
            }
        }
        // SAFETY: we hold the GIL ('py); the guard gives it back before returning.
        let saved = Restore(unsafe { ffi::PyEval_SaveThread() });
        f(SavedThread(saved.0))
    }
}

impl SavedThread {
    /// Re-acquires the GIL with the saved state for the duration of `f`, then releases it again.
    pub(crate) fn with_gil<T>(self, f: impl FnOnce(Python<'_>) -> T) -> T {
        struct Release;
        impl Drop for Release {
            fn drop(&mut self) {
                // SAFETY: we hold the GIL (restored below); save it again for the outer release.
                unsafe { ffi::PyEval_SaveThread() };
            }
        }
        // SAFETY: this thread released the GIL with this state and has not re-acquired it.
        unsafe { ffi::PyEval_RestoreThread(self.0) };
        let _release = Release;
        // SAFETY: the GIL is held until `_release` drops.
        f(unsafe { Python::assume_gil_held() })
    }
}

/// Takes the GIL on any thread (`PyGILState_Ensure`), for callbacks from OpenSSL.
pub(crate) fn with_gil<T>(f: impl FnOnce(Python<'_>) -> T) -> T {
    struct Release(ffi::PyGILState_STATE);
    impl Drop for Release {
        fn drop(&mut self) {
            // SAFETY: pairs with the Ensure below, on the same thread.
            unsafe { ffi::PyGILState_Release(self.0) }
        }
    }
    // SAFETY: Ensure may be called whether or not this thread holds the GIL.
    let _guard = Release(unsafe { ffi::PyGILState_Ensure() });
    // SAFETY: the GIL is held until `_guard` drops.
    f(unsafe { Python::assume_gil_held() })
}

/// Whether the calling thread holds the GIL. False before `Py_Initialize`, after
/// `Py_Finalize`, and on threads that released it or never had it.
pub(crate) fn held_here() -> bool {
    // SAFETY: the shim only reads `_PyThreadState_Current` and this thread's GILState slot,
    // both valid to read at any time (2.7's `PyGILState_Ensure` makes the same test).
    unsafe { ffi::shim::pep466_gil_held_here() != 0 }
}

/// Runs `f` with the GIL released when the calling thread holds it, otherwise simply runs it:
/// for work C may call with or without the GIL (`pep466_urandom`, which the interpreter core
/// also calls before threads or even the interpreter exist).
pub(crate) fn release_if_held<T, F>(f: F) -> T
where
    F: FnOnce() -> T + Send,
    T: Send,
{
    if held_here() {
        // SAFETY: this thread holds the GIL (checked just now) until `allow_threads` releases it.
        unsafe { Python::assume_gil_held() }.allow_threads(f)
    } else {
        f()
    }
}
