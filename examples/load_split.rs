//! Splits the load of a JSON program into file read, JSON parse, and validation with derived
//! indexes. `cargo run --release --example load_split -- FILE.json`

use std::time::Instant;

fn main() {
    let path = std::env::args().nth(1).expect("a .json program");
    let t = Instant::now();
    let text = std::fs::read_to_string(&path).expect("read");
    let read = t.elapsed();
    let t = Instant::now();
    let data: aotsim::il::ProgramData = serde_json::from_str(&text).expect("json");
    let parse = t.elapsed();
    let t = Instant::now();
    let p = aotsim::il::Program::from_data(data).expect("valid");
    let validate = t.elapsed();
    println!(
        "{} methods: read {:.0} ms, parse {:.0} ms, validate+derive {:.0} ms",
        p.methods.len(),
        read.as_secs_f64() * 1e3,
        parse.as_secs_f64() * 1e3,
        validate.as_secs_f64() * 1e3
    );
}
