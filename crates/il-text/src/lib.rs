//! The readable text format of the IL model (`.il` files): [`parse`] and [`print`].
//!
//! The syntax is close to ILAsm but far shorter; docs/format.md describes it. Parsing runs in
//! three steps: tokens ([`lexer`]), a syntax tree (`parser`), then name resolution into a
//! validated [`aotsim_il::Program`] (`lower`). Every error names the line and column.
//!
//! Invariants: no I/O (callers pass the text and a file name for messages); never panics on any
//! input; `parse(print(p))` prints the same text as `p`.

mod ast;
pub mod lexer;
mod lower;
mod parser;
mod print;

pub use lexer::Pos;
pub use print::print;

use aotsim_il::Program;

/// An error in a text-format file, with its position.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{}:{}: {message}", pos.line, pos.col)]
pub struct ParseError {
    /// The file name given to [`parse`] (empty until then).
    pub file: String,
    /// Line and column.
    pub pos: Pos,
    /// What is wrong: what was expected and what was found, or which rule is broken.
    pub message: String,
}

impl ParseError {
    pub(crate) fn at(pos: Pos, message: impl Into<String>) -> Self {
        ParseError { file: String::new(), pos, message: message.into() }
    }
}

/// Parses and validates a program. `file` names the source in error messages. Returns every
/// resolution and validation error found, or the first syntax error.
pub fn parse(src: &str, file: &str) -> Result<Program, Vec<ParseError>> {
    let with_file = |mut errs: Vec<ParseError>| {
        for e in &mut errs {
            e.file = file.to_string();
        }
        errs.sort_by_key(|e| (e.pos.line, e.pos.col));
        errs
    };
    let toks = lexer::lex(src).map_err(|e| with_file(vec![e]))?;
    let asts = parser::Parser::new(toks).file().map_err(|e| with_file(vec![e]))?;
    lower::Lowerer::new().lower(&asts).map_err(with_file)
}
