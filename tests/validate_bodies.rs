//! The checks made while walking method bodies (`check_bodies`, split over two cores): ids out of
//! range come back alone, the body rules and the cross-assembly references are found in either
//! half of the methods.

use aotsim::il::{EntityId, Flow, Instr, MethodId, MethodRefId, Program, ProgramData, SimpleOp, TypeRefId, TypeSig};

const SRC: &str = r#"
assembly Lib {
    class Lib.Util {
        method public static void Help() { ret }
    }
}
assembly App references Lib {
    class App.Program<T> {
        method public static entrypoint void Main() {
            call Lib.Util::Help()
            ret
        }
        method public static void Other() {
            call Lib.Util::Help()
            ret
        }
    }
}
"#;

fn data() -> ProgramData {
    aotsim::text::parse(SRC, "bodies.il").expect("valid").into_data()
}

fn method(d: &ProgramData, name: &str) -> MethodId {
    d.methods.iter().find(|(_, m)| m.name == name).map(|(id, _)| id).expect("declared")
}

fn errors(d: ProgramData) -> Vec<String> {
    Program::from_data(d).err().unwrap_or_default().iter().map(|e| e.to_string()).collect()
}

#[test]
fn a_body_id_out_of_range_is_reported_alone() {
    for name in ["Main", "Other"] {
        let mut d = data();
        let m = method(&d, name);
        let body = d.methods[m].body.as_mut().expect("body");
        body.instrs[0] = Instr::Call(MethodRefId::new(9999));
        // A rule error elsewhere is not reported while an id is out of range.
        body.instrs.insert(0, Instr::LdArg(7));
        let errs = errors(d);
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert!(errs[0].contains("instruction 1 refers to an entity that does not exist"), "{errs:?}");
    }
}

#[test]
fn body_rules_and_references_are_found_in_every_method() {
    for name in ["Main", "Other"] {
        let mut d = data();
        let m = method(&d, name);
        let mvar = d.type_refs.push(TypeSig::MVar(0));
        let body = d.methods[m].body.as_mut().expect("body");
        body.instrs.insert(0, Instr::Box(mvar));
        body.instrs.insert(0, Instr::Br(99));
        let errs = errors(d);
        assert!(errs.iter().any(|e| e.contains("instruction 0") && e.contains("branches to 99")), "{errs:?}");
        assert!(errs.iter().any(|e| e.contains("instruction 1") && e.contains("uses generic parameter !!0")), "{errs:?}");
    }
    // Lib does not reference App: a body there that names App's type is an error.
    let mut d = data();
    let help = method(&d, "Help");
    let program = d.types.iter().find(|(_, t)| t.name == "Program`1" || t.name == "Program").map(|(id, _)| id).expect("type");
    let sig: TypeRefId = d.type_refs.push(TypeSig::Def(program));
    d.methods[help].body.as_mut().expect("body").instrs.insert(0, Instr::CastClass(sig));
    let errs = errors(d);
    assert!(errs.iter().any(|e| e.contains("declared in assembly App, which Lib does not reference")), "{errs:?}");
}

/// Tables read back from JSON are indexed again: an entry that repeats an earlier one is an
/// error naming the table and the entry.
#[test]
fn repeated_interned_entries_are_rejected_by_table() {
    let mut d = data();
    let first = d.type_refs.values().next().cloned().expect("a signature");
    let id = d.type_refs.push(first);
    let errs = errors(d);
    assert_eq!(errs, vec![format!("type_refs: entry {id} repeats an earlier entry")]);

    let mut d = data();
    let s = d.strings.push("twice".into());
    d.strings.push("twice".into());
    let errs = errors(d);
    assert_eq!(errs, vec![format!("strings: entry {} repeats an earlier entry", aotsim::il::StringId::new(s.index() + 1))]);

    assert!(errors(data()).is_empty());
}

/// `switch` tables and handler starts are checked like branch targets: a table the body does not
/// have, a table entry or a handler past the end are errors naming the instruction.
#[test]
fn switch_tables_and_handlers_must_lie_in_the_body() {
    let mut d = data();
    let m = method(&d, "Main");
    let body = d.methods[m].body.as_mut().expect("body");
    body.instrs.insert(0, Instr::Switch(1));
    body.instrs.insert(0, Instr::Switch(0));
    body.flow = Some(Box::new(Flow { switches: vec![vec![1, 40]], handlers: vec![2, 77] }));
    let errs = errors(d);
    assert!(errs.iter().any(|e| e.contains("instruction 0") && e.contains("switches to 40, past the end")), "{errs:?}");
    assert!(errs.iter().any(|e| e.contains("instruction 1") && e.contains("uses switch table 1, but the body has 1")), "{errs:?}");
    assert!(errs.iter().any(|e| e.contains("an exception handler") && e.contains("begins at 77")), "{errs:?}");
    assert_eq!(errs.len(), 3, "{errs:?}");
}

/// An instruction with a type operand must be one that has one (`ldobj`, `sizeof`, …): a
/// `TypeOp` of an op without a typed form is an error, and its type is checked like any operand.
#[test]
fn type_operands_belong_to_typed_instructions() {
    let mut d = data();
    let m = method(&d, "Main");
    let mvar = d.type_refs.push(TypeSig::MVar(0));
    let object = d.type_refs.iter().find(|(_, s)| matches!(s, TypeSig::Def(_))).map(|(id, _)| id).expect("a type");
    let body = d.methods[m].body.as_mut().expect("body");
    body.instrs.insert(0, Instr::TypeOp(SimpleOp::LdConst, mvar));
    body.instrs.insert(0, Instr::TypeOp(SimpleOp::Binary, object));
    let errs = errors(d);
    assert!(errs.iter().any(|e| e.contains("instruction 0") && e.contains("binop takes no type operand")), "{errs:?}");
    assert!(errs.iter().any(|e| e.contains("instruction 1") && e.contains("uses generic parameter !!0")), "{errs:?}");
}
