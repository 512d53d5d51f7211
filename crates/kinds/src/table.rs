//! The rows: one `Kind` per resource type (DESIGN sections 3 and 10).

use std::time::Duration;

use crate::{
    End, IdShape, Identity, Kind, NameMeans, Relation, RelationAttr, ResourceType, States,
};

const fn minutes(m: u64) -> Duration {
    Duration::from_secs(m * 60)
}

pub static APPRUNNER_VPC_INGRESS_CONNECTION: Kind = Kind {
    resource_type: ResourceType::AppRunnerVpcIngressConnection,
    name: "aws_apprunner_vpc_ingress_connection",
    title: "App Runner VPC ingress connection",
    id_shape: IdShape::Arn {
        service: "apprunner",
        resource: "vpcingressconnection",
        revision: false,
    },
    id_example: "arn:aws:apprunner:us-east-1:123456789012:vpcingressconnection/web/0123abcd",
    identity: Identity::Arn,
    // AWS refuses DeleteService while an AVAILABLE ingress connection exists.
    relations: &[Relation {
        attr: RelationAttr::ServiceArn,
        targets: &[ResourceType::AppRunnerService],
        first: End::Holder,
        blocks: true,
        required: true,
        target_key: &[],
    }],
    states: States {
        gone: &["DELETED"],
        busy: &["PENDING_CREATION", "PENDING_UPDATE"],
        deleting: &["PENDING_DELETION"],
    },
    default_timeout: minutes(10),
    cascaded_by: &[],
    aws_owned_names: &[],
    name_means: NameMeans::One,
};

pub static APPRUNNER_CUSTOM_DOMAIN_ASSOCIATION: Kind = Kind {
    resource_type: ResourceType::AppRunnerCustomDomainAssociation,
    name: "aws_apprunner_custom_domain_association",
    title: "App Runner custom domain association",
    // Its id is `SERVICE_ARN,DOMAIN_NAME` (Terraform's import id).
    id_shape: IdShape::Opaque,
    id_example: "arn:aws:apprunner:us-east-1:123456789012:service/web/0123abcd,www.example.com",
    identity: Identity::Composite(&["service_arn", "domain_name"]),
    // Disassociate before DeleteService; AWS does not refuse DeleteService
    // while domains are associated, so one outside the manifest is no
    // blocker (and refresh lists a service's domains only for planned ones).
    relations: &[Relation {
        attr: RelationAttr::ServiceArn,
        targets: &[ResourceType::AppRunnerService],
        first: End::Holder,
        blocks: false,
        required: true,
        target_key: &[],
    }],
    // A disassociated domain is absent from DescribeCustomDomains: "not
    // found" is its only gone.
    states: States {
        gone: &[],
        busy: &["CREATING", "BINDING_CERTIFICATE"],
        deleting: &["DELETING"],
    },
    default_timeout: minutes(20),
    cascaded_by: &[],
    aws_owned_names: &[],
    name_means: NameMeans::One,
};

pub static APPRUNNER_SERVICE: Kind = Kind {
    resource_type: ResourceType::AppRunnerService,
    name: "aws_apprunner_service",
    title: "App Runner service",
    id_shape: IdShape::Arn {
        service: "apprunner",
        resource: "service",
        revision: false,
    },
    id_example: "arn:aws:apprunner:us-east-1:123456789012:service/web/0123abcd",
    identity: Identity::Arn,
    // AWS refuses to delete a connector, configuration or connection a
    // service uses.
    relations: &[
        Relation {
            attr: RelationAttr::VpcConnectorArn,
            targets: &[ResourceType::AppRunnerVpcConnector],
            first: End::Holder,
            blocks: true,
            required: false,
            target_key: &[],
        },
        // AWS gives every service one, but without one of its own that is
        // the region's DefaultConfiguration, which is AWS's, never deleted
        // and never in a manifest: not required.
        Relation {
            attr: RelationAttr::AutoScalingConfigurationArn,
            targets: &[ResourceType::AppRunnerAutoScalingConfiguration],
            first: End::Holder,
            blocks: true,
            required: false,
            target_key: &[],
        },
        Relation {
            attr: RelationAttr::ObservabilityConfigurationArn,
            targets: &[ResourceType::AppRunnerObservabilityConfiguration],
            first: End::Holder,
            blocks: true,
            required: false,
            target_key: &[],
        },
        Relation {
            attr: RelationAttr::ConnectionArn,
            targets: &[ResourceType::AppRunnerConnection],
            first: End::Holder,
            blocks: true,
            required: false,
            target_key: &[],
        },
    ],
    states: States {
        gone: &["DELETED"],
        busy: &["OPERATION_IN_PROGRESS"],
        deleting: &[],
    },
    default_timeout: minutes(20),
    cascaded_by: &[],
    aws_owned_names: &[],
    name_means: NameMeans::One,
};

pub static APPRUNNER_VPC_CONNECTOR: Kind = Kind {
    resource_type: ResourceType::AppRunnerVpcConnector,
    name: "aws_apprunner_vpc_connector",
    title: "App Runner VPC connector",
    id_shape: IdShape::Arn {
        service: "apprunner",
        resource: "vpcconnector",
        revision: true,
    },
    id_example: "arn:aws:apprunner:us-east-1:123456789012:vpcconnector/shared/1/89efcdab",
    identity: Identity::Arn,
    relations: &[],
    states: States {
        gone: &["INACTIVE"],
        busy: &[],
        deleting: &[],
    },
    default_timeout: minutes(5),
    cascaded_by: &[],
    aws_owned_names: &[],
    name_means: NameMeans::One,
};

pub static APPRUNNER_AUTO_SCALING_CONFIGURATION: Kind = Kind {
    resource_type: ResourceType::AppRunnerAutoScalingConfiguration,
    name: "aws_apprunner_auto_scaling_configuration_version",
    title: "App Runner auto scaling configuration",
    id_shape: IdShape::Arn {
        service: "apprunner",
        resource: "autoscalingconfiguration",
        revision: true,
    },
    id_example:
        "arn:aws:apprunner:us-east-1:123456789012:autoscalingconfiguration/web-scale/1/0123abcd",
    identity: Identity::Arn,
    relations: &[],
    states: States {
        gone: &["INACTIVE"],
        busy: &[],
        deleting: &[],
    },
    default_timeout: minutes(5),
    cascaded_by: &[],
    aws_owned_names: &[],
    name_means: NameMeans::AllRevisions,
};

pub static APPRUNNER_OBSERVABILITY_CONFIGURATION: Kind = Kind {
    resource_type: ResourceType::AppRunnerObservabilityConfiguration,
    name: "aws_apprunner_observability_configuration",
    title: "App Runner observability configuration",
    id_shape: IdShape::Arn {
        service: "apprunner",
        resource: "observabilityconfiguration",
        revision: true,
    },
    id_example:
        "arn:aws:apprunner:us-east-1:123456789012:observabilityconfiguration/traces/1/0123abcd",
    identity: Identity::Arn,
    relations: &[],
    states: States {
        gone: &["INACTIVE"],
        busy: &[],
        deleting: &[],
    },
    default_timeout: minutes(5),
    cascaded_by: &[],
    aws_owned_names: &[],
    name_means: NameMeans::One,
};

pub static APPRUNNER_CONNECTION: Kind = Kind {
    resource_type: ResourceType::AppRunnerConnection,
    name: "aws_apprunner_connection",
    title: "App Runner connection",
    id_shape: IdShape::Arn {
        service: "apprunner",
        resource: "connection",
        revision: false,
    },
    id_example: "arn:aws:apprunner:us-east-1:123456789012:connection/github/0123abcd",
    identity: Identity::Arn,
    relations: &[],
    states: States {
        gone: &["DELETED"],
        busy: &[],
        deleting: &[],
    },
    default_timeout: minutes(5),
    cascaded_by: &[],
    aws_owned_names: &[],
    name_means: NameMeans::One,
};

pub static DX_VIRTUAL_INTERFACE: Kind = Kind {
    resource_type: ResourceType::DxVirtualInterface,
    name: "aws_dx_virtual_interface",
    title: "Direct Connect virtual interface",
    id_shape: IdShape::Prefix("dxvif-"),
    id_example: "dxvif-ffabc123",
    identity: Identity::Id,
    // AWS refuses DeleteConnection, DeleteLag and DeleteDirectConnectGateway
    // while a virtual interface is on it. A VIF attached to a gateway still
    // runs on a connection or LAG: `connection_id` is always there.
    relations: &[
        Relation {
            attr: RelationAttr::ConnectionId,
            targets: &[ResourceType::DxConnection, ResourceType::DxLag],
            first: End::Holder,
            blocks: true,
            required: true,
            target_key: &[],
        },
        Relation {
            attr: RelationAttr::DxGatewayId,
            targets: &[ResourceType::DxGateway],
            first: End::Holder,
            blocks: true,
            required: false,
            target_key: &[],
        },
    ],
    states: States {
        gone: &["deleted", "rejected"],
        busy: &["pending", "confirming", "verifying"],
        deleting: &["deleting"],
    },
    default_timeout: minutes(10),
    cascaded_by: &[],
    aws_owned_names: &[],
    name_means: NameMeans::One,
};

pub static DX_CONNECTION: Kind = Kind {
    resource_type: ResourceType::DxConnection,
    name: "aws_dx_connection",
    title: "Direct Connect connection",
    id_shape: IdShape::Prefix("dxcon-"),
    id_example: "dxcon-fg123456",
    identity: Identity::Id,
    // The other direction: DeleteLag leaves its members standalone, while
    // AWS refuses DeleteConnection on a member of a live LAG that would
    // fall below its minimum links. Whether it would depends on the LAG's
    // other members, so a live LAG outside the manifest blocks a planned
    // member (the safe reading: the plan never promises a delete AWS may
    // refuse).
    relations: &[Relation {
        attr: RelationAttr::LagId,
        targets: &[ResourceType::DxLag],
        first: End::Target,
        blocks: true,
        required: false,
        target_key: &[],
    }],
    states: States {
        gone: &["deleted", "rejected"],
        busy: &[],
        deleting: &["deleting"],
    },
    default_timeout: minutes(10),
    cascaded_by: &[],
    aws_owned_names: &[],
    name_means: NameMeans::One,
};

pub static DX_LAG: Kind = Kind {
    resource_type: ResourceType::DxLag,
    name: "aws_dx_lag",
    title: "Direct Connect LAG",
    id_shape: IdShape::Prefix("dxlag-"),
    id_example: "dxlag-fgabc123",
    identity: Identity::Id,
    relations: &[],
    states: States {
        gone: &["deleted"],
        busy: &["requested", "pending"],
        deleting: &["deleting"],
    },
    default_timeout: minutes(10),
    cascaded_by: &[],
    aws_owned_names: &[],
    name_means: NameMeans::One,
};

pub static DX_GATEWAY: Kind = Kind {
    resource_type: ResourceType::DxGateway,
    name: "aws_dx_gateway",
    title: "Direct Connect gateway",
    // A UUID.
    id_shape: IdShape::Opaque,
    id_example: "5f294f92-bafb-4011-916d-9b0bec0a2a25",
    identity: Identity::Id,
    relations: &[],
    states: States {
        gone: &["deleted"],
        busy: &["pending"],
        deleting: &["deleting"],
    },
    default_timeout: minutes(10),
    cascaded_by: &[],
    aws_owned_names: &[],
    name_means: NameMeans::One,
};

pub static DX_GATEWAY_ASSOCIATION: Kind = Kind {
    resource_type: ResourceType::DxGatewayAssociation,
    name: "aws_dx_gateway_association",
    title: "Direct Connect gateway association",
    // A UUID. Its `name` is the associated virtual private or transit
    // gateway's id (an association has no name of its own).
    id_shape: IdShape::Opaque,
    id_example: "8d3f0a5e-2b1c-4d6e-9f70-1a2b3c4d5e6f",
    identity: Identity::Id,
    // AWS refuses DeleteDirectConnectGateway until every association is
    // disassociated.
    relations: &[Relation {
        attr: RelationAttr::DxGatewayId,
        targets: &[ResourceType::DxGateway],
        first: End::Holder,
        blocks: true,
        required: true,
        target_key: &[],
    }],
    states: States {
        gone: &["disassociated"],
        busy: &["associating", "updating"],
        deleting: &["disassociating"],
    },
    default_timeout: minutes(30),
    cascaded_by: &[],
    aws_owned_names: &[],
    name_means: NameMeans::One,
};

pub static SUPPLYCHAIN_INSTANCE: Kind = Kind {
    resource_type: ResourceType::SupplyChainInstance,
    name: "aws_supplychain_instance",
    title: "Supply Chain instance",
    id_shape: IdShape::Opaque,
    id_example: "INSTANCE_ID",
    identity: Identity::Id,
    relations: &[],
    states: States {
        gone: &["Deleted"],
        busy: &["Initializing"],
        deleting: &["Deleting"],
    },
    default_timeout: minutes(60),
    cascaded_by: &[],
    aws_owned_names: &[],
    name_means: NameMeans::One,
};

// Supply Chain's data lake and data integration children (DESIGN section
// 10). The model gives them no status: one is there until AWS answers 404.
// AWS deletes them with their instance, and a namespace's datasets with
// the namespace (`cascaded_by`, nearest parent first). A child outside
// the manifest never blocks its parent: it goes with it.

/// The status refresh gives a child that is there (the model has none).
pub const CHILD_PRESENT: &str = "Present";

/// The status refresh gives an auto scaling configuration that is its
/// region's default (`IsDefault`): AWS refuses its delete while it is.
pub const ACCOUNT_DEFAULT: &str = "ACTIVE (the region's default)";

/// How a Supply Chain child's status reads: only "not found" is gone.
const SUPPLYCHAIN_CHILD_STATES: States = States {
    gone: &["Deleted"],
    busy: &[],
    deleting: &[],
};

/// A child's `instance_id` -> its instance (the child goes first).
const IN_INSTANCE: Relation = Relation {
    attr: RelationAttr::InstanceId,
    targets: &[ResourceType::SupplyChainInstance],
    first: End::Holder,
    blocks: false,
    required: true,
    target_key: &[],
};

pub static SUPPLYCHAIN_FLOW: Kind = Kind {
    resource_type: ResourceType::SupplyChainDataIntegrationFlow,
    name: "aws_supplychain_data_integration_flow",
    title: "Supply Chain data integration flow",
    id_shape: IdShape::Opaque,
    id_example: "INSTANCE_ID,orders_flow",
    identity: Identity::Composite(&["instance_id", "name"]),
    relations: &[IN_INSTANCE],
    states: SUPPLYCHAIN_CHILD_STATES,
    default_timeout: minutes(10),
    cascaded_by: &[RelationAttr::InstanceId],
    aws_owned_names: &[],
    name_means: NameMeans::One,
};

pub static SUPPLYCHAIN_DATASET: Kind = Kind {
    resource_type: ResourceType::SupplyChainDataLakeDataset,
    name: "aws_supplychain_data_lake_dataset",
    title: "Supply Chain data lake dataset",
    id_shape: IdShape::Opaque,
    id_example: "INSTANCE_ID,sales,orders",
    identity: Identity::Composite(&["instance_id", "namespace", "name"]),
    relations: &[
        IN_INSTANCE,
        Relation {
            attr: RelationAttr::Namespace,
            targets: &[ResourceType::SupplyChainDataLakeNamespace],
            first: End::Holder,
            blocks: false,
            required: true,
            // The namespace's id is `instance_id,name`.
            target_key: &["instance_id", "namespace"],
        },
    ],
    states: SUPPLYCHAIN_CHILD_STATES,
    default_timeout: minutes(10),
    cascaded_by: &[RelationAttr::Namespace, RelationAttr::InstanceId],
    aws_owned_names: &[],
    name_means: NameMeans::One,
};

pub static SUPPLYCHAIN_NAMESPACE: Kind = Kind {
    resource_type: ResourceType::SupplyChainDataLakeNamespace,
    name: "aws_supplychain_data_lake_namespace",
    title: "Supply Chain data lake namespace",
    id_shape: IdShape::Opaque,
    id_example: "INSTANCE_ID,sales",
    identity: Identity::Composite(&["instance_id", "name"]),
    relations: &[IN_INSTANCE],
    states: SUPPLYCHAIN_CHILD_STATES,
    default_timeout: minutes(10),
    cascaded_by: &[RelationAttr::InstanceId],
    // Every instance has them; AWS deletes them only with the instance.
    aws_owned_names: &["asc", "default"],
    name_means: NameMeans::One,
};
