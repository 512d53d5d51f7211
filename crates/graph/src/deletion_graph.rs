//! The checked, acyclic deletion graph.

use std::collections::{HashMap, HashSet};

use decom_parser::Address;
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;
use petgraph::Direction;

use crate::edge::EdgeReason;

/// Resource instances and the "deleted before" order between them. Built
/// only by [`crate::GraphBuilder`], which guarantees it is acyclic.
#[derive(Debug, Clone)]
pub struct DeletionGraph {
    graph: DiGraph<Address, Vec<EdgeReason>>,
    index: HashMap<Address, NodeIndex>,
}

impl DeletionGraph {
    pub(crate) fn with_nodes(addresses: impl IntoIterator<Item = Address>) -> Self {
        let mut graph = DiGraph::new();
        let mut index = HashMap::new();
        for address in addresses {
            index
                .entry(address.clone())
                .or_insert_with(|| graph.add_node(address));
        }
        DeletionGraph { graph, index }
    }

    /// Records that `before` goes before `after` because of `reason`. An
    /// edge collects every distinct reason; endpoints that are not nodes
    /// are ignored (a step may know of resources outside the manifest).
    pub(crate) fn add_reason(&mut self, before: &Address, after: &Address, reason: EdgeReason) {
        let (Some(&a), Some(&b)) = (self.index.get(before), self.index.get(after)) else {
            return;
        };
        match self.graph.find_edge(a, b) {
            Some(e) => {
                let reasons = &mut self.graph[e];
                if !reasons.contains(&reason) {
                    reasons.push(reason);
                }
            }
            None => {
                self.graph.add_edge(a, b, vec![reason]);
            }
        }
    }

    pub(crate) fn petgraph(&self) -> &DiGraph<Address, Vec<EdgeReason>> {
        &self.graph
    }

    pub fn len(&self) -> usize {
        self.graph.node_count()
    }

    pub fn is_empty(&self) -> bool {
        self.graph.node_count() == 0
    }

    pub fn edge_count(&self) -> usize {
        self.graph.edge_count()
    }

    pub fn contains(&self, address: &Address) -> bool {
        self.index.contains_key(address)
    }

    /// Every edge as `(before, after, reasons)`, in deletion order (by the
    /// wave of `before`, then addresses).
    pub fn edges(&self) -> Vec<(&Address, &Address, &[EdgeReason])> {
        let wave = self.wave_numbers();
        let mut edges: Vec<_> = self
            .graph
            .edge_references()
            .map(|e| {
                (
                    wave[e.source().index()],
                    &self.graph[e.source()],
                    &self.graph[e.target()],
                    e.weight().as_slice(),
                )
            })
            .collect();
        edges.sort_by(|x, y| (x.0, x.1, x.2).cmp(&(y.0, y.1, y.2)));
        edges.into_iter().map(|(_, a, b, r)| (a, b, r)).collect()
    }

    /// What must be confirmed gone before `address` may be deleted.
    pub fn must_go_before(&self, address: &Address) -> Vec<&Address> {
        self.neighbors(address, Direction::Incoming)
    }

    /// What waits for `address` to be gone.
    pub fn must_go_after(&self, address: &Address) -> Vec<&Address> {
        self.neighbors(address, Direction::Outgoing)
    }

    fn neighbors(&self, address: &Address, direction: Direction) -> Vec<&Address> {
        let Some(&n) = self.index.get(address) else {
            return Vec::new();
        };
        let mut out: Vec<_> = self
            .graph
            .neighbors_directed(n, direction)
            .map(|m| &self.graph[m])
            .collect();
        out.sort();
        out
    }

    /// `targets` and everything that must be deleted before them,
    /// transitively.
    pub fn with_predecessors(&self, targets: &[Address]) -> HashSet<Address> {
        let mut seen = HashSet::new();
        let mut stack: Vec<NodeIndex> = targets
            .iter()
            .filter_map(|t| self.index.get(t).copied())
            .collect();
        while let Some(n) = stack.pop() {
            if seen.insert(self.graph[n].clone()) {
                stack.extend(self.graph.neighbors_directed(n, Direction::Incoming));
            }
        }
        seen
    }

    /// The subgraph of the nodes in `keep` (still acyclic: a subgraph of a
    /// DAG is one).
    pub fn restricted_to(&self, keep: &HashSet<Address>) -> DeletionGraph {
        let graph = self.graph.filter_map(
            |_, a| keep.contains(a).then(|| a.clone()),
            |_, reasons| Some(reasons.clone()),
        );
        let index = graph
            .node_indices()
            .map(|n| (graph[n].clone(), n))
            .collect();
        DeletionGraph { graph, index }
    }

    /// Topological layers: wave 1 has nothing that must go before it; a
    /// resource is in the wave after the latest of its predecessors, so a
    /// wave's resources may be deleted in parallel. Sorted within a wave.
    pub fn waves(&self) -> Vec<Vec<&Address>> {
        let wave = self.wave_numbers();
        let count = wave.iter().copied().max().map_or(0, |w| w + 1);
        let mut waves = vec![Vec::new(); count];
        for n in self.graph.node_indices() {
            waves[wave[n.index()]].push(&self.graph[n]);
        }
        for w in &mut waves {
            w.sort();
        }
        waves
    }

    /// 0-based wave of every node, indexed by node index (longest path from
    /// a source, computed in topological order).
    fn wave_numbers(&self) -> Vec<usize> {
        let mut wave = vec![0usize; self.graph.node_count()];
        // Acyclic by construction (GraphBuilder rejects cycles), so toposort
        // cannot fail; an empty order would only leave every wave at 0.
        let order = petgraph::algo::toposort(&self.graph, None).unwrap_or_default();
        for n in order {
            for m in self.graph.neighbors_directed(n, Direction::Outgoing) {
                wave[m.index()] = wave[m.index()].max(wave[n.index()] + 1);
            }
        }
        wave
    }
}
