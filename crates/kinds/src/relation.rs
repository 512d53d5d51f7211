//! Relations between resources, and which end of each goes first.

use crate::ResourceType;

/// An attribute that relates a resource to another (its *target*). Plan
/// compares a declared value with live state; the graph turns a reference
/// in it into an edge in the relation's direction.
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
    /// service -> its auto scaling configuration
    AutoScalingConfigurationArn,
    /// service -> its observability configuration
    ObservabilityConfigurationArn,
    /// service -> the source code connection of its repository
    ConnectionArn,
    /// connection -> the LAG it is a member of (the LAG goes first)
    LagId,
    /// virtual interface or gateway association -> its Direct Connect gateway
    DxGatewayId,
    /// Supply Chain flow, namespace or dataset -> its instance
    InstanceId,
    /// Supply Chain dataset -> its data lake namespace
    Namespace,
}

impl RelationAttr {
    pub fn name(self) -> &'static str {
        match self {
            RelationAttr::ServiceArn => "service_arn",
            RelationAttr::VpcConnectorArn => "vpc_connector_arn",
            RelationAttr::ConnectionId => "connection_id",
            RelationAttr::AutoScalingConfigurationArn => "auto_scaling_configuration_arn",
            RelationAttr::ObservabilityConfigurationArn => "observability_configuration_arn",
            RelationAttr::ConnectionArn => "connection_arn",
            RelationAttr::LagId => "lag_id",
            RelationAttr::DxGatewayId => "dx_gateway_id",
            RelationAttr::InstanceId => "instance_id",
            RelationAttr::Namespace => "namespace",
        }
    }

    pub fn from_name(name: &str) -> Option<RelationAttr> {
        ResourceType::ALL
            .into_iter()
            .flat_map(ResourceType::relation_attrs)
            .find(|a| a.name() == name)
    }
}

/// Which end of a relation is deleted first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    /// The resource that has the attribute (an ingress connection before
    /// the service its `service_arn` names).
    Holder,
    /// The resource the attribute names (a LAG before the connections
    /// whose `lag_id` names it).
    Target,
}

/// One relation attribute of a kind.
#[derive(Debug)]
pub struct Relation {
    pub attr: RelationAttr,
    /// The types it may point at (a virtual interface's `connection_id`
    /// names a connection or a LAG).
    pub targets: &'static [ResourceType],
    /// Which end AWS requires to be deleted first.
    pub first: End,
    /// Whether a live resource at the first end that the manifest does not
    /// name makes AWS refuse to delete the other end (a *blocker*: a
    /// service outside the manifest still using a planned connector).
    pub blocks: bool,
    /// Whether every resource of the kind has it (an ingress connection
    /// always fronts a service; a service may have no connector).
    pub required: bool,
    /// The holder attributes whose values, composed in this order
    /// ([`crate::composite::compose`]), are the live id of a target with
    /// a composite identity: a dataset's `namespace` holds a namespace's
    /// name, and the namespace's id is `instance_id,name`, so
    /// `&["instance_id", "namespace"]`. Empty: the attribute's own value
    /// is the target's id.
    pub target_key: &'static [&'static str],
}

impl Relation {
    /// The attribute of a `target` resource that this relation's value
    /// holds, for references: its exact id attribute, or the part of its
    /// composite id the attribute is (a dataset's `namespace` is a
    /// namespace's `name`).
    pub fn target_attribute(&self, target: ResourceType) -> &'static str {
        let at = self.target_key.iter().position(|a| *a == self.attr.name());
        let part = at.and_then(|at| target.identity().parts()?.get(at).copied());
        part.unwrap_or(target.id_attribute())
    }

    /// The live id of the target, from the holder's attribute values
    /// (`value_of(attribute name)`); `None` while one of them is unknown.
    pub fn target_id(&self, value_of: impl Fn(&str) -> Option<String>) -> Option<String> {
        if self.target_key.is_empty() {
            return value_of(self.attr.name());
        }
        let parts: Option<Vec<String>> = self.target_key.iter().map(|a| value_of(a)).collect();
        Some(crate::composite::compose(&parts?))
    }

    /// `(before, after)` for a holder and the target it points at.
    pub fn order<T>(&self, holder: T, target: T) -> (T, T) {
        match self.first {
            End::Holder => (holder, target),
            End::Target => (target, holder),
        }
    }
}
