//! The Delete* call of each resource type.

use decom_parser::ResourceType;

use super::send;
use crate::connect::{AwsCloud, Clients};
use crate::error::CloudError;

/// Sends the delete request for `id` (ARN or id) of a resource of `ty`.
pub async fn delete(
    cloud: &AwsCloud,
    c: &Clients,
    ty: ResourceType,
    id: &str,
) -> Result<(), CloudError> {
    match ty {
        ResourceType::AppRunnerVpcIngressConnection => send!(
            cloud,
            "DeleteVpcIngressConnection",
            c.apprunner
                .delete_vpc_ingress_connection()
                .vpc_ingress_connection_arn(id)
        )
        .map(drop),
        ResourceType::AppRunnerService => send!(
            cloud,
            "DeleteService",
            c.apprunner.delete_service().service_arn(id)
        )
        .map(drop),
        ResourceType::AppRunnerVpcConnector => send!(
            cloud,
            "DeleteVpcConnector",
            c.apprunner.delete_vpc_connector().vpc_connector_arn(id)
        )
        .map(drop),
        ResourceType::DxVirtualInterface => send!(
            cloud,
            "DeleteVirtualInterface",
            c.directconnect
                .delete_virtual_interface()
                .virtual_interface_id(id)
        )
        .map(drop),
        ResourceType::DxConnection => send!(
            cloud,
            "DeleteConnection",
            c.directconnect.delete_connection().connection_id(id)
        )
        .map(drop),
        ResourceType::SupplyChainInstance => send!(
            cloud,
            "DeleteInstance",
            c.supplychain.delete_instance().instance_id(id)
        )
        .map(drop),
    }
}
