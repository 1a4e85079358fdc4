//! The native-size estimator, first part: a per-method native code model.
//!
//! Each method is described by what its IL does ([`features`]: counts of instruction kinds,
//! locals, parameters, IL size), and a backend profile ([`Profile`], data) prices each feature in
//! bytes of machine code. Profiles are fitted ([`fit`]) on measured compiler output by weighted
//! least squares that minimises the *relative* error of each method, and checked by leaving one
//! assembly out at a time ([`cross_validate`]). `profiles/mono-x64.json` is fitted on the
//! calibration data of `../shared/calibration` (docs/size-model.md).

pub mod app;
pub mod gbdt;

use aotsim_il::*;
use serde::{Deserialize, Serialize};

/// The number of features [`features`] returns.
pub const N_FEATURES: usize = 2 + OP_GROUPS.len() + TAIL.len() + OP_GROUPS.len();

/// The Mono AOT compiler inlines callees of fewer IL bytes than this (`INLINE_LENGTH_LIMIT` in
/// `mono_method_check_inlining`).
pub const INLINE_LIMIT: u32 = 20;

/// How deep the features follow inlining into inlined bodies (Mono goes up to 10 levels; four
/// were measured against two, two against one and none, docs/size-model.md). The class
/// libraries' `AggressiveInlining` chains go that deep (`Utf8Formatter.TryFormat`).
const INLINE_DEPTH: u32 = 4;

const TAIL: [&str; 54] = [
    "clauses",
    "max_stack",
    "locals",
    "params",
    "generic",
    "valuetype_locals",
    "instance",
    "returns_value",
    "callee_args",
    "calls_returning",
    "generic_calls",
    "generic_field_access",
    "long_body",
    "interface_calls",
    "virtual_calls",
    "nonvirtual_callvirt",
    "delegate_invokes",
    "inlinable_calls",
    "inlinable_il_bytes",
    "valuetype_args",
    "ref_field_stores",
    "valuetype_field_access",
    "valuetype_locals_fields",
    "static_field_of_other_type",
    "struct_arg_bytes",
    "own_struct_param_bytes",
    "struct_local_bytes",
    "struct_field_bytes",
    "valuetype_generic_calls",
    "cctor_checks",
    "generic_lookups",
    "own_class_init",
    "caller_class_init",
    "calls_not_inlined",
    "folded_dead_instrs",
    "casts_to_interface",
    "casts_to_open_class",
    "casts_to_array_or_variable",
    "generic_virtual_calls",
    "struct_newobj",
    "generic_interface_calls",
    "inlined_net_instrs",
    "vanishing_calls",
    "intrinsic_calls",
    "cold_ldstr",
    "cold_corlib_exceptions",
    "cold_ldstr_image_args",
    "aggressive_inlined_il",
    "thread_static_access",
    "shared_static_access",
    "remote_field_access",
    "context_fetches",
    "context_class_inits",
    "barrier_stores",
];

/// Bytes of a value of type `sig` on x64: primitives by width, references 8, structs the sum of
/// their instance fields (to a nesting depth of 4) or, with explicit layout, the end of their
/// last field and at least their declared size, anything unknown 8.
fn value_bytes(p: &Program, sig: TypeRefId, depth: u32) -> f64 {
    match &p.type_refs[sig] {
        TypeSig::Prim(x) => match x {
            Prim::Void => 0.0,
            Prim::Bool | Prim::Int8 | Prim::UInt8 => 1.0,
            Prim::Char | Prim::Int16 | Prim::UInt16 => 2.0,
            Prim::Int32 | Prim::UInt32 | Prim::Float32 => 4.0,
            _ => 8.0,
        },
        TypeSig::Def(d) | TypeSig::Inst { def: d, .. } => {
            let td = &p.types[*d];
            match td.kind {
                TypeKind::Enum => 4.0,
                TypeKind::Struct if depth < 4 => {
                    let fields = td.fields.iter().map(|&x| &p.fields[x]).filter(|x| !x.is_static);
                    // With explicit offsets fields may overlap: the struct ends where its last field
                    // does. A declared size (a fixed buffer) is the least it takes.
                    let end = |x: &FieldData| f64::from(x.offset.unwrap_or(0)) + value_bytes(p, x.ty, depth + 1);
                    let bytes = if fields.clone().any(|x| x.offset.is_some()) {
                        fields.map(end).fold(0.0, f64::max)
                    } else {
                        fields.map(|x| value_bytes(p, x.ty, depth + 1)).sum()
                    };
                    bytes.max(td.class_size.map_or(0.0, f64::from)).max(1.0)
                }
                _ => 8.0,
            }
        }
        _ => 8.0,
    }
}

/// The bytes of `sig` when it is a struct (not a primitive or enum), else 0: what passing it by
/// value copies.
fn struct_bytes(p: &Program, sig: TypeRefId) -> f64 {
    match p.sig_def(sig) {
        Some(d) if p.types[d].kind == TypeKind::Struct => value_bytes(p, sig, 0),
        _ => 0.0,
    }
}

/// Whether a type signature mentions a generic parameter (code shared across instantiations
/// looks it up at run time).
fn mentions_generic(p: &Program, sig: TypeRefId, depth: u32) -> bool {
    depth < 8
        && match &p.type_refs[sig] {
            TypeSig::Var(_) | TypeSig::MVar(_) => true,
            TypeSig::Inst { args, .. } => args.iter().any(|&a| mentions_generic(p, a, depth + 1)),
            TypeSig::Array(e) | TypeSig::ByRef(e) | TypeSig::Ptr(e) => mentions_generic(p, *e, depth + 1),
            _ => false,
        }
}

/// The names of the features, in the order [`features`] returns them: `bias`, `il_bytes`, one
/// `op_…` per opcode group, then the body and signature features.
pub fn feature_names() -> Vec<String> {
    let mut v = vec!["bias".to_string(), "il_bytes".to_string()];
    v.extend(OP_GROUPS.iter().map(|g| format!("op_{g}")));
    v.extend(TAIL.iter().map(|t| t.to_string()));
    v.extend(OP_GROUPS.iter().map(|g| format!("inlined_{g}")));
    v
}

/// The raw-IL features of method `m`: from the reader's table when it has them, else
/// approximated from the model's body.
fn il_of(p: &Program, m: MethodId, table: Option<&[Option<IlFeatures>]>) -> Option<IlFeatures> {
    match table.and_then(|t| t.get(m.as_u32() as usize)).and_then(Option::as_ref) {
        Some(il) => Some(il.clone()),
        None => p.methods[m].body.as_ref().map(IlFeatures::from_body),
    }
}

/// What a type argument is where a body is compiled. Mono compiles a generic method once for all
/// reference-type instantiations, as shared code that looks its type arguments up at run time
/// (the calibration measures that instantiation, `T_REF`), and once per value-type
/// instantiation; a non-generic method that names `List<string>` compiles it with a known
/// reference type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Arg {
    /// A reference type known where the code is compiled.
    Ref,
    /// A value type (or a type the model cannot place).
    Value,
    /// A type parameter of shared code: a reference type known only at run time.
    Shared,
}

/// The type arguments a body is compiled with: its class's (`!0`, …) and its own (`!!0`, …).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Frame {
    vars: Vec<Arg>,
    mvars: Vec<Arg>,
}

/// Mono's inlining decisions for the calls in one method's body and in the bodies inlined into
/// it: the program, the reader's IL features, and the type arguments each body is compiled with
/// ([`Frame`]), from the method's own (shared code when it is generic) down.
#[derive(Clone, Copy)]
struct Inliner<'a> {
    p: &'a Program,
    table: Option<&'a [Option<IlFeatures>]>,
}

impl Inliner<'_> {
    fn il_of(&self, m: MethodId) -> Option<IlFeatures> {
        il_of(self.p, m, self.table)
    }

    /// The frame of method `m` compiled on its own: shared code for each type parameter.
    fn root(&self, m: MethodId) -> Frame {
        let md = &self.p.methods[m];
        let n = self.p.types[md.declaring_type].generic_params.len();
        Frame { vars: vec![Arg::Shared; n], mvars: vec![Arg::Shared; md.generic_params.len()] }
    }

    /// What type `sig`, as written in a body compiled in `frame`, is there.
    fn arg(&self, frame: &Frame, sig: TypeRefId) -> Arg {
        let p = self.p;
        match &p.type_refs[sig] {
            TypeSig::Var(i) => frame.vars.get(*i as usize).copied().unwrap_or(Arg::Value),
            TypeSig::MVar(i) => frame.mvars.get(*i as usize).copied().unwrap_or(Arg::Value),
            TypeSig::Prim(x) => match x {
                Prim::String | Prim::Object => Arg::Ref,
                _ => Arg::Value,
            },
            TypeSig::Array(_) => Arg::Ref,
            _ => match p.sig_def(sig) {
                Some(d) if !p.types[d].kind.is_value_type() => Arg::Ref,
                _ => Arg::Value,
            },
        }
    }

    /// Whether type `sig`, written in a body compiled in `frame`, depends on a type argument
    /// known only at run time (Mono's "context used": the code looks the type up).
    fn uses_context(&self, frame: &Frame, sig: TypeRefId, depth: u32) -> bool {
        depth < 8
            && match &self.p.type_refs[sig] {
                TypeSig::Var(_) | TypeSig::MVar(_) => self.arg(frame, sig) == Arg::Shared,
                TypeSig::Inst { args, .. } => args.iter().any(|&a| self.uses_context(frame, a, depth + 1)),
                TypeSig::Array(e) | TypeSig::ByRef(e) | TypeSig::Ptr(e) => self.uses_context(frame, *e, depth + 1),
                _ => false,
            }
    }

    /// The frame the callee of `r`, called from a body compiled in `frame`, is inlined with.
    fn callee_frame(&self, frame: &Frame, r: MethodRefId) -> Frame {
        let mr = &self.p.method_refs[r];
        Frame { mvars: mr.generic_args.iter().map(|&a| self.arg(frame, a)).collect(), ..self.type_frame(frame, mr.owner) }
    }

    /// The frame the members of type `sig`, written in a body compiled in `frame`, see: its type
    /// arguments placed in `frame` when it is an instantiation, else `frame`'s own (no method
    /// arguments).
    fn type_frame(&self, frame: &Frame, sig: TypeRefId) -> Frame {
        let vars = match &self.p.type_refs[sig] {
            TypeSig::Inst { args, .. } => args.iter().map(|&a| self.arg(frame, a)).collect(),
            _ => frame.vars.clone(),
        };
        Frame { vars, mvars: Vec::new() }
    }

    /// Whether the AOT compiler inlines a direct call `r` from `caller`, compiled in `frame`: a
    /// body under [`INLINE_LIMIT`] bytes (any size with `AggressiveInlining`), no exception
    /// clauses, not dispatched through a slot, not the caller itself, not marked never to be
    /// inlined (a body with `localloc` is not either, [`IlFeatures::NO_INLINE`]), not of a type
    /// whose class constructor must run before the callee does (one that is not
    /// `beforefieldinit`), nor, in shared code, of a type with a class constructor whose
    /// instantiation is known only at run time, not of a class derived from `MarshalByRefObject`
    /// (a call may go to a proxy of an object in another application domain; Mono checks this
    /// before any hint), with nothing in its body that makes Mono give up ([`Inliner::gives_up`]),
    /// and, unless `AggressiveInlining`, a body that makes no call of its own
    /// ([`Inliner::makes_no_call`]).
    fn inlined(&self, caller: MethodId, frame: &Frame, r: MethodRefId, il: &IlFeatures) -> bool {
        self.inlined_within(caller, frame, r, il, INLINE_DEPTH + 1)
    }

    /// [`Inliner::inlined`], with the calls in the callee's body followed `depth` levels down.
    fn inlined_within(&self, caller: MethodId, frame: &Frame, r: MethodRefId, il: &IlFeatures, depth: u32) -> bool {
        let p = self.p;
        let mr = &p.method_refs[r];
        let (callee, c) = (mr.method, &p.methods[mr.method]);
        let always = il.hints & IlFeatures::ALWAYS_INLINE != 0;
        let ok = callee != caller
            && c.body.is_some()
            && (c.il_size < INLINE_LIMIT || always)
            && il.clauses == 0
            && (!c.flags.is_virtual || c.flags.is_final)
            && il.hints & IlFeatures::NO_INLINE == 0
            && !derives_from(p, c.declaring_type, "MarshalByRefObject")
            && (always || !precise_cctor(p, c.declaring_type, il))
            && !(p.cctor(c.declaring_type).is_some() && self.uses_context(frame, mr.owner, 0));
        ok && {
            let inner = self.callee_frame(frame, r);
            if always {
                !self.gives_up(callee, &inner, depth)
            } else {
                self.makes_no_call(callee, &inner, depth)
            }
        }
    }

    /// Whether the constructor that `newobj` of `r`, in a body compiled in `frame`, calls may be
    /// inlined: not when the type's instantiation is known only at run time, nor when it is a
    /// generic struct instantiated over reference types only (Mono passes such a constructor the
    /// type's vtable and then calls it: `benches/mono-inlining/run.sh`, `PairOfString`).
    fn constructor_inlines(&self, frame: &Frame, r: MethodRefId) -> bool {
        let p = self.p;
        let mr = &p.method_refs[r];
        let td = &p.types[p.methods[mr.method].declaring_type];
        if self.uses_context(frame, mr.owner, 0) {
            return false;
        }
        match &p.type_refs[mr.owner] {
            TypeSig::Inst { args, .. } if td.kind.is_value_type() => args.iter().any(|&a| self.arg(frame, a) == Arg::Value),
            _ => true,
        }
    }

    /// Whether the object that `newobj` of `r` in the body of `callee` (compiled in `frame`)
    /// constructs costs no call: an exception of the core library made from up to two strings in
    /// a block that ends in `throw` (`cold`; one helper call, [`corlib_exception_ctor`]), a
    /// delegate (built by the runtime), or an object whose constructor is inlined `depth` levels
    /// down.
    fn constructs_inline(&self, cold: bool, callee: MethodId, frame: &Frame, r: MethodRefId, depth: u32) -> bool {
        let p = self.p;
        let target = p.method_refs[r].method;
        let t = p.methods[target].declaring_type;
        if is_exception(p, t) {
            return cold && corlib_exception_ctor(p, target);
        }
        p.types[t].kind == TypeKind::Delegate
            || (self.constructor_inlines(frame, r)
                && depth > 0
                && self.il_of(target).is_some_and(|cil| self.inlined_within(callee, frame, r, &cil, depth - 1)))
    }

    /// Whether every call in the body of `callee`, compiled in `frame`, goes away: each is
    /// inlined in turn (`depth` levels down) or is an intrinsic, and each object it constructs
    /// costs no call ([`Inliner::constructs_inline`]). Mono 6.8 gives up inlining a method whose
    /// body makes a call: measured on small C# programs with `mono --aot`, a caller of `int F(int
    /// x) { G(x); return x; }` compiles to the same bytes as a caller of `F` marked `NoInlining`,
    /// whether `G` is static, virtual, an exception's constructor or only on a path that is rarely
    /// taken, while callees that read fields, construct objects with constructors that inline,
    /// call callees that inline, or `throw new ArgumentNullException(…)` are inlined
    /// (docs/size-model.md).
    fn makes_no_call(&self, callee: MethodId, frame: &Frame, depth: u32) -> bool {
        let p = self.p;
        let Some(body) = p.methods[callee].body.as_ref() else { return false };
        let cold = throw_blocks(body);
        body.instrs.iter().enumerate().all(|(i, ins)| match ins {
            Instr::NewObj(r) => self.constructs_inline(cold[i], callee, frame, *r, depth),
            Instr::Call(r) | Instr::CallVirt(r) => {
                let target = p.method_refs[*r].method;
                intrinsic(p, target)
                    || (depth > 0 && self.il_of(target).is_some_and(|cil| self.inlined_within(callee, frame, *r, &cil, depth - 1)))
            }
            // An instruction the model cannot name may be a call (into an assembly not found,
            // `calli`). A `switch` is counted as one too, as the model kept it before it had its
            // targets (callees of under 20 bytes rarely have one).
            Instr::Stack { .. } | Instr::Switch(_) => false,
            _ => true,
        })
    }

    /// Whether the body of `callee`, compiled in `frame`, holds something that makes Mono give up
    /// inlining it even with `AggressiveInlining` (its `INLINE_FAILURE`s): an object whose
    /// construction costs a call ([`Inliner::constructs_inline`]; `benches/mono-inlining/run.sh`:
    /// a callee returning `new Span<T>(array, 0, 1)` in shared code is not inlined, one reading
    /// the new span's length through a local is), or a call of a generic virtual method.
    fn gives_up(&self, callee: MethodId, frame: &Frame, depth: u32) -> bool {
        let p = self.p;
        let Some(body) = p.methods[callee].body.as_ref() else { return false };
        let cold = throw_blocks(body);
        body.instrs.iter().enumerate().any(|(i, ins)| match ins {
            Instr::NewObj(r) => !self.constructs_inline(cold[i], callee, frame, *r, depth),
            Instr::CallVirt(r) => {
                let t = &p.methods[p.method_refs[*r].method];
                t.flags.is_virtual && !t.flags.is_final && !p.method_refs[*r].generic_args.is_empty()
            }
            _ => false,
        })
    }

    /// The value a direct call `r` from `caller` folds to once it is inlined: its body is
    /// `ldc.i4 c; ret` (Mono's `EventSource.IsEnabled()` is `false` so; so are many
    /// `IsSupported`-style properties).
    fn constant_callee(&self, caller: MethodId, frame: &Frame, r: MethodRefId) -> Option<i32> {
        let callee = self.p.method_refs[r].method;
        let body = self.p.methods[callee].body.as_ref()?;
        let il = self.il_of(callee)?;
        match body.instrs.as_slice() {
            [Instr::LdcI4(c), Instr::Ret] if self.inlined(caller, frame, r, &il) => Some(*c),
            _ => None,
        }
    }

    /// The instructions of `body` (of `m`, compiled in `frame`) that become unreachable when a
    /// branch right after a call to a constant callee ([`Inliner::constant_callee`]) is decided:
    /// reachable from the entry when every branch may go either way (through every `switch`
    /// target and exception handler too), not when those are folded. By instruction index; empty
    /// when nothing folds.
    fn folded_away(&self, m: MethodId, frame: &Frame, body: &Body) -> Vec<bool> {
        let n = body.instrs.len();
        // Per instruction, the one successor a folded branch keeps.
        let mut folded: Vec<Option<usize>> = Vec::new();
        for (i, pair) in body.instrs.windows(2).enumerate() {
            let (Instr::Call(r) | Instr::CallVirt(r), Instr::BrTrue(to) | Instr::BrFalse(to)) = (pair[0], pair[1]) else { continue };
            let Some(c) = self.constant_callee(m, frame, r) else { continue };
            if folded.is_empty() {
                folded = vec![None; n];
            }
            let taken = matches!(pair[1], Instr::BrTrue(_)) == (c != 0);
            folded[i + 1] = Some(if taken { to as usize } else { i + 2 });
        }
        if folded.is_empty() {
            return Vec::new();
        }
        let reach = |fold: bool| {
            let mut seen = vec![false; n];
            let mut stack: Vec<usize> = body.entries().collect();
            while let Some(i) = stack.pop() {
                if i >= n || std::mem::replace(&mut seen[i], true) {
                    continue;
                }
                match (fold, folded[i]) {
                    (true, Some(next)) => stack.push(next),
                    _ => stack.extend(body.successors(i)),
                }
            }
            seen
        };
        let (all, live) = (reach(false), reach(true));
        all.iter().zip(&live).map(|(&a, &l)| a && !l).collect()
    }

    /// The IL bytes that the call `ins` in `caller` brings in only because of
    /// `AggressiveInlining`: the body of an inlined callee of [`INLINE_LIMIT`] bytes or more,
    /// and, `depth` levels down, of those inlined into it, leaving out the code folding removes
    /// from each body ([`Inliner::folded_away`]). Such callees are inlined whatever their size
    /// (`benches/mono-inlining/run.sh`: a caller of a 183-byte one compiles to 171 bytes, to 42
    /// with it `NoInlining`); mscorlib has most of them.
    fn aggressive_il(&self, caller: MethodId, frame: &Frame, ins: &Instr, depth: u32) -> f64 {
        let Some((callee, _, inner)) = self.inlined_callee(caller, frame, ins) else { return 0.0 };
        let md = &self.p.methods[callee];
        let own = if md.il_size >= INLINE_LIMIT { f64::from(md.il_size) } else { 0.0 };
        let Some(body) = md.body.as_ref().filter(|_| depth > 0) else { return own };
        let dead = self.folded_away(callee, &inner, body);
        own + live_instrs(body, &dead).map(|ins| self.aggressive_il(callee, &inner, ins, depth - 1)).sum::<f64>()
    }

    /// When the direct call or constructor `ins` in `caller` is inlined: the instructions of the
    /// callee's body that do more than pass arguments through or return a constant (not `ldarg`,
    /// `ldc`, `ldnull`, `nop`, `ret`). A call whose callee has none vanishes (the class
    /// libraries' `SR.GetString(name)`, which returns its argument).
    fn inlined_net(&self, caller: MethodId, frame: &Frame, ins: &Instr) -> Option<usize> {
        let (callee, _, _) = self.inlined_callee(caller, frame, ins)?;
        let body = self.p.methods[callee].body.as_ref()?;
        let passes = |i: &&Instr| matches!(i, Instr::LdArg(_) | Instr::Ret | Instr::Op(SimpleOp::Nop) | Instr::LdcI4(_) | Instr::LdNull);
        Some(body.instrs.iter().filter(|i| !passes(i)).count())
    }

    /// The callee of `ins` (a call, or a `newobj` whose constructor may be inlined,
    /// [`Inliner::constructor_inlines`]) with its features and the frame it is inlined with,
    /// when it is inlined into `caller`.
    fn inlined_callee(&self, caller: MethodId, frame: &Frame, ins: &Instr) -> Option<(MethodId, IlFeatures, Frame)> {
        let (Instr::Call(r) | Instr::CallVirt(r) | Instr::NewObj(r)) = ins else { return None };
        let callee = self.p.method_refs[*r].method;
        if matches!(ins, Instr::NewObj(_))
            && (is_exception(self.p, self.p.methods[callee].declaring_type) || !self.constructor_inlines(frame, *r))
        {
            return None;
        }
        let cil = self.il_of(callee).filter(|cil| self.inlined(caller, frame, *r, cil))?;
        Some((callee, cil, self.callee_frame(frame, *r)))
    }

    /// Calls `visit` with `ins` (of a body of `caller` compiled in `frame`, after `prev`) and,
    /// `depth` levels down, with each instruction of the bodies inlined for it
    /// ([`Inliner::inlined_callee`]), each with the method, frame and previous instruction it
    /// has there.
    fn walk_inlined<F>(&self, caller: MethodId, frame: &Frame, prev: Option<&Instr>, ins: &Instr, depth: u32, visit: &mut F)
    where
        F: FnMut(MethodId, &Frame, Option<&Instr>, &Instr),
    {
        visit(caller, frame, prev, ins);
        if depth == 0 {
            return;
        }
        let Some((callee, _, inner)) = self.inlined_callee(caller, frame, ins) else { return };
        if let Some(body) = self.p.methods[callee].body.as_ref() {
            for (i, x) in body.instrs.iter().enumerate() {
                self.walk_inlined(callee, &inner, i.checked_sub(1).map(|j| &body.instrs[j]), x, depth - 1, visit);
            }
        }
    }

    /// The look-ups of the generic context that shared code makes for `ins` in a body of
    /// `caller` compiled in `frame` (the bodies inlined for it are walked by
    /// [`Inliner::walk_inlined`]): one for each call that needs a type or method known only at
    /// run time as an argument (a generic method instantiated over the context, a static method
    /// or a struct's method of a class instantiated over it: the callee's vtable; `newobj` of such
    /// a class; an interface call over it), and for each static field, type check, `typeof`, box
    /// or array of such a type.
    /// Mono fetches each anew, inlined or not (`benches/mono-inlining/context.sh`): a struct
    /// method of `S<T>` calling a getter of its own class twice makes two fetches, a class's
    /// instance method none. Second: those calls and static fields that also initialise a class
    /// with a static constructor (from another class).
    fn context_fetches(&self, caller: MethodId, frame: &Frame, ins: &Instr) -> (f64, f64) {
        let p = self.p;
        let (mut fetches, mut inits) = (0.0, 0.0);
        match ins {
            Instr::Call(r) | Instr::CallVirt(r) | Instr::NewObj(r) => {
                let mr = &p.method_refs[*r];
                let callee = &p.methods[mr.method];
                let owner = callee.declaring_type;
                let method_context = mr.generic_args.iter().any(|&a| self.uses_context(frame, a, 0));
                let class_context = self.uses_context(frame, mr.owner, 0);
                let needs_vtable = callee.flags.is_static || p.types[owner].kind.is_value_type() || matches!(ins, Instr::NewObj(_));
                // A class with a static constructor is initialised before a call from another
                // class; its own code runs initialised.
                let cctor = p.cctor(owner).is_some() && owner != p.methods[caller].declaring_type;
                let interface = matches!(ins, Instr::CallVirt(_)) && p.types[owner].kind == TypeKind::Interface;
                if method_context || (class_context && (needs_vtable || cctor || interface)) {
                    fetches += 1.0;
                }
                if class_context && cctor {
                    inits += 1.0;
                }
            }
            Instr::LdSfld(r) | Instr::LdSflda(r) | Instr::StSfld(r) => {
                let fr = &p.field_refs[*r];
                if self.uses_context(frame, fr.owner, 0) {
                    fetches += 1.0;
                    inits += f64::from(p.cctor(p.fields[fr.field].declaring_type).is_some());
                }
            }
            // Boxing a type parameter of shared code is no operation: it is a reference type.
            Instr::Box(x) => fetches += f64::from(self.uses_context(frame, *x, 0) && self.arg(frame, *x) != Arg::Shared),
            Instr::UnboxAny(x) | Instr::NewArr(x) | Instr::CastClass(x) | Instr::IsInst(x) | Instr::LdToken(Token::Type(x)) => {
                fetches += f64::from(self.uses_context(frame, *x, 0));
            }
            _ => {}
        }
        (fetches, inits)
    }

    /// The references a value of type `sig`, written in a body compiled in `frame`, holds: one
    /// for a reference (a type parameter of shared code is one), the sum over its instance
    /// fields for a struct (its type arguments placed in `frame`, four levels deep), none for
    /// other values and for type parameters the model cannot place.
    fn ref_slots(&self, frame: &Frame, sig: TypeRefId, depth: u32) -> f64 {
        let p = self.p;
        match p.sig_def(sig) {
            Some(d) if p.types[d].kind == TypeKind::Struct => {
                if depth >= 4 {
                    return 0.0;
                }
                let inner = self.type_frame(frame, sig);
                let fields = p.types[d].fields.iter().map(|&x| &p.fields[x]).filter(|x| !x.is_static);
                fields.map(|x| self.ref_slots(&inner, x.ty, depth + 1)).sum()
            }
            _ => f64::from(self.arg(frame, sig) != Arg::Value),
        }
    }

    /// The write barriers a copy of a value of type `sig`, written in a body compiled in `frame`,
    /// into memory the collector scans takes: one per reference in it ([`Inliner::ref_slots`]),
    /// none for a struct of more than five words (Mono copies those with a helper call,
    /// `mini_emit_wb_aware_memcpy`: `ValueTuple` of five references returned with five, of six
    /// with none).
    fn copy_barriers(&self, frame: &Frame, sig: TypeRefId) -> f64 {
        if struct_bytes(self.p, sig) > 40.0 {
            0.0
        } else {
            self.ref_slots(frame, sig, 0)
        }
    }

    /// [`Inliner::copy_barriers`] of `sig` when it is a struct, else none.
    fn struct_copy_barriers(&self, frame: &Frame, sig: TypeRefId) -> f64 {
        if struct_bytes(self.p, sig) > 0.0 {
            self.copy_barriers(frame, sig)
        } else {
            0.0
        }
    }

    /// The stores that `ins` in a body compiled in `frame` makes with the garbage collector's
    /// write barrier (Mono marks a card after each: `shr; and 0x7fffff; add [got]; mov byte`, 23
    /// bytes; the bodies inlined for it are walked by [`Inliner::walk_inlined`]): a `stfld` of a
    /// reference into an instance field (a field of a type parameter of shared code holds one)
    /// unless it is `null` (`null`: the instruction before is `ldnull`), and each reference in a
    /// struct copied into a field, a static field, through `stobj`, into an array element, into a
    /// box or out of one ([`Inliner::copy_barriers`]); an `Interlocked` exchange of a reference.
    /// (`stind.ref` is counted from the opcode groups, which tell it from other `stind`s.) Counted in
    /// mscorlib's AOT code (`benches/mono-inlining/barriers.sh`): `ValueTuple<T1, T2>`'s
    /// constructor stores through `this` with two barriers, `DictionaryEntry`'s inlined
    /// constructor into a temporary with two, a reference into a static field with none.
    fn barrier_stores(&self, frame: &Frame, ins: &Instr, null: bool) -> f64 {
        let p = self.p;
        match ins {
            Instr::StFld(_) if null => 0.0,
            Instr::StFld(r) => {
                let fr = &p.field_refs[*r];
                let fd = &p.fields[fr.field];
                if fd.is_static {
                    0.0
                } else {
                    self.copy_barriers(&self.type_frame(frame, fr.owner), fd.ty)
                }
            }
            // A static field holding a reference is a root the collector scans anyway; one holding
            // a struct is copied into with the barriers (`TimeSpanFormat`'s class constructor).
            Instr::StSfld(r) => self.struct_copy_barriers(frame, p.fields[p.field_refs[*r].field].ty),
            Instr::TypeOp(SimpleOp::StInd, x) => self.copy_barriers(frame, *x),
            // An array element of a reference type is stored by a helper that checks its type.
            Instr::TypeOp(SimpleOp::StElem, x) => self.struct_copy_barriers(frame, *x),
            // `Interlocked.Exchange` and `CompareExchange` of a reference, compiled inline.
            Instr::Call(r) if interlocked_reference(p, p.method_refs[*r].method) => 1.0,
            // Boxing or unboxing a struct copies it (a type parameter of shared code boxes as
            // itself).
            Instr::Box(x) | Instr::UnboxAny(x) => self.struct_copy_barriers(frame, *x),
            _ => 0.0,
        }
    }

    /// Adds the opcode counts of the callee of `ins` when it is inlined into `caller`
    /// ([`Inliner::inlined_callee`]), and, `depth` levels down, of the callees inlined into it.
    fn add_inlined(&self, caller: MethodId, frame: &Frame, ins: &Instr, f: &mut [f64; N_FEATURES], inl: usize, depth: u32) {
        let Some((callee, cil, inner)) = self.inlined_callee(caller, frame, ins) else { return };
        for (i, &c) in cil.counts.iter().enumerate() {
            f[inl + i] += f64::from(c);
        }
        if let Some(body) = self.p.methods[callee].body.as_ref().filter(|_| depth > 0) {
            for ins in &body.instrs {
                self.add_inlined(callee, &inner, ins, f, inl, depth - 1);
            }
        }
    }
}

/// Whether Mono 6.8 compiles a call to `m` inline, as an intrinsic (`mini_emit_inst_for_method`
/// and the architecture's additions): the string's length and characters, `GetType`, array
/// length and rank, `typeof` (`ldtoken` then `Type.GetTypeFromHandle`), span indexing, `Unsafe`,
/// `Interlocked`, `Volatile`, memory barriers, some of `Math`. A callee whose only calls are these
/// still inlines (`benches/mono-inlining`: `Interlocked.Increment`, `GetType`, `typeof`).
fn intrinsic(p: &Program, m: MethodId) -> bool {
    let md = &p.methods[m];
    let t = &p.types[md.declaring_type];
    let n = md.name.as_str();
    match (t.namespace.as_str(), t.name.as_str()) {
        ("System", "String") => matches!(n, "get_Length" | "get_Chars"),
        ("System", "Object") => n == "GetType",
        ("System", "Array") => matches!(
            n,
            "get_Length" | "get_Rank" | "GetGenericValueImpl" | "SetGenericValueImpl" | "UnsafeLoad" | "UnsafeStore" | "UnsafeMov"
        ),
        ("System", "Type") => n == "GetTypeFromHandle",
        ("System", "Span`1" | "ReadOnlySpan`1") => matches!(n, "get_Item" | "get_Length"),
        ("System", "ByReference`1") => true,
        ("System", "Math") => matches!(n, "Abs" | "Sqrt" | "Sin" | "Cos" | "Min" | "Max"),
        ("System", "Enum") => n == "HasFlag",
        ("System.Runtime.CompilerServices", "Unsafe" | "JitHelpers") => true,
        ("System.Runtime.CompilerServices", "RuntimeHelpers") => {
            matches!(n, "get_OffsetToStringData" | "IsReferenceOrContainsReferences" | "IsBitwiseEquatable" | "ObjectHasComponentSize")
        }
        ("System.Threading", "Interlocked") => true,
        ("System.Threading", "Volatile") => matches!(n, "Read" | "Write"),
        ("System.Threading", "Thread") => matches!(n, "MemoryBarrier" | "SpinWait_nop" | "VolatileRead" | "VolatileWrite"),
        ("System.Numerics", "Vector") => n == "get_IsHardwareAccelerated",
        _ => false,
    }
}

/// Whether `m` is `Interlocked.Exchange` or `CompareExchange` of a reference (`object` or a type
/// parameter): Mono compiles it inline, with a write barrier.
fn interlocked_reference(p: &Program, m: MethodId) -> bool {
    let md = &p.methods[m];
    let t = &p.types[md.declaring_type];
    t.namespace == "System.Threading"
        && t.name == "Interlocked"
        && matches!(md.name.as_str(), "Exchange" | "CompareExchange")
        && matches!(p.type_refs[md.ret], TypeSig::Prim(Prim::Object) | TypeSig::MVar(_))
}

/// The instructions of `body` that `dead` ([`Inliner::folded_away`]) does not mark.
fn live_instrs<'a>(body: &'a Body, dead: &'a [bool]) -> impl Iterator<Item = &'a Instr> + 'a {
    body.instrs.iter().enumerate().filter(|(i, _)| !dead.get(*i).copied().unwrap_or(false)).map(|(_, ins)| ins)
}

/// Whether the instance field access at `i` in `body` (of method `m`) goes through Mono's
/// remoting wrapper: a field of a class derived from `MarshalByRefObject` on an object that may
/// be a proxy for one in another application domain, that is any object but `this` (a field of
/// `MarshalByRefObject` itself always). The object is taken to be `this` when `ldarg.0` of an
/// instance method pushed it right before the access (before the stored value, for `stfld`).
fn remote_field(p: &Program, m: MethodId, body: &Body, i: usize, owner: TypeId) -> bool {
    if !derives_from(p, owner, "MarshalByRefObject") {
        return false;
    }
    let t = &p.types[owner];
    if t.namespace == "System" && t.name == "MarshalByRefObject" {
        return true;
    }
    let pushes_one = |k: usize| {
        matches!(
            body.instrs.get(k),
            Some(Instr::LdArg(_) | Instr::LdLoc(_) | Instr::LdcI4(_) | Instr::LdNull | Instr::LdStr(_) | Instr::Op(SimpleOp::LdConst))
        )
    };
    let object_at = match body.instrs[i] {
        Instr::StFld(_) if i >= 2 && pushes_one(i - 1) => Some(i - 2),
        Instr::StFld(_) => None,
        _ => i.checked_sub(1),
    };
    let is_this = !p.methods[m].flags.is_static && object_at.is_some_and(|k| body.instrs[k] == Instr::LdArg(0));
    !is_this
}

/// Whether type `t`, whose method's features are `il`, has a class constructor with precise
/// timing (not `beforefieldinit`): it runs on entry to the type's static methods and constructors.
fn precise_cctor(p: &Program, t: TypeId, il: &IlFeatures) -> bool {
    il.hints & IlFeatures::BEFORE_FIELD_INIT == 0 && p.cctor(t).is_some()
}

/// Whether `t` is `System.Exception` or derives from it (Mono does not inline their constructors).
fn is_exception(p: &Program, t: TypeId) -> bool {
    derives_from(p, t, "Exception")
}

/// Whether `t` is `System.{name}` or derives from it.
fn derives_from(p: &Program, t: TypeId, name: &str) -> bool {
    let mut cur = Some(t);
    for _ in 0..64 {
        let Some(x) = cur else { return false };
        if p.types[x].name == name && p.types[x].namespace == "System" {
            return true;
        }
        cur = p.types[x].base.and_then(|b| p.sig_def(b));
    }
    false
}

/// The instructions of `body` that Mono's AOT compiler treats as out of line: each basic block
/// that holds a `throw`, from the nearest block start before it (the method's start, a branch or
/// `switch` target, a handler, or the instruction after a branch or `switch`; not after `ret` or
/// `throw`, as Mono's `get_basic_blocks` marks them). In such a block an `ldstr` becomes a call to
/// a helper that takes the string's token, and the image too outside the core library (measured:
/// `ldstr; newobj NotSupportedException(string); throw` compiles to 60 bytes in mscorlib and to 67
/// in System and in a test assembly, `mov rdi, [got]` being 7 bytes), and the exceptions of the
/// core library constructed from up to two strings are made by one helper call from their type's
/// token (`benches/mono-inlining/Throw.cs`).
fn throw_blocks(body: &Body) -> Vec<bool> {
    let n = body.instrs.len();
    let start = body.block_starts(false);
    let mut cold = vec![false; n];
    for i in (0..n).filter(|&i| body.instrs[i] == Instr::Throw) {
        let mut k = i;
        loop {
            cold[k] = true;
            if start[k] {
                break;
            }
            k -= 1;
        }
    }
    cold
}

/// Whether type `t` is declared by the core library: its base chain ends at a `System.Object` of
/// its own assembly (a type without a base, an interface, is taken by its assembly's name).
fn in_core_library(p: &Program, t: TypeId) -> bool {
    let asm = p.types[t].assembly;
    let mut cur = t;
    for _ in 0..64 {
        match p.types[cur].base.and_then(|b| p.sig_def(b)) {
            Some(b) => cur = b,
            None => break,
        }
    }
    let root = &p.types[cur];
    if root.namespace == "System" && root.name == "Object" {
        root.assembly == asm
    } else {
        ["mscorlib", "System.Private.CoreLib"].contains(&p.assemblies[asm].name.as_str())
    }
}

/// Whether `ctor` constructs an exception of the core library from no more than two strings:
/// Mono makes those in a `throw` block with one helper call (`mono_create_corlib_exception_0/1/2`)
/// from the type's token instead of allocating and calling the constructor.
fn corlib_exception_ctor(p: &Program, ctor: MethodId) -> bool {
    let md = &p.methods[ctor];
    md.params.len() <= 2
        && md.params.iter().all(|x| p.type_refs[x.ty] == TypeSig::Prim(Prim::String))
        && derives_from(p, md.declaring_type, "Exception")
        && in_core_library(p, md.declaring_type)
}

/// What a type check against `target` (`castclass`, `isinst`, `unbox.any`) compiles to, as an
/// offset into the cast features: 0 an interface (a test of the object's interface bitmap), 1 a
/// class that is not sealed (a test of its depth and supertype table), 2 an array or a generic
/// parameter (a call into the runtime, or a look-up in shared code); `None` for sealed classes
/// and value types, a compare of the object's class with one constant.
fn cast_kind(p: &Program, target: TypeRefId) -> Option<usize> {
    match &p.type_refs[target] {
        TypeSig::Array(_) | TypeSig::Var(_) | TypeSig::MVar(_) => Some(2),
        _ => match p.sig_def(target).map(|d| &p.types[d]) {
            Some(td) if td.kind == TypeKind::Interface => Some(0),
            Some(td) if td.kind == TypeKind::Class && !td.is_sealed => Some(1),
            _ => None,
        },
    }
}

/// The calls and constructions in the body of `m` (`call`, `callvirt`, `newobj`, in order), each
/// with whether the features count its callee as inlined: the model's inlining decisions, to
/// check against a compiler's output (`aotsim calibrate --export-inlining`,
/// `benches/mono-inlining/decisions.py`).
pub fn inlining_decisions(p: &Program, m: MethodId, il: Option<&[Option<IlFeatures>]>) -> Vec<(MethodRefId, bool)> {
    let inliner = Inliner { p, table: il };
    let frame = inliner.root(m);
    let Some(body) = p.methods[m].body.as_ref() else { return Vec::new() };
    body.instrs
        .iter()
        .filter_map(|ins| match ins {
            Instr::Call(r) | Instr::NewObj(r) | Instr::CallVirt(r) => Some((*r, inliner.inlined_callee(m, &frame, ins).is_some())),
            _ => None,
        })
        .collect()
}

/// The features of method `m`: from `il` (what the assembly reader counted in each method's raw
/// IL, by method id) when given, else approximated from the model's instructions. The last block
/// counts the instructions that inlining small callees brings in. All zero but `bias` without a
/// body.
pub fn features(p: &Program, m: MethodId, il: Option<&[Option<IlFeatures>]>) -> [f64; N_FEATURES] {
    let md = &p.methods[m];
    let mut f = [0.0; N_FEATURES];
    f[0] = 1.0;
    let Some(body) = &md.body else { return f };
    f[1] = f64::from(md.il_size);
    let table = il;
    let Some(own) = il_of(p, m, table) else { return f };
    let inliner = Inliner { p, table };
    let frame = inliner.root(m);
    let il = &own;
    let inl = 2 + OP_GROUPS.len() + TAIL.len();
    for (i, &c) in il.counts.iter().enumerate() {
        f[2 + i] = f64::from(c);
    }
    let t = 2 + OP_GROUPS.len();
    f[t] = f64::from(il.clauses);
    f[t + 1] = f64::from(il.max_stack);
    f[t + 2] = body.locals.len() as f64;
    f[t + 3] = md.params.len() as f64;
    f[t + 4] = f64::from(!md.generic_params.is_empty() || !p.types[md.declaring_type].generic_params.is_empty());
    f[t + 5] = body.locals.iter().filter(|&&l| p.sig_def(l).is_some_and(|x| p.types[x].kind.is_value_type())).count() as f64;
    f[t + 6] = f64::from(!md.flags.is_static);
    f[t + 7] = f64::from(p.type_refs[md.ret] != TypeSig::Prim(Prim::Void));
    // A type signature that is a value type (struct or enum, not a primitive reference).
    let is_value = |sig: TypeRefId| match &p.type_refs[sig] {
        TypeSig::Prim(x) => !matches!(x, Prim::String | Prim::Object | Prim::Void),
        _ => p.sig_def(sig).is_some_and(|d| p.types[d].kind.is_value_type()),
    };
    let is_reference = |sig: TypeRefId| match &p.type_refs[sig] {
        TypeSig::Prim(x) => matches!(x, Prim::String | Prim::Object),
        TypeSig::Array(_) => true,
        _ => p.sig_def(sig).is_some_and(|d| !p.types[d].kind.is_value_type()),
    };
    let has_cctor = |t: TypeId| p.cctor(t).is_some();
    // A `beforefieldinit` class constructor of another type: the caller checks it.
    let caller_checks = |t: TypeId| {
        t != md.declaring_type && p.cctor(t).and_then(|c| il_of(p, c, table)).is_some_and(|c| c.hints & IlFeatures::BEFORE_FIELD_INIT != 0)
    };
    for (i, ins) in body.instrs.iter().enumerate() {
        match ins {
            Instr::Call(r) | Instr::CallVirt(r) | Instr::NewObj(r) => {
                let mr = &p.method_refs[*r];
                let callee = &p.methods[mr.method];
                f[t + 8] += callee.params.len() as f64 + f64::from(!callee.flags.is_static);
                f[t + 9] += f64::from(p.type_refs[callee.ret] != TypeSig::Prim(Prim::Void));
                f[t + 10] += f64::from(!mr.generic_args.is_empty() || matches!(p.type_refs[mr.owner], TypeSig::Inst { .. }));
                let owner_kind = p.types[callee.declaring_type].kind;
                if callee.flags.is_virtual && !mr.generic_args.is_empty() {
                    f[t + 38] += 1.0; // a generic virtual method: dispatched through a run-time lookup
                }
                if matches!(ins, Instr::NewObj(_)) && owner_kind == TypeKind::Struct {
                    f[t + 39] += 1.0;
                }
                if owner_kind == TypeKind::Interface && matches!(p.type_refs[mr.owner], TypeSig::Inst { .. }) {
                    f[t + 40] += 1.0;
                }
                if !matches!(ins, Instr::NewObj(_)) && intrinsic(p, mr.method) {
                    f[t + 43] += 1.0;
                }
                if let Some(net) = inliner.inlined_net(m, &frame, ins) {
                    f[t + 41] += net as f64;
                    if net == 0 && !matches!(ins, Instr::NewObj(_)) {
                        f[t + 42] += 1.0;
                    }
                }
                if matches!(ins, Instr::CallVirt(_)) {
                    if owner_kind == TypeKind::Interface {
                        f[t + 13] += 1.0;
                    } else if callee.flags.is_virtual {
                        f[t + 14] += 1.0;
                    } else {
                        f[t + 15] += 1.0;
                    }
                    if owner_kind == TypeKind::Delegate && callee.name == "Invoke" {
                        f[t + 16] += 1.0;
                    }
                }
                // Small non-virtual callees with a body are the ones an AOT compiler inlines.
                if !callee.flags.is_virtual && callee.il_size > 0 && callee.il_size <= INLINE_LIMIT {
                    f[t + 17] += 1.0;
                    f[t + 18] += f64::from(callee.il_size);
                }
                inliner.add_inlined(m, &frame, ins, &mut f, inl, INLINE_DEPTH);
                if !matches!(ins, Instr::CallVirt(_)) && callee.il_size > 0 && callee.il_size < INLINE_LIMIT {
                    let cil = il_of(p, mr.method, table);
                    if cil.is_some_and(|cil| !inliner.inlined(m, &frame, *r, &cil)) {
                        f[t + 33] += 1.0;
                    }
                }
                if callee.flags.is_static && caller_checks(callee.declaring_type) {
                    f[t + 32] += 1.0;
                }
                f[t + 19] += callee.params.iter().filter(|x| is_value(x.ty)).count() as f64;
                f[t + 24] += callee.params.iter().map(|x| struct_bytes(p, x.ty)).sum::<f64>() + struct_bytes(p, callee.ret);
                let owner_is_struct = p.sig_def(mr.owner).is_some_and(|d| p.types[d].kind == TypeKind::Struct);
                if (owner_is_struct && matches!(p.type_refs[mr.owner], TypeSig::Inst { .. }))
                    || mr.generic_args.iter().any(|&g| is_value(g))
                {
                    f[t + 28] += 1.0;
                }
                if callee.flags.is_static && callee.declaring_type != md.declaring_type && has_cctor(callee.declaring_type) {
                    f[t + 29] += 1.0;
                }
                if mentions_generic(p, mr.owner, 0) || mr.generic_args.iter().any(|&g| mentions_generic(p, g, 0)) {
                    f[t + 30] += 1.0;
                }
            }
            Instr::LdFld(r) | Instr::LdFlda(r) | Instr::StFld(r) | Instr::LdSfld(r) | Instr::LdSflda(r) | Instr::StSfld(r) => {
                let fr = &p.field_refs[*r];
                f[t + 11] += f64::from(matches!(p.type_refs[fr.owner], TypeSig::Inst { .. }));
                let fd = &p.fields[fr.field];
                if matches!(ins, Instr::StFld(_) | Instr::StSfld(_)) && is_reference(fd.ty) {
                    f[t + 20] += 1.0; // a store the GC's write barrier guards
                }
                if p.sig_def(fd.ty).is_some_and(|d| p.types[d].kind == TypeKind::Struct) {
                    f[t + 21] += 1.0;
                }
                if fd.is_static && fd.declaring_type != md.declaring_type {
                    f[t + 23] += 1.0; // may need the other type's class-constructor check
                    if has_cctor(fd.declaring_type) {
                        f[t + 29] += 1.0;
                    }
                    if caller_checks(fd.declaring_type) {
                        f[t + 32] += 1.0;
                    }
                }
                f[t + 27] += struct_bytes(p, fd.ty);
                if mentions_generic(p, fr.owner, 0) {
                    f[t + 30] += 1.0;
                }
                if fd.is_static {
                    if fd.attributes.iter().any(|a| p.type_name(p.methods[a.ctor].declaring_type) == "System.ThreadStaticAttribute") {
                        f[t + 48] += 1.0;
                    }
                    if inliner.uses_context(&frame, fr.owner, 0) {
                        f[t + 49] += 1.0;
                    }
                } else if remote_field(p, m, body, i, fd.declaring_type) {
                    f[t + 50] += 1.0;
                }
            }
            Instr::Box(x) | Instr::UnboxAny(x) | Instr::NewArr(x) | Instr::CastClass(x) | Instr::IsInst(x) | Instr::InitObj(x) => {
                if mentions_generic(p, *x, 0) {
                    f[t + 30] += 1.0;
                }
                if matches!(ins, Instr::CastClass(_) | Instr::IsInst(_) | Instr::UnboxAny(_)) {
                    if let Some(k) = cast_kind(p, *x) {
                        f[t + 35 + k] += 1.0;
                    }
                }
            }
            _ => {}
        }
    }
    // Blocks that end in `throw`, which Mono compiles out of line (see `throw_blocks`).
    let cold = throw_blocks(body);
    let core = in_core_library(p, md.declaring_type);
    for (ins, _) in body.instrs.iter().zip(&cold).filter(|(_, &c)| c) {
        match ins {
            Instr::LdStr(_) => {
                f[t + 44] += 1.0;
                f[t + 46] += f64::from(!core);
            }
            Instr::NewObj(r) if corlib_exception_ctor(p, p.method_refs[*r].method) => f[t + 45] += 1.0,
            _ => {}
        }
    }
    f[t + 12] = (body.instrs.len() as f64 - 200.0).max(0.0);
    let entry_checked = (md.flags.is_static && !md.is_static_constructor()) || md.is_constructor();
    f[t + 31] = f64::from(entry_checked && precise_cctor(p, md.declaring_type, il));
    let dead = inliner.folded_away(m, &frame, body);
    f[t + 34] = dead.iter().filter(|&&d| d).count() as f64;
    f[t + 47] = live_instrs(body, &dead).map(|ins| inliner.aggressive_il(m, &frame, ins, INLINE_DEPTH)).sum();
    // What each instruction costs in shared code's context look-ups and in write barriers,
    // counted with the bodies inlined for it in one walk.
    for (i, ins) in body.instrs.iter().enumerate() {
        let prev = i.checked_sub(1).map(|j| &body.instrs[j]);
        inliner.walk_inlined(m, &frame, prev, ins, INLINE_DEPTH, &mut |caller, frame, prev, ins| {
            let (fetches, inits) = inliner.context_fetches(caller, frame, ins);
            f[t + 51] += fetches;
            f[t + 52] += inits;
            f[t + 53] += inliner.barrier_stores(frame, ins, matches!(prev, Some(Instr::LdNull)));
        });
    }
    // `stind.ref`, in the body and in those inlined into it, stores with a barrier.
    let stind_ref = OP_GROUPS.iter().position(|g| *g == "stind_ref").expect("a group");
    f[t + 53] += f[2 + stind_ref] + f[inl + stind_ref];
    // A struct returned copies into the caller's buffer, a barrier for each reference in it.
    // One of a word or less comes back in a register.
    if body.instrs.iter().any(|i| matches!(i, Instr::Ret)) && struct_bytes(p, md.ret) > 8.0 {
        f[t + 53] += inliner.copy_barriers(&frame, md.ret);
    }
    f[t + 25] = md.params.iter().map(|x| struct_bytes(p, x.ty)).sum::<f64>() + struct_bytes(p, md.ret);
    f[t + 26] = body.locals.iter().map(|&l| struct_bytes(p, l)).sum();
    f[t + 22] = body
        .locals
        .iter()
        .filter_map(|&l| p.sig_def(l))
        .filter(|&d| p.types[d].kind == TypeKind::Struct)
        .map(|d| p.types[d].fields.iter().filter(|&&x| !p.fields[x].is_static).count() as f64)
        .sum();
    f
}

/// How a profile turns features into bytes.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Form {
    /// bytes = Σ weight · feature: a cost table, each feature priced in bytes.
    #[default]
    Linear,
    /// bytes = exp(Σ weight · ln(1 + feature)): multiplicative, each weight an elasticity.
    LogLinear,
    /// bytes = scale · exp(forest(features)): gradient-boosted trees on ln bytes.
    Gbdt,
}

fn one() -> f64 {
    1.0
}

/// A backend: what each feature costs in bytes of machine code.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Profile {
    /// `mono-x64`, `ilc-x64`, …
    pub name: String,
    /// Where the weights come from.
    pub source: String,
    /// How the weights combine.
    #[serde(default)]
    pub form: Form,
    /// Bytes per unit of each feature, by name (the order of [`feature_names`]). For the tree
    /// form, the cost table whose estimate the forest's factor multiplies ([`tree_base`]).
    pub weights: Vec<(String, f64)>,
    /// The smallest method the backend emits, in bytes.
    pub min_bytes: f64,
    /// For the tree form: the names of the features its splits index, in order (the trees
    /// read features by position, so a profile fitted on another feature set cannot be used).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub features: Vec<String>,
    /// For the tree form: the forest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub forest: Option<gbdt::Forest>,
    /// For the tree form: the factor that makes the fitted total exact.
    #[serde(default = "one")]
    pub scale: f64,
    /// A target's factor on the fitted estimate (the `ilc-*` profiles scale `mono-x64` by the
    /// factors of `profiles/app-model.json`); 1 for a fitted profile.
    #[serde(default = "one", skip_serializing_if = "is_one")]
    pub factor: f64,
    /// For the tree form: when set to `k`, the trees model the ratio of the measured bytes to a
    /// base that grows with the method, `ln(native / base)`, and the estimate is `scale ·
    /// exp(forest) · base`: the cost table's estimate ([`Profile::weights`]) and at least
    /// [`BASE_FLOOR`] · (il + k), or il + k for a profile without a table. Large methods then
    /// scale with their size instead of being capped at the largest leaf seen in the fit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_il: Option<f64>,
    /// For the tree form: bytes per unit of features whose cost is known from the compiler
    /// rather than fitted ([`KNOWN_BYTES`]), added to the trees' estimate (and taken out of the
    /// measurements before the trees are fitted).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub known: Vec<(String, f64)>,
}

/// Costs the tree form takes as known instead of fitting them: an `ldstr` in a block that ends in
/// `throw` passes the image to Mono's helper outside the core library, `mov rdi, [got]`, 7 bytes
/// (`throw_blocks`; measured with `benches/mono-inlining/throw.sh`). Fitted, the trees could not
/// learn it for the core library when it is held out: none of the other assemblies is one.
pub const KNOWN_BYTES: [(&str, f64); 1] = [("cold_ldstr_image_args", 7.0)];

/// The bytes that `known` (feature name, bytes per unit) prices in features `f`; a name this
/// version does not compute prices nothing ([`Profile::check_features`] refuses such profiles).
fn known_bytes(known: &[(String, f64)], f: &[f64; N_FEATURES]) -> f64 {
    known.iter().map(|(name, bytes)| feature_index(name).map_or(0.0, |i| bytes * f[i])).sum()
}

/// The index of the feature called `name` ([`feature_names`]).
fn feature_index(name: &str) -> Option<usize> {
    let t = 2 + OP_GROUPS.len();
    if name == "bias" {
        return Some(0);
    }
    if name == "il_bytes" {
        return Some(1);
    }
    if let Some(g) = name.strip_prefix("op_").and_then(|g| OP_GROUPS.iter().position(|x| *x == g)) {
        return Some(2 + g);
    }
    if let Some(k) = TAIL.iter().position(|x| *x == name) {
        return Some(t + k);
    }
    name.strip_prefix("inlined_").and_then(|g| OP_GROUPS.iter().position(|x| *x == g)).map(|g| t + TAIL.len() + g)
}

/// How many forests the tree form averages, each fitted on its own draw of rows: the trees of one
/// fit move a held-out figure by a few tenths of a point with any change to their inputs, and the
/// mean of two moved every measured fold's 90th percentile down (docs/size-model.md).
const FORESTS: u64 = 2;

/// The least bytes per IL byte the tree form's base takes ([`tree_base`]): the cost table
/// may price a method near or below zero.
const BASE_FLOOR: f64 = 0.25;

/// The bytes of cost table `weights` (bytes per unit of each feature, in order) for features `f`.
fn table_bytes(weights: &[(String, f64)], f: &[f64; N_FEATURES]) -> f64 {
    weights.iter().zip(f.iter()).map(|((_, w), x)| w * x).sum()
}

/// What the tree form's forest multiplies: the bytes of its cost table `weights`
/// ([`Profile::weights`]) for features `f`, at least [`BASE_FLOOR`] bytes per IL byte (`il +
/// per_il`); a profile without a table (fitted before it had one) takes `il + per_il` itself.
fn tree_base(weights: &[(String, f64)], per_il: Option<f64>, f: &[f64; N_FEATURES]) -> f64 {
    let il = per_il.map_or(1.0, |k| f[1] + k);
    if weights.is_empty() {
        return il;
    }
    table_bytes(weights, f).max(BASE_FLOOR * il)
}

/// The `k` of [`Profile::per_il`] that `fit_form` uses: 16 held out better than 4 or none
/// (docs/size-model.md).
const PER_IL: f64 = 16.0;

fn is_one(x: &f64) -> bool {
    *x == 1.0
}

impl Profile {
    /// The estimated native bytes of a method with features `f`.
    pub fn estimate(&self, f: &[f64; N_FEATURES]) -> f64 {
        let raw: f64 = match self.form {
            Form::Linear => table_bytes(&self.weights, f),
            Form::LogLinear => table_bytes(&self.weights, &log_features(f)).exp(),
            Form::Gbdt => self.forest.as_ref().map_or(0.0, |t| self.tree_bytes(t.predict(f), f)),
        };
        (raw * self.factor).max(self.min_bytes)
    }

    /// [`Profile::estimate`] of each row, the same values; faster for many rows of the tree form
    /// (about 3× on a few hundred rows at a time, [`gbdt::Forest::predict_many`]).
    pub fn estimate_many(&self, rows: &[[f64; N_FEATURES]]) -> Vec<f64> {
        match (self.form, &self.forest) {
            (Form::Gbdt, Some(forest)) => forest
                .predict_many(rows)
                .into_iter()
                .zip(rows)
                .map(|(y, f)| (self.tree_bytes(y, f) * self.factor).max(self.min_bytes))
                .collect(),
            _ => rows.iter().map(|f| self.estimate(f)).collect(),
        }
    }

    /// Bytes from the forest's prediction `y` for features `f` (before the target factor).
    fn tree_bytes(&self, y: f64, f: &[f64; N_FEATURES]) -> f64 {
        self.scale * y.exp() * tree_base(&self.weights, self.per_il, f) + self.known_bytes(f)
    }

    /// The bytes of [`Profile::known`]'s features in an estimate of features `f`, before the
    /// target factor.
    fn known_bytes(&self, f: &[f64; N_FEATURES]) -> f64 {
        known_bytes(&self.known, f)
    }

    /// An error when the profile was fitted on features other than this version's
    /// ([`feature_names`]): the tree form names them in `features`, the others in `weights`.
    pub fn check_features(&self) -> Result<(), String> {
        let names = feature_names();
        let theirs: Vec<&str> = match self.form {
            Form::Gbdt => self.features.iter().map(String::as_str).collect(),
            Form::Linear | Form::LogLinear => self.weights.iter().map(|(n, _)| n.as_str()).collect(),
        };
        if let Some((n, _)) = self.known.iter().find(|(n, _)| feature_index(n).is_none()) {
            return Err(format!(
                "profile {} prices a feature this aotsim does not compute, `{n}`: refit it with `aotsim calibrate`",
                self.name
            ));
        }
        let table_matches = self.form != Form::Gbdt
            || self.weights.is_empty()
            || self.weights.iter().map(|(n, _)| n.as_str()).eq(names.iter().map(String::as_str));
        if table_matches && theirs.iter().copied().eq(names.iter().map(String::as_str)) {
            return Ok(());
        }
        let first = names.iter().zip(&theirs).position(|(a, b)| a != b).unwrap_or(names.len().min(theirs.len()));
        Err(format!(
            "profile {} was fitted on {} features, this aotsim computes {} (they differ from feature {}, {}): refit it with `aotsim calibrate`",
            self.name,
            theirs.len(),
            names.len(),
            first,
            names.get(first).map_or("(none)", String::as_str)
        ))
    }

    /// The built-in profiles: `mono-x64` (fitted on the calibration data) and one `ilc-ARCH` per
    /// target of the app model (`ilc-x64`, `ilc-arm64`, `ilc-x86`: `mono-x64` scaled by the
    /// target's documented code factor).
    pub fn built_in(name: &str) -> Option<Profile> {
        let mono: Profile = serde_json::from_str(include_str!("../profiles/mono-x64.json")).ok()?;
        if name == "mono-x64" {
            return Some(mono);
        }
        let model = app::AppModel::built_in();
        let target = model.targets.iter().find(|t| t.profile == name)?;
        Some(Profile {
            name: name.to_string(),
            source: format!("mono-x64 × {} ({:?}: {})", target.code_factor.value, target.code_factor.kind, target.code_factor.source),
            factor: target.code_factor.value,
            ..mono
        })
    }

    /// The names of the built-in profiles.
    pub fn built_in_names() -> Vec<String> {
        let mut v = vec!["mono-x64".to_string()];
        v.extend(app::AppModel::built_in().targets.iter().map(|t| t.profile.clone()));
        v
    }

    /// Each feature's share of an estimate, largest first: what drove it.
    pub fn explain(&self, f: &[f64; N_FEATURES]) -> Vec<(String, f64)> {
        let total = self.estimate(f);
        if let (Form::Gbdt, Some(forest)) = (self.form, &self.forest) {
            // Known costs are their bytes; the trees' share is split by path contributions.
            let known: Vec<(String, f64)> =
                self.known.iter().filter_map(|(n, b)| feature_index(n).map(|i| (n.clone(), b * f[i] * self.factor))).collect();
            let trees = total - known.iter().map(|k| k.1).sum::<f64>();
            // The cost table's share of the base, each feature its price, or all of it IL bytes
            // when the base is the floor; then what each feature's tree path contributions add.
            let table: Vec<f64> = self.weights.iter().zip(f.iter()).map(|((_, w), x)| w * x).collect();
            let base = tree_base(&self.weights, self.per_il, f);
            let share = |i: usize| match table.get(i) {
                Some(t) if base <= table.iter().sum() => trees * t / base,
                _ if i == 1 && !table.is_empty() => trees,
                _ => 0.0,
            };
            let mut v: Vec<(String, f64)> = feature_names()
                .into_iter()
                .zip(forest.contributions(f, N_FEATURES))
                .enumerate()
                .map(|(i, (n, c))| (n, share(i) + trees - trees / c.exp()))
                .collect();
            for (n, b) in known {
                if let Some(x) = v.iter_mut().find(|x| x.0 == n) {
                    x.1 += b;
                }
            }
            v.retain(|(_, b)| b.abs() > 0.5);
            v.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()));
            return v;
        }
        let x = match self.form {
            Form::LogLinear => log_features(f),
            _ => *f,
        };
        // For the log-linear form each term is a factor exp(w·x); shown as the bytes it adds on
        // top of the estimate without it.
        let mut v: Vec<(String, f64)> = self
            .weights
            .iter()
            .zip(x.iter())
            .map(|((n, w), x)| match self.form {
                Form::LogLinear => (n.clone(), total - total / (w * x).exp()),
                _ => (n.clone(), w * x * self.factor),
            })
            .filter(|(_, b)| *b != 0.0)
            .collect();
        v.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()));
        v
    }
}

/// One measured method: its features and its measured native size.
#[derive(Clone, Debug)]
pub struct Sample {
    /// The group it belongs to (its assembly), for cross-validation.
    pub group: String,
    /// Features.
    pub features: [f64; N_FEATURES],
    /// Measured bytes.
    pub native: f64,
}

/// How strongly the fit favours small methods: each method weighs `1 / native^WEIGHT_POWER`.
/// 2 would minimise relative error (best median, sums 12 % low on held-out assemblies), 0 absolute
/// error (large methods dominate); 1.5 with the total rescaled kept held-out assembly totals within
/// ±9 % (docs/size-model.md has the comparison).
pub const WEIGHT_POWER: f64 = 1.5;

/// Fits a profile by weighted least squares (weights `1 / native^WEIGHT_POWER`, a small ridge
/// term for rare features), then rescales it so the total over the fitted methods is exact.
pub fn fit(samples: &[Sample], name: &str, source: &str) -> Profile {
    fit_form(samples, name, source, Form::Linear)
}

/// `ln(1 + x)` of every feature but the bias: the inputs of the log-linear form.
pub fn log_features(f: &[f64; N_FEATURES]) -> [f64; N_FEATURES] {
    let mut out = [0.0; N_FEATURES];
    out[0] = f[0];
    for i in 1..N_FEATURES {
        out[i] = f[i].max(0.0).ln_1p();
    }
    out
}

/// Fits a profile of the given form. Linear: weighted least squares (weights
/// `1 / native^WEIGHT_POWER`). Log-linear: ordinary least squares of `ln(native)` on
/// `ln(1 + feature)`. Both get a small ridge term and are rescaled so that the total over the
/// fitted methods is exact.
pub fn fit_form(samples: &[Sample], name: &str, source: &str, form: Form) -> Profile {
    let min_bytes = samples.iter().map(|s| s.native).fold(f64::INFINITY, f64::min).max(1.0);
    let min_bytes = if min_bytes.is_finite() { min_bytes } else { 1.0 };
    if form == Form::Gbdt {
        let x: Vec<Vec<f64>> = samples.iter().map(|s| s.features.to_vec()).collect();
        let per_il = Some(PER_IL);
        let known: Vec<(String, f64)> = KNOWN_BYTES.iter().map(|&(n, b)| (n.to_string(), b)).collect();
        // The trees learn a factor on a cost table fitted first, on the bytes the known costs
        // leave: the table carries what adds up (an unseen mix of features is priced feature by
        // feature), the trees what does not.
        let net: Vec<Sample> =
            samples.iter().map(|s| Sample { native: (s.native - known_bytes(&known, &s.features)).max(1.0), ..s.clone() }).collect();
        let weights = fit_form(&net, name, source, Form::Linear).weights;
        // The trees learn what is left once the known bytes are taken out.
        let y: Vec<f64> = samples
            .iter()
            .map(|s| (s.native - known_bytes(&known, &s.features)).max(1.0).ln() - tree_base(&weights, per_il, &s.features).ln())
            .collect();
        // The forests differ only in their seeds: each is fitted on a core of its own, and the
        // result is the same as one after the other.
        let forests = std::thread::scope(|scope| {
            let fits: Vec<_> = (0..FORESTS)
                .map(|i| {
                    let (x, y) = (&x, &y);
                    let seed = gbdt::Params::default().seed.wrapping_add(i * 0x1234_5678_9abc);
                    scope.spawn(move || gbdt::Forest::fit(x, y, gbdt::Params { seed, ..gbdt::Params::default() }))
                })
                .collect();
            fits.into_iter().map(|fit| fit.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))).collect()
        });
        let forest = gbdt::Forest::average(forests);
        let mut profile = Profile {
            name: name.to_string(),
            source: source.to_string(),
            form,
            weights,
            min_bytes,
            features: feature_names(),
            forest: Some(forest),
            scale: 1.0,
            factor: 1.0,
            per_il,
            known,
        };
        let est: f64 = samples.iter().map(|s| profile.estimate(&s.features)).sum();
        let real: f64 = samples.iter().map(|s| s.native).sum();
        if est > 0.0 && real > 0.0 {
            profile.scale = real / est;
        }
        return profile;
    }
    let n = N_FEATURES;
    let mut a = vec![0.0f64; n * n];
    let mut b = vec![0.0f64; n];
    for s in samples {
        let (x, y, w) = match form {
            Form::Linear => (s.features, s.native, 1.0 / s.native.max(1.0).powf(WEIGHT_POWER)),
            Form::LogLinear | Form::Gbdt => (log_features(&s.features), s.native.max(1.0).ln(), 1.0),
        };
        for i in 0..n {
            let fi = x[i];
            if fi == 0.0 {
                continue;
            }
            b[i] += w * fi * y;
            for j in 0..n {
                a[i * n + j] += w * fi * x[j];
            }
        }
    }
    let trace: f64 = (0..n).map(|i| a[i * n + i]).sum::<f64>() / n as f64;
    for i in 1..n {
        a[i * n + i] += 1e-6 * trace.max(1e-12);
    }
    let x = solve(&mut a, &mut b, n);
    let mut profile = Profile {
        name: name.to_string(),
        source: source.to_string(),
        form,
        weights: feature_names().into_iter().zip(x).collect(),
        min_bytes,
        features: Vec::new(),
        forest: None,
        scale: 1.0,
        factor: 1.0,
        per_il: None,
        known: Vec::new(),
    };
    // Relative weighting favours small methods and leaves the sum low: rescale so that the total
    // over the fitted methods is exact (assembly totals are what whole-app estimates add up).
    let est: f64 = samples.iter().map(|s| profile.estimate(&s.features)).sum();
    let real: f64 = samples.iter().map(|s| s.native).sum();
    if est > 0.0 && real > 0.0 {
        match form {
            Form::Linear => profile.weights.iter_mut().for_each(|(_, w)| *w *= real / est),
            Form::LogLinear => profile.weights[0].1 += (real / est).ln(),
            Form::Gbdt => profile.scale = real / est,
        }
    }
    profile
}

/// Solves `a x = b` (symmetric positive definite, `n`×`n`) by Gaussian elimination with partial
/// pivoting; singular directions get 0.
fn solve(a: &mut [f64], b: &mut [f64], n: usize) -> Vec<f64> {
    for col in 0..n {
        let piv = (col..n).max_by(|&i, &j| a[i * n + col].abs().total_cmp(&a[j * n + col].abs())).unwrap_or(col);
        if a[piv * n + col].abs() < 1e-300 {
            continue;
        }
        if piv != col {
            for k in 0..n {
                a.swap(col * n + k, piv * n + k);
            }
            b.swap(col, piv);
        }
        for row in col + 1..n {
            let factor = a[row * n + col] / a[col * n + col];
            if factor == 0.0 {
                continue;
            }
            for k in col..n {
                a[row * n + k] -= factor * a[col * n + k];
            }
            b[row] -= factor * b[col];
        }
    }
    let mut x = vec![0.0; n];
    for col in (0..n).rev() {
        let d = a[col * n + col];
        if d.abs() < 1e-300 {
            continue;
        }
        let s: f64 = (col + 1..n).map(|k| a[col * n + k] * x[k]).sum();
        x[col] = (b[col] - s) / d;
    }
    x
}

/// Errors of a profile on samples it was not fitted on.
#[derive(Clone, Debug, Serialize)]
pub struct HeldOut {
    /// The held-out group (assembly).
    pub group: String,
    /// Methods in it.
    pub methods: usize,
    /// Median of |estimate − measured| / measured over its methods.
    pub median_error: f64,
    /// 90th percentile of the same.
    pub p90_error: f64,
    /// (Σ estimate − Σ measured) / Σ measured.
    pub total_error: f64,
}

/// The relative errors of `profile` on `samples`.
pub fn evaluate(profile: &Profile, group: &str, samples: &[&Sample]) -> HeldOut {
    let mut errs: Vec<f64> = samples.iter().map(|s| (profile.estimate(&s.features) - s.native).abs() / s.native.max(1.0)).collect();
    errs.sort_by(f64::total_cmp);
    let q = |p: f64| if errs.is_empty() { 0.0 } else { errs[((errs.len() - 1) as f64 * p).round() as usize] };
    let est: f64 = samples.iter().map(|s| profile.estimate(&s.features)).sum();
    let real: f64 = samples.iter().map(|s| s.native).sum();
    HeldOut {
        group: group.to_string(),
        methods: samples.len(),
        median_error: q(0.5),
        p90_error: q(0.9),
        total_error: if real > 0.0 { (est - real) / real } else { 0.0 },
    }
}

/// The same samples described only by `native = a + b·IL size`: the baseline every feature has
/// to beat (the calibration README quotes 30-40 % median error for it).
pub fn il_size_only(samples: &[Sample]) -> Vec<Sample> {
    samples
        .iter()
        .map(|s| {
            let mut f = [0.0; N_FEATURES];
            f[0] = s.features[0];
            f[1] = s.features[1];
            Sample { features: f, ..s.clone() }
        })
        .collect()
}

/// Leave-one-group-out: for each group, fits on the others and evaluates on it.
pub fn cross_validate(samples: &[Sample]) -> Vec<HeldOut> {
    cross_validate_form(samples, Form::Linear)
}

/// Leave-one-group-out for a profile of the given form.
pub fn cross_validate_form(samples: &[Sample], form: Form) -> Vec<HeldOut> {
    cross_validate_groups(samples, form, None)
}

/// Leave-one-group-out over `only` these groups (all when `None`).
pub fn cross_validate_groups(samples: &[Sample], form: Form, only: Option<&[String]>) -> Vec<HeldOut> {
    cross_validate_predictions(samples, form, only).0
}

/// [`cross_validate_groups`], also returning each sample's held-out estimate (NaN for samples of
/// groups not held out): for looking at the residuals.
pub fn cross_validate_predictions(samples: &[Sample], form: Form, only: Option<&[String]>) -> (Vec<HeldOut>, Vec<f64>) {
    let mut groups: Vec<&str> =
        samples.iter().map(|s| s.group.as_str()).filter(|g| only.is_none_or(|o| o.iter().any(|x| x == g))).collect();
    groups.sort_unstable();
    groups.dedup();
    let mut predictions = vec![f64::NAN; samples.len()];
    let held = groups
        .iter()
        .map(|g| {
            let train: Vec<Sample> = samples.iter().filter(|s| s.group != *g).cloned().collect();
            let profile = fit_form(&train, "held-out", "cross-validation", form);
            for (i, s) in samples.iter().enumerate().filter(|(_, s)| s.group == *g) {
                predictions[i] = profile.estimate(&s.features);
            }
            let test: Vec<&Sample> = samples.iter().filter(|s| s.group == *g).collect();
            evaluate(&profile, g, &test)
        })
        .collect();
    (held, predictions)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_profile_matches_the_features() {
        let p = Profile::built_in("mono-x64").expect("built in");
        assert_eq!(p.check_features(), Ok(()));
        let mut other = p.clone();
        other.features.pop();
        assert!(other.check_features().is_err_and(|e| e.contains("refit")));
        let mut priced = p.clone();
        priced.known.push(("no_such_feature".into(), 3.0));
        assert!(priced.check_features().is_err_and(|e| e.contains("`no_such_feature`")));
        // Many rows at once estimate what each row alone does, for the target profiles too.
        let rows: Vec<[f64; N_FEATURES]> = (0..20)
            .map(|i| {
                let mut f = [0.0; N_FEATURES];
                f[0] = 1.0;
                f[1] = f64::from(i * 13 % 97);
                f[2 + i as usize % OP_GROUPS.len()] = f64::from(i % 4);
                f
            })
            .collect();
        for q in [p, Profile::built_in("ilc-arm64").expect("built in")] {
            let one: Vec<u64> = rows.iter().map(|f| q.estimate(f).to_bits()).collect();
            assert_eq!(q.estimate_many(&rows).iter().map(|x| x.to_bits()).collect::<Vec<_>>(), one);
        }
    }

    #[test]
    fn the_tree_form_adds_known_costs_outside_the_trees() {
        // native = 4·(il + 16) + 7 per string in a throw block passing the image: once the known
        // bytes are out, the trees see a constant ratio, so a core-library method (the same
        // strings, no image) is estimated without them, which trees alone could not learn here.
        let (cold, image) = (feature_index("cold_ldstr").expect("feature"), feature_index("cold_ldstr_image_args").expect("feature"));
        let row = |il: f64, c: f64, with_image: bool| {
            let mut f = [0.0; N_FEATURES];
            f[0] = 1.0;
            f[1] = il;
            f[cold] = c;
            f[image] = if with_image { c } else { 0.0 };
            f
        };
        let samples: Vec<Sample> = (0..300u32)
            .map(|i| {
                let f = row(f64::from(i % 41 + 1), f64::from(i % 4), true);
                Sample { group: "g".into(), features: f, native: 4.0 * (f[1] + 16.0) + 7.0 * f[image] }
            })
            .collect();
        let p = fit_form(&samples, "t", "test", Form::Gbdt);
        assert_eq!(p.known, vec![("cold_ldstr_image_args".to_string(), 7.0)]);
        let core = p.estimate(&row(20.0, 3.0, false));
        assert!((core - 144.0).abs() < 1.5, "{core}");
        let other = p.estimate(&row(20.0, 3.0, true));
        assert!((other - core - 21.0).abs() < 1e-6, "{other} {core}");
        let why = p.explain(&row(20.0, 3.0, true));
        assert!(why.iter().any(|(n, b)| n == "cold_ldstr_image_args" && (b - 21.0).abs() < 0.5), "{why:?}");
        // The known costs travel with the profile.
        let back: Profile = serde_json::from_str(&serde_json::to_string(&p).expect("json")).expect("profile");
        assert_eq!(back.known, p.known);
    }

    #[test]
    fn the_fit_recovers_known_costs() {
        // native = 10 + 3·il_bytes + 20·calls exactly: the fit must find those prices.
        let mut samples = Vec::new();
        for i in 0..200u32 {
            let mut f = [0.0; N_FEATURES];
            f[0] = 1.0;
            f[1] = f64::from(i % 37 + 1);
            f[3] = f64::from(i % 5);
            samples.push(Sample { group: "g".into(), features: f, native: 10.0 + 3.0 * f[1] + 20.0 * f[3] });
        }
        let p = fit(&samples, "t", "test");
        assert!(
            (p.weights[0].1 - 10.0).abs() < 1e-3 && (p.weights[1].1 - 3.0).abs() < 1e-3 && (p.weights[3].1 - 20.0).abs() < 1e-3,
            "{:?}",
            &p.weights[..4]
        );
        let e = evaluate(&p, "g", &samples.iter().collect::<Vec<_>>());
        assert!(e.median_error < 1e-4 && e.total_error.abs() < 1e-4, "{e:?}");
    }
}
