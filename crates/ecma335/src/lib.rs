//! Reads real .NET assemblies (ECMA-335: PE/COFF, metadata tables and heaps, signatures, method
//! bodies and custom attributes) into the aotsim IL model.
//!
//! The reader is zero-copy over the file bytes: tables are read in place, and only what the model
//! holds is allocated. It never panics on malformed input and bounds what it allocates by the
//! size of the file; every error names the file, the offset or table row, and the cause.
//!
//! ```no_run
//! use aotsim_ecma335::{load, Input};
//! let app = Input { name: "App.exe".into(), bytes: std::fs::read("App.exe")? };
//! // Resolve references from a directory; a reference not found is a diagnostic, not an error.
//! let loaded = load(vec![app], &mut |name: &str| {
//!     let path = format!("refs/{name}.dll");
//!     std::fs::read(&path).ok().map(|bytes| Input { name: path, bytes })
//! })
//! .map_err(|errors| errors[0].clone())?;
//! println!("{} methods, {} diagnostics", loaded.program.methods.len(), loaded.diagnostics.len());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod error;
pub mod il;
mod load;
pub(crate) mod metadata;
mod pe;

pub use error::{Error, Location};
pub use load::{load, load_with, Diagnostic, Input, LoadOptions, Loaded, Stats, TokenMap};
