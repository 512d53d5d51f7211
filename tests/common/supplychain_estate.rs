//! The Supply Chain estate examples/supplychain-cleanup names, as
//! simulator seeds: an instance (which stays) with a namespace of the
//! team's, its datasets and a flow.

use decom_sim::{ResourceType as Sim, SeedResource};

/// The instance examples/supplychain-cleanup's `instance_id` names.
pub const INSTANCE: &str = "8f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4b";

/// The instance `id`, called `name`.
pub fn instance(id: &str, name: &str) -> SeedResource {
    let mut s = SeedResource::new(Sim::SupplyChainInstance, name);
    s.id = Some(id.into());
    s
}

/// A namespace, dataset (with `namespace`) or flow of `instance`.
pub fn child(t: Sim, instance: &str, namespace: Option<&str>, name: &str) -> SeedResource {
    let mut s = SeedResource::new(t, name);
    s.instance_id = Some(instance.into());
    s.namespace = namespace.map(str::to_owned);
    s
}

/// The instance, the `sales` namespace with `orders`, `returns` and one
/// dataset the example does not name (`archive`), a dataset in the
/// built-in `default` namespace, and the `orders-sync` flow.
pub fn estate() -> Vec<SeedResource> {
    vec![
        instance(INSTANCE, "kept"),
        child(Sim::SupplyChainDataLakeNamespace, INSTANCE, None, "sales"),
        child(
            Sim::SupplyChainDataLakeDataset,
            INSTANCE,
            Some("sales"),
            "orders",
        ),
        child(
            Sim::SupplyChainDataLakeDataset,
            INSTANCE,
            Some("sales"),
            "returns",
        ),
        child(
            Sim::SupplyChainDataLakeDataset,
            INSTANCE,
            Some("sales"),
            "archive",
        ),
        child(
            Sim::SupplyChainDataLakeDataset,
            INSTANCE,
            Some("default"),
            "kept",
        ),
        child(
            Sim::SupplyChainDataIntegrationFlow,
            INSTANCE,
            None,
            "orders-sync",
        ),
    ]
}
