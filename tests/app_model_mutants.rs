//! The new data readers on damaged input: the whole-application model file (`--app-model`) and
//! the packed forest of a size profile (`--profile FILE`). Every mutant either reads and then
//! estimates without panicking, or is refused with a message; never a panic or an endless walk.
//! Bounded: a few thousand mutants, in-process.

use aotsim::gen::Rng;
use aotsim::size::app::{aot_image, compare, measure, AppModel, Settings};
use aotsim::size::{features, Profile};

fn flip(rng: &mut Rng, text: &[u8], i: usize) -> Vec<u8> {
    let mut bytes = text.to_vec();
    if i % 3 == 0 {
        bytes.truncate(rng.below(bytes.len()));
    } else {
        for _ in 0..1 + rng.below(4) {
            let at = rng.below(bytes.len());
            bytes[at] = b"0123456789.-e\",:{}[]xZ "[rng.below(23)];
        }
    }
    bytes
}

#[test]
fn damaged_app_models_are_refused_or_estimate_without_panicking() {
    let text = std::fs::read("crates/size/profiles/app-model.json").expect("model");
    let program =
        aotsim::text::parse(&std::fs::read_to_string("examples/webapi-aot.il").expect("example"), "webapi-aot.il").expect("valid");
    let trimmed = aotsim::trim::trim(&program, &aotsim::trim::TrimConfig::default());
    let code: Vec<f64> = program.methods.ids().map(|m| if program.methods[m].body.is_some() { 50.0 } else { 0.0 }).collect();
    let mut rng = Rng::new(7);
    let (mut refused, mut read) = (0, 0);
    for i in 0..1500 {
        let bytes = flip(&mut rng, &text, i);
        let Ok(s) = String::from_utf8(bytes) else { continue };
        let outcome = std::panic::catch_unwind(|| match AppModel::from_json(&s) {
            Ok(model) => {
                let inputs = measure(&program, Some(&trimmed), &code, &model, 8);
                let _ = aot_image(&model, &inputs, &Settings::default());
                let _ = compare(&model, &inputs, &Settings::default(), &|_| None);
                true
            }
            Err(e) => {
                assert!(!e.is_empty());
                false
            }
        });
        match outcome {
            Ok(true) => read += 1,
            Ok(false) => refused += 1,
            Err(_) => panic!("app-model mutant {i} panicked"),
        }
    }
    assert!(refused > 500 && read > 10, "{refused} refused, {read} read");
}

#[test]
fn damaged_packed_forests_are_refused_or_estimate_without_panicking() {
    let text = std::fs::read_to_string("crates/size/profiles/mono-x64.json").expect("profile");
    // Damage only the packed nodes (the rest is plain serde JSON, checked by serde).
    let start = text.find("\"nodes\":\"").expect("packed forest") + 9;
    let end = start + text[start..].find('"').expect("end of nodes");
    let program = aotsim::text::parse(&std::fs::read_to_string("examples/webapi.il").expect("example"), "webapi.il").expect("valid");
    let rows: Vec<_> = program.methods.ids().filter(|&m| program.methods[m].body.is_some()).map(|m| features(&program, m, None)).collect();
    let mut rng = Rng::new(11);
    let mut refused = 0;
    for i in 0..60 {
        let mut nodes = text.as_bytes()[start..end].to_vec();
        if i % 4 == 0 {
            nodes.truncate(rng.below(nodes.len()));
        } else {
            for _ in 0..1 + rng.below(8) {
                let at = rng.below(nodes.len());
                nodes[at] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/!"[rng.below(65)];
            }
        }
        let damaged = format!("{}{}{}", &text[..start], String::from_utf8(nodes).expect("ascii"), &text[end..]);
        let outcome = std::panic::catch_unwind(|| match serde_json::from_str::<Profile>(&damaged) {
            Ok(p) => {
                rows.iter().for_each(|r| {
                    let _ = p.estimate(r);
                });
                false
            }
            Err(e) => {
                assert!(e.to_string().contains("forest") || e.to_string().contains("base64"), "{e}");
                true
            }
        });
        match outcome {
            Ok(r) => refused += usize::from(r),
            Err(_) => panic!("forest mutant {i} panicked"),
        }
    }
    assert!(refused > 10, "{refused} refused");
}
