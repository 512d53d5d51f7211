//! `aws_supplychain_data_integration_flow`: ListDataIntegrationFlows per
//! instance (pages carry everything; the model has no status), one
//! GetDataIntegrationFlow for apply to watch one,
//! DeleteDataIntegrationFlow. The id is `INSTANCE_ID,NAME`.

use decom_kinds::composite;
use decom_parser::{RelationAttr, ResourceType};
use decom_plan::LiveResource;

use super::{
    all_pages, children, described, id_parts, scn_child, send, Answer, At, KindApi, Listed, Shown,
};
use crate::error::CloudError;
use crate::tags::TagReader;

const TYPE: ResourceType = ResourceType::SupplyChainDataIntegrationFlow;
/// Items per page of the list call (the model's maximum).
const PAGE_SIZE: i32 = 20;

fn live(region: &str, flow: &aws_sdk_supplychain::types::DataIntegrationFlow) -> LiveResource {
    let instance = flow.instance_id();
    scn_child(
        TYPE,
        region,
        &[instance, flow.name()],
        None,
        &[(RelationAttr::InstanceId, instance.to_string())],
    )
}

/// The flows of `instance_id` (an error if AWS does not know it).
async fn list(at: At<'_>, instance_id: &str) -> Result<Vec<LiveResource>, CloudError> {
    let At {
        cloud,
        clients: c,
        region,
    } = at;
    all_pages(|token| async move {
        let page = send!(
            cloud,
            "ListDataIntegrationFlows",
            c.supplychain
                .list_data_integration_flows()
                .instance_id(instance_id)
                .max_results(PAGE_SIZE)
                .set_next_token(token)
        )?;
        let items = page.flows().iter().map(|f| live(region, f)).collect();
        Ok((items, page.next_token().map(str::to_string)))
    })
    .await
}

/// The flow `id` (`INSTANCE_ID,NAME`); `None` if not found.
async fn describe(at: At<'_>, id: &str) -> Result<Option<LiveResource>, CloudError> {
    let At {
        cloud,
        clients: c,
        region,
    } = at;
    let Some([instance, name]) = composite::split_array(id) else {
        return Ok(None);
    };
    let answer = send!(
        cloud,
        "GetDataIntegrationFlow",
        c.supplychain
            .get_data_integration_flow()
            .instance_id(instance)
            .name(name)
    );
    described("GetDataIntegrationFlow", region, answer, |out| {
        Some(live(region, out.flow()?))
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

    fn listed_per(&self) -> Option<RelationAttr> {
        Some(RelationAttr::InstanceId)
    }

    fn list<'a>(&'a self, at: At<'a>, parent: Option<&'a str>) -> Answer<'a, Vec<LiveResource>> {
        children(parent, move |parent| list(at, parent))
    }

    fn describe<'a>(&'a self, at: At<'a>, id: &'a str) -> Answer<'a, Option<LiveResource>> {
        Box::pin(describe(at, id))
    }

    fn delete<'a>(&'a self, at: At<'a>, id: &'a str) -> Answer<'a, Shown> {
        let c = at.clients;
        Box::pin(async move {
            let [instance, name] = id_parts(TYPE, id, "DeleteDataIntegrationFlow", at.region)?;
            send!(
                at.cloud,
                "DeleteDataIntegrationFlow",
                c.supplychain
                    .delete_data_integration_flow()
                    .instance_id(instance)
                    .name(name)
            )
            .map(|_| None)
        })
    }

    fn tags(&self) -> TagReader {
        TagReader::SupplyChain
    }

    fn tag_arn(&self, r: &LiveResource) -> Option<String> {
        let [instance, name] = composite::split_array(&r.id)?;
        super::arn_of_path(
            r,
            &format!("instance/{instance}/data-integration-flows/{name}"),
        )
    }
}
