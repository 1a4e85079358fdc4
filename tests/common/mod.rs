//! Helpers shared by the integration tests: run the built `aotsim` binary, compare with blessed
//! expectations (`UPDATE_EXPECT=1` rewrites them).

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// The workspace root (tests run with it as the working directory).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Output of one run: exit code, stdout, stderr.
pub struct Run {
    /// Exit code.
    pub code: i32,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

/// Runs `aotsim ARGS` in the workspace root.
pub fn aotsim(args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_aotsim")).args(args).current_dir(root()).output().expect("run aotsim");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Compares `actual` with the file `expected`, or writes it when `UPDATE_EXPECT=1`.
/// Returns a description of the mismatch.
pub fn check_expect(expected: &Path, actual: &str) -> Result<(), String> {
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        std::fs::write(expected, actual).expect("write expectation");
        return Ok(());
    }
    let want =
        std::fs::read_to_string(expected).map_err(|e| format!("{}: {e} (run with UPDATE_EXPECT=1 to create it)", expected.display()))?;
    if want == actual {
        Ok(())
    } else {
        Err(format!("{} differs.\n--- expected\n{want}\n--- actual\n{actual}", expected.display()))
    }
}

/// The files in `dir` (relative to the root) with extension `ext`, sorted.
pub fn files(dir: &str, ext: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(root().join(dir))
        .expect("fixture dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .collect();
    v.sort();
    v
}
