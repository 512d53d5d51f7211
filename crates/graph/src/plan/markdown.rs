//! `show --markdown`: a compact summary fit for a pull-request comment —
//! counts, a table of resources by wave, warnings, and the full plan
//! collapsed.

use std::fmt::Write as _;

use super::{render, Action, Plan};

pub fn to_markdown(plan: &Plan) -> String {
    let mut out = String::from("### decom plan\n\n");
    let _ = writeln!(
        out,
        "**{}** to delete · **{}** to wait for · **{}** already gone\n",
        plan.count(Action::Delete),
        plan.count(Action::Wait),
        plan.count(Action::NoOp)
    );
    for w in &plan.warnings {
        let _ = writeln!(out, "> **Warning:** {w}\n");
    }
    out.push_str("| wave | resource | action | id | why this order |\n|---:|---|---|---|---|\n");
    for r in &plan.resources {
        let action = match r.action {
            Action::Delete => "delete",
            Action::Wait => "wait (already deleting)",
            Action::NoOp => "no-op (already gone)",
        };
        let id = r.live.as_ref().map(|l| l.id.as_str()).unwrap_or("—");
        let why: Vec<String> = plan
            .graph
            .must_go_before(&r.address)
            .iter()
            .map(|before| format!("after `{before}`"))
            .collect();
        let _ = writeln!(
            out,
            "| {} | `{}` | {action} | `{}` | {} |",
            r.wave,
            r.address,
            cell(id),
            if why.is_empty() {
                "—".to_string()
            } else {
                why.join(", ")
            }
        );
    }
    let _ = write!(
        out,
        "\n<details><summary>Full plan</summary>\n\n```\n{}```\n\n</details>\n",
        render(plan, false)
    );
    out
}

/// Table cells cannot contain `|` or newlines.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}
