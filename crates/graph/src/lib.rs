//! decom's deletion graph.
//!
//! Nodes are resource instances; an edge `A -> B` means "A must be deleted
//! before B". Edges come from separate, named [`EdgeStep`]s (references in
//! the manifest, `depends_on`, the live relations refresh found), run in
//! one order by [`build`], and every edge keeps each [`EdgeReason`] that put
//! it there, so `graph` and `plan` can always say why two deletions are
//! ordered.
//!
//! The graph knows nothing of clouds: live relations reach it as
//! [`steps::LiveEdge`]s the plan computed. The result, [`DeletionGraph`],
//! answers the questions the rest of decom asks: deletion order, waves of
//! parallel deletions, what must go before a resource, and how to draw it.

mod builder;
mod cycle;
mod deletion_graph;
mod dot;
mod edge;
pub mod steps;

pub use builder::{from_parts, EdgeStep, GraphBuilder, ProposedEdge};
pub use cycle::{Cycle, CycleError};
pub use deletion_graph::DeletionGraph;
pub use edge::{EdgeReason, Site};
pub use steps::{build, from_manifest, LiveEdge};
