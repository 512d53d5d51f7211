//! `aws_apprunner_auto_scaling_configuration_version`: one resource per
//! revision. ListAutoScalingConfigurations returns name, ARN and status of
//! every active revision; DescribeAutoScalingConfiguration the same for
//! one. The region's default configuration (`IsDefault`) is kept, with the
//! status [`ACCOUNT_DEFAULT`]: left out, a block naming it was "already
//! gone", while AWS refuses its delete. A delete removes exactly one
//! approved revision.

use decom_kinds::ACCOUNT_DEFAULT;
use decom_parser::ResourceType;
use decom_plan::{LiveResource, LiveState};

use super::{all_pages, arn, described, send, Answer, At, KindApi, Listed, Shown};
use crate::error::CloudError;
use crate::tags::TagReader;

const TYPE: ResourceType = ResourceType::AppRunnerAutoScalingConfiguration;

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

/// The status decom reads: AWS's, or [`ACCOUNT_DEFAULT`] for an active
/// region default.
fn status_of(status: &str, is_default: Option<bool>) -> &str {
    if is_default == Some(true) && TYPE.state_of(status) != LiveState::Gone {
        ACCOUNT_DEFAULT
    } else {
        status
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
            "ListAutoScalingConfigurations",
            c.apprunner
                .list_auto_scaling_configurations()
                .max_results(PAGE_SIZE)
                .set_next_token(token)
        )?;
        let items = page
            .auto_scaling_configuration_summary_list()
            .iter()
            .filter_map(|s| {
                let status = s.status().map(|s| s.as_str()).unwrap_or_default();
                let status = status_of(status, s.is_default());
                Some(live(
                    region,
                    s.auto_scaling_configuration_arn()?,
                    s.auto_scaling_configuration_name()?,
                    status,
                ))
            })
            .collect();
        Ok((items, page.next_token().map(str::to_string)))
    })
    .await
}

/// Deletes exactly the revision `config_arn`, never the others of its
/// name: a name's older revisions are deleted each by its own ARN, as the
/// plan approved them (DeleteAllRevisions would take unapproved ones too).
async fn delete(at: At<'_>, config_arn: &str) -> Result<Shown, CloudError> {
    let c = at.clients;
    send!(
        at.cloud,
        "DeleteAutoScalingConfiguration",
        c.apprunner
            .delete_auto_scaling_configuration()
            .auto_scaling_configuration_arn(config_arn)
            .delete_all_revisions(false)
    )
    .map(|out| {
        let status = out.auto_scaling_configuration().and_then(|a| a.status())?;
        Some(TYPE.state_of(status.as_str()))
    })
}

async fn describe(at: At<'_>, config_arn: &str) -> Result<Option<LiveResource>, CloudError> {
    let At {
        cloud,
        clients: c,
        region,
    } = at;
    let answer = send!(
        cloud,
        "DescribeAutoScalingConfiguration",
        c.apprunner
            .describe_auto_scaling_configuration()
            .auto_scaling_configuration_arn(config_arn)
    );
    described("DescribeAutoScalingConfiguration", region, answer, |out| {
        let a = out.auto_scaling_configuration()?;
        let status = a.status().map(|s| s.as_str()).unwrap_or_default();
        let status = status_of(status, a.is_default());
        Some(live(
            region,
            a.auto_scaling_configuration_arn()?,
            a.auto_scaling_configuration_name()?,
            status,
        ))
    })
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
        Box::pin(delete(at, id))
    }

    fn tags(&self) -> TagReader {
        TagReader::AppRunner
    }

    fn tag_arn(&self, r: &LiveResource) -> Option<String> {
        Some(r.id.clone())
    }
}
