//! Load and fault injection: a token bucket per (account, region,
//! service) (`--throttle-rps`), as AWS's API quotas are, and a deterministic fault sequence (`--fault-rate`, `--seed`): the n-th
//! request that passes the throttle is faulted iff a hash of (seed, n) falls
//! under the rate, so the same seed yields the same sequence.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Instant;

use crate::ids::mix;
use crate::protocol::ServiceKind;

/// What to do with a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    Proceed,
    Throttle,
    Fail500,
    Drop,
    /// Carry the request out, then drop its connection: the answer is
    /// lost, not the change (a delete the client must find already done).
    DropAfterCommit,
}

#[derive(Debug)]
struct Bucket {
    tokens: f64,
    last: Instant,
}

/// Whose quota a request draws on.
#[derive(Debug, Clone)]
pub(crate) struct Quota<'a> {
    pub account: &'a str,
    pub region: &'a str,
    pub service: ServiceKind,
}

/// Buckets are created full on a quota's first request.
type Buckets = HashMap<(String, String, ServiceKind), Bucket>;

#[derive(Debug)]
pub(crate) struct Faults {
    rps: Option<f64>,
    buckets: Mutex<Buckets>,
    rate: f64,
    drop_share: f64,
    commit_share: f64,
    seed: u64,
    counter: AtomicU64,
}

fn unit(x: u64) -> f64 {
    (x >> 11) as f64 / (1u64 << 53) as f64
}

impl Faults {
    /// `commit_share`: of the dropped requests, the share carried out first.
    pub(crate) fn new(
        rps: Option<f64>,
        rate: f64,
        drop_share: f64,
        commit_share: f64,
        seed: u64,
    ) -> Faults {
        Faults {
            rps,
            buckets: Mutex::new(HashMap::new()),
            rate,
            drop_share,
            commit_share,
            seed,
            counter: AtomicU64::new(0),
        }
    }

    pub(crate) fn decide(&self, quota: Quota<'_>) -> Verdict {
        if let Some(rps) = self.rps {
            let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
            let now = Instant::now();
            let burst = rps.max(1.0);
            let key = (
                quota.account.to_string(),
                quota.region.to_string(),
                quota.service,
            );
            let b = buckets.entry(key).or_insert(Bucket {
                tokens: burst,
                last: now,
            });
            b.tokens = (b.tokens + now.duration_since(b.last).as_secs_f64() * rps).min(burst);
            b.last = now;
            if b.tokens < 1.0 {
                return Verdict::Throttle;
            }
            b.tokens -= 1.0;
        }
        if self.rate <= 0.0 {
            return Verdict::Proceed;
        }
        let n = self.counter.fetch_add(1, Ordering::Relaxed);
        let h = mix(self.seed ^ mix(n.wrapping_add(0x5EED)));
        if unit(h) < self.rate {
            if unit(mix(h)) < self.drop_share {
                if unit(mix(mix(h))) < self.commit_share {
                    Verdict::DropAfterCommit
                } else {
                    Verdict::Drop
                }
            } else {
                Verdict::Fail500
            }
        } else {
            Verdict::Proceed
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_sequence() {
        let seq = |seed| {
            let f = Faults::new(None, 0.3, 0.5, 0.0, seed);
            (0..200)
                .map(|_| f.decide(quota("111111111111", "us-east-1", ServiceKind::AppRunner)))
                .collect::<Vec<_>>()
        };
        assert_eq!(seq(1), seq(1));
        assert_ne!(seq(1), seq(2));
        let faulted = seq(1).iter().filter(|v| **v != Verdict::Proceed).count();
        assert!((30..90).contains(&faulted), "{faulted}");
    }

    fn quota<'a>(account: &'a str, region: &'a str, service: ServiceKind) -> Quota<'a> {
        Quota {
            account,
            region,
            service,
        }
    }

    #[test]
    fn bucket_throttles_beyond_burst() {
        let f = Faults::new(Some(5.0), 0.0, 0.0, 0.0, 0);
        let dx = quota("111111111111", "us-east-1", ServiceKind::DirectConnect);
        let ok = (0..20)
            .filter(|_| f.decide(dx.clone()) == Verdict::Proceed)
            .count();
        assert!((5..=6).contains(&ok), "{ok}");
        assert_eq!(f.decide(dx.clone()), Verdict::Throttle);
    }

    #[test]
    fn each_account_region_and_service_has_its_own_bucket() {
        let f = Faults::new(Some(2.0), 0.0, 0.0, 0.0, 0);
        let drained = quota("111111111111", "us-east-1", ServiceKind::DirectConnect);
        while f.decide(drained.clone()) == Verdict::Proceed {}
        for other in [
            quota("111111111111", "us-east-1", ServiceKind::SupplyChain),
            quota("111111111111", "eu-west-1", ServiceKind::DirectConnect),
            quota("222222222222", "us-east-1", ServiceKind::DirectConnect),
        ] {
            assert_eq!(f.decide(other.clone()), Verdict::Proceed, "{other:?}");
        }
        assert_eq!(f.decide(drained), Verdict::Throttle);
    }
}
