//! `aws_apprunner_vpc_connector`: ListVpcConnectors returns everything the
//! plan needs (name, ARN, status), so there is no describe.

use decom_graph::{LiveResource, LiveState};
use decom_parser::ResourceType;

use super::{all_pages, arn, send};
use crate::connect::{AwsCloud, Clients};
use crate::error::CloudError;

pub fn state(status: &str) -> LiveState {
    match status {
        "INACTIVE" => LiveState::Gone,
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
            "ListVpcConnectors",
            c.apprunner
                .list_vpc_connectors()
                .max_results(100)
                .set_next_token(token)
        )?;
        let items = page
            .vpc_connectors()
            .iter()
            .filter_map(|v| {
                let (arn_, name) = (v.vpc_connector_arn()?, v.vpc_connector_name()?);
                let status = v.status().map(|s| s.as_str()).unwrap_or_default();
                Some(LiveResource {
                    resource_type: ResourceType::AppRunnerVpcConnector,
                    region: region.to_string(),
                    id: arn_.to_string(),
                    name: name.to_string(),
                    account_id: arn::account(arn_),
                    status: status.to_string(),
                    state: state(status),
                    relations: Vec::new(),
                })
            })
            .collect();
        Ok((items, page.next_token().map(str::to_string)))
    })
    .await
}
