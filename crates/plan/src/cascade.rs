//! Cascades (DESIGN section 10, issue 17): live children AWS deletes
//! together with a parent — a Supply Chain instance takes its namespaces,
//! datasets and flows, a namespace its datasets. The plan shows every such
//! child the manifest does not name as `deleted with PARENT`, so that
//! approving the plan approves them (safety invariant 1): no request of
//! its own, reported deleted once the parent's deletion is confirmed.
//!
//! A child the manifest names is not a cascade: it is deleted by its own
//! request before its parent (the relation says the child goes first).
//! Which relations cascade is the kinds table's `cascaded_by`, nearest
//! parent first: a dataset whose namespace is planned goes with the
//! namespace, else with its instance.
//!
//! The older revisions a name of [`NameMeans::AllRevisions`] means are
//! shown the same way, beside the block that resolved to the latest; its
//! delete deletes each by its own ARN first (never DeleteAllRevisions,
//! which would also take a revision created since the plan).
//!
//! [`NameMeans::AllRevisions`]: decom_kinds::NameMeans::AllRevisions

use std::collections::{HashMap, HashSet};

use decom_kinds::NameMeans;
use decom_parser::Address;

use crate::live::{Inventory, LiveResource, LiveState};
use crate::resolve::Resolution;

/// One child deleted with a planned parent.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Cascade {
    /// The manifest resource whose deletion takes this one with it.
    pub parent: Address,
    /// The child as refresh saw it.
    pub live: LiveResource,
}

/// The positions of each parent's cascades in `cascades`, in order.
pub(crate) fn by_parent(cascades: &[Cascade]) -> HashMap<Address, Vec<usize>> {
    let mut out: HashMap<Address, Vec<usize>> = HashMap::new();
    for (i, c) in cascades.iter().enumerate() {
        out.entry(c.parent.clone()).or_default().push(i);
    }
    out
}

impl Cascade {
    /// `PARENT -> TYPE["ID"]`: stable (parent address and the child's live
    /// id), unambiguous, and never a manifest address (those have no
    /// spaces).
    pub fn address(&self) -> String {
        format!(
            "{} -> {}[{:?}]",
            self.parent, self.live.resource_type, self.live.id
        )
    }

    /// Whether this is another revision of its parent's name rather than a
    /// child (a kind never cascades with a parent of its own type).
    pub fn is_revision(&self) -> bool {
        self.parent.resource_type == self.live.resource_type
    }

    /// How it is deleted, for the plan's text and markdown.
    pub fn how(&self) -> &'static str {
        if self.is_revision() {
            "an older revision of its name, deleted by its own request first"
        } else {
            "no request of its own"
        }
    }

    /// Whether the live relations of the child name `parent_live` through
    /// one of the kind's cascading relations, or it is another revision of
    /// a name that means all revisions: what makes it go with it.
    pub fn goes_with(live: &LiveResource, parent_live: &LiveResource) -> bool {
        let other_revision = live.resource_type == parent_live.resource_type
            && live.resource_type.kind().name_means == NameMeans::AllRevisions
            && (&live.name, &live.region, &live.account_id)
                == (
                    &parent_live.name,
                    &parent_live.region,
                    &parent_live.account_id,
                )
            && live.id != parent_live.id
            // Its ARN says whose revision it is: the same name, account, region.
            && live
                .resource_type
                .name_of_revision(&live.id)
                .is_some_and(|name| parent_live.resource_type.name_of_revision(&parent_live.id) == Some(name));
        other_revision
            || live.resource_type.kind().cascaded_by.iter().any(|&attr| {
                let targets_parent_type = live
                    .resource_type
                    .relation(attr)
                    .is_some_and(|r| r.targets.contains(&parent_live.resource_type));
                targets_parent_type && live.relation(attr) == Some(Some(parent_live.id.as_str()))
            })
    }
}

/// The live children in `inventory` that the manifest does not name and
/// that a planned (`delete` or `wait`) resource takes with it, and the
/// other revisions of planned names, sorted by address.
pub fn find(
    inventory: &Inventory,
    resolution: &Resolution,
    planned: &HashSet<&Address>,
) -> Vec<Cascade> {
    let revisions = planned.iter().flat_map(|&parent| {
        resolution
            .revisions(parent)
            .iter()
            .map(move |live| Cascade {
                parent: parent.clone(),
                live: live.clone(),
            })
    });
    let mut out: Vec<Cascade> = inventory
        .iter()
        .filter(|live| !live.resource_type.kind().cascaded_by.is_empty())
        .filter(|live| live.state != LiveState::Gone)
        .filter(|live| {
            resolution
                .address_of(live.resource_type, &live.id)
                .is_none()
        })
        .filter_map(|live| {
            let parent = parent_of(live, resolution, planned)?;
            Some(Cascade {
                parent: parent.clone(),
                live: live.clone(),
            })
        })
        .chain(revisions)
        .collect();
    // Cached: the address is formatted once per cascade, not per comparison.
    out.sort_by_cached_key(Cascade::address);
    out
}

/// The nearest planned parent whose deletion takes `live` with it.
fn parent_of<'r>(
    live: &LiveResource,
    resolution: &'r Resolution,
    planned: &HashSet<&Address>,
) -> Option<&'r Address> {
    let ty = live.resource_type;
    ty.kind().cascaded_by.iter().find_map(|&attr| {
        let target = live.relation(attr).flatten()?;
        let relation = ty.relation(attr)?;
        relation.targets.iter().find_map(|&target_type| {
            resolution
                .address_of(target_type, target)
                .filter(|a| planned.contains(a))
        })
    })
}
