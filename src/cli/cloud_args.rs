//! The arguments of commands that talk to the cloud, and connecting with
//! them.

use decom_aws::{AwsCloud, ConnectOptions};

#[derive(Debug, Clone, clap::Args)]
pub struct CloudArgs {
    /// Send AWS requests here (the simulator, LocalStack...); else the
    /// standard AWS_ENDPOINT_URL* variables, else AWS.
    #[arg(long, value_name = "URL")]
    pub endpoint_url: Option<String>,

    /// Region for resources whose ARN and provider block name none
    /// (else AWS_REGION or the profile's region).
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,

    /// AWS profile for providers that name none (else AWS_PROFILE or the default chain).
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,

    /// API requests in flight at once.
    #[arg(long, value_name = "N", default_value_t = 10, value_parser = clap::value_parser!(u16).range(1..=256))]
    pub parallelism: u16,
}

impl CloudArgs {
    pub fn connect(&self) -> AwsCloud {
        AwsCloud::new(ConnectOptions {
            endpoint_url: self.endpoint_url.clone(),
            profile: self.profile.clone(),
            parallelism: usize::from(self.parallelism),
            max_attempts: 8,
        })
    }
}

/// A runtime for one command.
pub fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
}
