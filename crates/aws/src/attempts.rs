//! An SDK interceptor on every client: one log line per request attempt
//! (operation, region, status, attempt, duration: `DECOM_LOG=debug`),
//! the endpoint the client really talks to (for error messages), and the
//! reason earlier attempts failed when the operation then times out (so a
//! refused connection is reported as such, not as a bare timeout).
//!
//! Only the request's URI is read, never its headers: nothing signed or
//! secret passes through here.

use std::time::Instant;

use aws_sdk_apprunner::config::interceptors::{
    BeforeTransmitInterceptorContextRef, FinalizerInterceptorContextMut,
    FinalizerInterceptorContextRef,
};
use aws_sdk_apprunner::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::orchestrator::{Metadata, OrchestratorError};
use aws_smithy_runtime_api::client::retries::RequestAttempts;
use aws_smithy_types::config_bag::{Storable, StoreReplace};

use crate::endpoint::Origin;
use crate::sdk_error::connector_cause;

/// Watches the attempts of one service's client.
#[derive(Debug)]
pub(crate) struct AttemptWatch {
    origin: Origin,
}

impl AttemptWatch {
    pub(crate) fn new(origin: Origin) -> AttemptWatch {
        AttemptWatch { origin }
    }
}

/// When the current attempt started.
#[derive(Debug, Clone)]
struct AttemptStart(Instant);

impl Storable for AttemptStart {
    type Storer = StoreReplace<Self>;
}

/// Why the last attempt that got no usable answer failed, if not by
/// timing out.
#[derive(Debug, Clone)]
struct LastFailure(String);

impl Storable for LastFailure {
    type Storer = StoreReplace<Self>;
}

/// An operation that timed out after attempts that failed otherwise.
#[derive(Debug)]
pub(crate) struct TimedOutAfterFailures {
    pub(crate) last_failure: String,
}

impl std::fmt::Display for TimedOutAfterFailures {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}; then timed out", self.last_failure)
    }
}

impl std::error::Error for TimedOutAfterFailures {}

impl Intercept for AttemptWatch {
    fn name(&self) -> &'static str {
        "decom::AttemptWatch"
    }

    fn read_before_attempt(
        &self,
        _context: &BeforeTransmitInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        cfg.interceptor_state()
            .store_put(AttemptStart(Instant::now()));
        Ok(())
    }

    fn read_before_transmit(
        &self,
        context: &BeforeTransmitInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        self.origin.saw(context.request().uri());
        Ok(())
    }

    fn read_after_attempt(
        &self,
        context: &FinalizerInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let status = context.response().map(|r| r.status().as_u16());
        let error = context.output_or_error().and_then(Result::err);
        let outcome = match (status, error) {
            (Some(s), _) => s.to_string(),
            (None, Some(e)) if e.is_timeout_error() => "timed out".into(),
            (None, Some(e)) => self.failure(e),
            (None, None) => "no answer".into(),
        };
        log_attempt(&self.origin.region, cfg, &outcome);
        if status.is_none_or(|s| s >= 500) && error.is_some_and(|e| !e.is_timeout_error()) {
            let why = match status {
                Some(s) => format!("HTTP {s} from {}", self.origin.endpoint()),
                None => outcome,
            };
            cfg.interceptor_state().store_put(LastFailure(why));
        }
        Ok(())
    }

    fn modify_before_completion(
        &self,
        context: &mut FinalizerInterceptorContextMut<'_>,
        _components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let Some(LastFailure(last_failure)) = cfg.load::<LastFailure>().cloned() else {
            return Ok(());
        };
        if let Some(Err(e)) = context.output_or_error_mut() {
            if e.is_timeout_error() {
                *e = OrchestratorError::timeout(Box::new(TimedOutAfterFailures { last_failure }));
            }
        }
        Ok(())
    }
}

impl AttemptWatch {
    /// A failed attempt without an HTTP answer, in a few words.
    fn failure<E>(&self, e: &OrchestratorError<E>) -> String {
        match e.as_connector_error() {
            Some(c) => connector_cause(c, &self.origin.endpoint()),
            None => "failed before an answer".into(),
        }
    }
}

/// One line per attempt. Never headers, bodies or URIs: only what
/// identifies the call and how it went.
fn log_attempt(region: &str, cfg: &ConfigBag, outcome: &str) {
    let (service, operation) = cfg
        .load::<Metadata>()
        .map(|m| (m.service().to_string(), m.name().to_string()))
        .unwrap_or_default();
    let attempt = cfg.load::<RequestAttempts>().map_or(1, |a| a.attempts());
    let duration_ms = cfg
        .load::<AttemptStart>()
        .map_or(0, |s| s.0.elapsed().as_millis());
    tracing::debug!(
        target: "decom::request",
        service = %service,
        operation = %operation,
        region = %region,
        status = %outcome,
        attempt,
        duration_ms = %duration_ms,
        "request"
    );
}
