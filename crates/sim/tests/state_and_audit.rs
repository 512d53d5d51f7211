//! `--state` seeding (SimConfig::initial_state / SimHandle::seed / snapshot)
//! and the audit log.

mod common;

use std::collections::BTreeMap;

use aws_sdk_apprunner::error::ProvideErrorMetadata;
use common::*;
use decom_sim::{AuditEntry, ResourceType, SeedResource, Sim, SimConfig, SimError, SimState};

fn seed_json() -> &'static str {
    r#"{
      "resources": [
        {"type": "aws_apprunner_vpc_connector", "name": "conn-a",
         "arn": "arn:aws:apprunner:us-east-1:123456789012:vpcconnector/conn-a/1/0123456789abcdef0123456789abcdef"},
        {"type": "aws_apprunner_service", "name": "web",
         "arn": "arn:aws:apprunner:us-east-1:123456789012:service/web/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
         "vpc_connector_arn": "arn:aws:apprunner:us-east-1:123456789012:vpcconnector/conn-a/1/0123456789abcdef0123456789abcdef",
         "tags": {"team": "web"}},
        {"type": "aws_apprunner_vpc_ingress_connection", "name": "ing",
         "service_arn": "arn:aws:apprunner:us-east-1:123456789012:service/web/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"},
        {"type": "aws_dx_connection", "id": "dxcon-abcd1234", "name": "dc-1", "region": "us-west-2"},
        {"type": "aws_dx_virtual_interface", "name": "vif-1", "connection_id": "dxcon-abcd1234", "region": "us-west-2", "status": "available"},
        {"type": "aws_supplychain_instance", "name": "scn", "status": "Initializing"}
      ]
    }"#
}

#[tokio::test]
async fn state_file_seeds_every_type_with_relations() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("state.json");
    std::fs::write(&path, seed_json()).expect("write");
    let state = SimState::load(&path).expect("load");
    let sim = start(SimConfig {
        initial_state: Some(state),
        ..instant()
    })
    .await;
    let c = apprunner(&sim).await;
    let svc =
        "arn:aws:apprunner:us-east-1:123456789012:service/web/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    let d = c
        .describe_service()
        .service_arn(svc)
        .send()
        .await
        .expect("seeded service");
    let s = d.service().expect("service");
    assert_eq!(s.status().as_str(), "RUNNING");
    assert_eq!(s.service_id(), "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
    // Seeded relations drive the refusals.
    let err = c
        .delete_service()
        .service_arn(svc)
        .send()
        .await
        .expect_err("ingress AVAILABLE");
    assert_eq!(err.code(), Some("InvalidStateException"));
    let err = c
        .delete_vpc_connector()
        .vpc_connector_arn("arn:aws:apprunner:us-east-1:123456789012:vpcconnector/conn-a/1/0123456789abcdef0123456789abcdef")
        .send()
        .await
        .expect_err("in use");
    assert_eq!(err.code(), Some("InvalidRequestException"));
    let tags = c
        .list_tags_for_resource()
        .resource_arn(svc)
        .send()
        .await
        .expect("tags");
    assert_eq!(tags.tags()[0].value(), Some("web"));

    let west = dx_in(&sim, "us-west-2").await;
    let err = west
        .delete_connection()
        .connection_id("dxcon-abcd1234")
        .send()
        .await
        .expect_err("has vif");
    assert_eq!(err.code(), Some("DirectConnectClientException"));
    let vifs = west
        .describe_virtual_interfaces()
        .connection_id("dxcon-abcd1234")
        .send()
        .await
        .expect("vifs");
    assert_eq!(vifs.virtual_interfaces().len(), 1);

    // Seeded transitional status settles (instant latencies here).
    let sc = scn(&sim).await;
    let list = sc.list_instances().send().await.expect("list");
    assert_eq!(list.instances().len(), 1);
    assert_eq!(list.instances()[0].state().as_str(), "Active");

    // Snapshot round-trips in the same format.
    let snap = sim.snapshot();
    assert_eq!(snap.resources.len(), 6);
    let text = serde_json::to_string(&snap).expect("serialize");
    let back: SimState = serde_json::from_str(&text).expect("deserialize");
    assert_eq!(back, snap);
    let ing = snap
        .of_type(ResourceType::AppRunnerVpcIngressConnection)
        .next()
        .expect("ingress");
    assert_eq!(ing.service_arn.as_deref(), Some(svc));
    sim.shutdown().await;
}

#[tokio::test]
async fn seeding_at_runtime_and_bad_seeds() {
    let sim = start(instant()).await;
    let mut conn = SeedResource::new(ResourceType::DxConnection, "dc-x");
    conn.tags = BTreeMap::from([("k".to_string(), "v".to_string())]);
    conn.id = Some("dxcon-seed0001".into());
    let mut vif = SeedResource::new(ResourceType::DxVirtualInterface, "vif-x");
    vif.connection_id = Some("dxcon-seed0001".into());
    vif.status = Some("deleting".into());
    sim.seed(&SimState {
        resources: vec![conn.clone(), vif],
    })
    .expect("seed");
    let c = dx(&sim).await;
    let out = c
        .describe_connections()
        .connection_id("dxcon-seed0001")
        .send()
        .await
        .expect("seeded");
    assert_eq!(out.connections()[0].connection_name(), Some("dc-x"));
    // A duplicate identity is refused.
    let err = sim
        .seed(&SimState {
            resources: vec![conn],
        })
        .expect_err("duplicate");
    assert!(err.to_string().contains("duplicate"), "{err}");
    // Bad status and missing relation are refused.
    let mut bad = SeedResource::new(ResourceType::AppRunnerService, "svc");
    bad.status = Some("available".into());
    assert!(sim
        .seed(&SimState {
            resources: vec![bad]
        })
        .is_err());
    let orphan = SeedResource::new(ResourceType::AppRunnerVpcIngressConnection, "ing");
    assert!(sim
        .seed(&SimState {
            resources: vec![orphan]
        })
        .is_err());
    let bad_start = Sim::start(SimConfig {
        initial_state: Some(SimState {
            resources: vec![SeedResource::new(ResourceType::DxVirtualInterface, "v")],
        }),
        ..SimConfig::default()
    })
    .await;
    assert!(matches!(bad_start, Err(SimError::Seed(_))));
    assert!(serde_json::from_str::<SimState>(r#"{"resources":[{"type":"aws_nope"}]}"#).is_err());
    sim.shutdown().await;
}

#[tokio::test]
async fn audit_log_file_has_one_json_line_per_request() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("audit.jsonl");
    let sim = start(SimConfig {
        audit_log: Some(path.clone()),
        ..instant()
    })
    .await;
    let c = apprunner(&sim).await;
    let conn = create_connector(&c, "audited").await;
    c.list_vpc_connectors().send().await.expect("list");
    c.delete_vpc_connector()
        .vpc_connector_arn(&conn)
        .send()
        .await
        .expect("delete");
    let _ = c
        .describe_vpc_connector()
        .vpc_connector_arn("arn:aws:apprunner:us-east-1:123456789012:vpcconnector/x/1/00000000000000000000000000000000")
        .send()
        .await;
    let s = scn_in(&sim, "eu-west-1").await;
    let _ = s
        .get_instance()
        .instance_id("00000000-0000-4000-8000-000000000000")
        .send()
        .await;
    let text = std::fs::read_to_string(&path).expect("audit file");
    let lines: Vec<AuditEntry> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is an AuditEntry"))
        .collect();
    assert_eq!(lines, sim.audit());
    let ops: Vec<&str> = lines.iter().map(|e| e.operation.as_str()).collect();
    assert_eq!(
        ops,
        [
            "CreateVpcConnector",
            "ListVpcConnectors",
            "DeleteVpcConnector",
            "DescribeVpcConnector",
            "GetInstance"
        ]
    );
    assert_eq!(
        lines[0].target.as_deref(),
        Some(conn.as_str()),
        "create targets the new ARN"
    );
    assert_eq!(lines[1].target, None, "lists have no target");
    assert_eq!(lines[2].target.as_deref(), Some(conn.as_str()));
    assert_eq!(lines[2].status, 200);
    assert_eq!(lines[3].status, 400);
    assert_eq!(lines[3].error.as_deref(), Some("ResourceNotFoundException"));
    assert_eq!(lines[4].service, "supplychain");
    assert_eq!(lines[4].status, 404);
    assert_eq!(lines[4].region, "eu-west-1");
    assert!(
        lines[0].ts.ends_with('Z') && lines[0].ts.len() == 24,
        "{}",
        lines[0].ts
    );
    let raw: serde_json::Value =
        serde_json::from_str(text.lines().next().unwrap_or("{}")).expect("json");
    for key in ["ts", "service", "operation", "target", "status"] {
        assert!(raw.get(key).is_some(), "missing {key}");
    }
    sim.shutdown().await;
}
