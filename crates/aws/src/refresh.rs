//! Refresh: read the live state a plan needs with as few calls as the
//! APIs allow (DESIGN section 9). Every rule reads the kinds table (which
//! relations block which deletes) and each kind's [`Listed`] facts (what
//! its list answers carry), never a type by name:
//!
//! 1. List every needed (target, type) once, page by page: the manifest's
//!    own types, plus the kinds whose resources could block them (the
//!    holders of a blocking relation that points at a planned kind, such
//!    as the services of a region with a planned connector). Kinds AWS
//!    lists only per parent are listed per needed parent instead, parents
//!    first ([`per_parent`]).
//! 2. Describe only where a list cannot answer:
//!    - every live holder in a target where a kind it may block is planned,
//!      when its list does not carry the relation (DescribeService for each
//!      service in a target with a planned connector);
//!    - a listed planned resource whose list carries no relations, where
//!      the manifest asserts one;
//!    - a listed planned resource, and a holder that points at one, when
//!      the list carries no status (DescribeVpcIngressConnection).
//!
//! 3. List the targets of a blocking relation whose target goes first,
//!    where a planned resource points at one and its type is not listed
//!    yet (the LAGs of a region where a planned connection is a member).
//! 4. Tags only where a provider sets `protect_tags`, only of the live
//!    resources its planned resources may mean, batched where the API
//!    allows (`tags::fetch`).
//!
//! One manifest may reach several accounts (a provider each): every
//! target carries its caller's account, and a resource another account
//! owns is never read with this target's credentials.
//!
//! All calls run concurrently, bounded by the cloud's in-flight limit;
//! the describes the whole lists call for run alongside the per-parent
//! lists (each service's quota is its own: under a throttle, one service's
//! describes would otherwise wait for another's child lists).

use std::collections::{BTreeMap, BTreeSet, HashSet, VecDeque};

use futures_util::future::{try_join, try_join_all};
use futures_util::stream::{self, StreamExt, TryStreamExt};

use decom_kinds::{blocking_holders, blocking_targets};
use decom_parser::{IdentityKind, Knowable, Manifest, ResourceInstance, ResourceType};
use decom_plan::{Inventory, LiveResource, LiveState, Placements};

use crate::connect::{AwsCloud, Clients, Target};
use crate::error::CloudError;
use crate::live_ids::Known;
use crate::per_parent;
use crate::resources::{api, At};

/// Reads live state for `manifest`, each resource where `placements` puts
/// it (one without a placement is left to the plan to report).
pub async fn refresh(
    cloud: &AwsCloud,
    manifest: &Manifest,
    placements: &Placements,
) -> Result<Inventory, CloudError> {
    let placed: Vec<(Target, &ResourceInstance)> = manifest
        .resources
        .iter()
        .filter_map(|r| Some((placements.get(&r.address)?.clone(), r)))
        .collect();
    let lists = list_scope(&placed);
    let pages = lists
        .iter()
        .map(|(target, ty)| list(cloud, target, *ty, None));
    let mut inventory = Inventory::new(try_join_all(pages).await?.into_iter().flatten());
    children_and_describes(cloud, &placed, &mut inventory, &lists).await?;
    let unlisted = unlisted_by_id(&placed, &inventory);
    let described = unlisted
        .into_iter()
        .map(|(target, ty, id)| describe(cloud, target, ty, id));
    for r in try_join_all(described).await? {
        inventory.insert(r);
    }
    let more = target_scope(&placed, &inventory, &lists);
    let pages = more
        .iter()
        .map(|(target, ty)| list(cloud, target, *ty, None));
    let pages = try_join_all(pages).await?;
    for r in pages.into_iter().flatten() {
        inventory.insert(r);
    }
    read_protect_tags(cloud, manifest, &placed, &mut inventory).await?;
    Ok(inventory)
}

/// Requests started at once at most where a refresh step has thousands:
/// each pending one holds an SDK request's future (kilobytes), and the
/// lanes send only `--parallelism` per quota anyway.
pub(crate) const STARTED_AT_ONCE: usize = 256;

/// `items` taking turns by `lane` (a target, a kind), so those started
/// first keep every quota busy, not one target's.
pub(crate) fn take_turns<T, K: Ord>(
    items: impl IntoIterator<Item = T>,
    lane: impl Fn(&T) -> K,
) -> Vec<T> {
    let mut by_lane: BTreeMap<K, VecDeque<T>> = BTreeMap::new();
    for item in items {
        by_lane.entry(lane(&item)).or_default().push_back(item);
    }
    let mut out = Vec::new();
    while !by_lane.is_empty() {
        by_lane.retain(|_, items| {
            out.extend(items.pop_front());
            !items.is_empty()
        });
    }
    out
}

/// Lists per parent ([`per_parent`]) and describes ([`describe_scope`])
/// into `inventory`. The describes the whole lists already call for go
/// while the per-parent lists run: they are mostly another service's
/// calls (App Runner describes, Supply Chain child lists), and each
/// service has its own quota, so neither waits for the other. What the
/// children add to the scope is described after.
async fn children_and_describes(
    cloud: &AwsCloud,
    placed: &[(Target, &ResourceInstance)],
    inventory: &mut Inventory,
    lists: &BTreeSet<(Target, ResourceType)>,
) -> Result<(), CloudError> {
    let early = describe_scope(placed, inventory);
    let turns = take_turns(early.iter().cloned(), |(target, ty, _)| {
        (target.clone(), *ty)
    });
    let early_reads = stream::iter(turns)
        .map(|key| async move {
            let (target, ty, id) = key.clone();
            Ok::<_, CloudError>((key, describe(cloud, target, ty, id).await?))
        })
        .buffer_unordered(STARTED_AT_ONCE)
        .try_collect::<Vec<_>>();
    let children = per_parent::list_children(cloud, placed, inventory, lists);
    let (early_found, ()) = try_join(early_reads, children).await?;
    let scope = describe_scope(placed, inventory);
    let late = try_join_all(
        scope
            .difference(&early)
            .cloned()
            .map(|(target, ty, id)| describe(cloud, target, ty, id)),
    )
    .await?;
    // Only what the whole scope calls for, as if described after the
    // children (it does not shrink as the inventory grows).
    let early_found = early_found
        .into_iter()
        .filter(|(key, _)| scope.contains(key))
        .map(|(_, r)| r);
    for r in early_found.chain(late) {
        inventory.insert(r);
    }
    Ok(())
}

/// The live tags of what the resources of providers with `protect_tags`
/// may mean, one batch of reads per target.
async fn read_protect_tags(
    cloud: &AwsCloud,
    manifest: &Manifest,
    placed: &[(Target, &ResourceInstance)],
    inventory: &mut Inventory,
) -> Result<(), CloudError> {
    let mut wanted: BTreeMap<&Target, BTreeSet<(ResourceType, String)>> = BTreeMap::new();
    for (target, r) in placed {
        let protects = manifest
            .provider(&r.provider)
            .is_some_and(|p| !p.protect_tags.is_empty());
        if protects {
            let ty = r.address.resource_type;
            let ids = Known::new(inventory, placed).live_ids(target, r);
            let ids = ids.into_iter().map(|id| (ty, id));
            wanted.entry(target).or_default().extend(ids);
        }
    }
    let reads = wanted.iter().map(|(target, ids)| {
        let live: Vec<&LiveResource> = ids
            .iter()
            .filter_map(|(ty, id)| inventory.get(*ty, id))
            .filter(|l| l.state != LiveState::Gone)
            .collect();
        async move { crate::tags::fetch(cloud, target, &live).await }
    });
    let found = try_join_all(reads).await?;
    for ((ty, id), tags) in found.into_iter().flatten() {
        inventory.set_tags(ty, id, tags);
    }
    Ok(())
}

/// The (target, type) pairs to list whole (kinds listed per parent are
/// [`per_parent`]'s).
fn list_scope(placed: &[(Target, &ResourceInstance)]) -> BTreeSet<(Target, ResourceType)> {
    let mut scope = BTreeSet::new();
    for (target, r) in placed {
        let ty = r.address.resource_type;
        let holders = blocking_holders(ty).map(|(holder, _)| holder);
        for ty in std::iter::once(ty).chain(holders) {
            if !per_parent::is_per_parent(ty) {
                scope.insert((target.clone(), ty));
            }
        }
    }
    scope
}

/// The (target, type) pairs the lists did not cover that planned
/// resources point at along a blocking relation whose target goes first
/// (the LAGs of planned connections that are LAG members): listed only
/// where live state says such a target exists, so a plan without LAG
/// members makes no DescribeLags.
fn target_scope(
    placed: &[(Target, &ResourceInstance)],
    inventory: &Inventory,
    listed: &BTreeSet<(Target, ResourceType)>,
) -> BTreeSet<(Target, ResourceType)> {
    let mut scope = BTreeSet::new();
    let known = Known::new(inventory, placed);
    for (target, r) in placed {
        let ty = r.address.resource_type;
        for (target_ty, rel) in blocking_targets(ty) {
            let key = (target.clone(), target_ty);
            if listed.contains(&key) || scope.contains(&key) {
                continue;
            }
            let points = known.live_ids(target, r).into_iter().any(|id| {
                let live = inventory.get(ty, &id);
                live.is_some_and(|l| l.relation(rel.attr).flatten().is_some())
            });
            if points {
                scope.insert(key);
            }
        }
    }
    scope
}

/// Planned resources named by their exact id, of kinds AWS lists only
/// per parent, that no list showed: their parent is not planned, or not
/// the one the manifest says. Each is described by its id: a Direct
/// Connect gateway association named by `id` alone (as `discover` writes
/// it) was "already gone" without a request, and left live.
fn unlisted_by_id(
    placed: &[(Target, &ResourceInstance)],
    inventory: &Inventory,
) -> BTreeSet<(Target, ResourceType, String)> {
    placed
        .iter()
        .filter_map(|(target, r)| {
            let ty = r.address.resource_type;
            let exact = matches!(r.identity.kind, IdentityKind::Id | IdentityKind::Arn);
            match &r.identity.value {
                Knowable::Known(id)
                    if exact
                        && api(ty).listed_per().is_some()
                        && inventory.get(ty, id).is_none() =>
                {
                    Some((target.clone(), ty, id.clone()))
                }
                _ => None,
            }
        })
        .collect()
}

/// The (target, type, id) describes the plan cannot do without.
fn describe_scope(
    placed: &[(Target, &ResourceInstance)],
    inventory: &Inventory,
) -> BTreeSet<(Target, ResourceType, String)> {
    let mut scope = BTreeSet::new();
    let mut add = |target: &Target, r: &LiveResource| {
        scope.insert((target.clone(), r.resource_type, r.id.clone()));
    };
    // Where each type is planned, and the live ids planned resources mean.
    let planned_in: HashSet<(&Target, ResourceType)> = placed
        .iter()
        .map(|(t, r)| (t, r.address.resource_type))
        .collect();
    let known = Known::new(inventory, placed);
    let planned_ids: HashSet<(ResourceType, String)> = placed
        .iter()
        .flat_map(|(t, r)| {
            let ty = r.address.resource_type;
            known.live_ids(t, r).into_iter().map(move |id| (ty, id))
        })
        .collect();

    for &(target, ty) in &planned_in {
        for (holder_ty, rel) in blocking_holders(ty) {
            let listed = api(holder_ty).listed();
            for holder in inventory.of_type_in(holder_ty, &target.region) {
                if holder.state == LiveState::Gone || !holder.visible_to(target.account.as_deref())
                {
                    continue;
                }
                // Any holder could point at a planned resource: only a
                // describe says which.
                let points_at_planned = || {
                    let target_id = holder.relation(rel.attr).flatten();
                    target_id.is_some_and(|id| planned_ids.contains(&(ty, id.to_string())))
                };
                if !listed.relations || (!listed.status && points_at_planned()) {
                    add(target, holder);
                }
            }
        }
    }
    for (target, r) in placed {
        let ty = r.address.resource_type;
        let listed = api(ty).listed();
        let asserts_relation = !listed.relations && !r.relations.is_empty();
        if !listed.status || asserts_relation {
            // One the list did not show is gone: nothing to describe.
            for id in known.live_ids(target, r) {
                let live = inventory.get(ty, &id);
                if let Some(live) = live.filter(|l| l.visible_to(target.account.as_deref())) {
                    add(target, live);
                }
            }
        }
    }
    scope
}

/// Every live resource of `ty` at `target` (all pages), or of its
/// `parent` for a kind listed per parent.
pub(crate) async fn list(
    cloud: &AwsCloud,
    target: &Target,
    ty: ResourceType,
    parent: Option<&str>,
) -> Result<Vec<LiveResource>, CloudError> {
    let c = cloud.clients(target).await;
    list_with(cloud, &c, target, ty, parent).await
}

/// [`list`] through the clients `c` of `target`.
pub(crate) async fn list_with(
    cloud: &AwsCloud,
    c: &Clients,
    target: &Target,
    ty: ResourceType,
    parent: Option<&str>,
) -> Result<Vec<LiveResource>, CloudError> {
    let at = At {
        cloud,
        clients: c,
        region: &target.region,
    };
    let all = api(ty).list(at, parent).await?;
    // What observations weigh a list against describes: whole lists only.
    if parent.is_none() {
        cloud.remember_listed(ty, target, all.len());
    }
    Ok(all)
}

/// One resource fully described; a resource listed but then not found is
/// gone.
pub(crate) async fn describe(
    cloud: &AwsCloud,
    target: Target,
    ty: ResourceType,
    id: String,
) -> Result<LiveResource, CloudError> {
    let c = cloud.clients(&target).await;
    let at = At {
        cloud,
        clients: &c,
        region: &target.region,
    };
    let found = api(ty).describe(at, &id).await?;
    // A composite's last part names it (a custom domain's domain).
    let name = match ty.split_id(&id) {
        Some(parts) => parts.last().map(|(_, v)| v.to_string()),
        None => crate::resources::arn::resource_name(&id),
    };
    Ok(found.unwrap_or_else(|| LiveResource {
        resource_type: ty,
        region: target.region.clone(),
        name: name.unwrap_or_default(),
        account_id: crate::resources::arn::account(&id),
        id,
        status: "not found".into(),
        state: LiveState::Gone,
        relations: Vec::new(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_take_turns_by_lane() {
        let items = [("a", 1), ("a", 2), ("a", 3), ("b", 1), ("b", 2)];
        let turns = take_turns(items, |(lane, _)| *lane);
        assert_eq!(turns, [("a", 1), ("b", 1), ("a", 2), ("b", 2), ("a", 3)]);
    }
}
