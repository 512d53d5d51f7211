//! `aws_apprunner_vpc_ingress_connection`: ListVpcIngressConnections gives
//! ARN and service ARN only (the name is in the ARN); status needs
//! DescribeVpcIngressConnection.

use decom_graph::{LiveRelation, LiveResource, LiveState};
use decom_parser::{RelationAttr, ResourceType};

use super::{all_pages, arn, described, send};
use crate::connect::{AwsCloud, Clients};
use crate::error::CloudError;

/// Status of a listed but not yet described ingress connection.
pub const NOT_DESCRIBED: &str = "(not described)";

pub fn state(status: &str) -> LiveState {
    match status {
        "DELETED" => LiveState::Gone,
        "PENDING_DELETION" => LiveState::Deleting,
        "PENDING_CREATION" | "PENDING_UPDATE" => LiveState::Busy,
        _ => LiveState::Deletable,
    }
}

fn live(region: &str, arn_: &str, name: String, service_arn: &str, status: &str) -> LiveResource {
    LiveResource {
        resource_type: ResourceType::AppRunnerVpcIngressConnection,
        region: region.to_string(),
        id: arn_.to_string(),
        name,
        account_id: arn::account(arn_),
        status: status.to_string(),
        state: state(status),
        relations: vec![LiveRelation {
            attr: RelationAttr::ServiceArn,
            target: Some(service_arn.to_string()).filter(|s| !s.is_empty()),
        }],
    }
}

/// Items per page of the list call (the model's maximum).
pub const PAGE_SIZE: i32 = 100;

pub async fn list(
    cloud: &AwsCloud,
    c: &Clients,
    region: &str,
) -> Result<Vec<LiveResource>, CloudError> {
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
pub async fn describe(
    cloud: &AwsCloud,
    c: &Clients,
    region: &str,
    ingress_arn: &str,
) -> Result<Option<LiveResource>, CloudError> {
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
