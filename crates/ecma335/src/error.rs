//! Reader errors: every one names the file, where in it (byte offset, table row or method) and
//! the cause.

use std::fmt;

/// Where in an assembly an error was found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Location {
    /// A byte offset in the file.
    Offset(u64),
    /// A row of a metadata table (1-based, as tokens count).
    Row {
        /// The table's name (`TypeDef`, `MethodDef`, …).
        table: &'static str,
        /// The row.
        row: u32,
    },
    /// The body of a method (by MethodDef row) at an IL offset.
    Body {
        /// The MethodDef row.
        method: u32,
        /// Offset in the IL code.
        il_offset: u32,
    },
    /// The file as a whole.
    File,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Offset(o) => write!(f, "offset 0x{o:x}"),
            Location::Row { table, row } => write!(f, "{table} row {row} (token 0x{:02x}{row:06x})", table_number(table)),
            Location::Body { method, il_offset } => write!(f, "MethodDef row {method} (token 0x06{method:06x}), IL_{il_offset:04x}"),
            Location::File => Ok(()),
        }
    }
}

fn table_number(name: &str) -> u8 {
    crate::metadata::TABLE_NAMES.iter().position(|n| *n == name).map_or(0xff, |i| i as u8)
}

/// An error reading an assembly: the file, where, and why.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct Error {
    /// The file as the caller named it.
    pub file: String,
    /// Where in the file.
    pub location: Location,
    /// What is wrong.
    pub cause: String,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.location {
            Location::File => write!(f, "{}: {}", self.file, self.cause),
            ref l => write!(f, "{}: {l}: {}", self.file, self.cause),
        }
    }
}

/// The error of the parsing layers, before the file name is attached.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Bad {
    pub location: Location,
    pub cause: String,
}

impl Bad {
    pub fn at(offset: usize, cause: impl Into<String>) -> Bad {
        Bad { location: Location::Offset(offset as u64), cause: cause.into() }
    }
    pub fn row(table: &'static str, row: u32, cause: impl Into<String>) -> Bad {
        Bad { location: Location::Row { table, row }, cause: cause.into() }
    }
    pub fn file(self, file: &str) -> Error {
        Error { file: file.to_string(), location: self.location, cause: self.cause }
    }
}

pub(crate) type R<T> = Result<T, Bad>;
