//! The resources whose delete AWS accepted, waiting for the poller to see
//! them gone: when each one times out, and when to say it is still being
//! deleted. Kept by the scheduler itself, with one timer for all of them:
//! thousands wait at once, and a task each (with its channel, sleeps and
//! futures) made the deletion phase's memory exceed the plan's.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::time::Duration;

use decom_parser::Address;
use decom_plan::LiveState;
use tokio::time::Instant;

/// One resource being waited for (what it is, the plan's work says).
pub(crate) struct Wait {
    /// When its work started (events report the time since).
    pub started: Instant,
    pub timeout: Duration,
    /// What the last status check found it in, if one answered.
    pub last_seen: Option<(LiveState, String)>,
    deadline: Instant,
    next_still: Instant,
}

impl Wait {
    /// A wait for work that started at `started` and has until
    /// `started + timeout` in all.
    fn new(started: Instant, timeout: Duration, still: Duration) -> Wait {
        let deadline = later(started, timeout);
        Wait {
            started,
            timeout,
            last_seen: None,
            deadline,
            next_still: later(started, still).min(deadline),
        }
    }

    /// When something is next due for it.
    fn next(&self) -> Instant {
        self.next_still.min(self.deadline)
    }
}

/// `at + by`, or a year after `at` where that is out of the clock's
/// range (a timeout of centuries is a timeout never reached).
fn later(at: Instant, by: Duration) -> Instant {
    const A_YEAR: Duration = Duration::from_secs(365 * 24 * 3600);
    at.checked_add(by).unwrap_or(at + A_YEAR)
}

/// What came due for a waiting resource.
pub(crate) enum Due {
    /// Time to say it is still being deleted.
    StillDeleting,
    /// Its timeout passed: the wait is over, unconfirmed.
    TimedOut(Wait),
}

/// The resources being waited for, by address.
pub(crate) struct Waits {
    waiting: HashMap<Address, Wait>,
    /// Each waiting resource's next due time; entries of resources no
    /// longer waiting, or of an earlier due time, are skipped when popped.
    timers: BinaryHeap<Reverse<(Instant, Address)>>,
    still_every: Duration,
}

impl Waits {
    /// `still_every`: how often a waiting resource is said to be still
    /// being deleted (at least a millisecond).
    pub fn new(still_every: Duration) -> Waits {
        Waits {
            waiting: HashMap::new(),
            timers: BinaryHeap::new(),
            still_every: still_every.max(Duration::from_millis(1)),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.waiting.is_empty()
    }

    /// Waits for `address`, whose work started at `started`, until
    /// `started + timeout`.
    pub fn add(&mut self, address: Address, started: Instant, timeout: Duration) {
        let wait = Wait::new(started, timeout, self.still_every);
        self.timers.push(Reverse((wait.next(), address.clone())));
        self.waiting.insert(address, wait);
    }

    pub fn get(&self, address: &Address) -> Option<&Wait> {
        self.waiting.get(address)
    }

    pub fn get_mut(&mut self, address: &Address) -> Option<&mut Wait> {
        self.waiting.get_mut(address)
    }

    /// Ends the wait of `address`, if it is waiting.
    pub fn remove(&mut self, address: &Address) -> Option<Wait> {
        self.waiting.remove(address)
    }

    /// Ends every wait.
    pub fn drain(&mut self) -> Vec<(Address, Wait)> {
        self.timers.clear();
        self.waiting.drain().collect()
    }

    /// The earliest time something may be due.
    pub fn next_due(&self) -> Option<Instant> {
        self.timers.peek().map(|Reverse((at, _))| *at)
    }

    /// What is due at `now`. A timed-out resource's wait is over (removed,
    /// and returned); one still within its timeout stays.
    pub fn due(&mut self, now: Instant) -> Vec<(Address, Due)> {
        let mut out = Vec::new();
        while let Some(Reverse((at, _))) = self.timers.peek() {
            if *at > now {
                break;
            }
            let Some(Reverse((at, address))) = self.timers.pop() else {
                break;
            };
            let Some(wait) = self.waiting.get_mut(&address) else {
                continue;
            };
            if wait.next() != at {
                continue;
            }
            if wait.deadline <= at {
                if let Some(wait) = self.waiting.remove(&address) {
                    out.push((address, Due::TimedOut(wait)));
                }
                continue;
            }
            // Once per call, however many periods a busy loop missed.
            wait.next_still = later(now, self.still_every).min(wait.deadline);
            self.timers.push(Reverse((wait.next(), address.clone())));
            out.push((address, Due::StillDeleting));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use decom_parser::ResourceType;

    fn address(name: &str) -> Address {
        Address {
            resource_type: ResourceType::SupplyChainInstance,
            name: name.into(),
            key: None,
        }
    }

    fn kinds(due: &[(Address, Due)]) -> Vec<String> {
        due.iter()
            .map(|(a, d)| match d {
                Due::StillDeleting => format!("{} still", a.name),
                Due::TimedOut(_) => format!("{} timed out", a.name),
            })
            .collect()
    }

    #[test]
    fn says_still_deleting_each_period_then_times_out_once() {
        let t0 = Instant::now();
        let s = Duration::from_secs;
        let mut waits = Waits::new(s(10));
        waits.add(address("a"), t0, s(35));

        assert!(kinds(&waits.due(t0 + s(5))).is_empty());
        assert_eq!(kinds(&waits.due(t0 + s(10))), ["a still"]);
        // Late by 5 s: the next reminder is a period after this one.
        assert_eq!(kinds(&waits.due(t0 + s(25))), ["a still"]);
        assert!(kinds(&waits.due(t0 + s(34))).is_empty());
        assert_eq!(kinds(&waits.due(t0 + s(40))), ["a timed out"]);
        assert!(waits.is_empty());
        assert!(kinds(&waits.due(t0 + s(100))).is_empty());
        assert_eq!(waits.next_due(), None);
    }

    #[test]
    fn a_zero_or_endless_period_neither_spins_nor_overflows() {
        let t0 = Instant::now();
        let s = Duration::from_secs;
        let mut zero = Waits::new(Duration::ZERO);
        zero.add(address("a"), t0, s(1));
        // One reminder per call however many periods passed, then the timeout.
        let ms = Duration::from_millis;
        assert_eq!(kinds(&zero.due(t0 + ms(500))), ["a still"]);
        assert_eq!(kinds(&zero.due(t0 + s(2))), ["a still", "a timed out"]);

        let mut endless = Waits::new(Duration::MAX);
        endless.add(address("b"), t0, Duration::MAX);
        assert!(kinds(&endless.due(t0 + s(3600))).is_empty());
        assert!(endless.next_due().is_some());
    }

    #[test]
    fn an_ended_wait_comes_due_no_more() {
        let t0 = Instant::now();
        let s = Duration::from_secs;
        let mut waits = Waits::new(s(10));
        waits.add(address("a"), t0, s(35));
        waits.add(address("b"), t0, s(15));

        assert!(waits.remove(&address("a")).is_some());
        assert_eq!(kinds(&waits.due(t0 + s(60))), ["b still", "b timed out"]);
        assert!(waits.is_empty());
    }
}
