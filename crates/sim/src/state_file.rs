//! The seed format: [`SimState`] is what `--state FILE` loads, what
//! [`crate::SimConfig::initial_state`] and [`crate::SimHandle::seed`] take, and
//! what [`crate::SimHandle::snapshot`] returns.
//!
//! ```json
//! {
//!   "resources": [
//!     {"type": "aws_apprunner_vpc_connector", "region": "us-east-1", "name": "conn-a"},
//!     {"type": "aws_apprunner_service", "name": "web",
//!      "vpc_connector_arn": "arn:aws:apprunner:us-east-1:123456789012:vpcconnector/conn-a/1/0123456789abcdef0123456789abcdef"},
//!     {"type": "aws_dx_connection", "id": "dxcon-abcd1234", "name": "dc-1", "tags": {"team": "net"}},
//!     {"type": "aws_dx_connection", "account": "210987654321", "name": "dc-1"},
//!     {"type": "aws_dx_virtual_interface", "name": "vif-1", "connection_id": "dxcon-abcd1234", "status": "available"},
//!     {"type": "aws_supplychain_instance", "region": "eu-central-1", "name": "scn"}
//!   ]
//! }
//! ```

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

/// The simulated resource types, named as in the `decom` manifest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum ResourceType {
    /// App Runner service (`aws_apprunner_service`), identified by ARN.
    #[serde(rename = "aws_apprunner_service")]
    AppRunnerService,
    /// App Runner VPC connector (`aws_apprunner_vpc_connector`), identified by ARN.
    #[serde(rename = "aws_apprunner_vpc_connector")]
    AppRunnerVpcConnector,
    /// App Runner VPC ingress connection (`aws_apprunner_vpc_ingress_connection`), by ARN.
    #[serde(rename = "aws_apprunner_vpc_ingress_connection")]
    AppRunnerVpcIngressConnection,
    /// Direct Connect connection (`aws_dx_connection`), id `dxcon-xxxxxxxx`.
    #[serde(rename = "aws_dx_connection")]
    DxConnection,
    /// Direct Connect private virtual interface (`aws_dx_virtual_interface`), id `dxvif-xxxxxxxx`.
    #[serde(rename = "aws_dx_virtual_interface")]
    DxVirtualInterface,
    /// Supply Chain instance (`aws_supplychain_instance`), id a UUID.
    #[serde(rename = "aws_supplychain_instance")]
    SupplyChainInstance,
    /// App Runner auto scaling configuration revision
    /// (`aws_apprunner_auto_scaling_configuration_version`), by ARN.
    #[serde(rename = "aws_apprunner_auto_scaling_configuration_version")]
    AppRunnerAutoScalingConfiguration,
    /// App Runner observability configuration revision
    /// (`aws_apprunner_observability_configuration`), by ARN.
    #[serde(rename = "aws_apprunner_observability_configuration")]
    AppRunnerObservabilityConfiguration,
    /// App Runner source code connection (`aws_apprunner_connection`), by ARN.
    #[serde(rename = "aws_apprunner_connection")]
    AppRunnerConnection,
    /// App Runner custom domain association
    /// (`aws_apprunner_custom_domain_association`), by service ARN + domain name.
    #[serde(rename = "aws_apprunner_custom_domain_association")]
    AppRunnerCustomDomain,
    /// Direct Connect link aggregation group (`aws_dx_lag`), id `dxlag-xxxxxxxx`.
    #[serde(rename = "aws_dx_lag")]
    DxLag,
    /// Direct Connect gateway (`aws_dx_gateway`), id a UUID.
    #[serde(rename = "aws_dx_gateway")]
    DxGateway,
    /// Direct Connect gateway association (`aws_dx_gateway_association`), id a UUID.
    #[serde(rename = "aws_dx_gateway_association")]
    DxGatewayAssociation,
    /// Supply Chain data lake namespace (`aws_supplychain_data_lake_namespace`),
    /// id `INSTANCE_ID/NAME`.
    #[serde(rename = "aws_supplychain_data_lake_namespace")]
    SupplyChainDataLakeNamespace,
    /// Supply Chain data lake dataset (`aws_supplychain_data_lake_dataset`),
    /// id `INSTANCE_ID/NAMESPACE/NAME`.
    #[serde(rename = "aws_supplychain_data_lake_dataset")]
    SupplyChainDataLakeDataset,
    /// Supply Chain data integration flow (`aws_supplychain_data_integration_flow`),
    /// id `INSTANCE_ID/NAME`.
    #[serde(rename = "aws_supplychain_data_integration_flow")]
    SupplyChainDataIntegrationFlow,
}

impl ResourceType {
    /// All types, in a fixed order.
    pub const ALL: [ResourceType; 16] = [
        ResourceType::AppRunnerService,
        ResourceType::AppRunnerVpcConnector,
        ResourceType::AppRunnerVpcIngressConnection,
        ResourceType::DxConnection,
        ResourceType::DxVirtualInterface,
        ResourceType::SupplyChainInstance,
        ResourceType::AppRunnerAutoScalingConfiguration,
        ResourceType::AppRunnerObservabilityConfiguration,
        ResourceType::AppRunnerConnection,
        ResourceType::AppRunnerCustomDomain,
        ResourceType::DxLag,
        ResourceType::DxGateway,
        ResourceType::DxGatewayAssociation,
        ResourceType::SupplyChainDataLakeNamespace,
        ResourceType::SupplyChainDataLakeDataset,
        ResourceType::SupplyChainDataIntegrationFlow,
    ];

    /// The manifest type name, e.g. `aws_apprunner_service`.
    pub fn as_str(self) -> &'static str {
        match self {
            ResourceType::AppRunnerService => "aws_apprunner_service",
            ResourceType::AppRunnerVpcConnector => "aws_apprunner_vpc_connector",
            ResourceType::AppRunnerVpcIngressConnection => "aws_apprunner_vpc_ingress_connection",
            ResourceType::DxConnection => "aws_dx_connection",
            ResourceType::DxVirtualInterface => "aws_dx_virtual_interface",
            ResourceType::SupplyChainInstance => "aws_supplychain_instance",
            ResourceType::AppRunnerAutoScalingConfiguration => {
                "aws_apprunner_auto_scaling_configuration_version"
            }
            ResourceType::AppRunnerObservabilityConfiguration => {
                "aws_apprunner_observability_configuration"
            }
            ResourceType::AppRunnerConnection => "aws_apprunner_connection",
            ResourceType::AppRunnerCustomDomain => "aws_apprunner_custom_domain_association",
            ResourceType::DxLag => "aws_dx_lag",
            ResourceType::DxGateway => "aws_dx_gateway",
            ResourceType::DxGatewayAssociation => "aws_dx_gateway_association",
            ResourceType::SupplyChainDataLakeNamespace => "aws_supplychain_data_lake_namespace",
            ResourceType::SupplyChainDataLakeDataset => "aws_supplychain_data_lake_dataset",
            ResourceType::SupplyChainDataIntegrationFlow => "aws_supplychain_data_integration_flow",
        }
    }

    pub(crate) fn index(self) -> usize {
        self as usize
    }

    /// The steady state a seed entry gets when it names no status (the
    /// state in which the resource can be deleted).
    pub fn default_status(self) -> &'static str {
        match self {
            ResourceType::AppRunnerService => "RUNNING",
            ResourceType::AppRunnerVpcConnector => "ACTIVE",
            ResourceType::AppRunnerVpcIngressConnection => "AVAILABLE",
            ResourceType::DxConnection => "available",
            ResourceType::DxVirtualInterface => "available",
            ResourceType::SupplyChainInstance => "Active",
            ResourceType::AppRunnerAutoScalingConfiguration
            | ResourceType::AppRunnerObservabilityConfiguration
            | ResourceType::AppRunnerCustomDomain => "ACTIVE",
            ResourceType::AppRunnerConnection => "AVAILABLE",
            ResourceType::DxLag | ResourceType::DxGateway => "available",
            ResourceType::DxGatewayAssociation => "associated",
            ResourceType::SupplyChainDataLakeNamespace
            | ResourceType::SupplyChainDataLakeDataset
            | ResourceType::SupplyChainDataIntegrationFlow => PRESENT,
        }
    }

    /// Every status the type can be in (the model's enum values that apply).
    pub fn statuses(self) -> &'static [&'static str] {
        match self {
            ResourceType::AppRunnerService => &[
                "CREATE_FAILED",
                "RUNNING",
                "DELETED",
                "DELETE_FAILED",
                "PAUSED",
                "OPERATION_IN_PROGRESS",
            ],
            ResourceType::AppRunnerVpcConnector => &["ACTIVE", "INACTIVE"],
            ResourceType::AppRunnerVpcIngressConnection => &[
                "AVAILABLE",
                "PENDING_CREATION",
                "PENDING_UPDATE",
                "PENDING_DELETION",
                "FAILED_CREATION",
                "FAILED_UPDATE",
                "FAILED_DELETION",
                "DELETED",
            ],
            ResourceType::DxConnection => &[
                "ordering",
                "requested",
                "pending",
                "available",
                "down",
                "deleting",
                "deleted",
                "rejected",
                "unknown",
            ],
            ResourceType::DxVirtualInterface => &[
                "confirming",
                "verifying",
                "pending",
                "available",
                "down",
                "testing",
                "deleting",
                "deleted",
                "rejected",
                "unknown",
            ],
            ResourceType::SupplyChainInstance => &[
                "Initializing",
                "Active",
                "CreateFailed",
                "DeleteFailed",
                "Deleting",
                "Deleted",
            ],
            ResourceType::AppRunnerAutoScalingConfiguration
            | ResourceType::AppRunnerObservabilityConfiguration => &["ACTIVE", "INACTIVE"],
            ResourceType::AppRunnerConnection => {
                &["PENDING_HANDSHAKE", "AVAILABLE", "ERROR", "DELETED"]
            }
            // No DELETED: a disassociated domain is absent, not a tombstone.
            ResourceType::AppRunnerCustomDomain => &[
                "CREATING",
                "CREATE_FAILED",
                "ACTIVE",
                "DELETING",
                "DELETE_FAILED",
                "PENDING_CERTIFICATE_DNS_VALIDATION",
                "BINDING_CERTIFICATE",
            ],
            ResourceType::DxLag => &[
                "requested",
                "pending",
                "available",
                "down",
                "deleting",
                "deleted",
                "unknown",
            ],
            ResourceType::DxGateway => &["pending", "available", "deleting", "deleted"],
            ResourceType::DxGatewayAssociation => &[
                "associating",
                "associated",
                "disassociating",
                "disassociated",
                "updating",
            ],
            ResourceType::SupplyChainDataLakeNamespace
            | ResourceType::SupplyChainDataLakeDataset
            | ResourceType::SupplyChainDataIntegrationFlow => &[PRESENT],
        }
    }

    /// The service that answers for this type (and whose throttle bucket its requests use).
    pub fn service(self) -> crate::ServiceKind {
        match self {
            ResourceType::AppRunnerService
            | ResourceType::AppRunnerVpcConnector
            | ResourceType::AppRunnerVpcIngressConnection
            | ResourceType::AppRunnerAutoScalingConfiguration
            | ResourceType::AppRunnerObservabilityConfiguration
            | ResourceType::AppRunnerConnection
            | ResourceType::AppRunnerCustomDomain => crate::ServiceKind::AppRunner,
            ResourceType::DxConnection
            | ResourceType::DxVirtualInterface
            | ResourceType::DxLag
            | ResourceType::DxGateway
            | ResourceType::DxGatewayAssociation => crate::ServiceKind::DirectConnect,
            ResourceType::SupplyChainInstance
            | ResourceType::SupplyChainDataLakeNamespace
            | ResourceType::SupplyChainDataLakeDataset
            | ResourceType::SupplyChainDataIntegrationFlow => crate::ServiceKind::SupplyChain,
        }
    }

    /// Terminal ("gone") statuses: resources in them disappear after the tombstone TTL.
    pub fn is_terminal(self, status: &str) -> bool {
        match self {
            ResourceType::AppRunnerService | ResourceType::AppRunnerVpcIngressConnection => {
                status == "DELETED"
            }
            ResourceType::AppRunnerVpcConnector => status == "INACTIVE",
            ResourceType::DxConnection | ResourceType::DxVirtualInterface => {
                status == "deleted" || status == "rejected"
            }
            ResourceType::SupplyChainInstance => status == "Deleted",
            ResourceType::AppRunnerAutoScalingConfiguration
            | ResourceType::AppRunnerObservabilityConfiguration => status == "INACTIVE",
            ResourceType::AppRunnerConnection | ResourceType::AppRunnerCustomDomain => {
                status == "DELETED"
            }
            ResourceType::DxLag | ResourceType::DxGateway => status == "deleted",
            ResourceType::DxGatewayAssociation => status == "disassociated",
            // Deleted at once: gone (404), never in a terminal status.
            ResourceType::SupplyChainDataLakeNamespace
            | ResourceType::SupplyChainDataLakeDataset
            | ResourceType::SupplyChainDataIntegrationFlow => false,
        }
    }

    /// Whether a deleted resource stays visible for the tombstone TTL (a
    /// disassociated custom domain is simply absent from DescribeCustomDomains).
    pub(crate) fn keeps_tombstone(self) -> bool {
        self != ResourceType::AppRunnerCustomDomain
    }

    /// For a transitional status, the status it settles into (used for
    /// seeded resources and for creates/deletes).
    pub fn settles_to(self, status: &str) -> Option<&'static str> {
        Some(match (self, status) {
            (ResourceType::AppRunnerService, "OPERATION_IN_PROGRESS") => "RUNNING",
            (
                ResourceType::AppRunnerVpcIngressConnection,
                "PENDING_CREATION" | "PENDING_UPDATE",
            ) => "AVAILABLE",
            (ResourceType::AppRunnerVpcIngressConnection, "PENDING_DELETION") => "DELETED",
            (ResourceType::DxConnection, "ordering" | "requested" | "pending") => "available",
            (ResourceType::DxConnection, "deleting") => "deleted",
            (ResourceType::DxVirtualInterface, "confirming" | "verifying" | "pending") => {
                "available"
            }
            (ResourceType::DxVirtualInterface, "deleting") => "deleted",
            (ResourceType::SupplyChainInstance, "Initializing") => "Active",
            (ResourceType::SupplyChainInstance, "Deleting") => "Deleted",
            (ResourceType::AppRunnerCustomDomain, "CREATING") => {
                "PENDING_CERTIFICATE_DNS_VALIDATION"
            }
            (ResourceType::AppRunnerCustomDomain, "BINDING_CERTIFICATE") => "ACTIVE",
            (ResourceType::AppRunnerCustomDomain, "DELETING") => "DELETED",
            (ResourceType::DxLag, "requested" | "pending") => "available",
            (ResourceType::DxLag | ResourceType::DxGateway, "deleting") => "deleted",
            (ResourceType::DxGateway, "pending") => "available",
            (ResourceType::DxGatewayAssociation, "associating" | "updating") => "associated",
            (ResourceType::DxGatewayAssociation, "disassociating") => "disassociated",
            _ => return None,
        })
    }
}

/// The one status of the Supply Chain data lake and data integration
/// types, whose models carry none: they exist until deleted (then 404).
pub const PRESENT: &str = "Active";

impl std::fmt::Display for ResourceType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A set of resources: the `--state FILE` JSON document.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SimState {
    /// The resources, in any order (relations may point forward).
    #[serde(default)]
    pub resources: Vec<SeedResource>,
}

fn default_region() -> String {
    "us-east-1".into()
}

/// One seeded resource. Only `type` is required.
///
/// Identity: App Runner resources are keyed by `arn`
/// (`arn:aws:apprunner:REGION:ACCOUNT:service/NAME/32hex`,
/// `…:vpcconnector/NAME/REVISION/32hex`, `…:vpcingressconnection/NAME/32hex`);
/// `id` is the trailing 32-hex id. DX resources are keyed by `id`
/// (`dxcon-…`, `dxvif-…`, `dxlag-…`; a UUID for gateways and associations),
/// Supply Chain instances by `id` (a UUID); their `arn` is derived. A data
/// lake namespace, dataset or flow is keyed by `instance_id`, `namespace`
/// (datasets) and `name`: its id `INSTANCE[/NAMESPACE]/NAME` is derived. Whatever is omitted is generated from the seeded RNG.
///
/// `status` defaults to the type's deletable steady state
/// ([`ResourceType::default_status`]). A transitional status (e.g.
/// `OPERATION_IN_PROGRESS`, `PENDING_DELETION`, `deleting`, `Initializing`)
/// settles like a fresh create/delete would, after the type's latency counted
/// from when the seed is loaded; a terminal status (`DELETED`, `INACTIVE`,
/// `deleted`, `Deleted`) stays visible for the tombstone TTL.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedResource {
    /// The resource type, e.g. `"aws_apprunner_service"`.
    #[serde(rename = "type")]
    pub resource_type: ResourceType,
    /// The account that owns it (12 digits; default: the simulator's
    /// `--account-id`). Only callers acting in this account see it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    /// The region (default `us-east-1`).
    #[serde(default = "default_region")]
    pub region: String,
    /// The resource name (service/connector/ingress connection/DX connection/VIF/instance name).
    #[serde(default)]
    pub name: String,
    /// Explicit ARN (App Runner identity); generated when omitted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arn: Option<String>,
    /// Explicit id (DX `dxcon-`/`dxvif-` id, Supply Chain UUID, App Runner 32-hex id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The status, using the model's enum spelling (e.g. `RUNNING`, `available`, `Active`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Service only: the VPC connector ARN of its egress configuration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc_connector_arn: Option<String>,
    /// Ingress connection only: the service ARN it points at (required for that type).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_arn: Option<String>,
    /// Ingress connection only: the VPC endpoint id (generated when omitted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc_endpoint_id: Option<String>,
    /// Virtual interface only: the DX connection or LAG id it runs on
    /// (required for that type).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connection_id: Option<String>,
    /// Service only: its auto scaling configuration ARN (default: the
    /// region's `DefaultConfiguration`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_scaling_configuration_arn: Option<String>,
    /// Service only: its observability configuration ARN (observability off when omitted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observability_configuration_arn: Option<String>,
    /// Service only: the connection of its code repository source (an image
    /// source when omitted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connection_arn: Option<String>,
    /// Custom domain association only: the domain (required for that type,
    /// with `service_arn`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain_name: Option<String>,
    /// DX connection only: the LAG it is a member of.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lag_id: Option<String>,
    /// Virtual interface: the DX gateway it attaches to; gateway association:
    /// its gateway (required for that type).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dx_gateway_id: Option<String>,
    /// Supply Chain namespace, dataset and flow: the instance id (required for those types).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_id: Option<String>,
    /// Supply Chain dataset: its namespace's name (required for that type;
    /// `asc` and `default` exist in every instance).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// Tags.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: BTreeMap<String, String>,
}

impl SeedResource {
    /// A seed entry of this type/name in us-east-1 of the simulator's own
    /// account, everything else defaulted.
    pub fn new(resource_type: ResourceType, name: impl Into<String>) -> SeedResource {
        SeedResource {
            resource_type,
            account: None,
            region: default_region(),
            name: name.into(),
            arn: None,
            id: None,
            status: None,
            vpc_connector_arn: None,
            service_arn: None,
            vpc_endpoint_id: None,
            connection_id: None,
            auto_scaling_configuration_arn: None,
            observability_configuration_arn: None,
            connection_arn: None,
            domain_name: None,
            lag_id: None,
            dx_gateway_id: None,
            instance_id: None,
            namespace: None,
            tags: BTreeMap::new(),
        }
    }
}

impl SimState {
    /// Reads a `--state` JSON file.
    pub fn load(path: &Path) -> Result<SimState, String> {
        let bytes = std::fs::read(path)
            .map_err(|e| format!("cannot read state file {}: {e}", path.display()))?;
        SimState::parse(&bytes).map_err(|e| format!("invalid state file {}: {e}", path.display()))
    }

    /// A state file's content.
    pub fn parse(bytes: &[u8]) -> Result<SimState, String> {
        serde_json::from_slice(bytes).map_err(|e| e.to_string())
    }

    /// The resources of one type (convenience for tests).
    pub fn of_type(&self, t: ResourceType) -> impl Iterator<Item = &SeedResource> {
        self.resources.iter().filter(move |r| r.resource_type == t)
    }
}
