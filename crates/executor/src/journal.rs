//! The audit journal: one JSON line per event, appended and handed to the
//! OS as it happens, so it survives a crash of decom. Owner-only: it names
//! everything deleted. Sensitive variable values are hidden in it like in
//! all output.

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use serde_json::json;
use time::OffsetDateTime;

use decom_parser::{Address, Redaction};

use crate::events::{Event, EventKind};

pub struct Journal {
    file: File,
    path: PathBuf,
    redaction: Redaction,
}

impl Journal {
    /// Opens (creating it and its directory) `path` for appending; every
    /// line is written through `redaction`.
    pub fn open(path: &Path, redaction: Redaction) -> std::io::Result<Journal> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        let mut options = OpenOptions::new();
        options.create(true).append(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        Ok(Journal {
            file: options.open(path)?,
            path: path.to_path_buf(),
            redaction,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends one resource event. `still_deleting` reminders are for
    /// people watching, not the audit trail: at thousands of resources
    /// they would be most of it.
    pub fn record(&mut self, event: &Event) -> std::io::Result<()> {
        if event.event == EventKind::StillDeleting {
            return Ok(());
        }
        let line = serde_json::to_value(event).map_err(std::io::Error::other)?;
        self.write_line(line)
    }

    /// Appends a run-level entry (`apply_started`, `apply_finished`...).
    pub fn note(&mut self, event: &str, detail: &str) -> std::io::Result<()> {
        let time = OffsetDateTime::now_utc()
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default();
        let line =
            json!({"time": time, "address": null, "id": null, "event": event, "detail": detail});
        self.write_line(line)
    }

    fn write_line(&mut self, mut line: serde_json::Value) -> std::io::Result<()> {
        self.redaction.json(&mut line);
        // One write per line: a crash leaves whole lines behind.
        self.file.write_all(format!("{line}\n").as_bytes())?;
        self.file.flush()
    }
}

/// The id each address had when an earlier run worked on it (`deleting`,
/// `waiting`, `deleted` events), from the journal at `path`; empty if there
/// is none. Unreadable lines, and ids with a sensitive value hidden in
/// them, are skipped: this only helps a re-run resume.
pub fn resolved_ids(path: &Path) -> HashMap<Address, String> {
    let Ok(text) = std::fs::read_to_string(path) else {
        return HashMap::new();
    };
    text.lines()
        .filter_map(|line| {
            let v: serde_json::Value = serde_json::from_str(line).ok()?;
            let event = v.get("event")?.as_str()?;
            if !matches!(event, "deleting" | "waiting" | "deleted") {
                return None;
            }
            let address = v.get("address")?.as_str()?.parse().ok()?;
            let id = v.get("id")?.as_str()?;
            (!Redaction::was_applied_to(id)).then(|| (address, id.to_string()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(kind: EventKind) -> Event {
        Event {
            time: OffsetDateTime::UNIX_EPOCH,
            address: "aws_dx_connection.nyc".parse().unwrap(),
            id: Some("dxcon-fg123456".into()),
            event: kind,
            elapsed: std::time::Duration::from_secs(10),
            detail: String::new(),
        }
    }

    #[test]
    fn reminders_stay_out_of_the_journal_and_state_changes_go_in() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("journal.jsonl");
        let mut journal = Journal::open(&path, Redaction::default()).unwrap();
        for kind in [
            EventKind::Deleting,
            EventKind::StillDeleting,
            EventKind::StillDeleting,
            EventKind::Deleted,
        ] {
            journal.record(&event(kind)).unwrap();
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let kinds: Vec<String> = text
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["event"].to_string())
            .collect();
        assert_eq!(kinds, ["\"deleting\"", "\"deleted\""]);
        let resolved = resolved_ids(&path);
        assert_eq!(resolved.values().collect::<Vec<_>>(), ["dxcon-fg123456"]);
    }
}
