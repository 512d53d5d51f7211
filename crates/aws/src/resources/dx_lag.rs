//! `aws_dx_lag`: DescribeLags without an id returns every LAG of the
//! region (pages only when AWS chooses to cut them).

use decom_parser::ResourceType;
use decom_plan::LiveResource;

use super::{all_pages, send, Answer, At, KindApi, Listed, Shown};
use crate::error::CloudError;
use crate::tags::TagReader;

async fn list(at: At<'_>) -> Result<Vec<LiveResource>, CloudError> {
    let At {
        cloud,
        clients: c,
        region,
    } = at;
    all_pages(|token| async move {
        let out = send!(
            cloud,
            "DescribeLags",
            c.directconnect.describe_lags().set_next_token(token)
        )?;
        let lags = out
            .lags()
            .iter()
            .filter_map(|lag| {
                let status = lag.lag_state().map(|s| s.as_str()).unwrap_or_default();
                Some(LiveResource {
                    resource_type: ResourceType::DxLag,
                    region: lag.region().unwrap_or(region).to_string(),
                    id: lag.lag_id()?.to_string(),
                    name: lag.lag_name().unwrap_or_default().to_string(),
                    account_id: lag.owner_account().map(str::to_string),
                    status: status.to_string(),
                    state: ResourceType::DxLag.state_of(status),
                    relations: Vec::new(),
                })
            })
            .collect();
        Ok((lags, out.next_token().map(str::to_string)))
    })
    .await
}

/// The kind's AWS calls.
pub(crate) struct Api;

impl KindApi for Api {
    #[cfg(test)]
    fn resource_type(&self) -> ResourceType {
        ResourceType::DxLag
    }

    fn page_size(&self) -> Option<usize> {
        None
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
        Box::pin(super::from_list(self, at, None, id))
    }

    fn delete<'a>(&'a self, at: At<'a>, id: &'a str) -> Answer<'a, Shown> {
        let c = at.clients;
        Box::pin(async move {
            send!(
                at.cloud,
                "DeleteLag",
                c.directconnect.delete_lag().lag_id(id)
            )
            .map(|_| None)
        })
    }

    fn tags(&self) -> TagReader {
        TagReader::DirectConnect
    }

    fn tag_arn(&self, r: &LiveResource) -> Option<String> {
        super::arn_of(r, "directconnect", "dxlag")
    }
}
