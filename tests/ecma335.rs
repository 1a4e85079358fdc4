//! The ECMA-335 reader on real assemblies: the Mono class libraries in `../shared/calibration`
//! read completely (the counts Mono.Cecil reports for the same files), every measured method is
//! found by its token with the IL size the calibration data recorded, and damaged files (3,000
//! mutants of two assemblies each run; `AOTSIM_MUTANTS=30000 cargo test --release --test ecma335`
//! for a longer hunt, 60,000 mutants in about a minute) give an error naming the file, never a
//! panic.

use aotsim::ecma335::{load, Input};
use aotsim::gen::Rng;
use std::path::{Path, PathBuf};

fn calibration() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/calibration")
}

fn input(path: &Path) -> Input {
    Input { name: path.display().to_string(), bytes: std::fs::read(path).expect("calibration assembly") }
}

const ASSEMBLIES: [&str; 8] =
    ["mscorlib", "System", "System.Core", "System.Xml", "System.Data", "System.Configuration", "Mono.CSharp", "Mono.Security"];

#[test]
fn reads_the_calibration_assemblies_as_cecil_counts_them() {
    let dir = calibration().join("assemblies");
    let inputs = ASSEMBLIES.iter().map(|a| input(&dir.join(format!("{a}.dll")))).collect();
    let loaded = load(inputs, &mut |_| None).expect("the Mono class libraries read");
    // Two threads share the work of reading (docs/ARCHITECTURE.md); how they split it must not
    // change the model, ids included.
    let again = load(ASSEMBLIES.iter().map(|a| input(&dir.join(format!("{a}.dll")))).collect(), &mut |_| None).expect("read again");
    assert!(loaded.program.data() == again.program.data(), "a second read gave another model");
    drop(again);
    // Mono.Cecil 0.11 over the same eight files (ModuleDefinition.GetTypes, Methods,
    // Body.Instructions): 9591 types, 90184 methods, 2142560 instructions.
    assert_eq!(loaded.stats.types, 9591);
    assert_eq!(loaded.stats.methods, 90184);
    assert_eq!(loaded.stats.il_instructions, 2_142_560);
    // System.Numerics and System.Security are referenced but not among the eight.
    let missing: Vec<&str> = loaded.diagnostics.iter().map(|d| d.message.as_str()).filter(|m| m.contains("was not found")).collect();
    assert!(missing.iter().any(|m| m.contains("System.Numerics")), "{missing:?}");
    assert!(loaded.diagnostics.iter().all(|d| !d.message.contains("matches no member")), "{:?}", loaded.diagnostics);

    // Every method the calibration data measured is found by token, with its name, its
    // declaring type and its IL size.
    let p = &loaded.program;
    let by_token: std::collections::HashMap<_, _> =
        p.methods.ids().map(|m| (loaded.tokens.method_token(m).expect("every method has a token"), m)).collect();
    let mut checked = 0;
    for asm in ASSEMBLIES {
        let csv = std::fs::read_to_string(calibration().join(format!("mono-x64/{asm}.csv"))).expect("csv");
        let a = p.assemblies.iter().find(|(_, x)| x.name == asm).map(|(id, _)| id).expect("assembly read");
        for line in csv.lines().skip(1) {
            let f: Vec<&str> = line.split(',').collect();
            let (token, ty, il_size) = (f[1], f[2], f[f.len() - 2]);
            let method = f[3..f.len() - 2].join(",");
            let method = method.strip_prefix('"').and_then(|m| m.strip_suffix('"')).map_or(method.clone(), |m| m.replace("\"\"", "\""));
            let row = u32::from_str_radix(token.trim_start_matches("0x"), 16).expect("hex token") & 0x00ff_ffff;
            let id = *by_token.get(&(a, 0x0600_0000 | row)).unwrap_or_else(|| panic!("{asm} {token}: no method has this token"));
            let md = &p.methods[id];
            let td = &p.types[md.declaring_type];
            let full = if td.namespace.is_empty() { td.name.clone() } else { format!("{}.{}", td.namespace, td.name) };
            assert_eq!((full.as_str(), md.name.as_str()), (ty, method.as_str()), "{asm} {token}");
            assert_eq!(md.il_size.to_string(), il_size, "{asm} {token} {ty}::{method}");
            checked += 1;
        }
    }
    assert!(checked > 83_000, "{checked} methods checked");

    // Explicit layouts: Decimal's 64-bit field overlaps two 32-bit ones (FieldLayout), and a
    // fixed buffer declares its size (ClassLayout `.size 102`, no fields of its own).
    let decimal = p.names().types_named("System.Decimal")[0];
    let offset = |name: &str| p.types[decimal].fields.iter().map(|&f| &p.fields[f]).find(|f| f.name == name).and_then(|f| f.offset);
    assert_eq!((offset("lo"), offset("mid"), offset("ulomidLE")), (Some(8), Some(12), Some(8)));
    let digits = p.names().types_named("System.Number/NumberBuffer/DigitsAndNullTerminator")[0];
    assert_eq!(p.types[digits].class_size, Some(102));
    assert_eq!(p.types[p.names().types_named("System.String")[0]].class_size, None);
}

/// Reads `bytes` as an assembly in-process; returns whether it was rejected. Panics are failures.
fn read_mutant(bytes: Vec<u8>, name: &str) -> bool {
    let result =
        std::panic::catch_unwind(move || load(vec![Input { name: name.to_string(), bytes }], &mut |_| None).map(|l| l.stats.methods));
    match result {
        Ok(Ok(_)) => false,
        Ok(Err(errors)) => {
            assert!(!errors.is_empty());
            for e in &errors {
                assert_eq!(e.file, name);
                assert!(!e.cause.is_empty() && e.to_string().starts_with(name), "{e}");
            }
            true
        }
        Err(_) => panic!("a mutant of {name} panicked"),
    }
}

fn mutate(original: &[u8], rng: &mut Rng, i: usize) -> Vec<u8> {
    let mut bytes = original.to_vec();
    match i % 5 {
        4 => {
            // A table cell (2-byte aligned) set to 0, 1 or 0xFFFF: indexes of row 0, a first row,
            // or past every table.
            let at = (rng.below(bytes.len() - 2)) & !1;
            let v: u16 = [0, 1, 0xffff][rng.below(3)];
            bytes[at..at + 2].copy_from_slice(&v.to_le_bytes());
        }
        0 => bytes.truncate(rng.below(bytes.len())),
        1 => {
            for _ in 0..1 + rng.below(8) {
                let at = rng.below(bytes.len());
                bytes[at] ^= 1 << rng.below(8);
            }
        }
        2 => {
            // A hostile 32-bit value (huge count, offset past the end) somewhere.
            let at = rng.below(bytes.len().saturating_sub(4));
            let v: u32 = [u32::MAX, 0x7fff_ffff, 0x0100_0000, bytes.len() as u32 + 16][rng.below(4)];
            bytes[at..at + 4].copy_from_slice(&v.to_le_bytes());
        }
        _ => {
            let at = rng.below(bytes.len());
            let len = rng.below(64).min(bytes.len() - at);
            let fill = rng.below(256) as u8;
            bytes[at..at + len].fill(fill);
        }
    }
    bytes
}

#[test]
fn damaged_assemblies_are_errors_never_panics() {
    for (file, seed) in [("System.Configuration.dll", 2026), ("Mono.Security.dll", 7)] {
        let original = std::fs::read(calibration().join("assemblies").join(file)).expect("calibration assembly");
        let mut rng = Rng::new(seed);
        let mut rejected = 0;
        let n = std::env::var("AOTSIM_MUTANTS").ok().and_then(|v| v.parse().ok()).unwrap_or(1500);
        for i in 0..n {
            if read_mutant(mutate(&original, &mut rng, i), file) {
                rejected += 1;
            }
        }
        // Flips inside method bodies or names often leave a valid assembly; many must be caught.
        assert!(rejected > n / 4, "{file}: {rejected} of {n} mutants rejected");
    }
}

#[test]
fn hostile_headers_are_located_errors() {
    let original = std::fs::read(calibration().join("assemblies/Mono.Security.dll")).expect("calibration assembly");
    let err = |bytes: Vec<u8>| load(vec![Input { name: "x.dll".into(), bytes }], &mut |_| None).expect_err("rejected")[0].to_string();
    assert_eq!(err(Vec::new()), "x.dll: offset 0x0: not a PE file (no `MZ` signature)");
    assert!(err(b"MZ".to_vec()).contains("x.dll: offset 0x3c: file ends inside a 4-byte field"));
    // The PE header pointer sent past the end of the file.
    let mut b = original.clone();
    b[0x3c..0x40].copy_from_slice(&0xffff_fff0u32.to_le_bytes());
    assert!(err(b).contains("no `PE\\0\\0` signature"));
    // Every row count in the tables stream set huge: the first table that no longer fits is named.
    let tables = original.windows(4).position(|w| w == b"#~\0\0").expect("a #~ stream header");
    let stream_offset = u32::from_le_bytes(original[tables - 8..tables - 4].try_into().expect("4 bytes")) as usize;
    let root = original.windows(4).position(|w| w == b"BSJB").expect("metadata root");
    let counts = root + stream_offset + 24;
    let mut b = original.clone();
    b[counts..counts + 4].copy_from_slice(&0x00ff_ffffu32.to_le_bytes());
    let e = err(b);
    assert!(e.contains("table Module: 16777215 rows") && e.contains("run past the end of the tables stream"), "{e}");
    // A file that is not a .NET assembly.
    assert!(err(vec![0u8; 4096]).contains("not a PE file"));
}

#[test]
fn visibility_follows_the_metadata_flags() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/cs");
    let inputs = ["Dispatch.exe", "Expectations.dll"].iter().map(|f| input(&dir.join(f))).collect();
    let loaded = load(inputs, &mut |_| None).expect("fixtures");
    let p = &loaded.program;
    let ty = |name: &str| p.names().types_named(name)[0];
    use aotsim::il::Visibility;
    // `class Circle` (no modifier) is internal; the expectation attributes are public.
    assert_eq!(p.types[ty("Circle")].visibility, Visibility::Internal);
    assert_eq!(p.types[ty("Aotsim.Expectations.KeptAttribute")].visibility, Visibility::Public);
    let area = p.types[ty("Circle")].methods.iter().copied().find(|&m| p.methods[m].name == "Area").expect("Area");
    assert_eq!(p.methods[area].visibility, Visibility::Public);
}

/// Control flow the model keeps beside the instructions: compare-and-branch targets, `switch`
/// tables and where handlers and filters begin, bound to instruction indexes (`Features.cs`).
/// A table entry that lands inside an instruction is a located error.
#[test]
fn switch_tables_compare_branches_and_handlers_are_bound_to_instructions() {
    use aotsim::il::Instr;
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/cs");
    let bytes = std::fs::read(dir.join("Features.exe")).expect("fixture");
    let refs = calibration().join("assemblies");
    let mut resolve = |asm: &str| {
        let path = [dir.join(format!("{asm}.dll")), refs.join(format!("{asm}.dll"))].into_iter().find(|p| p.exists())?;
        Some(input(&path))
    };
    let loaded = load(vec![Input { name: "Features.exe".into(), bytes: bytes.clone() }], &mut resolve).expect("fixture");
    let p = &loaded.program;
    let main = p.entry_point.expect("Main");
    let body = p.methods[main].body.as_ref().expect("body");
    let callee = |i: u32| match body.instrs[i as usize] {
        Instr::Call(r) => p.methods[p.method_refs[r].method].name.clone(),
        ref other => format!("{other:?}"),
    };
    // `switch (a)` over cases 0-4: each entry is the call in its case.
    assert_eq!(body.switches().len(), 1);
    assert_eq!(body.switches()[0].iter().map(|&t| callee(t)).collect::<Vec<_>>(), ["One", "Two", "Three", "Four", "Five"]);
    // `if (a >= 3) Then(); else Else();` is `blt` to the call of Else.
    let blt = body.instrs.iter().find_map(|i| match i {
        Instr::BrCmp(aotsim::il::Cmp::Lt, t) => Some(*t),
        _ => None,
    });
    assert_eq!(blt.map(callee).as_deref(), Some("Else"));
    // The catch (`pop` of the exception, then Recover), the filter's block, its handler and the
    // finally (Cleanup).
    assert_eq!(body.handlers().len(), 4, "{:?}", body.handlers());
    let after = |h: u32| callee(h + 1);
    assert_eq!(after(body.handlers()[0]), "Recover");
    assert!(body.handlers().iter().any(|&h| callee(h) == "Cleanup"), "{:?}", body.handlers());
    assert!(body.handlers().iter().any(|&h| after(h) == "Filtered"), "{:?}", body.handlers());
    // The first entry of the table (a 5-target `switch`) moved one byte into the call it names.
    let at = bytes.windows(5).position(|w| w == [0x45, 5, 0, 0, 0]).expect("the switch") + 5;
    let mut bad = bytes.clone();
    let first = i32::from_le_bytes(bad[at..at + 4].try_into().expect("4 bytes")) + 1;
    bad[at..at + 4].copy_from_slice(&first.to_le_bytes());
    let e = load(vec![Input { name: "Features.exe".into(), bytes: bad }], &mut resolve).expect_err("rejected")[0].to_string();
    assert!(e.starts_with("Features.exe: ") && e.contains("is not the start of an instruction"), "{e}");
}

/// Instructions kept for their stack effect that name a type keep it (`Instr::TypeOp`): mscorlib
/// has every kind, and `ArrayPoolEventSource.BufferRented`'s `sizeof` names `EventSource.EventData`.
#[test]
fn type_operands_of_stack_instructions_are_kept() {
    use aotsim::il::{Instr, SimpleOp};
    let loaded = load(vec![input(&calibration().join("assemblies/mscorlib.dll"))], &mut |_| None).expect("mscorlib");
    let p = &loaded.program;
    let mut kinds = std::collections::BTreeMap::new();
    for (_, m) in p.methods.iter() {
        for ins in m.body.iter().flat_map(|b| &b.instrs) {
            if let Instr::TypeOp(op, _) = ins {
                *kinds.entry(op.mnemonic()).or_insert(0) += 1;
            }
        }
    }
    for op in [SimpleOp::LdInd, SimpleOp::StInd, SimpleOp::LdElem, SimpleOp::StElem, SimpleOp::LdConst] {
        assert!(kinds.get(op.mnemonic()).is_some_and(|&n| n > 0), "{op:?}: {kinds:?}");
    }
    let source = p.names().types_named("System.Buffers.ArrayPoolEventSource");
    let rented = source.iter().flat_map(|&t| p.types[t].methods.iter().copied()).find(|&m| p.methods[m].name == "BufferRented");
    let body = p.methods[rented.expect("BufferRented")].body.as_ref().expect("body");
    let sized = body.instrs.iter().find_map(|i| match i {
        Instr::TypeOp(SimpleOp::LdConst, t) => p.sig_def(*t),
        _ => None,
    });
    assert_eq!(sized.map(|t| p.types[t].name.as_str()), Some("EventData"));
}
