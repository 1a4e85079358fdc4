//! Generic instantiations: which closed instantiations (`List<Foo>`, `Helper<Bar>()`) the program
//! can create, and what their generic code does to their type arguments.
//!
//! Generic code is analysed once per definition by the rest of the graph. Here a build-time
//! fixpoint starts from the closed instantiations the program names and substitutes their
//! arguments into the generic code's open operands (`box !0`, `ldtoken !0`, `newobj G2<!0>`,
//! `call M<!!0>`, …), discovering further instantiations, up to a nesting depth
//! ([`MAX_DEPTH`]; deeper ones are reported as `AOTSIM1001` and not followed). Each instantiation
//! becomes a node; the effects of a method of a generic type become conditional edges
//! "instantiation reached ∧ method kept", so `List<Foo>` keeps what `List<T>`'s kept code does to
//! `T` — for `Foo` only.

use crate::dam::{generic_param_flags, members};
use crate::item::{EdgeKind, Item};
use crate::{Diagnostic, Slot};
use aotsim_il::*;
use rustc_hash::FxHashMap as HashMap;

/// Instantiations nested deeper than this (`G<G<G<…>>>`) are not followed.
pub const MAX_DEPTH: usize = 8;

/// A closed instantiation: a generic type with arguments, or a generic method with its owner's
/// and its own arguments. Arguments index the extended signature table.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum InstKey {
    /// `G<A…>`.
    Type(u32),
    /// `Owner<A…>::M<B…>`.
    Method {
        /// The generic method.
        method: MethodId,
        /// Arguments of the declaring type (empty when it is not generic).
        type_args: Vec<u32>,
        /// The method's own arguments.
        method_args: Vec<u32>,
    },
}

/// An effect of an instantiation, as an edge to emit: `(condition method, target, kind)`. A
/// condition of `None` means unconditional (method instantiations imply their method).
pub type Effect = (Option<MethodId>, Target, EdgeKind);

/// The target of an effect: a program item or another instantiation.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Target {
    /// A program item.
    Item(Item),
    /// Another instantiation (index into [`Instantiations::keys`]).
    Inst(u32),
}

/// The program's signatures extended with those substitution creates, and the instantiations.
#[derive(Clone, Debug)]
pub struct Instantiations {
    sigs: Vec<TypeSig>,
    map: HashMap<TypeSig, u32>,
    /// Instantiations in discovery order; node `i` of the instantiation range is `keys[i]`.
    pub keys: Vec<InstKey>,
    key_map: HashMap<InstKey, u32>,
    /// What each instantiation does, parallel to `keys`.
    pub effects: Vec<Vec<Effect>>,
    /// Closed instantiations each method's body names directly (method → instantiation nodes).
    pub direct: HashMap<MethodId, Vec<u32>>,
    /// Depth-bound diagnostics.
    pub diagnostics: Vec<Diagnostic>,
    /// Per signature of the program: no generic parameter inside (computed in one pass).
    closed: Vec<bool>,
    /// Per method: its body has operands that mention generic parameters.
    open_body: Vec<bool>,
}

impl Instantiations {
    /// Discovers the instantiations of `p`; `requirements` adds `[DynamicallyAccessedMembers]`
    /// on method generic parameters as data (`TrimConfig::requirements`).
    pub fn discover(p: &Program, requirements: &HashMap<(MethodId, Slot), i64>) -> Instantiations {
        let sigs: Vec<TypeSig> = p.type_refs.values().cloned().collect();
        let map = sigs.iter().enumerate().map(|(i, s)| (s.clone(), i as u32)).collect();
        // Interned signatures only point backwards, so one forward pass decides closedness.
        let mut closed = vec![true; sigs.len()];
        for (i, sig) in sigs.iter().enumerate() {
            closed[i] = match sig {
                TypeSig::Var(_) | TypeSig::MVar(_) => false,
                TypeSig::Inst { args, .. } => args.iter().all(|a| closed[a.index()]),
                TypeSig::Array(e) | TypeSig::ByRef(e) | TypeSig::Ptr(e) => closed[e.index()],
                TypeSig::Prim(_) | TypeSig::Def(_) => true,
            };
        }
        // Only generic code (a generic type's methods, generic methods) can mention parameters.
        let open_body = p
            .methods
            .values()
            .map(|md| {
                let generic = !md.generic_params.is_empty() || !p.types[md.declaring_type].generic_params.is_empty();
                generic && md.body.as_ref().is_some_and(|b| b.instrs.iter().any(|ins| is_open(p, &closed, ins)))
            })
            .collect();
        let mut me = Instantiations {
            sigs,
            map,
            keys: Vec::new(),
            key_map: HashMap::default(),
            effects: Vec::new(),
            direct: HashMap::default(),
            diagnostics: Vec::new(),
            closed,
            open_body,
        };
        // Seeds: closed instantiations named by bodies (the static graph reaches these directly).
        // Which references can name one, as byte tables read in order: the per-instruction test
        // below then costs no cache miss on the reference records.
        let tref_inst: Vec<bool> = p.type_refs.values().map(|t| !matches!(t, TypeSig::Def(_) | TypeSig::Prim(_))).collect();
        let mref_inst: Vec<bool> = p.method_refs.values().map(|r| tref_inst[r.owner.index()] || !r.generic_args.is_empty()).collect();
        let fref_inst: Vec<bool> = p.field_refs.values().map(|r| tref_inst[r.owner.index()]).collect();
        for (m, md) in p.methods.iter() {
            let Some(body) = &md.body else { continue };
            let mut found = Vec::new();
            for ins in &body.instrs {
                if !names_instantiation(ins, &tref_inst, &mref_inst, &fref_inst) {
                    continue;
                }
                for k in me.operand_keys(p, ins, &[], &[]) {
                    let id = me.key(k);
                    if !found.contains(&id) {
                        found.push(id);
                    }
                }
            }
            if !found.is_empty() {
                me.direct.insert(m, found);
            }
        }
        let mut next = 0;
        while next < me.keys.len() {
            let effects = me.effects_of(p, next, requirements);
            me.effects.push(effects);
            next += 1;
        }
        me
    }

    fn intern(&mut self, s: TypeSig) -> u32 {
        if let Some(&i) = self.map.get(&s) {
            return i;
        }
        let i = self.sigs.len() as u32;
        self.sigs.push(s.clone());
        self.map.insert(s, i);
        i
    }

    fn key(&mut self, k: InstKey) -> u32 {
        if let Some(&i) = self.key_map.get(&k) {
            return i;
        }
        let i = self.keys.len() as u32;
        self.keys.push(k.clone());
        self.key_map.insert(k, i);
        i
    }

    fn is_closed(&self, s: u32) -> bool {
        if let Some(&c) = self.closed.get(s as usize) {
            return c;
        }
        match &self.sigs[s as usize] {
            TypeSig::Var(_) | TypeSig::MVar(_) => false,
            TypeSig::Inst { args, .. } => args.iter().all(|a| self.is_closed(a.as_u32())),
            TypeSig::Array(e) | TypeSig::ByRef(e) | TypeSig::Ptr(e) => self.is_closed(e.as_u32()),
            TypeSig::Prim(_) | TypeSig::Def(_) => true,
        }
    }

    fn depth(&self, s: u32) -> usize {
        match &self.sigs[s as usize] {
            TypeSig::Inst { args, .. } => 1 + args.iter().map(|a| self.depth(a.as_u32())).max().unwrap_or(0),
            TypeSig::Array(e) | TypeSig::ByRef(e) | TypeSig::Ptr(e) => self.depth(e.as_u32()),
            _ => 0,
        }
    }

    /// `s` with `!i` → `targs[i]` and `!!i` → `margs[i]` (extended ids).
    fn subst(&mut self, s: u32, targs: &[u32], margs: &[u32]) -> u32 {
        let sig = self.sigs[s as usize].clone();
        let r = |me: &mut Self, x: TypeRefId| TypeRefId::new(me.subst(x.as_u32(), targs, margs) as usize);
        match sig {
            TypeSig::Var(i) => targs.get(i as usize).copied().unwrap_or(s),
            TypeSig::MVar(i) => margs.get(i as usize).copied().unwrap_or(s),
            TypeSig::Inst { def, args } => {
                let args = args.into_iter().map(|a| r(self, a)).collect();
                self.intern(TypeSig::Inst { def, args })
            }
            TypeSig::Array(e) => {
                let e = r(self, e);
                self.intern(TypeSig::Array(e))
            }
            TypeSig::ByRef(e) => {
                let e = r(self, e);
                self.intern(TypeSig::ByRef(e))
            }
            TypeSig::Ptr(e) => {
                let e = r(self, e);
                self.intern(TypeSig::Ptr(e))
            }
            TypeSig::Prim(_) | TypeSig::Def(_) => s,
        }
    }

    /// Closed `Inst` signatures inside `s` (itself included), as instantiation keys.
    fn inst_keys_in(&self, s: u32, out: &mut Vec<InstKey>) {
        match &self.sigs[s as usize] {
            TypeSig::Inst { args, .. } => {
                if self.is_closed(s) {
                    out.push(InstKey::Type(s));
                }
                for a in args {
                    self.inst_keys_in(a.as_u32(), out);
                }
            }
            TypeSig::Array(e) | TypeSig::ByRef(e) | TypeSig::Ptr(e) => self.inst_keys_in(e.as_u32(), out),
            _ => {}
        }
    }

    /// The instantiations an instruction names once `targs`/`margs` are substituted, within the
    /// depth bound.
    fn operand_keys(&mut self, p: &Program, ins: &Instr, targs: &[u32], margs: &[u32]) -> Vec<InstKey> {
        let mut sigs = Vec::new();
        let mut method = None;
        match ins.operand_ref() {
            Some(OperandRef::Method(r)) => {
                let mr = &p.method_refs[r];
                sigs.push(mr.owner.as_u32());
                sigs.extend(mr.generic_args.iter().map(|a| a.as_u32()));
                method = Some(r);
            }
            Some(OperandRef::Field(r)) => sigs.push(p.field_refs[r].owner.as_u32()),
            Some(OperandRef::Type(t)) => sigs.push(t.as_u32()),
            None => return Vec::new(),
        }
        let mut out = Vec::new();
        let substituted: Vec<u32> =
            if targs.is_empty() && margs.is_empty() { sigs } else { sigs.iter().map(|&s| self.subst(s, targs, margs)).collect() };
        for &s in &substituted {
            if self.depth(s) > MAX_DEPTH {
                let message =
                    format!("generic instantiation nested deeper than {MAX_DEPTH} levels is not followed: {}", self.sig_name(p, s));
                if self.diagnostics.len() < 10 && !self.diagnostics.iter().any(|d| d.message == message) {
                    self.diagnostics.push(Diagnostic::new("AOTSIM1001", message));
                }
                return Vec::new();
            }
            self.inst_keys_in(s, &mut out);
        }
        if let Some(r) = method {
            let mr = &p.method_refs[r];
            if !mr.generic_args.is_empty() {
                let margs_new: Vec<u32> = substituted[1..].to_vec();
                let owner_args: Vec<u32> = match &self.sigs[substituted[0] as usize] {
                    TypeSig::Inst { args, .. } => args.iter().map(|a| a.as_u32()).collect(),
                    _ => Vec::new(),
                };
                if margs_new.iter().chain(&owner_args).all(|&a| self.is_closed(a)) {
                    out.push(InstKey::Method { method: mr.method, type_args: owner_args, method_args: margs_new });
                }
            }
        }
        out
    }

    /// What instantiation `i` does to its arguments: the open operands of its generic code,
    /// substituted.
    fn effects_of(&mut self, p: &Program, i: usize, requirements: &HashMap<(MethodId, Slot), i64>) -> Vec<Effect> {
        let mut out = Vec::new();
        let (methods, targs, margs, conditional): (Vec<MethodId>, Vec<u32>, Vec<u32>, bool) = match self.keys[i].clone() {
            InstKey::Type(s) => {
                let TypeSig::Inst { def, args } = self.sigs[s as usize].clone() else { return out };
                out.push((None, Target::Item(Item::Type(def)), EdgeKind::GenericArgument));
                let args: Vec<u32> = args.iter().map(|a| a.as_u32()).collect();
                for &a in &args {
                    self.types_of(a, &mut |t| out.push((None, Target::Item(Item::Type(t)), EdgeKind::GenericArgument)));
                }
                self.generic_dam(p, &p.types[def].generic_params, &args, None, &mut out, None, requirements);
                let methods = p.types[def].methods.iter().copied().filter(|m| self.open_body[m.index()]).collect();
                (methods, args, Vec::new(), true)
            }
            InstKey::Method { method, type_args, method_args } => {
                for &a in &method_args {
                    self.types_of(a, &mut |t| out.push((None, Target::Item(Item::Type(t)), EdgeKind::GenericArgument)));
                }
                self.generic_dam(p, &p.methods[method].generic_params, &method_args, None, &mut out, Some(method), requirements);
                (vec![method], type_args, method_args, false)
            }
        };
        for m in methods {
            let md = &p.methods[m];
            // Methods with their own generic parameters are handled by their method instantiations.
            if conditional && !md.generic_params.is_empty() {
                continue;
            }
            if !self.open_body[m.index()] {
                continue;
            }
            let Some(body) = &md.body else { continue };
            let cond = conditional.then_some(m);
            for ins in body.instrs.clone() {
                let open = is_open(p, &self.closed, &ins);
                if !open {
                    continue;
                }
                for k in self.operand_keys(p, &ins, &targs, &margs) {
                    let id = self.key(k);
                    out.push((cond, Target::Inst(id), EdgeKind::GenericInstantiation));
                }
                match ins {
                    Instr::Box(t) => {
                        let s = self.subst(t.as_u32(), &targs, &margs);
                        if let TypeSig::Def(d) | TypeSig::Inst { def: d, .. } = self.sigs[s as usize] {
                            out.push((cond, Target::Item(Item::Instantiated(d)), EdgeKind::Boxed));
                        }
                        self.types_of(s, &mut |x| out.push((cond, Target::Item(Item::Type(x)), EdgeKind::Boxed)));
                    }
                    Instr::LdToken(Token::Type(t))
                    | Instr::CastClass(t)
                    | Instr::IsInst(t)
                    | Instr::UnboxAny(t)
                    | Instr::InitObj(t)
                    | Instr::Constrained(t)
                    | Instr::TypeOp(_, t)
                    | Instr::NewArr(t) => {
                        let s = self.subst(t.as_u32(), &targs, &margs);
                        self.types_of(s, &mut |x| out.push((cond, Target::Item(Item::Type(x)), EdgeKind::GenericArgument)));
                    }
                    _ => {}
                }
            }
        }
        out
    }

    /// `[DynamicallyAccessedMembers]` on generic parameters, applied to known arguments.
    #[allow(clippy::too_many_arguments)]
    fn generic_dam(
        &self,
        p: &Program,
        gps: &[GenericParam],
        args: &[u32],
        cond: Option<MethodId>,
        out: &mut Vec<Effect>,
        owner: Option<MethodId>,
        requirements: &HashMap<(MethodId, Slot), i64>,
    ) {
        for (i, (g, &a)) in gps.iter().zip(args).enumerate() {
            let given = || owner.and_then(|m| requirements.get(&(m, Slot::GenericParam(i as u16))).copied());
            let (Some(f), TypeSig::Def(t) | TypeSig::Inst { def: t, .. }) =
                (generic_param_flags(p, g).or_else(given), &self.sigs[a as usize])
            else {
                continue;
            };
            let mut items = Vec::new();
            members(p, *t, f, &mut items);
            out.extend(items.into_iter().map(|i| (cond, Target::Item(i), EdgeKind::DamRequirement)));
        }
    }

    fn types_of(&self, s: u32, f: &mut impl FnMut(TypeId)) {
        match &self.sigs[s as usize] {
            TypeSig::Def(t) => f(*t),
            TypeSig::Inst { def, args } => {
                f(*def);
                for a in args {
                    self.types_of(a.as_u32(), f);
                }
            }
            TypeSig::Array(e) | TypeSig::ByRef(e) | TypeSig::Ptr(e) => self.types_of(e.as_u32(), f),
            _ => {}
        }
    }

    /// A signature of the extended table as text.
    pub fn sig_name(&self, p: &Program, s: u32) -> String {
        match &self.sigs[s as usize] {
            TypeSig::Prim(x) => x.keyword().to_string(),
            TypeSig::Def(t) => p.type_name(*t).to_string(),
            TypeSig::Inst { def, args } => {
                let full = p.type_name(*def);
                let base = full.rsplit_once('`').map_or(full, |(b, _)| b);
                let args: Vec<String> = args.iter().map(|a| self.sig_name(p, a.as_u32())).collect();
                format!("{base}<{}>", args.join(","))
            }
            TypeSig::Var(i) => format!("!{i}"),
            TypeSig::MVar(i) => format!("!!{i}"),
            TypeSig::Array(e) => format!("{}[]", self.sig_name(p, e.as_u32())),
            TypeSig::ByRef(e) => format!("{}&", self.sig_name(p, e.as_u32())),
            TypeSig::Ptr(e) => format!("{}*", self.sig_name(p, e.as_u32())),
        }
    }

    /// The display name of instantiation `i`: `List<App.Foo>` or `App.Util::Make<App.Foo>()`.
    pub fn name(&self, p: &Program, i: u32) -> String {
        match &self.keys[i as usize] {
            InstKey::Type(s) => self.sig_name(p, *s),
            InstKey::Method { method, type_args, method_args } => {
                let md = &p.methods[*method];
                let owner = if type_args.is_empty() {
                    p.type_name(md.declaring_type).to_string()
                } else {
                    let full = p.type_name(md.declaring_type);
                    let base = full.rsplit_once('`').map_or(full, |(b, _)| b);
                    format!("{base}<{}>", type_args.iter().map(|&a| self.sig_name(p, a)).collect::<Vec<_>>().join(","))
                };
                let args: Vec<String> = method_args.iter().map(|&a| self.sig_name(p, a)).collect();
                format!("{owner}::{}<{}>()", md.name, args.join(","))
            }
        }
    }
}

/// True when an instruction's operand could name a generic instantiation (cheap pre-filter over
/// per-reference tables).
fn names_instantiation(ins: &Instr, tref_inst: &[bool], mref_inst: &[bool], fref_inst: &[bool]) -> bool {
    match ins.operand_ref() {
        Some(OperandRef::Method(r)) => mref_inst[r.index()],
        Some(OperandRef::Field(r)) => fref_inst[r.index()],
        Some(OperandRef::Type(t)) => tref_inst[t.index()],
        None => false,
    }
}

/// True when an instruction's operand mentions a generic parameter (`closed` is per program
/// signature).
fn is_open(p: &Program, closed: &[bool], ins: &Instr) -> bool {
    match ins.operand_ref() {
        Some(OperandRef::Type(t)) => !closed[t.index()],
        Some(OperandRef::Method(r)) => {
            let mr = &p.method_refs[r];
            !closed[mr.owner.index()] || mr.generic_args.iter().any(|a| !closed[a.index()])
        }
        Some(OperandRef::Field(r)) => !closed[p.field_refs[r].owner.index()],
        None => false,
    }
}
