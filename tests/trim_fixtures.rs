//! Trimmer fixtures: small programs in `tests/data/trim/` that state their expected result on
//! themselves, as ILLink's test cases do with `[Kept]`:
//!
//! ```text
//! //! kept: NAME            NAME survives
//! //! removed: NAME         NAME is trimmed away
//! //! reason: NAME = KIND   NAME is kept, first reached by an edge of KIND
//! //! warning: CODE        the trim reports a warning with this ILLink code
//! //! args: --precision cha extra arguments for `aotsim trim`
//! ```

mod common;
use common::*;
use std::collections::HashMap;

#[test]
fn trim_fixtures() {
    let mut failures = Vec::new();
    let fixtures = files("tests/data/trim", "il");
    assert!(fixtures.len() >= 8, "fixtures missing");
    for path in fixtures {
        let rel = path.strip_prefix(root()).expect("under root").to_string_lossy().into_owned();
        let text = std::fs::read_to_string(&path).expect("read");
        let mut args: Vec<String> = vec!["trim".into(), rel.clone(), "--list".into(), "kept".into(), "--format".into(), "json".into()];
        let mut expectations = Vec::new();
        for line in text.lines() {
            let Some(rest) = line.strip_prefix("//! ") else {
                continue;
            };
            let (key, value) = rest.split_once(": ").unwrap_or_else(|| panic!("{rel}: bad expectation line {line}"));
            match key {
                "args" => args.extend(value.split_whitespace().map(String::from)),
                "kept" | "removed" | "reason" | "warning" => expectations.push((key.to_string(), value.trim().to_string())),
                other => panic!("{rel}: unknown expectation {other}"),
            }
        }
        assert!(!expectations.is_empty(), "{rel}: states no expectation");
        let argv: Vec<&str> = args.iter().map(String::as_str).collect();
        let run = aotsim(&argv);
        if run.code != 0 {
            failures.push(format!("{rel}: exit {}: {}", run.code, run.stderr));
            continue;
        }
        let v: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
        let kept: HashMap<String, String> = v["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|i| (i["name"].as_str().expect("name").to_string(), i["reason"]["kind"].as_str().expect("kind").to_string()))
            .collect();
        let codes: Vec<&str> =
            v["diagnostics"].as_array().expect("diagnostics").iter().map(|d| d["code"].as_str().expect("code")).collect();
        for (key, value) in expectations {
            match key.as_str() {
                "kept" if !kept.contains_key(&value) => failures.push(format!("{rel}: {value} should be kept")),
                "removed" if kept.contains_key(&value) => failures.push(format!("{rel}: {value} should be removed")),
                "warning" if !codes.contains(&value.as_str()) => failures.push(format!("{rel}: expected warning {value}, got {codes:?}")),
                "reason" => {
                    let (name, kind) = value.split_once(" = ").expect("NAME = KIND");
                    match kept.get(name) {
                        Some(k) if k == kind => {}
                        Some(k) => failures.push(format!("{rel}: {name} is kept by {k}, expected {kind}")),
                        None => failures.push(format!("{rel}: {name} should be kept (by {kind})")),
                    }
                }
                _ => {}
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
