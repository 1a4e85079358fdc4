//! The trim pass against the speed floor: a plain BFS over a CSR of the same static edges, in
//! the same run, on generated ASP.NET-shaped programs of 10k, 100k and 1M methods (seed 42).
//! Also the graph build, and the whole load (JSON or binary model) + build + mark at 300k methods.
//!
//! `cargo bench --bench trim`; the ratio trim/BFS is what docs/performance.md reports.

#![allow(missing_docs)] // criterion_group! generates undocumented items

use aotsim::gen::{generate, GenConfig};
use aotsim::trim::{bfs_csr, collect_roots, mark_graph, DepGraph, TrimConfig};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use std::hint::black_box;
use std::time::Duration;

fn trim_vs_bfs(c: &mut Criterion) {
    let mut group = c.benchmark_group("trim_vs_bfs");
    group.sample_size(10).measurement_time(Duration::from_secs(5)).warm_up_time(Duration::from_secs(1));
    for &n in &[10_000usize, 100_000, 1_000_000] {
        let p = generate(&GenConfig::new(n, 42));
        let config = TrimConfig::default();
        let graph = DepGraph::build(&p, &config);
        let roots = collect_roots(&p, &config);
        let root_nodes: Vec<u32> = roots.iter().map(|r| graph.layout.node(r.item)).collect();
        let (offsets, targets) = graph.plain_csr();
        let (offsets2, targets2) = graph.plain_csr_with(&mark_graph(&graph, &roots).fired_conditional());
        group.bench_with_input(BenchmarkId::new("trim", n), &n, |b, _| b.iter(|| black_box(mark_graph(&graph, &roots).n_marked())));
        group.bench_with_input(BenchmarkId::new("bfs", n), &n, |b, _| b.iter(|| black_box(bfs_csr(&offsets, &targets, &root_nodes).len())));
        group.bench_with_input(BenchmarkId::new("bfs_same_edges", n), &n, |b, _| {
            b.iter(|| black_box(bfs_csr(&offsets2, &targets2, &root_nodes).len()))
        });
        group.bench_with_input(BenchmarkId::new("build", n), &n, |b, _| b.iter(|| black_box(DepGraph::build(&p, &config).n_edges())));
    }
    group.finish();
}

fn load_and_trim(c: &mut Criterion) {
    let mut group = c.benchmark_group("load_and_trim");
    group.sample_size(10).measurement_time(Duration::from_secs(10)).warm_up_time(Duration::from_secs(1));
    let p = generate(&GenConfig::new(300_000, 42));
    let json = serde_json::to_string(p.data()).expect("serialize");
    group.bench_function("json_300k", |b| {
        b.iter(|| {
            let data: aotsim::il::ProgramData = serde_json::from_str(&json).expect("json");
            let p = aotsim::il::Program::from_data(data).expect("valid");
            let r = aotsim::trim::trim(&p, &TrimConfig::default());
            black_box(r.kept_count())
        })
    });
    let mut bin = aotsim_cli::BINARY_MAGIC.to_vec();
    bin.extend(postcard::to_stdvec(p.data()).expect("encode"));
    group.bench_function("binary_300k", |b| {
        b.iter(|| {
            let data: aotsim::il::ProgramData = postcard::from_bytes(&bin[aotsim_cli::BINARY_MAGIC.len()..]).expect("binary");
            let p = aotsim::il::Program::from_data(data).expect("valid");
            let r = aotsim::trim::trim(&p, &TrimConfig::default());
            black_box(r.kept_count())
        })
    });
    group.finish();
}

criterion_group!(benches, trim_vs_bfs, load_and_trim);
criterion_main!(benches);
