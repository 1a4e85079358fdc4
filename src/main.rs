//! The `aotsim` binary: a thin shim over `aotsim_cli::run`, with mimalloc as its allocator (the
//! readers allocate many small tables; see docs/decisions.md).

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    quiet_on_broken_pipe();
    aotsim_cli::run(std::env::args_os())
}

/// When what reads the output goes away (`aotsim show big.dll | head`), `println!` panics with a
/// broken pipe; the reader chose to stop, so stop quietly, as Unix tools do, instead of printing
/// a panic. Every other panic keeps the default report.
fn quiet_on_broken_pipe() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let message =
            info.payload().downcast_ref::<String>().map(String::as_str).or_else(|| info.payload().downcast_ref::<&str>().copied());
        if message.is_some_and(|m| m.starts_with("failed printing to stdout") && m.contains("Broken pipe")) {
            std::process::exit(0);
        }
        default(info);
    }));
}
