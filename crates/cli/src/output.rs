//! Shared output helpers: phase timings and JSON printing.

use std::time::Instant;

/// Phase timings printed to stderr as `timing PHASE MILLISECONDS` when enabled.
pub struct Timings {
    enabled: bool,
    last: Instant,
}

impl Timings {
    pub fn new(enabled: bool) -> Self {
        Timings { enabled, last: Instant::now() }
    }

    /// Ends the current phase, named `phase`.
    pub fn phase(&mut self, phase: &str) {
        let now = Instant::now();
        if self.enabled {
            eprintln!("timing {phase} {:.3}", (now - self.last).as_secs_f64() * 1000.0);
        }
        self.last = now;
    }
}

/// Prints a value as pretty JSON on stdout.
pub fn print_json<T: serde::Serialize>(v: &T) -> anyhow::Result<()> {
    println!("{}", serde_json::to_string_pretty(v)?);
    Ok(())
}

/// A CSV field: quoted (with doubled quotes) when it holds a comma, a quote or a newline.
pub fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}
