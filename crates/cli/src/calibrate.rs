//! `aotsim calibrate`: fits a backend profile of the size estimator from measured native sizes
//! (`assembly,token,type,method,il_size,native_size` rows, as `../shared/calibration` has them),
//! reports its error on each assembly left out of the fit, and writes the profile.

use crate::output::{csv_field, print_json, Timings};
use crate::Format;
use aotsim_size::{evaluate, features, HeldOut, Sample};
use std::collections::HashMap;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Measurement files (CSV with the columns assembly,token,type,method,il_size,native_size).
    #[arg(required = true, num_args = 1..)]
    measurements: Vec<PathBuf>,
    /// The directory holding the measured assemblies (and their references).
    #[arg(long, value_name = "DIR")]
    assemblies: PathBuf,
    /// The profile's name.
    #[arg(long, default_value = "custom")]
    name: String,
    /// Write the fitted profile (JSON) here.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Also write every measured method's features as CSV (assembly, token, native bytes, then
    /// one column per feature), for experiments with other learners.
    #[arg(long, value_name = "FILE")]
    export_features: Option<PathBuf>,
    /// Also write the model's inlining decisions as CSV: for each measured method, each call and
    /// construction in its body (assembly, token, callee type, callee name, overloads of that
    /// name, inlined 0/1), to check against the compiler's output
    /// (`benches/mono-inlining/decisions.py`).
    #[arg(long, value_name = "FILE")]
    export_inlining: Option<PathBuf>,
    /// The model's form: gradient-boosted trees (the shipped profile's), a linear cost table
    /// (bytes per feature, fast to fit and read), or log-linear (elasticities).
    #[arg(long, value_enum, default_value_t = FormArg::Gbdt)]
    form: FormArg,
    /// Leave out only these assemblies (file names, repeatable) instead of each in turn, and skip
    /// the fit on all data: a quicker check while experimenting.
    #[arg(long = "hold-out", value_name = "FILE")]
    hold_out: Vec<String>,
    /// Fit on all the measurements without first leaving each assembly out in turn (that is one
    /// more fit per assembly): to write a profile whose error is already known.
    #[arg(long, conflicts_with_all = ["hold_out", "residuals"])]
    no_cross_validation: bool,
    /// Write each held-out method's measured and estimated bytes as CSV
    /// (assembly,token,type,method,il_size,native,estimate), to study the residuals.
    #[arg(long, value_name = "FILE")]
    residuals: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum FormArg {
    /// bytes = Σ weight · feature.
    Linear,
    /// bytes = exp(Σ weight · ln(1 + feature)).
    LogLinear,
    /// Gradient-boosted trees on ln bytes per IL byte (two forests of 300 trees of depth 12, averaged).
    Gbdt,
}

#[derive(serde::Serialize)]
struct Summary {
    methods: usize,
    held_out: Vec<HeldOut>,
    all_data: HeldOut,
    /// The same cross-validation for `native = a + b·IL size`.
    baseline_held_out: Vec<HeldOut>,
}

fn bad(lines: Vec<String>) -> anyhow::Error {
    anyhow::Error::new(crate::InputError { lines })
}

pub fn run(a: &Args, t: &mut Timings) -> anyhow::Result<ExitCode> {
    // (assembly file, token) -> native bytes, with the row for errors.
    let mut rows: Vec<(String, u32, f64)> = Vec::new();
    let mut raw_rows: Vec<String> = Vec::new();
    for path in &a.measurements {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| bad(vec![format!("{shown}: cannot read: {e}")]))?;
        for (i, line) in text.lines().enumerate().skip(1) {
            let f: Vec<&str> = line.split(',').collect();
            let at = |what: &str| bad(vec![format!("{shown}:{}: {what}", i + 1)]);
            if f.len() < 6 {
                return Err(at("expected assembly,token,type,method,il_size,native_size"));
            }
            let token = u32::from_str_radix(f[1].trim_start_matches("0x"), 16).map_err(|_| at("token is not hexadecimal"))?;
            let native: f64 = f[f.len() - 1].trim().parse().map_err(|_| at("native_size is not a number"))?;
            rows.push((f[0].to_string(), token, native));
            raw_rows.push(f[..f.len() - 1].join(","));
        }
    }
    t.phase("read-measurements");
    let mut files: Vec<String> = rows.iter().map(|r| r.0.clone()).collect();
    files.sort();
    files.dedup();
    let paths: Vec<PathBuf> = files.iter().map(|f| a.assemblies.join(f)).collect();
    let read = crate::ReadArgs { ref_dirs: vec![a.assemblies.clone()] };
    let loaded = crate::load(&paths, &read)?;
    let p = &loaded.program;
    let tokens = loaded.tokens.as_ref().expect("assemblies carry tokens");
    t.phase("read-assemblies");
    // The assembly id of each measured file, by its file name.
    let mut by_file: HashMap<String, aotsim_il::AssemblyId> = HashMap::new();
    for (id, _) in p.assemblies.iter() {
        if let Some(file) = tokens.file(id) {
            let name = std::path::Path::new(file).file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
            by_file.insert(name, id);
        }
    }
    let by_token: HashMap<(aotsim_il::AssemblyId, u32), aotsim_il::MethodId> =
        p.methods.ids().filter_map(|m| tokens.method_token(m).map(|t| (t, m))).collect();
    let mut samples = Vec::with_capacity(rows.len());
    for (file, token, native) in &rows {
        let asm = by_file.get(file).ok_or_else(|| bad(vec![format!("{file}: not found in {}", a.assemblies.display())]))?;
        let m = by_token.get(&(*asm, *token)).ok_or_else(|| bad(vec![format!("{file}: no method has token 0x{token:08x}")]))?;
        samples.push(Sample { group: file.clone(), features: features(p, *m, loaded.il_table()), native: *native });
    }
    if let Some(path) = &a.export_inlining {
        let mut csv = String::from("assembly,token,callee_type,callee,overloads,inlined\n");
        for (file, token, _) in &rows {
            let m = by_token[&(by_file[file], *token)];
            for (r, inlined) in aotsim_size::inlining_decisions(p, m, loaded.il_table()) {
                let callee = &p.methods[p.method_refs[r].method];
                let td = &p.types[callee.declaring_type];
                // Overloads share a name in the compiler's symbols too: the check skips them.
                let overloads = td.methods.iter().filter(|&&x| p.methods[x].name == callee.name).count();
                let ty = if td.namespace.is_empty() { td.name.clone() } else { format!("{}.{}", td.namespace, td.name) };
                let (ty, name) = (csv_field(&ty), csv_field(&callee.name));
                csv.push_str(&format!("{file},0x{token:08x},{ty},{name},{overloads},{}\n", u8::from(inlined)));
            }
        }
        std::fs::write(path, csv).map_err(|e| bad(vec![format!("{}: cannot write: {e}", path.display())]))?;
    }
    let form = match a.form {
        FormArg::Linear => aotsim_size::Form::Linear,
        FormArg::LogLinear => aotsim_size::Form::LogLinear,
        FormArg::Gbdt => aotsim_size::Form::Gbdt,
    };
    if let Some(path) = &a.export_features {
        let mut csv = String::from("assembly,token,native");
        for n in aotsim_size::feature_names() {
            csv.push(',');
            csv.push_str(&n);
        }
        csv.push('\n');
        for ((file, token, _), s) in rows.iter().zip(&samples) {
            csv.push_str(&format!("{file},0x{token:08x},{}", s.native));
            for x in s.features.iter() {
                csv.push_str(&format!(",{x}"));
            }
            csv.push('\n');
        }
        std::fs::write(path, csv).map_err(|e| bad(vec![format!("{}: cannot write: {e}", path.display())]))?;
    }
    for h in &a.hold_out {
        if !files.contains(h) {
            return Err(bad(vec![format!("--hold-out {h}: no measurements for it (measured: {})", files.join(", "))]));
        }
    }
    let none: [String; 0] = [];
    let only = if a.no_cross_validation { Some(&none[..]) } else { (!a.hold_out.is_empty()).then_some(a.hold_out.as_slice()) };
    let (held_out, predictions) = aotsim_size::cross_validate_predictions(&samples, form, only);
    if let Some(path) = &a.residuals {
        let mut csv = String::from("assembly,token,type,method,il_size,native,estimate\n");
        for ((row, s), e) in raw_rows.iter().zip(&samples).zip(&predictions) {
            if !e.is_nan() {
                csv.push_str(&format!("{row},{},{e:.3}\n", s.native));
            }
        }
        std::fs::write(path, csv).map_err(|e| bad(vec![format!("{}: cannot write: {e}", path.display())]))?;
    }
    let baseline_held_out = aotsim_size::cross_validate_groups(&aotsim_size::il_size_only(&samples), aotsim_size::Form::Linear, only);
    let fit_all = || {
        aotsim_size::fit_form(
            &samples,
            &a.name,
            &format!("fitted by `aotsim calibrate` on {} methods of {} assemblies", samples.len(), files.len()),
            form,
        )
    };
    let profile = if only.is_none() || a.output.is_some() || a.no_cross_validation { Some(fit_all()) } else { None };
    let all_data = match &profile {
        Some(profile) => evaluate(profile, "all (fitted on)", &samples.iter().collect::<Vec<_>>()),
        None => HeldOut {
            group: "all (not fitted: --hold-out)".into(),
            methods: samples.len(),
            median_error: 0.0,
            p90_error: 0.0,
            total_error: 0.0,
        },
    };
    t.phase("fit");
    if let (Some(out), Some(profile)) = (&a.output, &profile) {
        std::fs::write(out, serde_json::to_string(profile)?).map_err(|e| bad(vec![format!("{}: cannot write: {e}", out.display())]))?;
    }
    let summary = Summary { methods: samples.len(), held_out, all_data, baseline_held_out };
    match a.format {
        Format::Json => print_json(&summary)?,
        Format::Text => {
            let what = if a.no_cross_validation {
                "error of the fit on all of them (no cross-validation)"
            } else {
                "error of each assembly when left out of the fit"
            };
            println!("{} methods in {} assemblies; {what}:", summary.methods, files.len());
            println!("{:<28}{:>9}{:>10}{:>10}{:>10}   {:>10}{:>10}", "assembly", "methods", "median", "p90", "total", "a+b·IL:", "median");
            let baseline = summary.baseline_held_out.iter().map(Some).chain(std::iter::once(None));
            for (h, b) in summary.held_out.iter().chain(std::iter::once(&summary.all_data)).zip(baseline) {
                println!(
                    "{:<28}{:>9}{:>9.1}%{:>9.1}%{:>+9.1}%   {:>10}{:>10}",
                    h.group,
                    h.methods,
                    100.0 * h.median_error,
                    100.0 * h.p90_error,
                    100.0 * h.total_error,
                    "",
                    b.map_or(String::new(), |b| format!("{:.1}%", 100.0 * b.median_error)),
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
