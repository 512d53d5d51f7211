//! App Runner through the real aws-sdk-apprunner client.

mod common;

use std::time::Duration;

use aws_sdk_apprunner::error::ProvideErrorMetadata;
use aws_sdk_apprunner::types::{
    IngressVpcConfiguration, ListVpcIngressConnectionsFilter, ServiceStatus, VpcConnectorStatus,
    VpcIngressConnectionStatus,
};
use common::*;
use decom_sim::{Latencies, SimConfig};

#[tokio::test]
async fn service_lifecycle_goes_through_transitional_states() {
    let sim = start(SimConfig {
        latencies: Latencies {
            service_create: Duration::from_secs(60),
            service_delete: Duration::from_secs(60),
            ..Latencies::default()
        },
        time_scale: 0.002, // 60 s → 120 ms
        tombstone_ttl: Duration::from_secs(60),
        ..fast()
    })
    .await;
    let c = apprunner(&sim).await;
    let s = create_service(&c, "web-1", None).await;
    assert_eq!(s.status(), &ServiceStatus::OperationInProgress);
    assert!(s
        .service_arn()
        .starts_with("arn:aws:apprunner:us-east-1:123456789012:service/web-1/"));
    assert_eq!(s.service_id().len(), 32);
    assert!(s.created_at().secs() > 1_600_000_000);
    let arn = s.service_arn().to_owned();

    // Still in progress right away; deleting now is refused.
    let d = c
        .describe_service()
        .service_arn(&arn)
        .send()
        .await
        .expect("describe");
    assert_eq!(
        d.service().map(|s| s.status().clone()),
        Some(ServiceStatus::OperationInProgress)
    );
    let err = c
        .delete_service()
        .service_arn(&arn)
        .send()
        .await
        .expect_err("refused");
    assert!(
        err.as_service_error()
            .is_some_and(|e| e.is_invalid_state_exception()),
        "{err:?}"
    );

    service_status(&c, &arn, "RUNNING").await;
    let del = c
        .delete_service()
        .service_arn(&arn)
        .send()
        .await
        .expect("delete");
    assert_eq!(
        del.service().map(|s| s.status().clone()),
        Some(ServiceStatus::OperationInProgress)
    );
    assert_eq!(del.operation_id().len(), 36);
    service_status(&c, &arn, "DELETED").await;
    let d = c
        .describe_service()
        .service_arn(&arn)
        .send()
        .await
        .expect("tombstone visible");
    assert!(d.service().and_then(|s| s.deleted_at()).is_some());

    // After the tombstone TTL: not found.
    eventually("service to vanish", || async {
        let e = c.describe_service().service_arn(&arn).send().await.err()?;
        e.as_service_error()
            .is_some_and(|e| e.is_resource_not_found_exception())
            .then_some(())
    })
    .await;
    sim.shutdown().await;
}

#[tokio::test]
async fn describe_list_and_tags() {
    let sim = start(instant()).await;
    let c = apprunner(&sim).await;
    let conn = create_connector(&c, "conn-a").await;
    let s = create_service(&c, "svc-a", Some(&conn)).await;
    let d = c
        .describe_service()
        .service_arn(s.service_arn())
        .send()
        .await
        .expect("describe");
    let svc = d.service().expect("service");
    assert_eq!(svc.status(), &ServiceStatus::Running);
    let egress = svc
        .network_configuration()
        .and_then(|n| n.egress_configuration())
        .expect("egress");
    assert_eq!(egress.vpc_connector_arn(), Some(conn.as_str()));

    let list = c.list_services().send().await.expect("list");
    assert_eq!(list.service_summary_list().len(), 1);
    assert_eq!(list.service_summary_list()[0].service_name(), Some("svc-a"));
    assert!(list.next_token().is_none());

    let tags = c
        .list_tags_for_resource()
        .resource_arn(s.service_arn())
        .send()
        .await
        .expect("tags");
    assert_eq!(tags.tags().len(), 1);
    assert_eq!(tags.tags()[0].key(), Some("team"));

    let vc = c
        .describe_vpc_connector()
        .vpc_connector_arn(&conn)
        .send()
        .await
        .expect("describe connector");
    let vc = vc.vpc_connector().expect("connector");
    assert_eq!(vc.status(), Some(&VpcConnectorStatus::Active));
    assert_eq!(vc.vpc_connector_revision(), 1);
    assert_eq!(vc.subnets(), ["subnet-0abc".to_string()]);
    let conns = c
        .list_vpc_connectors()
        .send()
        .await
        .expect("list connectors");
    assert_eq!(conns.vpc_connectors().len(), 1);

    // Same name again → revision 2.
    let conn2 = create_connector(&c, "conn-a").await;
    assert!(conn2.contains("/conn-a/2/"), "{conn2}");

    let missing = c
        .describe_service()
        .service_arn("arn:aws:apprunner:us-east-1:123456789012:service/nope/0123456789abcdef0123456789abcdef")
        .send()
        .await
        .expect_err("not found");
    assert!(missing
        .as_service_error()
        .is_some_and(|e| e.is_resource_not_found_exception()));
    sim.shutdown().await;
}

#[tokio::test]
async fn ingress_connections_block_service_delete_and_filter() {
    let sim = start(SimConfig {
        latencies: Latencies {
            ingress_create: Duration::from_secs(900), // 300 ms at this scale
            ..Latencies::default()
        },
        ..fast()
    })
    .await;
    let c = apprunner(&sim).await;
    let s1 = create_service(&c, "svc-1", None)
        .await
        .service_arn()
        .to_owned();
    let s2 = create_service(&c, "svc-2", None)
        .await
        .service_arn()
        .to_owned();

    // Service not RUNNING yet → InvalidStateException.
    let early = c
        .create_vpc_ingress_connection()
        .service_arn(&s1)
        .vpc_ingress_connection_name("ing-early")
        .ingress_vpc_configuration(
            IngressVpcConfiguration::builder()
                .vpc_id("vpc-1")
                .vpc_endpoint_id("vpce-1")
                .build(),
        )
        .send()
        .await
        .expect_err("service still in progress");
    assert_eq!(early.code(), Some("InvalidStateException"));

    service_status(&c, &s1, "RUNNING").await;
    service_status(&c, &s2, "RUNNING").await;
    let mut ingress = Vec::new();
    for (i, svc) in [&s1, &s1, &s2].iter().enumerate() {
        let out = c
            .create_vpc_ingress_connection()
            .service_arn(*svc)
            .vpc_ingress_connection_name(format!("ing-{i}"))
            .ingress_vpc_configuration(
                IngressVpcConfiguration::builder()
                    .vpc_id("vpc-1")
                    .vpc_endpoint_id(format!("vpce-{i}"))
                    .build(),
            )
            .send()
            .await
            .expect("create ingress");
        let ic = out.vpc_ingress_connection().expect("ingress");
        assert_eq!(
            ic.status(),
            Some(&VpcIngressConnectionStatus::PendingCreation)
        );
        ingress.push(ic.vpc_ingress_connection_arn().expect("arn").to_owned());
    }
    // PENDING_CREATION cannot be deleted.
    let err = c
        .delete_vpc_ingress_connection()
        .vpc_ingress_connection_arn(&ingress[0])
        .send()
        .await
        .expect_err("pending creation");
    assert!(err
        .as_service_error()
        .is_some_and(|e| e.is_invalid_state_exception()));

    for arn in &ingress {
        eventually("ingress AVAILABLE", || async {
            let d = c
                .describe_vpc_ingress_connection()
                .vpc_ingress_connection_arn(arn)
                .send()
                .await
                .ok()?;
            (d.vpc_ingress_connection()?.status()? == &VpcIngressConnectionStatus::Available)
                .then_some(())
        })
        .await;
    }

    let by_service = c
        .list_vpc_ingress_connections()
        .filter(
            ListVpcIngressConnectionsFilter::builder()
                .service_arn(&s1)
                .build(),
        )
        .send()
        .await
        .expect("filtered list");
    assert_eq!(by_service.vpc_ingress_connection_summary_list().len(), 2);
    let by_endpoint = c
        .list_vpc_ingress_connections()
        .filter(
            ListVpcIngressConnectionsFilter::builder()
                .vpc_endpoint_id("vpce-2")
                .build(),
        )
        .send()
        .await
        .expect("filtered list");
    assert_eq!(by_endpoint.vpc_ingress_connection_summary_list().len(), 1);
    assert_eq!(
        by_endpoint.vpc_ingress_connection_summary_list()[0].service_arn(),
        Some(s2.as_str())
    );
    let all = c
        .list_vpc_ingress_connections()
        .send()
        .await
        .expect("list all");
    assert_eq!(all.vpc_ingress_connection_summary_list().len(), 3);

    // The refusal, with AWS's message.
    let err = c
        .delete_service()
        .service_arn(&s1)
        .send()
        .await
        .expect_err("blocked");
    assert!(err
        .as_service_error()
        .is_some_and(|e| e.is_invalid_state_exception()));
    assert_eq!(
        err.message(),
        Some("You cannot delete a Service while it has VpcIngressConnections with a status of AVAILABLE")
    );

    for arn in &ingress[..2] {
        let d = c
            .delete_vpc_ingress_connection()
            .vpc_ingress_connection_arn(arn)
            .send()
            .await
            .expect("delete ingress");
        assert_eq!(
            d.vpc_ingress_connection().and_then(|i| i.status()),
            Some(&VpcIngressConnectionStatus::PendingDeletion)
        );
    }
    // PENDING_DELETION no longer blocks.
    c.delete_service()
        .service_arn(&s1)
        .send()
        .await
        .expect("delete unblocked");
    sim.shutdown().await;
}

#[tokio::test]
async fn connector_in_use_is_refused_until_service_deleted_plus_lag() {
    let sim = start(SimConfig {
        latencies: Latencies::instant(),
        connector_in_use_lag: Duration::from_secs(30), // 10 ms at this scale
        ..fast()
    })
    .await;
    let c = apprunner(&sim).await;
    let conn = create_connector(&c, "shared").await;
    let svc = create_service(&c, "user-1", Some(&conn))
        .await
        .service_arn()
        .to_owned();
    let err = c
        .delete_vpc_connector()
        .vpc_connector_arn(&conn)
        .send()
        .await
        .expect_err("in use");
    assert!(err
        .as_service_error()
        .is_some_and(|e| e.is_invalid_request_exception()));
    assert!(
        err.message()
            .unwrap_or("")
            .contains("being used by other services"),
        "{err:?}"
    );

    service_status(&c, &svc, "RUNNING").await;
    c.delete_service()
        .service_arn(&svc)
        .send()
        .await
        .expect("delete service");
    service_status(&c, &svc, "DELETED").await;
    // Eventually (after the lag) the connector can go.
    let deleted = eventually("connector delete to succeed", || async {
        c.delete_vpc_connector()
            .vpc_connector_arn(&conn)
            .send()
            .await
            .ok()
    })
    .await;
    let vc = deleted.vpc_connector().expect("connector");
    assert_eq!(vc.status(), Some(&VpcConnectorStatus::Inactive));
    assert!(vc.deleted_at().is_some());
    // Creating a service on an INACTIVE connector is refused.
    let err = c
        .create_service()
        .service_name("late")
        .source_configuration(
            aws_sdk_apprunner::types::SourceConfiguration::builder()
                .image_repository(
                    aws_sdk_apprunner::types::ImageRepository::builder()
                        .image_identifier("public.ecr.aws/a/b:latest")
                        .image_repository_type(
                            aws_sdk_apprunner::types::ImageRepositoryType::EcrPublic,
                        )
                        .build()
                        .expect("repo"),
                )
                .build(),
        )
        .network_configuration(
            aws_sdk_apprunner::types::NetworkConfiguration::builder()
                .egress_configuration(
                    aws_sdk_apprunner::types::EgressConfiguration::builder()
                        .egress_type(aws_sdk_apprunner::types::EgressType::Vpc)
                        .vpc_connector_arn(&conn)
                        .build(),
                )
                .build(),
        )
        .send()
        .await
        .expect_err("inactive connector");
    assert_eq!(err.code(), Some("InvalidRequestException"));
    sim.shutdown().await;
}

#[tokio::test]
async fn pagination_walks_every_page() {
    let sim = start(instant()).await;
    let c = apprunner(&sim).await;
    for i in 0..45 {
        create_service(&c, &format!("svc-{i:03}"), None).await;
        if i < 25 {
            create_connector(&c, &format!("conn-{i:03}")).await;
        }
    }
    let mut names = Vec::new();
    let mut token = None;
    let mut pages = 0;
    loop {
        let out = c
            .list_services()
            .max_results(20)
            .set_next_token(token.clone())
            .send()
            .await
            .expect("page");
        pages += 1;
        assert!(out.service_summary_list().len() <= 20);
        names.extend(
            out.service_summary_list()
                .iter()
                .filter_map(|s| s.service_name().map(str::to_owned)),
        );
        token = out.next_token().map(str::to_owned);
        if token.is_none() {
            break;
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(names.len(), 45);
    let mut sorted = names.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), 45);

    let first = c
        .list_vpc_connectors()
        .max_results(10)
        .send()
        .await
        .expect("page 1");
    assert_eq!(first.vpc_connectors().len(), 10);
    let mut seen = first.vpc_connectors().len();
    let mut token = first.next_token().map(str::to_owned);
    while let Some(t) = token {
        let out = c
            .list_vpc_connectors()
            .max_results(10)
            .next_token(t)
            .send()
            .await
            .expect("page");
        seen += out.vpc_connectors().len();
        token = out.next_token().map(str::to_owned);
    }
    assert_eq!(seen, 25);
    // Without MaxResults: everything in one response.
    assert_eq!(
        c.list_services()
            .send()
            .await
            .expect("all")
            .service_summary_list()
            .len(),
        45
    );

    let bad = c
        .list_services()
        .next_token("zz-not-a-token")
        .send()
        .await
        .expect_err("bad token");
    assert_eq!(bad.code(), Some("InvalidRequestException"));
    sim.shutdown().await;
}

#[tokio::test]
async fn regions_are_partitioned() {
    let sim = start(instant()).await;
    let west = apprunner_in(&sim, "us-west-2").await;
    let east = apprunner(&sim).await;
    let s = create_service(&west, "west-svc", None).await;
    assert!(s.service_arn().starts_with("arn:aws:apprunner:us-west-2:"));
    assert_eq!(
        west.list_services()
            .send()
            .await
            .expect("west")
            .service_summary_list()
            .len(),
        1
    );
    assert!(east
        .list_services()
        .send()
        .await
        .expect("east")
        .service_summary_list()
        .is_empty());
    let err = east
        .describe_service()
        .service_arn(s.service_arn())
        .send()
        .await
        .expect_err("other region");
    assert!(err
        .as_service_error()
        .is_some_and(|e| e.is_resource_not_found_exception()));
    sim.shutdown().await;
}

#[tokio::test]
async fn validation_errors_come_from_the_model() {
    let sim = start(instant()).await;
    let c = apprunner(&sim).await;
    let err = c
        .list_services()
        .max_results(50)
        .send()
        .await
        .expect_err("range");
    assert!(
        err.as_service_error()
            .is_some_and(|e| e.is_invalid_request_exception()),
        "{err:?}"
    );
    assert!(
        err.message().unwrap_or("").contains("MaxResults"),
        "{err:?}"
    );

    let err = c
        .list_vpc_connectors()
        .max_results(0)
        .send()
        .await
        .expect_err("range");
    assert_eq!(err.code(), Some("InvalidRequestException"));

    // Name too short (min 4) and bad pattern.
    let err = c
        .create_vpc_connector()
        .vpc_connector_name("ab")
        .subnets("s")
        .send()
        .await
        .expect_err("length");
    assert_eq!(err.code(), Some("InvalidRequestException"));
    let err = c
        .create_vpc_connector()
        .vpc_connector_name("bad name!")
        .subnets("s")
        .send()
        .await
        .expect_err("pattern");
    assert_eq!(err.code(), Some("InvalidRequestException"));

    // Bad enum value (the SDK lets unknown enum values through as Unknown variants).
    let err = c
        .create_service()
        .service_name("enum-test")
        .source_configuration(
            aws_sdk_apprunner::types::SourceConfiguration::builder()
                .image_repository(
                    aws_sdk_apprunner::types::ImageRepository::builder()
                        .image_identifier("public.ecr.aws/a/b:latest")
                        .image_repository_type(aws_sdk_apprunner::types::ImageRepositoryType::from(
                            "GCR",
                        ))
                        .build()
                        .expect("repo"),
                )
                .build(),
        )
        .send()
        .await
        .expect_err("enum");
    assert_eq!(err.code(), Some("InvalidRequestException"));
    assert!(err.message().unwrap_or("").contains("enum"), "{err:?}");
    sim.shutdown().await;
}

#[tokio::test]
async fn duplicate_service_name_is_refused() {
    let sim = start(instant()).await;
    let c = apprunner(&sim).await;
    create_service(&c, "dup-name", None).await;
    let err = c
        .create_service()
        .service_name("dup-name")
        .source_configuration(
            aws_sdk_apprunner::types::SourceConfiguration::builder()
                .image_repository(
                    aws_sdk_apprunner::types::ImageRepository::builder()
                        .image_identifier("public.ecr.aws/a/b:latest")
                        .image_repository_type(
                            aws_sdk_apprunner::types::ImageRepositoryType::EcrPublic,
                        )
                        .build()
                        .expect("repo"),
                )
                .build(),
        )
        .send()
        .await
        .expect_err("duplicate");
    assert_eq!(err.code(), Some("InvalidRequestException"));
    sim.shutdown().await;
}
