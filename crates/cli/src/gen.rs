//! `aotsim gen`: write a deterministic ASP.NET-shaped program of any size.

use crate::output::Timings;
use crate::Format;
use aotsim_gen::{generate, GenConfig};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// About how many methods.
    #[arg(long, default_value_t = 10_000)]
    methods: usize,
    /// The seed: the same seed gives the same program.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Framework assemblies between the core library and the app.
    #[arg(long, default_value_t = 4)]
    assemblies: usize,
    /// Write here instead of stdout: `.json` JSON model, `.aotb` binary model, else text.
    #[arg(short, long)]
    output: Option<PathBuf>,
    /// Format on stdout (with `-o`, the file's extension decides).
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

pub fn run(a: &Args, t: &mut Timings) -> anyhow::Result<ExitCode> {
    let cfg = GenConfig { methods: a.methods, seed: a.seed, assemblies: a.assemblies.max(1), features: false };
    let p = generate(&cfg);
    t.phase("generate");
    match &a.output {
        Some(path) => crate::input::write_program(path, &p)?,
        None if a.format == Format::Json => println!("{}", serde_json::to_string(p.data())?),
        None => print!("{}", aotsim_il_text::print(&p)),
    }
    t.phase("write");
    Ok(ExitCode::SUCCESS)
}
