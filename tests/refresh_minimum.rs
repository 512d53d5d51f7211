//! Refresh makes the fewest calls the APIs allow (DESIGN section 9), for
//! the App Runner estate mix: configurations and connections whose users
//! come from the DescribeService calls refresh makes anyway, custom
//! domains listed only under the services planned domains name.

use std::path::Path;

use decom_sim::SimConfig;
use decom_workload::{apprunner_estate_minimum_refresh, AuditSummary, Stage, Workload};

#[test]
fn the_apprunner_estate_plan_makes_the_minimum_calls() {
    const N: usize = 100;
    let dir = tempfile::tempdir().expect("temp dir");
    let workload = Workload::apprunner_estate_mix(N);
    let decom = Path::new(env!("CARGO_BIN_EXE_decom"));
    let stage = Stage::start(decom, &workload, SimConfig::default(), dir.path()).expect("stage");
    let run = stage
        .decom_ok(&["plan", ".", "--out", "plan.bin"])
        .expect("plan");
    assert!(
        run.stdout.contains(&format!("{N} to delete")),
        "{}",
        run.stdout
    );
    let calls = AuditSummary::of(&stage.audit());
    assert_eq!(
        calls.calls,
        apprunner_estate_minimum_refresh(N),
        "{}",
        calls.operations_line()
    );
}
