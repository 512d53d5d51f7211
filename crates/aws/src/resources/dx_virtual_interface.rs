//! `aws_dx_virtual_interface`: DescribeVirtualInterfaces without an id
//! returns every virtual interface of the region, with its connection (or
//! LAG) and its Direct Connect gateway.

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
        "DescribeVirtualInterfaces",
        c.directconnect.describe_virtual_interfaces()
    )?;
    Ok(out
        .virtual_interfaces()
        .iter()
        .filter_map(|vif| {
            let status = vif
                .virtual_interface_state()
                .map(|s| s.as_str())
                .unwrap_or_default();
            Some(LiveResource {
                resource_type: ResourceType::DxVirtualInterface,
                region: vif.region().unwrap_or(region).to_string(),
                id: vif.virtual_interface_id()?.to_string(),
                name: vif.virtual_interface_name().unwrap_or_default().to_string(),
                account_id: vif.owner_account().map(str::to_string),
                status: status.to_string(),
                state: ResourceType::DxVirtualInterface.state_of(status),
                relations: vec![
                    LiveRelation {
                        attr: RelationAttr::ConnectionId,
                        target: vif.connection_id().map(str::to_string),
                    },
                    // AWS answers "" for a VIF without a gateway.
                    LiveRelation {
                        attr: RelationAttr::DxGatewayId,
                        target: vif
                            .direct_connect_gateway_id()
                            .filter(|g| !g.is_empty())
                            .map(str::to_string),
                    },
                ],
            })
        })
        .collect())
}

/// The kind's AWS calls.
pub(crate) struct Api;

impl KindApi for Api {
    #[cfg(test)]
    fn resource_type(&self) -> ResourceType {
        ResourceType::DxVirtualInterface
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
                "DeleteVirtualInterface",
                c.directconnect
                    .delete_virtual_interface()
                    .virtual_interface_id(id)
            )
            .map(|_| None)
        })
    }

    fn tags(&self) -> TagReader {
        TagReader::DirectConnect
    }

    fn tag_arn(&self, r: &LiveResource) -> Option<String> {
        super::arn_of(r, "directconnect", "dxvif")
    }
}
