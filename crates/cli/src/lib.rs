//! The `aotsim` command line. The only crate that touches files, stdout, JSON and exit codes.
//!
//! Exit codes: 0 success, 1 findings (reserved for analyses that report problems), 2 bad input
//! or usage.

mod calibrate;
mod check;
mod compare;
mod deploy;
mod experiment;
mod gen;
mod graph;
mod input;
mod lookup;
mod output;
mod show;
mod size;
mod trim;
mod warnings;
mod why;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

pub use input::{is_assembly, load, load_program, write_program, InputError, Loaded, ReadArgs, BINARY_MAGIC};

/// Simulates the .NET Native AOT publish pipeline on a program: read, trim, explain.
#[derive(Parser, Debug)]
#[command(name = "aotsim", version, about, long_about = None, after_help = EXAMPLES)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Print one line per phase to stderr: `timing PHASE MILLISECONDS`.
    #[arg(long, global = true)]
    timings: bool,
}

const EXAMPLES: &str = "Examples:
  aotsim check examples/webapi.il
  aotsim trim examples/webapi.il
  aotsim trim examples/webapi.il --precision cha --list removed
  aotsim why examples/webapi.il 'App.WeatherForecast::get_Summary()'
  aotsim show examples/webapi.il --format json > webapi.json
  aotsim gen --methods 100000 --seed 7 -o big.il && aotsim trim big.il --timings
  aotsim warnings examples/webapi.il --explain
  aotsim compare examples/webapi-aot.il -p InvariantGlobalization=true
  aotsim warnings App.exe --ref-dir /usr/lib/mono/4.5 --format sarif > app.sarif";

#[derive(Subcommand, Debug)]
enum Command {
    /// Parse and validate a program; print a summary.
    Check(check::Args),
    /// Trim a program from its roots; print what is kept and removed.
    Trim(trim::Args),
    /// Explain why an item is kept: the chain of reasons from a root.
    Why(why::Args),
    /// Print a program in the text format, or as JSON.
    Show(show::Args),
    /// Generate an ASP.NET-shaped program of any size (for benchmarks and experiments).
    Gen(gen::Args),
    /// Export the dependency graph with typed edges (DOT, DGML, CSV edge list).
    Graph(graph::Args),
    /// Trim-analysis warnings (ILLink's codes) of the trimmed program, with why-chains and cut points.
    Warnings(warnings::Args),
    /// Fit a size-estimator profile from measured native sizes; report its held-out error.
    Calibrate(calibrate::Args),
    /// Estimated native code of the trimmed program, per method and rolled up, and the whole
    /// application around it.
    Size(size::Args),
    /// JIT vs Native AOT side by side: size, cold start, memory, build time, throughput (a model).
    Compare(compare::Args),
    /// The exact effect of removing a root, switching a feature off or cutting an edge.
    #[command(name = "what-if")]
    WhatIf(experiment::WhatIfArgs),
    /// Two programs trimmed, estimated and traced side by side.
    Diff(experiment::DiffArgs),
}

/// Output format shared by the subcommands.
#[derive(clap::ValueEnum, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Format {
    /// Human-readable text.
    #[default]
    Text,
    /// JSON for machines.
    Json,
}

/// Runs the command line `args` (program name first) and returns the exit code.
pub fn run<I, T>(args: I) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let mut t = output::Timings::new(cli.timings);
    let result = match &cli.command {
        Command::Check(a) => check::run(a, &mut t),
        Command::Trim(a) => trim::run(a, &mut t),
        Command::Why(a) => why::run(a, &mut t),
        Command::Show(a) => show::run(a, &mut t),
        Command::Gen(a) => gen::run(a, &mut t),
        Command::Graph(a) => graph::run(a, &mut t),
        Command::Warnings(a) => warnings::run(a, &mut t),
        Command::Calibrate(a) => calibrate::run(a, &mut t),
        Command::Size(a) => size::run(a, &mut t),
        Command::Compare(a) => compare::run(a, &mut t),
        Command::WhatIf(a) => experiment::what_if(a, &mut t),
        Command::Diff(a) => experiment::diff(a, &mut t),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            match e.downcast_ref::<InputError>() {
                Some(input) => eprint!("{input}"),
                None => eprintln!("error: {e:#}"),
            }
            ExitCode::from(2)
        }
    }
}
