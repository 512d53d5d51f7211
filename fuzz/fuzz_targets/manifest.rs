//! Manifest text, as `decom validate` takes it: load one file from memory
//! (`decom_parser::load_source`, the same pipeline as a file on disk,
//! including its handling of a BOM and of bytes that are not UTF-8), build
//! the deletion graph (which rejects cycles), and render whatever
//! diagnostics come out the way the CLI does (miette, with and without
//! color, and the `--json` form). Rendering spans over arbitrary text is a
//! classic source of panics, so it is part of the target.
//!
//! Keep in step with `crates/graph/tests/fuzz_seeds.rs`, which runs the
//! committed seeds through the same sequence in the ordinary test suite.
#![no_main]

use std::path::Path;

use decom_parser::{Diagnostics, VariableInputs};
use libfuzzer_sys::fuzz_target;

fn render(diags: &Diagnostics) {
    assert!(!diags.items.is_empty(), "an error with no diagnostic");
    let plain = diags.render(false);
    assert!(!plain.is_empty());
    let _ = diags.render(true);
    let _ = diags.to_json();
}

fuzz_target!(|data: &[u8]| {
    match decom_parser::load_source(Path::new("main.hcl"), data, &VariableInputs::default()) {
        Ok(manifest) => match decom_graph::from_manifest(&manifest) {
            Ok(graph) => {
                let _ = graph.waves();
            }
            Err(cycle) => render(&cycle.to_diagnostics(&manifest.sources)),
        },
        Err(diags) => render(&diags),
    }
});
