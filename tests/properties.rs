//! Properties over generated programs and arbitrary text: the readers never panic, printing
//! round-trips, and the trimmer obeys its laws. Case counts are bounded so the suite stays fast.

use aotsim::gen::{generate, GenConfig, Rng};
use aotsim::il::{EntityId, Program};
use aotsim::trim::sweep::{permute, sweep};
use aotsim::trim::{reference::naive_kept, trim, DepGraph, EdgeKind, Item, Precision, Root, RootKind, TrimConfig};
use proptest::prelude::*;

fn program(methods: usize, seed: u64) -> Program {
    generate(&GenConfig { methods, seed, assemblies: 2, features: true })
}

const TOKENS: &[&str] = &[
    "assembly",
    "references",
    "class",
    "struct",
    "interface",
    "enum",
    "delegate",
    "method",
    "field",
    "property",
    "event",
    "public",
    "static",
    "virtual",
    "abstract",
    "newslot",
    "literal",
    "entrypoint",
    "implements",
    "overrides",
    "locals",
    "{",
    "}",
    "(",
    ")",
    "<",
    ">",
    "[",
    "]",
    "::",
    ":",
    ",",
    ".",
    "/",
    "&",
    "*",
    "|",
    "=",
    "!",
    "!!",
    "A",
    "A.B",
    "T",
    "int32",
    "string",
    "void",
    ".ctor",
    "call",
    "callvirt",
    "newobj",
    "ldstr",
    "\"s\"",
    "'q'",
    "br",
    "bge",
    "blt.un",
    "switch",
    "handlers",
    "L:",
    "L",
    "ret",
    "ldarg.0",
    "ldc.i4",
    "0",
    "-1",
    "99999999999999999999",
    "typeof",
    "get",
    "size",
    "//c\n",
    "/*",
    "*/",
];

fn token_soup() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(TOKENS), 0..80).prop_map(|t| t.join(" "))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn parser_never_panics_on_arbitrary_text(s in "\\PC{0,300}") {
        let _ = aotsim::text::parse(&s, "fuzz.il");
    }

    #[test]
    fn parser_never_panics_on_token_soup(s in token_soup()) {
        if let Err(errs) = aotsim::text::parse(&s, "soup.il") {
            prop_assert!(!errs.is_empty());
            for e in errs {
                prop_assert!(e.pos.line >= 1 && e.pos.col >= 1);
                prop_assert!(!e.message.is_empty());
            }
        }
    }

    #[test]
    fn parser_never_panics_on_mutated_example(seed in any::<u64>(), edits in 1usize..6) {
        let src = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/webapi.il")).expect("example");
        let mut chars: Vec<char> = src.chars().collect();
        let mut rng = Rng::new(seed);
        for _ in 0..edits {
            let at = rng.below(chars.len());
            match rng.below(3) {
                0 => { chars.remove(at); }
                1 => chars.insert(at, ['{', '}', '"', '\'', '<', ':', 'x', '\n'][rng.below(8)]),
                _ => chars.truncate(at.max(1)),
            }
        }
        let text: String = chars.into_iter().collect();
        let _ = aotsim::text::parse(&text, "mutant.il");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn print_parse_round_trips(methods in 20usize..400, seed in any::<u64>()) {
        let p = program(methods, seed);
        let text = aotsim::text::print(&p);
        let back = aotsim::text::parse(&text, "printed.il").map_err(|e| TestCaseError::fail(format!("{}\n{}", e[0], text)))?;
        prop_assert_eq!(aotsim::text::print(&back), text);
        prop_assert_eq!(back.methods.len(), p.methods.len());
        prop_assert_eq!(back.n_instructions(), p.n_instructions());
    }

    #[test]
    fn json_round_trips(methods in 20usize..300, seed in any::<u64>()) {
        let p = program(methods, seed);
        let json = serde_json::to_string(p.data()).expect("serialize");
        let data: aotsim::il::ProgramData = serde_json::from_str(&json).expect("deserialize");
        let back = Program::from_data(data).map_err(|e| TestCaseError::fail(e[0].to_string()))?;
        prop_assert_eq!(back.data(), p.data());
    }

    #[test]
    fn kept_set_is_closed_under_live_edges(methods in 20usize..400, seed in any::<u64>(), cha in any::<bool>()) {
        let p = program(methods, seed);
        let precision = if cha { Precision::Cha } else { Precision::Rta };
        let r = trim(&p, &TrimConfig { precision, ..TrimConfig::default() });
        let g = r.graph();
        for n in 0..g.n_nodes() as u32 {
            if !r.is_marked_node(n) { continue; }
            for (to, kind) in g.edges(n) {
                prop_assert!(r.is_marked_node(to), "edge {kind} from kept {:?} to removed {:?}", g.layout.item(n), g.layout.item(to));
            }
            for c in g.conditional(n) {
                prop_assert!(!r.is_marked_node(c.other) || r.is_marked_node(c.to));
            }
        }
    }

    #[test]
    fn fast_pass_agrees_with_naive_fixpoint(methods in 20usize..300, seed in any::<u64>(), cha in any::<bool>()) {
        let p = program(methods, seed);
        let config = TrimConfig { precision: if cha { Precision::Cha } else { Precision::Rta }, ..TrimConfig::default() };
        let fast = trim(&p, &config);
        let naive = naive_kept(&p, &config);
        for (n, &k) in naive.iter().enumerate() {
            prop_assert_eq!(fast.is_marked_node(n as u32), k, "node {:?}", fast.graph().layout.item(n as u32));
        }
    }

    #[test]
    fn rta_keeps_a_subset_of_cha(methods in 20usize..400, seed in any::<u64>()) {
        let p = program(methods, seed);
        let rta = trim(&p, &TrimConfig::default());
        let cha = trim(&p, &TrimConfig { precision: Precision::Cha, ..TrimConfig::default() });
        for item in rta.kept_items() {
            prop_assert!(cha.is_kept(item), "{} kept by RTA, not by CHA", item.name(&p));
        }
    }

    #[test]
    fn adding_a_root_never_removes_anything(methods in 20usize..300, seed in any::<u64>(), pick in any::<prop::sample::Index>()) {
        let p = program(methods, seed);
        let before = trim(&p, &TrimConfig::default());
        let extra = Item::Method(p.methods.ids().nth(pick.index(p.methods.len())).expect("a method"));
        let after = trim(&p, &TrimConfig { roots: vec![Root { item: extra, kind: RootKind::Explicit }], ..TrimConfig::default() });
        for item in before.kept_items() {
            prop_assert!(after.is_kept(item));
        }
        prop_assert!(after.is_kept(extra));
    }

    #[test]
    fn adding_an_edge_never_removes_anything(methods in 20usize..300, seed in any::<u64>(), from in any::<prop::sample::Index>(), to in any::<prop::sample::Index>(), virt in any::<bool>()) {
        // An edge is an instruction: a call (or callvirt) from one method with a body to any method.
        let p = program(methods, seed);
        let mut data = p.data().clone();
        let with_body: Vec<_> = data.methods.iter().filter(|(_, m)| m.body.is_some()).map(|(id, _)| id).collect();
        prop_assume!(!with_body.is_empty() && !data.method_refs.is_empty());
        let caller = with_body[from.index(with_body.len())];
        let callee = aotsim::il::MethodRefId::new(to.index(data.method_refs.len()));
        let call = if virt { aotsim::il::Instr::CallVirt(callee) } else { aotsim::il::Instr::Call(callee) };
        data.methods[caller].body.as_mut().expect("has a body").instrs.insert(0, call);
        // The caller's assembly must see the callee's: let every assembly reference every other.
        let all: Vec<_> = data.assemblies.ids().collect();
        for &id in &all {
            data.assemblies[id].references = all.iter().copied().filter(|&o| o != id).collect();
        }
        let q = Program::from_data(data).expect("still valid");
        for precision in [Precision::Rta, Precision::Cha] {
            let config = TrimConfig { precision, ..TrimConfig::default() };
            let (before, after) = (trim(&p, &config), trim(&q, &config));
            for item in before.kept_items() {
                prop_assert!(after.is_kept(item), "{} lost after adding an edge", item.name(&p));
            }
        }
    }

    #[test]
    fn dominators_are_exactly_what_goes_when_an_item_is_cut(methods in 20usize..300, seed in any::<u64>(), pick in any::<prop::sample::Index>()) {
        // Over the kept graph (static edges between kept nodes, conditional edges that fired),
        // removing node X makes unreachable exactly the nodes X dominates.
        let p = program(methods, seed);
        let r = trim(&p, &TrimConfig::default());
        let g = r.graph();
        let dom = aotsim::trim::dominators::Dominators::of(&r);
        let kept: Vec<u32> = (0..g.n_nodes() as u32).filter(|&n| r.is_marked_node(n)).collect();
        let x = kept[pick.index(kept.len())];
        let roots: Vec<u32> = r.roots().iter().map(|root| g.layout.node(root.item)).collect();
        prop_assume!(!roots.contains(&x));
        let mut extra: std::collections::HashMap<u32, Vec<u32>> = std::collections::HashMap::new();
        for (from, to) in r.fired_conditional() {
            extra.entry(from).or_default().push(to);
        }
        let mut seen = vec![false; g.n_nodes()];
        let mut stack: Vec<u32> = roots.clone();
        for &root in &roots {
            seen[root as usize] = true;
        }
        while let Some(n) = stack.pop() {
            let next = g.edges(n).map(|(t, _)| t).chain(extra.get(&n).into_iter().flatten().copied());
            for t in next.collect::<Vec<_>>() {
                if t != x && r.is_marked_node(t) && !seen[t as usize] {
                    seen[t as usize] = true;
                    stack.push(t);
                }
            }
        }
        for &n in &kept {
            let dominated = dom.chain(n).any(|d| d == x);
            prop_assert_eq!(dominated, !seen[n as usize], "node {} ({}), cut {}", n, g.layout.item(n).name(&p), g.layout.item(x).name(&p));
        }
    }

    #[test]
    fn why_chains_are_real_paths_from_a_root(methods in 20usize..300, seed in any::<u64>()) {
        let p = program(methods, seed);
        let r = trim(&p, &TrimConfig::default());
        let g: &DepGraph = r.graph();
        for item in r.kept_items() {
            let chain = r.why_chain(item);
            prop_assert!(!chain.is_empty());
            prop_assert_eq!(chain[0].reason.kind, EdgeKind::Root);
            prop_assert!(r.roots().iter().any(|root| root.item == chain[0].item));
            prop_assert_eq!(chain.last().expect("non-empty").item, item);
            for w in chain.windows(2) {
                let (from, to) = (g.layout.node(w[0].item), g.layout.node(w[1].item));
                prop_assert_eq!(w[1].reason.by, Some(w[0].item));
                let kind = w[1].reason.kind;
                let exists = if w[1].reason.also.is_some() {
                    let also = w[1].reason.also.map(|a| g.layout.node(a)).expect("conditional edges name both causes");
                    prop_assert!(r.is_marked_node(also));
                    g.conditional(from).iter().any(|c| c.to == to && c.kind == kind && c.other == also)
                } else {
                    g.edges(from).any(|(t, k)| t == to && k == kind)
                };
                prop_assert!(exists, "no {} edge {} -> {}", kind, w[0].item.name(&p), w[1].item.name(&p));
            }
        }
    }

    #[test]
    fn trimming_is_deterministic(methods in 20usize..300, seed in any::<u64>()) {
        let p1 = program(methods, seed);
        let p2 = program(methods, seed);
        let a = trim(&p1, &TrimConfig::default());
        let b = trim(&p2, &TrimConfig::default());
        prop_assert_eq!(a.kept_items().collect::<Vec<_>>(), b.kept_items().collect::<Vec<_>>());
        prop_assert_eq!(a.processing_order(), b.processing_order());
    }

    #[test]
    fn trimming_the_trimmed_program_keeps_everything(methods in 20usize..300, seed in any::<u64>(), cha in any::<bool>()) {
        let p = program(methods, seed);
        let config = TrimConfig { precision: if cha { Precision::Cha } else { Precision::Rta }, ..TrimConfig::default() };
        let first = trim(&p, &config);
        let swept = sweep(&p, &first);
        let second = trim(&swept, &config);
        prop_assert_eq!(second.removed_items().count(), 0, "removed on the second pass: {:?}", second.removed_items().map(|i| i.name(&swept)).collect::<Vec<_>>());
        let names = |r: &aotsim::trim::TrimResult, q: &Program| { let mut v: Vec<String> = r.kept_items().map(|i| format!("{} {}", i.kind_name(), i.name(q))).collect(); v.sort(); v };
        prop_assert_eq!(names(&first, &p), names(&second, &swept));
    }

    #[test]
    fn declaration_order_does_not_change_what_is_kept(methods in 20usize..300, seed in any::<u64>(), shuffle in any::<u64>()) {
        let p = program(methods, seed);
        let q = permute(&p, shuffle);
        prop_assert_eq!(aotsim::text::print(&p).len(), aotsim::text::print(&q).len());
        for precision in [Precision::Rta, Precision::Cha] {
            let config = TrimConfig { precision, ..TrimConfig::default() };
            let (a, b) = (trim(&p, &config), trim(&q, &config));
            prop_assert_eq!(a.kept_count(), b.kept_count());
            let names = |r: &aotsim::trim::TrimResult, x: &Program| { let mut v: Vec<String> = r.kept_items().map(|i| format!("{} {}", i.kind_name(), i.name(x))).collect(); v.sort(); v };
            prop_assert_eq!(names(&a, &p), names(&b, &q));
        }
    }
}
