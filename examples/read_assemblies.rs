//! Times the ECMA-335 reader in-process, as Mono.Cecil is timed (`docs/decisions.md`): reads the
//! given assemblies into the model `ROUNDS` times and prints each round and the best.
//!
//! `cargo run --release --example read_assemblies -- 10 ../shared/calibration/assemblies/*.dll`

use aotsim::ecma335::{load, Input};
use std::time::Instant;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let mut args = std::env::args().skip(1);
    let rounds: usize = args.next().and_then(|r| r.parse().ok()).expect("usage: read_assemblies ROUNDS FILE...");
    let files: Vec<String> = args.collect();
    let mut best = f64::MAX;
    for round in 0..rounds {
        let start = Instant::now();
        let inputs = files.iter().map(|f| Input { name: f.clone(), bytes: std::fs::read(f).expect("readable") }).collect();
        let loaded = load(inputs, &mut |_| None).unwrap_or_else(|e| panic!("{}", e[0]));
        let ms = start.elapsed().as_secs_f64() * 1e3;
        best = best.min(ms);
        println!(
            "round {round}: {} types, {} methods, {} IL instructions, {ms:.1} ms",
            loaded.stats.types, loaded.stats.methods, loaded.stats.il_instructions
        );
        drop(loaded);
    }
    println!("best of {rounds}: {best:.1} ms");
}
