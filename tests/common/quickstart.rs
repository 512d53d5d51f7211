//! Live resources matching examples/quickstart, for seeding the simulator.

use decom_sim::{ResourceType as Sim, SeedResource};

pub const ACCOUNT: &str = "123456789012";
pub const CONNECTOR_ARN: &str =
    "arn:aws:apprunner:us-east-1:123456789012:vpcconnector/shared/1/89efcdab0123456789abcdef01234567";
pub const SERVICE_ARN: &str =
    "arn:aws:apprunner:us-east-1:123456789012:service/shop-staging-web/0123456789abcdef0123456789abcdef";

fn seed(ty: Sim, name: &str) -> SeedResource {
    SeedResource::new(ty, name)
}

/// Live resources matching examples/quickstart.
pub fn quickstart_seed() -> Vec<SeedResource> {
    let mut connector = seed(Sim::AppRunnerVpcConnector, "shared");
    connector.arn = Some(CONNECTOR_ARN.into());
    let mut service = seed(Sim::AppRunnerService, "shop-staging-web");
    service.arn = Some(SERVICE_ARN.into());
    service.vpc_connector_arn = Some(CONNECTOR_ARN.into());
    let mut ingress = seed(Sim::AppRunnerVpcIngressConnection, "shop-staging-web");
    ingress.service_arn = Some(SERVICE_ARN.into());
    let mut connection = seed(Sim::DxConnection, "nyc");
    connection.id = Some("dxcon-fg123456".into());
    let mut vif = seed(Sim::DxVirtualInterface, "prod");
    vif.id = Some("dxvif-ffabc123".into());
    vif.connection_id = Some("dxcon-fg123456".into());
    vec![
        connector,
        service,
        ingress,
        connection,
        vif,
        seed(Sim::SupplyChainInstance, "planning"),
    ]
}
