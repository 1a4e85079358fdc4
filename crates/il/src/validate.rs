//! Validation of [`ProgramData`]: every id in range, names unique, no inheritance or nesting
//! cycles, kinds that fit (a base is a class, an interface list holds interfaces), generic arity,
//! branch targets and argument/local indexes inside the method.

use crate::error::{Subject, ValidationError};
use crate::ids::*;
use crate::model::*;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::hash::{Hash, Hasher};

/// Attribute constructors and `Type` / enum arguments that do not exist.
fn attrs_ok(d: &ProgramData, attrs: &[CustomAttribute], errs: &mut Vec<ValidationError>, s: Subject) {
    for a in attrs {
        if !d.methods.contains(a.ctor) {
            errs.push(ValidationError::new(s, format!("attribute constructor {} does not exist", a.ctor)));
        }
        for v in a.args.iter().chain(a.named.iter().map(|n| &n.value)) {
            if let AttrValue::Type(t) | AttrValue::Enum { ty: t, .. } = v {
                if t.index() >= d.type_refs.len() {
                    errs.push(ValidationError::new(s, format!("attribute argument refers to {t}, which does not exist")));
                }
            }
        }
    }
}

/// The id checks, in three independent parts ([`crate::program`] runs them on two threads, and
/// reports their errors in this order): that every id stored in the tables points inside its
/// table and that interned signatures only point backwards (so they cannot form cycles). Deeper
/// checks index freely once these pass, except into method bodies: [`check_bodies`] checks their
/// ids as it walks them. This part: the signature, method reference and field reference tables.
pub(crate) fn check_ref_ids(d: &ProgramData) -> Vec<ValidationError> {
    let mut errs = Vec::new();
    let mut bad = |subject: Subject, what: &str, id: &dyn std::fmt::Display| {
        errs.push(ValidationError::new(subject, format!("{what} refers to {id}, which does not exist")));
    };
    let n_tref = d.type_refs.len();
    for (id, sig) in d.type_refs.iter() {
        let s = Subject::Program;
        match sig {
            TypeSig::Prim(_) | TypeSig::Var(_) | TypeSig::MVar(_) => {}
            TypeSig::Def(t) => {
                if !d.types.contains(*t) {
                    bad(s, &format!("type_refs {id}"), t)
                }
            }
            TypeSig::Inst { def, args } => {
                if !d.types.contains(*def) {
                    bad(s, &format!("type_refs {id}"), def)
                }
                for a in args {
                    if a.index() >= id.index() {
                        bad(s, &format!("type_refs {id} (arguments must be interned first)"), a)
                    }
                }
            }
            TypeSig::Array(e) | TypeSig::ByRef(e) | TypeSig::Ptr(e) => {
                if e.index() >= id.index() {
                    bad(s, &format!("type_refs {id} (element types must be interned first)"), e)
                }
            }
        }
    }
    let tref_ok = |t: TypeRefId| t.index() < n_tref;
    for (id, r) in d.method_refs.iter() {
        if !tref_ok(r.owner) || !d.methods.contains(r.method) || !r.generic_args.iter().all(|&a| tref_ok(a)) {
            errs.push(ValidationError::program(format!("method_refs {id} refers to an entity that does not exist")));
        }
    }
    for (id, r) in d.field_refs.iter() {
        if !tref_ok(r.owner) || !d.fields.contains(r.field) {
            errs.push(ValidationError::program(format!("field_refs {id} refers to an entity that does not exist")));
        }
    }
    errs
}

/// The assemblies', types' and methods' ids (see [`check_ref_ids`]).
pub(crate) fn check_decl_ids(d: &ProgramData) -> Vec<ValidationError> {
    let mut errs = Vec::new();
    let tref_ok = |t: TypeRefId| t.index() < d.type_refs.len();
    for (id, a) in d.assemblies.iter() {
        let s = Subject::Assembly(id);
        for r in &a.references {
            if !d.assemblies.contains(*r) {
                errs.push(ValidationError::new(s, format!("reference {r} does not exist")));
            }
        }
        for t in &a.types {
            if !d.types.contains(*t) {
                errs.push(ValidationError::new(s, format!("type list holds {t}, which does not exist")));
            }
        }
        attrs_ok(d, &a.attributes, &mut errs, s);
    }
    // Which methods some type lists (a bitmap, so "listed by its type" is one lookup per method,
    // not a scan of the type's list: types with thousands of methods made that quadratic).
    let mut listed = vec![false; d.methods.len()];
    for (id, t) in d.types.iter() {
        let s = Subject::Type(id);
        for &m in &t.methods {
            if let Some(x) = listed.get_mut(m.index()) {
                *x = true;
            }
        }
        if !d.assemblies.contains(t.assembly) {
            errs.push(ValidationError::new(s, format!("assembly {} does not exist", t.assembly)));
        }
        if t.declaring_type.is_some_and(|o| !d.types.contains(o)) {
            errs.push(ValidationError::new(s, "declaring type does not exist"));
        }
        if t.base.is_some_and(|b| !tref_ok(b)) || !t.interfaces.iter().all(|&i| tref_ok(i)) {
            errs.push(ValidationError::new(s, "base or interface signature does not exist"));
        }
        let members_ok = t.methods.iter().all(|&m| d.methods.get(m).is_some_and(|md| md.declaring_type == id))
            && t.fields.iter().all(|&f| d.fields.get(f).is_some_and(|fd| fd.declaring_type == id))
            && t.properties.iter().all(|&p| d.properties.get(p).is_some_and(|pd| pd.declaring_type == id))
            && t.events.iter().all(|&e| d.events.get(e).is_some_and(|ed| ed.declaring_type == id))
            && t.nested.iter().all(|&n| d.types.get(n).is_some_and(|nd| nd.declaring_type == Some(id)));
        if !members_ok {
            errs.push(ValidationError::new(s, "member lists disagree with the members' declaring types"));
        }
        attrs_ok(d, &t.attributes, &mut errs, s);
        for g in &t.generic_params {
            attrs_ok(d, &g.attributes, &mut errs, s);
        }
    }
    for (id, m) in d.methods.iter() {
        let s = Subject::Method(id);
        if !d.types.contains(m.declaring_type) {
            errs.push(ValidationError::new(s, "declaring type does not exist"));
            continue;
        }
        // Listed by some type, and every listed method names its lister (above): so by its own.
        if !listed[id.index()] {
            errs.push(ValidationError::new(s, "is not listed in its declaring type's methods"));
        }
        if !tref_ok(m.ret) || !m.params.iter().all(|p| tref_ok(p.ty)) {
            errs.push(ValidationError::new(s, "signature refers to a type_ref that does not exist"));
        }
        if !m.overrides.iter().all(|o| d.method_refs.contains(*o)) {
            errs.push(ValidationError::new(s, "override refers to a method_ref that does not exist"));
        }
        attrs_ok(d, &m.attributes, &mut errs, s);
        attrs_ok(d, &m.ret_attributes, &mut errs, s);
        for p in &m.params {
            attrs_ok(d, &p.attributes, &mut errs, s);
        }
        for g in &m.generic_params {
            attrs_ok(d, &g.attributes, &mut errs, s);
        }
        if let Some(body) = &m.body {
            if !body.locals.iter().all(|&l| tref_ok(l)) {
                errs.push(ValidationError::new(s, "local refers to a type_ref that does not exist"));
            }
        }
    }
    errs
}

/// The fields', properties' and events' ids, and the entry point (see [`check_ref_ids`]).
pub(crate) fn check_member_ids(d: &ProgramData) -> Vec<ValidationError> {
    let mut errs = Vec::new();
    let tref_ok = |t: TypeRefId| t.index() < d.type_refs.len();
    for (id, f) in d.fields.iter() {
        let s = Subject::Field(id);
        if !d.types.contains(f.declaring_type) || !tref_ok(f.ty) {
            errs.push(ValidationError::new(s, "declaring type or field type does not exist"));
        }
        attrs_ok(d, &f.attributes, &mut errs, s);
    }
    for (id, p) in d.properties.iter() {
        let s = Subject::Property(id);
        let acc_ok = [p.getter, p.setter].iter().flatten().all(|&m| d.methods.contains(m));
        if !d.types.contains(p.declaring_type) || !tref_ok(p.ty) || !acc_ok {
            errs.push(ValidationError::new(s, "declaring type, type or accessor does not exist"));
        }
        attrs_ok(d, &p.attributes, &mut errs, s);
    }
    for (id, e) in d.events.iter() {
        let s = Subject::Event(id);
        let acc_ok = [e.add, e.remove].iter().flatten().all(|&m| d.methods.contains(m));
        if !d.types.contains(e.declaring_type) || !tref_ok(e.ty) || !acc_ok {
            errs.push(ValidationError::new(s, "declaring type, type or accessor does not exist"));
        }
        attrs_ok(d, &e.attributes, &mut errs, s);
    }
    if d.entry_point.is_some_and(|m| !d.methods.contains(m)) {
        errs.push(ValidationError::program("entry point does not exist"));
    }
    errs
}

/// The generic definition a signature names (`List<Foo>` → `List`1`), if it names a type.
pub(crate) fn sig_def(d: &ProgramData, sig: TypeRefId) -> Option<TypeId> {
    match &d.type_refs[sig] {
        TypeSig::Def(t) => Some(*t),
        TypeSig::Inst { def, .. } => Some(*def),
        _ => None,
    }
}

/// The rules of the model once the tables' ids are known to be in range ([`check_ref_ids`] and
/// the rest), and the ids inside method bodies (errors there come back alone, like the id
/// checks'). The groups read the tables independently, so they run on two cores: types and
/// methods on one, member lists and the references of declarations on the other, then both walk
/// the bodies a chunk at a time. The errors come out in the same order either way.
pub(crate) fn check_rules(d: &ProgramData, names: &crate::names::Names) -> Vec<ValidationError> {
    let facts = SigFacts::new(d);
    // The bodies in chunks of methods, taken by whichever thread is free: the fixed groups
    // differ in cost, so a fixed split of the bodies would leave one core idle.
    const CHUNK: usize = 1024;
    let next = std::sync::atomic::AtomicUsize::new(0);
    let bodies = || {
        let mut done = Vec::new();
        loop {
            let c = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let start = c * CHUNK;
            if start >= d.methods.len() {
                break done;
            }
            done.push((c, check_bodies(d, names, &facts, start..(start + CHUNK).min(d.methods.len()))));
        }
    };
    let ((types, member_refs, mut chunks), (members, references, theirs)) = std::thread::scope(|s| {
        let other = s.spawn(|| {
            let members = check_members(d, names);
            let mut references = Vec::new();
            check_references(d, names, &facts, &mut references);
            (members, references, bodies())
        });
        let mine = (check_types(d, names), check_member_refs(d, names, &facts), bodies());
        (mine, other.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
    });
    chunks.extend(theirs);
    chunks.sort_unstable_by_key(|c| c.0);
    let body_errs = chunks.into_iter().map(|c| c.1);
    let (mut ids, mut per_method, mut rules, mut body_refs) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for b in body_errs {
        ids.extend(b.ids);
        per_method.extend(b.methods);
        rules.extend(b.rules);
        body_refs.extend(b.references);
    }
    if !ids.is_empty() {
        return ids;
    }
    let mut errs = types;
    errs.extend(members);
    errs.extend(per_method);
    errs.extend(member_refs);
    errs.extend(rules);
    errs.extend(references);
    errs.extend(body_refs);
    if let Some(e) = d.entry_point {
        if !d.methods[e].flags.is_static {
            errs.push(ValidationError::new(Subject::Method(e), format!("entry point {} must be static", names.method_name(d, e))));
        }
    }
    errs
}

/// Per interned signature, what the per-instruction checks ask of it, computed in one forward
/// pass (interned signatures only point backwards).
struct SigFacts {
    /// The one assembly its types live in ([`SigFacts::ANY`]: none; [`SigFacts::MULTI`]: several).
    home: Vec<u32>,
    /// One more than the highest type (`!i`) and method (`!!i`) generic parameter it uses.
    vars: Vec<(u32, u32)>,
    /// Per method reference, its owner's home and whether it names a constructor; per field
    /// reference, its owner's home: the body walk reads these small tables instead of the
    /// references' records.
    method_refs: Vec<(u32, bool)>,
    field_refs: Vec<u32>,
    /// `sees[from * n_asm + a]`: assembly `from` is `a` or references it.
    sees: Vec<bool>,
    n_asm: usize,
}

impl SigFacts {
    const ANY: u32 = u32::MAX;
    const MULTI: u32 = u32::MAX - 1;

    fn new(d: &ProgramData) -> SigFacts {
        let join = |a: u32, b: u32| {
            if a == Self::ANY {
                b
            } else if b == Self::ANY || a == b {
                a
            } else {
                Self::MULTI
            }
        };
        let n = d.type_refs.len();
        let (mut home, mut vars) = (Vec::with_capacity(n), Vec::with_capacity(n));
        for sig in d.type_refs.values() {
            let (h, v) = match sig {
                TypeSig::Def(t) => (d.types[*t].assembly.as_u32(), (0, 0)),
                TypeSig::Inst { def, args } => {
                    args.iter().fold((d.types[*def].assembly.as_u32(), (0, 0)), |(h, v): (u32, (u32, u32)), a| {
                        let av: (u32, u32) = vars[a.index()];
                        (join(h, home[a.index()]), (v.0.max(av.0), v.1.max(av.1)))
                    })
                }
                TypeSig::Array(e) | TypeSig::ByRef(e) | TypeSig::Ptr(e) => (home[e.index()], vars[e.index()]),
                TypeSig::Var(i) => (Self::ANY, (u32::from(*i) + 1, 0)),
                TypeSig::MVar(i) => (Self::ANY, (0, u32::from(*i) + 1)),
                TypeSig::Prim(_) => (Self::ANY, (0, 0)),
            };
            home.push(h);
            vars.push(v);
        }
        let n_asm = d.assemblies.len();
        let mut sees = vec![false; n_asm * n_asm];
        for (from, a) in d.assemblies.iter() {
            sees[from.index() * n_asm + from.index()] = true;
            for r in &a.references {
                sees[from.index() * n_asm + r.index()] = true;
            }
        }
        let is_ctor: Vec<bool> = d.methods.values().map(|m| m.name == ".ctor").collect();
        let method_refs = d.method_refs.values().map(|r| (home[r.owner.index()], is_ctor[r.method.index()])).collect();
        let field_refs = d.field_refs.values().map(|r| home[r.owner.index()]).collect();
        SigFacts { home, vars, method_refs, field_refs, sees, n_asm }
    }

    /// Whether types of assembly `a` may be named from assembly `from`.
    fn sees(&self, from: AssemblyId, a: u32) -> bool {
        self.sees[from.index() * self.n_asm + a as usize]
    }

    /// Whether a type whose home is `home` may be named from `from` without looking closer.
    fn home_seen(&self, from: AssemblyId, home: u32) -> bool {
        home == Self::ANY || (home != Self::MULTI && self.sees(from, home))
    }

    /// Whether `sig` uses a generic parameter its context does not declare.
    fn vars_out_of_range(&self, sig: TypeRefId, n_type: usize, n_meth: usize) -> bool {
        let (t, m) = self.vars[sig.index()];
        t as usize > n_type || m as usize > n_meth
    }
}

/// What [`check_bodies`] found.
#[derive(Default)]
struct BodyErrs {
    ids: Vec<ValidationError>,
    /// [`check_method`]'s.
    methods: Vec<ValidationError>,
    rules: Vec<ValidationError>,
    references: Vec<ValidationError>,
}

/// One walk over the instructions of `methods`: ids in range, then branch targets, argument and
/// local numbers, `newobj` of constructors, generic parameters of type operands, and (with the
/// method's signature and locals) the assemblies of the types named (one error per method).
fn check_bodies(d: &ProgramData, names: &crate::names::Names, facts: &SigFacts, methods: std::ops::Range<usize>) -> BodyErrs {
    let mut out = BodyErrs::default();
    let n_tref = d.type_refs.len();
    let tref_ok = |t: TypeRefId| t.index() < n_tref;
    for id in methods.map(MethodId::new) {
        check_method(d, names, facts, id, &mut out.methods);
        let m = &d.methods[id];
        let s = Subject::Method(id);
        let mn = || names.method_name(d, id);
        let from = d.types[m.declaring_type].assembly;
        let before = out.references.len();
        for sig in std::iter::once(m.ret).chain(m.params.iter().map(|p| p.ty)) {
            check_reference(d, names, facts, from, sig, s, &mut out.references);
        }
        let Some(body) = &m.body else { continue };
        for &l in &body.locals {
            check_reference(d, names, facts, from, l, s, &mut out.references);
        }
        if let Some(h) = body.handlers().iter().find(|&&h| h as usize >= body.instrs.len()) {
            out.rules.push(ValidationError::new(s, format!("an exception handler of {} begins at {h}, past the end of the body", mn())));
        }
        let n_type_gp = d.types[m.declaring_type].generic_params.len();
        let n_meth_gp = m.generic_params.len();
        let n_args = m.params.len() + usize::from(!m.flags.is_static);
        for (i, ins) in body.instrs.iter().enumerate() {
            // Most instructions name nothing and have no number to check: one test skips them.
            if matches!(
                ins,
                Instr::Op(_) | Instr::LdcI4(_) | Instr::LdNull | Instr::Ret | Instr::Throw | Instr::Pop | Instr::Dup | Instr::Stack { .. }
            ) {
                continue;
            }
            if let Instr::TypeOp(op, _) = ins {
                if op.typed_mnemonic().is_none() {
                    out.rules
                        .push(ValidationError::new(s, format!("instruction {i} of {}: {} takes no type operand", mn(), op.mnemonic())));
                }
            }
            // The type the instruction names (for the reference check); `Err` when an id it holds
            // is out of range.
            let named: Result<Option<(u32, OperandRef)>, ()> = match ins.operand_ref() {
                Some(r @ OperandRef::Method(m)) => facts.method_refs.get(m.index()).ok_or(()).map(|&(home, ctor)| {
                    if matches!(ins, Instr::NewObj(_)) && !ctor {
                        out.rules.push(ValidationError::new(
                            s,
                            format!(
                                "instruction {i} of {}: newobj needs a constructor, not {}",
                                mn(),
                                names.method_name(d, d.method_refs[m].method)
                            ),
                        ));
                    }
                    Some((home, r))
                }),
                Some(r @ OperandRef::Field(f)) => facts.field_refs.get(f.index()).ok_or(()).map(|&home| Some((home, r))),
                // Type operands other than `ldtoken`'s must use only the generic parameters the
                // method and its type declare.
                Some(r @ OperandRef::Type(t)) => tref_ok(t).then(|| Some((facts.home[t.index()], r))).ok_or(()).inspect(|_| {
                    if !matches!(ins, Instr::LdToken(_)) && facts.vars_out_of_range(t, n_type_gp, n_meth_gp) {
                        let bad = var_out_of_range(d, t, n_type_gp, n_meth_gp).unwrap_or_default();
                        out.rules.push(ValidationError::new(
                            s,
                            format!("instruction {i} of {} uses generic parameter {bad}, which is not declared", mn()),
                        ));
                    }
                }),
                None => match *ins {
                    Instr::LdStr(st) => d.strings.contains(st).then_some(None).ok_or(()),
                    Instr::Br(t) | Instr::BrTrue(t) | Instr::BrFalse(t) | Instr::BrCmp(_, t) => {
                        if t as usize >= body.instrs.len() {
                            out.rules.push(ValidationError::new(
                                s,
                                format!("instruction {i} of {} branches to {t}, past the end of the body", mn()),
                            ));
                        }
                        Ok(None)
                    }
                    Instr::LdArg(a) | Instr::StArg(a) => {
                        if a as usize >= n_args {
                            out.rules.push(ValidationError::new(
                                s,
                                format!("instruction {i} of {} uses argument {a}, but the method has {n_args}", mn()),
                            ));
                        }
                        Ok(None)
                    }
                    Instr::LdLoc(l) | Instr::StLoc(l) => {
                        if l as usize >= body.locals.len() {
                            out.rules.push(ValidationError::new(
                                s,
                                format!("instruction {i} of {} uses local {l}, but the body declares {}", mn(), body.locals.len()),
                            ));
                        }
                        Ok(None)
                    }
                    Instr::Switch(k) => {
                        match body.switches().get(k as usize) {
                            None => out.rules.push(ValidationError::new(
                                s,
                                format!("instruction {i} of {} uses switch table {k}, but the body has {}", mn(), body.switches().len()),
                            )),
                            Some(table) => {
                                if let Some(t) = table.iter().find(|&&t| t as usize >= body.instrs.len()) {
                                    out.rules.push(ValidationError::new(
                                        s,
                                        format!("instruction {i} of {} switches to {t}, past the end of the body", mn()),
                                    ));
                                }
                            }
                        }
                        Ok(None)
                    }
                    _ => Ok(None),
                },
            };
            match named {
                Err(()) => out.ids.push(ValidationError::new(s, format!("instruction {i} refers to an entity that does not exist"))),
                Ok(Some((home, r))) if out.references.len() == before && !facts.home_seen(from, home) => {
                    let sig = match r {
                        OperandRef::Method(m) => d.method_refs[m].owner,
                        OperandRef::Field(f) => d.field_refs[f].owner,
                        OperandRef::Type(t) => t,
                    };
                    check_reference(d, names, facts, from, sig, s, &mut out.references)
                }
                Ok(_) => {}
            }
        }
    }
    out
}

/// Assemblies and types: unique names, acyclic nesting and inheritance, generic arity.
fn check_types(d: &ProgramData, names: &crate::names::Names) -> Vec<ValidationError> {
    let mut errs = Vec::new();
    // Assemblies: unique names.
    let mut seen_asm = HashSet::default();
    for (id, a) in d.assemblies.iter() {
        if !seen_asm.insert(a.name.as_str()) {
            errs.push(ValidationError::new(Subject::Assembly(id), format!("assembly {} is declared twice", a.name)));
        }
    }
    // Types: unique full names per assembly; nesting and inheritance acyclic; kinds fit.
    let mut seen_ty: HashMap<(AssemblyId, &str), TypeId> = HashMap::default();
    for (id, t) in d.types.iter() {
        if seen_ty.insert((t.assembly, names.type_name(id)), id).is_some() {
            errs.push(ValidationError::new(
                Subject::Type(id),
                format!("type {} is declared twice in assembly {}", names.type_name(id), d.assemblies[t.assembly].name),
            ));
        }
        if let Some(outer) = t.declaring_type {
            if d.types[outer].assembly != t.assembly {
                errs.push(ValidationError::new(Subject::Type(id), "nested type lives in another assembly than its declaring type"));
            }
        }
    }
    for (id, _) in d.types.iter() {
        // Nesting cycle: walking outwards must end within n steps.
        let mut cur = Some(id);
        let mut steps = 0;
        while let Some(c) = cur {
            steps += 1;
            if steps > d.types.len() {
                errs.push(ValidationError::new(Subject::Type(id), format!("type {} is nested in itself", names.type_name(id))));
                break;
            }
            cur = d.types[c].declaring_type;
        }
    }
    let mut cyclic = vec![false; d.types.len()];
    for (id, t) in d.types.iter() {
        let s = Subject::Type(id);
        let tn = names.type_name(id);
        if let Some(b) = t.base {
            match sig_def(d, b) {
                None => errs.push(ValidationError::new(s, format!("base type of {tn} is not a class"))),
                Some(bd) => {
                    let bk = d.types[bd].kind;
                    if t.kind == TypeKind::Interface {
                        errs.push(ValidationError::new(s, format!("interface {tn} cannot have a base type")));
                    } else if bk != TypeKind::Class || d.types[bd].is_sealed && t.kind == TypeKind::Class {
                        errs.push(ValidationError::new(
                            s,
                            format!(
                                "{tn} derives from {}, which is {}",
                                names.type_name(bd),
                                if bk != TypeKind::Class { "not a class" } else { "sealed" }
                            ),
                        ));
                    }
                }
            }
        }
        for &i in &t.interfaces {
            match sig_def(d, i) {
                Some(idef) if d.types[idef].kind == TypeKind::Interface => {}
                _ => errs.push(ValidationError::new(
                    s,
                    format!("{tn} implements {}, which is not an interface", names.sig(d, i, Some(id), None)),
                )),
            }
        }
        // Inheritance cycle through base types.
        let mut cur = t.base.and_then(|b| sig_def(d, b));
        let mut steps = 0;
        while let Some(c) = cur {
            if c == id || steps > d.types.len() {
                if !cyclic[id.index()] {
                    cyclic[id.index()] = true;
                    errs.push(ValidationError::new(s, format!("type {tn} inherits from itself")));
                }
                break;
            }
            steps += 1;
            cur = d.types[c].base.and_then(|b| sig_def(d, b));
        }
    }
    // Interface inheritance cycles (DFS with colours).
    let mut colour = vec![0u8; d.types.len()];
    for (id, _) in d.types.iter() {
        iface_cycle(d, id, &mut colour, &mut errs, names);
    }
    // Generic arity and parameter ranges of every signature.
    for (id, sig) in d.type_refs.iter() {
        if let TypeSig::Inst { def, args } = sig {
            let arity = d.types[*def].generic_params.len();
            if arity != args.len() {
                errs.push(ValidationError::program(format!(
                    "{} has {} generic parameter(s) but signature {id} gives {}",
                    names.type_name(*def),
                    arity,
                    args.len()
                )));
            }
        }
    }
    errs
}

/// Each type's member lists: duplicate methods, fields and properties; accessors of another type.
fn check_members(d: &ProgramData, names: &crate::names::Names) -> Vec<ValidationError> {
    let mut errs = Vec::new();
    // Buffers reused from type to type.
    let mut sorted: Vec<(u64, MethodId)> = Vec::new();
    let (mut fnames, mut pnames) = (HashSet::default(), HashSet::default());
    // Members.
    for (tid, t) in d.types.iter() {
        // Duplicate overloads: equal (name, arity, return type, parameter types); the return type
        // counts, `op_Explicit` overloads differ only in it. Sorted by a hash of the key without
        // the parameter types (their count stands in: reading each method's parameter list is a
        // cache miss, and few methods share the rest), so equal keys sit in one run of equal
        // hashes, compared in full.
        let key = |m: MethodId| {
            let md = &d.methods[m];
            (md.name.as_str(), md.generic_params.len(), md.ret, md.params.iter().map(|p| p.ty))
        };
        let same = |a: MethodId, b: MethodId| {
            let (ka, kb) = (key(a), key(b));
            ka.0 == kb.0 && ka.1 == kb.1 && ka.2 == kb.2 && ka.3.eq(kb.3)
        };
        if t.methods.len() > 1 {
            sorted.clear();
            sorted.extend(t.methods.iter().map(|&m| {
                let (name, arity, ret, params) = key(m);
                let mut h = rustc_hash::FxHasher::default();
                (name, arity, ret, params.len()).hash(&mut h);
                (h.finish(), m)
            }));
            sorted.sort_unstable();
            for (i, &(h, m)) in sorted.iter().enumerate() {
                if sorted[..i].iter().rev().take_while(|x| x.0 == h).any(|x| same(x.1, m)) {
                    errs.push(ValidationError::new(Subject::Method(m), format!("method {} is declared twice", names.method_name(d, m))));
                }
            }
        }
        fnames.clear();
        for &f in t.fields.iter().filter(|_| t.fields.len() > 1) {
            if !fnames.insert(d.fields[f].name.as_str()) {
                errs.push(ValidationError::new(Subject::Field(f), format!("field {} is declared twice", names.field_name(d, f))));
            }
        }
        pnames.clear();
        for &p in &t.properties {
            let pd = &d.properties[p];
            // Indexers (`Item`) overload one name with different parameters.
            let indexed =
                pd.getter.is_some_and(|g| !d.methods[g].params.is_empty()) || pd.setter.is_some_and(|s| d.methods[s].params.len() > 1);
            if !indexed && !pnames.insert(pd.name.as_str()) {
                errs.push(ValidationError::new(
                    Subject::Property(p),
                    format!("property {}::{} is declared twice", names.type_name(tid), pd.name),
                ));
            }
            for acc in [pd.getter, pd.setter].into_iter().flatten() {
                if d.methods[acc].declaring_type != tid {
                    errs.push(ValidationError::new(
                        Subject::Property(p),
                        format!("accessor {} of property {} belongs to another type", names.method_name(d, acc), pd.name),
                    ));
                }
            }
        }
        for &e in &t.events {
            let ed = &d.events[e];
            for acc in [ed.add, ed.remove].into_iter().flatten() {
                if d.methods[acc].declaring_type != tid {
                    errs.push(ValidationError::new(
                        Subject::Event(e),
                        format!("accessor {} of event {} belongs to another type", names.method_name(d, acc), ed.name),
                    ));
                }
            }
        }
    }
    errs
}

/// One method's flags, overrides, signature, locals and attributes (walked with its body by
/// [`check_bodies`], while the method's record is in cache).
fn check_method(d: &ProgramData, names: &crate::names::Names, facts: &SigFacts, id: MethodId, errs: &mut Vec<ValidationError>) {
    let m = &d.methods[id];
    let s = Subject::Method(id);
    let mn = || names.method_name(d, id);
    let t = &d.types[m.declaring_type];
    if m.flags.is_abstract && m.body.is_some() {
        errs.push(ValidationError::new(s, format!("abstract method {} has a body", mn())));
    }
    if m.flags.is_abstract && !m.flags.is_virtual {
        errs.push(ValidationError::new(s, format!("abstract method {} is not virtual", mn())));
    }
    if m.flags.is_static && m.flags.is_virtual {
        errs.push(ValidationError::new(s, format!("static method {} cannot be virtual", mn())));
    }
    if m.flags.is_abstract && !t.is_abstract && t.kind != TypeKind::Interface {
        errs.push(ValidationError::new(
            s,
            format!("abstract method {} is declared in non-abstract type {}", mn(), names.type_name(m.declaring_type)),
        ));
    }
    for &o in &m.overrides {
        let target = d.method_refs[o].method;
        if !d.methods[target].flags.is_virtual || !m.flags.is_virtual {
            errs.push(ValidationError::new(s, format!("{} overrides {}, but both must be virtual", mn(), names.method_name(d, target))));
        }
    }
    let n_type_gp = t.generic_params.len();
    let n_meth_gp = m.generic_params.len();
    let mut sig_ok = |sig: TypeRefId, what: &str| {
        if !facts.vars_out_of_range(sig, n_type_gp, n_meth_gp) {
            return;
        }
        if let Some(bad) = var_out_of_range(d, sig, n_type_gp, n_meth_gp) {
            errs.push(ValidationError::new(s, format!("{what} of {} uses generic parameter {bad}, which is not declared", mn())));
        }
    };
    sig_ok(m.ret, "return type");
    for p in &m.params {
        sig_ok(p.ty, "a parameter");
    }
    if let Some(body) = &m.body {
        for &l in &body.locals {
            sig_ok(l, "a local");
        }
    }
    for a in &m.attributes {
        if d.methods[a.ctor].name != ".ctor" {
            errs.push(ValidationError::new(
                s,
                format!("attribute of {} is built by {}, which is not a constructor", mn(), names.method_name(d, a.ctor)),
            ));
        }
    }
}

/// Every field and reference: generic parameters in range, references naming members of the
/// types they name.
fn check_member_refs(d: &ProgramData, names: &crate::names::Names, facts: &SigFacts) -> Vec<ValidationError> {
    let mut errs = Vec::new();
    for (id, f) in d.fields.iter() {
        let n_type_gp = d.types[f.declaring_type].generic_params.len();
        if !facts.vars_out_of_range(f.ty, n_type_gp, 0) {
            continue;
        }
        if let Some(bad) = var_out_of_range(d, f.ty, n_type_gp, 0) {
            errs.push(ValidationError::new(
                Subject::Field(id),
                format!("field {} uses generic parameter {bad}, which is not declared", names.field_name(d, id)),
            ));
        }
    }
    for (id, r) in d.method_refs.iter() {
        let decl = d.methods[r.method].declaring_type;
        if sig_def(d, r.owner) != Some(decl) {
            errs.push(ValidationError::program(format!(
                "method_refs {id}: {} is not declared by {}",
                names.method_name(d, r.method),
                names.sig(d, r.owner, None, None)
            )));
        }
        if r.generic_args.len() != d.methods[r.method].generic_params.len() {
            errs.push(ValidationError::program(format!(
                "method_refs {id}: {} takes {} generic argument(s), not {}",
                names.method_name(d, r.method),
                d.methods[r.method].generic_params.len(),
                r.generic_args.len()
            )));
        }
    }
    for (id, r) in d.field_refs.iter() {
        if sig_def(d, r.owner) != Some(d.fields[r.field].declaring_type) {
            errs.push(ValidationError::program(format!(
                "field_refs {id}: {} is not declared by {}",
                names.field_name(d, r.field),
                names.sig(d, r.owner, None, None)
            )));
        }
    }
    errs
}

fn iface_cycle(d: &ProgramData, t: TypeId, colour: &mut [u8], errs: &mut Vec<ValidationError>, names: &crate::names::Names) {
    if colour[t.index()] != 0 {
        if colour[t.index()] == 1 {
            errs.push(ValidationError::new(Subject::Type(t), format!("interface {} inherits from itself", names.type_name(t))));
        }
        return;
    }
    colour[t.index()] = 1;
    if d.types[t].kind == TypeKind::Interface {
        for &i in &d.types[t].interfaces {
            if let Some(idef) = sig_def(d, i) {
                if colour[idef.index()] == 1 {
                    errs.push(ValidationError::new(Subject::Type(t), format!("interface {} inherits from itself", names.type_name(t))));
                    continue;
                }
                iface_cycle(d, idef, colour, errs, names);
            }
        }
    }
    colour[t.index()] = 2;
}

/// The first `!N` / `!!N` in `sig` that is not declared in the context, as text.
fn var_out_of_range(d: &ProgramData, sig: TypeRefId, n_type: usize, n_meth: usize) -> Option<String> {
    match &d.type_refs[sig] {
        TypeSig::Var(i) if *i as usize >= n_type => Some(format!("!{i}")),
        TypeSig::MVar(i) if *i as usize >= n_meth => Some(format!("!!{i}")),
        TypeSig::Inst { args, .. } => args.iter().find_map(|&a| var_out_of_range(d, a, n_type, n_meth)),
        TypeSig::Array(e) | TypeSig::ByRef(e) | TypeSig::Ptr(e) => var_out_of_range(d, *e, n_type, n_meth),
        _ => None,
    }
}

/// Every type a declaration or a body names must live in the declaring assembly or one it
/// references (the text format resolves names the same way; metadata does it through AssemblyRef).
/// Every type a declaration names must live in the declaring assembly or one it references (the
/// text format resolves names the same way; metadata does it through AssemblyRef). Methods'
/// signatures and bodies are checked in [`check_bodies`].
fn check_references(d: &ProgramData, names: &crate::names::Names, facts: &SigFacts, errs: &mut Vec<ValidationError>) {
    for (id, t) in d.types.iter() {
        for sig in t.base.iter().chain(&t.interfaces) {
            check_reference(d, names, facts, t.assembly, *sig, Subject::Type(id), errs);
        }
    }
    for (id, f) in d.fields.iter() {
        check_reference(d, names, facts, d.types[f.declaring_type].assembly, f.ty, Subject::Field(id), errs);
    }
}

/// An error when `sig` names a type of an assembly that `from` neither is nor references.
fn check_reference(
    d: &ProgramData,
    names: &crate::names::Names,
    facts: &SigFacts,
    from: AssemblyId,
    sig: TypeRefId,
    subject: Subject,
    errs: &mut Vec<ValidationError>,
) {
    match facts.home[sig.index()] {
        SigFacts::ANY => return,
        SigFacts::MULTI => {}
        a if facts.sees(from, a) => return,
        _ => {}
    }
    let visible = |t: TypeId| {
        let a = d.types[t].assembly;
        a == from || d.assemblies[from].references.contains(&a)
    };
    let mut bad = None;
    for_each_def(d, sig, &mut |t| {
        if bad.is_none() && !visible(t) {
            bad = Some(t);
        }
    });
    if let Some(t) = bad {
        errs.push(ValidationError::new(
            subject,
            format!(
                "uses {}, declared in assembly {}, which {} does not reference",
                names.type_name(t),
                d.assemblies[d.types[t].assembly].name,
                d.assemblies[from].name
            ),
        ));
    }
}

fn for_each_def(d: &ProgramData, sig: TypeRefId, f: &mut impl FnMut(TypeId)) {
    match &d.type_refs[sig] {
        TypeSig::Def(t) => f(*t),
        TypeSig::Inst { def, args } => {
            f(*def);
            for &a in args {
                for_each_def(d, a, f);
            }
        }
        TypeSig::Array(e) | TypeSig::ByRef(e) | TypeSig::Ptr(e) => for_each_def(d, *e, f),
        _ => {}
    }
}
