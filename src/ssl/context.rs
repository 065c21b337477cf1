//! Scaffolding, to be replaced: `_SSLContext`.
use crate::py::module::Module;
use crate::py::{PyResult, Python};
pub(crate) fn add_type(_py: Python<'_>, _m: &Module) -> PyResult<()> {
    Ok(())
}
