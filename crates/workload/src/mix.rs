//! The benchmark mix of DESIGN section 9 as a manifest plus the simulator
//! state it names: per region (two regions, one provider alias each), per
//! 20 resources in total, 1 VPC connector, 2 services using it, 1 ingress
//! connection to the first service, 1 DX connection with 2 virtual
//! interfaces, 3 Supply Chain instances. At 1,000 resources that is
//! 50 / 100 / 50 / 50 / 100 / 150 per region.
//!
//! A second mix, [`Workload::apprunner_estate_mix`], retires whole App
//! Runner applications: per region and per 10 resources, 1 VPC connector,
//! 1 auto scaling configuration, 1 observability configuration, 1
//! connection, 2 services using all of them (the first through its code
//! repository's connection), 1 ingress connection and 3 custom domains.
//!
//! Identities are written as ARNs or ids and relations as references, as a
//! team would after `decom discover`. Bystanders, when asked for, are live
//! resources of four types the manifest does not name, so a run can prove
//! nothing but the planned resources was touched.

use std::fmt::Write as _;

use decom_sim::{ResourceType, SeedResource, SimState};

/// The two regions of the mix.
pub const REGIONS: [&str; 2] = ["us-east-1", "us-west-2"];

/// A manifest and the live state it decommissions.
#[derive(Debug, Clone)]
pub struct Workload {
    /// HCL text of the manifest (one file).
    pub manifest: String,
    /// What the simulator starts with: the planned resources and any bystanders.
    pub state: SimState,
    /// Ids/ARNs of the resources the manifest names.
    pub planned: Vec<String>,
    /// Ids/ARNs of live resources the manifest does not name.
    pub bystanders: Vec<String>,
}

impl Workload {
    /// The mix for `resources` planned resources (rounded down to a multiple
    /// of 20), plus 4 bystanders per 20 planned if `bystanders` is set.
    pub fn design_mix(resources: usize, bystanders: bool) -> Workload {
        let mut w = Workload {
            manifest: String::new(),
            state: SimState::default(),
            planned: Vec::new(),
            bystanders: Vec::new(),
        };
        for (r, region) in REGIONS.iter().enumerate() {
            let _ = writeln!(
                w.manifest,
                "provider \"aws\" {{\n  alias  = \"r{r}\"\n  region = \"{region}\"\n}}\n"
            );
            let mut group = Group {
                w: &mut w,
                r,
                region,
            };
            for g in 0..resources / 20 {
                group.planned(g);
                if bystanders {
                    group.bystanders(g);
                }
            }
        }
        w
    }

    /// The App Runner estate mix for `resources` planned resources
    /// (rounded down to a multiple of 20).
    pub fn apprunner_estate_mix(resources: usize) -> Workload {
        let mut w = Workload {
            manifest: String::new(),
            state: SimState::default(),
            planned: Vec::new(),
            bystanders: Vec::new(),
        };
        for (r, region) in REGIONS.iter().enumerate() {
            let _ = writeln!(
                w.manifest,
                "provider \"aws\" {{\n  alias  = \"r{r}\"\n  region = \"{region}\"\n}}\n"
            );
            let mut group = Group {
                w: &mut w,
                r,
                region,
            };
            for g in 0..resources / 20 {
                group.apprunner_estate(g);
            }
        }
        w
    }
}

/// The fewest calls a refresh of [`Workload::apprunner_estate_mix`] can
/// make, from AWS's largest page sizes: per region, one list page per 100
/// connectors, configurations of each kind, connections and ingress
/// connections, one per 20 services; a DescribeService per service (the
/// list does not say what a service uses), a DescribeVpcIngressConnection
/// per ingress connection (the list has no status), a DescribeCustomDomains
/// per planned service (AWS lists domains only per service, up to 5 a
/// page); and one GetCallerIdentity.
pub fn apprunner_estate_minimum_refresh(resources: usize) -> usize {
    let groups = resources / 20;
    let pages = |n: usize, per: usize| n.div_ceil(per);
    let per_region = 4 * pages(groups, 100) // connectors, two configurations, connections
        + pages(groups, 100) // ingress connections
        + pages(2 * groups, 20) // services
        + 2 * groups // DescribeService
        + groups // DescribeVpcIngressConnection
        + 2 * groups; // DescribeCustomDomains
    REGIONS.len() * per_region + 1
}

/// Writes one region's resources into a workload.
struct Group<'a> {
    w: &'a mut Workload,
    r: usize,
    region: &'a str,
}

impl Group<'_> {
    /// The ten planned resources of group `g`.
    fn planned(&mut self, g: usize) {
        let r = self.r;
        let conn = self.apprunner_arn("vpcconnector", &format!("c{g}"), g, 0);
        self.seed(
            ResourceType::AppRunnerVpcConnector,
            format!("c{g}"),
            &conn,
            |_| {},
        );
        self.declare(
            "aws_apprunner_vpc_connector",
            &format!("c{r}_{g}"),
            &format!("arn = \"{conn}\""),
            &conn,
        );
        for s in 0..2 {
            let svc = self.apprunner_arn("service", &format!("s{g}-{s}"), g, 1 + s);
            self.seed(
                ResourceType::AppRunnerService,
                format!("s{g}-{s}"),
                &svc,
                |x| {
                    x.vpc_connector_arn = Some(conn.clone());
                },
            );
            self.declare(
                "aws_apprunner_service",
                &format!("s{r}_{g}_{s}"),
                &format!("arn = \"{svc}\"\n  vpc_connector_arn = aws_apprunner_vpc_connector.c{r}_{g}.arn"),
                &svc,
            );
            if s == 0 {
                let ing = self.apprunner_arn("vpcingressconnection", &format!("i{g}"), g, 3);
                self.seed(
                    ResourceType::AppRunnerVpcIngressConnection,
                    format!("i{g}"),
                    &ing,
                    |x| {
                        x.service_arn = Some(svc.clone());
                    },
                );
                self.declare(
                    "aws_apprunner_vpc_ingress_connection",
                    &format!("i{r}_{g}"),
                    &format!(
                        "arn = \"{ing}\"\n  service_arn = aws_apprunner_service.s{r}_{g}_0.arn"
                    ),
                    &ing,
                );
            }
        }
        let dx = format!("dxcon-{r}{g:07x}");
        self.seed(ResourceType::DxConnection, format!("x{g}"), &dx, |_| {});
        self.declare(
            "aws_dx_connection",
            &format!("x{r}_{g}"),
            &format!("id = \"{dx}\""),
            &dx,
        );
        for v in 0..2 {
            let vif = format!("dxvif-{r}{v}{g:06x}");
            self.seed(
                ResourceType::DxVirtualInterface,
                format!("v{g}-{v}"),
                &vif,
                |x| {
                    x.connection_id = Some(dx.clone());
                },
            );
            self.declare(
                "aws_dx_virtual_interface",
                &format!("v{r}_{g}_{v}"),
                &format!("id = \"{vif}\"\n  connection_id = aws_dx_connection.x{r}_{g}.id"),
                &vif,
            );
        }
        for i in 0..3 {
            let id = format!("{r:08x}-0000-4000-8000-{:012x}", g * 3 + i);
            self.seed(
                ResourceType::SupplyChainInstance,
                format!("p{g}-{i}"),
                &id,
                |_| {},
            );
            self.declare(
                "aws_supplychain_instance",
                &format!("p{r}_{g}_{i}"),
                &format!("id = \"{id}\""),
                &id,
            );
        }
    }

    /// The ten resources of App Runner estate group `g`.
    fn apprunner_estate(&mut self, g: usize) {
        let r = self.r;
        let mut shared = Vec::new();
        for (kind, ty, tf, key) in [
            (
                "vpcconnector",
                ResourceType::AppRunnerVpcConnector,
                "aws_apprunner_vpc_connector",
                "vpc_connector_arn",
            ),
            (
                "autoscalingconfiguration",
                ResourceType::AppRunnerAutoScalingConfiguration,
                "aws_apprunner_auto_scaling_configuration_version",
                "auto_scaling_configuration_arn",
            ),
            (
                "observabilityconfiguration",
                ResourceType::AppRunnerObservabilityConfiguration,
                "aws_apprunner_observability_configuration",
                "observability_configuration_arn",
            ),
            (
                "connection",
                ResourceType::AppRunnerConnection,
                "aws_apprunner_connection",
                "connection_arn",
            ),
        ] {
            let name = format!("e{}{g}", &kind[..2]);
            let arn = self.apprunner_arn(kind, &name, g, 10 + shared.len());
            self.seed(ty, name.clone(), &arn, |_| {});
            self.declare(
                tf,
                &format!("{name}_{r}"),
                &format!("arn = \"{arn}\""),
                &arn,
            );
            shared.push((tf, key, format!("{name}_{r}"), arn));
        }
        for s in 0..2 {
            let name = format!("es{g}-{s}");
            let svc = self.apprunner_arn("service", &name, g, 20 + s);
            // The second service's source is an image: no connection.
            let uses = &shared[..if s == 0 { 4 } else { 3 }];
            self.seed(ResourceType::AppRunnerService, name, &svc, |x| {
                for (_, key, _, arn) in uses {
                    let field = match *key {
                        "vpc_connector_arn" => &mut x.vpc_connector_arn,
                        "auto_scaling_configuration_arn" => &mut x.auto_scaling_configuration_arn,
                        "observability_configuration_arn" => &mut x.observability_configuration_arn,
                        _ => &mut x.connection_arn,
                    };
                    *field = Some(arn.clone());
                }
            });
            let references: String = uses
                .iter()
                .map(|(tf, key, label, _)| format!("\n  {key} = {tf}.{label}.arn"))
                .collect();
            self.declare(
                "aws_apprunner_service",
                &format!("es{r}_{g}_{s}"),
                &format!("arn = \"{svc}\"{references}"),
                &svc,
            );
            let service = format!("aws_apprunner_service.es{r}_{g}_{s}.arn");
            if s == 0 {
                let ing = self.apprunner_arn("vpcingressconnection", &format!("ei{g}"), g, 30);
                self.seed(
                    ResourceType::AppRunnerVpcIngressConnection,
                    format!("ei{g}"),
                    &ing,
                    |x| {
                        x.service_arn = Some(svc.clone());
                    },
                );
                self.declare(
                    "aws_apprunner_vpc_ingress_connection",
                    &format!("ei{r}_{g}"),
                    &format!("arn = \"{ing}\"\n  service_arn = {service}"),
                    &ing,
                );
            }
            for d in 0..(2 - s) {
                let domain = format!("d{d}.s{s}.g{g}.r{r}.example.com");
                self.seed(
                    ResourceType::AppRunnerCustomDomain,
                    domain.clone(),
                    "",
                    |x| {
                        x.service_arn = Some(svc.clone());
                        x.domain_name = Some(domain.clone());
                    },
                );
                self.declare(
                    "aws_apprunner_custom_domain_association",
                    &format!("ed{r}_{g}_{s}_{d}"),
                    &format!("service_arn = {service}\n  domain_name = \"{domain}\""),
                    &format!("{svc},{domain}"),
                );
            }
        }
    }

    /// Four live resources of group `g` that no manifest names: a connector
    /// and a service on it, a DX connection, a Supply Chain instance.
    fn bystanders(&mut self, g: usize) {
        let r = self.r;
        let conn = self.apprunner_arn("vpcconnector", &format!("keep-c{g}"), g, 4);
        let svc = self.apprunner_arn("service", &format!("keep-s{g}"), g, 5);
        let dx = format!("dxcon-{}{g:07x}", r + 2);
        let id = format!("{r:08x}-0000-4000-9000-{g:012x}");
        self.seed(
            ResourceType::AppRunnerVpcConnector,
            format!("keep-c{g}"),
            &conn,
            |_| {},
        );
        self.seed(
            ResourceType::AppRunnerService,
            format!("keep-s{g}"),
            &svc,
            |x| {
                x.vpc_connector_arn = Some(conn.clone());
            },
        );
        self.seed(
            ResourceType::DxConnection,
            format!("keep-x{g}"),
            &dx,
            |_| {},
        );
        self.seed(
            ResourceType::SupplyChainInstance,
            format!("keep-p{g}"),
            &id,
            |_| {},
        );
        self.w.bystanders.extend([conn, svc, dx, id]);
    }

    /// A unique, well-formed App Runner ARN (32 hex digits of id).
    fn apprunner_arn(&self, kind: &str, name: &str, g: usize, k: usize) -> String {
        let revision = match kind {
            "vpcconnector" | "autoscalingconfiguration" | "observabilityconfiguration" => "/1",
            _ => "",
        };
        format!(
            "arn:aws:apprunner:{}:123456789012:{kind}/{name}{revision}/{:08x}{k:08x}{g:016x}",
            self.region, self.r
        )
    }

    /// Adds a live resource identified by `identity` (an ARN for App
    /// Runner, else an id), shaped further by `extra`.
    fn seed(
        &mut self,
        ty: ResourceType,
        name: String,
        identity: &str,
        extra: impl FnOnce(&mut SeedResource),
    ) {
        let mut s = SeedResource::new(ty, name);
        s.region = self.region.to_owned();
        if identity.starts_with("arn:") {
            s.arn = Some(identity.to_owned());
        } else if !identity.is_empty() {
            s.id = Some(identity.to_owned());
        }
        extra(&mut s);
        self.w.state.resources.push(s);
    }

    /// Adds a manifest block for a planned resource.
    fn declare(&mut self, ty: &str, label: &str, body: &str, identity: &str) {
        let _ = writeln!(
            self.w.manifest,
            "resource \"{ty}\" \"{label}\" {{\n  provider = aws.r{}\n  {body}\n}}",
            self.r
        );
        self.w.planned.push(identity.to_owned());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousand_is_the_design_mix() {
        let w = Workload::design_mix(1_000, false);
        assert_eq!(w.planned.len(), 1_000);
        assert_eq!(w.state.resources.len(), 1_000);
        let count = |t: ResourceType| {
            w.state
                .resources
                .iter()
                .filter(|s| s.resource_type == t)
                .count()
        };
        assert_eq!(count(ResourceType::AppRunnerVpcConnector), 100);
        assert_eq!(count(ResourceType::AppRunnerService), 200);
        assert_eq!(count(ResourceType::AppRunnerVpcIngressConnection), 100);
        assert_eq!(count(ResourceType::DxConnection), 100);
        assert_eq!(count(ResourceType::DxVirtualInterface), 200);
        assert_eq!(count(ResourceType::SupplyChainInstance), 300);
    }

    #[test]
    fn the_apprunner_estate_mix_has_its_ten_per_group() {
        let w = Workload::apprunner_estate_mix(1_000);
        assert_eq!(w.planned.len(), 1_000);
        assert_eq!(w.state.resources.len(), 1_000);
        let planned: std::collections::HashSet<_> = w.planned.iter().collect();
        assert_eq!(planned.len(), 1_000, "identities are unique");
        assert_eq!(w.manifest.matches("resource \"").count(), 1_000);
        // Per region: 50 groups; 4 list pages of 100, 1 of ingress, 5 of services.
        assert_eq!(
            apprunner_estate_minimum_refresh(1_000),
            2 * (4 + 1 + 5 + 100 + 50 + 100) + 1
        );
    }

    #[test]
    fn bystanders_are_live_but_not_planned() {
        let w = Workload::design_mix(100, true);
        assert_eq!(w.bystanders.len(), 40);
        assert_eq!(w.state.resources.len(), 140);
        let planned: std::collections::HashSet<_> = w.planned.iter().collect();
        assert_eq!(planned.len(), 100, "identities are unique");
        assert!(w.bystanders.iter().all(|b| !planned.contains(b)));
        assert!(w
            .bystanders
            .iter()
            .all(|b| !w.manifest.contains(b.as_str())));
    }
}
