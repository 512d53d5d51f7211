//! Step 2: relation assertions (the manifest's `service_arn`,
//! `vpc_connector_arn`, `connection_id` must match live state) and the
//! edges live relations add even where the manifest says nothing.

use decom_graph::LiveEdge;
use decom_parser::{Diagnostic, Manifest};

use crate::live::LiveState;
use crate::resolve::Resolution;

/// A declared relation that live state contradicts.
pub fn check_assertions(manifest: &Manifest, resolution: &Resolution) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    for r in &manifest.resources {
        let Some(live) = resolution.live(&r.address) else {
            continue;
        };
        if live.state == LiveState::Gone {
            continue;
        }
        for declared in resolution.declared_relations(&r.address) {
            let (Some(want), Some(have)) = (&declared.value, live.relation(declared.attr)) else {
                continue;
            };
            if have != Some(want.as_str()) {
                // A declared value from a sensitive variable that is wrong:
                // the live one may hold the real secret.
                let shown = match have {
                    _ if declared.sensitive => "(not shown: the declared value is sensitive)",
                    Some(live) => live,
                    None => "(none)",
                };
                problems.push(
                    Diagnostic::error(
                        format!(
                            "{}: {} does not match live state\n  declared: {want}\n  live:     {shown}",
                            r.address,
                            declared.attr.name(),
                        ),
                        Some(declared.span),
                    )
                    .with_label("asserted here")
                    .with_help(format!(
                        "the live {} does not match; fix the manifest or check that it names the right resource",
                        declared.attr.name(),
                    )),
                );
            }
        }
    }
    problems
}

/// The live relations between resources of the manifest, in deletion
/// order: an ingress connection before its service, a service before its
/// VPC connector, a virtual interface before its connection (the kinds
/// table says which end of each relation goes first).
pub fn live_edges(resolution: &Resolution) -> Vec<LiveEdge> {
    let mut edges = Vec::new();
    for (holder, live) in resolution.resolved() {
        if live.state == LiveState::Gone {
            continue;
        }
        for rel in &live.relations {
            let Some(target_id) = &rel.target else {
                continue;
            };
            let Some(relation) = live.resource_type.relation(rel.attr) else {
                continue;
            };
            for target_type in relation.targets {
                if let Some(target) = resolution.address_of(*target_type, target_id) {
                    let (before, after) = relation.order(holder, target);
                    edges.push(LiveEdge {
                        before: before.clone(),
                        after: after.clone(),
                        relation: rel.attr,
                    });
                }
            }
        }
    }
    edges.sort_by(|a, b| (&a.before, &a.after).cmp(&(&b.before, &b.after)));
    edges
}
