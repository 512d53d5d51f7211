//! Conformance: drive every supported operation (successes and errors)
//! through the real SDK clients, record every response body the simulator
//! produced, and check each against the botocore model: the operation's
//! output shape for successes, the error shape for errors (member names and
//! casing, types, required members, enum values).

mod common;

use std::collections::BTreeSet;

use aws_sdk_apprunner::types as ar;
use aws_sdk_directconnect::types as dxt;
use common::*;
use decom_sim::model::models;
use decom_sim::ServiceKind;

const EXPECTED: &[(&str, &str)] = &[
    ("apprunner", "CreateService"),
    ("apprunner", "DescribeService"),
    ("apprunner", "ListServices"),
    ("apprunner", "DeleteService"),
    ("apprunner", "CreateVpcConnector"),
    ("apprunner", "DescribeVpcConnector"),
    ("apprunner", "ListVpcConnectors"),
    ("apprunner", "DeleteVpcConnector"),
    ("apprunner", "CreateVpcIngressConnection"),
    ("apprunner", "DescribeVpcIngressConnection"),
    ("apprunner", "ListVpcIngressConnections"),
    ("apprunner", "DeleteVpcIngressConnection"),
    ("apprunner", "ListTagsForResource"),
    ("directconnect", "CreateConnection"),
    ("directconnect", "DescribeConnections"),
    ("directconnect", "DeleteConnection"),
    ("directconnect", "CreatePrivateVirtualInterface"),
    ("directconnect", "DescribeVirtualInterfaces"),
    ("directconnect", "DeleteVirtualInterface"),
    ("directconnect", "DescribeTags"),
    ("directconnect", "CreateLag"),
    ("directconnect", "DescribeLags"),
    ("directconnect", "DeleteLag"),
    ("directconnect", "CreateDirectConnectGateway"),
    ("directconnect", "DescribeDirectConnectGateways"),
    ("directconnect", "DeleteDirectConnectGateway"),
    ("directconnect", "CreateDirectConnectGatewayAssociation"),
    ("directconnect", "DescribeDirectConnectGatewayAssociations"),
    ("directconnect", "DeleteDirectConnectGatewayAssociation"),
    ("supplychain", "CreateInstance"),
    ("supplychain", "GetInstance"),
    ("supplychain", "ListInstances"),
    ("supplychain", "DeleteInstance"),
    ("supplychain", "ListTagsForResource"),
    ("supplychain", "CreateDataLakeNamespace"),
    ("supplychain", "GetDataLakeNamespace"),
    ("supplychain", "ListDataLakeNamespaces"),
    ("supplychain", "DeleteDataLakeNamespace"),
    ("supplychain", "CreateDataLakeDataset"),
    ("supplychain", "GetDataLakeDataset"),
    ("supplychain", "ListDataLakeDatasets"),
    ("supplychain", "DeleteDataLakeDataset"),
    ("supplychain", "CreateDataIntegrationFlow"),
    ("supplychain", "GetDataIntegrationFlow"),
    ("supplychain", "ListDataIntegrationFlows"),
    ("supplychain", "DeleteDataIntegrationFlow"),
];

async fn drive_apprunner(sim: &decom_sim::SimHandle) {
    let c = apprunner(sim).await;
    let conn = create_connector(&c, "conf-conn").await;
    let svc = create_service(&c, "conf-svc", Some(&conn))
        .await
        .service_arn()
        .to_owned();
    let _ = c.describe_service().service_arn(&svc).send().await;
    let _ = c.list_services().max_results(1).send().await;
    let _ = c
        .describe_vpc_connector()
        .vpc_connector_arn(&conn)
        .send()
        .await;
    let _ = c.list_vpc_connectors().send().await;
    let ing = c
        .create_vpc_ingress_connection()
        .service_arn(&svc)
        .vpc_ingress_connection_name("conf-ing")
        .ingress_vpc_configuration(
            ar::IngressVpcConfiguration::builder()
                .vpc_id("vpc-1")
                .vpc_endpoint_id("vpce-1")
                .build(),
        )
        .tags(ar::Tag::builder().key("a").value("b").build())
        .send()
        .await
        .expect("create ingress");
    let ing = ing
        .vpc_ingress_connection()
        .and_then(|i| i.vpc_ingress_connection_arn())
        .unwrap_or_default()
        .to_owned();
    let _ = c
        .describe_vpc_ingress_connection()
        .vpc_ingress_connection_arn(&ing)
        .send()
        .await;
    let _ = c.list_vpc_ingress_connections().max_results(1).send().await;
    let _ = c.list_tags_for_resource().resource_arn(&ing).send().await;
    // Errors: blocked delete, connector in use, not found, validation.
    let _ = c.delete_service().service_arn(&svc).send().await;
    let _ = c
        .delete_vpc_connector()
        .vpc_connector_arn(&conn)
        .send()
        .await;
    let _ = c.list_services().max_results(50).send().await;
    let _ = c
        .describe_service()
        .service_arn(
            "arn:aws:apprunner:us-east-1:123456789012:service/x/00000000000000000000000000000000",
        )
        .send()
        .await;
    let _ = c
        .delete_vpc_ingress_connection()
        .vpc_ingress_connection_arn(&ing)
        .send()
        .await;
    let _ = c.delete_service().service_arn(&svc).send().await;
    service_status(&c, &svc, "DELETED").await;
    let _ = c
        .delete_vpc_connector()
        .vpc_connector_arn(&conn)
        .send()
        .await;
    let _ = c.list_vpc_connectors().send().await;
    let _ = c.list_services().send().await;
}

async fn drive_directconnect(sim: &decom_sim::SimHandle) {
    let c = dx(sim).await;
    let conn = c
        .create_connection()
        .location("EqDC2")
        .bandwidth("10Gbps")
        .connection_name("conf-dc")
        .tags(
            dxt::Tag::builder()
                .key("k")
                .value("v")
                .build()
                .expect("tag"),
        )
        .send()
        .await
        .expect("create connection");
    let id = conn.connection_id().unwrap_or_default().to_owned();
    let _ = c.describe_connections().send().await;
    let gw = c
        .create_direct_connect_gateway()
        .direct_connect_gateway_name("conf-gw")
        .amazon_side_asn(64600)
        .send()
        .await
        .expect("create gateway");
    let gw = gw
        .direct_connect_gateway()
        .and_then(|g| g.direct_connect_gateway_id())
        .unwrap_or_default()
        .to_owned();
    let vif = c
        .create_private_virtual_interface()
        .connection_id(&id)
        .new_private_virtual_interface(
            dxt::NewPrivateVirtualInterface::builder()
                .virtual_interface_name("conf-vif")
                .vlan(42)
                .asn(65001)
                .direct_connect_gateway_id(&gw)
                .build()
                .expect("spec"),
        )
        .send()
        .await
        .expect("create vif");
    let vif = vif.virtual_interface_id().unwrap_or_default().to_owned();
    let _ = c.describe_virtual_interfaces().send().await;
    let _ = c
        .describe_virtual_interfaces()
        .connection_id(&id)
        .send()
        .await;
    let _ = c
        .describe_virtual_interfaces()
        .virtual_interface_id(&vif)
        .send()
        .await;
    let _ = c
        .describe_tags()
        .resource_arns(format!(
            "arn:aws:directconnect:us-east-1:123456789012:dxcon/{id}"
        ))
        .resource_arns(format!(
            "arn:aws:directconnect:us-east-1:123456789012:dxvif/{vif}"
        ))
        .send()
        .await;
    let _ = c.delete_connection().connection_id(&id).send().await; // refused: has VIF
    let _ = c
        .delete_virtual_interface()
        .virtual_interface_id(&vif)
        .send()
        .await;
    let _ = c.delete_connection().connection_id(&id).send().await;
    let _ = c
        .describe_connections()
        .connection_id("dxcon-nope0000")
        .send()
        .await;
    drive_lags_and_gateways(&c, &gw).await;
}

async fn drive_lags_and_gateways(c: &aws_sdk_directconnect::Client, gw: &str) {
    let lag = c
        .create_lag()
        .number_of_connections(2)
        .location("EqDC2")
        .connections_bandwidth("10Gbps")
        .lag_name("conf-lag")
        .child_connection_tags(dxt::Tag::builder().key("k").build().expect("tag"))
        .send()
        .await
        .expect("create lag");
    let lag_id = lag.lag_id().unwrap_or_default().to_owned();
    let member = lag
        .connections()
        .first()
        .and_then(|m| m.connection_id())
        .unwrap_or_default()
        .to_owned();
    let _ = c.describe_lags().send().await;
    let _ = c.describe_lags().lag_id(&lag_id).send().await;
    let _ = c.delete_connection().connection_id(&member).send().await; // one left: allowed
    let _ = c.delete_lag().lag_id(&lag_id).send().await;
    let _ = c.delete_lag().lag_id("dxlag-nope0000").send().await;
    let assoc = c
        .create_direct_connect_gateway_association()
        .direct_connect_gateway_id(gw)
        .gateway_id("vgw-conf")
        .send()
        .await
        .expect("associate");
    let assoc = assoc
        .direct_connect_gateway_association()
        .and_then(|a| a.association_id())
        .unwrap_or_default()
        .to_owned();
    let _ = c.describe_direct_connect_gateways().send().await;
    let _ = c
        .describe_direct_connect_gateway_associations()
        .direct_connect_gateway_id(gw)
        .send()
        .await;
    let _ = c
        .describe_direct_connect_gateway_associations()
        .send()
        .await; // refused
    let _ = c
        .delete_direct_connect_gateway()
        .direct_connect_gateway_id(gw)
        .send()
        .await; // refused
    let _ = c
        .delete_direct_connect_gateway_association()
        .association_id(&assoc)
        .send()
        .await;
    let _ = c
        .describe_direct_connect_gateway_associations()
        .association_id(&assoc)
        .send()
        .await;
    let _ = c
        .delete_direct_connect_gateway()
        .direct_connect_gateway_id(gw)
        .send()
        .await;
}

async fn drive_supplychain(sim: &decom_sim::SimHandle) {
    let c = scn(sim).await;
    let out = c
        .create_instance()
        .instance_name("conf-scn")
        .kms_key_arn("arn:aws:kms:us-east-1:123456789012:key/abc")
        .tags("a", "b")
        .send()
        .await
        .expect("create instance");
    let id = out
        .instance()
        .map(|i| i.instance_id().to_owned())
        .unwrap_or_default();
    let _ = c.get_instance().instance_id(&id).send().await;
    let _ = c.list_instances().send().await;
    let _ = c
        .list_tags_for_resource()
        .resource_arn(format!("arn:aws:scn:us-east-1:123456789012:instance/{id}"))
        .send()
        .await;
    drive_supplychain_children(&c, &id).await;
    let _ = c.delete_instance().instance_id(&id).send().await;
    let _ = c.delete_instance().instance_id(&id).send().await; // 409
    let _ = c
        .get_instance()
        .instance_id("00000000-0000-4000-8000-000000000000")
        .send()
        .await; // 404
    let _ = c.list_instances().max_results(99).send().await; // 400
}

async fn drive_supplychain_children(c: &aws_sdk_supplychain::Client, id: &str) {
    use aws_sdk_supplychain::types as sc;
    let _ = c
        .create_data_lake_namespace()
        .instance_id(id)
        .name("conf_ns")
        .description("d")
        .send()
        .await;
    let _ = c
        .create_data_lake_namespace()
        .instance_id(id)
        .name("asc")
        .send()
        .await; // 409
    let _ = c
        .get_data_lake_namespace()
        .instance_id(id)
        .name("conf_ns")
        .send()
        .await;
    let _ = c
        .get_data_lake_namespace()
        .instance_id(id)
        .name("default")
        .send()
        .await;
    let _ = c.list_data_lake_namespaces().instance_id(id).send().await;
    let schema = sc::DataLakeDatasetSchema::builder()
        .name("Orders")
        .fields(
            sc::DataLakeDatasetSchemaField::builder()
                .name("id")
                .r#type(sc::DataLakeDatasetSchemaFieldType::String)
                .is_required(true)
                .build()
                .expect("field"),
        )
        .build()
        .expect("schema");
    let _ = c
        .create_data_lake_dataset()
        .instance_id(id)
        .namespace("conf_ns")
        .name("orders")
        .schema(schema)
        .send()
        .await;
    let _ = c
        .get_data_lake_dataset()
        .instance_id(id)
        .namespace("conf_ns")
        .name("orders")
        .send()
        .await;
    let _ = c
        .list_data_lake_datasets()
        .instance_id(id)
        .namespace("conf_ns")
        .send()
        .await;
    let _ = c
        .delete_data_lake_dataset()
        .instance_id(id)
        .namespace("conf_ns")
        .name("orders")
        .send()
        .await;
    let _ = c
        .delete_data_lake_namespace()
        .instance_id(id)
        .name("conf_ns")
        .send()
        .await;
    let _ = c
        .delete_data_lake_namespace()
        .instance_id(id)
        .name("default")
        .send()
        .await; // 400
    let _ = c
        .create_data_integration_flow()
        .instance_id(id)
        .name("conf-flow")
        .sources(
            sc::DataIntegrationFlowSource::builder()
                .source_type(sc::DataIntegrationFlowSourceType::S3)
                .source_name("src")
                .build()
                .expect("source"),
        )
        .transformation(
            sc::DataIntegrationFlowTransformation::builder()
                .transformation_type(sc::DataIntegrationFlowTransformationType::None)
                .build()
                .expect("transformation"),
        )
        .target(
            sc::DataIntegrationFlowTarget::builder()
                .target_type(sc::DataIntegrationFlowTargetType::S3)
                .build()
                .expect("target"),
        )
        .send()
        .await;
    let _ = c
        .get_data_integration_flow()
        .instance_id(id)
        .name("conf-flow")
        .send()
        .await;
    let _ = c.list_data_integration_flows().instance_id(id).send().await;
    let _ = c
        .delete_data_integration_flow()
        .instance_id(id)
        .name("conf-flow")
        .send()
        .await;
}

#[tokio::test]
async fn every_response_matches_the_model() {
    let sim = start(instant()).await;
    drive_apprunner(&sim).await;
    drive_directconnect(&sim).await;
    drive_supplychain(&sim).await;
    let responses = sim.responses();
    assert!(responses.len() > 30, "{}", responses.len());
    let mut ok_ops = BTreeSet::new();
    let mut error_codes = BTreeSet::new();
    let mut problems = Vec::new();
    for r in &responses {
        let service = match r.service.as_str() {
            "apprunner" => ServiceKind::AppRunner,
            "directconnect" => ServiceKind::DirectConnect,
            _ => ServiceKind::SupplyChain,
        };
        let model = models().get(service);
        let op = model
            .operation(&r.operation)
            .expect("recorded operations are modeled");
        let (shape, what) = match &r.error_code {
            None => {
                assert_eq!(
                    r.status, op.response_code,
                    "{}: success status",
                    r.operation
                );
                ok_ops.insert((r.service.clone(), r.operation.clone()));
                (op.output.clone().expect("output shape"), "output")
            }
            Some(code) => {
                error_codes.insert(code.clone());
                assert!(
                    op.errors.contains(code),
                    "{} answered {code}, which the model does not list for it",
                    r.operation
                );
                let status = models()
                    .get(service)
                    .shapes
                    .get(code)
                    .and_then(|s| s.http_status);
                if let Some(s) = status {
                    assert_eq!(r.status, s, "{code} status");
                } else {
                    assert_eq!(r.status, 400, "{code} status");
                }
                (code.clone(), "error")
            }
        };
        for p in model.check_shape(&shape, &r.body) {
            problems.push(format!(
                "{} {} ({what} {shape}): {p}",
                r.service, r.operation
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "non-conformant responses:\n{}",
        problems.join("\n")
    );
    for (svc, op) in EXPECTED {
        assert!(
            ok_ops.contains(&(svc.to_string(), op.to_string())),
            "no successful {svc} {op} was recorded"
        );
    }
    for code in [
        "InvalidStateException",
        "InvalidRequestException",
        "ResourceNotFoundException",
        "DirectConnectClientException",
        "ConflictException",
        "ValidationException",
    ] {
        assert!(
            error_codes.contains(code),
            "no {code} was exercised: {error_codes:?}"
        );
    }
    sim.shutdown().await;
}

#[test]
fn the_checker_catches_nonconformant_bodies() {
    let m = &models().apprunner;
    let bad_case = serde_json::json!({"service": {}});
    assert!(!m
        .check_shape("DescribeServiceResponse", &bad_case)
        .is_empty());
    let bad_enum = serde_json::json!({"VpcConnector": {"Status": "GONE"}});
    assert!(!m
        .check_shape("DescribeVpcConnectorResponse", &bad_enum)
        .is_empty());
    let bad_type = serde_json::json!({"VpcConnector": {"CreatedAt": "yesterday"}});
    assert!(!m
        .check_shape("DescribeVpcConnectorResponse", &bad_type)
        .is_empty());
    let missing = serde_json::json!({});
    assert!(!m
        .check_shape("DescribeVpcConnectorResponse", &missing)
        .is_empty());
    let ok = serde_json::json!({"__type": "InvalidStateException", "Message": "x"});
    assert!(m.check_shape("InvalidStateException", &ok).is_empty());
    let wrong_case = serde_json::json!({"__type": "InvalidStateException", "message": "x"});
    assert!(!m
        .check_shape("InvalidStateException", &wrong_case)
        .is_empty());
}
