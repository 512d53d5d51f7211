//! `aws_dx_virtual_interface`: DescribeVirtualInterfaces without an id
//! returns every virtual interface of the region, with its connection.

use decom_graph::{LiveRelation, LiveResource, LiveState};
use decom_parser::{RelationAttr, ResourceType};

use super::send;
use crate::connect::{AwsCloud, Clients};
use crate::error::CloudError;

pub fn state(status: &str) -> LiveState {
    match status {
        "deleted" | "rejected" => LiveState::Gone,
        "deleting" => LiveState::Deleting,
        "pending" | "confirming" | "verifying" => LiveState::Busy,
        _ => LiveState::Deletable,
    }
}

pub async fn list(
    cloud: &AwsCloud,
    c: &Clients,
    region: &str,
) -> Result<Vec<LiveResource>, CloudError> {
    let out = send!(
        cloud,
        "DescribeVirtualInterfaces",
        c.directconnect.describe_virtual_interfaces()
    )?;
    Ok(out
        .virtual_interfaces()
        .iter()
        .filter_map(|vif| {
            let status = vif
                .virtual_interface_state()
                .map(|s| s.as_str())
                .unwrap_or_default();
            Some(LiveResource {
                resource_type: ResourceType::DxVirtualInterface,
                region: vif.region().unwrap_or(region).to_string(),
                id: vif.virtual_interface_id()?.to_string(),
                name: vif.virtual_interface_name().unwrap_or_default().to_string(),
                account_id: vif.owner_account().map(str::to_string),
                status: status.to_string(),
                state: state(status),
                relations: vec![LiveRelation {
                    attr: RelationAttr::ConnectionId,
                    target: vif.connection_id().map(str::to_string),
                }],
            })
        })
        .collect())
}
