//! The reflection-hazard tracer: ILLink's trim-analysis warnings on the trimmed program.
//!
//! Only code the trimmer keeps is analysed, as in ILLink. Each kept method body runs through a
//! dataflow ([`flow`]) that follows constant strings, `typeof` tokens, known types and annotated
//! values; at every call the callee's annotations (`[RequiresUnreferencedCode]`,
//! `[RequiresDynamicCode]`, `[RequiresAssemblyFiles]`, `[DynamicallyAccessedMembers]`) and the
//! reflection API models ([`models`], data) are checked. Each warning carries ILLink's code, its
//! location, the why-chain from a root to the method that raised it, and what fails at run time.
//!
//! ```
//! let program = aotsim_il_text_example();
//! # fn aotsim_il_text_example() -> aotsim_il::Program {
//! #     let mut b = aotsim_il::Builder::new();
//! #     let asm = b.add_assembly("App");
//! #     let ty = b.add_type(asm, None, "App", "P", aotsim_il::TypeKind::Class);
//! #     let void = b.type_ref(aotsim_il::TypeSig::Prim(aotsim_il::Prim::Void));
//! #     let main = b.add_method(ty, "Main", void);
//! #     b.method_mut(main).flags.is_static = true;
//! #     b.method_mut(main).body = Some(aotsim_il::Body::new(vec![], vec![aotsim_il::Instr::Ret]));
//! #     b.set_entry_point(main);
//! #     b.finish().unwrap()
//! # }
//! let models = aotsim_hazard::models::ApiModels::built_in().resolve(&program);
//! let config = aotsim_trim::TrimConfig { requirements: models.requirements(), ..Default::default() };
//! let trimmed = aotsim_trim::trim(&program, &config);
//! let report = aotsim_hazard::analyze(&program, &trimmed, &models);
//! assert!(report.warnings.is_empty());
//! ```

pub mod codes;
pub mod flow;
pub mod models;

use aotsim_il::*;
use aotsim_trim::dam::{dam_flags, flags as dam, generic_param_flags};
use aotsim_trim::{Item, Slot, Step, TrimResult};
use codes::{mismatch_code, unknown_value_code, Place};
use flow::{Event, Origin, Val};
use models::{flag_names, ResolvedModels, Rule};
use rustc_hash::FxHashMap;

const RUC: &str = "System.Diagnostics.CodeAnalysis.RequiresUnreferencedCodeAttribute";
const RDC: &str = "System.Diagnostics.CodeAnalysis.RequiresDynamicCodeAttribute";
const RAF: &str = "System.Diagnostics.CodeAnalysis.RequiresAssemblyFilesAttribute";
const SUPPRESS: &str = "System.Diagnostics.CodeAnalysis.UnconditionalSuppressMessageAttribute";

/// One trim-analysis warning.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Warning {
    /// ILLink's code (`IL2026`), or ours (`AOTSIM…`).
    pub code: &'static str,
    /// The message, in ILLink's words where it has them.
    pub message: String,
    /// The method whose body raised it.
    #[serde(skip)]
    pub origin: MethodId,
    /// Its display name (`Ns.Type::Method()`).
    pub origin_name: String,
    /// The instruction index in that body, when the warning is about one instruction.
    pub at: Option<usize>,
    /// The member the warning is about (the callee), when there is one.
    pub subject: Option<String>,
    /// What happens at run time if the hazard is real.
    pub runtime: String,
    /// Documentation of the code.
    pub help_uri: Option<String>,
    /// How a root reaches the origin: the trimmer's why-chain.
    #[serde(skip)]
    pub why: Vec<Step>,
}

/// A method whose body the dataflow found malformed (the analysis went on elsewhere).
#[derive(Clone, Debug, serde::Serialize)]
pub struct BodyError {
    /// The method.
    pub method: String,
    /// What is wrong, with the instruction index.
    pub message: String,
}

/// What the tracer found.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct Report {
    /// The warnings, by origin method and instruction.
    pub warnings: Vec<Warning>,
    /// Warnings an `[UnconditionalSuppressMessage]` silenced.
    pub suppressed: usize,
    /// Malformed bodies.
    pub errors: Vec<BodyError>,
}

/// A suppression: where it sits and the code it silences.
struct Suppression {
    item: Item,
    code: String,
    used: bool,
}

/// Runs the tracer over every kept method of `trim`.
pub fn analyze(p: &Program, trim: &TrimResult, models: &ResolvedModels) -> Report {
    let mut t = Tracer::new(p, trim, models);
    let kept: Vec<MethodId> = p.methods.ids().filter(|&m| trim.is_kept(Item::Method(m))).collect();
    for &m in &kept {
        t.method(m);
    }
    // Suppressions that silenced nothing (ILLink's IL2121), on kept members only.
    let mut unused = Vec::new();
    for s in t.suppressions.values().flatten() {
        if !s.used && trim.is_kept(s.item) {
            unused.push((s.item, s.code.clone()));
        }
    }
    unused.sort_by_key(|(item, code)| (item.name(p), code.clone()));
    for (item, code) in unused {
        let origin = match item {
            Item::Method(m) => m,
            _ => continue,
        };
        t.push(
            "IL2121",
            origin,
            None,
            None,
            format!(
                "Unused 'UnconditionalSuppressMessageAttribute' for warning '{code}'. Consider removing the unused warning suppression."
            ),
        );
    }
    let mut report = std::mem::take(&mut t.report);
    report.warnings.sort_by(|a, b| (a.origin, a.at, a.code).cmp(&(b.origin, b.at, b.code)));
    report
}

struct Tracer<'a> {
    p: &'a Program,
    trim: &'a TrimResult,
    models: &'a ResolvedModels,
    report: Report,
    /// Suppressions by the member that carries them.
    suppressions: FxHashMap<Item, Vec<Suppression>>,
    get_type_from_handle: Option<MethodId>,
    system_type: Option<TypeId>,
    core: Option<AssemblyId>,
    /// The code table, built once.
    codes: FxHashMap<&'static str, codes::Code>,
}

impl<'a> Tracer<'a> {
    fn new(p: &'a Program, trim: &'a TrimResult, models: &'a ResolvedModels) -> Self {
        let system_type = p.names().types_named("System.Type").first().copied();
        let get_type_from_handle =
            system_type.and_then(|t| p.types[t].methods.iter().copied().find(|&m| p.methods[m].name == "GetTypeFromHandle"));
        let mut suppressions: FxHashMap<Item, Vec<Suppression>> = FxHashMap::default();
        let mut collect = |item: Item, attrs: &[CustomAttribute]| {
            for a in attrs {
                if p.type_name(p.methods[a.ctor].declaring_type) != SUPPRESS {
                    continue;
                }
                if let Some(AttrValue::String(id)) = a.args.get(1) {
                    let code = id.split(':').next().unwrap_or(id).trim().to_string();
                    suppressions.entry(item).or_default().push(Suppression { item, code, used: false });
                }
            }
        };
        for (m, md) in p.methods.iter() {
            collect(Item::Method(m), &md.attributes);
        }
        for (t, td) in p.types.iter() {
            collect(Item::Type(t), &td.attributes);
        }
        Tracer {
            p,
            trim,
            models,
            report: Report::default(),
            suppressions,
            get_type_from_handle,
            system_type,
            core: system_type.map(|t| p.types[t].assembly),
            codes: codes::all().into_iter().map(|c| (c.id, c)).collect(),
        }
    }

    /// Adds a warning unless the origin silences it: a `Requires…` attribute of the code's
    /// category on the origin (or its type) means its body is not analysed for that category, as
    /// in ILLink; an `[UnconditionalSuppressMessage]` on the origin or its enclosing types
    /// silences its code.
    fn push(&mut self, code: &'static str, origin: MethodId, at: Option<usize>, subject: Option<String>, message: String) {
        let p = self.p;
        let category = self.codes.get(code).map(|c| c.category);
        let covering = match category {
            Some(codes::Category::Trimming) => Some(RUC),
            Some(codes::Category::Aot) => Some(RDC),
            Some(codes::Category::SingleFile) => Some(RAF),
            _ => None,
        };
        if code != "IL2121" && covering.is_some_and(|attr| self.caller_requires(origin, attr)) {
            return; // the caller's own annotation tells its callers; ILLink does not count these
        }
        if code != "IL2121" {
            let mut scopes = vec![Item::Method(origin)];
            let mut t = Some(p.methods[origin].declaring_type);
            while let Some(ty) = t {
                scopes.push(Item::Type(ty));
                t = p.types[ty].declaring_type;
            }
            for s in scopes {
                if let Some(list) = self.suppressions.get_mut(&s) {
                    if let Some(sup) = list.iter_mut().find(|x| x.code == code) {
                        sup.used = true;
                        self.report.suppressed += 1;
                        return;
                    }
                }
            }
        }
        let info = self.codes.get(code);
        self.report.warnings.push(Warning {
            code,
            message,
            origin,
            origin_name: p.method_name(origin),
            at,
            subject,
            runtime: info.map(|c| c.runtime.clone()).unwrap_or_default(),
            help_uri: info.and_then(|c| c.help_uri()),
            why: self.trim.why_chain(Item::Method(origin)),
        });
    }

    fn is_system_type(&self, sig: TypeRefId) -> bool {
        self.system_type.is_some_and(|t| self.p.sig_def(sig) == Some(t))
    }

    fn method(&mut self, m: MethodId) {
        let p = self.p;
        let Some(body) = &p.methods[m].body else { return };
        let src = MethodSources { t: self, m };
        let mut events = Vec::new();
        let underflows = flow::run(p, m, body, &src, &mut |e| events.push(owned(e)));
        if let Some(&at) = underflows.first() {
            self.report.errors.push(BodyError {
                method: p.method_name(m),
                message: format!("instruction {at}: the evaluation stack underflows (malformed body); values there read as unknown"),
            });
        }
        for e in events {
            match e {
                OwnedEvent::Call { at, method_ref, this, args } => self.call(m, at, method_ref, this, &args),
                OwnedEvent::Return { at, value } => {
                    if let Some(f) = dam_flags(p, &p.methods[m].ret_attributes) {
                        let target = format!("return value of method '{}'", p.method_name(m));
                        self.require(m, at, value, f, Place::ReturnValue, &target, None, false);
                    }
                }
                OwnedEvent::StoreField { at, field, value } => {
                    if let Some(f) = dam_flags(p, &p.fields[field].attributes) {
                        let target = format!("field '{}'", p.field_name(field));
                        self.require(m, at, value, f, Place::Field, &target, None, false);
                    }
                }
            }
        }
    }

    fn call(&mut self, caller: MethodId, at: usize, r: MethodRefId, this: Option<Val>, args: &[Val]) {
        let p = self.p;
        let mr = &p.method_refs[r];
        let callee = mr.method;
        let cd = &p.methods[callee];
        let callee_name = p.method_name(callee);
        // Requires… on the callee (or, for constructors and static members, on its type).
        let type_attrs: &[CustomAttribute] =
            if cd.flags.is_static || cd.is_constructor() { &p.types[cd.declaring_type].attributes } else { &[] };
        for (attr, code) in [(RUC, "IL2026"), (RDC, "IL3050"), (RAF, "IL3002")] {
            let found = requires(p, &cd.attributes, attr).or_else(|| requires(p, type_attrs, attr));
            if let Some((message, url)) = found {
                self.push(
                    code,
                    caller,
                    Some(at),
                    Some(callee_name.clone()),
                    requires_message(code, &callee_name, &message, url.as_deref()),
                );
            }
        }
        for rule in self.models.rules(callee).to_vec() {
            match &rule {
                Rule::UnreferencedCode(msg) | Rule::DynamicCode(msg) | Rule::AssemblyFiles(msg) => {
                    let (code, attr) = match rule {
                        Rule::UnreferencedCode(_) => ("IL2026", RUC),
                        Rule::DynamicCode(_) => ("IL3050", RDC),
                        _ => ("IL3002", RAF),
                    };
                    if requires(p, &cd.attributes, attr).is_none() {
                        self.push(code, caller, Some(at), Some(callee_name.clone()), requires_message(code, &callee_name, msg, None));
                    }
                }
                Rule::Own(id, msg) => {
                    // An annotation on the callee says more than our own code does.
                    if requires(p, &cd.attributes, RDC).is_none() {
                        // The model parser only admits codes of the table.
                        let code = self.codes.get(id.as_str()).map_or("AOTSIM2001", |c| c.id);
                        self.push(code, caller, Some(at), Some(callee_name.clone()), format!("Using member '{callee_name}': {msg}"));
                    }
                }
                Rule::TypeName(i) => match args.get(*i as usize) {
                    Some(Val::Str(_) | Val::Null) | None => {}
                    Some(_) => self.push(
                        "IL2057",
                        caller,
                        Some(at),
                        Some(callee_name.clone()),
                        format!(
                            "Unrecognized value passed to the parameter '{}' of method '{callee_name}'. It's not possible to guarantee the availability of the target type.",
                            param_name(p, callee, *i)
                        ),
                    ),
                },
                Rule::ClassConstructor(i) => {
                    if !matches!(args.get(*i as usize), Some(Val::Token(_) | Val::Type(_)) | None) {
                        self.push(
                            "IL2059",
                            caller,
                            Some(at),
                            Some(callee_name.clone()),
                            format!("Unrecognized value passed to the parameter 'type' of method '{callee_name}'. It's not possible to guarantee the availability of the target static constructor."),
                        );
                    }
                }
                Rule::Requires(..) => {} // with the annotations below
            }
        }
        // [DynamicallyAccessedMembers] requirements: annotations first, then the models.
        let model_requirement = |slot: Slot| {
            self.models.rules(callee).iter().find_map(|r| match r {
                Rule::Requires(s, f) if *s == slot => Some(*f),
                _ => None,
            })
        };
        // Run-time failures are predicted only where the class library itself reflects.
        let api = self.core == Some(p.types[cd.declaring_type].assembly) || !self.models.rules(callee).is_empty();
        if let Some(v) = this {
            if let Some(f) = dam_flags(p, &cd.attributes).or_else(|| model_requirement(Slot::This)) {
                let target = format!("'this' argument in call to '{callee_name}'");
                self.require(caller, at, v, f, Place::This, &target, Some(&callee_name), api);
            }
        }
        for (i, v) in args.iter().enumerate() {
            let Some(prm) = cd.params.get(i) else { break };
            if let Some(f) = dam_flags(p, &prm.attributes).or_else(|| model_requirement(Slot::Param(i as u16))) {
                let target = format!("parameter '{}' of method '{callee_name}'", prm.name);
                self.require(caller, at, *v, f, Place::Parameter, &target, Some(&callee_name), api);
            }
        }
        // Generic arguments into annotated generic parameters (of the method, then of its type).
        let owner_args: Vec<TypeRefId> = match &p.type_refs[mr.owner] {
            TypeSig::Inst { args, .. } => args.clone(),
            _ => Vec::new(),
        };
        let method_gparams = cd.generic_params.iter().zip(mr.generic_args.iter()).enumerate().map(|(i, (g, a))| (g, a, Some(i as u16)));
        let type_gparams = p.types[cd.declaring_type].generic_params.iter().zip(owner_args.iter()).map(|(g, a)| (g, a, None));
        for (g, &arg, index) in method_gparams.chain(type_gparams) {
            let given = index.and_then(|i| model_requirement(Slot::GenericParam(i)));
            let Some(f) = generic_param_flags(p, g).or(given) else { continue };
            let v = match p.type_refs[arg] {
                TypeSig::Var(i) => generic_param_val(p, caller, false, i),
                TypeSig::MVar(i) => generic_param_val(p, caller, true, i),
                _ => continue, // a known type: the trimmer keeps what the annotation asks for
            };
            let target = format!("generic parameter '{}' of '{callee_name}'", g.name);
            self.require(caller, at, v, f, Place::GenericParameter, &target, Some(&callee_name), false);
        }
    }

    fn caller_requires(&self, caller: MethodId, attr: &str) -> bool {
        let p = self.p;
        requires(p, &p.methods[caller].attributes, attr).is_some()
            || requires(p, &p.types[p.methods[caller].declaring_type].attributes, attr).is_some()
    }

    /// Checks that `v` satisfies `required` at `target`; with `predict`, also says what fails at
    /// run time when a known type or `null` reaches a class-library API.
    #[allow(clippy::too_many_arguments)]
    fn require(&mut self, m: MethodId, at: usize, v: Val, required: i64, place: Place, target: &str, subject: Option<&str>, predict: bool) {
        let needed = flag_names(required);
        let (code, source) = match v {
            Val::Type(t)
                if predict
                    && required & dam::PUBLIC_PARAMETERLESS_CONSTRUCTOR != 0
                    && required != dam::ALL
                    && place == Place::Parameter =>
            {
                self.predict_construction(m, at, t, target, subject);
                return;
            }
            Val::Null if predict && (place == Place::Parameter || place == Place::This) => {
                let message = format!("A null System.Type reaches the {target} (a type name that resolves to nothing, or a literal null): ArgumentNullException at run time.");
                self.push("AOTSIM2003", m, Some(at), subject.map(str::to_string), message);
                return;
            }
            Val::Null | Val::Str(_) | Val::Token(_) | Val::Type(_) => return,
            Val::Annotated { flags, .. } if flags == dam::ALL || (required != dam::ALL && required & !flags == 0) => return,
            Val::Annotated { origin, .. } => {
                let (src, what) = self.origin(m, origin);
                (mismatch_code(src, place), format!("The {what} does not have matching annotations. The source value must declare at least the same requirements as those declared on the target location it is assigned to."))
            }
            Val::Unknown => (unknown_value_code(place), "A value that cannot be statically determined flows there.".to_string()),
        };
        let message =
            format!("Value passed to the {target} does not satisfy 'DynamicallyAccessedMemberTypes.{needed}' requirements. {source}");
        self.push(code, m, Some(at), subject.map(str::to_string), message);
    }

    /// `Activator.CreateInstance(typeof(T))` and the like: a type without a public parameterless
    /// constructor (or one that cannot be instantiated) fails whatever the trimmer keeps.
    fn predict_construction(&mut self, m: MethodId, at: usize, t: TypeId, target: &str, subject: Option<&str>) {
        let p = self.p;
        let td = &p.types[t];
        let has_ctor = td.methods.iter().any(|&c| {
            let cd = &p.methods[c];
            cd.name == ".ctor" && cd.params.is_empty() && cd.visibility == Visibility::Public
        });
        let why = if td.kind == TypeKind::Interface || td.is_abstract {
            Some("it is abstract or an interface: MissingMethodException (\"Cannot create an abstract class\") at run time")
        } else if !td.kind.is_value_type() && !has_ctor {
            Some("it has no public parameterless constructor: MissingMethodException at run time")
        } else {
            None
        };
        if let Some(why) = why {
            let message = format!("Type '{}' reaches the {target}, but {why}.", p.type_name(t));
            self.push("AOTSIM2002", m, Some(at), subject.map(str::to_string), message);
        }
    }

    fn origin(&self, m: MethodId, o: Origin) -> (Place, String) {
        let p = self.p;
        match o {
            Origin::Param(i) => (Place::Parameter, format!("parameter '{}' of method '{}'", param_name(p, m, i), p.method_name(m))),
            Origin::Return(r) => (Place::ReturnValue, format!("return value of method '{}'", p.method_name(r))),
            Origin::Field(f) => (Place::Field, format!("field '{}'", p.field_name(f))),
            Origin::This => (Place::This, format!("implicit 'this' argument of method '{}'", p.method_name(m))),
            Origin::GenericParam(is_method, i) => {
                let md = &p.methods[m];
                let name =
                    if is_method { md.generic_params.get(i as usize) } else { p.types[md.declaring_type].generic_params.get(i as usize) };
                (
                    Place::GenericParameter,
                    format!("generic parameter '{}' of '{}'", name.map_or("?", |g| g.name.as_str()), p.method_name(m)),
                )
            }
        }
    }
}

fn generic_param_val(p: &Program, m: MethodId, is_method: bool, i: u16) -> Val {
    let md = &p.methods[m];
    let gp = if is_method { md.generic_params.get(i as usize) } else { p.types[md.declaring_type].generic_params.get(i as usize) };
    Val::Annotated { flags: gp.and_then(|g| generic_param_flags(p, g)).unwrap_or(0), origin: Origin::GenericParam(is_method, i) }
}

fn param_name(p: &Program, m: MethodId, i: u16) -> String {
    p.methods[m].params.get(i as usize).map_or_else(|| format!("#{i}"), |x| x.name.clone())
}

/// The message and URL of a `Requires…` attribute `attr` among `attrs`.
fn requires(p: &Program, attrs: &[CustomAttribute], attr: &str) -> Option<(String, Option<String>)> {
    let a = attrs.iter().find(|a| p.type_name(p.methods[a.ctor].declaring_type) == attr)?;
    let message = match a.args.first() {
        Some(AttrValue::String(s)) => s.clone(),
        _ => String::new(),
    };
    let url = a.named.iter().find(|n| n.name == "Url").and_then(|n| match &n.value {
        AttrValue::String(s) => Some(s.clone()),
        _ => None,
    });
    Some((message, url))
}

/// ILLink's wording of IL2026, IL3050 and IL3002.
fn requires_message(code: &str, callee: &str, message: &str, url: Option<&str>) -> String {
    let (attr, when) = match code {
        "IL2026" => ("RequiresUnreferencedCodeAttribute", "when trimming application code"),
        "IL3050" => ("RequiresDynamicCodeAttribute", "when AOT compiling"),
        _ => ("RequiresAssemblyFilesAttribute", "when embedded in a single-file app"),
    };
    let mut s = format!("Using member '{callee}' which has '{attr}' can break functionality {when}.");
    if !message.is_empty() {
        s.push(' ');
        s.push_str(message.trim_end_matches('.'));
        s.push('.');
    }
    if let Some(u) = url {
        s.push(' ');
        s.push_str(u);
    }
    s
}

enum OwnedEvent {
    Call { at: usize, method_ref: MethodRefId, this: Option<Val>, args: Vec<Val> },
    Return { at: usize, value: Val },
    StoreField { at: usize, field: FieldId, value: Val },
}

fn owned(e: Event) -> OwnedEvent {
    match e {
        Event::Call { at, method_ref, this, args } => OwnedEvent::Call { at, method_ref, this, args: args.to_vec() },
        Event::Return { at, value } => OwnedEvent::Return { at, value },
        Event::StoreField { at, field, value } => OwnedEvent::StoreField { at, field, value },
    }
}

/// How values are born in one method of one program.
struct MethodSources<'t, 'a> {
    t: &'t Tracer<'a>,
    m: MethodId,
}

impl flow::Sources for MethodSources<'_, '_> {
    fn param(&self, i: u16) -> Val {
        let p = self.t.p;
        let prm = &p.methods[self.m].params[i as usize];
        if self.t.is_system_type(prm.ty) {
            Val::Annotated { flags: dam_flags(p, &prm.attributes).unwrap_or(0), origin: Origin::Param(i) }
        } else {
            Val::Unknown
        }
    }

    fn this(&self) -> Val {
        let p = self.t.p;
        let md = &p.methods[self.m];
        match dam_flags(p, &md.attributes) {
            Some(flags) => Val::Annotated { flags, origin: Origin::This },
            None => Val::Unknown,
        }
    }

    fn returned(&self, r: MethodRefId, args: &[Val]) -> Option<Val> {
        let t = self.t;
        let p = t.p;
        let callee = p.method_refs[r].method;
        if Some(callee) == t.get_type_from_handle {
            return match args.first() {
                Some(Val::Token(s)) => p.sig_def(*s).map(Val::Type),
                Some(v @ Val::Annotated { .. }) => Some(*v),
                _ => None,
            };
        }
        let type_name = t.models.rules(callee).iter().find_map(|r| match r {
            Rule::TypeName(i) => Some(*i),
            _ => None,
        });
        if let (Some(i), Some(core)) = (type_name, t.core) {
            if let Some(Val::Str(s)) = args.get(i as usize) {
                let caller = p.types[p.methods[self.m].declaring_type].assembly;
                return Some(aotsim_trim::resolve_type_name(p, &p.strings[*s], caller, core).map_or(Val::Null, Val::Type));
            }
        }
        let md = &p.methods[callee];
        if t.is_system_type(md.ret) {
            return Some(Val::Annotated { flags: dam_flags(p, &md.ret_attributes).unwrap_or(0), origin: Origin::Return(callee) });
        }
        None
    }

    fn field(&self, f: FieldId) -> Val {
        let p = self.t.p;
        let fd = &p.fields[f];
        if self.t.is_system_type(fd.ty) {
            Val::Annotated { flags: dam_flags(p, &fd.attributes).unwrap_or(0), origin: Origin::Field(f) }
        } else {
            Val::Unknown
        }
    }

    fn token(&self, t: TypeRefId) -> Val {
        let p = self.t.p;
        match p.type_refs[t] {
            TypeSig::Var(i) => generic_param_val(p, self.m, false, i),
            TypeSig::MVar(i) => generic_param_val(p, self.m, true, i),
            _ => Val::Token(t),
        }
    }
}

/// A place whose removal would silence warnings: if `item` were not reached, `warnings` of them
/// would go (it dominates their origins in the kept graph).
#[derive(Clone, Debug, serde::Serialize)]
pub struct CutPoint {
    /// The item's display name.
    pub item: String,
    /// The item's kind.
    pub kind: &'static str,
    /// Warnings whose origin it dominates.
    pub warnings: usize,
}

/// Ranks the kept methods by how many warnings disappear if each were not reached: the
/// dominator tree of the kept graph (static edges and the conditional edges that fired) from a
/// virtual root over the roots. Roots themselves are left out (they dominate everything below).
pub fn cut_points(p: &Program, trim: &TrimResult, report: &Report, top: usize) -> Vec<CutPoint> {
    let g = trim.graph();
    let dom = aotsim_trim::dominators::Dominators::of(trim);
    let roots: Vec<u32> = trim.roots().iter().map(|r| g.layout.node(r.item)).collect();
    let mut count: FxHashMap<u32, usize> = FxHashMap::default();
    for w in &report.warnings {
        for d in dom.chain(g.layout.node(Item::Method(w.origin))) {
            *count.entry(d).or_default() += 1;
        }
    }
    let mut v: Vec<CutPoint> = count
        .into_iter()
        .filter(|(node, _)| !roots.contains(node))
        .filter_map(|(node, warnings)| {
            let item = g.layout.item(node);
            matches!(item, Item::Method(_)).then(|| CutPoint { item: item.name(p), kind: item.kind_name(), warnings })
        })
        .collect();
    v.sort_by(|a, b| b.warnings.cmp(&a.warnings).then_with(|| a.item.cmp(&b.item)));
    v.truncate(top);
    v
}
