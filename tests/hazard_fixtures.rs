//! Hazard-tracer fixtures: `tests/data/hazard/*.il`, each with the warnings it must produce
//! written on top (`//! warning: CODE Origin::Method()`, one line per warning, trimmer warnings
//! included) and the malformed bodies it must report (`//! error: Origin::Method()`); a fixture
//! without `warning:` lines must produce none. The runner trims with the built-in API models (or
//! none, with `//! models: none`), traces, and compares the two lists.

use aotsim::hazard::{analyze, models::ApiModels};
use aotsim::trim::{trim, TrimConfig};

fn run(path: &std::path::Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).expect("fixture");
    let name = path.file_name().expect("name").to_string_lossy().to_string();
    let program = aotsim::text::parse(&text, &name).unwrap_or_else(|e| panic!("{name}: {}", e[0]));
    let models = if text.contains("//! models: none") { ApiModels::none() } else { ApiModels::built_in() }.resolve(&program);
    let config = TrimConfig { requirements: models.requirements(), ..TrimConfig::default() };
    let result = trim(&program, &config);
    let report = analyze(&program, &result, &models);
    let mut got: Vec<String> = report.warnings.iter().map(|w| format!("warning: {} {}", w.code, w.origin_name)).collect();
    got.extend(result.graph().diagnostics.iter().map(|d| format!("warning: {} {}", d.code, d.location.as_deref().unwrap_or("-"))));
    got.extend(report.errors.iter().map(|e| format!("error: {}", e.method)));
    got.sort();
    let mut want: Vec<String> = text
        .lines()
        .filter_map(|l| l.strip_prefix("//! "))
        .filter(|l| l.starts_with("warning:") || l.starts_with("error:"))
        .map(str::to_string)
        .collect();
    want.sort();
    if got == want {
        Vec::new()
    } else {
        vec![format!("{name}:\n  expected {want:#?}\n  got {got:#?}")]
    }
}

#[test]
fn hazard_fixtures_report_exactly_their_warnings() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/hazard");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("fixtures")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "il"))
        .collect();
    files.sort();
    assert!(files.len() >= 6, "fixtures missing");
    let problems: Vec<String> = files.iter().flat_map(|f| run(f)).collect();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
