//! `aws_apprunner_vpc_connector`: ListVpcConnectors returns everything the
//! plan needs (name, ARN, status); DescribeVpcConnector the same for one,
//! for apply to watch a few without paging the list.

use decom_graph::{LiveResource, LiveState};
use decom_parser::ResourceType;

use super::{all_pages, arn, described, send};
use crate::connect::{AwsCloud, Clients};
use crate::error::CloudError;

pub fn state(status: &str) -> LiveState {
    match status {
        "INACTIVE" => LiveState::Gone,
        _ => LiveState::Deletable,
    }
}

/// Items per page of the list call (the model's maximum).
pub const PAGE_SIZE: i32 = 100;

fn live(region: &str, v: &aws_sdk_apprunner::types::VpcConnector) -> Option<LiveResource> {
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
                .max_results(PAGE_SIZE)
                .set_next_token(token)
        )?;
        let items = page
            .vpc_connectors()
            .iter()
            .filter_map(|v| live(region, v))
            .collect();
        Ok((items, page.next_token().map(str::to_string)))
    })
    .await
}

/// The connector; `None` if not found.
pub async fn describe(
    cloud: &AwsCloud,
    c: &Clients,
    region: &str,
    connector_arn: &str,
) -> Result<Option<LiveResource>, CloudError> {
    let answer = send!(
        cloud,
        "DescribeVpcConnector",
        c.apprunner
            .describe_vpc_connector()
            .vpc_connector_arn(connector_arn)
    );
    described("DescribeVpcConnector", region, answer, |out| {
        live(region, out.vpc_connector()?)
    })
}
