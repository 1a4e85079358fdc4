//! `aotsim trim`: run the trimmer and report what is kept and removed.

use crate::lookup::find_items;
use crate::output::{print_json, Timings};
use crate::Format;
use aotsim_hazard::models::{ApiModels, ResolvedModels};
use aotsim_il::Program;
use aotsim_trim::descriptor::read_descriptor;
use aotsim_trim::{Counts, DepGraph, Diagnostic, Item, Precision, Reason, Root, RootKind, TrimConfig, TrimResult};
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
    /// List the kept or the removed items (with the reason each kept item is kept).
    #[arg(long, value_enum)]
    list: Option<ListArg>,
    /// Write the trimmed program here (`.json` JSON model, `.aotb` binary model, else text).
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

/// The options every trimming subcommand shares (ILLink's names where it has them).
#[derive(clap::Args, Debug, Clone)]
pub struct TrimArgs {
    /// How virtual calls are resolved: `rta` keeps overrides only on instantiated types.
    #[arg(long, value_enum, default_value_t = PrecisionArg::Rta)]
    pub precision: PrecisionArg,
    /// Extra roots, by display name (repeatable).
    #[arg(long = "root", value_name = "ITEM")]
    pub roots: Vec<String>,
    /// Do not root the entry point.
    #[arg(long)]
    pub no_entry_point: bool,
    /// An ILLink descriptor XML file of roots (repeatable), as ILLink's `-x`.
    #[arg(short = 'x', long = "descriptor", value_name = "FILE")]
    pub descriptors: Vec<PathBuf>,
    /// A feature switch value, `Name=true|false` (repeatable), as ILLink's `--feature`.
    #[arg(long = "feature", value_name = "NAME=BOOL", value_parser = parse_feature)]
    pub features: Vec<(String, bool)>,
    /// Trim this assembly as a library: its public surface is rooted (repeatable).
    #[arg(long = "library", value_name = "ASSEMBLY")]
    pub library: Vec<String>,
    /// Keep this assembly whole: ILLink's `copy` action (repeatable).
    #[arg(long = "copy", value_name = "ASSEMBLY")]
    pub copy: Vec<String>,
    /// A file of reflection API models to add to the built-in ones (repeatable; see docs/warnings.md).
    #[arg(long = "models", value_name = "FILE")]
    pub models: Vec<PathBuf>,
    /// Do not use the built-in API models (only annotations in the program, and `--models`).
    #[arg(long)]
    pub no_builtin_models: bool,
}

pub fn parse_feature(s: &str) -> Result<(String, bool), String> {
    let (name, value) = s.split_once('=').ok_or_else(|| format!("expected NAME=true or NAME=false, got '{s}'"))?;
    let value = match value {
        "true" => true,
        "false" => false,
        other => return Err(format!("feature value must be true or false, got '{other}'")),
    };
    Ok((name.to_string(), value))
}

impl TrimArgs {
    /// The reflection API models these options ask for, resolved against `p`.
    pub fn models(&self, p: &Program) -> anyhow::Result<ResolvedModels> {
        let mut models = if self.no_builtin_models { ApiModels::none() } else { ApiModels::built_in() };
        for path in &self.models {
            let shown = path.display().to_string();
            let input_error = |lines: Vec<String>| anyhow::Error::new(crate::InputError { lines });
            let text = std::fs::read_to_string(path).map_err(|e| input_error(vec![format!("{shown}: cannot read: {e}")]))?;
            models.extend(ApiModels::parse(&text, &shown).map_err(|e| input_error(vec![e.to_string()]))?);
        }
        Ok(models.resolve(p))
    }

    /// The trimming configuration these options ask for, with roots resolved by name and
    /// descriptors read; warnings (unresolved descriptor entries) are returned beside it.
    pub fn config(&self, p: &Program) -> anyhow::Result<(TrimConfig, Vec<Diagnostic>)> {
        self.config_with(p, &self.models(p)?)
    }

    /// [`TrimArgs::config`] with the API models already resolved (for commands that also trace).
    pub fn config_with(&self, p: &Program, models: &ResolvedModels) -> anyhow::Result<(TrimConfig, Vec<Diagnostic>)> {
        let input_error = |lines: Vec<String>| anyhow::Error::new(crate::InputError { lines });
        let mut config = TrimConfig {
            requirements: models.requirements(),
            precision: self.precision.into(),
            entry_point: !self.no_entry_point,
            features: self.features.iter().cloned().collect(),
            library: self.library.clone(),
            copy: self.copy.clone(),
            ..TrimConfig::default()
        };
        for a in self.library.iter().chain(&self.copy) {
            if !p.assemblies.values().any(|x| &x.name == a) {
                return Err(input_error(vec![format!("no assembly is named {a}")]));
            }
        }
        for r in &self.roots {
            let items = find_items(p, r);
            if items.is_empty() {
                return Err(input_error(vec![format!("--root {r}: no item has this name")]));
            }
            config.roots.extend(items.into_iter().map(|item| Root { item, kind: RootKind::Explicit }));
        }
        let mut diagnostics = Vec::new();
        for path in &self.descriptors {
            let shown = path.display().to_string();
            let text = std::fs::read_to_string(path).map_err(|e| input_error(vec![format!("{shown}: cannot read: {e}")]))?;
            let d = read_descriptor(p, &text, &shown, &config.features).map_err(|e| input_error(vec![e.to_string()]))?;
            config.roots.extend(d.roots);
            diagnostics.extend(d.diagnostics);
        }
        Ok((config, diagnostics))
    }
}

/// Prints warnings the way MSBuild shows ILLink's: `location: warning CODE: message`.
pub fn print_diagnostics(diagnostics: &[Diagnostic]) {
    for d in diagnostics {
        match &d.location {
            Some(loc) => eprintln!("{loc}: warning {}: {}", d.code, d.message),
            None => eprintln!("warning {}: {}", d.code, d.message),
        }
    }
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum PrecisionArg {
    /// Rapid type analysis (ILLink and ILC behaviour).
    Rta,
    /// Class-hierarchy analysis: every override of a used slot.
    Cha,
}

impl From<PrecisionArg> for Precision {
    fn from(p: PrecisionArg) -> Precision {
        match p {
            PrecisionArg::Rta => Precision::Rta,
            PrecisionArg::Cha => Precision::Cha,
        }
    }
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ListArg {
    /// Items that survive.
    Kept,
    /// Items that are trimmed away.
    Removed,
}

#[derive(serde::Serialize)]
struct ListedItem {
    kind: &'static str,
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<Reason>,
    #[serde(skip_serializing_if = "Option::is_none")]
    by: Option<String>,
    /// The assembly that declares the item (real assemblies only).
    #[serde(skip_serializing_if = "Option::is_none")]
    assembly: Option<String>,
    /// Its metadata token, `0x06000012` (real assemblies only).
    #[serde(skip_serializing_if = "Option::is_none")]
    token: Option<String>,
}

#[derive(serde::Serialize)]
struct Report {
    file: String,
    precision: Precision,
    roots: Vec<String>,
    kept: Counts,
    total: Counts,
    #[serde(skip_serializing_if = "Option::is_none")]
    removed_beyond_cha: Option<Counts>,
    #[serde(skip_serializing_if = "Option::is_none")]
    items: Option<Vec<ListedItem>>,
    diagnostics: Vec<Diagnostic>,
}

pub fn total_counts(p: &Program) -> Counts {
    Counts {
        assemblies: p.assemblies.len(),
        types: p.types.len(),
        methods: p.methods.len(),
        fields: p.fields.len(),
        properties: p.properties.len(),
        events: p.events.len(),
    }
}

fn minus(a: Counts, b: Counts) -> Counts {
    Counts {
        assemblies: a.assemblies - b.assemblies,
        types: a.types - b.types,
        methods: a.methods - b.methods,
        fields: a.fields - b.fields,
        properties: a.properties - b.properties,
        events: a.events - b.events,
    }
}

pub fn run(a: &Args, t: &mut Timings) -> anyhow::Result<ExitCode> {
    let loaded = crate::load(std::slice::from_ref(&a.file), &a.read)?;
    let p = loaded.program;
    t.phase("read");
    let (config, mut diagnostics) = a.trim.config(&p)?;
    let precision = config.precision;
    let graph = DepGraph::build(&p, &config);
    diagnostics.extend(graph.diagnostics.iter().cloned());
    t.phase("build");
    let result = aotsim_trim::mark(graph, &p, &config);
    t.phase("trim");
    let beyond_cha = (precision == Precision::Rta).then(|| {
        let cha = aotsim_trim::trim(&p, &TrimConfig { precision: Precision::Cha, ..config.clone() });
        minus(cha.kept_count(), result.kept_count())
    });
    t.phase("compare");
    if let Some(path) = &a.output {
        crate::input::write_program(path, &aotsim_trim::sweep::sweep(&p, &result))?;
        t.phase("write");
    }
    let items = a.list.map(|l| list(&p, &result, l, loaded.tokens.as_ref()));
    let report = Report {
        file: a.file.display().to_string(),
        precision,
        roots: result.roots().iter().filter(|r| !matches!(r.item, Item::Instantiated(_))).map(|r| r.item.name(&p)).collect(),
        kept: result.kept_count(),
        total: total_counts(&p),
        removed_beyond_cha: beyond_cha,
        items,
        diagnostics,
    };
    match a.format {
        Format::Json => print_json(&report)?,
        Format::Text => {
            print_diagnostics(&report.diagnostics);
            print_text(&report)
        }
    }
    t.phase("report");
    Ok(ExitCode::SUCCESS)
}

/// The declaring assembly and metadata token of an item read from a real assembly.
fn token_of(p: &Program, tokens: &aotsim_ecma335::TokenMap, item: Item) -> Option<(String, String)> {
    let found = match item {
        Item::Type(t) => tokens.type_token(t),
        Item::Method(m) => tokens.method_token(m),
        Item::Field(f) => tokens.field_token(f),
        Item::Property(x) => tokens.property_token(x),
        Item::Event(e) => tokens.event_token(e),
        Item::Assembly(a) => return Some((p.assemblies[a].name.clone(), "0x20000001".into())),
        _ => None,
    };
    found.map(|(a, tok)| (p.assemblies[a].name.clone(), format!("0x{tok:08x}")))
}

fn list(p: &Program, r: &TrimResult, which: ListArg, tokens: Option<&aotsim_ecma335::TokenMap>) -> Vec<ListedItem> {
    let items: Vec<Item> = match which {
        ListArg::Kept => r.kept_items().collect(),
        ListArg::Removed => r.removed_items().collect(),
    };
    items
        .into_iter()
        .map(|item| {
            let reason = r.reason(item);
            let by = reason.as_ref().and_then(|x| x.by).map(|b| r.name(b, p));
            let (assembly, token) = tokens.and_then(|t| token_of(p, t, item)).unzip();
            ListedItem { kind: item.kind_name(), name: item.name(p), reason, by, assembly, token }
        })
        .collect()
}

fn print_text(r: &Report) {
    let prec = match r.precision {
        Precision::Rta => "RTA",
        Precision::Cha => "CHA",
    };
    let shown: Vec<&str> = r.roots.iter().take(3).map(String::as_str).collect();
    let more = if r.roots.len() > 3 { format!(", … ({} more)", r.roots.len() - 3) } else { String::new() };
    println!("{}: trimmed with {prec} from {} root(s): {}{more}", r.file, r.roots.len(), shown.join(", "));
    println!("{:<12}{:>8}{:>8}{:>10}", "", "kept", "total", "removed");
    let rows = [
        ("assemblies", r.kept.assemblies, r.total.assemblies),
        ("types", r.kept.types, r.total.types),
        ("methods", r.kept.methods, r.total.methods),
        ("fields", r.kept.fields, r.total.fields),
        ("properties", r.kept.properties, r.total.properties),
        ("events", r.kept.events, r.total.events),
    ];
    for (name, kept, total) in rows {
        let pct = if total == 0 { 0.0 } else { 100.0 * (total - kept) as f64 / total as f64 };
        println!("{name:<12}{kept:>8}{total:>8}{pct:>9.1}%");
    }
    if let Some(b) = r.removed_beyond_cha {
        println!(
            "RTA removed {} types, {} methods beyond CHA (overrides and interface implementations on types never instantiated)",
            b.types, b.methods
        );
    }
    if let Some(items) = &r.items {
        println!();
        for it in items {
            match &it.reason {
                Some(reason) => {
                    let detail = match (&reason.root, &it.by) {
                        (Some(root), _) => format!("root: {}", root_text(root)),
                        (None, Some(by)) => format!("{} from {by}", reason.kind),
                        (None, None) => reason.kind.to_string(),
                    };
                    println!("{:<9} {}  [{detail}]", it.kind, it.name)
                }
                None => println!("{:<9} {}", it.kind, it.name),
            }
        }
    }
}

pub fn root_text(k: &RootKind) -> String {
    match k {
        RootKind::EntryPoint => "entry point".into(),
        RootKind::Explicit => "explicit".into(),
        RootKind::Descriptor { file, line } => format!("descriptor {file}:{line}"),
        RootKind::LibraryMode => "library mode".into(),
        RootKind::CopyAssembly => "copy assembly".into(),
    }
}
