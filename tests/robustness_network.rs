//! The network never hangs decom, and never makes it dump (DESIGN section
//! 12): endpoints that never answer, refuse, answer garbage or hold only
//! deletes; a simulator that dies mid-apply; flaky status checks; bad
//! endpoint settings; and the request log, which must show each request
//! and never a credential or a sensitive value.
//!
//! The fake servers live at the end of this file: each listens on
//! 127.0.0.1 port 0 and stops when dropped.

mod common;

use std::process::{Child, Command as StdCommand, Output, Stdio};
use std::time::{Duration, Instant};

use common::fake_servers::{self, Blackhole, GarbageServer, HoldingProxy};
use common::process::{finish_within, Lines};
use common::quickstart::SERVICE_ARN;
use common::sim::{TestSim, ACCESS_KEY, SECRET_KEY, SESSION_TOKEN};
use common::{stderr, stdout, succeeded, Project};
use decom_sim::{Latencies, ResourceType as Sim, SeedResource, SimConfig, SimState};

const FAST: &str = "--poll-interval-ms=20";

const ONE_DX_CONNECTION: &str = r#"
provider "aws" {
  region = "us-east-1"
}
resource "aws_dx_connection" "nyc" {
  id = "dxcon-fg123456"
}
"#;

/// Test credentials and a region, no host AWS configuration, requests to `endpoint`.
fn env_for(endpoint: &str, home: &Project) -> Vec<(&'static str, String)> {
    let home = home.path().display().to_string();
    vec![
        ("AWS_ACCESS_KEY_ID", ACCESS_KEY.to_string()),
        ("AWS_SECRET_ACCESS_KEY", SECRET_KEY.to_string()),
        ("AWS_SESSION_TOKEN", SESSION_TOKEN.to_string()),
        ("AWS_REGION", "us-east-1".to_string()),
        ("AWS_ENDPOINT_URL", endpoint.to_string()),
        ("AWS_CONFIG_FILE", format!("{home}/no-config")),
        (
            "AWS_SHARED_CREDENTIALS_FILE",
            format!("{home}/no-credentials"),
        ),
        ("AWS_EC2_METADATA_DISABLED", "true".to_string()),
        ("HOME", home),
    ]
}

/// Runs `decom ARGS` in `p` against `endpoint`, killed after `deadline`
/// (then the test fails: decom hung).
fn run_bounded(p: &Project, endpoint: &str, args: &[&str], deadline: Duration) -> Output {
    let child = spawn(p, endpoint, args, &[]);
    finish_within(child, deadline)
}

fn spawn(p: &Project, endpoint: &str, args: &[&str], extra_env: &[(&str, &str)]) -> Child {
    let mut cmd = StdCommand::new(assert_cmd::cargo::cargo_bin("decom"));
    for (key, _) in std::env::vars() {
        if key.starts_with("AWS_") || key.starts_with("DECOM_") || key == "RUST_LOG" {
            cmd.env_remove(key);
        }
    }
    cmd.current_dir(p.path())
        .args(args)
        .env("NO_COLOR", "1")
        .envs(env_for(endpoint, p))
        .envs(extra_env.iter().copied())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// A user-facing error is short and never a Rust debug structure.
fn assert_one_short_error(out: &Output, max_lines: usize) {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.lines().count() <= max_lines, "{err}");
    for debug in [
        "{ ",
        "DispatchFailure",
        "ConnectorError",
        "SdkError",
        "Request {",
    ] {
        assert!(!err.contains(debug), "{debug:?} in:\n{err}");
    }
}

#[test]
fn plan_against_an_endpoint_that_never_answers_fails_naming_it_and_the_timeout() {
    let hole = Blackhole::start();
    let p = Project::with_main(ONE_DX_CONNECTION);
    let out = run_bounded(
        &p,
        &hole.url(),
        &["plan", "--request-timeout", "2s"],
        Duration::from_secs(60),
    );
    assert_one_short_error(&out, 3);
    let err = stderr(&out);
    assert!(err.contains(&hole.url()), "{err}");
    assert!(err.contains("timed out"), "{err}");
    assert!(hole.connections() > 0, "decom did reach the blackhole");
}

#[test]
fn plan_against_an_endpoint_that_never_answers_fails_within_two_minutes_by_default() {
    let hole = Blackhole::start();
    let p = Project::with_main(ONE_DX_CONNECTION);
    // The defaults: 60s per attempt, 90s per operation.
    let out = run_bounded(&p, &hole.url(), &["plan"], Duration::from_secs(120));
    assert_one_short_error(&out, 3);
    let err = stderr(&out);
    assert!(err.contains(&hole.url()), "{err}");
    assert!(err.contains("timed out"), "{err}");
}

#[test]
fn an_unreachable_endpoint_is_named_with_connection_refused() {
    let url = fake_servers::refusing_url();
    let p = Project::with_main(ONE_DX_CONNECTION);
    let out = run_bounded(
        &p,
        &url,
        &["plan", "--request-timeout", "5s"],
        Duration::from_secs(60),
    );
    assert_one_short_error(&out, 3);
    let err = stderr(&out);
    assert!(err.contains(&url), "{err}");
    assert!(err.contains("connection refused"), "{err}");
}

#[test]
fn answers_that_do_not_parse_are_one_short_error_without_debug_dumps() {
    for body in [
        r#"{"connections": 5}"#,
        "<html><body><h1>Not AWS</h1></body></html>",
    ] {
        let server = GarbageServer::start(200, body);
        let p = Project::with_main(ONE_DX_CONNECTION);
        let out = run_bounded(&p, &server.url(), &["plan"], Duration::from_secs(60));
        assert_one_short_error(&out, 3);
        let err = stderr(&out);
        let url = server.url();
        let cause = format!(" in us-east-1: the answer from {url} (HTTP 200) could not be parsed");
        assert!(err.contains(&cause), "{err}");
    }
    // An error status without an AWS error code: said in one line too.
    let server = GarbageServer::start(502, "<html>Bad Gateway</html>");
    let p = Project::with_main(ONE_DX_CONNECTION);
    let out = run_bounded(
        &p,
        &server.url(),
        &["plan", "--request-timeout", "5s"],
        Duration::from_secs(60),
    );
    assert_one_short_error(&out, 3);
    assert!(stderr(&out).contains("HTTP 502"), "{}", stderr(&out));
}

/// AWS's error code and message are free text from the answer (a
/// message can quote a name anyone chose). An escape sequence in them
/// could retitle the window or clear the screen, a line break forge a
/// line: they are shown escaped, on one line.
#[test]
fn terminal_escapes_in_an_aws_error_are_never_printed_raw() {
    let server = GarbageServer::start(
        400,
        "<ErrorResponse><Error><Type>Sender</Type><Code>Denied&#x1b;[2J</Code>\
         <Message>no &#x1b;]0;owned&#x7;&#xd;&#xa;forged line</Message></Error>\
         <RequestId>r-1</RequestId></ErrorResponse>",
    );
    let p = Project::with_main(ONE_DX_CONNECTION);
    let out = run_bounded(&p, &server.url(), &["plan"], Duration::from_secs(60));
    assert_one_short_error(&out, 3);
    let err = stderr(&out);
    let shown = "Denied\\u{1b}[2J: no \\u{1b}]0;owned\\u{7} forged line";
    assert!(err.contains(shown), "{err}");
    assert!(!err.contains('\u{1b}') && !err.contains('\r'), "{err:?}");
}

/// An error message of megabytes (a broken or hostile endpoint) is cut:
/// it was printed, and would be journaled, whole.
#[test]
fn a_huge_aws_error_message_is_cut() {
    let body = format!(
        "<ErrorResponse><Error><Code>Denied</Code><Message>{}</Message></Error>\
         <RequestId>r-1</RequestId></ErrorResponse>",
        "very long ".repeat(500_000)
    );
    let server = GarbageServer::start(400, Box::leak(body.into_boxed_str()));
    let p = Project::with_main(ONE_DX_CONNECTION);
    let out = run_bounded(&p, &server.url(), &["plan"], Duration::from_secs(60));
    assert_one_short_error(&out, 3);
    let err = stderr(&out);
    assert!(err.len() < 2_000, "{} bytes on stderr", err.len());
    assert!(err.contains("Denied: very long very long"), "{err}");
    assert!(err.contains("(cut: the message is longer)"), "{err}");
}

/// An AWS config file that is a FIFO blocked decom forever, even in the
/// sandbox; /dev/zero was read until the kernel killed it (24 GB). The
/// sandbox reads no profile file; elsewhere such a file is refused, in
/// one line, before any request. /dev/null stays the usual "no file".
#[cfg(unix)]
#[test]
fn an_aws_config_file_that_never_ends_is_refused_or_never_read() {
    let p = Project::with_main(ONE_DX_CONNECTION);
    let fifo = p.path().join("config.fifo");
    common::process::mkfifo(&fifo);
    let fifo = fifo.display().to_string();
    let hole = Blackhole::start();
    for (variable, value) in [
        ("AWS_CONFIG_FILE", fifo.as_str()),
        ("AWS_CONFIG_FILE", "/dev/zero"),
        ("AWS_SHARED_CREDENTIALS_FILE", "/dev/zero"),
    ] {
        let child = spawn(&p, &hole.url(), &["plan"], &[(variable, value)]);
        let out = finish_within(child, Duration::from_secs(60));
        assert_one_short_error(&out, 1);
        let err = stderr(&out);
        assert!(
            err.contains(&format!("{variable} {value} is not a regular file")),
            "{err}"
        );
        let sandboxed = p.spawn(
            &["plan", "--sandbox", "."],
            &[(variable, value.to_string())],
        );
        succeeded(&finish_within(sandboxed, Duration::from_secs(60)));
    }
    assert_eq!(hole.connections(), 0, "no request was sent");
    let child = spawn(
        &p,
        &hole.url(),
        &["plan", "--request-timeout", "1s"],
        &[("AWS_CONFIG_FILE", "/dev/null")],
    );
    let out = finish_within(child, Duration::from_secs(60));
    assert!(!stderr(&out).contains("regular file"), "{}", stderr(&out));
}

#[test]
fn unusable_endpoint_settings_are_one_line_errors_before_any_request() {
    let p = Project::with_main(ONE_DX_CONNECTION);
    // (arguments, environment, what the error names)
    type Case<'a> = (&'a [&'a str], &'a [(&'a str, &'a str)], &'a str);
    let cases: [Case; 6] = [
        (&["plan", "--endpoint-url", ""], &[], "--endpoint-url"),
        (
            &["plan", "--endpoint-url", "not a url"],
            &[],
            "--endpoint-url",
        ),
        (&["plan"], &[("AWS_ENDPOINT_URL", "")], "AWS_ENDPOINT_URL"),
        (
            &["plan"],
            &[("AWS_ENDPOINT_URL", "ftp://x")],
            "AWS_ENDPOINT_URL",
        ),
        // Empty, it made the SDK's STS client panic ("URL was unset").
        (
            &["apply", "--auto-approve"],
            &[("AWS_ENDPOINT_URL_STS", "")],
            "AWS_ENDPOINT_URL_STS",
        ),
        (
            &["plan"],
            &[("AWS_ENDPOINT_URL_STS", "notaurl")],
            "AWS_ENDPOINT_URL_STS",
        ),
    ];
    // A listener that must never see a request: every case fails first.
    let hole = Blackhole::start();
    for (args, env, named) in cases {
        let child = spawn(&p, &hole.url(), args, env);
        let out = finish_within(child, Duration::from_secs(60));
        assert_one_short_error(&out, 1);
        let err = stderr(&out);
        assert!(err.starts_with(&format!("error: {named} ")), "{err}");
        assert!(err.contains("not a usable endpoint"), "{err}");
    }
    assert_eq!(hole.connections(), 0, "no request was sent");
}

/// The same checks for an `endpoint_url` in the AWS config file, for the
/// profile or for one service in its `services` section: empty, the SDK
/// panicked (exit 101); malformed, it was tried.
#[test]
fn an_endpoint_url_in_the_aws_config_file_is_checked_like_the_variables() {
    let p = Project::with_main(ONE_DX_CONNECTION);
    for (config, named) in [
        (
            "endpoint_url =\n",
            "endpoint_url in the AWS config file for AppRunner \"\"",
        ),
        (
            "services = s\n[services s]\nsts =\n  endpoint_url =\n",
            "endpoint_url in the AWS config file for STS \"\"",
        ),
        (
            "endpoint_url = http://[::1]junk:80\n",
            "endpoint_url in the AWS config file for AppRunner \"http://[::1]junk:80\"",
        ),
    ] {
        let file = p.write(
            "aws-config",
            &format!("[default]\nregion = us-east-1\n{config}"),
        );
        let mut env: Vec<(&str, String)> = env_for("unused", &p)
            .into_iter()
            .filter(|(key, _)| *key != "AWS_ENDPOINT_URL")
            .collect();
        env.push(("AWS_CONFIG_FILE", file.display().to_string()));
        let out = p
            .decom(&["plan"])
            .env_remove("AWS_ENDPOINT_URL")
            .envs(env)
            .output()
            .unwrap();
        assert_one_short_error(&out, 1);
        let err = stderr(&out);
        assert!(
            err.starts_with(&format!("error: {named} is not a usable endpoint")),
            "{err}"
        );
    }
}

fn ingress_project(count: usize, delete_timeout: &str) -> (Project, Vec<SeedResource>) {
    let mut service = SeedResource::new(Sim::AppRunnerService, "web");
    service.arn = Some(SERVICE_ARN.into());
    let mut seed = vec![service];
    for i in 0..count {
        let mut ingress = SeedResource::new(Sim::AppRunnerVpcIngressConnection, format!("ing-{i}"));
        ingress.service_arn = Some(SERVICE_ARN.into());
        seed.push(ingress);
    }
    let p = Project::with_main(&format!(
        r#"
provider "aws" {{
  region = "us-east-1"
}}
resource "aws_apprunner_vpc_ingress_connection" "i" {{
  count = {count}
  name  = "ing-${{count.index}}"
  timeouts {{
    delete = "{delete_timeout}"
  }}
}}
"#
    ));
    (p, seed)
}

fn events_of(kind: &str, json_lines: &str) -> Vec<serde_json::Value> {
    json_lines
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|v| v["event"] == kind)
        .collect()
}

#[test]
fn failed_status_checks_are_events_and_never_discard_the_others_answers() {
    let (p, seed) = ingress_project(15, "5m");
    let sim = TestSim::with_config(SimConfig {
        time_scale: 0.01,
        fault_rate: 0.5,
        seed: 11,
        initial_state: Some(SimState { resources: seed }),
        ..SimConfig::default()
    });
    let args = ["apply", ".", "--auto-approve", "--json", FAST];
    // Under 50% faults the refresh before any deletion can still fail
    // (8 attempts of one read all faulted): then nothing was deleted, and
    // applying again is what a user does.
    let mut out = None;
    for _ in 0..3 {
        let run = run_bounded(&p, &sim.endpoint_url(), &args, Duration::from_secs(300));
        let refresh_failed =
            run.status.code() == Some(1) && stderr(&run).contains("refresh failed");
        out = Some(run);
        if !refresh_failed {
            break;
        }
    }
    let out = out.unwrap();
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}\n{}", stderr(&out));
    assert_eq!(events_of("deleted", &text).len(), 15, "{text}");
    let failed_checks = events_of("status_check_failed", &text);
    assert!(!failed_checks.is_empty(), "{text}");
    for e in &failed_checks {
        let detail = e["detail"].as_str().unwrap();
        assert!(detail.starts_with("attempt "), "{detail}");
        assert!(
            detail.contains("DescribeVpcIngressConnection in us-east-1: "),
            "{detail}"
        );
        assert!(!detail.contains("{ "), "{detail}");
    }
    let journal = std::fs::read_to_string(p.path().join(".decom/journal.jsonl")).unwrap();
    assert!(
        journal.contains("\"event\":\"status_check_failed\""),
        "{journal}"
    );
}

#[test]
fn a_simulator_killed_mid_apply_is_reported_long_before_the_delete_timeout() {
    let (p, seed) = ingress_project(2, "20s");
    // Deletions take an hour: nothing finishes before the simulator dies.
    let sim = TestSim::with_config(SimConfig {
        time_scale: 1.0,
        latencies: Latencies {
            ingress_delete: Duration::from_secs(3600),
            ..Latencies::instant()
        },
        initial_state: Some(SimState { resources: seed }),
        ..SimConfig::default()
    });
    let url = sim.endpoint_url();
    let mut child = spawn(
        &p,
        &url,
        &["apply", ".", "--auto-approve", "--json", FAST],
        &[],
    );
    let mut lines = Lines::of(child.stdout.take().unwrap());
    // Both deletes accepted before the simulator goes.
    let give_up = Instant::now() + Duration::from_secs(60);
    while sim
        .audit()
        .iter()
        .filter(|e| e.operation.starts_with("Delete"))
        .count()
        < 2
    {
        assert!(Instant::now() < give_up, "the deletes were never sent");
        std::thread::sleep(Duration::from_millis(20));
    }
    drop(sim);
    lines.wait_for("\"event\":\"status_check_failed\"");
    let seen = lines.seen();
    // Seen while the resources still wait for their 20s timeout.
    assert!(child.try_wait().unwrap().is_none(), "{seen}");
    let warning = events_of("status_check_failed", &seen).remove(0);
    let detail = warning["detail"].as_str().unwrap();
    assert!(
        detail.contains(&format!("cannot connect to {url}")),
        "{detail}"
    );
    assert!(detail.contains("connection refused"), "{detail}");

    let out = finish_within(child, Duration::from_secs(120));
    // Stdout went to the reader thread: the rest of it is there.
    let rest = lines.rest();
    assert_eq!(out.status.code(), Some(1), "{rest}");
    let failed = events_of("failed", &rest);
    assert_eq!(failed.len(), 2, "{rest}");
    for f in failed {
        assert!(
            f["detail"]
                .as_str()
                .unwrap()
                .starts_with("timed out after 20s"),
            "{f}"
        );
    }
}

#[test]
fn a_delete_that_is_never_answered_fails_at_the_resources_own_timeout() {
    let sim = TestSim::start(vec![
        SeedResource::new(Sim::SupplyChainInstance, "held"),
        SeedResource::new(Sim::SupplyChainInstance, "free"),
    ]);
    let proxy = HoldingProxy::deletes(&sim.endpoint_url());
    let p = Project::with_main(
        r#"
provider "aws" {
  region = "us-east-1"
}
resource "aws_supplychain_instance" "held" {
  name = "held"
  timeouts {
    delete = "3s"
  }
}
"#,
    );
    let out = run_bounded(
        &p,
        &proxy.url(),
        &["apply", ".", "--auto-approve", FAST],
        Duration::from_secs(120),
    );
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}\n{}", stderr(&out));
    assert!(proxy.held() >= 1, "the delete went through the proxy");
    assert!(
        text.contains(
            "aws_supplychain_instance.held: Deletion failed after 3s: timed out after 3s \
             (delete timeout) waiting for the delete request to be answered"
        ),
        "{text}"
    );
    assert!(
        text.contains("Apply complete: 0 deleted, 1 failed, 0 skipped."),
        "{text}"
    );
}

const SENSITIVE_VALUE: &str = "hunter2-very-secret-name";

#[test]
fn the_request_log_shows_each_request_and_never_a_credential_or_sensitive_value() {
    let seed = vec![
        dx_connection_seed(),
        SeedResource::new(Sim::SupplyChainInstance, SENSITIVE_VALUE),
    ];
    let p = Project::with_main(&format!(
        r#"
provider "aws" {{
  region = "us-east-1"
}}
variable "secret_name" {{
  type      = string
  sensitive = true
  default   = "{SENSITIVE_VALUE}"
}}
resource "aws_supplychain_instance" "secret" {{
  name = var.secret_name
}}
resource "aws_dx_connection" "nyc" {{
  id = "dxcon-fg123456"
}}
"#
    ));
    // Off unless asked for.
    let sim = TestSim::start(seed.clone());
    let out = run_bounded(&p, &sim.endpoint_url(), &["plan"], Duration::from_secs(60));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stderr(&out), "");

    for log in [("DECOM_LOG", "debug"), ("RUST_LOG", "trace")] {
        let sim = TestSim::start(seed.clone());
        let child = spawn(
            &p,
            &sim.endpoint_url(),
            &["apply", ".", "--auto-approve", FAST],
            &[log],
        );
        let out = finish_within(child, Duration::from_secs(120));
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(0), "{}\n{err}", stdout(&out));
        let requests: Vec<&str> = err
            .lines()
            .filter(|l| l.contains("decom::request"))
            .collect();
        let sent = sim.audit().len();
        assert!(
            requests.len() >= sent,
            "{log:?}: {sent} requests, log:\n{err}"
        );
        for op in [
            "ListInstances",
            "DescribeConnections",
            "DeleteInstance",
            "DeleteConnection",
        ] {
            let line = requests
                .iter()
                .find(|l| l.contains(&format!("operation={op} ")))
                .unwrap_or_else(|| panic!("{log:?}: no {op} line in:\n{err}"));
            for field in [
                "region=us-east-1",
                "status=200",
                "attempt=1",
                "duration_ms=",
            ] {
                assert!(line.contains(field), "{field} missing: {line}");
            }
        }
        for secret in [
            ACCESS_KEY,
            SECRET_KEY,
            SESSION_TOKEN,
            "Authorization",
            "authorization",
            "Signature=",
            "x-amz-security-token",
            SENSITIVE_VALUE,
        ] {
            assert!(
                !err.contains(secret),
                "{log:?}: {secret} in the log:\n{err}"
            );
        }
    }
}

fn dx_connection_seed() -> SeedResource {
    let mut connection = SeedResource::new(Sim::DxConnection, "nyc");
    connection.id = Some("dxcon-fg123456".into());
    connection
}
