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

use std::collections::{BTreeMap, HashSet};

use decom_parser::Redaction;
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
    Baseline::of(saved).staleness(fresh_digest, fresh, redaction)
}

/// What a saved plan is compared by: its lines. Far smaller than the
/// file, so `apply PLANFILE` can let go of the file before refreshing.
#[derive(Debug, Clone)]
pub struct Baseline {
    manifest_digest: String,
    /// Each resource's line, by address.
    lines: BTreeMap<String, String>,
    /// Addresses the saved plan deletes.
    deletes: HashSet<String>,
    /// Each cascade's line, by address.
    cascades: BTreeMap<String, String>,
}

impl Baseline {
    pub fn of(saved: &PlanFile) -> Baseline {
        Baseline {
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
    /// `fresh_digest`) matches the saved plan; see [`staleness`].
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
            let saved_line = saved_lines.get(&address);
            let gone = r.live.as_ref().is_none_or(|l| l.state == LiveState::Gone);
            let saved_delete = self.deletes.contains(&address);
            let normalised = match saved_line {
                // Gone since, or being deleted by someone else: both fine.
                Some(s)
                    if gone
                        || (r.action == Action::Wait
                            && saved_delete
                            && same_identity(s, &fresh_line(r))) =>
                {
                    s.clone()
                }
                _ => fresh_line(r),
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

/// `ADDRESS: ACTION ID rel=VALUE...`
fn line(r: &PlannedResource) -> String {
    let action = match r.action {
        Action::Delete => "delete",
        Action::Wait => "wait",
        Action::NoOp => "no-op",
    };
    let facts = r.live.as_ref().map(facts).unwrap_or_default();
    format!("{}: {action}{facts}", r.address)
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
    // `ADDRESS: ACTION REST`: compare REST (id and relations).
    let rest = |l: &str| {
        l.split_once(' ')
            .and_then(|(_, after_address)| after_address.split_once(' '))
            .map(|(_, rest)| rest.to_string())
    };
    rest(saved_line) == rest(fresh_line)
}
