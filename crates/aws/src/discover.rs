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
//! 4. With dependents, to a fixed point: the holders of every blocking
//!    relation that points at a match (the services using a matched
//!    connector, found by DescribeService for each service in that region
//!    because only it names the connector; the ingress connections of
//!    matched services; the virtual interfaces of matched connections),
//!    and the targets that go first of every blocking relation a match
//!    holds (the live LAG of a matched member connection).
//! 5. Describes for references and status: a resource in the result whose
//!    list carries no relations, in a region where the result holds what
//!    its relations may point at (unless step 4 described it), and every
//!    resource whose list carries no status (gone ones are dropped).
//!
//! Which kinds block which, and what a list carries, come from the kinds
//! table and each kind's module: no type is named here.
//!
//! Never a request that changes anything.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use futures_util::future::try_join_all;

use decom_kinds::{blocking_holders, blocking_targets};
use decom_parser::ResourceType;
use decom_plan::{Inventory, LiveResource, LiveState};

use crate::connect::{AwsCloud, Target};
use crate::error::CloudError;
use crate::per_parent;
use crate::refresh;
use crate::resources::api;
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
/// transitively (a connector's services, and their ingress connections; a
/// connection's LAG, and its virtual interfaces).
fn blocking_types(ty: ResourceType) -> BTreeSet<ResourceType> {
    let mut found = BTreeSet::new();
    let mut todo = vec![ty];
    while let Some(t) = todo.pop() {
        let holders = blocking_holders(t).map(|(h, _)| h);
        for blocker in holders.chain(blocking_targets(t).map(|(t, _)| t)) {
            if found.insert(blocker) {
                todo.push(blocker);
            }
        }
    }
    found
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
                role: None,
                account: None,
            })
    };

    // 1. Lists.
    let mut scope: BTreeSet<(Target, ResourceType)> = BTreeSet::new();
    for t in &request.targets {
        for &ty in &request.types {
            scope.insert((t.clone(), ty));
            if request.include_dependents {
                for b in blocking_types(ty) {
                    scope.insert((t.clone(), b));
                }
            }
        }
    }
    let mut inventory = list_all(cloud, &mut scope).await?;

    // 2. Filters on the list results.
    let wanted: HashSet<ResourceType> = request.types.iter().copied().collect();
    let candidates: Vec<LiveResource> = scope
        .iter()
        .filter(|(_, ty)| wanted.contains(ty))
        .flat_map(|(t, ty)| inventory.of_type_in(*ty, &t.region))
        .filter(|r| r.state != LiveState::Gone && (request.name_filter)(&r.name))
        // What AWS keeps (a Supply Chain instance's `asc` and `default`,
        // the region's default configuration): a manifest may not name it.
        .filter(|r| !r.is_aws_kept())
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
    let mut described: HashSet<(ResourceType, String)> = HashSet::new();
    if request.include_dependents {
        loop {
            let to_describe = holders_to_describe(&inventory, &result, &described);
            described.extend(
                to_describe
                    .iter()
                    .map(|r| (r.resource_type, r.region.clone())),
            );
            describe_into(cloud, &mut inventory, &to_describe, &target).await?;

            let mut added = Vec::new();
            for k in result.keys() {
                for (holder_ty, rel) in blocking_holders(k.0) {
                    for d in inventory.related_to(rel.attr, &k.1) {
                        let new = d.resource_type == holder_ty && !result.contains_key(&key(d));
                        if new && d.state != LiveState::Gone {
                            added.push((key(d), k.clone()));
                        }
                    }
                }
                added.extend(
                    blocking_targets_of(&inventory, k)
                        .filter(|d| !result.contains_key(&key(d)))
                        .map(|d| (key(d), k.clone())),
                );
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
    let mut describe: Vec<LiveResource> = Vec::new();
    for k in result.keys() {
        let Some(r) = inventory.get(k.0, &k.1) else {
            continue;
        };
        let listed = api(r.resource_type).listed();
        let for_reference = !listed.relations
            && !described.contains(&(r.resource_type, r.region.clone()))
            && r.resource_type.relations().iter().any(|rel| {
                rel.targets
                    .iter()
                    .any(|t| holds(&inventory, &result, *t, &r.region))
            });
        if !listed.status || for_reference {
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

/// The live targets of `k`'s blocking relations whose target goes first
/// (the LAG of a member connection).
fn blocking_targets_of<'i>(
    inventory: &'i Inventory,
    k: &Key,
) -> impl Iterator<Item = &'i LiveResource> {
    let holder = inventory.get(k.0, &k.1);
    blocking_targets(k.0)
        .filter_map(move |(ty, rel)| inventory.get(ty, holder?.relation(rel.attr).flatten()?))
        .filter(|d| d.state != LiveState::Gone)
}

/// Every resource of each (target, type) of `scope`. A kind AWS lists
/// only per parent is listed under every live parent, so its parents'
/// kinds join `scope` and are listed first.
async fn list_all(
    cloud: &AwsCloud,
    scope: &mut BTreeSet<(Target, ResourceType)>,
) -> Result<Inventory, CloudError> {
    let mut todo: Vec<(Target, ResourceType)> = scope.iter().cloned().collect();
    while let Some((t, ty)) = todo.pop() {
        for (child, rel) in per_parent::per_parent_kinds().filter(|(c, _)| *c == ty) {
            debug_assert_eq!(child, ty);
            for parent in rel.targets {
                if scope.insert((t.clone(), *parent)) {
                    todo.push((t.clone(), *parent));
                }
            }
        }
    }
    let whole = scope
        .iter()
        .filter(|(_, ty)| !per_parent::is_per_parent(*ty))
        .map(|(t, ty)| refresh::list(cloud, t, *ty, None));
    let mut inventory = Inventory::new(try_join_all(whole).await?.into_iter().flatten());
    // Parents before children: each round lists the kinds whose parents'
    // kinds are all listed.
    let mut listed: BTreeSet<(Target, ResourceType)> = scope
        .iter()
        .filter(|(_, ty)| !per_parent::is_per_parent(*ty))
        .cloned()
        .collect();
    loop {
        let ready: Vec<(Target, ResourceType, &'static [ResourceType])> =
            per_parent::per_parent_kinds()
                .flat_map(|(child, rel)| {
                    scope
                        .iter()
                        .filter(move |(_, ty)| *ty == child)
                        .map(move |(t, _)| (t.clone(), child, rel.targets))
                })
                .filter(|(t, child, parents)| {
                    !listed.contains(&(t.clone(), *child))
                        && parents.iter().all(|p| listed.contains(&(t.clone(), *p)))
                })
                .collect();
        if ready.is_empty() {
            return Ok(inventory);
        }
        let mut lists = Vec::new();
        for (t, child, parents) in &ready {
            for parent in parents
                .iter()
                .flat_map(|p| inventory.of_type_in(*p, &t.region))
            {
                if parent.state != LiveState::Gone && parent.visible_to(t.account.as_deref()) {
                    lists.push((t.clone(), *child, parent.id.clone()));
                }
            }
        }
        let pages = lists
            .iter()
            .map(|(t, child, parent)| refresh::list(cloud, t, *child, Some(parent.as_str())));
        for r in try_join_all(pages).await?.into_iter().flatten() {
            inventory.insert(r);
        }
        listed.extend(ready.into_iter().map(|(t, child, _)| (t, child)));
    }
}

/// Whether `result` holds a resource of `ty` in `region`.
fn holds(
    inventory: &Inventory,
    result: &BTreeMap<Key, Option<Key>>,
    ty: ResourceType,
    region: &str,
) -> bool {
    result
        .keys()
        .filter(|k| k.0 == ty)
        .filter_map(|k| inventory.get(k.0, &k.1))
        .any(|r| r.region == region)
}

/// The live holders whose list does not say what they point at, in a
/// region where the result holds something they may block: only a
/// describe tells whether they do. Each (type, region) once.
fn holders_to_describe(
    inventory: &Inventory,
    result: &BTreeMap<Key, Option<Key>>,
    described: &HashSet<(ResourceType, String)>,
) -> Vec<LiveResource> {
    let mut wanted: BTreeSet<(ResourceType, String)> = BTreeSet::new();
    for r in result.keys().filter_map(|k| inventory.get(k.0, &k.1)) {
        for (holder_ty, _) in blocking_holders(r.resource_type) {
            let place = (holder_ty, r.region.clone());
            if !api(holder_ty).listed().relations && !described.contains(&place) {
                wanted.insert(place);
            }
        }
    }
    wanted
        .iter()
        .flat_map(|(ty, region)| inventory.of_type_in(*ty, region))
        .filter(|r| r.state != LiveState::Gone)
        .cloned()
        .collect()
}

/// A full describe of each of `resources`, refining the inventory.
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
