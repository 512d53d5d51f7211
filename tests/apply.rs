//! `decom apply` end to end against the simulator: the safety invariants
//! checked from the simulator's own audit log, failures, locks, stale
//! plans, confirmation, interrupts.

mod common;

use std::collections::HashMap;
use std::time::Duration;

use common::fake_servers::HoldingProxy;
use common::process::{finish_within, signal, wait_for_lines, wait_until};
use common::quickstart::{quickstart_seed, CONNECTOR_ARN, SERVICE_ARN};
use common::sim::{TestSim, ACCESS_KEY, SECRET_KEY, SESSION_TOKEN};
use common::{repo_root, stderr, stdout, succeeded, Project};
use decom_sim::{AuditEntry, Latencies, ResourceType as Sim, SeedResource, SimConfig, SimState};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

const FAST: &str = "--poll-interval-ms=20";

fn quickstart_project() -> Project {
    Project::example("quickstart")
}

fn run(sim: &TestSim, p: &Project, args: &[&str]) -> std::process::Output {
    let mut cmd = p.decom(args);
    sim.env(&mut cmd);
    cmd.output().unwrap()
}

fn deletes(audit: &[AuditEntry]) -> Vec<&AuditEntry> {
    audit
        .iter()
        .filter(|e| e.operation.starts_with("Delete"))
        .collect()
}

fn ts(e: &AuditEntry) -> OffsetDateTime {
    OffsetDateTime::parse(&e.ts, &Rfc3339).unwrap()
}

/// Plans to a file and returns the plan's JSON (via `show --json`).
fn saved_plan(sim: &TestSim, p: &Project) -> serde_json::Value {
    let out = run(sim, p, &["plan", "--out", "plan.bin"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let shown = p.decom(&["show", "plan.bin", "--json"]).output().unwrap();
    serde_json::from_slice(&shown.stdout).unwrap()
}

#[test]
fn quickstart_is_deleted_in_order_and_nothing_else_is_touched() {
    let mut seed = quickstart_seed();
    // A bystander of every kind the manifest does not name.
    seed.push(SeedResource::new(Sim::SupplyChainInstance, "bystander"));
    seed.push(SeedResource::new(Sim::DxConnection, "bystander"));
    let sim = TestSim::start(seed);
    let p = quickstart_project();
    let plan = saved_plan(&sim, &p);
    let approved: Vec<String> = plan["resource_changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["decom_action"] == "delete")
        .map(|c| {
            c["change"]["before"]["arn"]
                .as_str()
                .or(c["change"]["before"]["id"].as_str())
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(approved.len(), 6);

    let out = run(&sim, &p, &["apply", "plan.bin", FAST]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}\n{}",
        stdout(&out),
        stderr(&out)
    );
    let text = stdout(&out);
    assert!(
        text.contains("aws_apprunner_service.web: Deletion complete after "),
        "{text}"
    );
    assert!(
        text.trim_end().ends_with(
            "Apply complete: 6 deleted, 2 deleted with their parent, 0 failed, 0 skipped."
        ),
        "{text}"
    );

    let audit = sim.audit();
    let deletes = deletes(&audit);
    // Invariant 1: every Delete* names an approved id, each once, and none was refused.
    let mut named: Vec<&str> = deletes
        .iter()
        .map(|e| e.target.as_deref().unwrap())
        .collect();
    named.sort();
    let mut want: Vec<&str> = approved.iter().map(String::as_str).collect();
    want.sort();
    assert_eq!(named, want);
    assert!(
        deletes.iter().all(|e| e.status == 200 && e.error.is_none()),
        "{deletes:#?}"
    );
    // Invariant 2: a delete is sent only after what must go before it is
    // gone, which the simulator cannot report before that resource's
    // deletion latency has passed.
    let latency = Latencies::default();
    let scaled = |d: Duration| d.mul_f64(0.001);
    let sent: HashMap<&str, OffsetDateTime> = deletes
        .iter()
        .map(|e| (e.operation.as_str(), ts(e)))
        .collect();
    for (before, after, took) in [
        (
            "DeleteVpcIngressConnection",
            "DeleteService",
            latency.ingress_delete,
        ),
        (
            "DeleteService",
            "DeleteVpcConnector",
            latency.service_delete,
        ),
        (
            "DeleteVirtualInterface",
            "DeleteConnection",
            latency.vif_delete,
        ),
    ] {
        let gap = sent[after] - sent[before];
        assert!(gap >= scaled(took), "{after} only {gap} after {before}");
    }
    // Everything planned is gone; the bystanders are untouched.
    let live = still_live(&sim);
    assert_eq!(live.len(), 2, "{live:#?}");
    assert!(live.iter().all(|r| r.name == "bystander"));

    // The journal has the run, owner-only.
    let journal = std::fs::read_to_string(p.path().join(".decom/journal.jsonl")).unwrap();
    assert_eq!(
        journal.matches("\"event\":\"deleted\"").count(),
        6,
        "{journal}"
    );
    assert!(journal
        .lines()
        .all(|l| serde_json::from_str::<serde_json::Value>(l).is_ok()));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(p.path().join(".decom/journal.jsonl"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    assert!(
        !p.path().join(".decom/lock").exists(),
        "the lock is released"
    );

    // Re-running on the applied manifest: everything is already gone.
    let again = run(&sim, &p, &["apply", ".", "--auto-approve", FAST]);
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    assert!(
        stdout(&again).contains("Plan: 0 to delete, 0 to wait for, 6 already gone."),
        "{}",
        stdout(&again)
    );
    assert_eq!(deletes_count(&sim), 6, "no new Delete*");
}

fn deletes_count(sim: &TestSim) -> usize {
    sim.audit()
        .iter()
        .filter(|e| e.operation.starts_with("Delete"))
        .count()
}

#[test]
fn a_stuck_delete_fails_its_dependents_are_skipped_and_independent_work_finishes() {
    // Instances take an hour to initialise (so deleting one is refused
    // with ConflictException until its 1s timeout); deletes are quick.
    let latencies = Latencies {
        instance_create: Duration::from_secs(3600),
        instance_delete: Duration::from_millis(50),
        dx_connection_delete: Duration::from_millis(50),
        ..Latencies::instant()
    };
    let mut stuck = SeedResource::new(Sim::SupplyChainInstance, "stuck");
    stuck.status = Some("Initializing".into());
    let mut after = SeedResource::new(Sim::DxConnection, "after");
    after.id = Some("dxcon-after001".into());
    let sim = TestSim::with_config(SimConfig {
        time_scale: 1.0,
        latencies,
        initial_state: Some(SimState {
            resources: vec![
                stuck,
                after,
                SeedResource::new(Sim::SupplyChainInstance, "independent"),
            ],
        }),
        ..SimConfig::default()
    });
    let p = Project::with_main(
        r#"provider "aws" {
  region = "us-east-1"
}

resource "aws_supplychain_instance" "stuck" {
  name       = "stuck"
  depends_on = [aws_dx_connection.after]
  timeouts {
    delete = "1s"
  }
}

resource "aws_dx_connection" "after" {
  id = "dxcon-after001"
}

resource "aws_supplychain_instance" "independent" {
  name = "independent"
}
"#,
    );
    let out = run(&sim, &p, &["apply", ".", "--auto-approve", FAST]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let text = stdout(&out);
    assert!(
        text.contains("aws_supplychain_instance.stuck: Deletion failed after"),
        "{text}"
    );
    assert!(text.contains("timed out after 1s (delete timeout); last error: DeleteInstance in us-east-1: ConflictException"), "{text}");
    assert!(
        text.contains(
            "aws_dx_connection.after: Skipped: upstream failed: aws_supplychain_instance.stuck"
        ),
        "{text}"
    );
    assert!(
        text.contains("aws_supplychain_instance.independent: Deletion complete"),
        "{text}"
    );
    // The summary, then each failure with its error and what it skipped,
    // so a CI log's last lines say what went wrong.
    let tail = text
        .split_once(
            "Apply complete: 1 deleted, 2 deleted with their parent, 1 failed, 1 skipped.\n",
        )
        .map(|(_, tail)| tail)
        .unwrap_or_else(|| panic!("no summary line in {text}"));
    assert!(
        tail.contains("Error: aws_supplychain_instance.stuck: timed out after 1s (delete timeout); last error: DeleteInstance in us-east-1: ConflictException"),
        "{text}"
    );
    assert!(
        tail.trim_end().ends_with(
            "Skipped: aws_dx_connection.after (it must be deleted after aws_supplychain_instance.stuck, which failed)"
        ),
        "{text}"
    );
    assert!(
        !sim.audit()
            .iter()
            .any(|e| e.operation == "DeleteConnection"),
        "a skipped resource is never deleted"
    );
}

#[test]
fn throttling_and_faults_do_not_stop_the_apply_or_widen_it() {
    let mut seed = quickstart_seed();
    seed.push(SeedResource::new(Sim::SupplyChainInstance, "bystander"));
    let sim = TestSim::with_config(SimConfig {
        time_scale: 0.001,
        throttle_rps: Some(20.0),
        fault_rate: 0.2,
        seed: 7,
        initial_state: Some(SimState { resources: seed }),
        ..SimConfig::default()
    });
    let p = quickstart_project();
    let out = run(&sim, &p, &["apply", ".", "--auto-approve", FAST]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}\n{}",
        stdout(&out),
        stderr(&out)
    );
    assert!(stdout(&out)
        .contains("Apply complete: 6 deleted, 2 deleted with their parent, 0 failed, 0 skipped."));
    let audit = sim.audit();
    assert!(
        audit.iter().any(|e| e.status >= 500 || e.status == 0),
        "faults were injected"
    );
    let mut named: Vec<&str> = deletes(&audit)
        .iter()
        .filter_map(|e| e.target.as_deref())
        .collect();
    named.sort();
    named.dedup();
    assert_eq!(named.len(), 6, "{named:?}");
    assert!(!named.iter().any(|t| t.contains("bystander")));
}

/// A delete AWS carried out whose answer was lost (the connection dropped
/// after the change, as a load balancer's reset does): the SDK sends it
/// again and AWS refuses it (the service is being deleted, the connector
/// is INACTIVE, the namespace is not found); each such refusal is read as
/// "already under way" or "gone", never as a failure nor as a second
/// deletion of something else. Eight seeds (each run is 88% likely to
/// lose the answer of a committed Delete; 30 seeds were run once): every
/// run must succeed, and at least one must have lost such an answer.
#[test]
fn a_delete_whose_answer_is_lost_after_it_took_effect_is_not_a_failure() {
    let mut lost_deletes = 0;
    for seed in 1..=8 {
        let mut resources = quickstart_seed();
        resources.push(SeedResource::new(Sim::SupplyChainInstance, "bystander"));
        let sim = TestSim::with_config(SimConfig {
            time_scale: 0.001,
            fault_rate: 0.3,
            fault_drop_share: 1.0,
            fault_commit_share: 1.0,
            seed,
            initial_state: Some(SimState { resources }),
            ..SimConfig::default()
        });
        let p = quickstart_project();
        let out = run(&sim, &p, &["apply", ".", "--auto-approve", FAST]);
        let text = stdout(&out);
        assert_eq!(
            out.status.code(),
            Some(0),
            "seed {seed}: {text}\n{}",
            stderr(&out)
        );
        assert!(
            text.contains(
                "Apply complete: 6 deleted, 2 deleted with their parent, 0 failed, 0 skipped."
            ),
            "seed {seed}: {text}"
        );
        let audit = sim.audit();
        assert!(!deletes(&audit)
            .iter()
            .any(|e| e.target.as_deref().is_some_and(|t| t.contains("bystander"))));
        lost_deletes += deletes(&audit)
            .iter()
            .filter(|e| e.error.as_deref() == Some("AnswerDropped") && e.status < 300)
            .count();
    }
    assert!(
        lost_deletes > 0,
        "no seed lost the answer of a committed delete: the test proved nothing"
    );
}

#[test]
fn a_saved_plan_hands_the_quota_rates_it_read_to_its_apply() {
    // 80 instances: 2 ListInstances pages and 4 cascade lists each, 322
    // calls through one Supply Chain quota of 40 req/s: throttled enough
    // for the plan to read the refill.
    let seed: Vec<SeedResource> = (0..80)
        .map(|i| SeedResource::new(Sim::SupplyChainInstance, format!("i-{i}")))
        .collect();
    let blocks: String = (0..80)
        .map(|i| {
            format!("resource \"aws_supplychain_instance\" \"i{i}\" {{\n  name = \"i-{i}\"\n}}\n")
        })
        .collect();
    let p = Project::with_main(&format!(
        "provider \"aws\" {{\n  region = \"us-east-1\"\n}}\n{blocks}"
    ));
    let sim = TestSim::with_config(SimConfig {
        time_scale: 0.001,
        throttle_rps: Some(40.0),
        initial_state: Some(SimState { resources: seed }),
        ..SimConfig::default()
    });
    let out = run(&sim, &p, &["plan", "--out", "plan.bin"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let file = std::fs::read_to_string(p.path().join("plan.bin")).unwrap();
    let body: serde_json::Value = serde_json::from_str(file.split_once('\n').unwrap().1).unwrap();
    let rates = body["quota_rates"]
        .as_array()
        .expect("the plan was throttled");
    assert_eq!(rates.len(), 1, "{rates:?}");
    assert_eq!(rates[0]["service"], "supplychain");
    assert_eq!(rates[0]["region"], "us-east-1");
    assert!(rates[0]["refill"].as_f64().unwrap() > 0.0, "{rates:?}");

    let text = succeeded(&run(&sim, &p, &["apply", "plan.bin", FAST]));
    assert!(text.contains("Apply complete: 80 deleted"), "{text}");
}

#[test]
fn without_a_terminal_apply_refuses_to_proceed_unconfirmed() {
    let sim = TestSim::start(quickstart_seed());
    let p = quickstart_project();
    let out = run(&sim, &p, &["apply", "."]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("refusing to apply without confirmation"),
        "{}",
        stderr(&out)
    );
    assert!(sim.mutating_requests().is_empty());
}

#[test]
fn a_second_apply_refuses_while_the_lock_is_held() {
    let sim = TestSim::start(quickstart_seed());
    let p = quickstart_project();
    std::fs::create_dir_all(p.path().join(".decom")).unwrap();
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap_or_default();
    // This test process holds it, as a running apply does: the text
    // names the holder, the kernel lock makes it held.
    let holder = serde_json::json!({"pid": std::process::id(), "host": host.trim(), "since": "2026-11-22T00:00:00Z"});
    std::fs::write(p.path().join(".decom/lock"), holder.to_string()).unwrap();
    let held = std::fs::File::open(p.path().join(".decom/lock")).unwrap();
    held.try_lock().unwrap();
    let out = run(&sim, &p, &["apply", ".", "--auto-approve", FAST]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("another apply is running"), "{err}");
    assert!(
        err.contains(&format!("pid {}", std::process::id())),
        "{err}"
    );
    assert!(sim.mutating_requests().is_empty());
}

#[test]
fn a_stale_plan_is_refused_with_what_changed() {
    let sim = TestSim::start(quickstart_seed());
    let p = quickstart_project();
    saved_plan(&sim, &p);

    // The manifest changed.
    let text = std::fs::read_to_string(p.path().join("main.hcl")).unwrap();
    p.write("main.hcl", &format!("{text}\n# edited\n"));
    let out = run(&sim, &p, &["apply", "plan.bin", FAST]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("saved plan is stale"), "{err}");
    assert!(
        err.contains("--- saved plan")
            && err.contains("+++ now")
            && err.contains("-manifest sha256:"),
        "{err}"
    );
    p.write("main.hcl", &text);

    // A live relation the manifest does not assert changed: the service
    // no longer uses the connector, so the order the plan was approved
    // with no longer holds.
    let p = Project::with_main(&format!(
        "resource \"aws_apprunner_service\" \"web\" {{\n  arn = \"{SERVICE_ARN}\"\n}}\n\
         resource \"aws_apprunner_vpc_connector\" \"shared\" {{\n  arn = \"{CONNECTOR_ARN}\"\n}}\n"
    ));
    let mut seed = quickstart_seed();
    seed.retain(|r| {
        matches!(
            r.resource_type,
            Sim::AppRunnerService | Sim::AppRunnerVpcConnector
        )
    });
    let sim = TestSim::start(seed.clone());
    saved_plan(&sim, &p);
    for r in &mut seed {
        r.vpc_connector_arn = None;
    }
    let sim = TestSim::start(seed);
    let out = run(&sim, &p, &["apply", "plan.bin", FAST]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let err = stderr(&out);
    assert!(err.contains("saved plan is stale"), "{err}");
    assert!(
        err.contains(&format!(
            "-aws_apprunner_service.web: delete {SERVICE_ARN} vpc_connector_arn={CONNECTOR_ARN}"
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "+aws_apprunner_service.web: delete {SERVICE_ARN} vpc_connector_arn=(none)"
        )),
        "{err}"
    );
    assert!(sim.mutating_requests().is_empty());
}

#[test]
fn a_planned_resource_already_gone_applies_as_a_no_op() {
    let sim = TestSim::start(quickstart_seed());
    let p = quickstart_project();
    saved_plan(&sim, &p);
    // Someone deleted the Supply Chain instance since the plan.
    let mut seed = quickstart_seed();
    seed.retain(|r| r.resource_type != Sim::SupplyChainInstance);
    let sim = TestSim::start(seed);
    let out = run(&sim, &p, &["apply", "plan.bin", FAST]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}\n{}",
        stdout(&out),
        stderr(&out)
    );
    let text = stdout(&out);
    assert!(
        text.contains("aws_supplychain_instance.planning: Already gone"),
        "{text}"
    );
    assert!(
        text.contains("Apply complete: 5 deleted, 0 failed, 0 skipped, 1 already gone."),
        "{text}"
    );
}

/// A manifest of `c` connectors, 2c services, c DX connections, 2c VIFs
/// and `instances` Supply Chain instances, and matching live resources.
fn large_stack(c: usize, instances: usize) -> (Project, Vec<SeedResource>) {
    let connector_arn = |i: usize| {
        format!("arn:aws:apprunner:us-east-1:123456789012:vpcconnector/conn-{i}/1/{i:032x}")
    };
    let mut seed = Vec::new();
    for i in 0..c {
        let mut conn = SeedResource::new(Sim::AppRunnerVpcConnector, format!("conn-{i}"));
        conn.arn = Some(connector_arn(i));
        seed.push(conn);
        let mut x = SeedResource::new(Sim::DxConnection, format!("dx-{i}"));
        x.id = Some(format!("dxcon-{i:08}"));
        seed.push(x);
    }
    for i in 0..2 * c {
        let mut s = SeedResource::new(Sim::AppRunnerService, format!("svc-{i}"));
        s.vpc_connector_arn = Some(connector_arn(i % c));
        seed.push(s);
        let mut v = SeedResource::new(Sim::DxVirtualInterface, format!("vif-{i}"));
        v.connection_id = Some(format!("dxcon-{:08}", i % c));
        seed.push(v);
    }
    for i in 0..instances {
        seed.push(SeedResource::new(
            Sim::SupplyChainInstance,
            format!("plan-{i}"),
        ));
    }
    let p = Project::with_main(&format!(
        r#"provider "aws" {{
  region = "us-east-1"
}}

resource "aws_apprunner_vpc_connector" "c" {{
  count = {c}
  name  = "conn-${{count.index}}"
}}

resource "aws_apprunner_service" "s" {{
  count             = {c2}
  name              = "svc-${{count.index}}"
  vpc_connector_arn = aws_apprunner_vpc_connector.c[count.index % {c}].arn
}}

resource "aws_dx_connection" "x" {{
  count = {c}
  name  = "dx-${{count.index}}"
}}

resource "aws_dx_virtual_interface" "v" {{
  count         = {c2}
  name          = "vif-${{count.index}}"
  connection_id = aws_dx_connection.x[count.index % {c}].id
}}

resource "aws_supplychain_instance" "i" {{
  count = {instances}
  name  = "plan-${{count.index}}"
}}
"#,
        c2 = 2 * c
    ));
    (p, seed)
}

fn spawn_apply(sim: &TestSim, p: &Project) -> std::process::Child {
    p.spawn(&["apply", ".", "--auto-approve", FAST], &sim.env_vars())
}

fn wait_for_journal(p: &Project, needle: &str, n: usize) {
    wait_for_lines(&p.path().join(".decom/journal.jsonl"), needle, n);
}

#[test]
fn killed_halfway_then_rerun_everything_is_deleted_and_nothing_else() {
    let (p, mut seed) = large_stack(10, 20);
    seed.push(SeedResource::new(Sim::SupplyChainInstance, "bystander"));
    let sim = TestSim::with_config(SimConfig {
        time_scale: 0.01,
        initial_state: Some(SimState { resources: seed }),
        ..SimConfig::default()
    });
    let mut child = spawn_apply(&sim, &p);
    wait_for_journal(&p, "\"event\":\"deleted\"", 5);
    child.kill().unwrap(); // SIGKILL: no cleanup at all
    let _ = child.wait();
    assert!(
        p.path().join(".decom/lock").exists(),
        "a killed apply leaves its lock"
    );

    let out = run(&sim, &p, &["apply", ".", "--auto-approve", FAST]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}\n{}",
        stdout(&out),
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("took over the lock of a previous apply"),
        "{}",
        stderr(&out)
    );
    assert!(
        stdout(&out).contains(", 0 failed, 0 skipped"),
        "{}",
        stdout(&out)
    );

    let live = still_live(&sim);
    assert_eq!(live.len(), 1, "{live:#?}");
    assert_eq!(live[0].name, "bystander");
    let audit = sim.audit();
    assert!(deletes(&audit)
        .iter()
        .all(|e| !e.target.as_deref().unwrap_or("").is_empty()));
    let bystander_id = sim
        .snapshot()
        .resources
        .iter()
        .find(|r| r.name == "bystander")
        .and_then(|r| r.id.clone());
    assert!(deletes(&audit).iter().all(|e| e.target != bystander_id));
    let journal = std::fs::read_to_string(p.path().join(".decom/journal.jsonl")).unwrap();
    assert_eq!(
        journal.matches("\"event\":\"apply_started\"").count(),
        2,
        "both runs are in the journal"
    );
}

#[cfg(unix)]
#[test]
fn sigint_stops_new_deletions_and_exits_130() {
    // Realistic latencies: nothing finishes before the interrupt.
    let sim = TestSim::with_config(SimConfig {
        time_scale: 1.0,
        initial_state: Some(SimState {
            resources: quickstart_seed(),
        }),
        ..SimConfig::default()
    });
    let p = quickstart_project();
    let child = spawn_apply(&sim, &p);
    wait_for_journal(&p, "\"event\":\"deleting\"", 3);
    signal(&child, "INT");
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("Interrupted after"), "{text}");
    assert!(
        text.contains("Apply interrupted: 0 deleted, 0 failed, 0 skipped, 6 not finished."),
        "{text}"
    );
    // Only the first wave was ever sent.
    let sent: Vec<String> = deletes(&sim.audit())
        .iter()
        .map(|e| e.operation.clone())
        .collect();
    assert!(
        !sent.contains(&"DeleteService".to_string())
            && !sent.contains(&"DeleteVpcConnector".to_string()),
        "{sent:?}"
    );
    let journal = std::fs::read_to_string(p.path().join(".decom/journal.jsonl")).unwrap();
    assert!(
        journal.contains("\"event\":\"apply_interrupted\""),
        "{journal}"
    );
    assert!(!p.path().join(".decom/lock").exists());
}

fn still_live(sim: &TestSim) -> Vec<SeedResource> {
    sim.snapshot()
        .resources
        .into_iter()
        .filter(|r| {
            !matches!(
                r.status.as_deref(),
                Some("DELETED" | "INACTIVE" | "deleted" | "Deleted")
            )
        })
        .collect()
}

#[test]
fn a_300_resource_mixed_manifest_is_fully_deleted() {
    // 37 connectors, 74 services, 37 connections, 74 VIFs, 78 instances.
    let (p, seed) = large_stack(37, 300 - 6 * 37);
    assert_eq!(seed.len(), 300);
    let sim = TestSim::start(seed);
    let out = run(&sim, &p, &["apply", ".", "--auto-approve", FAST]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}\n{}",
        stdout(&out),
        stderr(&out)
    );
    assert!(
        stdout(&out).contains(
            "Apply complete: 300 deleted, 156 deleted with their parent, 0 failed, 0 skipped."
        ),
        "{}",
        stdout(&out)
    );
    assert!(still_live(&sim).is_empty(), "{:#?}", still_live(&sim));
    let refused: Vec<AuditEntry> = deletes(&sim.audit())
        .into_iter()
        .filter(|e| e.error.is_some())
        .cloned()
        .collect();
    assert!(
        refused.is_empty(),
        "no delete was refused for ordering: {refused:#?}"
    );
}

#[test]
fn blockers_guards_and_disallowed_accounts_stop_apply_before_any_change() {
    let base = std::fs::read_to_string(repo_root().join("examples/quickstart/main.hcl")).unwrap();
    let mut blocked_seed = quickstart_seed();
    let mut intruder = SeedResource::new(Sim::AppRunnerService, "intruder");
    intruder.vpc_connector_arn = Some(CONNECTOR_ARN.into());
    blocked_seed.push(intruder);
    let cases = [
        ("blocker", base.clone(), blocked_seed),
        (
            "prevent_destroy",
            base.replace("resource \"aws_dx_connection\" \"nyc\" {", "resource \"aws_dx_connection\" \"nyc\" {\n  lifecycle {\n    prevent_destroy = true\n  }"),
            quickstart_seed(),
        ),
        (
            "account",
            base.replace("region = \"us-east-1\"", "region = \"us-east-1\"\n  allowed_account_ids = [\"999999999999\"]"),
            quickstart_seed(),
        ),
    ];
    for (what, manifest, seed) in cases {
        let sim = TestSim::start(seed);
        let p = Project::with_main(&manifest);
        let out = run(&sim, &p, &["apply", ".", "--auto-approve", FAST]);
        assert_eq!(out.status.code(), Some(1), "{what}: {}", stdout(&out));
        assert!(
            sim.mutating_requests().is_empty(),
            "{what}: {:?}",
            sim.mutating_requests()
        );
    }
}

#[test]
fn credentials_never_reach_output_plan_files_or_the_journal() {
    let sim = TestSim::start(quickstart_seed());
    let p = quickstart_project();
    let plan = run(&sim, &p, &["plan", "--out", "plan.bin"]);
    let apply = run(&sim, &p, &["apply", "plan.bin", "--json", FAST]);
    assert_eq!(apply.status.code(), Some(0), "{}", stderr(&apply));
    let journal = std::fs::read_to_string(p.path().join(".decom/journal.jsonl")).unwrap();
    let plan_file = std::fs::read_to_string(p.path().join("plan.bin")).unwrap();
    for (what, text) in [
        ("plan stdout", stdout(&plan)),
        ("plan stderr", stderr(&plan)),
        ("apply stdout", stdout(&apply)),
        ("apply stderr", stderr(&apply)),
        ("journal", journal),
        ("plan file", plan_file),
    ] {
        assert!(!text.contains(SECRET_KEY), "{what} contains the secret key");
        assert!(
            !text.contains(SESSION_TOKEN),
            "{what} contains the session token"
        );
        assert!(
            !text.contains(ACCESS_KEY),
            "{what} contains the access key id"
        );
    }
    // --json: one JSON object per line; the last is the summary, with
    // its counts as fields.
    let lines: Vec<serde_json::Value> = stdout(&apply)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{line}: {e}")))
        .collect();
    assert!(lines.iter().all(|v| v.get("event").is_some()));
    let summary = lines.last().expect("a summary line");
    assert_eq!(summary["event"], "summary");
    assert_eq!(summary["deleted"], 6, "{summary}");
    assert_eq!(summary["failed"], 0, "{summary}");
    assert_eq!(summary["skipped"], 0, "{summary}");
    assert_eq!(summary["interrupted"], false, "{summary}");
    assert_eq!(summary["failures"], serde_json::json!([]), "{summary}");
}

#[test]
fn a_few_resources_are_watched_with_single_reads_not_paged_lists() {
    // 41 services (3 ListServices pages) and 31 instances (2 ListInstances
    // pages): watching one of each costs less by describe. A connector's
    // delete answer shows it INACTIVE: that is AWS's confirmation, no
    // status check follows.
    let mut seed = vec![
        SeedResource::new(Sim::AppRunnerService, "target-service"),
        SeedResource::new(Sim::SupplyChainInstance, "target-instance"),
        SeedResource::new(Sim::AppRunnerVpcConnector, "target-connector"),
    ];
    seed.extend(
        (0..40).map(|i| SeedResource::new(Sim::AppRunnerService, format!("bystander-{i}"))),
    );
    seed.extend(
        (0..30).map(|i| SeedResource::new(Sim::SupplyChainInstance, format!("bystander-{i}"))),
    );
    let sim = TestSim::start(seed);
    let p = Project::with_main(
        r#"
provider "aws" {
  region = "us-east-1"
}
resource "aws_apprunner_service" "gone" {
  name = "target-service"
}
resource "aws_supplychain_instance" "gone" {
  name = "target-instance"
}
resource "aws_apprunner_vpc_connector" "gone" {
  name = "target-connector"
}
"#,
    );
    let text = succeeded(&run(&sim, &p, &["apply", ".", "--auto-approve", FAST]));
    assert!(
        text.contains("Apply complete: 3 deleted, 2 deleted with their parent, 0 failed"),
        "{text}"
    );
    let audit = sim.audit();
    let first_delete = audit
        .iter()
        .position(|e| e.operation.starts_with("Delete"))
        .unwrap();
    let watching: Vec<&str> = audit[first_delete..]
        .iter()
        .map(|e| e.operation.as_str())
        .filter(|op| !op.starts_with("Delete"))
        .collect();
    assert!(watching.contains(&"DescribeService"), "{watching:?}");
    assert!(watching.contains(&"GetInstance"), "{watching:?}");
    assert!(
        !watching.iter().any(|op| op.starts_with("List")),
        "{watching:?}"
    );
    assert!(
        !watching.iter().any(|op| op.ends_with("VpcConnector")),
        "{watching:?}"
    );
    assert!(still_live(&sim)
        .iter()
        .all(|r| r.name.starts_with("bystander-")));
}

#[test]
fn a_plan_file_with_a_swapped_id_is_refused_before_any_request() {
    let mut seed = quickstart_seed();
    let mut other = SeedResource::new(Sim::AppRunnerService, "not-reviewed");
    other.arn = Some(SERVICE_ARN.replace("0123456789abcdef", "fedcba9876543210"));
    seed.push(other.clone());
    let sim = TestSim::start(seed);
    let p = quickstart_project();
    let out = run(&sim, &p, &["plan", "--out", "plan.bin"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let path = p.path().join("plan.bin");
    let text = std::fs::read_to_string(&path).unwrap();
    let other_arn = other.arn.unwrap();
    std::fs::write(&path, text.replace(SERVICE_ARN, &other_arn)).unwrap();
    let requests_before = sim.audit().len();

    let out = run(&sim, &p, &["apply", "plan.bin", FAST]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("is corrupted or was edited after it was written"),
        "{}",
        stderr(&out)
    );
    assert_eq!(sim.audit().len(), requests_before, "{:?}", sim.audit());
}

/// A plan file replaced while its apply refreshes (another `decom plan
/// --out` to the same path, here of the same manifest: the same lines in
/// another file). The apply reads the names the plan resolved again once
/// the refresh is done, and what it compares the fresh plan with once
/// that plan is made; a file that is no longer the one it read is refused
/// before any delete.
#[test]
fn a_plan_file_replaced_while_its_apply_refreshes_is_refused_before_any_delete() {
    let sim = TestSim::start(quickstart_seed());
    let p = quickstart_project();
    for file in ["plan.bin", "other.bin"] {
        let out = run(&sim, &p, &["plan", "--out", file]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    }
    let proxy = HoldingProxy::start(&sim.endpoint_url(), |_| true);
    let mut env = sim.env_vars();
    env.push(("AWS_ENDPOINT_URL", proxy.url()));
    let child = p.spawn(&["apply", "plan.bin", FAST], &env);
    // Its first request (who am I?) comes after it read the plan file.
    wait_until("the apply's first request held", || proxy.held() > 0);
    std::fs::rename(p.path().join("other.bin"), p.path().join("plan.bin")).unwrap();
    proxy.release();

    let out = finish_within(child, Duration::from_secs(60));
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("plan.bin changed since this apply read it"),
        "{}",
        stderr(&out)
    );
    assert!(deletes(&sim.audit()).is_empty(), "{:?}", sim.audit());
}

/// A recognisable sensitive value used in names: App Runner puts the name
/// in the service ARN, AWS errors echo it, so it reaches output by more
/// roads than the manifest value itself.
const SENSITIVE: &str = "Tok3nDoNotPrint";

const SENSITIVE_MANIFEST: &str = r#"
variable "token" {
  type      = string
  sensitive = true
}

provider "aws" {
  region = "us-east-1"
}

resource "aws_apprunner_service" "web" {
  name = "scn-${var.token}"
}

resource "aws_dx_connection" "link" {
  name = var.token
}

resource "aws_supplychain_instance" "plan" {
  name = "${var.token}-plan"
}
"#;

#[test]
fn sensitive_values_never_reach_output_plan_files_or_the_journal() {
    let sim = TestSim::start(vec![
        SeedResource::new(Sim::AppRunnerService, format!("scn-{SENSITIVE}")),
        SeedResource::new(Sim::DxConnection, SENSITIVE),
        SeedResource::new(Sim::SupplyChainInstance, format!("{SENSITIVE}-plan")),
    ]);
    let p = Project::with_main(SENSITIVE_MANIFEST);
    let with_token = |args: &[&str]| {
        let mut cmd = p.decom(args);
        sim.env(&mut cmd);
        cmd.env("DECOM_VAR_token", SENSITIVE).output().unwrap()
    };
    let runs = [
        ("validate", with_token(&["validate", "."])),
        ("validate --json", with_token(&["validate", ".", "--json"])),
        ("graph --live", with_token(&["graph", ".", "--live"])),
        ("plan", with_token(&["plan", "."])),
        ("plan --json", with_token(&["plan", ".", "--json"])),
        (
            "plan --out",
            with_token(&["plan", ".", "--out", "plan.bin"]),
        ),
        ("show", p.decom(&["show", "plan.bin"]).output().unwrap()),
        (
            "show --json",
            p.decom(&["show", "plan.bin", "--json"]).output().unwrap(),
        ),
        (
            "show --markdown",
            p.decom(&["show", "plan.bin", "--markdown"])
                .output()
                .unwrap(),
        ),
        (
            "apply plan.bin",
            with_token(&["apply", "plan.bin", "--json", FAST]),
        ),
    ];
    let (_, apply) = &runs[runs.len() - 1];
    assert_eq!(
        apply.status.code(),
        Some(0),
        "{}{}",
        stdout(apply),
        stderr(apply)
    );
    assert!(stdout(apply).contains("3 deleted"), "{}", stdout(apply));
    assert_eq!(deletes(&sim.audit()).len(), 3);
    let (_, plan) = &runs[3];
    assert!(stdout(plan).contains("(sensitive)"), "{}", stdout(plan));

    // A plan that fails on the name: the error names it, hidden.
    let missing = Project::with_main(&SENSITIVE_MANIFEST.replace("-plan\"", "-gone\""));
    let mut cmd = missing.decom(&["plan", "."]);
    sim.env(&mut cmd);
    let failed = cmd.env("DECOM_VAR_token", SENSITIVE).output().unwrap();
    assert_eq!(failed.status.code(), Some(1));
    assert!(
        stderr(&failed).contains("(sensitive)-gone"),
        "{}",
        stderr(&failed)
    );

    let mut outputs: Vec<(String, String)> = runs
        .iter()
        .chain([("failed plan", failed)].iter())
        .flat_map(|(what, out)| {
            [
                (format!("{what} stdout"), stdout(out)),
                (format!("{what} stderr"), stderr(out)),
            ]
        })
        .collect();
    for file in ["plan.bin", ".decom/journal.jsonl"] {
        outputs.push((
            file.into(),
            std::fs::read_to_string(p.path().join(file)).unwrap(),
        ));
    }
    for (what, text) in outputs {
        assert!(
            !text.contains(SENSITIVE),
            "{what} shows the sensitive value:\n{text}"
        );
    }
}

#[test]
fn a_connector_still_in_use_just_after_its_service_went_is_retried() {
    // AWS's eventual consistency: for 2 minutes (scaled: 120 ms) after a
    // service is DELETED, deleting its connector is refused as "in use".
    let sim = TestSim::with_config(SimConfig {
        time_scale: 0.001,
        connector_in_use_lag: Duration::from_secs(120),
        initial_state: Some(SimState {
            resources: quickstart_seed(),
        }),
        ..SimConfig::default()
    });
    let p = quickstart_project();
    let out = run(&sim, &p, &["apply", ".", "--auto-approve", FAST]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}\n{}",
        stdout(&out),
        stderr(&out)
    );
    let text = stdout(&out);
    assert!(text.contains("aws_apprunner_vpc_connector.shared: Retrying after: DeleteVpcConnector in us-east-1: InvalidRequestException"), "{text}");
    assert!(
        text.contains(
            "Apply complete: 6 deleted, 2 deleted with their parent, 0 failed, 0 skipped."
        ),
        "{text}"
    );
}

/// As Terraform: `apply PATH --json` has no plan for a person to read and
/// no prompt, so it is refused unless approved another way; nothing is
/// read or deleted.
#[test]
fn apply_json_on_a_manifest_needs_auto_approve_or_a_saved_plan() {
    let sim = TestSim::start(quickstart_seed());
    let p = quickstart_project();
    let out = run(&sim, &p, &["apply", ".", "--json", FAST]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(
        stderr(&out).contains("apply --json cannot ask for approval"),
        "{}",
        stderr(&out)
    );
    assert!(stdout(&out).is_empty(), "{}", stdout(&out));
    assert!(sim.audit().is_empty(), "no request at all");

    let approved = run(&sim, &p, &["apply", ".", "--json", "--auto-approve", FAST]);
    assert_eq!(approved.status.code(), Some(0), "{}", stderr(&approved));
}

/// A connection and the virtual interface on it: the connection's delete
/// starts only once the interface is confirmed gone.
fn dx_chain() -> (Project, Vec<SeedResource>) {
    let mut connection = SeedResource::new(Sim::DxConnection, "dx-0");
    connection.id = Some("dxcon-00000000".into());
    let mut vif = SeedResource::new(Sim::DxVirtualInterface, "vif-0");
    vif.connection_id = connection.id.clone();
    let p = Project::with_main(
        r#"provider "aws" {
  region = "us-east-1"
}

resource "aws_dx_connection" "x" {
  name = "dx-0"
}

resource "aws_dx_virtual_interface" "v" {
  name          = "vif-0"
  connection_id = aws_dx_connection.x.id
}
"#,
    );
    (p, vec![connection, vif])
}

const PRLIMIT: &str = "/usr/bin/prlimit";

/// `decom apply . --auto-approve ARGS` with writes past `bytes` in any
/// file failing (EFBIG: SIGXFSZ ignored, and exec keeps it ignored), as
/// on a full disk.
fn apply_with_file_size_limit(
    p: &Project,
    sim: &TestSim,
    bytes: usize,
    args: &[&str],
) -> std::process::Output {
    let limit = format!("--fsize={bytes}");
    let wrapper = [
        "sh",
        "-c",
        r#"trap "" XFSZ; exec "$@""#,
        "sh",
        PRLIMIT,
        &limit,
        "--",
    ];
    finish_within(
        apply_behind(p, sim, &wrapper, args),
        Duration::from_secs(60),
    )
}

/// `WRAPPER... decom apply . --auto-approve ARGS` started in `p` with
/// only `sim`'s environment, its output piped.
fn apply_behind(
    p: &Project,
    sim: &TestSim,
    wrapper: &[&str],
    args: &[&str],
) -> std::process::Child {
    std::process::Command::new(wrapper[0])
        .current_dir(p.path())
        .args(&wrapper[1..])
        .arg(assert_cmd::cargo::cargo_bin("decom"))
        .args(["apply", ".", "--auto-approve", FAST])
        .args(args)
        .env_clear()
        .env("NO_COLOR", "1")
        .envs(sim.env_vars())
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap()
}

/// A lock whose text cannot be written (a full disk) is removed, not
/// left: an empty lock holds off every apply for a minute ("another apply
/// may be starting").
#[test]
fn a_lock_that_cannot_be_written_is_not_left_behind() {
    if !std::path::Path::new(PRLIMIT).exists() {
        eprintln!("skipping: prlimit (util-linux) is not installed");
        return;
    }
    let (p, seed) = dx_chain();
    let sim = TestSim::start(seed);
    let out = apply_with_file_size_limit(&p, &sim, 10, &[]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("cannot take the lock"), "{err}");
    assert!(!p.path().join(".decom/lock").exists(), "the lock was left");
    assert!(deletes(&sim.audit()).is_empty());
    succeeded(&run(&sim, &p, &["apply", ".", "--auto-approve", FAST]));
}

const STRACE: &str = "/usr/bin/strace";

/// A wrapper that runs a command with each `syscall` held 3 s under
/// strace (writing the command's pid to `decom.pid` first), or `None`
/// where strace is missing or cannot trace here.
fn delaying(syscall: &str) -> Option<Vec<String>> {
    let usable = std::process::Command::new(STRACE)
        .args(["-o", "/dev/null", "true"])
        .status()
        .is_ok_and(|s| s.success());
    if !usable {
        eprintln!("skipping: strace is not installed or cannot trace here");
        return None;
    }
    let args = [
        STRACE,
        "-f",
        "-qq",
        "-o",
        "/dev/null",
        "-e",
        &format!("trace={syscall}"),
        "-e",
        &format!("inject={syscall}:delay_enter=3000000"),
        "--",
        "/bin/sh",
        "-c",
        r#"echo $$ > decom.pid; exec "$@""#,
        "sh",
    ];
    Some(args.iter().map(|a| a.to_string()).collect())
}

/// SIGTERM to the process whose pid `delaying`'s wrapper wrote in `dir`.
fn terminate_traced(dir: &std::path::Path) {
    let pid = std::fs::read_to_string(dir.join("decom.pid")).unwrap();
    let sent = std::process::Command::new("kill")
        .args(["-TERM", pid.trim()])
        .status()
        .unwrap();
    assert!(sent.success());
}

/// SIGTERM after the lock file is created and before this apply is
/// written into it (a window of microseconds, held open here by delaying
/// the `flock` between the two for 3 s under strace) releases the lock:
/// an empty lock left behind would refuse every apply for a minute.
#[cfg(target_os = "linux")]
#[test]
fn a_signal_while_the_lock_is_being_taken_leaves_no_lock() {
    let Some(traced) = delaying("flock") else {
        return;
    };
    let traced: Vec<&str> = traced.iter().map(String::as_str).collect();
    let (p, seed) = dx_chain();
    let sim = TestSim::start(seed);
    let child = apply_behind(&p, &sim, &traced, &[]);
    let lock = p.path().join(".decom/lock");
    wait_until("the apply creates its lock file", || lock.exists());
    terminate_traced(p.path());
    let out = finish_within(child, Duration::from_secs(60));
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(143), "{err}");
    assert!(err.contains("stopped; nothing was deleted"), "{err}");
    assert!(!lock.exists(), "the lock was left");
    assert!(sim.mutating_requests().is_empty(), "{err}");
}

/// SIGTERM while `plan --out` moves its finished temporary file into
/// place (the `renameat` held 3 s under strace): the plan file is written
/// whole, no temporary file is left, and the process exits as the signal
/// says (143).
#[cfg(target_os = "linux")]
#[test]
fn a_signal_while_the_plan_file_is_written_leaves_it_whole_and_no_temporary_file() {
    let Some(traced) = delaying("renameat") else {
        return;
    };
    let (p, _) = dx_chain();
    let child = std::process::Command::new(&traced[0])
        .current_dir(p.path())
        .args(&traced[1..])
        .arg(assert_cmd::cargo::cargo_bin("decom"))
        .args(["plan", "--sandbox", ".", "--out", "plan.bin"])
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let temporary = || {
        std::fs::read_dir(p.path())
            .unwrap()
            .flatten()
            .any(|e| e.file_name().to_string_lossy().starts_with(".decom-plan-"))
    };
    wait_until("plan --out writes its temporary file", temporary);
    terminate_traced(p.path());
    let out = finish_within(child, Duration::from_secs(60));
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(143), "{err}");
    assert!(err.contains("stopped; nothing was deleted"), "{err}");
    assert!(!temporary(), "a temporary plan file was left");
    let shown = p.decom(&["show", "plan.bin"]).output().unwrap();
    assert_eq!(shown.status.code(), Some(0), "{}", stderr(&shown));
}

/// A journal that stops taking writes mid-apply (a full disk; here a
/// file-size limit just past its first line) stops new deletions as a
/// closed stdout does, and the apply fails: a teardown its audit trail
/// misses is never reported done.
#[cfg(target_os = "linux")]
#[test]
fn a_journal_that_cannot_be_written_stops_new_deletions_and_fails_the_apply() {
    if !std::path::Path::new(PRLIMIT).exists() {
        eprintln!("skipping: prlimit (util-linux) is not installed");
        return;
    }
    let journal_of = |p: &Project| std::fs::read_to_string(p.path().join(".decom/journal.jsonl"));
    // The length of the first line (`apply_started`), from the same apply
    // of the same estate run without a limit.
    let (p, seed) = dx_chain();
    let sim = TestSim::start(seed);
    succeeded(&run(&sim, &p, &["apply", ".", "--auto-approve", FAST]));
    let first_line = journal_of(&p).unwrap().lines().next().unwrap().len() + 1;

    let (p, seed) = dx_chain();
    let sim = TestSim::start(seed);
    // Room for the first line and a little more (its time may be a few
    // digits longer), not for an event's.
    let out = apply_with_file_size_limit(&p, &sim, first_line + 40, &["--json"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}\n{}", stdout(&out));
    assert!(err.contains("cannot write the journal"), "{err}");
    assert!(err.contains("no new deletions start"), "{err}");
    // The machine-readable summary says so too, not only stderr.
    let summary: serde_json::Value =
        serde_json::from_str(stdout(&out).lines().last().unwrap()).unwrap();
    assert_eq!(summary["event"], "summary", "{summary}");
    let why = summary["journal_error"].as_str().unwrap_or_default();
    assert!(why.contains("too large"), "{summary}");
    let journal = journal_of(&p).unwrap();
    assert!(
        journal.starts_with('{') && journal.contains("apply_started"),
        "{journal}"
    );
    let audit = sim.audit();
    let sent = deletes(&audit);
    assert!(
        !sent.iter().any(|e| e.operation == "DeleteConnection"),
        "the connection's delete began after the journal failed: {sent:?}\n{err}"
    );
}
