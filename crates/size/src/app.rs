//! The whole-application model: what a publish produces around the program's own native code,
//! and the JIT vs AOT comparison.
//!
//! A Native AOT image is the native runtime, the slices of the framework the program uses, and
//! the program's own code and data (type data, method information, frozen strings, reflection
//! and stack-trace metadata). The program's part is estimated item by item from the trimmed
//! program ([`measure`]). The framework is mostly *not* in a program's model (a text program
//! sketches a few framework types; a compiled one references an assembly aotsim may not have), so
//! each framework is a published slice ([`Framework`]): the bytes, start time and build time
//! that public measurements give for it. A slice stands for its assemblies; when the program
//! models more of them than the slice holds (a real core library that keeps a lot), the modelled
//! figure is used instead. Every constant lives in `profiles/app-model.json` with its unit, its
//! kind (published, derived, measured, assumption) and its source; [`Figure`]s carry the inputs
//! they were computed from, so a report can show its formula.

use aotsim_il::*;
use aotsim_trim::{EdgeKind, Item, TrimResult};
use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// Where a constant comes from.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A figure as a public source gives it.
    Published,
    /// Arithmetic on published figures (the source shows it).
    Derived,
    /// Measured by us on `../shared/calibration`.
    Measured,
    /// Ours, with the reasoning in the source.
    Assumption,
}

/// One constant of the model.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Constant {
    /// Its value.
    pub value: f64,
    /// Its unit.
    pub unit: String,
    /// Where it comes from.
    pub kind: Kind,
    /// The source, or the arithmetic and the sources it uses.
    pub source: String,
}

/// A framework the program runs on, as published measurements give it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Framework {
    /// `ASP.NET Core`, …
    pub name: String,
    /// The assemblies the slice stands for: exact names, or prefixes ending in `*`.
    pub covers: Vec<String>,
    /// Deployed when the program keeps a type of an assembly matching this; always when absent.
    pub trigger: Option<String>,
    /// `aot_image_bytes`, `jit_publish_bytes`, `aot_start_ms`, `jit_start_ms`, `aot_build_s`,
    /// `jit_build_s`.
    pub figures: IndexMap<String, Constant>,
}

/// A target architecture.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Target {
    /// The per-method profile for it (`ilc-x64`).
    pub profile: String,
    /// The RID's architecture part (`x64`, `arm64`, `x86`).
    pub arch: String,
    /// Bytes per pointer.
    pub pointer_bytes: u32,
    /// Its code relative to the x64 fit.
    pub code_factor: Constant,
    /// Its data relative to x64.
    pub data_factor: Constant,
}

/// The seed table's ranges, for the comparison.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Seed {
    /// Where the table comes from.
    pub source: String,
    /// The framework the table describes: its ranges are shown for programs that deploy it.
    pub applies_to: String,
    /// By metric: `[low, high]` for JIT and for AOT.
    pub ranges: IndexMap<String, SeedRange>,
}

/// One row of the seed table.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct SeedRange {
    /// JIT's range.
    pub jit: [f64; 2],
    /// AOT's range.
    pub aot: [f64; 2],
}

/// The whole-application model's data (`profiles/app-model.json`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AppModel {
    /// What the file is.
    pub about: String,
    /// Named constants.
    pub constants: IndexMap<String, Constant>,
    /// The frameworks, the core first.
    pub frameworks: Vec<Framework>,
    /// The targets.
    pub targets: Vec<Target>,
    /// The seed table.
    pub seed: Seed,
}

/// The constants the formulas use; a model file must define each.
pub const CONSTANTS: [&str; 29] = [
    "runtime_native_bytes",
    "code_share",
    "symbols_ratio",
    "opt_size_fraction",
    "opt_size_start_ms",
    "opt_speed_fraction",
    "opt_speed_throughput",
    "invariant_globalization_fraction",
    "resource_keys_corelib_fraction",
    "stack_trace_fraction",
    "method_table_header_bytes",
    "method_info_bytes",
    "string_header_bytes",
    "reflected_type_bytes",
    "reflected_member_bytes",
    "stack_trace_name_bytes",
    "il_file_ratio",
    "cold_read_mb_s",
    "jit_ms_per_method",
    "ilc_s_per_mb",
    "aot_runtime_ws_mb",
    "jit_runtime_ws_mb",
    "gc_initial_mb",
    "jit_touched_fraction",
    "jit_bytes_per_method",
    "steady_heap_mb",
    "jit_steady_extra_mb",
    "aot_throughput_ratio",
    "jit_reference_rps",
];

/// The figures each framework must give.
pub const FRAMEWORK_FIGURES: [&str; 6] =
    ["aot_image_bytes", "jit_publish_bytes", "aot_start_ms", "jit_start_ms", "aot_build_s", "jit_build_s"];

/// The metrics of the comparison, in the seed table's order.
pub const METRICS: [&str; 6] = ["publish_size_mb", "cold_start_ms", "startup_memory_mb", "steady_memory_mb", "build_time_s", "warm_rps"];

impl AppModel {
    /// The model shipped with aotsim.
    pub fn built_in() -> AppModel {
        Self::from_json(include_str!("../profiles/app-model.json")).expect("the shipped app model is checked by tests")
    }

    /// Reads a model file and checks that it defines every constant, framework figure, target
    /// and seed row the formulas use.
    pub fn from_json(text: &str) -> Result<AppModel, String> {
        let m: AppModel = serde_json::from_str(text).map_err(|e| format!("not an app model: {e}"))?;
        for c in CONSTANTS {
            if !m.constants.contains_key(c) {
                return Err(format!("constant `{c}` is missing"));
            }
        }
        let Some(core) = m.frameworks.first() else { return Err("no frameworks: the first one is the runtime and core library".into()) };
        if core.trigger.is_some() {
            return Err(format!("framework `{}` comes first, so it is the core one: it must have no trigger", core.name));
        }
        for f in &m.frameworks {
            for x in FRAMEWORK_FIGURES {
                if !f.figures.contains_key(x) {
                    return Err(format!("framework `{}`: figure `{x}` is missing", f.name));
                }
            }
        }
        if !m.frameworks.iter().any(|f| f.name == m.seed.applies_to) {
            return Err(format!("seed: applies_to names `{}`, which is not a framework", m.seed.applies_to));
        }
        if m.targets.is_empty() {
            return Err("no targets".into());
        }
        for x in METRICS {
            if !m.seed.ranges.contains_key(x) {
                return Err(format!("seed row `{x}` is missing"));
            }
        }
        Ok(m)
    }

    /// A constant's value.
    pub fn value(&self, name: &str) -> f64 {
        self.constants[name].value
    }

    fn input(&self, name: &str) -> Input {
        Input::constant(name, &self.constants[name])
    }

    /// The target for an architecture.
    pub fn target(&self, arch: &str) -> Option<&Target> {
        self.targets.iter().find(|t| t.arch == arch)
    }
}

/// How `name` matches a `covers`/`trigger` pattern: exactly, or by prefix when it ends in `*`.
pub fn matches(pattern: &str, name: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => name.starts_with(prefix),
        None => name == pattern,
    }
}

/// `OptimizationPreference`.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub enum Optimization {
    /// The default: fast code, mindful of size.
    #[default]
    Blended,
    /// Favour size.
    Size,
    /// Favour speed.
    Speed,
}

/// `TrimMode`.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub enum TrimMode {
    /// Trim every assembly (the Native AOT default).
    #[default]
    Full,
    /// Trim only assemblies that opted in: the program's own are kept whole.
    Partial,
}

/// The project settings that move the whole-application figures, by their MSBuild names.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Settings {
    /// `PublishAot`.
    pub publish_aot: bool,
    /// `RuntimeIdentifier` (`linux-x64`, `win-arm64`, …).
    pub runtime_identifier: String,
    /// `OptimizationPreference`.
    pub optimization_preference: Optimization,
    /// `InvariantGlobalization`.
    pub invariant_globalization: bool,
    /// `StackTraceSupport`.
    pub stack_trace_support: bool,
    /// `UseSystemResourceKeys`.
    pub use_system_resource_keys: bool,
    /// `TrimMode`.
    pub trim_mode: TrimMode,
    /// Whether publish writes native debug symbols beside the image (`DebugType` not `None`).
    pub debug_symbols: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            publish_aot: true,
            runtime_identifier: "linux-x64".into(),
            optimization_preference: Optimization::Blended,
            invariant_globalization: false,
            stack_trace_support: true,
            use_system_resource_keys: false,
            trim_mode: TrimMode::Full,
            debug_symbols: true,
        }
    }
}

/// The settings [`Settings::set`] knows.
pub const SETTINGS: [&str; 8] = [
    "PublishAot",
    "RuntimeIdentifier",
    "OptimizationPreference",
    "InvariantGlobalization",
    "StackTraceSupport",
    "UseSystemResourceKeys",
    "TrimMode",
    "DebugType",
];

impl Settings {
    /// Sets one property as MSBuild spells it (`InvariantGlobalization=true`).
    pub fn set(&mut self, name: &str, value: &str) -> Result<(), String> {
        let flag = |v: &str| match v.to_ascii_lowercase().as_str() {
            "true" => Ok(true),
            "false" => Ok(false),
            _ => Err(format!("{name}: `{v}` is not true or false")),
        };
        match name {
            "PublishAot" => self.publish_aot = flag(value)?,
            "InvariantGlobalization" => self.invariant_globalization = flag(value)?,
            "StackTraceSupport" => self.stack_trace_support = flag(value)?,
            "UseSystemResourceKeys" => self.use_system_resource_keys = flag(value)?,
            "OptimizationPreference" => {
                self.optimization_preference = match value.to_ascii_lowercase().as_str() {
                    "blended" | "" => Optimization::Blended,
                    "size" => Optimization::Size,
                    "speed" => Optimization::Speed,
                    _ => return Err(format!("OptimizationPreference: `{value}` is not Size or Speed")),
                }
            }
            "TrimMode" => {
                self.trim_mode = match value.to_ascii_lowercase().as_str() {
                    "full" => TrimMode::Full,
                    "partial" => TrimMode::Partial,
                    _ => return Err(format!("TrimMode: `{value}` is not full or partial")),
                }
            }
            "DebugType" => self.debug_symbols = !value.eq_ignore_ascii_case("none"),
            "RuntimeIdentifier" => {
                let (os, arch) = value
                    .rsplit_once('-')
                    .ok_or_else(|| format!("RuntimeIdentifier: `{value}` is not OS-ARCH (linux-x64, win-arm64, …)"))?;
                if !matches!(os, "linux" | "linux-musl" | "win" | "osx" | "freebsd") {
                    return Err(format!("RuntimeIdentifier: unknown operating system `{os}` in `{value}`"));
                }
                if !matches!(arch, "x64" | "arm64" | "x86") {
                    return Err(format!("RuntimeIdentifier: unknown architecture `{arch}` in `{value}` (x64, arm64, x86)"));
                }
                self.runtime_identifier = value.to_string();
            }
            _ => return Err(format!("unknown property `{name}`; known: {}", SETTINGS.join(", "))),
        }
        Ok(())
    }

    /// The architecture part of the RID.
    pub fn arch(&self) -> &str {
        self.runtime_identifier.rsplit_once('-').map_or("x64", |(_, a)| a)
    }
}

/// What the program itself contributes, per assembly.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct AssemblyPart {
    /// Its name.
    pub name: String,
    /// The framework (index into [`AppModel::frameworks`]) whose slice stands for it, if deployed.
    pub framework: Option<usize>,
    /// Methods with a body that the trimmer keeps.
    pub methods: usize,
    /// Every method with a body.
    pub all_methods: usize,
    /// IL bytes of every body.
    pub all_il_bytes: u64,
    /// Estimated native code of the kept bodies.
    pub code_bytes: f64,
    /// Estimated native code of every body (for `TrimMode=partial`).
    pub all_code_bytes: f64,
    /// MethodTables of the kept types.
    pub type_data_bytes: f64,
    /// Unwind and GC information of the kept bodies.
    pub method_info_bytes: f64,
    /// Frozen string literals the kept bodies load.
    pub string_bytes: f64,
    /// Reflection metadata of the items kept for reflection.
    pub reflection_bytes: f64,
    /// Stack-trace names of the kept bodies.
    pub stack_trace_bytes: f64,
}

impl AssemblyPart {
    /// Everything it adds to the image, under `settings`.
    pub fn image_bytes(&self, s: &Settings) -> f64 {
        self.code(s) + self.method_info(s) + self.type_data_bytes + self.string_bytes + self.metadata(s)
    }

    /// Native code: of the kept bodies, or of every body of the program's own assemblies under
    /// `TrimMode=partial`.
    pub fn code(&self, s: &Settings) -> f64 {
        if self.untrimmed(s) {
            self.all_code_bytes
        } else {
            self.code_bytes
        }
    }

    /// Unwind and GC information, for the bodies [`AssemblyPart::code`] counts.
    pub fn method_info(&self, s: &Settings) -> f64 {
        if self.untrimmed(s) {
            self.method_info_bytes * self.all_methods as f64 / self.methods.max(1) as f64
        } else {
            self.method_info_bytes
        }
    }

    /// Reflection metadata, and stack-trace names unless `StackTraceSupport=false`.
    pub fn metadata(&self, s: &Settings) -> f64 {
        self.reflection_bytes + if s.stack_trace_support { self.stack_trace_bytes } else { 0.0 }
    }

    /// Whether anything of it survives trimming (with `TrimMode=partial` the program's own
    /// assemblies survive whole).
    pub fn deployed(&self, s: &Settings) -> bool {
        self.methods > 0 || self.type_data_bytes > 0.0 || (self.untrimmed(s) && self.all_methods > 0)
    }

    fn untrimmed(&self, s: &Settings) -> bool {
        s.trim_mode == TrimMode::Partial && self.framework.is_none()
    }
}

/// The program's parts, as [`measure`] finds them.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct AppInputs {
    /// Per assembly of the program.
    pub assemblies: Vec<AssemblyPart>,
    /// Which frameworks are deployed (by index into [`AppModel::frameworks`]).
    pub deployed: Vec<bool>,
    /// The MethodTable bytes of each type (0 for removed ones), by type id: for roll-ups.
    pub type_bytes: Vec<f64>,
    /// Kept methods with a body outside any deployed framework: JIT-compiled at run time on JIT.
    pub app_methods: usize,
}

fn reflected(kind: EdgeKind) -> bool {
    matches!(kind, EdgeKind::DynamicDependency | EdgeKind::DamRequirement | EdgeKind::ReflectedTypeName | EdgeKind::LdToken)
}

/// Measures the program's parts: `r` is the trim result (`None`: everything is kept), `code` the
/// estimated native bytes of each method with a body, by method id (from every body, kept or not).
pub fn measure(p: &Program, r: Option<&TrimResult>, code: &[f64], model: &AppModel, pointer_bytes: u32) -> AppInputs {
    let kept = |item: Item| r.is_none_or(|r| r.is_kept(item));
    let kind_of = |item: Item| r.and_then(|r| r.reason(item)).map(|x| x.kind);
    let ptr = f64::from(pointer_bytes);
    let header = model.value("method_table_header_bytes") - if pointer_bytes < 8 { 4.0 } else { 0.0 };
    // Frameworks the program deploys: the core always, the others when it keeps their trigger.
    let deployed: Vec<bool> = model
        .frameworks
        .iter()
        .map(|f| match &f.trigger {
            None => true,
            Some(t) => p.types.ids().any(|ty| kept(Item::Type(ty)) && matches(t, &p.assemblies[p.types[ty].assembly].name)),
        })
        .collect();
    let mut parts: Vec<AssemblyPart> = p
        .assemblies
        .iter()
        .map(|(_, a)| AssemblyPart {
            name: a.name.clone(),
            framework: model
                .frameworks
                .iter()
                .enumerate()
                .find(|(i, f)| deployed[*i] && f.covers.iter().any(|c| matches(c, &a.name)))
                .map(|(i, _)| i),
            ..AssemblyPart::default()
        })
        .collect();
    let mut seen_strings: HashSet<StringId> = HashSet::new();
    for m in p.methods.ids() {
        let md = &p.methods[m];
        let Some(body) = &md.body else { continue };
        let part = &mut parts[p.types[md.declaring_type].assembly.as_u32() as usize];
        let bytes = code.get(m.as_u32() as usize).copied().unwrap_or(0.0);
        part.all_methods += 1;
        part.all_il_bytes += u64::from(md.il_size);
        part.all_code_bytes += bytes;
        if !kept(Item::Method(m)) {
            continue;
        }
        part.methods += 1;
        part.code_bytes += bytes;
        part.method_info_bytes += model.value("method_info_bytes");
        part.stack_trace_bytes +=
            md.name.len() as f64 + p.type_name(md.declaring_type).len() as f64 + model.value("stack_trace_name_bytes");
        for ins in &body.instrs {
            if let Instr::LdStr(s) = ins {
                if seen_strings.insert(*s) {
                    part.string_bytes += model.value("string_header_bytes") + 2.0 * p.strings[*s].encode_utf16().count() as f64;
                }
            }
        }
        if kind_of(Item::Method(m)).is_some_and(reflected) {
            part.reflection_bytes += model.value("reflected_member_bytes");
        }
    }
    for f in p.fields.ids() {
        if kind_of(Item::Field(f)).is_some_and(reflected) {
            parts[p.types[p.fields[f].declaring_type].assembly.as_u32() as usize].reflection_bytes += model.value("reflected_member_bytes");
        }
    }
    let mut type_bytes = vec![0.0; p.types.len()];
    for t in p.types.ids() {
        if !kept(Item::Type(t)) {
            continue;
        }
        let td = &p.types[t];
        // The chain of bases inside the program, the type last.
        let mut chain = vec![t];
        while let Some(b) = p.types[*chain.last().expect("non-empty")].base.and_then(|b| p.sig_def(b)) {
            if chain.contains(&b) || chain.len() > 64 {
                break;
            }
            chain.push(b);
        }
        chain.reverse();
        let interfaces: usize = chain.iter().map(|&c| p.types[c].interfaces.len()).sum();
        let mut bytes = header + ptr * interfaces as f64;
        // A constructed type carries its vtable: one slot per kept virtual method that does not
        // override one of a base (interfaces have no vtable of their own).
        let constructed = td.kind != TypeKind::Interface && r.map_or(!td.is_abstract, |r| r.is_kept(Item::Instantiated(t)));
        if constructed {
            let mut slots: HashSet<(&str, usize)> = HashSet::new();
            for &c in &chain {
                for &m in &p.types[c].methods {
                    let md = &p.methods[m];
                    if md.flags.is_virtual
                        && kept(Item::Method(m))
                        && (md.flags.is_newslot || !slots.contains(&(md.name.as_str(), md.params.len())))
                    {
                        slots.insert((md.name.as_str(), md.params.len()));
                    }
                }
            }
            bytes += ptr * slots.len() as f64;
        }
        type_bytes[t.as_u32() as usize] = bytes;
        let part = &mut parts[td.assembly.as_u32() as usize];
        part.type_data_bytes += bytes;
        if kind_of(Item::Type(t)).is_some_and(reflected) {
            part.reflection_bytes += model.value("reflected_type_bytes");
        }
    }
    let app_methods = parts.iter().filter(|a| a.framework.is_none()).map(|a| a.methods).sum();
    AppInputs { assemblies: parts, deployed, type_bytes, app_methods }
}

/// A value a figure was computed from.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Input {
    /// Its name.
    pub name: String,
    /// Its value.
    pub value: f64,
    /// Its unit.
    pub unit: String,
    /// `published`, `derived`, `measured`, `assumption`, or `program` (from the program).
    pub kind: String,
    /// Where it comes from.
    pub source: String,
}

impl Input {
    fn constant(name: &str, c: &Constant) -> Input {
        let kind = serde_json::to_value(c.kind).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
        Input { name: name.to_string(), value: c.value, unit: c.unit.clone(), kind, source: c.source.clone() }
    }

    fn program(name: &str, value: f64, unit: &str, source: &str) -> Input {
        Input { name: name.into(), value, unit: unit.into(), kind: "program".into(), source: source.into() }
    }
}

/// A computed figure with its formula and inputs.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Figure {
    /// Its value.
    pub value: f64,
    /// How it is computed, in the inputs' names.
    pub formula: String,
    /// The inputs.
    pub inputs: Vec<Input>,
}

/// One part of the image.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Part {
    /// What it is.
    pub part: String,
    /// Its bytes.
    pub bytes: f64,
    /// How they are found.
    pub note: String,
}

/// A deployment: its parts and totals.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Deployment {
    /// `Native AOT` or `JIT (self-contained)`.
    pub kind: String,
    /// The parts, summing to `image_bytes` (AOT) or `publish_bytes` (JIT).
    pub parts: Vec<Part>,
    /// The executable image (AOT) or the deployed files (JIT).
    pub image_bytes: f64,
    /// Debug symbols written beside it.
    pub symbols_bytes: f64,
    /// Everything publish writes.
    pub publish_bytes: f64,
    /// Modelled assemblies with no published slice: their part is the program's model only.
    pub unpublished: Vec<String>,
}

/// How a target scales a published slice: its code share by the code factor, the rest by the
/// data factor.
fn slice_factor(model: &AppModel, target: &Target) -> f64 {
    let share = model.value("code_share");
    share * target.code_factor.value + (1.0 - share) * target.data_factor.value
}

/// The managed-code factor of the size settings (`OptimizationPreference`, `InvariantGlobalization`).
fn managed_factor(model: &AppModel, s: &Settings) -> f64 {
    let opt = match s.optimization_preference {
        Optimization::Blended => 0.0,
        Optimization::Size => model.value("opt_size_fraction"),
        Optimization::Speed => model.value("opt_speed_fraction"),
    };
    let inv = if s.invariant_globalization { model.value("invariant_globalization_fraction") } else { 0.0 };
    (1.0 + opt) * (1.0 + inv)
}

/// The Native AOT image and publish output.
pub fn aot_image(model: &AppModel, inputs: &AppInputs, s: &Settings) -> Deployment {
    // Settings only take x64, arm64 and x86; a model file without the RID's target falls back to
    // its first, and says so.
    let (target, fallback) = match model.target(s.arch()) {
        Some(t) => (t, String::new()),
        None => (&model.targets[0], format!("; no {} target in the model, {} used", s.arch(), model.targets[0].arch)),
    };
    let tf = slice_factor(model, target);
    let mf = managed_factor(model, s);
    let mut parts = vec![Part {
        part: "native runtime and GC".into(),
        bytes: model.value("runtime_native_bytes") * tf,
        note: format!("runtime_native_bytes × target {tf:.3}{fallback}"),
    }];
    for (i, f) in model.frameworks.iter().enumerate() {
        if !inputs.deployed[i] {
            continue;
        }
        let mut slice = f.figures["aot_image_bytes"].value * tf;
        let mut notes = vec![format!("published slice {:.0}", f.figures["aot_image_bytes"].value)];
        if !s.stack_trace_support {
            slice *= 1.0 + model.value("stack_trace_fraction");
            notes.push("StackTraceSupport=false".into());
        }
        if i == 0 && s.use_system_resource_keys {
            slice *= 1.0 + model.value("resource_keys_corelib_fraction");
            notes.push("UseSystemResourceKeys=true".into());
        }
        let modelled: f64 = inputs.assemblies.iter().filter(|a| a.framework == Some(i)).map(|a| a.image_bytes(s)).sum();
        let (bytes, how) = if modelled > slice {
            (modelled, format!("the program models more than the slice ({modelled:.0} > {slice:.0}): modelled"))
        } else {
            (slice, format!("the slice stands for the {modelled:.0} bytes the program models"))
        };
        parts.push(Part { part: format!("framework: {}", f.name), bytes: bytes * mf, note: format!("{}; {how}", notes.join(", ")) });
    }
    let own: Vec<&AssemblyPart> = inputs.assemblies.iter().filter(|a| a.framework.is_none() && a.deployed(s)).collect();
    let sum = |f: &dyn Fn(&AssemblyPart) -> f64| own.iter().map(|a| f(a)).sum::<f64>();
    let code = sum(&|a| a.code(s));
    let info = sum(&|a| a.method_info(s));
    let strings = sum(&|a| a.string_bytes);
    let types = sum(&|a| a.type_data_bytes);
    let metadata = sum(&|a| a.metadata(s));
    let names: Vec<&str> = own.iter().map(|a| a.name.as_str()).collect();
    parts.push(Part {
        part: "program: native code".into(),
        bytes: code * mf,
        note: format!(
            "per-method estimates of {} ({})",
            if s.trim_mode == TrimMode::Partial { "every body (TrimMode=partial)" } else { "the kept bodies" },
            names.join(", ")
        ),
    });
    parts.push(Part {
        part: "program: type data".into(),
        bytes: types * mf,
        note: "MethodTables: header, vtable slots, interfaces".into(),
    });
    parts.push(Part { part: "program: method info".into(), bytes: info * mf, note: "unwind and GC information".into() });
    parts.push(Part { part: "program: frozen strings".into(), bytes: strings * mf, note: "string literals of the kept bodies".into() });
    parts.push(Part {
        part: "program: metadata".into(),
        bytes: metadata * mf,
        note: format!("reflection-visible items{}", if s.stack_trace_support { " and stack-trace names" } else { "" }),
    });
    let image: f64 = parts.iter().map(|x| x.bytes).sum();
    let symbols = if s.debug_symbols { image * model.value("symbols_ratio") } else { 0.0 };
    Deployment {
        kind: "Native AOT".into(),
        parts,
        image_bytes: image,
        symbols_bytes: symbols,
        publish_bytes: image + symbols,
        unpublished: own.iter().filter(|a| is_library_like(&a.name)).map(|a| a.name.clone()).collect(),
    }
}

/// Names of third-party or framework libraries (as opposed to the program's own assemblies):
/// `Microsoft.*`, `System.*`, `Newtonsoft.*`, … — shown as "modelled only" when no slice covers
/// them.
fn is_library_like(name: &str) -> bool {
    ["Microsoft.", "System.", "Newtonsoft.", "Mono."].iter().any(|p| name.starts_with(p))
        || ["System", "mscorlib", "netstandard"].contains(&name)
}

/// The self-contained JIT deployment: the framework's files plus the program's assemblies.
pub fn jit_publish(model: &AppModel, inputs: &AppInputs, file_bytes: &dyn Fn(&str) -> Option<u64>) -> Deployment {
    let mut parts = Vec::new();
    for (i, f) in model.frameworks.iter().enumerate() {
        if inputs.deployed[i] {
            parts.push(Part {
                part: format!("framework: {}", f.name),
                bytes: f.figures["jit_publish_bytes"].value,
                note: "published: the framework's files, untrimmed".into(),
            });
        }
    }
    let own: Vec<&AssemblyPart> = inputs.assemblies.iter().filter(|a| a.framework.is_none() && a.deployed(&Settings::default())).collect();
    let mut measured = 0.0;
    let mut estimated = 0.0;
    for a in &own {
        match file_bytes(&a.name) {
            Some(b) => measured += b as f64,
            None => estimated += a.all_il_bytes as f64 * model.value("il_file_ratio"),
        }
    }
    parts.push(Part {
        part: "program: assemblies".into(),
        bytes: measured + estimated,
        note: format!("{measured:.0} bytes of files read, {estimated:.0} estimated as IL × il_file_ratio"),
    });
    let total = parts.iter().map(|x| x.bytes).sum();
    Deployment {
        kind: "JIT (self-contained)".into(),
        parts,
        image_bytes: total,
        symbols_bytes: 0.0,
        publish_bytes: total,
        unpublished: Vec::new(),
    }
}

/// One row of the comparison.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Metric {
    /// `publish_size_mb`, …
    pub name: String,
    /// Its unit.
    pub unit: String,
    /// The JIT figure.
    pub jit: Figure,
    /// The Native AOT figure.
    pub aot: Figure,
    /// The seed table's range for it, when it has one.
    pub seed: Option<SeedRange>,
}

/// The JIT vs AOT comparison of a program.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Comparison {
    /// The settings.
    pub settings: Settings,
    /// The AOT deployment.
    pub aot: Deployment,
    /// The JIT deployment.
    pub jit: Deployment,
    /// The metrics, in the seed table's order (`warm_rps` only for a program that deploys the
    /// seed's framework: throughput is given against its reference figure).
    pub metrics: Vec<Metric>,
}

fn sum_figure(model: &AppModel, inputs: &AppInputs, key: &str) -> (f64, Vec<Input>) {
    let mut v = 0.0;
    let mut ins = Vec::new();
    for (i, f) in model.frameworks.iter().enumerate() {
        if inputs.deployed[i] {
            v += f.figures[key].value;
            ins.push(Input::constant(&format!("{}: {key}", f.name), &f.figures[key]));
        }
    }
    (v, ins)
}

/// JIT and Native AOT side by side: size, cold start, memory, build time, throughput.
pub fn compare(model: &AppModel, inputs: &AppInputs, s: &Settings, file_bytes: &dyn Fn(&str) -> Option<u64>) -> Comparison {
    const MB: f64 = 1e6;
    let aot = aot_image(model, inputs, s);
    let jit = jit_publish(model, inputs, file_bytes);
    let read = model.value("cold_read_mb_s");
    let app_methods = inputs.app_methods as f64;
    let jit_in = Input::program("jit_publish_mb", jit.publish_bytes / MB, "MB", "the JIT deployment above");
    let img_in = Input::program("aot_image_mb", aot.image_bytes / MB, "MB", "the AOT executable image above");
    let methods_in = Input::program(
        "app_methods",
        app_methods,
        "methods",
        "kept methods with a body outside the published slices: JIT-compiled on first use",
    );
    let mut metrics = Vec::new();
    let server = model.frameworks.iter().zip(&inputs.deployed).any(|(f, &d)| d && f.name == model.seed.applies_to);
    let seed = |name: &str| if server { model.seed.ranges.get(name).copied() } else { None };

    metrics.push(Metric {
        name: "publish_size_mb".into(),
        unit: "MB".into(),
        jit: Figure {
            value: jit.publish_bytes / MB,
            formula: "Σ framework jit_publish_bytes + program assemblies".into(),
            inputs: vec![jit_in.clone()],
        },
        aot: Figure {
            value: aot.publish_bytes / MB,
            formula: if s.debug_symbols { "image × (1 + symbols_ratio)".into() } else { "image (DebugType=None: no symbols)".into() },
            inputs: vec![img_in.clone(), model.input("symbols_ratio")],
        },
        seed: seed("publish_size_mb"),
    });

    let (jit_start, mut jit_start_in) = sum_figure(model, inputs, "jit_start_ms");
    let (aot_start, mut aot_start_in) = sum_figure(model, inputs, "aot_start_ms");
    let jit_cold = jit_start + app_methods * model.value("jit_ms_per_method") + jit.publish_bytes / MB / read * 1000.0;
    jit_start_in.extend([methods_in.clone(), model.input("jit_ms_per_method"), jit_in.clone(), model.input("cold_read_mb_s")]);
    let size_penalty = if s.optimization_preference == Optimization::Size { model.value("opt_size_start_ms") } else { 0.0 };
    let aot_cold = aot_start + aot.image_bytes / MB / read * 1000.0 + size_penalty;
    aot_start_in.extend([img_in.clone(), model.input("cold_read_mb_s")]);
    if size_penalty > 0.0 {
        aot_start_in.push(model.input("opt_size_start_ms"));
    }
    metrics.push(Metric {
        name: "cold_start_ms".into(),
        unit: "ms".into(),
        jit: Figure {
            value: jit_cold,
            formula: "Σ jit_start_ms (runtime init + framework JIT to the first response) + app_methods × jit_ms_per_method + jit_publish_mb / cold_read_mb_s".into(),
            inputs: jit_start_in,
        },
        aot: Figure {
            value: aot_cold,
            formula: format!("Σ aot_start_ms (runtime init, no JIT) + aot_image_mb / cold_read_mb_s{}", if size_penalty > 0.0 { " + opt_size_start_ms" } else { "" }),
            inputs: aot_start_in,
        },
        seed: seed("cold_start_ms"),
    });

    let jit_mem = jit.publish_bytes / MB * model.value("jit_touched_fraction")
        + model.value("jit_runtime_ws_mb")
        + model.value("gc_initial_mb")
        + app_methods * model.value("jit_bytes_per_method") / MB;
    let aot_mem = aot.image_bytes / MB + model.value("aot_runtime_ws_mb") + model.value("gc_initial_mb");
    metrics.push(Metric {
        name: "startup_memory_mb".into(),
        unit: "MB".into(),
        jit: Figure {
            value: jit_mem,
            formula: "jit_publish_mb × jit_touched_fraction + jit_runtime_ws_mb + gc_initial_mb + app_methods × jit_bytes_per_method"
                .into(),
            inputs: vec![
                jit_in.clone(),
                model.input("jit_touched_fraction"),
                model.input("jit_runtime_ws_mb"),
                model.input("gc_initial_mb"),
                methods_in.clone(),
                model.input("jit_bytes_per_method"),
            ],
        },
        aot: Figure {
            value: aot_mem,
            formula: "aot_image_mb (mapped, all touched) + aot_runtime_ws_mb + gc_initial_mb".into(),
            inputs: vec![img_in.clone(), model.input("aot_runtime_ws_mb"), model.input("gc_initial_mb")],
        },
        seed: seed("startup_memory_mb"),
    });
    metrics.push(Metric {
        name: "steady_memory_mb".into(),
        unit: "MB".into(),
        jit: Figure {
            value: jit_mem + model.value("steady_heap_mb") + model.value("jit_steady_extra_mb"),
            formula: "startup + steady_heap_mb + jit_steady_extra_mb".into(),
            inputs: vec![model.input("steady_heap_mb"), model.input("jit_steady_extra_mb")],
        },
        aot: Figure {
            value: aot_mem + model.value("steady_heap_mb"),
            formula: "startup + steady_heap_mb".into(),
            inputs: vec![model.input("steady_heap_mb")],
        },
        seed: seed("steady_memory_mb"),
    });

    let (jit_build, jit_build_in) = sum_figure(model, inputs, "jit_build_s");
    let (aot_build, mut aot_build_in) = sum_figure(model, inputs, "aot_build_s");
    let own_mb: f64 = aot.parts.iter().filter(|x| x.part.starts_with("program:")).map(|x| x.bytes).sum::<f64>() / MB;
    aot_build_in.extend([
        Input::program("program_image_mb", own_mb, "MB", "the program's own parts of the AOT image"),
        model.input("ilc_s_per_mb"),
    ]);
    metrics.push(Metric {
        name: "build_time_s".into(),
        unit: "s".into(),
        jit: Figure { value: jit_build, formula: "Σ jit_build_s".into(), inputs: jit_build_in },
        aot: Figure {
            value: aot_build + own_mb * model.value("ilc_s_per_mb"),
            formula: "Σ aot_build_s + program_image_mb × ilc_s_per_mb".into(),
            inputs: aot_build_in,
        },
        seed: seed("build_time_s"),
    });

    if !server {
        return Comparison { settings: s.clone(), aot, jit, metrics };
    }
    // Throughput: only for a server, against the reference a server figure gives.
    let speed = if s.optimization_preference == Optimization::Speed { model.value("opt_speed_throughput") } else { 0.0 };
    let rps = model.value("jit_reference_rps");
    let mut rps_in = vec![model.input("jit_reference_rps"), model.input("aot_throughput_ratio")];
    if speed > 0.0 {
        rps_in.push(model.input("opt_speed_throughput"));
    }
    metrics.push(Metric {
        name: "warm_rps".into(),
        unit: "requests/s".into(),
        jit: Figure {
            value: rps,
            formula: "jit_reference_rps (a reference, not modelled)".into(),
            inputs: vec![model.input("jit_reference_rps")],
        },
        aot: Figure {
            value: rps * model.value("aot_throughput_ratio") * (1.0 + speed),
            formula: format!("jit_reference_rps × aot_throughput_ratio{}", if speed > 0.0 { " × (1 + opt_speed_throughput)" } else { "" }),
            inputs: rps_in,
        },
        seed: seed("warm_rps"),
    });
    Comparison { settings: s.clone(), aot, jit, metrics }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_model_reads_and_every_constant_has_a_source() {
        let m = AppModel::built_in();
        for (name, c) in &m.constants {
            assert!(c.source.len() > 20 && !c.unit.is_empty(), "{name}");
        }
        assert!(m.frameworks.iter().all(|f| f.figures.values().all(|c| c.source.len() > 20)));
        assert!(m.target("x64").is_some() && m.target("arm64").is_some() && m.target("x86").is_some());
    }

    #[test]
    fn a_model_file_missing_a_constant_is_refused_by_name() {
        let text = include_str!("../profiles/app-model.json").replacen("\"symbols_ratio\"", "\"symbols\"", 1);
        assert_eq!(AppModel::from_json(&text).unwrap_err(), "constant `symbols_ratio` is missing");
        assert!(AppModel::from_json("{").unwrap_err().starts_with("not an app model"));
    }

    #[test]
    fn settings_take_msbuild_names_and_refuse_the_rest() {
        let mut s = Settings::default();
        s.set("OptimizationPreference", "size").unwrap();
        s.set("RuntimeIdentifier", "linux-musl-arm64").unwrap();
        s.set("DebugType", "None").unwrap();
        assert_eq!((s.optimization_preference, s.arch(), s.debug_symbols), (Optimization::Size, "arm64", false));
        assert!(s.set("TrimMode", "link").unwrap_err().contains("not full or partial"));
        assert!(s.set("RuntimeIdentifier", "x64").unwrap_err().contains("OS-ARCH"));
        assert!(s.set("PublishTrimmed", "true").unwrap_err().contains("unknown property"));
    }

    #[test]
    fn patterns_match_exactly_or_by_prefix() {
        assert!(matches("Microsoft.Extensions.*", "Microsoft.Extensions.Logging"));
        assert!(matches("System.Text.Json", "System.Text.Json"));
        assert!(!matches("System.Text.Json", "System.Text.Json.Extra"));
        assert!(!matches("mscorlib", "mscorlib2"));
    }
}
