//! The command line on the bundled example and on the interchange formats.

mod common;
use common::*;

#[test]
fn example_checks_and_trims() {
    let check = aotsim(&["check", "examples/webapi.il"]);
    assert_eq!(check.code, 0, "{}", check.stderr);
    assert!(check.stdout.contains("entry point: App.Program::Main(string[])"));
    let trim = aotsim(&["trim", "examples/webapi.il"]);
    assert_eq!(trim.code, 0, "{}", trim.stderr);
    // The README quotes this summary: keep them in step.
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README");
    let table: String = trim.stdout.lines().skip(1).take(7).map(|l| format!("{l}\n")).collect();
    assert!(readme.contains(&table), "README's trim summary is stale; it should contain:\n{table}");
}

#[test]
fn rta_removes_what_cha_keeps_on_the_example() {
    let rta = aotsim(&["trim", "examples/webapi.il", "--list", "kept", "--format", "json"]);
    let cha = aotsim(&["trim", "examples/webapi.il", "--precision", "cha", "--list", "kept", "--format", "json"]);
    let names = |s: &str| -> Vec<String> {
        let v: serde_json::Value = serde_json::from_str(s).expect("json");
        v["items"].as_array().expect("items").iter().map(|i| i["name"].as_str().expect("name").to_string()).collect()
    };
    let (rta, cha) = (names(&rta.stdout), names(&cha.stdout));
    assert!(rta.iter().all(|n| cha.contains(n)), "RTA kept something CHA removed");
    // Loggers the app never constructs: their Log is an interface implementation CHA keeps.
    let debug_log = "Microsoft.Extensions.Logging.DebugLogger::Log(string)".to_string();
    assert!(cha.contains(&debug_log) && !rta.contains(&debug_log));
    assert!(rta.contains(&"Microsoft.Extensions.Logging.ConsoleLogger::Log(string)".to_string()));
}

#[test]
fn why_explains_a_conditional_edge() {
    let why = aotsim(&["why", "examples/webapi.il", "Microsoft.Extensions.Logging.ConsoleLogger::Log(string)"]);
    assert_eq!(why.code, 0, "{}", why.stderr);
    let lines: Vec<&str> = why.stdout.lines().collect();
    assert!(lines[1].contains("App.Program::Main(string[])") && lines[1].contains("root: entry point"), "{}", why.stdout);
    let last = lines.last().expect("chain");
    assert!(last.contains("interface_impl, because Microsoft.Extensions.Logging.ConsoleLogger (instantiated)"), "{}", why.stdout);
    let removed = aotsim(&["why", "examples/webapi.il", "Microsoft.Extensions.Logging.DebugLogger::Log(string)"]);
    assert!(removed.stdout.contains("is removed"), "{}", removed.stdout);
    let unknown = aotsim(&["why", "examples/webapi.il", "App.Program::Mian(string[])"]);
    assert_eq!(unknown.code, 2);
    assert!(unknown.stderr.contains("did you mean: App.Program::Main(string[])"), "{}", unknown.stderr);
}

#[test]
fn json_model_round_trips() {
    let dir = std::env::temp_dir().join(format!("aotsim-json-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp");
    let json_path = dir.join("webapi.json");
    let json = aotsim(&["show", "examples/webapi.il", "--format", "json"]);
    assert_eq!(json.code, 0);
    std::fs::write(&json_path, &json.stdout).expect("write");
    let from_json = aotsim(&["show", json_path.to_str().expect("utf8")]);
    let from_text = aotsim(&["show", "examples/webapi.il"]);
    assert_eq!(from_json.stdout, from_text.stdout);
    // Broken JSON: a located error and exit 2.
    std::fs::write(&json_path, &json.stdout[..json.stdout.len() / 2]).expect("write");
    let bad = aotsim(&["check", json_path.to_str().expect("utf8")]);
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("webapi.json:1:") && bad.stderr.contains("not a program in JSON"), "{}", bad.stderr);
    // Valid JSON with a dangling id: a validation error, not a panic.
    let mut v: serde_json::Value = serde_json::from_str(&json.stdout).expect("json");
    v["methods"][0]["declaring_type"] = serde_json::json!(99999);
    std::fs::write(&json_path, v.to_string()).expect("write");
    let dangling = aotsim(&["check", json_path.to_str().expect("utf8")]);
    assert_eq!(dangling.code, 2, "{}", dangling.stderr);
    assert!(dangling.stderr.contains("does not exist"), "{}", dangling.stderr);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn usage_errors_and_help() {
    assert_eq!(aotsim(&["trim"]).code, 2);
    assert_eq!(aotsim(&["frobnicate"]).code, 2);
    let missing = aotsim(&["check", "no/such/file.il"]);
    assert_eq!(missing.code, 2);
    assert!(missing.stderr.contains("no/such/file.il: cannot read"), "{}", missing.stderr);
    let help = aotsim(&["--help"]);
    assert_eq!(help.code, 0);
    assert!(help.stdout.contains("Examples:") && help.stdout.contains("aotsim trim examples/webapi.il"));
}

#[test]
fn timings_name_each_phase() {
    let run = aotsim(&["trim", "examples/webapi.il", "--timings"]);
    let phases: Vec<&str> =
        run.stderr.lines().filter_map(|l| l.strip_prefix("timing ")).map(|l| l.split(' ').next().expect("phase")).collect();
    assert_eq!(phases, ["read", "build", "trim", "compare", "report"]);
    for l in run.stderr.lines() {
        let ms: f64 = l.rsplit(' ').next().expect("ms").parse().expect("a number of milliseconds");
        assert!(ms >= 0.0);
    }
}

#[test]
fn gen_is_deterministic_and_readable() {
    let a = aotsim(&["gen", "--methods", "300", "--seed", "5"]);
    let b = aotsim(&["gen", "--methods", "300", "--seed", "5"]);
    let c = aotsim(&["gen", "--methods", "300", "--seed", "6"]);
    assert_eq!(a.code, 0);
    assert_eq!(a.stdout, b.stdout);
    assert_ne!(a.stdout, c.stdout);
    let dir = std::env::temp_dir().join(format!("aotsim-gen-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp");
    let path = dir.join("g.il");
    std::fs::write(&path, &a.stdout).expect("write");
    let check = aotsim(&["check", path.to_str().expect("utf8")]);
    assert_eq!(check.code, 0, "{}", check.stderr);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn graph_exports_typed_edges() {
    let csv = aotsim(&["graph", "examples/webapi.il", "--kept-only"]);
    assert_eq!(csv.code, 0, "{}", csv.stderr);
    let mut lines = csv.stdout.lines();
    assert_eq!(lines.next(), Some("from,to,kind,condition"));
    assert_eq!(lines.next(), Some("<root>,App.Program::Main(string[]),root,"));
    assert!(csv.stdout.contains("\"Microsoft.Extensions.Logging.ILogger::Log(string)\",\"Microsoft.Extensions.Logging.ConsoleLogger::Log(string)\",interface_impl,Microsoft.Extensions.Logging.ConsoleLogger (instantiated)")
        || csv.stdout.contains("Microsoft.Extensions.Logging.ILogger::Log(string),Microsoft.Extensions.Logging.ConsoleLogger::Log(string),interface_impl,Microsoft.Extensions.Logging.ConsoleLogger (instantiated)"));
    // --kept-only drops the edges into removed items.
    assert!(!csv.stdout.contains("DebugLogger::Log"));
    let all = aotsim(&["graph", "examples/webapi.il"]);
    assert!(all.stdout.contains("DebugLogger::Log") && all.stdout.lines().count() > csv.stdout.lines().count());
    let dgml = aotsim(&["graph", "examples/webapi.il", "--format", "dgml", "--kept-only"]);
    let doc = roxmltree::Document::parse(&dgml.stdout).expect("DGML is XML");
    let links = doc.descendants().filter(|n| n.has_tag_name("Link")).count();
    assert_eq!(links, csv.stdout.lines().count() - 1, "one DGML link per CSV edge");
    let dot = aotsim(&["graph", "examples/webapi.il", "--format", "dot", "--kept-only"]);
    assert!(dot.stdout.starts_with("digraph aotsim {") && dot.stdout.trim_end().ends_with('}'));
    assert_eq!(dot.stdout.matches(" -> ").count(), links);
}

#[test]
fn trimmed_output_is_a_program_that_keeps_everything() {
    let dir = std::env::temp_dir().join(format!("aotsim-out-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp");
    let out = dir.join("trimmed.il");
    let run = aotsim(&["trim", "examples/webapi.il", "-o", out.to_str().expect("utf8"), "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let first: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    let again = aotsim(&["trim", out.to_str().expect("utf8"), "--format", "json"]);
    assert_eq!(again.code, 0, "{}", again.stderr);
    let second: serde_json::Value = serde_json::from_str(&again.stdout).expect("json");
    assert_eq!(first["kept"], second["kept"]);
    assert_eq!(second["kept"], second["total"], "the trimmed program trims to itself");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn feature_switch_removes_the_legacy_serializer() {
    let on = aotsim(&["trim", "examples/webapi.il", "--list", "kept", "--format", "json"]);
    let off = aotsim(&["trim", "examples/webapi.il", "--feature", "App.LegacyEndpoints=false", "--list", "kept", "--format", "json"]);
    assert_eq!(off.code, 0, "{}", off.stderr);
    let kept = |s: &str| -> Vec<String> {
        let v: serde_json::Value = serde_json::from_str(s).expect("json");
        v["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|i| format!("{} {}", i["kind"].as_str().expect("kind"), i["name"].as_str().expect("name")))
            .collect()
    };
    let (on, off) = (kept(&on.stdout), kept(&off.stdout));
    assert!(on.contains(&"assembly Newtonsoft.Json".to_string()) && !off.contains(&"assembly Newtonsoft.Json".to_string()));
    assert!(!off.contains(&"method App.Endpoints::Legacy()".to_string()));
    assert!(off.contains(&"method App.AppFeatures::get_LegacyEndpoints()".to_string()), "the getter itself stays");
    assert!(off.iter().all(|i| on.contains(i)), "switching a feature off only removes");
    let bad = aotsim(&["trim", "examples/webapi.il", "--feature", "App.LegacyEndpoints=maybe"]);
    assert_eq!(bad.code, 2);
}

#[test]
fn binary_model_round_trips() {
    let dir = std::env::temp_dir().join(format!("aotsim-bin-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp");
    let bin = dir.join("webapi.aotb");
    let run = aotsim(&["show", "examples/webapi.il", "-o", bin.to_str().expect("utf8")]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let from_bin = aotsim(&["show", bin.to_str().expect("utf8")]);
    let from_text = aotsim(&["show", "examples/webapi.il"]);
    assert_eq!(from_bin.stdout, from_text.stdout);
    let trimmed = dir.join("trimmed.aotb");
    assert_eq!(aotsim(&["trim", "examples/webapi.il", "-o", trimmed.to_str().expect("utf8")]).code, 0);
    assert_eq!(aotsim(&["check", trimmed.to_str().expect("utf8")]).code, 0);
    // A text file named .aotb is refused with the reason.
    let wrong = dir.join("wrong.aotb");
    std::fs::write(&wrong, "assembly A {}").expect("write");
    let bad = aotsim(&["check", wrong.to_str().expect("utf8")]);
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("not an aotsim binary model"), "{}", bad.stderr);
    // A model written by an earlier version (its tables had fewer fields) is refused by name.
    let mut old = std::fs::read(&bin).expect("written");
    old[..8].copy_from_slice(b"AOTSIMB1");
    std::fs::write(&wrong, old).expect("write");
    let bad = aotsim(&["check", wrong.to_str().expect("utf8")]);
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("another version of aotsim") && bad.stderr.contains("AOTSIMB1"), "{}", bad.stderr);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_reader_that_stops_early_ends_the_output_quietly() {
    use std::io::Read;
    use std::process::{Command, Stdio};
    // `aotsim show Mono.Security.dll | head -c 100`: far more text than a pipe holds, so printing
    // fails once the reader is gone; that is the reader's choice, not a crash.
    let mut child = Command::new(env!("CARGO_BIN_EXE_aotsim"))
        .args(["show", "../shared/calibration/assemblies/Mono.Security.dll"])
        .current_dir(root())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run aotsim");
    let mut head = [0u8; 100];
    child.stdout.take().expect("piped").read_exact(&mut head).expect("the first bytes");
    let out = child.wait_with_output().expect("wait");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(String::from_utf8_lossy(&head).contains("Assembly"), "{}", String::from_utf8_lossy(&head));
}

/// `trim -o` of a program whose feature switch folds a call away: the call (its method trimmed)
/// keeps its stack effect in the written program, so the body stays well-formed and `warnings`
/// on the output finds nothing malformed (it did when the call became a `nop`: the `pop` after it
/// underflowed).
#[test]
fn trimmed_output_keeps_the_stack_effect_of_what_folding_removed() {
    let dir = std::env::temp_dir().join(format!("aotsim-fold-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let src = dir.join("fold.il");
    std::fs::write(
        &src,
        r#"assembly App {
    class System.Diagnostics.CodeAnalysis.FeatureSwitchDefinitionAttribute { method public .ctor(string name) { ret } }
    class App.Features {
        method public static bool get_On() { ldc.i4.1 ret }
        [System.Diagnostics.CodeAnalysis.FeatureSwitchDefinitionAttribute("App.On")]
        property bool On get get_On()
    }
    class App.Gone { method public static int32 Value(int32 x) { ldarg 0 ret } }
    class App.Program {
        method public static entrypoint void Main() {
            call App.Features::get_On()
            brfalse skip
            ldc.i4 1
            call App.Gone::Value(int32)
            pop
          skip:
            ret
        }
    }
}
"#,
    )
    .expect("write");
    let out = dir.join("trimmed.il");
    let trim = aotsim(&["trim", src.to_str().expect("utf8"), "--feature", "App.On=false", "-o", out.to_str().expect("utf8")]);
    assert_eq!(trim.code, 0, "{}", trim.stderr);
    let written = std::fs::read_to_string(&out).expect("written");
    assert!(!written.contains("App.Gone") && written.contains("stack 1 1"), "{written}");
    let warnings = aotsim(&["warnings", out.to_str().expect("utf8")]);
    assert_eq!(warnings.code, 0, "{}", warnings.stderr);
    assert!(!warnings.stdout.contains("malformed") && !warnings.stderr.contains("malformed"), "{}{}", warnings.stdout, warnings.stderr);
    let _ = std::fs::remove_dir_all(&dir);
}
