//! `aws_supplychain_instance`: ListInstances pages carry name, id and state.

use decom_graph::{LiveResource, LiveState};
use decom_parser::ResourceType;

use super::{all_pages, send};
use crate::connect::{AwsCloud, Clients};
use crate::error::CloudError;

pub fn state(status: &str) -> LiveState {
    match status {
        "Deleted" => LiveState::Gone,
        "Deleting" => LiveState::Deleting,
        "Initializing" => LiveState::Busy,
        _ => LiveState::Deletable,
    }
}

pub async fn list(
    cloud: &AwsCloud,
    c: &Clients,
    region: &str,
) -> Result<Vec<LiveResource>, CloudError> {
    all_pages(|token| async move {
        let page = send!(
            cloud,
            "ListInstances",
            c.supplychain
                .list_instances()
                .max_results(20)
                .set_next_token(token)
        )?;
        let items = page
            .instances()
            .iter()
            .map(|i| {
                let status = i.state().as_str();
                LiveResource {
                    resource_type: ResourceType::SupplyChainInstance,
                    region: region.to_string(),
                    id: i.instance_id().to_string(),
                    name: i.instance_name().unwrap_or_default().to_string(),
                    account_id: Some(i.aws_account_id().to_string()).filter(|a| !a.is_empty()),
                    status: status.to_string(),
                    state: state(status),
                    relations: Vec::new(),
                }
            })
            .collect();
        Ok((items, page.next_token().map(str::to_string)))
    })
    .await
}
