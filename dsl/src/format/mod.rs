//! The formatter: rewrites a file in the canonical layout, byte-identical to `terraform fmt`.
//!
//! Like Terraform (which uses hclwrite), it works on tokens, not on the syntax tree: lex, apply
//! Terraform's rewrites ([`rewrite`]), then set the spaces before every token ([`layout`]). Only
//! spaces change, apart from the rewrites. A file with syntax errors is not formatted.

mod labels;
mod layout;
mod precheck;
mod rewrite;
mod roundtrip;
mod tokens;
mod traversal;

pub use roundtrip::{check_roundtrip, normalized};

use crate::diagnostic::Diagnostic;
use crate::syntax;
use tokens::TokenList;

/// Formats `source`, or returns its syntax errors (a file that does not parse is never
/// rewritten: the result could be far from what its author meant).
pub fn format(source: &str) -> Result<String, Vec<Diagnostic>> {
    let lexed = syntax::lex(source);
    let errors = errors_of(source, &lexed);
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(format_tokens(source, &lexed))
}

/// Formats `source` without checking its syntax first. Never panics, whatever the input.
pub fn format_unchecked(source: &str) -> String {
    format_tokens(source, &syntax::lex(source))
}

fn format_tokens(source: &str, lexed: &[syntax::Token]) -> String {
    let list = TokenList::from_lexed(source, lexed);
    let tokens = traversal::drop_unwritable_index_keys(list.tokens);
    let mut tokens = rewrite::rewrite(tokens);
    layout::layout(&mut tokens);
    TokenList {
        tokens,
        trailing_spaces: list.trailing_spaces,
    }
    .render()
}

/// The syntax errors that stop formatting: the parser's errors, then (should the parser have
/// recovered from any) the token-level ones: stray characters, unbalanced brackets,
/// unterminated strings.
pub fn syntax_errors(source: &str) -> Vec<Diagnostic> {
    errors_of(source, &syntax::lex(source))
}

fn errors_of(source: &str, lexed: &[syntax::Token]) -> Vec<Diagnostic> {
    let errors: Vec<Diagnostic> = syntax::parse_tokens(source, lexed)
        .diagnostics
        .into_iter()
        .filter(Diagnostic::is_error)
        .collect();
    if !errors.is_empty() {
        return errors;
    }
    precheck::token_errors(source, lexed)
}
