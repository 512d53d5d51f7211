//! The lower bound of a run under `--throttle-rps` (DESIGN section 15):
//! each (account, region, service) quota admits `rps` requests a second,
//! so a run needs at least its busiest bucket's necessary calls / rps,
//! whatever its schedule.
//!
//! Necessary calls, per bucket:
//! - the minimum refresh: the answered calls of a `decom plan` run (the
//!   `plan_refresh` benchmark checks that they are the minimum);
//! - one delete per resource;
//! - one confirming describe per ingress connection (its list summary
//!   carries no status);
//! - one list page per (type, region) to confirm the rest: the list pages
//!   of the refresh.

use std::collections::BTreeMap;
use std::time::Duration;

use decom_sim::{AuditEntry, ResourceType, SimState};

/// Whose quota a request draws on.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Bucket {
    pub account: String,
    pub region: String,
    pub service: String,
}

impl std::fmt::Display for Bucket {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {} {}", self.service, self.region, self.account)
    }
}

/// Calls per bucket.
#[derive(Debug, Clone, Default)]
pub struct Necessary {
    pub calls: BTreeMap<Bucket, usize>,
}

impl Necessary {
    /// The answered, throttled resource calls of an audit slice (STS has
    /// no throttle bucket; throttled and faulted answers are not needed).
    pub fn answered(entries: &[AuditEntry]) -> Necessary {
        Necessary::counting(entries.iter().filter(|e| is_answered(e)))
    }

    /// Of [`Necessary::answered`], the list pages (and describe-alls):
    /// the calls that name no resource.
    pub fn list_pages(entries: &[AuditEntry]) -> Necessary {
        Necessary::counting(
            entries
                .iter()
                .filter(|e| is_answered(e) && e.target.is_none()),
        )
    }

    /// One delete per resource of `state` (resources without an account
    /// are `default_account`'s).
    pub fn deletes(state: &SimState, default_account: &str) -> Necessary {
        Necessary::per_resource(state, default_account, |_| true)
    }

    /// One confirming describe per ingress connection of `state`: its list
    /// summary carries no status.
    pub fn confirmations(state: &SimState, default_account: &str) -> Necessary {
        Necessary::per_resource(state, default_account, |t| {
            t == ResourceType::AppRunnerVpcIngressConnection
        })
    }

    fn per_resource(
        state: &SimState,
        default_account: &str,
        counted: impl Fn(ResourceType) -> bool,
    ) -> Necessary {
        let mut n = Necessary::default();
        for r in state.resources.iter().filter(|r| counted(r.resource_type)) {
            let bucket = Bucket {
                account: r.account.clone().unwrap_or_else(|| default_account.into()),
                region: r.region.clone(),
                service: r.resource_type.service().name().into(),
            };
            *n.calls.entry(bucket).or_default() += 1;
        }
        n
    }

    /// An apply's necessary calls: the refresh a plan made (`planned`, its
    /// audit), one delete per resource of `state`, one confirmation per
    /// ingress connection and one list page per (type, region).
    pub fn apply(planned: &[AuditEntry], state: &SimState, default_account: &str) -> Necessary {
        Necessary::answered(planned)
            .plus(&Necessary::deletes(state, default_account))
            .plus(&Necessary::confirmations(state, default_account))
            .plus(&Necessary::list_pages(planned))
    }

    pub fn plus(mut self, other: &Necessary) -> Necessary {
        for (bucket, calls) in &other.calls {
            *self.calls.entry(bucket.clone()).or_default() += calls;
        }
        self
    }

    /// The bucket with the most calls, and how many.
    pub fn busiest(&self) -> Option<(&Bucket, usize)> {
        self.calls
            .iter()
            .max_by_key(|(_, n)| **n)
            .map(|(b, n)| (b, *n))
    }

    /// The busiest bucket's calls at `rps`.
    pub fn bound(&self, rps: f64) -> Duration {
        let calls = self.busiest().map_or(0, |(_, n)| n);
        Duration::from_secs_f64(calls as f64 / rps)
    }

    fn counting<'a>(entries: impl Iterator<Item = &'a AuditEntry>) -> Necessary {
        let mut n = Necessary::default();
        for e in entries {
            let bucket = Bucket {
                account: e.account.clone().unwrap_or_default(),
                region: e.region.clone(),
                service: e.service.clone(),
            };
            *n.calls.entry(bucket).or_default() += 1;
        }
        n
    }
}

fn is_answered(e: &AuditEntry) -> bool {
    e.service != "sts"
        && e.error.as_deref() != Some("ThrottlingException")
        && e.status != 0
        && e.status < 500
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(service: &str, region: &str, target: Option<&str>, error: Option<&str>) -> AuditEntry {
        AuditEntry {
            ts: "2026-01-01T00:00:00.000Z".into(),
            service: service.into(),
            operation: "Op".into(),
            target: target.map(Into::into),
            status: if error.is_some() { 400 } else { 200 },
            region: region.into(),
            account: Some("111111111111".into()),
            error: error.map(Into::into),
        }
    }

    #[test]
    fn counts_answered_calls_per_bucket_and_finds_the_busiest() {
        let log = [
            entry("apprunner", "us-east-1", None, None),
            entry("apprunner", "us-east-1", Some("arn"), None),
            entry(
                "apprunner",
                "us-east-1",
                Some("arn"),
                Some("ThrottlingException"),
            ),
            entry("apprunner", "us-west-2", None, None),
            entry("sts", "us-east-1", None, None),
        ];
        let answered = Necessary::answered(&log);
        assert_eq!(answered.calls.values().sum::<usize>(), 3);
        let (busiest, calls) = answered.busiest().expect("a bucket");
        assert_eq!((busiest.region.as_str(), calls), ("us-east-1", 2));
        assert_eq!(answered.bound(2.0), Duration::from_secs(1));
        let pages = Necessary::list_pages(&log);
        assert_eq!(pages.calls.values().sum::<usize>(), 2);
        assert_eq!(answered.plus(&pages).busiest().map(|b| b.1), Some(3));
    }
}
