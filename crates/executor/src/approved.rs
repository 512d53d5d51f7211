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
use decom_plan::{Action, LiveResource, Placement, Plan};

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
    pub(crate) plan: Plan,
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

impl ApprovedPlan {
    /// The work of an approved plan: one [`ApprovedDelete`] per `delete`
    /// action, placed where the plan placed it.
    pub fn new(plan: Plan) -> ApprovedPlan {
        let work = plan
            .resources()
            .iter()
            .map(|r| {
                let placement = r.placement.clone();
                let work = match (r.action, &r.live) {
                    (Action::Delete, Some(live)) => Work::Delete(
                        ApprovedDelete {
                            address: r.address.clone(),
                            live: live.clone(),
                            placement,
                            older_revisions: plan
                                .cascades_of(&r.address)
                                .filter(|c| c.is_revision())
                                .map(|c| c.live.id.clone())
                                .collect(),
                        },
                        r.delete_timeout,
                    ),
                    (Action::Wait, Some(live)) => {
                        Work::Wait(live.clone(), placement, r.delete_timeout)
                    }
                    _ => Work::Nothing,
                };
                (r.address.clone(), Arc::new(work))
            })
            .collect();
        ApprovedPlan { plan, work }
    }

    pub fn plan(&self) -> &Plan {
        &self.plan
    }
}
