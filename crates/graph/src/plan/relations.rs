//! Step 2: relation assertions (the manifest's `service_arn`,
//! `vpc_connector_arn`, `connection_id` must match live state) and the
//! edges live relations add even where the manifest says nothing.

use decom_parser::{Address, Diagnostic, Manifest, RelationAttr};

use super::resolve::Resolution;
use crate::builder::{EdgeStep, ProposedEdge};
use crate::edge::EdgeReason;
use crate::live::LiveState;

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

/// Edges from live relations between resources of the manifest: an
/// ingress connection before its service, a service before its VPC
/// connector, a virtual interface before its connection.
pub struct LiveRelationEdges<'r> {
    resolution: &'r Resolution,
}

impl<'r> LiveRelationEdges<'r> {
    pub fn new(resolution: &'r Resolution) -> Self {
        LiveRelationEdges { resolution }
    }
}

impl EdgeStep for LiveRelationEdges<'_> {
    fn name(&self) -> &'static str {
        "live relations"
    }

    fn edges(&self, _manifest: &Manifest) -> Vec<ProposedEdge> {
        let mut edges = Vec::new();
        for (address, live) in self.resolution.resolved() {
            if live.state == LiveState::Gone {
                continue;
            }
            for rel in &live.relations {
                let Some(target) = &rel.target else { continue };
                if let Some(after) = self.resolution.address_of(rel.attr.target_type(), target) {
                    edges.push(edge(address, after, rel.attr));
                }
            }
        }
        edges.sort_by(|a, b| (&a.before, &a.after).cmp(&(&b.before, &b.after)));
        edges
    }
}

fn edge(before: &Address, after: &Address, attr: RelationAttr) -> ProposedEdge {
    ProposedEdge {
        before: before.clone(),
        after: after.clone(),
        reason: EdgeReason::Live {
            relation: attr.name().to_string(),
        },
    }
}
