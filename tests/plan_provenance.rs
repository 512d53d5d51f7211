//! What a saved plan records about where it came from (git commit,
//! manifest digest), what `apply` prints of it, and `--max-plan-age`.

mod common;

use std::process::Command as Process;
use std::time::Duration;

use common::quickstart::quickstart_seed;
use common::sim::TestSim;
use common::{repo_root, stderr, stdout, Project};

const FAST: &str = "--poll-interval-ms=20";

fn quickstart_project() -> Project {
    let p = Project::new();
    let text = std::fs::read_to_string(repo_root().join("examples/quickstart/main.hcl")).unwrap();
    p.write("main.hcl", &text);
    p
}

fn run(sim: &TestSim, p: &Project, args: &[&str]) -> std::process::Output {
    let mut cmd = p.decom(args);
    sim.env(&mut cmd);
    cmd.output().unwrap()
}

/// The JSON body of a plan file (after its header line).
fn plan_body(p: &Project) -> serde_json::Value {
    let bytes = std::fs::read(p.path().join("plan.bin")).unwrap();
    let body = &bytes[bytes.iter().position(|&b| b == b'\n').unwrap() + 1..];
    serde_json::from_slice(body).unwrap()
}

fn git(p: &Project, args: &[&str]) -> Option<std::process::Output> {
    Process::new("git")
        .current_dir(p.path())
        .args([
            "-c",
            "user.name=decom test",
            "-c",
            "user.email=test@example.com",
        ])
        .args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", p.path())
        .output()
        .ok()
}

#[test]
fn the_plan_records_the_git_commit_and_apply_prints_it_with_the_digest() {
    let p = quickstart_project();
    let Some(init) = git(&p, &["init", "-q"]) else {
        eprintln!("note: git is not installed; skipping");
        return;
    };
    assert!(init.status.success(), "{}", stderr(&init));
    assert!(git(&p, &["add", "main.hcl"]).unwrap().status.success());
    let commit = git(&p, &["commit", "-q", "-m", "teardown"]).unwrap();
    assert!(commit.status.success(), "{}", stderr(&commit));
    let head = stdout(&git(&p, &["rev-parse", "HEAD"]).unwrap())
        .trim()
        .to_string();
    assert_eq!(head.len(), 40, "{head}");

    let sim = TestSim::start(quickstart_seed());
    let out = run(&sim, &p, &["plan", "--out", "plan.bin"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let body = plan_body(&p);
    assert_eq!(body["git_commit"], head.as_str());
    let digest = body["manifest_digest"].as_str().unwrap().to_string();
    assert!(digest.starts_with("sha256:"), "{digest}");

    let out = run(&sim, &p, &["apply", "plan.bin", FAST]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains(&format!("git commit:      {head}")), "{text}");
    assert!(
        text.contains(&format!("manifest digest: {digest}")),
        "{text}"
    );
}

#[test]
fn outside_a_git_repository_the_commit_is_unknown_not_an_error() {
    let p = quickstart_project();
    let sim = TestSim::start(quickstart_seed());
    let mut cmd = p.decom(&["plan", "--out", "plan.bin"]);
    sim.env(&mut cmd);
    // Stop git from finding a repository above the temp dir.
    cmd.env("GIT_CEILING_DIRECTORIES", p.path().parent().unwrap());
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(plan_body(&p)["git_commit"].is_null());

    let out = run(&sim, &p, &["apply", "plan.bin", FAST]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("git commit:      unknown"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn a_plan_older_than_max_plan_age_is_refused_before_any_request() {
    let p = quickstart_project();
    let sim = TestSim::start(quickstart_seed());
    let out = run(&sim, &p, &["plan", "--out", "plan.bin"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // Only a lower bound on the age matters, so this cannot flake.
    std::thread::sleep(Duration::from_millis(2100));
    let requests_before = sim.audit().len();

    let out = run(
        &sim,
        &p,
        &["apply", "plan.bin", "--max-plan-age", "1s", FAST],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let err = stderr(&out);
    assert!(err.contains("saved plan is too old"), "{err}");
    assert!(err.contains("--max-plan-age is 1s"), "{err}");
    assert_eq!(
        sim.audit().len(),
        requests_before,
        "no request after refusal"
    );

    // The default (24h) accepts it.
    let out = run(&sim, &p, &["apply", "plan.bin", FAST]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn a_bad_max_plan_age_is_a_usage_error() {
    let p = quickstart_project();
    let out = p
        .decom(&["apply", "plan.bin", "--max-plan-age", "1 day"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("1h30m"), "{}", stderr(&out));
}
