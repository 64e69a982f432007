//! The lexer: drives the pest grammar in `lexer.pest` one token at a time, keeping the stack of
//! scanner modes (expression, quoted template, heredoc template) itself so that nesting depth
//! costs heap, never call stack.
//!
//! Two deliberate differences from the HCL scanner, neither visible to the formatter's spacing:
//! a run of literal text is one [`TokenKind::QuotedLit`] / [`TokenKind::StringLit`] token even
//! where the scanner splits it at each `$` and `%` (the formatter accounts for that split where
//! Terraform's output depends on it, in block labels); and a newline inside a quoted string ends
//! the string (no closing quote) instead of becoming a quoted-newline token.

use super::token::{Span, Token, TokenKind};
use pest::Parser;

#[derive(pest_derive::Parser)]
#[grammar = "syntax/lexer.pest"]
pub(super) struct Grammar;

/// What an opening token started; the top of the stack decides the current mode.
#[derive(Clone, Debug)]
enum Frame {
    /// A `{` in expression mode: the matching `}` is a [`TokenKind::CBrace`].
    Brace,
    /// `${` or `%{`: the matching `}` is a [`TokenKind::TemplateSeqEnd`].
    Sequence,
    /// Inside `"..."`.
    Quoted,
    /// Inside a heredoc whose closing marker is `marker`.
    Heredoc { marker: String, start_of_line: bool },
    /// A bare template (a template file): heredoc rules without a closing marker.
    TemplateFile,
}

enum Mode {
    Main,
    Quoted,
    Heredoc,
}

/// Splits `source` into tokens ending with one [`TokenKind::Eof`]. Never fails and never panics:
/// bytes that form no token become [`TokenKind::Invalid`] tokens.
pub fn lex(source: &str) -> Vec<Token> {
    if let Some(tokens) = super::lexer_whole::lex_shallow(source) {
        return tokens;
    }
    lex_iteratively(source)
}

/// The iterative path: any nesting depth, one parser call per run of tokens.
pub(super) fn lex_iteratively(source: &str) -> Vec<Token> {
    let mut lexer = Lexer {
        source,
        pos: if source.starts_with('\u{feff}') { 3 } else { 0 },
        stack: Vec::new(),
        tokens: Vec::new(),
    };
    lexer.run();
    let end = source.len();
    lexer.tokens.push(Token {
        kind: TokenKind::Eof,
        span: Span::empty(end),
    });
    lexer.tokens
}

/// Splits a bare template (the text of a template file) into tokens: literal text is
/// [`TokenKind::StringLit`], with interpolations and directives as in a heredoc, and no closing
/// marker. Ends with one [`TokenKind::Eof`].
pub fn lex_template(source: &str) -> Vec<Token> {
    let mut lexer = Lexer {
        source,
        pos: 0,
        stack: vec![Frame::TemplateFile],
        tokens: Vec::new(),
    };
    lexer.run();
    lexer.tokens.push(Token {
        kind: TokenKind::Eof,
        span: Span::empty(source.len()),
    });
    lexer.tokens
}

struct Lexer<'a> {
    source: &'a str,
    pos: usize,
    stack: Vec<Frame>,
    tokens: Vec<Token>,
}

impl Lexer<'_> {
    fn mode(&self) -> Mode {
        match self.stack.last() {
            Some(Frame::Quoted) => Mode::Quoted,
            Some(Frame::Heredoc { .. } | Frame::TemplateFile) => Mode::Heredoc,
            _ => Mode::Main,
        }
    }

    fn run(&mut self) {
        while self.pos < self.source.len() {
            match self.mode() {
                Mode::Main => self.main_step(),
                Mode::Quoted => self.quoted_step(),
                Mode::Heredoc => self.heredoc_step(),
            }
        }
    }

    /// Matches one token of `rule` at the current position: its rule and its end offset.
    fn next(&self, rule: Rule) -> (Rule, usize) {
        let rest = &self.source[self.pos..];
        let matched = Grammar::parse(rule, rest)
            .ok()
            .and_then(|mut pairs| pairs.next())
            .map(|pair| (pair.as_rule(), pair.as_span().end()));
        match matched {
            Some((rule, len)) if len > 0 => (rule, self.pos + len),
            // Not reachable with this grammar (every mode ends with `invalid = ANY`), but a
            // lexer must make progress whatever happens: one character becomes invalid.
            _ => {
                let len = rest.chars().next().map_or(1, char::len_utf8);
                (Rule::invalid, self.pos + len)
            }
        }
    }

    fn push(&mut self, kind: TokenKind, end: usize) {
        self.tokens.push(Token {
            kind,
            span: Span::new(self.pos, end),
        });
        self.pos = end;
    }

    /// Lexes a run of expression-mode tokens with one parser call, or one token when no run
    /// matches here.
    fn main_step(&mut self) {
        let rest = &self.source[self.pos..];
        let run: Vec<(Rule, usize)> = match Grammar::parse(Rule::main_run, rest) {
            Ok(pairs) => pairs
                .map(|pair| (pair.as_rule(), pair.as_span().end()))
                .collect(),
            Err(_) => Vec::new(),
        };
        if run.is_empty() {
            let (rule, end) = self.next(Rule::main_token);
            self.main_token(rule, end);
            return;
        }
        let base = self.pos;
        for (rule, len) in run {
            self.main_token(rule, base + len);
        }
    }

    /// Records one expression-mode token of `rule` ending at `end`, updating the mode stack.
    fn main_token(&mut self, rule: Rule, end: usize) {
        let kind = match rule {
            Rule::spaces => {
                self.pos = end;
                return;
            }
            Rule::newline => TokenKind::Newline,
            Rule::line_comment | Rule::block_comment => TokenKind::Comment,
            Rule::heredoc_open => {
                let text = &self.source[self.pos..end];
                let marker = text
                    .trim_start_matches('<')
                    .trim_start_matches('-')
                    .trim_end_matches(['\r', '\n']);
                self.stack.push(Frame::Heredoc {
                    marker: marker.to_string(),
                    start_of_line: true,
                });
                TokenKind::OHeredoc
            }
            Rule::number => TokenKind::NumberLit,
            Rule::ident => TokenKind::Ident,
            Rule::obrace => {
                self.stack.push(Frame::Brace);
                TokenKind::OBrace
            }
            Rule::cbrace => match self.stack.last() {
                Some(Frame::Sequence) => {
                    self.stack.pop();
                    TokenKind::TemplateSeqEnd
                }
                Some(Frame::Brace) => {
                    self.stack.pop();
                    TokenKind::CBrace
                }
                _ => TokenKind::CBrace,
            },
            Rule::tilde_close => match self.stack.last() {
                Some(Frame::Sequence) => {
                    self.stack.pop();
                    TokenKind::TemplateSeqEnd
                }
                // A `~` that closes nothing is a stray character; the `}` is lexed next.
                _ => {
                    let end = self.pos + 1;
                    self.push(TokenKind::Invalid, end);
                    return;
                }
            },
            Rule::quote => {
                self.stack.push(Frame::Quoted);
                TokenKind::OQuote
            }
            Rule::simple_open_quote => TokenKind::OQuote,
            Rule::simple_close_quote => TokenKind::CQuote,
            Rule::quoted_lit => TokenKind::QuotedLit,
            Rule::punct => punct_kind(&self.source[self.pos..end]),
            _ => TokenKind::Invalid,
        };
        self.push(kind, end);
    }

    fn quoted_step(&mut self) {
        let (rule, end) = self.next(Rule::quoted_token);
        let kind = match rule {
            Rule::template_interp => {
                self.stack.push(Frame::Sequence);
                TokenKind::TemplateInterp
            }
            Rule::template_control => {
                self.stack.push(Frame::Sequence);
                TokenKind::TemplateControl
            }
            Rule::quote => {
                self.stack.pop();
                TokenKind::CQuote
            }
            Rule::newline => {
                // An unterminated string: it ends here, and the newline belongs to the
                // enclosing mode.
                self.stack.pop();
                return;
            }
            Rule::quoted_lit => TokenKind::QuotedLit,
            _ => TokenKind::Invalid,
        };
        self.push(kind, end);
    }

    fn heredoc_step(&mut self) {
        if let Some(end) = self.closing_marker() {
            self.stack.pop();
            self.push(TokenKind::CHeredoc, end);
            return;
        }
        let (rule, end) = self.next(Rule::heredoc_token);
        let kind = match rule {
            Rule::template_interp | Rule::template_control => {
                self.set_start_of_line(false);
                self.stack.push(Frame::Sequence);
                if rule == Rule::template_interp {
                    TokenKind::TemplateInterp
                } else {
                    TokenKind::TemplateControl
                }
            }
            Rule::heredoc_lit => {
                let ends_line = self.source[..end].ends_with('\n');
                self.set_start_of_line(ends_line);
                TokenKind::StringLit
            }
            _ => {
                self.set_start_of_line(false);
                TokenKind::Invalid
            }
        };
        self.push(kind, end);
    }

    fn set_start_of_line(&mut self, value: bool) {
        if let Some(Frame::Heredoc { start_of_line, .. }) = self.stack.last_mut() {
            *start_of_line = value;
        }
    }

    /// When a heredoc line starts here and is its closing marker (surrounded by optional
    /// whitespace and followed by a newline), the end of the marker token: the line without
    /// its newline.
    fn closing_marker(&self) -> Option<usize> {
        let Some(Frame::Heredoc {
            marker,
            start_of_line: true,
        }) = self.stack.last()
        else {
            return None;
        };
        let rest = &self.source[self.pos..];
        let line_len = rest.find('\n')?;
        let line = rest[..line_len]
            .strip_suffix('\r')
            .unwrap_or(&rest[..line_len]);
        (line.trim() == marker).then_some(self.pos + line.len())
    }
}

pub(super) fn punct_kind(text: &str) -> TokenKind {
    match text {
        "==" => TokenKind::EqualOp,
        "!=" => TokenKind::NotEqual,
        "<=" => TokenKind::LessThanEq,
        ">=" => TokenKind::GreaterThanEq,
        "&&" => TokenKind::And,
        "||" => TokenKind::Or,
        "::" => TokenKind::DoubleColon,
        "..." => TokenKind::Ellipsis,
        "=>" => TokenKind::FatArrow,
        "[" => TokenKind::OBrack,
        "]" => TokenKind::CBrack,
        "(" => TokenKind::OParen,
        ")" => TokenKind::CParen,
        "." => TokenKind::Dot,
        "," => TokenKind::Comma,
        "*" => TokenKind::Star,
        "/" => TokenKind::Slash,
        "%" => TokenKind::Percent,
        "+" => TokenKind::Plus,
        "-" => TokenKind::Minus,
        "=" => TokenKind::Equal,
        "<" => TokenKind::LessThan,
        ">" => TokenKind::GreaterThan,
        "!" => TokenKind::Bang,
        "?" => TokenKind::Question,
        ":" => TokenKind::Colon,
        _ => TokenKind::Invalid,
    }
}

#[cfg(test)]
#[path = "lexer_tests.rs"]
mod tests;
