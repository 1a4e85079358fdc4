//! `aotsim show`: print a program in the text format or as JSON (the interchange model).

use crate::output::Timings;
use crate::Format;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The program: a `.il` text file, a `.json` or `.aotb` model, or a `.dll`/`.exe` assembly.
    file: PathBuf,
    #[command(flatten)]
    read: crate::ReadArgs,
    /// `text` prints the text format; `json` prints the model that `.json` inputs are read from.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
    /// Write to this file instead, in the format its extension names (`.il`, `.json`, `.aotb`).
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
}

pub fn run(a: &Args, t: &mut Timings) -> anyhow::Result<ExitCode> {
    let loaded = crate::load(std::slice::from_ref(&a.file), &a.read)?;
    let p = loaded.program;
    t.phase("read");
    match (&a.output, a.format) {
        (Some(path), _) => crate::input::write_program(path, &p)?,
        (None, Format::Text) => print!("{}", aotsim_il_text::print(&p)),
        (None, Format::Json) => println!("{}", serde_json::to_string(p.data())?),
    }
    t.phase("report");
    Ok(ExitCode::SUCCESS)
}
