//! Prints the size of the dependency graph of a generated program: nodes, static and
//! conditional edges, kept nodes. `cargo run --release --example graph_stats -- 1000000 42`

use aotsim::gen::{generate, GenConfig};
use aotsim::trim::{collect_roots, mark_graph, DepGraph, TrimConfig};

fn main() {
    let mut args = std::env::args().skip(1);
    let methods: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let seed: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(42);
    let p = generate(&GenConfig::new(methods, seed));
    let config = TrimConfig::default();
    let graph = DepGraph::build(&p, &config);
    let marks = mark_graph(&graph, &collect_roots(&p, &config));
    println!(
        "methods {} nodes {} static_edges {} conditional_edges {} marked_nodes {}",
        p.methods.len(),
        graph.n_nodes(),
        graph.n_edges(),
        graph.n_conditional(),
        marks.n_marked()
    );
}
