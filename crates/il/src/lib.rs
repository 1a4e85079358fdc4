//! The IL model: an id-indexed graph of assemblies, types, methods, fields and the instructions
//! that create edges between them.
//!
//! Build a program with [`Builder`] (or read one with `aotsim-il-text` / from JSON), then
//! [`Builder::finish`] validates it and returns a frozen [`Program`] whose derived indexes
//! (overrides, interface dispatch maps, static constructors) the analyses read.
//!
//! Invariants: this crate does no I/O; a [`Program`] never changes after `finish()`; equal
//! signatures have equal [`TypeRefId`]s.

mod builder;
mod error;
mod ids;
mod ilfeatures;
mod model;
pub mod names;
mod program;
mod validate;

pub use builder::Builder;
pub use error::{Subject, ValidationError};
pub use ids::*;
pub use ilfeatures::{IlFeatures, OP_GROUPS};
pub use model::*;
pub use names::Names;
pub use program::{AccessorOf, InterfaceImpl, Program};
