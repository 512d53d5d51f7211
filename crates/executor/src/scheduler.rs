//! The scheduler: a resource's work starts the moment everything that
//! must go before it is confirmed gone (safety invariant 2); a failure
//! skips everything after it while independent branches go on; an
//! interrupt stops new work and lets requests in flight finish, a second
//! one aborts them.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Arc;
use std::time::Duration;

use decom_parser::{Address, ResourceType};
use decom_plan::{Cascade, LiveState, Placement};
use time::OffsetDateTime;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinSet;
use tokio::time::Instant;

use crate::approved::{ApprovedDelete, ApprovedPlan, Work};
use crate::cloud::{Accepted, Cloud, DeleteErrorKind};
use crate::events::{human, Event, EventKind, Subject};
use crate::poller::{sleep_until, PollSchedule, PollUpdate, Poller};
use crate::waits::{Due, Wait, Waits};

/// Timing of an apply. Real AWS wants the defaults; tests and benchmarks
/// against a time-scaled simulator shrink them.
#[derive(Debug, Clone, Copy)]
pub struct ApplyOptions {
    pub poll: PollSchedule,
    /// First wait before retrying a refused delete; doubles up to `poll.max`.
    pub retry_initial: Duration,
    /// How often to say "Still deleting...".
    pub still_every: Duration,
    /// Deletes started at once per resource type and placement; the rest
    /// of the ready ones start as these end. A started delete waits in
    /// its service's lane holding its task (about 1.5 KB), and thousands
    /// are ready at once at 10,000 resources; a lane sends only
    /// `--parallelism` at a time, so a few times that keeps it busy.
    pub started_per_group: usize,
}

impl Default for ApplyOptions {
    fn default() -> Self {
        ApplyOptions {
            poll: PollSchedule {
                initial: Duration::from_secs(2),
                max: Duration::from_secs(30),
            },
            retry_initial: Duration::from_secs(2),
            still_every: Duration::from_secs(10),
            started_per_group: 64,
        }
    }
}

/// How far an interrupt (SIGINT, SIGTERM, a closed stdout) has gone; it
/// only ever rises.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub enum Interrupt {
    #[default]
    Continue,
    /// Start nothing new; requests in flight finish, waits end.
    Stop,
    /// Also give up requests in flight at once (their outcome is unknown:
    /// the resource is reported interrupted and the next apply looks again).
    Abort,
}

impl Interrupt {
    fn stops(self) -> bool {
        self >= Interrupt::Stop
    }
}

/// How the apply ended, per outcome.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    pub deleted: usize,
    /// Children AWS deleted with a deleted parent (cascades).
    pub deleted_with_parent: usize,
    pub already_gone: usize,
    pub failed: usize,
    pub skipped: usize,
    /// Started but not confirmed gone when interrupted.
    pub interrupted: usize,
    /// Never started because of an interrupt.
    pub not_started: usize,
    /// Each failed resource with its error, in the order they failed.
    pub failures: Vec<(Address, String)>,
    /// Each skipped resource with the failed one it had to wait for.
    pub skipped_after: Vec<(Address, Address)>,
}

impl Summary {
    /// `Apply complete: 5 deleted, 1 failed, 2 skipped.` (with `N deleted
    /// with their parent` after the deleted count when there were cascades)
    pub fn line(&self, interrupted: bool) -> String {
        let head = if interrupted {
            "Apply interrupted"
        } else {
            "Apply complete"
        };
        let mut parts = vec![format!("{} deleted", self.deleted)];
        if self.deleted_with_parent > 0 {
            parts.push(format!(
                "{} deleted with their parent",
                self.deleted_with_parent
            ));
        }
        parts.push(format!("{} failed", self.failed));
        parts.push(format!("{} skipped", self.skipped));
        if self.already_gone > 0 {
            parts.push(format!("{} already gone", self.already_gone));
        }
        if interrupted {
            parts.push(format!(
                "{} not finished",
                self.interrupted + self.not_started
            ));
        }
        format!("{head}: {}.", parts.join(", "))
    }

    /// What went wrong, for the end of the output (Terraform repeats its
    /// errors after the summary, so the reader need not scroll): each
    /// failure with its error, then what was skipped because of it. Empty
    /// when nothing failed.
    pub fn problems(&self) -> String {
        let mut out = String::new();
        for (address, why) in &self.failures {
            out.push_str(&format!("Error: {address}: {why}\n"));
        }
        for (skipped, failed) in &self.skipped_after {
            out.push_str(&format!(
                "Skipped: {skipped} (it must be deleted after {failed}, which failed)\n"
            ));
        }
        out
    }
}

/// What one resource's work came to.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Outcome {
    Deleted,
    AlreadyGone,
    Failed(String),
    Interrupted,
}

/// Where a resource's task left it.
enum Step {
    Done(Outcome),
    /// AWS accepted the delete (or was deleting it already): the scheduler
    /// waits for the poller to see it gone, from the work's start (this
    /// instant) until the resource's timeout.
    Watch(Instant),
}

/// Applies `plan`. `interrupt` rises on SIGINT and the like; `on_event`
/// sees every event in order (progress, journal).
pub async fn apply<C: Cloud>(
    cloud: Arc<C>,
    plan: &ApprovedPlan,
    options: ApplyOptions,
    interrupt: watch::Receiver<Interrupt>,
    mut on_event: impl FnMut(&Event),
) -> Summary {
    let (poller, mut poll_updates) = Poller::start(cloud.clone(), options.poll);
    let mut run = Run::new(plan, poller, options);
    let (events_tx, mut events) = mpsc::unbounded_channel::<Event>();
    let mut tasks: JoinSet<(Address, Step)> = JoinSet::new();
    // Which resource each task works on: a task that panics returns no
    // address, but its resource must still fail and its dependents skip.
    let mut task_address: HashMap<tokio::task::Id, Address> = HashMap::new();
    let mut interrupt = interrupt;
    loop {
        let stopping = interrupt.borrow().stops();
        if stopping {
            // What the poller found before the interrupt still counts.
            while let Ok((address, update)) = poll_updates.try_recv() {
                run.poll_update(&address, update, &mut on_event);
            }
            run.end_waits(&mut on_event);
        } else {
            for address in run.starting_now() {
                let Some(work) = plan.work.get(address) else {
                    continue;
                };
                let ctx = TaskContext {
                    cloud: cloud.clone(),
                    events: events_tx.clone(),
                    interrupt: interrupt.clone(),
                    options,
                };
                let address = address.clone();
                let work = work.clone();
                let task_of = address.clone();
                let task = tasks.spawn(async move {
                    let step = ctx.run(&address, work).await;
                    (address, step)
                });
                task_address.insert(task.id(), task_of);
            }
        }
        if tasks.is_empty() && run.waits.is_empty() {
            // Drain remaining events, then stop.
            while let Ok(e) = events.try_recv() {
                on_event(&e);
            }
            break;
        }
        tokio::select! {
            Some(e) = events.recv() => on_event(&e),
            Some(joined) = tasks.join_next_with_id() => {
                while let Ok(e) = events.try_recv() {
                    on_event(&e);
                }
                if let Some((address, step)) = settled_task(joined, &mut task_address, &mut on_event) {
                    run.task_done(address, step, &mut on_event);
                }
            }
            Some((address, update)) = poll_updates.recv() => run.poll_update(&address, update, &mut on_event),
            _ = sleep_until(run.waits.next_due()) => run.due(Instant::now(), &mut on_event),
            Ok(()) = interrupt.changed(), if !stopping => {}
        }
    }
    run.summary.not_started = plan.len().saturating_sub(run.settled.len());
    run.summary
}

/// Where the apply stands: what each resource still waits for, what may
/// start, what waits for AWS to confirm its deletion, what is settled,
/// and the counts so far.
struct Run<'p> {
    plan: &'p ApprovedPlan,
    waiting_on: HashMap<&'p Address, usize>,
    ready: Vec<&'p Address>,
    /// Deletes started and not ended, per group (at most
    /// `ApplyOptions::started_per_group`), and the ready ones held back.
    started: HashMap<Group<'p>, usize>,
    held: HashMap<Group<'p>, VecDeque<&'p Address>>,
    started_per_group: usize,
    waits: Waits,
    /// Dropped (its task ends) once an interrupt ends the waits.
    poller: Option<Poller>,
    settled: HashSet<Address>,
    summary: Summary,
}

impl<'p> Run<'p> {
    fn new(plan: &'p ApprovedPlan, poller: Poller, options: ApplyOptions) -> Run<'p> {
        let mut waiting_on = HashMap::new();
        let mut ready = Vec::new();
        for address in &plan.order {
            let n = plan.graph.must_go_before(address).len();
            waiting_on.insert(address, n);
            if n == 0 {
                ready.push(address);
            }
        }
        Run {
            plan,
            waiting_on,
            ready,
            started: HashMap::new(),
            held: HashMap::new(),
            started_per_group: options.started_per_group.max(1),
            waits: Waits::new(options.still_every),
            poller: Some(poller),
            settled: HashSet::new(),
            summary: Summary::default(),
        }
    }

    /// The ready resources to start now, in order: each group's first
    /// `started_per_group`; the rest are held until a delete of their
    /// group ends.
    fn starting_now(&mut self) -> Vec<&'p Address> {
        let mut start = Vec::new();
        for address in std::mem::take(&mut self.ready) {
            let Some(group) = group_of(self.plan, address) else {
                start.push(address);
                continue;
            };
            let started = self.started.entry(group).or_default();
            if *started < self.started_per_group {
                *started += 1;
                start.push(address);
            } else {
                self.held.entry(group).or_default().push_back(address);
            }
        }
        start
    }

    /// A delete's task ended: the next held one of its group is ready.
    fn task_ended(&mut self, address: &Address) {
        let Some(group) = group_of(self.plan, address) else {
            return;
        };
        if let Some(started) = self.started.get_mut(&group) {
            *started = started.saturating_sub(1);
        }
        if let Some(next) = self.held.get_mut(&group).and_then(VecDeque::pop_front) {
            self.ready.push(next);
        }
    }

    /// A task ended: its resource is settled, or AWS accepted its delete
    /// and it waits (unless an interrupt ended the waits).
    fn task_done(&mut self, address: Address, step: Step, on_event: &mut impl FnMut(&Event)) {
        self.task_ended(&address);
        let started = match step {
            Step::Done(outcome) => return self.settle(&address, outcome, on_event),
            Step::Watch(started) => started,
        };
        let work = self.plan.work.get(&address);
        let awaited = work.and_then(|w| Some((w, w.awaited()?)));
        match (&self.poller, awaited) {
            (Some(poller), Some((work, (_, _, timeout)))) => {
                poller.watch(address.clone(), work.clone());
                self.waits.add(address, started, timeout);
            }
            _ => {
                let id = id_of(self.plan, &address);
                let kind = EventKind::Interrupted;
                on_event(&event(&address, id, kind, started.elapsed(), String::new()));
                self.settle(&address, Outcome::Interrupted, on_event);
            }
        }
    }

    /// What the poller found about a waiting resource.
    fn poll_update(
        &mut self,
        address: &Address,
        update: PollUpdate,
        on_event: &mut impl FnMut(&Event),
    ) {
        match update {
            PollUpdate::Gone => {
                if let Some(wait) = self.waits.remove(address) {
                    on_event(&self.waited(address, &wait, EventKind::Deleted, String::new()));
                    self.settle(address, Outcome::Deleted, on_event);
                }
            }
            PollUpdate::Seen { state, status } => {
                if let Some(wait) = self.waits.get_mut(address) {
                    wait.last_seen = Some((state, status));
                }
            }
            PollUpdate::CheckFailed { attempt, error } => {
                if let Some(wait) = self.waits.get(address) {
                    let detail = format!("attempt {attempt}: {error}");
                    let kind = EventKind::StatusCheckFailed;
                    on_event(&self.waited(address, wait, kind, detail));
                }
            }
        }
    }

    /// Says "still deleting" of those due, and fails those whose timeout
    /// passed (AWS never confirmed them gone).
    fn due(&mut self, now: Instant, on_event: &mut impl FnMut(&Event)) {
        for (address, due) in self.waits.due(now) {
            match due {
                Due::StillDeleting => {
                    if let Some(wait) = self.waits.get(&address) {
                        let kind = EventKind::StillDeleting;
                        on_event(&self.waited(&address, wait, kind, String::new()));
                    }
                }
                Due::TimedOut(wait) => {
                    if let (Some(poller), Some(work)) = (&self.poller, self.plan.work.get(&address))
                    {
                        poller.unwatch(address.clone(), work.clone());
                    }
                    let why = timed_out(&wait);
                    on_event(&self.waited(&address, &wait, EventKind::Failed, why.clone()));
                    self.settle(&address, Outcome::Failed(why), on_event);
                }
            }
        }
    }

    /// An interrupt ends every wait (no request of theirs is in flight):
    /// each is interrupted, and the poller stops.
    fn end_waits(&mut self, on_event: &mut impl FnMut(&Event)) {
        self.poller = None;
        for (address, wait) in self.waits.drain() {
            on_event(&self.waited(&address, &wait, EventKind::Interrupted, String::new()));
            self.settle(&address, Outcome::Interrupted, on_event);
        }
    }

    /// A resource's work is over: a deleted one releases what must go
    /// after it (safety invariant 2: only now may they start); a failed
    /// one skips everything after it.
    fn settle(&mut self, address: &Address, outcome: Outcome, on_event: &mut impl FnMut(&Event)) {
        self.settled.insert(address.clone());
        let summary = &mut self.summary;
        match outcome {
            Outcome::Deleted | Outcome::AlreadyGone => {
                match outcome {
                    Outcome::Deleted => summary.deleted += 1,
                    _ => summary.already_gone += 1,
                }
                for c in self.plan.cascades_of(address) {
                    summary.deleted_with_parent += 1;
                    on_event(&cascade_event(c));
                }
                for next in self.plan.graph.must_go_after(address) {
                    if let Some(n) = self.waiting_on.get_mut(next) {
                        *n -= 1;
                        if *n == 0 {
                            self.ready.push(next);
                        }
                    }
                }
            }
            Outcome::Failed(why) => {
                summary.failed += 1;
                summary.failures.push((address.clone(), why));
                for skipped in descendants(self.plan, address) {
                    if self.settled.insert(skipped.clone()) {
                        summary.skipped += 1;
                        summary
                            .skipped_after
                            .push((skipped.clone(), address.clone()));
                        self.waiting_on.remove(skipped);
                        let why = format!("upstream failed: {address}");
                        on_event(&event(
                            skipped,
                            None,
                            EventKind::Skipped,
                            Duration::ZERO,
                            why,
                        ));
                    }
                }
            }
            Outcome::Interrupted => summary.interrupted += 1,
        }
    }

    /// An event of a waiting resource.
    fn waited(&self, address: &Address, wait: &Wait, kind: EventKind, detail: String) -> Event {
        let id = id_of(self.plan, address);
        event(address, id, kind, wait.started.elapsed(), detail)
    }
}

/// Deletes of one resource type at one placement: they share a lane.
type Group<'p> = (ResourceType, &'p Placement);

/// The group of the delete at `address`; `None` when it sends none.
fn group_of<'p>(plan: &'p ApprovedPlan, address: &Address) -> Option<Group<'p>> {
    match &**plan.work.get(address)? {
        Work::Delete(order, _) => Some((order.live().resource_type, order.placement())),
        Work::Wait(..) | Work::Nothing => None,
    }
}

/// Why a wait that timed out failed, with the status AWS last showed (as
/// Terraform's "last state"). A steady status is no slow deletion: more
/// time would not help.
fn timed_out(wait: &Wait) -> String {
    let waited = human(wait.timeout);
    let unconfirmed = format!("timed out after {waited} waiting for AWS to confirm the deletion");
    match &wait.last_seen {
        Some((LiveState::Deletable, status)) => format!(
            "{unconfirmed}: AWS shows it {status}, a state it is not deleted from, so the delete \
             did not take (run `decom plan` to see it)"
        ),
        Some((_, status)) => {
            format!("{unconfirmed}, last seen {status} (raise timeouts {{ delete = ... }})")
        }
        None => format!("{unconfirmed} (raise timeouts {{ delete = ... }})"),
    }
}

/// The id of the resource the plan deletes or waits for at `address`.
fn id_of<'p>(plan: &'p ApprovedPlan, address: &Address) -> Option<&'p str> {
    let (live, ..) = plan.work.get(address)?.awaited()?;
    Some(&live.id)
}

/// The resource and outcome of a finished task. A panicked task is a
/// failed resource ("internal error"), with the event its task could not
/// send; a cancelled one (never done by the scheduler) is skipped.
fn settled_task(
    joined: Result<(tokio::task::Id, (Address, Step)), tokio::task::JoinError>,
    task_address: &mut HashMap<tokio::task::Id, Address>,
    on_event: &mut impl FnMut(&Event),
) -> Option<(Address, Step)> {
    let err = match joined {
        Ok((id, done)) => {
            task_address.remove(&id);
            return Some(done);
        }
        Err(err) => err,
    };
    let address = task_address.remove(&err.id())?;
    if !err.is_panic() {
        return None;
    }
    let why = format!("internal error: {}", panic_message(err.into_panic()));
    on_event(&event(
        &address,
        None,
        EventKind::Failed,
        Duration::ZERO,
        why.clone(),
    ));
    Some((address, Step::Done(Outcome::Failed(why))))
}

fn panic_message(payload: Box<dyn std::any::Any + Send>) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a resource task panicked".into())
}

/// Everything that must go after `address`, transitively.
fn descendants<'p>(plan: &'p ApprovedPlan, address: &Address) -> Vec<&'p Address> {
    let graph = &plan.graph;
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    let mut stack: Vec<&Address> = graph.must_go_after(address);
    while let Some(a) = stack.pop() {
        if seen.insert(a) {
            out.push(a);
            stack.extend(graph.must_go_after(a));
        }
    }
    out.sort();
    out
}

/// A child deleted with its parent: reported once the parent's deletion
/// is confirmed.
fn cascade_event(c: &Cascade) -> Event {
    Event {
        time: OffsetDateTime::now_utc(),
        address: Subject::Cascade {
            parent: c.parent.clone(),
            address: c.address(),
        },
        id: Some(c.live.id.clone()),
        event: EventKind::DeletedWithParent,
        elapsed: Duration::ZERO,
        detail: format!("deleted with {}", c.parent),
    }
}

fn event(
    address: &Address,
    id: Option<&str>,
    kind: EventKind,
    elapsed: Duration,
    detail: String,
) -> Event {
    Event {
        time: OffsetDateTime::now_utc(),
        address: Subject::Resource(address.clone()),
        id: id.map(str::to_string),
        event: kind,
        elapsed,
        detail,
    }
}

/// What one resource's task needs.
struct TaskContext<C> {
    cloud: Arc<C>,
    events: mpsc::UnboundedSender<Event>,
    interrupt: watch::Receiver<Interrupt>,
    options: ApplyOptions,
}

impl<C: Cloud> TaskContext<C> {
    /// Does `work` unless an abort comes first: then whatever request is
    /// in flight is dropped (cancelled) and the resource is interrupted.
    async fn run(mut self, address: &Address, work: Arc<Work>) -> Step {
        let started = Instant::now();
        let id = work.awaited().map(|(live, ..)| live.id.clone());
        let mut abort = self.interrupt.clone();
        let finished = tokio::select! {
            step = self.work(address, &work, started) => Some(step),
            _ = abort.wait_for(|i| *i == Interrupt::Abort) => None,
        };
        finished.unwrap_or_else(|| {
            let why = "aborted by a second interrupt; the request in flight was given up";
            self.emit(
                address,
                id.as_deref(),
                EventKind::Interrupted,
                started,
                why.into(),
            );
            Step::Done(Outcome::Interrupted)
        })
    }

    /// Sends one event of this resource's task.
    fn emit(
        &self,
        address: &Address,
        id: Option<&str>,
        kind: EventKind,
        started: Instant,
        detail: String,
    ) {
        let _ = self
            .events
            .send(event(address, id, kind, started.elapsed(), detail));
    }

    /// Ends when the delete is accepted: the wait for AWS to confirm it is
    /// the scheduler's ([`crate::waits`]). The send's future is boxed, so
    /// the thousands of tasks waiting for a request slot stay small.
    async fn work(&mut self, address: &Address, work: &Work, started: Instant) -> Step {
        let emit = |kind, id: Option<&str>| self.emit(address, id, kind, started, String::new());
        match work {
            Work::Nothing => {
                emit(EventKind::AlreadyGone, None);
                Step::Done(Outcome::AlreadyGone)
            }
            Work::Wait(live, ..) => {
                emit(EventKind::Waiting, Some(&live.id));
                Step::Watch(started)
            }
            Work::Delete(order, timeout) => {
                let (timeout, deadline) = (*timeout, started + *timeout);
                emit(EventKind::Deleting, Some(&order.live().id));
                match Box::pin(self.send_delete(address, order, deadline, started, timeout)).await {
                    Some(outcome) => Step::Done(outcome),
                    None => Step::Watch(started),
                }
            }
        }
    }

    /// Sends the delete, retrying what is worth retrying until the
    /// deadline. `None`: accepted, now wait; `Some`: finished otherwise.
    async fn send_delete(
        &mut self,
        address: &Address,
        order: &ApprovedDelete,
        deadline: Instant,
        started: Instant,
        timeout: Duration,
    ) -> Option<Outcome> {
        let id = order.live().id.clone();
        let mut backoff = self.options.retry_initial;
        // The last refusal, for the timeout's message: a retry still in
        // flight at the deadline must not hide why the earlier ones failed.
        let mut last_error: Option<String> = None;
        loop {
            if self.interrupt.borrow().stops() {
                return Some(self.finish(address, &id, started, Outcome::Interrupted));
            }
            // The delete's own timeout bounds its requests too, whatever
            // the network does (a request that never gets an answer).
            let sent = tokio::time::timeout_at(deadline, self.cloud.delete(order)).await;
            let err = match sent {
                Ok(Ok(answer)) => {
                    let accepted = EventKind::DeleteAccepted;
                    self.emit(address, Some(&id), accepted, started, String::new());
                    return match answer {
                        Accepted::Deleting => None,
                        Accepted::Gone => {
                            Some(self.finish(address, &id, started, Outcome::Deleted))
                        }
                    };
                }
                Ok(Err(e)) => e,
                Err(_) => {
                    let why = match &last_error {
                        Some(last) => format!(
                            "timed out after {} (delete timeout); last error: {last}",
                            human(timeout)
                        ),
                        None => format!(
                            "timed out after {} (delete timeout) waiting for the delete request to be answered",
                            human(timeout)
                        ),
                    };
                    return Some(self.finish(address, &id, started, Outcome::Failed(why)));
                }
            };
            match err.kind {
                DeleteErrorKind::AlreadyDeleting => {
                    self.emit(address, Some(&id), EventKind::Waiting, started, err.message);
                    return None;
                }
                DeleteErrorKind::NotFound => {
                    return Some(self.finish(address, &id, started, Outcome::Deleted));
                }
                DeleteErrorKind::Permanent => {
                    return Some(self.finish(address, &id, started, Outcome::Failed(err.message)));
                }
                DeleteErrorKind::Retryable => {
                    if Instant::now() + backoff > deadline {
                        let why = format!(
                            "timed out after {} (delete timeout); last error: {}",
                            human(timeout),
                            err.message
                        );
                        return Some(self.finish(address, &id, started, Outcome::Failed(why)));
                    }
                    last_error = Some(err.message.clone());
                    self.emit(
                        address,
                        Some(&id),
                        EventKind::Retrying,
                        started,
                        err.message,
                    );
                    tokio::select! {
                        _ = tokio::time::sleep(backoff) => {}
                        _ = self.interrupt.changed() => {}
                    }
                    backoff = (backoff * 2).min(self.options.poll.max);
                }
            }
        }
    }

    fn finish(&self, address: &Address, id: &str, started: Instant, outcome: Outcome) -> Outcome {
        let (kind, detail) = match &outcome {
            Outcome::Deleted => (EventKind::Deleted, String::new()),
            Outcome::AlreadyGone => (EventKind::AlreadyGone, String::new()),
            Outcome::Failed(why) => (EventKind::Failed, why.clone()),
            Outcome::Interrupted => (EventKind::Interrupted, String::new()),
        };
        self.emit(address, Some(id), kind, started, detail);
        outcome
    }
}
