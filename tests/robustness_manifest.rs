//! Hostile manifests and inputs (DESIGN section 12, issue 14 items 7 and
//! 8), through the real binary: a manifest that would take gigabytes, too
//! many resources, var files that are pipes or devices, empty input, and
//! sensitive values that pass through functions or would show up in a
//! list of live names.
//!
//! Every run has a kill deadline, so a regression that hangs fails the test
//! instead of hanging it; where it matters the child also runs under an
//! address-space limit, so a regression that eats memory fails as an abort.

mod common;

use std::path::Path;
use std::time::Duration;

use common::sim::TestSim;
use common::{stderr, stdout, Project};
use decom_sim::{ResourceType as Sim, SeedResource};

/// Long enough for a loaded CI machine, short enough that a hang is a
/// failure rather than a stuck job.
const DEADLINE: Duration = Duration::from_secs(60);

/// Address space for a child that must stay small: evaluating the
/// doubling manifest unbounded needs many gigabytes.
const ADDRESS_SPACE: &str = "--as=1073741824";

fn run(p: &Project, args: &[&str]) -> std::process::Output {
    p.decom(args).timeout(DEADLINE).output().unwrap()
}

/// `decom ARGS` under an address-space limit when `prlimit` is installed
/// (util-linux), else as is (still under the deadline).
fn run_limited(p: &Project, args: &[&str]) -> std::process::Output {
    let prlimit = Path::new("/usr/bin/prlimit");
    if !prlimit.exists() {
        return run(p, args);
    }
    let mut limited = std::process::Command::new(prlimit);
    limited
        .current_dir(p.path())
        .arg(ADDRESS_SPACE)
        .arg("--")
        .arg(assert_cmd::cargo::cargo_bin("decom"))
        .args(args);
    // The clean environment `decom()` gives.
    for (key, _) in std::env::vars() {
        if key.starts_with("DECOM_VAR_") || key.starts_with("AWS_") {
            limited.env_remove(key);
        }
    }
    limited.env("NO_COLOR", "1");
    assert_cmd::Command::from_std(limited)
        .timeout(DEADLINE)
        .output()
        .unwrap()
}

/// 64 locals, each the previous one twice: 2,200 bytes of HCL whose last
/// local would be 2^64 bytes. `local.l20` (line 22) is the first over 1 MiB.
fn doubling_locals() -> String {
    let mut text = String::from("locals {\n  l0 = \"ab\"\n");
    for i in 1..64 {
        text.push_str(&format!(
            "  l{i} = \"${{local.l{p}}}${{local.l{p}}}\"\n",
            p = i - 1
        ));
    }
    text.push_str("}\n\nresource \"aws_supplychain_instance\" \"x\" {\n  name = local.l63\n}\n");
    text
}

#[test]
fn doubling_locals_fail_fast_at_the_expression_with_little_memory() {
    let p = Project::with_main(&doubling_locals());
    let out = run_limited(&p, &["validate", "."]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("larger than 1 MiB"), "{err}");
    assert!(err.contains("main.hcl:22:"), "points at local.l20: {err}");
    assert!(err.len() < 2_000, "one short diagnostic: {err}");
}

#[test]
fn deep_nesting_is_a_short_diagnostic_not_a_crash_or_a_dump() {
    let n = 100_000;
    let p = Project::with_main(&format!(
        "locals {{\n  x = {}1{}\n  y = {}1{}\n}}\n",
        "(".repeat(n),
        ")".repeat(n),
        "[".repeat(n),
        "]".repeat(n)
    ));
    let out = run_limited(&p, &["validate", "."]);
    let err = stderr(&out);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        &err[..err.len().min(2_000)]
    );
    assert!(
        err.contains("invalid nesting depth"),
        "{}",
        &err[..err.len().min(2_000)]
    );
    assert!(
        err.contains("main.hcl:2:"),
        "{}",
        &err[..err.len().min(2_000)]
    );
    assert!(err.len() < 2_000, "{} bytes of diagnostics", err.len());
}

#[test]
fn more_than_100000_resources_after_expansion_is_a_diagnostic_at_the_count() {
    let p = Project::with_main(
        r#"resource "aws_supplychain_instance" "a" {
  count = 50000
  name  = "a-${count.index}"
}

resource "aws_supplychain_instance" "b" {
  count = 50001
  name  = "b-${count.index}"
}
"#,
    );
    let out = run_limited(&p, &["validate", "."]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("more than 100000 resources after count / for_each expansion"),
        "{err}"
    );
    assert!(
        err.contains("main.hcl:7:11"),
        "points at the second count: {err}"
    );
}

const ONE_RESOURCE: &str = "resource \"aws_supplychain_instance\" \"x\" {\n  name = \"x\"\n}\n";

#[test]
fn a_fifo_as_var_file_is_refused_without_blocking() {
    let p = Project::with_main(ONE_RESOURCE);
    let fifo = p.path().join("vars.fifo");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    // Nobody ever writes to it: reading it would block forever.
    let out = run(&p, &["validate", ".", "--var-file", "vars.fifo"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("cannot read `vars.fifo`: it is not a regular file"),
        "{err}"
    );
}

#[test]
fn dev_zero_and_a_directory_as_var_file_are_refused() {
    let p = Project::with_main(ONE_RESOURCE);
    std::fs::create_dir(p.path().join("vars.d")).unwrap();
    for (file, why) in [
        ("/dev/zero", "it is not a regular file"),
        ("vars.d", "it is a directory"),
    ] {
        let out = run_limited(&p, &["validate", ".", "--var-file", file]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{file}: {err}");
        assert!(
            err.contains(&format!("cannot read `{file}`: {why}")),
            "{err}"
        );
        assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
    }
}

/// Planned with `--sandbox` (nothing to reach): empty input must be an
/// error, never "No changes".
fn assert_no_resources_error(p: &Project, path: &str) {
    for args in [vec!["validate", path], vec!["plan", "--sandbox", path]] {
        let out = run(p, &args);
        let (out_text, err) = (stdout(&out), stderr(&out));
        assert_eq!(out.status.code(), Some(1), "{args:?}: {out_text}{err}");
        assert!(err.contains("declares no resources"), "{args:?}: {err}");
        assert!(!out_text.contains("No changes"), "{args:?}: {out_text}");
    }
}

#[test]
fn an_empty_manifest_directory_is_an_error_not_no_changes() {
    let p = Project::new();
    std::fs::create_dir(p.path().join("empty")).unwrap();
    assert_no_resources_error(&p, "empty");
}

#[test]
fn an_empty_hcl_file_is_an_error_not_no_changes() {
    let p = Project::with_main("");
    assert_no_resources_error(&p, ".");
    assert_no_resources_error(&p, "main.hcl");
    let only_variables = Project::with_main("variable \"env\" {\n  default = \"prod\"\n}\n");
    assert_no_resources_error(&only_variables, ".");
}

/// A recognisable secret, in mixed case so that every case form differs.
const TOKEN: &str = "Tok3nDoNotPrint";

const SENSITIVE_NAME: &str = r#"
variable "token" {
  type      = string
  sensitive = true
}

provider "aws" {
  region = "us-east-1"
}

resource "aws_dx_connection" "link" {
  name = "dx-${upper(var.token)}"
}
"#;

fn plan_with_token(
    sim: &TestSim,
    p: &Project,
    token: &str,
    extra: &[&str],
) -> std::process::Output {
    let mut cmd = p.decom(&[&["plan", "."], extra].concat());
    sim.env(&mut cmd);
    cmd.env("DECOM_VAR_token", token)
        .timeout(DEADLINE)
        .output()
        .unwrap()
}

fn assert_never_shown(secret: &str, outputs: &[&std::process::Output]) {
    for out in outputs {
        for text in [stdout(out), stderr(out)] {
            for form in [
                secret.to_string(),
                secret.to_uppercase(),
                secret.to_lowercase(),
            ] {
                assert!(!text.contains(&form), "{form:?} shown in:\n{text}");
            }
        }
    }
}

#[test]
fn a_sensitive_value_through_upper_is_hidden_in_a_plan_error() {
    let sim = TestSim::start(vec![SeedResource::new(Sim::DxConnection, "dx-other")]);
    let p = Project::with_main(SENSITIVE_NAME);
    let plain = plan_with_token(&sim, &p, TOKEN, &[]);
    let json = plan_with_token(&sim, &p, TOKEN, &["--json"]);
    for out in [&plain, &json] {
        assert_eq!(out.status.code(), Some(1), "{}{}", stdout(out), stderr(out));
    }
    let err = stderr(&plain);
    assert!(
        err.contains("no aws_dx_connection named \"dx-(sensitive)\""),
        "{err}"
    );
    assert_never_shown(TOKEN, &[&plain, &json]);
}

#[test]
fn live_names_are_not_listed_when_the_name_is_derived_from_a_sensitive_value() {
    // The live connection holds the right secret; the user gave a wrong one.
    let right = "RightSecret42";
    let sim = TestSim::start(vec![
        SeedResource::new(Sim::DxConnection, format!("dx-{}", right.to_uppercase())),
        SeedResource::new(Sim::DxConnection, "dx-unrelated"),
    ]);
    let p = Project::with_main(SENSITIVE_NAME);
    let out = plan_with_token(&sim, &p, "WrongSecret7", &[]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("derived from a sensitive variable, so the live aws_dx_connection names"),
        "{err}"
    );
    assert!(!err.contains("dx-unrelated"), "no names at all: {err}");
    assert_never_shown(right, &[&out]);
    assert_never_shown("WrongSecret7", &[&out]);

    // Without a sensitive variable the list is still there to help.
    let plain = Project::with_main(
        "provider \"aws\" {\n  region = \"us-east-1\"\n}\nresource \"aws_dx_connection\" \"link\" {\n  name = \"dx-typo\"\n}\n",
    );
    let mut cmd = plain.decom(&["plan", "."]);
    sim.env(&mut cmd);
    let listed = cmd.timeout(DEADLINE).output().unwrap();
    assert!(
        stderr(&listed).contains("\"dx-unrelated\""),
        "{}",
        stderr(&listed)
    );
}

#[test]
fn a_live_relation_is_not_shown_when_the_declared_one_is_derived_from_a_sensitive_value() {
    // The live interface sits on the connection whose id holds the right
    // secret; the manifest asserts one built from a wrong secret.
    let right = "rightsecret42";
    let mut vif = SeedResource::new(Sim::DxVirtualInterface, "vif-a");
    vif.connection_id = Some(format!("dxcon-{right}"));
    let mut connection = SeedResource::new(Sim::DxConnection, "dx-a");
    connection.id = Some(format!("dxcon-{right}"));
    let sim = TestSim::start(vec![connection, vif]);
    let p = Project::with_main(
        r#"provider "aws" {
  region = "us-east-1"
}
variable "token" {
  type      = string
  sensitive = true
}
resource "aws_dx_virtual_interface" "v" {
  name          = "vif-a"
  connection_id = "dxcon-${var.token}"
}
"#,
    );
    let out = plan_with_token(&sim, &p, "wrongsecret7", &[]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("connection_id does not match live state"),
        "{err}"
    );
    assert!(
        err.contains("(not shown: the declared value is sensitive)"),
        "{err}"
    );
    assert_never_shown(right, &[&out]);
    assert_never_shown("wrongsecret7", &[&out]);
}
