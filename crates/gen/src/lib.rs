//! A deterministic generator of ASP.NET-shaped programs at any scale: a core library with generic
//! collections, framework assemblies with deep class hierarchies and interfaces with many
//! implementations, and an app whose `Main` reaches part of it. About five edge-creating
//! instructions per method body. The same seed gives the same program on every machine.
//!
//! Used by `aotsim gen`, the benchmarks and the property tests (which also want the text
//! format's rarer features: nested types, properties, attributes, literals, branches, quoted
//! names — switched on with [`GenConfig::features`]).
//!
//! Invariant: every generated program passes validation (`Builder::finish` succeeds).

use aotsim_il::*;

/// What to generate.
#[derive(Clone, Debug)]
pub struct GenConfig {
    /// Roughly how many methods (the result is within a few percent).
    pub methods: usize,
    /// The seed.
    pub seed: u64,
    /// Framework assemblies between the core library and the app.
    pub assemblies: usize,
    /// Sprinkle the rarer features of the model (for round-trip tests).
    pub features: bool,
}

impl GenConfig {
    /// `methods` methods from `seed`, with defaults for the rest.
    pub fn new(methods: usize, seed: u64) -> Self {
        GenConfig { methods, seed, assemblies: 4, features: false }
    }
}

/// SplitMix64: small, fast, and the same everywhere.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Self {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    /// True with probability `percent`/100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next_u64() % 100 < percent
    }
}

struct ClassInfo {
    id: TypeId,
    ctor: MethodId,
    /// Virtual slots this class declares or overrides, callable with `callvirt`.
    virtuals: Vec<MethodId>,
    statics: Vec<MethodId>,
    instance: Vec<MethodId>,
    fields: Vec<FieldId>,
    asm: usize,
    depth: usize,
}

struct Gen {
    b: Builder,
    rng: Rng,
    cfg: GenConfig,
    void: TypeRefId,
    int32: TypeRefId,
    object: TypeId,
    object_ctor: MethodId,
    object_virtuals: Vec<MethodId>,
    list: TypeId,
    list_ctor: MethodId,
    list_add: MethodId,
    ienum: TypeId,
    ienum_get: MethodId,
    attr_ctor: Option<MethodId>,
    classes: Vec<ClassInfo>,
    interfaces: Vec<(TypeId, Vec<MethodId>, usize)>,
    bodies: Vec<(MethodId, usize)>,
    n_methods: usize,
}

/// Generates a program. Never fails: the generator only emits valid programs.
pub fn generate(cfg: &GenConfig) -> Program {
    let mut g = Gen::new(cfg.clone());
    g.core();
    let per_asm = cfg.methods.saturating_sub(g.n_methods + 2) / cfg.assemblies.max(1);
    let mut asms = vec![g.b.data().assemblies.ids().next().expect("core")];
    for a in 0..cfg.assemblies {
        let refs = asms.clone();
        let id = g.b.add_assembly(&format!("Framework{a}"));
        g.b.assembly_mut(id).references = refs;
        asms.push(id);
        g.framework(id, a + 1, per_asm);
    }
    let app = g.b.add_assembly("App");
    g.b.assembly_mut(app).references = asms.clone();
    g.app(app);
    g.fill_bodies();
    g.b.finish().unwrap_or_else(|errs| panic!("generator produced an invalid program: {}", errs[0]))
}

impl Gen {
    fn new(cfg: GenConfig) -> Gen {
        let mut b = Builder::new();
        let void = b.type_ref(TypeSig::Prim(Prim::Void));
        let int32 = b.type_ref(TypeSig::Prim(Prim::Int32));
        let rng = Rng::new(cfg.seed);
        Gen {
            b,
            rng,
            cfg,
            void,
            int32,
            object: TypeId::new(0),
            object_ctor: MethodId::new(0),
            object_virtuals: Vec::new(),
            list: TypeId::new(0),
            list_ctor: MethodId::new(0),
            list_add: MethodId::new(0),
            ienum: TypeId::new(0),
            ienum_get: MethodId::new(0),
            attr_ctor: None,
            classes: Vec::new(),
            interfaces: Vec::new(),
            bodies: Vec::new(),
            n_methods: 0,
        }
    }

    fn method(&mut self, ty: TypeId, name: &str, ret: TypeRefId, params: &[TypeRefId]) -> MethodId {
        let m = self.b.add_method(ty, name, ret);
        self.b.method_mut(m).params =
            params.iter().enumerate().map(|(i, &ty)| Param { name: format!("a{i}"), ty, attributes: Vec::new() }).collect();
        self.n_methods += 1;
        m
    }

    fn core(&mut self) {
        let core = self.b.add_assembly("System.Private.CoreLib");
        self.object = self.b.add_type(core, None, "System", "Object", TypeKind::Class);
        self.object_ctor = self.method(self.object, ".ctor", self.void, &[]);
        self.bodies.push((self.object_ctor, 0));
        let string = self.b.type_ref(TypeSig::Prim(Prim::String));
        let obj = self.b.type_ref(TypeSig::Prim(Prim::Object));
        for (name, ret, params) in [("ToString", string, vec![]), ("Equals", self.int32, vec![obj]), ("GetHashCode", self.int32, vec![])] {
            let m = self.method(self.object, name, ret, &params);
            self.b.method_mut(m).flags.is_virtual = true;
            self.bodies.push((m, 0));
            self.object_virtuals.push(m);
        }
        let object_sig = self.b.type_ref(TypeSig::Def(self.object));
        // IEnumerable<T> and List<T> : IEnumerable<T>.
        self.ienum = self.b.add_type(core, None, "System.Collections.Generic", "IEnumerable`1", TypeKind::Interface);
        self.b.type_mut(self.ienum).generic_params = vec![GenericParam { name: "T".into(), attributes: Vec::new(), default_ctor: false }];
        self.ienum_get = self.method(self.ienum, "GetEnumerator", obj, &[]);
        let f = &mut self.b.method_mut(self.ienum_get).flags;
        f.is_virtual = true;
        f.is_abstract = true;
        f.is_newslot = true;
        self.list = self.b.add_type(core, None, "System.Collections.Generic", "List`1", TypeKind::Class);
        self.b.type_mut(self.list).generic_params = vec![GenericParam { name: "T".into(), attributes: Vec::new(), default_ctor: false }];
        self.b.type_mut(self.list).base = Some(object_sig);
        let t0 = self.b.type_ref(TypeSig::Var(0));
        let ienum_t = self.b.type_ref(TypeSig::Inst { def: self.ienum, args: vec![t0] });
        self.b.type_mut(self.list).interfaces.push(ienum_t);
        let items_ty = self.b.type_ref(TypeSig::Array(t0));
        self.b.add_field(self.list, "items", items_ty);
        self.list_ctor = self.method(self.list, ".ctor", self.void, &[]);
        self.list_add = self.method(self.list, "Add", self.void, &[t0]);
        let get = self.method(self.list, "GetEnumerator", obj, &[]);
        let f = &mut self.b.method_mut(get).flags;
        f.is_virtual = true;
        f.is_final = true;
        f.is_newslot = true;
        for m in [self.list_ctor, self.list_add, get] {
            self.bodies.push((m, 0));
        }
        if self.cfg.features {
            let attr = self.b.add_type(core, None, "System", "ObsoleteAttribute", TypeKind::Class);
            self.b.type_mut(attr).base = Some(object_sig);
            self.b.type_mut(attr).is_sealed = true;
            let c = self.method(attr, ".ctor", self.void, &[string]);
            self.bodies.push((c, 0));
            self.attr_ctor = Some(c);
            let e = self.b.add_type(core, None, "System", "Color", TypeKind::Enum);
            for (i, n) in ["Red", "Green"].iter().enumerate() {
                let es = self.b.type_ref(TypeSig::Def(e));
                let f = self.b.add_field(e, *n, es);
                self.b.field_mut(f).is_static = true;
                self.b.field_mut(f).constant = Some(Constant::Int(i as i64));
            }
        }
    }

    fn framework(&mut self, asm: AssemblyId, asm_index: usize, budget: usize) {
        let start = self.n_methods;
        let ns = format!("Framework{asm_index}.Area");
        // Interfaces first, about one per eight classes.
        let n_ifaces = (budget / 60).max(1);
        for i in 0..n_ifaces {
            let it = self.b.add_type(asm, None, &ns, &format!("IService{i}"), TypeKind::Interface);
            let n = 1 + self.rng.below(3);
            let mut slots = Vec::new();
            for s in 0..n {
                let m = self.method(it, &format!("Op{s}"), self.int32, &[self.int32]);
                let f = &mut self.b.method_mut(m).flags;
                f.is_virtual = true;
                f.is_abstract = true;
                f.is_newslot = true;
                slots.push(m);
            }
            self.interfaces.push((it, slots, asm_index));
        }
        let mut k = 0;
        while self.n_methods - start < budget {
            self.class(asm, asm_index, &ns, k);
            k += 1;
        }
    }

    fn class(&mut self, asm: AssemblyId, asm_index: usize, ns: &str, k: usize) {
        let features = self.cfg.features;
        let name = if features && k % 7 == 3 { format!("<>c__{k}") } else { format!("Type{k}") };
        let ty = self.b.add_type(asm, None, ns, &name, TypeKind::Class);
        // Base: Object, or a recent class of this or an earlier assembly (deep hierarchies).
        let base_pick = if !self.classes.is_empty() && self.rng.chance(70) {
            let lo = self.classes.len().saturating_sub(40);
            let c = lo + self.rng.below(self.classes.len() - lo);
            (self.classes[c].depth < 8).then_some(c)
        } else {
            None
        };
        let (base_ty, base_ctor, depth, inherited) = match base_pick {
            Some(c) => (self.classes[c].id, self.classes[c].ctor, self.classes[c].depth + 1, self.classes[c].virtuals.clone()),
            None => (self.object, self.object_ctor, 1, self.object_virtuals.clone()),
        };
        let base_sig = self.b.type_ref(TypeSig::Def(base_ty));
        self.b.type_mut(ty).base = Some(base_sig);
        let ctor = self.method(ty, ".ctor", self.void, &[]);
        self.bodies.push((ctor, 1));
        let mut info = ClassInfo {
            id: ty,
            ctor,
            virtuals: Vec::new(),
            statics: Vec::new(),
            instance: Vec::new(),
            fields: Vec::new(),
            asm: asm_index,
            depth,
        };
        // The ctor calls the base ctor first.
        self.b.method_mut(ctor).body = Some(Body::default());
        let base_ctor_ref = self.b.method_ref(MethodRef { owner: base_sig, method: base_ctor, generic_args: Vec::new() });
        self.b.method_mut(ctor).body.as_mut().expect("just set").instrs = vec![Instr::LdArg(0), Instr::Call(base_ctor_ref)];
        // Override some inherited virtuals.
        for &v in &inherited {
            if self.rng.chance(35) {
                let vd = self.b.data().methods[v].clone();
                let params: Vec<TypeRefId> = vd.params.iter().map(|p| p.ty).collect();
                let m = self.method(ty, &vd.name, vd.ret, &params);
                self.b.method_mut(m).flags.is_virtual = true;
                self.bodies.push((m, 1));
                info.virtuals.push(m);
            } else {
                info.virtuals.push(v);
            }
        }
        // A new virtual slot now and then.
        if self.rng.chance(30) {
            let m = self.method(ty, &format!("Virt{}", self.classes.len()), self.int32, &[self.int32]);
            let f = &mut self.b.method_mut(m).flags;
            f.is_virtual = true;
            f.is_newslot = true;
            self.bodies.push((m, 1));
            info.virtuals.push(m);
        }
        // Implement an interface of this or an earlier assembly.
        if !self.interfaces.is_empty() && self.rng.chance(45) {
            let (it, slots, _) = self.interfaces[self.rng.below(self.interfaces.len())].clone();
            let isig = self.b.type_ref(TypeSig::Def(it));
            self.b.type_mut(ty).interfaces.push(isig);
            for s in slots {
                let name = self.b.data().methods[s].name.clone();
                let m = self.method(ty, &name, self.int32, &[self.int32]);
                let f = &mut self.b.method_mut(m).flags;
                f.is_virtual = true;
                f.is_newslot = true;
                f.is_final = true;
                self.bodies.push((m, 1));
            }
        }
        for f in 0..self.rng.below(3) {
            let fid = self.b.add_field(ty, format!("f{f}"), self.int32);
            info.fields.push(fid);
        }
        for i in 0..(2 + self.rng.below(5)) {
            let is_static = self.rng.chance(40);
            let m = self.method(ty, &format!("M{i}"), self.int32, &[self.int32]);
            self.b.method_mut(m).flags.is_static = is_static;
            self.bodies.push((m, 1));
            if is_static {
                info.statics.push(m)
            } else {
                info.instance.push(m)
            }
        }
        if features {
            self.sprinkle(ty, &mut info);
        }
        self.classes.push(info);
    }

    fn sprinkle(&mut self, ty: TypeId, info: &mut ClassInfo) {
        if self.rng.chance(30) {
            let g = self.method(ty, "get_Value", self.int32, &[]);
            self.bodies.push((g, 1));
            info.instance.push(g);
            let p = self.b.add_property(ty, "Value", self.int32);
            self.b.property_mut(p).getter = Some(g);
        }
        if self.rng.chance(20) {
            let asm = self.b.data().types[ty].assembly;
            let n = self.b.add_type(asm, Some(ty), "", "Nested", TypeKind::Class);
            let os = self.b.type_ref(TypeSig::Def(self.object));
            self.b.type_mut(n).base = Some(os);
            self.b.type_mut(n).visibility = Visibility::Private;
            let m = self.method(n, "Helper", self.int32, &[self.int32]);
            self.b.method_mut(m).flags.is_static = true;
            self.bodies.push((m, 1));
        }
        if let (Some(c), true) = (self.attr_ctor, self.rng.chance(25)) {
            let target = info.instance.first().copied().unwrap_or(info.ctor);
            self.b.method_mut(target).attributes.push(CustomAttribute {
                ctor: c,
                args: vec![AttrValue::String("use \"New\"\\n instead".into())],
                named: Vec::new(),
            });
        }
    }

    fn app(&mut self, app: AssemblyId) {
        let program = self.b.add_type(app, None, "App", "Program", TypeKind::Class);
        let os = self.b.type_ref(TypeSig::Def(self.object));
        self.b.type_mut(program).base = Some(os);
        self.b.type_mut(program).is_abstract = true;
        self.b.type_mut(program).is_sealed = true;
        let string_arr = {
            let s = self.b.type_ref(TypeSig::Prim(Prim::String));
            self.b.type_ref(TypeSig::Array(s))
        };
        let main = self.method(program, "Main", self.void, &[string_arr]);
        self.b.method_mut(main).flags.is_static = true;
        self.b.set_entry_point(main);
        // Main touches a handful of framework entry points: the rest is reached or not from there.
        let mut instrs = Vec::new();
        let n = (self.classes.len() / 50).clamp(1, 40);
        for _ in 0..n {
            if self.classes.is_empty() {
                break;
            }
            let c = self.rng.below(self.classes.len());
            self.edge_into(&mut instrs, c, true);
        }
        instrs.push(Instr::Ret);
        self.b.method_mut(main).body = Some(Body::new(Vec::new(), instrs));
    }

    /// Emits an edge-creating instruction sequence towards class `c`.
    fn edge_into(&mut self, out: &mut Vec<Instr>, c: usize, construct: bool) {
        let ci = &self.classes[c];
        let owner = self.b.type_ref(TypeSig::Def(ci.id));
        let r = |g: &mut Gen, m: MethodId| g.b.method_ref(MethodRef { owner, method: m, generic_args: Vec::new() });
        let (ctor, statics, virtuals, instance, fields) =
            (ci.ctor, ci.statics.clone(), ci.virtuals.clone(), ci.instance.clone(), ci.fields.clone());
        if construct || statics.is_empty() && instance.is_empty() {
            let cr = r(self, ctor);
            out.push(Instr::NewObj(cr));
            if let (false, Some(&v)) = (virtuals.is_empty(), virtuals.get(self.rng.below(virtuals.len().max(1)))) {
                let (decl, n_params) = (self.b.data().methods[v].declaring_type, self.b.data().methods[v].params.len());
                let vowner = self.b.type_ref(TypeSig::Def(decl));
                let vr = self.b.method_ref(MethodRef { owner: vowner, method: v, generic_args: Vec::new() });
                for _ in 0..n_params {
                    out.push(Instr::LdNull);
                }
                out.push(Instr::CallVirt(vr));
            }
            out.push(Instr::Pop);
            return;
        }
        match self.rng.below(3) {
            0 if !statics.is_empty() => {
                let m = statics[self.rng.below(statics.len())];
                let mr = r(self, m);
                out.extend([Instr::LdcI4(1), Instr::Call(mr), Instr::Pop]);
            }
            1 if !fields.is_empty() => {
                let f = fields[self.rng.below(fields.len())];
                let fr = self.b.field_ref(FieldRef { owner, field: f });
                out.extend([Instr::LdNull, Instr::LdFld(fr), Instr::Pop]);
            }
            _ if !instance.is_empty() => {
                let m = instance[self.rng.below(instance.len())];
                let mr = r(self, m);
                let n_params = self.b.data().methods[m].params.len();
                out.push(Instr::LdNull);
                for _ in 0..n_params {
                    out.push(Instr::LdcI4(1));
                }
                out.extend([Instr::Call(mr), Instr::Pop]);
            }
            _ => {
                let m = statics[self.rng.below(statics.len())];
                let mr = r(self, m);
                out.extend([Instr::LdcI4(1), Instr::Call(mr), Instr::Pop]);
            }
        }
    }

    fn fill_bodies(&mut self) {
        let bodies = std::mem::take(&mut self.bodies);
        let n_classes = self.classes.len();
        for (m, kind) in bodies {
            let mut instrs = self.b.data().methods[m].body.as_ref().map(|b| b.instrs.clone()).unwrap_or_default();
            let (mut switches, mut handlers) = (Vec::new(), Vec::new());
            if kind == 1 && n_classes > 0 {
                let owner_asm = self.class_asm_of(m);
                for _ in 0..(3 + self.rng.below(4)) {
                    // Mostly local edges (same or earlier assembly, nearby classes): call graphs
                    // are layered, so much of the framework stays unreachable.
                    let c = self.pick_class(owner_asm);
                    let construct = self.rng.chance(12);
                    self.edge_into(&mut instrs, c, construct);
                }
                if self.rng.chance(10) {
                    // A generic collection of some class: List<C>.Add and IEnumerable<C>.
                    let c = self.pick_class(owner_asm);
                    let arg = self.b.type_ref(TypeSig::Def(self.classes[c].id));
                    let lt = self.b.type_ref(TypeSig::Inst { def: self.list, args: vec![arg] });
                    let et = self.b.type_ref(TypeSig::Inst { def: self.ienum, args: vec![arg] });
                    let ctor = self.b.method_ref(MethodRef { owner: lt, method: self.list_ctor, generic_args: Vec::new() });
                    let add = self.b.method_ref(MethodRef { owner: lt, method: self.list_add, generic_args: Vec::new() });
                    let get = self.b.method_ref(MethodRef { owner: et, method: self.ienum_get, generic_args: Vec::new() });
                    instrs.extend([Instr::NewObj(ctor), Instr::Dup, Instr::LdNull, Instr::CallVirt(add), Instr::CallVirt(get), Instr::Pop]);
                }
                if self.cfg.features && self.rng.chance(20) {
                    let s = self.b.string("tab\there \"quoted\"");
                    let at = instrs.len() as u32 + 3;
                    instrs.extend([Instr::LdStr(s), Instr::BrTrue(at), Instr::Op(SimpleOp::Nop)]);
                }
                if self.cfg.features && self.rng.chance(20) {
                    // A `switch` and a compare-and-branch that each skip a `nop`, a handler that
                    // begins at the second, and a `sizeof` of a class.
                    let c = self.pick_class(owner_asm);
                    let sized = self.b.type_ref(TypeSig::Def(self.classes[c].id));
                    instrs.extend([Instr::TypeOp(SimpleOp::LdConst, sized), Instr::Pop]);
                    let at = instrs.len() as u32;
                    switches.push(vec![at + 3]);
                    handlers.push(at + 6);
                    instrs.extend([
                        Instr::LdcI4(0),
                        Instr::Switch(switches.len() as u32 - 1),
                        Instr::Op(SimpleOp::Nop),
                        Instr::LdcI4(1),
                        Instr::LdcI4(2),
                        Instr::BrCmp(Cmp::Lt, at + 7),
                        Instr::Op(SimpleOp::Nop),
                    ]);
                }
            }
            let ret = self.b.data().methods[m].ret;
            if ret != self.void {
                instrs.push(Instr::LdcI4(0));
            }
            instrs.push(Instr::Ret);
            let body = Body::with_flow(Vec::new(), instrs, switches, handlers);
            let md = self.b.method_mut(m);
            md.il_size = body.encoded_size();
            md.body = Some(body);
        }
        for m in self.b.data().methods.ids().collect::<Vec<_>>() {
            let md = self.b.data().methods[m].clone();
            if md.body.is_none() && !md.flags.is_abstract {
                let instrs = if md.ret == self.void { vec![Instr::Ret] } else { vec![Instr::LdcI4(0), Instr::Ret] };
                let body = Body::new(Vec::new(), instrs);
                self.b.method_mut(m).il_size = body.encoded_size();
                self.b.method_mut(m).body = Some(body);
            }
        }
    }

    fn class_asm_of(&self, m: MethodId) -> usize {
        let t = self.b.data().methods[m].declaring_type;
        let a = self.b.data().types[t].assembly;
        a.index()
    }

    fn pick_class(&mut self, asm: usize) -> usize {
        let n = self.classes.len();
        // Nearby in declaration order most of the time; anywhere in an earlier-or-same assembly otherwise.
        let c = if self.rng.chance(80) {
            let center = self.rng.below(n);
            (center + self.rng.below(16)).min(n - 1)
        } else {
            self.rng.below(n)
        };
        if self.classes[c].asm <= asm {
            return c;
        }
        // Classes are declared assembly by assembly: those visible from `asm` form a prefix.
        let visible = self.classes.partition_point(|ci| ci.asm <= asm);
        if visible == 0 {
            c.min(n - 1) // only reached from the app, which sees every assembly
        } else {
            self.rng.below(visible)
        }
    }
}
