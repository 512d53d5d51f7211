//! The process around decom (DESIGN section 12): environment variables
//! that are not UTF-8, a stdout whose reader went away, SIGTERM and a
//! second signal, and usage errors. Never a panic (exit 101), always a
//! closed journal and no lock left behind.

#![cfg(unix)]

mod common;

use std::ffi::OsStr;
use std::io::{BufRead, BufReader};
use std::os::unix::ffi::OsStrExt;
use std::process::{Child, Output};
use std::time::Duration;

use common::fake_servers::HoldingProxy;
use common::process::{finish_within, signal, wait_for_lines, wait_until, Lines};
use common::quickstart::quickstart_seed;
use common::sim::TestSim;
use common::{stderr, stdout, Project};
use decom_sim::{SimConfig, SimState};

const FAST: &str = "--poll-interval-ms=20";

/// How long a process that must stop promptly gets before the test kills
/// it and fails (far more than it needs; not a timing assertion; less
/// than the 60 s request timeout, so that only the abort can end a held
/// request in time).
const DEADLINE: Duration = Duration::from_secs(45);

fn quickstart_project() -> Project {
    Project::example("quickstart")
}

fn wait_or_kill(child: Child) -> Output {
    finish_within(child, DEADLINE)
}

fn wait_for_journal(p: &Project, needle: &str, n: usize) {
    wait_for_lines(&p.path().join(".decom/journal.jsonl"), needle, n);
}

fn no_panic(out: &Output) {
    let err = stderr(out);
    assert!(!err.contains("panicked"), "{err}");
    assert_ne!(out.status.code(), Some(101), "{err}");
}

fn journal_lines(p: &Project) -> Vec<serde_json::Value> {
    let text = std::fs::read_to_string(p.path().join(".decom/journal.jsonl")).unwrap();
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// The journal's last entry is the closing one, and the lock is gone.
fn closed_cleanly(p: &Project, closing: &str) {
    let journal = journal_lines(p);
    let last = journal.last().unwrap();
    assert_eq!(last["event"], closing, "{journal:#?}");
    assert!(!p.path().join(".decom/lock").exists(), "the lock is left");
}

/// Nothing after the quickstart's first wave: the apply stopped, it did
/// not go on.
fn only_the_first_wave_was_sent(sim: &TestSim) {
    let sent = deletes(sim);
    for later in ["DeleteService", "DeleteVpcConnector", "DeleteConnection"] {
        assert!(!sent.iter().any(|op| op == later), "{sent:?}");
    }
}

fn deletes(sim: &TestSim) -> Vec<String> {
    sim.audit()
        .into_iter()
        .filter(|e| e.operation.starts_with("Delete"))
        .map(|e| e.operation)
        .collect()
}

/// `decom ARGS` in `p` against `endpoint`, stdout and stderr piped.
fn spawn(p: &Project, sim: &TestSim, endpoint: &str, args: &[&str]) -> Child {
    let mut env = sim.env_vars();
    env.push(("AWS_ENDPOINT_URL", endpoint.to_string()));
    p.spawn(args, &env)
}

// ---------------------------------------------------------------------------
// Environment

#[test]
fn an_environment_variable_that_is_not_utf8_is_ignored() {
    let p = quickstart_project();
    let out = p
        .decom(&["validate", "."])
        .env("JUNK", OsStr::from_bytes(b"\xff\xfe"))
        .output()
        .unwrap();
    no_panic(&out);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).starts_with("Valid: 6 resources"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn a_decom_var_that_is_not_utf8_is_a_one_line_error_naming_it() {
    let p = quickstart_project();
    let out = p
        .decom(&["validate", "."])
        .env("DECOM_VAR_env", OsStr::from_bytes(b"prod\xff"))
        .output()
        .unwrap();
    no_panic(&out);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(
        err.contains("DECOM_VAR_env") && err.contains("UTF-8"),
        "{err}"
    );
}

// ---------------------------------------------------------------------------
// A closed stdout

#[test]
fn show_json_into_a_closed_pipe_stops_without_a_panic() {
    // Big enough (some 190 KB of JSON) that decom is still writing when
    // the reader goes away, whatever the timing.
    let p = Project::with_main(
        r#"provider "aws" {
  region = "us-east-1"
}

resource "aws_supplychain_instance" "i" {
  count = 300
  name  = "plan-${count.index}"
}
"#,
    );
    let planned = p
        .decom(&["plan", "--sandbox", "--out", "plan.bin"])
        .output()
        .unwrap();
    assert_eq!(planned.status.code(), Some(0), "{}", stderr(&planned));

    let mut child = p.spawn(&["show", "plan.bin", "--json"], &[]);
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    reader.read_line(&mut first).unwrap();
    assert_eq!(first.trim(), "{");
    drop(reader); // `| head -1`
    let out = wait_or_kill(child);
    no_panic(&out);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("stdout was closed"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn an_apply_whose_stdout_closes_stops_as_on_sigint_and_closes_the_journal() {
    // Deletions take seconds: the first wave is still in progress when
    // the reader goes away, and the next line decom writes finds it gone.
    let sim = TestSim::with_config(SimConfig {
        time_scale: 0.1,
        initial_state: Some(SimState {
            resources: quickstart_seed(),
        }),
        ..SimConfig::default()
    });
    let p = quickstart_project();
    let mut child = spawn(
        &p,
        &sim,
        &sim.endpoint_url(),
        &["apply", ".", "--auto-approve", FAST],
    );
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    while !line.contains("Deleting...") {
        line.clear();
        assert_ne!(
            reader.read_line(&mut line).unwrap(),
            0,
            "no deletion started"
        );
    }
    drop(reader); // `| head -N`
    let out = wait_or_kill(child);
    no_panic(&out);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("Output closed: no new deletions start"),
        "{}",
        stderr(&out)
    );
    closed_cleanly(&p, "apply_interrupted");
    only_the_first_wave_was_sent(&sim);
}

// ---------------------------------------------------------------------------
// Signals

fn realistic_quickstart_sim() -> TestSim {
    // Realistic latencies: nothing finishes before the signal.
    TestSim::with_config(SimConfig {
        time_scale: 1.0,
        initial_state: Some(SimState {
            resources: quickstart_seed(),
        }),
        ..SimConfig::default()
    })
}

#[test]
fn sigterm_mid_apply_stops_like_sigint_and_exits_143() {
    stops_like_sigint("TERM", 143);
}

/// An SSH session dropped under an apply.
#[test]
fn sighup_mid_apply_stops_like_sigint_and_exits_129() {
    stops_like_sigint("HUP", 129);
}

fn stops_like_sigint(name: &str, code: i32) {
    let sim = realistic_quickstart_sim();
    let p = quickstart_project();
    let mut child = spawn(
        &p,
        &sim,
        &sim.endpoint_url(),
        &["apply", ".", "--auto-approve", FAST],
    );
    let err = Lines::of(child.stderr.take().unwrap());
    wait_for_journal(&p, "\"event\":\"deleting\"", 3);
    signal(&child, name);
    let out = wait_or_kill(child);
    let err = err.rest();
    assert_eq!(out.status.code(), Some(code), "{err}");
    assert!(
        err.contains(&format!("SIG{name} received: no new deletions start")),
        "{err}"
    );
    assert!(
        err.contains("press Ctrl-C again to abort requests in flight"),
        "{err}"
    );
    assert!(
        stdout(&out).contains("Apply interrupted: 0 deleted, 0 failed, 0 skipped, 6 not finished."),
        "{}",
        stdout(&out)
    );
    closed_cleanly(&p, "apply_interrupted");
    only_the_first_wave_was_sent(&sim);
}

/// An apply of the quickstart whose first wave's deletes are held in
/// flight (never answered until `proxy` releases them).
struct Held {
    sim: TestSim,
    proxy: HoldingProxy,
    p: Project,
    child: Child,
    err: Lines,
}

fn apply_with_first_wave_held() -> Held {
    let sim = realistic_quickstart_sim();
    let proxy = HoldingProxy::deletes(&sim.endpoint_url());
    let p = quickstart_project();
    let mut child = spawn(
        &p,
        &sim,
        &proxy.url(),
        &["apply", ".", "--auto-approve", FAST],
    );
    let err = Lines::of(child.stderr.take().unwrap());
    wait_until("3 deletes held", || proxy.held() >= 3);
    Held {
        sim,
        proxy,
        p,
        child,
        err,
    }
}

#[test]
fn a_second_sigterm_aborts_deletes_held_in_flight() {
    let Held {
        sim,
        proxy: _holding,
        p,
        child,
        mut err,
    } = apply_with_first_wave_held();
    signal(&child, "TERM");
    err.wait_for("no new deletions start");
    // Pressed again after the message is read: signals within half a
    // second of the first are the same cancel (see the test below).
    std::thread::sleep(Duration::from_millis(700));
    signal(&child, "TERM");
    let out = wait_or_kill(child);
    let err = err.rest();
    assert_eq!(out.status.code(), Some(143), "{err}");
    assert!(err.contains("aborting requests in flight"), "{err}");
    closed_cleanly(&p, "apply_interrupted");
    let aborted = journal_lines(&p)
        .into_iter()
        .filter(|e| {
            e["event"] == "interrupted" && e["detail"].as_str().unwrap().contains("aborted")
        })
        .count();
    assert_eq!(aborted, 3);
    assert!(deletes(&sim).is_empty(), "the proxy let a delete through");
}

/// One cancel that arrives as two signals (`timeout` and CI runners
/// signal the process, then its process group; here 0.1 s apart, as
/// when the second finds the first handled) stops new
/// deletions and lets the requests in flight finish: it is not a second
/// cancel that abandons them (which it was, now and then).
#[test]
fn two_signals_close_together_are_one_cancel() {
    let Held {
        sim,
        proxy,
        p,
        child,
        mut err,
    } = apply_with_first_wave_held();
    let pid = child.id().to_string();
    let sent = std::process::Command::new("sh")
        .args([
            "-c",
            r#"kill -TERM "$1"; sleep 0.1; kill -TERM "$1""#,
            "sh",
            &pid,
        ])
        .status()
        .unwrap();
    assert!(sent.success());
    err.wait_for("no new deletions start");
    std::thread::sleep(Duration::from_millis(700));
    proxy.release();
    let out = wait_or_kill(child);
    let err = err.rest();
    assert_eq!(out.status.code(), Some(143), "{err}");
    assert!(!err.contains("aborting requests in flight"), "{err}");
    assert_eq!(deletes(&sim).len(), 3, "the held deletes went through");
    closed_cleanly(&p, "apply_interrupted");
}

/// A signal after the refresh, while plan prints to a reader that has
/// stopped reading (a CI log pipe stalled, then the job cancelled), ends
/// it with 143. The signal listener ended with the refresh's runtime, so
/// the signal was swallowed and plan ran on, to exit 0 once the reader
/// drained (or never, if it did not).
#[test]
fn a_signal_while_plan_prints_ends_it_with_the_signals_code() {
    let p = Project::with_main(
        "resource \"aws_dx_connection\" \"c\" {\n  count = 2000\n  name  = \"conn-${count.index}\"\n}\n",
    );
    let mut child = p.spawn(&["plan", "--sandbox", "."], &[]);
    let mut out = BufReader::new(child.stdout.take().unwrap());
    // Read into the listing (past the refresh), then stop reading: the
    // rest (hundreds of KB) fills the pipe and decom blocks writing.
    let mut line = String::new();
    while !line.contains("aws_dx_connection.c[") {
        line.clear();
        assert!(
            out.read_line(&mut line).unwrap() > 0,
            "the plan ended early"
        );
    }
    std::thread::sleep(Duration::from_millis(300));
    signal(&child, "TERM");
    let ended = wait_or_kill(child);
    assert_eq!(ended.status.code(), Some(143), "{}", stderr(&ended));
    drop(out);
}

#[test]
fn a_signal_during_the_refresh_exits_at_once_without_a_lock() {
    let sim = realistic_quickstart_sim();
    // The refresh's App Runner calls, made once the lock is held.
    let proxy = HoldingProxy::start(&sim.endpoint_url(), |r| r.head.contains("AppRunner."));
    for (name, code) in [("INT", 130), ("TERM", 143)] {
        let p = quickstart_project();
        let before = proxy.held();
        let child = spawn(
            &p,
            &sim,
            &proxy.url(),
            &["apply", ".", "--auto-approve", FAST],
        );
        // Refreshing, and never answered.
        wait_until("a refresh request held", || proxy.held() > before);
        signal(&child, name);
        let out = wait_or_kill(child);
        no_panic(&out);
        assert_eq!(out.status.code(), Some(code), "{}", stderr(&out));
        assert!(
            stderr(&out).contains("stopped; nothing was deleted"),
            "{}",
            stderr(&out)
        );
        // The lock, taken before the refresh, is released; no journal was begun.
        assert!(
            !p.path().join(".decom/lock").exists(),
            "no lock is left behind"
        );
        assert!(!p.path().join(".decom/journal.jsonl").exists());
    }
}

/// A stdout that takes no more (a full disk; here /dev/full) fails the
/// command, saying so: `decom plan --json > plan.json` on a full disk
/// must not leave CI an empty file and exit 0. A sandbox apply still
/// finishes its teardown (stopping halfway for lost output would do more
/// harm; the journal is the record) and then fails the same way.
#[cfg(target_os = "linux")]
#[test]
fn a_stdout_that_cannot_be_written_fails_the_command() {
    let p = quickstart_project();
    p.decom(&["plan", "--sandbox", "--out", "plan.bin"])
        .assert()
        .success();
    for args in [
        &["validate", "--json", "."][..],
        &["graph", "."],
        &["show", "plan.bin", "--json"],
        &["plan", "--sandbox", "."],
        &["apply", "--sandbox", "--auto-approve", "."],
    ] {
        let full = std::fs::File::options()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("decom"))
            .current_dir(p.path())
            .args(args)
            .env_clear()
            .env("NO_COLOR", "1")
            .stdin(std::process::Stdio::null())
            .stdout(full)
            .stderr(std::process::Stdio::piped())
            .output()
            .unwrap();
        no_panic(&out);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert!(err.contains("cannot write to stdout"), "{args:?}: {err}");
    }
    let journal = std::fs::read_to_string(p.path().join(".decom/sandbox/journal.jsonl")).unwrap();
    let last = journal.lines().last().unwrap_or_default();
    assert!(
        last.contains("\"apply_finished\""),
        "the teardown went on: {journal}"
    );
}

// ---------------------------------------------------------------------------
// Exit codes

#[test]
fn usage_errors_exit_1_and_help_and_version_exit_0_on_stdout() {
    let p = quickstart_project();
    for args in [
        &["plan", "--detailed-exitcode", "--bogus"][..],
        &["apply", "--parallelism", "0", "."],
        &["frobnicate"],
        &[],
    ] {
        let out = p.decom(args).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", stderr(&out));
        assert!(!stderr(&out).is_empty(), "{args:?}");
    }
    for (args, expected) in [
        (&["--help"][..], "Usage: decom"),
        (&["--version"], "decom 0.1.0"),
        (&["plan", "--help"], "--detailed-exitcode"),
    ] {
        let out = p.decom(args).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        assert!(
            stdout(&out).contains(expected),
            "{args:?}: {}",
            stdout(&out)
        );
    }
}
