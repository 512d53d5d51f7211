//! `aws_apprunner_vpc_connector`: ListVpcConnectors returns everything the
//! plan needs (name, ARN, status); DescribeVpcConnector the same for one,
//! for apply to watch a few without paging the list.

use decom_parser::ResourceType;
use decom_plan::LiveResource;

use super::{all_pages, arn, described, send, Answer, At, KindApi, Listed, Shown};
use crate::error::CloudError;
use crate::tags::TagReader;

/// Items per page of the list call (the model's maximum).
const PAGE_SIZE: i32 = 100;

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
        state: ResourceType::AppRunnerVpcConnector.state_of(status),
        relations: Vec::new(),
    })
}

async fn list(at: At<'_>) -> Result<Vec<LiveResource>, CloudError> {
    let At {
        cloud,
        clients: c,
        region,
    } = at;
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
async fn describe(at: At<'_>, connector_arn: &str) -> Result<Option<LiveResource>, CloudError> {
    let At {
        cloud,
        clients: c,
        region,
    } = at;
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

/// The kind's AWS calls.
pub(crate) struct Api;

impl KindApi for Api {
    #[cfg(test)]
    fn resource_type(&self) -> ResourceType {
        ResourceType::AppRunnerVpcConnector
    }

    fn page_size(&self) -> Option<usize> {
        usize::try_from(PAGE_SIZE).ok()
    }

    fn listed(&self) -> Listed {
        Listed {
            status: true,
            relations: true,
        }
    }

    fn list<'a>(&'a self, at: At<'a>, _parent: Option<&'a str>) -> Answer<'a, Vec<LiveResource>> {
        Box::pin(list(at))
    }

    fn describe<'a>(&'a self, at: At<'a>, id: &'a str) -> Answer<'a, Option<LiveResource>> {
        Box::pin(describe(at, id))
    }

    fn delete<'a>(&'a self, at: At<'a>, id: &'a str) -> Answer<'a, Shown> {
        let c = at.clients;
        Box::pin(async move {
            send!(
                at.cloud,
                "DeleteVpcConnector",
                c.apprunner.delete_vpc_connector().vpc_connector_arn(id)
            )
            .map(|out| {
                let status = out.vpc_connector().and_then(|v| v.status())?;
                Some(ResourceType::AppRunnerVpcConnector.state_of(status.as_str()))
            })
        })
    }

    fn tags(&self) -> TagReader {
        TagReader::AppRunner
    }

    fn tag_arn(&self, r: &LiveResource) -> Option<String> {
        Some(r.id.clone())
    }
}
