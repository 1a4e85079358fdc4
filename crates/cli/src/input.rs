//! Loading a program from a file: the text format (`.il`) or the JSON model (`.json`).

use aotsim_il::{Program, ProgramData};
use std::fmt;
use std::path::Path;

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

/// Reads `path` as a text-format program, or as JSON when it ends in `.json`.
pub fn load_program(path: &Path) -> anyhow::Result<Program> {
    let shown = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| fail(vec![format!("{shown}: cannot read: {e}")]))?;
    let text =
        String::from_utf8(bytes).map_err(|e| fail(vec![format!("{shown}: byte {}: not UTF-8 text", e.utf8_error().valid_up_to())]))?;
    if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("json")) {
        let data: ProgramData = serde_json::from_str(&text)
            .map_err(|e| fail(vec![format!("{shown}:{}:{}: not a program in JSON: {e}", e.line(), e.column())]))?;
        return Program::from_data(data).map_err(|errs| fail(errs.into_iter().map(|e| format!("{shown}: {e}")).collect()));
    }
    aotsim_il_text::parse(&text, &shown).map_err(|errs| fail(errs.into_iter().map(|e| e.to_string()).collect()))
}
