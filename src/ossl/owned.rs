//! `owned!`: the one declaration of an owned OpenSSL object (`SSL`, `SSL_CTX`, `X509`...).
//!
//! Each owned type is a non-NULL pointer to an object we hold one reference to (or own
//! outright): `as_ptr()` lends it to OpenSSL calls, `Drop` releases it with the type's free
//! function, and a reference-counted type gets `Clone` from its `*_up_ref`. The struct's field
//! stays private to the module that declares it, which makes values (`Foo(non_null)`) only
//! from pointers it knows to be owned. Whether a type may be sent or shared between threads
//! depends on the object kind, so each declaration states that itself (`unsafe impl Send`,
//! with its reason).
//!
//! Why not the `foreign-types` crate (0.3, as the `openssl` crate uses): its macro wants a free
//! function returning nothing and a clone function returning the pointer (`BIO_free` and the
//! `*_up_ref` functions return an int, so every type would need wrappers), always declares a
//! `FooRef` (our `SslRef<'a>` is already the borrowed `SSL` of callbacks), puts `as_ptr` behind
//! a trait every caller imports, and drops the non-NULL niche (`Option<Session>`).

/// Declares an owned OpenSSL object:
///
/// ```ignore
/// owned! {
///     /// Docs of the type.
///     pub(crate) struct Session(sys::SSL_SESSION);
///     free = sys::SSL_SESSION_free;
///     up_ref = sys::SSL_SESSION_up_ref; // optional: Clone takes another reference
/// }
/// ```
///
/// `free` and `up_ref` are called with the pointer; their return values are ignored
/// (`up_ref` cannot fail on an object we hold a reference to).
macro_rules! owned {
    (
        $(#[$attr:meta])*
        $vis:vis struct $name:ident($ctype:ty);
        free = $free:expr;
        $(up_ref = $up_ref:expr;)?
    ) => {
        $(#[$attr])*
        $vis struct $name(std::ptr::NonNull<$ctype>);

        impl $name {
            /// The raw pointer, for OpenSSL calls (ours stays owned by `self`).
            #[inline]
            $vis fn as_ptr(&self) -> *mut $ctype {
                self.0.as_ptr()
            }
        }

        impl Drop for $name {
            #[inline]
            fn drop(&mut self) {
                // SAFETY: we hold one reference (or the only one), released once here.
                unsafe { $free(self.0.as_ptr()) };
            }
        }

        $(
            impl Clone for $name {
                #[inline]
                fn clone(&self) -> $name {
                    // SAFETY: a live object; taking another reference cannot fail while we
                    // hold one.
                    unsafe { $up_ref(self.0.as_ptr()) };
                    $name(self.0)
                }
            }
        )?
    };
}

pub(crate) use owned;
