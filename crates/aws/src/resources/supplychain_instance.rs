//! `aws_supplychain_instance`: ListInstances pages carry name, id and
//! state; GetInstance the same for one, for apply to watch a few without
//! paging the list.

use decom_parser::ResourceType;
use decom_plan::LiveResource;

use super::{all_pages, described, send, Answer, At, KindApi, Listed, Shown};
use crate::error::CloudError;
use crate::tags::TagReader;

/// Items per page of the list call (the model's maximum).
const PAGE_SIZE: i32 = 20;

fn live(region: &str, i: &aws_sdk_supplychain::types::Instance) -> LiveResource {
    let status = i.state().as_str();
    LiveResource {
        resource_type: ResourceType::SupplyChainInstance,
        region: region.to_string(),
        id: i.instance_id().to_string(),
        name: i.instance_name().unwrap_or_default().to_string(),
        account_id: Some(i.aws_account_id().to_string()).filter(|a| !a.is_empty()),
        status: status.to_string(),
        state: ResourceType::SupplyChainInstance.state_of(status),
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
            "ListInstances",
            c.supplychain
                .list_instances()
                .max_results(PAGE_SIZE)
                .set_next_token(token)
        )?;
        let items = page.instances().iter().map(|i| live(region, i)).collect();
        Ok((items, page.next_token().map(str::to_string)))
    })
    .await
}

/// The instance; `None` if not found.
async fn describe(at: At<'_>, instance_id: &str) -> Result<Option<LiveResource>, CloudError> {
    let At {
        cloud,
        clients: c,
        region,
    } = at;
    let answer = send!(
        cloud,
        "GetInstance",
        c.supplychain.get_instance().instance_id(instance_id)
    );
    described("GetInstance", region, answer, |out| {
        Some(live(region, out.instance()?))
    })
}

/// The kind's AWS calls.
pub(crate) struct Api;

impl KindApi for Api {
    #[cfg(test)]
    fn resource_type(&self) -> ResourceType {
        ResourceType::SupplyChainInstance
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
                "DeleteInstance",
                c.supplychain.delete_instance().instance_id(id)
            )
            .map(|_| None)
        })
    }

    fn tags(&self) -> TagReader {
        TagReader::SupplyChain
    }

    fn tag_arn(&self, r: &LiveResource) -> Option<String> {
        super::arn_of(r, "scn", "instance")
    }
}
