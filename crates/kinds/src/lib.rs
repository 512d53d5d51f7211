//! The resource kinds decom can delete: one row per type, read by everything
//! else (DESIGN sections 3 and 10).
//!
//! A [`Kind`] says, once, what each part of decom needs to know about a
//! resource type: which attributes identify a resource, which attributes
//! relate it to others and which end of each relation is deleted first,
//! how its AWS statuses map to a [`LiveState`], its default delete
//! timeout, and which parents delete it with themselves. The parser's
//! schema, the graph's edges, the plan's live edges and blockers, refresh,
//! discover and the sandbox all read relations and states from here, so a
//! type is added by adding one row: [`ResourceType::kind`] is the one
//! exhaustive match, and a type without a row does not compile.

pub mod composite;
mod relation;
mod state;
mod table;

use std::time::Duration;

pub use relation::{End, Relation, RelationAttr};
pub use state::{LiveState, States};
pub use table::{ACCOUNT_DEFAULT, CHILD_PRESENT};

/// A resource type decom knows how to delete. Serialized by its manifest
/// name (`aws_apprunner_service`).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum ResourceType {
    #[serde(rename = "aws_apprunner_vpc_ingress_connection")]
    AppRunnerVpcIngressConnection,
    #[serde(rename = "aws_apprunner_custom_domain_association")]
    AppRunnerCustomDomainAssociation,
    #[serde(rename = "aws_apprunner_service")]
    AppRunnerService,
    #[serde(rename = "aws_apprunner_vpc_connector")]
    AppRunnerVpcConnector,
    #[serde(rename = "aws_apprunner_auto_scaling_configuration_version")]
    AppRunnerAutoScalingConfiguration,
    #[serde(rename = "aws_apprunner_observability_configuration")]
    AppRunnerObservabilityConfiguration,
    #[serde(rename = "aws_apprunner_connection")]
    AppRunnerConnection,
    #[serde(rename = "aws_dx_virtual_interface")]
    DxVirtualInterface,
    #[serde(rename = "aws_dx_connection")]
    DxConnection,
    #[serde(rename = "aws_dx_lag")]
    DxLag,
    #[serde(rename = "aws_dx_gateway")]
    DxGateway,
    #[serde(rename = "aws_dx_gateway_association")]
    DxGatewayAssociation,
    #[serde(rename = "aws_supplychain_data_integration_flow")]
    SupplyChainDataIntegrationFlow,
    #[serde(rename = "aws_supplychain_data_lake_dataset")]
    SupplyChainDataLakeDataset,
    #[serde(rename = "aws_supplychain_data_lake_namespace")]
    SupplyChainDataLakeNamespace,
    #[serde(rename = "aws_supplychain_instance")]
    SupplyChainInstance,
}

/// How a manifest names one live resource of a kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Identity {
    /// `arn`, or `name` looked up among the live resources.
    Arn,
    /// `id`, or `name` looked up among the live resources.
    Id,
    /// All of these attributes together (`service_arn` + `domain_name`);
    /// no lookup by name alone.
    Composite(&'static [&'static str]),
}

/// What a well-formed id (or ARN) of a kind looks like, for validation
/// before any request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdShape {
    /// `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE/NAME[/REVISION]/ID`.
    Arn {
        service: &'static str,
        resource: &'static str,
        /// Whether a revision number follows the name (VPC connectors).
        revision: bool,
    },
    /// Starts with this prefix (`dxcon-`).
    Prefix(&'static str),
    /// Any non-empty string.
    Opaque,
}

impl Identity {
    /// The attribute that names a resource exactly, for kinds with one.
    pub fn exact_attribute(self) -> Option<&'static str> {
        match self {
            Identity::Arn => Some("arn"),
            Identity::Id => Some("id"),
            Identity::Composite(_) => None,
        }
    }

    /// The parts of a composite identity, in the order its id composes
    /// them; `None` for kinds with one exact attribute.
    pub fn parts(self) -> Option<&'static [&'static str]> {
        match self {
            Identity::Composite(parts) => Some(parts),
            Identity::Arn | Identity::Id => None,
        }
    }

    /// Every attribute that takes part in identifying a resource.
    pub fn attributes(self) -> Vec<&'static str> {
        match self {
            Identity::Arn | Identity::Id => {
                let exact = self.exact_attribute().into_iter();
                exact.chain(["name"]).collect()
            }
            Identity::Composite(parts) => parts.to_vec(),
        }
    }
}

/// Everything decom knows about one resource type.
#[derive(Debug)]
pub struct Kind {
    pub resource_type: ResourceType,
    /// The name in `resource "<name>" "..."` blocks (Terraform's).
    pub name: &'static str,
    /// What people call one ("App Runner service"), for messages.
    pub title: &'static str,
    pub identity: Identity,
    /// What its exact id looks like, and an example of one.
    pub id_shape: IdShape,
    pub id_example: &'static str,
    /// Attributes that point at other resources, with the direction of
    /// each.
    pub relations: &'static [Relation],
    /// How its AWS statuses read ("gone when" / "wait while").
    pub states: States,
    /// How long a delete may take before it is reported failed.
    pub default_timeout: Duration,
    /// Relations to parents whose own delete deletes this resource too
    /// (AWS cascades): with such a parent planned, this resource is
    /// shown `deleted with PARENT` and sent no request of its own.
    pub cascaded_by: &'static [RelationAttr],
    /// `name`s of resources AWS owns and never deletes on their own (a
    /// Supply Chain instance's `asc` and `default` namespaces): a manifest
    /// naming one is refused before any request.
    pub aws_owned_names: &'static [&'static str],
    /// What a manifest's `name` means when several live resources have it.
    pub name_means: NameMeans,
}

/// What a manifest's `name` means when several live resources of a kind
/// share it (the revisions of a configuration).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameMeans {
    /// One resource: several are an error asking for the exact ARN or id.
    One,
    /// Every live revision of the name (DESIGN section 10: an auto scaling
    /// configuration's name). The name resolves to its latest revision;
    /// the others are shown deleted with it, and its delete deletes each
    /// approved one by its ARN first.
    AllRevisions,
}

impl ResourceType {
    /// Every type, in an order that deletes the first end of every
    /// relation before the other (discover writes blocks in this order).
    pub const ALL: [ResourceType; 16] = [
        ResourceType::AppRunnerVpcIngressConnection,
        ResourceType::AppRunnerCustomDomainAssociation,
        ResourceType::AppRunnerService,
        ResourceType::AppRunnerVpcConnector,
        ResourceType::AppRunnerAutoScalingConfiguration,
        ResourceType::AppRunnerObservabilityConfiguration,
        ResourceType::AppRunnerConnection,
        ResourceType::DxVirtualInterface,
        ResourceType::DxGatewayAssociation,
        ResourceType::DxGateway,
        ResourceType::DxLag,
        ResourceType::DxConnection,
        ResourceType::SupplyChainDataIntegrationFlow,
        ResourceType::SupplyChainDataLakeDataset,
        ResourceType::SupplyChainDataLakeNamespace,
        ResourceType::SupplyChainInstance,
    ];

    /// This type's row of the table.
    pub fn kind(self) -> &'static Kind {
        match self {
            ResourceType::AppRunnerVpcIngressConnection => &table::APPRUNNER_VPC_INGRESS_CONNECTION,
            ResourceType::AppRunnerCustomDomainAssociation => {
                &table::APPRUNNER_CUSTOM_DOMAIN_ASSOCIATION
            }
            ResourceType::AppRunnerService => &table::APPRUNNER_SERVICE,
            ResourceType::AppRunnerVpcConnector => &table::APPRUNNER_VPC_CONNECTOR,
            ResourceType::AppRunnerAutoScalingConfiguration => {
                &table::APPRUNNER_AUTO_SCALING_CONFIGURATION
            }
            ResourceType::AppRunnerObservabilityConfiguration => {
                &table::APPRUNNER_OBSERVABILITY_CONFIGURATION
            }
            ResourceType::AppRunnerConnection => &table::APPRUNNER_CONNECTION,
            ResourceType::DxVirtualInterface => &table::DX_VIRTUAL_INTERFACE,
            ResourceType::DxConnection => &table::DX_CONNECTION,
            ResourceType::DxLag => &table::DX_LAG,
            ResourceType::DxGateway => &table::DX_GATEWAY,
            ResourceType::DxGatewayAssociation => &table::DX_GATEWAY_ASSOCIATION,
            ResourceType::SupplyChainDataIntegrationFlow => &table::SUPPLYCHAIN_FLOW,
            ResourceType::SupplyChainDataLakeDataset => &table::SUPPLYCHAIN_DATASET,
            ResourceType::SupplyChainDataLakeNamespace => &table::SUPPLYCHAIN_NAMESPACE,
            ResourceType::SupplyChainInstance => &table::SUPPLYCHAIN_INSTANCE,
        }
    }

    /// The name used in `resource "<name>" "..."` blocks.
    pub fn name(self) -> &'static str {
        self.kind().name
    }

    pub fn from_name(name: &str) -> Option<ResourceType> {
        Self::ALL.into_iter().find(|t| t.name() == name)
    }

    pub fn identity(self) -> Identity {
        self.kind().identity
    }

    /// The attribute that holds what AWS names a resource by in its
    /// Delete call (`arn` for App Runner, else `id`).
    pub fn id_attribute(self) -> &'static str {
        self.identity().exact_attribute().unwrap_or("id")
    }

    /// The parts of a composite id of this type, paired with the
    /// attributes they are; `None` for a type with one exact attribute or
    /// an id that is not well formed.
    pub fn split_id(self, id: &str) -> Option<Vec<(&'static str, &str)>> {
        let names = self.identity().parts()?;
        let values = composite::split(id, names.len())?;
        Some(names.iter().copied().zip(values).collect())
    }

    /// The revision number in an id of a kind whose ARNs carry one
    /// (`.../NAME/REVISION/ID`); `None` for other kinds and malformed ids.
    pub fn revision_of(self, id: &str) -> Option<u64> {
        match self.kind().id_shape {
            IdShape::Arn { revision: true, .. } => {
                let mut segments = id.rsplit('/');
                segments.next()?;
                segments.next()?.parse().ok()
            }
            _ => None,
        }
    }

    /// The ARN every revision of a name shares (`.../NAME` of a
    /// revisioned `.../NAME/REVISION/ID`); `None` for other kinds and
    /// malformed ids.
    pub fn name_of_revision(self, id: &str) -> Option<&str> {
        self.revision_of(id)?;
        let id_at = id.rfind('/')?;
        let revision_at = id[..id_at].rfind('/')?;
        Some(&id[..revision_at])
    }

    pub fn relations(self) -> &'static [Relation] {
        self.kind().relations
    }

    /// The relation `attr` of this type, if it has one.
    pub fn relation(self, attr: RelationAttr) -> Option<&'static Relation> {
        self.relations().iter().find(|r| r.attr == attr)
    }

    pub fn relation_attrs(self) -> impl Iterator<Item = RelationAttr> {
        self.relations().iter().map(|r| r.attr)
    }

    pub fn default_delete_timeout(self) -> Duration {
        self.kind().default_timeout
    }

    /// The [`LiveState`] of an AWS status of this type.
    pub fn state_of(self, status: &str) -> LiveState {
        self.kind().states.classify(status)
    }

    /// Every attribute a resource block of this type accepts (meta-arguments
    /// included), for "unknown attribute" errors that list what is allowed.
    pub fn allowed_attributes(self) -> Vec<&'static str> {
        let mut attrs = self.identity().attributes();
        for attr in self.relation_attrs().map(RelationAttr::name) {
            if !attrs.contains(&attr) {
                attrs.push(attr);
            }
        }
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

/// Every relation, anywhere in the table, that can point at a resource of
/// `target`: with its holder's type.
pub fn relations_pointing_at(
    target: ResourceType,
) -> impl Iterator<Item = (ResourceType, &'static Relation)> {
    ResourceType::ALL.into_iter().flat_map(move |holder| {
        holder
            .relations()
            .iter()
            .filter(move |r| r.targets.contains(&target))
            .map(move |r| (holder, r))
    })
}

/// The relations whose holder is deleted first, points at a resource of
/// `target` and, live outside the manifest, makes AWS refuse to delete it:
/// what refresh lists, discover follows and the plan reports as blockers.
pub fn blocking_holders(
    target: ResourceType,
) -> impl Iterator<Item = (ResourceType, &'static Relation)> {
    relations_pointing_at(target).filter(|(_, r)| r.blocks && r.first == End::Holder)
}

/// The relations of `holder` whose target is deleted first and, live
/// outside the manifest, makes AWS refuse to delete the holder (a live LAG
/// of a member connection), with each type the target may be: what
/// refresh lists and the plan reports as blockers.
pub fn blocking_targets(
    holder: ResourceType,
) -> impl Iterator<Item = (ResourceType, &'static Relation)> {
    holder
        .relations()
        .iter()
        .filter(|r| r.blocks && r.first == End::Target)
        .flat_map(|r| r.targets.iter().map(move |t| (*t, r)))
}

#[cfg(test)]
mod tests;
