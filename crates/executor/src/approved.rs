//! The only way to name a resource to delete: from an approved plan.
//!
//! Safety invariant 1 (no Delete* names an id that is not a `delete` action
//! of the approved plan) holds by construction: [`ApprovedDelete`] has no
//! public constructor; [`ApprovedPlan`] makes one per `delete` action, from
//! the live facts the plan was approved with.

use std::collections::HashMap;
use std::time::Duration;

use decom_graph::{Action, LiveResource, Plan};
use decom_parser::Address;

/// One resource the approved plan deletes.
#[derive(Debug, Clone)]
pub struct ApprovedDelete {
    address: Address,
    live: LiveResource,
    profile: Option<String>,
}

impl ApprovedDelete {
    pub fn address(&self) -> &Address {
        &self.address
    }

    /// The live resource as approved: its `id` is what Delete* names.
    pub fn live(&self) -> &LiveResource {
        &self.live
    }

    /// The credentials profile its provider uses.
    pub fn profile(&self) -> Option<&str> {
        self.profile.as_deref()
    }
}

/// What apply works from: the approved plan, split into what to delete,
/// what to wait for and what is already done.
#[derive(Debug, Clone)]
pub struct ApprovedPlan {
    pub(crate) plan: Plan,
    pub(crate) work: HashMap<Address, Work>,
}

#[derive(Debug, Clone)]
pub(crate) enum Work {
    Delete(ApprovedDelete, Duration),
    Wait(LiveResource, Option<String>, Duration),
    Nothing,
}

impl ApprovedPlan {
    /// `profile_of` gives each address's credentials profile.
    pub fn new(plan: Plan, profile_of: impl Fn(&Address) -> Option<String>) -> ApprovedPlan {
        let work = plan
            .resources
            .iter()
            .map(|r| {
                let profile = profile_of(&r.address);
                let work = match (r.action, &r.live) {
                    (Action::Delete, Some(live)) => Work::Delete(
                        ApprovedDelete {
                            address: r.address.clone(),
                            live: live.clone(),
                            profile,
                        },
                        r.delete_timeout,
                    ),
                    (Action::Wait, Some(live)) => {
                        Work::Wait(live.clone(), profile, r.delete_timeout)
                    }
                    _ => Work::Nothing,
                };
                (r.address.clone(), work)
            })
            .collect();
        ApprovedPlan { plan, work }
    }

    pub fn plan(&self) -> &Plan {
        &self.plan
    }
}
