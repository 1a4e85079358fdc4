//! The dependency graph: every edge the program's items create, typed, in CSR form; and the
//! conditional edges ("A is kept if B and C are both kept") that model virtual dispatch the
//! way ILC's dependency framework does.

use crate::dam::{dam_flags, generic_param_flags, members};
use crate::generics::{Instantiations, Target};
use crate::item::{EdgeKind, Item, Layout};
use crate::members::members_by_doc_signature;
use crate::{Diagnostic, Precision, Slot, TrimConfig};
use aotsim_il::*;
use rustc_hash::FxHashMap;
use std::collections::HashMap;

const NONE: u32 = u32::MAX;

/// A conditional edge stored under one of its two conditions.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct CondEdge {
    /// The other condition.
    pub other: u32,
    /// The node kept when both hold.
    pub to: u32,
    /// Why.
    pub kind: EdgeKind,
}

/// Bits of a packed edge that hold the target node; the edge kind sits above them.
pub const NODE_BITS: u32 = 27;
const NODE_MASK: u32 = (1 << NODE_BITS) - 1;

/// Static edges (CSR) and conditional edges (CSR, each stored under both conditions).
///
/// Layout for the marking loop: `starts[2n]` and `starts[2n+1]` are node `n`'s first static and
/// first conditional edge (one cache line for both), and a static edge is one `u32`, the target
/// in the low [`NODE_BITS`] bits and the kind above. Programs are limited to 2^27 nodes.
#[derive(Clone, Debug)]
pub struct DepGraph {
    /// Node numbering.
    pub layout: Layout,
    starts: Vec<u32>,
    edges: Vec<u32>,
    cond: Vec<CondEdge>,
    /// Warnings found while building (unresolvable `DynamicDependency`, …).
    pub diagnostics: Vec<Diagnostic>,
    /// The generic instantiations, which name the `Instantiation` nodes.
    pub instantiations: Instantiations,
}

impl DepGraph {
    /// Builds the graph of `p` for `config` (its precision and feature switches). With
    /// [`Precision::Cha`], dispatch edges are unconditional.
    pub fn build(p: &Program, config: &TrimConfig) -> DepGraph {
        let precision = config.precision;
        let requirements: FxHashMap<(MethodId, Slot), i64> = config.requirements.iter().map(|r| ((r.method, r.slot), r.flags)).collect();
        let instantiations = Instantiations::discover(p, &requirements);
        let layout = Layout::new(p, instantiations.keys.len());
        let n = layout.len();
        let switches = feature_getters(p, config);
        let get_type_from_handle =
            p.methods.ids().find(|&m| p.methods[m].params.len() == 1 && p.method_name(m).starts_with(GET_TYPE_FROM_HANDLE));
        let get_type_by_name = get_type_by_name(p);
        let mut b = Emit {
            p,
            layout: &layout,
            out: Vec::new(),
            switches: &switches,
            diagnostics: Vec::new(),
            scratch: Vec::new(),
            get_type_from_handle,
            get_type_by_name,
            requirements: &requirements,
        };
        assert!(n < NODE_MASK as usize, "a program of {n} nodes exceeds the trimmer's limit of 2^{NODE_BITS}");
        let mut edge_start = Vec::with_capacity(n + 1);
        let mut edges: Vec<u32> = Vec::new();
        let mut conds: Vec<(u32, CondEdge)> = Vec::new();

        // For CHA, the overrides and implementations of each slot, found from the slot.
        let mut cha: Vec<Vec<(MethodId, EdgeKind)>> = Vec::new();
        if precision == Precision::Cha {
            cha = vec![Vec::new(); p.methods.len()];
        }
        for m in p.methods.ids() {
            for &s in p.overridden(m) {
                match precision {
                    Precision::Rta => {
                        let inst = layout.node(Item::Instantiated(p.methods[m].declaring_type));
                        let slot = layout.node(Item::Method(s));
                        let to = layout.node(Item::Method(m));
                        conds.push((inst, CondEdge { other: slot, to, kind: EdgeKind::VirtualOverride }));
                        conds.push((slot, CondEdge { other: inst, to, kind: EdgeKind::VirtualOverride }));
                    }
                    Precision::Cha => cha[s.index()].push((m, EdgeKind::VirtualOverride)),
                }
            }
        }
        for t in p.types.ids() {
            for d in p.dispatch(t) {
                match precision {
                    Precision::Rta => {
                        let inst = layout.node(Item::Instantiated(t));
                        let slot = layout.node(Item::Method(d.slot));
                        let to = layout.node(Item::Method(d.implementation));
                        conds.push((inst, CondEdge { other: slot, to, kind: EdgeKind::InterfaceImpl }));
                        conds.push((slot, CondEdge { other: inst, to, kind: EdgeKind::InterfaceImpl }));
                    }
                    Precision::Cha => cha[d.slot.index()].push((d.implementation, EdgeKind::InterfaceImpl)),
                }
            }
        }

        let cuts: rustc_hash::FxHashSet<(u32, u32)> = config.cuts.iter().map(|&(a, b)| (layout.node(a), layout.node(b))).collect();
        let inst_node = |i: u32| layout.node(Item::Instantiation(i));
        let target_node = |t: Target| match t {
            Target::Item(item) => layout.node(item),
            Target::Inst(i) => inst_node(i),
        };
        for (i, effects) in instantiations.effects.iter().enumerate() {
            for &(cond, target, kind) in effects {
                if let Some(m) = cond {
                    let (a, c) = (inst_node(i as u32), layout.node(Item::Method(m)));
                    let to = target_node(target);
                    conds.push((a, CondEdge { other: c, to, kind }));
                    conds.push((c, CondEdge { other: a, to, kind }));
                }
            }
        }
        for node in 0..n as u32 {
            edge_start.push(edges.len() as u32);
            b.out.clear();
            let item = layout.item(node);
            b.node(item);
            match item {
                Item::Instantiation(i) => {
                    for &(cond, target, kind) in &instantiations.effects[i as usize] {
                        if cond.is_none() {
                            b.out.push((target_node(target), kind));
                        }
                    }
                }
                Item::Method(m) => {
                    for &i in instantiations.direct.get(&m).map(Vec::as_slice).unwrap_or(&[]) {
                        b.out.push((inst_node(i), EdgeKind::GenericInstantiation));
                    }
                }
                _ => {}
            }
            if let (Item::Method(m), false) = (layout.item(node), cha.is_empty()) {
                for &(o, k) in &cha[m.index()] {
                    b.out.push((layout.node(Item::Method(o)), k));
                }
            }
            if !cuts.is_empty() {
                b.out.retain(|&(to, _)| !cuts.contains(&(node, to)));
            }
            b.out.sort_unstable();
            b.out.dedup();
            edges.extend(b.out.iter().map(|&(to, kind)| to | ((kind as u32) << NODE_BITS)));
        }
        edge_start.push(edges.len() as u32);

        if !cuts.is_empty() {
            conds.retain(|(owner, c)| !cuts.contains(&(*owner, c.to)) && !cuts.contains(&(c.other, c.to)));
        }
        // Counting sort of the conditional edges by owner.
        let mut cond_start = vec![0u32; n + 1];
        for (owner, _) in &conds {
            cond_start[*owner as usize + 1] += 1;
        }
        for i in 0..n {
            cond_start[i + 1] += cond_start[i];
        }
        let mut fill = cond_start.clone();
        let mut cond = vec![CondEdge { other: NONE, to: NONE, kind: EdgeKind::Root }; conds.len()];
        for (owner, c) in conds {
            cond[fill[owner as usize] as usize] = c;
            fill[owner as usize] += 1;
        }
        let mut diagnostics = b.diagnostics;
        diagnostics.extend(instantiations.diagnostics.iter().cloned());
        let starts = edge_start.iter().zip(&cond_start).flat_map(|(&e, &c)| [e, c]).collect();
        DepGraph { layout, starts, edges, cond, diagnostics, instantiations }
    }

    /// The display name of any node's item, instantiations included.
    pub fn name(&self, item: Item, p: &Program) -> String {
        match item {
            Item::Instantiation(i) => self.instantiations.name(p, i),
            other => other.name(p),
        }
    }

    /// The number of nodes.
    pub fn n_nodes(&self) -> usize {
        self.layout.len()
    }

    /// The number of static edges.
    pub fn n_edges(&self) -> usize {
        self.edges.len()
    }

    /// The number of conditional edges (each counted once).
    pub fn n_conditional(&self) -> usize {
        self.cond.len() / 2
    }

    /// Static edges out of `node`: `(to, kind)`.
    #[inline]
    pub fn edges(&self, node: u32) -> impl Iterator<Item = (u32, EdgeKind)> + '_ {
        self.packed(node).iter().map(|&e| unpack(e))
    }

    /// Static edges out of `node`, packed (see [`unpack`]).
    #[inline]
    pub fn packed(&self, node: u32) -> &[u32] {
        let i = node as usize * 2;
        &self.edges[self.starts[i] as usize..self.starts[i + 2] as usize]
    }

    /// Conditional edges that `node` is one condition of.
    #[inline]
    pub fn conditional(&self, node: u32) -> &[CondEdge] {
        let i = node as usize * 2;
        &self.cond[self.starts[i + 1] as usize..self.starts[i + 3] as usize]
    }

    /// The static edges as a plain CSR `(offsets, targets)`: for baselines and exports.
    pub fn plain_csr(&self) -> (Vec<u32>, Vec<u32>) {
        self.plain_csr_with(&[])
    }

    /// The static edges plus `extra` edges `(from, to)` as a plain CSR `(offsets, targets)`.
    /// With the conditional edges a trim fired ([`crate::Marks::fired_conditional`]), a BFS over
    /// it reaches exactly the trim's kept set: the floor for the same edges.
    pub fn plain_csr_with(&self, extra: &[(u32, u32)]) -> (Vec<u32>, Vec<u32>) {
        let n = self.n_nodes();
        let mut offsets = Vec::with_capacity(n + 1);
        let mut targets = Vec::with_capacity(self.edges.len() + extra.len());
        let mut by_from: Vec<Vec<u32>> = vec![Vec::new(); n];
        for &(f, t) in extra {
            by_from[f as usize].push(t);
        }
        for node in 0..n as u32 {
            offsets.push(targets.len() as u32);
            targets.extend(self.packed(node).iter().map(|&e| e & NODE_MASK));
            targets.extend_from_slice(&by_from[node as usize]);
        }
        offsets.push(targets.len() as u32);
        (offsets, targets)
    }
}

/// A packed edge's target node and kind.
#[inline]
pub fn unpack(e: u32) -> (u32, EdgeKind) {
    (e & NODE_MASK, EdgeKind::ALL[(e >> NODE_BITS) as usize])
}

/// Getters of feature switches with a value set in the configuration: `[FeatureSwitchDefinition("Name")]`
/// on a static `bool` property.
fn feature_getters(p: &Program, config: &TrimConfig) -> HashMap<MethodId, bool> {
    let mut out = HashMap::new();
    if config.features.is_empty() {
        return out;
    }
    for pd in p.properties.values() {
        for a in &pd.attributes {
            if p.type_name(p.methods[a.ctor].declaring_type) != FEATURE_SWITCH_ATTRIBUTE {
                continue;
            }
            if let (Some(AttrValue::String(name)), Some(getter)) = (a.args.first(), pd.getter) {
                if let Some(&v) = config.features.get(name) {
                    out.insert(getter, v);
                }
            }
        }
    }
    out
}

const FEATURE_SWITCH_ATTRIBUTE: &str = "System.Diagnostics.CodeAnalysis.FeatureSwitchDefinitionAttribute";
const DYNAMIC_DEPENDENCY_ATTRIBUTE: &str = "System.Diagnostics.CodeAnalysis.DynamicDependencyAttribute";
const GET_TYPE_FROM_HANDLE: &str = "System.Type::GetTypeFromHandle";

/// The type `Type.GetType(name)` finds: `"Ns.Outer+Inner, Assembly"` in the named assembly, else
/// `"Ns.Outer+Inner"` in the calling assembly, then in the core library (where `System.Type` is).
pub fn resolve_type_name(p: &Program, name: &str, caller: AssemblyId, core: AssemblyId) -> Option<TypeId> {
    let (type_name, assembly) = match name.split_once(',') {
        Some((t, rest)) => (t.trim(), rest.split(',').next().map(str::trim)),
        None => (name.trim(), None),
    };
    let display = type_name.replace('+', "/");
    let candidates = p.names().types_named(&display);
    let in_asm = |a: AssemblyId| candidates.iter().copied().find(|&t| p.types[t].assembly == a);
    match assembly {
        Some(asm) => candidates.iter().copied().find(|&t| p.assemblies[p.types[t].assembly].name.eq_ignore_ascii_case(asm)),
        None => in_asm(caller).or_else(|| in_asm(core)),
    }
}

/// The static `System.Type::GetType` overloads whose first parameter is the type's name.
fn get_type_by_name(p: &Program) -> Vec<MethodId> {
    let Some(&ty) = p.names().types_named("System.Type").first() else { return Vec::new() };
    p.types[ty]
        .methods
        .iter()
        .copied()
        .filter(|&m| {
            let md = &p.methods[m];
            md.name == "GetType"
                && md.flags.is_static
                && md.params.first().is_some_and(|x| p.type_refs[x.ty] == TypeSig::Prim(Prim::String))
        })
        .collect()
}

/// The instructions of `body` that can execute once branches on known feature switches (and on
/// constants) are folded: ILLink's unreachable-block removal. `None` (all of them) when nothing
/// folds. Control enters at the first instruction and at every exception handler, and follows
/// every branch and `switch` target. Folded, as ILLink folds them: `brtrue`/`brfalse` right after
/// a feature switch's getter or an `ldc.i4`, a compare-and-branch right after two of them, a
/// `switch` right after one; never a branch that is itself a jump target, nor a compare whose
/// second operand is (another value may reach it there: `x && Feature` computed as a value joins
/// `ldc.i4.0` and the getter's result at one `brfalse`).
fn live_instructions(body: &Body, p: &Program, switches: &HashMap<MethodId, bool>) -> Option<Vec<bool>> {
    if switches.is_empty() {
        return None;
    }
    let n = body.instrs.len();
    let known = |i: usize| -> Option<i32> {
        match body.instrs.get(i)? {
            Instr::Call(r) => switches.get(&p.method_refs[*r].method).map(|&on| i32::from(on)),
            Instr::LdcI4(v) => Some(*v),
            _ => None,
        }
    };
    let mut targeted: Option<Vec<bool>> = None;
    let mut targeted = |i: usize| {
        targeted.get_or_insert_with(|| {
            let mut t = vec![false; n];
            for x in body.targets() {
                if let Some(x) = t.get_mut(x as usize) {
                    *x = true;
                }
            }
            t
        })[i]
    };
    // The one successor of instruction `i` when it is a branch that folds.
    let mut decided = |i: usize| -> Option<usize> {
        let ins = body.instrs[i];
        let operand = |k: usize| i.checked_sub(k).and_then(known);
        let next = match ins {
            Instr::BrTrue(t) | Instr::BrFalse(t) => {
                let v = operand(1)?;
                if (v != 0) == matches!(ins, Instr::BrTrue(_)) {
                    t as usize
                } else {
                    i + 1
                }
            }
            Instr::BrCmp(c, t) => {
                let (a, b) = (operand(2)?, operand(1)?);
                if targeted(i - 1) {
                    return None;
                }
                if c.holds(a, b) {
                    t as usize
                } else {
                    i + 1
                }
            }
            Instr::Switch(k) => {
                let v = operand(1)?;
                let table = body.switches().get(k as usize)?;
                usize::try_from(v).ok().and_then(|v| table.get(v)).map_or(i + 1, |&t| t as usize)
            }
            _ => return None,
        };
        (!targeted(i)).then_some(next)
    };
    if !(0..n).any(|i| decided(i).is_some()) {
        return None;
    }
    let mut live = vec![false; n];
    let mut stack: Vec<usize> = body.entries().collect();
    while let Some(i) = stack.pop() {
        if i >= n || live[i] {
            continue;
        }
        live[i] = true;
        match decided(i) {
            Some(next) => stack.push(next),
            None => stack.extend(body.successors(i)),
        }
    }
    Some(live)
}

/// An abstract value of the constant-type dataflow.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
enum Val {
    Unknown,
    /// The result of `ldtoken T`.
    Token(TypeRefId),
    /// A `System.Type` known to be this type (`typeof(T)`, `Type.GetType("T")`).
    Type(TypeId),
    /// A constant string (`ldstr`).
    Str(StringId),
}

struct Emit<'a> {
    p: &'a Program,
    layout: &'a Layout,
    out: Vec<(u32, EdgeKind)>,
    switches: &'a HashMap<MethodId, bool>,
    diagnostics: Vec<Diagnostic>,
    scratch: Vec<Item>,
    /// `System.Type::GetTypeFromHandle(…)`, the intrinsic that turns `ldtoken` into `typeof`.
    get_type_from_handle: Option<MethodId>,
    /// `System.Type::GetType(string, …)` overloads: a constant name resolves at trim time.
    get_type_by_name: Vec<MethodId>,
    /// Requirements given as data (`TrimConfig::requirements`), by method and slot.
    requirements: &'a FxHashMap<(MethodId, Slot), i64>,
}

impl Emit<'_> {
    fn push(&mut self, item: Item, kind: EdgeKind) {
        self.out.push((self.layout.node(item), kind));
    }

    fn types_in(&mut self, sig: TypeRefId, kind: EdgeKind) {
        let (p, layout, out) = (self.p, self.layout, &mut self.out);
        p.for_each_type_in(sig, &mut |t| out.push((layout.node(Item::Type(t)), kind)));
    }

    fn attrs(&mut self, attrs: &[CustomAttribute]) {
        self.dynamic_dependencies(attrs);
        for a in attrs {
            self.push(Item::Method(a.ctor), EdgeKind::Attribute);
            for v in a.args.iter().chain(a.named.iter().map(|n| &n.value)) {
                if let AttrValue::Type(t) | AttrValue::Enum { ty: t, .. } = v {
                    self.types_in(*t, EdgeKind::Attribute);
                }
            }
        }
    }

    /// `[DynamicDependency]` on a kept member keeps the members it names.
    fn dynamic_dependencies(&mut self, attrs: &[CustomAttribute]) {
        let p = self.p;
        for a in attrs {
            let ctor = &p.methods[a.ctor];
            if p.type_name(ctor.declaring_type) != DYNAMIC_DEPENDENCY_ATTRIBUTE {
                continue;
            }
            let target_type = |v: Option<&AttrValue>| match v {
                Some(AttrValue::Type(t)) => p.sig_def(*t),
                Some(AttrValue::String(name)) => p.names().types_named(name).first().copied(),
                _ => None,
            };
            let (selector, ty) = (a.args.first(), target_type(a.args.get(1)));
            let Some(ty) = ty else {
                let what = match a.args.get(1) {
                    Some(AttrValue::String(n)) => format!("type '{n}'"),
                    _ => "its type".to_string(),
                };
                self.diagnostics.push(Diagnostic::new("IL2036", format!("DynamicDependency: unresolved {what}")));
                continue;
            };
            self.scratch.clear();
            match selector {
                Some(AttrValue::String(sig)) => self.scratch.extend(members_by_doc_signature(p, ty, sig)),
                Some(AttrValue::Enum { value, .. }) | Some(AttrValue::Int(value)) => members(p, ty, *value, &mut self.scratch),
                _ => {}
            }
            if self.scratch.is_empty() {
                let sel = match selector {
                    Some(AttrValue::String(s)) => s.clone(),
                    _ => "the member types".into(),
                };
                self.diagnostics
                    .push(Diagnostic::new("IL2037", format!("DynamicDependency: no member of {} matches '{sel}'", p.type_name(ty))));
            }
            self.push(Item::Type(ty), EdgeKind::DynamicDependency);
            for i in std::mem::take(&mut self.scratch) {
                self.push(i, EdgeKind::DynamicDependency);
            }
        }
    }

    /// DAM annotations on the generic parameters of a referenced instantiation keep the
    /// required members of its (known) type arguments; `method` names the owner of method
    /// generic parameters, whose requirements may also be given as data.
    fn generic_dam(&mut self, gps: &[GenericParam], args: &[TypeRefId], method: Option<MethodId>) {
        for (i, (g, &a)) in gps.iter().zip(args).enumerate() {
            let given = || method.and_then(|m| self.requirements.get(&(m, Slot::GenericParam(i as u16))).copied());
            if let (Some(f), Some(t)) = (generic_param_flags(self.p, g).or_else(given), self.p.sig_def(a)) {
                self.dam(t, f);
            }
        }
    }

    /// `Type.GetType("Ns.Outer+Inner, Assembly")` with a constant name, resolved as the runtime
    /// does: in the named assembly, else in the calling assembly, then the core library. The type
    /// found is kept; a name that resolves to nothing is ILLink's IL2105.
    fn reflected_type(&mut self, name: &str, core: AssemblyId, caller_method: MethodId) -> Val {
        let p = self.p;
        let caller = p.types[p.methods[caller_method].declaring_type].assembly;
        let assembly = name.split_once(',').and_then(|(_, rest)| rest.split(',').next().map(str::trim));
        match resolve_type_name(p, name, caller, core) {
            Some(t) => {
                self.push(Item::Type(t), EdgeKind::ReflectedTypeName);
                Val::Type(t)
            }
            None => {
                self.diagnostics.push(Diagnostic {
                    location: Some(p.method_name(caller_method)),
                    ..Diagnostic::new(
                        "IL2105",
                        match assembly {
                            Some(a) => format!("Type '{name}' was not found in assembly {a}; Type.GetType returns null at run time"),
                            None => format!(
                                "Type '{name}' was not found in the caller assembly nor in the base library; Type.GetType returns null at run time"
                            ),
                        },
                    )
                });
                Val::Unknown
            }
        }
    }

    fn dam(&mut self, t: TypeId, f: i64) {
        self.scratch.clear();
        members(self.p, t, f, &mut self.scratch);
        for i in std::mem::take(&mut self.scratch) {
            self.push(i, EdgeKind::DamRequirement);
        }
    }

    fn method_ref(&mut self, r: MethodRefId, kind: EdgeKind) {
        let mr = &self.p.method_refs[r];
        self.push(Item::Method(mr.method), kind);
        let p = self.p;
        if let TypeSig::Inst { def, args } = &p.type_refs[mr.owner] {
            for &a in args {
                self.types_in(a, EdgeKind::GenericArgument);
            }
            if p.types[*def].generic_params.iter().any(|g| !g.attributes.is_empty()) {
                self.generic_dam(&p.types[*def].generic_params, args, None);
            }
        }
        for &a in &mr.generic_args {
            self.types_in(a, EdgeKind::GenericArgument);
        }
        if !mr.generic_args.is_empty() {
            self.generic_dam(&p.methods[mr.method].generic_params, &mr.generic_args, Some(mr.method));
        }
    }

    fn node(&mut self, item: Item) {
        let p = self.p;
        match item {
            Item::Assembly(a) => self.attrs(&p.assemblies[a].attributes),
            Item::Type(t) => {
                let td = &p.types[t];
                self.push(Item::Assembly(td.assembly), EdgeKind::DeclaringAssembly);
                if let Some(o) = td.declaring_type {
                    self.push(Item::Type(o), EdgeKind::DeclaringType);
                }
                if let Some(b) = td.base {
                    self.types_in(b, EdgeKind::BaseType);
                }
                if let Some(c) = p.cctor(t) {
                    self.push(Item::Method(c), EdgeKind::StaticCtor);
                }
                self.attrs(&td.attributes);
                for g in &td.generic_params {
                    self.attrs(&g.attributes);
                }
                if td.kind.is_value_type() {
                    self.push(Item::Instantiated(t), EdgeKind::ValueType);
                }
                if td.kind == TypeKind::Enum {
                    for &f in &td.fields {
                        self.push(Item::Field(f), EdgeKind::EnumField);
                    }
                }
                if td.kind == TypeKind::Delegate {
                    // As ILLink's MarkMulticastDelegate: the constructor and `Invoke`, which the
                    // runtime implements; `BeginInvoke`/`EndInvoke` only when called.
                    for &m in &td.methods {
                        if matches!(p.methods[m].name.as_str(), ".ctor" | "Invoke") {
                            self.push(Item::Method(m), EdgeKind::DelegateMember);
                        }
                    }
                }
            }
            Item::Instantiated(t) => {
                self.push(Item::Type(t), EdgeKind::Constructed);
                if let Some(b) = p.base_def(t) {
                    self.push(Item::Instantiated(b), EdgeKind::InstantiatedBase);
                }
            }
            Item::Field(f) => {
                let fd = &p.fields[f];
                self.push(Item::Type(fd.declaring_type), EdgeKind::DeclaringType);
                self.types_in(fd.ty, EdgeKind::Signature);
                self.attrs(&fd.attributes);
            }
            Item::Property(x) => {
                let pd = &p.properties[x];
                self.push(Item::Type(pd.declaring_type), EdgeKind::DeclaringType);
                self.types_in(pd.ty, EdgeKind::Signature);
                self.attrs(&pd.attributes);
            }
            Item::Event(e) => {
                let ed = &p.events[e];
                self.push(Item::Type(ed.declaring_type), EdgeKind::DeclaringType);
                self.types_in(ed.ty, EdgeKind::Signature);
                self.attrs(&ed.attributes);
            }
            Item::Method(m) => self.method(m),
            Item::Instantiation(_) => {}
        }
    }

    fn method(&mut self, m: MethodId) {
        let p = self.p;
        let md = &p.methods[m];
        self.push(Item::Type(md.declaring_type), EdgeKind::DeclaringType);
        self.types_in(md.ret, EdgeKind::Signature);
        for prm in &md.params {
            self.types_in(prm.ty, EdgeKind::Signature);
            self.attrs(&prm.attributes);
        }
        for &s in p.overridden(m) {
            self.push(Item::Method(s), EdgeKind::BaseMethod);
        }
        match p.accessor_of(m) {
            Some(AccessorOf::Property(x)) => self.push(Item::Property(x), EdgeKind::Accessor),
            Some(AccessorOf::Event(e)) => self.push(Item::Event(e), EdgeKind::Accessor),
            None => {}
        }
        self.attrs(&md.attributes);
        self.attrs(&md.ret_attributes);
        for g in &md.generic_params {
            self.attrs(&g.attributes);
        }
        let Some(body) = &md.body else { return };
        for &l in &body.locals {
            self.types_in(l, EdgeKind::LocalType);
        }
        let live = live_instructions(body, p, self.switches);
        let is_live = |i: usize| live.as_ref().is_none_or(|l| l[i]);
        let flows = |i: &Instr| match *i {
            Instr::LdToken(Token::Type(_)) => true,
            Instr::Call(r) => self.get_type_by_name.contains(&p.method_refs[r].method),
            _ => false,
        };
        if body.instrs.iter().any(flows) {
            self.type_flow(body, &is_live, m);
        }
        for (i, ins) in body.instrs.iter().enumerate() {
            if !is_live(i) {
                continue;
            }
            match *ins {
                Instr::Call(r) => self.method_ref(r, EdgeKind::Called),
                Instr::CallVirt(r) => self.method_ref(r, EdgeKind::VirtualCall),
                Instr::LdFtn(r) | Instr::LdVirtFtn(r) => self.method_ref(r, EdgeKind::LoadFunction),
                Instr::NewObj(r) => {
                    self.method_ref(r, EdgeKind::NewObj);
                    if let Some(t) = p.sig_def(p.method_refs[r].owner) {
                        self.push(Item::Instantiated(t), EdgeKind::NewObj);
                    }
                }
                Instr::LdToken(Token::Type(t)) => self.types_in(t, EdgeKind::LdToken),
                Instr::LdToken(Token::Method(r)) => self.method_ref(r, EdgeKind::LdToken),
                Instr::LdToken(Token::Field(r)) => self.push(Item::Field(p.field_refs[r].field), EdgeKind::LdToken),
                Instr::LdFld(r) | Instr::LdFlda(r) | Instr::StFld(r) | Instr::LdSfld(r) | Instr::LdSflda(r) | Instr::StSfld(r) => {
                    let fr = &p.field_refs[r];
                    self.push(Item::Field(fr.field), EdgeKind::FieldAccess);
                    if let TypeSig::Inst { args, .. } = &p.type_refs[fr.owner] {
                        for &a in args {
                            self.types_in(a, EdgeKind::GenericArgument);
                        }
                    }
                }
                Instr::Box(t) => {
                    self.types_in(t, EdgeKind::Boxed);
                    if let Some(d) = p.sig_def(t) {
                        self.push(Item::Instantiated(d), EdgeKind::Boxed);
                    }
                }
                Instr::NewArr(t) => self.types_in(t, EdgeKind::ArrayElement),
                Instr::UnboxAny(t) | Instr::CastClass(t) | Instr::IsInst(t) | Instr::InitObj(t) | Instr::Constrained(t) => {
                    self.types_in(t, EdgeKind::TypeCheck)
                }
                Instr::TypeOp(_, t) => self.types_in(t, EdgeKind::TypeOperand),
                _ => {}
            }
        }
    }

    /// Follows `typeof(T)` values (`ldtoken` + `Type.GetTypeFromHandle`) through the stack and
    /// locals to calls whose parameter is `[DynamicallyAccessedMembers]`-annotated, and keeps the
    /// members the annotation requires. One forward pass in instruction order: at a branch target
    /// the fall-through path's values are kept (an over-approximation, safe for keeping).
    /// Malformed bodies (stack underflow) read `Unknown`.
    fn type_flow(&mut self, body: &Body, is_live: &dyn Fn(usize) -> bool, caller: MethodId) {
        let p = self.p;
        let mut stack: Vec<Val> = Vec::new();
        let mut locals = vec![Val::Unknown; body.locals.len()];
        let pop = |stack: &mut Vec<Val>| stack.pop().unwrap_or(Val::Unknown);
        for (i, ins) in body.instrs.iter().enumerate() {
            if !is_live(i) {
                continue;
            }
            match *ins {
                Instr::LdToken(Token::Type(t)) => stack.push(Val::Token(t)),
                Instr::LdStr(st) => stack.push(Val::Str(st)),
                Instr::Call(r) | Instr::CallVirt(r) | Instr::NewObj(r) => {
                    let target = p.method_refs[r].method;
                    let md = &p.methods[target];
                    let n = md.params.len();
                    let at = stack.len().saturating_sub(n);
                    let popped = stack.split_off(at);
                    let args: Vec<Val> = std::iter::repeat_n(Val::Unknown, n - popped.len()).chain(popped).collect();
                    if !md.flags.is_static && !matches!(ins, Instr::NewObj(_)) {
                        let this = pop(&mut stack);
                        let required = dam_flags(p, &md.attributes).or_else(|| self.requirements.get(&(target, Slot::This)).copied());
                        if let (Some(f), Val::Type(t)) = (required, this) {
                            self.dam(t, f);
                        }
                    }
                    for (i, (prm, v)) in md.params.iter().zip(&args).enumerate() {
                        let required =
                            dam_flags(p, &prm.attributes).or_else(|| self.requirements.get(&(target, Slot::Param(i as u16))).copied());
                        if let (Some(f), Val::Type(t)) = (required, v) {
                            self.dam(*t, f);
                        }
                    }
                    let returns = matches!(ins, Instr::NewObj(_)) || p.type_refs[md.ret] != TypeSig::Prim(Prim::Void);
                    if returns {
                        let value = match args.first() {
                            Some(Val::Token(t)) if Some(target) == self.get_type_from_handle => {
                                p.sig_def(*t).map_or(Val::Unknown, Val::Type)
                            }
                            Some(Val::Str(name)) if self.get_type_by_name.contains(&target) => {
                                self.reflected_type(&p.strings[*name], p.types[md.declaring_type].assembly, caller)
                            }
                            _ => Val::Unknown,
                        };
                        stack.push(value);
                    }
                }
                Instr::StLoc(l) => {
                    let v = pop(&mut stack);
                    if let Some(slot) = locals.get_mut(l as usize) {
                        *slot = v;
                    }
                }
                Instr::LdLoc(l) => stack.push(locals.get(l as usize).copied().unwrap_or(Val::Unknown)),
                Instr::Dup => {
                    let v = stack.last().copied().unwrap_or(Val::Unknown);
                    stack.push(v);
                }
                Instr::CastClass(_) => {
                    let v = pop(&mut stack);
                    stack.push(v);
                }
                other => {
                    let (pops, pushes) = other.fixed_stack_effect();
                    for _ in 0..pops {
                        pop(&mut stack);
                    }
                    stack.extend(std::iter::repeat_n(Val::Unknown, pushes));
                }
            }
        }
    }
}
