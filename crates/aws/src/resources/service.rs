//! `aws_apprunner_service`: ListServices (summaries: name, ARN, status) and
//! DescribeService (the only call that tells which VPC connector, auto
//! scaling and observability configurations and connection a service uses).

use decom_parser::{RelationAttr, ResourceType};
use decom_plan::{LiveRelation, LiveResource};

use super::{all_pages, arn, described, send, Answer, At, KindApi, Listed, Shown};
use crate::error::CloudError;
use crate::tags::TagReader;

fn live(region: &str, arn_: &str, name: &str, status: &str) -> LiveResource {
    LiveResource {
        resource_type: ResourceType::AppRunnerService,
        region: region.to_string(),
        id: arn_.to_string(),
        name: name.to_string(),
        account_id: arn::account(arn_),
        status: status.to_string(),
        state: ResourceType::AppRunnerService.state_of(status),
        relations: Vec::new(),
    }
}

/// Items per page of the list call (the model's maximum).
const PAGE_SIZE: i32 = 20;

async fn list(at: At<'_>) -> Result<Vec<LiveResource>, CloudError> {
    let At {
        cloud,
        clients: c,
        region,
    } = at;
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
async fn describe(at: At<'_>, service_arn: &str) -> Result<Option<LiveResource>, CloudError> {
    let At {
        cloud,
        clients: c,
        region,
    } = at;
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
        let connector: Option<&str> = s
            .network_configuration()
            .and_then(|n| n.egress_configuration())
            .and_then(|e| e.vpc_connector_arn())
            .filter(|a| !a.is_empty());
        let auto_scaling = s
            .auto_scaling_configuration_summary()
            .and_then(|a| a.auto_scaling_configuration_arn());
        let observability = s
            .observability_configuration()
            .filter(|o| o.observability_enabled())
            .and_then(|o| o.observability_configuration_arn());
        let connection = s
            .source_configuration()
            .and_then(|c| c.authentication_configuration())
            .and_then(|a| a.connection_arn());
        for (attr, target) in [
            (RelationAttr::VpcConnectorArn, connector),
            (RelationAttr::AutoScalingConfigurationArn, auto_scaling),
            (RelationAttr::ObservabilityConfigurationArn, observability),
            (RelationAttr::ConnectionArn, connection),
        ] {
            r.relations.push(LiveRelation {
                attr,
                target: target.filter(|a| !a.is_empty()).map(str::to_string),
            });
        }
        Some(r)
    })
}

/// The kind's AWS calls.
pub(crate) struct Api;

impl KindApi for Api {
    #[cfg(test)]
    fn resource_type(&self) -> ResourceType {
        ResourceType::AppRunnerService
    }

    fn page_size(&self) -> Option<usize> {
        usize::try_from(PAGE_SIZE).ok()
    }

    fn listed(&self) -> Listed {
        Listed {
            status: true,
            relations: false,
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
                "DeleteService",
                c.apprunner.delete_service().service_arn(id)
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
