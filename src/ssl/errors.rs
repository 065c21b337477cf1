//! Scaffolding, to be replaced: exception classes and error mapping.
use crate::py::module::Module;
use crate::py::{PyResult, Python};
pub(crate) fn add_exceptions(_py: Python<'_>, _m: &Module) -> PyResult<()> {
    let _ = super::err_data::library_name(0);
    Ok(())
}
