//! Rebuilding a program: [`sweep`] keeps only what a trim kept (ILLink's sweep step), and
//! [`permute`] declares the same program in another order (to test that results do not depend on
//! declaration order). Both go through the builder, so the result is validated again.

use crate::{Item, TrimResult};
use aotsim_il::*;
use std::collections::HashMap;

/// The program with only the items `result` kept. Instructions that can only run in branches
/// folded away by feature switches (the only ones that can name removed items) become `nop`, as
/// ILLink rewrites unreachable blocks.
pub fn sweep(p: &Program, result: &TrimResult) -> Program {
    Rebuild::new(p, &|i| result.is_kept(i), None).run()
}

/// The same program with assemblies, types and members declared in an order shuffled by `seed`.
pub fn permute(p: &Program, seed: u64) -> Program {
    Rebuild::new(p, &|_| true, Some(seed)).run()
}

struct Rebuild<'a> {
    p: &'a Program,
    keep: &'a dyn Fn(Item) -> bool,
    shuffle: Option<u64>,
    b: Builder,
    asm: HashMap<AssemblyId, AssemblyId>,
    ty: HashMap<TypeId, TypeId>,
    method: HashMap<MethodId, MethodId>,
    field: HashMap<FieldId, FieldId>,
}

impl<'a> Rebuild<'a> {
    fn new(p: &'a Program, keep: &'a dyn Fn(Item) -> bool, shuffle: Option<u64>) -> Self {
        Rebuild {
            p,
            keep,
            shuffle,
            b: Builder::new(),
            asm: HashMap::new(),
            ty: HashMap::new(),
            method: HashMap::new(),
            field: HashMap::new(),
        }
    }

    /// `ids` in their order, or shuffled (Fisher–Yates with SplitMix64) when permuting.
    fn order<T: Copy>(&mut self, ids: &[T]) -> Vec<T> {
        let mut v = ids.to_vec();
        if let Some(state) = self.shuffle.as_mut() {
            for i in (1..v.len()).rev() {
                *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
                let mut z = *state;
                z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
                z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
                let j = ((z ^ (z >> 31)) % (i as u64 + 1)) as usize;
                v.swap(i, j);
            }
        }
        v
    }

    fn run(mut self) -> Program {
        let p = self.p;
        let asms: Vec<AssemblyId> = p.assemblies.ids().filter(|&a| (self.keep)(Item::Assembly(a))).collect();
        for a in self.order(&asms) {
            let id = self.b.add_assembly(&p.assemblies[a].name);
            self.asm.insert(a, id);
        }
        for a in asms.clone() {
            let refs: Vec<AssemblyId> = p.assemblies[a].references.iter().filter_map(|r| self.asm.get(r).copied()).collect();
            self.b.assembly_mut(self.asm[&a]).references = refs;
        }
        // Types, outer before nested.
        let mut todo: Vec<TypeId> = Vec::new();
        for a in self.order(&asms) {
            let top: Vec<TypeId> = p.assemblies[a].types.iter().copied().filter(|&t| p.types[t].declaring_type.is_none()).collect();
            todo.extend(self.order(&top));
        }
        let mut i = 0;
        while i < todo.len() {
            let t = todo[i];
            i += 1;
            if !(self.keep)(Item::Type(t)) {
                continue;
            }
            let td = &p.types[t];
            let outer = td.declaring_type.map(|o| self.ty[&o]);
            let id = self.b.add_type(self.asm[&td.assembly], outer, &td.namespace, &td.name, td.kind);
            let nd = self.b.type_mut(id);
            nd.visibility = td.visibility;
            nd.is_abstract = td.is_abstract;
            nd.is_sealed = td.is_sealed;
            self.ty.insert(t, id);
            let nested = self.order(&td.nested);
            todo.extend(nested);
        }
        let kept_types: Vec<TypeId> = p.types.ids().filter(|t| self.ty.contains_key(t)).collect();
        // Member declarations.
        for &t in &kept_types {
            let td = &p.types[t];
            for f in self.order(&td.fields) {
                if (self.keep)(Item::Field(f)) {
                    let fd = &p.fields[f];
                    let ty = self.sig(fd.ty);
                    let id = self.b.add_field(self.ty[&t], &fd.name, ty);
                    let nf = self.b.field_mut(id);
                    nf.visibility = fd.visibility;
                    nf.is_static = fd.is_static;
                    nf.constant = fd.constant.clone();
                    self.field.insert(f, id);
                }
            }
            for m in self.order(&td.methods) {
                if (self.keep)(Item::Method(m)) {
                    let md = &p.methods[m];
                    let ret = self.sig(md.ret);
                    let id = self.b.add_method(self.ty[&t], &md.name, ret);
                    let params: Vec<Param> =
                        md.params.iter().map(|x| Param { name: x.name.clone(), ty: self.sig(x.ty), attributes: Vec::new() }).collect();
                    let nm = self.b.method_mut(id);
                    nm.visibility = md.visibility;
                    nm.flags = md.flags;
                    nm.generic_params = md
                        .generic_params
                        .iter()
                        .map(|g| GenericParam { name: g.name.clone(), attributes: Vec::new(), default_ctor: g.default_ctor })
                        .collect();
                    nm.params = params;
                    nm.il_size = md.il_size;
                    self.method.insert(m, id);
                }
            }
        }
        // Everything that refers to members: type headers, attributes, bodies, accessors.
        for &t in &kept_types {
            let td = &p.types[t];
            let id = self.ty[&t];
            let base = td.base.map(|b| self.sig(b));
            let kept_ifaces: Vec<TypeRefId> = td.interfaces.iter().copied().filter(|&i| self.sig_kept(i)).collect();
            let interfaces: Vec<TypeRefId> = kept_ifaces.into_iter().map(|i| self.sig(i)).collect();
            let attributes = self.attrs(&td.attributes);
            let gps: Vec<GenericParam> = td
                .generic_params
                .iter()
                .map(|g| GenericParam { name: g.name.clone(), attributes: self.attrs(&g.attributes), default_ctor: g.default_ctor })
                .collect();
            let nt = self.b.type_mut(id);
            nt.base = base;
            nt.interfaces = interfaces;
            nt.attributes = attributes;
            nt.generic_params = gps;
            for &x in &td.properties {
                if (self.keep)(Item::Property(x)) {
                    let pd = &p.properties[x];
                    let ty = self.sig(pd.ty);
                    let attributes = self.attrs(&pd.attributes);
                    let pid = self.b.add_property(id, &pd.name, ty);
                    let (getter, setter) =
                        (pd.getter.and_then(|m| self.method.get(&m).copied()), pd.setter.and_then(|m| self.method.get(&m).copied()));
                    let np = self.b.property_mut(pid);
                    np.getter = getter;
                    np.setter = setter;
                    np.attributes = attributes;
                }
            }
            for &e in &td.events {
                if (self.keep)(Item::Event(e)) {
                    let ed = &p.events[e];
                    let ty = self.sig(ed.ty);
                    let attributes = self.attrs(&ed.attributes);
                    let eid = self.b.add_event(id, &ed.name, ty);
                    let (add, remove) =
                        (ed.add.and_then(|m| self.method.get(&m).copied()), ed.remove.and_then(|m| self.method.get(&m).copied()));
                    let ne = self.b.event_mut(eid);
                    ne.add = add;
                    ne.remove = remove;
                    ne.attributes = attributes;
                }
            }
        }
        for (&f, &id) in self.field.clone().iter() {
            let attributes = self.attrs(&p.fields[f].attributes);
            self.b.field_mut(id).attributes = attributes;
        }
        let mut methods: Vec<(MethodId, MethodId)> = self.method.iter().map(|(a, b)| (*a, *b)).collect();
        methods.sort();
        for (m, id) in methods {
            let md = &p.methods[m];
            let attributes = self.attrs(&md.attributes);
            let ret_attributes = self.attrs(&md.ret_attributes);
            let param_attrs: Vec<Vec<CustomAttribute>> = md.params.iter().map(|x| self.attrs(&x.attributes)).collect();
            let gp_attrs: Vec<Vec<CustomAttribute>> = md.generic_params.iter().map(|g| self.attrs(&g.attributes)).collect();
            let overrides: Vec<MethodRefId> = md.overrides.iter().filter_map(|&r| self.method_ref(r)).collect();
            let body = md.body.as_ref().map(|b| Body {
                locals: b.locals.iter().map(|&l| self.sig(l)).collect(),
                instrs: b.instrs.iter().map(|ins| self.instr(ins)).collect(),
                flow: b.flow.clone(),
            });
            let nm = self.b.method_mut(id);
            nm.attributes = attributes;
            nm.ret_attributes = ret_attributes;
            for (x, a) in nm.params.iter_mut().zip(param_attrs) {
                x.attributes = a;
            }
            for (g, a) in nm.generic_params.iter_mut().zip(gp_attrs) {
                g.attributes = a;
            }
            nm.overrides = overrides;
            nm.body = body;
        }
        if let Some(e) = p.entry_point.and_then(|e| self.method.get(&e).copied()) {
            self.b.set_entry_point(e);
        }
        for a in asms {
            let attributes = self.attrs(&p.assemblies[a].attributes);
            self.b.assembly_mut(self.asm[&a]).attributes = attributes;
        }
        self.b.finish().unwrap_or_else(|errs| panic!("rebuilding produced an invalid program: {}", errs[0]))
    }

    /// A signature in the new program. Only called for signatures whose types are kept.
    fn sig(&mut self, sig: TypeRefId) -> TypeRefId {
        let s = match &self.p.type_refs[sig] {
            TypeSig::Def(t) => TypeSig::Def(self.ty[t]),
            TypeSig::Inst { def, args } => {
                let args = args.clone().iter().map(|&a| self.sig(a)).collect();
                TypeSig::Inst { def: self.ty[def], args }
            }
            TypeSig::Array(e) => TypeSig::Array(self.sig(*e)),
            TypeSig::ByRef(e) => TypeSig::ByRef(self.sig(*e)),
            TypeSig::Ptr(e) => TypeSig::Ptr(self.sig(*e)),
            other => other.clone(),
        };
        self.b.type_ref(s)
    }

    fn sig_kept(&self, sig: TypeRefId) -> bool {
        let mut ok = true;
        self.p.for_each_type_in(sig, &mut |t| ok &= self.ty.contains_key(&t));
        ok
    }

    fn method_ref(&mut self, r: MethodRefId) -> Option<MethodRefId> {
        let mr = &self.p.method_refs[r];
        let method = *self.method.get(&mr.method)?;
        if !self.sig_kept(mr.owner) || !mr.generic_args.iter().all(|&a| self.sig_kept(a)) {
            return None;
        }
        let (owner, gargs) = (mr.owner, mr.generic_args.clone());
        let owner = self.sig(owner);
        let generic_args = gargs.iter().map(|&a| self.sig(a)).collect();
        Some(self.b.method_ref(MethodRef { owner, method, generic_args }))
    }

    fn field_ref(&mut self, r: FieldRefId) -> Option<FieldRefId> {
        let fr = &self.p.field_refs[r];
        let field = *self.field.get(&fr.field)?;
        if !self.sig_kept(fr.owner) {
            return None;
        }
        let owner = self.sig(fr.owner);
        Some(self.b.field_ref(FieldRef { owner, field }))
    }

    fn ty_op(&mut self, t: TypeRefId) -> Option<TypeRefId> {
        self.sig_kept(t).then(|| self.sig(t))
    }

    /// The instruction `ins` in the new program. One whose operand was trimmed away (it sat in
    /// a block that feature-switch folding removed) becomes a `Stack` of the same effect, so the
    /// body stays well-formed for the analyses that do not fold.
    fn instr(&mut self, ins: &Instr) -> Instr {
        let p = self.p;
        let gone = || {
            let (pops, pushes) = p.stack_effect(ins);
            Instr::Stack { pops: pops.min(255) as u8, pushes: pushes.min(255) as u8 }
        };
        match *ins {
            Instr::Call(r) => self.method_ref(r).map_or_else(gone, Instr::Call),
            Instr::CallVirt(r) => self.method_ref(r).map_or_else(gone, Instr::CallVirt),
            Instr::NewObj(r) => self.method_ref(r).map_or_else(gone, Instr::NewObj),
            Instr::LdFtn(r) => self.method_ref(r).map_or_else(gone, Instr::LdFtn),
            Instr::LdVirtFtn(r) => self.method_ref(r).map_or_else(gone, Instr::LdVirtFtn),
            Instr::LdToken(Token::Method(r)) => self.method_ref(r).map_or_else(gone, |r| Instr::LdToken(Token::Method(r))),
            Instr::LdToken(Token::Field(r)) => self.field_ref(r).map_or_else(gone, |r| Instr::LdToken(Token::Field(r))),
            Instr::LdToken(Token::Type(t)) => self.ty_op(t).map_or_else(gone, |t| Instr::LdToken(Token::Type(t))),
            Instr::LdFld(r) => self.field_ref(r).map_or_else(gone, Instr::LdFld),
            Instr::LdFlda(r) => self.field_ref(r).map_or_else(gone, Instr::LdFlda),
            Instr::StFld(r) => self.field_ref(r).map_or_else(gone, Instr::StFld),
            Instr::LdSfld(r) => self.field_ref(r).map_or_else(gone, Instr::LdSfld),
            Instr::LdSflda(r) => self.field_ref(r).map_or_else(gone, Instr::LdSflda),
            Instr::StSfld(r) => self.field_ref(r).map_or_else(gone, Instr::StSfld),
            Instr::Box(t) => self.ty_op(t).map_or_else(gone, Instr::Box),
            Instr::UnboxAny(t) => self.ty_op(t).map_or_else(gone, Instr::UnboxAny),
            Instr::NewArr(t) => self.ty_op(t).map_or_else(gone, Instr::NewArr),
            Instr::CastClass(t) => self.ty_op(t).map_or_else(gone, Instr::CastClass),
            Instr::IsInst(t) => self.ty_op(t).map_or_else(gone, Instr::IsInst),
            Instr::InitObj(t) => self.ty_op(t).map_or_else(gone, Instr::InitObj),
            Instr::Constrained(t) => self.ty_op(t).map_or_else(gone, Instr::Constrained),
            Instr::TypeOp(op, t) => self.ty_op(t).map_or_else(gone, |t| Instr::TypeOp(op, t)),
            Instr::LdStr(s) => Instr::LdStr(self.b.string(&self.p.strings[s])),
            other => other,
        }
    }

    fn attrs(&mut self, attrs: &[CustomAttribute]) -> Vec<CustomAttribute> {
        let mut out = Vec::new();
        for a in attrs {
            let Some(&ctor) = self.method.get(&a.ctor) else {
                continue;
            };
            let mut value = |v: &AttrValue| -> Option<AttrValue> {
                Some(match v {
                    AttrValue::Type(t) => AttrValue::Type(self.ty_op(*t)?),
                    AttrValue::Enum { ty, value } => AttrValue::Enum { ty: self.ty_op(*ty)?, value: *value },
                    other => other.clone(),
                })
            };
            let args: Option<Vec<AttrValue>> = a.args.iter().map(&mut value).collect();
            let named: Option<Vec<NamedArg>> =
                a.named.iter().map(|n| Some(NamedArg { name: n.name.clone(), value: value(&n.value)? })).collect();
            if let (Some(args), Some(named)) = (args, named) {
                out.push(CustomAttribute { ctor, args, named });
            }
        }
        out
    }
}
