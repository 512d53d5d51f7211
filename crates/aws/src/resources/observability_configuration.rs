//! `aws_apprunner_observability_configuration`: one resource per revision.
//! ListObservabilityConfigurations lists the active revisions only (its
//! summaries carry no status: being listed means ACTIVE);
//! DescribeObservabilityConfiguration reads one, in any status.

use decom_parser::ResourceType;
use decom_plan::LiveResource;

use super::{all_pages, arn, described, send, Answer, At, KindApi, Listed, Shown};
use crate::error::CloudError;
use crate::tags::TagReader;

const TYPE: ResourceType = ResourceType::AppRunnerObservabilityConfiguration;

/// The status of every listed configuration (AWS lists active ones only).
const LISTED_STATUS: &str = "ACTIVE";

/// Items per page of the list call (the model's maximum).
const PAGE_SIZE: i32 = 100;

fn live(region: &str, arn_: &str, name: &str, status: &str) -> LiveResource {
    LiveResource {
        resource_type: TYPE,
        region: region.to_string(),
        id: arn_.to_string(),
        name: name.to_string(),
        account_id: arn::account(arn_),
        status: status.to_string(),
        state: TYPE.state_of(status),
        relations: Vec::new(),
    }
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
            "ListObservabilityConfigurations",
            c.apprunner
                .list_observability_configurations()
                .max_results(PAGE_SIZE)
                .set_next_token(token)
        )?;
        let items = page
            .observability_configuration_summary_list()
            .iter()
            .filter_map(|s| {
                Some(live(
                    region,
                    s.observability_configuration_arn()?,
                    s.observability_configuration_name()?,
                    LISTED_STATUS,
                ))
            })
            .collect();
        Ok((items, page.next_token().map(str::to_string)))
    })
    .await
}

async fn describe(at: At<'_>, config_arn: &str) -> Result<Option<LiveResource>, CloudError> {
    let At {
        cloud,
        clients: c,
        region,
    } = at;
    let answer = send!(
        cloud,
        "DescribeObservabilityConfiguration",
        c.apprunner
            .describe_observability_configuration()
            .observability_configuration_arn(config_arn)
    );
    described(
        "DescribeObservabilityConfiguration",
        region,
        answer,
        |out| {
            let a = out.observability_configuration()?;
            let status = a.status().map(|s| s.as_str()).unwrap_or_default();
            Some(live(
                region,
                a.observability_configuration_arn()?,
                a.observability_configuration_name()?,
                status,
            ))
        },
    )
}

/// The kind's AWS calls.
pub(crate) struct Api;

impl KindApi for Api {
    #[cfg(test)]
    fn resource_type(&self) -> ResourceType {
        TYPE
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
                "DeleteObservabilityConfiguration",
                c.apprunner
                    .delete_observability_configuration()
                    .observability_configuration_arn(id)
            )
            .map(|out| {
                let status = out.observability_configuration().and_then(|o| o.status())?;
                Some(TYPE.state_of(status.as_str()))
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
