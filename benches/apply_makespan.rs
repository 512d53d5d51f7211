//! `decom plan` and `decom apply PLANFILE` as real processes at 1,000
//! resources of DESIGN section 9's mix, under a 20 req/s throttle per
//! (account, region, service) and the realistic latency profile at
//! time-scale 0.001, each against the lower bound its necessary calls set
//! (DESIGN section 15, computed here by [`Necessary`]): the busiest
//! bucket's necessary calls / 20 req/s.
//!
//! Rows: whole apply (process start to exit) / its bound; plan / its
//! bound; the deletion phase / the deletes-only bound (the busiest
//! bucket's deletes, or the critical path of delete latencies if longer);
//! calls per deleted resource; throttled answers as a share of requests.
//!
//! Run: `cargo bench --bench apply_makespan` (or `scripts/bench.sh`).

use std::path::Path;
use std::time::Duration;

use decom_sim::{Latencies, SimConfig};
use decom_workload::{AuditSummary, Necessary, Stage, Workload};

const RESOURCES: usize = 1_000;
const THROTTLE_RPS: f64 = 20.0;
const TIME_SCALE: f64 = 0.001;

fn main() -> Result<(), String> {
    // decom is measured through a fresh copy of this binary: see measure.
    decom_workload::measure::serve_as_intermediate();
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
    let account = config.account_id.clone();
    let latencies = config.latencies.clone();
    let stage = Stage::start(decom, &workload, config, dir.path())?;

    let plan = stage.decom_ok(&["plan", ".", "--out", "plan.bin"])?;
    let planned = stage.audit();
    let apply = stage.decom_ok(&["apply", "plan.bin"])?;
    let audit = stage.audit();
    let applied = &audit[planned.len()..];
    let summary = AuditSummary::of(applied);
    let left = stage.live();
    if summary.deleted.len() != RESOURCES || !left.is_empty() {
        return Err(format!(
            "apply did not delete everything: {} deleted, left: {left:?}",
            summary.deleted.len()
        ));
    }

    let refresh = Necessary::answered(&planned);
    let deletes = Necessary::deletes(&workload.state, &account);
    let apply_needs = Necessary::apply(&planned, &workload.state, &account);
    let plan_bound = refresh.bound(THROTTLE_RPS);
    let apply_bound = apply_needs.bound(THROTTLE_RPS);
    let deletion_bound = critical_path(&latencies).max(deletes.bound(THROTTLE_RPS));
    let first_delete = applied
        .iter()
        .position(|e| e.operation.starts_with("Delete"))
        .unwrap_or(0);
    let deletion = AuditSummary::of(&applied[first_delete..]);
    let makespan = summary.deletion_phase.unwrap_or_default();
    let all = AuditSummary::of(&audit);
    let busiest = apply_needs
        .busiest()
        .map(|(b, n)| format!("{b}: {n} calls"))
        .unwrap_or_default();

    eprintln!(
        "plan: wall {:.1} s; apply: wall {:.1} s, peak RSS {:.0} MB, deletion phase {:.2} s; \
         busiest bucket {busiest}; apply calls {} ({} throttled, {} faulted): {}",
        plan.wall.as_secs_f64(),
        apply.wall.as_secs_f64(),
        apply.peak_rss_mib(),
        makespan.as_secs_f64(),
        summary.calls,
        summary.throttled,
        summary.faulted,
        summary.operations_line()
    );
    let ratio = |wall: Duration, bound: Duration| {
        format!(
            "{:.2}x ({:.1} s / {:.1} s)",
            wall.as_secs_f64() / bound.as_secs_f64(),
            wall.as_secs_f64(),
            bound.as_secs_f64()
        )
    };
    let at = format!(
        "{RESOURCES}, {THROTTLE_RPS} req/s per (account, region, service), time-scale {TIME_SCALE}"
    );
    println!(
        "| whole `decom apply PLANFILE` at {at}: wall / lower bound | <= 1.15x | {} |",
        ratio(apply.wall, apply_bound)
    );
    println!(
        "| `decom plan` at {at}: wall / lower bound | <= 1.15x | {} |",
        ratio(plan.wall, plan_bound)
    );
    println!(
        "| apply's deletion phase at {at}: / deletes-only bound | — | {} |",
        ratio(makespan, deletion_bound)
    );
    let per = |calls: usize| calls as f64 / RESOURCES as f64;
    println!(
        "| API calls per deleted resource at {RESOURCES}: deletion phase / whole apply (refresh included), throttled answers included | <= 3 | {:.2} / {:.2} |",
        per(deletion.calls),
        per(summary.calls)
    );
    println!(
        "| throttled answers / requests, plan and apply at {RESOURCES} | <= 2% | {:.1}% ({} / {}) |",
        100.0 * all.throttled as f64 / all.calls.max(1) as f64,
        all.throttled,
        all.calls
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
