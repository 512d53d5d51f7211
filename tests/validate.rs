//! `decom validate` end to end: summaries, diagnostics, JSON, variables.

mod common;

use common::{decom, stderr, stdout, Project};

#[test]
fn quickstart_is_valid_with_three_waves() {
    let out = decom()
        .arg("validate")
        .arg(Project::example("quickstart").path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "Valid: 6 resources, 3 waves.\n  \
         aws_apprunner_vpc_ingress_connection.web.service_arn = aws_apprunner_service.web.arn (known after refresh)\n"
    );
}

#[test]
fn every_shipped_example_is_valid() {
    for example in [
        "quickstart",
        "apprunner-private-networking",
        "directconnect",
    ] {
        let out = decom()
            .arg("validate")
            .arg(Project::example(example).path())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{example}: {}", stderr(&out));
        assert!(stdout(&out).starts_with("Valid: "), "{example}");
    }
}

#[test]
fn errors_show_file_line_column_snippet_and_exit_1() {
    let p = Project::with_main(
        r#"resource "aws_dx_connection" "a" {
  id  = "dxcon-fg123456"
  idd = "x"
}
"#,
    );
    let out = p.decom(&["validate"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("main.hcl:3:3"), "{err}");
    assert!(err.contains("idd = \"x\""), "snippet missing: {err}");
    assert!(
        err.contains("allowed"),
        "allowed attributes not listed: {err}"
    );
    assert!(stdout(&out).is_empty());
}

#[test]
fn a_cycle_is_printed_as_a_path_with_each_edge_location() {
    let p = Project::with_main(
        r#"resource "aws_apprunner_service" "a" {
  name       = "svc-a"
  depends_on = [aws_apprunner_vpc_connector.b]
}

resource "aws_apprunner_vpc_connector" "b" {
  name       = "conn-b"
  depends_on = [aws_apprunner_service.a]
}
"#,
    );
    let out = p.decom(&["validate"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains(
            "aws_apprunner_service.a -> aws_apprunner_vpc_connector.b -> aws_apprunner_service.a"
        ),
        "{err}"
    );
    assert!(err.contains("depends_on at main.hcl:3:17"), "{err}");
    assert!(err.contains("depends_on at main.hcl:8:17"), "{err}");
}

#[test]
fn json_reports_validity_and_diagnostics_with_positions() {
    let p = Project::with_main("resource \"aws_nope\" \"x\" {\n  id = \"1\"\n}\n");
    let out = p.decom(&["validate", "--json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["valid"], false);
    let d = &report["diagnostics"][0];
    assert_eq!(d["severity"], "error");
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(1), Some(10))
    );
    assert!(d["message"].as_str().unwrap().contains("aws_nope"));
    assert!(d["file"].as_str().unwrap().ends_with("main.hcl"));

    let ok = decom()
        .args(["validate", "--json"])
        .arg(Project::example("quickstart").path())
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&ok.stdout).unwrap();
    assert_eq!(report["valid"], true);
    assert_eq!(report["resources"], 6);
    assert_eq!(report["waves"], 3);
    assert_eq!(
        report["known_after_refresh"][0]["reference"],
        "aws_apprunner_service.web.arn"
    );
}

const NAMED_BY_VAR: &str = r#"variable "conn" {
  type = string
}

resource "aws_dx_connection" "c" {
  id = var.conn
}
"#;

#[test]
fn variables_come_from_var_then_var_file_then_env() {
    let p = Project::with_main(NAMED_BY_VAR);
    p.write("vars.hcl", "conn = \"dxcon-fromfile\"\n");
    // A missing value is an error naming the variable.
    let out = p.decom(&["validate", "main.hcl"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("conn"), "{}", stderr(&out));

    // env alone is enough
    let out = p
        .decom(&["validate", "main.hcl"])
        .env("DECOM_VAR_conn", "dxcon-fromenv")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));

    // --var wins over a bad value in env and the file (the graph shows the id
    // nowhere, so check through a wrong-shaped value instead: a non-dxcon id
    // from env must not be used when --var is given).
    let out = p
        .decom(&[
            "validate",
            "main.hcl",
            "--var-file",
            "vars.hcl",
            "--var",
            "conn=dxcon-fromcli",
        ])
        .env("DECOM_VAR_conn", "not-a-connection-id")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn a_malformed_var_flag_is_a_usage_error() {
    let out = decom()
        .args(["validate", "--var", "novalue"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("NAME=VALUE"));
}

#[test]
fn every_command_help_has_an_example() {
    for cmd in ["validate", "graph"] {
        let out = decom().args([cmd, "--help"]).output().unwrap();
        assert_eq!(out.status.code(), Some(0));
        let text = stdout(&out);
        assert!(
            text.contains("Example"),
            "{cmd} --help has no example:\n{text}"
        );
        assert!(text.contains(&format!("decom {cmd}")), "{cmd}");
    }
}

#[test]
fn a_missing_path_is_an_error_not_a_panic() {
    let out = decom()
        .args(["validate", "/nonexistent/decom/manifest"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("/nonexistent/decom/manifest"),
        "{}",
        stderr(&out)
    );
}

/// Terraform's single-dash spellings of decom's flags get decom's
/// spelling back, not clap's "unexpected argument '-o'"; a single-dash
/// word that is no flag of decom is left to clap.
#[test]
fn terraform_single_dash_flags_are_answered_with_decoms_spelling() {
    let p = Project::with_main(
        "resource \"aws_dx_connection\" \"a\" {\n  id = \"dxcon-fg123456\"\n}\n",
    );
    for (args, want) in [
        (
            &["plan", ".", "-out=plan.bin"][..],
            "use `--out=plan.bin` instead of `-out=plan.bin`",
        ),
        (
            &["apply", "-auto-approve", "."][..],
            "use `--auto-approve` instead of `-auto-approve`",
        ),
        (
            &["plan", "-target=aws_dx_connection.a", "."][..],
            "use `--target=aws_dx_connection.a`",
        ),
        (
            &["apply", ".", "-lock-timeout=30s"][..],
            "use `--lock-timeout=30s`",
        ),
    ] {
        let out = p.decom(args).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert!(stderr(&out).contains(want), "{args:?}: {}", stderr(&out));
        assert!(!p.path().join("plan.bin").exists());
    }
    let out = p.decom(&["validate", ".", "-x"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("unexpected argument '-x'"),
        "{}",
        stderr(&out)
    );
}

/// Duration flags take the manifest's duration forms, bounded: an absurd
/// `--lock-timeout` or `--max-plan-age` is a usage error, never a clock
/// overflow later.
#[test]
fn absurd_duration_flags_are_usage_errors() {
    let p = Project::with_main(
        "resource \"aws_dx_connection\" \"a\" {\n  id = \"dxcon-fg123456\"\n}\n",
    );
    for flag in ["--lock-timeout", "--max-plan-age"] {
        let out = p
            .decom(&["apply", ".", flag, "5124095576030431h"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{flag}");
        assert!(
            stderr(&out).contains("at most 8784h"),
            "{flag}: {}",
            stderr(&out)
        );
    }
}

/// docs/commands.md and every `--help` agree: each flag a subcommand's
/// help lists is documented (and `apply --help` says it takes a plan file).
#[test]
fn every_flag_in_help_is_in_the_command_docs() {
    let docs = std::fs::read_to_string(common::repo_root().join("docs/commands.md")).unwrap();
    let sim_docs = std::fs::read_to_string(common::repo_root().join("docs/simulator.md")).unwrap();
    for cmd in [
        "validate", "graph", "plan", "apply", "show", "discover", "sim",
    ] {
        let out = decom().args([cmd, "--help"]).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{cmd}");
        let help = stdout(&out);
        let flags = help
            .split(|c: char| c.is_whitespace() || c == ',' || c == '=' || c == '[' || c == ']')
            .filter(|w| {
                w.starts_with("--")
                    && w.len() > 2
                    && w[2..].chars().all(|c| c.is_ascii_lowercase() || c == '-')
            });
        for flag in flags {
            let documented = docs.contains(flag) || (cmd == "sim" && sim_docs.contains(flag));
            assert!(
                documented,
                "`decom {cmd}` has {flag}, which docs/commands.md does not mention"
            );
        }
    }
    let apply = stdout(&decom().args(["apply", "--help"]).output().unwrap());
    assert!(apply.contains("[PATH | PLANFILE]"), "{apply}");
}

/// A region of another shape (`US-EAST-1`) in a provider, an ARN or
/// `--region` is refused: requests went to a region of that name, found
/// nothing, and a resource named by ARN or id was "already gone", exit 0,
/// while it was live.
#[test]
fn a_region_that_is_not_one_is_refused_wherever_it_is_given() {
    let p = Project::with_main(
        r#"provider "aws" {
  region = "US-EAST-1"
}

resource "aws_apprunner_vpc_connector" "shared" {
  arn = "arn:aws:apprunner:Us-East-1:123456789012:vpcconnector/shared/1/89efcdab"
}
"#,
    );
    let out = p.decom(&["validate", "."]).output().unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("invalid region \"US-EAST-1\""), "{err}");
    assert!(
        err.contains("is not an App Runner VPC connector ARN"),
        "{err}"
    );
    // `discover` too, before any request: it wrote the region into a
    // manifest validate refuses; an empty one used the default region.
    for args in [
        &["plan", ".", "--region", "US-EAST-1"][..],
        &["discover", "--region", "us-east-1,EU-WEST-1"],
        &["discover", "--region", ""],
    ] {
        let out = p.decom(args).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert!(
            stderr(&out).contains("not an AWS region"),
            "{args:?}: {}",
            stderr(&out)
        );
        assert!(out.stdout.is_empty(), "{args:?}");
    }
}
