//! The Delete* call of each resource type.

use decom_parser::ResourceType;

use crate::connect::{AwsCloud, Clients};
use crate::error::CloudError;

/// Sends the delete request for `id` (ARN or id) of a resource of `ty`.
pub async fn delete(
    cloud: &AwsCloud,
    c: &Clients,
    ty: ResourceType,
    id: &str,
) -> Result<(), CloudError> {
    macro_rules! send {
        ($op:literal, $request:expr) => {
            cloud
                .call($op, async {
                    $request
                        .send()
                        .await
                        .map(drop)
                        .map_err(|e| CloudError::from_sdk($op, e))
                })
                .await
        };
    }
    match ty {
        ResourceType::AppRunnerVpcIngressConnection => send!(
            "DeleteVpcIngressConnection",
            c.apprunner
                .delete_vpc_ingress_connection()
                .vpc_ingress_connection_arn(id)
        ),
        ResourceType::AppRunnerService => send!(
            "DeleteService",
            c.apprunner.delete_service().service_arn(id)
        ),
        ResourceType::AppRunnerVpcConnector => send!(
            "DeleteVpcConnector",
            c.apprunner.delete_vpc_connector().vpc_connector_arn(id)
        ),
        ResourceType::DxVirtualInterface => send!(
            "DeleteVirtualInterface",
            c.directconnect
                .delete_virtual_interface()
                .virtual_interface_id(id)
        ),
        ResourceType::DxConnection => send!(
            "DeleteConnection",
            c.directconnect.delete_connection().connection_id(id)
        ),
        ResourceType::SupplyChainInstance => send!(
            "DeleteInstance",
            c.supplychain.delete_instance().instance_id(id)
        ),
    }
}
