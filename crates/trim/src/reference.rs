//! A naive fixpoint of the trimming rules, written independently of the worklist, kept as the
//! oracle the property tests compare the fast pass with. Quadratic; for small programs only.

use crate::{collect_roots, DepGraph, Item, Precision, TrimConfig};
use aotsim_il::Program;

/// The kept node set by repeated sweeps until nothing changes: a node is kept if it is a root,
/// or some kept node has a static edge to it, or a conditional edge's two conditions are kept.
pub fn naive_kept(p: &Program, config: &TrimConfig) -> Vec<bool> {
    let graph = DepGraph::build(p, config);
    let n = graph.n_nodes();
    let mut kept = vec![false; n];
    for r in collect_roots(p, config) {
        kept[graph.layout.node(r.item) as usize] = true;
    }
    loop {
        let mut changed = false;
        for node in 0..n as u32 {
            if !kept[node as usize] {
                continue;
            }
            for (to, _) in graph.edges(node) {
                if !kept[to as usize] {
                    kept[to as usize] = true;
                    changed = true;
                }
            }
            for c in graph.conditional(node) {
                if kept[c.other as usize] && !kept[c.to as usize] {
                    kept[c.to as usize] = true;
                    changed = true;
                }
            }
        }
        if !changed {
            return kept;
        }
    }
}

/// The kept items (without `Instantiated` pseudo-items) by the naive fixpoint, in node order.
pub fn naive_kept_items(p: &Program, config: &TrimConfig) -> Vec<Item> {
    let graph = DepGraph::build(p, config);
    naive_kept(p, config)
        .iter()
        .enumerate()
        .filter(|(_, &k)| k)
        .map(|(i, _)| graph.layout.item(i as u32))
        .filter(|i| !i.is_pseudo())
        .collect()
}

/// [`Precision`] values, for tests that run both.
pub const PRECISIONS: [Precision; 2] = [Precision::Rta, Precision::Cha];
