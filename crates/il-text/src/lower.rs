//! Lowering: the syntax tree → a [`Builder`] → a validated [`Program`]. Declarations are
//! entered in passes (types, then member signatures, then attributes and bodies) so that any
//! name can be used before it is declared. Every error carries the position of the construct.

use crate::ast::*;
use crate::lexer::Pos;
use crate::ParseError;
use aotsim_il::*;
use std::collections::HashMap;

#[derive(Clone, Default)]
struct Scope {
    type_gps: Vec<String>,
    method_gps: Vec<String>,
}

pub(crate) struct Lowerer {
    b: Builder,
    errors: Vec<ParseError>,
    asm_by_name: HashMap<String, AssemblyId>,
    types_by_name: HashMap<String, Vec<TypeId>>,
    asm_pos: HashMap<AssemblyId, Pos>,
    type_pos: HashMap<TypeId, Pos>,
    method_pos: HashMap<MethodId, Pos>,
    field_pos: HashMap<FieldId, Pos>,
    prop_pos: HashMap<PropertyId, Pos>,
    event_pos: HashMap<EventId, Pos>,
}

type R<T> = Result<T, ParseError>;

impl Lowerer {
    pub(crate) fn new() -> Self {
        Lowerer {
            b: Builder::new(),
            errors: Vec::new(),
            asm_by_name: HashMap::new(),
            types_by_name: HashMap::new(),
            asm_pos: HashMap::new(),
            type_pos: HashMap::new(),
            method_pos: HashMap::new(),
            field_pos: HashMap::new(),
            prop_pos: HashMap::new(),
            event_pos: HashMap::new(),
        }
    }

    fn report<T>(&mut self, r: R<T>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(e) => {
                self.errors.push(e);
                None
            }
        }
    }

    pub(crate) fn lower(mut self, asms: &[AsmAst]) -> Result<Program, Vec<ParseError>> {
        // Pass 1: assemblies and types.
        let mut asm_ids = Vec::new();
        for a in asms {
            if self.asm_by_name.contains_key(&a.name) {
                self.errors.push(ParseError::at(a.pos, format!("assembly {} is declared twice", a.name)));
            }
            let id = self.b.add_assembly(&a.name);
            self.asm_by_name.insert(a.name.clone(), id);
            self.asm_pos.insert(id, a.pos);
            asm_ids.push(id);
        }
        for (a, &id) in asms.iter().zip(&asm_ids) {
            for (r, pos) in &a.refs {
                match self.asm_by_name.get(r) {
                    Some(&rid) => self.b.assembly_mut(id).references.push(rid),
                    None => self.errors.push(ParseError::at(*pos, format!("assembly {} references {r}, which is not declared", a.name))),
                }
            }
        }
        let mut decls: Vec<(TypeId, &TypeAst)> = Vec::new();
        for (a, &id) in asms.iter().zip(&asm_ids) {
            for t in &a.types {
                self.declare_type(id, None, t, &mut decls);
            }
        }
        // Pass 2: base types, interfaces, member signatures.
        let mut methods: Vec<(MethodId, &MethodAst, Scope)> = Vec::new();
        let mut fields: Vec<(FieldId, &FieldAst)> = Vec::new();
        let mut accessors: Vec<(TypeId, &AccessorsAst, bool)> = Vec::new();
        for &(tid, t) in &decls {
            let asm = self.b.data().types[tid].assembly;
            let scope = Scope { type_gps: t.gps.iter().map(|g| g.name.clone()).collect(), method_gps: Vec::new() };
            if let Some(base) = &t.base {
                let r = self.resolve_type(base, &scope, asm);
                if let Some(sig) = self.report(r) {
                    self.b.type_mut(tid).base = Some(sig);
                }
            }
            for i in &t.ifaces {
                let r = self.resolve_type(i, &scope, asm);
                if let Some(sig) = self.report(r) {
                    self.b.type_mut(tid).interfaces.push(sig);
                }
            }
            for m in &t.members {
                match m {
                    MemberAst::Field(f) => {
                        let r = self.resolve_type(&f.ty, &scope, asm);
                        let ty = self.report(r).unwrap_or_else(|| self.b.type_ref(TypeSig::Prim(Prim::Object)));
                        let id = self.b.add_field(tid, &f.name, ty);
                        let fd = self.b.field_mut(id);
                        fd.visibility = f.vis;
                        fd.is_static = f.is_static;
                        fd.constant = f.constant.clone();
                        self.field_pos.insert(id, f.pos);
                        fields.push((id, f));
                    }
                    MemberAst::Method(m) => {
                        let mscope = Scope { type_gps: scope.type_gps.clone(), method_gps: m.gps.iter().map(|g| g.name.clone()).collect() };
                        let r = self.resolve_type(&m.ret, &mscope, asm);
                        let ret = self.report(r).unwrap_or_else(|| self.b.type_ref(TypeSig::Prim(Prim::Void)));
                        let id = self.b.add_method(tid, &m.name, ret);
                        let mut params = Vec::new();
                        for p in &m.params {
                            let r = self.resolve_type(&p.ty, &mscope, asm);
                            let ty = self.report(r).unwrap_or_else(|| self.b.type_ref(TypeSig::Prim(Prim::Object)));
                            params.push(Param { name: p.name.clone(), ty, attributes: Vec::new() });
                        }
                        let md = self.b.method_mut(id);
                        md.visibility = m.vis;
                        md.flags = MethodFlags {
                            is_static: m.mods.is_static,
                            is_virtual: m.mods.is_virtual,
                            is_abstract: m.mods.is_abstract,
                            is_newslot: m.mods.is_newslot,
                            is_final: m.mods.is_final,
                        };
                        md.generic_params = m
                            .gps
                            .iter()
                            .map(|g| GenericParam { name: g.name.clone(), attributes: Vec::new(), default_ctor: g.default_ctor })
                            .collect();
                        md.params = params;
                        self.method_pos.insert(id, m.pos);
                        methods.push((id, m, mscope));
                    }
                    MemberAst::Property(p) => accessors.push((tid, p, true)),
                    MemberAst::Event(e) => accessors.push((tid, e, false)),
                    MemberAst::Type(_) => {}
                }
            }
        }
        // Pass 3: properties and events, attributes, overrides, bodies, entry point.
        for (tid, p, is_prop) in accessors {
            self.lower_accessors(tid, p, is_prop);
        }
        for (a, &id) in asms.iter().zip(&asm_ids) {
            let attrs = self.attrs(&a.attrs, id);
            self.b.assembly_mut(id).attributes = attrs;
        }
        for &(tid, t) in &decls {
            let asm = self.b.data().types[tid].assembly;
            let attrs = self.attrs(&t.attrs, asm);
            self.b.type_mut(tid).attributes = attrs;
            for (i, g) in t.gps.iter().enumerate() {
                let attrs = self.attrs(&g.attrs, asm);
                self.b.type_mut(tid).generic_params[i].attributes = attrs;
            }
        }
        for (fid, f) in fields {
            let asm = self.asm_of_field(fid);
            let attrs = self.attrs(&f.attrs, asm);
            self.b.field_mut(fid).attributes = attrs;
        }
        let mut entry: Option<(MethodId, Pos)> = None;
        for (mid, m, scope) in methods {
            let asm = self.b.data().types[self.b.data().methods[mid].declaring_type].assembly;
            let attrs = self.attrs(&m.attrs, asm);
            let ret_attrs = self.attrs(&m.ret_attrs, asm);
            let param_attrs: Vec<_> = m.params.iter().map(|p| self.attrs(&p.attrs, asm)).collect();
            let gp_attrs: Vec<_> = m.gps.iter().map(|g| self.attrs(&g.attrs, asm)).collect();
            let mut overrides = Vec::new();
            for o in &m.overrides {
                let r = self.resolve_method_ref(o, &scope, asm);
                if let Some(r) = self.report(r) {
                    overrides.push(r);
                }
            }
            let body = m.body.as_ref().and_then(|b| self.lower_body(b, &scope, asm));
            let computed: u32 = body.as_ref().map_or(0, Body::encoded_size);
            let md = self.b.method_mut(mid);
            md.attributes = attrs;
            md.ret_attributes = ret_attrs;
            for (p, a) in md.params.iter_mut().zip(param_attrs) {
                p.attributes = a;
            }
            for (g, a) in md.generic_params.iter_mut().zip(gp_attrs) {
                g.attributes = a;
            }
            md.overrides = overrides;
            md.body = body;
            md.il_size = m.size.unwrap_or(computed);
            if m.mods.entrypoint {
                if let Some((_, first)) = entry {
                    self.errors.push(ParseError::at(m.pos, format!("a second entry point (the first is at line {})", first.line)));
                } else {
                    entry = Some((mid, m.pos));
                }
            }
        }
        if let Some((m, _)) = entry {
            self.b.set_entry_point(m);
        }
        if !self.errors.is_empty() {
            return Err(self.errors);
        }
        let Lowerer { b, asm_pos, type_pos, method_pos, field_pos, prop_pos, event_pos, .. } = self;
        b.finish().map_err(|errs| {
            errs.into_iter()
                .map(|e| {
                    let pos = match e.subject {
                        Subject::Program => None,
                        Subject::Assembly(a) => asm_pos.get(&a).copied(),
                        Subject::Type(t) => type_pos.get(&t).copied(),
                        Subject::Method(m) => method_pos.get(&m).copied(),
                        Subject::Field(f) => field_pos.get(&f).copied(),
                        Subject::Property(p) => prop_pos.get(&p).copied(),
                        Subject::Event(ev) => event_pos.get(&ev).copied(),
                    };
                    ParseError::at(pos.unwrap_or(Pos { line: 1, col: 1 }), e.message)
                })
                .collect()
        })
    }

    fn asm_of_field(&self, f: FieldId) -> AssemblyId {
        let d = self.b.data();
        d.types[d.fields[f].declaring_type].assembly
    }

    fn declare_type<'a>(&mut self, asm: AssemblyId, outer: Option<TypeId>, t: &'a TypeAst, decls: &mut Vec<(TypeId, &'a TypeAst)>) {
        let id = self.b.add_type(asm, outer, &t.namespace, &t.name, t.kind);
        let td = self.b.type_mut(id);
        td.visibility = t.vis;
        td.is_abstract = t.is_abstract;
        td.is_sealed = t.is_sealed;
        td.generic_params =
            t.gps.iter().map(|g| GenericParam { name: g.name.clone(), attributes: Vec::new(), default_ctor: g.default_ctor }).collect();
        let full = match outer {
            Some(o) => format!("{}/{}", self.full_name(o), t.name),
            None if t.namespace.is_empty() => t.name.clone(),
            None => format!("{}.{}", t.namespace, t.name),
        };
        self.types_by_name.entry(full).or_default().push(id);
        self.type_pos.insert(id, t.pos);
        decls.push((id, t));
        for m in &t.members {
            if let MemberAst::Type(n) = m {
                self.declare_type(asm, Some(id), n, decls);
            }
        }
    }

    fn full_name(&self, t: TypeId) -> String {
        let d = self.b.data();
        let td = &d.types[t];
        match td.declaring_type {
            Some(o) => format!("{}/{}", self.full_name(o), td.name),
            None if td.namespace.is_empty() => td.name.clone(),
            None => format!("{}.{}", td.namespace, td.name),
        }
    }

    fn visible_from(&self, from: AssemblyId, t: TypeId) -> bool {
        let a = self.b.data().types[t].assembly;
        a == from || self.b.data().assemblies[from].references.contains(&a)
    }

    fn resolve_type(&mut self, t: &TyAst, scope: &Scope, from: AssemblyId) -> R<TypeRefId> {
        match t {
            TyAst::Prim(p) => Ok(self.b.type_ref(TypeSig::Prim(*p))),
            TyAst::Var { method, index } => Ok(self.b.type_ref(if *method { TypeSig::MVar(*index) } else { TypeSig::Var(*index) })),
            TyAst::Array(e) => {
                let e = self.resolve_type(e, scope, from)?;
                Ok(self.b.type_ref(TypeSig::Array(e)))
            }
            TyAst::ByRef(e) => {
                let e = self.resolve_type(e, scope, from)?;
                Ok(self.b.type_ref(TypeSig::ByRef(e)))
            }
            TyAst::Ptr(e) => {
                let e = self.resolve_type(e, scope, from)?;
                Ok(self.b.type_ref(TypeSig::Ptr(e)))
            }
            TyAst::Named { asm, parts, nested, args, pos } => {
                if asm.is_none() && parts.len() == 1 && nested.is_empty() && args.is_empty() && !parts[0].quoted {
                    let n = &parts[0].text;
                    if let Some(i) = scope.method_gps.iter().rposition(|g| g == n) {
                        return Ok(self.b.type_ref(TypeSig::MVar(i as u16)));
                    }
                    if let Some(i) = scope.type_gps.iter().rposition(|g| g == n) {
                        return Ok(self.b.type_ref(TypeSig::Var(i as u16)));
                    }
                }
                let def = self.resolve_def(asm.as_deref(), parts, nested, args.len(), *pos, from)?;
                if args.is_empty() {
                    return Ok(self.b.type_ref(TypeSig::Def(def)));
                }
                let arity = self.b.data().types[def].generic_params.len();
                if arity != args.len() {
                    return Err(ParseError::at(
                        *pos,
                        format!("{} takes {arity} generic argument(s), not {}", self.full_name(def), args.len()),
                    ));
                }
                let mut rargs = Vec::new();
                for a in args {
                    rargs.push(self.resolve_type(a, scope, from)?);
                }
                Ok(self.b.type_ref(TypeSig::Inst { def, args: rargs }))
            }
        }
    }

    fn resolve_def(&mut self, asm: Option<&str>, parts: &[Part], nested: &[Part], n_args: usize, pos: Pos, from: AssemblyId) -> R<TypeId> {
        let mut base = crate::parser::join(parts);
        for n in nested {
            base.push('/');
            base.push_str(&n.text);
        }
        let last = nested.last().unwrap_or_else(|| parts.last().expect("a name has a part"));
        let mut names = Vec::new();
        if n_args > 0 && !last.quoted && !last.text.contains('`') {
            names.push(format!("{base}`{n_args}"));
        }
        names.push(base.clone());
        let asm_filter = match asm {
            Some(a) => match self.asm_by_name.get(a) {
                Some(&id) => Some(id),
                None => return Err(ParseError::at(pos, format!("assembly {a} is not declared"))),
            },
            None => None,
        };
        for name in &names {
            let Some(all) = self.types_by_name.get(name) else {
                continue;
            };
            let all = all.clone();
            let cands: Vec<TypeId> = all
                .iter()
                .copied()
                .filter(|&t| match asm_filter {
                    Some(a) => self.b.data().types[t].assembly == a,
                    None => self.visible_from(from, t),
                })
                .collect();
            match cands.len() {
                1 => return Ok(cands[0]),
                0 => {
                    if asm_filter.is_none() {
                        let owner = &self.b.data().assemblies[self.b.data().types[all[0]].assembly].name;
                        let here = &self.b.data().assemblies[from].name;
                        return Err(ParseError::at(
                            pos,
                            format!("type {name} is declared in assembly {owner}, which {here} does not reference"),
                        ));
                    }
                }
                _ => {
                    let owners: Vec<_> =
                        cands.iter().map(|&t| self.b.data().assemblies[self.b.data().types[t].assembly].name.clone()).collect();
                    return Err(ParseError::at(
                        pos,
                        format!("type {name} is ambiguous: declared in {}; write [Assembly]{name}", owners.join(", ")),
                    ));
                }
            }
        }
        // A generic type exists under this name with another arity: say so.
        if !last.text.contains('`') {
            let prefix = format!("{base}`");
            let mut other: Vec<&String> =
                self.types_by_name.keys().filter(|k| k.strip_prefix(&prefix).is_some_and(|n| n.parse::<usize>().is_ok())).collect();
            other.sort();
            if let Some(k) = other.first() {
                let arity = &k[prefix.len()..];
                return Err(ParseError::at(pos, format!("{k} takes {arity} generic argument(s), not {n_args}")));
            }
        }
        Err(ParseError::at(pos, format!("unknown type {base}")))
    }

    fn resolve_method_ref(&mut self, r: &MethodRefAst, scope: &Scope, from: AssemblyId) -> R<MethodRefId> {
        let owner = self.resolve_type(&r.owner, scope, from)?;
        let def = match &self.b.data().type_refs[owner] {
            TypeSig::Def(t) => *t,
            TypeSig::Inst { def, .. } => *def,
            _ => return Err(ParseError::at(r.pos, "methods are called on named types, not on generic parameters, arrays or primitives")),
        };
        let mut gargs = Vec::new();
        for g in &r.gargs {
            gargs.push(self.resolve_type(g, scope, from)?);
        }
        let type_gps: Vec<String> = self.b.data().types[def].generic_params.iter().map(|g| g.name.clone()).collect();
        let cands: Vec<MethodId> = self.b.data().types[def]
            .methods
            .iter()
            .copied()
            .filter(|&m| {
                let md = &self.b.data().methods[m];
                md.name == r.name && md.generic_params.len() == gargs.len() && md.params.len() == r.params.len()
            })
            .collect();
        for m in cands {
            let mscope = Scope {
                type_gps: type_gps.clone(),
                method_gps: self.b.data().methods[m].generic_params.iter().map(|g| g.name.clone()).collect(),
            };
            let tasm = self.b.data().types[def].assembly;
            let mut ok = true;
            for (i, p) in r.params.iter().enumerate() {
                match self.resolve_type(p, &mscope, tasm) {
                    Ok(t) if t == self.b.data().methods[m].params[i].ty => {}
                    _ => {
                        ok = false;
                        break;
                    }
                }
            }
            if ok {
                return Ok(self.b.method_ref(MethodRef { owner, method: m, generic_args: gargs }));
            }
        }
        let existing: Vec<String> = self.b.data().types[def]
            .methods
            .iter()
            .filter(|&&m| self.b.data().methods[m].name == r.name)
            .map(|&m| Names::new(self.b.data()).method_name(self.b.data(), m))
            .collect();
        let hint = if existing.is_empty() { String::new() } else { format!(" (it has: {})", existing.join(", ")) };
        Err(ParseError::at(
            r.pos,
            format!(
                "{} has no method {}{} with {} parameter(s) of those types{hint}",
                self.full_name(def),
                r.name,
                if gargs.is_empty() { String::new() } else { format!("<{} type args>", gargs.len()) },
                r.params.len()
            ),
        ))
    }

    fn resolve_field_ref(&mut self, r: &FieldRefAst, scope: &Scope, from: AssemblyId) -> R<FieldRefId> {
        let owner = self.resolve_type(&r.owner, scope, from)?;
        let def = match &self.b.data().type_refs[owner] {
            TypeSig::Def(t) => *t,
            TypeSig::Inst { def, .. } => *def,
            _ => return Err(ParseError::at(r.pos, "fields live on named types")),
        };
        let field = self.b.data().types[def].fields.iter().copied().find(|&f| self.b.data().fields[f].name == r.name);
        match field {
            Some(field) => Ok(self.b.field_ref(FieldRef { owner, field })),
            None => Err(ParseError::at(r.pos, format!("{} has no field {}", self.full_name(def), r.name))),
        }
    }

    fn lower_accessors(&mut self, tid: TypeId, p: &AccessorsAst, is_prop: bool) {
        let asm = self.b.data().types[tid].assembly;
        let scope =
            Scope { type_gps: self.b.data().types[tid].generic_params.iter().map(|g| g.name.clone()).collect(), method_gps: Vec::new() };
        let r = self.resolve_type(&p.ty, &scope, asm);
        let ty = self.report(r).unwrap_or_else(|| self.b.type_ref(TypeSig::Prim(Prim::Object)));
        let mut found: Vec<(String, MethodId)> = Vec::new();
        for (kw, name, params, pos) in &p.accessors {
            let mut ptys = Vec::new();
            for t in params {
                let r = self.resolve_type(t, &scope, asm);
                ptys.extend(self.report(r));
            }
            let m = self.b.data().types[tid].methods.iter().copied().find(|&m| {
                let md = &self.b.data().methods[m];
                md.name == *name && md.params.iter().map(|p| p.ty).eq(ptys.iter().copied())
            });
            match m {
                Some(m) => found.push((kw.clone(), m)),
                None => self
                    .errors
                    .push(ParseError::at(*pos, format!("{} has no method {name} with those parameters for `{kw}`", self.full_name(tid)))),
            }
        }
        let attrs = self.attrs(&p.attrs, asm);
        let get = |k: &str| found.iter().find(|(kw, _)| kw == k).map(|(_, m)| *m);
        if is_prop {
            let id = self.b.add_property(tid, &p.name, ty);
            let pd = self.b.property_mut(id);
            pd.getter = get("get");
            pd.setter = get("set");
            pd.attributes = attrs;
            self.prop_pos.insert(id, p.pos);
        } else {
            let id = self.b.add_event(tid, &p.name, ty);
            let ed = self.b.event_mut(id);
            ed.add = get("add");
            ed.remove = get("remove");
            ed.attributes = attrs;
            self.event_pos.insert(id, p.pos);
        }
    }

    fn attrs(&mut self, attrs: &[AttrAst], from: AssemblyId) -> Vec<CustomAttribute> {
        let mut out = Vec::new();
        for a in attrs {
            let r = self.attr(a, from);
            out.extend(self.report(r));
        }
        out
    }

    fn attr(&mut self, a: &AttrAst, from: AssemblyId) -> R<CustomAttribute> {
        let scope = Scope::default();
        let ty = self.resolve_type(&a.ty, &scope, from)?;
        let TypeSig::Def(def) = self.b.data().type_refs[ty] else {
            return Err(ParseError::at(a.pos, "an attribute type must be a non-generic class"));
        };
        let mut values = Vec::new();
        for v in &a.args {
            values.push(self.attr_value(v, from, a.pos)?);
        }
        let ctors: Vec<MethodId> = self.b.data().types[def]
            .methods
            .iter()
            .copied()
            .filter(|&m| self.b.data().methods[m].name == ".ctor" && self.b.data().methods[m].params.len() == values.len())
            .collect();
        let ctor = ctors.into_iter().find_map(|m| {
            let params: Vec<TypeRefId> = self.b.data().methods[m].params.iter().map(|p| p.ty).collect();
            let mut conv = Vec::new();
            for (v, p) in values.iter().zip(params) {
                conv.push(self.fit_arg(v.clone(), p)?);
            }
            Some((m, conv))
        });
        let Some((ctor, args)) = ctor else {
            return Err(ParseError::at(
                a.pos,
                format!("{} has no constructor taking {} argument(s) of those kinds", self.full_name(def), values.len()),
            ));
        };
        let mut named = Vec::new();
        for (n, v) in &a.named {
            named.push(NamedArg { name: n.clone(), value: self.attr_value(v, from, a.pos)? });
        }
        Ok(CustomAttribute { ctor, args, named })
    }

    fn attr_value(&mut self, v: &AttrArg, from: AssemblyId, pos: Pos) -> R<AttrValue> {
        Ok(match v {
            AttrArg::Str(s) => AttrValue::String(s.clone()),
            AttrArg::Int(i) => AttrValue::Int(*i),
            AttrArg::Bool(b) => AttrValue::Bool(*b),
            AttrArg::Null => AttrValue::Null,
            AttrArg::TypeOf(t) => AttrValue::Type(self.resolve_type(t, &Scope::default(), from)?),
            AttrArg::Cast(t, v) => AttrValue::Enum { ty: self.resolve_type(t, &Scope::default(), from)?, value: *v },
            AttrArg::Flags(flags) => {
                let mut ty = None;
                let mut value = 0i64;
                for (t, member) in flags {
                    let sig = self.resolve_type(t, &Scope::default(), from)?;
                    if ty.is_some_and(|prev| prev != sig) {
                        return Err(ParseError::at(pos, "flags combined with `|` must come from one enum"));
                    }
                    ty = Some(sig);
                    let TypeSig::Def(def) = self.b.data().type_refs[sig] else {
                        return Err(ParseError::at(pos, "`Type::Member` needs an enum type"));
                    };
                    let d = self.b.data();
                    let c = d.types[def].fields.iter().find(|&&f| d.fields[f].name == *member).and_then(|&f| d.fields[f].constant.clone());
                    match c {
                        Some(Constant::Int(v)) => value |= v,
                        _ => return Err(ParseError::at(pos, format!("{} has no literal integer field {member}", self.full_name(def)))),
                    }
                }
                AttrValue::Enum { ty: ty.expect("at least one flag"), value }
            }
        })
    }

    /// Converts an argument to what the constructor parameter expects, or `None` if it cannot.
    fn fit_arg(&self, v: AttrValue, param: TypeRefId) -> Option<AttrValue> {
        let d = self.b.data();
        let sig = &d.type_refs[param];
        let is_enum = |t: TypeId| d.types[t].kind == TypeKind::Enum;
        let is_type = |t: TypeId| d.types[t].name == "Type" && d.types[t].namespace == "System";
        match (&v, sig) {
            (_, TypeSig::Prim(Prim::Object)) => Some(v),
            (AttrValue::String(_), TypeSig::Prim(Prim::String)) => Some(v),
            (AttrValue::Bool(_), TypeSig::Prim(Prim::Bool)) => Some(v),
            (AttrValue::Int(_), TypeSig::Prim(p)) if !matches!(p, Prim::Bool | Prim::String | Prim::Void) => Some(v),
            (AttrValue::Int(i), TypeSig::Def(t)) if is_enum(*t) => Some(AttrValue::Enum { ty: param, value: *i }),
            (AttrValue::Enum { ty, .. }, _) if *ty == param => Some(v),
            (AttrValue::Type(_), TypeSig::Def(t)) if is_type(*t) => Some(v),
            (AttrValue::Null, TypeSig::Prim(Prim::String)) | (AttrValue::Null, TypeSig::Array(_)) => Some(v),
            (AttrValue::Null, TypeSig::Def(t)) if is_type(*t) => Some(v),
            _ => None,
        }
    }

    fn lower_body(&mut self, b: &BodyAst, scope: &Scope, from: AssemblyId) -> Option<Body> {
        let mut labels: HashMap<&str, usize> = HashMap::new();
        for (l, at, pos) in &b.labels {
            if labels.insert(l.as_str(), *at).is_some() {
                self.errors.push(ParseError::at(*pos, format!("label {l} is defined twice")));
            }
        }
        let mut locals = Vec::new();
        for l in &b.locals {
            let r = self.resolve_type(l, scope, from);
            locals.push(self.report(r)?);
        }
        let n = b.instrs.len();
        let mut instrs = Vec::with_capacity(n);
        let mut switches = Vec::new();
        let mut ok = true;
        for (ins, pos) in &b.instrs {
            let r = match ins {
                InstrAst::Switch(table) => {
                    let table: R<Vec<u32>> = table.iter().map(|l| label_index(&labels, l, *pos, n)).collect();
                    table.map(|t| {
                        switches.push(t);
                        Instr::Switch(switches.len() as u32 - 1)
                    })
                }
                _ => self.lower_instr(ins, *pos, scope, from, &labels, n),
            };
            match self.report(r) {
                Some(i) => instrs.push(i),
                None => ok = false,
            }
        }
        let mut handlers = Vec::new();
        for (l, pos) in &b.handlers {
            let r = label_index(&labels, l, *pos, n);
            match self.report(r) {
                Some(h) => handlers.push(h),
                None => ok = false,
            }
        }
        ok.then_some(Body::with_flow(locals, instrs, switches, handlers))
    }

    fn lower_instr(
        &mut self,
        ins: &InstrAst,
        pos: Pos,
        scope: &Scope,
        from: AssemblyId,
        labels: &HashMap<&str, usize>,
        n: usize,
    ) -> R<Instr> {
        Ok(match ins {
            InstrAst::Plain(i) => *i,
            InstrAst::Str(s) => Instr::LdStr(self.b.string(s)),
            InstrAst::Method(op, r) => {
                let m = self.resolve_method_ref(r, scope, from)?;
                match *op {
                    "call" => Instr::Call(m),
                    "callvirt" => Instr::CallVirt(m),
                    "newobj" => Instr::NewObj(m),
                    "ldftn" => Instr::LdFtn(m),
                    _ => Instr::LdVirtFtn(m),
                }
            }
            InstrAst::Field(op, r) => {
                let f = self.resolve_field_ref(r, scope, from)?;
                match *op {
                    "ldfld" => Instr::LdFld(f),
                    "ldflda" => Instr::LdFlda(f),
                    "stfld" => Instr::StFld(f),
                    "ldsfld" => Instr::LdSfld(f),
                    "ldsflda" => Instr::LdSflda(f),
                    _ => Instr::StSfld(f),
                }
            }
            InstrAst::Type(op, t) => {
                let t = self.resolve_type(t, scope, from)?;
                match *op {
                    "box" => Instr::Box(t),
                    "unbox.any" => Instr::UnboxAny(t),
                    "newarr" => Instr::NewArr(t),
                    "castclass" => Instr::CastClass(t),
                    "isinst" => Instr::IsInst(t),
                    "initobj" => Instr::InitObj(t),
                    "unbox" => Instr::UnboxAny(t),
                    "ldobj" => Instr::TypeOp(SimpleOp::LdInd, t),
                    "stobj" | "cpobj" => Instr::TypeOp(SimpleOp::StInd, t),
                    "ldelema" | "ldelem.any" => Instr::TypeOp(SimpleOp::LdElem, t),
                    "stelem.any" => Instr::TypeOp(SimpleOp::StElem, t),
                    "sizeof" => Instr::TypeOp(SimpleOp::LdConst, t),
                    "mkrefany" | "refanyval" => Instr::TypeOp(SimpleOp::Unary, t),
                    "ldtoken" => Instr::LdToken(Token::Type(t)),
                    _ => Instr::Constrained(t),
                }
            }
            InstrAst::TokenMethod(r) => Instr::LdToken(Token::Method(self.resolve_method_ref(r, scope, from)?)),
            InstrAst::TokenField(r) => Instr::LdToken(Token::Field(self.resolve_field_ref(r, scope, from)?)),
            InstrAst::Branch(op, label) => {
                let t = label_index(labels, label, pos, n)?;
                match *op {
                    "br" => Instr::Br(t),
                    "brtrue" => Instr::BrTrue(t),
                    _ => Instr::BrFalse(t),
                }
            }
            InstrAst::Compare(c, label) => Instr::BrCmp(*c, label_index(labels, label, pos, n)?),
            InstrAst::Switch(_) => unreachable!("lower_body lowers switch tables"),
        })
    }
}

/// The instruction index of `label` in a body of `n` instructions: it must be defined and have
/// an instruction after it.
fn label_index(labels: &HashMap<&str, usize>, label: &str, pos: Pos, n: usize) -> R<u32> {
    let Some(&target) = labels.get(label) else {
        return Err(ParseError::at(pos, format!("unknown label {label}")));
    };
    if target >= n {
        return Err(ParseError::at(pos, format!("label {label} is at the end of the body, with no instruction after it")));
    }
    Ok(target as u32)
}
