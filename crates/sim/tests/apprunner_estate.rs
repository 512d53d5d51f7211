//! What App Runner services use (auto scaling and observability
//! configurations, connections) and their custom domains, through the real
//! aws-sdk-apprunner client: lifecycles, what DescribeService reports, and
//! AWS's refusals.

mod common;

use std::time::Duration;

use aws_sdk_apprunner::types::{
    AuthenticationConfiguration, CodeConfiguration, CodeRepository, ConfigurationSource,
    ImageRepository, ImageRepositoryType, ProviderType, ServiceObservabilityConfiguration,
    SourceCodeVersion, SourceCodeVersionType, SourceConfiguration, TraceConfiguration,
    TracingVendor,
};
use common::*;
use decom_sim::model::models;
use decom_sim::{
    Latencies, ResourceType, SeedResource, ServiceKind, SimConfig, SimHandle, SimState,
};

const REFUSED: &str = "InvalidRequestException";

fn image_source() -> SourceConfiguration {
    SourceConfiguration::builder()
        .image_repository(
            ImageRepository::builder()
                .image_identifier("public.ecr.aws/aws-containers/hello-app-runner:latest")
                .image_repository_type(ImageRepositoryType::EcrPublic)
                .build()
                .expect("image repository"),
        )
        .build()
}

fn code_source(connection: &str) -> SourceConfiguration {
    SourceConfiguration::builder()
        .code_repository(
            CodeRepository::builder()
                .repository_url("https://github.com/example/app")
                .source_code_version(
                    SourceCodeVersion::builder()
                        .r#type(SourceCodeVersionType::Branch)
                        .value("main")
                        .build()
                        .expect("version"),
                )
                .code_configuration(
                    CodeConfiguration::builder()
                        .configuration_source(ConfigurationSource::Repository)
                        .build()
                        .expect("code configuration"),
                )
                .build()
                .expect("code repository"),
        )
        .authentication_configuration(
            AuthenticationConfiguration::builder()
                .connection_arn(connection)
                .build(),
        )
        .build()
}

async fn create_asc(c: &aws_sdk_apprunner::Client, name: &str) -> String {
    c.create_auto_scaling_configuration()
        .auto_scaling_configuration_name(name)
        .min_size(1)
        .max_size(3)
        .send()
        .await
        .expect("CreateAutoScalingConfiguration")
        .auto_scaling_configuration()
        .and_then(|a| a.auto_scaling_configuration_arn().map(str::to_owned))
        .expect("arn")
}

/// Every response the simulator recorded matches the model's output or
/// error shape (as tests/conformance.rs checks for the older operations).
fn assert_conformant(sim: &SimHandle) {
    let model = models().get(ServiceKind::AppRunner);
    let mut problems = Vec::new();
    for r in sim.responses() {
        let op = model.operation(&r.operation).expect("modeled operation");
        let shape = match &r.error_code {
            None => op.output.clone().expect("output shape"),
            Some(code) => {
                assert!(op.errors.contains(code), "{} answered {code}", r.operation);
                code.clone()
            }
        };
        for p in model.check_shape(&shape, &r.body) {
            problems.push(format!("{} ({shape}): {p}", r.operation));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

async fn delete_service_and_wait(c: &aws_sdk_apprunner::Client, arn: &str) {
    c.delete_service()
        .service_arn(arn)
        .send()
        .await
        .expect("DeleteService");
    service_status(c, arn, "DELETED").await;
}

/// A seeded AVAILABLE connection (a created one waits for a console handshake).
async fn seeded_connection(sim: &SimHandle, name: &str) -> String {
    sim.seed(&SimState {
        resources: vec![SeedResource::new(ResourceType::AppRunnerConnection, name)],
    })
    .expect("seed connection");
    sim.snapshot()
        .of_type(ResourceType::AppRunnerConnection)
        .find(|r| r.name == name)
        .and_then(|r| r.arn.clone())
        .expect("seeded connection arn")
}

#[tokio::test]
async fn auto_scaling_configurations_have_revisions_users_and_refusals() {
    let sim = start(instant()).await;
    let c = apprunner(&sim).await;
    let first = create_asc(&c, "scale-web").await;
    let second = create_asc(&c, "scale-web").await;
    assert!(
        first.contains(":autoscalingconfiguration/scale-web/1/"),
        "{first}"
    );
    assert!(
        second.contains(":autoscalingconfiguration/scale-web/2/"),
        "{second}"
    );

    let all = c
        .list_auto_scaling_configurations()
        .send()
        .await
        .expect("list");
    let names: Vec<(&str, i32, bool)> = all
        .auto_scaling_configuration_summary_list()
        .iter()
        .map(|s| {
            (
                s.auto_scaling_configuration_name().unwrap_or_default(),
                s.auto_scaling_configuration_revision(),
                s.is_default().unwrap_or_default(),
            )
        })
        .collect();
    assert!(
        names.contains(&("DefaultConfiguration", 1, true)),
        "{names:?}"
    );
    assert!(names.contains(&("scale-web", 1, false)), "{names:?}");
    assert!(names.contains(&("scale-web", 2, false)), "{names:?}");
    let latest = c
        .list_auto_scaling_configurations()
        .auto_scaling_configuration_name("scale-web")
        .latest_only(true)
        .send()
        .await
        .expect("list latest");
    let latest: Vec<&str> = latest
        .auto_scaling_configuration_summary_list()
        .iter()
        .filter_map(|s| s.auto_scaling_configuration_arn())
        .collect();
    assert_eq!(latest, [second.as_str()]);

    let service = c
        .create_service()
        .service_name("web-app")
        .source_configuration(image_source())
        .auto_scaling_configuration_arn(&first)
        .send()
        .await
        .expect("CreateService with a configuration")
        .service()
        .map(|s| s.service_arn().to_owned())
        .expect("service");
    service_status(&c, &service, "RUNNING").await;
    let described = c
        .describe_service()
        .service_arn(&service)
        .send()
        .await
        .expect("describe");
    let summary = described
        .service()
        .and_then(|s| s.auto_scaling_configuration_summary())
        .expect("summary");
    assert_eq!(
        summary.auto_scaling_configuration_arn(),
        Some(first.as_str())
    );
    assert_eq!(summary.is_default(), Some(false));
    let users = c
        .list_services_for_auto_scaling_configuration()
        .auto_scaling_configuration_arn(&first)
        .send()
        .await
        .expect("users");
    assert_eq!(users.service_arn_list(), std::slice::from_ref(&service));
    let described = c
        .describe_auto_scaling_configuration()
        .auto_scaling_configuration_arn(&first)
        .send()
        .await
        .expect("describe configuration");
    let config = described
        .auto_scaling_configuration()
        .expect("configuration");
    assert_eq!(config.has_associated_service(), Some(true));
    assert_eq!(config.max_size(), Some(3));

    // In use: refused, for one revision and for all of them.
    let err = c
        .delete_auto_scaling_configuration()
        .auto_scaling_configuration_arn(&first)
        .send()
        .await
        .expect_err("in use");
    assert_eq!(code(&err), REFUSED, "{}", message(&err));
    let by_name = name_arn(&second);
    let err = c
        .delete_auto_scaling_configuration()
        .auto_scaling_configuration_arn(&by_name)
        .delete_all_revisions(true)
        .send()
        .await
        .expect_err("a revision is in use");
    assert_eq!(code(&err), REFUSED);
    // The default never.
    let default = names_default_arn(&all);
    let err = c
        .delete_auto_scaling_configuration()
        .auto_scaling_configuration_arn(&default)
        .send()
        .await
        .expect_err("default");
    assert_eq!(code(&err), REFUSED);
    assert!(message(&err).contains("default"), "{}", message(&err));

    delete_service_and_wait(&c, &service).await;
    // A partial ARN means the latest active revision (or the one given).
    for (partial, meant) in [(&by_name, &second), (&format!("{by_name}/1"), &first)] {
        let d = c
            .describe_auto_scaling_configuration()
            .auto_scaling_configuration_arn(partial)
            .send()
            .await
            .expect("describe by a partial ARN");
        let arn = d
            .auto_scaling_configuration()
            .and_then(|a| a.auto_scaling_configuration_arn());
        assert_eq!(arn, Some(meant.as_str()), "{partial}");
    }
    // All revisions only by the ARN ending in the name, as AWS documents.
    let err = c
        .delete_auto_scaling_configuration()
        .auto_scaling_configuration_arn(&second)
        .delete_all_revisions(true)
        .send()
        .await
        .expect_err("a full ARN with DeleteAllRevisions");
    assert_eq!(code(&err), REFUSED);
    assert!(message(&err).contains(".../name"), "{}", message(&err));
    let deleted = c
        .delete_auto_scaling_configuration()
        .auto_scaling_configuration_arn(&by_name)
        .delete_all_revisions(true)
        .send()
        .await
        .expect("delete all revisions");
    assert_eq!(
        deleted
            .auto_scaling_configuration()
            .and_then(|a| a.status())
            .map(|s| s.as_str()),
        Some("INACTIVE")
    );
    for arn in [&first, &second] {
        let d = c
            .describe_auto_scaling_configuration()
            .auto_scaling_configuration_arn(arn)
            .send()
            .await
            .expect("tombstone");
        let config = d.auto_scaling_configuration().expect("configuration");
        assert_eq!(config.status().map(|s| s.as_str()), Some("INACTIVE"));
        assert!(config.deleted_at().is_some());
    }
    let left = c
        .list_auto_scaling_configurations()
        .auto_scaling_configuration_name("scale-web")
        .send()
        .await
        .expect("list after");
    assert!(left.auto_scaling_configuration_summary_list().is_empty());
    assert_conformant(&sim);
}

/// `.../autoscalingconfiguration/NAME` of a full revision ARN.
fn name_arn(full: &str) -> String {
    let mut parts: Vec<&str> = full.split('/').collect();
    parts.truncate(2);
    parts.join("/")
}

fn names_default_arn(
    list: &aws_sdk_apprunner::operation::list_auto_scaling_configurations::ListAutoScalingConfigurationsOutput,
) -> String {
    list.auto_scaling_configuration_summary_list()
        .iter()
        .find(|s| s.is_default() == Some(true))
        .and_then(|s| s.auto_scaling_configuration_arn().map(str::to_owned))
        .expect("default configuration listed")
}

#[tokio::test]
async fn observability_configurations_are_refused_while_a_service_uses_them() {
    let sim = start(instant()).await;
    let c = apprunner(&sim).await;
    let oc = c
        .create_observability_configuration()
        .observability_configuration_name("traces")
        .trace_configuration(
            TraceConfiguration::builder()
                .vendor(TracingVendor::Awsxray)
                .build()
                .expect("trace"),
        )
        .send()
        .await
        .expect("create")
        .observability_configuration()
        .and_then(|o| o.observability_configuration_arn().map(str::to_owned))
        .expect("arn");
    assert!(oc.contains(":observabilityconfiguration/traces/1/"), "{oc}");
    let service = c
        .create_service()
        .service_name("web-app")
        .source_configuration(image_source())
        .observability_configuration(
            ServiceObservabilityConfiguration::builder()
                .observability_enabled(true)
                .observability_configuration_arn(&oc)
                .build(),
        )
        .send()
        .await
        .expect("CreateService")
        .service()
        .map(|s| s.service_arn().to_owned())
        .expect("service");
    service_status(&c, &service, "RUNNING").await;
    let d = c
        .describe_service()
        .service_arn(&service)
        .send()
        .await
        .expect("describe");
    let o = d
        .service()
        .and_then(|s| s.observability_configuration())
        .expect("observability");
    assert!(o.observability_enabled());
    assert_eq!(o.observability_configuration_arn(), Some(oc.as_str()));
    let listed = c
        .list_observability_configurations()
        .send()
        .await
        .expect("list");
    assert_eq!(listed.observability_configuration_summary_list().len(), 1);

    let err = c
        .delete_observability_configuration()
        .observability_configuration_arn(&oc)
        .send()
        .await
        .expect_err("in use");
    assert_eq!(code(&err), REFUSED, "{}", message(&err));
    delete_service_and_wait(&c, &service).await;
    let deleted = c
        .delete_observability_configuration()
        .observability_configuration_arn(&oc)
        .send()
        .await
        .expect("delete");
    assert_eq!(
        deleted
            .observability_configuration()
            .and_then(|o| o.status())
            .map(|s| s.as_str()),
        Some("INACTIVE")
    );
    let listed = c
        .list_observability_configurations()
        .send()
        .await
        .expect("list after");
    assert!(listed.observability_configuration_summary_list().is_empty());
    assert_conformant(&sim);
}

#[tokio::test]
async fn connections_are_refused_while_a_code_service_uses_them() {
    let sim = start(instant()).await;
    let c = apprunner(&sim).await;
    let created = c
        .create_connection()
        .connection_name("github-main")
        .provider_type(ProviderType::Github)
        .send()
        .await
        .expect("CreateConnection");
    let pending = created.connection().expect("connection");
    assert_eq!(
        pending.status().map(|s| s.as_str()),
        Some("PENDING_HANDSHAKE")
    );
    let pending = pending.connection_arn().expect("arn").to_owned();
    // A connection waiting for its handshake cannot serve a service.
    let err = c
        .create_service()
        .service_name("early")
        .source_configuration(code_source(&pending))
        .send()
        .await
        .expect_err("pending connection");
    assert_eq!(code(&err), REFUSED);

    let connection = seeded_connection(&sim, "github-live").await;
    let service = c
        .create_service()
        .service_name("web-app")
        .source_configuration(code_source(&connection))
        .send()
        .await
        .expect("CreateService from code")
        .service()
        .map(|s| s.service_arn().to_owned())
        .expect("service");
    service_status(&c, &service, "RUNNING").await;
    let d = c
        .describe_service()
        .service_arn(&service)
        .send()
        .await
        .expect("describe");
    let auth = d
        .service()
        .and_then(|s| s.source_configuration())
        .and_then(|s| s.authentication_configuration())
        .and_then(|a| a.connection_arn());
    assert_eq!(auth, Some(connection.as_str()));

    let err = c
        .delete_connection()
        .connection_arn(&connection)
        .send()
        .await
        .expect_err("in use");
    assert_eq!(code(&err), REFUSED, "{}", message(&err));
    delete_service_and_wait(&c, &service).await;
    let deleted = c
        .delete_connection()
        .connection_arn(&connection)
        .send()
        .await
        .expect("delete");
    assert_eq!(
        deleted
            .connection()
            .and_then(|c| c.status())
            .map(|s| s.as_str()),
        Some("DELETED")
    );
    let listed = c
        .list_connections()
        .connection_name("github-main")
        .send()
        .await
        .expect("list by name");
    assert_eq!(listed.connection_summary_list().len(), 1);
    assert_conformant(&sim);
}

#[tokio::test]
async fn custom_domains_wait_out_creating_and_vanish_after_deleting() {
    let sim = start(SimConfig {
        latencies: Latencies {
            custom_domain_create: Duration::from_secs(300), // 100 ms at this scale
            custom_domain_delete: Duration::from_secs(300),
            ..Latencies::instant()
        },
        ..fast()
    })
    .await;
    let c = apprunner(&sim).await;
    let service = create_service(&c, "web-app", None)
        .await
        .service_arn()
        .to_owned();
    service_status(&c, &service, "RUNNING").await;
    let a = c
        .associate_custom_domain()
        .service_arn(&service)
        .domain_name("shop.example.com")
        .send()
        .await
        .expect("associate");
    assert_eq!(
        a.custom_domain().map(|d| d.status().as_str()),
        Some("CREATING")
    );
    let err = c
        .disassociate_custom_domain()
        .service_arn(&service)
        .domain_name("shop.example.com")
        .send()
        .await
        .expect_err("creating");
    assert_eq!(code(&err), "InvalidStateException");
    let domains = |status: &'static str| {
        let c = c.clone();
        let service = service.clone();
        async move {
            let d = c
                .describe_custom_domains()
                .service_arn(&service)
                .send()
                .await
                .ok()?;
            let statuses: Vec<String> = d
                .custom_domains()
                .iter()
                .map(|d| d.status().as_str().to_owned())
                .collect();
            (statuses.iter().map(String::as_str).collect::<Vec<_>>() == [status]
                || (status.is_empty() && statuses.is_empty()))
            .then_some(())
        }
    };
    eventually("validation pending", || {
        domains("PENDING_CERTIFICATE_DNS_VALIDATION")
    })
    .await;
    let d = c
        .disassociate_custom_domain()
        .service_arn(&service)
        .domain_name("shop.example.com")
        .send()
        .await
        .expect("disassociate");
    assert_eq!(
        d.custom_domain().map(|d| d.status().as_str()),
        Some("DELETING")
    );
    eventually("domain gone", || domains("")).await;
    let err = c
        .disassociate_custom_domain()
        .service_arn(&service)
        .domain_name("shop.example.com")
        .send()
        .await
        .expect_err("gone");
    assert_eq!(code(&err), "ResourceNotFoundException");
    assert_conformant(&sim);
}

#[tokio::test]
async fn seeded_services_report_what_they_use_and_snapshots_round_trip() {
    let acct = "123456789012";
    let asc = format!("arn:aws:apprunner:us-east-1:{acct}:autoscalingconfiguration/scale/1/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
    let oc = format!("arn:aws:apprunner:us-east-1:{acct}:observabilityconfiguration/obs/1/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb");
    let conn = format!(
        "arn:aws:apprunner:us-east-1:{acct}:connection/gh/cccccccccccccccccccccccccccccccc"
    );
    let svc =
        format!("arn:aws:apprunner:us-east-1:{acct}:service/web/dddddddddddddddddddddddddddddddd");
    let state = format!(
        r#"{{"resources": [
          {{"type": "aws_apprunner_auto_scaling_configuration_version", "name": "scale", "arn": "{asc}"}},
          {{"type": "aws_apprunner_observability_configuration", "name": "obs", "arn": "{oc}"}},
          {{"type": "aws_apprunner_connection", "name": "gh", "arn": "{conn}"}},
          {{"type": "aws_apprunner_service", "name": "web", "arn": "{svc}",
            "auto_scaling_configuration_arn": "{asc}", "observability_configuration_arn": "{oc}",
            "connection_arn": "{conn}"}},
          {{"type": "aws_apprunner_custom_domain_association", "service_arn": "{svc}",
            "domain_name": "shop.example.com"}}
        ]}}"#
    );
    let state = SimState::parse(state.as_bytes()).expect("state parses");
    let sim = start(SimConfig {
        initial_state: Some(state.clone()),
        ..instant()
    })
    .await;
    let c = apprunner(&sim).await;
    let d = c
        .describe_service()
        .service_arn(&svc)
        .send()
        .await
        .expect("describe");
    let s = d.service().expect("service");
    assert_eq!(
        s.auto_scaling_configuration_summary()
            .and_then(|a| a.auto_scaling_configuration_arn()),
        Some(asc.as_str())
    );
    assert_eq!(
        s.observability_configuration()
            .and_then(|o| o.observability_configuration_arn()),
        Some(oc.as_str())
    );
    assert_eq!(
        s.source_configuration()
            .and_then(|s| s.authentication_configuration())
            .and_then(|a| a.connection_arn()),
        Some(conn.as_str())
    );
    let domains = c
        .describe_custom_domains()
        .service_arn(&svc)
        .send()
        .await
        .expect("domains");
    assert_eq!(domains.custom_domains().len(), 1);
    assert_eq!(domains.custom_domains()[0].status().as_str(), "ACTIVE");
    assert_conformant(&sim);

    // The snapshot names the same things, and seeds an equal simulator.
    let snap = sim.snapshot();
    let service = snap
        .of_type(ResourceType::AppRunnerService)
        .next()
        .expect("service");
    assert_eq!(service.connection_arn.as_deref(), Some(conn.as_str()));
    assert_eq!(
        service.auto_scaling_configuration_arn.as_deref(),
        Some(asc.as_str())
    );
    assert_eq!(
        service.observability_configuration_arn.as_deref(),
        Some(oc.as_str())
    );
    let domain = snap
        .of_type(ResourceType::AppRunnerCustomDomain)
        .next()
        .expect("domain");
    assert_eq!(domain.domain_name.as_deref(), Some("shop.example.com"));
    assert_eq!(domain.arn, None);
    let again = start(SimConfig {
        initial_state: Some(snap.clone()),
        ..instant()
    })
    .await;
    assert_eq!(again.snapshot().resources.len(), snap.resources.len());

    // A custom domain needs its two identity fields.
    let mut bad = SeedResource::new(ResourceType::AppRunnerCustomDomain, "x");
    bad.service_arn = Some(svc.clone());
    let err = sim
        .seed(&SimState {
            resources: vec![bad],
        })
        .expect_err("no domain name");
    assert!(err.to_string().contains("domain_name"), "{err}");
}
