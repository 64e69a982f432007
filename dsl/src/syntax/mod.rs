//! The syntax boundary: source text in, tokens or a syntax tree plus every error found out.
//! Nothing outside this module sees the grammar; users call [`lex`] and [`parse`].

pub mod ast;
pub mod dump;
mod lexer;
mod lexer_whole;
mod parser;
pub mod token;

pub use parser::MAX_NESTING;

pub use token::{Span, Token, TokenKind};

use crate::diagnostic::Diagnostic;

/// The result of parsing one file: the tree that could be recovered and every error found.
#[derive(Clone, Debug)]
pub struct Parsed {
    pub body: ast::Body,
    pub diagnostics: Vec<Diagnostic>,
}

impl Parsed {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Splits `source` into tokens, ending with one [`TokenKind::Eof`]. Never fails: bytes that
/// form no token become [`TokenKind::Invalid`] tokens.
pub fn lex(source: &str) -> Vec<Token> {
    lexer::lex(source)
}

/// Parses a configuration file (or a variables file: the same syntax).
/// Never fails: errors are reported in [`Parsed::diagnostics`] next to the tree that could be
/// recovered. A byte order mark at the start is skipped.
pub fn parse(source: &str) -> Parsed {
    // The lexer skips a byte order mark at offset 0.
    parser::parse_tokens(source, &lex(source))
}

/// Parses a bare template (the contents of a template file, as `templatefile` reads them):
/// literal text with `${...}` interpolations and `%{...}` directives; only `$${` and `%%{` are
/// escapes. Never fails: errors are returned next to the template that could be recovered.
pub fn parse_template(source: &str) -> (ast::Template, Vec<Diagnostic>) {
    parser::parse_template_tokens(source, &lexer::lex_template(source))
}

/// Parses tokens that [`lex`] gave for `source` (for callers that need both, to lex once).
pub fn parse_tokens(source: &str, tokens: &[Token]) -> Parsed {
    parser::parse_tokens(source, tokens)
}
