//! `decom-workload`: the workloads and measurements behind decom's
//! benchmarks and its soak run.
//!
//! - [`Workload`]: DESIGN section 9's resource mix at any size, as a manifest
//!   and the simulator state it names (optionally with bystanders).
//! - [`measure::run`]: a real `decom` process, timed, with its peak RSS.
//! - [`Stage`]: a seeded in-process simulator to run `decom` against.
//! - [`AuditSummary`]: what the simulator saw: calls by operation, retries,
//!   deletions, the deletion window.
//! - [`Necessary`]: a run's necessary calls per throttle bucket, and the
//!   lower bound they set under `--throttle-rps`.
//!
//! Nothing here is used by `decom` itself; it exists so every figure in
//! docs/benchmarks.md and docs/reliability.md comes from one place.

pub mod audit;
pub mod bound;
pub mod measure;
mod mix;
mod stage;

use std::path::Path;
use std::process::Command;

pub use audit::AuditSummary;
pub use bound::{Bucket, Necessary};
pub use mix::{apprunner_estate_minimum_refresh, Workload, REGIONS};
pub use stage::Stage;

/// A `decom` command pointed at the simulator at `endpoint`, with test
/// credentials and no AWS config files (nothing from the user's
/// environment leaks in; `scratch` holds the empty config paths).
pub fn decom_command(decom: &Path, endpoint: &str, scratch: &Path) -> Command {
    let mut cmd = Command::new(decom);
    cmd.env("AWS_ACCESS_KEY_ID", "AKIDWORKLOAD")
        .env("AWS_SECRET_ACCESS_KEY", "workload-secret")
        .env("AWS_REGION", REGIONS[0])
        .env("AWS_ENDPOINT_URL", endpoint)
        .env("AWS_CONFIG_FILE", scratch.join("aws-config"))
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            scratch.join("aws-credentials"),
        )
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("NO_COLOR", "1")
        .env_remove("AWS_PROFILE");
    cmd
}

/// Writes `workload` as `dir/main.hcl` and `dir/state.json` (the format
/// `decom sim --state` reads).
pub fn write(workload: &Workload, dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    std::fs::write(dir.join("main.hcl"), &workload.manifest)?;
    let state = serde_json::to_string(&workload.state).map_err(std::io::Error::other)?;
    std::fs::write(dir.join("state.json"), state)
}
