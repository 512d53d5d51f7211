//! `plan --json`: Terraform's `show -json` plan shape where it applies
//! (`format_version`, `resource_changes[]` with `change.actions`,
//! `before`, `after`), plus decom's own `waves` and `edges` with reasons.

use serde_json::{json, Value};

use crate::render::displayed_attributes;
use crate::{Action, Cascade, LiveResource, Plan, PlannedResource};
use decom_parser::InstanceKey;

/// The JSON format's version; bump on incompatible changes.
pub const FORMAT_VERSION: &str = "1.0";

pub fn to_json(plan: &Plan) -> Value {
    json!({
        "format_version": FORMAT_VERSION,
        "decom_version": env!("CARGO_PKG_VERSION"),
        "resource_changes": resource_changes(plan),
        "waves": plan.graph.waves().iter()
            .map(|w| w.iter().map(|a| a.to_string()).collect::<Vec<_>>())
            .collect::<Vec<_>>(),
        "edges": plan.graph.edges().iter().map(|(before, after, reasons)| json!({
            "before": before.to_string(),
            "after": after.to_string(),
            "reasons": reasons.iter().map(|r| r.to_string()).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "warnings": plan.warnings,
        "summary": {
            "delete": plan.count(Action::Delete),
            "wait": plan.count(Action::Wait),
            "no_op": plan.count(Action::NoOp),
            "cascade": plan.cascades().len(),
        },
    })
}

/// Each planned resource, followed by the children deleted with it.
fn resource_changes(plan: &Plan) -> Vec<Value> {
    let mut out = Vec::with_capacity(plan.resources.len() + plan.cascades().len());
    for r in &plan.resources {
        out.push(resource_change(r));
        out.extend(plan.cascades_of(&r.address).map(|c| cascade_change(c, r)));
    }
    out
}

/// A child deleted with `parent`: actions `["delete"]`, `decom_action`
/// `"cascade"`, no request of its own.
fn cascade_change(c: &Cascade, parent: &PlannedResource) -> Value {
    json!({
        "address": c.address(),
        "mode": "managed",
        "type": c.live.resource_type.name(),
        "name": c.live.name,
        "provider_name": "registry.terraform.io/hashicorp/aws",
        "change": {
            "actions": ["delete"],
            "before": before(&c.live),
            "after": null,
        },
        "decom_action": "cascade",
        "deleted_with": parent.address.to_string(),
        "action_reason": "deleted_with_parent",
        "wave": parent.wave,
        "region": c.live.region,
    })
}

/// `change.before`: the live attributes shown.
fn before(live: &LiveResource) -> Value {
    let attrs = displayed_attributes(live)
        .into_iter()
        .map(|(k, v)| (k.to_string(), Value::String(v)));
    Value::Object(attrs.collect())
}

fn resource_change(r: &PlannedResource) -> Value {
    let (actions, reason) = match r.action {
        Action::Delete => (vec!["delete"], None),
        Action::Wait => (vec!["delete"], Some("already_deleting")),
        Action::NoOp => (vec!["no-op"], Some("already_gone")),
    };
    let before = r.live.as_ref().map(before);
    let mut change = json!({
        "address": r.address.to_string(),
        "mode": "managed",
        "type": r.address.resource_type.name(),
        "name": r.address.name,
        "provider_name": "registry.terraform.io/hashicorp/aws",
        "change": {
            "actions": actions,
            "before": before,
            "after": null,
        },
        "decom_action": r.action,
        "wave": r.wave,
        "region": r.placement.region,
    });
    match &r.address.key {
        Some(InstanceKey::Index(i)) => change["index"] = json!(i),
        Some(InstanceKey::Key(k)) => change["index"] = json!(k),
        None => {}
    }
    if let Some(reason) = reason {
        change["action_reason"] = json!(reason);
    }
    change
}
