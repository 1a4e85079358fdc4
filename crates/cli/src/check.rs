//! `aotsim check`: read and validate, print a summary (for real assemblies, also what the reader
//! decoded: the way to time the reader alone).

use crate::output::{print_json, Timings};
use crate::Format;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The program: a `.il` text file, a `.json` or `.aotb` model, or one or more `.dll`/`.exe`
    /// assemblies read together (the first is the entry assembly).
    #[arg(required = true, num_args = 1..)]
    files: Vec<PathBuf>,
    #[command(flatten)]
    read: crate::ReadArgs,
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
    #[serde(skip_serializing_if = "Option::is_none")]
    il: Option<IlSummary>,
    diagnostics: Vec<String>,
}

#[derive(serde::Serialize)]
struct IlSummary {
    bodies: usize,
    il_instructions: usize,
    il_bytes: usize,
    read_ms: f64,
}

pub fn run(a: &Args, t: &mut Timings) -> anyhow::Result<ExitCode> {
    let start = std::time::Instant::now();
    let loaded = crate::load(&a.files, &a.read)?;
    let read_ms = start.elapsed().as_secs_f64() * 1e3;
    t.phase("read");
    let p = &loaded.program;
    let s = Summary {
        file: a.files.iter().map(|f| f.display().to_string()).collect::<Vec<_>>().join(" "),
        assemblies: p.assemblies.len(),
        types: p.types.len(),
        methods: p.methods.len(),
        fields: p.fields.len(),
        properties: p.properties.len(),
        events: p.events.len(),
        instructions: p.n_instructions(),
        entry_point: p.entry_point.map(|m| p.method_name(m)),
        il: loaded.stats.as_ref().map(|st| IlSummary {
            bodies: st.bodies,
            il_instructions: st.il_instructions,
            il_bytes: st.il_bytes,
            read_ms,
        }),
        diagnostics: loaded.diagnostics.clone(),
    };
    match a.format {
        Format::Json => print_json(&s)?,
        Format::Text => {
            println!("{}: ok", s.file);
            println!(
                "  {} assemblies, {} types, {} methods, {} fields, {} properties, {} events, {} instructions",
                s.assemblies, s.types, s.methods, s.fields, s.properties, s.events, s.instructions
            );
            if let Some(il) = &s.il {
                println!(
                    "  {} method bodies, {} IL instructions, {} bytes of IL, read in {:.1} ms",
                    il.bodies, il.il_instructions, il.il_bytes, il.read_ms
                );
            }
            if !s.diagnostics.is_empty() {
                println!("  {} warning(s) (see stderr)", s.diagnostics.len());
            }
            println!("  entry point: {}", s.entry_point.as_deref().unwrap_or("(none)"));
        }
    }
    t.phase("report");
    Ok(ExitCode::SUCCESS)
}
