//! Waiting until AWS confirms deletions, in batches. Resources being
//! waited for are grouped by type and placement; each has its own
//! backoff schedule, and when one is due its group has a round: where one
//! call reads the whole group (a list), the round asks about every
//! resource of the group, else only about those due.
//!
//! Every resource gets its own answer from a round: a failed status check
//! of one never discards what the round learned about the others. A failed
//! check is reported to the scheduler (which records an event) and asked
//! again on the resource's schedule.
//!
//! What the poller finds goes to the scheduler on one channel, by address:
//! a resource being waited for has no task and no channel of its own
//! (thousands wait at once at 10,000 resources; each task and channel
//! cost kilobytes, docs/benchmarks.md "Memory at 10,000").

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use decom_parser::Address;
use decom_plan::LiveState;
use tokio::sync::mpsc;
use tokio::time::Instant;

use crate::approved::Work;
use crate::cloud::{Cloud, Observation, ObserveError, ObserveErrorKind, WatchGroup, Watched};

/// Poll intervals: the first check after `initial`, then ×1.5 up to `max`.
#[derive(Debug, Clone, Copy)]
pub struct PollSchedule {
    pub initial: Duration,
    pub max: Duration,
}

/// A watch names the plan's work for the resource: its live resource and
/// placement are the plan's, not a copy per wait.
enum Command {
    Watch { waiter: Address, work: Arc<Work> },
    Unwatch { waiter: Address, work: Arc<Work> },
}

/// What the poller tells the scheduler about a resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PollUpdate {
    /// Observed gone: the wait is over.
    Gone,
    /// Still there, in another status than last seen (what a timeout
    /// says it was last seen in).
    Seen { state: LiveState, status: String },
    /// A status check failed (`attempt`: the how-manieth check of this
    /// resource); it is asked again. Reported on the 1st, 2nd, 4th, 8th...
    /// failure in a row, so a long outage is visible without a flood.
    CheckFailed { attempt: u32, error: ObserveError },
}

/// Updates for the resource at an address.
pub type Updates = mpsc::UnboundedReceiver<(Address, PollUpdate)>;

/// A handle to the poller task; the task ends when the handle is dropped.
pub struct Poller {
    commands: mpsc::UnboundedSender<Command>,
}

impl Poller {
    /// Starts the poller; what it finds comes on the returned receiver.
    pub fn start<C: Cloud>(cloud: Arc<C>, schedule: PollSchedule) -> (Poller, Updates) {
        let (commands, rx) = mpsc::unbounded_channel();
        let (updates, updates_rx) = mpsc::unbounded_channel();
        tokio::spawn(run(cloud, schedule, rx, updates));
        (Poller { commands }, updates_rx)
    }

    /// Starts watching what `work` deletes, for the resource at `waiter`:
    /// updates come until it is seen gone or the watch is given up.
    pub fn watch(&self, waiter: Address, work: Arc<Work>) {
        let _ = self.commands.send(Command::Watch { waiter, work });
    }

    /// Gives up the watch of `waiter` (its timeout): nothing more is asked
    /// about it for this waiter.
    pub fn unwatch(&self, waiter: Address, work: Arc<Work>) {
        let _ = self.commands.send(Command::Unwatch { waiter, work });
    }
}

struct Entry {
    work: Arc<Work>,
    /// The addresses waiting for it (two addresses may name one resource).
    waiters: Vec<Address>,
    due: Instant,
    interval: Duration,
    /// Status checks asked so far.
    checks: u32,
    failures_in_a_row: u32,
    /// The status last seen, to tell the scheduler only of a change.
    last_status: Option<String>,
}

impl Entry {
    fn tell(&self, update: &PollUpdate, to: &mpsc::UnboundedSender<(Address, PollUpdate)>) {
        for waiter in &self.waiters {
            let _ = to.send((waiter.clone(), update.clone()));
        }
    }
}

/// The resources of one [`WatchGroup`] being waited for. One
/// round of a group is in flight at a time: where one call reads them all
/// (a list), a round asks about every resource waiting, so the number of
/// calls follows the rounds, not the resources.
#[derive(Default)]
struct Group {
    waiting: HashMap<String, Entry>,
    in_flight: bool,
    /// The earliest `due` in `waiting`.
    next_due: Option<Instant>,
}

impl Group {
    /// When this group's next round should start (never while one runs).
    fn wake(&self) -> Option<Instant> {
        self.next_due.filter(|_| !self.in_flight)
    }

    fn add(&mut self, waiter: Address, id: &str, work: Arc<Work>, schedule: PollSchedule) {
        let due = Instant::now() + schedule.initial;
        let entry = self.waiting.entry(id.to_string()).or_insert_with(|| Entry {
            work,
            waiters: Vec::new(),
            due,
            interval: schedule.initial,
            checks: 0,
            failures_in_a_row: 0,
            last_status: None,
        });
        entry.waiters.push(waiter);
        self.next_due = Some(self.next_due.map_or(entry.due, |d| d.min(entry.due)));
    }

    /// `next_due` may stay earlier than needed: a round then finds nothing
    /// due and recomputes it.
    fn remove(&mut self, waiter: &Address, id: &str) {
        let Some(e) = self.waiting.get_mut(id) else {
            return;
        };
        e.waiters.retain(|w| w != waiter);
        if e.waiters.is_empty() {
            self.waiting.remove(id);
        }
    }

    /// Starts a round: everything waiting if `together`, else what is due.
    /// Empty when nothing is due (the watches due were given up).
    fn start_round(&mut self, now: Instant, together: bool) -> Vec<Watched> {
        let batch: Vec<Watched> = self
            .waiting
            .values()
            .filter(|e| together || e.due <= now)
            .filter_map(|e| watched(&e.work))
            .collect();
        if batch.is_empty() {
            self.next_due = self.waiting.values().map(|e| e.due).min();
        } else {
            self.in_flight = true;
        }
        batch
    }

    /// A round's answer: the gone are released; failed checks are
    /// reported; everything still waiting that was asked backs off.
    fn answered(
        &mut self,
        answers: Vec<(String, Observation)>,
        schedule: PollSchedule,
        updates: &mpsc::UnboundedSender<(Address, PollUpdate)>,
    ) {
        self.in_flight = false;
        let now = Instant::now();
        for (id, observed) in answers {
            let Some(e) = self.waiting.get_mut(&id) else {
                continue;
            };
            e.checks += 1;
            match observed {
                Observation::Gone => {
                    e.tell(&PollUpdate::Gone, updates);
                    self.waiting.remove(&id);
                    continue;
                }
                Observation::Present { state, status } => {
                    e.failures_in_a_row = 0;
                    if e.last_status.as_ref() != Some(&status) {
                        e.tell(
                            &PollUpdate::Seen {
                                state,
                                status: status.clone(),
                            },
                            updates,
                        );
                        e.last_status = Some(status);
                    }
                }
                Observation::Failed(error) => {
                    e.failures_in_a_row += 1;
                    if e.failures_in_a_row.is_power_of_two() {
                        let attempt = e.checks;
                        e.tell(&PollUpdate::CheckFailed { attempt, error }, updates);
                    }
                }
            }
            e.interval = e.interval.mul_f64(1.5).min(schedule.max);
            e.due = now + e.interval;
        }
        self.next_due = self.waiting.values().map(|e| e.due).min();
    }
}

/// A round's answer: its group and what it found about each id asked.
type Answer = (WatchGroup, Vec<(String, Observation)>);

async fn run<C: Cloud>(
    cloud: Arc<C>,
    schedule: PollSchedule,
    mut rx: mpsc::UnboundedReceiver<Command>,
    updates: mpsc::UnboundedSender<(Address, PollUpdate)>,
) {
    let mut groups: HashMap<WatchGroup, Group> = HashMap::new();
    let (results_tx, mut results) = mpsc::unbounded_channel::<Answer>();
    loop {
        let next_wake = groups.values().filter_map(Group::wake).min();
        tokio::select! {
            command = rx.recv() => match command {
                Some(Command::Watch { waiter, work }) => {
                    if let Some((id, group)) = key(&work) {
                        groups.entry(group).or_default().add(waiter, &id, work, schedule);
                    }
                }
                Some(Command::Unwatch { waiter, work }) => {
                    if let Some((id, group)) = key(&work) {
                        if let Some(g) = groups.get_mut(&group) {
                            g.remove(&waiter, &id);
                        }
                    }
                }
                None => return,
            },
            Some((key, answers)) = results.recv() => {
                if let Some(group) = groups.get_mut(&key) {
                    group.answered(answers, schedule, &updates);
                }
            },
            _ = sleep_until(next_wake) => {
                let now = Instant::now();
                for (key, group) in &mut groups {
                    if group.wake().is_none_or(|at| at > now) {
                        continue;
                    }
                    let together = cloud.observes_together(key, group.waiting.len());
                    let batch = group.start_round(now, together);
                    if !batch.is_empty() {
                        tokio::spawn(round(cloud.clone(), key.clone(), batch, results_tx.clone()));
                    }
                }
            }
        }
    }
}

/// Observes one batch and reports what it found about each resource; a
/// resource the cloud said nothing about counts as a failed check (never
/// as gone: only AWS saying so confirms a deletion).
async fn round<C: Cloud>(
    cloud: Arc<C>,
    key: WatchGroup,
    batch: Vec<Watched>,
    results: mpsc::UnboundedSender<Answer>,
) {
    let mut observed: HashMap<String, Observation> =
        cloud.observe(&batch).await.into_iter().collect();
    let answers = batch
        .iter()
        .map(|w| {
            let id = w.live.id.clone();
            let o = observed.remove(&id).unwrap_or_else(|| {
                Observation::Failed(ObserveError {
                    kind: ObserveErrorKind::NotReported,
                    message: "the status check returned nothing about it".into(),
                })
            });
            (id, o)
        })
        .collect();
    let _ = results.send((key, answers));
}

/// The id and group of what `work` waits for.
fn key(work: &Work) -> Option<(String, WatchGroup)> {
    let (live, placement, _) = work.awaited()?;
    let group = WatchGroup {
        resource_type: live.resource_type,
        placement: placement.clone(),
    };
    Some((live.id.clone(), group))
}

/// What a round asks the cloud about, for `work`.
fn watched(work: &Work) -> Option<Watched> {
    let (live, placement, _) = work.awaited()?;
    Some(Watched {
        live: live.clone(),
        placement: placement.clone(),
    })
}

/// Sleeps until `at`; forever if `None` (nothing is due).
pub(crate) async fn sleep_until(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}
