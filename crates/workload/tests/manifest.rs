//! The generated manifest is one decom accepts, naming exactly the planned
//! resources.

use decom_parser::VariableInputs;
use decom_workload::Workload;

#[test]
fn generated_manifest_loads_with_every_planned_resource() {
    let w = Workload::design_mix(200, true);
    let dir = std::env::temp_dir().join(format!("decom-workload-{}", std::process::id()));
    decom_workload::write(&w, &dir).unwrap();
    let loaded = decom_parser::load(&dir.join("main.hcl"), &VariableInputs::default());
    std::fs::remove_dir_all(&dir).unwrap();
    let manifest = loaded.unwrap_or_else(|d| panic!("generated manifest invalid: {d:?}"));
    assert_eq!(manifest.resources.len(), 200);
    assert_eq!(w.planned.len(), 200);
}
