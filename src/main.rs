//! The `aotsim` binary: a thin shim over `aotsim_cli::run`.

fn main() -> std::process::ExitCode {
    aotsim_cli::run(std::env::args_os())
}
