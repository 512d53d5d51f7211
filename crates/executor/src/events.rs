//! What happens during an apply, as events: printed as progress, written
//! to the journal, emitted as JSON lines.

use std::time::Duration;

use decom_parser::Address;
use time::OffsetDateTime;

/// One state change of one resource.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Event {
    #[serde(with = "time::serde::rfc3339")]
    pub time: OffsetDateTime,
    pub address: Subject,
    /// The live id or ARN, when there is one.
    pub id: Option<String>,
    pub event: EventKind,
    /// Since this resource's work started.
    #[serde(serialize_with = "as_millis", rename = "elapsed_ms")]
    pub elapsed: Duration,
    pub detail: String,
}

/// What an event is about: a resource of the plan, or a child AWS deleted
/// with one (a cascade, named by its cascade address). Written as its
/// address text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    Resource(Address),
    Cascade {
        /// The plan's resource whose deletion took it.
        parent: Address,
        /// `PARENT -> TYPE["ID"]` (never a manifest address).
        address: String,
    },
}

impl std::fmt::Display for Subject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Subject::Resource(a) => a.fmt(f),
            Subject::Cascade { address, .. } => f.write_str(address),
        }
    }
}

impl serde::Serialize for Subject {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// The delete request is about to be sent.
    Deleting,
    /// AWS accepted the delete request; a re-run waits instead of
    /// sending another (journal only, no progress line).
    DeleteAccepted,
    /// Already being deleted: waiting for AWS to finish.
    Waiting,
    /// A periodic reminder while AWS deletes.
    StillDeleting,
    /// A delete request was refused for a reason worth retrying.
    Retrying,
    /// A status check (is it gone yet?) failed; it is retried. `detail`
    /// has the attempt number and the error.
    StatusCheckFailed,
    /// AWS confirmed it is gone.
    Deleted,
    /// A child AWS deleted with its parent (a cascade), reported once the
    /// parent's deletion is confirmed; no request of its own.
    DeletedWithParent,
    /// Nothing to do: it was already gone.
    AlreadyGone,
    Failed,
    /// Not attempted: something that must go before it failed.
    Skipped,
    /// Stopped by an interrupt before it was confirmed gone.
    Interrupted,
}

fn as_millis<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_u64(d.as_millis().try_into().unwrap_or(u64::MAX))
}

/// `1m12s`, `10s`, `1h2m0s`, `350ms` — Terraform's way of saying elapsed time.
pub fn human(d: Duration) -> String {
    let secs = d.as_secs();
    if secs == 0 {
        return format!("{}ms", d.as_millis());
    }
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    match (h, m) {
        (0, 0) => format!("{s}s"),
        (0, _) => format!("{m}m{s}s"),
        _ => format!("{h}h{m}m{s}s"),
    }
}

impl Event {
    /// The Terraform-like progress line; `None` for events only the
    /// journal and `--json` carry.
    pub fn line(&self) -> Option<String> {
        let a = &self.address;
        let id = self
            .id
            .as_deref()
            .map(|i| format!(" [id={i}]"))
            .unwrap_or_default();
        let t = human(self.elapsed);
        Some(match self.event {
            EventKind::Deleting => format!("{a}: Deleting...{id}"),
            EventKind::Waiting if self.detail.is_empty() => {
                format!("{a}: Already being deleted; waiting...{id}")
            }
            EventKind::Waiting => format!(
                "{a}: Already being deleted ({}); waiting...{id}",
                self.detail
            ),
            EventKind::StillDeleting => format!("{a}: Still deleting... [{t} elapsed]"),
            EventKind::Retrying => format!("{a}: Retrying after: {}", self.detail),
            EventKind::StatusCheckFailed => {
                format!(
                    "{a}: Warning: status check failed, will retry: {}",
                    self.detail
                )
            }
            EventKind::Deleted => format!("{a}: Deletion complete after {t}"),
            EventKind::DeletedWithParent => match &self.address {
                Subject::Cascade { parent, .. } => format!("{a}: Deleted with {parent}"),
                Subject::Resource(_) => format!("{a}: Deleted with its parent"),
            },
            EventKind::AlreadyGone => format!("{a}: Already gone"),
            EventKind::Failed => format!("{a}: Deletion failed after {t}: {}", self.detail),
            EventKind::Skipped => format!("{a}: Skipped: {}", self.detail),
            EventKind::Interrupted => format!("{a}: Interrupted after {t}; re-run apply to resume"),
            EventKind::DeleteAccepted => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::human;
    use std::time::Duration;

    #[test]
    fn elapsed_time_reads_like_terraform() {
        assert_eq!(human(Duration::from_millis(350)), "350ms");
        assert_eq!(human(Duration::from_secs(10)), "10s");
        assert_eq!(human(Duration::from_secs(72)), "1m12s");
        assert_eq!(human(Duration::from_secs(3720)), "1h2m0s");
    }
}
