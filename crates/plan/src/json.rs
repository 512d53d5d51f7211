//! `plan --json` / `show --json`: Terraform's `show -json` plan format 1.2
//! (DESIGN section 13), so tools that read Terraform plans read decom's:
//! `variables`, `planned_values` (empty: a destroy leaves nothing),
//! `resource_changes[]` with `change.actions`, `before`, `after` and their
//! sensitivity, `prior_state` (the live values), `configuration` (the
//! resources, without expressions: a plan file does not keep them),
//! `timestamp`, `applyable`, `complete`, `errored`; plus decom's own keys
//! (`decom_version`, `waves`, `edges` with reasons, `warnings`, `summary`,
//! per change `decom_action`, `wave`, `region`, `action_reason`).
//!
//! Unlike Terraform, sensitive values are never written: they are hidden
//! as `(sensitive)` in every string, and the attributes that had one are
//! marked in `before_sensitive` and `sensitive_values`.

use serde_json::{json, Map, Value};

use crate::render::displayed_attributes;
use crate::{Action, Cascade, LiveResource, Plan, PlannedResource};
use decom_parser::{Address, InstanceKey, Redaction};

/// The JSON format's version: Terraform's plan format it follows.
pub const FORMAT_VERSION: &str = "1.2";
/// `prior_state`'s own format version (Terraform's state format).
const STATE_FORMAT_VERSION: &str = "1.0";
/// Terraform's name for the provider of every decom resource type.
const PROVIDER_NAME: &str = "registry.terraform.io/hashicorp/aws";
const DECOM_VERSION: &str = env!("CARGO_PKG_VERSION");

/// The plan as JSON with every value `hidden` hides replaced by
/// `(sensitive)`, and the attributes it touched marked sensitive.
pub fn to_json(plan: &Plan, hidden: &Redaction) -> Value {
    let mut value = json!({
        "format_version": FORMAT_VERSION,
        "terraform_version": DECOM_VERSION,
        "decom_version": DECOM_VERSION,
        "variables": variables(plan),
        "planned_values": { "root_module": {} },
        "resource_changes": resource_changes(plan),
        "prior_state": prior_state(plan),
        "configuration": configuration(plan),
        "timestamp": timestamp(plan),
        "applyable": plan.has_changes(),
        "complete": true,
        "errored": false,
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
    });
    hidden.json(&mut value);
    mark_hidden_attributes(&mut value);
    value
}

/// `{"name": {"value": ...}}`; a sensitive one's value is `(sensitive)`.
fn variables(plan: &Plan) -> Value {
    let vars = plan.provenance.variables.iter().map(|v| {
        let value = v
            .value
            .clone()
            .unwrap_or_else(|| Value::String(Redaction::MARK.to_string()));
        (v.name.clone(), json!({ "value": value }))
    });
    Value::Object(vars.collect())
}

/// RFC 3339 to the second, UTC, as Terraform writes it.
fn timestamp(plan: &Plan) -> String {
    let at = plan.provenance.created_at.to_offset(time::UtcOffset::UTC);
    at.replace_nanosecond(0)
        .unwrap_or(at)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// What Terraform says of every resource: address, mode, type, name and,
/// for a `count`/`for_each` instance, its index.
fn identity(address: &Address) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("address".into(), json!(address.to_string()));
    m.insert("mode".into(), json!("managed"));
    m.insert("type".into(), json!(address.resource_type.name()));
    m.insert("name".into(), json!(address.name));
    match &address.key {
        Some(InstanceKey::Index(i)) => m.insert("index".into(), json!(i)),
        Some(InstanceKey::Key(k)) => m.insert("index".into(), json!(k)),
        None => None,
    };
    m.insert("provider_name".into(), json!(PROVIDER_NAME));
    m
}

/// The live attributes shown for a resource.
fn live_values(live: &LiveResource) -> Value {
    let values = displayed_attributes(live)
        .into_iter()
        .map(|(k, v)| (k.to_string(), Value::String(v)));
    Value::Object(values.collect())
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

/// A child (or older revision) deleted with `parent`: actions
/// `["delete"]`, `decom_action` `"cascade"`.
fn cascade_change(c: &Cascade, parent: &PlannedResource) -> Value {
    json!({
        "address": c.address(),
        "mode": "managed",
        "type": c.live.resource_type.name(),
        "name": c.live.name,
        "provider_name": PROVIDER_NAME,
        "change": {
            "actions": ["delete"],
            "before": live_values(&c.live),
            "after": null,
            "after_unknown": {},
            "before_sensitive": {},
            "after_sensitive": false,
        },
        "decom_action": "cascade",
        "deleted_with": parent.address.to_string(),
        "action_reason": "deleted_with_parent",
        "wave": parent.wave,
        "region": c.live.region,
    })
}

fn resource_change(r: &PlannedResource) -> Value {
    let (actions, reason) = match r.action {
        Action::Delete => (vec!["delete"], None),
        Action::Wait => (vec!["delete"], Some("already_deleting")),
        Action::NoOp => (vec!["no-op"], Some("already_gone")),
    };
    let mut change = identity(&r.address);
    change.insert(
        "change".into(),
        json!({
            "actions": actions,
            "before": r.live.as_ref().map(live_values),
            "after": null,
            "after_unknown": {},
            "before_sensitive": {},
            "after_sensitive": false,
        }),
    );
    change.insert("decom_action".into(), json!(r.action));
    change.insert("wave".into(), json!(r.wave));
    change.insert("region".into(), json!(r.placement.region));
    if let Some(reason) = reason {
        change.insert("action_reason".into(), json!(reason));
    }
    Value::Object(change)
}

/// Terraform's `depends_on` of a resource: what it depends on, which is
/// what must be deleted after it.
fn depends_on(plan: &Plan, address: &Address) -> Vec<String> {
    let mut after: Vec<String> = plan
        .graph
        .must_go_after(address)
        .into_iter()
        .map(|a| a.to_string())
        .collect();
    after.sort();
    after
}

/// The live values the plan was made from, as a Terraform state.
fn prior_state(plan: &Plan) -> Value {
    let resources: Vec<Value> = plan
        .resources
        .iter()
        .filter_map(|r| {
            let mut m = identity(&r.address);
            m.insert("schema_version".into(), json!(0));
            m.insert("values".into(), live_values(r.live.as_ref()?));
            m.insert("sensitive_values".into(), json!({}));
            let after = depends_on(plan, &r.address);
            if !after.is_empty() {
                m.insert("depends_on".into(), json!(after));
            }
            Some(Value::Object(m))
        })
        .collect();
    json!({
        "format_version": STATE_FORMAT_VERSION,
        "terraform_version": DECOM_VERSION,
        "values": { "root_module": { "resources": resources } },
    })
}

/// The manifest's resources (one per block, not per instance) and
/// variables. Expressions are not kept in a plan file, so they are empty.
fn configuration(plan: &Plan) -> Value {
    let mut blocks: Vec<(Address, usize)> = Vec::new();
    for r in &plan.resources {
        let block = Address {
            key: None,
            ..r.address.clone()
        };
        match blocks.iter_mut().find(|(b, _)| *b == block) {
            Some((_, count)) => *count += 1,
            None => blocks.push((block, 1)),
        }
    }
    let resources: Vec<Value> = blocks
        .iter()
        .map(|(block, instances)| configured_resource(plan, block, *instances))
        .collect();
    let variables: Map<String, Value> = plan
        .provenance
        .variables
        .iter()
        .map(|v| (v.name.clone(), json!({ "sensitive": v.value.is_none() })))
        .collect();
    json!({
        "provider_config": { "aws": { "name": "aws", "full_name": PROVIDER_NAME } },
        "root_module": { "resources": resources, "variables": variables },
    })
}

fn configured_resource(plan: &Plan, block: &Address, instances: usize) -> Value {
    let of_block = |r: &&PlannedResource| {
        r.address.resource_type == block.resource_type && r.address.name == block.name
    };
    let counted = plan
        .resources
        .iter()
        .filter(of_block)
        .any(|r| matches!(r.address.key, Some(InstanceKey::Index(_))));
    let mut depends: Vec<String> = plan
        .resources
        .iter()
        .filter(of_block)
        .flat_map(|r| plan.graph.must_go_after(&r.address))
        .map(|a| format!("{}.{}", a.resource_type, a.name))
        .filter(|a| *a != format!("{}.{}", block.resource_type, block.name))
        .collect();
    depends.sort();
    depends.dedup();
    let mut m = identity(block);
    m.remove("provider_name");
    m.insert("provider_config_key".into(), json!("aws"));
    m.insert("expressions".into(), json!({}));
    m.insert("schema_version".into(), json!(0));
    if counted {
        m.insert(
            "count_expression".into(),
            json!({ "constant_value": instances }),
        );
    }
    if !depends.is_empty() {
        m.insert("depends_on".into(), json!(depends));
    }
    Value::Object(m)
}

/// Marks, in `before_sensitive` and `sensitive_values`, each attribute
/// whose value had a sensitive value hidden in it.
fn mark_hidden_attributes(plan_json: &mut Value) {
    let marks = |values: &Value| -> Value {
        let hidden = values
            .as_object()
            .into_iter()
            .flatten()
            .filter_map(|(k, v)| {
                v.as_str()
                    .filter(|s| Redaction::was_applied_to(s))
                    .map(|_| (k.clone(), Value::Bool(true)))
            });
        Value::Object(hidden.collect())
    };
    if let Some(changes) = plan_json["resource_changes"].as_array_mut() {
        for c in changes {
            let sensitive = marks(&c["change"]["before"]);
            c["change"]["before_sensitive"] = sensitive;
        }
    }
    if let Some(resources) =
        plan_json["prior_state"]["values"]["root_module"]["resources"].as_array_mut()
    {
        for r in resources {
            let sensitive = marks(&r["values"]);
            r["sensitive_values"] = sensitive;
        }
    }
}
