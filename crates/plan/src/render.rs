//! The plan as people read it: Terraform-like blocks in deletion order,
//! grouped by wave, each block the diff (made with `similar`) of the live
//! attributes against nothing.

use std::fmt::Write as _;

use anstyle::{AnsiColor, Style};
use decom_parser::printable::printable_in_line;
use decom_parser::writer::Attributes;
use similar::{ChangeTag, TextDiff};

use crate::live::LiveResource;
use crate::{Action, Cascade, Plan, PlannedResource};
use decom_parser::ResourceType;

const RED: Style = AnsiColor::Red.on_default();
const YELLOW: Style = AnsiColor::Yellow.on_default();
const BOLD: Style = Style::new().bold();
const PLAIN: Style = Style::new();

/// Renders the plan; `color` adds ANSI styles.
pub fn render(plan: &Plan, color: bool) -> String {
    let paint = |style: Style, text: &str| {
        if color {
            format!("{}{text}{}", style.render(), style.render_reset())
        } else {
            text.to_string()
        }
    };
    let mut out = String::new();
    for w in &plan.warnings {
        let w = printable_in_line(w); // a plan file's text, on its one line
        let _ = writeln!(out, "{} {w}\n", paint(YELLOW.bold(), "Warning:"));
    }
    if !plan.has_changes() {
        let _ = writeln!(
            out,
            "No changes. Every resource in the manifest is already gone ({}).\n",
            plan.resources.len()
        );
    } else {
        out.push_str("decom will perform the following actions (waves run in order; resources in a wave run in parallel):\n\n");
        for r in &plan.resources {
            out.push_str(&resource_block(r, &paint));
            for c in plan.cascades_of(&r.address) {
                out.push_str(&cascade_block(c, r.wave, &paint));
            }
        }
    }
    out.push_str(&paint(BOLD, &plan.summary()));
    out.push('\n');
    out
}

fn resource_block(r: &PlannedResource, paint: &dyn Fn(Style, &str) -> String) -> String {
    let (headline, style) = match r.action {
        Action::Delete => (format!("will be deleted (wave {})", r.wave), RED),
        Action::Wait => (
            format!(
                "is already being deleted; decom will wait for it (wave {})",
                r.wave
            ),
            YELLOW,
        ),
        Action::NoOp => ("is already gone (no-op)".to_string(), PLAIN),
    };
    let mut out = format!(
        "  {}\n",
        paint(BOLD, &format!("# {} {headline}", r.address))
    );
    if r.action == Action::NoOp {
        out.push('\n');
        return out;
    }
    let before = r.live.as_ref().map(attribute_text).unwrap_or_default();
    out.push_str(&removal_block(
        &r.address.name,
        r.address.resource_type,
        &before,
        style,
        paint,
    ));
    out
}

/// A child deleted with its parent: `# CHILD will be deleted with PARENT`
/// and the child's live attributes.
fn cascade_block(c: &Cascade, wave: usize, paint: &dyn Fn(Style, &str) -> String) -> String {
    let headline = format!(
        "# {} will be deleted with {} (wave {wave}; {})",
        c.address(),
        c.parent,
        c.how()
    );
    let mut out = format!("  {}\n", paint(BOLD, &headline));
    let before = attribute_text(&c.live);
    out.push_str(&removal_block(
        &c.live.name,
        c.live.resource_type,
        &before,
        RED,
        paint,
    ));
    out
}

/// `- resource "TYPE" "LABEL" { ... }`: the removal diff of `before`.
fn removal_block(
    label: &str,
    ty: ResourceType,
    before: &str,
    style: Style,
    paint: &dyn Fn(Style, &str) -> String,
) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "  {} resource \"{ty}\" \"{label}\" {{",
        paint(style, "-"),
    );
    for line in removal_diff(before).lines() {
        let (sign, rest) = line.split_at(1);
        let _ = writeln!(out, "      {}{rest}", paint(style, sign));
    }
    out.push_str("    }\n\n");
    out
}

/// `- key = "value"` lines: the unified diff of `before` against nothing,
/// made with `similar`, without the headers.
fn removal_diff(before: &str) -> String {
    let diff = TextDiff::from_lines(before, "");
    let mut out = String::new();
    for change in diff.iter_all_changes() {
        let sign = match change.tag() {
            ChangeTag::Delete => "-",
            ChangeTag::Insert => "+",
            ChangeTag::Equal => " ",
        };
        let _ = write!(out, "{sign} {}", change.value());
        if change.missing_newline() {
            out.push('\n');
        }
    }
    out
}

/// The live attributes shown for a resource, `=` aligned, in a fixed order.
pub fn attribute_text(live: &LiveResource) -> String {
    displayed_attributes(live)
        .iter()
        .fold(Attributes::new(), |attrs, (k, v)| attrs.string(k, v))
        .to_string()
}

/// `(name, value)` pairs: identity, name, live relations, region, status.
pub fn displayed_attributes(live: &LiveResource) -> Vec<(&'static str, String)> {
    let mut attrs = vec![
        (live.resource_type.id_attribute(), live.id.clone()),
        ("name", live.name.clone()),
    ];
    for rel in &live.relations {
        if let Some(target) = &rel.target {
            attrs.push((rel.attr.name(), target.clone()));
        }
    }
    attrs.push(("region", live.region.clone()));
    attrs.push(("status", live.status.clone()));
    attrs
}
