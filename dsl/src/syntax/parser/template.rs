//! Templates: quoted strings and heredocs, their escapes, interpolations `${...}`, directives
//! `%{if}`/`%{for}`, strip markers `~`, and the indentation removed by `<<-` heredocs.
//!
//! A template is read in three steps: the tokens become a flat list of pieces (literal text,
//! interpolations, directive markers), then `<<-` indentation and strip markers are applied
//! to the literal pieces, and finally the directive markers are matched into a tree.

use super::body::error_expr;
use super::literal::{apply_strip_markers, remove_common_indent, unescape_heredoc};
use super::Parser;
use crate::diagnostic::Diagnostic;
use crate::syntax::ast::{Expr, ExprKind, Heredoc, Ident, Span, Strip, Template, TemplatePart};
use crate::syntax::token::{Token, TokenKind};

/// One piece of a template before directives are matched.
#[derive(Debug)]
pub(super) enum Piece {
    Literal {
        text: String,
        span: Span,
    },
    Interp {
        expr: Expr,
        strip: Strip,
        span: Span,
    },
    If {
        condition: Expr,
        strip: Strip,
        span: Span,
    },
    Else {
        strip: Strip,
        span: Span,
    },
    EndIf {
        strip: Strip,
        span: Span,
    },
    For {
        key_var: Option<Ident>,
        value_var: Ident,
        collection: Expr,
        strip: Strip,
        span: Span,
    },
    EndFor {
        strip: Strip,
        span: Span,
    },
}

impl Piece {
    fn span(&self) -> Span {
        match self {
            Piece::Literal { span, .. }
            | Piece::Interp { span, .. }
            | Piece::If { span, .. }
            | Piece::Else { span, .. }
            | Piece::EndIf { span, .. }
            | Piece::For { span, .. }
            | Piece::EndFor { span, .. } => *span,
        }
    }

    pub(super) fn strip(&self) -> Strip {
        match self {
            Piece::Literal { .. } => Strip::default(),
            Piece::Interp { strip, .. }
            | Piece::If { strip, .. }
            | Piece::Else { strip, .. }
            | Piece::EndIf { strip, .. }
            | Piece::For { strip, .. }
            | Piece::EndFor { strip, .. } => *strip,
        }
    }
}

/// Which directive a nested list of parts ends at.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Until {
    End,
    EndIf,
    EndFor,
}

impl Parser<'_> {
    /// A quoted template `"..."`, at its opening quote.
    pub(super) fn parse_quoted_template(&mut self) -> Expr {
        let open = self.bump();
        let mut pieces = Vec::new();
        let errors_at_open = self.error_count();
        let mut unterminated_reported = false;
        let close = loop {
            let tok = self.toks[self.pos];
            match tok.kind {
                TokenKind::CQuote => {
                    self.pos += 1;
                    break Some(tok);
                }
                TokenKind::QuotedLit => {
                    // Adjacent literal tokens are unescaped together.
                    let start = tok.span.start;
                    let mut end = tok.span.end;
                    self.pos += 1;
                    while self.toks[self.pos].kind == TokenKind::QuotedLit {
                        end = self.toks[self.pos].span.end;
                        self.pos += 1;
                    }
                    let span = Span::new(start, end);
                    let text = self.unescape_quoted(span);
                    pieces.push(Piece::Literal { text, span });
                }
                TokenKind::TemplateInterp => pieces.push(self.parse_interpolation(tok)),
                TokenKind::TemplateControl => pieces.push(self.parse_directive(tok)),
                TokenKind::Newline
                    if matches!(
                        self.toks.get(self.pos + 1).map(|t| t.kind),
                        Some(
                            TokenKind::QuotedLit
                                | TokenKind::CQuote
                                | TokenKind::TemplateInterp
                                | TokenKind::TemplateControl
                        )
                    ) =>
                {
                    // The lexer kept reading the string on the next line: report once, go on.
                    if !unterminated_reported {
                        self.unterminated_string(tok);
                        unterminated_reported = true;
                    }
                    self.pos += 1;
                }
                _ => {
                    if !unterminated_reported && self.error_count() == errors_at_open {
                        self.unterminated_string(tok);
                    }
                    break None;
                }
            }
        };
        let end_span = close.map_or(Span::empty(self.prev_end()), |t| t.span);
        let span = open.span.to(end_span);
        let parts = self.finish_template(pieces, end_span);
        Expr {
            kind: ExprKind::Template(Template {
                parts,
                heredoc: None,
            }),
            span,
        }
    }

    fn unterminated_string(&mut self, at: Token) {
        self.report(
            Diagnostic::error(
                "Unterminated template string",
                "No closing marker was found for the string.",
                at.span,
            )
            .with_label("the string is not closed before the end of the line")
            .with_help("add the closing `\"`; for text over several lines, use `\\n` or a heredoc (`<<EOT`)"),
        );
    }

    /// A heredoc `<<EOF ... EOF` or `<<-EOF ... EOF`, at its opening token.
    pub(super) fn parse_heredoc(&mut self) -> Expr {
        let open = self.bump();
        let opener = self.text(open);
        let indented = opener.starts_with("<<-");
        let marker = opener
            .trim_start_matches('<')
            .trim_start_matches('-')
            .trim_end()
            .to_string();
        let mut pieces = Vec::new();
        let errors_at_open = self.error_count();
        let close = loop {
            let tok = self.toks[self.pos];
            match tok.kind {
                TokenKind::CHeredoc => {
                    self.pos += 1;
                    break Some(tok);
                }
                TokenKind::StringLit | TokenKind::QuotedLit => {
                    self.pos += 1;
                    let raw = self.text(tok);
                    pieces.push(Piece::Literal {
                        text: raw.to_string(),
                        span: tok.span,
                    });
                }
                TokenKind::Newline => {
                    self.pos += 1;
                    pieces.push(Piece::Literal {
                        text: self.text(tok).to_string(),
                        span: tok.span,
                    });
                }
                TokenKind::TemplateInterp => {
                    pieces.push(self.parse_interpolation(tok));
                }
                TokenKind::TemplateControl => {
                    pieces.push(self.parse_directive(tok));
                }
                _ if self.error_count() > errors_at_open => break None,
                _ => {
                    self.report(
                        Diagnostic::error(
                            "Unterminated template string",
                            "No closing marker was found for the string.",
                            tok.span,
                        )
                        .with_label(format!("the heredoc is not closed by a line `{marker}`"))
                        .with_help(format!(
                            "end the heredoc with a line holding only `{marker}`"
                        )),
                    );
                    break None;
                }
            }
        };
        if indented {
            // As HCL: strip markers act first (each on the adjacent line's text only), then
            // the common indentation is measured and removed.
            apply_strip_markers(&mut pieces);
            remove_common_indent(&mut pieces);
        }
        for piece in &mut pieces {
            if let Piece::Literal { text, .. } = piece {
                *text = unescape_heredoc(text);
            }
        }
        let end_span = close.map_or(Span::empty(self.prev_end()), |t| t.span);
        let span = open.span.to(end_span);
        let parts = self.finish_template(pieces, end_span);
        Expr {
            kind: ExprKind::Template(Template {
                parts,
                heredoc: Some(Heredoc { marker, indented }),
            }),
            span,
        }
    }

    /// A whole bare template (a template file): pieces up to the end of the input.
    pub(super) fn parse_bare_template(&mut self) -> Template {
        let mut pieces = Vec::new();
        loop {
            let tok = self.toks[self.pos];
            match tok.kind {
                TokenKind::Eof => break,
                TokenKind::StringLit | TokenKind::QuotedLit | TokenKind::Newline => {
                    self.pos += 1;
                    pieces.push(Piece::Literal {
                        text: unescape_heredoc(self.text(tok)),
                        span: tok.span,
                    });
                }
                TokenKind::TemplateInterp => pieces.push(self.parse_interpolation(tok)),
                TokenKind::TemplateControl => pieces.push(self.parse_directive(tok)),
                _ => {
                    // Stray tokens (only after an error inside a sequence): skip them.
                    self.pos += 1;
                }
            }
            if self.aborted {
                break;
            }
        }
        let end = Span::empty(self.src.len());
        let parts = self.finish_template(pieces, end);
        Template {
            parts,
            heredoc: None,
        }
    }

    /// `${ expr }` at its opening token.
    fn parse_interpolation(&mut self, open: Token) -> Piece {
        self.pos += 1;
        let strip_left = self.text(open).ends_with('~');
        self.push_newlines(false);
        let before = self.error_count();
        let expr = self.parse_expression();
        let (strip_right, end) = self.expect_seq_end(open, before, "interpolation");
        self.pop_newlines();
        Piece::Interp {
            expr,
            strip: Strip {
                left: strip_left,
                right: strip_right,
            },
            span: Span::new(open.span.start, end),
        }
    }

    /// Expects the `}` of a template sequence; returns whether it had a strip marker, and
    /// the end of the sequence.
    fn expect_seq_end(&mut self, open: Token, before: usize, what: &str) -> (bool, usize) {
        let tok = self.peek();
        if tok.kind == TokenKind::TemplateSeqEnd {
            self.bump();
            return (self.text(tok).starts_with('~'), tok.span.end);
        }
        if self.error_count() > before {
            let close = self.recover_to(TokenKind::TemplateSeqEnd);
            return (false, close.map_or(self.prev_end(), |t| t.span.end));
        }
        if matches!(
            tok.kind,
            TokenKind::CQuote | TokenKind::CHeredoc | TokenKind::Eof
        ) {
            self.report(
                Diagnostic::error(
                    format!("Unclosed template {what} sequence"),
                    format!("There is no closing brace for this {what} sequence before the end of the quoted template. This might be caused by incorrect nesting inside the given expression."),
                    open.span,
                )
                .with_label(format!("this {what} is never closed"))
                .with_help("add the missing `}`"),
            );
            return (false, self.prev_end());
        }
        let found = self.describe(tok);
        let (summary, detail) = if what == "interpolation" {
            (
                "Extra characters after interpolation expression".to_string(),
                "Expected a closing brace to end the interpolation expression, but found extra characters.\n\nThis can happen when you include interpolation syntax for another language, such as shell scripting, but forget to escape the interpolation start token. If this is an embedded sequence for another language, escape it by starting with \"$${\" instead of just \"${\".".to_string(),
            )
        } else {
            (
                "Extra characters in template directive".to_string(),
                "Expected a closing brace to end the template directive, but found extra characters.".to_string(),
            )
        };
        self.report(
            Diagnostic::error(summary, detail, tok.span)
                .with_label(format!("expected `}}` to end the {what}, found {found}"))
                .with_help(
                    "to write a literal `${` or `%{`, double the first character: `$${`, `%%{`",
                ),
        );
        let close = self.recover_to(TokenKind::TemplateSeqEnd);
        (false, close.map_or(self.prev_end(), |t| t.span.end))
    }

    /// `%{ if ... }`, `%{ else }`, `%{ endif }`, `%{ for ... }`, `%{ endfor }`.
    fn parse_directive(&mut self, open: Token) -> Piece {
        self.pos += 1;
        let strip_left = self.text(open).ends_with('~');
        self.push_newlines(false);
        let before = self.error_count();
        let keyword = self.peek();
        let word = if keyword.kind == TokenKind::Ident {
            self.text(keyword)
        } else {
            ""
        };
        let mut make: Box<dyn FnOnce(Strip, Span) -> Piece> = match word {
            "if" => {
                self.bump();
                let condition = self.parse_expression();
                Box::new(move |strip, span| Piece::If {
                    condition,
                    strip,
                    span,
                })
            }
            "else" => {
                self.bump();
                Box::new(|strip, span| Piece::Else { strip, span })
            }
            "endif" => {
                self.bump();
                Box::new(|strip, span| Piece::EndIf { strip, span })
            }
            "endfor" => {
                self.bump();
                Box::new(|strip, span| Piece::EndFor { strip, span })
            }
            "for" => {
                self.bump();
                match self.parse_template_for_head() {
                    Some((key_var, value_var, collection)) => {
                        Box::new(move |strip, span| Piece::For {
                            key_var,
                            value_var,
                            collection,
                            strip,
                            span,
                        })
                    }
                    None => Box::new(error_piece),
                }
            }
            _ => {
                let found = self.describe(keyword);
                let (summary, detail) = if keyword.kind == TokenKind::Ident {
                    (
                        "Invalid template control keyword",
                        format!("\"{word}\" is not a valid template control keyword."),
                    )
                } else {
                    (
                        "Invalid template directive",
                        "A template directive keyword (\"if\", \"for\", etc) is expected at the beginning of a %{ sequence.".to_string(),
                    )
                };
                self.report(
                    Diagnostic::error(summary, detail, keyword.span)
                        .with_label(format!(
                            "expected `if`, `else`, `endif`, `for` or `endfor`, found {found}"
                        ))
                        .with_help("to write a literal `%{`, write `%%{`"),
                );
                Box::new(error_piece)
            }
        };
        let (strip_right, end) = self.expect_seq_end(open, before, "directive");
        if self.error_count() > before {
            make = Box::new(error_piece);
        }
        self.pop_newlines();
        make(
            Strip {
                left: strip_left,
                right: strip_right,
            },
            Span::new(open.span.start, end),
        )
    }

    fn parse_template_for_head(&mut self) -> Option<(Option<Ident>, Ident, Expr)> {
        let first = self.template_for_ident()?;
        let (key_var, value_var) = if self.eat(TokenKind::Comma).is_some() {
            (Some(first), self.template_for_ident()?)
        } else {
            (None, first)
        };
        if !self.at_keyword("in") {
            let tok = self.peek();
            let found = self.describe(tok);
            self.report(
                Diagnostic::error(
                    "Invalid 'for' directive",
                    "For directive requires 'in' keyword after names.",
                    tok.span,
                )
                .with_label(format!("expected `in`, found {found}")),
            );
            return None;
        }
        self.bump();
        let collection = self.parse_expression();
        Some((key_var, value_var, collection))
    }

    fn template_for_ident(&mut self) -> Option<Ident> {
        let tok = self.peek();
        if tok.kind != TokenKind::Ident {
            let found = self.describe(tok);
            self.report(
                Diagnostic::error(
                    "Invalid 'for' directive",
                    "For directive requires variable name after 'for'.",
                    tok.span,
                )
                .with_label(format!("expected a variable name, found {found}")),
            );
            return None;
        }
        self.bump();
        Some(Ident {
            name: self.text(tok).to_string(),
            span: tok.span,
        })
    }

    /// Applies strip markers, merges literals and matches directives into the parts tree.
    fn finish_template(&mut self, mut pieces: Vec<Piece>, end: Span) -> Vec<TemplatePart> {
        apply_strip_markers(&mut pieces);
        let mut iter = pieces.into_iter().peekable();
        let (mut parts, _) = self.build_parts(&mut iter, Until::End, end, None);
        // Kept for the whole run in the configuration: no spare capacity.
        parts.shrink_to_fit();
        parts
    }

    /// Builds parts until the directive `until` (returned, if found) or the end.
    fn build_parts(
        &mut self,
        iter: &mut std::iter::Peekable<std::vec::IntoIter<Piece>>,
        until: Until,
        end: Span,
        opener: Option<Span>,
    ) -> (Vec<TemplatePart>, Option<Piece>) {
        let mut parts: Vec<TemplatePart> = Vec::new();
        while let Some(piece) = iter.next() {
            match piece {
                Piece::Literal { text, span, .. } => push_literal(&mut parts, text, span),
                Piece::Interp { expr, strip, span } => {
                    parts.push(TemplatePart::Interpolation { expr, strip, span })
                }
                Piece::If {
                    condition, span, ..
                } => {
                    if !self.enter(span) {
                        return (parts, None);
                    }
                    let (then, stop) = self.build_parts(iter, Until::EndIf, end, Some(span));
                    let mut otherwise = Vec::new();
                    let mut last = stop.as_ref().map_or(span, Piece::span);
                    if matches!(stop, Some(Piece::Else { .. })) {
                        let (rest, stop) = self.build_parts(iter, Until::EndIf, end, Some(span));
                        otherwise = rest;
                        last = stop.as_ref().map_or(last, Piece::span);
                    }
                    self.leave();
                    parts.push(TemplatePart::If {
                        condition: Box::new(condition),
                        then,
                        otherwise,
                        span: span.to(last),
                    });
                }
                Piece::For {
                    key_var,
                    value_var,
                    collection,
                    span,
                    ..
                } => {
                    if !self.enter(span) {
                        return (parts, None);
                    }
                    let (body, stop) = self.build_parts(iter, Until::EndFor, end, Some(span));
                    self.leave();
                    let last = stop.as_ref().map_or(span, Piece::span);
                    parts.push(TemplatePart::For {
                        key_var: key_var.map(Box::new),
                        value_var,
                        collection: Box::new(collection),
                        body,
                        span: span.to(last),
                    });
                }
                Piece::Else { span, .. } if until == Until::EndIf => {
                    return (
                        parts,
                        Some(Piece::Else {
                            strip: Strip::default(),
                            span,
                        }),
                    );
                }
                Piece::EndIf { span, .. } if until == Until::EndIf => {
                    return (
                        parts,
                        Some(Piece::EndIf {
                            strip: Strip::default(),
                            span,
                        }),
                    );
                }
                Piece::EndFor { span, .. } if until == Until::EndFor => {
                    return (
                        parts,
                        Some(Piece::EndFor {
                            strip: Strip::default(),
                            span,
                        }),
                    );
                }
                Piece::Else { span, .. }
                | Piece::EndIf { span, .. }
                | Piece::EndFor { span, .. } => {
                    let word = self.src.get(span.range()).unwrap_or("");
                    let name = if word.contains("else") {
                        "else"
                    } else if word.contains("endif") {
                        "endif"
                    } else {
                        "endfor"
                    };
                    self.report(
                        Diagnostic::error(
                            format!("Unexpected {name} directive"),
                            "The control directives within this template are unbalanced.",
                            span,
                        )
                        .with_label(format!("this `{name}` has no matching opening directive")),
                    );
                }
            }
        }
        if until != Until::End {
            let (kind, closer) = if until == Until::EndIf {
                ("if", "endif")
            } else {
                ("for", "endfor")
            };
            let at = opener.map_or(String::new(), |s| {
                let (line, col) = self.line_col(s.start);
                format!(" at line {line}, column {col}")
            });
            self.report(
                Diagnostic::error(
                    "Unexpected end of template",
                    format!(
                        "The {kind} directive{at} is missing its corresponding {closer} directive."
                    ),
                    end,
                )
                .with_label(format!(
                    "expected `%{{ {closer} }}` before the end of the template"
                ))
                .with_help(format!("close the `%{{ {kind} }}` with `%{{ {closer} }}`")),
            );
        }
        (parts, None)
    }
}

fn error_piece(strip: Strip, span: Span) -> Piece {
    Piece::Interp {
        expr: error_expr(span),
        strip,
        span,
    }
}

fn push_literal(parts: &mut Vec<TemplatePart>, text: String, span: Span) {
    if let Some(TemplatePart::Literal {
        text: prev,
        span: prev_span,
    }) = parts.last_mut()
    {
        prev.push_str(&text);
        *prev_span = prev_span.to(span);
        return;
    }
    if !text.is_empty() {
        parts.push(TemplatePart::Literal { text, span });
    }
}
