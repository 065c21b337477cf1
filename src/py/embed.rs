//! An embedded 2.7 interpreter for this crate's unit tests (the test binaries link libpython).

use crate::ffi;
use crate::py::Python;
use std::sync::{Mutex, OnceLock};

// The shared libpython (build.rs explains why shared, and the rpath).
#[link(name = "python2.7")]
extern "C" {}

static INIT: OnceLock<()> = OnceLock::new();
static LOCK: Mutex<()> = Mutex::new(());

/// Runs `f` with the GIL held, one test at a time.
pub(crate) fn with_python<T>(f: impl FnOnce(Python<'_>) -> T) -> T {
    let _serial = LOCK.lock().unwrap_or_else(|e| e.into_inner());
    INIT.get_or_init(|| {
        // SAFETY: one-time interpreter start; the GIL is then released for other threads.
        // No `site`: tests should not depend on what is installed in site-packages.
        unsafe {
            ffi::Py_NoSiteFlag = 1;
            ffi::Py_InitializeEx(0);
            ffi::PyEval_InitThreads();
            ffi::PyEval_SaveThread();
        }
    });
    crate::py::gil::with_gil(f)
}

/// Runs Python source in `__main__`, returning its `result` variable's `repr`, or the
/// exception's `repr` prefixed with `raised `.
pub(crate) fn run(_py: Python<'_>, source: &str) -> String {
    let wrapped = format!(
        "try:\n{}\n    result = repr(result)\nexcept BaseException as e:\n    result = 'raised ' + repr(e)\n",
        source.lines().map(|l| format!("    {l}")).collect::<Vec<_>>().join("\n")
    );
    let code = std::ffi::CString::new(wrapped).expect("no NUL in test source");
    // SAFETY: GIL held; __main__ always exists; borrowed dict/result upgraded immediately.
    unsafe {
        let main = ffi::PyImport_AddModule(c"__main__".as_ptr());
        let globals = ffi::PyModule_GetDict(main);
        let r = ffi::PyRun_StringFlags(
            code.as_ptr(),
            ffi::Py_file_input as i32,
            globals,
            globals,
            std::ptr::null_mut(),
        );
        if r.is_null() {
            ffi::PyErr_Print();
            return "<syntax error>".into();
        }
        ffi::shim::pep466_decref(r);
        let result = ffi::PyDict_GetItemString(globals, c"result".as_ptr());
        let text = crate::py::Borrowed::from_ptr(result)
            .map(|b| crate::py::value::as_bytes(&b.to_owned()).unwrap_or_default())
            .unwrap_or_default();
        String::from_utf8_lossy(&text).into_owned()
    }
}
