//! `aws_dx_connection`: DescribeConnections without an id returns every
//! connection of the region in one call, each with the LAG it is a
//! member of.

use decom_parser::{RelationAttr, ResourceType};
use decom_plan::{LiveRelation, LiveResource};

use super::{send, Answer, At, KindApi, Listed, Shown};
use crate::error::CloudError;
use crate::tags::TagReader;

async fn list(at: At<'_>) -> Result<Vec<LiveResource>, CloudError> {
    let At {
        cloud,
        clients: c,
        region,
    } = at;
    let out = send!(
        cloud,
        "DescribeConnections",
        c.directconnect.describe_connections()
    )?;
    Ok(out
        .connections()
        .iter()
        .filter_map(|conn| {
            let status = conn
                .connection_state()
                .map(|s| s.as_str())
                .unwrap_or_default();
            Some(LiveResource {
                resource_type: ResourceType::DxConnection,
                region: conn.region().unwrap_or(region).to_string(),
                id: conn.connection_id()?.to_string(),
                name: conn.connection_name().unwrap_or_default().to_string(),
                account_id: conn.owner_account().map(str::to_string),
                status: status.to_string(),
                state: ResourceType::DxConnection.state_of(status),
                relations: vec![LiveRelation {
                    attr: RelationAttr::LagId,
                    target: conn.lag_id().filter(|l| !l.is_empty()).map(str::to_string),
                }],
            })
        })
        .collect())
}

/// The kind's AWS calls.
pub(crate) struct Api;

impl KindApi for Api {
    #[cfg(test)]
    fn resource_type(&self) -> ResourceType {
        ResourceType::DxConnection
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
                "DeleteConnection",
                c.directconnect.delete_connection().connection_id(id)
            )
            .map(|_| None)
        })
    }

    fn tags(&self) -> TagReader {
        TagReader::DirectConnect
    }

    fn tag_arn(&self, r: &LiveResource) -> Option<String> {
        super::arn_of(r, "directconnect", "dxcon")
    }
}
