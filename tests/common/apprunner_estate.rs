//! The App Runner estate examples/apprunner-estate names, as simulator seeds.

use decom_sim::{ResourceType as Sim, SeedResource};

pub const SERVICE: &str =
    "arn:aws:apprunner:us-east-1:123456789012:service/shop/0123456789abcdef0123456789abcdef";
pub const CONNECTOR: &str = "arn:aws:apprunner:us-east-1:123456789012:vpcconnector/shop-vpc/1/11111111111111111111111111111111";
pub const ASC: &str = "arn:aws:apprunner:us-east-1:123456789012:autoscalingconfiguration/shop-scale/1/22222222222222222222222222222222";
pub const OC: &str = "arn:aws:apprunner:us-east-1:123456789012:observabilityconfiguration/shop-traces/1/33333333333333333333333333333333";
pub const DOMAIN: &str = "shop.example.com";
pub const CONNECTION: &str =
    "arn:aws:apprunner:us-east-1:123456789012:connection/shop-github/44444444444444444444444444444444";

fn seed(t: Sim, name: &str, arn: Option<&str>) -> SeedResource {
    let mut s = SeedResource::new(t, name);
    s.arn = arn.map(str::to_owned);
    s
}

/// The estate examples/apprunner-estate names.
pub fn estate() -> Vec<SeedResource> {
    let mut service = seed(Sim::AppRunnerService, "shop", Some(SERVICE));
    service.vpc_connector_arn = Some(CONNECTOR.into());
    service.auto_scaling_configuration_arn = Some(ASC.into());
    service.observability_configuration_arn = Some(OC.into());
    service.connection_arn = Some(CONNECTION.into());
    let mut ingress = seed(Sim::AppRunnerVpcIngressConnection, "shop-private", None);
    ingress.service_arn = Some(SERVICE.into());
    let mut domain = seed(Sim::AppRunnerCustomDomain, DOMAIN, None);
    domain.service_arn = Some(SERVICE.into());
    domain.domain_name = Some(DOMAIN.into());
    vec![
        seed(Sim::AppRunnerVpcConnector, "shop-vpc", Some(CONNECTOR)),
        seed(
            Sim::AppRunnerAutoScalingConfiguration,
            "shop-scale",
            Some(ASC),
        ),
        seed(
            Sim::AppRunnerObservabilityConfiguration,
            "shop-traces",
            Some(OC),
        ),
        seed(Sim::AppRunnerConnection, "shop-github", Some(CONNECTION)),
        service,
        ingress,
        domain,
    ]
}
