//! Scaffolding, to be replaced: module constants.
use crate::py::module::Module;
use crate::py::{PyResult, Python};
pub(crate) fn add_constants(_py: Python<'_>, _m: &Module) -> PyResult<()> {
    Ok(())
}
