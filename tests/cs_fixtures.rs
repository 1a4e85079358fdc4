//! Conformance on compiled C#: each fixture in `tests/data/cs/` is a small program compiled with
//! Mono's `mcs` (sources and `build.sh` beside the binaries) whose expected trimming result sits on
//! the code as attributes, as in ILLink's test suite: `[Kept]` on every type and member that must
//! survive, `[KeptMember(".ctor()")]` for members the compiler writes, `[KeptBackingField]` for an
//! auto-property's field, `[ExpectedWarning("IL2037")]` for the warnings. Everything else in the
//! fixture's own assembly must be removed. One runner reads the assembly with the ECMA-335 reader,
//! trims from `Main` with the built-in reflection API models (Mono's class library carries no
//! trimming annotations; the models give it .NET's) and compares.

use aotsim::ecma335::{load, Input};
use aotsim::il::{CustomAttribute, Program};
use aotsim::trim::{trim, Item, TrimConfig};
use std::path::{Path, PathBuf};

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/cs")
}

fn read(path: &Path) -> Option<Input> {
    std::fs::read(path).ok().map(|bytes| Input { name: path.display().to_string(), bytes })
}

/// The expectation attributes on an item: (attribute name, its string argument).
fn expectations(p: &Program, attrs: &[CustomAttribute]) -> Vec<(String, Option<String>)> {
    attrs
        .iter()
        .filter_map(|a| {
            let t = &p.types[p.methods[a.ctor].declaring_type];
            (t.namespace == "Aotsim.Expectations").then(|| {
                let arg = match a.args.first() {
                    Some(aotsim::il::AttrValue::String(s)) => Some(s.clone()),
                    _ => None,
                };
                (t.name.trim_end_matches("Attribute").to_string(), arg)
            })
        })
        .collect()
}

fn has(e: &[(String, Option<String>)], name: &str) -> bool {
    e.iter().any(|(n, _)| n == name)
}

/// Runs one fixture, trimmed with these feature switches set; returns its mismatches, one line
/// each.
fn run_fixture(name: &str, features: &[(&str, bool)]) -> Vec<String> {
    let exe = dir().join(format!("{name}.exe"));
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/calibration/assemblies");
    let mut resolve = |asm: &str| read(&dir().join(format!("{asm}.dll"))).or_else(|| read(&shared.join(format!("{asm}.dll"))));
    let loaded = load(vec![read(&exe).expect("fixture")], &mut resolve).unwrap_or_else(|e| panic!("{name}: {}", e[0]));
    let p = &loaded.program;
    // With the built-in API models, as ILLink runs with .NET's annotated class library.
    let models = aotsim::hazard::models::ApiModels::built_in().resolve(p);
    let features = features.iter().map(|&(f, on)| (f.to_string(), on)).collect();
    let result = trim(p, &TrimConfig { requirements: models.requirements(), features, ..TrimConfig::default() });
    let fixture = p.assemblies.iter().find(|(_, a)| a.name == name).map(|(id, _)| id).expect("fixture assembly");
    let mut expected_kept: Vec<Item> = Vec::new();
    let mut subject: Vec<Item> = Vec::new();
    let mut warnings: Vec<String> = Vec::new();
    let generated = |s: &str| s.starts_with('<');
    for (t, td) in p.types.iter() {
        if td.assembly != fixture || generated(&td.name) {
            continue;
        }
        let e = expectations(p, &td.attributes);
        subject.push(Item::Type(t));
        if has(&e, "Kept") {
            expected_kept.push(Item::Type(t));
        }
        let kept_members: Vec<&str> = e.iter().filter(|(n, _)| n == "KeptMember").filter_map(|(_, a)| a.as_deref()).collect();
        let mut note = |attrs: &[CustomAttribute], item: Item, display: String, forced: bool| {
            let e = expectations(p, attrs);
            let member = display.split_once("::").map_or(display.as_str(), |(_, m)| m).to_string();
            if generated(&member) && !forced {
                return; // compiler-generated (caches, display classes): not stated by the fixture
            }
            if forced || has(&e, "Kept") || kept_members.contains(&member.as_str()) {
                expected_kept.push(item);
            }
            warnings.extend(e.iter().filter(|(n, _)| n == "ExpectedWarning").filter_map(|(_, a)| a.clone()));
            subject.push(item);
        };
        for &m in &td.methods {
            note(&p.methods[m].attributes, Item::Method(m), p.method_name(m), false);
        }
        let backing: Vec<String> = td
            .properties
            .iter()
            .filter(|&&x| has(&expectations(p, &p.properties[x].attributes), "KeptBackingField"))
            .map(|&x| format!("<{}>k__BackingField", p.properties[x].name))
            .collect();
        for &f in &td.fields {
            let forced = backing.contains(&p.fields[f].name);
            note(&p.fields[f].attributes, Item::Field(f), p.field_name(f), forced);
        }
        for &x in &td.properties {
            note(&p.properties[x].attributes, Item::Property(x), p.property_name(x), false);
        }
        for &x in &td.events {
            note(&p.events[x].attributes, Item::Event(x), p.event_name(x), false);
        }
    }
    let mut problems = Vec::new();
    for item in subject {
        let want = expected_kept.contains(&item);
        let got = result.is_kept(item);
        if want != got {
            let what = if want { "expected kept, but removed" } else { "expected removed, but kept" };
            problems.push(format!("{name}: {} {}: {what}", item.kind_name(), item.name(p)));
        }
    }
    // Warnings raised by the fixture's own code (or by its attributes, which carry no location);
    // the class library's own warnings are not the fixture's to state.
    let own = |loc: &Option<String>| {
        loc.as_ref().is_none_or(|l| {
            let ty = l.split("::").next().unwrap_or(l);
            p.names().types_named(ty).iter().any(|&t| p.types[t].assembly == fixture)
        })
    };
    let mut got: Vec<String> = result.graph().diagnostics.iter().filter(|d| own(&d.location)).map(|d| d.code.to_string()).collect();
    got.sort();
    warnings.sort();
    if got != warnings {
        problems.push(format!("{name}: warnings {got:?}, expected {warnings:?}"));
    }
    problems
}

#[test]
fn compiled_csharp_fixtures_trim_as_their_attributes_say() {
    let mut problems = Vec::new();
    for name in ["Dispatch", "Types", "Dynamic", "Reflection", "Generics"] {
        problems.extend(run_fixture(name, &[]));
    }
    problems.extend(run_fixture("Features", &[("App.Telemetry", false)]));
    assert!(problems.is_empty(), "{} mismatch(es):\n{}", problems.len(), problems.join("\n"));
}
