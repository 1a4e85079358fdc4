//! The dominator tree of the kept graph: static edges between kept nodes and the conditional
//! edges that fired, from a virtual root over the roots. An item dominates another when every
//! chain from a root to the second passes through the first: if the first were not reached,
//! neither would the second be. The basis of retained size and of the hazard tracer's cut points.

use crate::{Item, TrimResult};
use petgraph::graph::{DiGraph, NodeIndex};

/// Immediate dominators of the kept nodes.
#[derive(Clone, Debug)]
pub struct Dominators {
    /// Per node: its immediate dominator, `ROOT` for nodes only the virtual root dominates,
    /// `NONE` for nodes that are not kept.
    idom: Vec<u32>,
}

const ROOT: u32 = u32::MAX - 1;
const NONE: u32 = u32::MAX;

impl Dominators {
    /// Computes the dominator tree of `r`'s kept graph (Cooper, Harvey and Kennedy's algorithm,
    /// as petgraph implements it).
    pub fn of(r: &TrimResult) -> Dominators {
        let g = r.graph();
        let n = g.n_nodes();
        let mut dg: DiGraph<(), ()> = DiGraph::with_capacity(n + 1, g.n_edges());
        for _ in 0..=n {
            dg.add_node(());
        }
        let root = NodeIndex::new(n);
        for root_item in r.roots() {
            dg.add_edge(root, NodeIndex::new(g.layout.node(root_item.item) as usize), ());
        }
        for from in 0..n as u32 {
            if !r.is_marked_node(from) {
                continue;
            }
            for (to, _) in g.edges(from) {
                if r.is_marked_node(to) {
                    dg.add_edge(NodeIndex::new(from as usize), NodeIndex::new(to as usize), ());
                }
            }
        }
        for (from, to) in r.fired_conditional() {
            dg.add_edge(NodeIndex::new(from as usize), NodeIndex::new(to as usize), ());
        }
        let dom = petgraph::algo::dominators::simple_fast(&dg, root);
        let idom = (0..n)
            .map(|i| match dom.immediate_dominator(NodeIndex::new(i)) {
                Some(d) if d == root => ROOT,
                Some(d) => d.index() as u32,
                None => NONE,
            })
            .collect();
        Dominators { idom }
    }

    /// The immediate dominator of `node`; `None` when only the virtual root dominates it (a root,
    /// or an item two roots reach independently) or when it is not kept.
    pub fn immediate(&self, node: u32) -> Option<u32> {
        match self.idom.get(node as usize).copied() {
            Some(ROOT) | Some(NONE) | None => None,
            Some(d) => Some(d),
        }
    }

    /// `node` and its dominators, innermost first, up to (not including) the virtual root.
    pub fn chain(&self, node: u32) -> impl Iterator<Item = u32> + '_ {
        let kept = self.idom.get(node as usize).is_some_and(|&d| d != NONE);
        let mut cur = kept.then_some(node);
        let mut left = self.idom.len();
        std::iter::from_fn(move || {
            let c = cur?;
            left = left.checked_sub(1)?;
            cur = self.immediate(c);
            Some(c)
        })
    }

    /// Retained value of every kept node: `value(item)` summed over the node and everything it
    /// dominates (what would go if it were not reached).
    pub fn retained(&self, r: &TrimResult, value: impl Fn(Item) -> f64) -> Vec<f64> {
        let g = r.graph();
        let mut out = vec![0.0; self.idom.len()];
        for node in 0..self.idom.len() as u32 {
            if self.idom[node as usize] == NONE {
                continue;
            }
            let v = value(g.layout.item(node));
            if v == 0.0 {
                continue;
            }
            for d in self.chain(node) {
                out[d as usize] += v;
            }
        }
        out
    }
}
