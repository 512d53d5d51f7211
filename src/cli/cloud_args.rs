//! The arguments of commands that talk to the cloud, and connecting with
//! them.

use std::time::Duration;

use decom_aws::{AwsCloud, ConnectOptions, Timeouts};
use decom_executor::journal::Endpoint;

#[derive(Debug, Clone, clap::Args)]
pub struct CloudArgs {
    /// Send AWS requests here (the simulator, LocalStack...); else the
    /// standard AWS_ENDPOINT_URL* variables, else AWS.
    #[arg(long, value_name = "URL")]
    pub endpoint_url: Option<String>,

    /// Region for resources whose ARN and provider block name none
    /// (else AWS_REGION or the profile's region).
    #[arg(long, value_name = "REGION", value_parser = parse_region)]
    pub region: Option<String>,

    /// AWS profile for providers that name none (else AWS_PROFILE or the default chain).
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,

    /// Rehearse against an in-process simulator seeded from the manifest:
    /// no credentials needed, nothing real is read or touched.
    #[arg(long, conflicts_with_all = ["endpoint_url", "profile"])]
    pub sandbox: bool,

    /// API requests in flight at once, per AWS service and region.
    #[arg(long, value_name = "N", default_value_t = 10, value_parser = clap::value_parser!(u16).range(1..=256))]
    pub parallelism: u16,

    /// Give up on one attempt of a request after this long (e.g. 30s, 2m);
    /// a request, retries included, gets 1.5 times as long. Connecting
    /// gets at most 10s.
    #[arg(long, value_name = "DURATION", default_value = "60s", value_parser = parse_request_timeout)]
    pub request_timeout: Duration,
}

/// `--request-timeout`: the manifest language's duration syntax, above zero.
fn parse_request_timeout(s: &str) -> Result<Duration, String> {
    match decom_parser::parse_duration(s) {
        Some(d) if !d.is_zero() => Ok(d),
        Some(_) => Err("must be more than 0s".into()),
        None => Err(decom_parser::DURATION_EXAMPLE.to_string()),
    }
}

impl CloudArgs {
    /// What this run talks to, for the journal.
    pub fn endpoint(&self) -> Endpoint {
        if self.sandbox {
            Endpoint::Sandbox
        } else {
            Endpoint::Real
        }
    }

    /// The connection; `sandbox_url` (the sandbox simulator) overrides the
    /// endpoint and the credentials.
    pub fn connect(&self, sandbox_url: Option<String>) -> AwsCloud {
        let sandboxed = sandbox_url.is_some();
        AwsCloud::new(ConnectOptions {
            endpoint_url: sandbox_url.or_else(|| self.endpoint_url.clone()),
            profile: self.profile.clone(),
            parallelism: usize::from(self.parallelism),
            max_attempts: 8,
            static_credentials: sandboxed.then(super::sandbox::credentials),
            timeouts: Timeouts::with_attempt(self.request_timeout),
        })
    }
}

/// Makes `--endpoint-url` the endpoint of every AWS client in this
/// process, called while it has one thread (setting the environment
/// races with any other thread reading it). decom's own clients take the
/// flag from their config; the STS clients aws-config builds inside its
/// credential providers (a named profile's `role_arn`, web identity)
/// read only the environment and the profile file, and sent AssumeRole,
/// signed with the source credentials, to AWS's real STS. The flag wins
/// over the service-specific variables, as it does for decom's clients.
pub fn endpoint_for_every_client(url: &str) {
    let specific: Vec<std::ffi::OsString> = std::env::vars_os()
        .map(|(name, _)| name)
        .filter(|name| name.to_string_lossy().starts_with("AWS_ENDPOINT_URL_"))
        .collect();
    for name in specific {
        std::env::remove_var(name);
    }
    std::env::set_var("AWS_ENDPOINT_URL", url);
}

/// A runtime for one command.
pub fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
}

pub(crate) fn parse_region(s: &str) -> Result<String, String> {
    if decom_parser::is_region(s) {
        Ok(s.to_string())
    } else {
        Err("not an AWS region: regions are lower-case, such as us-east-1".into())
    }
}
