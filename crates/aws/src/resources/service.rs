//! `aws_apprunner_service`: ListServices (summaries: name, ARN, status) and
//! DescribeService (the only call that tells which VPC connector a
//! service uses).

use decom_graph::{LiveRelation, LiveResource, LiveState};
use decom_parser::{RelationAttr, ResourceType};

use super::{all_pages, arn, described, send};
use crate::connect::{AwsCloud, Clients};
use crate::error::CloudError;

pub fn state(status: &str) -> LiveState {
    match status {
        "DELETED" => LiveState::Gone,
        "OPERATION_IN_PROGRESS" => LiveState::Busy,
        _ => LiveState::Deletable,
    }
}

fn live(region: &str, arn_: &str, name: &str, status: &str) -> LiveResource {
    LiveResource {
        resource_type: ResourceType::AppRunnerService,
        region: region.to_string(),
        id: arn_.to_string(),
        name: name.to_string(),
        account_id: arn::account(arn_),
        status: status.to_string(),
        state: state(status),
        relations: Vec::new(),
    }
}

/// Items per page of the list call (the model's maximum).
pub const PAGE_SIZE: i32 = 20;

pub async fn list(
    cloud: &AwsCloud,
    c: &Clients,
    region: &str,
) -> Result<Vec<LiveResource>, CloudError> {
    all_pages(|token| async move {
        let page = send!(
            cloud,
            "ListServices",
            c.apprunner
                .list_services()
                .max_results(PAGE_SIZE)
                .set_next_token(token)
        )?;
        let items = page
            .service_summary_list()
            .iter()
            .filter_map(|s| {
                let status = s.status().map(|s| s.as_str()).unwrap_or_default();
                Some(live(region, s.service_arn()?, s.service_name()?, status))
            })
            .collect();
        Ok((items, page.next_token().map(str::to_string)))
    })
    .await
}

/// The service with its VPC connector relation; `None` if not found.
pub async fn describe(
    cloud: &AwsCloud,
    c: &Clients,
    region: &str,
    service_arn: &str,
) -> Result<Option<LiveResource>, CloudError> {
    let answer = send!(
        cloud,
        "DescribeService",
        c.apprunner.describe_service().service_arn(service_arn)
    );
    described("DescribeService", region, answer, |out| {
        let s = out.service()?;
        let mut r = live(
            region,
            s.service_arn(),
            s.service_name(),
            s.status().as_str(),
        );
        let connector = s
            .network_configuration()
            .and_then(|n| n.egress_configuration())
            .and_then(|e| e.vpc_connector_arn())
            .filter(|a| !a.is_empty());
        r.relations.push(LiveRelation {
            attr: RelationAttr::VpcConnectorArn,
            target: connector.map(str::to_string),
        });
        Some(r)
    })
}
