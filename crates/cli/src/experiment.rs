//! `aotsim what-if` and `aotsim diff`: one program under two settings, or two programs, trimmed,
//! estimated and traced side by side; items compared by their stable display names, images by
//! the whole-application model.

use crate::output::{print_json, Timings};
use crate::trim::TrimArgs;
use crate::Format;
use aotsim_hazard::models::ResolvedModels;
use aotsim_size::app::{AppModel, Settings};
use aotsim_size::Profile;
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
    /// The whole image (PublishAot) or deployment, under the side's settings.
    image: f64,
}

/// How a side is estimated: the per-method profile, the app model and the publish settings.
struct Estimator<'a> {
    profile: &'a Profile,
    model: &'a AppModel,
    settings: &'a Settings,
}

fn outcome(loaded: &crate::Loaded, config: &TrimConfig, models: &ResolvedModels, e: &Estimator) -> Outcome {
    let p = &loaded.program;
    let r: TrimResult = aotsim_trim::trim(p, config);
    let report = aotsim_hazard::analyze(p, &r, models);
    let code = crate::deploy::estimates(loaded, e.profile, Some(&r), crate::deploy::needs_all(e.settings));
    let inputs = crate::deploy::inputs(loaded, Some(&r), &code, e.model, e.settings);
    let image = if e.settings.publish_aot {
        aotsim_size::app::aot_image(e.model, &inputs, e.settings).image_bytes
    } else {
        aotsim_size::app::jit_publish(e.model, &inputs, &|_| None).image_bytes
    };
    let mut kept = BTreeMap::new();
    let mut bytes = 0.0;
    for item in r.kept_items() {
        if item.is_pseudo() {
            continue;
        }
        let b = match item {
            Item::Method(m) => code[m.as_u32() as usize],
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
    Outcome { kept, bytes, warnings, methods: counts.methods, types: counts.types, image }
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
    /// The whole image (or the JIT deployment with PublishAot=false), docs/app-model.md.
    image_bytes: f64,
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
        image_bytes: o.image,
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
            "{:<40} {:>7} methods {:>6} types {:>10.0} bytes of code {:>11.0} bytes of image {:>4} warnings",
            s.label, s.methods, s.types, s.native_code_bytes, s.image_bytes, s.warnings
        );
    }
    println!(
        "difference: {:+} methods, {:+} types, {:+.0} bytes of code, {:+.0} bytes of image (estimates), {:+} warnings",
        d.variant.methods as i64 - d.baseline.methods as i64,
        d.variant.types as i64 - d.baseline.types as i64,
        d.variant.native_code_bytes - d.baseline.native_code_bytes,
        d.variant.image_bytes - d.baseline.image_bytes,
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
    #[command(flatten)]
    deploy: crate::deploy::DeployArgs,
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
    let (model, settings) = (a.out.deploy.model()?, a.out.deploy.settings()?);
    let profile = a.out.deploy.profile(&model, &settings)?;
    let e = Estimator { profile: &profile, model: &model, settings: &settings };
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
    let (x, y) = (outcome(&loaded, &base, &models, &e), outcome(&loaded, &variant, &models, &e));
    t.phase("analyse");
    a.out.print(&delta(&x, &y, "baseline".into(), label.join(", ")))
}

#[derive(clap::Args, Debug)]
pub struct DiffArgs {
    /// The first program.
    a: PathBuf,
    /// The second program; the first again when left out (to compare two settings).
    b: Option<PathBuf>,
    #[command(flatten)]
    read: crate::ReadArgs,
    #[command(flatten)]
    trim: TrimArgs,
    /// A publish property for the second side only, on top of `-p` (repeatable):
    /// `aotsim diff app.il --b-property OptimizationPreference=Size`.
    #[arg(long = "b-property", value_name = "NAME=VALUE")]
    b_properties: Vec<String>,
    /// A feature switch for the second side only (repeatable).
    #[arg(long = "b-feature", value_name = "NAME=BOOL", value_parser = crate::trim::parse_feature)]
    b_features: Vec<(String, bool)>,
    #[command(flatten)]
    out: OutArgs,
}

pub fn diff(a: &DiffArgs, t: &mut Timings) -> anyhow::Result<ExitCode> {
    let model = a.out.deploy.model()?;
    let settings_a = a.out.deploy.settings()?;
    let mut b_deploy = a.out.deploy.clone();
    b_deploy.properties.extend(a.b_properties.iter().cloned());
    let settings_b = b_deploy.settings()?;
    let b = a.b.as_ref().unwrap_or(&a.a);
    let mut outs = Vec::new();
    let mut labels = Vec::new();
    for (i, (f, settings)) in [(&a.a, &settings_a), (b, &settings_b)].into_iter().enumerate() {
        let profile = a.out.deploy.profile(&model, settings)?;
        let loaded = crate::load(std::slice::from_ref(f), &a.read)?;
        let p = &loaded.program;
        let models = a.trim.models(p)?;
        let (mut config, _) = a.trim.config_with(p, &models)?;
        let mut label = f.display().to_string();
        if i == 1 {
            for (name, on) in &a.b_features {
                config.features.insert(name.clone(), *on);
                label += &format!(" {name}={on}");
            }
            for prop in &a.b_properties {
                label += &format!(" {prop}");
            }
        }
        outs.push(outcome(&loaded, &config, &models, &Estimator { profile: &profile, model: &model, settings }));
        labels.push(label);
    }
    t.phase("analyse");
    let lb = labels.pop().expect("two sides");
    let la = labels.pop().expect("two sides");
    a.out.print(&delta(&outs[0], &outs[1], la, lb))
}
