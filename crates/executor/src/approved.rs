//! The only way to name a resource to delete: from an approved plan.
//!
//! Safety invariant 1 (no Delete* names an id that is not a `delete` action
//! of the approved plan) holds by construction: [`ApprovedDelete`] has no
//! public constructor; [`ApprovedPlan`] makes one per `delete` action, from
//! the live facts the plan was approved with.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use decom_parser::Address;
use decom_plan::{Action, Cascade, DeletionGraph, LiveResource, Placement, Plan, PlanParts};

/// One resource the approved plan deletes.
#[derive(Debug, Clone)]
pub struct ApprovedDelete {
    address: Address,
    live: LiveResource,
    placement: Placement,
    /// The older revisions of its name the plan shows deleted with it.
    older_revisions: Vec<String>,
}

impl ApprovedDelete {
    pub fn address(&self) -> &Address {
        &self.address
    }

    /// The live resource as approved: its `id` is what Delete* names.
    pub fn live(&self) -> &LiveResource {
        &self.live
    }

    /// Where it lives: the region and credentials profile its requests use.
    pub fn placement(&self) -> &Placement {
        &self.placement
    }

    /// The ids of the older revisions of its name that the approved plan
    /// shows deleted with it (a name meaning all revisions), oldest first:
    /// each is deleted by its own request before this one. Never more: a
    /// revision created after the plan was not approved.
    pub fn older_revisions(&self) -> &[String] {
        &self.older_revisions
    }
}

/// What apply works from: the approved plan, split into what to delete,
/// what to wait for and what is already done.
#[derive(Debug, Clone)]
pub struct ApprovedPlan {
    /// Every resource of the plan, in deletion order.
    pub(crate) order: Vec<Address>,
    pub(crate) graph: DeletionGraph,
    /// Children AWS deletes with a planned parent, by parent.
    cascades: HashMap<Address, Vec<Cascade>>,
    /// Shared with the resource's task: a copy per task would be one more
    /// copy of every live resource while thousands run.
    pub(crate) work: HashMap<Address, Arc<Work>>,
}

#[derive(Debug, Clone)]
pub(crate) enum Work {
    Delete(ApprovedDelete, Duration),
    Wait(LiveResource, Placement, Duration),
    Nothing,
}

impl Work {
    /// What is waited for once AWS deletes it: the live resource, where
    /// it is read, and how long it may take in all. `None`: nothing to do.
    pub(crate) fn awaited(&self) -> Option<(&LiveResource, &Placement, Duration)> {
        match self {
            Work::Delete(order, timeout) => Some((&order.live, &order.placement, *timeout)),
            Work::Wait(live, placement, timeout) => Some((live, placement, *timeout)),
            Work::Nothing => None,
        }
    }
}

impl ApprovedPlan {
    /// The work of an approved plan: one [`ApprovedDelete`] per `delete`
    /// action, placed where the plan placed it. The plan's live resources
    /// are moved into the work, not copied: at 10,000 resources a copy
    /// was megabytes on top of the deletion phase's peak.
    pub fn new(plan: Plan) -> ApprovedPlan {
        let PlanParts {
            resources,
            graph,
            cascades,
        } = plan.into_parts();
        let mut order = Vec::with_capacity(resources.len());
        let mut work = HashMap::with_capacity(resources.len());
        for r in resources {
            let of_resource = match (r.action, r.live) {
                (Action::Delete, Some(live)) => Work::Delete(
                    ApprovedDelete {
                        older_revisions: cascades
                            .get(&r.address)
                            .into_iter()
                            .flatten()
                            .filter(|c| c.is_revision())
                            .map(|c| c.live.id.clone())
                            .collect(),
                        address: r.address.clone(),
                        live,
                        placement: r.placement,
                    },
                    r.delete_timeout,
                ),
                (Action::Wait, Some(live)) => Work::Wait(live, r.placement, r.delete_timeout),
                _ => Work::Nothing,
            };
            work.insert(r.address.clone(), Arc::new(of_resource));
            order.push(r.address);
        }
        ApprovedPlan {
            order,
            graph,
            cascades,
            work,
        }
    }

    /// How many resources the plan has (to delete, wait for or already gone).
    pub fn len(&self) -> usize {
        self.order.len()
    }

    /// Whether the plan has no resources.
    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// The children deleted with `parent` (cascades and older revisions).
    pub fn cascades_of(&self, parent: &Address) -> &[Cascade] {
        self.cascades.get(parent).map_or(&[], Vec::as_slice)
    }
}
