//! `aotsim warnings` on the example app before and after its Native AOT fixes, in text, JSON and
//! SARIF; the code table in docs/warnings.md is the one the tool prints.

mod common;
use common::*;

#[test]
fn the_before_app_warns_and_the_after_app_is_clean() {
    let before = aotsim(&["warnings", "examples/webapi.il"]);
    assert_eq!(before.code, 1, "warnings found: exit 1\n{}", before.stderr);
    for line in [
        "WebApi::App.PluginLoader::Load(string): warning IL2057: ",
        "WebApi::App.PluginLoader::Load(string): warning IL2072: ",
        "WebApi::App.Endpoints::Legacy(): warning IL2026: Using member 'Newtonsoft.Json.JsonConvert::SerializeObject(object)'",
        "WebApi::App.Endpoints::Orders(): warning IL3050: ",
        "WebApi::App.Filters::BuildHotFilter(): warning IL3050: ",
    ] {
        assert!(before.stdout.contains(line), "missing {line}\n{}", before.stdout);
    }
    assert!(before.stdout.contains("7 warning(s), 0 suppressed"), "{}", before.stdout);
    // Inside Newtonsoft's and EF's own annotated methods nothing warns: their annotation speaks.
    assert!(!before.stdout.contains("JsonConvert::SerializeObject(object): warning"), "{}", before.stdout);
    let after = aotsim(&["warnings", "examples/webapi-aot.il"]);
    assert_eq!(after.code, 0, "{}{}", after.stdout, after.stderr);
    assert!(after.stdout.contains("0 warning(s)"), "{}", after.stdout);
    // The README shows both.
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README");
    for line in before.stdout.lines().filter(|l| l.contains(": warning ")) {
        let short: String = line.chars().take(60).collect();
        assert!(readme.contains(&short), "README lacks the warning line starting {short}");
    }
}

#[test]
fn a_feature_switch_removes_the_warnings_behind_it() {
    let off = aotsim(&["warnings", "examples/webapi.il", "--feature", "App.LegacyEndpoints=false"]);
    assert!(off.stdout.contains("5 warning(s)"), "{}", off.stdout);
    assert!(!off.stdout.contains("Legacy()"), "{}", off.stdout);
}

#[test]
fn explain_json_and_sarif() {
    let explain = aotsim(&["warnings", "examples/webapi.il", "--explain"]);
    assert!(explain.stdout.contains("    at run time: Type.GetType returns null"), "{}", explain.stdout);
    assert!(explain.stdout.contains("method App.Program::Main(string[])  [root: entry point]"), "{}", explain.stdout);
    let json = aotsim(&["warnings", "examples/webapi.il", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json.stdout).expect("json");
    assert_eq!(v["warnings"].as_array().expect("warnings").len(), 7);
    assert_eq!(v["by_code"]["IL3050"], 3);
    let first = &v["warnings"][0];
    assert!(first["why"].as_array().expect("why").len() >= 2 && first["help_uri"].as_str().is_some_and(|u| u.starts_with("https://")));
    assert!(v["cut_points"].as_array().is_some_and(|c| !c.is_empty()));
    let sarif = aotsim(&["warnings", "examples/webapi.il", "--format", "sarif"]);
    let s: serde_json::Value = serde_json::from_str(&sarif.stdout).expect("sarif");
    assert_eq!(s["version"], "2.1.0");
    let run = &s["runs"][0];
    assert_eq!(run["results"].as_array().expect("results").len(), 7);
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    assert!(rules.iter().any(|r| r["id"] == "IL2026" && r["helpUri"].as_str().is_some_and(|u| u.ends_with("il2026"))));
    for r in run["results"].as_array().expect("results") {
        assert!(rules.iter().any(|x| x["id"] == r["ruleId"]), "every result's rule is described");
        assert!(r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"].as_str().is_some());
    }
}

#[test]
fn the_documented_code_table_is_the_tools_own() {
    let table = aotsim(&["warnings", "--list-codes"]);
    assert_eq!(table.code, 0);
    let doc = std::fs::read_to_string(root().join("docs/warnings.md")).expect("docs/warnings.md");
    assert!(doc.contains(&table.stdout), "docs/warnings.md is stale: regenerate its table with `aotsim warnings --list-codes`");
}
