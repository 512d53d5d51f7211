//! What the executor needs from a cloud: send a delete, observe states.
//! `decom-aws` implements it; the executor never sees an SDK type.

use std::future::Future;

use decom_parser::ResourceType;
use decom_plan::{LiveResource, LiveState, Placement};

use crate::approved::ApprovedDelete;

/// What AWS's answer to an accepted delete said of the resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Accepted {
    /// The deletion is under way: a status check must see it gone.
    Deleting,
    /// The answer itself shows the resource gone (a VPC connector
    /// `INACTIVE`): AWS confirmed the deletion, no status check is needed.
    Gone,
}

/// Why a delete request did not go through.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct DeleteError {
    pub kind: DeleteErrorKind,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeleteErrorKind {
    /// The resource is not there any more: the delete's goal is met.
    NotFound,
    /// Worth retrying with backoff until the resource's timeout: a
    /// transitional state, a dependency AWS still sees (a connector "in
    /// use" just after its service went), throttling or a server fault the
    /// SDK's own retries did not absorb.
    Retryable,
    /// AWS refused because the resource is already being deleted (or is
    /// deleted): an earlier delete was accepted, so wait, never resend.
    AlreadyDeleting,
    /// Retrying cannot help (validation, access denied...).
    Permanent,
}

/// What one status check found about one watched resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Observation {
    /// Not found, or in a status that means gone.
    Gone,
    /// Still there, in this state and AWS status.
    Present { state: LiveState, status: String },
    /// The check failed; the resource's state is unknown.
    Failed(ObserveError),
}

/// Why a status check could not say whether a resource is gone. Whatever
/// the kind, the resource is asked about again until its timeout: only
/// AWS saying it is gone ends a wait.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ObserveError {
    pub kind: ObserveErrorKind,
    /// One line, as the person running apply reads it.
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObserveErrorKind {
    /// The cloud answered with an error (throttling, access denied...).
    Refused,
    /// No usable answer came: the connection failed, the request timed
    /// out, or the answer could not be read or left the resource out.
    NoAnswer,
    /// The answer said nothing about this resource.
    NotReported,
}

/// The cloud operations apply uses.
pub trait Cloud: Send + Sync + 'static {
    /// Sends the delete request for an approved resource.
    fn delete(
        &self,
        order: &ApprovedDelete,
    ) -> impl Future<Output = Result<Accepted, DeleteError>> + Send;

    /// The current state of each of `watched` (all of one type in one
    /// region), by id, with as few calls as the API allows (one list call
    /// covers many). Each resource has its own answer: one failed call
    /// never hides what the others found. A watched id missing from the
    /// result is treated as a failed check.
    fn observe(
        &self,
        watched: &[Watched],
    ) -> impl Future<Output = Vec<(String, Observation)>> + Send;

    /// Whether [`Cloud::observe`] would read `waiting` resources of
    /// `group` with calls that cover them all (a list, a describe-all), so
    /// that asking about all of them costs no more than asking about one.
    fn observes_together(&self, group: &WatchGroup, waiting: usize) -> bool;
}

/// Resources that can be observed together: one type at one placement
/// (region, credentials and account).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct WatchGroup {
    pub resource_type: ResourceType,
    pub placement: Placement,
}

/// A resource being waited for, and where it is read (the plan's
/// placement: its region and the credentials that can see it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Watched {
    pub live: LiveResource,
    pub placement: Placement,
}

impl Watched {
    pub fn group(&self) -> WatchGroup {
        WatchGroup {
            resource_type: self.live.resource_type,
            placement: self.placement.clone(),
        }
    }
}
