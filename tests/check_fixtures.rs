//! Parser and validator fixtures: `aotsim check` on every file of `tests/data/check/`, with the
//! exit code and output compared against `NAME.expected` beside it. Files named `ok_*` must be
//! accepted (exit 0); every other file is bad input and must give located errors and exit 2.

mod common;
use common::*;

#[test]
fn check_fixtures() {
    let mut failures = Vec::new();
    let fixtures = files("tests/data/check", "il");
    assert!(fixtures.len() >= 15, "fixtures missing");
    for path in fixtures {
        let rel = path.strip_prefix(root()).expect("under root").to_string_lossy().into_owned();
        let name = path.file_name().expect("name").to_string_lossy().into_owned();
        let run = aotsim(&["check", &rel]);
        let want_code = if name.starts_with("ok_") { 0 } else { 2 };
        if run.code != want_code {
            failures.push(format!("{rel}: exit {} (want {want_code})\n{}{}", run.code, run.stdout, run.stderr));
            continue;
        }
        if want_code == 2 {
            // Every error line names the file, and a position when the text could be decoded.
            for line in run.stderr.lines().filter(|l| l.starts_with("error:")) {
                if !line.contains(&rel) {
                    failures.push(format!("{rel}: error without the file name: {line}"));
                }
            }
            if run.stderr.contains("panicked") {
                failures.push(format!("{rel}: panicked"));
            }
        }
        let actual = format!("exit: {}\n--- stdout\n{}--- stderr\n{}", run.code, run.stdout, run.stderr);
        if let Err(e) = check_expect(&path.with_extension("expected"), &actual) {
            failures.push(e);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
