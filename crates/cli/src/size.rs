//! `aotsim size`: estimated native code of the (trimmed) program, per method and rolled up
//! assembly → namespace → type → member (exclusive and inclusive), from a calibrated backend
//! profile (docs/size-model.md), and the whole application around it: runtime, framework slices,
//! type data, metadata (docs/app-model.md).

use crate::output::{csv_field, print_json, Timings};
use crate::trim::TrimArgs;
use aotsim_size::app::{Deployment, Settings};
use aotsim_size::{features, Profile};
use aotsim_trim::Item;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The program: a `.il` text file, a `.json` or `.aotb` model, or a `.dll`/`.exe` assembly.
    file: PathBuf,
    #[command(flatten)]
    read: crate::ReadArgs,
    #[command(flatten)]
    trim: TrimArgs,
    #[command(flatten)]
    deploy: crate::deploy::DeployArgs,
    /// Estimate every method body, not only the ones the trimmer keeps.
    #[arg(long)]
    no_trim: bool,
    /// List every estimated method (with assembly and token for real assemblies).
    #[arg(long)]
    per_method: bool,
    /// How many children each roll-up node lists (namespaces, types, members), largest first.
    #[arg(long, default_value_t = 10)]
    top: usize,
    /// List the N items with the largest retained size: their own bytes plus those of every item
    /// they dominate in the kept graph (what would go if the item were not reached).
    #[arg(long, value_name = "N")]
    retained: Option<usize>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = SizeFormat::Text)]
    format: SizeFormat,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum SizeFormat {
    /// A human report.
    Text,
    /// JSON.
    Json,
    /// CSV: the roll-up (level,assembly,namespace,type,member,exclusive_bytes,inclusive_bytes), or
    /// with `--per-method` one row per method (assembly,token,method,il_size,native_estimate).
    Csv,
}

#[derive(serde::Serialize)]
struct MethodSize {
    method: String,
    assembly: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    token: Option<String>,
    il_size: u32,
    native_bytes: f64,
    /// The features that contributed most to the estimate, in bytes.
    drivers: Vec<(String, f64)>,
}

#[derive(serde::Serialize)]
struct Report {
    file: String,
    profile: String,
    trimmed: bool,
    methods: usize,
    il_bytes: u64,
    native_code_bytes: f64,
    by_assembly: BTreeMap<String, f64>,
    by_namespace: BTreeMap<String, f64>,
    top_types: Vec<(String, f64)>,
    /// Assembly → namespace → type → member, exclusive and inclusive bytes (code and type data).
    rollup: Vec<Node>,
    /// The whole application: the image (PublishAot=true) or the deployed files.
    app: Deployment,
    settings: Settings,
    #[serde(skip_serializing_if = "Option::is_none")]
    retained: Option<Vec<Retained>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    per_method: Option<Vec<MethodSize>>,
}

/// A roll-up node: its own bytes and those of everything under it.
#[derive(serde::Serialize, Clone, Debug)]
struct Node {
    kind: &'static str,
    name: String,
    exclusive_bytes: f64,
    inclusive_bytes: f64,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    children: Vec<Node>,
}

impl Node {
    fn new(kind: &'static str, name: String, bytes: f64) -> Node {
        Node { kind, name, exclusive_bytes: bytes, inclusive_bytes: bytes, children: Vec::new() }
    }

    /// Sums inclusive sizes bottom-up, sorts children largest first and keeps `top` of them
    /// (the assemblies themselves are all listed). A type's exclusive bytes are its type data and its
    /// methods (listed as its children); its inclusive bytes add its nested types.
    fn finish(&mut self, top: usize) {
        for c in &mut self.children {
            c.finish(top);
        }
        self.inclusive_bytes =
            self.exclusive_bytes + self.children.iter().filter(|c| c.kind != "method").map(|c| c.inclusive_bytes).sum::<f64>();
        self.children.sort_by(|a, b| b.inclusive_bytes.total_cmp(&a.inclusive_bytes).then_with(|| a.name.cmp(&b.name)));
        self.children.truncate(top);
    }
}

/// The roll-up of `p`: per kept method its estimate, per kept type its type data.
fn rollup(p: &aotsim_il::Program, estimate: &[f64], type_bytes: &[f64], kept: &dyn Fn(Item) -> bool, top: usize) -> Vec<Node> {
    use aotsim_il::TypeId;
    fn type_node(p: &aotsim_il::Program, t: TypeId, estimate: &[f64], type_bytes: &[f64], kept: &dyn Fn(Item) -> bool) -> Node {
        let td = &p.types[t];
        let mut n = Node::new("type", td.name.clone(), type_bytes.get(t.as_u32() as usize).copied().unwrap_or(0.0));
        for &m in &td.methods {
            let b = estimate[m.as_u32() as usize];
            if b > 0.0 {
                n.exclusive_bytes += b;
                n.children.push(Node::new(
                    "method",
                    p.method_name(m).rsplit_once("::").map_or_else(|| p.method_name(m), |(_, x)| x.to_string()),
                    b,
                ));
            }
        }
        for &nested in &td.nested {
            if kept(Item::Type(nested)) {
                n.children.push(type_node(p, nested, estimate, type_bytes, kept));
            }
        }
        n
    }
    let mut out = Vec::new();
    for (_, ad) in p.assemblies.iter() {
        let mut asm = Node::new("assembly", ad.name.clone(), 0.0);
        let mut namespaces: BTreeMap<&str, Node> = BTreeMap::new();
        for &t in &ad.types {
            if p.types[t].declaring_type.is_some() || !kept(Item::Type(t)) {
                continue;
            }
            let ns = p.types[t].namespace.as_str();
            let node = namespaces
                .entry(ns)
                .or_insert_with(|| Node::new("namespace", if ns.is_empty() { "(global)".into() } else { ns.to_string() }, 0.0));
            node.children.push(type_node(p, t, estimate, type_bytes, kept));
        }
        asm.children = namespaces.into_values().collect();
        asm.finish(top);
        if asm.inclusive_bytes > 0.0 {
            out.push(asm);
        }
    }
    out.sort_by(|a, b| b.inclusive_bytes.total_cmp(&a.inclusive_bytes).then_with(|| a.name.cmp(&b.name)));
    out
}

#[derive(serde::Serialize)]
struct Retained {
    kind: &'static str,
    item: String,
    /// Its own estimated bytes.
    own_bytes: f64,
    /// Its bytes and those of everything it dominates.
    retained_bytes: f64,
}

/// A size profile: a built-in name (`mono-x64`) or a JSON file written by `aotsim calibrate`.
pub fn load_profile(name: &str) -> anyhow::Result<Profile> {
    let bad = |lines: Vec<String>| anyhow::Error::new(crate::InputError { lines });
    if let Some(p) = Profile::built_in(name) {
        return Ok(p);
    }
    let text = std::fs::read_to_string(name)
        .map_err(|e| bad(vec![format!("--profile {name}: not a built-in profile, and cannot read it: {e}")]))?;
    let profile: Profile = serde_json::from_str(&text).map_err(|e| bad(vec![format!("{name}: not a profile: {e}")]))?;
    profile.check_features().map_err(|e| bad(vec![format!("{name}: {e}")]))?;
    Ok(profile)
}

pub fn run(a: &Args, t: &mut Timings) -> anyhow::Result<ExitCode> {
    let bad = |lines: Vec<String>| anyhow::Error::new(crate::InputError { lines });
    let settings = a.deploy.settings()?;
    let model = a.deploy.model()?;
    let profile = a.deploy.profile(&model, &settings)?;
    let loaded = crate::load(std::slice::from_ref(&a.file), &a.read)?;
    let p = &loaded.program;
    t.phase("read");
    let trimmed = if a.no_trim {
        None
    } else {
        let (config, _) = a.trim.config(p)?;
        Some(aotsim_trim::trim(p, &config))
    };
    if a.retained.is_some() && trimmed.is_none() {
        return Err(bad(vec!["--retained needs the trimmed graph: drop --no-trim".into()]));
    }
    t.phase("trim");
    let kept_item = |item: Item| trimmed.as_ref().is_none_or(|r| r.is_kept(item));
    let estimate = crate::deploy::estimates(&loaded, &profile, trimmed.as_ref(), crate::deploy::needs_all(&settings));
    let inputs = crate::deploy::inputs(&loaded, trimmed.as_ref(), &estimate, &model, &settings);
    let kept: Vec<aotsim_il::MethodId> = p.methods.ids().filter(|&m| p.methods[m].body.is_some() && kept_item(Item::Method(m))).collect();
    let mut by_assembly: BTreeMap<String, f64> = BTreeMap::new();
    let mut by_namespace: BTreeMap<String, f64> = BTreeMap::new();
    let mut by_type: BTreeMap<String, f64> = BTreeMap::new();
    let mut per_method = Vec::with_capacity(kept.len());
    let (mut total, mut il) = (0.0, 0u64);
    for &m in &kept {
        let md = &p.methods[m];
        let bytes = estimate[m.as_u32() as usize];
        let td = &p.types[md.declaring_type];
        let assembly = p.assemblies[td.assembly].name.clone();
        let mut outer = md.declaring_type;
        while let Some(o) = p.types[outer].declaring_type {
            outer = o;
        }
        let ns = p.types[outer].namespace.clone();
        total += bytes;
        il += u64::from(md.il_size);
        *by_assembly.entry(assembly.clone()).or_default() += bytes;
        *by_namespace.entry(format!("{assembly}: {}", if ns.is_empty() { "(global)" } else { &ns })).or_default() += bytes;
        *by_type.entry(p.type_name(md.declaring_type).to_string()).or_default() += bytes;
        if a.per_method {
            let token = loaded.tokens.as_ref().and_then(|tk| tk.method_token(m)).map(|(_, tok)| format!("0x{tok:08x}"));
            per_method.push(MethodSize {
                method: p.method_name(m),
                assembly,
                token,
                il_size: md.il_size,
                native_bytes: bytes,
                drivers: profile.explain(&features(p, m, loaded.il_table())).into_iter().take(3).collect(),
            });
        }
    }
    let app = if settings.publish_aot {
        aotsim_size::app::aot_image(&model, &inputs, &settings)
    } else {
        aotsim_size::app::jit_publish(&model, &inputs, &crate::deploy::file_finder(&a.file, &a.read.ref_dirs))
    };
    let rollup = rollup(p, &estimate, &inputs.type_bytes, &kept_item, a.top);
    t.phase("estimate");
    let retained = match (a.retained, &trimmed) {
        (Some(n), Some(r)) => {
            let own = |item: Item| match item {
                Item::Method(m) => estimate[m.as_u32() as usize],
                Item::Type(ty) => inputs.type_bytes[ty.as_u32() as usize],
                _ => 0.0,
            };
            let dom = aotsim_trim::dominators::Dominators::of(r);
            let totals = dom.retained(r, own);
            let g = r.graph();
            let mut v: Vec<Retained> = (0..totals.len() as u32)
                .filter(|&node| totals[node as usize] > 0.0)
                .map(|node| g.layout.item(node))
                .filter(|item| matches!(item, Item::Method(_) | Item::Type(_) | Item::Assembly(_)))
                .map(|item| Retained {
                    kind: item.kind_name(),
                    item: item.name(p),
                    own_bytes: own(item),
                    retained_bytes: totals[g.layout.node(item) as usize],
                })
                .collect();
            v.sort_by(|x, y| y.retained_bytes.total_cmp(&x.retained_bytes).then_with(|| x.item.cmp(&y.item)));
            v.truncate(n);
            Some(v)
        }
        _ => None,
    };
    t.phase("retained");
    let mut top_types: Vec<(String, f64)> = by_type.into_iter().collect();
    top_types.sort_by(|x, y| y.1.total_cmp(&x.1).then_with(|| x.0.cmp(&y.0)));
    top_types.truncate(a.top);
    let report = Report {
        file: a.file.display().to_string(),
        profile: profile.name.clone(),
        trimmed: !a.no_trim,
        methods: kept.len(),
        il_bytes: il,
        native_code_bytes: total,
        by_assembly,
        by_namespace,
        top_types,
        rollup,
        app,
        settings,
        retained,
        per_method: a.per_method.then_some(per_method),
    };
    match a.format {
        SizeFormat::Json => print_json(&report)?,
        SizeFormat::Csv if a.per_method => {
            println!("assembly,token,method,il_size,native_estimate");
            for m in report.per_method.iter().flatten() {
                println!(
                    "{},{},{},{},{:.0}",
                    m.assembly,
                    m.token.as_deref().unwrap_or(""),
                    csv_field(&m.method),
                    m.il_size,
                    m.native_bytes
                );
            }
        }
        SizeFormat::Csv => {
            println!("level,assembly,namespace,type,member,exclusive_bytes,inclusive_bytes");
            let mut rows = Vec::new();
            for asm in &report.rollup {
                csv_rows(asm, &mut Vec::new(), &mut rows);
            }
            for r in rows {
                println!("{r}");
            }
        }
        SizeFormat::Text => print_text(&report, a),
    }
    t.phase("report");
    Ok(ExitCode::SUCCESS)
}

/// One CSV row per roll-up node, its path split into assembly, namespace, type (nested types
/// joined with `/`) and member.
fn csv_rows(n: &Node, path: &mut Vec<(&'static str, String)>, rows: &mut Vec<String>) {
    path.push((n.kind, n.name.clone()));
    let col = |kind: &str| path.iter().filter(|(k, _)| *k == kind).map(|(_, v)| v.as_str()).collect::<Vec<_>>().join("/");
    rows.push(format!(
        "{},{},{},{},{},{:.0},{:.0}",
        n.kind,
        csv_field(&col("assembly")),
        csv_field(&col("namespace")),
        csv_field(&col("type")),
        csv_field(&col("method")),
        n.exclusive_bytes,
        n.inclusive_bytes
    ));
    for c in &n.children {
        csv_rows(c, path, rows);
    }
    path.pop();
}

fn print_tree(n: &Node, depth: usize) {
    let own = if n.kind == "type" { format!("  ({:.0} own)", n.exclusive_bytes) } else { String::new() };
    println!("  {:>12.0}  {}{} {}{own}", n.inclusive_bytes, "  ".repeat(depth), n.kind, n.name);
    for c in &n.children {
        print_tree(c, depth + 1);
    }
}

/// The whole-application part of the text reports (also used by `compare`).
pub fn print_deployment(d: &aotsim_size::app::Deployment) {
    for x in &d.parts {
        println!("  {:>12.0}  {}  ({})", x.bytes, x.part, x.note);
    }
    println!("  {:>12.0}  = {}", d.image_bytes, if d.kind == "Native AOT" { "executable image" } else { "deployed files" });
    if d.symbols_bytes > 0.0 {
        println!("  {:>12.0}  + native debug symbols (.dbg/.pdb, written beside the image)", d.symbols_bytes);
        println!("  {:>12.0}  = publish output", d.publish_bytes);
    }
    if !d.unpublished.is_empty() {
        println!("  no published figure for {}: only their modelled part is counted", d.unpublished.join(", "));
    }
}

fn print_text(report: &Report, a: &Args) {
    println!(
        "{}: {} methods{}, {} bytes of IL → about {:.0} bytes of native code (profile {}; an estimate, docs/size-model.md gives its error)",
        report.file,
        report.methods,
        if report.trimmed { " kept" } else { "" },
        report.il_bytes,
        report.native_code_bytes,
        report.profile
    );
    println!("roll-up (inclusive bytes: native code and type data; the {} largest under each node):", a.top);
    for asm in &report.rollup {
        print_tree(asm, 0);
    }
    if let Some(ret) = &report.retained {
        println!("largest retained size (own + everything only reachable through it):");
        for x in ret {
            println!("  {:>12.0}  {:>8.0}  {} {}", x.retained_bytes, x.own_bytes, x.kind, x.item);
        }
    }
    if let Some(per_method) = &report.per_method {
        let mut sorted: Vec<&MethodSize> = per_method.iter().collect();
        sorted.sort_by(|x, y| y.native_bytes.total_cmp(&x.native_bytes));
        println!("largest methods:");
        for m in sorted.iter().take(a.top) {
            let why: Vec<String> = m.drivers.iter().map(|(f, b)| format!("{f} {b:.0}")).collect();
            println!("  {:>12.0}  {}  ({})", m.native_bytes, m.method, why.join(", "));
        }
    }
    println!("whole application, {} ({}; a model: docs/app-model.md):", report.app.kind, settings_line(&report.settings));
    print_deployment(&report.app);
}

/// The settings as `-p` would spell them.
pub fn settings_line(s: &Settings) -> String {
    format!(
        "RuntimeIdentifier={} OptimizationPreference={:?} InvariantGlobalization={} StackTraceSupport={} UseSystemResourceKeys={} TrimMode={:?}{}",
        s.runtime_identifier,
        s.optimization_preference,
        s.invariant_globalization,
        s.stack_trace_support,
        s.use_system_resource_keys,
        s.trim_mode,
        if s.debug_symbols { "" } else { " DebugType=None" }
    )
}
