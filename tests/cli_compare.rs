//! `aotsim compare` and the whole-application parts of `aotsim size`: the seed's ranges on the
//! bundled example, the settings' directions, the published hello-world figures, the roll-up's
//! sums, the constants table in docs, and located errors for bad settings and model files.

mod common;
use common::*;
use serde_json::Value;

fn json(args: &[&str]) -> Value {
    let run = aotsim(args);
    assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
    serde_json::from_str(&run.stdout).expect("json")
}

fn metric(v: &Value, name: &str, side: &str) -> f64 {
    let m = v["comparison"]["metrics"].as_array().expect("metrics").iter().find(|m| m["name"] == name).unwrap_or_else(|| panic!("{name}"));
    m[side]["value"].as_f64().expect("value")
}

#[test]
fn the_bundled_example_falls_inside_every_seed_range() {
    for file in ["examples/webapi.il", "examples/webapi-aot.il"] {
        let v = json(&["compare", file, "--format", "json"]);
        let metrics = v["comparison"]["metrics"].as_array().expect("metrics");
        assert_eq!(metrics.len(), 6, "{file}: every row of the seed table");
        for m in metrics {
            for side in ["jit", "aot"] {
                let value = m[side]["value"].as_f64().expect("value");
                let range = &m["seed"][side];
                let (lo, hi) = (range[0].as_f64().expect("lo"), range[1].as_f64().expect("hi"));
                assert!(lo <= value && value <= hi, "{file}: {} {side} = {value}, seed {lo}-{hi}", m["name"]);
                assert!(!m[side]["formula"].as_str().expect("formula").is_empty());
            }
        }
        // The AOT image is the sum of its parts, and publish adds the symbols.
        let aot = &v["comparison"]["aot"];
        let parts: f64 = aot["parts"].as_array().expect("parts").iter().map(|p| p["bytes"].as_f64().expect("bytes")).sum();
        assert!((parts - aot["image_bytes"].as_f64().expect("image")).abs() < 1.0);
    }
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README");
    let shown = aotsim(&["compare", "examples/webapi.il"]);
    assert!(readme.contains(shown.stdout.trim_end()), "README's compare block is stale; it should contain:\n{}", shown.stdout);
    let text = aotsim(&["compare", "examples/webapi-aot.il", "--explain"]);
    assert!(
        text.stdout.contains("a model, not a measurement") && text.stdout.contains("cold_read_mb_s = 200 MB/s [assumption]"),
        "{}",
        text.stdout
    );
}

#[test]
fn settings_move_the_image_the_way_the_published_figures_say() {
    let image = |props: &[&str]| {
        let mut args = vec!["size", "examples/webapi-aot.il", "--format", "json"];
        for p in props {
            args.extend(["-p", p]);
        }
        let v = json(&args);
        (v["app"]["image_bytes"].as_f64().expect("image"), v["app"]["publish_bytes"].as_f64().expect("publish"))
    };
    let (base, publish) = image(&[]);
    assert!(publish > 2.9 * base, "symbols are written beside the image");
    assert_eq!(image(&["DebugType=None"]).1, base);
    let size = image(&["OptimizationPreference=Size"]).0;
    let speed = image(&["OptimizationPreference=Speed"]).0;
    assert!(size < 0.85 * base && speed > base, "{size} {base} {speed}");
    assert!(image(&["StackTraceSupport=false"]).0 < base);
    assert!(image(&["InvariantGlobalization=true"]).0 < base);
    assert!(image(&["UseSystemResourceKeys=true"]).0 < base);
    assert!(image(&["TrimMode=partial"]).0 > base, "partial keeps the program's own assemblies whole");
    let arm = image(&["RuntimeIdentifier=linux-arm64"]).0;
    let x86 = image(&["RuntimeIdentifier=win-x86"]).0;
    assert!(x86 < base && base < arm, "{x86} {base} {arm}");
    // PublishAot=false: the JIT deployment's files instead.
    assert!(image(&["PublishAot=false"]).0 > 5.0 * base);
}

#[test]
fn hello_world_lands_among_the_published_figures() {
    // Published Native AOT hello worlds run from 1.1 MB (CI size gate) to 2.7 MB (Jan 2023); this
    // one is compiled by mcs against Mono's class library, whose Console path keeps more of the
    // core library than .NET 8's (docs/app-model.md).
    let v = json(&["size", "tests/data/cs/Hello.exe", "--ref-dir", "../shared/calibration/assemblies", "--format", "json"]);
    let image = v["app"]["image_bytes"].as_f64().expect("image");
    assert!((1.116e6..=2.7e6).contains(&image), "{image}");
    // The smallest possible hello world is the native runtime alone and nothing is smaller.
    assert!(image > 967_000.0);
    let c = json(&["compare", "tests/data/cs/Hello.exe", "--ref-dir", "../shared/calibration/assemblies", "--format", "json"]);
    assert!(c["comparison"]["metrics"].as_array().expect("metrics").iter().all(|m| m["seed"].is_null()), "no ASP.NET, no seed ranges");
    assert!(metric(&c, "cold_start_ms", "aot") < metric(&c, "cold_start_ms", "jit"));
}

#[test]
fn the_roll_up_adds_up() {
    fn check(n: &Value) -> f64 {
        let children = n["children"].as_array().cloned().unwrap_or_default();
        let nested: f64 = children.iter().filter(|c| c["kind"] != "method").map(check).sum();
        let members: f64 = children.iter().filter(|c| c["kind"] == "method").map(|c| c["inclusive_bytes"].as_f64().expect("bytes")).sum();
        let (ex, inc) = (n["exclusive_bytes"].as_f64().expect("ex"), n["inclusive_bytes"].as_f64().expect("inc"));
        assert!((ex + nested - inc).abs() < 1e-6 * inc.max(1.0), "{}: {ex} + {nested} != {inc}", n["name"]);
        if n["kind"] == "type" {
            assert!(members <= ex + 1e-9, "a type's methods are part of its own bytes");
        }
        inc
    }
    let v = json(&["size", "examples/webapi.il", "--format", "json", "--top", "1000"]);
    let total: f64 = v["rollup"].as_array().expect("rollup").iter().map(check).sum();
    let types: f64 = v["app"]["parts"]
        .as_array()
        .expect("parts")
        .iter()
        .filter(|p| p["part"] == "program: type data")
        .map(|p| p["bytes"].as_f64().expect("b"))
        .sum();
    assert!(total > v["native_code_bytes"].as_f64().expect("code") + types - 1.0, "code and every type's data are in the roll-up");
    let csv = aotsim(&["size", "examples/webapi.il", "--format", "csv"]);
    let mut lines = csv.stdout.lines();
    assert_eq!(lines.next(), Some("level,assembly,namespace,type,member,exclusive_bytes,inclusive_bytes"));
    assert!(csv.stdout.lines().any(|l| l.starts_with("method,WebApi,App,Program,Main(string[]),")), "{}", csv.stdout);
}

#[test]
fn the_constants_table_in_docs_is_the_model() {
    let run = aotsim(&["compare", "--constants"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let doc = std::fs::read_to_string("docs/app-model.md").expect("docs/app-model.md");
    assert!(doc.contains(&run.stdout), "docs/app-model.md: paste the output of `aotsim compare --constants`");
}

#[test]
fn bad_settings_and_models_are_located_errors() {
    for (args, needle) in [
        (vec!["compare", "examples/webapi.il", "-p", "PublishAOT=true"], "unknown property `PublishAOT`"),
        (vec!["compare", "examples/webapi.il", "-p", "InvariantGlobalization"], "expected NAME=VALUE"),
        (vec!["compare", "examples/webapi.il", "-p", "InvariantGlobalization=yes"], "not true or false"),
        (vec!["size", "examples/webapi.il", "-p", "RuntimeIdentifier=linux-riscv64"], "unknown architecture `riscv64`"),
        (vec!["size", "examples/webapi.il", "--profile", "ilc-mips"], "ilc-mips"),
    ] {
        let run = aotsim(&args);
        assert_eq!(run.code, 2, "{args:?}");
        assert!(run.stderr.contains(needle), "{args:?}: {}", run.stderr);
    }
    let dir = std::env::temp_dir().join(format!("aotsim-app-model-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let model = aotsim(&["compare", "--constants", "--format", "json"]).stdout;
    let broken = model.replacen("\"cold_read_mb_s\"", "\"cold_read\"", 1);
    let path = dir.join("model.json");
    std::fs::write(&path, broken).expect("write");
    let run = aotsim(&["compare", "examples/webapi.il", "--app-model", path.to_str().expect("utf8")]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("model.json") && run.stderr.contains("`cold_read_mb_s` is missing"), "{}", run.stderr);
    // The printed model reads back as the same model.
    std::fs::write(&path, &model).expect("write");
    let reread = aotsim(&["compare", "examples/webapi.il", "--app-model", path.to_str().expect("utf8")]).code;
    std::fs::remove_dir_all(&dir).expect("temp dir removed");
    assert_eq!(reread, 0);
}
