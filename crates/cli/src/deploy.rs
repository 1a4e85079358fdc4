//! What `size` and `compare` share: the publish settings (`-p Name=Value`, as MSBuild spells
//! them), the app model, the profile, and the estimate of every method the report needs.

use crate::input::Loaded;
use aotsim_il::MethodId;
use aotsim_size::app::{measure, AppInputs, AppModel, Settings, TrimMode};
use aotsim_size::{features, Profile};
use aotsim_trim::{Item, TrimResult};
use std::path::{Path, PathBuf};

#[derive(clap::Args, Debug, Clone, Default)]
pub struct DeployArgs {
    /// A publish property, as MSBuild spells it (repeatable): PublishAot, RuntimeIdentifier,
    /// OptimizationPreference (Size|Speed), InvariantGlobalization, StackTraceSupport,
    /// UseSystemResourceKeys, TrimMode (full|partial), DebugType (None drops the symbols).
    #[arg(short = 'p', long = "property", value_name = "NAME=VALUE")]
    pub properties: Vec<String>,
    /// The whole-application model: a JSON file shaped like the built-in one
    /// (`aotsim compare --constants --format json` prints it).
    #[arg(long, value_name = "FILE")]
    pub app_model: Option<PathBuf>,
    /// The per-method profile: a built-in name (mono-x64, ilc-x64, ilc-arm64, ilc-x86) or a JSON
    /// file from `aotsim calibrate`. Default: ilc-ARCH of the RuntimeIdentifier.
    #[arg(long)]
    pub profile: Option<String>,
}

fn bad(lines: Vec<String>) -> anyhow::Error {
    anyhow::Error::new(crate::InputError { lines })
}

impl DeployArgs {
    /// The settings: .NET's defaults with the `-p` properties applied in order.
    pub fn settings(&self) -> anyhow::Result<Settings> {
        let mut s = Settings::default();
        for p in &self.properties {
            let (name, value) = p.split_once('=').ok_or_else(|| bad(vec![format!("-p {p}: expected NAME=VALUE")]))?;
            s.set(name.trim(), value.trim()).map_err(|e| bad(vec![format!("-p {p}: {e}")]))?;
        }
        Ok(s)
    }

    /// The app model: built in, or read from `--app-model`.
    pub fn model(&self) -> anyhow::Result<AppModel> {
        match &self.app_model {
            None => Ok(AppModel::built_in()),
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|e| bad(vec![format!("{}: cannot read: {e}", path.display())]))?;
                AppModel::from_json(&text).map_err(|e| bad(vec![format!("{}: {e}", path.display())]))
            }
        }
    }

    /// The profile: `--profile`, else the RID's `ilc-ARCH`.
    pub fn profile(&self, model: &AppModel, s: &Settings) -> anyhow::Result<Profile> {
        match &self.profile {
            Some(name) => crate::size::load_profile(name),
            None => {
                let target = model
                    .target(s.arch())
                    .ok_or_else(|| bad(vec![format!("no target for architecture `{}` in the app model", s.arch())]))?;
                crate::size::load_profile(&target.profile)
            }
        }
    }
}

/// The estimated native bytes of methods, by method id: of every body when `all`, else of the
/// kept ones (the others are 0).
pub fn estimates(loaded: &Loaded, profile: &Profile, trimmed: Option<&TrimResult>, all: bool) -> Vec<f64> {
    let p = &loaded.program;
    let wanted: Vec<MethodId> =
        p.methods.ids().filter(|&m| p.methods[m].body.is_some() && (all || trimmed.is_none_or(|r| r.is_kept(Item::Method(m))))).collect();
    let mut out = vec![0.0; p.methods.len()];
    // A few hundred methods at a time: the forest goes through them tree by tree.
    for chunk in wanted.chunks(256) {
        let rows: Vec<_> = chunk.iter().map(|&m| features(p, m, loaded.il_table())).collect();
        for (&m, bytes) in chunk.iter().zip(profile.estimate_many(&rows)) {
            out[m.as_u32() as usize] = bytes;
        }
    }
    out
}

/// The program's parts for the whole-application model.
pub fn inputs(loaded: &Loaded, trimmed: Option<&TrimResult>, code: &[f64], model: &AppModel, s: &Settings) -> AppInputs {
    let pointer = model.target(s.arch()).map_or(8, |t| t.pointer_bytes);
    measure(&loaded.program, trimmed, code, model, pointer)
}

/// Whether [`estimates`] must cover every body for these settings.
pub fn needs_all(s: &Settings) -> bool {
    s.trim_mode == TrimMode::Partial
}

/// Finds an assembly's file beside the input or in the reference directories, for its size.
pub fn file_finder<'a>(input: &'a Path, ref_dirs: &'a [PathBuf]) -> impl Fn(&str) -> Option<u64> + 'a {
    move |name: &str| {
        if !crate::is_assembly(input) {
            return None;
        }
        let dirs = input.parent().into_iter().chain(ref_dirs.iter().map(PathBuf::as_path));
        for dir in dirs {
            for ext in ["dll", "exe"] {
                if let Ok(meta) = std::fs::metadata(dir.join(format!("{name}.{ext}"))) {
                    return Some(meta.len());
                }
            }
        }
        None
    }
}
