//! Supply Chain data lake namespaces, datasets and data integration flows
//! through the real aws-sdk-supplychain client: built-in namespaces, the
//! cascades of DeleteDataLakeNamespace and DeleteInstance, and seeding.

mod common;

use aws_sdk_supplychain::error::ProvideErrorMetadata;
use aws_sdk_supplychain::types as sc;
use common::*;
use decom_sim::{ResourceType, SeedResource, SimConfig, SimState};

type Scn = aws_sdk_supplychain::Client;

const INSTANCE: &str = "0a1b2c3d-0000-4000-8000-000000000001";

fn seeded_instance() -> SimConfig {
    let mut i = SeedResource::new(ResourceType::SupplyChainInstance, "scn");
    i.id = Some(INSTANCE.into());
    SimConfig {
        initial_state: Some(SimState { resources: vec![i] }),
        ..instant()
    }
}

async fn namespace(c: &Scn, name: &str) {
    c.create_data_lake_namespace()
        .instance_id(INSTANCE)
        .name(name)
        .send()
        .await
        .expect("CreateDataLakeNamespace");
}

async fn dataset(c: &Scn, ns: &str, name: &str) {
    c.create_data_lake_dataset()
        .instance_id(INSTANCE)
        .namespace(ns)
        .name(name)
        .send()
        .await
        .expect("CreateDataLakeDataset");
}

async fn flow(c: &Scn, name: &str) {
    c.create_data_integration_flow()
        .instance_id(INSTANCE)
        .name(name)
        .sources(
            sc::DataIntegrationFlowSource::builder()
                .source_type(sc::DataIntegrationFlowSourceType::Dataset)
                .source_name("in")
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
                .target_type(sc::DataIntegrationFlowTargetType::Dataset)
                .build()
                .expect("target"),
        )
        .send()
        .await
        .expect("CreateDataIntegrationFlow");
}

async fn namespace_names(c: &Scn) -> Vec<String> {
    let out = c
        .list_data_lake_namespaces()
        .instance_id(INSTANCE)
        .send()
        .await
        .expect("ListDataLakeNamespaces");
    out.namespaces()
        .iter()
        .map(|n| n.name().to_owned())
        .collect()
}

async fn dataset_names(c: &Scn, ns: &str) -> Vec<String> {
    let out = c
        .list_data_lake_datasets()
        .instance_id(INSTANCE)
        .namespace(ns)
        .send()
        .await
        .expect("ListDataLakeDatasets");
    out.datasets().iter().map(|d| d.name().to_owned()).collect()
}

#[tokio::test]
async fn namespaces_datasets_and_their_cascade() {
    let sim = start(seeded_instance()).await;
    let c = scn(&sim).await;
    // The built-in namespaces exist (their datasets are listed, below)
    // but are never listed: "only return custom namespaces" (the model).
    assert!(namespace_names(&c).await.is_empty());
    namespace(&c, "planning").await;
    dataset(&c, "planning", "orders").await;
    dataset(&c, "planning", "items").await;
    dataset(&c, "default", "kept").await;
    assert_eq!(namespace_names(&c).await, ["planning"]);
    assert_eq!(dataset_names(&c, "default").await, ["kept"]);
    assert_eq!(dataset_names(&c, "planning").await, ["items", "orders"]);

    let dup = c
        .create_data_lake_namespace()
        .instance_id(INSTANCE)
        .name("asc")
        .send()
        .await
        .expect_err("built in");
    assert_eq!(dup.code(), Some("ConflictException"));
    let err = c
        .delete_data_lake_namespace()
        .instance_id(INSTANCE)
        .name("default")
        .send()
        .await
        .expect_err("built-in namespaces cannot be deleted");
    assert_eq!(err.code(), Some("ValidationException"));

    // A page of one, then the rest.
    let first = c
        .list_data_lake_datasets()
        .instance_id(INSTANCE)
        .namespace("planning")
        .max_results(1)
        .send()
        .await
        .expect("page 1");
    assert_eq!(first.datasets().len(), 1);
    let token = first.next_token().expect("more to come").to_owned();
    let second = c
        .list_data_lake_datasets()
        .instance_id(INSTANCE)
        .namespace("planning")
        .next_token(token)
        .send()
        .await
        .expect("page 2");
    assert_eq!(second.datasets()[0].name(), "orders");
    assert!(second.next_token().is_none());

    // DeleteDataLakeNamespace takes its datasets with it.
    c.delete_data_lake_namespace()
        .instance_id(INSTANCE)
        .name("planning")
        .send()
        .await
        .expect("DeleteDataLakeNamespace");
    let gone = c
        .get_data_lake_dataset()
        .instance_id(INSTANCE)
        .namespace("planning")
        .name("orders")
        .send()
        .await
        .expect_err("went with its namespace");
    assert_eq!(gone.code(), Some("ResourceNotFoundException"));
    assert_eq!(dataset_names(&c, "default").await, ["kept"]);
    sim.shutdown().await;
}

#[tokio::test]
async fn flows_and_delete_instance_takes_every_child() {
    let sim = start(seeded_instance()).await;
    let c = scn(&sim).await;
    flow(&c, "nightly-load").await;
    namespace(&c, "staging").await;
    dataset(&c, "staging", "raw").await;
    dataset(&c, "asc", "custom").await;
    let got = c
        .get_data_integration_flow()
        .instance_id(INSTANCE)
        .name("nightly-load")
        .send()
        .await
        .expect("GetDataIntegrationFlow");
    assert_eq!(got.flow().map(|f| f.name()), Some("nightly-load"));
    let listed = c
        .list_data_integration_flows()
        .instance_id(INSTANCE)
        .send()
        .await
        .expect("ListDataIntegrationFlows");
    assert_eq!(listed.flows().len(), 1);
    assert_eq!(sim.snapshot().resources.len(), 5);

    c.delete_instance()
        .instance_id(INSTANCE)
        .send()
        .await
        .expect("DeleteInstance");
    // Only the instance is left (Deleting); its children went with it.
    let left = sim.snapshot();
    assert_eq!(left.resources.len(), 1, "{left:?}");
    let err = c
        .list_data_lake_namespaces()
        .instance_id(INSTANCE)
        .send()
        .await
        .expect_err("children of a deleted instance");
    assert_eq!(err.code(), Some("ResourceNotFoundException"));
    sim.shutdown().await;
}

#[tokio::test]
async fn seeded_children_are_listed_and_snapshotted() {
    let mut state = seeded_instance().initial_state.unwrap_or_default();
    let mut ns = SeedResource::new(ResourceType::SupplyChainDataLakeNamespace, "sales");
    ns.instance_id = Some(INSTANCE.into());
    let mut ds = SeedResource::new(ResourceType::SupplyChainDataLakeDataset, "orders");
    ds.instance_id = Some(INSTANCE.into());
    ds.namespace = Some("sales".into());
    let mut fl = SeedResource::new(ResourceType::SupplyChainDataIntegrationFlow, "load");
    fl.instance_id = Some(INSTANCE.into());
    state.resources.extend([ns, ds, fl]);
    let sim = start(SimConfig {
        initial_state: Some(state),
        ..instant()
    })
    .await;
    let c = scn(&sim).await;
    assert_eq!(namespace_names(&c).await, ["sales"]);
    assert_eq!(dataset_names(&c, "sales").await, ["orders"]);
    let snap = sim.snapshot();
    let ds = snap
        .of_type(ResourceType::SupplyChainDataLakeDataset)
        .next()
        .expect("dataset");
    assert_eq!(ds.namespace.as_deref(), Some("sales"));
    assert_eq!(ds.instance_id.as_deref(), Some(INSTANCE));
    // The snapshot seeds an equal simulator.
    let again = start(SimConfig {
        initial_state: Some(snap.clone()),
        ..instant()
    })
    .await;
    assert_eq!(again.snapshot().resources.len(), snap.resources.len());

    // A built-in namespace cannot be seeded.
    let mut bad = SeedResource::new(ResourceType::SupplyChainDataLakeNamespace, "asc");
    bad.instance_id = Some(INSTANCE.into());
    let err = sim
        .seed(&SimState {
            resources: vec![bad],
        })
        .expect_err("built in");
    assert!(err.to_string().contains("built in"), "{err}");
    again.shutdown().await;
    sim.shutdown().await;
}
