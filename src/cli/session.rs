//! A connected session: the runtime, the cloud (real, or the sandbox
//! simulator), the default region, and SIGINT/SIGTERM handling (see
//! `interrupt`). `plan`, `graph --live` and `apply` all refresh and plan
//! through one.

use std::sync::Arc;
use std::time::Duration;

use decom_aws::AwsCloud;
use decom_executor::{ApplyOptions, ApprovedPlan, Event, Interrupt, Summary};
use decom_parser::{Address, Diagnostics, Manifest};
use decom_plan::{self as planning, Defaults, Memory, Placements, PlanRequest, QuotaRate};
use decom_sim::SimHandle;
use tokio::runtime::Runtime;

use super::cloud_args::{runtime, CloudArgs};
use super::console::{self, err, errln, outln};
use super::interrupt;
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
    /// Where each resource of the manifest lives, worked out once.
    placements: Placements,
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
        interrupt::listen()
            .map_err(|e| Failure::Other(format!("cannot listen for signals: {e}")))?;
        let (cloud, sandbox, placements) = rt.block_on(async {
            let sandbox = if args.sandbox {
                let region = args.region.as_deref().or(Some(sandbox::REGION));
                let placements = placements_with(manifest, args, region);
                let sim = sandbox::start(manifest, &placements)
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
                (None, Some(_)) => Some(sandbox::REGION.to_string()),
                (None, None) => cloud.chain_region().await,
            };
            let mut placements = placements_with(manifest, args, default_region.as_deref());
            let mut profiles: Vec<Option<String>> = manifest
                .providers
                .iter()
                .map(|p| p.profile.clone().or_else(|| args.profile.clone()))
                .collect();
            // The chain's default only where a resource uses no declared
            // provider: a manifest whose every provider names a profile
            // needs no default credentials.
            if manifest
                .resources
                .iter()
                .any(|r| manifest.provider(&r.provider).is_none())
            {
                profiles.push(args.profile.clone());
            }
            profiles.sort();
            profiles.dedup();
            for profile in &profiles {
                cloud
                    .check_setup(profile)
                    .await
                    .map_err(|e| Failure::Other(e.to_string()))?;
            }
            identify(&cloud, manifest, &mut placements).await?;
            Ok::<_, Failure>((cloud, sandbox, placements))
        })?;
        Ok(Session {
            rt,
            cloud: Arc::new(cloud),
            sandbox,
            placements,
        })
    }

    /// What this run's throttles read of each API quota.
    pub fn quota_rates(&self) -> Vec<QuotaRate> {
        self.cloud.quota_rates()
    }

    /// Paces from the first request the quotas a saved plan read, left
    /// `idle` ago (before any request of this session).
    pub fn resume_quotas(&self, rates: &[QuotaRate], idle: Duration) {
        self.cloud.resume_quotas(rates, idle);
    }

    pub fn sandboxed(&self) -> bool {
        self.sandbox.is_some()
    }

    /// Refreshes and plans; `recall` gives what earlier runs remember
    /// (see [`PlanRequest`]), once the refresh is done: at 10,000 names
    /// it is MBs, which would count in the refresh's peak. It must give
    /// only what was known before the refresh began (a journal as far as
    /// it was written then, a plan file read before): memory says a
    /// resource is gone because the refresh did not see it.
    pub fn plan(
        &self,
        manifest: &Manifest,
        targets: &[Address],
        recall: impl FnOnce() -> Result<Memory, Failure>,
    ) -> Result<planning::Plan, Failure> {
        self.rt.block_on(async {
            let inventory = decom_aws::refresh(&self.cloud, manifest, &self.placements)
                .await
                .map_err(|e| Failure::Other(format!("refresh failed: {e}")))?;
            tracing::info!(target: "decom::phase", "refreshed");
            let request = PlanRequest {
                placements: self.placements.clone(),
                targets: targets.to_vec(),
                memory: recall()?,
            };
            let plan = planning::plan(manifest, &inventory, request).map_err(Failure::Manifest);
            tracing::info!(target: "decom::phase", "planned");
            plan
        })
    }

    /// Deletes the approved plan; SIGINT, SIGTERM or a closed stdout stop
    /// it cleanly (a second signal aborts requests in flight). Returns the
    /// summary and whether it was interrupted.
    pub fn apply(
        &self,
        approved: &ApprovedPlan,
        options: ApplyOptions,
        mut on_event: impl FnMut(&Event),
    ) -> (Summary, bool) {
        interrupt::defer();
        let stop_if_output_closed = || {
            if console::stdout_closed() {
                interrupt::output_closed();
            }
        };
        stop_if_output_closed();
        let level = interrupt::level();
        tracing::info!(target: "decom::phase", "deleting");
        let summary = self.rt.block_on(decom_executor::apply(
            self.cloud.clone(),
            approved,
            options,
            level.clone(),
            |e: &Event| {
                on_event(e);
                stop_if_output_closed();
            },
        ));
        let interrupted = *level.borrow() != Interrupt::Continue;
        (summary, interrupted)
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        if let Some(sim) = self.sandbox.take() {
            self.rt.block_on(sim.shutdown());
        }
    }
}

/// Asks STS who each provider's credentials are (once per profile and
/// role), records the accounts in the placements, and refuses, before any
/// resource call, a provider acting in an account its
/// `allowed_account_ids` / `forbidden_account_ids` refuse.
async fn identify(
    cloud: &AwsCloud,
    manifest: &Manifest,
    placements: &mut Placements,
) -> Result<(), Failure> {
    let accounts = decom_aws::caller_accounts(cloud, placements)
        .await
        .map_err(|e| {
            Failure::Other(format!(
                "cannot tell which account the credentials are for: {e}"
            ))
        })?;
    placements.set_accounts(&accounts);
    let refused = planning::check_caller_accounts(manifest, placements);
    if refused.is_empty() {
        Ok(())
    } else {
        Err(Failure::Other(refused.join("\nerror: ")))
    }
}

/// The manifest's placements with the command line's defaults.
fn placements_with(manifest: &Manifest, args: &CloudArgs, region: Option<&str>) -> Placements {
    let defaults = Defaults {
        region,
        profile: args.profile.as_deref(),
    };
    Placements::new(manifest, defaults)
}
