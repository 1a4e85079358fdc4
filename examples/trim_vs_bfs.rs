//! Times the trim pass (worklist with reasons and conditional edges) against a plain BFS over
//! the same static edges, side by side in one run, on a generated program; prints the ratio.
//! `cargo run --release --example trim_vs_bfs -- METHODS [SEED] [REPEATS]`

use aotsim::gen::{generate, GenConfig};
use aotsim::trim::{bfs_csr, collect_roots, mark_graph, DepGraph, TrimConfig};
use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let methods: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(1_000_000);
    let seed: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(42);
    let repeats: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(15);
    let p = generate(&GenConfig::new(methods, seed));
    let config = TrimConfig::default();
    let t = Instant::now();
    let graph = DepGraph::build(&p, &config);
    let build = t.elapsed();
    let roots = collect_roots(&p, &config);
    let root_nodes: Vec<u32> = roots.iter().map(|r| graph.layout.node(r.item)).collect();
    // Floor 1: the static edges only. Floor 2: the same edges the trim used, static plus the
    // conditional edges that fired, so the BFS reaches exactly the kept set.
    let (offsets, targets) = graph.plain_csr();
    let (offsets2, targets2) = graph.plain_csr_with(&mark_graph(&graph, &roots).fired_conditional());
    let (mut best_trim, mut best_bfs, mut best_same) = (f64::MAX, f64::MAX, f64::MAX);
    let (mut kept, mut seen, mut seen_same) = (0, 0, 0);
    for _ in 0..repeats {
        // Interleave the passes so that they see the same machine state.
        let t = Instant::now();
        kept = mark_graph(&graph, &roots).n_marked();
        best_trim = best_trim.min(t.elapsed().as_secs_f64());
        let t = Instant::now();
        seen = bfs_csr(&offsets, &targets, &root_nodes).iter().filter(|&&s| s).count();
        best_bfs = best_bfs.min(t.elapsed().as_secs_f64());
        let t = Instant::now();
        seen_same = bfs_csr(&offsets2, &targets2, &root_nodes).iter().filter(|&&s| s).count();
        best_same = best_same.min(t.elapsed().as_secs_f64());
    }
    assert_eq!(kept, seen_same, "the BFS over the edges the trim used reaches the kept set");
    println!(
        "methods {} nodes {} edges {} conditional {} | build {:.1} ms | trim {:.2} ms ({kept} marked) | bfs static {:.2} ms ({seen} reached, ratio {:.2}) | bfs same edges {:.2} ms ({seen_same} reached, ratio {:.2})",
        p.methods.len(),
        graph.n_nodes(),
        graph.n_edges(),
        graph.n_conditional(),
        build.as_secs_f64() * 1e3,
        best_trim * 1e3,
        best_bfs * 1e3,
        best_trim / best_bfs,
        best_same * 1e3,
        best_trim / best_same
    );
}
