//! Waiting until AWS confirms deletions, in batches. Resources being
//! waited for are grouped by type and placement; each has its own
//! backoff schedule, and when one is due its group has a round: where one
//! call reads the whole group (a list), the round asks about every
//! resource of the group, else only about those due.
//!
//! Every resource gets its own answer from a round: a failed status check
//! of one never discards what the round learned about the others. A failed
//! check is reported to the resource's task (which records an event) and
//! asked again on the resource's schedule.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc;
use tokio::time::Instant;

use crate::cloud::{Cloud, Observation, ObserveError, ObserveErrorKind, WatchGroup, Watched};

/// Poll intervals: the first check after `initial`, then ×1.5 up to `max`.
#[derive(Debug, Clone, Copy)]
pub struct PollSchedule {
    pub initial: Duration,
    pub max: Duration,
}

struct Registration {
    watched: Watched,
    updates: mpsc::UnboundedSender<PollUpdate>,
}

/// What the poller tells a resource's task.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PollUpdate {
    /// Observed gone: the wait is over.
    Gone,
    /// A status check failed (`attempt`: the how-manieth check of this
    /// resource); it is asked again. Reported on the 1st, 2nd, 4th, 8th...
    /// failure in a row, so a long outage is visible without a flood.
    CheckFailed { attempt: u32, error: ObserveError },
}

/// A handle to the poller task.
#[derive(Clone)]
pub struct Poller {
    register: mpsc::UnboundedSender<Registration>,
}

impl Poller {
    pub fn start<C: Cloud>(cloud: Arc<C>, schedule: PollSchedule) -> Poller {
        let (tx, rx) = mpsc::unbounded_channel();
        tokio::spawn(run(cloud, schedule, rx));
        Poller { register: tx }
    }

    /// Starts watching `watched`: the receiver gets [`PollUpdate`]s until
    /// it is gone (nothing ever, if the poller stopped; callers bound the
    /// wait with their timeout). Dropping the receiver stops the watch.
    pub fn watch(&self, watched: Watched) -> mpsc::UnboundedReceiver<PollUpdate> {
        let (updates, rx) = mpsc::unbounded_channel();
        let _ = self.register.send(Registration { watched, updates });
        rx
    }
}

struct Entry {
    watched: Watched,
    waiters: Vec<mpsc::UnboundedSender<PollUpdate>>,
    due: Instant,
    interval: Duration,
    /// Status checks asked so far.
    checks: u32,
    failures_in_a_row: u32,
}

impl Entry {
    /// Tells every waiter; false once none is left listening.
    fn tell(&mut self, update: &PollUpdate) -> bool {
        self.waiters.retain(|w| w.send(update.clone()).is_ok());
        !self.waiters.is_empty()
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

    fn add(&mut self, r: Registration, schedule: PollSchedule) {
        let due = Instant::now() + schedule.initial;
        let entry = self
            .waiting
            .entry(r.watched.live.id.clone())
            .or_insert_with(|| Entry {
                watched: r.watched,
                waiters: Vec::new(),
                due,
                interval: schedule.initial,
                checks: 0,
                failures_in_a_row: 0,
            });
        entry.waiters.push(r.updates);
        self.next_due = Some(self.next_due.map_or(entry.due, |d| d.min(entry.due)));
    }

    /// Starts a round: everything waiting if `together`, else what is due.
    fn start_round(&mut self, now: Instant, together: bool) -> Vec<Watched> {
        self.in_flight = true;
        self.waiting
            .values()
            .filter(|e| together || e.due <= now)
            .map(|e| e.watched.clone())
            .collect()
    }

    /// A round's answer: the gone are released; failed checks are
    /// reported; everything still waiting that was asked backs off.
    fn answered(&mut self, answers: Vec<(String, Observation)>, schedule: PollSchedule) {
        self.in_flight = false;
        let now = Instant::now();
        for (id, observed) in answers {
            let Some(e) = self.waiting.get_mut(&id) else {
                continue;
            };
            e.checks += 1;
            let listening = match observed {
                Observation::Gone => {
                    e.tell(&PollUpdate::Gone);
                    false
                }
                Observation::Present { .. } => {
                    e.failures_in_a_row = 0;
                    e.waiters.retain(|w| !w.is_closed());
                    !e.waiters.is_empty()
                }
                Observation::Failed(error) => {
                    e.failures_in_a_row += 1;
                    if e.failures_in_a_row.is_power_of_two() {
                        let attempt = e.checks;
                        e.tell(&PollUpdate::CheckFailed { attempt, error })
                    } else {
                        e.waiters.retain(|w| !w.is_closed());
                        !e.waiters.is_empty()
                    }
                }
            };
            if !listening {
                self.waiting.remove(&id);
                continue;
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
    mut rx: mpsc::UnboundedReceiver<Registration>,
) {
    let mut groups: HashMap<WatchGroup, Group> = HashMap::new();
    let (results_tx, mut results) = mpsc::unbounded_channel::<Answer>();
    loop {
        let next_wake = groups.values().filter_map(Group::wake).min();
        tokio::select! {
            reg = rx.recv() => match reg {
                Some(r) => groups.entry(r.watched.group()).or_default().add(r, schedule),
                None => return,
            },
            Some((key, answers)) = results.recv() => {
                if let Some(group) = groups.get_mut(&key) {
                    group.answered(answers, schedule);
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
                    tokio::spawn(round(cloud.clone(), key.clone(), batch, results_tx.clone()));
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

async fn sleep_until(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}
