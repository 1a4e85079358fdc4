//! Reading and writing programs: the text format (`.il`), the JSON model (`.json`) and the
//! binary model (`.aotb`: a magic header, then the same tables encoded with postcard).

use aotsim_il::{Program, ProgramData};
use std::fmt;
use std::path::{Path, PathBuf};

/// A file that could not be read as a program: every error found, each naming file and place.
#[derive(Debug)]
pub struct InputError {
    /// One line per problem, `file:line:col: message` where a position is known.
    pub lines: Vec<String>,
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const SHOWN: usize = 20;
        for l in self.lines.iter().take(SHOWN) {
            writeln!(f, "error: {l}")?;
        }
        if self.lines.len() > SHOWN {
            writeln!(f, "... and {} more errors", self.lines.len() - SHOWN)?;
        }
        Ok(())
    }
}

impl std::error::Error for InputError {}

fn fail(lines: Vec<String>) -> anyhow::Error {
    anyhow::Error::new(InputError { lines })
}

/// Reads `path` by its extension: `.json` JSON model, `.aotb` binary model, else the text format.
pub fn load_program(path: &Path) -> anyhow::Result<Program> {
    let shown = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| fail(vec![format!("{shown}: cannot read: {e}")]))?;
    if has_extension(path, "aotb") {
        let Some(payload) = bytes.strip_prefix(BINARY_MAGIC) else {
            if bytes.starts_with(&BINARY_MAGIC[..7]) {
                return Err(fail(vec![format!(
                    "{shown}: a binary model of another version of aotsim ({:?}; this one reads {:?}): write it again from its source",
                    String::from_utf8_lossy(&bytes[..bytes.len().min(8)]),
                    std::str::from_utf8(BINARY_MAGIC).unwrap_or("")
                )]));
            }
            return Err(fail(vec![format!(
                "{shown}: not an aotsim binary model (missing the {:?} header)",
                std::str::from_utf8(BINARY_MAGIC).unwrap_or("")
            )]));
        };
        let data: ProgramData = postcard::from_bytes(payload).map_err(|e| fail(vec![format!("{shown}: corrupt binary model: {e}")]))?;
        return Program::from_data(data).map_err(|errs| fail(errs.into_iter().map(|e| format!("{shown}: {e}")).collect()));
    }
    let text =
        String::from_utf8(bytes).map_err(|e| fail(vec![format!("{shown}: byte {}: not UTF-8 text", e.utf8_error().valid_up_to())]))?;
    if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("json")) {
        let data: ProgramData = serde_json::from_str(&text)
            .map_err(|e| fail(vec![format!("{shown}:{}:{}: not a program in JSON: {e}", e.line(), e.column())]))?;
        return Program::from_data(data).map_err(|errs| fail(errs.into_iter().map(|e| format!("{shown}: {e}")).collect()));
    }
    aotsim_il_text::parse(&text, &shown).map_err(|errs| fail(errs.into_iter().map(|e| e.to_string()).collect()))
}

/// The first bytes of a binary model, with the format's version (2: field offsets and class sizes
/// of explicit layouts; 3: compare-and-branch targets, `switch` tables and exception handlers; 4:
/// the comparison of compare-and-branch instructions and the type operands of stack instructions).
pub const BINARY_MAGIC: &[u8; 8] = b"AOTSIMB4";

fn has_extension(path: &Path, ext: &str) -> bool {
    path.extension().is_some_and(|e| e.eq_ignore_ascii_case(ext))
}

/// Writes `p` to `path` in the format its extension names: `.json`, `.aotb`, else the text format.
pub fn write_program(path: &Path, p: &Program) -> anyhow::Result<()> {
    let bytes = if has_extension(path, "json") {
        serde_json::to_vec(p.data())?
    } else if has_extension(path, "aotb") {
        let mut b = BINARY_MAGIC.to_vec();
        b.extend(postcard::to_stdvec(p.data())?);
        b
    } else {
        aotsim_il_text::print(p).into_bytes()
    };
    std::fs::write(path, bytes).map_err(|e| anyhow::anyhow!("{}: cannot write: {e}", path.display()))
}

/// How inputs are read: where the references of real assemblies are looked up.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct ReadArgs {
    /// A directory to look up the references of `.dll`/`.exe` inputs in, by assembly name
    /// (repeatable; searched after the input's own directory).
    #[arg(long = "ref-dir", value_name = "DIR")]
    pub ref_dirs: Vec<PathBuf>,
}

/// A program read from files, with what only real assemblies carry.
pub struct Loaded {
    /// The program.
    pub program: Program,
    /// Metadata tokens of the entities (real assemblies only).
    pub tokens: Option<aotsim_ecma335::TokenMap>,
    /// What the reader counted (real assemblies only).
    pub stats: Option<aotsim_ecma335::Stats>,
    /// References that did not resolve, attributes dropped (real assemblies only).
    pub diagnostics: Vec<String>,
    /// What each method's raw IL does, by method id (real assemblies only).
    pub il_features: Option<Vec<Option<aotsim_il::IlFeatures>>>,
}

impl Loaded {
    /// The raw-IL features of method `m`, when it was read from an assembly.
    pub fn il(&self, m: aotsim_il::MethodId) -> Option<&aotsim_il::IlFeatures> {
        self.il_features.as_ref().and_then(|v| v.get(m.as_u32() as usize)).and_then(Option::as_ref)
    }

    /// The raw-IL features of every method, by method id (real assemblies only).
    pub fn il_table(&self) -> Option<&[Option<aotsim_il::IlFeatures>]> {
        self.il_features.as_deref()
    }
}

/// True for the extensions of real .NET assemblies.
pub fn is_assembly(path: &Path) -> bool {
    has_extension(path, "dll") || has_extension(path, "exe")
}

/// Reads one program: a text, JSON or binary model, or one or more real assemblies (the first is
/// the entry assembly) with their references looked up in the inputs' directories and `read`'s.
/// Diagnostics of real assemblies are printed to stderr as warnings (at most 20).
pub fn load(paths: &[PathBuf], read: &ReadArgs) -> anyhow::Result<Loaded> {
    let Some(first) = paths.first() else { return Err(fail(vec!["no input file".into()])) };
    if !is_assembly(first) {
        if paths.len() > 1 {
            return Err(fail(vec![format!("{}: only real assemblies (.dll, .exe) can be read several at once", paths[1].display())]));
        }
        return Ok(Loaded { program: load_program(first)?, tokens: None, stats: None, diagnostics: Vec::new(), il_features: None });
    }
    let mut inputs = Vec::new();
    for p in paths {
        if !is_assembly(p) {
            return Err(fail(vec![format!("{}: cannot be read together with assemblies", p.display())]));
        }
        let bytes = std::fs::read(p).map_err(|e| fail(vec![format!("{}: cannot read: {e}", p.display())]))?;
        inputs.push(aotsim_ecma335::Input { name: p.display().to_string(), bytes });
    }
    let mut dirs: Vec<PathBuf> = paths.iter().filter_map(|p| p.parent().map(Path::to_path_buf)).collect();
    dirs.extend(read.ref_dirs.iter().cloned());
    dirs.dedup();
    let mut resolve = |name: &str| {
        for d in &dirs {
            for ext in ["dll", "exe"] {
                let path = d.join(format!("{name}.{ext}"));
                if let Ok(bytes) = std::fs::read(&path) {
                    return Some(aotsim_ecma335::Input { name: path.display().to_string(), bytes });
                }
            }
        }
        None
    };
    let options = aotsim_ecma335::LoadOptions { il_features: true };
    let loaded =
        aotsim_ecma335::load_with(inputs, &mut resolve, options).map_err(|errs| fail(errs.iter().map(|e| e.to_string()).collect()))?;
    let diagnostics: Vec<String> = loaded.diagnostics.iter().map(|d| d.to_string()).collect();
    for d in diagnostics.iter().take(20) {
        eprintln!("warning: {d}");
    }
    if diagnostics.len() > 20 {
        eprintln!("warning: … and {} more", diagnostics.len() - 20);
    }
    Ok(Loaded {
        program: loaded.program,
        tokens: Some(loaded.tokens),
        stats: Some(loaded.stats),
        diagnostics,
        il_features: loaded.il_features,
    })
}
