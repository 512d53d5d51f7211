//! `aws_supplychain_data_lake_dataset`: ListDataLakeDatasets per
//! namespace (pages carry everything; the model has no status), one
//! GetDataLakeDataset for apply to watch one, DeleteDataLakeDataset. The
//! id is `INSTANCE_ID,NAMESPACE,NAME`; its `namespace` relation names the
//! namespace's id, `INSTANCE_ID,NAMESPACE`.

use decom_kinds::composite;
use decom_parser::{RelationAttr, ResourceType};
use decom_plan::LiveResource;

use super::{
    all_pages, children, described, id_parts, scn_child, send, Answer, At, KindApi, Listed, Shown,
};
use crate::error::CloudError;
use crate::tags::TagReader;

const TYPE: ResourceType = ResourceType::SupplyChainDataLakeDataset;
/// Items per page of the list call (the model's maximum).
const PAGE_SIZE: i32 = 20;

fn live(region: &str, ds: &aws_sdk_supplychain::types::DataLakeDataset) -> LiveResource {
    let (instance, namespace) = (ds.instance_id(), ds.namespace());
    scn_child(
        TYPE,
        region,
        &[instance, namespace, ds.name()],
        Some(ds.arn()),
        &[
            (RelationAttr::InstanceId, instance.to_string()),
            (
                RelationAttr::Namespace,
                composite::compose(&[instance, namespace]),
            ),
        ],
    )
}

/// The datasets of the namespace `namespace_id` (`INSTANCE_ID,NAME`);
/// an error if AWS does not know it (or its instance).
async fn list(at: At<'_>, namespace_id: &str) -> Result<Vec<LiveResource>, CloudError> {
    let At {
        cloud,
        clients: c,
        region,
    } = at;
    let Some([instance, namespace]) = composite::split_array(namespace_id) else {
        return Ok(Vec::new());
    };
    all_pages(|token| async move {
        let page = send!(
            cloud,
            "ListDataLakeDatasets",
            c.supplychain
                .list_data_lake_datasets()
                .instance_id(instance)
                .namespace(namespace)
                .max_results(PAGE_SIZE)
                .set_next_token(token)
        )?;
        let items = page.datasets().iter().map(|d| live(region, d)).collect();
        Ok((items, page.next_token().map(str::to_string)))
    })
    .await
}

/// The dataset `id`; `None` if not found.
async fn describe(at: At<'_>, id: &str) -> Result<Option<LiveResource>, CloudError> {
    let At {
        cloud,
        clients: c,
        region,
    } = at;
    let Some([instance, namespace, name]) = composite::split_array(id) else {
        return Ok(None);
    };
    let answer = send!(
        cloud,
        "GetDataLakeDataset",
        c.supplychain
            .get_data_lake_dataset()
            .instance_id(instance)
            .namespace(namespace)
            .name(name)
    );
    described("GetDataLakeDataset", region, answer, |out| {
        Some(live(region, out.dataset()?))
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
        Some(RelationAttr::Namespace)
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
            let [instance, namespace, name] =
                id_parts(TYPE, id, "DeleteDataLakeDataset", at.region)?;
            send!(
                at.cloud,
                "DeleteDataLakeDataset",
                c.supplychain
                    .delete_data_lake_dataset()
                    .instance_id(instance)
                    .namespace(namespace)
                    .name(name)
            )
            .map(|_| None)
        })
    }

    fn tags(&self) -> TagReader {
        TagReader::SupplyChain
    }

    fn tag_arn(&self, r: &LiveResource) -> Option<String> {
        let [instance, namespace, name] = composite::split_array(&r.id)?;
        let path = format!("instance/{instance}/namespaces/{namespace}/datasets/{name}");
        super::arn_of_path(r, &path)
    }
}
