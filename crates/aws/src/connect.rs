//! Building SDK clients from aws-config's standard chain (environment,
//! profiles, SSO, IMDS, web identity), with decom's overrides
//! (`--endpoint-url`, `--profile`) and a provider's `assume_role`, one set
//! of clients per (profile, role, region).

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};

use aws_config::profile::ProfileFileCredentialsProvider;
use aws_config::provider_config::ProviderConfig;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};
use aws_runtime::env_config::file::{EnvConfigFileKind, EnvConfigFiles};
use tokio::sync::{OnceCell, Semaphore};

use decom_parser::{AssumeRole, ResourceType};
use decom_plan::{Principal, QuotaRate};

use crate::attempts::AttemptWatch;
use crate::endpoint::{check_configured_endpoints, check_endpoints, Origin, Timeouts};
use crate::error::CloudError;
use crate::pace::{PaceWatch, PacedRetry, Pacer};

/// How to reach AWS (or a look-alike).
#[derive(Debug, Clone, Default)]
pub struct ConnectOptions {
    /// `--endpoint-url`; else `AWS_ENDPOINT_URL*` from the chain.
    pub endpoint_url: Option<String>,
    /// `--profile`: used for providers that name none.
    pub profile: Option<String>,
    /// API requests in flight at once per service and region (`--parallelism`).
    pub parallelism: usize,
    /// Attempts per request through the SDK's standard retry (throttled
    /// attempts are retried at their place in the pace, see [`crate::pace`]).
    pub max_attempts: u32,
    /// Use these instead of the credential chain (`--sandbox`).
    pub static_credentials: Option<StaticCredentials>,
    /// Connect, attempt and operation time limits of every request.
    pub timeouts: Timeouts,
}

/// An access key pair given directly, bypassing the chain.
#[derive(Debug, Clone)]
pub struct StaticCredentials {
    pub access_key_id: String,
    pub secret_access_key: String,
}

/// Where requests go: credentials (profile, role), region and account (a
/// resource's placement, computed once by the plan crate).
pub type Target = decom_plan::Placement;

/// The SDK clients for one [`Target`], each with the lane its requests
/// go out through.
#[derive(Debug, Clone)]
pub struct Clients {
    pub(crate) apprunner: aws_sdk_apprunner::Client,
    pub(crate) directconnect: aws_sdk_directconnect::Client,
    pub(crate) supplychain: aws_sdk_supplychain::Client,
    pub(crate) lanes: Lanes,
    pub(crate) origins: Origins,
}

/// Region and endpoint per service of one target, for error messages.
#[derive(Debug, Clone)]
pub(crate) struct Origins {
    pub(crate) apprunner: Origin,
    pub(crate) directconnect: Origin,
    pub(crate) supplychain: Origin,
}

/// How the requests of one service at one target go out: at most
/// `--parallelism` in flight, paced to what the (account, region,
/// service) quota admits. AWS throttles each service of each account in
/// each region on its own; one shared lane would let a throttled service
/// starve the others.
#[derive(Debug, Clone)]
pub(crate) struct Lane {
    in_flight: Arc<Semaphore>,
    pub(crate) pacer: Arc<Pacer>,
}

impl Lane {
    pub(crate) fn new(parallelism: usize, pacer: Arc<Pacer>) -> Lane {
        Lane {
            in_flight: Arc::new(Semaphore::new(parallelism.max(1))),
            pacer,
        }
    }
}

/// One [`Lane`] per service of a target.
#[derive(Debug, Clone)]
pub(crate) struct Lanes {
    pub(crate) apprunner: Lane,
    pub(crate) directconnect: Lane,
    pub(crate) supplychain: Lane,
}

/// How recent a saved plan's quota rates must be for its apply to pace
/// by them: by then the buckets it drained are full again, and a quota
/// may have changed.
const RESUMED_WITHIN: std::time::Duration = std::time::Duration::from_secs(5 * 60);

/// The services whose quotas decom paces (the names of their lanes).
const SERVICES: [&str; 3] = ["apprunner", "directconnect", "supplychain"];

/// Whose quota a request draws on: AWS keeps API quotas per account,
/// region and service. Before the caller's account is known, the
/// credentials stand for it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct QuotaKey {
    who: Result<String, Principal>,
    region: String,
    service: &'static str,
}

/// Setting up a connection failed before any request.
#[derive(Debug, Clone, thiserror::Error)]
pub enum SetupError {
    #[error("{}", no_credentials(.profile, .detail))]
    NoCredentials {
        profile: Option<String>,
        detail: String,
    },
    /// `--endpoint-url` or an `AWS_ENDPOINT_URL*` variable is unusable.
    #[error("{0}")]
    BadEndpoint(String),
    /// The AWS config or credentials file is not one to read.
    #[error("{0}")]
    BadProfileFile(String),
}

/// The most of an AWS config or credentials file read (real ones are KBs).
const MAX_PROFILE_FILE_BYTES: u64 = 16 << 20;

/// Why the AWS config or credentials file the SDK would read is unusable,
/// if it is: one that is not a regular file (a FIFO blocks the read, a
/// device never ends) or is over [`MAX_PROFILE_FILE_BYTES`].
fn profile_files_problem() -> Option<String> {
    let home = std::env::var_os("HOME").map(std::path::PathBuf::from);
    [
        ("AWS_CONFIG_FILE", "config"),
        ("AWS_SHARED_CREDENTIALS_FILE", "credentials"),
    ]
    .into_iter()
    .find_map(|(variable, default)| {
        let (path, named) = match std::env::var_os(variable) {
            Some(path) => (std::path::PathBuf::from(path), format!("{variable} ")),
            None => (home.as_ref()?.join(".aws").join(default), String::new()),
        };
        let meta = std::fs::metadata(&path).ok()?;
        if path == std::path::Path::new("/dev/null") {
            return None; // the usual way to say "no file": reads empty
        }
        let shown = decom_parser::printable::printable_in_line(&path.display().to_string());
        if !meta.is_file() {
            Some(format!("{named}{shown} is not a regular file: the AWS SDK cannot read its profiles from it"))
        } else if meta.len() > MAX_PROFILE_FILE_BYTES {
            Some(format!("{named}{shown} is larger than 16 MiB: not an AWS config or credentials file"))
        } else {
            None
        }
    })
}

fn no_credentials(profile: &Option<String>, detail: &str) -> String {
    match profile {
        // Named, the profile is used whatever the environment holds.
        Some(p) => format!(
            "no AWS credentials for profile \"{p}\": {detail} (the profile is used whatever the \
             environment holds: check that the AWS config or credentials file has it, and its \
             keys, role_arn, source_profile or credential_source, or run \
             `aws sso login --profile {p}`)"
        ),
        None => format!(
            "no AWS credentials found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, choose a \
             profile with AWS_PROFILE or --profile, or run `aws sso login` ({detail})"
        ),
    }
}

/// Attempts per status-check request (see [`AwsCloud::status_check_clients`]).
pub const STATUS_CHECK_ATTEMPTS: u32 = 3;

/// The SDK's retry of a 5xx answer or a transport fault, starting from a
/// first backoff of at most [`FAULT_BACKOFF`] (full jitter, doubling up to
/// 20 s). Throttled attempts are retried at their place in the pace
/// instead ([`crate::pace`]).
fn retry_config(max_attempts: u32) -> RetryConfig {
    RetryConfig::standard()
        .with_max_attempts(max_attempts)
        .with_initial_backoff(FAULT_BACKOFF)
}

/// The base of AWS's Java SDK's standard retry for faults. The Rust SDK's
/// 1 s stalls a paged list, whose pages go one after another, for half a
/// second per fault on average (at 5% faults, a 100-page list lost 2 s).
const FAULT_BACKOFF: std::time::Duration = std::time::Duration::from_millis(100);

/// One client per service for `region`, each watched by an
/// [`AttemptWatch`] and paced by its lane; `retry` overrides the config's
/// retry settings.
fn sdk_clients(
    config: &SdkConfig,
    region: &str,
    origins: Origins,
    lanes: Lanes,
    retry: Option<RetryConfig>,
) -> Clients {
    let region = Region::new(region.to_string());
    // The loader always sets one; `standard` only satisfies the types.
    let retry = retry
        .or_else(|| config.retry_config().cloned())
        .unwrap_or_else(RetryConfig::standard);
    Clients {
        apprunner: aws_sdk_apprunner::Client::from_conf(
            aws_sdk_apprunner::config::Builder::from(config)
                .region(region.clone())
                .retry_config(retry.clone())
                .interceptor(AttemptWatch::new(origins.apprunner.clone()))
                .interceptor(PaceWatch(lanes.apprunner.pacer.clone()))
                .retry_classifier(PacedRetry(lanes.apprunner.pacer.clone()))
                .build(),
        ),
        directconnect: aws_sdk_directconnect::Client::from_conf(
            aws_sdk_directconnect::config::Builder::from(config)
                .region(region.clone())
                .retry_config(retry.clone())
                .interceptor(AttemptWatch::new(origins.directconnect.clone()))
                .interceptor(PaceWatch(lanes.directconnect.pacer.clone()))
                .retry_classifier(PacedRetry(lanes.directconnect.pacer.clone()))
                .build(),
        ),
        supplychain: aws_sdk_supplychain::Client::from_conf(
            aws_sdk_supplychain::config::Builder::from(config)
                .region(region)
                .retry_config(retry)
                .interceptor(AttemptWatch::new(origins.supplychain.clone()))
                .interceptor(PaceWatch(lanes.supplychain.pacer.clone()))
                .retry_classifier(PacedRetry(lanes.supplychain.pacer.clone()))
                .build(),
        ),
        lanes,
        origins,
    }
}

/// The connection to the cloud: lazily built clients, bounds on requests
/// in flight, and a count of calls by operation.
pub struct AwsCloud {
    options: ConnectOptions,
    /// The standard chain's config per profile.
    configs: Mutex<HashMap<Option<String>, Arc<OnceCell<SdkConfig>>>>,
    /// The same with an assumed role's credentials, per (profile, role).
    role_configs: Mutex<HashMap<Principal, Arc<OnceCell<SdkConfig>>>>,
    /// The lane of STS calls (GetCallerIdentity).
    pub(crate) sts_lane: Lane,
    /// One pace per (account, region, service), shared by every target
    /// whose requests draw on that quota.
    pacers: Mutex<HashMap<QuotaKey, Arc<Pacer>>>,
    /// Built once per target: each set of clients owns an HTTPS client
    /// whose TLS setup is far costlier than a request.
    clients: Mutex<HashMap<Target, Clients>>,
    /// The same per target, for status checks (fewer attempts).
    status_clients: Mutex<HashMap<Target, Clients>>,
    calls: Mutex<HashMap<&'static str, usize>>,
    /// How many resources the last full list of each type and target
    /// returned: how many pages the next one will cost.
    listed: Mutex<HashMap<(ResourceType, Target), usize>>,
}

impl AwsCloud {
    pub fn new(options: ConnectOptions) -> AwsCloud {
        AwsCloud {
            sts_lane: Lane::new(options.parallelism, Arc::new(Pacer::unwatched())),
            pacers: Mutex::new(HashMap::new()),
            options,
            configs: Mutex::new(HashMap::new()),
            role_configs: Mutex::new(HashMap::new()),
            clients: Mutex::new(HashMap::new()),
            status_clients: Mutex::new(HashMap::new()),
            calls: Mutex::new(HashMap::new()),
            listed: Mutex::new(HashMap::new()),
        }
    }

    pub(crate) fn remember_listed(&self, ty: ResourceType, target: &Target, count: usize) {
        let mut listed = self.listed.lock().unwrap_or_else(|e| e.into_inner());
        listed.insert((ty, target.clone()), count);
    }

    /// What the last full list of `ty` at `target` returned, if one ran.
    pub(crate) fn last_listed(&self, ty: ResourceType, target: &Target) -> Option<usize> {
        let listed = self.listed.lock().unwrap_or_else(|e| e.into_inner());
        listed.get(&(ty, target.clone())).copied()
    }

    /// The profile a provider without one uses.
    pub fn default_profile(&self) -> Option<&str> {
        self.options.profile.as_deref()
    }

    async fn config(&self, profile: &Option<String>) -> SdkConfig {
        let cell = {
            let mut configs = self.configs.lock().unwrap_or_else(|e| e.into_inner());
            configs.entry(profile.clone()).or_default().clone()
        };
        cell.get_or_init(|| async {
            let attempts = self.options.max_attempts.max(1);
            let t = self.options.timeouts;
            let timeouts = TimeoutConfig::builder()
                .connect_timeout(t.connect)
                .operation_attempt_timeout(t.attempt)
                .operation_timeout(t.operation)
                .build();
            let mut loader = aws_config::defaults(BehaviorVersion::latest())
                .retry_config(retry_config(attempts))
                .timeout_config(timeouts);
            if let Some(p) = profile {
                loader = loader.profile_name(p);
            }
            if let Some(url) = &self.options.endpoint_url {
                loader = loader.endpoint_url(url);
            }
            let no_files =
                self.options.static_credentials.is_some() || profile_files_problem().is_some();
            if no_files {
                // The sandbox reads nothing of the machine's; and a file
                // check_setup refuses is never read (/dev/zero is read
                // without end, a FIFO blocks).
                loader = loader.profile_files(no_profile_files());
            }
            if let Some(c) = &self.options.static_credentials {
                // Given credentials (the sandbox) need nothing from the
                // machine: a region set here keeps the chain from asking
                // the instance metadata service, an address off this
                // machine. Every client names its own region anyway.
                loader = loader.region(Region::from_static("us-east-1"));
                loader = loader.credentials_provider(aws_credential_types::Credentials::new(
                    &c.access_key_id,
                    &c.secret_access_key,
                    None,
                    None,
                    "decom-static",
                ));
            }
            let loaded = loader.load().await;
            match profile {
                Some(name) if self.options.static_credentials.is_none() => {
                    with_profile_credentials(loaded, name, no_files)
                }
                _ => loaded,
            }
        })
        .await
        .clone()
    }

    /// The config requests of `principal` are made with: the profile's,
    /// with the role's credentials when it assumes one. The role's
    /// credentials come from STS AssumeRole (at the same endpoint as every
    /// other service) through aws-config's provider, and the config's
    /// identity cache renews them before they expire, so an apply that
    /// outlasts a session goes on.
    pub(crate) async fn principal_config(&self, principal: &Principal) -> SdkConfig {
        let Some(role) = &principal.role else {
            return self.config(&principal.profile).await;
        };
        let cell = {
            let mut configs = self.role_configs.lock().unwrap_or_else(|e| e.into_inner());
            configs.entry(principal.clone()).or_default().clone()
        };
        cell.get_or_init(|| async {
            let base = self.config(&principal.profile).await;
            let provider = assume_role_provider(role, &base).await;
            base.into_builder()
                .credentials_provider(SharedCredentialsProvider::new(provider))
                .build()
        })
        .await
        .clone()
    }

    /// The region the standard chain gives the default profile
    /// (`AWS_REGION`, the profile's `region`...), if any.
    pub async fn chain_region(&self) -> Option<String> {
        let profile = self.options.profile.clone();
        self.config(&profile).await.region().map(|r| r.to_string())
    }

    /// Fails with one clear error, before any request, if the endpoint
    /// given (flag, `AWS_ENDPOINT_URL*` or the config file) is unusable or
    /// the chain yields no credentials.
    pub async fn check_setup(&self, profile: &Option<String>) -> Result<(), SetupError> {
        check_endpoints(self.options.endpoint_url.as_deref()).map_err(SetupError::BadEndpoint)?;
        if self.options.static_credentials.is_none() {
            if let Some(problem) = profile_files_problem() {
                return Err(SetupError::BadProfileFile(problem));
            }
        }
        let config = self.config(profile).await;
        if self.options.endpoint_url.is_none() {
            check_configured_endpoints(&config).map_err(SetupError::BadEndpoint)?;
        }
        let no_credentials = |detail: String| SetupError::NoCredentials {
            profile: profile.clone(),
            detail,
        };
        let provider = config
            .credentials_provider()
            .ok_or_else(|| no_credentials("no credential provider configured".into()))?;
        provider
            .provide_credentials()
            .await
            .map(drop)
            // The cause: the error's own text is "the credential provider
            // was not enabled", not which profile is missing.
            .map_err(|e| no_credentials(crate::sdk_error::credentials_detail(&e)))
    }

    /// Clients for a target, built on first use.
    ///
    /// Building is boxed: loading an SDK config is a future of many
    /// kilobytes, and every request's future (one per resource being
    /// deleted, thousands at once) would otherwise reserve room for it.
    pub(crate) async fn clients(&self, target: &Target) -> Clients {
        let cached = self.lock(&self.clients).get(target).cloned();
        if let Some(c) = cached {
            return c;
        }
        let built = Box::pin(self.build_clients(target)).await;
        self.lock(&self.clients)
            .entry(target.clone())
            .or_insert(built)
            .clone()
    }

    /// Clients for status checks ("is it gone yet?") at a target: the
    /// same bounds on requests in flight, but at most
    /// [`STATUS_CHECK_ATTEMPTS`] attempts per request. The poller asks
    /// again anyway, and a failing check must be reported in seconds, not
    /// after a minute of the SDK's backoff.
    pub(crate) async fn status_check_clients(&self, target: &Target) -> Clients {
        let cached = self.lock(&self.status_clients).get(target).cloned();
        if let Some(c) = cached {
            return c;
        }
        let main = self.clients(target).await;
        let config = Box::pin(self.principal_config(&target.principal())).await;
        let retry = retry_config(STATUS_CHECK_ATTEMPTS);
        let built = sdk_clients(
            &config,
            &target.region,
            main.origins,
            main.lanes,
            Some(retry),
        );
        self.lock(&self.status_clients)
            .entry(target.clone())
            .or_insert(built)
            .clone()
    }

    fn lock<'a>(
        &self,
        map: &'a Mutex<HashMap<Target, Clients>>,
    ) -> std::sync::MutexGuard<'a, HashMap<Target, Clients>> {
        map.lock().unwrap_or_else(|e| e.into_inner())
    }

    async fn build_clients(&self, target: &Target) -> Clients {
        let config = self.principal_config(&target.principal()).await;
        let origin = || self.origin(&config, &target.region);
        let origins = Origins {
            apprunner: origin(),
            directconnect: origin(),
            supplychain: origin(),
        };
        let lane = |service| Lane::new(self.options.parallelism, self.pacer(target, service));
        let lanes = Lanes {
            apprunner: lane("apprunner"),
            directconnect: lane("directconnect"),
            supplychain: lane("supplychain"),
        };
        sdk_clients(&config, &target.region, origins, lanes, None)
    }

    /// The refill of each quota of a known account that throttles read
    /// in this run, for a saved plan to hand to its apply.
    pub fn quota_rates(&self) -> Vec<QuotaRate> {
        let pacers = self.pacers.lock().unwrap_or_else(|e| e.into_inner());
        let mut rates: Vec<QuotaRate> = pacers
            .iter()
            .filter_map(|(key, pacer)| {
                Some(QuotaRate {
                    account: key.who.clone().ok()?,
                    region: key.region.clone(),
                    service: key.service.to_string(),
                    refill: pacer.refill()?,
                })
            })
            .collect();
        rates.sort_by(|a, b| {
            (&a.account, &a.region, &a.service).cmp(&(&b.account, &b.region, &b.service))
        });
        rates
    }

    /// Paces the quotas an earlier run read (`rates`, left `idle` ago)
    /// from this run's first request ([`Pacer::resuming`]). Call before
    /// any request; a service decom does not call is ignored.
    pub fn resume_quotas(&self, rates: &[QuotaRate], idle: std::time::Duration) {
        if idle > RESUMED_WITHIN {
            return;
        }
        let mut pacers = self.pacers.lock().unwrap_or_else(|e| e.into_inner());
        for rate in rates {
            let Some(service) = SERVICES.into_iter().find(|s| *s == rate.service) else {
                continue;
            };
            let key = QuotaKey {
                who: Ok(rate.account.clone()),
                region: rate.region.clone(),
                service,
            };
            pacers.insert(key, Arc::new(Pacer::resuming(rate.refill, idle)));
        }
    }

    /// The pace of `service` requests at `target`'s account and region.
    fn pacer(&self, target: &Target, service: &'static str) -> Arc<Pacer> {
        let key = QuotaKey {
            who: target.account.clone().ok_or_else(|| target.principal()),
            region: target.region.clone(),
            service,
        };
        let mut pacers = self.pacers.lock().unwrap_or_else(|e| e.into_inner());
        pacers.entry(key).or_default().clone()
    }

    /// Runs one API call through `lane` (its service's in-flight bound
    /// and pace), counting it. Use it through `send!`.
    ///
    /// The request's future is made, boxed, only once admitted: an SDK
    /// request in progress takes kilobytes, and thousands of calls wait
    /// here at once (every ready delete of an apply, every per-parent
    /// list of a refresh), each of which would otherwise reserve that room.
    pub(crate) async fn call<T, F>(
        &self,
        lane: &Lane,
        origin: &Origin,
        operation: &'static str,
        request: impl FnOnce() -> F,
    ) -> Result<T, CloudError>
    where
        F: Future<Output = Result<T, CloudError>>,
    {
        let _permit =
            lane.in_flight.acquire().await.map_err(|_| {
                CloudError::new(operation, &origin.region, "request limiter closed")
            })?;
        // Held until the answer: a place in flight while the quota is
        // unknown.
        let _cold_start = lane.pacer.admit().await;
        *self
            .calls
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(operation)
            .or_default() += 1;
        Box::pin(request()).await
    }

    /// Where requests made with `config` in `region` go, for errors.
    pub(crate) fn origin(&self, config: &SdkConfig, region: &str) -> Origin {
        let configured = self
            .options
            .endpoint_url
            .clone()
            .or_else(|| config.endpoint_url().map(str::to_string));
        Origin::new(region, self.options.timeouts, configured)
    }

    /// Calls made so far, by operation, sorted by name.
    pub fn calls(&self) -> Vec<(&'static str, usize)> {
        let mut calls: Vec<_> = self
            .calls
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .map(|(k, v)| (*k, *v))
            .collect();
        calls.sort();
        calls
    }
}

/// The session name a role is assumed with when the manifest names none.
const DEFAULT_SESSION_NAME: &str = "decom";

/// Profile files with nothing in them.
fn no_profile_files() -> EnvConfigFiles {
    EnvConfigFiles::builder()
        .with_contents(EnvConfigFileKind::Config, "")
        .build()
}

/// `config` with the named profile's own credentials (its keys, or its
/// `role_arn` from its `source_profile` or `credential_source`), whatever
/// the environment holds. The SDK's default chain reads
/// `AWS_ACCESS_KEY_ID` first, so a provider's `profile` (or `--profile`)
/// was silently passed over for the environment's keys, and requests went
/// to their account; the AWS CLI's `--profile` and Terraform's `profile`
/// both win over them. A profile that does not exist is an error when
/// credentials are first asked for.
fn with_profile_credentials(config: SdkConfig, profile: &str, no_files: bool) -> SdkConfig {
    let mut shared = ProviderConfig::without_region().with_region(config.region().cloned());
    if let Some(http) = config.http_client() {
        shared = shared.with_http_client(http);
    }
    if let Some(sleep) = config.sleep_impl() {
        shared = shared.with_sleep_impl(sleep);
    }
    if let Some(timeouts) = config.timeout_config() {
        shared = shared.with_timeout_config(timeouts.clone());
    }
    let mut provider = ProfileFileCredentialsProvider::builder()
        .configure(&shared)
        .profile_name(profile);
    if no_files {
        provider = provider.profile_files(no_profile_files());
    }
    config
        .into_builder()
        .credentials_provider(SharedCredentialsProvider::new(provider.build()))
        .build()
}

/// aws-config's AssumeRole credentials provider for `role`, signing its
/// AssumeRole calls with `base`'s credentials at `base`'s endpoint. STS
/// needs a region; with none from the chain it is STS's own us-east-1.
async fn assume_role_provider(
    role: &AssumeRole,
    base: &SdkConfig,
) -> aws_config::sts::AssumeRoleProvider {
    let region = base
        .region()
        .cloned()
        .unwrap_or_else(|| Region::from_static("us-east-1"));
    let mut builder = aws_config::sts::AssumeRoleProvider::builder(role.role_arn.clone())
        .configure(base)
        .region(region)
        .session_name(
            role.session_name
                .clone()
                .unwrap_or_else(|| DEFAULT_SESSION_NAME.into()),
        );
    if let Some(id) = &role.external_id {
        builder = builder.external_id(id.clone());
    }
    if let Some(d) = role.duration {
        builder = builder.session_length(d);
    }
    builder.build().await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_saved_plans_quota_rates_are_resumed_only_while_recent() {
        let rate = |service: &str| QuotaRate {
            account: "123456789012".into(),
            region: "us-east-1".into(),
            service: service.into(),
            refill: 20.0,
        };
        let rates = [rate("supplychain"), rate("not-a-service")];
        let cloud = AwsCloud::new(ConnectOptions::default());
        cloud.resume_quotas(&rates, std::time::Duration::from_secs(1));
        assert_eq!(cloud.quota_rates(), [rate("supplychain")]);
        let cloud = AwsCloud::new(ConnectOptions::default());
        cloud.resume_quotas(&rates, RESUMED_WITHIN * 2);
        assert!(cloud.quota_rates().is_empty());
    }

    /// Every request awaits `clients`: thousands of deletes in flight each
    /// hold one such future, so it must not carry the SDK config loader.
    #[test]
    fn the_clients_future_is_small() {
        let cloud = AwsCloud::new(ConnectOptions::default());
        let target = Target {
            region: "us-east-1".into(),
            profile: None,
            role: None,
            account: None,
        };
        let clients = cloud.clients(&target);
        let status = cloud.status_check_clients(&target);
        // Unboxed, building made it 14 KB (a hundred megabytes at 10,000
        // resources).
        let sizes = (size_of_val(&clients), size_of_val(&status));
        assert!(sizes.0 <= 2048 && sizes.1 <= 4096, "{sizes:?}");
    }

    /// Every ready delete of an apply, and every per-parent list of a
    /// refresh, waits in `call` for its lane: the wait must not hold room
    /// for the SDK request it will send (kilobytes each; thousands wait).
    #[test]
    fn a_call_waiting_for_its_lane_is_small() {
        let config = aws_sdk_apprunner::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new("us-east-1"))
            .build();
        let client = aws_sdk_apprunner::Client::from_conf(config);
        let cloud = AwsCloud::new(ConnectOptions::default());
        let lane = Lane::new(1, Arc::default());
        let origin = Origin::new("us-east-1", Timeouts::default(), None);
        let call = cloud.call(&lane, &origin, "DeleteService", || async {
            client
                .delete_service()
                .service_arn("arn")
                .send()
                .await
                .map_err(|e| crate::sdk_error::from_sdk("DeleteService", &origin, e))
        });
        // Holding the request inline made it 14 KB in a debug build.
        assert!(size_of_val(&call) <= 1024, "{}", size_of_val(&call));
    }
}
