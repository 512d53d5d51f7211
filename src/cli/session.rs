//! A connected session: the runtime, the cloud (real, or the sandbox
//! simulator), the default region. `plan`, `graph --live` and `apply` all
//! refresh and plan through one.

use std::collections::HashMap;
use std::sync::Arc;

use decom_aws::AwsCloud;
use decom_executor::{ApplyOptions, ApprovedPlan, Event, Summary};
use decom_graph::plan::{self as planning, PlanRequest};
use decom_parser::{Address, Diagnostics, Manifest};
use decom_sim::SimHandle;
use tokio::runtime::Runtime;

use super::cloud_args::{runtime, CloudArgs};
use super::console::{err, errln, outln};
use super::sandbox;
use super::style::Style;

/// Why a plan (or apply) could not go on.
pub enum Failure {
    Manifest(Diagnostics),
    Other(String),
}

impl Failure {
    pub fn print(&self, style: Style) {
        match self {
            Failure::Manifest(d) => err!("{}", d.render(style.stderr_color)),
            Failure::Other(message) => errln!("error: {message}"),
        }
    }
}

pub struct Session {
    rt: Runtime,
    cloud: Arc<AwsCloud>,
    sandbox: Option<SimHandle>,
    default_region: Option<String>,
}

impl Session {
    /// Connects (starting the sandbox simulator with `--sandbox`, its
    /// banner on stderr when stdout carries JSON or DOT) and checks that
    /// every profile the manifest uses has credentials.
    pub fn open(
        manifest: &Manifest,
        args: &CloudArgs,
        quiet_stdout: bool,
    ) -> Result<Session, Failure> {
        let rt = runtime().map_err(|e| Failure::Other(format!("cannot start: {e}")))?;
        let (cloud, sandbox, default_region) = rt.block_on(async {
            let sandbox = if args.sandbox {
                let sim = sandbox::start(manifest, args.region.as_deref())
                    .await
                    .map_err(Failure::Other)?;
                if quiet_stdout {
                    errln!("{}", sandbox::BANNER);
                } else {
                    outln!("{}\n", sandbox::BANNER);
                }
                Some(sim)
            } else {
                None
            };
            let cloud = args.connect(sandbox.as_ref().map(|s| s.endpoint_url()));
            let default_region = match (&args.region, &sandbox) {
                (Some(r), _) => Some(r.clone()),
                (None, Some(_)) => Some("us-east-1".to_string()),
                (None, None) => cloud.chain_region().await,
            };
            let mut profiles: Vec<Option<String>> = manifest
                .providers
                .iter()
                .map(|p| p.profile.clone().or_else(|| args.profile.clone()))
                .collect();
            profiles.push(args.profile.clone());
            profiles.sort();
            profiles.dedup();
            for profile in &profiles {
                cloud
                    .check_setup(profile)
                    .await
                    .map_err(|e| Failure::Other(e.to_string()))?;
            }
            Ok::<_, Failure>((cloud, sandbox, default_region))
        })?;
        Ok(Session {
            rt,
            cloud: Arc::new(cloud),
            sandbox,
            default_region,
        })
    }

    pub fn sandboxed(&self) -> bool {
        self.sandbox.is_some()
    }

    /// Refreshes and plans; `previously_resolved` are ids earlier runs
    /// resolved (see [`PlanRequest`]).
    pub fn plan(
        &self,
        manifest: &Manifest,
        targets: &[Address],
        previously_resolved: HashMap<Address, String>,
    ) -> Result<planning::Plan, Failure> {
        self.rt.block_on(async {
            let inventory =
                decom_aws::refresh(&self.cloud, manifest, self.default_region.as_deref())
                    .await
                    .map_err(|e| Failure::Other(format!("refresh failed: {e}")))?;
            let request = PlanRequest {
                default_region: self.default_region.clone(),
                targets: targets.to_vec(),
                previously_resolved,
            };
            planning::plan(manifest, &inventory, &request).map_err(Failure::Manifest)
        })
    }

    /// Deletes the approved plan; SIGINT stops it cleanly. Returns the
    /// summary and whether it was interrupted.
    pub fn apply(
        &self,
        approved: &ApprovedPlan,
        options: ApplyOptions,
        on_event: impl FnMut(&Event),
    ) -> (Summary, bool) {
        self.rt.block_on(async {
            let (stop, stopped) = tokio::sync::watch::channel(false);
            let watcher = tokio::spawn(async move {
                if tokio::signal::ctrl_c().await.is_ok() {
                    errln!("\nInterrupt received: no new deletions start; waiting for requests in flight...");
                    let _ = stop.send(true);
                }
            });
            let summary =
                decom_executor::apply(self.cloud.clone(), approved, options, stopped.clone(), on_event).await;
            watcher.abort();
            let interrupted = *stopped.borrow();
            (summary, interrupted)
        })
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        if let Some(sim) = self.sandbox.take() {
            self.rt.block_on(sim.shutdown());
        }
    }
}
