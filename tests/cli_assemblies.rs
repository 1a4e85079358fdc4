//! The command line on real assemblies: `check` summarises what the reader decoded, `trim --list
//! --format json` names items by assembly and metadata token, references that are missing are
//! warnings, damaged files are located errors (exit 2), and a program read from an assembly prints
//! as text that reads back to the same program.

mod common;
use common::*;

const REFS: &str = "../shared/calibration/assemblies";

#[test]
fn check_reads_several_assemblies_and_reports_the_il() {
    let run = aotsim(&["check", "tests/data/cs/Dispatch.exe", "tests/data/cs/Expectations.dll", "--ref-dir", REFS]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("3 assemblies"), "{}", run.stdout);
    assert!(run.stdout.contains("method bodies") && run.stdout.contains("IL instructions"), "{}", run.stdout);
    assert!(run.stdout.contains("entry point: Program::Main()"), "{}", run.stdout);
    let json = aotsim(&["check", "tests/data/cs/Dispatch.exe", "--ref-dir", REFS, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json.stdout).expect("json");
    assert!(v["il"]["il_instructions"].as_u64().expect("count") > 500_000, "mscorlib's bodies are read too");
}

#[test]
fn trim_lists_kept_items_with_their_tokens() {
    let run = aotsim(&["trim", "tests/data/cs/Dispatch.exe", "--ref-dir", REFS, "--list", "kept", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    let items = v["items"].as_array().expect("items");
    let main = items.iter().find(|i| i["name"] == "Program::Main()").expect("Main is kept");
    assert_eq!(main["assembly"], "Dispatch");
    let token = main["token"].as_str().expect("token");
    assert!(token.starts_with("0x06") && token.len() == 10, "{token}");
    assert!(items.iter().any(|i| i["name"] == "System.Object::.ctor()" && i["assembly"] == "mscorlib"));
    assert!(!items.iter().any(|i| i["name"] == "Square"), "never constructed");
}

#[test]
fn a_missing_reference_is_a_warning_and_the_analysis_goes_on() {
    // Without --ref-dir, mscorlib is not found beside the fixture.
    let run = aotsim(&["trim", "tests/data/cs/Dispatch.exe"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("warning: tests/data/cs/Dispatch.exe: referenced assembly mscorlib was not found"), "{}", run.stderr);
    assert!(run.stdout.contains("trimmed with RTA"), "{}", run.stdout);
}

#[test]
fn damaged_assemblies_are_located_errors() {
    let dir = std::env::temp_dir().join(format!("aotsim-asm-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp");
    let bad = dir.join("bad.dll");
    std::fs::write(&bad, b"MZ not really").expect("write");
    let run = aotsim(&["check", bad.to_str().expect("utf8")]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("bad.dll: offset 0x3c: file ends inside a 4-byte field"), "{}", run.stderr);
    let mut bytes = std::fs::read(root().join("tests/data/cs/Types.exe")).expect("fixture");
    bytes.truncate(bytes.len() / 2);
    let cut = dir.join("cut.exe");
    std::fs::write(&cut, bytes).expect("write");
    let run = aotsim(&["check", cut.to_str().expect("utf8")]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("cut.exe: ") && !run.stderr.contains("panicked"), "{}", run.stderr);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_assembly_prints_as_text_that_reads_back_the_same() {
    let dir = std::env::temp_dir().join(format!("aotsim-asm-text-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp");
    let il = dir.join("types.il");
    let run = aotsim(&["show", "tests/data/cs/Types.exe", "-o", il.to_str().expect("utf8")]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let again = aotsim(&["show", il.to_str().expect("utf8")]);
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert_eq!(again.stdout, std::fs::read_to_string(&il).expect("text"));
    assert!(again.stdout.contains("Settings::'<Name>k__BackingField'") || again.stdout.contains("'<Name>k__BackingField'"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_readme_shows_what_the_tool_prints_on_the_fixture() {
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README");
    let trim = aotsim(&["trim", "tests/data/cs/Dispatch.exe", "--ref-dir", REFS]);
    let table: String = trim.stdout.lines().take(5).map(|l| format!("{l}\n")).collect();
    assert!(readme.contains(&table), "README's Dispatch.exe trim summary is stale; it should contain:\n{table}");
    let size = aotsim(&["size", "tests/data/cs/Dispatch.exe", "--ref-dir", REFS, "--retained", "3", "--top", "1"]);
    assert!(readme.contains(size.stdout.trim_end()), "README's size roll-up is stale; it should contain:\n{}", size.stdout);
}
