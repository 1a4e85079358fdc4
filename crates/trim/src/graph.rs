//! The dependency graph: every edge the program's items create, typed, in CSR form; and the
//! conditional edges ("A is kept if B and C are both kept") that model virtual dispatch the
//! way ILC's dependency framework does.

use crate::item::{EdgeKind, Item, Layout};
use crate::Precision;
use aotsim_il::*;

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

/// Static edges (CSR) and conditional edges (CSR, each stored under both conditions).
#[derive(Clone, Debug)]
pub struct DepGraph {
    /// Node numbering.
    pub layout: Layout,
    edge_start: Vec<u32>,
    edge_to: Vec<u32>,
    edge_kind: Vec<EdgeKind>,
    cond_start: Vec<u32>,
    cond: Vec<CondEdge>,
}

impl DepGraph {
    /// Builds the graph of `p`. With [`Precision::Cha`], dispatch edges are unconditional.
    pub fn build(p: &Program, precision: Precision) -> DepGraph {
        let layout = Layout::new(p);
        let n = layout.len();
        let mut b = Emit {
            p,
            layout: &layout,
            out: Vec::new(),
        };
        let mut edge_start = Vec::with_capacity(n + 1);
        let mut edge_to = Vec::new();
        let mut edge_kind = Vec::new();
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
                        conds.push((
                            inst,
                            CondEdge {
                                other: slot,
                                to,
                                kind: EdgeKind::VirtualOverride,
                            },
                        ));
                        conds.push((
                            slot,
                            CondEdge {
                                other: inst,
                                to,
                                kind: EdgeKind::VirtualOverride,
                            },
                        ));
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
                        conds.push((
                            inst,
                            CondEdge {
                                other: slot,
                                to,
                                kind: EdgeKind::InterfaceImpl,
                            },
                        ));
                        conds.push((
                            slot,
                            CondEdge {
                                other: inst,
                                to,
                                kind: EdgeKind::InterfaceImpl,
                            },
                        ));
                    }
                    Precision::Cha => {
                        cha[d.slot.index()].push((d.implementation, EdgeKind::InterfaceImpl))
                    }
                }
            }
        }

        for node in 0..n as u32 {
            edge_start.push(edge_to.len() as u32);
            b.out.clear();
            b.node(layout.item(node));
            if let (Item::Method(m), false) = (layout.item(node), cha.is_empty()) {
                for &(o, k) in &cha[m.index()] {
                    b.out.push((layout.node(Item::Method(o)), k));
                }
            }
            b.out.sort_unstable();
            b.out.dedup();
            for &(to, kind) in &b.out {
                edge_to.push(to);
                edge_kind.push(kind);
            }
        }
        edge_start.push(edge_to.len() as u32);

        // Counting sort of the conditional edges by owner.
        let mut cond_start = vec![0u32; n + 1];
        for (owner, _) in &conds {
            cond_start[*owner as usize + 1] += 1;
        }
        for i in 0..n {
            cond_start[i + 1] += cond_start[i];
        }
        let mut fill = cond_start.clone();
        let mut cond = vec![
            CondEdge {
                other: NONE,
                to: NONE,
                kind: EdgeKind::Root
            };
            conds.len()
        ];
        for (owner, c) in conds {
            cond[fill[owner as usize] as usize] = c;
            fill[owner as usize] += 1;
        }
        DepGraph {
            layout,
            edge_start,
            edge_to,
            edge_kind,
            cond_start,
            cond,
        }
    }

    /// The number of nodes.
    pub fn n_nodes(&self) -> usize {
        self.layout.len()
    }

    /// The number of static edges.
    pub fn n_edges(&self) -> usize {
        self.edge_to.len()
    }

    /// The number of conditional edges (each counted once).
    pub fn n_conditional(&self) -> usize {
        self.cond.len() / 2
    }

    /// Static edges out of `node`: `(to, kind)`.
    #[inline]
    pub fn edges(&self, node: u32) -> impl Iterator<Item = (u32, EdgeKind)> + '_ {
        let (s, e) = (
            self.edge_start[node as usize] as usize,
            self.edge_start[node as usize + 1] as usize,
        );
        self.edge_to[s..e]
            .iter()
            .copied()
            .zip(self.edge_kind[s..e].iter().copied())
    }

    /// The targets of the static edges out of `node`.
    #[inline]
    pub fn targets(&self, node: u32) -> &[u32] {
        &self.edge_to
            [self.edge_start[node as usize] as usize..self.edge_start[node as usize + 1] as usize]
    }

    /// The kinds of the static edges out of `node`, parallel to [`Self::targets`].
    #[inline]
    pub fn kinds(&self, node: u32) -> &[EdgeKind] {
        &self.edge_kind
            [self.edge_start[node as usize] as usize..self.edge_start[node as usize + 1] as usize]
    }

    /// Conditional edges that `node` is one condition of.
    #[inline]
    pub fn conditional(&self, node: u32) -> &[CondEdge] {
        &self.cond
            [self.cond_start[node as usize] as usize..self.cond_start[node as usize + 1] as usize]
    }

    /// The static edges as a CSR `(offsets, targets)`, for baselines and exports.
    pub fn csr(&self) -> (&[u32], &[u32]) {
        (&self.edge_start, &self.edge_to)
    }
}

struct Emit<'a> {
    p: &'a Program,
    layout: &'a Layout,
    out: Vec<(u32, EdgeKind)>,
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
        for a in attrs {
            self.push(Item::Method(a.ctor), EdgeKind::Attribute);
            for v in a.args.iter().chain(a.named.iter().map(|n| &n.value)) {
                if let AttrValue::Type(t) | AttrValue::Enum { ty: t, .. } = v {
                    self.types_in(*t, EdgeKind::Attribute);
                }
            }
        }
    }

    fn method_ref(&mut self, r: MethodRefId, kind: EdgeKind) {
        let mr = &self.p.method_refs[r];
        self.push(Item::Method(mr.method), kind);
        if let TypeSig::Inst { args, .. } = &self.p.type_refs[mr.owner] {
            for &a in args {
                self.types_in(a, EdgeKind::GenericArgument);
            }
        }
        for &a in &mr.generic_args {
            self.types_in(a, EdgeKind::GenericArgument);
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
                    for &m in &td.methods {
                        self.push(Item::Method(m), EdgeKind::DelegateMember);
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
        for ins in &body.instrs {
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
                Instr::LdToken(Token::Field(r)) => {
                    self.push(Item::Field(p.field_refs[r].field), EdgeKind::LdToken)
                }
                Instr::LdFld(r)
                | Instr::LdFlda(r)
                | Instr::StFld(r)
                | Instr::LdSfld(r)
                | Instr::LdSflda(r)
                | Instr::StSfld(r) => {
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
                Instr::UnboxAny(t)
                | Instr::CastClass(t)
                | Instr::IsInst(t)
                | Instr::InitObj(t)
                | Instr::Constrained(t) => self.types_in(t, EdgeKind::TypeCheck),
                _ => {}
            }
        }
    }
}
