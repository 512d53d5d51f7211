//! Shared helpers of the integration tests: start a simulator in-process and
//! build real AWS SDK clients pointed at it.
#![allow(dead_code)]

use std::future::Future;
use std::time::{Duration, Instant};

use aws_config::retry::RetryConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_apprunner::config::Credentials;
use decom_sim::{Latencies, Sim, SimConfig, SimHandle};

/// A fast simulator configuration: a minute takes 20 ms, tombstones live 60 ms.
pub fn fast() -> SimConfig {
    SimConfig {
        time_scale: 0.001 / 3.0,
        tombstone_ttl: Duration::from_secs(180),
        record_responses: true,
        ..SimConfig::default()
    }
}

/// All transitions complete immediately (on the next access).
pub fn instant() -> SimConfig {
    SimConfig {
        latencies: Latencies::instant(),
        ..fast()
    }
}

pub async fn start(config: SimConfig) -> SimHandle {
    Sim::start(config).await.expect("simulator starts")
}

pub async fn sdk_config(sim: &SimHandle, region: &str, retry: RetryConfig) -> SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
        .endpoint_url(sim.endpoint_url())
        .region(Region::new(region.to_owned()))
        .credentials_provider(Credentials::new("AKIDTEST", "secret", None, None, "test"))
        .retry_config(retry)
        .load()
        .await
}

/// Standard retries, quick backoff (tests must stay fast).
pub fn quick_retries(attempts: u32) -> RetryConfig {
    RetryConfig::standard()
        .with_max_attempts(attempts)
        .with_initial_backoff(Duration::from_millis(5))
        .with_max_backoff(Duration::from_millis(100))
}

pub async fn apprunner_in(sim: &SimHandle, region: &str) -> aws_sdk_apprunner::Client {
    aws_sdk_apprunner::Client::new(&sdk_config(sim, region, quick_retries(3)).await)
}

pub async fn apprunner(sim: &SimHandle) -> aws_sdk_apprunner::Client {
    apprunner_in(sim, "us-east-1").await
}

pub async fn dx_in(sim: &SimHandle, region: &str) -> aws_sdk_directconnect::Client {
    aws_sdk_directconnect::Client::new(&sdk_config(sim, region, quick_retries(3)).await)
}

pub async fn dx(sim: &SimHandle) -> aws_sdk_directconnect::Client {
    dx_in(sim, "us-east-1").await
}

pub async fn scn_in(sim: &SimHandle, region: &str) -> aws_sdk_supplychain::Client {
    aws_sdk_supplychain::Client::new(&sdk_config(sim, region, quick_retries(3)).await)
}

pub async fn scn(sim: &SimHandle) -> aws_sdk_supplychain::Client {
    scn_in(sim, "us-east-1").await
}

/// Polls `f` until it returns `Some`, failing after 5 s.
pub async fn eventually<T, F, Fut>(what: &str, mut f: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let start = Instant::now();
    loop {
        if let Some(v) = f().await {
            return v;
        }
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "timed out waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// The error code of an SDK error (`ProvideErrorMetadata::code`).
pub fn code<E, R>(err: &aws_sdk_apprunner::error::SdkError<E, R>) -> String
where
    E: aws_sdk_apprunner::error::ProvideErrorMetadata,
{
    use aws_sdk_apprunner::error::ProvideErrorMetadata;
    err.code().unwrap_or("<none>").to_owned()
}

pub fn message<E, R>(err: &aws_sdk_apprunner::error::SdkError<E, R>) -> String
where
    E: aws_sdk_apprunner::error::ProvideErrorMetadata,
{
    use aws_sdk_apprunner::error::ProvideErrorMetadata;
    err.message().unwrap_or("").to_owned()
}

/// Creates an ECR Public image service.
pub async fn create_service(
    c: &aws_sdk_apprunner::Client,
    name: &str,
    connector: Option<&str>,
) -> aws_sdk_apprunner::types::Service {
    use aws_sdk_apprunner::types::*;
    let mut req = c
        .create_service()
        .service_name(name)
        .source_configuration(
            SourceConfiguration::builder()
                .image_repository(
                    ImageRepository::builder()
                        .image_identifier("public.ecr.aws/aws-containers/hello-app-runner:latest")
                        .image_repository_type(ImageRepositoryType::EcrPublic)
                        .build()
                        .expect("image repository"),
                )
                .auto_deployments_enabled(false)
                .build(),
        )
        .tags(Tag::builder().key("team").value("web").build());
    if let Some(arn) = connector {
        req = req.network_configuration(
            NetworkConfiguration::builder()
                .egress_configuration(
                    EgressConfiguration::builder()
                        .egress_type(EgressType::Vpc)
                        .vpc_connector_arn(arn)
                        .build(),
                )
                .build(),
        );
    }
    let out = req.send().await.expect("CreateService");
    assert!(!out.operation_id().is_empty());
    out.service()
        .cloned()
        .expect("service in CreateService output")
}

pub async fn create_connector(c: &aws_sdk_apprunner::Client, name: &str) -> String {
    c.create_vpc_connector()
        .vpc_connector_name(name)
        .subnets("subnet-0abc")
        .security_groups("sg-0abc")
        .send()
        .await
        .expect("CreateVpcConnector")
        .vpc_connector()
        .and_then(|v| v.vpc_connector_arn().map(str::to_owned))
        .expect("connector arn")
}

/// Waits until a service has the given status.
pub async fn service_status(c: &aws_sdk_apprunner::Client, arn: &str, status: &str) {
    eventually(&format!("service {arn} to be {status}"), || async {
        let s = c.describe_service().service_arn(arn).send().await.ok()?;
        (s.service()?.status().as_str() == status).then_some(())
    })
    .await
}
