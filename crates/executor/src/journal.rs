//! The audit journal: one JSON line per event, appended and handed to the
//! OS as it happens, so it survives a crash of decom. Owner-only: it names
//! everything deleted. Sensitive variable values are hidden in it like in
//! all output.
//!
//! The journal is an audit trail and a resume aid, never a source of
//! identity: see [`recall`] and `decom_plan::Memory` for the only
//! conclusions a re-run may draw from it.

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Read, Seek as _, SeekFrom, Write};
use std::path::Path;

use serde_json::json;
use time::OffsetDateTime;

use decom_parser::{Address, IdentityKind, Knowable, Manifest, Redaction};
use decom_plan::{Memory, Plan, Remembered};

use crate::events::{Event, EventKind, Subject};

/// What a run talked to. Sandbox and real memories never mix: each kind
/// has its own journal file, and each entry says which it was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Endpoint {
    Real,
    Sandbox,
}

/// Where an entry's resource lives and what the manifest called it:
/// what a re-run must match before the entry may say anything.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Whereabouts {
    /// The account it was deleted in: the caller's (STS), else the
    /// owner its ARN or the API named.
    pub account: Option<String>,
    pub region: String,
    /// The `name` value the manifest gave; `None` for ARN or id identities.
    pub name: Option<String>,
}

impl Whereabouts {
    /// Each planned resource's whereabouts.
    pub fn of_plan(plan: &Plan, manifest: &Manifest) -> HashMap<Address, Whereabouts> {
        let names: HashMap<&Address, &str> = manifest
            .resources
            .iter()
            .filter(|r| r.identity.kind == IdentityKind::Name)
            .filter_map(|r| match &r.identity.value {
                Knowable::Known(name) => Some((&r.address, name.as_str())),
                Knowable::AfterRefresh(_) => None,
            })
            .collect();
        plan.resources()
            .iter()
            .map(|r| {
                let whereabouts = Whereabouts {
                    // The caller's account (STS), else the owner live state named.
                    account: r
                        .placement
                        .account
                        .clone()
                        .or_else(|| r.live.as_ref().and_then(|l| l.account_id.clone())),
                    region: r.placement.region.clone(),
                    name: names.get(&r.address).map(|n| n.to_string()),
                };
                (r.address.clone(), whereabouts)
            })
            .collect()
    }
}

pub struct Journal {
    file: File,
    redaction: Redaction,
    endpoint: Endpoint,
    whereabouts: HashMap<Address, Whereabouts>,
}

impl Journal {
    /// Opens (creating it and its directory) `path` for appending; every
    /// line is written through `redaction` and says `endpoint`; resource
    /// events carry their resource's `whereabouts`.
    pub fn open(
        path: &Path,
        redaction: Redaction,
        endpoint: Endpoint,
        whereabouts: HashMap<Address, Whereabouts>,
    ) -> std::io::Result<Journal> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        // Opening a FIFO would block; a device is no audit trail.
        if std::fs::metadata(path).is_ok_and(|m| !m.is_file()) {
            return Err(std::io::Error::other("not a regular file"));
        }
        let mut options = OpenOptions::new();
        options.create(true).read(true).append(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut file = options.open(path)?;
        if !begins_as_a_journal(&mut file)? {
            return Err(std::io::Error::other(NOT_A_JOURNAL));
        }
        end_last_line(&mut file)?;
        Ok(Journal {
            file,
            redaction,
            endpoint,
            whereabouts,
        })
    }

    /// Appends one resource event. `still_deleting` reminders are for
    /// people watching, not the audit trail: at thousands of resources
    /// they would be most of it.
    pub fn record(&mut self, event: &Event) -> std::io::Result<()> {
        if event.event == EventKind::StillDeleting {
            return Ok(());
        }
        let mut line = serde_json::to_value(event).map_err(std::io::Error::other)?;
        if let (Some(fields), Some(w)) = (line.as_object_mut(), self.whereabouts_of(&event.address))
        {
            fields.insert("account".into(), json!(w.account));
            fields.insert("region".into(), json!(w.region));
            fields.insert("name".into(), json!(w.name));
        }
        self.write_line(line)
    }

    /// Where `subject` is: a cascaded child is where its parent is, and
    /// has no manifest `name` (its address is no manifest address, so a
    /// re-run's [`recall`] never reads it as one).
    fn whereabouts_of(&self, subject: &Subject) -> Option<Whereabouts> {
        match subject {
            Subject::Resource(a) => self.whereabouts.get(a).cloned(),
            Subject::Cascade { parent, .. } => self.whereabouts.get(parent).map(|w| Whereabouts {
                name: None,
                ..w.clone()
            }),
        }
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
        if let Some(fields) = line.as_object_mut() {
            fields.insert("endpoint".into(), json!(self.endpoint));
        }
        self.redaction.json(&mut line);
        // One write per line: a crash leaves whole lines behind.
        self.file.write_all(format!("{line}\n").as_bytes())?;
        self.file.flush()
    }
}

/// How much of a journal's start is looked at for one of decom's lines:
/// `apply_started` is a few hundred bytes (a manifest path at most 4 KiB).
const START_LOOKED_AT: u64 = 64 * 1024;

const NOT_A_JOURNAL: &str = "it has content that is not a decom journal, and apply appends \
                             only to its own journals: give another --journal, or move the file away";

/// Refuses, before any request, a `journal` (`--journal`, a plan file's)
/// that names a file with content that is not a decom journal; apply
/// checks again as it opens it.
pub fn check_is_journal(path: &Path) -> Result<(), String> {
    // Absent (it is created), or refused as not a regular file elsewhere;
    // looked at before it is opened: opening a FIFO blocks.
    if !std::fs::metadata(path).is_ok_and(|m| m.is_file()) {
        return Ok(());
    }
    let journal = match File::open(path) {
        Ok(file) if file.metadata().is_ok_and(|m| m.is_file()) => file,
        _ => return Ok(()),
    };
    match begins_as_a_journal(journal) {
        Ok(true) => Ok(()),
        Ok(false) => Err(format!("journal {}: {NOT_A_JOURNAL}", path.display())),
        Err(e) => Err(format!("cannot read journal {}: {e}", path.display())),
    }
}

/// Whether `journal`, read from its start, is empty or begins as a
/// journal: its first whole JSON line is one decom writes (`time`,
/// `event`, `address`), after only blank lines, NULs (a crash's
/// zero-filled blocks) and lines a failed write left unfinished. A
/// `--journal` or a plan file's `journal` that names another file by
/// mistake (or malice: `/etc/passwd`, a JSON file) is never appended to.
fn begins_as_a_journal(journal: impl Read) -> std::io::Result<bool> {
    let mut start = Vec::new();
    journal.take(START_LOOKED_AT).read_to_end(&mut start)?;
    for line in start.split(|&b| b == b'\n') {
        let line = trim_nuls(line.trim_ascii()).trim_ascii();
        if line.is_empty() {
            continue;
        }
        match serde_json::from_slice::<serde_json::Value>(line) {
            Ok(entry) => return Ok(is_entry(&entry)),
            // Unfinished (or cut at the bound): the start of one of decom's lines.
            Err(_) if line.starts_with(b"{\"") || line == b"{" => continue,
            Err(_) => return Ok(false),
        }
    }
    Ok(true)
}

fn trim_nuls(mut line: &[u8]) -> &[u8] {
    while let [0, rest @ ..] = line {
        line = rest;
    }
    while let [rest @ .., 0] = line {
        line = rest;
    }
    line
}

/// A line decom writes: every version wrote these fields.
fn is_entry(line: &serde_json::Value) -> bool {
    let string = |key| line.get(key).is_some_and(serde_json::Value::is_string);
    string("time") && string("event") && line.get("address").is_some()
}

/// Ends the last line of a journal that a failed write (a full disk) or
/// a crash left without its newline: the next line would join it, and
/// both would be one line no reader believes.
fn end_last_line(file: &mut File) -> std::io::Result<()> {
    if file.metadata()?.len() == 0 {
        return Ok(());
    }
    let mut last = [0];
    file.seek(SeekFrom::End(-1))?;
    file.read_exact(&mut last)?;
    if last != *b"\n" {
        // Appended: the file is opened for appending whatever the position.
        file.write_all(b"\n")?;
    }
    Ok(())
}

/// How much of a journal was written at a moment: [`recall`] reads no
/// further. Taken before a refresh, it keeps memory older than what the
/// refresh saw: a name another run resolved, and journalled, after the
/// refresh listed its type could name a resource the refresh never saw,
/// and that resource would count as gone.
#[derive(Debug, Clone, Copy)]
pub struct Written(u64);

/// How much of the journal at `path` is written now (nothing if there
/// is none).
pub fn written(path: &Path) -> Written {
    Written(std::fs::metadata(path).map_or(0, |m| m.len()))
}

/// What earlier runs against `endpoint` left in the journal at `path`,
/// up to `written`, for a re-run: the names they resolved (with account, region and name
/// value, so that a name resolves to "already gone" only under the same
/// ones) and the deletes AWS accepted. Empty if there is no journal.
/// Entries of the other endpoint kind, from journals older than these
/// fields, unreadable, or with a sensitive value hidden in them, are
/// skipped: the journal only ever helps a re-run, never decides one.
/// An error only for a journal that is there but cannot be opened (the
/// caller says so: a resume would otherwise fail with "no ... named").
pub fn recall(path: &Path, endpoint: Endpoint, written: Written) -> std::io::Result<Memory> {
    let mut memory = Memory::default();
    // A FIFO or device at the journal's place must not block or flood a
    // plan: looked at before it is opened.
    if !std::fs::metadata(path).is_ok_and(|m| m.is_file()) {
        return Ok(memory);
    }
    let file = File::open(path)?.take(written.0);
    for_each_short_line(BufReader::new(file), |line| {
        recall_line(line, endpoint, &mut memory)
    });
    Ok(memory)
}

/// Calls `each` with every line of `reader` of at most [`MAX_LINE`]
/// bytes. Longer lines are skipped as they stream past: a journal that is
/// one 3 GB line (a crash, `truncate -s`) costs no memory.
fn for_each_short_line(mut reader: impl BufRead, mut each: impl FnMut(&[u8])) {
    let mut line = Vec::new();
    let mut too_long = false;
    loop {
        let Ok(buf) = reader.fill_buf() else { return };
        if buf.is_empty() {
            if !too_long && !line.is_empty() {
                each(&line);
            }
            return;
        }
        let end = buf.iter().position(|&b| b == b'\n');
        let chunk = &buf[..end.unwrap_or(buf.len())];
        if !too_long && line.len() + chunk.len() <= MAX_LINE {
            line.extend_from_slice(chunk);
        } else {
            too_long = true;
            line.clear();
        }
        let used = chunk.len() + usize::from(end.is_some());
        reader.consume(used);
        if end.is_some() {
            if !too_long {
                each(&line);
            }
            line.clear();
            too_long = false;
        }
    }
}

/// Longer journal lines are not decom's: skipped unread.
const MAX_LINE: usize = 64 * 1024;

#[derive(serde::Deserialize)]
struct Entry {
    address: Option<String>,
    id: Option<String>,
    event: String,
    endpoint: Option<Endpoint>,
    #[serde(flatten)]
    whereabouts: Option<Whereabouts>,
}

fn recall_line(line: &[u8], endpoint: Endpoint, memory: &mut Memory) {
    let Ok(entry) = serde_json::from_slice::<Entry>(line) else {
        return;
    };
    let (Some(address), Some(id), Some(w)) = (entry.address, entry.id, entry.whereabouts) else {
        return;
    };
    let Ok(address) = address.parse::<Address>() else {
        return;
    };
    if entry.endpoint != Some(endpoint) || Redaction::was_applied_to(&id) {
        return;
    }
    let resource_type = address.resource_type;
    if let Some(name) = w.name.filter(|n| !Redaction::was_applied_to(n)) {
        memory.remember(Remembered {
            resource_type,
            account: w.account.as_deref(),
            region: &w.region,
            name: &name,
            id: &id,
        });
    }
    if entry.event == "delete_accepted" {
        memory.remember_delete_accepted(resource_type, id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(kind: EventKind) -> Event {
        Event {
            time: OffsetDateTime::UNIX_EPOCH,
            address: Subject::Resource("aws_dx_connection.nyc".parse().unwrap()),
            id: Some("dxcon-fg123456".into()),
            event: kind,
            elapsed: std::time::Duration::from_secs(10),
            detail: String::new(),
        }
    }

    fn journal_at(path: &Path, endpoint: Endpoint) -> Journal {
        let whereabouts = Whereabouts {
            account: Some("123456789012".into()),
            region: "us-east-1".into(),
            name: Some("nyc".into()),
        };
        let address = "aws_dx_connection.nyc".parse().unwrap();
        Journal::open(
            path,
            Redaction::default(),
            endpoint,
            HashMap::from([(address, whereabouts)]),
        )
        .unwrap()
    }

    fn recalled_name(memory: &Memory) -> bool {
        let live = decom_plan::Inventory::default();
        let seen = std::collections::HashSet::from(["123456789012".to_string()]);
        let scope = decom_plan::AccountScope::new(&seen, &[]);
        memory
            .gone_by_name(
                ResourceType::DxConnection,
                "us-east-1",
                "nyc",
                &scope,
                &live,
            )
            .is_some()
    }

    use decom_parser::ResourceType;

    #[test]
    fn reminders_stay_out_of_the_journal_and_state_changes_go_in() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("journal.jsonl");
        let mut journal = journal_at(&path, Endpoint::Real);
        for kind in [
            EventKind::Deleting,
            EventKind::StillDeleting,
            EventKind::StillDeleting,
            EventKind::DeleteAccepted,
            EventKind::Deleted,
        ] {
            journal.record(&event(kind)).unwrap();
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<serde_json::Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        let kinds: Vec<&str> = lines.iter().map(|l| l["event"].as_str().unwrap()).collect();
        assert_eq!(kinds, ["deleting", "delete_accepted", "deleted"]);
        for line in &lines {
            assert_eq!(line["account"], "123456789012");
            assert_eq!(line["region"], "us-east-1");
            assert_eq!(line["name"], "nyc");
            assert_eq!(line["endpoint"], "real");
        }
        let memory = recall(&path, Endpoint::Real, written(&path)).unwrap();
        assert!(recalled_name(&memory));
        assert!(memory.delete_accepted(ResourceType::DxConnection, "dxcon-fg123456"));
    }

    #[test]
    fn what_is_journalled_after_the_mark_is_not_recalled() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("journal.jsonl");
        let mark = written(&path);
        journal_at(&path, Endpoint::Real)
            .record(&event(EventKind::DeleteAccepted))
            .unwrap();
        let memory = recall(&path, Endpoint::Real, mark).unwrap();
        assert!(!recalled_name(&memory), "a name resolved after the mark");
        assert!(!memory.delete_accepted(ResourceType::DxConnection, "dxcon-fg123456"));
        let memory = recall(&path, Endpoint::Real, written(&path)).unwrap();
        assert!(recalled_name(&memory));
    }

    #[test]
    fn a_file_that_is_not_a_journal_is_never_appended_to() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("other");
        for text in [
            "root:x:0:0:root:/root:/bin/bash\n",
            r#"{"accessToken":"x","expiresAt":"2026-12-03T00:00:00Z"}"#,
            "{\"level\":\"info\",\"event\":\"login\"}\n{\"event\":\"logout\"}\n",
            "{\n  \"pretty\": true\n}\n",
        ] {
            std::fs::write(&path, text).unwrap();
            assert!(check_is_journal(&path).is_err(), "{text}");
            let whereabouts = HashMap::new();
            let refused = Journal::open(&path, Redaction::default(), Endpoint::Real, whereabouts);
            assert!(refused.is_err(), "{text}");
            assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
        }
    }

    #[test]
    fn a_journal_is_appended_to_whatever_a_crash_or_a_full_disk_left_in_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("journal.jsonl");
        let line = r#"{"address":null,"detail":"","event":"apply_started","id":null,"time":"2026-12-03T00:00:00Z"}"#;
        for left in [
            String::new(),
            "\n".to_string(),
            "\0".repeat(4096),
            r#"{"time":"20"#.to_string(),
            "{".to_string(),
            format!("{{\"time\":\"20\n{{\"add\n{line}\n"),
            format!("\0\0\n{line}\n"),
        ] {
            std::fs::write(&path, &left).unwrap();
            assert!(check_is_journal(&path).is_ok(), "{left:?}");
            journal_at(&path, Endpoint::Real)
                .note("apply_started", "")
                .unwrap();
            journal_at(&path, Endpoint::Real)
                .note("apply_finished", "")
                .unwrap();
        }
    }

    #[test]
    fn a_line_left_unfinished_by_an_earlier_run_does_not_swallow_the_next() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("journal.jsonl");
        // A full disk stopped the last write mid-line.
        std::fs::write(&path, r#"{"time":"2026-12-0"#).unwrap();
        journal_at(&path, Endpoint::Real)
            .record(&event(EventKind::DeleteAccepted))
            .unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text.lines().count(), 2, "{text}");
        assert!(recalled_name(
            &recall(&path, Endpoint::Real, written(&path)).unwrap()
        ));
        // A journal that ends its lines is appended to as it is.
        journal_at(&path, Endpoint::Real)
            .note("apply_finished", "")
            .unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap().lines().count(), 3);
    }

    #[test]
    fn a_cascade_is_journalled_where_its_parent_is_and_never_recalled() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("journal.jsonl");
        let child = "aws_dx_connection.nyc -> aws_supplychain_data_lake_namespace[\"i,sales\"]";
        let mut cascade = event(EventKind::DeletedWithParent);
        cascade.address = Subject::Cascade {
            parent: "aws_dx_connection.nyc".parse().unwrap(),
            address: child.into(),
        };
        cascade.id = Some("i,sales".into());
        journal_at(&path, Endpoint::Real).record(&cascade).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        let line: serde_json::Value = serde_json::from_str(text.trim()).unwrap();
        assert_eq!(line["address"], child);
        assert_eq!(line["event"], "deleted_with_parent");
        assert_eq!(line["account"], "123456789012");
        assert_eq!(line["region"], "us-east-1");
        assert_eq!(line["name"], serde_json::Value::Null);
        // Memory learns nothing from it: no name, no manifest address.
        assert!(!recalled_name(
            &recall(&path, Endpoint::Real, written(&path)).unwrap()
        ));
    }

    #[test]
    fn sandbox_entries_are_not_recalled_by_a_real_run_nor_the_reverse() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("journal.jsonl");
        journal_at(&path, Endpoint::Sandbox)
            .record(&event(EventKind::DeleteAccepted))
            .unwrap();
        let real = recall(&path, Endpoint::Real, written(&path)).unwrap();
        assert!(!recalled_name(&real));
        assert!(!real.delete_accepted(ResourceType::DxConnection, "dxcon-fg123456"));
        assert!(recalled_name(
            &recall(&path, Endpoint::Sandbox, written(&path)).unwrap()
        ));
    }

    #[test]
    fn old_or_foreign_lines_are_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("journal.jsonl");
        let old = r#"{"time":"2026-01-01T00:00:00Z","address":"aws_dx_connection.nyc","id":"dxcon-fg123456","event":"deleted","detail":""}"#;
        let long = "x".repeat(MAX_LINE + 1);
        std::fs::write(&path, format!("{old}\nnot json\n{long}\n")).unwrap();
        assert!(!recalled_name(
            &recall(&path, Endpoint::Real, written(&path)).unwrap()
        ));
        let device = recall(Path::new("/dev/zero"), Endpoint::Real, Written(u64::MAX)).unwrap();
        assert!(!recalled_name(&device));
    }

    #[test]
    fn long_lines_are_skipped_as_they_stream_past() {
        let long = vec![b'x'; MAX_LINE * 3];
        let text = [b"first\n".as_slice(), &long, b"\nsecond\nlast"].concat();
        // A tiny buffer: every line arrives in many pieces.
        let reader = BufReader::with_capacity(7, text.as_slice());
        let mut lines = Vec::new();
        for_each_short_line(reader, |l| {
            lines.push(String::from_utf8_lossy(l).into_owned())
        });
        assert_eq!(lines, ["first", "second", "last"]);
    }
}
