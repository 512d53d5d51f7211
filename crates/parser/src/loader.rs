//! Placeholder: the loader is being written.

use std::path::Path;

use crate::{Diagnostic, Diagnostics, Manifest, VariableInputs};

pub(crate) fn load(_path: &Path, _vars: &VariableInputs) -> Result<Manifest, Diagnostics> {
    Err(Diagnostics {
        sources: Default::default(),
        items: vec![Diagnostic::error("loader not implemented yet", None)],
    })
}
