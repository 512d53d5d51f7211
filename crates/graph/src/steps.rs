//! The edge steps that read the manifest. (Live relations are a step of
//! the plan, which owns the live facts.)

use decom_parser::{Address, DependencyKind, Manifest};

use crate::builder::{EdgeStep, ProposedEdge};
use crate::edge::{EdgeReason, Site};

/// A resource whose attribute references another is deleted before it
/// (Terraform's meaning of references, read for destruction).
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
        .map(|(before, after, attribute, at)| ProposedEdge {
            before,
            after,
            reason: EdgeReason::Reference { attribute, at },
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
