//! Pacing requests to what AWS admits (DESIGN section 15): one [`Pacer`]
//! per (account, region, service), the unit AWS keeps API quotas in.
//!
//! AWS does not say its rate; its throttling answers do. A pacer spaces
//! requests at a learned rate:
//!
//! - until the first throttle requests are not paced (only
//!   `--parallelism` bounds them), so an unthrottled API costs nothing;
//!   the rate AWS admitted meanwhile is counted;
//! - the first throttle sets the pace to half of what was admitted over
//!   the last second (a bucket's burst inflated it);
//! - on a later throttle the rate falls a little below what AWS admitted over
//!   the last second, or since the last cut (a drained token bucket admits
//!   exactly its refill); after a quiet spell, when little was asked and
//!   so little admitted, it falls by a fixed share instead. Throttles just
//!   after a cut answer requests sent before it and are not counted again;
//! - each admitted answer raises it a little (5% a second), probing
//!   whether more is allowed, so a cut far below a large quota recovers in
//!   seconds; but only while requests wait for their place: a rate nobody
//!   uses is not raised.
//!
//! Requests are spaced, never sent in bursts, and a request still waiting
//! for a place given at a rate since lowered takes a new one, so a drained
//! bucket earns one throttle rather than a volley. A throttled attempt is
//! retried by the SDK's standard retry after a delay this pacer gives
//! ([`PacedRetry`]), so retries take their place in the same schedule. The SDK's adaptive retry
//! mode is not used: its client-side limiter stalls a whole service for
//! seconds after a throttle. 5xx answers and transport faults keep the
//! SDK's own backoff.

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

/// How far back admitted answers are counted.
const WINDOW: Duration = Duration::from_secs(1);
/// Throttles this soon after a cut answer requests sent before it.
const SETTLE: Duration = Duration::from_millis(250);
/// After a throttle, send this share of what AWS admitted.
const BELOW_ADMITTED: f64 = 0.95;
/// After a quiet spell, a throttle lowers the rate to this share.
const QUIET_CUT: f64 = 0.7;
/// After a throttle, each admitted answer raises the rate by this many
/// requests per second: a rate of r gains r x this each second (5%).
const PROBE_SHARE: f64 = 0.05;
/// Never slower than this (a quota of 1 request per 2 s still progresses).
const FLOOR: f64 = 0.5;

/// The schedule of one (account, region, service).
#[derive(Debug, Default)]
pub(crate) struct Pacer {
    state: Mutex<Schedule>,
}

#[derive(Debug, Default)]
struct Schedule {
    /// Requests per second; `None` until the first throttle.
    rate: Option<f64>,
    /// Whether a throttle has been seen (until then nothing is paced).
    throttled: bool,
    /// Bumped when the rate is lowered: places given before are void.
    epoch: u64,
    /// When the next request may go.
    next: Option<Instant>,
    /// When the recent admitted answers came, oldest first.
    admitted: VecDeque<Instant>,
    /// When the rate was last lowered.
    lowered: Option<Instant>,
    /// When a request last had to wait for its place.
    waited: Option<Instant>,
}

impl Pacer {
    /// Waits for this request's place in the schedule (a new one if the
    /// rate was lowered meanwhile).
    pub(crate) async fn admit(&self) {
        loop {
            let (wait, epoch) = self.schedule().reserve(Instant::now());
            if wait.is_zero() {
                return;
            }
            tokio::time::sleep(wait).await;
            if self.schedule().epoch == epoch {
                return;
            }
        }
    }

    /// Takes the next place in the schedule: how long until it.
    pub(crate) fn reserve(&self) -> Duration {
        self.schedule().reserve(Instant::now()).0
    }

    /// Learns from one attempt's answer.
    pub(crate) fn answered(&self, throttled: bool) {
        self.schedule().answered(Instant::now(), throttled);
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
    fn reserve(&mut self, now: Instant) -> (Duration, u64) {
        if !self.throttled {
            // Unpaced until AWS first says "too many": spacing requests
            // reserved together at an early, low rate would spread them
            // over seconds however fast the rate then grew.
            return (Duration::ZERO, self.epoch);
        }
        let rate = self.rate.unwrap_or(FLOOR);
        let slot = self.next.map_or(now, |next| next.max(now));
        self.next = Some(slot + Duration::from_secs_f64(1.0 / rate));
        if slot > now {
            self.waited = Some(now);
        }
        (slot - now, self.epoch)
    }

    fn answered(&mut self, now: Instant, throttled: bool) {
        while self
            .admitted
            .front()
            .is_some_and(|t| now.duration_since(*t) > WINDOW)
        {
            self.admitted.pop_front();
        }
        let busy = self.waited.is_some_and(|t| now.duration_since(t) <= WINDOW);
        if !throttled {
            self.admitted.push_back(now);
            if let Some(rate) = self.rate.as_mut().filter(|_| busy) {
                *rate += PROBE_SHARE;
            }
            return;
        }
        if self.lowered.is_some_and(|t| now.duration_since(t) < SETTLE) {
            return;
        }
        let rate = self.rate.unwrap_or(FLOOR);
        let lowered = if !self.throttled {
            // A bucket's burst inflated what was admitted.
            self.admitted_rate(now) / 2.0
        } else if busy {
            self.admitted_rate(now).min(rate)
        } else {
            rate * QUIET_CUT
        };
        let lowered = lowered.max(FLOOR);
        self.rate = Some(lowered);
        self.throttled = true;
        self.lowered = Some(now);
        self.epoch += 1;
        self.next = Some(now + Duration::from_secs_f64(1.0 / lowered));
    }

    /// A little under what AWS admitted over the last second, or since the
    /// last cut if that is more recent (what came before it included
    /// requests a bucket's burst admitted).
    fn admitted_rate(&self, now: Instant) -> f64 {
        let since_cut = self.lowered.filter(|t| now.duration_since(*t) < WINDOW);
        let span = since_cut.map_or(WINDOW, |t| now.duration_since(t));
        let admitted = self
            .admitted
            .iter()
            .filter(|t| since_cut.is_none_or(|cut| **t > cut))
            .count();
        admitted as f64 / span.as_secs_f64() * BELOW_ADMITTED
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
            self.0.answered(is_throttle(response));
        }
        Ok(())
    }
}

/// Retries a throttled attempt at its place in the pacer's schedule
/// rather than after the SDK's exponential backoff.
#[derive(Debug)]
pub(crate) struct PacedRetry(pub(crate) Arc<Pacer>);

impl ClassifyRetry for PacedRetry {
    fn classify_retry(&self, ctx: &InterceptorContext) -> RetryAction {
        match ctx.response() {
            Some(r) if is_throttle(r) => RetryAction::retryable_error_with_explicit_delay(
                ErrorKind::ThrottlingError,
                self.0.reserve(),
            ),
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

    /// `n` requests that waited for their place, admitted at `per_second`.
    fn admit_n(s: &mut Schedule, start: Instant, n: usize, per_second: f64) -> Instant {
        let mut t = start;
        for _ in 0..n {
            t += Duration::from_secs_f64(1.0 / per_second);
            s.waited = Some(t);
            s.answered(t, false);
        }
        t
    }

    #[test]
    fn unpaced_until_the_first_throttle_then_spaced() {
        let mut s = Schedule::default();
        let now = Instant::now();
        assert_eq!(s.reserve(now).0, Duration::ZERO);
        assert_eq!(s.reserve(now).0, Duration::ZERO);
        let t = admit_n(&mut s, now, 40, 40.0);
        s.answered(t, true);
        let first = s.reserve(t).0;
        let second = s.reserve(t).0;
        assert!(second > first, "spaced after the first throttle");
    }

    #[test]
    fn places_given_before_a_cut_are_void() {
        let mut s = Schedule::default();
        let t = admit_n(&mut s, Instant::now(), 40, 40.0);
        let (_, before) = s.reserve(t);
        s.answered(t, true);
        let (wait, after) = s.reserve(t);
        assert_ne!(before, after);
        assert!(
            wait > Duration::ZERO,
            "the next place is after the cut's spacing"
        );
    }

    #[test]
    fn a_rate_nobody_waits_for_is_not_raised() {
        let mut s = Schedule::default();
        let t = admit_n(&mut s, Instant::now(), 40, 40.0);
        s.answered(t, true);
        let cut = s.rate;
        let later = t + Duration::from_secs(5);
        for i in 0..100 {
            s.answered(later + Duration::from_millis(i * 100), false);
        }
        assert_eq!(s.rate, cut);
    }

    #[test]
    fn the_first_throttle_halves_what_slow_start_reached() {
        let mut s = Schedule::default();
        // A bucket of 20/s with a burst of 20: 40 admitted in the first second.
        let t = admit_n(&mut s, Instant::now(), 40, 40.0);
        s.answered(t, true);
        let first = s.rate.unwrap_or_default();
        assert!((18.0..20.0).contains(&first), "{first}");
    }

    #[test]
    fn a_later_cut_reads_what_was_admitted_since_the_last_one() {
        let mut s = Schedule::default();
        // A bucket's burst hid the quota: slow start reached 80.
        let t = admit_n(&mut s, Instant::now(), 80, 80.0);
        s.answered(t, true);
        assert!(s.rate > Some(30.0), "{:?}", s.rate);
        // Then only the refill, 20/s, is admitted.
        let t = admit_n(&mut s, t, 10, 20.0);
        s.answered(t, true);
        let second = s.rate.unwrap_or_default();
        assert!((15.0..20.0).contains(&second), "{second}");
    }

    #[test]
    fn a_later_throttle_sets_the_rate_just_below_what_was_admitted() {
        let mut s = Schedule::default();
        let t = admit_n(&mut s, Instant::now(), 40, 40.0);
        s.answered(t, true);
        let t = admit_n(&mut s, t + Duration::from_secs(1), 40, 20.0);
        s.answered(t, true);
        let rate = s.rate.unwrap_or_default();
        assert!((18.0..20.0).contains(&rate), "{rate}");
        // Requests are then spaced, not sent together.
        let first = s.reserve(t).0;
        let second = s.reserve(t).0;
        assert!(second > first);
        assert!((second - first).as_secs_f64() > 1.0 / 20.0);
    }

    #[test]
    fn throttles_just_after_a_cut_lower_the_rate_once() {
        let mut s = Schedule::default();
        let t = admit_n(&mut s, Instant::now(), 20, 20.0);
        s.answered(t, true);
        let once = s.rate;
        s.answered(t + Duration::from_millis(100), true);
        s.answered(t + Duration::from_millis(200), true);
        assert_eq!(s.rate, once, "answers to requests sent before the cut");
        s.waited = Some(t + Duration::from_millis(1500));
        s.answered(t + Duration::from_millis(1500), true);
        assert!(s.rate < once);
    }

    #[test]
    fn a_throttle_after_a_quiet_spell_lowers_the_rate_by_a_share_only() {
        let mut s = Schedule::default();
        let t = admit_n(&mut s, Instant::now(), 40, 20.0);
        s.answered(t, true);
        let before = s.rate.unwrap_or_default();
        let later = t + Duration::from_secs(10);
        s.answered(later, false);
        s.answered(later, true);
        let after = s.rate.unwrap_or_default();
        assert!(after >= before * QUIET_CUT * 0.99, "{before} -> {after}");
    }

    #[test]
    fn admitted_answers_raise_the_rate_slowly_and_it_never_stops() {
        let mut s = Schedule::default();
        let t = Instant::now();
        s.waited = Some(t);
        s.answered(t, true);
        assert_eq!(s.rate, Some(FLOOR), "nothing admitted yet: the floor");
        let t = admit_n(&mut s, t, 100, 10.0);
        let rate = s.rate.unwrap_or_default();
        assert!(rate > FLOOR && rate < 20.0, "{rate}");
        assert!(s.reserve(t).0 < Duration::from_secs(3));
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
    fn a_pacer_learns_from_answers() {
        let p = Pacer::default();
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
