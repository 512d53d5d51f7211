//! `aws_dx_gateway_association`: AWS lists associations only per gateway
//! (DescribeDirectConnectGatewayAssociations with a gateway id, paged);
//! one association is described by its id. Deleting it disassociates the
//! virtual private or transit gateway, which takes many minutes.

use decom_parser::{RelationAttr, ResourceType};
use decom_plan::{LiveRelation, LiveResource};

use aws_sdk_directconnect::types::DirectConnectGatewayAssociation;

use super::{all_pages, children, send, Answer, At, KindApi, Listed, Shown};
use crate::error::CloudError;
use crate::tags::TagReader;

const TYPE: ResourceType = ResourceType::DxGatewayAssociation;

/// Associations per page (the model's maximum).
const PAGE_SIZE: i32 = 100;

/// An association as decom sees it: named by the gateway it associates
/// (it has no name of its own).
fn live(region: &str, a: &DirectConnectGatewayAssociation) -> Option<LiveResource> {
    let status = a
        .association_state()
        .map(|s| s.as_str())
        .unwrap_or_default();
    let associated = a
        .associated_gateway()
        .and_then(|g| g.id())
        .or(a.virtual_gateway_id());
    Some(LiveResource {
        resource_type: TYPE,
        region: region.to_string(),
        id: a.association_id()?.to_string(),
        name: associated.unwrap_or_default().to_string(),
        account_id: a.direct_connect_gateway_owner_account().map(str::to_string),
        status: status.to_string(),
        state: TYPE.state_of(status),
        relations: vec![LiveRelation {
            attr: RelationAttr::DxGatewayId,
            target: a.direct_connect_gateway_id().map(str::to_string),
        }],
    })
}

/// The associations of `gateway` (an error if AWS does not know it).
async fn list(at: At<'_>, gateway: &str) -> Result<Vec<LiveResource>, CloudError> {
    let At {
        cloud,
        clients: c,
        region,
    } = at;
    all_pages(|token| async move {
        let out = send!(
            cloud,
            "DescribeDirectConnectGatewayAssociations",
            c.directconnect
                .describe_direct_connect_gateway_associations()
                .direct_connect_gateway_id(gateway)
                .max_results(PAGE_SIZE)
                .set_next_token(token)
        )?;
        let items = out
            .direct_connect_gateway_associations()
            .iter()
            .filter_map(|a| live(region, a))
            .collect();
        Ok((items, out.next_token().map(str::to_string)))
    })
    .await
}

async fn describe(at: At<'_>, id: &str) -> Result<Option<LiveResource>, CloudError> {
    let At {
        cloud,
        clients: c,
        region,
    } = at;
    let answer = send!(
        cloud,
        "DescribeDirectConnectGatewayAssociations",
        c.directconnect
            .describe_direct_connect_gateway_associations()
            .association_id(id)
    );
    // An answer without it (AWS forgot it after disassociation) is gone.
    Ok(CloudError::absent_if_not_found(answer)?.and_then(|out| {
        out.direct_connect_gateway_associations()
            .iter()
            .filter_map(|a| live(region, a))
            .find(|r| r.id == id)
    }))
}

/// The kind's AWS calls.
pub(crate) struct Api;

impl KindApi for Api {
    #[cfg(test)]
    fn resource_type(&self) -> ResourceType {
        TYPE
    }

    fn page_size(&self) -> Option<usize> {
        Some(PAGE_SIZE as usize)
    }

    fn listed(&self) -> Listed {
        Listed {
            status: true,
            relations: true,
        }
    }

    fn listed_per(&self) -> Option<RelationAttr> {
        Some(RelationAttr::DxGatewayId)
    }

    /// Never unscoped: AWS refuses a list that names no gateway.
    fn list<'a>(&'a self, at: At<'a>, parent: Option<&'a str>) -> Answer<'a, Vec<LiveResource>> {
        children(parent, move |parent| list(at, parent))
    }

    fn describe<'a>(&'a self, at: At<'a>, id: &'a str) -> Answer<'a, Option<LiveResource>> {
        Box::pin(describe(at, id))
    }

    fn delete<'a>(&'a self, at: At<'a>, id: &'a str) -> Answer<'a, Shown> {
        let c = at.clients;
        Box::pin(async move {
            send!(
                at.cloud,
                "DeleteDirectConnectGatewayAssociation",
                c.directconnect
                    .delete_direct_connect_gateway_association()
                    .association_id(id)
            )
            .map(|_| None)
        })
    }

    fn tags(&self) -> TagReader {
        TagReader::DirectConnect
    }

    /// Associations carry no tags: DescribeTags does not take them.
    fn tag_arn(&self, _r: &LiveResource) -> Option<String> {
        None
    }
}
