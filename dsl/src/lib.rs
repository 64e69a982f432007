//! terrane's DSL: the HCL native syntax (lexer, parser, syntax tree with spans, formatter) and
//! the diagnostics they report. It depends on no other terrane crate.

pub mod diagnostic;
pub mod eval;
pub mod format;
pub mod functions;
pub mod line_index;
pub mod syntax;
pub mod value;

pub use diagnostic::{Diagnostic, Severity};
