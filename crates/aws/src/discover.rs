//! Discover: the live resources that match filters, with their tags and
//! (optionally) everything that would block deleting them, read with the
//! same batching discipline as refresh (DESIGN section 9).
//!
//! 1. List each needed (type, region) once, page by page: the filtered
//!    types, plus (with dependents) the types that could block them.
//! 2. Filter on what the lists return: type, region, name, not gone.
//! 3. Tags only for the candidates that passed step 2 (ListTagsForResource
//!    per App Runner resource and Supply Chain instance, DescribeTags per
//!    20 Direct Connect resources); keep those whose tags match.
//! 4. With dependents, to a fixed point: the services using a matched
//!    connector (DescribeService for each service in that region: only it
//!    names the connector), the ingress connections of those services and
//!    of matched services, the virtual interfaces of matched connections.
//! 5. DescribeService for the services in the result in a region where the
//!    result also has a connector (for the reference), unless step 4 did;
//!    DescribeVpcIngressConnection for each ingress connection in the
//!    result (list summaries carry no status; gone ones are dropped).
//!
//! Never a request that changes anything.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use futures_util::future::try_join_all;

use decom_graph::{Inventory, LiveResource, LiveState};
use decom_parser::{RelationAttr, ResourceType};

use crate::connect::{AwsCloud, Target};
use crate::error::CloudError;
use crate::refresh;
use crate::tags::{self, Tags};

/// What to look for.
pub struct DiscoverRequest<'a> {
    /// Types to match (the dependents of `include_dependents` may be of others).
    pub types: Vec<ResourceType>,
    /// Where to look: one target per region.
    pub targets: Vec<Target>,
    /// Keep only resources whose name passes (`--name-regex`).
    pub name_filter: &'a (dyn Fn(&str) -> bool + Sync),
    /// Keep only resources with every one of these tags (`--tag K=V`).
    pub tags: Vec<(String, String)>,
    /// Also include what would block deleting a match.
    pub include_dependents: bool,
}

/// One resource for the generated manifest.
#[derive(Debug, Clone)]
pub struct Discovered {
    pub resource: LiveResource,
    pub tags: Tags,
    /// `None`: it matched the filters. `Some((type, id))`: included because
    /// it would block deleting that resource.
    pub dependent_of: Option<(ResourceType, String)>,
}

type Key = (ResourceType, String);

fn key(r: &LiveResource) -> Key {
    (r.resource_type, r.id.clone())
}

/// The types whose live resources could block deleting one of `ty`,
/// transitively (a connector's services, and their ingress connections).
fn blocking_types(ty: ResourceType) -> &'static [ResourceType] {
    match ty {
        ResourceType::AppRunnerVpcConnector => &[
            ResourceType::AppRunnerService,
            ResourceType::AppRunnerVpcIngressConnection,
        ],
        ResourceType::AppRunnerService => &[ResourceType::AppRunnerVpcIngressConnection],
        ResourceType::DxConnection => &[ResourceType::DxVirtualInterface],
        _ => &[],
    }
}

/// Runs the discovery; the result is in no particular order.
pub async fn discover(
    cloud: &AwsCloud,
    request: &DiscoverRequest<'_>,
) -> Result<Vec<Discovered>, CloudError> {
    let target_of: HashMap<&str, &Target> = request
        .targets
        .iter()
        .map(|t| (t.region.as_str(), t))
        .collect();
    let target = |r: &LiveResource| -> Target {
        target_of
            .get(r.region.as_str())
            .map(|t| (*t).clone())
            .unwrap_or_else(|| Target {
                profile: request.targets.first().and_then(|t| t.profile.clone()),
                region: r.region.clone(),
            })
    };

    // 1. Lists.
    let mut scope: BTreeSet<(Target, ResourceType)> = BTreeSet::new();
    for t in &request.targets {
        for &ty in &request.types {
            scope.insert((t.clone(), ty));
            if request.include_dependents {
                for &b in blocking_types(ty) {
                    scope.insert((t.clone(), b));
                }
            }
        }
    }
    let pages = try_join_all(scope.iter().map(|(t, ty)| refresh::list(cloud, t, *ty))).await?;
    let mut inventory = Inventory::new(pages.into_iter().flatten());

    // 2. Filters on the list results.
    let wanted: HashSet<ResourceType> = request.types.iter().copied().collect();
    let candidates: Vec<LiveResource> = scope
        .iter()
        .filter(|(_, ty)| wanted.contains(ty))
        .flat_map(|(t, ty)| inventory.of_type_in(*ty, &t.region))
        .filter(|r| r.state != LiveState::Gone && (request.name_filter)(&r.name))
        .cloned()
        .collect();

    // 3. Tags of the candidates, then the tag filter.
    let mut tags = fetch_tags(cloud, &candidates.iter().collect::<Vec<_>>(), &target).await?;
    let mut result: BTreeMap<Key, Option<Key>> = candidates
        .iter()
        .filter(|r| {
            tags.get(&key(r)).is_some_and(|t| {
                request
                    .tags
                    .iter()
                    .all(|(k, v)| t.get(k).is_some_and(|have| have == v))
            })
        })
        .map(|r| (key(r), None))
        .collect();

    // 4. Dependents, to a fixed point.
    let mut described_regions: HashSet<String> = HashSet::new();
    if request.include_dependents {
        loop {
            let connector_regions: BTreeSet<String> =
                regions_of(&inventory, &result, ResourceType::AppRunnerVpcConnector)
                    .into_iter()
                    .filter(|r| !described_regions.contains(r))
                    .collect();
            let to_describe: Vec<LiveResource> = connector_regions
                .iter()
                .flat_map(|region| inventory.of_type_in(ResourceType::AppRunnerService, region))
                .filter(|s| s.state != LiveState::Gone)
                .cloned()
                .collect();
            described_regions.extend(connector_regions);
            describe_into(cloud, &mut inventory, &to_describe, &target).await?;

            let mut added = Vec::new();
            for k in result.keys() {
                for attr in RelationAttr::pointing_at(k.0) {
                    for d in inventory.related_to(attr, &k.1) {
                        if d.state != LiveState::Gone && !result.contains_key(&key(d)) {
                            added.push((key(d), k.clone()));
                        }
                    }
                }
            }
            if added.is_empty() {
                break;
            }
            for (k, via) in added {
                result.entry(k).or_insert(Some(via));
            }
        }
        let untagged: Vec<&LiveResource> = result
            .keys()
            .filter(|k| !tags.contains_key(*k))
            .filter_map(|k| inventory.get(k.0, &k.1))
            .collect();
        let more = fetch_tags(cloud, &untagged, &target).await?;
        tags.extend(more);
    }

    // 5. Describes for references and status.
    let connector_regions: HashSet<String> =
        regions_of(&inventory, &result, ResourceType::AppRunnerVpcConnector);
    let mut describe: Vec<LiveResource> = Vec::new();
    for k in result.keys() {
        let Some(r) = inventory.get(k.0, &k.1) else {
            continue;
        };
        let needed = match r.resource_type {
            ResourceType::AppRunnerService => {
                connector_regions.contains(&r.region) && !described_regions.contains(&r.region)
            }
            ResourceType::AppRunnerVpcIngressConnection => true,
            _ => false,
        };
        if needed {
            describe.push(r.clone());
        }
    }
    describe_into(cloud, &mut inventory, &describe, &target).await?;

    Ok(result
        .into_iter()
        .filter_map(|(k, dependent_of)| {
            let resource = inventory.get(k.0, &k.1)?.clone();
            if resource.state == LiveState::Gone {
                return None;
            }
            Some(Discovered {
                tags: tags.get(&k).cloned().unwrap_or_default(),
                resource,
                dependent_of,
            })
        })
        .collect())
}

/// Regions where `result` holds a resource of `ty`.
fn regions_of(
    inventory: &Inventory,
    result: &BTreeMap<Key, Option<Key>>,
    ty: ResourceType,
) -> HashSet<String> {
    result
        .keys()
        .filter(|k| k.0 == ty)
        .filter_map(|k| inventory.get(k.0, &k.1))
        .map(|r| r.region.clone())
        .collect()
}

/// DescribeService / DescribeVpcIngressConnection for each of `resources`,
/// refining the inventory.
async fn describe_into(
    cloud: &AwsCloud,
    inventory: &mut Inventory,
    resources: &[LiveResource],
    target: &(dyn Fn(&LiveResource) -> Target + Sync),
) -> Result<(), CloudError> {
    let described = try_join_all(
        resources
            .iter()
            .map(|r| refresh::describe(cloud, target(r), r.resource_type, r.id.clone())),
    )
    .await?;
    for r in described {
        inventory.insert(r);
    }
    Ok(())
}

/// Tags of `resources`, grouped into one batch per target.
async fn fetch_tags(
    cloud: &AwsCloud,
    resources: &[&LiveResource],
    target: &(dyn Fn(&LiveResource) -> Target + Sync),
) -> Result<HashMap<Key, Tags>, CloudError> {
    let mut by_target: BTreeMap<Target, Vec<&LiveResource>> = BTreeMap::new();
    for r in resources {
        by_target.entry(target(r)).or_default().push(r);
    }
    let found = try_join_all(
        by_target
            .iter()
            .map(|(t, rs)| tags::fetch(cloud, t, rs.as_slice())),
    )
    .await?;
    Ok(found.into_iter().flatten().collect())
}
