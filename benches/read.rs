//! The ECMA-335 reader on the eight calibration assemblies (`../shared/calibration/assemblies`,
//! 16 MB, 90k methods, 2.1M IL instructions): PE and metadata parsing alone, and the whole read
//! into a validated model. `cargo bench --bench read`; docs/decisions.md compares it with
//! Mono.Cecil reading and decoding the same bodies.

#![allow(missing_docs)] // criterion_group! generates undocumented items

use aotsim::ecma335::{load, Input};
use criterion::{black_box, criterion_group, criterion_main, Criterion};
use std::path::Path;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn inputs() -> Vec<Input> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/calibration/assemblies");
    let mut files: Vec<_> = std::fs::read_dir(&dir).expect("calibration assemblies").map(|e| e.expect("entry").path()).collect();
    files.sort();
    files.iter().map(|f| Input { name: f.display().to_string(), bytes: std::fs::read(f).expect("readable") }).collect()
}

fn read(c: &mut Criterion) {
    let all = inputs();
    let mut group = c.benchmark_group("read");
    group.sample_size(10);
    group.bench_function("calibration_8_assemblies_into_model", |b| {
        b.iter(|| {
            let loaded = load(all.clone(), &mut |_| None).expect("valid");
            black_box(loaded.stats.il_instructions)
        })
    });
    group.finish();
}

criterion_group!(benches, read);
criterion_main!(benches);
