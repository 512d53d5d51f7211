//! `aws_apprunner_connection`: ListConnections returns name, ARN and status
//! of every connection (there is no DescribeConnection: one is read from
//! the list filtered by its name).

use decom_parser::ResourceType;
use decom_plan::LiveResource;

use super::{all_pages, arn, send, Answer, At, KindApi, Listed, Shown};
use crate::error::CloudError;
use crate::tags::TagReader;

const TYPE: ResourceType = ResourceType::AppRunnerConnection;

/// Items per page of the list call (the model's maximum).
const PAGE_SIZE: i32 = 100;

fn live(region: &str, c: &aws_sdk_apprunner::types::ConnectionSummary) -> Option<LiveResource> {
    let (arn_, name) = (c.connection_arn()?, c.connection_name()?);
    let status = c.status().map(|s| s.as_str()).unwrap_or_default();
    Some(LiveResource {
        resource_type: TYPE,
        region: region.to_string(),
        id: arn_.to_string(),
        name: name.to_string(),
        account_id: arn::account(arn_),
        status: status.to_string(),
        state: TYPE.state_of(status),
        relations: Vec::new(),
    })
}

/// The connections, all or those named `name`.
async fn list(at: At<'_>, name: Option<String>) -> Result<Vec<LiveResource>, CloudError> {
    let At {
        cloud,
        clients: c,
        region,
    } = at;
    all_pages(|token| {
        let name = name.clone();
        async move {
            let page = send!(
                cloud,
                "ListConnections",
                c.apprunner
                    .list_connections()
                    .set_connection_name(name)
                    .max_results(PAGE_SIZE)
                    .set_next_token(token)
            )?;
            let items = page
                .connection_summary_list()
                .iter()
                .filter_map(|s| live(region, s))
                .collect();
            Ok((items, page.next_token().map(str::to_string)))
        }
    })
    .await
}

/// One connection, by the name its ARN carries; `None` if not listed.
async fn describe(at: At<'_>, connection_arn: &str) -> Result<Option<LiveResource>, CloudError> {
    let Some(name) = arn::resource_name(connection_arn) else {
        return Ok(None);
    };
    let named = list(at, Some(name)).await?;
    Ok(named.into_iter().find(|r| r.id == connection_arn))
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
        Box::pin(list(at, None))
    }

    fn describe<'a>(&'a self, at: At<'a>, id: &'a str) -> Answer<'a, Option<LiveResource>> {
        Box::pin(describe(at, id))
    }

    fn delete<'a>(&'a self, at: At<'a>, id: &'a str) -> Answer<'a, Shown> {
        let c = at.clients;
        Box::pin(async move {
            send!(
                at.cloud,
                "DeleteConnection",
                c.apprunner.delete_connection().connection_arn(id)
            )
            .map(|out| {
                let status = out.connection().and_then(|c| c.status())?;
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
