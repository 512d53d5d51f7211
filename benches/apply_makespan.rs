//! `decom apply PLANFILE` as a real process at 1,000 resources of DESIGN
//! section 9's mix, under a 20 req/s throttle per service and the realistic
//! latency profile at time-scale 0.001: the deletion makespan against its
//! lower bound, and API calls per deleted resource.
//!
//! The lower bound is max(critical path of delete latencies, the deletes
//! of the busiest throttle bucket / its rate). The simulator throttles per
//! service, so "N / allowed rate" is taken per bucket: App Runner's 400
//! deletes at 20 req/s need 20 s whatever the schedule (the aggregate
//! 1,000 / 60 req/s = 16.7 s could not be reached). Target: <= 1.15x.
//!
//! Run: `cargo bench --bench apply_makespan` (or `scripts/bench.sh`).

use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;

use decom_sim::{Latencies, ServiceKind, SimConfig};
use decom_workload::{AuditSummary, Stage, Workload};

const RESOURCES: usize = 1_000;
const THROTTLE_RPS: f64 = 20.0;
const TIME_SCALE: f64 = 0.001;

fn main() -> Result<(), String> {
    let decom = Path::new(env!("CARGO_BIN_EXE_decom"));
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let workload = Workload::design_mix(RESOURCES, false);
    let config = SimConfig {
        time_scale: TIME_SCALE,
        throttle_rps: Some(THROTTLE_RPS),
        // BENCH_AUDIT_LOG=FILE keeps the simulator's audit log for study.
        audit_log: std::env::var_os("BENCH_AUDIT_LOG").map(Into::into),
        ..SimConfig::default()
    };
    let latencies = config.latencies.clone();
    let stage = Stage::start(decom, &workload, config, dir.path())?;
    stage.decom_ok(&["plan", ".", "--out", "plan.bin"])?;
    let before_apply = stage.audit().len();
    let apply = stage.decom_ok(&["apply", "plan.bin"])?;
    let audit = stage.audit();
    let applied = AuditSummary::of(&audit[before_apply..]);

    let left = stage.live();
    if applied.deleted.len() != RESOURCES || !left.is_empty() {
        return Err(format!(
            "apply did not delete everything: {} deleted, left: {left:?}",
            applied.deleted.len()
        ));
    }
    let makespan = applied.deletion_phase.unwrap_or_default();
    let bound = critical_path(&latencies).max(busiest_bucket(&workload));
    let first_delete = audit[before_apply..]
        .iter()
        .position(|e| e.operation.starts_with("Delete"))
        .unwrap_or(0);
    let deletion = AuditSummary::of(&audit[before_apply + first_delete..]);
    eprintln!(
        "apply: wall {:.1} s, peak RSS {:.0} MB; deletion phase {:.2} s, bound {:.2} s; \
         apply calls {} ({} throttled, {} faulted): {}",
        apply.wall.as_secs_f64(),
        apply.peak_rss_mib(),
        makespan.as_secs_f64(),
        bound.as_secs_f64(),
        applied.calls,
        applied.throttled,
        applied.faulted,
        applied.operations_line()
    );
    println!(
        "| apply makespan at {RESOURCES} (deletion phase / lower bound; {THROTTLE_RPS} req/s throttle per service, time-scale {TIME_SCALE}) | <= 1.15x | {:.2}x ({:.2} s / {:.2} s) |",
        makespan.as_secs_f64() / bound.as_secs_f64(),
        makespan.as_secs_f64(),
        bound.as_secs_f64()
    );
    let per = |calls: usize| calls as f64 / RESOURCES as f64;
    println!(
        "| API calls per deleted resource at {RESOURCES}: deletion phase / whole apply (refresh included), throttled answers included | <= 3 | {:.2} / {:.2} |",
        per(deletion.calls),
        per(applied.calls)
    );
    Ok(())
}

/// The longest chain of delete latencies in the mix: ingress connection,
/// then its service, then the (instant) connector; VIF, then connection;
/// a Supply Chain instance alone.
fn critical_path(l: &Latencies) -> Duration {
    [
        l.ingress_delete + l.service_delete,
        l.vif_delete + l.dx_connection_delete,
        l.instance_delete,
    ]
    .into_iter()
    .max()
    .unwrap_or_default()
    .mul_f64(TIME_SCALE)
}

/// Deletes in the throttle bucket with the most of them, at the throttle rate.
fn busiest_bucket(w: &Workload) -> Duration {
    let mut per_bucket: HashMap<ServiceKind, usize> = HashMap::new();
    for r in &w.state.resources {
        *per_bucket.entry(r.resource_type.service()).or_default() += 1;
    }
    let busiest = per_bucket.values().max().copied().unwrap_or(0);
    Duration::from_secs_f64(busiest as f64 / THROTTLE_RPS)
}
