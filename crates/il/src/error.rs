//! Validation errors: what is wrong, and which entity it is wrong about.

use crate::ids::*;
use serde::Serialize;

/// The entity a validation error is about, so a reader can map it back to a file location.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase", tag = "kind", content = "id")]
pub enum Subject {
    /// The program as a whole (tables, entry point).
    Program,
    /// An assembly.
    Assembly(AssemblyId),
    /// A type.
    Type(TypeId),
    /// A method.
    Method(MethodId),
    /// A field.
    Field(FieldId),
    /// A property.
    Property(PropertyId),
    /// An event.
    Event(EventId),
}

/// A rule of the model that the program breaks.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize)]
#[error("{message}")]
pub struct ValidationError {
    /// The entity at fault.
    pub subject: Subject,
    /// What is wrong, with display names.
    pub message: String,
}

impl ValidationError {
    /// An error about `subject`.
    pub fn new(subject: Subject, message: impl Into<String>) -> Self {
        ValidationError { subject, message: message.into() }
    }

    /// An error about the program as a whole.
    pub fn program(message: impl Into<String>) -> Self {
        Self::new(Subject::Program, message)
    }
}
