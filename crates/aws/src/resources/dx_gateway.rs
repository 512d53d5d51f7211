//! `aws_dx_gateway`: DescribeDirectConnectGateways without an id returns
//! every gateway of the account (pages only when AWS chooses to cut them).
//! Gateways are global: their ARN names no region.

use decom_parser::ResourceType;
use decom_plan::LiveResource;

use super::{all_pages, arn, send, Answer, At, KindApi, Listed, Shown};
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
            "DescribeDirectConnectGateways",
            c.directconnect
                .describe_direct_connect_gateways()
                .set_next_token(token)
        )?;
        let gateways = out
            .direct_connect_gateways()
            .iter()
            .filter_map(|gw| {
                let status = gw
                    .direct_connect_gateway_state()
                    .map(|s| s.as_str())
                    .unwrap_or_default();
                Some(LiveResource {
                    resource_type: ResourceType::DxGateway,
                    region: region.to_string(),
                    id: gw.direct_connect_gateway_id()?.to_string(),
                    name: gw
                        .direct_connect_gateway_name()
                        .unwrap_or_default()
                        .to_string(),
                    account_id: gw.owner_account().map(str::to_string),
                    status: status.to_string(),
                    state: ResourceType::DxGateway.state_of(status),
                    relations: Vec::new(),
                })
            })
            .collect();
        Ok((gateways, out.next_token().map(str::to_string)))
    })
    .await
}

/// The kind's AWS calls.
pub(crate) struct Api;

impl KindApi for Api {
    #[cfg(test)]
    fn resource_type(&self) -> ResourceType {
        ResourceType::DxGateway
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
                "DeleteDirectConnectGateway",
                c.directconnect
                    .delete_direct_connect_gateway()
                    .direct_connect_gateway_id(id)
            )
            .map(|_| None)
        })
    }

    fn tags(&self) -> TagReader {
        TagReader::DirectConnect
    }

    /// `arn:PARTITION:directconnect::ACCOUNT:dx-gateway/ID` (no region).
    fn tag_arn(&self, r: &LiveResource) -> Option<String> {
        let account = r.account_id.as_ref()?;
        let partition = arn::partition(&r.region);
        Some(format!(
            "arn:{partition}:directconnect::{account}:dx-gateway/{}",
            r.id
        ))
    }
}
