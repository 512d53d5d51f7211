//! `decom-sim`: an AWS-compatible simulator of App Runner, Direct Connect and
//! Supply Chain (and of the STS calls that say who is calling) that speaks
//! the real wire protocols, so the real `aws-sdk-*` clients, boto3 and the
//! AWS CLI work against it unchanged.
//!
//! One HTTP port serves all of them:
//! - App Runner: awsJson1_0 (`X-Amz-Target: AppRunner.<Op>`),
//! - Direct Connect: awsJson1_1 (`X-Amz-Target: OvertureService.<Op>`) and
//!   smithy-rpc-v2-cbor (`POST /service/OvertureService/operation/<Op>`, listed first in its model),
//! - Supply Chain: restJson1 (routes from the model's `http` traits),
//! - STS: awsQuery (`GetCallerIdentity`, `AssumeRole`; signing name `sts`).
//!
//! The region comes from the SigV4 credential scope (signatures are not
//! checked) and the account from its access key: the server's own keys act
//! in [`SimConfig::account_id`], `AssumeRole` session keys in the role's
//! account until they expire. State is partitioned by account and region. Resources follow the state machines of
//! the real services with latencies scaled by [`SimConfig::time_scale`],
//! evaluated lazily on access; AWS's refusals (deleting a service with an
//! AVAILABLE ingress connection, a connector in use, a connection with
//! virtual interfaces, anything in a transitional state) come with the real
//! error codes. Every request is validated against the operation's input shape
//! of the embedded botocore models ([`model`]). Throttling and fault injection
//! are deterministic under a seed; every request is audited ([`AuditEntry`]).
//!
//! Embedding (tests, `decom plan --sandbox`):
//!
//! ```no_run
//! # async fn demo() -> Result<(), decom_sim::SimError> {
//! use decom_sim::{ResourceType, SeedResource, Sim, SimConfig, SimState};
//! let sim = Sim::start(SimConfig {
//!     time_scale: 0.001,
//!     initial_state: Some(SimState {
//!         resources: vec![SeedResource::new(ResourceType::AppRunnerService, "web")],
//!     }),
//!     ..SimConfig::default()
//! })
//! .await?;
//! let endpoint = sim.endpoint_url(); // give to the SDK clients
//! # let _ = endpoint;
//! sim.shutdown().await;
//! # Ok(()) }
//! ```
//!
//! Without a network, [`OfflineSim`] answers requests handed in as values,
//! through the same request path (used by the fuzz targets).
//!
//! The `decom sim` command is [`run_cli`] with [`SimArgs`].

mod accounts;
mod audit;
mod cbor;
mod cli;
mod clock;
mod config;
mod faults;
/// The `sim_request` fuzz target's input format and entry point (not API).
#[doc(hidden)]
pub mod fuzzing;
mod ids;
pub mod model;
mod protocol;
mod query;
mod scope;
mod server;
mod services;
mod state_file;
mod store;
mod sts;

pub use audit::{AuditEntry, RecordedResponse};
pub use cli::{run_cli, SimArgs};
pub use config::{Latencies, SimConfig};
pub use protocol::{ApiError, ServiceKind};
pub use scope::DEFAULT_REGION;
pub use server::{OfflineResponse, OfflineSim, Sim, SimError, SimHandle};
pub use state_file::{ResourceType, SeedResource, SimState};
