//! The model readers on damaged input: truncated and bit-flipped binary (`.aotb`) and JSON models
//! of the example give an error (or, by chance, a valid program), never a panic. Bounded: a few
//! hundred mutants, read in-process.

use aotsim::gen::Rng;
use std::path::Path;

fn mutants(original: &[u8], ext: &str, seed: u64, count: usize) {
    let dir = std::env::temp_dir().join(format!("aotsim-mutants-{ext}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp");
    let path = dir.join(format!("m.{ext}"));
    let mut rng = Rng::new(seed);
    let mut errors = 0;
    for i in 0..count {
        let mut bytes = original.to_vec();
        if i % 3 == 0 {
            bytes.truncate(rng.below(bytes.len()));
        } else {
            for _ in 0..1 + rng.below(4) {
                let at = rng.below(bytes.len());
                bytes[at] ^= 1 << rng.below(8);
            }
        }
        std::fs::write(&path, &bytes).expect("write");
        let result = std::panic::catch_unwind(|| aotsim_cli::load_program(Path::new(&path)).map(|p| p.methods.len()));
        match result {
            Ok(Ok(_)) => {}
            Ok(Err(e)) => {
                errors += 1;
                let text = format!("{e:#}");
                assert!(text.contains("m.") && !text.trim().is_empty(), "an error must name the file: {text}");
            }
            Err(_) => panic!("mutant {i} of the {ext} model panicked"),
        }
    }
    assert!(errors > count / 2, "most mutants must be rejected ({errors} of {count})");
    let _ = std::fs::remove_dir_all(&dir);
}

fn example_data() -> aotsim::il::ProgramData {
    let src = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/webapi.il")).expect("example");
    aotsim::text::parse(&src, "webapi.il").expect("valid").into_data()
}

#[test]
fn binary_model_mutants_never_panic() {
    let data = example_data();
    let mut bytes = aotsim_cli::BINARY_MAGIC.to_vec();
    bytes.extend(postcard::to_stdvec(&data).expect("encode"));
    mutants(&bytes, "aotb", 11, 400);
}

#[test]
fn json_model_mutants_never_panic() {
    let json = serde_json::to_vec(&example_data()).expect("encode");
    mutants(&json, "json", 12, 200);
}
