//! Load and fault injection: a token bucket per service (`--throttle-rps`)
//! and a deterministic fault sequence (`--fault-rate`, `--seed`): the n-th
//! request that passes the throttle is faulted iff a hash of (seed, n) falls
//! under the rate, so the same seed yields the same sequence.

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
}

#[derive(Debug)]
struct Bucket {
    tokens: f64,
    last: Instant,
}

#[derive(Debug)]
pub(crate) struct Faults {
    rps: Option<f64>,
    buckets: Mutex<[Bucket; 3]>,
    rate: f64,
    drop_share: f64,
    seed: u64,
    counter: AtomicU64,
}

fn unit(x: u64) -> f64 {
    (x >> 11) as f64 / (1u64 << 53) as f64
}

impl Faults {
    pub(crate) fn new(rps: Option<f64>, rate: f64, drop_share: f64, seed: u64) -> Faults {
        let burst = rps.map(|r| r.max(1.0)).unwrap_or(0.0);
        let now = Instant::now();
        let b = || Bucket {
            tokens: burst,
            last: now,
        };
        Faults {
            rps,
            buckets: Mutex::new([b(), b(), b()]),
            rate,
            drop_share,
            seed,
            counter: AtomicU64::new(0),
        }
    }

    pub(crate) fn decide(&self, service: ServiceKind) -> Verdict {
        if let Some(rps) = self.rps {
            let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
            let b = &mut buckets[service.index()];
            let now = Instant::now();
            let burst = rps.max(1.0);
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
                Verdict::Drop
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
            let f = Faults::new(None, 0.3, 0.5, seed);
            (0..200)
                .map(|_| f.decide(ServiceKind::AppRunner))
                .collect::<Vec<_>>()
        };
        assert_eq!(seq(1), seq(1));
        assert_ne!(seq(1), seq(2));
        let faulted = seq(1).iter().filter(|v| **v != Verdict::Proceed).count();
        assert!((30..90).contains(&faulted), "{faulted}");
    }

    #[test]
    fn bucket_throttles_beyond_burst() {
        let f = Faults::new(Some(5.0), 0.0, 0.0, 0);
        let ok = (0..20)
            .filter(|_| f.decide(ServiceKind::DirectConnect) == Verdict::Proceed)
            .count();
        assert!((5..=6).contains(&ok), "{ok}");
        assert_eq!(f.decide(ServiceKind::SupplyChain), Verdict::Proceed);
    }
}
