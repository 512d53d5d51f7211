//! Building a [`DeletionGraph`]: each source of edges is a separate, named
//! step; the builder runs them in order and then rejects cycles.

use decom_parser::{Address, Manifest};

use crate::cycle::{find_cycles, CycleError};
use crate::deletion_graph::DeletionGraph;
use crate::edge::EdgeReason;

/// "`before` must be deleted before `after`, because `reason`."
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProposedEdge {
    pub before: Address,
    pub after: Address,
    pub reason: EdgeReason,
}

/// One source of edges (Terraform's graph transformers, reduced to what a
/// deletion graph needs).
pub trait EdgeStep {
    /// Shown in debugging output; says where the edges come from.
    fn name(&self) -> &'static str;
    /// The edges this step contributes. Endpoints must be resources of the
    /// manifest; edges naming anything else are ignored.
    fn edges(&self, manifest: &Manifest) -> Vec<ProposedEdge>;
}

/// Runs [`EdgeStep`]s over a manifest and produces a checked graph.
pub struct GraphBuilder<'m> {
    manifest: &'m Manifest,
    steps: Vec<Box<dyn EdgeStep + 'm>>,
}

impl<'m> GraphBuilder<'m> {
    pub fn new(manifest: &'m Manifest) -> Self {
        GraphBuilder {
            manifest,
            steps: Vec::new(),
        }
    }

    pub fn step(mut self, step: impl EdgeStep + 'm) -> Self {
        self.steps.push(Box::new(step));
        self
    }

    /// One node per resource instance, then every step's edges; fails with
    /// every cycle found.
    pub fn build(self) -> Result<DeletionGraph, CycleError> {
        let nodes = self.manifest.resources.iter().map(|r| r.address.clone());
        let edges = self.steps.iter().flat_map(|step| {
            let edges = step.edges(self.manifest);
            tracing::debug!(step = step.name(), edges = edges.len(), "edge step");
            edges
        });
        checked(nodes, edges)
    }
}

/// A graph from nodes and edges recorded elsewhere (a saved plan), checked
/// like a built one.
pub fn from_parts(
    nodes: impl IntoIterator<Item = Address>,
    edges: impl IntoIterator<Item = ProposedEdge>,
) -> Result<DeletionGraph, CycleError> {
    checked(nodes, edges)
}

fn checked(
    nodes: impl IntoIterator<Item = Address>,
    edges: impl IntoIterator<Item = ProposedEdge>,
) -> Result<DeletionGraph, CycleError> {
    let mut graph = DeletionGraph::with_nodes(nodes);
    for edge in edges {
        graph.add_reason(&edge.before, &edge.after, edge.reason);
    }
    let cycles = find_cycles(&graph);
    if cycles.is_empty() {
        Ok(graph)
    } else {
        Err(CycleError { cycles })
    }
}
