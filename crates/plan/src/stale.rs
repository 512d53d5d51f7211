//! Is a saved plan still what applying would do? (DESIGN section 6.)
//!
//! Both plans are written as one line per resource — action, identity,
//! live relations — plus the manifest digest, and compared as text, so the
//! refusal can show exactly what changed as a unified diff. Changes that
//! are fine are normalised away first: a planned resource that is already
//! gone, or that someone else already started deleting.
//!
//! Cascades are lines too. A saved cascade that is gone now is fine; a
//! child that a planned parent would take with it and that the saved plan
//! does not show (created since) is "a new resource would be affected":
//! stale, since approving a plan approves exactly the cascades it shows.

use std::collections::{BTreeMap, HashMap, HashSet};

use decom_parser::Redaction;
use sha2::{Digest as _, Sha256};
use similar::TextDiff;

use crate::file::PlanFile;
use crate::live::{LiveResource, LiveState};
use crate::{Action, Cascade, Plan, PlannedResource};

/// Why a saved plan may not be applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Staleness {
    /// Unified diff, saved plan (`-`) against now (`+`).
    pub diff: String,
}

/// `None` if `fresh` (planned now, from a manifest with digest
/// `fresh_digest`) matches `saved`. The saved file was written through
/// `redaction`; the fresh plan is compared through it too.
pub fn staleness(
    saved: &PlanFile,
    fresh_digest: &str,
    fresh: &Plan,
    redaction: &Redaction,
) -> Option<Staleness> {
    SavedLines::of(saved).staleness(fresh_digest, fresh, redaction)
}

/// A saved plan's comparison lines: what a stale plan's diff is made of.
/// `apply PLANFILE` holds only their digests ([`Baseline`]) through its
/// refresh and reads these again from the file when the plan is stale.
#[derive(Debug, Clone)]
pub struct SavedLines {
    manifest_digest: String,
    /// Each resource's line, by address.
    lines: BTreeMap<String, String>,
    /// Addresses the saved plan deletes.
    deletes: HashSet<String>,
    /// Each cascade's line, by address.
    cascades: BTreeMap<String, String>,
}

impl SavedLines {
    pub fn of(saved: &PlanFile) -> SavedLines {
        SavedLines {
            manifest_digest: saved.manifest_digest.clone(),
            lines: saved
                .resources
                .iter()
                .map(|r| (r.address.to_string(), line(r)))
                .collect(),
            deletes: saved
                .resources
                .iter()
                .filter(|r| r.action == Action::Delete)
                .map(|r| r.address.to_string())
                .collect(),
            cascades: saved
                .cascades
                .iter()
                .map(|c| (c.address(), cascade_line(c)))
                .collect(),
        }
    }

    /// `None` if `fresh` (planned now, from a manifest with digest
    /// `fresh_digest`) matches the saved plan; see [`staleness`]. What is
    /// compared here must be what [`Baseline::is_stale`] compares.
    pub fn staleness(
        &self,
        fresh_digest: &str,
        fresh: &Plan,
        redaction: &Redaction,
    ) -> Option<Staleness> {
        let fresh_line = |r: &PlannedResource| redaction.text(&line(r)).into_owned();
        let mut saved_lines = self.lines.clone();
        let mut fresh_lines: BTreeMap<String, String> = BTreeMap::new();
        for r in &fresh.resources {
            let address = r.address.to_string();
            let saved_delete = self.deletes.contains(&address);
            let line = fresh_line(r);
            let normalised = match saved_lines.get(&address) {
                Some(s)
                    if saved_still_holds(r, saved_delete, place(s) == place(&line), || {
                        same_identity(s, &line)
                    }) =>
                {
                    s.clone()
                }
                _ => line,
            };
            fresh_lines.insert(address, normalised);
        }
        // Keyed as the saved file writes them: a revision's address (its
        // ARN) carries a sensitive name hidden there.
        let fresh_cascades: BTreeMap<String, String> = fresh
            .cascades
            .iter()
            .map(|c| {
                let address = redaction.text(&c.address()).into_owned();
                (address, redaction.text(&cascade_line(c)).into_owned())
            })
            .collect();
        // Saved cascades not found now are gone: fine.
        let saved_cascades = self
            .cascades
            .iter()
            .filter(|(address, _)| fresh_cascades.contains_key(*address))
            .map(|(address, l)| (address.clone(), l.clone()));
        saved_lines.extend(saved_cascades);
        fresh_lines.extend(fresh_cascades);
        let text = |digest: &str, lines: &BTreeMap<String, String>| {
            let mut t = format!("manifest {digest}\n");
            for l in lines.values() {
                t.push_str(l);
                t.push('\n');
            }
            t
        };
        let before = text(&self.manifest_digest, &saved_lines);
        let after = text(fresh_digest, &fresh_lines);
        (before != after).then(|| Staleness {
            diff: TextDiff::from_lines(&before, &after)
                .unified_diff()
                .header("saved plan", "now")
                .to_string(),
        })
    }
}

/// What `apply PLANFILE` compares a fresh plan with: the digest of each
/// of the saved plan's lines ([`SavedLines`]), by the digest of its
/// address. A tenth of the lines' size at 10,000 resources. `apply` reads
/// it from the plan file once the fresh plan is made, so that it is not
/// held through the planning step where memory peaks; the lines
/// themselves are read again only to show a stale plan's diff, and
/// trusted only if they are the ones this was made from
/// ([`Baseline::made_from`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Baseline {
    manifest_digest: String,
    /// Each resource's line, then each cascade's, by address.
    lines: HashMap<LineDigest, Saved>,
    cascades: HashMap<LineDigest, LineDigest>,
}

/// A saved resource's line as digests.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Saved {
    line: LineDigest,
    /// Its id and relations (see [`same_identity`]).
    identity: Option<LineDigest>,
    /// Its region and account (see [`place`]).
    place: Option<LineDigest>,
    delete: bool,
}

/// The first 128 bits of a text's SHA-256: lines that differ must never
/// compare equal (a changed id would pass as approved), so a hash made
/// for collisions to be found only by chance.
type LineDigest = [u8; 16];

fn digest(text: &str) -> LineDigest {
    let full = Sha256::digest(text.as_bytes());
    let mut out = [0; 16];
    out.copy_from_slice(&full[..16]);
    out
}

/// A [`Baseline`]'s lines, added one saved resource or cascade at a time
/// (as the plan file is read, none of them held).
#[derive(Debug, Default)]
pub(crate) struct BaselineLines {
    lines: HashMap<LineDigest, Saved>,
    cascades: HashMap<LineDigest, LineDigest>,
}

impl BaselineLines {
    pub(crate) fn add_resource(&mut self, r: &PlannedResource) {
        let delete = r.action == Action::Delete;
        self.add_line(&r.address.to_string(), &line(r), delete);
    }

    pub(crate) fn add_cascade(&mut self, c: &Cascade) {
        self.add_cascade_line(&c.address(), &cascade_line(c));
    }

    pub(crate) fn extend(&mut self, other: BaselineLines) {
        self.lines.extend(other.lines);
        self.cascades.extend(other.cascades);
    }

    pub(crate) fn finish(self, manifest_digest: String) -> Baseline {
        Baseline {
            manifest_digest,
            lines: self.lines,
            cascades: self.cascades,
        }
    }

    fn add_line(&mut self, address: &str, line: &str, delete: bool) {
        let saved = Saved {
            line: digest(line),
            identity: identity(line).map(digest),
            place: place(line).map(digest),
            delete,
        };
        self.lines.insert(digest(address), saved);
    }

    fn add_cascade_line(&mut self, address: &str, line: &str) {
        self.cascades.insert(digest(address), digest(line));
    }
}

impl Baseline {
    pub fn of(saved: &PlanFile) -> Baseline {
        Baseline::of_lines(&SavedLines::of(saved))
    }

    fn of_lines(saved: &SavedLines) -> Baseline {
        let mut lines = BaselineLines::default();
        for (address, line) in &saved.lines {
            lines.add_line(address, line, saved.deletes.contains(address));
        }
        for (address, line) in &saved.cascades {
            lines.add_cascade_line(address, line);
        }
        lines.finish(saved.manifest_digest.clone())
    }

    /// Whether `lines` (read again from the plan file) are the lines this
    /// was made from: a plan file replaced or edited since must not be
    /// shown as what was approved.
    pub fn made_from(&self, lines: &SavedLines) -> bool {
        *self == Baseline::of_lines(lines)
    }

    /// Whether `fresh` (planned now, from a manifest with digest
    /// `fresh_digest`) differs from the saved plan: the comparison of
    /// [`SavedLines::staleness`], on digests.
    pub fn is_stale(&self, fresh_digest: &str, fresh: &Plan, redaction: &Redaction) -> bool {
        fresh_digest != self.manifest_digest
            || fresh.resources.len() != self.lines.len()
            || fresh
                .resources
                .iter()
                .any(|r| self.resource_changed(r, redaction))
            || fresh
                .cascades
                .iter()
                .any(|c| self.cascade_new(c, redaction))
    }

    /// Whether fresh `r` is not a saved resource, or its line differs
    /// from its saved one where that does not still hold for it. Looked
    /// up one at a time: apply compares at its peak of memory, and maps
    /// of both sides' lines cost megabytes at 10,000 resources.
    fn resource_changed(&self, r: &PlannedResource, redaction: &Redaction) -> bool {
        let Some(saved) = self.lines.get(&digest(&r.address.to_string())) else {
            return true;
        };
        let line = redaction.text(&line(r)).into_owned();
        let same_place = saved.place == place(&line).map(digest);
        let holds = saved_still_holds(r, saved.delete, same_place, || {
            saved.identity == identity(&line).map(digest)
        });
        !holds && digest(&line) != saved.line
    }

    /// Whether fresh cascade `c` was not saved, or differs (a saved one
    /// not found now is gone: fine).
    fn cascade_new(&self, c: &Cascade, redaction: &Redaction) -> bool {
        let address = digest(&redaction.text(&c.address()));
        self.cascades.get(&address) != Some(&digest(&redaction.text(&cascade_line(c))))
    }
}

/// Whether a saved resource's line stands for fresh `r` (the one rule of
/// [`SavedLines::staleness`] and [`Baseline::is_stale`]), looked for in
/// the same region and account (`same_place`): it is gone since, or
/// someone else is deleting what the plan deletes (`saved_delete`, with
/// the same id and relations: `same_identity`). Both are fine. Not found
/// in another region or account (an apply with another `--region`,
/// `AWS_REGION` or credentials) is not "gone": it was looked for
/// elsewhere, and taken as gone it was a false success.
fn saved_still_holds(
    r: &PlannedResource,
    saved_delete: bool,
    same_place: bool,
    same_identity: impl FnOnce() -> bool,
) -> bool {
    let gone = r.live.as_ref().is_none_or(|l| l.state == LiveState::Gone);
    same_place && (gone || (r.action == Action::Wait && saved_delete && same_identity()))
}

/// `ADDRESS: ACTION ID rel=VALUE... @ REGION ACCOUNT`
fn line(r: &PlannedResource) -> String {
    let action = match r.action {
        Action::Delete => "delete",
        Action::Wait => "wait",
        Action::NoOp => "no-op",
    };
    let facts = r.live.as_ref().map(facts).unwrap_or_default();
    let region = &r.placement.region;
    let account = r
        .placement
        .account
        .as_deref()
        .unwrap_or("(account unknown)");
    format!("{}: {action}{facts}{PLACE}{region} {account}", r.address)
}

/// Where a line's resource was looked for: its region and account.
const PLACE: &str = " @ ";

/// The region and account of a resource's line.
fn place(line: &str) -> Option<&str> {
    line.rsplit_once(PLACE).map(|(_, place)| place)
}

/// `ADDRESS: cascade ID rel=VALUE...`
fn cascade_line(c: &Cascade) -> String {
    format!("{}: cascade{}", c.address(), facts(&c.live))
}

/// ` ID rel=VALUE...`: what names a live resource and how it is related.
fn facts(live: &LiveResource) -> String {
    let mut out = format!(" {}", live.id);
    for rel in &live.relations {
        let target = rel.target.as_deref().unwrap_or("(none)");
        out.push_str(&format!(" {}={target}", rel.attr.name()));
    }
    out
}

/// The saved and fresh lines name the same live resource with the same
/// relations (only the action differs).
fn same_identity(saved_line: &str, fresh_line: &str) -> bool {
    identity(saved_line) == identity(fresh_line)
}

/// `ADDRESS: ACTION REST`: REST (id and relations).
fn identity(line: &str) -> Option<&str> {
    line.split_once(' ')
        .and_then(|(_, after_address)| after_address.split_once(' '))
        .map(|(_, rest)| rest)
}
