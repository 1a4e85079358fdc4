//! `aotsim check`: parse and validate, print a summary.

use crate::output::{print_json, Timings};
use crate::Format;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The program: a `.il` text file or a `.json` model.
    file: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

#[derive(serde::Serialize)]
struct Summary {
    file: String,
    assemblies: usize,
    types: usize,
    methods: usize,
    fields: usize,
    properties: usize,
    events: usize,
    instructions: usize,
    entry_point: Option<String>,
}

pub fn run(a: &Args, t: &mut Timings) -> anyhow::Result<ExitCode> {
    let p = crate::load_program(&a.file)?;
    t.phase("read");
    let s = Summary {
        file: a.file.display().to_string(),
        assemblies: p.assemblies.len(),
        types: p.types.len(),
        methods: p.methods.len(),
        fields: p.fields.len(),
        properties: p.properties.len(),
        events: p.events.len(),
        instructions: p.n_instructions(),
        entry_point: p.entry_point.map(|m| p.method_name(m)),
    };
    match a.format {
        Format::Json => print_json(&s)?,
        Format::Text => {
            println!("{}: ok", s.file);
            println!(
                "  {} assemblies, {} types, {} methods, {} fields, {} properties, {} events, {} instructions",
                s.assemblies, s.types, s.methods, s.fields, s.properties, s.events, s.instructions
            );
            println!("  entry point: {}", s.entry_point.as_deref().unwrap_or("(none)"));
        }
    }
    t.phase("report");
    Ok(ExitCode::SUCCESS)
}
