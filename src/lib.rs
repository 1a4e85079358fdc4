//! aotsim simulates the .NET Native AOT publish pipeline: read a program, trim it to what is
//! reachable, and explain every kept item. This facade re-exports the public API of the
//! workspace's crates:
//!
//! - [`il`]: the IL model (ids, program graph, builder, validation);
//! - [`text`]: the readable text format (parse and print);
//! - [`trim`]: the reachability trimmer with typed why-chains;
//! - [`gen`]: a deterministic generator of ASP.NET-shaped programs;
//! - [`ecma335`]: the reader of real .NET assemblies (`.dll`, `.exe`) into the model;
//! - [`hazard`]: the reflection-hazard tracer (trim-analysis warnings with ILLink's codes);
//! - [`size`]: the native-size estimator (per-method cost model fitted on measurements).
//!
//! ```
//! let program = aotsim::text::parse(
//!     "assembly App { class App.P { method public static entrypoint void Main() { ret } } }",
//!     "inline.il",
//! ).unwrap();
//! let result = aotsim::trim::trim(&program, &aotsim::trim::TrimConfig::default());
//! assert_eq!(result.kept_count().methods, 1);
//! ```

pub use aotsim_ecma335 as ecma335;
pub use aotsim_gen as gen;
pub use aotsim_hazard as hazard;
pub use aotsim_il as il;
pub use aotsim_il_text as text;
pub use aotsim_size as size;
pub use aotsim_trim as trim;
