//! `aws_apprunner_vpc_ingress_connection`: ListVpcIngressConnections gives
//! ARN and service ARN only (the name is in the ARN); status needs
//! DescribeVpcIngressConnection.

use decom_parser::{RelationAttr, ResourceType};
use decom_plan::{LiveRelation, LiveResource};

use super::{all_pages, arn, described, send, Answer, At, KindApi, Listed, Shown};
use crate::error::CloudError;
use crate::tags::TagReader;

/// Status of a listed but not yet described ingress connection.
pub const NOT_DESCRIBED: &str = "(not described)";

fn live(region: &str, arn_: &str, name: String, service_arn: &str, status: &str) -> LiveResource {
    LiveResource {
        resource_type: ResourceType::AppRunnerVpcIngressConnection,
        region: region.to_string(),
        id: arn_.to_string(),
        name,
        account_id: arn::account(arn_),
        status: status.to_string(),
        state: ResourceType::AppRunnerVpcIngressConnection.state_of(status),
        relations: vec![LiveRelation {
            attr: RelationAttr::ServiceArn,
            target: Some(service_arn.to_string()).filter(|s| !s.is_empty()),
        }],
    }
}

/// Items per page of the list call (the model's maximum).
const PAGE_SIZE: i32 = 100;

async fn list(at: At<'_>) -> Result<Vec<LiveResource>, CloudError> {
    let At {
        cloud,
        clients: c,
        region,
    } = at;
    all_pages(|token| async move {
        let page = send!(
            cloud,
            "ListVpcIngressConnections",
            c.apprunner
                .list_vpc_ingress_connections()
                .max_results(PAGE_SIZE)
                .set_next_token(token)
        )?;
        let items = page
            .vpc_ingress_connection_summary_list()
            .iter()
            .filter_map(|s| {
                let arn_ = s.vpc_ingress_connection_arn()?;
                let name = arn::resource_name(arn_).unwrap_or_default();
                let service = s.service_arn().unwrap_or_default();
                Some(live(region, arn_, name, service, NOT_DESCRIBED))
            })
            .collect();
        Ok((items, page.next_token().map(str::to_string)))
    })
    .await
}

/// The ingress connection with its status; `None` if not found.
async fn describe(at: At<'_>, ingress_arn: &str) -> Result<Option<LiveResource>, CloudError> {
    let At {
        cloud,
        clients: c,
        region,
    } = at;
    let answer = send!(
        cloud,
        "DescribeVpcIngressConnection",
        c.apprunner
            .describe_vpc_ingress_connection()
            .vpc_ingress_connection_arn(ingress_arn)
    );
    described("DescribeVpcIngressConnection", region, answer, |out| {
        let v = out.vpc_ingress_connection()?;
        let arn_ = v.vpc_ingress_connection_arn()?;
        let name = v
            .vpc_ingress_connection_name()
            .map(str::to_string)
            .or_else(|| arn::resource_name(arn_))
            .unwrap_or_default();
        let status = v.status().map(|s| s.as_str()).unwrap_or_default();
        let mut r = live(
            region,
            arn_,
            name,
            v.service_arn().unwrap_or_default(),
            status,
        );
        r.account_id = v.account_id().map(str::to_string).or(r.account_id);
        Some(r)
    })
}

/// The kind's AWS calls.
pub(crate) struct Api;

impl KindApi for Api {
    #[cfg(test)]
    fn resource_type(&self) -> ResourceType {
        ResourceType::AppRunnerVpcIngressConnection
    }

    fn page_size(&self) -> Option<usize> {
        usize::try_from(PAGE_SIZE).ok()
    }

    fn listed(&self) -> Listed {
        Listed {
            status: false,
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
                "DeleteVpcIngressConnection",
                c.apprunner
                    .delete_vpc_ingress_connection()
                    .vpc_ingress_connection_arn(id)
            )
            .map(|_| None)
        })
    }

    fn tags(&self) -> TagReader {
        TagReader::AppRunner
    }

    fn tag_arn(&self, r: &LiveResource) -> Option<String> {
        Some(r.id.clone())
    }
}
