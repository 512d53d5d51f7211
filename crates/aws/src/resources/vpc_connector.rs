//! `aws_apprunner_vpc_connector`: ListVpcConnectors returns everything the
//! plan needs (name, ARN, status), so there is no describe.

use decom_graph::{LiveResource, LiveState};
use decom_parser::ResourceType;

use super::arn;
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
    let mut out = Vec::new();
    let mut token = None;
    loop {
        let page = cloud
            .call("ListVpcConnectors", async {
                c.apprunner
                    .list_vpc_connectors()
                    .max_results(100)
                    .set_next_token(token.clone())
                    .send()
                    .await
                    .map_err(|e| CloudError::from_sdk("ListVpcConnectors", e))
            })
            .await?;
        for v in page.vpc_connectors() {
            let (Some(arn_), Some(name)) = (v.vpc_connector_arn(), v.vpc_connector_name()) else {
                continue;
            };
            let status = v.status().map(|s| s.as_str()).unwrap_or_default();
            out.push(LiveResource {
                resource_type: ResourceType::AppRunnerVpcConnector,
                region: region.to_string(),
                id: arn_.to_string(),
                name: name.to_string(),
                account_id: arn::account(arn_),
                status: status.to_string(),
                state: state(status),
                relations: Vec::new(),
            });
        }
        token = page.next_token().map(str::to_string);
        if token.is_none() {
            return Ok(out);
        }
    }
}
