//! The committed seeds of the `manifest` and `plan_file` fuzz targets
//! (`fuzz/seeds/`), run through the same sequence as the targets in the
//! ordinary test suite, so the seeds and the entry points keep working
//! without building the fuzz package. Keep `validate` and `read_plan` in
//! step with `fuzz/fuzz_targets/manifest.rs` and `plan_file.rs`.

use std::path::Path;

use decom_parser::{Diagnostics, VariableInputs};
use decom_plan::{self as plan, PlanFile, PlanFileError};

fn seeds(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fuzz/seeds")
        .join(target);
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .expect("the seed directory exists")
        .map(|e| {
            let p = e.expect("dir entry").path();
            let name = p.file_name().map(|n| n.to_string_lossy().into_owned());
            (
                name.unwrap_or_default(),
                std::fs::read(&p).expect("readable"),
            )
        })
        .collect();
    out.sort();
    out
}

/// The `manifest` target: what `decom validate` does, rendering included.
/// `Ok(waves)` or the plain rendering of the diagnostics.
fn validate(data: &[u8]) -> Result<usize, String> {
    let render = |d: &Diagnostics| {
        assert!(!d.items.is_empty(), "an error with no diagnostic");
        let _ = d.render(true);
        let _ = d.to_json();
        d.render(false)
    };
    match decom_parser::load_source(Path::new("main.hcl"), data, &VariableInputs::default()) {
        Ok(manifest) => match decom_graph::from_manifest(&manifest) {
            Ok(graph) => Ok(graph.waves().len()),
            Err(cycle) => Err(render(&cycle.to_diagnostics(&manifest.sources))),
        },
        Err(diags) => Err(render(&diags)),
    }
}

/// The `plan_file` target: first byte even = a whole file, odd = a JSON
/// body to put behind a valid header.
fn read_plan(data: &[u8]) -> Result<usize, PlanFileError> {
    let (&mode, rest) = data.split_first().expect("seeds are not empty");
    let bytes = if mode & 1 == 0 {
        rest.to_vec()
    } else {
        plan::frame(rest)
    };
    let file = PlanFile::parse(&bytes, "fuzz.bin")?;
    let deletions = file.approved_deletions().count();
    let plan = file.to_plan().expect("parse checked to_plan");
    let _ = plan::render(&plan, false);
    let _ = plan::to_json(&plan, &decom_parser::Redaction::default());
    let _ = plan::to_markdown(&plan);
    Ok(deletions)
}

#[test]
fn manifest_seeds_validate_like_the_cli() {
    let seeds = seeds("manifest");
    assert!(seeds.len() >= 20);
    for (name, data) in &seeds {
        let r = validate(data);
        if name.starts_with("example_") {
            let waves = r.unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(waves >= 2, "{name}: {waves} waves");
        } else if name == "cycle.hcl" {
            let text = r.expect_err("a cycle");
            assert!(text.contains("cycle"), "{text}");
        }
    }
}

#[test]
fn plan_file_seeds_read_like_show() {
    let seeds = seeds("plan_file");
    assert!(seeds.len() >= 10);
    for (name, data) in &seeds {
        let r = read_plan(data);
        let stem = name.split('.').next().unwrap_or_default();
        match stem {
            "file_bad_checksum" | "file_truncated" => {
                assert!(
                    matches!(r, Err(PlanFileError::Checksum { .. })),
                    "{name}: {r:?}"
                )
            }
            "file_bad_version" => {
                assert!(
                    matches!(r, Err(PlanFileError::Version { .. })),
                    "{name}: {r:?}"
                )
            }
            "file_not_a_plan" => {
                assert!(
                    matches!(r, Err(PlanFileError::NotAPlan { .. })),
                    "{name}: {r:?}"
                )
            }
            "body_cycle" => {
                assert!(
                    matches!(r, Err(PlanFileError::Invalid { .. })),
                    "{name}: {r:?}"
                )
            }
            "body_empty" => assert_eq!(r.ok(), Some(0), "{name}"),
            // An edge to an address the plan does not hold is dropped, as
            // the graph does for any edge step.
            "body_unknown_node" => assert_eq!(r.ok(), Some(6), "{name}"),
            "body_wait_noop" => assert_eq!(r.ok(), Some(4), "{name}"),
            _ => {
                let n = r.unwrap_or_else(|e| panic!("{name}: {e}"));
                assert!(n >= 1, "{name}: nothing to delete");
            }
        }
    }
}
