//! The hazard tracer on arbitrary bodies: random instruction sequences (branches forwards and
//! backwards, so loops; stack underflow; unreachable code) put into a generated program's methods
//! never make the dataflow panic or run away, and the report only names kept methods.

use aotsim::gen::{generate, GenConfig};
use aotsim::hazard::{analyze, models::ApiModels};
use aotsim::il::{EntityId, Instr, MethodRefId, Program, SimpleOp, StringId};
use aotsim::trim::{trim, TrimConfig};
use proptest::prelude::*;

fn instr(choice: u8, arg: u16, n: usize, data: &aotsim::il::ProgramData) -> Instr {
    let target = (arg as usize % n) as u32;
    match choice % 16 {
        0 => Instr::Pop,
        1 => Instr::Dup,
        2 => Instr::LdNull,
        3 => Instr::LdcI4(arg as i32),
        4 => Instr::Br(target),
        5 => Instr::BrTrue(target),
        6 => Instr::BrFalse(target),
        7 => Instr::Ret,
        8 => Instr::Throw,
        9 => Instr::Op(SimpleOp::ALL[arg as usize % SimpleOp::ALL.len()]),
        10 => Instr::Stack { pops: (arg % 4) as u8, pushes: (arg % 3) as u8 },
        11 if !data.strings.is_empty() => Instr::LdStr(StringId::new(arg as usize % data.strings.len())),
        12 | 13 if !data.method_refs.is_empty() => {
            let r = MethodRefId::new(arg as usize % data.method_refs.len());
            if data.methods[data.method_refs[r].method].name == ".ctor" {
                Instr::NewObj(r)
            } else if choice % 2 == 0 {
                Instr::Call(r)
            } else {
                Instr::CallVirt(r)
            }
        }
        _ => Instr::Op(SimpleOp::Nop),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn the_dataflow_survives_any_body(seed in any::<u64>(), bodies in prop::collection::vec(prop::collection::vec((any::<u8>(), any::<u16>()), 1..40), 1..8)) {
        let p = generate(&GenConfig { methods: 60, seed, assemblies: 2, features: true });
        let mut data = p.data().clone();
        // Every assembly sees every other, so any call is a valid reference.
        let all: Vec<_> = data.assemblies.ids().collect();
        for &a in &all {
            data.assemblies[a].references = all.iter().copied().filter(|&o| o != a).collect();
        }
        let with_body: Vec<_> = data.methods.iter().filter(|(_, m)| m.body.is_some()).map(|(id, _)| id).collect();
        prop_assume!(!with_body.is_empty());
        for (k, body) in bodies.iter().enumerate() {
            let m = with_body[(seed as usize).wrapping_add(k * 7919) % with_body.len()];
            let instrs: Vec<Instr> = body.iter().map(|&(c, a)| instr(c, a, body.len(), &data)).collect();
            data.methods[m].body.as_mut().expect("body").instrs = instrs;
        }
        let Ok(q) = Program::from_data(data) else { return Ok(()) }; // an invalid mix: not this test's concern
        let models = ApiModels::built_in().resolve(&q);
        let r = trim(&q, &TrimConfig { requirements: models.requirements(), ..TrimConfig::default() });
        let report = analyze(&q, &r, &models);
        for w in &report.warnings {
            prop_assert!(r.is_kept(aotsim::trim::Item::Method(w.origin)));
        }
        let kept: Vec<String> = q.methods.ids().filter(|&m| r.is_kept(aotsim::trim::Item::Method(m))).map(|m| q.method_name(m)).collect();
        for e in &report.errors {
            prop_assert!(kept.contains(&e.method), "an error about an unreached method: {}", e.method);
        }
    }
}
