//! `aotsim compare`: the program deployed on the JIT and on Native AOT, side by side — publish
//! size, cold start, startup and steady-state memory, build time, warm throughput — each figure
//! with its formula and inputs (docs/app-model.md).

use crate::output::{print_json, Timings};
use crate::trim::TrimArgs;
use aotsim_size::app::{compare, AppModel, Figure, Metric};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The program: a `.il` text file, a `.json` or `.aotb` model, or a `.dll`/`.exe` assembly.
    /// Not needed with `--constants`.
    #[arg(required_unless_present = "constants")]
    file: Option<PathBuf>,
    #[command(flatten)]
    read: crate::ReadArgs,
    #[command(flatten)]
    trim: TrimArgs,
    #[command(flatten)]
    deploy: crate::deploy::DeployArgs,
    /// Print every constant of the model with its unit, kind and source (markdown, or the model
    /// file with `--format json`) instead of comparing.
    #[arg(long)]
    constants: bool,
    /// Show each figure's formula and inputs.
    #[arg(long)]
    explain: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = crate::Format::Text)]
    format: crate::Format,
}

const LABELS: [(&str, &str); 6] = [
    ("publish_size_mb", "Publish output size (MB)"),
    ("cold_start_ms", "Cold start, first response (ms)"),
    ("startup_memory_mb", "Process startup memory (MB)"),
    ("steady_memory_mb", "Steady-state memory (MB)"),
    ("build_time_s", "Build time, full publish (s)"),
    ("warm_rps", "Warm throughput (requests/s)"),
];

fn label(name: &str) -> &str {
    LABELS.iter().find(|(n, _)| *n == name).map_or(name, |(_, l)| l)
}

/// The model's constants as a markdown table (docs/app-model.md includes it; a test keeps the
/// two equal).
pub fn constants_markdown(model: &AppModel) -> String {
    let kind = |k: aotsim_size::app::Kind| format!("{k:?}").to_lowercase();
    let mut s = String::from("| Constant | Value | Unit | Kind | Source |\n|---|---|---|---|---|\n");
    for (name, c) in &model.constants {
        s += &format!("| `{name}` | {} | {} | {} | {} |\n", c.value, c.unit, kind(c.kind), c.source);
    }
    for f in &model.frameworks {
        for (name, c) in &f.figures {
            s += &format!("| {}: `{name}` | {} | {} | {} | {} |\n", f.name, c.value, c.unit, kind(c.kind), c.source);
        }
    }
    for t in &model.targets {
        for (name, c) in [("code_factor", &t.code_factor), ("data_factor", &t.data_factor)] {
            s += &format!("| {}: `{name}` | {} | {} | {} | {} |\n", t.profile, c.value, c.unit, kind(c.kind), c.source);
        }
    }
    s
}

fn in_range(v: f64, r: [f64; 2]) -> bool {
    // Figures are shown rounded; compare what is shown.
    let shown = if v >= 100.0 { v.round() } else { (v * 10.0).round() / 10.0 };
    shown >= r[0] && shown <= r[1]
}

fn range(r: [f64; 2]) -> String {
    if r[0] == r[1] {
        format!("~{}", r[0])
    } else {
        format!("{}-{}", r[0], r[1])
    }
}

fn show(v: f64) -> String {
    if v >= 100.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

fn explain(side: &str, f: &Figure) {
    println!("    {side} = {}", f.formula);
    for i in &f.inputs {
        let value = if i.value.fract() == 0.0 || i.kind != "program" { format!("{}", i.value) } else { show(i.value) };
        println!("        {} = {value} {} [{}]", i.name, i.unit, i.kind);
    }
}

pub fn run(a: &Args, t: &mut Timings) -> anyhow::Result<ExitCode> {
    let model = a.deploy.model()?;
    if a.constants {
        match a.format {
            crate::Format::Json => print_json(&model)?,
            crate::Format::Text => print!("{}", constants_markdown(&model)),
        }
        return Ok(ExitCode::SUCCESS);
    }
    let file = a.file.as_ref().expect("clap requires FILE without --constants");
    let settings = a.deploy.settings()?;
    let profile = a.deploy.profile(&model, &settings)?;
    let loaded = crate::load(std::slice::from_ref(file), &a.read)?;
    t.phase("read");
    let (config, _) = a.trim.config(&loaded.program)?;
    let trimmed = aotsim_trim::trim(&loaded.program, &config);
    t.phase("trim");
    let code = crate::deploy::estimates(&loaded, &profile, Some(&trimmed), crate::deploy::needs_all(&settings));
    let inputs = crate::deploy::inputs(&loaded, Some(&trimmed), &code, &model, &settings);
    let cmp = compare(&model, &inputs, &settings, &crate::deploy::file_finder(file, &a.read.ref_dirs));
    t.phase("model");
    match a.format {
        crate::Format::Json => {
            print_json(&serde_json::json!({ "file": file.display().to_string(), "profile": profile.name, "comparison": cmp }))?
        }
        crate::Format::Text => {
            println!("{}: JIT vs Native AOT — a model, not a measurement: each figure is computed from", file.display());
            println!("the trimmed program and the constants in docs/app-model.md (`--explain` shows how).");
            println!("settings: {}; per-method profile {}", crate::size::settings_line(&settings), profile.name);
            if cmp.metrics.iter().all(|m| m.seed.is_none()) {
                println!("(the seed table describes an {} app; this program deploys none, so no ranges are shown)", model.seed.applies_to);
            }
            println!();
            println!("{:<34} {:>10} {:>10}   {:<14} {:<14}", "", "JIT", "AOT", "seed JIT", "seed AOT");
            for m in &cmp.metrics {
                let Metric { name, jit, aot, seed, .. } = m;
                let (sj, sa) = match seed {
                    Some(r) => (
                        format!("{} {}", range(r.jit), if in_range(jit.value, r.jit) { "in" } else { "OUT" }),
                        format!("{} {}", range(r.aot), if in_range(aot.value, r.aot) { "in" } else { "OUT" }),
                    ),
                    None => (String::new(), String::new()),
                };
                println!("{:<34} {:>10} {:>10}   {:<14} {:<14}", label(name), show(jit.value), show(aot.value), sj, sa);
                if a.explain {
                    explain("JIT", jit);
                    explain("AOT", aot);
                }
            }
            println!();
            println!("Native AOT image:");
            crate::size::print_deployment(&cmp.aot);
            println!("JIT deployment:");
            crate::size::print_deployment(&cmp.jit);
        }
    }
    t.phase("report");
    Ok(ExitCode::SUCCESS)
}
