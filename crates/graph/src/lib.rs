//! decom's deletion graph.
//!
//! Nodes are resource instances; an edge `A -> B` means "A must be deleted
//! before B". Edges come from separate, named [`EdgeStep`]s (references in
//! the manifest, `depends_on`, and later the live relations found by
//! refresh), and every edge keeps each [`EdgeReason`] that put it there, so
//! `graph` and `plan` can always say why two deletions are ordered.
//!
//! The graph is generic over where edges come from: building it is
//! [`GraphBuilder`] running its steps in order, then checking for cycles.
//! The result, [`DeletionGraph`], answers the questions the rest of decom
//! asks: deletion order, waves of parallel deletions, what must go before a
//! resource, and how to draw it.

mod builder;
mod cycle;
mod deletion_graph;
mod dot;
mod edge;
pub mod live;
pub mod plan;
pub mod steps;

pub use builder::{from_parts, EdgeStep, GraphBuilder, ProposedEdge};
pub use cycle::{Cycle, CycleError};
pub use deletion_graph::DeletionGraph;
pub use edge::{EdgeReason, Site};
pub use live::{Inventory, LiveRelation, LiveResource, LiveState};
pub use plan::{plan, Action, Plan, PlanRequest, PlannedResource};

use decom_parser::Manifest;

/// The graph of what the manifest alone says: one node per resource
/// instance, edges from references and `depends_on`.
pub fn from_manifest(manifest: &Manifest) -> Result<DeletionGraph, CycleError> {
    GraphBuilder::new(manifest)
        .step(steps::ReferenceEdges)
        .step(steps::DependsOnEdges)
        .build()
}
