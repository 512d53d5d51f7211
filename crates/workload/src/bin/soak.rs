//! The soak run (not part of the default tests; see scripts/soak.sh):
//! DESIGN section 9's mix at N resources across six types and two regions,
//! plus bystanders the manifest does not name, in a simulator with faults
//! and a throttle; the real `decom plan --out` then `decom apply PLANFILE`.
//! It then checks, from the simulator's audit log and final state, that
//! everything planned is gone and no bystander was touched, and prints
//! wall time, calls by operation, retries and decom's peak RSS.
//!
//! Usage: decom-soak DECOM_BINARY [RESOURCES] [FAULT_RATE] [THROTTLE_RPS]

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::ExitCode;

use decom_sim::SimConfig;
use decom_workload::{AuditSummary, Necessary, Stage, Workload};

struct Settings {
    decom: PathBuf,
    resources: usize,
    fault_rate: f64,
    throttle_rps: f64,
}

fn settings() -> Result<Settings, String> {
    let mut args = std::env::args().skip(1);
    let decom = args
        .next()
        .ok_or("usage: decom-soak DECOM_BINARY [RESOURCES] [FAULT_RATE] [THROTTLE_RPS]")?;
    // Absolute: decom runs in the workload's directory.
    let decom = std::fs::canonicalize(&decom).map_err(|e| format!("{decom}: {e}"))?;
    let mut next = |name: &str, default: &str| {
        let v = args.next().unwrap_or_else(|| default.to_owned());
        v.parse::<f64>().map_err(|e| format!("{name} {v:?}: {e}"))
    };
    Ok(Settings {
        decom,
        resources: next("RESOURCES", "10000")? as usize,
        fault_rate: next("FAULT_RATE", "0.05")?,
        throttle_rps: next("THROTTLE_RPS", "200")?,
    })
}

fn main() -> ExitCode {
    // decom is measured through a fresh copy of this binary: see measure.
    decom_workload::measure::serve_as_intermediate();
    match settings().and_then(|s| soak(&s)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("soak FAILED: {e}");
            ExitCode::FAILURE
        }
    }
}

fn soak(s: &Settings) -> Result<(), String> {
    let dir = std::env::temp_dir().join(format!("decom-soak-{}", std::process::id()));
    let workload = Workload::design_mix(s.resources, true);
    println!(
        "soak: {} planned + {} bystanders, fault rate {}, throttle {} req/s per (account, region, service), in {}",
        workload.planned.len(),
        workload.bystanders.len(),
        s.fault_rate,
        s.throttle_rps,
        dir.display()
    );
    let config = SimConfig {
        time_scale: 0.001,
        throttle_rps: Some(s.throttle_rps),
        fault_rate: s.fault_rate,
        seed: 6,
        audit_log: Some(dir.join("audit.jsonl")),
        ..SimConfig::default()
    };
    let account = config.account_id.clone();
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let stage = Stage::start(&s.decom, &workload, config, &dir)?;

    let plan = stage.decom_ok(&["plan", ".", "--out", "plan.bin"])?;
    let after_plan = stage.audit().len();
    let apply = stage.decom_ok(&["apply", "plan.bin"])?;
    let audit = stage.audit();
    let planning = AuditSummary::of(&audit[..after_plan]);
    let applying = AuditSummary::of(&audit[after_plan..]);

    for (phase, m, a) in [("plan", &plan, &planning), ("apply", &apply, &applying)] {
        println!(
            "{phase}: wall {:.1} s, peak RSS {:.0} MB, {} calls ({} throttled, {} faulted or dropped, all retried)",
            m.wall.as_secs_f64(),
            m.peak_rss_mib(),
            a.calls,
            a.throttled,
            a.faulted
        );
        println!("  by operation: {}", a.operations_line());
    }
    // DESIGN section 15's lower bounds: the busiest (account, region,
    // service) bucket's necessary calls at the throttle rate.
    let planned = planned_state(&workload);
    let refresh = Necessary::answered(&audit[..after_plan]);
    let apply_needs = Necessary::apply(&audit[..after_plan], &planned, &account);
    for (phase, m, bound) in [
        ("plan", &plan, refresh.bound(s.throttle_rps)),
        ("apply", &apply, apply_needs.bound(s.throttle_rps)),
    ] {
        println!(
            "{phase}: wall / lower bound = {:.2}x ({:.1} s / {:.1} s)",
            m.wall.as_secs_f64() / bound.as_secs_f64(),
            m.wall.as_secs_f64(),
            bound.as_secs_f64()
        );
    }
    let journal = std::fs::read_to_string(dir.join(".decom/journal.jsonl")).unwrap_or_default();
    let executor_retries = journal.matches("\"event\":\"retrying\"").count();
    println!("  executor-level retries (refused deletes retried): {executor_retries}");
    check(&workload, &applying, &stage)?;
    println!(
        "soak OK: all {} planned resources deleted and gone; no request named any of the {} bystanders",
        workload.planned.len(),
        workload.bystanders.len()
    );
    Ok(())
}

/// Everything planned was deleted (a 2xx Delete* for each, and nothing of
/// it left live), and nothing else was asked to be deleted or was lost.
fn check(w: &Workload, applying: &AuditSummary, stage: &Stage) -> Result<(), String> {
    let planned: BTreeSet<&String> = w.planned.iter().collect();
    let strays: Vec<_> = applying
        .delete_targets
        .iter()
        .filter(|t| !planned.contains(t))
        .collect();
    if !strays.is_empty() {
        return Err(format!("deletes of unplanned resources: {strays:?}"));
    }
    let undeleted: Vec<_> = planned
        .iter()
        .filter(|p| !applying.deleted.contains(p.as_str()))
        .collect();
    if !undeleted.is_empty() {
        return Err(format!(
            "{} planned resources never deleted, e.g. {:?}",
            undeleted.len(),
            undeleted.first()
        ));
    }
    let live = stage.live();
    let survivors = planned.iter().filter(|p| live.contains(p.as_str())).count();
    let lost: Vec<_> = w.bystanders.iter().filter(|b| !live.contains(*b)).collect();
    if survivors > 0 || !lost.is_empty() {
        return Err(format!(
            "{survivors} planned resources still live, {} bystanders gone, e.g. {:?}",
            lost.len(),
            lost.first()
        ));
    }
    Ok(())
}

/// The live state the manifest names (bystanders are not deleted).
fn planned_state(w: &Workload) -> decom_sim::SimState {
    let planned: BTreeSet<&String> = w.planned.iter().collect();
    let mut state = w.state.clone();
    state.resources.retain(|r| {
        let identity = r.arn.as_ref().or(r.id.as_ref());
        identity.is_some_and(|i| planned.contains(i))
    });
    state
}
