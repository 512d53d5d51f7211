//! The resource types decom can delete, and the static facts about each
//! (DESIGN section 3): identity attribute, relation attributes, default
//! delete timeout. Adding a type starts here.

use std::time::Duration;

use crate::manifest::IdentityKind;

/// A resource type decom knows how to delete. Serialized by its manifest
/// name (`aws_apprunner_service`).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum ResourceType {
    #[serde(rename = "aws_apprunner_vpc_ingress_connection")]
    AppRunnerVpcIngressConnection,
    #[serde(rename = "aws_apprunner_service")]
    AppRunnerService,
    #[serde(rename = "aws_apprunner_vpc_connector")]
    AppRunnerVpcConnector,
    #[serde(rename = "aws_dx_virtual_interface")]
    DxVirtualInterface,
    #[serde(rename = "aws_dx_connection")]
    DxConnection,
    #[serde(rename = "aws_supplychain_instance")]
    SupplyChainInstance,
}

/// An attribute that asserts a live relation between two resources. Plan
/// compares it with live state; the graph turns a reference in it into an
/// edge.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum RelationAttr {
    /// ingress connection -> the service it fronts
    ServiceArn,
    /// service -> the VPC connector it egresses through
    VpcConnectorArn,
    /// virtual interface -> its connection
    ConnectionId,
}

impl RelationAttr {
    pub const ALL: [RelationAttr; 3] = [
        RelationAttr::ServiceArn,
        RelationAttr::VpcConnectorArn,
        RelationAttr::ConnectionId,
    ];

    /// The relations that point at a resource of type `target`: what
    /// other resources can depend on it (and so block deleting it).
    pub fn pointing_at(target: ResourceType) -> impl Iterator<Item = RelationAttr> {
        Self::ALL
            .into_iter()
            .filter(move |a| a.target_type() == target)
    }

    pub fn name(self) -> &'static str {
        match self {
            RelationAttr::ServiceArn => "service_arn",
            RelationAttr::VpcConnectorArn => "vpc_connector_arn",
            RelationAttr::ConnectionId => "connection_id",
        }
    }

    /// The type of resource the relation points at.
    pub fn target_type(self) -> ResourceType {
        match self {
            RelationAttr::ServiceArn => ResourceType::AppRunnerService,
            RelationAttr::VpcConnectorArn => ResourceType::AppRunnerVpcConnector,
            RelationAttr::ConnectionId => ResourceType::DxConnection,
        }
    }
}

impl ResourceType {
    pub const ALL: [ResourceType; 6] = [
        ResourceType::AppRunnerVpcIngressConnection,
        ResourceType::AppRunnerService,
        ResourceType::AppRunnerVpcConnector,
        ResourceType::DxVirtualInterface,
        ResourceType::DxConnection,
        ResourceType::SupplyChainInstance,
    ];

    /// The name used in `resource "<name>" "..."` blocks.
    pub fn name(self) -> &'static str {
        match self {
            ResourceType::AppRunnerVpcIngressConnection => "aws_apprunner_vpc_ingress_connection",
            ResourceType::AppRunnerService => "aws_apprunner_service",
            ResourceType::AppRunnerVpcConnector => "aws_apprunner_vpc_connector",
            ResourceType::DxVirtualInterface => "aws_dx_virtual_interface",
            ResourceType::DxConnection => "aws_dx_connection",
            ResourceType::SupplyChainInstance => "aws_supplychain_instance",
        }
    }

    pub fn from_name(name: &str) -> Option<ResourceType> {
        Self::ALL.into_iter().find(|t| t.name() == name)
    }

    /// Whether the type is identified by `arn` or by `id` (the alternative
    /// to either is always `name`).
    pub fn identity_kind(self) -> IdentityKind {
        match self {
            ResourceType::AppRunnerVpcIngressConnection
            | ResourceType::AppRunnerService
            | ResourceType::AppRunnerVpcConnector => IdentityKind::Arn,
            ResourceType::DxVirtualInterface
            | ResourceType::DxConnection
            | ResourceType::SupplyChainInstance => IdentityKind::Id,
        }
    }

    pub fn relation_attrs(self) -> &'static [RelationAttr] {
        match self {
            ResourceType::AppRunnerVpcIngressConnection => &[RelationAttr::ServiceArn],
            ResourceType::AppRunnerService => &[RelationAttr::VpcConnectorArn],
            ResourceType::DxVirtualInterface => &[RelationAttr::ConnectionId],
            ResourceType::AppRunnerVpcConnector
            | ResourceType::DxConnection
            | ResourceType::SupplyChainInstance => &[],
        }
    }

    pub fn default_delete_timeout(self) -> Duration {
        let minutes = match self {
            ResourceType::AppRunnerVpcIngressConnection => 10,
            ResourceType::AppRunnerService => 20,
            ResourceType::AppRunnerVpcConnector => 5,
            ResourceType::DxVirtualInterface => 10,
            ResourceType::DxConnection => 10,
            ResourceType::SupplyChainInstance => 60,
        };
        Duration::from_secs(minutes * 60)
    }

    /// Every attribute a resource block of this type accepts (meta-arguments
    /// included), for "unknown attribute" errors that list what is allowed.
    pub fn allowed_attributes(self) -> Vec<&'static str> {
        let mut attrs = vec![self.identity_kind().attribute(), "name"];
        attrs.extend(self.relation_attrs().iter().map(|r| r.name()));
        attrs.extend(["provider", "depends_on", "count", "for_each"]);
        attrs
    }

    /// Nested blocks a resource block accepts.
    pub const ALLOWED_BLOCKS: [&'static str; 2] = ["lifecycle", "timeouts"];
}

impl std::fmt::Display for ResourceType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}
