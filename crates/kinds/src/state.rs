//! Where a live resource is in its life, as far as deleting it goes.

/// (DESIGN section 3, "gone when" / "wait while".)
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LiveState {
    /// Steady: a delete request can be sent now.
    Deletable,
    /// In a transition that must finish before a delete is accepted
    /// (PENDING_CREATION, OPERATION_IN_PROGRESS, Initializing, pending...).
    Busy,
    /// Already being deleted: only waiting is left.
    Deleting,
    /// Deleted (still visible in a terminal state) or never found.
    Gone,
}

/// A kind's AWS statuses by what they mean; any other status is
/// [`LiveState::Deletable`]. "Not found" is always gone and is not listed.
#[derive(Debug)]
pub struct States {
    pub gone: &'static [&'static str],
    /// Wait for the transition to end, then delete.
    pub busy: &'static [&'static str],
    /// Already being deleted: wait.
    pub deleting: &'static [&'static str],
}

impl States {
    pub fn classify(&self, status: &str) -> LiveState {
        if self.gone.contains(&status) {
            LiveState::Gone
        } else if self.deleting.contains(&status) {
            LiveState::Deleting
        } else if self.busy.contains(&status) {
            LiveState::Busy
        } else {
            LiveState::Deletable
        }
    }
}
