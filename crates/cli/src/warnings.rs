//! `aotsim warnings`: the trim-analysis warnings of the trimmed program, grouped, with their
//! why-chains, what fails at run time, and the cut points that would silence the most of them.

use crate::output::{print_json, Timings};
use crate::trim::{root_text, TrimArgs};
use aotsim_hazard::{analyze, codes, cut_points, CutPoint, Report};
use aotsim_il::Program;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The program: a `.il` text file, a `.json` or `.aotb` model, or a `.dll`/`.exe` assembly.
    file: Option<PathBuf>,
    #[command(flatten)]
    read: crate::ReadArgs,
    #[command(flatten)]
    trim: TrimArgs,
    /// Output format: MSBuild-style text, JSON, or SARIF 2.1.0 for code scanning.
    #[arg(long, value_enum, default_value_t = WarningsFormat::Text)]
    format: WarningsFormat,
    /// Group the text summary by code or by the method that raised the warning.
    #[arg(long, value_enum, default_value_t = Group::Code)]
    group: Group,
    /// Under each warning, the why-chain from a root and what fails at run time.
    #[arg(long)]
    explain: bool,
    /// How many cut points to rank (0 for none).
    #[arg(long, default_value_t = 5, value_name = "N")]
    cut_points: usize,
    /// Print the table of warning codes (Markdown, as docs/warnings.md holds it) and exit.
    #[arg(long, conflicts_with = "file")]
    list_codes: bool,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum WarningsFormat {
    /// `Assembly::Type::Method(): warning IL2026: …`, then a summary.
    Text,
    /// The report as JSON.
    Json,
    /// SARIF 2.1.0.
    Sarif,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Group {
    /// By warning code.
    Code,
    /// By the method whose code raised it.
    Origin,
}

/// A warning with everything the outputs need, by name.
#[derive(serde::Serialize)]
struct Shown {
    code: &'static str,
    assembly: String,
    origin: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    instruction: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    subject: Option<String>,
    message: String,
    runtime: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    help_uri: Option<String>,
    why: Vec<String>,
}

#[derive(serde::Serialize)]
struct JsonReport<'a> {
    file: String,
    warnings: Vec<Shown>,
    by_code: BTreeMap<&'static str, usize>,
    suppressed: usize,
    trimmer: Vec<aotsim_trim::Diagnostic>,
    cut_points: Vec<CutPoint>,
    errors: &'a [aotsim_hazard::BodyError],
}

pub fn run(a: &Args, t: &mut Timings) -> anyhow::Result<ExitCode> {
    if a.list_codes {
        print!("{}", codes::markdown());
        return Ok(ExitCode::SUCCESS);
    }
    let Some(file) = &a.file else {
        return Err(anyhow::Error::new(crate::InputError { lines: vec!["warnings: a program file is needed (or --list-codes)".into()] }));
    };
    let loaded = crate::load(std::slice::from_ref(file), &a.read)?;
    let p = loaded.program;
    t.phase("read");
    let models = a.trim.models(&p)?;
    let (config, mut trimmer) = a.trim.config_with(&p, &models)?;
    let graph = aotsim_trim::DepGraph::build(&p, &config);
    trimmer.extend(graph.diagnostics.iter().cloned());
    let result = aotsim_trim::mark(graph, &p, &config);
    t.phase("trim");
    let report = analyze(&p, &result, &models);
    t.phase("trace");
    let cuts = if a.cut_points > 0 { cut_points(&p, &result, &report, a.cut_points) } else { Vec::new() };
    t.phase("cut-points");
    let shown: Vec<Shown> = report.warnings.iter().map(|w| show(&p, &result, w)).collect();
    let mut by_code: BTreeMap<&'static str, usize> = BTreeMap::new();
    for w in &shown {
        *by_code.entry(w.code).or_default() += 1;
    }
    let any = !shown.is_empty() || !trimmer.is_empty();
    match a.format {
        WarningsFormat::Json => print_json(&JsonReport {
            file: file.display().to_string(),
            warnings: shown,
            by_code,
            suppressed: report.suppressed,
            trimmer,
            cut_points: cuts,
            errors: &report.errors,
        })?,
        WarningsFormat::Sarif => print_json(&sarif(&shown, &trimmer))?,
        WarningsFormat::Text => print_text(a, &report, &shown, &trimmer, &cuts, &by_code),
    }
    t.phase("report");
    Ok(if any { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

fn show(p: &Program, r: &aotsim_trim::TrimResult, w: &aotsim_hazard::Warning) -> Shown {
    let assembly = p.assemblies[p.types[p.methods[w.origin].declaring_type].assembly].name.clone();
    let why = w
        .why
        .iter()
        .map(|s| match &s.reason.root {
            Some(root) => format!("{} {}  [root: {}]", s.item.kind_name(), r.name(s.item, p), root_text(root)),
            None => format!("{} {}  [{}]", s.item.kind_name(), r.name(s.item, p), s.reason.kind),
        })
        .collect();
    Shown {
        code: w.code,
        assembly,
        origin: w.origin_name.clone(),
        instruction: w.at,
        subject: w.subject.clone(),
        message: w.message.clone(),
        runtime: w.runtime.clone(),
        help_uri: w.help_uri.clone(),
        why,
    }
}

fn print_text(
    a: &Args,
    report: &Report,
    shown: &[Shown],
    trimmer: &[aotsim_trim::Diagnostic],
    cuts: &[CutPoint],
    by_code: &BTreeMap<&'static str, usize>,
) {
    crate::trim::print_diagnostics(trimmer);
    for w in shown {
        println!("{}::{}: warning {}: {}", w.assembly, w.origin, w.code, w.message);
        if a.explain {
            println!("    at run time: {}", w.runtime);
            for (i, step) in w.why.iter().enumerate() {
                println!("    {}{step}", if i == 0 { "   " } else { "-> " });
            }
        }
    }
    for e in &report.errors {
        println!("{}: error: {}", e.method, e.message);
    }
    println!();
    let total = shown.len() + trimmer.len();
    println!("{total} warning(s), {} suppressed", report.suppressed);
    match a.group {
        Group::Code => {
            let mut all: BTreeMap<&str, usize> = by_code.iter().map(|(k, v)| (*k, *v)).collect();
            for d in trimmer {
                *all.entry(d.code).or_default() += 1;
            }
            for (code, n) in all {
                let title = codes::find(code).map(|c| c.title).unwrap_or_default();
                println!("  {code:<11}{n:>5}  {title}");
            }
        }
        Group::Origin => {
            let mut by_origin: BTreeMap<&str, usize> = BTreeMap::new();
            for w in shown {
                *by_origin.entry(w.origin.as_str()).or_default() += 1;
            }
            for (origin, n) in by_origin {
                println!("  {n:>5}  {origin}");
            }
        }
    }
    if !cuts.is_empty() {
        println!("cut points (warnings that go if this were not reached):");
        for c in cuts {
            println!("  {:>5}  {} {}", c.warnings, c.kind, c.item);
        }
    }
}

fn sarif(shown: &[Shown], trimmer: &[aotsim_trim::Diagnostic]) -> serde_json::Value {
    use serde_json::json;
    let mut rule_ids: Vec<&str> = shown.iter().map(|w| w.code).chain(trimmer.iter().map(|d| d.code)).collect();
    rule_ids.sort_unstable();
    rule_ids.dedup();
    let rules: Vec<serde_json::Value> = rule_ids
        .iter()
        .map(|id| {
            let c = codes::find(id);
            let mut r = json!({ "id": id, "name": c.as_ref().map(|c| c.title.clone()).unwrap_or_default() });
            if let Some(c) = c {
                r["shortDescription"] = json!({ "text": c.title });
                r["fullDescription"] = json!({ "text": format!("At run time: {}", c.runtime) });
                if let Some(u) = c.help_uri() {
                    r["helpUri"] = json!(u);
                }
            }
            r
        })
        .collect();
    let logical = |name: &str| json!({ "logicalLocations": [{ "fullyQualifiedName": name, "kind": "function" }] });
    let mut results: Vec<serde_json::Value> = shown
        .iter()
        .map(|w| {
            let flow: Vec<serde_json::Value> = w.why.iter().map(|s| json!({ "location": { "message": { "text": s } } })).collect();
            json!({
                "ruleId": w.code,
                "level": "warning",
                "message": { "text": w.message },
                "locations": [logical(&format!("{}::{}", w.assembly, w.origin))],
                "codeFlows": [{ "threadFlows": [{ "locations": flow }] }],
                "properties": { "runtime": w.runtime, "instruction": w.instruction }
            })
        })
        .collect();
    results.extend(trimmer.iter().map(|d| {
        let mut r = json!({ "ruleId": d.code, "level": "warning", "message": { "text": d.message } });
        if let Some(l) = &d.location {
            r["locations"] = json!([logical(l)]);
        }
        r
    }));
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": { "name": "aotsim", "version": env!("CARGO_PKG_VERSION"), "informationUri": "https://learn.microsoft.com/dotnet/core/deploying/trimming/fixing-warnings", "rules": rules } },
            "results": results
        }]
    })
}
