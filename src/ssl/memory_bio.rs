//! `_ssl.MemoryBIO` (Python 3.5's): a byte queue in memory through which an `SSLObject` (a
//! connection made by `_SSLContext._wrap_bio`) exchanges TLS records with whatever transport
//! Python code chooses. The queue is a reference-counted OpenSSL memory BIO (`ossl::membio`),
//! shared with every connection using it.

use crate::ossl::membio::MemBio;
use crate::parse_args;
use crate::py::args::{bytes_like, IntArg};
use crate::py::boundary::Args;
use crate::py::err::Builtin;
use crate::py::module::Module;
use crate::py::typeobj::{create_subtype, PyClass, Slf, SubType, TypeBuilder};
use crate::py::{value, Owned, PyErr, PyResult, Python};
use crate::py_new;
use crate::ssl::errors::{lines, ssl_error_from_queue, ssl_error_plain};
use std::ffi::c_int;
use std::sync::atomic::{AtomicBool, Ordering};

pub(crate) struct MemoryBio {
    bio: MemBio,
    /// `write_eof()` was called: no more writes, and an empty queue reads as end of data.
    eof_written: AtomicBool,
}

impl PyClass for MemoryBio {
    crate::py_type_slot!();
}

impl MemoryBio {
    /// Another reference to the BIO, for a connection to own.
    pub(crate) fn share(&self) -> MemBio {
        self.bio.clone()
    }

    /// The type object (`_wrap_bio` checks its arguments against it).
    pub(crate) fn type_object() -> Owned {
        Self::type_slot().object()
    }
}

py_new!(memory_bio_tp_new, new);

/// Python: `_ssl.MemoryBIO` (the type).
pub(crate) fn add_type(_py: Python<'_>, m: &Module) -> PyResult<()> {
    let ty = TypeBuilder::new::<MemoryBio>(c"_ssl.MemoryBIO", c"").new_func(memory_bio_tp_new);
    let ty = crate::py_members!(ty, MemoryBio {
        method varargs c"read" => read, c"read($self, size=-1, /)\n--\n\n\
            Read up to size bytes from the memory BIO.\n\n\
            If size is not specified, read the entire buffer.\n\
            If the return value is an empty bytes instance, this means either\n\
            EOF or that no data is available. Use the \"eof\" property to\n\
            distinguish between the two.";
        method varargs c"write" => write, c"write($self, b, /)\n--\n\n\
            Writes the bytes b into the memory BIO.\n\n\
            Returns the number of bytes written.";
        method noargs c"write_eof" => write_eof, c"write_eof($self, /)\n--\n\n\
            Write an EOF marker to the memory BIO.\n\n\
            When all data has been read, the \"eof\" property will be True.";
        get c"pending" => pending, c"The number of bytes pending in the memory BIO.";
        get c"eof" => eof, c"Whether the memory BIO is at EOF.";
    })
    .build::<MemoryBio>()?;
    m.add(c"MemoryBIO", ty)
}

/// Python: `_ssl.MemoryBIO()`
fn new(_py: Python<'_>, subtype: SubType, args: Args<'_>) -> PyResult<Owned> {
    let positional = match args.args {
        Some(a) => value::len(&a)?,
        None => 0,
    };
    if positional > 0 {
        return Err(PyErr::new(
            Builtin::TypeError,
            "MemoryBIO() takes no positional arguments",
        ));
    }
    if let Some(kw) = args.kwargs {
        if value::len(&kw)? > 0 {
            return Err(PyErr::new(
                Builtin::TypeError,
                "MemoryBIO() takes no keyword arguments",
            ));
        }
    }
    let bio = MemBio::new().map_err(|e| ssl_error_from_queue(&e, lines::MEMORY_BIO_NEW))?;
    create_subtype(
        subtype,
        MemoryBio {
            bio,
            eof_written: AtomicBool::new(false),
        },
    )
}

/// Python: `_ssl.MemoryBIO.read(size=-1)`: up to `size` bytes (all when negative or absent).
fn read(_py: Python<'_>, slf: Slf<'_, MemoryBio>, args: Args<'_>) -> PyResult<Owned> {
    parse_args!(args, c"|i:read" => positional(size: IntArg(-1)));
    let avail = slf.bio.pending();
    let len = match usize::try_from(size.0) {
        Ok(n) if n <= avail => n,
        _ => avail,
    };
    if len == 0 {
        return value::bytes(b"");
    }
    value::bytes_filled(len, |buf| {
        slf.bio
            .read(buf)
            .map_err(|e| ssl_error_from_queue(&e, lines::MEMORY_BIO_READ))
    })
}

/// Python: `_ssl.MemoryBIO.write(b)`: `b` is any buffer but text (Python 3 takes bytes-like
/// objects only, and 2.7's unicode is Python 3's str).
fn write(_py: Python<'_>, slf: Slf<'_, MemoryBio>, args: Args<'_>) -> PyResult<Owned> {
    let data = bytes_like(args, c"s*:write")?;
    let bytes = data.bytes().unwrap_or_default();
    if bytes.len() > c_int::MAX as usize {
        return Err(PyErr::new(
            Builtin::OverflowError,
            &format!("string longer than {} bytes", c_int::MAX),
        ));
    }
    if slf.eof_written.load(Ordering::Acquire) {
        return Err(ssl_error_plain("cannot write() after write_eof()"));
    }
    if bytes.is_empty() {
        return value::int(0);
    }
    let n = slf
        .bio
        .write(bytes)
        .map_err(|e| ssl_error_from_queue(&e, lines::MEMORY_BIO_WRITE))?;
    value::int(n as _)
}

/// Python: `_ssl.MemoryBIO.write_eof()`
fn write_eof(_py: Python<'_>, slf: Slf<'_, MemoryBio>) -> PyResult<Owned> {
    slf.eof_written.store(true, Ordering::Release);
    slf.bio.set_eof();
    Ok(value::none())
}

/// Python: `_ssl.MemoryBIO.pending`
fn pending(_py: Python<'_>, slf: Slf<'_, MemoryBio>) -> PyResult<Owned> {
    value::int(std::ffi::c_long::try_from(slf.bio.pending()).unwrap_or(std::ffi::c_long::MAX))
}

/// Python: `_ssl.MemoryBIO.eof`: EOF was written and everything before it has been read.
fn eof(_py: Python<'_>, slf: Slf<'_, MemoryBio>) -> PyResult<Owned> {
    Ok(value::boolean(
        slf.eof_written.load(Ordering::Acquire) && slf.bio.pending() == 0,
    ))
}
