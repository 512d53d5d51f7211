//! Pacing requests to what AWS admits (DESIGN section 15): one [`Pacer`]
//! per (account, region, service), the unit AWS keeps API quotas in.
//!
//! AWS does not say its rate; its throttling answers do. A pacer is a
//! dispenser: requests queue in order and the one at the head goes when
//! 1/rate has passed since the last one went. No request holds a place
//! reserved at an earlier rate, so a change of rate applies at once to
//! every request waiting.
//!
//! - Until the first throttle nothing is paced, so an unthrottled API
//!   costs little; but a quota nothing is known of gets only a few
//!   requests in flight at first ([`COLD_IN_FLIGHT`], twice as many after
//!   each [`COLD_DOUBLING`] that all were taken, up to [`COLD_WIDEST`];
//!   `--parallelism` bounds them first): when its burst runs out, every
//!   request in flight is throttled, and a bucket's burst runs out within
//!   the first moments.
//! - The first throttle sets the pace to half of what AWS admitted over
//!   the last second (a bucket's burst inflated it); admitted answers then
//!   raise it fast (doubling each second) while requests wait.
//! - Two throttles with AWS's bucket drained at both say its refill
//!   exactly: the requests admitted between them over the time between
//!   them (fewer if the bucket filled up and spilled meanwhile, never
//!   more). At each later throttle the pace is set a little below the
//!   best of the last few such readings. If, at the rate read, the bucket
//!   never saved much over the interval, it did not spill: the reading is
//!   the refill, and the pace probes upward slowly (1% a second) while
//!   requests wait, so the next throttle comes some seconds later and
//!   gives a new reading; else it goes on climbing fast. Tokens the bucket
//!   saves while the pace is under its refill are spent while the pace is
//!   over it, so a saturated bucket stays busy.
//! - Throttles just after a cut answer requests sent before it and are
//!   not counted again.
//!
//! A throttled attempt is retried by the SDK's standard retry after a
//! delay this pacer gives ([`PacedRetry`]): one place in the queue, taken
//! once per attempt ([`PaceWatch`]).
//! The SDK's adaptive retry mode is not used: its client-side limiter
//! stalls a whole service for seconds after a throttle. 5xx answers and
//! transport faults keep the SDK's own backoff.

use std::cell::Cell;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use aws_sdk_apprunner::config::interceptors::FinalizerInterceptorContextRef;
use aws_sdk_apprunner::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::InterceptorContext;
use aws_smithy_runtime_api::client::retries::classifiers::{
    ClassifyRetry, RetryAction, RetryClassifierPriority,
};
use aws_smithy_runtime_api::http::Response;
use aws_smithy_types::retry::ErrorKind;

/// How far back admitted answers are counted for the first cut, and how
/// recently a request must have waited for the pace to be raised.
const WINDOW: Duration = Duration::from_secs(1);
/// Throttles this soon after a cut answer requests sent before it.
const SETTLE: Duration = Duration::from_millis(250);
/// After a throttle, pace at this share of the refill read.
const BELOW_REFILL: f64 = 0.97;
/// Until the refill is read, each admitted answer raises the rate by this
/// many requests per second: a rate of r gains r x this each second.
const SLOW_START: f64 = 0.7;
/// A reading is taken for the refill when, at that refill, the bucket
/// never saved more than this many seconds' worth over its interval (a
/// quota's burst holds at least that): a pace long under the refill lets
/// the bucket fill up and spill, and reads low (the climb then goes on
/// fast).
const UNSPILLED: f64 = 0.5;
/// Once it is read, the same, slower: the probe for more. Fast enough
/// that a reading a tenth low is made up before the bucket's savings
/// overflow its burst (a second's worth).
const PROBE: f64 = 0.01;
/// Readings of the refill kept: the best is used (a bucket that filled
/// up between two throttles reads low), and an old one ages out.
const READINGS: usize = 3;
/// The longest a waiting request sleeps before it looks at the rate
/// again (a rate raised meanwhile lets it go sooner).
const RECHECK: Duration = Duration::from_millis(50);
/// Never slower than this (a quota of 1 request per 2 s still progresses).
const FLOOR: f64 = 0.5;
/// Requests in flight at once on a quota nothing is known of (no rate read
/// by a throttle, none resumed from a plan)...
const COLD_IN_FLIGHT: usize = 2;
/// ... twice as many after each spell this long in which all were taken.
const COLD_DOUBLING: Duration = Duration::from_millis(100);
/// `--parallelism`'s largest value: wider, the cold start would bound
/// nothing the lanes do not.
const COLD_WIDEST: usize = 256;

/// The dispenser of one (account, region, service).
#[derive(Debug)]
pub(crate) struct Pacer {
    state: Mutex<Schedule>,
    /// Requests wait for their turn here, in order; only the head sleeps.
    queue: tokio::sync::Mutex<()>,
    /// Places in flight before the first throttle, given out by
    /// [`Schedule::widen_cold_start`]; closed by the first throttle, which
    /// sends every request waiting for a place to the pace.
    cold: tokio::sync::Semaphore,
}

impl Default for Pacer {
    fn default() -> Pacer {
        Pacer {
            state: Mutex::default(),
            queue: tokio::sync::Mutex::default(),
            cold: tokio::sync::Semaphore::new(0),
        }
    }
}

#[derive(Debug, Default)]
struct Schedule {
    /// Requests per second; `None` until the first throttle, when nothing
    /// is paced.
    rate: Option<f64>,
    /// When the last request went (or a retry's place).
    last: Option<Instant>,
    /// When the last counted throttle came.
    cut: Option<Instant>,
    /// When the answers admitted since then came.
    since_cut: Vec<Instant>,
    /// When the recent admitted answers came, oldest first (for the first
    /// cut).
    admitted: VecDeque<Instant>,
    /// The refill read between the last throttles, newest last.
    readings: VecDeque<f64>,
    /// Whether the last reading is taken for the refill (the pace then
    /// probes slowly).
    settled: bool,
    /// When a request last had to wait for its turn.
    waited: Option<Instant>,
    /// Requests that may go unpaced first: what the bucket of a quota a
    /// recent run read refilled since ([`Pacer::resuming`]).
    credit: f64,
    /// The places in flight the cold start has given so far, when the
    /// current spell of all of them taken began (or last doubled), and
    /// when a request last found them all taken.
    cold_places: usize,
    cold_spell: Option<Instant>,
    cold_full: Option<Instant>,
}

impl Pacer {
    /// The pace of a quota an earlier run read (`refill`, requests a
    /// second) and left `idle` ago: its bucket has refilled about
    /// `refill x idle` requests since (at most a second's worth, the least
    /// burst a quota has), which go first; the rest go paced from the
    /// first request, a little under `refill`. A run that starts unpaced
    /// on a bucket its plan just drained is throttled on every request it
    /// has in flight when the bucket runs dry. The pace still climbs fast
    /// until a throttle: a quota raised since (or a reading that was low)
    /// costs seconds, not minutes of probing.
    pub(crate) fn resuming(refill: f64, idle: Duration) -> Pacer {
        let refill = refill.max(FLOOR);
        let schedule = Schedule {
            rate: Some(refill * BELOW_REFILL),
            readings: VecDeque::from([refill]),
            credit: refill * idle.as_secs_f64().min(WINDOW.as_secs_f64()),
            ..Schedule::default()
        };
        Pacer {
            state: Mutex::new(schedule),
            ..Pacer::default()
        }
    }

    /// The pacer of a client whose answers no [`PaceWatch`] sees (STS's):
    /// it can learn no rate, so it neither paces nor starts cold.
    pub(crate) fn unwatched() -> Pacer {
        let pacer = Pacer::default();
        pacer.cold.close();
        pacer
    }

    /// The refill this pacer read of its quota, if throttles read one.
    pub(crate) fn refill(&self) -> Option<f64> {
        self.schedule().best_reading()
    }

    /// Waits for this request's turn: after the requests before it, and
    /// 1/rate after the last one went; before the first throttle, for a
    /// place in flight, which the caller holds until the answer.
    pub(crate) async fn admit(&self) -> Option<tokio::sync::SemaphorePermit<'_>> {
        if self.schedule().rate.is_none() {
            // No place once closed: by the first throttle (paced below),
            // or from the start (unwatched: never paced).
            let place = self.cold_start().await;
            if place.is_some() || self.schedule().rate.is_none() {
                return place;
            }
        }
        let _turn = self.queue.lock().await;
        loop {
            let wait = self.schedule().take(Instant::now());
            if wait.is_zero() {
                return None;
            }
            tokio::time::sleep(wait.min(RECHECK)).await;
        }
    }

    /// A place in flight while nothing is known of the quota; `None` once
    /// a throttle closed the places (the pace decides from then on).
    async fn cold_start(&self) -> Option<tokio::sync::SemaphorePermit<'_>> {
        loop {
            let more = self.schedule().widen_cold_start(Instant::now());
            self.cold.add_permits(more);
            match self.cold.try_acquire() {
                Ok(place) => return Some(place),
                Err(tokio::sync::TryAcquireError::Closed) => return None,
                Err(tokio::sync::TryAcquireError::NoPermits) => {}
            }
            self.schedule().cold_start_full(Instant::now());
            // Woken by a place given back, by the first throttle (closed),
            // or to see whether the spell has earned more places.
            if let Ok(place) = tokio::time::timeout(RECHECK, self.cold.acquire()).await {
                return place.ok();
            }
        }
    }

    /// A throttled attempt's place for its retry.
    pub(crate) fn reserve(&self) -> Instant {
        self.schedule().reserve(Instant::now())
    }

    /// How long until the next request may go (taking no place).
    fn until_next(&self) -> Duration {
        let now = Instant::now();
        let next = self.schedule().next(now);
        next.map_or(Duration::ZERO, |next| next.saturating_duration_since(now))
    }

    /// Learns from one attempt's answer.
    pub(crate) fn answered(&self, throttled: bool) {
        self.schedule().answered(Instant::now(), throttled);
        if throttled {
            self.cold.close();
        }
    }

    /// The current rate, once anything was answered.
    #[cfg(test)]
    fn rate(&self) -> Option<f64> {
        self.schedule().rate
    }

    fn schedule(&self) -> MutexGuard<'_, Schedule> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Schedule {
    /// The best of the refill readings kept (a bucket that filled up
    /// between two throttles reads low).
    fn best_reading(&self) -> Option<f64> {
        self.readings.iter().copied().reduce(f64::max)
    }

    /// How many more places in flight the cold start gives at `now`:
    /// [`COLD_IN_FLIGHT`] first, then as many again once all have been
    /// taken for a spell of [`COLD_DOUBLING`]. Only spells count, not
    /// time: a quota asked twice while planning and a thousand times when
    /// deleting starts cold at the deletes. Places given are not taken
    /// back: a quota that took them without a throttle is known to.
    fn widen_cold_start(&mut self, now: Instant) -> usize {
        if self.cold_places == 0 {
            self.cold_places = COLD_IN_FLIGHT;
            return COLD_IN_FLIGHT;
        }
        let spell_long = self.cold_spell.is_some_and(|t| now - t >= COLD_DOUBLING);
        if !(self.cold_spell_going_on(now) && spell_long) {
            return 0;
        }
        let more = self.cold_places.min(COLD_WIDEST - self.cold_places);
        self.cold_places += more;
        self.cold_spell = Some(now);
        more
    }

    /// A request found every cold-start place taken: a spell goes on while
    /// such findings come less than [`COLD_DOUBLING`] apart.
    fn cold_start_full(&mut self, now: Instant) {
        if !self.cold_spell_going_on(now) {
            self.cold_spell = Some(now);
        }
        self.cold_full = Some(now);
    }

    fn cold_spell_going_on(&self, now: Instant) -> bool {
        self.cold_full.is_some_and(|t| now - t < COLD_DOUBLING)
    }

    /// When the next request may go, if paced.
    fn next(&self, now: Instant) -> Option<Instant> {
        let interval = Duration::from_secs_f64(1.0 / self.rate?);
        Some(self.last.map_or(now, |last| last + interval))
    }

    /// The head's turn: zero if it may go now (and it is counted as
    /// gone), else how long until it may.
    fn take(&mut self, now: Instant) -> Duration {
        let (Some(next), Some(rate)) = (self.next(now), self.rate) else {
            return Duration::ZERO;
        };
        if self.credit >= 1.0 {
            self.credit -= 1.0;
            self.last = Some(now);
            return Duration::ZERO;
        }
        if next > now {
            self.waited = Some(now);
            return next - now;
        }
        // A head woken a little late keeps the cadence; after an idle
        // spell the cadence restarts now (no burst to catch up).
        let late = now - next;
        self.last = Some(if late.as_secs_f64() < 1.0 / rate {
            next
        } else {
            now
        });
        Duration::ZERO
    }

    fn reserve(&mut self, now: Instant) -> Instant {
        let Some(next) = self.next(now) else {
            return now;
        };
        let place = next.max(now);
        self.last = Some(place);
        place
    }

    fn answered(&mut self, now: Instant, throttled: bool) {
        while self
            .admitted
            .front()
            .is_some_and(|t| now.duration_since(*t) > WINDOW)
        {
            self.admitted.pop_front();
        }
        if !throttled {
            self.admitted.push_back(now);
            if self.cut.is_some() {
                self.since_cut.push(now);
            }
            let busy = self.waited.is_some_and(|t| now.duration_since(t) <= WINDOW);
            let step = if self.settled { PROBE } else { SLOW_START };
            if let Some(rate) = self.rate.as_mut().filter(|_| busy) {
                *rate += step;
            }
            return;
        }
        if self.cut.is_some_and(|t| now.duration_since(t) < SETTLE) {
            return;
        }
        if let Some(cut) = self.cut {
            // The bucket was drained at both throttles: what it admitted
            // between them is its refill (one less, for an answer to a
            // request it admitted before the first).
            let span = now.duration_since(cut).as_secs_f64();
            let reading = self.since_cut.len().saturating_sub(1) as f64 / span;
            if self.readings.len() == READINGS {
                self.readings.pop_front();
            }
            self.readings.push_back(reading);
            self.settled = self.most_saved(cut, reading) <= reading * UNSPILLED;
        }
        let best = self.best_reading();
        let rate = match best {
            Some(refill) => refill * BELOW_REFILL,
            // A bucket's burst inflated what was admitted.
            None => self.admitted.len() as f64 / WINDOW.as_secs_f64() / 2.0,
        };
        self.rate = Some(rate.max(FLOOR));
        self.cut = Some(now);
        self.since_cut.clear();
        self.last = Some(now);
    }

    /// The most a bucket refilling at `refill` from empty at `cut` saved
    /// up over the answers admitted since.
    fn most_saved(&self, cut: Instant, refill: f64) -> f64 {
        let saved =
            |(n, t): (usize, &Instant)| refill * t.duration_since(cut).as_secs_f64() - n as f64;
        self.since_cut
            .iter()
            .enumerate()
            .map(saved)
            .fold(0.0, f64::max)
    }
}

/// Whether an answer is AWS saying "too many requests": HTTP 429, or an
/// error code the SDKs treat as throttling (`x-amzn-ErrorType`, or the JSON
/// body's `__type`/`code`).
pub(crate) fn is_throttle(response: &Response) -> bool {
    let status = response.status().as_u16();
    if status == 429 {
        return true;
    }
    if status != 400 {
        return false;
    }
    let code = response
        .headers()
        .get("x-amzn-errortype")
        .map(str::to_string)
        .or_else(|| body_code(response.body().bytes()?));
    code.is_some_and(|c| {
        // `Code:http://...` in the header, `namespace#Code` in a body.
        let c = c.split(':').next().unwrap_or_default();
        let c = c.rsplit('#').next().unwrap_or_default();
        aws_runtime::retries::classifiers::THROTTLING_ERRORS.contains(&c)
    })
}

fn body_code(body: &[u8]) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct ErrorBody {
        #[serde(rename = "__type", alias = "code")]
        code: Option<String>,
    }
    serde_json::from_slice::<ErrorBody>(body).ok()?.code
}

/// Tells a pacer how each attempt of a client's requests was answered.
#[derive(Debug)]
pub(crate) struct PaceWatch(pub(crate) Arc<Pacer>);

impl Intercept for PaceWatch {
    fn name(&self) -> &'static str {
        "decom::PaceWatch"
    }

    fn read_after_attempt(
        &self,
        context: &FinalizerInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if let Some(response) = context.response() {
            let throttled = is_throttle(response);
            self.0.answered(throttled);
            if throttled {
                RETRY_PLACE.set(Some(self.0.reserve()));
            }
        }
        Ok(())
    }
}

thread_local! {
    /// The place [`PaceWatch`] took for a throttled attempt's retry, for
    /// [`PacedRetry`]. The SDK runs retry classifiers twice per attempt
    /// (its connection poisoning asks too, before the attempt's
    /// interceptors), so the classifier must not take places itself; the
    /// retry strategy asks right after the attempt's interceptors ran, on
    /// the same thread with no await between.
    static RETRY_PLACE: Cell<Option<Instant>> = const { Cell::new(None) };
}

/// Retries a throttled attempt at its place in the pacer's schedule
/// rather than after the SDK's exponential backoff.
#[derive(Debug)]
pub(crate) struct PacedRetry(pub(crate) Arc<Pacer>);

impl ClassifyRetry for PacedRetry {
    fn classify_retry(&self, ctx: &InterceptorContext) -> RetryAction {
        match ctx.response() {
            Some(r) if is_throttle(r) => {
                let delay = match RETRY_PLACE.take() {
                    Some(place) => place.saturating_duration_since(Instant::now()),
                    None => self.0.until_next(),
                };
                RetryAction::retryable_error_with_explicit_delay(ErrorKind::ThrottlingError, delay)
            }
            _ => RetryAction::NoActionIndicated,
        }
    }

    fn name(&self) -> &'static str {
        "decom::PacedRetry"
    }

    /// After the SDK's own classifiers, so this delay is the one used.
    fn priority(&self) -> RetryClassifierPriority {
        RetryClassifierPriority::run_after(RetryClassifierPriority::transient_error_classifier())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `n` answers admitted at `per_second` while requests waited.
    fn admit_n(s: &mut Schedule, start: Instant, n: usize, per_second: f64) -> Instant {
        let mut t = start;
        for _ in 0..n {
            t += Duration::from_secs_f64(1.0 / per_second);
            s.waited = Some(t);
            s.answered(t, false);
        }
        t
    }

    /// A schedule whose refill reading is `refill`, just cut at the
    /// returned instant.
    fn read_refill(refill: f64) -> (Schedule, Instant) {
        let mut s = Schedule::default();
        let t = admit_n(&mut s, Instant::now(), 40, 40.0);
        s.answered(t, true);
        let t = admit_n(&mut s, t, (refill * 4.0) as usize + 1, refill);
        s.answered(t, true);
        (s, t)
    }

    #[test]
    fn nothing_waits_until_the_first_throttle() {
        let mut s = Schedule::default();
        let now = Instant::now();
        for _ in 0..100 {
            assert_eq!(s.take(now), Duration::ZERO);
            assert_eq!(s.reserve(now), now);
        }
        admit_n(&mut s, now, 100, 1000.0);
        assert_eq!(s.take(now), Duration::ZERO);
    }

    #[test]
    fn after_a_throttle_requests_go_one_per_interval() {
        let mut s = Schedule::default();
        let t = admit_n(&mut s, Instant::now(), 40, 40.0);
        s.answered(t, true);
        let rate = s.rate.unwrap_or_default();
        let interval = Duration::from_secs_f64(1.0 / rate);
        let wait = s.take(t);
        assert!(wait > Duration::ZERO && wait <= interval, "{wait:?}");
        assert_eq!(s.take(t + wait), Duration::ZERO, "the head goes");
        assert!(s.take(t + wait) > Duration::ZERO, "the next one waits");
    }

    #[test]
    fn a_rate_drop_applies_to_requests_already_waiting() {
        let mut s = Schedule::default();
        let t = admit_n(&mut s, Instant::now(), 40, 40.0);
        s.answered(t, true);
        let waiting = s.take(t);
        assert!(waiting > Duration::ZERO, "the head waits for its turn");
        // Only two admitted in a third of a second: the refill is 3/s.
        let t = admit_n(&mut s, t, 2, 6.0);
        s.answered(t, true);
        let after = s.take(t);
        assert!(after > waiting, "{waiting:?} -> {after:?}");
        assert!(after >= Duration::from_secs_f64(1.0 / 3.0), "{after:?}");
    }

    #[test]
    fn a_resumed_pace_lets_what_the_bucket_refilled_go_then_paces() {
        // Read at 20/s by a run that ended 300 ms ago: 6 requests go at
        // once, the 7th waits its turn at 3% under 20/s.
        let pacer = Pacer::resuming(20.0, Duration::from_millis(300));
        assert_eq!(pacer.refill(), Some(20.0));
        let mut s = pacer.schedule();
        let now = Instant::now();
        for _ in 0..6 {
            assert_eq!(s.take(now), Duration::ZERO);
        }
        let wait = s.take(now);
        let interval = Duration::from_secs_f64(1.0 / (20.0 * BELOW_REFILL));
        assert!(wait > Duration::ZERO && wait <= interval, "{wait:?}");
        // A bucket left long ago saved at most a second's worth.
        drop(s);
        let long_ago = Pacer::resuming(20.0, Duration::from_secs(3600));
        let mut s = long_ago.schedule();
        assert!((0..20).all(|_| s.take(now).is_zero()));
        assert!(s.take(now) > Duration::ZERO);
        // A rate of nothing still moves.
        assert!(Pacer::resuming(0.0, Duration::ZERO).schedule().rate >= Some(FLOOR * BELOW_REFILL));
    }

    #[test]
    fn a_resumed_pace_under_the_quota_climbs_fast_and_a_throttle_brings_it_back() {
        // Read at 10/s, but the quota is 40/s now: a second of answers
        // admitted while requests wait more than doubles the pace.
        let pacer = Pacer::resuming(10.0, Duration::ZERO);
        let mut s = pacer.schedule();
        let t = admit_n(&mut s, Instant::now(), 20, 20.0);
        assert!(s.rate > Some(20.0), "{:?}", s.rate);
        // A throttle: back to a little under the best reading.
        s.answered(t, true);
        assert_eq!(s.rate, Some(10.0 * BELOW_REFILL));
    }

    #[test]
    fn a_retry_takes_the_next_place() {
        let (mut s, t) = read_refill(20.0);
        let first = s.reserve(t);
        let second = s.reserve(t);
        assert!(second > first && first > t, "{first:?} then {second:?}");
        assert!(t + s.take(t) > second, "the head waits behind both");
    }

    #[test]
    fn a_rate_nobody_waits_for_is_not_raised() {
        let (mut s, t) = read_refill(20.0);
        let cut = s.rate;
        let later = t + Duration::from_secs(5);
        for i in 0..100 {
            s.answered(later + Duration::from_millis(i * 100), false);
        }
        assert_eq!(s.rate, cut);
    }

    #[test]
    fn the_first_throttle_halves_what_was_admitted() {
        let mut s = Schedule::default();
        // A bucket of 20/s with a burst of 20: 40 admitted in the first second.
        let t = admit_n(&mut s, Instant::now(), 40, 40.0);
        s.answered(t, true);
        let first = s.rate.unwrap_or_default();
        assert!((19.0..=20.0).contains(&first), "{first}");
    }

    #[test]
    fn two_throttles_read_the_refill() {
        let (s, _) = read_refill(20.0);
        let rate = s.rate.unwrap_or_default();
        assert!((18.5..20.0).contains(&rate), "{rate}");
    }

    #[test]
    fn a_low_reading_after_a_quiet_spell_does_not_cut_deep() {
        let (mut s, t) = read_refill(20.0);
        let before = s.rate.unwrap_or_default();
        // Little asked for ten seconds: the bucket filled up, then a throttle.
        let t = admit_n(&mut s, t, 20, 2.0);
        s.answered(t, true);
        let after = s.rate.unwrap_or_default();
        assert!(after >= before * 0.99, "{before} -> {after}");
    }

    #[test]
    fn throttles_just_after_a_cut_lower_the_rate_once() {
        let (mut s, t) = read_refill(20.0);
        let readings = s.readings.len();
        s.answered(t + Duration::from_millis(100), true);
        s.answered(t + Duration::from_millis(200), true);
        assert_eq!(
            s.readings.len(),
            readings,
            "answers to requests sent before the cut"
        );
        assert_eq!(s.cut, Some(t));
    }

    #[test]
    fn the_rate_climbs_fast_until_the_refill_is_read_then_slowly() {
        let mut s = Schedule::default();
        let t = admit_n(&mut s, Instant::now(), 20, 20.0);
        s.answered(t, true);
        let start = s.rate.unwrap_or_default();
        let t = admit_n(&mut s, t, 20, 10.0);
        let climbed = s.rate.unwrap_or_default();
        assert!(climbed > start * 1.5, "{start} -> {climbed}");
        s.answered(t, true);
        let read = s.rate.unwrap_or_default();
        admit_n(&mut s, t, 20, 10.0);
        let probed = s.rate.unwrap_or_default();
        assert!(probed > read && probed < read * 1.2, "{read} -> {probed}");
    }

    #[test]
    fn a_reading_after_a_pace_far_below_it_keeps_the_climb_fast() {
        let mut s = Schedule::default();
        // Ten tokens left by an earlier run: the first cut is 5/s.
        let t = admit_n(&mut s, Instant::now(), 10, 100.0);
        s.answered(t, true);
        // Two seconds at 5/s let a bucket of 20/s spill; then 30/s.
        let t = admit_n(&mut s, t, 10, 5.0);
        let t = admit_n(&mut s, t, 50, 30.0);
        s.answered(t, true);
        assert!(!s.settled);
        let read = s.rate.unwrap_or_default();
        admit_n(&mut s, t, 20, 15.0);
        let climbed = s.rate.unwrap_or_default();
        assert!(climbed > read * 1.5, "{read} -> {climbed}");
    }

    #[test]
    fn the_floor_keeps_a_starved_pace_moving() {
        let mut s = Schedule::default();
        let t = Instant::now();
        s.answered(t, true);
        assert_eq!(s.rate, Some(FLOOR), "nothing admitted yet: the floor");
        assert!(s.take(t + Duration::from_millis(1)) <= Duration::from_secs(2));
    }

    #[test]
    fn throttles_are_recognised_by_status_header_or_body() {
        let response = |status: u16, header: Option<&str>, body: &str| {
            let mut r = Response::new(
                status.try_into().expect("status"),
                aws_smithy_types::body::SdkBody::from(body.to_string()),
            );
            if let Some(h) = header {
                r.headers_mut().insert("x-amzn-errortype", h.to_string());
            }
            r
        };
        assert!(is_throttle(&response(429, None, "")));
        assert!(is_throttle(&response(
            400,
            Some("ThrottlingException:http://internal.amazon.com/"),
            "{}"
        )));
        assert!(is_throttle(&response(
            400,
            None,
            r#"{"__type":"com.amazonaws.apprunner#ThrottlingException"}"#
        )));
        assert!(!is_throttle(&response(
            400,
            Some("InvalidRequestException"),
            "{}"
        )));
        assert!(!is_throttle(&response(500, None, "")));
    }

    #[test]
    fn a_cold_start_gives_two_places_then_twice_as_many_each_spell_they_are_all_taken() {
        let mut s = Schedule::default();
        let ms = Duration::from_millis;
        let t = Instant::now();
        assert_eq!(s.widen_cold_start(t), COLD_IN_FLIGHT);
        assert_eq!(
            s.widen_cold_start(t + ms(30_000)),
            0,
            "never all taken: no more"
        );
        let busy = t + ms(30_000);
        s.cold_start_full(busy);
        assert_eq!(s.widen_cold_start(busy + ms(50)), 0, "a spell too short");
        s.cold_start_full(busy + ms(50));
        assert_eq!(s.widen_cold_start(busy + ms(100)), 2, "2 -> 4");
        s.cold_start_full(busy + ms(150));
        assert_eq!(s.widen_cold_start(busy + ms(150)), 0, "a new spell");
        s.cold_start_full(busy + ms(200));
        assert_eq!(s.widen_cold_start(busy + ms(250)), 4, "4 -> 8");
        let later = busy + ms(10_000);
        assert_eq!(s.widen_cold_start(later), 0, "not all taken since");
        s.cold_start_full(later);
        assert_eq!(
            s.widen_cold_start(later + ms(99)),
            0,
            "a pause ends a spell"
        );
        // Waiting requests look every RECHECK (50 ms).
        for step in 1..100 {
            let now = later + ms(50 * step);
            s.cold_start_full(now);
            s.widen_cold_start(now);
        }
        assert_eq!(s.cold_places, COLD_WIDEST);
    }

    /// Runs `f` and fails rather than hangs if it never ends.
    async fn within_a_minute<T>(f: impl std::future::Future<Output = T>) -> T {
        match tokio::time::timeout(Duration::from_secs(60), f).await {
            Ok(out) => out,
            Err(_) => panic!("did not end"),
        }
    }

    #[tokio::test]
    async fn a_request_finding_every_cold_place_taken_gets_one_when_they_double() {
        let p = Pacer::default();
        let first = p.admit().await;
        let second = p.admit().await;
        assert!(first.is_some() && second.is_some(), "two cold places");
        assert_eq!(p.cold.available_permits(), 0, "a third waits");
        let third = within_a_minute(p.admit()).await;
        assert!(third.is_some(), "a cold place of the next spell");
        drop((first, second, third));
    }

    #[tokio::test]
    async fn after_the_first_throttle_requests_waiting_for_a_cold_place_are_paced() {
        let p = Pacer::default();
        let first = p.admit().await;
        let second = p.admit().await;
        let waiting = async { p.admit().await.is_some() };
        let throttled_then_one_answered = async {
            tokio::task::yield_now().await;
            for _ in 0..40 {
                p.answered(false);
            }
            p.answered(true);
            drop(first);
        };
        let (got_a_cold_place, ()) =
            within_a_minute(async { tokio::join!(waiting, throttled_then_one_answered) }).await;
        assert!(
            !got_a_cold_place,
            "a place given back after the throttle must not let a request skip the pace"
        );
        assert!(p.rate().is_some());
        drop(second);
    }

    #[tokio::test]
    async fn an_unwatched_pacer_neither_paces_nor_starts_cold() {
        let p = Pacer::unwatched();
        for _ in 0..10 {
            assert!(within_a_minute(p.admit()).await.is_none());
        }
    }

    #[tokio::test]
    async fn a_pacer_is_unpaced_until_throttled_and_learns_from_answers() {
        let p = Pacer::default();
        for _ in 0..100 {
            p.admit().await;
        }
        assert_eq!(p.rate(), None);
        p.answered(false);
        assert_eq!(p.rate(), None, "not paced before a throttle");
        p.answered(true);
        assert_eq!(
            p.rate(),
            Some(FLOOR),
            "half of one admitted answer: the floor"
        );
    }
}
