//! The edge steps, and the one order [`build`] runs them in: references,
//! `depends_on`, live relations. Each is logged by name (at debug level)
//! with the edges it added.

use decom_parser::{Address, DependencyKind, Manifest, RelationAttr};

use crate::builder::{EdgeStep, GraphBuilder, ProposedEdge};
use crate::cycle::CycleError;
use crate::deletion_graph::DeletionGraph;
use crate::edge::{EdgeReason, Site};

/// The deletion graph of `manifest` with the live relations the plan
/// found (none for `validate` and `graph`, which read no live state).
pub fn build(manifest: &Manifest, live: &[LiveEdge]) -> Result<DeletionGraph, CycleError> {
    GraphBuilder::new(manifest)
        .step(ReferenceEdges)
        .step(DependsOnEdges)
        .step(LiveRelationEdges(live))
        .build()
}

/// The graph of what the manifest alone says.
pub fn from_manifest(manifest: &Manifest) -> Result<DeletionGraph, CycleError> {
    build(manifest, &[])
}

/// A resource whose attribute references another is deleted before it
/// (Terraform's meaning of references, read for destruction), except
/// where the attribute is a relation whose target goes first (a
/// connection's `lag_id`: the LAG is deleted first).
pub struct ReferenceEdges;

/// A resource that lists another in `depends_on` is deleted before it.
pub struct DependsOnEdges;

impl EdgeStep for ReferenceEdges {
    fn name(&self) -> &'static str {
        "references"
    }

    fn edges(&self, manifest: &Manifest) -> Vec<ProposedEdge> {
        dependency_edges(manifest, |kind| match kind {
            DependencyKind::Reference { attribute } => Some(attribute.clone()),
            DependencyKind::DependsOn => None,
        })
        .map(|(holder, target, attribute, at)| {
            let relation = RelationAttr::from_name(&attribute)
                .and_then(|attr| holder.resource_type.relation(attr));
            let (before, after) = match relation {
                Some(rel) => rel.order(holder, target),
                None => (holder, target),
            };
            ProposedEdge {
                before,
                after,
                reason: EdgeReason::Reference { attribute, at },
            }
        })
        .collect()
    }
}

impl EdgeStep for DependsOnEdges {
    fn name(&self) -> &'static str {
        "depends_on"
    }

    fn edges(&self, manifest: &Manifest) -> Vec<ProposedEdge> {
        dependency_edges(manifest, |kind| match kind {
            DependencyKind::DependsOn => Some(()),
            DependencyKind::Reference { .. } => None,
        })
        .map(|(before, after, (), at)| ProposedEdge {
            before,
            after,
            reason: EdgeReason::DependsOn { at },
        })
        .collect()
    }
}

/// The manifest's dependencies of one kind, with their sites resolved.
fn dependency_edges<T>(
    manifest: &Manifest,
    select: impl Fn(&DependencyKind) -> Option<T>,
) -> impl Iterator<Item = (Address, Address, T, Site)> {
    let mut out = Vec::new();
    for resource in &manifest.resources {
        for dep in &resource.dependencies {
            if let Some(detail) = select(&dep.kind) {
                let at = Site {
                    span: dep.span,
                    location: manifest.sources.location(dep.span),
                };
                out.push((resource.address.clone(), dep.target.clone(), detail, at));
            }
        }
    }
    out.into_iter()
}

/// Two resources of the manifest that live state relates, already in
/// deletion order (the plan reads the direction from the kinds table).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveEdge {
    pub before: Address,
    pub after: Address,
    /// The relation attribute that relates them (`service_arn`).
    pub relation: RelationAttr,
}

/// Live relations between resources of the manifest, whether or not the
/// manifest says so (an ingress connection before its service).
pub struct LiveRelationEdges<'a>(pub &'a [LiveEdge]);

impl EdgeStep for LiveRelationEdges<'_> {
    fn name(&self) -> &'static str {
        "live relations"
    }

    fn edges(&self, _manifest: &Manifest) -> Vec<ProposedEdge> {
        self.0
            .iter()
            .map(|e| ProposedEdge {
                before: e.before.clone(),
                after: e.after.clone(),
                reason: EdgeReason::Live {
                    relation: e.relation.name().to_string(),
                },
            })
            .collect()
    }
}
