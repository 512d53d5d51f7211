//! Reading what a run did from the simulator's audit log: calls by
//! operation, answers that made the client retry, which resources were
//! asked to be deleted, and the time window of a phase.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use decom_sim::AuditEntry;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// A summary of a slice of the audit log.
#[derive(Debug, Default)]
pub struct AuditSummary {
    /// Every request, including throttled and faulted ones.
    pub calls: usize,
    pub by_operation: BTreeMap<String, usize>,
    /// Answered `ThrottlingException`: the client backs off and retries.
    pub throttled: usize,
    /// Answered 5xx or dropped by fault injection: the client retries.
    pub faulted: usize,
    /// Targets of every `Delete*` request, whatever the answer.
    pub delete_targets: BTreeSet<String>,
    /// Targets of `Delete*` requests answered 2xx.
    pub deleted: BTreeSet<String>,
    /// From the first `Delete*` request to the last request of the slice.
    pub deletion_phase: Option<Duration>,
}

impl AuditSummary {
    pub fn of(entries: &[AuditEntry]) -> AuditSummary {
        let mut s = AuditSummary {
            calls: entries.len(),
            ..AuditSummary::default()
        };
        let mut first_delete = None;
        for e in entries {
            *s.by_operation.entry(e.operation.clone()).or_default() += 1;
            if e.error.as_deref() == Some("ThrottlingException") {
                s.throttled += 1;
            } else if e.status == 0 || e.status >= 500 {
                s.faulted += 1;
            }
            if is_delete(&e.operation) {
                first_delete = first_delete.or(Some(e.ts.as_str()));
                if let Some(t) = &e.target {
                    s.delete_targets.insert(t.clone());
                    if (200..300).contains(&e.status) {
                        s.deleted.insert(t.clone());
                    }
                }
            }
        }
        if let (Some(first), Some(last)) = (first_delete, entries.last()) {
            s.deletion_phase = between(first, &last.ts);
        }
        s
    }

    /// Requests answered throttled or faulted: each one made the client retry (or give up).
    pub fn retries(&self) -> usize {
        self.throttled + self.faulted
    }

    /// `Delete*` requests (all answers).
    pub fn delete_calls(&self) -> usize {
        self.by_operation
            .iter()
            .filter(|(op, _)| is_delete(op))
            .map(|(_, n)| n)
            .sum()
    }

    /// Calls by operation as one line: `DeleteService 412, ListServices 30`.
    pub fn operations_line(&self) -> String {
        let mut ops: Vec<_> = self.by_operation.iter().collect();
        ops.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        ops.iter()
            .map(|(op, n)| format!("{op} {n}"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

fn is_delete(operation: &str) -> bool {
    operation.starts_with("Delete")
}

fn between(from: &str, to: &str) -> Option<Duration> {
    let parse = |t: &str| OffsetDateTime::parse(t, &Rfc3339).ok();
    let d = parse(to)? - parse(from)?;
    d.try_into().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(
        ts: &str,
        op: &str,
        target: Option<&str>,
        status: u16,
        error: Option<&str>,
    ) -> AuditEntry {
        AuditEntry {
            ts: ts.into(),
            service: "apprunner".into(),
            operation: op.into(),
            target: target.map(Into::into),
            status,
            region: "us-east-1".into(),
            account: None,
            error: error.map(Into::into),
        }
    }

    #[test]
    fn counts_retries_deletes_and_the_deletion_window() {
        let log = [
            entry("2026-01-01T00:00:00.000Z", "ListServices", None, 200, None),
            entry(
                "2026-01-01T00:00:01.000Z",
                "DeleteService",
                Some("a"),
                400,
                Some("ThrottlingException"),
            ),
            entry(
                "2026-01-01T00:00:01.500Z",
                "DeleteService",
                Some("a"),
                500,
                Some("InternalServiceErrorException"),
            ),
            entry(
                "2026-01-01T00:00:02.000Z",
                "DeleteService",
                Some("a"),
                200,
                None,
            ),
            entry(
                "2026-01-01T00:00:02.100Z",
                "DeleteService",
                Some("b"),
                0,
                None,
            ),
            entry("2026-01-01T00:00:03.250Z", "ListServices", None, 200, None),
        ];
        let s = AuditSummary::of(&log);
        assert_eq!(s.calls, 6);
        assert_eq!((s.throttled, s.faulted, s.retries()), (1, 2, 3));
        assert_eq!(s.delete_calls(), 4);
        assert_eq!(s.delete_targets.len(), 2);
        assert_eq!(s.deleted.iter().collect::<Vec<_>>(), ["a"]);
        assert_eq!(s.deletion_phase, Some(Duration::from_millis(2_250)));
        assert_eq!(s.operations_line(), "DeleteService 4, ListServices 2");
    }
}
