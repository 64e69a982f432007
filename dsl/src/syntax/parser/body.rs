//! Bodies: attributes (`name = expr`, one per line), blocks (`type "label" label { ... }`),
//! one-line blocks (`a "b" { x = 1 }`, a single attribute), and the errors Terraform reports
//! about them.

use super::Parser;
use crate::diagnostic::Diagnostic;
use crate::syntax::ast::{
    Attribute, Block, Body, BodyItem, Expr, ExprKind, Ident, Label, Span, TemplatePart,
};
use crate::syntax::token::{Token, TokenKind};
use std::collections::HashMap;

/// What may end a body item besides a newline or the end of the file.
#[derive(Clone, Copy, PartialEq, Eq)]
enum ItemEnd {
    /// A newline (or the end of the file) only.
    Line,
    /// Also a `}` closing the enclosing block: used after a one-line block went wrong, to read
    /// the rest of it as a multi-line body without a second error.
    LineOrBrace,
}

impl Parser<'_> {
    /// Reads body items until the end of the file, or (in a block) a `}` that is left
    /// unconsumed for the caller.
    pub(super) fn parse_body_items(&mut self, in_block: bool) -> Vec<BodyItem> {
        self.parse_body_items_ending(in_block, ItemEnd::Line)
    }

    fn parse_body_items_ending(&mut self, in_block: bool, end: ItemEnd) -> Vec<BodyItem> {
        let mut items = Vec::new();
        let mut seen: HashMap<String, Span> = HashMap::new();
        // Whether the previous line's item had an error: a line then starting with something
        // other than a name is most likely the rest of that broken item, not a new error.
        let mut after_error = false;
        // `}`s expected to close blocks whose header was broken before its `{`.
        let mut orphan_closes = 0usize;
        loop {
            let tok = self.peek();
            match tok.kind {
                TokenKind::Newline => {
                    self.bump();
                }
                TokenKind::CBrace if orphan_closes > 0 => {
                    orphan_closes -= 1;
                    self.bump();
                    self.recover_after_body_item();
                }
                TokenKind::Eof => break,
                TokenKind::CBrace if in_block => break,
                TokenKind::Ident => {
                    let before = self.error_count();
                    self.orphan_close_expected = false;
                    let item = self.parse_body_item(end);
                    after_error = self.error_count() > before;
                    if std::mem::take(&mut self.orphan_close_expected) {
                        orphan_closes += 1;
                    }
                    let Some(item) = item else {
                        continue;
                    };
                    if let BodyItem::Attribute(attr) = &item {
                        self.check_redefined(&mut seen, &attr.name);
                    }
                    items.push(item);
                }
                TokenKind::OQuote if self.quoted_name_then_equals() => {
                    self.report(
                        Diagnostic::error(
                            "Invalid argument name",
                            "Argument names must not be quoted.",
                            tok.span,
                        )
                        .with_label("argument names are written without quotes")
                        .with_help("remove the quotes around the name"),
                    );
                    self.bump();
                    self.recover_after_body_item();
                    after_error = true;
                }
                _ if after_error && tok.kind != TokenKind::CBrace => {
                    self.bump();
                    self.recover_after_body_item();
                }
                _ => {
                    after_error = true;
                    let found = self.describe(tok);
                    let label = if tok.kind == TokenKind::CBrace {
                        "this `}` closes no block".to_string()
                    } else {
                        format!("expected an argument name or a block type, found {found}")
                    };
                    let mut diag = Diagnostic::error(
                        "Argument or block definition required",
                        "An argument or block definition is required here.",
                        tok.span,
                    )
                    .with_label(label);
                    if tok.kind == TokenKind::CBrace {
                        diag = diag.with_help(
                            "remove this brace, or check the nesting of the braces above it",
                        );
                    }
                    self.report(diag);
                    self.bump();
                    self.recover_after_body_item();
                }
            }
        }
        items.shrink_to_fit();
        items
    }

    /// `"name" =` at the start of a body item.
    fn quoted_name_then_equals(&self) -> bool {
        let mut i = self.pos + 1;
        while i < self.toks.len() && self.toks[i].kind == TokenKind::QuotedLit {
            i += 1;
        }
        self.toks.get(i).map(|t| t.kind) == Some(TokenKind::CQuote)
            && self.toks.get(i + 1).map(|t| t.kind) == Some(TokenKind::Equal)
    }

    fn check_redefined(&mut self, seen: &mut HashMap<String, Span>, name: &Ident) {
        match seen.get(&name.name) {
            Some(first) => {
                let (line, col) = self.line_col(first.start);
                self.report(
                    Diagnostic::error(
                        "Attribute redefined",
                        format!(
                            "The argument \"{}\" was already set at line {line}, column {col}. Each argument may be set only once.",
                            name.name
                        ),
                        name.span,
                    )
                    .with_label(format!("`{}` is set a second time here", name.name))
                    .with_help(format!(
                        "remove one of the two definitions of `{}`",
                        name.name
                    )),
                );
            }
            None => {
                seen.insert(name.name.clone(), name.span);
            }
        }
    }

    fn ident_of(&self, tok: Token) -> Ident {
        Ident {
            name: self.text(tok).to_string(),
            span: tok.span,
        }
    }

    /// An attribute or a block, starting at its name.
    fn parse_body_item(&mut self, end: ItemEnd) -> Option<BodyItem> {
        let name_tok = self.bump();
        let ident = self.ident_of(name_tok);
        let next = self.peek();
        match next.kind {
            TokenKind::Equal => {
                let before = self.error_count();
                let attr = self.parse_attribute(ident);
                if self.error_count() > before {
                    self.recover_after_body_item();
                } else {
                    self.expect_item_end(end, &attr.name);
                }
                Some(BodyItem::Attribute(attr))
            }
            TokenKind::OQuote | TokenKind::Ident | TokenKind::OBrace => {
                self.parse_block(ident, end).map(BodyItem::Block)
            }
            _ => {
                let found = self.describe(next);
                self.report(
                    Diagnostic::error(
                        "Argument or block definition required",
                        "An argument or block definition is required here. To set an argument, use the equals sign \"=\" to introduce the argument value.",
                        ident.span,
                    )
                    .with_label(format!(
                        "expected `=` or `{{` after the name `{}`, found {found}",
                        ident.name
                    ))
                    .with_help(format!(
                        "write `{0} = value` to set an argument, or `{0} {{ ... }}` for a block",
                        ident.name
                    )),
                );
                self.recover_after_body_item();
                None
            }
        }
    }

    /// `= expr` after an attribute's name (the end of the line is checked by the caller).
    fn parse_attribute(&mut self, name: Ident) -> Attribute {
        self.bump(); // `=`
        let expr = self.parse_expression();
        let span = name.span.to(expr.span);
        Attribute { name, expr, span }
    }

    /// Checks that an argument ends its line.
    fn expect_item_end(&mut self, end: ItemEnd, name: &Ident) {
        let tok = self.peek();
        match tok.kind {
            TokenKind::Newline => {
                self.bump();
            }
            TokenKind::Eof => {}
            TokenKind::CBrace if end == ItemEnd::LineOrBrace => {}
            TokenKind::Comma => {
                self.report(
                    Diagnostic::error(
                        "Unexpected comma after argument",
                        "Argument definitions must be separated by newlines, not commas. An argument definition must end with a newline.",
                        tok.span,
                    )
                    .with_label(format!("expected a newline after the value of `{}`", name.name))
                    .with_help("put each argument on its own line"),
                );
                self.recover_after_body_item();
            }
            _ => {
                let found = self.describe(tok);
                self.report(
                    Diagnostic::error(
                        "Missing newline after argument",
                        "An argument definition must end with a newline.",
                        tok.span,
                    )
                    .with_label(format!(
                        "expected a newline after the value of `{}`, found {found}",
                        name.name
                    ))
                    .with_help("put each argument on its own line"),
                );
                self.recover_after_body_item();
            }
        }
    }

    /// A block, from its labels (the type name was read) to the end of its line.
    fn parse_block(&mut self, ident: Ident, end: ItemEnd) -> Option<Block> {
        let mut labels = Vec::new();
        loop {
            let tok = self.peek();
            match tok.kind {
                TokenKind::OBrace => break,
                TokenKind::Ident => {
                    self.bump();
                    labels.push(Label {
                        value: self.text(tok).to_string(),
                        quoted: false,
                        span: tok.span,
                    });
                }
                TokenKind::OQuote => {
                    if let Some(label) = self.parse_label() {
                        labels.push(label);
                    } else {
                        return self.fail_block_header(ident.span);
                    }
                }
                TokenKind::Newline => {
                    self.report(
                        Diagnostic::error(
                            "Invalid block definition",
                            "A block definition must have block content delimited by \"{\" and \"}\", starting on the same line as the block header.",
                            tok.span,
                        )
                        .with_label(format!(
                            "expected `{{` on this line to open the `{}` block",
                            ident.name
                        ))
                        .with_help(match labels.as_slice() {
                            [label] if label.quoted => format!(
                                "to set an argument, write `{} = {}`; for a block, put `{{` at the end of this line",
                                ident.name,
                                self.src.get(label.span.range()).unwrap_or("")
                            ),
                            _ => "put the block's `{` at the end of its header line".to_string(),
                        }),
                    );
                    // `{` on the next line: read the block anyway.
                    let mut next = self.pos;
                    while self.toks[next].kind == TokenKind::Newline {
                        next += 1;
                    }
                    if self.toks[next].kind == TokenKind::OBrace {
                        self.pos = next;
                        break;
                    }
                    return self.fail_block_header(ident.span);
                }
                TokenKind::Equal => {
                    self.report(
                        Diagnostic::error(
                            "Invalid block definition",
                            "The equals sign \"=\" indicates an argument definition, and must not be used when defining a block.",
                            tok.span,
                        )
                        .with_label("`=` after block labels")
                        .with_help(format!("remove the `=`: write `{} ... {{`", ident.name)),
                    );
                    return self.fail_block_header(ident.span);
                }
                _ => {
                    let found = self.describe(tok);
                    self.report(
                        Diagnostic::error(
                            "Invalid block definition",
                            "Either a quoted string block label or an opening brace (\"{\") is expected here.",
                            tok.span,
                        )
                        .with_label(format!(
                            "expected a label or `{{` for the `{}` block, found {found}",
                            ident.name
                        ))
                        .with_help("block labels are quoted strings, and the block's `{` goes on the same line"),
                    );
                    return self.fail_block_header(ident.span);
                }
            }
        }
        let open = self.bump();
        if !self.enter(open.span) {
            return None;
        }
        self.block_depth += 1;
        let errors_at_open = self.error_count();
        let (items, close) = match self.peek_kind() {
            TokenKind::Newline | TokenKind::Eof => self.parse_multi_line_body(open, errors_at_open),
            TokenKind::CBrace => (Vec::new(), Some(self.bump())),
            _ => self.parse_one_line_body(open, errors_at_open),
        };
        self.block_depth -= 1;
        self.leave();
        let end_pos = close.map_or_else(|| self.prev_end(), |t| t.span.end);
        let close_brace = close.map_or(Span::empty(self.src.len()), |t| t.span);
        if close.is_some() {
            self.expect_block_end(end);
        }
        Some(Block {
            span: Span::new(ident.span.start, end_pos.max(open.span.end)),
            ident,
            labels,
            body: Body {
                items,
                span: Span::new(open.span.start, end_pos.max(open.span.end)),
            },
            open_brace: open.span,
            close_brace,
        })
    }

    /// Skips the rest of a block header that could not be read. When the skipped text holds
    /// no `{` and the next line is indented deeper than the header (it looks like the block's
    /// body), the block's `}` is still to come: the body is told to expect it, quietly.
    fn fail_block_header(&mut self, header: Span) -> Option<Block> {
        let start = self.pos;
        self.recover_after_body_item();
        let opened = self.toks[start..self.pos]
            .iter()
            .any(|t| t.kind == TokenKind::OBrace);
        let mut next = self.pos;
        while self.toks[next].kind == TokenKind::Newline {
            next += 1;
        }
        let indent = |offset: usize| {
            let line_start = self.src[..offset].rfind('\n').map_or(0, |i| i + 1);
            offset - line_start
        };
        let next_tok = self.toks[next];
        if !opened
            && next_tok.kind != TokenKind::Eof
            && indent(next_tok.span.start) > indent(header.start)
        {
            self.orphan_close_expected = true;
        }
        None
    }

    fn parse_label(&mut self) -> Option<Label> {
        let before = self.error_count();
        let expr = self.parse_quoted_template();
        if self.error_count() > before {
            return None;
        }
        let span = expr.span;
        let ExprKind::Template(template) = expr.kind else {
            return None;
        };
        match template.literal_text() {
            Some(value) => Some(Label {
                value,
                quoted: true,
                span,
            }),
            None => {
                let at = template
                    .parts
                    .iter()
                    .find_map(|part| match part {
                        TemplatePart::Literal { .. } => None,
                        TemplatePart::Interpolation { span, .. }
                        | TemplatePart::If { span, .. }
                        | TemplatePart::For { span, .. } => {
                            Some(Span::new(span.start, span.start + 2))
                        }
                    })
                    .unwrap_or(span);
                self.report(
                    Diagnostic::error(
                        "Invalid string literal",
                        "Template sequences are not allowed in this string. To include a literal \"$\", double it (as \"$$\") to escape it.",
                        at,
                    )
                    .with_label("a block label must be a plain string")
                    .with_help("write `$${` for a literal `${`"),
                );
                None
            }
        }
    }

    /// Reports a block left open at the end of the file, unless an error inside it was
    /// reported already (an unclosed string or bracket there explains the missing `}`).
    fn unclosed_block(&mut self, open: Token, errors_at_open: usize) {
        if self.error_count() > errors_at_open
            || self.last_invalid.is_some_and(|at| at > open.span.start)
        {
            return;
        }
        self.report(
            Diagnostic::error(
                "Unclosed configuration block",
                "There is no closing brace for this block before the end of the file. This may be caused by incorrect brace nesting elsewhere in this file.",
                open.span,
            )
            .with_label("this `{` is never closed")
            .with_help("add the missing `}`, or check the nesting of the braces inside this block"),
        );
    }

    fn parse_multi_line_body(
        &mut self,
        open: Token,
        errors_at_open: usize,
    ) -> (Vec<BodyItem>, Option<Token>) {
        let items = self.parse_body_items(true);
        let close = self.eat(TokenKind::CBrace);
        if close.is_none() {
            self.unclosed_block(open, errors_at_open);
        }
        (items, close)
    }

    /// `{ name = expr }` on one line.
    fn parse_one_line_body(
        &mut self,
        open: Token,
        errors_at_open: usize,
    ) -> (Vec<BodyItem>, Option<Token>) {
        let first = self.peek();
        let second = self.peek_second();
        if first.kind != TokenKind::Ident || second.kind != TokenKind::Equal {
            let (summary, detail, label, span) = if first.kind == TokenKind::Ident {
                let name = self.text(first);
                (
                    "Argument definition required",
                    format!(
                        "A single-line block definition can contain only a single argument. If you meant to define argument \"{name}\", use an equals sign to assign it a value. To define a nested block, place it on a line of its own within its parent block."
                    ),
                    format!("expected `=` after `{name}`: a one-line block holds one argument, not a block"),
                    first.span.to(second.span),
                )
            } else {
                (
                    "Argument definition required",
                    "A single-line block definition can contain only a single argument definition."
                        .to_string(),
                    format!("expected an argument name, found {}", self.describe(first)),
                    first.span,
                )
            };
            self.report(
                Diagnostic::error(summary, detail, span)
                    .with_label(label)
                    .with_help("put the block's contents on their own lines, between `{` and `}`"),
            );
            let close = self.recover_to(TokenKind::CBrace);
            return (Vec::new(), close);
        }
        let name_tok = self.bump();
        let ident = self.ident_of(name_tok);
        let before = self.error_count();
        let attr = self.parse_attribute(ident);
        let mut items = vec![BodyItem::Attribute(attr)];
        if self.error_count() > before {
            let close = self.recover_to(TokenKind::CBrace);
            return (items, close);
        }
        let tok = self.peek();
        match tok.kind {
            TokenKind::CBrace => (items, Some(self.bump())),
            TokenKind::Eof => {
                self.unclosed_block(open, errors_at_open);
                (items, None)
            }
            TokenKind::Newline => {
                self.report(
                    Diagnostic::error(
                        "Invalid single-argument block definition",
                        "An argument definition on the same line as its containing block creates a single-line block definition, which must also be closed on the same line. Place the block's closing brace immediately after the argument definition.",
                        tok.span,
                    )
                    .with_label("expected `}` before the end of the line")
                    .with_help("close the block on this line, or start its body on a new line after `{`"),
                );
                // Read the rest as a multi-line body, without further errors about the layout.
                let rest = self.parse_body_items_ending(true, ItemEnd::LineOrBrace);
                items.extend(rest);
                let close = self.eat(TokenKind::CBrace);
                (items, close)
            }
            kind => {
                let (detail, label) = if kind == TokenKind::Comma {
                    (
                        "Single-line block syntax can include only one argument definition. To define multiple arguments, use the multi-line block syntax with one argument definition per line.",
                        "a one-line block holds a single argument".to_string(),
                    )
                } else {
                    (
                        "A single-line block definition must end with a closing brace immediately after its single argument definition.",
                        format!("expected `}}`, found {}", self.describe(tok)),
                    )
                };
                self.report(
                    Diagnostic::error("Invalid single-argument block definition", detail, tok.span)
                        .with_label(label)
                        .with_help("write the block over several lines, one argument per line"),
                );
                let close = self.recover_to(TokenKind::CBrace);
                (items, close)
            }
        }
    }

    /// Checks that a block's `}` ends its line.
    fn expect_block_end(&mut self, end: ItemEnd) {
        let tok = self.peek();
        match tok.kind {
            TokenKind::Newline => {
                self.bump();
            }
            TokenKind::Eof => {}
            TokenKind::CBrace if end == ItemEnd::LineOrBrace => {}
            _ => {
                let found = self.describe(tok);
                self.report(
                    Diagnostic::error(
                        "Missing newline after block definition",
                        "A block definition must end with a newline.",
                        tok.span,
                    )
                    .with_label(format!(
                        "expected a newline after the block's `}}`, found {found}"
                    ))
                    .with_help("put each block on its own lines"),
                );
                self.recover_after_body_item();
            }
        }
    }
}

/// An expression standing in for one that could not be read.
pub(super) fn error_expr(span: Span) -> Expr {
    Expr {
        kind: ExprKind::Error,
        span,
    }
}
