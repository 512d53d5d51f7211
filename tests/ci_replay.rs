//! examples/ci/replay.sh — the GitHub workflow's steps against the
//! simulator (validate, plan --out, show --markdown, apply of the saved
//! plan, stale-plan refusal) — succeeds end to end.

mod common;

use std::process::Command;

use common::{repo_root, stderr, stdout};

#[test]
fn the_ci_replay_script_runs_every_workflow_step_against_the_simulator() {
    if Command::new("bash").arg("--version").output().is_err() {
        eprintln!("note: bash is not installed; skipping the CI replay");
        return;
    }
    let mut cmd = Command::new("bash");
    cmd.arg(repo_root().join("examples/ci/replay.sh"))
        .env("DECOM", env!("CARGO_BIN_EXE_decom"));
    // Nothing from the host's AWS setup may leak in.
    for key in common::host_settings() {
        cmd.env_remove(key);
    }
    let out = cmd.output().unwrap();
    let (so, se) = (stdout(&out), stderr(&out));
    assert!(
        out.status.success(),
        "replay failed\n--- stdout\n{so}\n--- stderr\n{se}"
    );
    for step in [
        "==> decom validate",
        "==> decom plan --out plan.bin --detailed-exitcode",
        "==> decom show --markdown plan.bin",
        "==> decom apply plan.bin",
        "Apply complete: 6 deleted, 2 deleted with their parent, 0 failed, 0 skipped.",
        "replay: every step behaved as the workflow expects.",
    ] {
        assert!(so.contains(step), "missing {step:?}\n{so}");
    }
    assert!(so.contains("error: saved plan is stale"), "{so}");
}
