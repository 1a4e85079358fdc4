//! `aotsim size` and `aotsim calibrate` from the command line.

mod common;
use common::*;

#[test]
fn size_reports_kept_methods_with_tokens() {
    let run = aotsim(&[
        "size",
        "tests/data/cs/Dispatch.exe",
        "--ref-dir",
        "../shared/calibration/assemblies",
        "--per-method",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    let methods = v["per_method"].as_array().expect("per_method");
    assert_eq!(methods.len() as u64, v["methods"].as_u64().expect("count"));
    let main = methods.iter().find(|m| m["method"] == "Program::Main()").expect("Main is kept");
    assert!(main["token"].as_str().is_some_and(|t| t.starts_with("0x06")) && main["native_bytes"].as_f64().expect("bytes") > 0.0);
    let total: f64 = methods.iter().map(|m| m["native_bytes"].as_f64().expect("bytes")).sum();
    assert!((total - v["native_code_bytes"].as_f64().expect("total")).abs() < 1e-6 * total);
    // Trimming shrinks the estimate.
    let all =
        aotsim(&["size", "tests/data/cs/Dispatch.exe", "--ref-dir", "../shared/calibration/assemblies", "--no-trim", "--format", "json"]);
    let w: serde_json::Value = serde_json::from_str(&all.stdout).expect("json");
    assert!(w["native_code_bytes"].as_f64() > v["native_code_bytes"].as_f64());
    let text = aotsim(&["size", "examples/webapi.il"]);
    assert!(
        text.stdout.contains("roll-up") && text.stdout.contains("assembly WebApi") && text.stdout.contains("= executable image"),
        "{}",
        text.stdout
    );
}

#[test]
fn calibrate_fits_and_cross_validates() {
    let dir = std::env::temp_dir().join(format!("aotsim-cal-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp");
    let out = dir.join("p.json");
    // The two smallest assemblies, the linear form (under a second to fit).
    let calibrate = |extra: &[&str]| {
        let mut args = vec![
            "calibrate",
            "../shared/calibration/mono-x64/Mono.Security.csv",
            "../shared/calibration/mono-x64/System.Configuration.csv",
            "--assemblies",
            "../shared/calibration/assemblies",
            "--form",
            "linear",
        ];
        args.extend_from_slice(extra);
        aotsim(&args)
    };
    let run = calibrate(&["-o", out.to_str().expect("utf8"), "--export-features", dir.join("f.csv").to_str().expect("utf8")]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("2312 methods in 2 assemblies"), "{}", run.stdout);
    assert!(run.stdout.contains("Mono.Security.dll") && run.stdout.contains("System.Configuration.dll"));
    // The features it exported: a header and one row per measured method.
    let csv = std::fs::read_to_string(dir.join("f.csv")).expect("features");
    assert!(csv.starts_with("assembly,token,native,bias,il_bytes,op_"));
    assert_eq!(csv.lines().count(), 1 + 2312);
    // Without the cross-validation: the fit on all data alone, and the same profile.
    let out2 = dir.join("p2.json");
    let decisions = dir.join("inl.csv");
    let once =
        calibrate(&["-o", out2.to_str().expect("utf8"), "--no-cross-validation", "--export-inlining", decisions.to_str().expect("utf8")]);
    assert_eq!(once.code, 0, "{}", once.stderr);
    // The inlining decisions: one row per call or construction of a measured method, some
    // inlined and some not, names with commas quoted.
    let inl = std::fs::read_to_string(&decisions).expect("decisions");
    assert!(inl.starts_with("assembly,token,callee_type,callee,overloads,inlined\n"), "{inl:.200}");
    let rows: Vec<&str> = inl.lines().skip(1).collect();
    assert!(rows.len() > 2312, "{}", rows.len());
    assert!(rows.iter().any(|r| r.ends_with(",1")) && rows.iter().any(|r| r.ends_with(",0")));
    assert!(rows.iter().all(|r| r.starts_with("Mono.Security.dll,0x06") || r.starts_with("System.Configuration.dll,0x06")));
    assert!(once.stdout.contains("all (fitted on)") && !once.stdout.contains("Mono.Security.dll"), "{}", once.stdout);
    assert_eq!(std::fs::read_to_string(&out2).expect("p2"), std::fs::read_to_string(&out).expect("p"));
    // The profile it wrote is usable.
    let size = aotsim(&["size", "examples/webapi.il", "--profile", out.to_str().expect("utf8")]);
    assert_eq!(size.code, 0, "{}", size.stderr);
    let bad = aotsim(&["size", "examples/webapi.il", "--profile", "no-such-profile"]);
    assert_eq!(bad.code, 2);
    // A profile fitted on another feature set (here: one feature fewer) is refused, not misread.
    let mut v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&out).expect("profile")).expect("json");
    v["weights"].as_array_mut().expect("weights").pop();
    let old = dir.join("old.json");
    std::fs::write(&old, v.to_string()).expect("write");
    let refused = aotsim(&["size", "examples/webapi.il", "--profile", old.to_str().expect("utf8")]);
    assert_eq!(refused.code, 2, "{}", refused.stdout);
    assert!(refused.stderr.contains("was fitted on") && refused.stderr.contains("refit it"), "{}", refused.stderr);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn what_if_reports_exact_deltas() {
    let off = aotsim(&["what-if", "examples/webapi.il", "--disable-feature", "App.LegacyEndpoints", "--format", "json"]);
    assert_eq!(off.code, 0, "{}", off.stderr);
    let v: serde_json::Value = serde_json::from_str(&off.stdout).expect("json");
    assert_eq!(v["baseline"]["methods"].as_u64().expect("m") - v["variant"]["methods"].as_u64().expect("m"), 2);
    assert!(v["removed"].as_array().expect("removed").iter().any(|r| r[0] == "assembly Newtonsoft.Json"));
    assert_eq!(v["warnings_gone"].as_array().expect("gone").len(), 2);
    assert!(v["variant"]["native_code_bytes"].as_f64() < v["baseline"]["native_code_bytes"].as_f64());
    // Cutting an edge: what Main no longer reaches through it goes, and so do its warnings.
    let cut =
        aotsim(&["what-if", "examples/webapi.il", "--cut", "App.Program::Main(string[])->App.Endpoints::Plugin()", "--format", "json"]);
    let c: serde_json::Value = serde_json::from_str(&cut.stdout).expect("json");
    let gone: Vec<&str> = c["warnings_gone"].as_array().expect("gone").iter().map(|w| w.as_str().expect("str")).collect();
    assert!(gone.contains(&"IL2057 App.PluginLoader::Load(string)"), "{gone:?}");
    // Removing the entry point leaves nothing but what other roots keep.
    let none = aotsim(&["what-if", "examples/webapi.il", "--remove-root", "App.Program::Main(string[])", "--format", "json"]);
    let n: serde_json::Value = serde_json::from_str(&none.stdout).expect("json");
    assert_eq!(n["variant"]["methods"], 0);
    let bad = aotsim(&["what-if", "examples/webapi.il", "--remove-root", "App.Config::Read(string)"]);
    assert_eq!(bad.code, 2, "not a root");
}

#[test]
fn diff_compares_two_programs_by_name() {
    let run = aotsim(&["diff", "examples/webapi.il", "examples/webapi-aot.il", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    assert_eq!(v["warnings_gone"].as_array().expect("gone").len(), 7);
    assert!(v["warnings_new"].as_array().expect("new").is_empty());
    let added = v["added"].as_array().expect("added");
    assert!(added
        .iter()
        .any(|a| a[0] == "method App.CsvExportPlugin::.ctor()" && a[1].as_str().is_some_and(|r| r.starts_with("dam_requirement"))));
}

#[test]
fn diff_compares_two_settings_of_one_program() {
    let run = aotsim(&["diff", "examples/webapi-aot.il", "--b-property", "OptimizationPreference=Size", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    assert_eq!(v["baseline"]["methods"], v["variant"]["methods"], "a publish setting does not change what is kept");
    let (a, b) = (v["baseline"]["image_bytes"].as_f64().expect("a"), v["variant"]["image_bytes"].as_f64().expect("b"));
    assert!(b < 0.85 * a && b > 0.7 * a, "{a} -> {b}");
    let feature = aotsim(&["diff", "examples/webapi.il", "--b-feature", "App.LegacyEndpoints=false", "--format", "json"]);
    let w: serde_json::Value = serde_json::from_str(&feature.stdout).expect("json");
    assert!(w["warnings_gone"]
        .as_array()
        .expect("gone")
        .iter()
        .any(|x| x.as_str().is_some_and(|s| s.starts_with("IL2026 App.Endpoints::Legacy"))));
}
