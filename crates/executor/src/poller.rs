//! Waiting until AWS confirms deletions, in batches: every resource being
//! waited for is checked on its own backoff schedule, but all that are due
//! at once and share a type, region and profile are checked with one
//! call (a list call covers many).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{mpsc, oneshot};
use tokio::time::Instant;

use crate::cloud::{Cloud, Watched};

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

type GroupKey = (decom_parser::ResourceType, String, Option<String>);

/// The ids asked about in one round, and those observed gone.
type Answer = (Vec<String>, Result<Vec<String>, String>);

async fn run<C: Cloud>(
    cloud: Arc<C>,
    schedule: PollSchedule,
    mut rx: mpsc::UnboundedReceiver<Registration>,
) {
    let mut entries: HashMap<String, Entry> = HashMap::new();
    let (results_tx, mut results) = mpsc::unbounded_channel::<Answer>();
    loop {
        let next_due = entries.values().map(|e| e.due).min();
        tokio::select! {
            reg = rx.recv() => match reg {
                Some(r) => {
                    let id = r.watched.live.id.clone();
                    let entry = entries.entry(id).or_insert_with(|| Entry {
                        watched: r.watched,
                        waiters: Vec::new(),
                        due: Instant::now() + schedule.initial,
                        interval: schedule.initial,
                    });
                    entry.waiters.push(r.done);
                }
                None => return,
            },
            Some((asked, answer)) = results.recv() => {
                // A failed observation is simply checked again next round.
                let gone: Vec<String> = answer.unwrap_or_default();
                for id in &gone {
                    if let Some(e) = entries.remove(id) {
                        for w in e.waiters {
                            let _ = w.send(());
                        }
                    }
                }
                for id in asked {
                    if let Some(e) = entries.get_mut(&id) {
                        e.interval = (e.interval.mul_f64(1.5)).min(schedule.max);
                        e.due = Instant::now() + e.interval;
                    }
                }
            },
            _ = sleep_until(next_due) => {
                let now = Instant::now();
                let mut groups: HashMap<GroupKey, Vec<Watched>> = HashMap::new();
                for e in entries.values_mut().filter(|e| e.due <= now) {
                    // Not due again until this round's answer arrives.
                    e.due = now + Duration::from_secs(24 * 3600);
                    let w = &e.watched;
                    groups
                        .entry((w.live.resource_type, w.live.region.clone(), w.profile.clone()))
                        .or_default()
                        .push(w.clone());
                }
                for (_, batch) in groups {
                    let cloud = cloud.clone();
                    let tx = results_tx.clone();
                    tokio::spawn(async move {
                        let asked: Vec<String> = batch.iter().map(|w| w.live.id.clone()).collect();
                        let answer = cloud.observe(&batch).await.map(|observed| {
                            let present: HashMap<&str, bool> = observed
                                .iter()
                                .map(|o| (o.id.as_str(), o.state == decom_graph::LiveState::Gone))
                                .collect();
                            asked
                                .iter()
                                .filter(|id| present.get(id.as_str()).copied().unwrap_or(true))
                                .cloned()
                                .collect()
                        });
                        let _ = tx.send((asked, answer));
                    });
                }
            }
        }
    }
}

async fn sleep_until(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}
