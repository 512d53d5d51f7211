//! Cycles: found with Tarjan's SCC, each reported as one concrete loop
//! `a -> b -> a` with the reason (and file:line) of every edge.

use std::collections::{HashMap, HashSet, VecDeque};

use decom_parser::{Address, Diagnostic, Diagnostics, SourceMap};
use petgraph::graph::NodeIndex;

use crate::deletion_graph::DeletionGraph;
use crate::edge::EdgeReason;

/// One loop in the deletion order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cycle {
    /// `(before, after, reason)` for each edge of the loop, in order; the
    /// last edge's `after` is the first edge's `before`.
    pub edges: Vec<(Address, Address, EdgeReason)>,
}

impl Cycle {
    /// `a -> b -> a`.
    pub fn path(&self) -> String {
        let mut out = String::new();
        for (before, _, _) in &self.edges {
            out.push_str(&format!("{before} -> "));
        }
        if let Some((first, _, _)) = self.edges.first() {
            out.push_str(&first.to_string());
        }
        out
    }
}

/// The manifest orders deletions in a loop, so no order satisfies it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CycleError {
    pub cycles: Vec<Cycle>,
}

impl CycleError {
    /// One diagnostic per cycle, pointing at its first edge that is written
    /// in the manifest, listing every edge with its reason.
    pub fn to_diagnostics(&self, sources: &SourceMap) -> Diagnostics {
        let items = self
            .cycles
            .iter()
            .map(|cycle| {
                let span = cycle
                    .edges
                    .iter()
                    .find_map(|(_, _, r)| r.site())
                    .map(|s| s.span);
                let mut message = format!("deletion order has a cycle: {}", cycle.path());
                for (before, after, reason) in &cycle.edges {
                    message.push_str(&format!("\n  {before} -> {after}: {reason}"));
                }
                Diagnostic::error(message, span)
                    .with_label("this edge is part of the cycle")
                    .with_help(
                        "remove one of these references or depends_on entries to break the cycle",
                    )
            })
            .collect();
        Diagnostics {
            sources: sources.clone(),
            items,
        }
    }
}

impl std::fmt::Display for CycleError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for cycle in &self.cycles {
            writeln!(f, "cycle: {}", cycle.path())?;
            for (before, after, reason) in &cycle.edges {
                writeln!(f, "  {before} -> {after}: {reason}")?;
            }
        }
        Ok(())
    }
}

impl std::error::Error for CycleError {}

/// One concrete cycle per strongly connected component that loops
/// (including self-loops), sorted for deterministic output.
pub(crate) fn find_cycles(graph: &DeletionGraph) -> Vec<Cycle> {
    let g = graph.petgraph();
    let mut cycles: Vec<Cycle> = petgraph::algo::tarjan_scc(g)
        .into_iter()
        .filter(|scc| scc.len() > 1 || g.find_edge(scc[0], scc[0]).is_some())
        .filter_map(|scc| {
            let start = *scc.iter().min_by_key(|&&n| &g[n])?;
            let members: HashSet<NodeIndex> = scc.into_iter().collect();
            let path = shortest_loop(graph, start, &members)?;
            Some(Cycle {
                edges: path
                    .windows(2)
                    .filter_map(|w| {
                        let e = g.find_edge(w[0], w[1])?;
                        let reason = g[e].first()?.clone();
                        Some((g[w[0]].clone(), g[w[1]].clone(), reason))
                    })
                    .collect(),
            })
        })
        .collect();
    cycles.sort_by(|a, b| {
        a.edges
            .first()
            .map(|e| &e.0)
            .cmp(&b.edges.first().map(|e| &e.0))
    });
    cycles
}

/// Breadth-first search inside one SCC for the shortest path from `start`
/// back to itself; returns the nodes `start, ..., start`.
fn shortest_loop(
    graph: &DeletionGraph,
    start: NodeIndex,
    members: &HashSet<NodeIndex>,
) -> Option<Vec<NodeIndex>> {
    let g = graph.petgraph();
    let mut parent: HashMap<NodeIndex, NodeIndex> = HashMap::new();
    let mut queue = VecDeque::from([start]);
    while let Some(n) = queue.pop_front() {
        let mut next: Vec<_> = g.neighbors(n).filter(|m| members.contains(m)).collect();
        next.sort_by_key(|&m| &g[m]);
        for m in next {
            if m == start {
                let mut path = vec![start, n];
                let mut cur = n;
                while cur != start {
                    cur = *parent.get(&cur)?;
                    path.push(cur);
                }
                path.reverse();
                return Some(path);
            }
            if let std::collections::hash_map::Entry::Vacant(e) = parent.entry(m) {
                e.insert(n);
                queue.push_back(m);
            }
        }
    }
    None
}
