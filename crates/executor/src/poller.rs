//! Waiting until AWS confirms deletions, in batches. Resources being
//! waited for are grouped by type, region and profile; each has its own
//! backoff schedule, and when one is due its group has a round: where one
//! call reads the whole group (a list), the round asks about every
//! resource of the group, else only about those due.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{mpsc, oneshot};
use tokio::time::Instant;

use crate::cloud::{Cloud, WatchGroup, Watched};

/// Poll intervals: the first check after `initial`, then ×1.5 up to `max`.
#[derive(Debug, Clone, Copy)]
pub struct PollSchedule {
    pub initial: Duration,
    pub max: Duration,
}

struct Registration {
    watched: Watched,
    done: oneshot::Sender<()>,
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

    /// Resolves when `watched` is observed gone (never, if the poller
    /// stopped; callers bound the wait with their timeout).
    pub async fn until_gone(&self, watched: Watched) {
        let (done, gone) = oneshot::channel();
        if self.register.send(Registration { watched, done }).is_err() {
            return std::future::pending().await;
        }
        if gone.await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}

struct Entry {
    watched: Watched,
    waiters: Vec<oneshot::Sender<()>>,
    due: Instant,
    interval: Duration,
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
            });
        entry.waiters.push(r.done);
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

    /// A round's answer: the gone are released; the rest asked back off.
    /// A failed observation (`gone` empty) is simply asked again.
    fn answered(&mut self, asked: &[String], gone: &[String], schedule: PollSchedule) {
        self.in_flight = false;
        for id in gone {
            if let Some(e) = self.waiting.remove(id) {
                for w in e.waiters {
                    let _ = w.send(());
                }
            }
        }
        let now = Instant::now();
        for id in asked {
            if let Some(e) = self.waiting.get_mut(id) {
                e.interval = e.interval.mul_f64(1.5).min(schedule.max);
                e.due = now + e.interval;
            }
        }
        self.next_due = self.waiting.values().map(|e| e.due).min();
    }
}

/// A round's answer: its group, the ids asked about, those observed gone.
type Answer = (WatchGroup, Vec<String>, Result<Vec<String>, String>);

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
            Some((key, asked, answer)) = results.recv() => {
                if let Some(group) = groups.get_mut(&key) {
                    group.answered(&asked, &answer.unwrap_or_default(), schedule);
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

/// Observes one batch and reports which of it is gone.
async fn round<C: Cloud>(
    cloud: Arc<C>,
    key: WatchGroup,
    batch: Vec<Watched>,
    results: mpsc::UnboundedSender<Answer>,
) {
    let asked: Vec<String> = batch.iter().map(|w| w.live.id.clone()).collect();
    let answer = cloud.observe(&batch).await.map(|observed| {
        let gone: HashMap<&str, bool> = observed
            .iter()
            .map(|o| (o.id.as_str(), o.state == decom_graph::LiveState::Gone))
            .collect();
        // Missing from the answer: gone.
        asked
            .iter()
            .filter(|id| gone.get(id.as_str()).copied().unwrap_or(true))
            .cloned()
            .collect()
    });
    let _ = results.send((key, asked, answer));
}

async fn sleep_until(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}
