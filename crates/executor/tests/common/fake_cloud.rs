//! A scriptable [`Cloud`]: per resource id, what each delete request
//! answers and what each status check finds. It records every call and
//! the most requests it had in flight at once, and can bound them like
//! `--parallelism` bounds the real one.
//!
//! A script's answers are given in order and its last answer repeats; an
//! id without a script is deleted at once (`Accept`) and then seen gone.
//! An id can also be *held* until the test releases it: its delete
//! requests refused as worth retrying, or its status checks saying "still
//! there". Tests use it to order what happens by cause, never by time.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};

use decom_executor::{
    Accepted, ApprovedDelete, Cloud, DeleteError, DeleteErrorKind, Observation, ObserveError,
    ObserveErrorKind, WatchGroup, Watched,
};
use decom_plan::LiveState;
use tokio::sync::Semaphore;

/// What one delete request gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeleteAnswer {
    /// AWS accepted the delete.
    Accept,
    /// AWS accepted the delete and its answer shows the resource gone.
    AcceptGone,
    Retryable,
    AlreadyDeleting,
    NotFound,
    Permanent,
    /// No answer, ever.
    Hang,
    /// The cloud panics (a bug in a `Cloud`).
    Panic,
}

/// A status check that says the resource is still being deleted.
pub fn present() -> Observation {
    Observation::Present {
        state: LiveState::Deleting,
        status: "Deleting".into(),
    }
}

/// The message of every status check that fails.
pub const CHECK_FAILURE: &str = "GetInstance in us-east-1: connection reset by peer";

/// A status check that fails.
pub fn check_fails() -> Observation {
    Observation::Failed(ObserveError {
        kind: ObserveErrorKind::NoAnswer,
        message: CHECK_FAILURE.into(),
    })
}

/// The message of each refusal of kind `kind`.
pub fn refusal(kind: DeleteErrorKind) -> String {
    format!("DeleteInstance in us-east-1: {kind:?} refusal")
}

/// One call the cloud received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Call {
    Delete(String),
    /// One status check of one id (a batch records one per id).
    Observe(String),
}

#[derive(Default)]
struct State {
    deletes: HashMap<String, VecDeque<DeleteAnswer>>,
    observations: HashMap<String, VecDeque<Observation>>,
    refusing: HashSet<String>,
    present: HashSet<String>,
    calls: Vec<Call>,
    in_flight: usize,
    max_in_flight: usize,
}

#[derive(Default)]
pub struct FakeCloud {
    state: Mutex<State>,
    /// Requests allowed in flight at once; unbounded if `None`.
    limit: Option<Semaphore>,
}

impl FakeCloud {
    pub fn new() -> FakeCloud {
        FakeCloud::default()
    }

    /// At most `n` requests in flight at once.
    pub fn parallelism(mut self, n: usize) -> FakeCloud {
        self.limit = Some(Semaphore::new(n));
        self
    }

    /// What delete requests for `id` get, in order.
    pub fn on_delete(self, id: &str, answers: impl IntoIterator<Item = DeleteAnswer>) -> FakeCloud {
        let answers = answers.into_iter().collect();
        self.lock().deletes.insert(id.into(), answers);
        self
    }

    /// What status checks of `id` find, in order.
    pub fn on_observe(self, id: &str, found: impl IntoIterator<Item = Observation>) -> FakeCloud {
        let found = found.into_iter().collect();
        self.lock().observations.insert(id.into(), found);
        self
    }

    /// Refuses deletes of `id` (retryable) until [`FakeCloud::release`].
    pub fn refuse_until_released(self, id: &str) -> FakeCloud {
        self.lock().refusing.insert(id.into());
        self
    }

    /// Sees `id` still there until [`FakeCloud::release`].
    pub fn present_until_released(self, id: &str) -> FakeCloud {
        self.lock().present.insert(id.into());
        self
    }

    /// Lets `id`'s scripts answer from now on.
    pub fn release(&self, id: &str) {
        let mut state = self.lock();
        state.refusing.remove(id);
        state.present.remove(id);
    }

    pub fn into_arc(self) -> Arc<FakeCloud> {
        Arc::new(self)
    }

    /// Every call, in the order received.
    pub fn calls(&self) -> Vec<Call> {
        self.lock().calls.clone()
    }

    /// The ids delete requests named, in order (repeats included).
    pub fn deleted(&self) -> Vec<String> {
        self.calls()
            .into_iter()
            .filter_map(|c| match c {
                Call::Delete(id) => Some(id),
                Call::Observe(_) => None,
            })
            .collect()
    }

    /// How many delete requests named `id`.
    pub fn deletes_of(&self, id: &str) -> usize {
        self.deleted().iter().filter(|d| *d == id).count()
    }

    /// How many status checks asked about `id`.
    pub fn observations_of(&self, id: &str) -> usize {
        let asked = Call::Observe(id.into());
        self.calls().iter().filter(|c| **c == asked).count()
    }

    /// The most requests (deletes and status-check batches) in flight at once.
    pub fn max_in_flight(&self) -> usize {
        self.lock().max_in_flight
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panicking delete never holds the lock, so it is never poisoned.
        self.state.lock().expect("fake cloud state")
    }

    /// Counts a request in flight until the guard drops (answered, or
    /// dropped by a timeout).
    async fn request(&self) -> InFlight<'_> {
        let permit = match &self.limit {
            Some(limit) => Some(limit.acquire().await.expect("limit never closed")),
            None => None,
        };
        let mut state = self.lock();
        state.in_flight += 1;
        state.max_in_flight = state.max_in_flight.max(state.in_flight);
        InFlight {
            cloud: self,
            _permit: permit,
        }
    }

    fn next_delete_answer(&self, id: &str) -> DeleteAnswer {
        let mut state = self.lock();
        state.calls.push(Call::Delete(id.into()));
        if state.refusing.contains(id) {
            return DeleteAnswer::Retryable;
        }
        state
            .deletes
            .get_mut(id)
            .map_or(DeleteAnswer::Accept, next_of)
    }

    fn next_observation(&self, id: &str) -> Observation {
        let mut state = self.lock();
        state.calls.push(Call::Observe(id.into()));
        if state.present.contains(id) {
            return present();
        }
        state
            .observations
            .get_mut(id)
            .map_or(Observation::Gone, next_of)
    }
}

/// The next answer of a script; its last one repeats.
fn next_of<T: Clone>(script: &mut VecDeque<T>) -> T {
    let next = if script.len() > 1 {
        script.pop_front()
    } else {
        script.front().cloned()
    };
    next.expect("a script has at least one answer")
}

struct InFlight<'c> {
    cloud: &'c FakeCloud,
    _permit: Option<tokio::sync::SemaphorePermit<'c>>,
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.cloud.lock().in_flight -= 1;
    }
}

impl Cloud for FakeCloud {
    async fn delete(&self, order: &ApprovedDelete) -> Result<Accepted, DeleteError> {
        let _in_flight = self.request().await;
        let refused = |kind| {
            Err(DeleteError {
                kind,
                message: refusal(kind),
            })
        };
        match self.next_delete_answer(&order.live().id) {
            DeleteAnswer::Accept => Ok(Accepted::Deleting),
            DeleteAnswer::AcceptGone => Ok(Accepted::Gone),
            DeleteAnswer::Retryable => refused(DeleteErrorKind::Retryable),
            DeleteAnswer::AlreadyDeleting => refused(DeleteErrorKind::AlreadyDeleting),
            DeleteAnswer::NotFound => refused(DeleteErrorKind::NotFound),
            DeleteAnswer::Permanent => refused(DeleteErrorKind::Permanent),
            DeleteAnswer::Hang => std::future::pending().await,
            DeleteAnswer::Panic => panic!("fake cloud exploded"),
        }
    }

    async fn observe(&self, watched: &[Watched]) -> Vec<(String, Observation)> {
        let _in_flight = self.request().await;
        watched
            .iter()
            .map(|w| (w.live.id.clone(), self.next_observation(&w.live.id)))
            .collect()
    }

    fn observes_together(&self, _group: &WatchGroup, _waiting: usize) -> bool {
        false
    }
}
