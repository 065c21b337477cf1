//! Scaffolding, to be replaced: module-level functions.
use crate::py::module::ModuleBuilder;
pub(crate) fn add_functions(m: ModuleBuilder) -> ModuleBuilder {
    m
}
