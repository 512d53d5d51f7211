//! decom's memory (the journal, the lock, saved plan files) never
//! redirects a delete and never fakes a success: DESIGN section 11, one
//! test per way it once did (issue 13), each against the simulator's own
//! audit log.

mod common;

use std::process::{Child, Output};
use std::time::Duration;

use common::process::{finish_within, mkfifo, signal, wait_for_lines, wait_until, Lines};
use common::sim::TestSim;
use common::{stderr, stdout, Project};
use decom_sim::{AuditEntry, Latencies, ResourceType as Sim, SeedResource, SimConfig, SimState};

const FAST: &str = "--poll-interval-ms=20";

fn run(sim: &TestSim, p: &Project, args: &[&str]) -> Output {
    let mut cmd = p.decom(args);
    sim.env(&mut cmd);
    cmd.output().unwrap()
}

fn spawn(sim: &TestSim, p: &Project, args: &[&str]) -> Child {
    p.spawn(args, &sim.env_vars())
}

/// `decom ARGS --lock-timeout 5m`, once it says it waits for another
/// apply's lock; with its stderr.
fn waiting_for_the_lock(sim: &TestSim, p: &Project, args: &[&str]) -> (Child, Lines) {
    let mut child = spawn(sim, p, &[args, &["--lock-timeout", "5m", FAST]].concat());
    let mut err = Lines::of(child.stderr.take().unwrap());
    err.wait_for("waiting up to 5m0s for it (--lock-timeout)");
    (child, err)
}

fn deletes(sim: &TestSim) -> Vec<AuditEntry> {
    sim.audit()
        .into_iter()
        .filter(|e| e.operation.starts_with("Delete"))
        .collect()
}

fn instance_manifest(name: &str) -> String {
    format!(
        r#"provider "aws" {{
  region = "us-east-1"
}}

resource "aws_supplychain_instance" "main" {{
  name = "{name}"
  timeouts {{
    delete = "1s"
  }}
}}
"#
    )
}

/// Case 1: a name that matches nothing never falls back on the journal's
/// id for the address, which once sent DeleteInstance to another instance.
#[test]
fn a_stale_journal_never_redirects_a_delete() {
    let mut alpha = SeedResource::new(Sim::SupplyChainInstance, "alpha");
    alpha.status = Some("Initializing".into()); // stays so for 5 minutes
    let sim = TestSim::with_config(SimConfig {
        time_scale: 1.0,
        initial_state: Some(SimState {
            resources: vec![alpha],
        }),
        ..SimConfig::default()
    });
    let p = Project::with_main(&instance_manifest("alpha"));
    let first = run(&sim, &p, &["apply", ".", "--auto-approve", FAST]);
    assert_eq!(first.status.code(), Some(1), "{}", stdout(&first));
    assert!(stdout(&first).contains("timed out"), "{}", stdout(&first));
    let alpha_id = sim.snapshot().resources[0].id.clone().unwrap();
    let journal = std::fs::read_to_string(p.path().join(".decom/journal.jsonl")).unwrap();
    assert!(journal.contains(&alpha_id), "{journal}");
    let sent_before = deletes(&sim).len();

    p.write("main.hcl", &instance_manifest("beta"));
    for args in [
        &["plan", "."][..],
        &["apply", ".", "--auto-approve", FAST][..],
    ] {
        let out = run(&sim, &p, args);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", stdout(&out));
        let err = stderr(&out);
        assert!(
            err.contains(r#"no aws_supplychain_instance named "beta" in us-east-1"#),
            "{err}"
        );
        assert!(!stdout(&out).contains(&alpha_id), "{}", stdout(&out));
    }
    assert_eq!(
        deletes(&sim).len(),
        sent_before,
        "nothing sent after the edit"
    );
    assert_eq!(
        sim.snapshot().resources[0].status.as_deref(),
        Some("Initializing")
    );
}

/// Case 2: a sandbox rehearsal keeps its own journal; a real plan after
/// it still says the names match nothing, even with the sandbox journal
/// copied over the real one.
#[test]
fn a_sandbox_rehearsal_never_becomes_real_memory() {
    let p = Project::example("quickstart");
    let rehearsal = p
        .decom(&["apply", "--sandbox", "--auto-approve", "."])
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .output()
        .unwrap();
    assert_eq!(rehearsal.status.code(), Some(0), "{}", stderr(&rehearsal));
    let sandbox_journal = p.path().join(".decom/sandbox/journal.jsonl");
    let real_journal = p.path().join(".decom/journal.jsonl");
    let text = std::fs::read_to_string(&sandbox_journal).unwrap();
    assert!(
        text.lines().all(|l| l.contains(r#""endpoint":"sandbox""#)),
        "{text}"
    );
    assert!(!real_journal.exists(), "the real journal was written");

    let empty_account = TestSim::start(Vec::new());
    let expect_unresolved = |why: &str| {
        let out = run(&empty_account, &p, &["plan", "."]);
        assert_eq!(out.status.code(), Some(1), "{why}: {}", stdout(&out));
        let err = stderr(&out);
        assert!(
            err.contains(r#"no aws_apprunner_service named "shop-staging-web""#),
            "{why}: {err}"
        );
        assert!(!stdout(&out).contains("already gone"), "{why}");
    };
    expect_unresolved("after a rehearsal");
    std::fs::copy(&sandbox_journal, &real_journal).unwrap();
    expect_unresolved("with the sandbox journal copied over the real one");
}

fn services_and_connectors(n: usize) -> (Project, Vec<SeedResource>) {
    let mut seed = Vec::new();
    let mut hcl = String::from("provider \"aws\" {\n  region = \"us-east-1\"\n}\n");
    for i in 0..n {
        let arn =
            format!("arn:aws:apprunner:us-east-1:123456789012:vpcconnector/conn-{i}/1/{i:032x}");
        let mut connector = SeedResource::new(Sim::AppRunnerVpcConnector, format!("conn-{i}"));
        connector.arn = Some(arn.clone());
        let mut service = SeedResource::new(Sim::AppRunnerService, format!("svc-{i}"));
        service.vpc_connector_arn = Some(arn);
        seed.extend([connector, service]);
        hcl.push_str(&format!(
            r#"
resource "aws_apprunner_vpc_connector" "c{i}" {{
  name = "conn-{i}"
}}

resource "aws_apprunner_service" "s{i}" {{
  name              = "svc-{i}"
  vpc_connector_arn = aws_apprunner_vpc_connector.c{i}.arn
  timeouts {{
    delete = "30s"
  }}
}}
"#
        ));
    }
    (Project::with_main(&hcl), seed)
}

/// Services take 6 s to delete and stay visible as DELETED for 36 s.
fn slow_service_sim(seed: Vec<SeedResource>) -> TestSim {
    TestSim::with_config(SimConfig {
        time_scale: 0.01,
        latencies: Latencies {
            service_delete: Duration::from_secs(600),
            ..Latencies::default()
        },
        tombstone_ttl: Duration::from_secs(3600),
        initial_state: Some(SimState { resources: seed }),
        ..SimConfig::default()
    })
}

/// Stops an apply once AWS has accepted every service's delete.
fn interrupt_after_services_accepted(sim: &TestSim, p: &Project, n: usize) {
    let journal = p.path().join(".decom/journal.jsonl");
    let child = spawn(sim, p, &["apply", ".", "--auto-approve", FAST]);
    wait_for_lines(&journal, r#""event":"delete_accepted""#, n);
    signal(&child, "INT");
    let out = finish_within(child, Duration::from_secs(60));
    assert_eq!(out.status.code(), Some(130), "{}", stderr(&out));
}

fn refused_service_deletes(sim: &TestSim) -> usize {
    deletes(sim)
        .iter()
        .filter(|e| e.operation == "DeleteService" && e.status != 200)
        .count()
}

/// Case 3: a service whose DeleteService AWS accepted is waited for on a
/// re-run (OPERATION_IN_PROGRESS, then DELETED), never deleted again.
#[cfg(unix)]
#[test]
fn a_rerun_waits_for_accepted_service_deletions_instead_of_deleting_again() {
    let (p, seed) = services_and_connectors(2);
    let sim = slow_service_sim(seed);
    interrupt_after_services_accepted(&sim, &p, 2);

    let out = run(&sim, &p, &["apply", ".", "--auto-approve", FAST]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}\n{}", stderr(&out));
    assert!(text.contains("Plan: 2 to delete, 2 to wait for"), "{text}");
    assert!(
        text.contains("Apply complete: 4 deleted, 0 failed, 0 skipped"),
        "{text}"
    );
    let service_deletes = deletes(&sim)
        .iter()
        .filter(|e| e.operation == "DeleteService")
        .count();
    assert_eq!(service_deletes, 2, "one DeleteService per service, ever");
    assert_eq!(refused_service_deletes(&sim), 0);
}

/// Case 3, without the journal (a CI runner that lost it): the refusal
/// "... in DELETED status" is a wait, not a retry until the timeout.
#[cfg(unix)]
#[test]
fn a_refusal_saying_the_service_is_deleted_is_a_wait() {
    let (p, seed) = services_and_connectors(2);
    let sim = slow_service_sim(seed);
    interrupt_after_services_accepted(&sim, &p, 2);
    std::fs::remove_file(p.path().join(".decom/journal.jsonl")).unwrap();

    let out = run(&sim, &p, &["apply", ".", "--auto-approve", FAST]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}\n{}", stderr(&out));
    assert!(
        text.contains("Apply complete: 4 deleted, 0 failed, 0 skipped"),
        "{text}"
    );
    assert!(text.contains("Already being deleted"), "{text}");
    // Refused while the deletion runs; once DELETED, one refusal each at most.
    let connectors = deletes(&sim)
        .iter()
        .filter(|e| e.operation == "DeleteVpcConnector" && e.status == 200)
        .count();
    assert_eq!(connectors, 2);
}

/// Case 4: `--journal FILE` is read back: a killed run resumed with the
/// same flag finishes after AWS has forgotten what it deleted.
#[test]
fn a_journal_given_with_the_flag_is_read_back_for_resume() {
    let names: Vec<String> = (0..8).map(|i| format!("inst-{i}")).collect();
    // The account keeps one instance the manifest does not name: what
    // shows that the re-run's credentials are for the same account.
    let seed: Vec<SeedResource> = names
        .iter()
        .chain([&"bystander".to_string()])
        .map(|n| SeedResource::new(Sim::SupplyChainInstance, n.clone()))
        .collect();
    let sim = TestSim::with_config(SimConfig {
        time_scale: 0.01, // deletes take 3 s and are forgotten 3 s later
        tombstone_ttl: Duration::from_secs(300),
        initial_state: Some(SimState { resources: seed }),
        ..SimConfig::default()
    });
    let mut hcl = String::from("provider \"aws\" {\n  region = \"us-east-1\"\n}\n");
    for (i, name) in names.iter().enumerate() {
        hcl.push_str(&format!(
            "resource \"aws_supplychain_instance\" \"i{i}\" {{\n  name = \"{name}\"\n}}\n"
        ));
    }
    let p = Project::with_main(&hcl);
    let elsewhere = tempfile::tempdir().unwrap();
    let journal = elsewhere.path().join("audit.jsonl");
    let journal_arg = journal.display().to_string();
    let apply = [
        "apply",
        ".",
        "--auto-approve",
        FAST,
        "--journal",
        &journal_arg,
    ];

    let mut child = spawn(&sim, &p, &apply);
    wait_for_lines(&journal, r#""event":"delete_accepted""#, 8);
    child.kill().unwrap(); // SIGKILL: no closing entry
    let _ = child.wait();
    wait_until("AWS forgets the deleted instances", || {
        sim.snapshot().resources.len() == 1
    });

    let out = run(&sim, &p, &apply);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}\n{}", stderr(&out));
    assert!(text.contains("8 already gone"), "{text}");
    assert!(!p.path().join(".decom/journal.jsonl").exists());
    assert_eq!(deletes(&sim).len(), 8, "no delete was sent twice");
}

fn dx_project(n: usize) -> (Project, Vec<SeedResource>) {
    let mut hcl = String::from("provider \"aws\" {\n  region = \"us-east-1\"\n}\n");
    let mut seed = Vec::new();
    for i in 0..n {
        hcl.push_str(&format!(
            "resource \"aws_dx_connection\" \"x{i}\" {{\n  name = \"dx-{i}\"\n}}\n"
        ));
        seed.push(SeedResource::new(Sim::DxConnection, format!("dx-{i}")));
    }
    (Project::with_main(&hcl), seed)
}

fn this_host() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .unwrap_or_default()
        .trim()
        .to_string()
}

/// Case 5: with a lock left by a dead process, of 8 applies started at
/// once exactly one runs; each resource gets exactly one delete.
#[test]
fn racing_applies_over_a_stale_lock_have_exactly_one_winner() {
    for _ in 0..3 {
        let (p, seed) = dx_project(4);
        // Deletions take 6 s: the winner holds the lock until every racer
        // has tried it.
        let sim = TestSim::with_config(SimConfig {
            time_scale: 0.2,
            initial_state: Some(SimState { resources: seed }),
            ..SimConfig::default()
        });
        std::fs::create_dir_all(p.path().join(".decom")).unwrap();
        let dead = serde_json::json!({"pid": u32::MAX - 1, "host": this_host(), "since": "2026-01-01T00:00:00Z"});
        std::fs::write(p.path().join(".decom/lock"), dead.to_string()).unwrap();

        let racers: Vec<Child> = (0..8)
            .map(|_| spawn(&sim, &p, &["apply", ".", "--auto-approve", FAST]))
            .collect();
        let outs: Vec<Output> = racers
            .into_iter()
            .map(|c| finish_within(c, Duration::from_secs(120)))
            .collect();
        let winners = outs.iter().filter(|o| o.status.code() == Some(0)).count();
        assert_eq!(
            winners,
            1,
            "{:#?}",
            outs.iter().map(stderr).collect::<Vec<_>>()
        );
        for loser in outs.iter().filter(|o| o.status.code() != Some(0)) {
            assert_eq!(loser.status.code(), Some(1));
            let err = stderr(loser);
            assert!(err.contains("another apply"), "{err}");
        }
        let mut targets: Vec<Option<String>> = deletes(&sim)
            .into_iter()
            .filter(|e| e.status == 200)
            .map(|e| e.target)
            .collect();
        targets.sort();
        let sent = targets.len();
        targets.dedup();
        assert_eq!((sent, targets.len()), (4, 4), "one delete per connection");
        assert!(!p.path().join(".decom/lock").exists());
    }
}

/// Case 5: an empty or garbage lock may be one being written: held until
/// it is a minute old, then taken over.
#[test]
fn an_empty_or_garbage_lock_is_held_until_it_is_a_minute_old() {
    for text in ["", "garbage{"] {
        let (p, seed) = dx_project(1);
        let sim = TestSim::start(seed);
        let lock = p.path().join(".decom/lock");
        std::fs::create_dir_all(p.path().join(".decom")).unwrap();
        std::fs::write(&lock, text).unwrap();
        let out = run(&sim, &p, &["apply", ".", "--auto-approve", FAST]);
        assert_eq!(out.status.code(), Some(1), "{text:?}: {}", stdout(&out));
        assert!(
            stderr(&out).contains("another apply may be starting"),
            "{}",
            stderr(&out)
        );
        assert!(sim.mutating_requests().is_empty());

        let file = std::fs::File::options().write(true).open(&lock).unwrap();
        file.set_modified(std::time::SystemTime::now() - Duration::from_secs(120))
            .unwrap();
        let out = run(&sim, &p, &["apply", ".", "--auto-approve", FAST]);
        assert_eq!(out.status.code(), Some(0), "{text:?}: {}", stderr(&out));
    }
}

/// `--lock-timeout`: an apply that finds the lock held waits for it (and
/// says so), then goes on once it is released; without it, or with
/// `0s`, it is refused at once.
#[test]
fn lock_timeout_waits_for_a_held_lock_then_applies() {
    let (p, seed) = dx_project(1);
    let sim = TestSim::start(seed);
    let held = decom_executor::lock::Lock::acquire(&p.path().join(".decom")).unwrap();
    // Terraform's spelling of the default, `0s`, too.
    for zero in [&[][..], &["--lock-timeout", "0s"]] {
        let out = run(
            &sim,
            &p,
            &[&["apply", ".", "--auto-approve", FAST], zero].concat(),
        );
        assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
        assert!(
            stderr(&out).contains("another apply is running"),
            "{}",
            stderr(&out)
        );
    }

    let (child, err) = waiting_for_the_lock(&sim, &p, &["apply", ".", "--auto-approve"]);
    assert!(
        sim.mutating_requests().is_empty(),
        "nothing deleted while waiting"
    );
    drop(held);
    let out = finish_within(child, Duration::from_secs(60));
    assert_eq!(out.status.code(), Some(0), "{}", err.rest());
    assert!(
        stdout(&out).contains("Apply complete: 1 deleted"),
        "{}",
        stdout(&out)
    );
}

/// A saved plan whose apply waits for the lock is checked against live
/// state as it is once the lock is held: a child created during the wait
/// (here a namespace DeleteInstance would take with it) makes the plan
/// stale, and nothing is deleted. Checked before the wait, the apply went
/// on with a plan older than what it deleted.
#[test]
fn a_saved_plan_that_waited_for_the_lock_is_checked_against_state_read_under_it() {
    const INSTANCE: &str = "0f0e0d0c-0b0a-4909-8807-060504030201";
    let mut instance = SeedResource::new(Sim::SupplyChainInstance, "sc-a");
    instance.id = Some(INSTANCE.into());
    let sim = TestSim::start(vec![instance]);
    let p = Project::with_main(
        "provider \"aws\" {\n  region = \"us-east-1\"\n}\n\
         resource \"aws_supplychain_instance\" \"a\" {\n  name = \"sc-a\"\n}\n",
    );
    let planned = run(&sim, &p, &["plan", ".", "--out", "plan.bin"]);
    assert_eq!(planned.status.code(), Some(0), "{}", stderr(&planned));

    let held = decom_executor::lock::Lock::acquire(&p.path().join(".decom")).unwrap();
    let (child, err) = waiting_for_the_lock(&sim, &p, &["apply", "plan.bin"]);
    let mut late = SeedResource::new(Sim::SupplyChainDataLakeNamespace, "late");
    late.instance_id = Some(INSTANCE.into());
    sim.seed(vec![late]);
    drop(held);
    let out = finish_within(child, Duration::from_secs(60));
    let said = err.rest();
    assert_eq!(out.status.code(), Some(1), "{said}\n{}", stdout(&out));
    assert!(said.contains("saved plan is stale"), "{said}");
    assert!(said.contains("late"), "the new child is named: {said}");
    assert!(sim.mutating_requests().is_empty(), "{said}");
}

/// Case 6: what is not a plan file is an error, never "No changes", and
/// never blocks or reads without end.
#[cfg(unix)]
#[test]
fn empty_special_and_huge_plan_files_are_refused_before_any_request() {
    let (p, seed) = dx_project(1);
    let sim = TestSim::start(seed);
    let empty = p.write("empty.bin", "");
    let fifo = p.path().join("fifo.bin");
    mkfifo(&fifo);
    let huge = p.path().join("huge.bin");
    std::fs::File::create(&huge)
        .unwrap()
        .set_len(65 << 20) // sparse: takes no disk
        .unwrap();
    for (path, why) in [
        (empty.display().to_string(), "is empty"),
        ("/dev/null".to_string(), "is not a regular file"),
        ("/dev/zero".to_string(), "is not a regular file"),
        (fifo.display().to_string(), "is not a regular file"),
        (huge.display().to_string(), "is larger than 64 MiB"),
    ] {
        for command in ["apply", "show"] {
            let child = spawn(&sim, &p, &[command, &path]);
            let out = finish_within(child, Duration::from_secs(60));
            assert_eq!(
                out.status.code(),
                Some(1),
                "{command} {path}: {}",
                stdout(&out)
            );
            let err = stderr(&out);
            assert!(err.contains(why), "{command} {path}: {err}");
            assert!(!stdout(&out).contains("No changes"), "{command} {path}");
        }
    }
    assert!(sim.mutating_requests().is_empty());
}

/// Case 7: a plan claiming to be made in the future does not slip past
/// `--max-plan-age`.
#[test]
fn a_plan_from_the_future_is_refused() {
    let (p, seed) = dx_project(1);
    let sim = TestSim::start(seed);
    let out = run(&sim, &p, &["plan", ".", "--out", "plan.bin"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let bytes = std::fs::read(p.path().join("plan.bin")).unwrap();
    let body_start = bytes.iter().position(|&b| b == b'\n').unwrap() + 1;
    let mut body: serde_json::Value = serde_json::from_slice(&bytes[body_start..]).unwrap();
    body["created_at"] = "2099-01-01T00:00:00Z".into();
    let forged = decom_plan::frame(&serde_json::to_vec(&body).unwrap());
    std::fs::write(p.path().join("future.bin"), forged).unwrap();

    let out = run(&sim, &p, &["apply", "future.bin", "--max-plan-age", "1s"]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(
        stderr(&out).contains("made in the future"),
        "{}",
        stderr(&out)
    );
    assert!(sim.mutating_requests().is_empty());
}

/// A journal path that is a FIFO neither blocks the plan that reads it nor
/// the apply that would append to it: the apply stops before any delete.
#[cfg(unix)]
#[test]
fn a_fifo_as_journal_never_blocks_and_stops_the_apply_before_any_delete() {
    let (p, seed) = dx_project(1);
    let sim = TestSim::start(seed);
    let fifo = p.path().join("journal.fifo");
    mkfifo(&fifo);
    let fifo = fifo.display().to_string();
    let plan = spawn(&sim, &p, &["plan", ".", "--journal", &fifo]);
    let out = finish_within(plan, Duration::from_secs(60));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let apply = spawn(
        &sim,
        &p,
        &["apply", ".", "--auto-approve", "--journal", &fifo],
    );
    let out = finish_within(apply, Duration::from_secs(60));
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(
        stderr(&out).contains("journal.fifo is not a regular file"),
        "{}",
        stderr(&out)
    );
    assert!(sim.mutating_requests().is_empty());
    assert!(!p.path().join(".decom/lock").exists());
}

/// SIGTERM while an apply waits for another's lock (now before its
/// refresh): it ends at once with 143, nothing sent, and the other apply's
/// lock, which it never held, is left where it is.
#[test]
fn a_signal_while_waiting_for_the_lock_leaves_the_holders_lock() {
    let (p, seed) = dx_project(1);
    let sim = TestSim::start(seed);
    let dir = p.path().join(".decom");
    let held = decom_executor::lock::Lock::acquire(&dir).unwrap();
    let (child, err) = waiting_for_the_lock(&sim, &p, &["apply", ".", "--auto-approve"]);
    signal(&child, "TERM");
    let out = finish_within(child, Duration::from_secs(60));
    let said = err.rest();
    assert_eq!(out.status.code(), Some(143), "{said}");
    assert!(said.contains("stopped; nothing was deleted"), "{said}");
    assert!(sim.mutating_requests().is_empty(), "{said}");
    assert!(dir.join("lock").exists(), "the holder's lock is left");
    drop(held);
}

/// A journal whose start is not decom's (its first line cut: a rotation,
/// a bad copy) is refused by apply and not believed by plan either: plan
/// found the name "already gone" in it, exit 0, where apply refused.
#[test]
fn plan_does_not_believe_a_journal_apply_refuses() {
    let sim = TestSim::with_config(SimConfig {
        time_scale: 0.001,
        initial_state: Some(SimState {
            resources: vec![
                SeedResource::new(Sim::SupplyChainInstance, "alpha"),
                SeedResource::new(Sim::SupplyChainInstance, "bystander"),
            ],
        }),
        ..SimConfig::default()
    });
    let p = Project::with_main(&instance_manifest("alpha"));
    let out = run(&sim, &p, &["apply", ".", "--auto-approve", FAST]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    wait_until("AWS forgets the deleted instance", || {
        sim.snapshot().resources.len() == 1
    });
    let out = run(&sim, &p, &["plan", "."]);
    assert!(stdout(&out).contains("1 already gone"), "{}", stdout(&out));

    let journal = p.path().join(".decom/journal.jsonl");
    let text = std::fs::read_to_string(&journal).unwrap();
    std::fs::write(&journal, &text[12..]).unwrap();
    let out = run(&sim, &p, &["plan", "."]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{}\n{err}", stdout(&out));
    assert!(err.contains("not a decom journal"), "{err}");
    assert!(
        err.contains("no aws_supplychain_instance named \"alpha\""),
        "{err}"
    );
    let out = run(&sim, &p, &["apply", ".", "--auto-approve", FAST]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("not a decom journal"),
        "{}",
        stderr(&out)
    );
}
