//! Tags of live resources (for `decom discover`): ListTagsForResource per
//! App Runner resource and Supply Chain instance, DescribeTags for Direct
//! Connect in batches of [`DX_TAGS_BATCH`] ARNs per call.
//!
//! Plan never needs tags; only discover reads them, and only for the
//! resources that passed every other filter.

use std::collections::{BTreeMap, HashMap};

use futures_util::future::try_join_all;

use decom_graph::LiveResource;
use decom_parser::ResourceType;

use crate::connect::{AwsCloud, Clients, Target};
use crate::error::CloudError;
use crate::resources::send;

/// Tags of one resource, sorted by key.
pub type Tags = BTreeMap<String, String>;

/// ARNs per DescribeTags call (the Direct Connect API's limit).
pub const DX_TAGS_BATCH: usize = 20;

/// The partition of a region's ARNs (`aws`, `aws-cn`, `aws-us-gov`).
fn partition(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else {
        "aws"
    }
}

/// The ARN that tag APIs take for `r`: its id for App Runner types, built
/// from region, account and id for Direct Connect and Supply Chain.
/// `None` when the account is unknown (the ARN cannot be built).
pub fn tag_arn(r: &LiveResource) -> Option<String> {
    let build = |service: &str, kind: &str| {
        r.account_id.as_ref().map(|account| {
            format!(
                "arn:{}:{service}:{}:{account}:{kind}/{}",
                partition(&r.region),
                r.region,
                r.id
            )
        })
    };
    match r.resource_type {
        ResourceType::AppRunnerVpcIngressConnection
        | ResourceType::AppRunnerService
        | ResourceType::AppRunnerVpcConnector => Some(r.id.clone()),
        ResourceType::DxConnection => build("directconnect", "dxcon"),
        ResourceType::DxVirtualInterface => build("directconnect", "dxvif"),
        ResourceType::SupplyChainInstance => build("scn", "instance"),
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
    let mut singles = Vec::new();
    let mut dx: Vec<(String, &LiveResource)> = Vec::new();
    let mut unknown = Vec::new();
    for r in resources {
        let Some(arn) = tag_arn(r) else {
            unknown.push(((r.resource_type, r.id.clone()), Tags::new()));
            continue;
        };
        match r.resource_type {
            ResourceType::DxConnection | ResourceType::DxVirtualInterface => dx.push((arn, r)),
            _ => singles.push((arn, *r)),
        }
    }
    let single_tags = try_join_all(singles.iter().map(|(arn, r)| {
        let c = &c;
        async move {
            let tags = match r.resource_type {
                ResourceType::SupplyChainInstance => supplychain_tags(cloud, c, arn).await,
                _ => apprunner_tags(cloud, c, arn).await,
            };
            match tags {
                Ok(t) => Ok(Some(((r.resource_type, r.id.clone()), t))),
                Err(e) if e.is_not_found() => Ok(None),
                Err(e) => Err(e),
            }
        }
    }))
    .await?;
    let dx_tags = try_join_all(dx.chunks(DX_TAGS_BATCH).map(|batch| {
        let c = &c;
        async move {
            let arns: Vec<String> = batch.iter().map(|(arn, _)| arn.clone()).collect();
            let by_arn = dx_describe_tags(cloud, c, arns).await?;
            Ok::<_, CloudError>(
                batch
                    .iter()
                    .filter_map(|(arn, r)| {
                        by_arn
                            .get(arn)
                            .map(|t| ((r.resource_type, r.id.clone()), t.clone()))
                    })
                    .collect::<Vec<_>>(),
            )
        }
    }))
    .await?;
    Ok(single_tags
        .into_iter()
        .flatten()
        .chain(dx_tags.into_iter().flatten())
        .chain(unknown)
        .collect())
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
