//! Configuration of an embedded simulator ([`SimConfig`]) and the per-type
//! state-machine latencies ([`Latencies`]).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use crate::state_file::SimState;

/// Realistic durations of the transitional states, before `time_scale` is applied.
///
/// Each field is the time a resource spends in its transitional state at
/// `time_scale = 1.0`; the simulator multiplies it by [`SimConfig::time_scale`].
/// VPC connectors have no transitional states (create and delete are immediate).
#[derive(Debug, Clone, PartialEq)]
pub struct Latencies {
    /// App Runner service: `OPERATION_IN_PROGRESS` → `RUNNING` (default 3 min).
    pub service_create: Duration,
    /// App Runner service: `OPERATION_IN_PROGRESS` → `DELETED` (default 2 min).
    pub service_delete: Duration,
    /// VPC ingress connection: `PENDING_CREATION` → `AVAILABLE` (default 1 min).
    pub ingress_create: Duration,
    /// VPC ingress connection: `PENDING_DELETION` → `DELETED` (default 1 min).
    pub ingress_delete: Duration,
    /// DX connection: `requested` → `available` (default 10 s).
    pub dx_connection_create: Duration,
    /// DX connection: `deleting` → `deleted` (default 30 s).
    pub dx_connection_delete: Duration,
    /// DX private virtual interface: `pending` → `available` (default 1 min).
    pub vif_create: Duration,
    /// DX private virtual interface: `deleting` → `deleted` (default 1 min).
    pub vif_delete: Duration,
    /// Supply Chain instance: `Initializing` → `Active` (default 5 min).
    pub instance_create: Duration,
    /// Supply Chain instance: `Deleting` → `Deleted` (default 5 min).
    pub instance_delete: Duration,
    /// App Runner custom domain: `CREATING` → `PENDING_CERTIFICATE_DNS_VALIDATION`
    /// and `BINDING_CERTIFICATE` → `ACTIVE` (default 1 min).
    pub custom_domain_create: Duration,
    /// App Runner custom domain: `DELETING` → absent (default 1 min).
    pub custom_domain_delete: Duration,
    /// DX LAG: `requested` → `available` (default 10 s).
    pub lag_create: Duration,
    /// DX LAG: `deleting` → `deleted` (default 30 s).
    pub lag_delete: Duration,
    /// DX gateway: `pending` → `available` (default 30 s).
    pub dx_gateway_create: Duration,
    /// DX gateway: `deleting` → `deleted` (default 1 min).
    pub dx_gateway_delete: Duration,
    /// DX gateway association: `associating` → `associated` (default 5 min).
    pub association_create: Duration,
    /// DX gateway association: `disassociating` → `disassociated` (default
    /// 15 min: AWS takes many minutes; Terraform waits up to 30).
    pub association_delete: Duration,
}

impl Default for Latencies {
    fn default() -> Self {
        let min = |m: u64| Duration::from_secs(m * 60);
        Latencies {
            service_create: min(3),
            service_delete: min(2),
            ingress_create: min(1),
            ingress_delete: min(1),
            dx_connection_create: Duration::from_secs(10),
            dx_connection_delete: Duration::from_secs(30),
            vif_create: min(1),
            vif_delete: min(1),
            instance_create: min(5),
            instance_delete: min(5),
            custom_domain_create: min(1),
            custom_domain_delete: min(1),
            lag_create: Duration::from_secs(10),
            lag_delete: Duration::from_secs(30),
            dx_gateway_create: Duration::from_secs(30),
            dx_gateway_delete: min(1),
            association_create: min(5),
            association_delete: min(15),
        }
    }
}

impl Latencies {
    /// All transitions take zero time (resources settle on the next access).
    pub fn instant() -> Self {
        Latencies {
            service_create: Duration::ZERO,
            service_delete: Duration::ZERO,
            ingress_create: Duration::ZERO,
            ingress_delete: Duration::ZERO,
            dx_connection_create: Duration::ZERO,
            dx_connection_delete: Duration::ZERO,
            vif_create: Duration::ZERO,
            vif_delete: Duration::ZERO,
            instance_create: Duration::ZERO,
            instance_delete: Duration::ZERO,
            custom_domain_create: Duration::ZERO,
            custom_domain_delete: Duration::ZERO,
            lag_create: Duration::ZERO,
            lag_delete: Duration::ZERO,
            dx_gateway_create: Duration::ZERO,
            dx_gateway_delete: Duration::ZERO,
            association_create: Duration::ZERO,
            association_delete: Duration::ZERO,
        }
    }
}

/// Configuration of a simulator started with [`crate::Sim::start`].
///
/// `SimConfig::default()` is a quiet simulator on `127.0.0.1:0` with realistic
/// latencies (`time_scale = 1.0`), no throttling, no faults, seed 0.
#[derive(Debug, Clone)]
pub struct SimConfig {
    /// Address to bind (port 0 picks a free port). Default `127.0.0.1:0`.
    pub listen: SocketAddr,
    /// The account the server's own access keys act in (any key that is not
    /// a session key from `AssumeRole`), and the default account of seeded
    /// resources. Default `123456789012`.
    pub account_id: String,
    /// Multiplier applied to every latency, the tombstone TTL and the
    /// connector in-use lag (1.0 = realistic, 0.001 = a minute takes 60 ms).
    pub time_scale: f64,
    /// Per-type transition latencies (scaled by `time_scale`).
    pub latencies: Latencies,
    /// How long deleted resources stay visible in their terminal state before
    /// they are not found (scaled by `time_scale`). Default 5 min.
    pub tombstone_ttl: Duration,
    /// Eventual-consistency lag: for this long after a service reached
    /// `DELETED`, `DeleteVpcConnector` on its connector still says the connector
    /// is in use (scaled by `time_scale`). Default 0.
    pub connector_in_use_lag: Duration,
    /// Requests per second allowed per (account, region, service) (token
    /// bucket, burst = rate).
    /// `None` = unlimited.
    pub throttle_rps: Option<f64>,
    /// Share (0.0–1.0) of requests answered with a server fault.
    pub fault_rate: f64,
    /// Share (0.0–1.0) of the faulted requests whose connection is dropped
    /// without a response instead of answered 500. Default 0.25.
    pub fault_drop_share: f64,
    /// Share (0.0–1.0) of the dropped requests carried out before their
    /// connection is dropped: the answer is lost, not the change (audited
    /// with its status and the error `AnswerDropped`). Default 0.
    pub fault_commit_share: f64,
    /// Seed of the id generator and the fault sequence.
    pub seed: u64,
    /// Append one JSON line per request to this file.
    pub audit_log: Option<PathBuf>,
    /// Resources to load at start.
    pub initial_state: Option<SimState>,
    /// Keep every response body in memory (see [`crate::SimHandle::responses`]).
    pub record_responses: bool,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            account_id: "123456789012".into(),
            time_scale: 1.0,
            latencies: Latencies::default(),
            tombstone_ttl: Duration::from_secs(300),
            connector_in_use_lag: Duration::ZERO,
            throttle_rps: None,
            fault_rate: 0.0,
            fault_drop_share: 0.25,
            fault_commit_share: 0.0,
            seed: 0,
            audit_log: None,
            initial_state: None,
            record_responses: false,
        }
    }
}

/// A realistic duration in milliseconds of the simulator's clock at `time_scale`.
pub(crate) fn scale_ms(d: Duration, time_scale: f64) -> u64 {
    let ms = d.as_secs_f64() * time_scale * 1000.0;
    if ms.is_finite() && ms > 0.0 {
        ms.round() as u64
    } else {
        0
    }
}

impl SimConfig {
    /// Converts a realistic duration to scaled milliseconds.
    pub(crate) fn scaled_ms(&self, d: Duration) -> u64 {
        scale_ms(d, self.time_scale)
    }

    /// Checks the values a user can get wrong.
    pub(crate) fn validate(&self) -> Result<(), String> {
        if !(self.time_scale.is_finite() && self.time_scale > 0.0) {
            return Err(format!(
                "time scale must be a positive number, got {}",
                self.time_scale
            ));
        }
        if !(0.0..=1.0).contains(&self.fault_rate) {
            return Err(format!(
                "fault rate must be between 0 and 1, got {}",
                self.fault_rate
            ));
        }
        if !(0.0..=1.0).contains(&self.fault_drop_share) {
            return Err(format!(
                "fault drop share must be between 0 and 1, got {}",
                self.fault_drop_share
            ));
        }
        if !(0.0..=1.0).contains(&self.fault_commit_share) {
            return Err(format!(
                "fault commit share must be between 0 and 1, got {}",
                self.fault_commit_share
            ));
        }
        if let Some(rps) = self.throttle_rps {
            if !(rps.is_finite() && rps > 0.0) {
                return Err(format!("throttle rps must be a positive number, got {rps}"));
            }
        }
        if !crate::store::is_account_id(&self.account_id) {
            return Err(format!(
                "account id must be 12 digits, got '{}'",
                self.account_id
            ));
        }
        Ok(())
    }
}
