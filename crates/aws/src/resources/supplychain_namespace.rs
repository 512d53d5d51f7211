//! `aws_supplychain_data_lake_namespace`: ListDataLakeNamespaces per
//! instance (pages carry everything; the model has no status), one
//! GetDataLakeNamespace for apply to watch one, DeleteDataLakeNamespace
//! (which takes the namespace's datasets with it). The id is
//! `INSTANCE_ID,NAME`. AWS lists only custom namespaces ("instance
//! pre-defined namespaces are not included", says the model), yet every
//! instance has the built-in `asc` and `default`, whose datasets go with
//! it: they are added to each list, so that their datasets are listed
//! and shown (they go with their instance, never on their own).

use decom_kinds::composite;
use decom_parser::{RelationAttr, ResourceType};
use decom_plan::LiveResource;

use super::{
    all_pages, children, described, id_parts, scn_child, send, Answer, At, KindApi, Listed, Shown,
};
use crate::error::CloudError;
use crate::tags::TagReader;

const TYPE: ResourceType = ResourceType::SupplyChainDataLakeNamespace;
/// Items per page of the list call (the model's maximum).
const PAGE_SIZE: i32 = 20;

fn live(region: &str, ns: &aws_sdk_supplychain::types::DataLakeNamespace) -> LiveResource {
    let instance = ns.instance_id();
    scn_child(
        TYPE,
        region,
        &[instance, ns.name()],
        Some(ns.arn()),
        &[(RelationAttr::InstanceId, instance.to_string())],
    )
}

/// A built-in namespace of `instance_id` (no ARN: AWS lists none).
fn built_in(region: &str, instance_id: &str, name: &str) -> LiveResource {
    let relations = [(RelationAttr::InstanceId, instance_id.to_string())];
    scn_child(TYPE, region, &[instance_id, name], None, &relations)
}

/// The namespaces of `instance_id`, the built-in ones first (an error if
/// AWS does not know the instance).
async fn list(at: At<'_>, instance_id: &str) -> Result<Vec<LiveResource>, CloudError> {
    let mut namespaces: Vec<LiveResource> = TYPE
        .kind()
        .aws_owned_names
        .iter()
        .map(|name| built_in(at.region, instance_id, name))
        .collect();
    let custom = list_custom(at, instance_id).await?;
    // Were AWS to list a built-in one after all, it is not added twice.
    namespaces.retain(|b| !custom.iter().any(|c| c.id == b.id));
    namespaces.extend(custom);
    Ok(namespaces)
}

/// What ListDataLakeNamespaces lists: the custom namespaces.
async fn list_custom(at: At<'_>, instance_id: &str) -> Result<Vec<LiveResource>, CloudError> {
    let At {
        cloud,
        clients: c,
        region,
    } = at;
    all_pages(|token| async move {
        let page = send!(
            cloud,
            "ListDataLakeNamespaces",
            c.supplychain
                .list_data_lake_namespaces()
                .instance_id(instance_id)
                .max_results(PAGE_SIZE)
                .set_next_token(token)
        )?;
        let items = page.namespaces().iter().map(|n| live(region, n)).collect();
        Ok((items, page.next_token().map(str::to_string)))
    })
    .await
}

/// The namespace `id` (`INSTANCE_ID,NAME`); `None` if not found.
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
        "GetDataLakeNamespace",
        c.supplychain
            .get_data_lake_namespace()
            .instance_id(instance)
            .name(name)
    );
    described("GetDataLakeNamespace", region, answer, |out| {
        Some(live(region, out.namespace()?))
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
            let [instance, name] = id_parts(TYPE, id, "DeleteDataLakeNamespace", at.region)?;
            send!(
                at.cloud,
                "DeleteDataLakeNamespace",
                c.supplychain
                    .delete_data_lake_namespace()
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
        super::arn_of_path(r, &format!("instance/{instance}/namespaces/{name}"))
    }
}
