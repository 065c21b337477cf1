//! `_hashlib.compare_digest(a, b)`: Python 3's constant-time comparison, with 2.7's
//! `operator._compare_digest` rules where 2.7 code can see them (this is what `hmac.py`'s
//! `compare_digest` becomes).

use crate::ossl::ct::constant_time_eq;
use crate::parse_args;
use crate::py::args::ObjectArg;
use crate::py::boundary::Args;
use crate::py::buffer::{has_buffer, type_name, unicode_units, View};
use crate::py::err::Builtin;
use crate::py::{value, Owned, PyErr, PyResult, Python};
use std::ffi::CStr;

pub(crate) const DOC: &CStr = c"compare_digest($module, a, b, /)\n--\n\n\
Return 'a == b'.\n\
\n\
This function uses an approach designed to prevent\n\
timing analysis, making it appropriate for cryptography.\n\
\n\
a and b must both be of the same type: either str (ASCII only),\n\
or any bytes-like object.\n\
\n\
Note: If a and b are of different lengths, or if an error occurs,\n\
a timing attack could theoretically reveal information about the\n\
types and lengths of a and b--but not their values.";

/// Python: `_hashlib.compare_digest(a, b)`
pub(crate) fn compare_digest(_py: Python<'_>, args: Args<'_>) -> PyResult<Owned> {
    parse_args!(args, c"OO:compare_digest" => positional(a: ObjectArg::new(), b: ObjectArg::new()));
    let (a, b) = (a.get().expect("required"), b.get().expect("required"));
    // Two text strings: compared by code units. Python 3 refuses non-ASCII text; 2.7's
    // `hmac.compare_digest` compares it, and 2.7 code keeps that (docs/COMPATIBILITY.md).
    if let (Some(ua), Some(ub)) = (unicode_units(&a), unicode_units(&b)) {
        return Ok(value::boolean(constant_time_eq(ua, ub)));
    }
    // Anything else must be bytes-like on both sides. As in 2.7, the "unsupported operand"
    // text is for two objects without buffers; otherwise the buffer request reports (so text
    // with bytes is "'unicode' does not have the buffer interface").
    if !has_buffer(&a) && !has_buffer(&b) {
        return Err(PyErr::new(
            Builtin::TypeError,
            &format!(
                "unsupported operand types(s) or combination of types: '{:.100}' and '{:.100}'",
                type_name(&a),
                type_name(&b)
            ),
        ));
    }
    let va = View::simple(&a)?;
    let vb = View::simple(&b)?;
    Ok(value::boolean(constant_time_eq(va.bytes(), vb.bytes())))
}
