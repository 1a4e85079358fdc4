//! The frozen, validated program and the indexes derived from it once in `finish()`: base
//! definitions, which methods override which, interface dispatch maps, static constructors,
//! accessors.

use crate::builder::Interner;
use crate::error::ValidationError;
use crate::ids::*;
use crate::model::*;
use crate::names::Names;
use crate::validate::{check_decl_ids, check_member_ids, check_ref_ids, check_rules, sig_def};
use rustc_hash::FxHashMap as HashMap;
use std::ops::Deref;

/// One entry of a type's interface dispatch map: calls through `slot` on an instance of the type
/// land in `implementation`.
#[derive(Copy, Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct InterfaceImpl {
    /// The interface that declares the slot.
    pub interface: TypeId,
    /// The interface method.
    pub slot: MethodId,
    /// The method that implements it for this type (declared by the type or a base type).
    pub implementation: MethodId,
}

/// What a method is an accessor of.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum AccessorOf {
    /// A property getter or setter.
    Property(PropertyId),
    /// An event add or remove method.
    Event(EventId),
}

/// A validated program with its derived indexes. Immutable: analyses keep their own results.
/// Derefs to the [`ProgramData`] tables.
#[derive(Debug)]
pub struct Program {
    data: ProgramData,
    names: Names,
    base_def: IdVec<TypeId, Option<TypeId>>,
    overridden: IdVec<MethodId, Vec<MethodId>>,
    dispatch: IdVec<TypeId, Vec<InterfaceImpl>>,
    cctor: IdVec<TypeId, Option<MethodId>>,
    accessor_of: IdVec<MethodId, Option<AccessorOf>>,
}

impl Deref for Program {
    type Target = ProgramData;
    fn deref(&self) -> &ProgramData {
        &self.data
    }
}

impl Program {
    /// Validates tables read from elsewhere (JSON) and derives the indexes.
    pub fn from_data(data: ProgramData) -> Result<Program, Vec<ValidationError>> {
        let interner = Interner::rebuild(&data).map_err(|e| vec![e])?;
        Self::from_parts(data, interner)
    }

    pub(crate) fn from_parts(mut data: ProgramData, mut interner: Interner) -> Result<Program, Vec<ValidationError>> {
        // The names need no id in range (they stop at a missing enclosing type), so they are made
        // while the ids are checked, the checks split over both threads.
        let (errs, names) = std::thread::scope(|s| {
            let other = s.spawn(|| (Names::new(&data), check_ref_ids(&data), check_member_ids(&data)));
            let decls = check_decl_ids(&data);
            let (names, mut errs, members) = other.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            errs.extend(decls);
            errs.extend(members);
            (errs, names)
        });
        if !errs.is_empty() {
            return Err(errs);
        }
        // The indexes need only the tables' ids in range, so they are derived while the rules
        // are checked, and dropped when a rule fails.
        let (errs, (derived, new_sigs)) = std::thread::scope(|s| {
            let derived = s.spawn(|| Derived::compute(&data, &interner));
            let errs = check_rules(&data, &names);
            (errs, derived.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
        });
        if !errs.is_empty() {
            return Err(errs);
        }
        for sig in new_sigs {
            interner.type_ref(&mut data, sig);
        }
        Ok(Program {
            data,
            names,
            base_def: derived.base_def,
            overridden: derived.overridden,
            dispatch: derived.dispatch,
            cctor: derived.cctor,
            accessor_of: derived.accessor_of,
        })
    }

    /// The tables.
    pub fn data(&self) -> &ProgramData {
        &self.data
    }

    /// Gives the tables back (to edit and rebuild).
    pub fn into_data(self) -> ProgramData {
        self.data
    }

    /// The naming scheme's tables.
    pub fn names(&self) -> &Names {
        &self.names
    }

    /// `Ns.Outer/Inner`.
    pub fn type_name(&self, t: TypeId) -> &str {
        self.names.type_name(t)
    }

    /// `Ns.Type::Name(int32,string)`.
    pub fn method_name(&self, m: MethodId) -> String {
        self.names.method_name(&self.data, m)
    }

    /// `Ns.Type::name`.
    pub fn field_name(&self, f: FieldId) -> String {
        self.names.field_name(&self.data, f)
    }

    /// `Ns.Type::Name`.
    pub fn property_name(&self, p: PropertyId) -> String {
        self.names.property_name(&self.data, p)
    }

    /// `Ns.Type::Name`.
    pub fn event_name(&self, e: EventId) -> String {
        self.names.event_name(&self.data, e)
    }

    /// A signature as text, generic parameters named from the context.
    pub fn sig_name(&self, sig: TypeRefId, ctx_type: Option<TypeId>, ctx_method: Option<MethodId>) -> String {
        self.names.sig(&self.data, sig, ctx_type, ctx_method)
    }

    /// The definition of the base type.
    pub fn base_def(&self, t: TypeId) -> Option<TypeId> {
        self.base_def[t]
    }

    /// The methods `m` overrides: the base-class slot it overrides by name and signature, and
    /// the class methods it names in explicit overrides. Interface slots are in [`Self::dispatch`].
    pub fn overridden(&self, m: MethodId) -> &[MethodId] {
        &self.overridden[m]
    }

    /// The interface dispatch map of a class or struct: every slot of every interface it
    /// implements (directly or through interface inheritance) with the method that implements it.
    pub fn dispatch(&self, t: TypeId) -> &[InterfaceImpl] {
        &self.dispatch[t]
    }

    /// `(pops, pushes)` of `ins` on the evaluation stack, calls and `newobj` included: their
    /// arguments and `this` (not for `newobj`), then the value they return (the object, for
    /// `newobj`). `ret` reads `(0, 0)`, as in [`Instr::fixed_stack_effect`].
    pub fn stack_effect(&self, ins: &Instr) -> (usize, usize) {
        match *ins {
            Instr::Call(r) | Instr::CallVirt(r) | Instr::NewObj(r) => {
                let m = &self.methods[self.method_refs[r].method];
                let newobj = matches!(ins, Instr::NewObj(_));
                let returns = newobj || self.type_refs[m.ret] != TypeSig::Prim(Prim::Void);
                (m.params.len() + usize::from(!m.flags.is_static && !newobj), usize::from(returns))
            }
            _ => ins.fixed_stack_effect(),
        }
    }

    /// The static constructor of a type.
    pub fn cctor(&self, t: TypeId) -> Option<MethodId> {
        self.cctor[t]
    }

    /// The property or event a method is an accessor of.
    pub fn accessor_of(&self, m: MethodId) -> Option<AccessorOf> {
        self.accessor_of[m]
    }

    /// The type definition a signature names, looking through instantiations.
    pub fn sig_def(&self, sig: TypeRefId) -> Option<TypeId> {
        sig_def(&self.data, sig)
    }

    /// Calls `f` for every type definition that appears in `sig` (instantiation arguments and
    /// array elements included).
    pub fn for_each_type_in(&self, sig: TypeRefId, f: &mut impl FnMut(TypeId)) {
        match &self.data.type_refs[sig] {
            TypeSig::Def(t) => f(*t),
            TypeSig::Inst { def, args } => {
                f(*def);
                for &a in args {
                    self.for_each_type_in(a, f);
                }
            }
            TypeSig::Array(e) | TypeSig::ByRef(e) | TypeSig::Ptr(e) => self.for_each_type_in(*e, f),
            TypeSig::Prim(_) | TypeSig::Var(_) | TypeSig::MVar(_) => {}
        }
    }

    /// The number of IL instructions in all bodies.
    pub fn n_instructions(&self) -> usize {
        self.data.methods.values().filter_map(|m| m.body.as_ref()).map(|b| b.instrs.len()).sum()
    }
}

struct Derived {
    base_def: IdVec<TypeId, Option<TypeId>>,
    overridden: IdVec<MethodId, Vec<MethodId>>,
    dispatch: IdVec<TypeId, Vec<InterfaceImpl>>,
    cctor: IdVec<TypeId, Option<MethodId>>,
    accessor_of: IdVec<MethodId, Option<AccessorOf>>,
}

/// The type signatures [`Derived::compute`] reads: the program's, read-only, and those its
/// substitutions create, numbered after them and added to the program once it is done (in the
/// same order, so with the same ids). Reading through this lets the computation run while the
/// validation reads the same tables.
struct Sigs<'d> {
    d: &'d ProgramData,
    int: &'d Interner,
    extra: Vec<TypeSig>,
    extra_ids: HashMap<TypeSig, TypeRefId>,
}

impl<'d> Sigs<'d> {
    fn new(d: &'d ProgramData, int: &'d Interner) -> Self {
        Sigs { d, int, extra: Vec::new(), extra_ids: HashMap::default() }
    }

    fn get(&self, id: TypeRefId) -> &TypeSig {
        match id.index().checked_sub(self.d.type_refs.len()) {
            Some(i) => &self.extra[i],
            None => &self.d.type_refs[id],
        }
    }

    fn intern(&mut self, sig: TypeSig) -> TypeRefId {
        if let Some(id) = self.int.find_type_ref(self.d, &sig).or_else(|| self.extra_ids.get(&sig).copied()) {
            return id;
        }
        let id = TypeRefId::new(self.d.type_refs.len() + self.extra.len());
        self.extra.push(sig.clone());
        self.extra_ids.insert(sig, id);
        id
    }

    /// The type definition `sig` names, looking through instantiations.
    fn def(&self, sig: TypeRefId) -> Option<TypeId> {
        match self.get(sig) {
            TypeSig::Def(t) => Some(*t),
            TypeSig::Inst { def, .. } => Some(*def),
            _ => None,
        }
    }

    fn inst_args(&self, sig: TypeRefId) -> Vec<TypeRefId> {
        match self.get(sig) {
            TypeSig::Inst { args, .. } => args.clone(),
            _ => Vec::new(),
        }
    }

    /// Replaces `!N` with `targs[N]` (when given) and `!!N` with `margs[N]`, interning the result.
    fn subst(&mut self, sig: TypeRefId, targs: Option<&[TypeRefId]>, margs: Option<&[TypeRefId]>) -> TypeRefId {
        match self.get(sig).clone() {
            TypeSig::Var(i) => targs.and_then(|a| a.get(i as usize).copied()).unwrap_or(sig),
            TypeSig::MVar(i) => margs.and_then(|a| a.get(i as usize).copied()).unwrap_or(sig),
            TypeSig::Inst { def, args } => {
                let args = args.iter().map(|&a| self.subst(a, targs, margs)).collect();
                self.intern(TypeSig::Inst { def, args })
            }
            TypeSig::Array(e) => {
                let e = self.subst(e, targs, margs);
                self.intern(TypeSig::Array(e))
            }
            TypeSig::ByRef(e) => {
                let e = self.subst(e, targs, margs);
                self.intern(TypeSig::ByRef(e))
            }
            TypeSig::Ptr(e) => {
                let e = self.subst(e, targs, margs);
                self.intern(TypeSig::Ptr(e))
            }
            TypeSig::Prim(_) | TypeSig::Def(_) => sig,
        }
    }
}

impl Derived {
    /// The indexes, and the type signatures the substitutions created (to add to the program).
    fn compute(d: &ProgramData, int: &Interner) -> (Derived, Vec<TypeSig>) {
        let mut sigs = Sigs::new(d, int);
        let n_types = d.types.len();
        let base_def: IdVec<TypeId, Option<TypeId>> = d.types.values().map(|t| t.base.and_then(|b| sigs.def(b))).collect();

        let mut cctor = IdVec::filled(n_types, None);
        for (id, m) in d.methods.iter() {
            if m.is_static_constructor() && m.flags.is_static {
                cctor[m.declaring_type] = Some(id);
            }
        }
        let mut accessor_of = IdVec::filled(d.methods.len(), None);
        for (id, p) in d.properties.iter() {
            for m in [p.getter, p.setter].into_iter().flatten() {
                accessor_of[m] = Some(AccessorOf::Property(id));
            }
        }
        for (id, e) in d.events.iter() {
            for m in [e.add, e.remove].into_iter().flatten() {
                accessor_of[m] = Some(AccessorOf::Event(id));
            }
        }

        // Each type's ancestors with their generic arguments in the type's own context.
        let mut ancestors: Vec<Vec<(TypeId, Vec<TypeRefId>)>> = Vec::with_capacity(n_types);
        for t in d.types.ids() {
            let mut chain = Vec::new();
            let mut cur_sig = d.types[t].base;
            let mut ctx: Option<Vec<TypeRefId>> = None;
            while let Some(bs) = cur_sig {
                let Some(b) = sigs.def(bs) else { break };
                let bs_here = match &ctx {
                    Some(a) => sigs.subst(bs, Some(a), None),
                    None => bs,
                };
                let args = sigs.inst_args(bs_here);
                chain.push((b, args.clone()));
                ctx = Some(args);
                cur_sig = d.types[b].base;
                if chain.len() > n_types {
                    break;
                }
            }
            ancestors.push(chain);
        }

        // Virtual methods of each type, for override and implementation look-ups.
        let mut virtuals: HashMap<TypeId, Vec<MethodId>> = HashMap::default();
        for (id, m) in d.methods.iter() {
            if m.flags.is_virtual {
                virtuals.entry(m.declaring_type).or_default().push(id);
            }
        }

        // Does `cand` (declared in an ancestor whose arguments are `args`) have `name` and match
        // `want` once the ancestor's generic parameters are replaced by `args`?
        let matches = |sigs: &mut Sigs, cand: MethodId, name: &str, args: &[TypeRefId], want: &[TypeRefId], want_gp: usize| -> bool {
            let cd = &d.methods[cand];
            if cd.name != name || cd.params.len() != want.len() || cd.generic_params.len() != want_gp {
                return false;
            }
            (0..want.len()).all(|i| {
                let c = d.methods[cand].params[i].ty;
                let c = if args.is_empty() { c } else { sigs.subst(c, Some(args), None) };
                c == want[i]
            })
        };

        let mut overridden = IdVec::filled(d.methods.len(), Vec::new());
        for m in d.methods.ids() {
            let md = &d.methods[m];
            if !md.flags.is_virtual {
                continue;
            }
            let owner = md.declaring_type;
            let mut found = Vec::new();
            for &r in &md.overrides {
                let target = d.method_refs[r].method;
                if d.types[d.methods[target].declaring_type].kind != TypeKind::Interface {
                    found.push(target);
                }
            }
            if !md.flags.is_newslot && d.types[owner].kind != TypeKind::Interface {
                let want: Vec<TypeRefId> = md.params.iter().map(|p| p.ty).collect();
                let want_gp = md.generic_params.len();
                let name = md.name.clone();
                'chain: for (b, args) in &ancestors[owner.index()] {
                    for &c in virtuals.get(b).map(Vec::as_slice).unwrap_or(&[]) {
                        if matches(&mut sigs, c, &name, args, &want, want_gp) {
                            if !found.contains(&c) {
                                found.push(c);
                            }
                            break 'chain;
                        }
                    }
                }
            }
            overridden[m] = found;
        }

        let mut dispatch = IdVec::filled(n_types, Vec::new());
        let mut explicit: HashMap<MethodId, MethodId> = HashMap::default();
        for t in d.types.ids() {
            if d.types[t].kind == TypeKind::Interface {
                continue;
            }
            // Interfaces in t's context, closed under interface inheritance.
            let mut ifaces: Vec<TypeRefId> = Vec::new();
            let mut stack: Vec<TypeRefId> = d.types[t].interfaces.clone();
            while let Some(i) = stack.pop() {
                if ifaces.contains(&i) || ifaces.len() > n_types {
                    continue;
                }
                ifaces.push(i);
                if let Some(idef) = sigs.def(i) {
                    let iargs = sigs.inst_args(i);
                    for parent in d.types[idef].interfaces.clone() {
                        stack.push(sigs.subst(parent, Some(&iargs), None));
                    }
                }
            }
            ifaces.sort();
            // The type itself (no substitution) and its ancestors with their arguments.
            let chain: Vec<(TypeId, &[TypeRefId])> =
                std::iter::once((t, &[][..])).chain(ancestors[t.index()].iter().map(|(b, a)| (*b, a.as_slice()))).collect();
            // Explicit implementations over the chain, nearest type first, each type's methods
            // in order: the first method naming a slot implements it.
            explicit.clear();
            if !ifaces.is_empty() {
                for (c, _) in &chain {
                    for &cm in &d.types[*c].methods {
                        for &r in &d.methods[cm].overrides {
                            explicit.entry(d.method_refs[r].method).or_insert(cm);
                        }
                    }
                }
            }
            let mut entries = Vec::new();
            for i in ifaces {
                let Some(idef) = sigs.def(i) else { continue };
                let iargs = sigs.inst_args(i);
                for s in d.types[idef].methods.clone() {
                    let sd = &d.methods[s];
                    if !sd.flags.is_virtual || sd.flags.is_static {
                        continue;
                    }
                    let name = sd.name.clone();
                    let gp = sd.generic_params.len();
                    let params: Vec<TypeRefId> = sd.params.iter().map(|p| p.ty).collect();
                    let want: Vec<TypeRefId> =
                        if iargs.is_empty() { params } else { params.into_iter().map(|p| sigs.subst(p, Some(&iargs), None)).collect() };
                    // Explicit implementations first (nearest type wins), then by name and signature.
                    let implementation = explicit.get(&s).copied().or_else(|| {
                        chain.iter().find_map(|(c, args)| {
                            let cands = virtuals.get(c)?;
                            cands.iter().copied().find(|&cm| matches(&mut sigs, cm, &name, args, &want, gp))
                        })
                    });
                    if let Some(implementation) = implementation {
                        entries.push(InterfaceImpl { interface: idef, slot: s, implementation });
                    }
                }
            }
            dispatch[t] = entries;
        }

        (Derived { base_def, overridden, dispatch, cctor, accessor_of }, sigs.extra)
    }
}
