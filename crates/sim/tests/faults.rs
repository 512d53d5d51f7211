//! Throttling and fault injection, through the real SDK clients and their retries.

mod common;

use aws_config::retry::RetryConfig;
use aws_sdk_apprunner::error::ProvideErrorMetadata;
use common::*;
use decom_sim::{AuditEntry, SimConfig};

#[tokio::test]
async fn throttling_is_retried_by_the_sdk_and_visible_without_retries() {
    let sim = start(SimConfig {
        throttle_rps: Some(20.0),
        ..instant()
    })
    .await;
    // With retries: every call eventually succeeds.
    let c = aws_sdk_apprunner::Client::new(&sdk_config(&sim, "us-east-1", quick_retries(10)).await);
    for _ in 0..40 {
        c.list_services()
            .send()
            .await
            .expect("retried until admitted");
    }
    let throttled = sim
        .audit()
        .iter()
        .filter(|e| e.error.as_deref() == Some("ThrottlingException"))
        .count();
    assert!(throttled > 0, "the burst of 20 must have been exceeded");

    // Without retries: the ThrottlingException surfaces.
    let raw = aws_sdk_apprunner::Client::new(
        &sdk_config(&sim, "us-east-1", RetryConfig::disabled()).await,
    );
    let mut codes = Vec::new();
    for _ in 0..60 {
        if let Err(e) = raw.list_services().send().await {
            codes.push(e.code().unwrap_or_default().to_owned());
        }
    }
    assert!(
        codes.iter().any(|c| c == "ThrottlingException"),
        "{codes:?}"
    );

    // Supply Chain answers 429.
    let scn_raw = aws_sdk_supplychain::Client::new(
        &sdk_config(&sim, "us-east-1", RetryConfig::disabled()).await,
    );
    let mut statuses = Vec::new();
    for _ in 0..60 {
        if let Err(e) = scn_raw.list_instances().send().await {
            statuses.push(e.raw_response().map(|r| r.status().as_u16()));
        }
    }
    assert!(statuses.contains(&Some(429)), "{statuses:?}");
    sim.shutdown().await;
}

#[tokio::test]
async fn fault_rate_one_answers_500_and_changes_nothing() {
    let sim = start(SimConfig {
        fault_rate: 1.0,
        fault_drop_share: 0.0,
        ..instant()
    })
    .await;
    let raw = aws_sdk_apprunner::Client::new(
        &sdk_config(&sim, "us-east-1", RetryConfig::disabled()).await,
    );
    let err = raw
        .create_vpc_connector()
        .vpc_connector_name("never")
        .subnets("s")
        .send()
        .await
        .expect_err("fault");
    assert_eq!(err.code(), Some("InternalServiceErrorException"));
    assert_eq!(err.raw_response().map(|r| r.status().as_u16()), Some(500));
    let dx = aws_sdk_directconnect::Client::new(
        &sdk_config(&sim, "us-east-1", RetryConfig::disabled()).await,
    );
    let err = dx.describe_connections().send().await.expect_err("fault");
    assert!(
        err.as_service_error()
            .is_some_and(|e| e.is_direct_connect_server_exception()),
        "{err:?}"
    );
    let scn = aws_sdk_supplychain::Client::new(
        &sdk_config(&sim, "us-east-1", RetryConfig::disabled()).await,
    );
    let err = scn.list_instances().send().await.expect_err("fault");
    assert!(
        err.as_service_error()
            .is_some_and(|e| e.is_internal_server_exception()),
        "{err:?}"
    );
    assert!(
        sim.snapshot().resources.is_empty(),
        "a faulted request must not change state"
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn partial_faults_are_survived_with_sdk_retries() {
    let sim = start(SimConfig {
        fault_rate: 0.3,
        fault_drop_share: 0.3,
        seed: 42,
        ..instant()
    })
    .await;
    let c = aws_sdk_apprunner::Client::new(&sdk_config(&sim, "us-east-1", quick_retries(12)).await);
    for i in 0..10 {
        c.create_vpc_connector()
            .vpc_connector_name(format!("conn-{i}"))
            .subnets("s")
            .send()
            .await
            .expect("eventually succeeds");
    }
    let all = c.list_vpc_connectors().send().await.expect("list");
    assert_eq!(
        all.vpc_connectors().len(),
        10,
        "faulted creates must not create anything"
    );
    let audit = sim.audit();
    assert!(audit.iter().any(|e| e.status == 500));
    assert!(audit
        .iter()
        .any(|e| e.status == 0 && e.error.as_deref() == Some("ConnectionDropped")));
    sim.shutdown().await;
}

/// The fault sequence (which request numbers fail) for a seed.
async fn fault_sequence(seed: u64) -> Vec<u16> {
    let sim = start(SimConfig {
        fault_rate: 0.3,
        fault_drop_share: 0.0,
        seed,
        ..instant()
    })
    .await;
    let raw = aws_sdk_apprunner::Client::new(
        &sdk_config(&sim, "us-east-1", RetryConfig::disabled()).await,
    );
    for _ in 0..30 {
        let _ = raw.list_services().send().await;
    }
    let seq = sim.audit().iter().map(|e: &AuditEntry| e.status).collect();
    sim.shutdown().await;
    seq
}

#[tokio::test]
async fn same_seed_same_fault_sequence() {
    let a = fault_sequence(7).await;
    let b = fault_sequence(7).await;
    let c = fault_sequence(8).await;
    assert_eq!(a, b);
    assert_ne!(a, c);
    assert!(a.contains(&500) && a.contains(&200));
}

#[tokio::test]
async fn ids_are_deterministic_under_a_seed() {
    async fn ids(seed: u64) -> Vec<String> {
        let sim = start(SimConfig { seed, ..instant() }).await;
        let c = dx(&sim).await;
        let mut out = Vec::new();
        for i in 0..3 {
            let conn = c
                .create_connection()
                .location("EqDC2")
                .bandwidth("1Gbps")
                .connection_name(format!("c{i}"))
                .send()
                .await
                .expect("create");
            out.push(conn.connection_id().unwrap_or_default().to_owned());
        }
        sim.shutdown().await;
        out
    }
    assert_eq!(ids(5).await, ids(5).await);
    assert_ne!(ids(5).await, ids(6).await);
}

/// AWS's API quotas are per account and region: draining one region's
/// App Runner bucket leaves another region's untouched.
#[tokio::test]
async fn each_region_has_its_own_throttle_bucket() {
    let sim = start(SimConfig {
        throttle_rps: Some(5.0),
        ..instant()
    })
    .await;
    let client = |region: &'static str| {
        let sim = &sim;
        async move {
            aws_sdk_apprunner::Client::new(&sdk_config(sim, region, RetryConfig::disabled()).await)
        }
    };
    let east = client("us-east-1").await;
    let west = client("eu-west-1").await;
    let mut east_throttled = false;
    for _ in 0..20 {
        if let Err(e) = east.list_services().send().await {
            east_throttled |= e.code() == Some("ThrottlingException");
        }
    }
    assert!(east_throttled, "a burst of 20 exceeds a bucket of 5");
    for _ in 0..4 {
        west.list_services()
            .send()
            .await
            .expect("eu-west-1's bucket is full");
    }
    sim.shutdown().await;
}
