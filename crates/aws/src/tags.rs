//! Tags of live resources (for `decom discover`): ListTagsForResource per
//! App Runner resource and Supply Chain instance, DescribeTags for Direct
//! Connect in batches of [`DX_TAGS_BATCH`] ARNs per call.
//!
//! Plan never needs tags; only discover reads them, and only for the
//! resources that passed every other filter.

use std::collections::{BTreeMap, HashMap};

use futures_util::future::try_join_all;

use decom_parser::ResourceType;
use decom_plan::LiveResource;

use crate::connect::{AwsCloud, Clients, Target};
use crate::error::CloudError;
use crate::resources::{api, send};

/// Tags of one resource, sorted by key.
pub type Tags = BTreeMap<String, String>;

/// ARNs per DescribeTags call (the Direct Connect API's limit).
pub(crate) const DX_TAGS_BATCH: usize = 20;

/// The tag API a kind's tags are read with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum TagReader {
    /// App Runner's ListTagsForResource, one resource per call.
    AppRunner,
    /// Supply Chain's ListTagsForResource, one resource per call.
    SupplyChain,
    /// Direct Connect's DescribeTags, [`DX_TAGS_BATCH`] resources per call.
    DirectConnect,
}

impl TagReader {
    /// Resources one call reads.
    fn batch(self) -> usize {
        match self {
            TagReader::AppRunner | TagReader::SupplyChain => 1,
            TagReader::DirectConnect => DX_TAGS_BATCH,
        }
    }

    /// The tags of up to [`TagReader::batch`] ARNs, by ARN; an ARN not
    /// found is missing from the answer.
    async fn read(
        self,
        cloud: &AwsCloud,
        c: &Clients,
        arns: Vec<String>,
    ) -> Result<HashMap<String, Tags>, CloudError> {
        match self {
            TagReader::DirectConnect => dx_describe_tags(cloud, c, arns).await,
            TagReader::AppRunner | TagReader::SupplyChain => {
                let mut found = HashMap::new();
                for arn in arns {
                    let tags = match self {
                        TagReader::SupplyChain => supplychain_tags(cloud, c, &arn).await,
                        _ => apprunner_tags(cloud, c, &arn).await,
                    };
                    match tags {
                        Ok(t) => {
                            found.insert(arn, t);
                        }
                        Err(e) if e.is_not_found() => {}
                        Err(e) => return Err(e),
                    }
                }
                Ok(found)
            }
        }
    }
}

/// The tags of every resource in `resources` (all at `target`), keyed by
/// (type, id). A resource missing from the answer was not found (deleted
/// since it was listed); one whose ARN cannot be built (unknown account)
/// gets no tags.
pub async fn fetch(
    cloud: &AwsCloud,
    target: &Target,
    resources: &[&LiveResource],
) -> Result<HashMap<(ResourceType, String), Tags>, CloudError> {
    let c = cloud.clients(target).await;
    let mut by_reader: BTreeMap<TagReader, Vec<(String, &LiveResource)>> = BTreeMap::new();
    let mut unknown = Vec::new();
    for r in resources {
        let kind = api(r.resource_type);
        match kind.tag_arn(r) {
            Some(arn) => by_reader.entry(kind.tags()).or_default().push((arn, *r)),
            None => unknown.push(((r.resource_type, r.id.clone()), Tags::new())),
        }
    }
    let batches = by_reader
        .iter()
        .flat_map(|(reader, items)| items.chunks(reader.batch()).map(move |b| (*reader, b)));
    let found = try_join_all(batches.map(|(reader, batch)| {
        let c = &c;
        async move {
            let arns = batch.iter().map(|(arn, _)| arn.clone()).collect();
            let by_arn = reader.read(cloud, c, arns).await?;
            Ok::<_, CloudError>(
                batch
                    .iter()
                    .filter_map(|(arn, r)| {
                        let tags = by_arn.get(arn)?.clone();
                        Some(((r.resource_type, r.id.clone()), tags))
                    })
                    .collect::<Vec<_>>(),
            )
        }
    }))
    .await?;
    Ok(found.into_iter().flatten().chain(unknown).collect())
}

async fn apprunner_tags(cloud: &AwsCloud, c: &Clients, arn: &str) -> Result<Tags, CloudError> {
    let out = send!(
        cloud,
        "ListTagsForResource",
        c.apprunner.list_tags_for_resource().resource_arn(arn)
    )?;
    Ok(out
        .tags()
        .iter()
        .filter_map(|t| {
            Some((
                t.key()?.to_string(),
                t.value().unwrap_or_default().to_string(),
            ))
        })
        .collect())
}

async fn supplychain_tags(cloud: &AwsCloud, c: &Clients, arn: &str) -> Result<Tags, CloudError> {
    let out = send!(
        cloud,
        "ListTagsForResource",
        c.supplychain.list_tags_for_resource().resource_arn(arn)
    )?;
    Ok(out
        .tags()
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect())
}

/// One DescribeTags call for up to [`DX_TAGS_BATCH`] ARNs.
async fn dx_describe_tags(
    cloud: &AwsCloud,
    c: &Clients,
    arns: Vec<String>,
) -> Result<HashMap<String, Tags>, CloudError> {
    let out = send!(
        cloud,
        "DescribeTags",
        c.directconnect
            .describe_tags()
            .set_resource_arns(Some(arns))
    )?;
    Ok(out
        .resource_tags()
        .iter()
        .filter_map(|rt| {
            let tags = rt
                .tags()
                .iter()
                .map(|t| {
                    (
                        t.key().to_string(),
                        t.value().unwrap_or_default().to_string(),
                    )
                })
                .collect();
            Some((rt.resource_arn()?.to_string(), tags))
        })
        .collect())
}
