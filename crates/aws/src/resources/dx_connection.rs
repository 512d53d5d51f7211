//! `aws_dx_connection`: DescribeConnections without an id returns every
//! connection of the region in one call.

use decom_graph::{LiveResource, LiveState};
use decom_parser::ResourceType;

use super::send;
use crate::connect::{AwsCloud, Clients};
use crate::error::CloudError;

pub fn state(status: &str) -> LiveState {
    match status {
        "deleted" | "rejected" => LiveState::Gone,
        "deleting" => LiveState::Deleting,
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
        "DescribeConnections",
        c.directconnect.describe_connections()
    )?;
    Ok(out
        .connections()
        .iter()
        .filter_map(|conn| {
            let status = conn
                .connection_state()
                .map(|s| s.as_str())
                .unwrap_or_default();
            Some(LiveResource {
                resource_type: ResourceType::DxConnection,
                region: conn.region().unwrap_or(region).to_string(),
                id: conn.connection_id()?.to_string(),
                name: conn.connection_name().unwrap_or_default().to_string(),
                account_id: conn.owner_account().map(str::to_string),
                status: status.to_string(),
                state: state(status),
                relations: Vec::new(),
            })
        })
        .collect())
}
