//! The `aotsim` binary: a thin shim over `aotsim_cli::run`, with mimalloc as its allocator (the
//! readers allocate many small tables; see docs/decisions.md).

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    aotsim_cli::run(std::env::args_os())
}
