//! `show --markdown`: a compact summary fit for a pull-request comment —
//! where and when the plan was made (accounts, regions, git commit, time),
//! counts per type, blockers and warnings, a table of resources by wave,
//! and the full plan collapsed as a `diff` block (`-` lines are deletes).
//!
//! GitHub refuses comments over 65,536 characters, and a plan of thousands
//! of resources would exceed that many times over. Each part therefore has
//! a budget; past it the part is cut at a line boundary and the comment
//! says so, pointing at `decom show` for the rest. The budgets add up to
//! well under the limit whatever the plan holds.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use decom_parser::printable::printable_in_line;

use crate::{render, Action, Cascade, Plan, PlannedResource};

/// GitHub's limit on an issue or pull-request comment, in characters.
pub const GITHUB_COMMENT_LIMIT: usize = 65_536;
/// Budget for the resource table (bytes, which bound characters).
const TABLE_BUDGET: usize = 24_000;
/// Budget for the collapsed full plan.
const FULL_PLAN_BUDGET: usize = 30_000;
/// Budget for warnings and waits.
const NOTES_BUDGET: usize = 6_000;
/// At most this many rows in the resource table: past a few hundred a
/// table is not read, the counts per type are.
const MAX_ROWS: usize = 200;
/// At most this many accounts or regions named in the header.
const MAX_LISTED: usize = 10;
/// At most this many "after …" entries in one row's reason.
const MAX_REASONS: usize = 3;

pub fn to_markdown(plan: &Plan) -> String {
    let mut out = String::from("### decom plan\n\n");
    out.push_str(&provenance_table(plan));
    let cascades = match plan.cascades().len() {
        0 => String::new(),
        n => format!(" · **{n}** deleted with their parent"),
    };
    let _ = writeln!(
        out,
        "**{}** to delete{cascades} · **{}** to wait for · **{}** already gone\n",
        plan.count(Action::Delete),
        plan.count(Action::Wait),
        plan.count(Action::NoOp)
    );
    out.push_str(&counts_per_type(plan));
    // What had to be left out, said explicitly at the end.
    let mut cuts = Vec::new();
    out.push_str("#### Blockers and warnings\n\n");
    let notes = notes(plan);
    if notes.is_empty() {
        out.push_str("None. (Live resources outside the manifest that would block a delete stop `decom plan`, so a saved plan has no blockers.)\n");
    } else {
        let (text, cut) = within_budget(&notes, NOTES_BUDGET, "notes");
        out.push_str(&text);
        cuts.extend(cut);
    }

    out.push_str("\n#### Resources by wave\n\n");
    out.push_str("| wave | resource | action | id | why this order |\n|---:|---|---|---|---|\n");
    let rows: Vec<String> = plan
        .resources
        .iter()
        .flat_map(|r| {
            let cascades = plan.cascades_of(&r.address).map(|c| cascade_row(c, r.wave));
            std::iter::once(row(plan, r)).chain(cascades)
        })
        .collect();
    let (text, _) = within_budget(&rows[..rows.len().min(MAX_ROWS)], TABLE_BUDGET, "resources");
    out.push_str(&text);
    let shown = text.lines().count();
    if shown < rows.len() {
        let _ = writeln!(out, "| | … and {} more | | | |", rows.len() - shown);
        cuts.push(format!(
            "showing the first {shown} of {} resources; {} more not shown",
            rows.len(),
            rows.len() - shown
        ));
    }

    let lines: Vec<String> = render(plan, false).lines().map(diff_line).collect();
    let (text, cut) = within_budget(&lines, FULL_PLAN_BUDGET, "lines of the full plan");
    let _ = write!(
        out,
        "\n<details><summary>Full plan</summary>\n\n```diff\n{text}```\n\n</details>\n"
    );
    cuts.extend(cut);

    for note in &cuts {
        let _ = writeln!(out, "\n_Summarised: {note}._");
    }
    if !cuts.is_empty() {
        let _ = writeln!(
            out,
            "\n**This comment was summarised** to stay under GitHub's {GITHUB_COMMENT_LIMIT}-character comment limit; \
             run `decom show PLANFILE` on the plan artifact for all {} resources.",
            plan.resources.len()
        );
    }
    out
}

/// Accounts, regions, git commit and plan time, as a two-column table.
fn provenance_table(plan: &Plan) -> String {
    let accounts: BTreeSet<&str> = plan
        .resources
        .iter()
        .filter_map(|r| {
            let live = r.live.as_ref().and_then(|l| l.account_id.as_deref());
            r.placement.account.as_deref().or(live)
        })
        .collect();
    let regions: BTreeSet<&str> = plan
        .resources
        .iter()
        .map(|r| r.placement.region.as_str())
        .collect();
    let provenance = plan.provenance();
    let commit = match &provenance.git {
        Some(g) if g.dirty => format!(
            "`{}` **dirty**: the tree had uncommitted changes at plan time",
            g.commit
        ),
        Some(g) => format!("`{}`", g.commit),
        None => "unknown (not planned in a git repository)".to_string(),
    };
    let at = provenance.created_at.to_offset(time::UtcOffset::UTC);
    let planned_at = at
        .replace_nanosecond(0)
        .unwrap_or(at)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default();
    format!(
        "| | |\n|---|---|\n| account(s) | {} |\n| region(s) | {} |\n| git commit | {commit} |\n| planned at | {planned_at} |\n\n",
        listed(&accounts, "unknown"),
        listed(&regions, "none"),
    )
}

/// `` `a`, `b` `` (at most [`MAX_LISTED`], then "and N more").
fn listed(items: &BTreeSet<&str>, none: &str) -> String {
    if items.is_empty() {
        return none.to_string();
    }
    let mut text = items
        .iter()
        .take(MAX_LISTED)
        .map(|i| format!("`{}`", cell(i)))
        .collect::<Vec<_>>()
        .join(", ");
    if items.len() > MAX_LISTED {
        let _ = write!(text, " and {} more", items.len() - MAX_LISTED);
    }
    text
}

/// One row per resource type: how many of each action.
fn counts_per_type(plan: &Plan) -> String {
    let mut counts: BTreeMap<&str, [usize; 4]> = BTreeMap::new();
    for r in &plan.resources {
        let column = match r.action {
            Action::Delete => 0,
            Action::Wait => 1,
            Action::NoOp => 2,
        };
        counts.entry(r.address.resource_type.name()).or_default()[column] += 1;
    }
    for c in plan.cascades() {
        counts.entry(c.live.resource_type.name()).or_default()[3] += 1;
    }
    let mut out = String::from(
        "| type | delete | wait | already gone | with its parent |\n|---|---:|---:|---:|---:|\n",
    );
    for (ty, [delete, wait, gone, cascaded]) in counts {
        let _ = writeln!(out, "| `{ty}` | {delete} | {wait} | {gone} | {cascaded} |");
    }
    out.push('\n');
    out
}

/// A line of the text plan in a `diff` block: a `-` sign moves to the
/// first column (GitHub colours it), everything else is context.
fn diff_line(line: &str) -> String {
    let indent = line.len() - line.trim_start().len();
    match line[indent..].strip_prefix("- ") {
        Some(rest) => format!("-{}  {rest}\n", &line[..indent]),
        None => format!(" {line}\n"),
    }
}

/// Warnings, then resources someone else is already deleting (apply waits
/// for them, and a stuck one holds up its wave).
fn notes(plan: &Plan) -> Vec<String> {
    let warnings = plan
        .warnings
        .iter()
        .map(|w| format!("> **Warning:** {}\n\n", printable_in_line(w)));
    let waits = plan
        .resources
        .iter()
        .filter(|r| r.action == Action::Wait)
        .map(|r| {
            format!(
                "- `{}` is already being deleted outside decom; apply waits for it (wave {}).\n",
                r.address, r.wave
            )
        });
    warnings.chain(waits).collect()
}

fn row(plan: &Plan, r: &PlannedResource) -> String {
    let action = match r.action {
        Action::Delete => "delete",
        Action::Wait => "wait (already deleting)",
        Action::NoOp => "no-op (already gone)",
    };
    let id = r.live.as_ref().map(|l| l.id.as_str()).unwrap_or("—");
    let before = plan.graph.must_go_before(&r.address);
    let mut why: Vec<String> = before
        .iter()
        .take(MAX_REASONS)
        .map(|b| format!("after `{}`", cell(&b.to_string())))
        .collect();
    if before.len() > MAX_REASONS {
        why.push(format!("and {} more", before.len() - MAX_REASONS));
    }
    format!(
        "| {} | `{}` | {action} | `{}` | {} |\n",
        r.wave,
        cell(&r.address.to_string()),
        cell(id),
        if why.is_empty() {
            "—".to_string()
        } else {
            why.join(", ")
        }
    )
}

/// As many whole `items` as fit in `budget` bytes, and, if some did not
/// fit, a note saying how many of them (`what`) were left out.
fn within_budget(items: &[String], budget: usize, what: &str) -> (String, Option<String>) {
    let mut text = String::new();
    for (shown, item) in items.iter().enumerate() {
        if text.len() + item.len() > budget {
            let note = format!(
                "showing the first {shown} of {} {what}; {} more not shown",
                items.len(),
                items.len() - shown
            );
            return (text, Some(note));
        }
        text.push_str(item);
    }
    (text, None)
}

/// Table cells cannot contain `|` or newlines.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// A child deleted with its parent, in its parent's wave.
fn cascade_row(c: &Cascade, wave: usize) -> String {
    format!(
        "| {wave} | `{}` | deleted with `{}` ({}) | `{}` | with its parent |\n",
        cell(&c.address()),
        cell(&c.parent.to_string()),
        c.how(),
        cell(&c.live.id)
    )
}
