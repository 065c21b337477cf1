//! The panic boundary. Every `extern "C"` function CPython can call is a one-line shell (made by
//! the macros below) into one of these trampolines, which catch panics and convert results:
//!
//! | C return type                 | error value | on panic                                  |
//! |-------------------------------|-------------|-------------------------------------------|
//! | `PyObject*` (methods, getters)| NULL        | `SystemError("Rust panic in <name>: …")` |
//! | `int` (setters, traverse)     | -1          | same                                      |
//! | `void` (module init)          | —           | same, left set for the importer           |
//!
//! OpenSSL callbacks go through the callback kit (`py::callback`) instead; the password callback
//! of `load_cert_chain` uses `catch_callback_panic`: nothing may unwind into OpenSSL.

use crate::ffi;
use crate::py::err::Builtin;
use crate::py::typeobj::{PyClass, Slf};
use crate::py::{Borrowed, Owned, PyErr, PyResult, Python};
use std::any::Any;
use std::ffi::c_int;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// The value a C function returns to say "an exception is set".
pub(crate) trait ErrorValue {
    fn error_value() -> Self;
}

impl ErrorValue for *mut ffi::PyObject {
    fn error_value() -> Self {
        std::ptr::null_mut()
    }
}

impl ErrorValue for c_int {
    fn error_value() -> Self {
        -1
    }
}

impl ErrorValue for () {
    fn error_value() -> Self {}
}

/// Converts a successful result to its C form.
pub(crate) trait IntoC<R> {
    fn into_c(self) -> R;
}

impl IntoC<*mut ffi::PyObject> for Owned {
    fn into_c(self) -> *mut ffi::PyObject {
        self.into_raw()
    }
}

impl IntoC<c_int> for () {
    fn into_c(self) -> c_int {
        0
    }
}

impl IntoC<c_int> for c_int {
    fn into_c(self) -> c_int {
        self
    }
}

impl IntoC<()> for () {
    fn into_c(self) {}
}

/// Text of a panic payload (`panic!("...")` gives `&str` or `String`).
pub(crate) fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown panic payload".to_owned()
    }
}

/// The exception a panic becomes.
pub(crate) fn panic_error(name: &str, payload: &(dyn Any + Send)) -> PyErr {
    PyErr::new(
        Builtin::SystemError,
        &format!("Rust panic in {name}: {}", panic_message(payload)),
    )
}

/// Aborts the process if dropped while armed: a panic while turning a panic into an exception
/// leaves nothing sane to return to.
struct AbortOnDrop;

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        eprintln!("pep466: panic while reporting a panic; aborting");
        std::process::abort();
    }
}

/// Runs `f` with the GIL token; an error is restored into the interpreter and a panic becomes a
/// `SystemError`, and either way the C error value is returned.
pub(crate) fn trampoline<T, R>(name: &str, f: impl FnOnce(Python<'_>) -> PyResult<T>) -> R
where
    T: IntoC<R>,
    R: ErrorValue,
{
    // SAFETY: trampolines are only entered from CPython, which holds the GIL when calling.
    let py = unsafe { Python::assume_gil_held() };
    match catch_unwind(AssertUnwindSafe(|| f(py))) {
        Ok(Ok(value)) => value.into_c(),
        Ok(Err(err)) => {
            err.restore();
            R::error_value()
        }
        Err(payload) => {
            let trap = AbortOnDrop;
            panic_error(name, payload.as_ref()).restore();
            std::mem::forget(trap);
            R::error_value()
        }
    }
}

/// For OpenSSL callbacks: returns `Err(message)` instead of unwinding through C frames.
pub(crate) fn catch_callback_panic<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|payload| panic_message(payload.as_ref()))
}

/// The arguments of a call: the positional tuple and the keywords dict (if any).
#[derive(Clone, Copy)]
pub(crate) struct Args<'a> {
    pub(crate) args: Option<Borrowed<'a>>,
    pub(crate) kwargs: Option<Borrowed<'a>>,
}

/// The arguments of a `METH_VARARGS | METH_KEYWORDS` call. A type of its own, not `Args`, so
/// that an implementation written for one calling convention cannot be registered under the
/// other: `py_members!` entries of the wrong kind do not compile. It reads as `Args`.
#[derive(Clone, Copy)]
pub(crate) struct KwArgs<'a>(Args<'a>);

impl<'a> std::ops::Deref for KwArgs<'a> {
    type Target = Args<'a>;
    fn deref(&self) -> &Args<'a> {
        &self.0
    }
}

impl<'a> From<KwArgs<'a>> for Args<'a> {
    fn from(call: KwArgs<'a>) -> Args<'a> {
        call.0
    }
}

/// For `METH_VARARGS` methods: the implementation sees the positional tuple (never keywords).
///
/// # Safety
/// `slf` is a live instance of `T`'s type (or a subtype); `args` is NULL or live for the call;
/// the GIL is held.
pub(crate) unsafe fn call_method<T: PyClass>(
    name: &str,
    slf: *mut ffi::PyObject,
    args: *mut ffi::PyObject,
    imp: impl FnOnce(Python<'_>, Slf<'_, T>, Args<'_>) -> PyResult<Owned>,
) -> *mut ffi::PyObject {
    trampoline(name, |py| {
        // SAFETY: the caller's contract.
        let (slf, args) = unsafe {
            (
                Slf::from_ptr(slf),
                Args::from_ptrs(args, std::ptr::null_mut()),
            )
        };
        imp(py, slf, args)
    })
}

/// For `METH_VARARGS | METH_KEYWORDS` methods.
///
/// # Safety
/// `slf` is a live instance of `T`'s type (or a subtype); `args`/`kwargs` are NULL or live for
/// the call; the GIL is held.
pub(crate) unsafe fn call_method_kw<T: PyClass>(
    name: &str,
    slf: *mut ffi::PyObject,
    args: *mut ffi::PyObject,
    kwargs: *mut ffi::PyObject,
    imp: impl FnOnce(Python<'_>, Slf<'_, T>, KwArgs<'_>) -> PyResult<Owned>,
) -> *mut ffi::PyObject {
    trampoline(name, |py| {
        // SAFETY: the caller's contract.
        let (slf, args) = unsafe { (Slf::from_ptr(slf), Args::from_ptrs(args, kwargs)) };
        imp(py, slf, KwArgs(args))
    })
}

/// For everything called with `self` alone: `METH_NOARGS` methods, getters, `tp_repr`.
///
/// # Safety
/// `slf` is a live instance of `T`'s type (or a subtype); the GIL is held.
pub(crate) unsafe fn call_self<T: PyClass>(
    name: &str,
    slf: *mut ffi::PyObject,
    imp: impl FnOnce(Python<'_>, Slf<'_, T>) -> PyResult<Owned>,
) -> *mut ffi::PyObject {
    trampoline(name, |py| {
        // SAFETY: the caller's contract.
        imp(py, unsafe { Slf::from_ptr(slf) })
    })
}

/// For `METH_O` methods: CPython has already checked that there is exactly one argument (with
/// its own "takes exactly one argument" message); the implementation receives that object.
///
/// # Safety
/// `slf` is a live instance of `T`'s type (or a subtype); `arg` is live; the GIL is held.
pub(crate) unsafe fn call_method_single<T: PyClass>(
    name: &str,
    slf: *mut ffi::PyObject,
    arg: *mut ffi::PyObject,
    imp: impl FnOnce(Python<'_>, Slf<'_, T>, Borrowed<'_>) -> PyResult<Owned>,
) -> *mut ffi::PyObject {
    trampoline(name, |py| {
        // SAFETY: the caller's contract.
        let (slf, arg) = unsafe { (Slf::from_ptr(slf), Borrowed::from_ptr(arg)) };
        imp(py, slf, arg.expect("METH_O passes its argument"))
    })
}

/// For `METH_VARARGS | METH_KEYWORDS` module functions.
///
/// # Safety
/// `args`/`kwargs` are NULL or live for the call; the GIL is held.
pub(crate) unsafe fn call_function_kw(
    name: &str,
    args: *mut ffi::PyObject,
    kwargs: *mut ffi::PyObject,
    imp: impl FnOnce(Python<'_>, KwArgs<'_>) -> PyResult<Owned>,
) -> *mut ffi::PyObject {
    trampoline(name, |py| {
        // SAFETY: the caller's contract.
        imp(py, KwArgs(unsafe { Args::from_ptrs(args, kwargs) }))
    })
}

/// # Safety
/// `args`/`kwargs` are NULL or live for the call; the GIL is held.
pub(crate) unsafe fn call_function(
    name: &str,
    args: *mut ffi::PyObject,
    kwargs: *mut ffi::PyObject,
    imp: impl FnOnce(Python<'_>, Args<'_>) -> PyResult<Owned>,
) -> *mut ffi::PyObject {
    trampoline(name, |py| {
        // SAFETY: the caller's contract.
        imp(py, unsafe { Args::from_ptrs(args, kwargs) })
    })
}

/// # Safety
/// `slf` is a live instance of `T`'s type (or a subtype); `value` NULL (delete) or live.
pub(crate) unsafe fn call_setter<T: PyClass>(
    name: &str,
    slf: *mut ffi::PyObject,
    value: *mut ffi::PyObject,
    imp: impl FnOnce(Python<'_>, Slf<'_, T>, Option<Borrowed<'_>>) -> PyResult<()>,
) -> c_int {
    trampoline(name, |py| {
        // SAFETY: the caller's contract.
        let (slf, value) = unsafe { (Slf::from_ptr(slf), Borrowed::from_ptr(value)) };
        imp(py, slf, value)
    })
}

impl<'a> Args<'a> {
    /// # Safety
    /// Both pointers are NULL or live for `'a`.
    pub(crate) unsafe fn from_ptrs(args: *mut ffi::PyObject, kwargs: *mut ffi::PyObject) -> Self {
        // SAFETY: the caller's contract.
        unsafe {
            Args {
                args: Borrowed::from_ptr(args),
                kwargs: Borrowed::from_ptr(kwargs),
            }
        }
    }
}

/// Defines the C shell of a method of a class: `py_method!(kind fn_name, Class, implementation)`
/// where kind is `keywords` (METH_VARARGS|METH_KEYWORDS: the implementation takes `KwArgs`),
/// `varargs` (METH_VARARGS: `Args`), `single` (METH_O: the one `Borrowed` argument) or `noargs`
/// (self only). Used through `py_members!`, which states the kind once per entry.
#[macro_export]
macro_rules! py_method {
    (keywords $name:ident, $cls:ty, $imp:path) => {
        unsafe extern "C" fn $name(
            slf: *mut $crate::ffi::PyObject,
            args: *mut $crate::ffi::PyObject,
            kwargs: *mut $crate::ffi::PyObject,
        ) -> *mut $crate::ffi::PyObject {
            // SAFETY: CPython passes a live instance of the class and the call's arguments.
            unsafe {
                $crate::py::boundary::call_method_kw::<$cls>(
                    stringify!($imp),
                    slf,
                    args,
                    kwargs,
                    $imp,
                )
            }
        }
    };
    (varargs $name:ident, $cls:ty, $imp:path) => {
        unsafe extern "C" fn $name(
            slf: *mut $crate::ffi::PyObject,
            args: *mut $crate::ffi::PyObject,
        ) -> *mut $crate::ffi::PyObject {
            // SAFETY: CPython passes a live instance of the class and the argument tuple.
            unsafe { $crate::py::boundary::call_method::<$cls>(stringify!($imp), slf, args, $imp) }
        }
    };
    (single $name:ident, $cls:ty, $imp:path) => {
        unsafe extern "C" fn $name(
            slf: *mut $crate::ffi::PyObject,
            arg: *mut $crate::ffi::PyObject,
        ) -> *mut $crate::ffi::PyObject {
            // SAFETY: CPython passes a live instance of the class and the one argument.
            unsafe {
                $crate::py::boundary::call_method_single::<$cls>(stringify!($imp), slf, arg, $imp)
            }
        }
    };
    (noargs $name:ident, $cls:ty, $imp:path) => {
        unsafe extern "C" fn $name(
            slf: *mut $crate::ffi::PyObject,
            _unused: *mut $crate::ffi::PyObject,
        ) -> *mut $crate::ffi::PyObject {
            // SAFETY: CPython passes a live instance of the class.
            unsafe { $crate::py::boundary::call_self::<$cls>(stringify!($imp), slf, $imp) }
        }
    };
}

/// Defines the C shell of a module-level function; kinds as for `py_method!` (no `single`).
#[macro_export]
macro_rules! py_function {
    (keywords $name:ident, $imp:path) => {
        unsafe extern "C" fn $name(
            _module: *mut $crate::ffi::PyObject,
            args: *mut $crate::ffi::PyObject,
            kwargs: *mut $crate::ffi::PyObject,
        ) -> *mut $crate::ffi::PyObject {
            // SAFETY: CPython passes the call's live arguments.
            unsafe { $crate::py::boundary::call_function_kw(stringify!($imp), args, kwargs, $imp) }
        }
    };
    (varargs $name:ident, $imp:path) => {
        $crate::py_function!(@tuple $name, $imp, $imp);
    };
    // The same C signature: CPython passes NULL for the arguments, which are not read.
    (noargs $name:ident, $imp:path) => {
        $crate::py_function!(@tuple $name, $imp, |py, _| $imp(py));
    };
    (@tuple $name:ident, $imp:path, $call:expr) => {
        unsafe extern "C" fn $name(
            _module: *mut $crate::ffi::PyObject,
            args: *mut $crate::ffi::PyObject,
        ) -> *mut $crate::ffi::PyObject {
            // SAFETY: CPython passes the call's live argument tuple (NULL for METH_NOARGS).
            unsafe {
                $crate::py::boundary::call_function(
                    stringify!($imp),
                    args,
                    std::ptr::null_mut(),
                    $call,
                )
            }
        }
    };
}

/// The `MethodKind` of a `py_method!`/`py_function!` kind keyword.
#[macro_export]
macro_rules! py_method_kind {
    (keywords $shell:ident) => {
        $crate::py::typeobj::MethodKind::Keywords($shell)
    };
    (varargs $shell:ident) => {
        $crate::py::typeobj::MethodKind::VarArgs($shell)
    };
    (single $shell:ident) => {
        $crate::py::typeobj::MethodKind::Single($shell)
    };
    (noargs $shell:ident) => {
        $crate::py::typeobj::MethodKind::NoArgs($shell)
    };
}

/// The Python-visible names of a class or module, one table line each, next to their
/// implementations. Each line makes the C shell (inside the trampoline) and registers it, so
/// the calling convention is stated once and the implementation's signature must match it:
///
/// ```text
/// let builder = py_members!(builder, SslContext {
///     method varargs c"set_ciphers" => set_ciphers, c"";     // fn(py, slf, Args)
///     method keywords c"load_cert_chain" => load_cert_chain, c"";  // fn(py, slf, KwArgs)
///     method single c"load_dh_params" => load_dh_params, c"";      // fn(py, slf, Borrowed)
///     method noargs c"session_stats" => session_stats, c"";        // fn(py, slf)
///     get c"security_level" => get_security_level, c"";            // read-only attribute
///     getset c"options" => get_options, set_options, c"";          // read-write attribute
/// });
/// let module = py_members!(ModuleBuilder::new(..), module {
///     function varargs c"RAND_add" => rand_add, DOC;               // fn(py, Args)
/// });
/// ```
#[macro_export]
macro_rules! py_members {
    ($builder:expr, module { $($entries:tt)* }) => {{
        let builder = $builder;
        $crate::py_members!(@function builder; $($entries)*)
    }};
    ($builder:expr, $owner:ty { $($entries:tt)* }) => {{
        let builder = $builder;
        $crate::py_members!(@entry builder, $owner; $($entries)*)
    }};
    (@entry $b:ident, $owner:ty;) => { $b };
    (@entry $b:ident, $owner:ty;
        method $kind:ident $name:expr => $imp:path, $doc:expr; $($rest:tt)*) => {{
        $crate::py_method!($kind shell, $owner, $imp);
        let $b = $crate::py::typeobj::MethodTable::method(
            $b,
            $name,
            $crate::py_method_kind!($kind shell),
            $doc,
        );
        $crate::py_members!(@entry $b, $owner; $($rest)*)
    }};
    (@entry $b:ident, $owner:ty;
        get $name:expr => $get:path, $doc:expr; $($rest:tt)*) => {{
        $crate::py_getset!(get getter, $owner, $get);
        let $b = $b.getset($name, getter, None, $doc);
        $crate::py_members!(@entry $b, $owner; $($rest)*)
    }};
    (@entry $b:ident, $owner:ty;
        getset $name:expr => $get:path, $set:path, $doc:expr; $($rest:tt)*) => {{
        $crate::py_getset!(get getter, $owner, $get);
        $crate::py_getset!(set setter, $owner, $set);
        let $b = $b.getset($name, getter, Some(setter), $doc);
        $crate::py_members!(@entry $b, $owner; $($rest)*)
    }};
    (@function $b:ident;) => { $b };
    (@function $b:ident;
        function $kind:ident $name:expr => $imp:path, $doc:expr; $($rest:tt)*) => {{
        $crate::py_function!($kind shell, $imp);
        let $b = $crate::py::typeobj::MethodTable::method(
            $b,
            $name,
            $crate::py_method_kind!($kind shell),
            $doc,
        );
        $crate::py_members!(@function $b; $($rest)*)
    }};
}

/// Defines a getter (`get`) or setter (`set`) of a class attribute.
#[macro_export]
macro_rules! py_getset {
    (get $name:ident, $cls:ty, $imp:path) => {
        unsafe extern "C" fn $name(
            slf: *mut $crate::ffi::PyObject,
            _closure: *mut std::ffi::c_void,
        ) -> *mut $crate::ffi::PyObject {
            // SAFETY: CPython passes a live instance of the class.
            unsafe { $crate::py::boundary::call_self::<$cls>(stringify!($imp), slf, $imp) }
        }
    };
    (set $name:ident, $cls:ty, $imp:path) => {
        unsafe extern "C" fn $name(
            slf: *mut $crate::ffi::PyObject,
            value: *mut $crate::ffi::PyObject,
            _closure: *mut std::ffi::c_void,
        ) -> std::ffi::c_int {
            // SAFETY: CPython passes a live instance and the new value (NULL to delete).
            unsafe { $crate::py::boundary::call_setter::<$cls>(stringify!($imp), slf, value, $imp) }
        }
    };
}

/// Defines a one-argument slot (`tp_repr`, `tp_str`) of a class.
#[macro_export]
macro_rules! py_unary_slot {
    ($name:ident, $cls:ty, $imp:path) => {
        pub(crate) unsafe extern "C" fn $name(
            slf: *mut $crate::ffi::PyObject,
        ) -> *mut $crate::ffi::PyObject {
            // SAFETY: CPython passes a live instance of the class.
            unsafe { $crate::py::boundary::call_self::<$cls>(stringify!($imp), slf, $imp) }
        }
    };
}

/// Defines `tp_richcompare` of a class: `imp(py, slf, other, op)` with `op` one of CPython's
/// `Py_LT`..`Py_GE`; `self` is always an instance of the class (CPython swaps the operands).
#[macro_export]
macro_rules! py_richcompare {
    ($name:ident, $cls:ty, $imp:path) => {
        pub(crate) unsafe extern "C" fn $name(
            slf: *mut $crate::ffi::PyObject,
            other: *mut $crate::ffi::PyObject,
            op: std::ffi::c_int,
        ) -> *mut $crate::ffi::PyObject {
            // SAFETY: CPython calls tp_richcompare of this class with an instance of it first
            // (or of a subclass) and a live second operand.
            unsafe {
                $crate::py::boundary::call_self::<$cls>(stringify!($imp), slf, |py, slf| {
                    let other =
                        $crate::py::Borrowed::from_ptr(other).expect("operand is never NULL");
                    $imp(py, slf, other, op)
                })
            }
        }
    };
}

/// Defines `tp_new` of a class: `imp(py, subtype, args)`.
#[macro_export]
macro_rules! py_new {
    ($name:ident, $imp:path) => {
        pub(crate) unsafe extern "C" fn $name(
            subtype: *mut $crate::ffi::PyTypeObject,
            args: *mut $crate::ffi::PyObject,
            kwargs: *mut $crate::ffi::PyObject,
        ) -> *mut $crate::ffi::PyObject {
            // SAFETY: CPython passes a ready subtype and the call's live arguments.
            unsafe {
                let subtype = $crate::py::typeobj::SubType::from_ptr(subtype);
                $crate::py::boundary::call_function(stringify!($imp), args, kwargs, |py, args| {
                    $imp(py, subtype, args)
                })
            }
        }
    };
}

/// Body of an exported `init<module>`: runs `init` inside the trampoline. On failure the
/// exception stays set and CPython's importer reports it.
pub(crate) fn module_init(
    name: &str,
    init: impl FnOnce(Python<'_>) -> PyResult<crate::py::module::Module>,
) {
    trampoline::<(), ()>(name, |py| init(py).map(drop))
}

#[cfg(test)]
mod tests {
    use crate::py::embed::{run, with_python};
    use crate::py::module::ModuleBuilder;
    use crate::py::{value, Owned, PyResult, Python};

    fn explode(_py: Python<'_>) -> PyResult<Owned> {
        panic!("deliberate test panic")
    }

    fn fine(_py: Python<'_>) -> PyResult<Owned> {
        value::int(42)
    }

    #[test]
    fn a_panic_becomes_system_error_and_the_interpreter_goes_on() {
        with_python(|py| {
            let module = crate::py_members!(ModuleBuilder::new(c"pep466_panic_test", c""), module {
                function noargs c"explode" => explode, c"";
                function noargs c"fine" => fine, c"";
            })
            .build()
            .expect("module builds");
            drop(module);
            let out = run(py, "import pep466_panic_test as m\nresult = m.explode()");
            assert!(out.starts_with("raised SystemError("), "{out}");
            assert!(
                out.contains("Rust panic in explode: deliberate test panic"),
                "{out}"
            );
            // The interpreter is intact: the next call works.
            assert_eq!(
                run(py, "import pep466_panic_test as m\nresult = m.fine()"),
                "42"
            );
        });
    }
}

/// Proof that `py_members!` rejects an implementation registered under the wrong calling
/// convention. Never part of a build: `scripts/check-method-kinds.sh` type-checks the crate with
/// `--cfg pep466_kind_probe --cfg pep466_kind_case="<case>"` and expects "right" to compile and every other case to
/// fail with a type mismatch on the probe's line.
#[cfg(pep466_kind_probe)]
mod kind_probe {
    use super::{Args, KwArgs};
    use crate::py::typeobj::{PyClass, Slf, TypeBuilder, TypeSlot};
    use crate::py::{value, Borrowed, Owned, PyResult, Python};

    struct Probe;

    impl PyClass for Probe {
        crate::py_type_slot!();
    }

    fn no_args(_py: Python<'_>, _slf: Slf<'_, Probe>) -> PyResult<Owned> {
        Ok(value::none())
    }
    fn var_args(_py: Python<'_>, _slf: Slf<'_, Probe>, _args: Args<'_>) -> PyResult<Owned> {
        Ok(value::none())
    }
    fn kw_args(_py: Python<'_>, _slf: Slf<'_, Probe>, _args: KwArgs<'_>) -> PyResult<Owned> {
        Ok(value::none())
    }
    fn single(_py: Python<'_>, _slf: Slf<'_, Probe>, _arg: Borrowed<'_>) -> PyResult<Owned> {
        Ok(value::none())
    }

    #[cfg(pep466_kind_case = "right")]
    pub(super) fn table(b: TypeBuilder) -> TypeBuilder {
        crate::py_members!(b, Probe {
            method noargs c"a" => no_args, c"";
            method varargs c"b" => var_args, c"";
            method keywords c"c" => kw_args, c"";
            method single c"d" => single, c"";
        })
    }

    /// A wrong case: one implementation registered under another kind (must not compile).
    macro_rules! wrong_case {
        ($case:literal: $kind:ident $imp:ident) => {
            #[cfg(pep466_kind_case = $case)]
            pub(super) fn table(b: TypeBuilder) -> TypeBuilder {
                crate::py_members!(b, Probe { method $kind c"x" => $imp, c""; })
            }
        };
    }
    wrong_case!("single_as_varargs": varargs single);
    wrong_case!("keywords_as_varargs": varargs kw_args);
    wrong_case!("varargs_as_keywords": keywords var_args);
    wrong_case!("noargs_as_single": single no_args);
}
