//! `decom plan --out` as a real process against the simulator, at 100,
//! 1,000 and 10,000 resources of DESIGN section 9's mix: wall time, API
//! calls (from the simulator's audit) and the peak RSS of decom.
//!
//! Run: `cargo bench --bench plan_refresh` (or `scripts/bench.sh` for every
//! row). The minimum refresh for 1,000 is 1,535 calls: one GetCallerIdentity, 17 list pages per
//! region, 200 DescribeService, 100 DescribeVpcIngressConnection, and 4
//! lists per planned Supply Chain instance for its cascades (namespaces,
//! flows, the datasets of `asc` and `default`). Targets at 10,000: < 2 s,
//! < 150 MB.

use std::path::Path;

use decom_sim::SimConfig;
use decom_workload::{apprunner_estate_minimum_refresh, AuditSummary, Stage, Workload};

fn main() -> Result<(), String> {
    // decom is measured through a fresh copy of this binary: see measure.
    decom_workload::measure::serve_as_intermediate();
    let decom = Path::new(env!("CARGO_BIN_EXE_decom"));
    for n in [100usize, 1_000, 10_000] {
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let workload = Workload::design_mix(n, false);
        let stage = Stage::start(decom, &workload, SimConfig::default(), dir.path())?;
        // Best of three for the wall time; calls and RSS are the same each time.
        let runs = (0..3)
            .map(|_| stage.decom_ok(&["plan", ".", "--out", "plan.bin"]))
            .collect::<Result<Vec<_>, _>>()?;
        let calls = AuditSummary::of(&stage.audit()).calls / runs.len();
        let wall = runs.iter().map(|m| m.wall).min().unwrap_or_default();
        let rss = runs.iter().map(|m| m.peak_rss_mib()).fold(0.0, f64::max);
        let target = match n {
            1_000 => "the minimum, 1,535 calls",
            10_000 => "< 2 s, < 150 MB",
            _ => "—",
        };
        println!(
            "| `decom plan --out`, {n} resources: wall (best of 3) / API calls / peak RSS | {target} | {:.2} s / {calls} / {rss:.0} MB |",
            wall.as_secs_f64()
        );
    }
    protect_tags_row(decom)?;
    apprunner_estate_row(decom)
}

/// The second mix: whole App Runner applications (configurations,
/// connections, custom domains listed per service), against the minimum
/// its APIs allow.
fn apprunner_estate_row(decom: &Path) -> Result<(), String> {
    const N: usize = 1_000;
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let workload = Workload::apprunner_estate_mix(N);
    let stage = Stage::start(decom, &workload, SimConfig::default(), dir.path())?;
    let run = stage.decom_ok(&["plan", ".", "--out", "plan.bin"])?;
    if !run.stdout.contains(&format!("{N} to delete")) {
        return Err(format!(
            "the estate plan does not delete all {N}:\n{}",
            run.stdout
        ));
    }
    let summary = AuditSummary::of(&stage.audit());
    println!(
        "| `decom plan --out`, App Runner estate mix of {N} (configurations, connections, custom domains): wall / API calls (minimum) | the minimum | {:.2} s / {} ({}): {} |",
        run.wall.as_secs_f64(),
        summary.calls,
        apprunner_estate_minimum_refresh(N),
        summary.operations_line()
    );
    Ok(())
}

/// The price of `protect_tags`: the same 1,000-resource plan with a
/// protected tag on every provider reads the planned resources' tags
/// (ListTagsForResource each for App Runner and Supply Chain, DescribeTags
/// per 20 for Direct Connect), and nothing else more.
fn protect_tags_row(decom: &Path) -> Result<(), String> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let mut workload = Workload::design_mix(1_000, false);
    workload.manifest = workload.manifest.replace(
        "provider \"aws\" {\n",
        "provider \"aws\" {\n  protect_tags = { keep = \"yes\" }\n",
    );
    let stage = Stage::start(decom, &workload, SimConfig::default(), dir.path())?;
    let run = stage.decom_ok(&["plan", ".", "--out", "plan.bin"])?;
    let summary = AuditSummary::of(&stage.audit());
    let op = |name: &str| summary.by_operation.get(name).copied().unwrap_or(0);
    let tag_reads = op("ListTagsForResource") + op("DescribeTags");
    println!(
        "| `decom plan --out`, 1000 resources, `protect_tags` on every provider: wall / API calls (of which tag reads) | tag reads only for planned resources, DX batched by 20 | {:.2} s / {} ({tag_reads}: {} ListTagsForResource, {} DescribeTags) |",
        run.wall.as_secs_f64(),
        summary.calls,
        op("ListTagsForResource"),
        op("DescribeTags"),
    );
    Ok(())
}
