//! Adversarial end-to-end tests of issues 13 and 14: each one drives the
//! real binary into a defect found by trying to break decom's memory, its
//! lock and its refusals. Each fails on the code it was written against;
//! the fix is someone else's (the assertions say what must hold).

mod common;

use std::path::Path;
use std::process::Output;
use std::time::{Duration, SystemTime};

use common::fake_servers::HoldingProxy;
use common::process::{finish_within, wait_until};
use common::sim::TestSim;
use common::{stderr, stdout, succeeded, Project};
use decom_sim::{ResourceType as Sim, SeedResource, SimConfig, SimState};

const FAST: &str = "--poll-interval-ms=20";

fn run(sim: &TestSim, p: &Project, args: &[&str]) -> Output {
    let mut cmd = p.decom(args);
    sim.env(&mut cmd);
    cmd.output().unwrap()
}

/// A simulated account `account` holding `seed`.
fn account(account: &str, seed: Vec<SeedResource>) -> TestSim {
    TestSim::with_config(SimConfig {
        time_scale: 0.001,
        account_id: account.into(),
        initial_state: Some(SimState { resources: seed }),
        ..SimConfig::default()
    })
}

/// An account holding `seed` whose AWS forgets a deleted resource at
/// once (no tombstone): only memory can then say it is gone.
fn forgetful(seed: Vec<SeedResource>) -> TestSim {
    TestSim::with_config(SimConfig {
        time_scale: 0.001,
        tombstone_ttl: Duration::ZERO,
        initial_state: Some(SimState { resources: seed }),
        ..SimConfig::default()
    })
}

fn deletes(sim: &TestSim) -> usize {
    sim.audit()
        .iter()
        .filter(|e| e.operation.starts_with("Delete"))
        .count()
}

const WEB: &str = r#"resource "aws_apprunner_service" "web" {
  name = "web"
}
"#;

const DC: &str = r#"resource "aws_dx_connection" "dc" {
  name = "dc-1"
}
"#;

/// A plan reviewed against account A, where `web` is live and must be
/// deleted, applied by mistake with account B's credentials (B has no App
/// Runner service at all): the plan file's recorded id must not turn
/// "no service named web" into "already gone" with exit 0, a success for
/// a service that is still running in A. DESIGN 11: memory speaks only
/// for the same account.
#[test]
fn a_saved_plan_applied_with_another_accounts_credentials_is_never_already_gone() {
    let a = account(
        "111111111111",
        vec![SeedResource::new(Sim::AppRunnerService, "web")],
    );
    let b = account("222222222222", Vec::new());
    let p = Project::with_main(WEB);
    let planned = run(&a, &p, &["plan", ".", "--out", "plan.bin"]);
    assert_eq!(planned.status.code(), Some(0), "{}", stderr(&planned));
    assert!(
        stdout(&planned).contains("1 to delete"),
        "{}",
        stdout(&planned)
    );

    let applied = run(&b, &p, &["apply", "plan.bin", FAST]);
    let out = stdout(&applied);
    assert_eq!(
        applied.status.code(),
        Some(1),
        "applying account A's plan in account B must fail, not succeed:\n{out}{}",
        stderr(&applied)
    );
    assert!(!out.contains("already gone"), "{out}");
    assert_eq!(a.snapshot().resources.len(), 1, "web still runs in A");
}

/// A saved plan of a resource named by id (which says neither region nor
/// account) applied with another `--region`, or with another account's
/// credentials: not found there, it was "already gone", exit 0, while it
/// was still live where the plan found it. The plan is stale: the diff
/// says where it was looked for each time.
#[test]
fn a_saved_plan_applied_in_another_region_or_account_is_stale_never_gone() {
    let mut dc = SeedResource::new(Sim::DxConnection, "dc-1");
    dc.id = Some("dxcon-00000001".into());
    let a = account("111111111111", vec![dc]);
    let p = Project::with_main(
        "resource \"aws_dx_connection\" \"dc\" {\n  id = \"dxcon-00000001\"\n}\n",
    );
    let planned = succeeded(&run(&a, &p, &["plan", ".", "--out", "plan.bin"]));
    assert!(planned.contains("1 to delete"), "{planned}");

    let b = account("222222222222", Vec::new());
    for (sim, args, now) in [
        (
            &a,
            &["--region", "eu-west-1"][..],
            "@ eu-west-1 111111111111",
        ),
        (&b, &[][..], "@ us-east-1 222222222222"),
    ] {
        let applied = run(sim, &p, &[&["apply", "plan.bin", FAST], args].concat());
        let err = stderr(&applied);
        assert_eq!(applied.status.code(), Some(1), "{}{err}", stdout(&applied));
        assert!(err.contains("saved plan is stale"), "{err}");
        assert!(
            err.contains(&format!("+aws_dx_connection.dc: no-op {now}")),
            "{err}"
        );
        assert!(!stdout(&applied).contains("already gone"));
    }
    assert!(a.mutating_requests().is_empty() && b.mutating_requests().is_empty());
    succeeded(&run(&a, &p, &["apply", "plan.bin", FAST]));
}

/// `apply` deletes `dc-1` in account A (journal written), then the same
/// manifest is planned with account B's credentials (B has no Direct
/// Connect connection): the journal entry is of account A and must not
/// say anything in B. Expected: `no aws_dx_connection named "dc-1"`,
/// exit 1; found: "Every resource in the manifest is already gone", exit 0.
#[test]
fn a_journal_entry_of_another_account_never_makes_a_name_already_gone() {
    let a = account(
        "111111111111",
        vec![SeedResource::new(Sim::DxConnection, "dc-1")],
    );
    let b = account(
        "222222222222",
        vec![SeedResource::new(Sim::SupplyChainInstance, "unrelated")],
    );
    let p = Project::with_main(DC);
    let first = run(&a, &p, &["apply", ".", "--auto-approve", FAST]);
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    let journal = std::fs::read_to_string(p.path().join(".decom/journal.jsonl")).unwrap();
    assert!(journal.contains(r#""account":"111111111111""#), "{journal}");

    for args in [
        &["plan", "."][..],
        &["apply", ".", "--auto-approve", FAST][..],
    ] {
        let out = run(&b, &p, args);
        assert_eq!(
            out.status.code(),
            Some(1),
            "{args:?} in account B: {}",
            stdout(&out)
        );
        assert!(
            stderr(&out).contains(r#"no aws_dx_connection named "dc-1""#),
            "{args:?}: {}",
            stderr(&out)
        );
    }
}

/// Another run journals a resolution while this plan refreshes (a plan
/// takes no lock): a name resolved after the refresh listed its
/// type may name a resource the refresh never saw, so it must not make the
/// name "already gone". Memory is what was journalled before the refresh.
#[test]
fn a_resolution_journalled_during_the_refresh_never_makes_a_name_already_gone() {
    // Something live, so that the account is known and memory can speak.
    let sim = forgetful(vec![
        SeedResource::new(Sim::DxConnection, "dc-1"),
        SeedResource::new(Sim::DxConnection, "dc-other"),
    ]);
    let earlier = Project::with_main(DC);
    let first = run(&sim, &earlier, &["apply", ".", "--auto-approve", FAST]);
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    let journal = std::fs::read(earlier.path().join(".decom/journal.jsonl")).unwrap();

    let p = Project::with_main(DC);
    let journal_path = p.path().join(".decom/journal.jsonl");
    std::fs::create_dir_all(p.path().join(".decom")).unwrap();
    let proxy = HoldingProxy::start(&sim.endpoint_url(), |r| {
        r.head.contains("DescribeConnections")
    });
    let mut env = sim.env_vars();
    env.push(("AWS_ENDPOINT_URL", proxy.url()));
    let child = p.spawn(&["plan", "."], &env);
    wait_until("the refresh's list of connections held", || {
        proxy.held() > 0
    });
    std::fs::write(&journal_path, &journal).unwrap();
    proxy.release();
    let out = finish_within(child, Duration::from_secs(60));
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(
        stderr(&out).contains(r#"no aws_dx_connection named "dc-1""#),
        "{}",
        stderr(&out)
    );

    // The same journal, there before the plan began, speaks.
    let again = run(&sim, &p, &["plan", "."]);
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    assert!(
        stdout(&again).contains("already gone"),
        "{}",
        stdout(&again)
    );
}

/// Writes `text` to `path` and dates it two hours back (older than the
/// minute an unreadable lock counts as held).
fn old_file(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap();
    let file = std::fs::File::options().write(true).open(path).unwrap();
    file.set_modified(SystemTime::now() - Duration::from_secs(2 * 3600))
        .unwrap();
}

/// `.decom/lock` is a symlink to another file (planted, or left by a
/// careless `ln -s`): apply takes it over as an "unreadable lock older
/// than a minute", truncates the symlink's target and writes its holder
/// JSON into it. A lock must never write through a symlink: refuse, or
/// replace the link itself.
#[cfg(unix)]
#[test]
fn a_lock_that_is_a_symlink_never_overwrites_the_file_it_points_at() {
    let sim = TestSim::start(vec![SeedResource::new(Sim::DxConnection, "dc-1")]);
    let p = Project::with_main(DC);
    let elsewhere = tempfile::tempdir().unwrap();
    let precious = elsewhere.path().join("precious.txt");
    old_file(&precious, "precious data\n");
    std::fs::create_dir(p.path().join(".decom")).unwrap();
    std::os::unix::fs::symlink(&precious, p.path().join(".decom/lock")).unwrap();

    let out = run(&sim, &p, &["apply", ".", "--auto-approve", FAST]);
    assert_eq!(
        std::fs::read_to_string(&precious).unwrap(),
        "precious data\n",
        "the symlink's target was overwritten (apply exit {:?}: {})",
        out.status.code(),
        stderr(&out)
    );
    assert!(deletes(&sim) <= 1);
}

/// `decom plan --sandbox --out plan.bin` is a rehearsal ("nothing real is
/// read or touched"), yet its plan file, for a manifest that names
/// resources by ARN (the sandbox seeds the same ARNs), is applied against
/// the real endpoint without a prompt and deletes the service: the
/// staleness check compares ids only, and a plan file does not say it was
/// made against a simulator. A plan reviewed against the sandbox must not
/// be an approval for a real apply.
#[test]
fn a_plan_saved_by_a_sandbox_rehearsal_is_refused_by_a_real_apply() {
    let arn =
        "arn:aws:apprunner:us-east-1:123456789012:service/web/0123456789abcdef0123456789abcdef";
    let mut web = SeedResource::new(Sim::AppRunnerService, "web");
    web.arn = Some(arn.into());
    let real = TestSim::start(vec![web]);
    let p = Project::with_main(&format!(
        "resource \"aws_apprunner_service\" \"web\" {{\n  arn = \"{arn}\"\n}}\n"
    ));
    let rehearsal = p
        .decom(&["plan", "--sandbox", ".", "--out", "plan.bin"])
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .output()
        .unwrap();
    assert_eq!(rehearsal.status.code(), Some(0), "{}", stderr(&rehearsal));
    assert!(
        stdout(&rehearsal).contains("SANDBOX"),
        "{}",
        stdout(&rehearsal)
    );

    let applied = run(&real, &p, &["apply", "plan.bin", FAST]);
    assert_eq!(
        deletes(&real),
        0,
        "a sandbox plan deleted a real service: {}",
        stdout(&applied)
    );
    assert_eq!(applied.status.code(), Some(1), "{}", stdout(&applied));
}

/// A bad `DECOM_LOG` (or one that is not UTF-8) while stderr is a pipe
/// nobody reads: the warning is written with `eprintln!`, which panics on
/// the broken pipe (exit 101). Everything else goes through the console
/// streams that stop quietly; these two warnings must too.
#[cfg(unix)]
#[test]
fn a_bad_decom_log_with_stderr_closed_does_not_panic() {
    use std::os::unix::ffi::OsStrExt;
    let p = Project::with_main(DC);
    let bad: [&std::ffi::OsStr; 2] = ["bogus[".as_ref(), std::ffi::OsStr::from_bytes(b"\xff")];
    for value in bad {
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader); // the reader is gone before decom writes a byte
        let status = std::process::Command::new(assert_cmd::cargo::cargo_bin("decom"))
            .current_dir(p.path())
            .args(["validate", "."])
            .env("NO_COLOR", "1")
            .env("DECOM_LOG", value)
            .stdout(std::process::Stdio::null())
            .stderr(writer)
            .status()
            .unwrap();
        assert_ne!(status.code(), Some(101), "DECOM_LOG={value:?}: panicked");
        assert_eq!(status.code(), Some(0), "DECOM_LOG={value:?}");
    }
}

/// A live Direct Connect name is free text that anyone who can create a
/// connection chooses. Plan's "live names" help prints it raw, so escape
/// sequences in it reach the terminal (here: set the window title, clear
/// the screen), which can hide or forge what the user reads. decom's own
/// output has no escape sequence under NO_COLOR, so any ESC byte came
/// from AWS.
#[test]
fn live_names_with_terminal_escapes_are_not_printed_raw() {
    let hostile = "dc \u{1b}]0;owned\u{7}\u{1b}[2J";
    let sim = TestSim::start(vec![SeedResource::new(Sim::DxConnection, hostile)]);
    let p = Project::with_main(DC); // names dc-1: matches nothing
    let out = run(&sim, &p, &["plan", "."]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let err = stderr(&out);
    assert!(err.contains("live aws_dx_connection names"), "{err}");
    assert!(
        !err.contains('\u{1b}') && !stdout(&out).contains('\u{1b}'),
        "a raw ESC reached the terminal: {err:?}"
    );
}

/// An endpoint URL with a password in it (`http://user:PASSWORD@host`,
/// e.g. an authenticating proxy in front of an emulator) is printed whole
/// in errors and in every `DECOM_LOG` line; the docs promise the log
/// never shows a credential. The userinfo part must be hidden.
#[test]
fn a_password_in_the_endpoint_url_is_never_printed() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed); // nothing listens: connection refused, at once
    let endpoint = format!("http://user:Pa55wordXYZ@127.0.0.1:{port}");
    let p = Project::with_main(DC);
    let out = p
        .decom(&["plan", ".", "--request-timeout", "1s"])
        .env("AWS_ACCESS_KEY_ID", common::sim::ACCESS_KEY)
        .env("AWS_SECRET_ACCESS_KEY", common::sim::SECRET_KEY)
        .env("AWS_REGION", "us-east-1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", p.path().join("no-config"))
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            p.path().join("no-credentials"),
        )
        .env("AWS_ENDPOINT_URL", &endpoint)
        .env("DECOM_LOG", "debug")
        .timeout(Duration::from_secs(300))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("connection refused"), "{err}");
    assert!(!err.contains("Pa55wordXYZ"), "{err}");
    assert!(!stdout(&out).contains("Pa55wordXYZ"));
}

/// `--journal` naming one of decom's own files: the lock (the whole audit
/// trail is unlinked with the lock when the apply ends, exit 0) or the
/// manifest (JSON lines appended to main.hcl: the manifest no longer
/// parses). Either is a slip of the keyboard; the journal must not end up
/// destroyed or destroying. Expected: refused before any delete, or the
/// journal survives and the manifest still loads.
#[test]
fn a_journal_given_as_the_lock_or_the_manifest_is_not_lost_nor_corrupts_it() {
    for (journal, what) in [(".decom/lock", "lock"), ("main.hcl", "manifest")] {
        let sim = TestSim::start(vec![SeedResource::new(Sim::DxConnection, "dc-1")]);
        let p = Project::with_main(DC);
        let out = run(
            &sim,
            &p,
            &["apply", ".", "--auto-approve", FAST, "--journal", journal],
        );
        let refused = out.status.code() == Some(1) && deletes(&sim) == 0;
        let journal_kept = std::fs::read_to_string(p.path().join(journal))
            .is_ok_and(|t| t.contains("apply_finished"));
        let manifest_loads = p
            .decom(&["validate", "."])
            .output()
            .unwrap()
            .status
            .success();
        assert!(
            refused || (journal_kept && manifest_loads),
            "--journal {journal} ({what}): exit {:?}, journal kept: {journal_kept}, manifest loads: {manifest_loads}",
            out.status.code()
        );
    }
}

/// A sensitive variable whose value in a `--var-file` is over the 1 MiB
/// evaluation limit: the size diagnostic snippets the var file's line,
/// printing the secret (and 2 MB of carets: 2.4 MB of stderr for a
/// 1.1 MB value). Diagnostics about a sensitive variable's value must
/// never show it (the wrong-type case already points at the declaration
/// instead), and a diagnostic should not be megabytes long.
#[test]
fn an_oversized_sensitive_value_is_not_printed_by_the_size_diagnostic() {
    let p = Project::with_main(
        "variable \"token\" {\n  type      = string\n  sensitive = true\n}\n\nresource \"aws_dx_connection\" \"dc\" {\n  name = var.token\n}\n",
    );
    let value = format!("TOPSECRET-{}", "x".repeat(1_100_000));
    p.write("big.vars", &format!("token = \"{value}\"\n"));
    let out = p
        .decom(&["validate", ".", "--var-file", "big.vars"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    // Which limit it broke is not said either: only that the value (whose
    // place is named) cannot be used.
    assert!(
        err.contains("of variable \"token\" cannot be evaluated") && err.contains("under 1 MiB"),
        "{}",
        &err[..err.len().min(500)]
    );
    assert!(
        !err.contains("TOPSECRET"),
        "the sensitive value was printed"
    );
    assert!(err.len() < 64 * 1024, "{} bytes of diagnostics", err.len());
}

/// A sensitive variable's value in a `--var-file` that fails to evaluate
/// (a password that happens to contain `${`, or a stray `+ 1`): the
/// evaluation error snippets the var file's line, secret included. The
/// loader must keep sensitive values out of every diagnostic (DESIGN 12),
/// as it already does for a wrong type and for a syntax error.
#[test]
fn a_sensitive_value_that_fails_to_evaluate_is_not_shown_in_the_snippet() {
    let p = Project::with_main(
        "variable \"token\" {\n  type      = string\n  sensitive = true\n}\n\nresource \"aws_dx_connection\" \"dc\" {\n  name = var.token\n}\n",
    );
    for line in [
        "token = \"Pa${ss}TOPSECRET\"\n",
        "token = \"TOPSECRET\" + 1\n",
    ] {
        p.write("secret.vars", line);
        let out = p
            .decom(&["validate", ".", "--var-file", "secret.vars"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{line}");
        let err = stderr(&out);
        assert!(!err.contains("TOPSECRET"), "{line}: {err}");
    }
}

/// `plan --journal J --out plan.bin` concludes from J that a forgotten
/// name is already gone, then says "To delete exactly these resources,
/// run: decom apply plan.bin". Run as told (no --journal), the apply
/// fails with `no aws_dx_connection named "dc-1"`: the plan file keeps no
/// "already gone" conclusion (only resources with a live id are
/// remembered) and the hint drops the --journal the plan needed. Either
/// the saved plan applies as shown, or the hint carries --journal.
#[test]
fn a_plan_made_with_a_journal_flag_applies_as_its_hint_says() {
    let sim = forgetful(vec![
        SeedResource::new(Sim::DxConnection, "dc-1"),
        SeedResource::new(Sim::DxConnection, "dc-2"),
    ]);
    let p = Project::with_main(DC);
    let first = run(
        &sim,
        &p,
        &["apply", ".", "--auto-approve", FAST, "--journal", "j.jsonl"],
    );
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    p.write(
        "main.hcl",
        &format!("{DC}\nresource \"aws_dx_connection\" \"dc2\" {{\n  name = \"dc-2\"\n}}\n"),
    );
    let planned = run(
        &sim,
        &p,
        &["plan", ".", "--journal", "j.jsonl", "--out", "plan.bin"],
    );
    assert_eq!(planned.status.code(), Some(0), "{}", stderr(&planned));
    let hint = stdout(&planned);
    assert!(hint.contains("1 already gone"), "{hint}");
    if hint.contains("--journal") {
        return; // the hint says how to apply it
    }
    let applied = run(&sim, &p, &["apply", "plan.bin", FAST]);
    assert_eq!(
        applied.status.code(),
        Some(0),
        "applied as the hint says:\n{hint}\n{}",
        stderr(&applied)
    );
}

/// A journal that is one huge line (a sparse file of zeros: what a crash
/// or a full disk can leave, or `truncate -s`): `recall` says "longer
/// journal lines are not decom's: skipped unread", but it reads the whole
/// line into memory before looking at its length. Every `plan` and
/// `apply` then needs as much memory as the file is long; under a 1.5 GB
/// address-space limit a 2 GiB journal aborts plan ("memory allocation of
/// 2147483648 bytes failed", SIGABRT). A plan without the journal runs
/// under the same limit.
#[cfg(target_os = "linux")]
#[test]
fn a_journal_of_one_huge_line_is_skipped_without_reading_it_into_memory() {
    let sim = TestSim::start(vec![SeedResource::new(Sim::DxConnection, "dc-1")]);
    let p = Project::with_main(DC);
    let plan_limited = |p: &Project| {
        let decom = assert_cmd::cargo::cargo_bin("decom");
        std::process::Command::new("sh")
            .current_dir(p.path())
            .args([
                "-c",
                "ulimit -v 1500000; exec \"$0\" plan .",
                decom.to_str().unwrap(),
            ])
            .env("NO_COLOR", "1")
            .envs(sim.env_vars())
            .output()
            .unwrap()
    };
    let baseline = plan_limited(&p);
    assert_eq!(baseline.status.code(), Some(0), "{}", stderr(&baseline));

    std::fs::create_dir(p.path().join(".decom")).unwrap();
    let journal = std::fs::File::create(p.path().join(".decom/journal.jsonl")).unwrap();
    journal.set_len(2 << 30).unwrap(); // sparse: no disk used
    let out = plan_limited(&p);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        &stderr(&out)[..stderr(&out).len().min(300)]
    );
    assert!(stdout(&out).contains("1 to delete"), "{}", stdout(&out));
}

/// `plan --out` onto a FIFO (a careless path, or a named pipe a wrapper
/// script forgot to read): decom blocks opening it for writing, and
/// SIGTERM and SIGINT no longer end it (the handler only sets a flag; the
/// main thread is stuck in open(2)). Only SIGKILL does. "Never hang":
/// refuse a --out that is not a regular file, or open it without
/// blocking, and a signal must still end the process.
#[cfg(unix)]
#[test]
fn plan_out_onto_a_fifo_neither_hangs_nor_ignores_sigterm() {
    let sim = TestSim::start(vec![SeedResource::new(Sim::DxConnection, "dc-1")]);
    let p = Project::with_main(DC);
    let made = std::process::Command::new("mkfifo")
        .arg(p.path().join("plan.bin"))
        .status()
        .unwrap();
    assert!(made.success());
    let mut child = p.spawn(&["plan", ".", "--out", "plan.bin"], &sim.env_vars());
    // Let it reach the write (refresh against the simulator is quick),
    // then cancel it as a CI runner would.
    let started = std::time::Instant::now();
    while started.elapsed() < Duration::from_secs(5) && child.try_wait().unwrap().is_none() {
        std::thread::sleep(Duration::from_millis(50));
    }
    if child.try_wait().unwrap().is_none() {
        let sent = std::process::Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status()
            .unwrap();
        assert!(sent.success());
    }
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let status = status.expect("decom plan --out FIFO still ran a minute after SIGTERM");
    assert_ne!(
        status.code(),
        Some(0),
        "a plan written nowhere is not a success"
    );
}

/// `plan --out` naming one of the manifest's own files (`--out main.hcl`
/// for `--out main.plan`): the manifest is overwritten with the plan
/// file, exit 0, and the user's teardown manifest is gone. A plan must
/// never overwrite the manifest it was made from.
#[test]
fn plan_out_never_overwrites_the_manifest_it_was_made_from() {
    let sim = TestSim::start(vec![SeedResource::new(Sim::DxConnection, "dc-1")]);
    let p = Project::with_main(DC);
    let _ = run(&sim, &p, &["plan", ".", "--out", "main.hcl"]);
    assert_eq!(
        std::fs::read_to_string(p.path().join("main.hcl")).unwrap(),
        DC,
        "the manifest was overwritten"
    );
}

/// `plan --out` onto a path an earlier hand (or a cloned repository)
/// left: a link to a file elsewhere, or a file that is not a plan (a
/// mistyped `--out notes.md`). Writing through the link overwrote and
/// chmodded what it pointed at; the notes were truncated. Both are
/// refused, before any request, and left as they were; a plan file, an
/// empty file and a hard link are replaced by a new file (the other name
/// of a hard link keeps the old text).
#[cfg(unix)]
#[test]
fn plan_out_replaces_only_earlier_plans_and_never_writes_through_a_link() {
    let sim = TestSim::start(vec![SeedResource::new(Sim::DxConnection, "dc-1")]);
    let p = Project::with_main(DC);
    let elsewhere = tempfile::tempdir().unwrap();
    let victim = elsewhere.path().join("bashrc");
    std::fs::write(&victim, "alias ls='ls -F'\n").unwrap();
    std::os::unix::fs::symlink(&victim, p.path().join("link.bin")).unwrap();
    std::fs::write(p.path().join("notes.md"), "# notes\n").unwrap();
    for (out, says) in [
        ("link.bin", "--out link.bin is a symbolic link"),
        (
            "notes.md",
            "--out notes.md exists and is not a decom plan file",
        ),
    ] {
        let before = sim.audit().len();
        let refused = run(&sim, &p, &["plan", ".", "--out", out]);
        assert_eq!(
            refused.status.code(),
            Some(1),
            "{out}: {}",
            stdout(&refused)
        );
        assert!(stderr(&refused).contains(says), "{}", stderr(&refused));
        assert_eq!(sim.audit().len(), before, "{out}: requests were sent");
    }
    assert_eq!(
        std::fs::read_to_string(&victim).unwrap(),
        "alias ls='ls -F'\n"
    );
    assert_eq!(
        std::fs::read_to_string(p.path().join("notes.md")).unwrap(),
        "# notes\n"
    );

    std::fs::write(p.path().join("empty.bin"), "").unwrap();
    succeeded(&run(&sim, &p, &["plan", ".", "--out", "empty.bin"]));
    succeeded(&run(&sim, &p, &["plan", ".", "--out", "plan.bin"]));
    std::fs::hard_link(p.path().join("plan.bin"), p.path().join("other.bin")).unwrap();
    std::fs::write(p.path().join("other.bin"), "decom-plan, marked\n").unwrap();
    succeeded(&run(&sim, &p, &["plan", ".", "--out", "plan.bin"]));
    let other = std::fs::read_to_string(p.path().join("other.bin")).unwrap();
    assert_eq!(other, "decom-plan, marked\n", "written through a hard link");
    for plan in ["empty.bin", "plan.bin"] {
        succeeded(&run(&sim, &p, &["show", plan]));
    }
    let litter: Vec<_> = std::fs::read_dir(p.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with(".decom-plan-"))
        .collect();
    assert!(litter.is_empty(), "temporary files left: {litter:?}");
}

/// `plan --out` naming decom's own state (`.decom`: a plan file there
/// broke every later apply's lock), stdout's `-` (a file named `-` was
/// written), or a directory that does not exist (found only after the
/// whole refresh, in words naming a temporary file) is refused before any
/// request. A path with a space is suggested to apply quoted, one that
/// begins with a dash as `./-...` (pasted, it was read as a flag).
#[test]
fn plan_out_never_lands_in_decoms_state_nor_in_a_missing_directory() {
    let sim = TestSim::start(vec![SeedResource::new(Sim::DxConnection, "dc-1")]);
    let p = Project::with_main(DC);
    for (out, says) in [
        ("-", "a plan is saved to a file"),
        (".decom", "is decom's own state"),
        (".decom/journal.jsonl", "is decom's own state"),
        ("missing/plan.bin", "the directory missing does not exist"),
        ("p\u{1b}[8m.bin", "the name has control characters"),
    ] {
        let refused = run(&sim, &p, &["plan", ".", "--out", out]);
        let err = stderr(&refused);
        assert_eq!(refused.status.code(), Some(1), "{out}: {err}");
        assert!(err.contains(says), "{out}: {err}");
        assert!(sim.audit().is_empty(), "{out}: requests were sent");
    }
    assert!(!p.path().join("-").exists() && !p.path().join(".decom").exists());

    let saved = succeeded(&run(&sim, &p, &["plan", ".", "--out", "my plan.bin"]));
    assert!(saved.contains("decom apply 'my plan.bin'"), "{saved}");
    let dashed = succeeded(&run(&sim, &p, &["plan", ".", "--out=--auto-approve"]));
    assert!(
        dashed.contains("decom apply ./--auto-approve\n"),
        "{dashed}"
    );
    succeeded(&run(&sim, &p, &["apply", "my plan.bin", FAST]));
    let sideways = run(
        &sim,
        &p,
        &["plan", ".", "--out", "./.decom/../.decom/p.bin"],
    );
    assert!(
        stderr(&sideways).contains("is decom's own state"),
        "{}",
        stderr(&sideways)
    );
}

/// Whatever a message quotes (a path typed on the command line, a flag's
/// value, a label in the manifest) reaches the terminal with no control
/// character and no bidirectional override ("Trojan Source": a label
/// reading one way and meaning another), on stderr and in JSON, where the
/// value is kept. Each once printed raw.
#[test]
fn quoted_text_never_reaches_the_terminal_raw() {
    let raw = |text: &str| {
        text.chars()
            .any(|c| (c.is_control() && c != '\n') || ('\u{202a}'..='\u{202e}').contains(&c))
    };
    let p = Project::with_main(DC);
    let out = p
        .decom(&["show", "x\u{1b}]0;pwned\u{7}.bin"])
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains(r"x\u{1b}]0;pwned\u{7}.bin"), "{err}");
    assert!(!raw(&err), "{err:?}");

    let out = p
        .decom(&[
            "discover",
            "--region",
            "x\u{1b}[2J",
            "--endpoint-url",
            "http://127.0.0.1:9",
        ])
        .env("AWS_ACCESS_KEY_ID", "AKID")
        .env("AWS_SECRET_ACCESS_KEY", "secret")
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(!raw(&err), "{err:?}");

    let out = p
        .decom(&[
            "sim",
            "--listen",
            "127.0.0.1:0",
            "--state",
            "s\u{1b}]0;pwned\u{7}.json",
        ])
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains(r"s\u{1b}]0;pwned\u{7}.json"), "{err}");

    let label = "admin\u{202e}\u{9b}txt";
    p.write(
        "main.hcl",
        &format!("resource \"aws_dx_connection\" \"{label}\" {{\n  id = \"dxcon-1\"\n}}\n"),
    );
    let out = p.decom(&["validate", "."]).output().unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains(r"admin\u{202e}\u{9b}txt"), "{err}");
    assert!(!raw(&err), "{err:?}");
    let out = p.decom(&["validate", ".", "--json"]).output().unwrap();
    let json = stdout(&out);
    assert!(!raw(&json), "{json:?}");
    let report: serde_json::Value = serde_json::from_str(&json).unwrap();
    let message = report["diagnostics"][0]["message"]
        .as_str()
        .unwrap_or_default();
    assert!(message.contains(label), "the value is kept: {message:?}");
}

/// On a terminal, apply's live progress (drawn by its own writer, not
/// `out!`) showed a live id raw: an ARN with a window title and a screen
/// clear in it reached the screen. Colours of decom's own still do.
#[cfg(unix)]
#[test]
fn progress_on_a_terminal_never_shows_escapes_raw() {
    const SCRIPT: &str = "/usr/bin/script";
    if !Path::new(SCRIPT).exists() {
        eprintln!("skipping: script (util-linux) is not installed");
        return;
    }
    let p = Project::with_main(
        r#"provider "aws" {
  region = "us-east-1"
}

resource "aws_apprunner_vpc_connector" "e" {
  arn = "arn:aws:apprunner:us-east-1:123456789012:vpcconnector/evil/1/\u001b]0;PWNED\u0007\u001b[2J"
}
"#,
    );
    let decom = assert_cmd::cargo::cargo_bin("decom");
    let command = format!("'{}' apply --sandbox . --auto-approve", decom.display());
    let out = std::process::Command::new(SCRIPT)
        .args(["-qec", &command, "/dev/null"])
        .current_dir(p.path())
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("TERM", "xterm")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    // AWS refuses the delete (the ARN fails its pattern); the progress
    // line naming it comes first.
    let screen = String::from_utf8_lossy(&out.stdout);
    let deleting = screen
        .lines()
        .find(|l| l.contains("Deleting..."))
        .unwrap_or_default();
    assert!(
        deleting.contains(r"evil/1/\u{1b}]0;PWNED\u{7}\u{1b}[2J"),
        "{screen:?}"
    );
    assert!(
        !screen.contains("\u{1b}]0;PWNED") && !screen.contains("\u{1b}[2J"),
        "{screen:?}"
    );
}

/// Names are anyone's free text: terminal escapes in a manifest value or
/// label are shown escaped in every diagnostic, never acted on by the
/// terminal (with no colour asked for, no control byte is printed at all:
/// the value below would set the window title, clear the screen and fake
/// a line).
#[test]
fn escapes_in_names_never_reach_the_terminal_raw() {
    let sim = TestSim::start(vec![SeedResource::new(Sim::SupplyChainInstance, "other")]);
    let p = Project::with_main(
        r#"provider "aws" {
  region = "us-east-1"
}

resource "aws_supplychain_instance" "a" {
  name = "evil\u001b]0;pwned\u0007\u001b[2J\r\nfake: Apply complete"
}
"#,
    );
    let raw = |text: &str| text.chars().any(|c| c.is_control() && c != '\n');
    let out = run(&sim, &p, &["plan", "."]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("no aws_supplychain_instance named"), "{err}");
    assert!(err.contains(r"\u{1b}]0;pwned"), "shown escaped: {err}");
    assert!(!raw(&err), "{err:?}");

    // The same bytes raw in the source: its snippet shows them as `?`.
    p.write(
        "main.hcl",
        "resource \"aws_supplychain_instance\" \"a\u{1b}[31mb\" {\n  name = \"x\u{7}\r\"\n}\n",
    );
    let out = run(&sim, &p, &["validate", "."]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(!raw(&err), "{err:?}");
}

/// A `--journal` naming a file that is not a decom journal (here a
/// credentials file) is refused before any request, and left as it was:
/// apply appends only to its own journals.
#[test]
fn a_journal_flag_naming_another_file_is_refused_before_any_request() {
    let sim = TestSim::start(vec![SeedResource::new(Sim::DxConnection, "dc-1")]);
    let p = Project::with_main(DC);
    let text = "[default]\naws_access_key_id = AKIDEXAMPLE\n";
    let other = p.write("credentials", text);
    let other = other.to_string_lossy();
    let out = run(
        &sim,
        &p,
        &["apply", ".", "--auto-approve", "--journal", &other, FAST],
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("not a decom journal"), "{err}");
    assert!(sim.audit().is_empty(), "{:?}", sim.audit());
    assert_eq!(
        std::fs::read_to_string(p.path().join("credentials")).unwrap(),
        text
    );
}
