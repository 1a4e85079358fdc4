//! `aotsim what-if` and `aotsim diff`: one program under two settings, or two programs, trimmed,
//! estimated and traced side by side; items compared by their stable display names.

use crate::output::{print_json, Timings};
use crate::trim::TrimArgs;
use crate::Format;
use aotsim_hazard::models::ResolvedModels;
use aotsim_size::{features, Profile};
use aotsim_trim::{Item, TrimConfig, TrimResult};
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::process::ExitCode;

/// One program trimmed, estimated and traced.
struct Outcome {
    /// `kind name` of every kept item (pseudo-items left out), with its reason and estimated bytes.
    kept: BTreeMap<String, (String, f64)>,
    bytes: f64,
    /// `CODE origin` of every warning.
    warnings: BTreeSet<String>,
    methods: usize,
    types: usize,
}

fn outcome(loaded: &crate::Loaded, config: &TrimConfig, models: &ResolvedModels, profile: &Profile) -> Outcome {
    let p = &loaded.program;
    let r: TrimResult = aotsim_trim::trim(p, config);
    let report = aotsim_hazard::analyze(p, &r, models);
    let mut kept = BTreeMap::new();
    let mut bytes = 0.0;
    for item in r.kept_items() {
        if item.is_pseudo() {
            continue;
        }
        let b = match item {
            Item::Method(m) if p.methods[m].body.is_some() => profile.estimate(&features(p, m, loaded.il(m))),
            _ => 0.0,
        };
        bytes += b;
        let reason = r.reason(item).map(|x| match x.by {
            Some(by) => format!("{} from {}", x.kind, r.name(by, p)),
            None => x.kind.to_string(),
        });
        kept.insert(format!("{} {}", item.kind_name(), item.name(p)), (reason.unwrap_or_default(), b));
    }
    let counts = r.kept_count();
    let mut warnings: BTreeSet<String> = report.warnings.iter().map(|w| format!("{} {}", w.code, w.origin_name)).collect();
    warnings.extend(r.graph().diagnostics.iter().map(|d| format!("{} {}", d.code, d.location.as_deref().unwrap_or(""))));
    Outcome { kept, bytes, warnings, methods: counts.methods, types: counts.types }
}

#[derive(serde::Serialize)]
struct Delta {
    baseline: Summary,
    variant: Summary,
    /// Items kept in the baseline only, largest estimated bytes first.
    removed: Vec<(String, f64)>,
    /// Items kept in the variant only, with the reason the variant keeps them.
    added: Vec<(String, String)>,
    warnings_gone: Vec<String>,
    warnings_new: Vec<String>,
}

#[derive(serde::Serialize)]
struct Summary {
    label: String,
    methods: usize,
    types: usize,
    native_code_bytes: f64,
    warnings: usize,
}

fn delta(a: &Outcome, b: &Outcome, la: String, lb: String) -> Delta {
    let mut removed: Vec<(String, f64)> =
        a.kept.iter().filter(|(k, _)| !b.kept.contains_key(*k)).map(|(k, (_, bytes))| (k.clone(), *bytes)).collect();
    removed.sort_by(|x, y| y.1.total_cmp(&x.1).then_with(|| x.0.cmp(&y.0)));
    let added = b.kept.iter().filter(|(k, _)| !a.kept.contains_key(*k)).map(|(k, (why, _))| (k.clone(), why.clone())).collect();
    let sum = |o: &Outcome, label: String| Summary {
        label,
        methods: o.methods,
        types: o.types,
        native_code_bytes: o.bytes,
        warnings: o.warnings.len(),
    };
    Delta {
        baseline: sum(a, la),
        variant: sum(b, lb),
        removed,
        added,
        warnings_gone: a.warnings.difference(&b.warnings).cloned().collect(),
        warnings_new: b.warnings.difference(&a.warnings).cloned().collect(),
    }
}

fn print_delta(d: &Delta, top: usize) {
    for s in [&d.baseline, &d.variant] {
        println!(
            "{:<40} {:>7} methods {:>6} types {:>10.0} bytes of code {:>4} warnings",
            s.label, s.methods, s.types, s.native_code_bytes, s.warnings
        );
    }
    println!(
        "difference: {:+} methods, {:+} types, {:+.0} bytes of code (estimate), {:+} warnings",
        d.variant.methods as i64 - d.baseline.methods as i64,
        d.variant.types as i64 - d.baseline.types as i64,
        d.variant.native_code_bytes - d.baseline.native_code_bytes,
        d.variant.warnings as i64 - d.baseline.warnings as i64
    );
    if !d.removed.is_empty() {
        println!("removed ({}, largest first):", d.removed.len());
        for (item, b) in d.removed.iter().take(top) {
            println!("  {b:>8.0}  {item}");
        }
    }
    if !d.added.is_empty() {
        println!("added ({}):", d.added.len());
        for (item, why) in d.added.iter().take(top) {
            println!("  {item}  [{why}]");
        }
    }
    for w in &d.warnings_gone {
        println!("warning gone: {w}");
    }
    for w in &d.warnings_new {
        println!("warning new:  {w}");
    }
}

/// What both experiments report with.
#[derive(clap::Args, Debug)]
pub struct OutArgs {
    /// The size profile: a built-in name (`mono-x64`) or a file from `aotsim calibrate`.
    #[arg(long, default_value = "mono-x64")]
    profile: String,
    /// How many removed and added items to list.
    #[arg(long, default_value_t = 20)]
    top: usize,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

impl OutArgs {
    fn print(&self, d: &Delta) -> anyhow::Result<ExitCode> {
        match self.format {
            Format::Json => print_json(d)?,
            Format::Text => print_delta(d, self.top),
        }
        Ok(ExitCode::SUCCESS)
    }
}

#[derive(clap::Args, Debug)]
pub struct WhatIfArgs {
    /// The program.
    file: PathBuf,
    #[command(flatten)]
    read: crate::ReadArgs,
    #[command(flatten)]
    trim: TrimArgs,
    /// What if this root were not a root (the entry point, or one given with --root) (repeatable).
    #[arg(long = "remove-root", value_name = "ITEM")]
    remove_root: Vec<String>,
    /// What if this feature switch were off (repeatable).
    #[arg(long = "disable-feature", value_name = "NAME")]
    disable_feature: Vec<String>,
    /// What if A no longer used B: `--cut 'A->B'`, items by display name (repeatable).
    #[arg(long = "cut", value_name = "A->B")]
    cut: Vec<String>,
    #[command(flatten)]
    out: OutArgs,
}

pub fn what_if(a: &WhatIfArgs, t: &mut Timings) -> anyhow::Result<ExitCode> {
    let bad = |lines: Vec<String>| anyhow::Error::new(crate::InputError { lines });
    let loaded = crate::load(std::slice::from_ref(&a.file), &a.read)?;
    let p = &loaded.program;
    let models = a.trim.models(p)?;
    let profile = crate::size::load_profile(&a.out.profile)?;
    let (base, _) = a.trim.config_with(p, &models)?;
    t.phase("read");
    let mut variant = base.clone();
    let mut label = Vec::new();
    let one = |name: &str| -> anyhow::Result<Item> {
        let items = crate::lookup::find_items(p, name);
        items.into_iter().find(|i| !i.is_pseudo()).ok_or_else(|| bad(vec![format!("no item is named {name}")]))
    };
    for r in &a.remove_root {
        let item = one(r)?;
        let is_entry = matches!(item, Item::Method(m) if p.entry_point == Some(m));
        let before = variant.roots.len();
        variant.roots.retain(|x| x.item != item);
        if is_entry {
            variant.entry_point = false;
        } else if variant.roots.len() == before {
            return Err(bad(vec![format!("--remove-root {r}: not a root (the entry point, or given with --root)")]));
        }
        label.push(format!("without root {r}"));
    }
    for f in &a.disable_feature {
        variant.features.insert(f.clone(), false);
        label.push(format!("{f}=false"));
    }
    for c in &a.cut {
        let (from, to) = c.split_once("->").ok_or_else(|| bad(vec![format!("--cut {c}: expected 'A->B'")]))?;
        variant.cuts.push((one(from.trim())?, one(to.trim())?));
        label.push(format!("cut {c}"));
    }
    if label.is_empty() {
        return Err(bad(vec!["what-if: give --remove-root, --disable-feature or --cut".into()]));
    }
    let (x, y) = (outcome(&loaded, &base, &models, &profile), outcome(&loaded, &variant, &models, &profile));
    t.phase("analyse");
    a.out.print(&delta(&x, &y, "baseline".into(), label.join(", ")))
}

#[derive(clap::Args, Debug)]
pub struct DiffArgs {
    /// The first program.
    a: PathBuf,
    /// The second program.
    b: PathBuf,
    #[command(flatten)]
    read: crate::ReadArgs,
    #[command(flatten)]
    trim: TrimArgs,
    #[command(flatten)]
    out: OutArgs,
}

pub fn diff(a: &DiffArgs, t: &mut Timings) -> anyhow::Result<ExitCode> {
    let profile = crate::size::load_profile(&a.out.profile)?;
    let mut outs = Vec::new();
    for f in [&a.a, &a.b] {
        let loaded = crate::load(std::slice::from_ref(f), &a.read)?;
        let p = &loaded.program;
        let models = a.trim.models(p)?;
        let (config, _) = a.trim.config_with(p, &models)?;
        outs.push(outcome(&loaded, &config, &models, &profile));
    }
    t.phase("analyse");
    a.out.print(&delta(&outs[0], &outs[1], a.a.display().to_string(), a.b.display().to_string()))
}
