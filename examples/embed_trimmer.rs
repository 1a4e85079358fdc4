//! A host program embedding the trimmer: build a program with the builder API, trim it with
//! RTA and with CHA, and ask why a method is kept.
//!
//! `cargo run --release --example embed_trimmer`

use aotsim::il::{Body, Builder, Instr, MethodRef, Prim, TypeKind, TypeSig};
use aotsim::trim::{trim, Item, Precision, TrimConfig};

fn main() {
    // class Shape { virtual Draw() }  class Circle : Shape { override Draw() }
    // class Square : Shape { override Draw() }  Main() { new Circle().Draw(); }
    let mut b = Builder::new();
    let asm = b.add_assembly("Shapes");
    let void = b.type_ref(TypeSig::Prim(Prim::Void));
    let shape = b.add_type(asm, None, "Shapes", "Shape", TypeKind::Class);
    let shape_sig = b.type_ref(TypeSig::Def(shape));
    let draw = b.add_method(shape, "Draw", void);
    b.method_mut(draw).flags.is_virtual = true;
    b.method_mut(draw).body = Some(Body::new(vec![], vec![Instr::Ret]));
    let mut derived = Vec::new();
    for name in ["Circle", "Square"] {
        let t = b.add_type(asm, None, "Shapes", name, TypeKind::Class);
        b.type_mut(t).base = Some(shape_sig);
        let ctor = b.add_method(t, ".ctor", void);
        b.method_mut(ctor).body = Some(Body::new(vec![], vec![Instr::Ret]));
        let d = b.add_method(t, "Draw", void);
        b.method_mut(d).flags.is_virtual = true;
        b.method_mut(d).body = Some(Body::new(vec![], vec![Instr::Ret]));
        derived.push((t, ctor, d));
    }
    let program_ty = b.add_type(asm, None, "Shapes", "Program", TypeKind::Class);
    let main = b.add_method(program_ty, "Main", void);
    b.method_mut(main).flags.is_static = true;
    let circle_sig = b.type_ref(TypeSig::Def(derived[0].0));
    let new_circle = b.method_ref(MethodRef { owner: circle_sig, method: derived[0].1, generic_args: vec![] });
    let call_draw = b.method_ref(MethodRef { owner: shape_sig, method: draw, generic_args: vec![] });
    b.method_mut(main).body = Some(Body::new(vec![], vec![Instr::NewObj(new_circle), Instr::CallVirt(call_draw), Instr::Ret]));
    b.set_entry_point(main);
    let program = b.finish().expect("a valid program");

    for precision in [Precision::Rta, Precision::Cha] {
        let result = trim(&program, &TrimConfig { precision, ..TrimConfig::default() });
        let kept: Vec<String> = result.kept_items().filter(|i| matches!(i, Item::Method(_))).map(|i| i.name(&program)).collect();
        println!("{precision:?} keeps {} methods: {}", kept.len(), kept.join(", "));
    }

    let result = trim(&program, &TrimConfig::default());
    println!("why is Circle::Draw kept?");
    for step in result.why_chain(Item::Method(derived[0].2)) {
        let also = step.reason.also.map(|a| format!(" (with {})", a.name(&program))).unwrap_or_default();
        println!("  {} <- {}{also}", step.item.name(&program), step.reason.kind);
    }
    assert!(!result.is_kept(Item::Method(derived[1].2)), "Square is never constructed");
}
