//! `decom sim`: the flags ([`SimArgs`]) and the blocking entry point ([`run_cli`]).

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use crate::config::SimConfig;
use crate::server::Sim;
use crate::state_file::SimState;

/// Flags of `decom sim`.
#[derive(Debug, Clone, clap::Args)]
pub struct SimArgs {
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, default_value = "127.0.0.1:4566", value_name = "ADDR")]
    pub listen: SocketAddr,

    /// Load resources from this JSON file at start (see docs/simulator.md).
    #[arg(long, value_name = "FILE")]
    pub state: Option<PathBuf>,

    /// Multiply every latency by this factor (1.0 = realistic minutes, 0.001 = a minute takes 60 ms).
    #[arg(long, default_value_t = 1.0, value_name = "X")]
    pub time_scale: f64,

    /// Append one JSON line per request to this file.
    #[arg(long, value_name = "FILE")]
    pub audit_log: Option<PathBuf>,

    /// Allow this many requests per second per (account, region, service) (token bucket, burst N); excess gets ThrottlingException.
    #[arg(long, value_name = "N")]
    pub throttle_rps: Option<f64>,

    /// Share (0..1) of requests answered with a 500 or a dropped connection.
    #[arg(long, default_value_t = 0.0, value_name = "P")]
    pub fault_rate: f64,

    /// Share (0..1) of the faulted requests whose connection is dropped instead of answered 500.
    #[arg(long, default_value_t = 0.25, value_name = "P")]
    pub fault_drop_share: f64,

    /// Share (0..1) of the dropped requests carried out before the drop: the answer is lost, not the change.
    #[arg(long, default_value_t = 0.0, value_name = "P")]
    pub fault_commit_share: f64,

    /// Seed of generated ids and of the fault sequence.
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub seed: u64,

    /// Account the server's own access keys act in (and of --state entries that name none).
    #[arg(long, default_value = "123456789012", value_name = "ID")]
    pub account_id: String,

    /// Seconds (before --time-scale) deleted resources stay visible in their terminal state.
    #[arg(long, default_value_t = 300.0, value_name = "SECONDS")]
    pub tombstone_ttl: f64,

    /// Seconds (before --time-scale) a VPC connector still counts as in use after its service reached DELETED.
    #[arg(long, default_value_t = 0.0, value_name = "SECONDS")]
    pub connector_in_use_lag: f64,
}

fn seconds(name: &str, v: f64) -> Result<Duration, String> {
    Duration::try_from_secs_f64(v)
        .map_err(|_| format!("--{name} must be a non-negative number of seconds, got {v}"))
}

impl SimArgs {
    /// The embedded-simulator configuration these flags describe.
    pub fn to_config(&self) -> Result<SimConfig, String> {
        let initial_state = match &self.state {
            Some(p) => Some(SimState::load(p)?),
            None => None,
        };
        Ok(SimConfig {
            listen: self.listen,
            account_id: self.account_id.clone(),
            time_scale: self.time_scale,
            tombstone_ttl: seconds("tombstone-ttl", self.tombstone_ttl)?,
            connector_in_use_lag: seconds("connector-in-use-lag", self.connector_in_use_lag)?,
            throttle_rps: self.throttle_rps,
            fault_rate: self.fault_rate,
            fault_drop_share: self.fault_drop_share,
            fault_commit_share: self.fault_commit_share,
            seed: self.seed,
            audit_log: self.audit_log.clone(),
            initial_state,
            ..SimConfig::default()
        })
    }
}

/// Runs `decom sim` until SIGINT/SIGTERM. Prints
/// `decom sim listening on http://127.0.0.1:PORT` as the first stdout line.
/// The error, if it could not start, is for the caller to print (it may
/// quote a path or a seed's id: the caller's console escapes it).
pub fn run_cli(args: SimArgs) -> Result<(), String> {
    let config = args.to_config()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))?;
    runtime.block_on(async move {
        let handle = Sim::start(config).await.map_err(|e| e.to_string())?;
        {
            let mut out = std::io::stdout().lock();
            writeln!(out, "decom sim listening on {}", handle.endpoint_url())
                .and_then(|()| out.flush())
                .map_err(|e| format!("cannot write to stdout: {e}"))?;
        }
        wait_for_signal().await?;
        handle.shutdown().await;
        Ok(())
    })
}

#[cfg(unix)]
async fn wait_for_signal() -> Result<(), String> {
    use tokio::signal::unix::{signal, SignalKind};
    let mut term =
        signal(SignalKind::terminate()).map_err(|e| format!("cannot listen for SIGTERM: {e}"))?;
    tokio::select! {
        r = tokio::signal::ctrl_c() => r.map_err(|e| format!("cannot listen for SIGINT: {e}")),
        _ = term.recv() => Ok(()),
    }
}

#[cfg(not(unix))]
async fn wait_for_signal() -> Result<(), String> {
    tokio::signal::ctrl_c()
        .await
        .map_err(|e| format!("cannot listen for Ctrl-C: {e}"))
}
