//! The recursive-descent parser: tokens in, a syntax tree with spans plus every error out.
//!
//! Modelled on HCL's own parser: newline-sensitive in bodies (an argument ends at the end of
//! its line), newlines ignored inside `()`, `[]` and `${}` of expressions, and significant again
//! inside object constructors, where they separate items. The parser never gives up: after an
//! error it skips to a point where it can go on (the end of the line, or the closing bracket of
//! the construct that failed) and keeps reading, so that every independent error is reported,
//! each once. The work is split by job: [`body`] (attributes and blocks), [`expr`] (operators,
//! terms and traversals), [`collection`] (tuples, objects, `for`, function calls), [`template`]
//! (strings and heredocs), [`literal`] (escapes, indentation, strip markers) and [`recovery`] (skipping after an error).

mod body;
mod collection;
mod expr;
mod literal;
mod recovery;
mod template;

#[cfg(test)]
mod tests;

use super::ast::{Body, Span};
use super::token::{Token, TokenKind};
use super::Parsed;
use crate::diagnostic::Diagnostic;
use std::collections::HashSet;

/// How deeply brackets, blocks, templates and unary operators may nest. Checked before
/// recursing, so that hostile input gets a diagnostic rather than a stack overflow even on a
/// thread with the default 2 MiB stack.
pub const MAX_NESTING: usize = 500;

/// Parses `source`, already split into `tokens` (which must end with [`TokenKind::Eof`]).
pub fn parse_tokens(source: &str, tokens: &[Token]) -> Parsed {
    let mut parser = Parser::new(source, tokens);
    let body = parser.parse_file();
    Parsed {
        body,
        diagnostics: parser.diags,
    }
}

/// Parses a bare template already split into tokens by [`super::lexer::lex_template`].
pub fn parse_template_tokens(
    source: &str,
    tokens: &[Token],
) -> (super::ast::Template, Vec<Diagnostic>) {
    let mut parser = Parser::new(source, tokens);
    let template = parser.parse_bare_template();
    (template, parser.diags)
}

pub(crate) struct Parser<'a> {
    src: &'a str,
    /// Tokens with `/* */` comments removed and line comments turned into newlines.
    toks: Vec<Token>,
    pos: usize,
    /// Whether newlines are significant in the current context (top of the stack).
    newlines: Vec<bool>,
    diags: Vec<Diagnostic>,
    /// Start offsets of invalid tokens already reported, so no second error lands on them.
    reported_invalid: HashSet<usize>,
    /// Set when a block header failed before its `{` (see `fail_block_header`).
    orphan_close_expected: bool,
    /// Where the last invalid token starts (an unclosed block after it is no news).
    last_invalid: Option<usize>,
    /// Diagnostics already reported (span and summary), so that none is reported twice.
    seen: HashSet<(usize, usize, String)>,
    /// Built on first use by [`Parser::line_col`].
    line_index: Option<crate::line_index::LineIndex>,
    /// Current nesting depth (see [`MAX_NESTING`]).
    depth: usize,
    /// How many block bodies enclose the current position.
    block_depth: usize,
    /// Set once the nesting limit was hit: the rest of the file is skipped, and nothing more is
    /// reported.
    aborted: bool,
}

impl<'a> Parser<'a> {
    fn new(src: &'a str, tokens: &[Token]) -> Parser<'a> {
        let mut toks = Vec::with_capacity(tokens.len() + 1);
        for tok in tokens {
            match tok.kind {
                TokenKind::Comment => {
                    // A line comment ends its line: keep its newline as a Newline token.
                    let text = tok.text(src);
                    let nl = if text.ends_with("\r\n") {
                        2
                    } else if text.ends_with('\n') {
                        1
                    } else {
                        0
                    };
                    if nl > 0 {
                        toks.push(Token {
                            kind: TokenKind::Newline,
                            span: Span::new(tok.span.end - nl, tok.span.end),
                        });
                    }
                }
                _ => toks.push(*tok),
            }
        }
        if toks.last().map(|t| t.kind) != Some(TokenKind::Eof) {
            let end = src.len();
            toks.push(Token {
                kind: TokenKind::Eof,
                span: Span::empty(end),
            });
        }
        Parser {
            src,
            toks,
            pos: 0,
            newlines: vec![true],
            diags: Vec::new(),
            reported_invalid: HashSet::new(),
            seen: HashSet::new(),
            last_invalid: None,
            orphan_close_expected: false,
            line_index: None,
            depth: 0,
            block_depth: 0,
            aborted: false,
        }
    }

    fn parse_file(&mut self) -> Body {
        self.report_invalid_tokens();
        let items = self.parse_body_items(false);
        Body {
            items,
            span: Span::new(0, self.src.len()),
        }
    }

    /// Reports every token the lexer could not make sense of, once, up front (as HCL does):
    /// the parser then stays quiet about them.
    fn report_invalid_tokens(&mut self) {
        let invalid: Vec<Token> = self
            .toks
            .iter()
            .filter(|t| t.kind == TokenKind::Invalid)
            .copied()
            .collect();
        for tok in invalid {
            let text = tok.text(self.src);
            let diag = match text {
                "&" => Diagnostic::error(
                    "Unsupported operator",
                    "Bitwise operators are not supported. Did you mean boolean AND (\"&&\")?",
                    tok.span,
                )
                .with_label("not an operator here")
                .with_help("use `&&` for a boolean AND"),
                "|" => Diagnostic::error(
                    "Unsupported operator",
                    "Bitwise operators are not supported. Did you mean boolean OR (\"||\")?",
                    tok.span,
                )
                .with_label("not an operator here")
                .with_help("use `||` for a boolean OR"),
                "^" | "~" | "<<" | ">>" => Diagnostic::error(
                    "Unsupported operator",
                    "Bitwise operators are not supported.",
                    tok.span,
                )
                .with_label("not an operator here"),
                _ if text.starts_with('\'') => Diagnostic::error(
                    "Invalid character",
                    "Single quotes are not valid. Use double quotes (\") to enclose strings.",
                    tok.span,
                )
                .with_label("not a valid quote"),
                _ => Diagnostic::error(
                    "Invalid character",
                    "This character is not used within the language.",
                    tok.span,
                )
                .with_label("unexpected character"),
            };
            self.reported_invalid.insert(tok.span.start);
            self.last_invalid = Some(tok.span.start);
            self.diags.push(diag);
        }
    }

    // ----- the token cursor -----

    fn newlines_significant(&self) -> bool {
        self.newlines.last().copied().unwrap_or(true)
    }

    /// The next token, skipping newlines where they are not significant.
    fn peek(&mut self) -> Token {
        if !self.newlines_significant() {
            while self.toks[self.pos].kind == TokenKind::Newline {
                self.pos += 1;
            }
        }
        self.toks[self.pos]
    }

    fn peek_kind(&mut self) -> TokenKind {
        self.peek().kind
    }

    /// The token after the next one (newlines skipped as [`Parser::peek`] would).
    fn peek_second(&mut self) -> Token {
        self.peek();
        let mut i = self.pos + 1;
        if !self.newlines_significant() {
            while i < self.toks.len() && self.toks[i].kind == TokenKind::Newline {
                i += 1;
            }
        }
        self.toks[i.min(self.toks.len() - 1)]
    }

    /// Consumes and returns the next token (never moves past the end of the file).
    fn bump(&mut self) -> Token {
        let tok = self.peek();
        if tok.kind != TokenKind::Eof {
            self.pos += 1;
        }
        tok
    }

    /// Consumes the next token if it has this kind.
    fn eat(&mut self, kind: TokenKind) -> Option<Token> {
        (self.peek_kind() == kind).then(|| self.bump())
    }

    fn at_keyword(&mut self, word: &str) -> bool {
        let tok = self.peek();
        tok.kind == TokenKind::Ident && tok.text(self.src) == word
    }

    /// The end of the last consumed token.
    fn prev_end(&self) -> usize {
        self.toks[..self.pos]
            .iter()
            .rev()
            .find(|t| t.kind != TokenKind::Newline)
            .map_or(0, |t| t.span.end)
    }

    fn text(&self, tok: Token) -> &'a str {
        let src: &'a str = self.src;
        src.get(tok.span.range()).unwrap_or("")
    }

    fn push_newlines(&mut self, significant: bool) {
        self.newlines.push(significant);
    }

    fn pop_newlines(&mut self) {
        if self.newlines.len() > 1 {
            self.newlines.pop();
        }
    }

    // ----- diagnostics -----

    fn report(&mut self, diag: Diagnostic) {
        if self.aborted {
            return;
        }
        if self.reported_invalid.contains(&diag.span.start) {
            return;
        }
        let key = (diag.span.start, diag.span.end, diag.summary.clone());
        if self.seen.insert(key) {
            self.diags.push(diag);
        }
    }

    fn error_count(&self) -> usize {
        self.diags.len()
    }

    /// How a token is named in a label: its text when short, else its kind.
    fn describe(&self, tok: Token) -> String {
        match tok.kind {
            TokenKind::Newline => "the end of the line".to_string(),
            TokenKind::Eof => "the end of the file".to_string(),
            TokenKind::QuotedLit | TokenKind::StringLit => "literal text".to_string(),
            TokenKind::Ident | TokenKind::NumberLit => {
                let text = self.text(tok);
                if text.chars().count() <= 30 {
                    format!("`{text}`")
                } else {
                    tok.kind.describe().to_string()
                }
            }
            other => other.describe().to_string(),
        }
    }

    /// 1-based line and column of a byte offset, for messages that refer to another place in
    /// the file (the line index is built the first time it is needed).
    fn line_col(&mut self, offset: usize) -> (usize, usize) {
        let src = self.src;
        let index = self
            .line_index
            .get_or_insert_with(|| crate::line_index::LineIndex::new(src));
        let pos = index.position(src, offset);
        (pos.line, pos.column)
    }

    // ----- nesting -----

    /// Enters one level of nesting; `false` (after reporting once and skipping the rest of
    /// the file) when the limit is reached.
    fn enter(&mut self, at: Span) -> bool {
        if self.aborted {
            return false;
        }
        if self.depth >= MAX_NESTING {
            self.diags.push(
                Diagnostic::error(
                    "Nesting too deep",
                    format!(
                        "Expressions and blocks may nest at most {MAX_NESTING} levels deep (brackets, blocks, templates, operators in a chain and traversal steps all count); the rest of this file was not read."
                    ),
                    at,
                )
                .with_label("nesting too deep here")
                .with_help("split the expression into smaller parts (for example with locals)"),
            );
            self.aborted = true;
            self.pos = self.toks.len() - 1;
            return false;
        }
        self.depth += 1;
        true
    }

    fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }
}
