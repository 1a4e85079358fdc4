//! `aotsim size`: estimated native code of the (trimmed) program, per method and rolled up by
//! assembly, namespace and type, from a calibrated backend profile (docs/size-model.md). The
//! whole-application parts (type data, metadata, runtime) come with a later issue.

use crate::output::{print_json, Timings};
use crate::trim::TrimArgs;
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
    /// The backend profile: a built-in name (`mono-x64`) or a JSON file from `aotsim calibrate`.
    #[arg(long, default_value = "mono-x64")]
    profile: String,
    /// Estimate every method body, not only the ones the trimmer keeps.
    #[arg(long)]
    no_trim: bool,
    /// List every estimated method (with assembly and token for real assemblies).
    #[arg(long)]
    per_method: bool,
    /// How many types and methods the text report lists, largest first.
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
    /// One CSV row per method: assembly,token,method,il_size,native_estimate.
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
    #[serde(skip_serializing_if = "Option::is_none")]
    retained: Option<Vec<Retained>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    per_method: Option<Vec<MethodSize>>,
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
    serde_json::from_str(&text).map_err(|e| bad(vec![format!("{name}: not a profile: {e}")]))
}

pub fn run(a: &Args, t: &mut Timings) -> anyhow::Result<ExitCode> {
    let bad = |lines: Vec<String>| anyhow::Error::new(crate::InputError { lines });
    let profile = load_profile(&a.profile)?;
    let loaded = crate::load(std::slice::from_ref(&a.file), &a.read)?;
    let p = &loaded.program;
    t.phase("read");
    let trimmed = if a.no_trim {
        None
    } else {
        let (config, _) = a.trim.config(p)?;
        Some(aotsim_trim::trim(p, &config))
    };
    let kept: Vec<aotsim_il::MethodId> =
        p.methods.ids().filter(|&m| p.methods[m].body.is_some() && trimmed.as_ref().is_none_or(|r| r.is_kept(Item::Method(m)))).collect();
    t.phase("trim");
    if a.retained.is_some() && trimmed.is_none() {
        return Err(bad(vec!["--retained needs the trimmed graph: drop --no-trim".into()]));
    }
    let mut by_assembly: BTreeMap<String, f64> = BTreeMap::new();
    let mut by_namespace: BTreeMap<String, f64> = BTreeMap::new();
    let mut by_type: BTreeMap<String, f64> = BTreeMap::new();
    let mut per_method = Vec::with_capacity(kept.len());
    let (mut total, mut il) = (0.0, 0u64);
    let mut estimate = vec![0.0f64; p.methods.len()];
    for &m in &kept {
        let md = &p.methods[m];
        let f = features(p, m, loaded.il(m));
        let bytes = profile.estimate(&f);
        estimate[m.as_u32() as usize] = bytes;
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
        let token = loaded.tokens.as_ref().and_then(|tk| tk.method_token(m)).map(|(_, tok)| format!("0x{tok:08x}"));
        per_method.push(MethodSize {
            method: p.method_name(m),
            assembly,
            token,
            il_size: md.il_size,
            native_bytes: bytes,
            drivers: profile.explain(&f).into_iter().take(3).collect(),
        });
    }
    t.phase("estimate");
    let retained = match (a.retained, &trimmed) {
        (Some(n), Some(r)) => {
            let own = |item: Item| match item {
                Item::Method(m) => estimate[m.as_u32() as usize],
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
    let report = Report {
        file: a.file.display().to_string(),
        profile: profile.name.clone(),
        trimmed: !a.no_trim,
        methods: kept.len(),
        il_bytes: il,
        native_code_bytes: total,
        by_assembly,
        by_namespace,
        top_types: top_types.iter().take(a.top).cloned().collect(),
        retained,
        per_method: None,
    };
    match a.format {
        SizeFormat::Json => print_json(&Report { per_method: a.per_method.then_some(per_method), ..report })?,
        SizeFormat::Csv => {
            println!("assembly,token,method,il_size,native_estimate");
            for m in &per_method {
                println!(
                    "{},{},\"{}\",{},{:.0}",
                    m.assembly,
                    m.token.as_deref().unwrap_or(""),
                    m.method.replace('"', "\"\""),
                    m.il_size,
                    m.native_bytes
                );
            }
        }
        SizeFormat::Text => {
            println!(
                "{}: {} methods{}, {} bytes of IL → about {:.0} bytes of native code (profile {}; an estimate, docs/size-model.md gives its error)",
                report.file,
                report.methods,
                if report.trimmed { " kept" } else { "" },
                report.il_bytes,
                report.native_code_bytes,
                report.profile
            );
            println!("by assembly:");
            for (asm, b) in &report.by_assembly {
                println!("  {b:>12.0}  {asm}");
            }
            println!("largest types:");
            for (ty, b) in &report.top_types {
                println!("  {b:>12.0}  {ty}");
            }
            if let Some(ret) = &report.retained {
                println!("largest retained size (own + everything only reachable through it):");
                for x in ret {
                    println!("  {:>12.0}  {:>8.0}  {} {}", x.retained_bytes, x.own_bytes, x.kind, x.item);
                }
            }
            if a.per_method {
                let mut sorted: Vec<&MethodSize> = per_method.iter().collect();
                sorted.sort_by(|x, y| y.native_bytes.total_cmp(&x.native_bytes));
                println!("largest methods:");
                for m in sorted.iter().take(a.top) {
                    let why: Vec<String> = m.drivers.iter().map(|(f, b)| format!("{f} {b:.0}")).collect();
                    println!("  {:>12.0}  {}  ({})", m.native_bytes, m.method, why.join(", "));
                }
            }
        }
    }
    t.phase("report");
    Ok(ExitCode::SUCCESS)
}
