//! Constructors and calls: tuples `[a, b]`, objects `{ k = v }`, `for` expressions in both
//! forms, and function calls (namespaced names, arguments over several lines, final `...`).

use super::body::error_expr;
use super::Parser;
use crate::diagnostic::Diagnostic;
use crate::syntax::ast::{Expr, ExprKind, ForExpr, Ident, ObjectItem, Span};
use crate::syntax::token::{Token, TokenKind};

impl Parser<'_> {
    /// `[a, b, c]` or `[for ...]`.
    pub(super) fn parse_tuple(&mut self) -> Expr {
        let open = self.bump();
        self.push_newlines(false);
        let expr = if self.at_keyword("for") {
            self.parse_for(open, TokenKind::CBrack)
        } else {
            self.parse_tuple_items(open)
        };
        self.pop_newlines();
        expr
    }

    fn parse_tuple_items(&mut self, open: Token) -> Expr {
        let mut items = Vec::new();
        loop {
            if let Some(close) = self.eat(TokenKind::CBrack) {
                return Expr {
                    kind: ExprKind::Tuple(items),
                    span: open.span.to(close.span),
                };
            }
            let before = self.error_count();
            let item = self.parse_expression();
            items.push(item);
            if self.error_count() > before {
                return self.give_up(open, TokenKind::CBrack);
            }
            let tok = self.peek();
            match tok.kind {
                TokenKind::Comma => {
                    self.bump();
                }
                TokenKind::CBrack => {}
                _ => {
                    let found = self.describe(tok);
                    self.report(
                        Diagnostic::error(
                            "Missing item separator",
                            "Expected a comma to mark the beginning of the next item.",
                            tok.span,
                        )
                        .with_label(format!("expected `,` or `]`, found {found}")),
                    );
                    return self.give_up(open, TokenKind::CBrack);
                }
            }
        }
    }

    /// After an error inside a bracketed construct: skip to its closing bracket.
    fn give_up(&mut self, open: Token, closer: TokenKind) -> Expr {
        let close = self.recover_to(closer);
        let end = close.map_or_else(|| self.prev_end(), |c| c.span.end);
        error_expr(Span::new(open.span.start, end.max(open.span.end)))
    }

    /// `{ k = v, ... }` or `{for ...}`. Newlines separate items, so they are significant here
    /// (except inside a `for`).
    pub(super) fn parse_object(&mut self) -> Expr {
        let open = self.bump();
        // Look past newlines for `for`.
        self.push_newlines(false);
        let is_for = self.at_keyword("for");
        let expr = if is_for {
            self.parse_for(open, TokenKind::CBrace)
        } else {
            self.pop_newlines();
            self.push_newlines(true);
            self.parse_object_items(open)
        };
        self.pop_newlines();
        expr
    }

    fn parse_object_items(&mut self, open: Token) -> Expr {
        let mut items = Vec::new();
        loop {
            while self.eat(TokenKind::Newline).is_some() {}
            if let Some(close) = self.eat(TokenKind::CBrace) {
                items.shrink_to_fit();
                return Expr {
                    kind: ExprKind::Object(items),
                    span: open.span.to(close.span),
                };
            }
            let before = self.error_count();
            let key = self.parse_expression();
            if self.error_count() > before {
                return self.give_up(open, TokenKind::CBrace);
            }
            let sep = self.peek();
            let colon = match sep.kind {
                TokenKind::Equal => false,
                TokenKind::Colon => true,
                _ => {
                    let (summary, detail) = match sep.kind {
                        TokenKind::Newline | TokenKind::Comma => (
                            "Missing attribute value",
                            "Expected an attribute value, introduced by an equals sign (\"=\").",
                        ),
                        TokenKind::Ident => (
                            "Missing key/value separator",
                            "Expected an equals sign (\"=\") to mark the beginning of the attribute value. If you intended to given an attribute name containing periods or spaces, write the name in quotes to create a string literal.",
                        ),
                        _ => (
                            "Missing key/value separator",
                            "Expected an equals sign (\"=\") to mark the beginning of the attribute value.",
                        ),
                    };
                    let found = self.describe(sep);
                    self.report(
                        Diagnostic::error(summary, detail, sep.span)
                            .with_label(format!("expected `=` after the key, found {found}")),
                    );
                    return self.give_up(open, TokenKind::CBrace);
                }
            };
            self.bump();
            let value = self.parse_expression();
            items.push(ObjectItem { key, value, colon });
            if self.error_count() > before {
                return self.give_up(open, TokenKind::CBrace);
            }
            let tok = self.peek();
            match tok.kind {
                TokenKind::Comma | TokenKind::Newline => {
                    self.bump();
                }
                TokenKind::CBrace => {}
                _ => {
                    let found = self.describe(tok);
                    self.report(
                        Diagnostic::error(
                            "Missing attribute separator",
                            "Expected a newline or comma to mark the beginning of the next attribute.",
                            tok.span,
                        )
                        .with_label(format!("expected `,`, a newline or `}}`, found {found}")),
                    );
                    return self.give_up(open, TokenKind::CBrace);
                }
            }
        }
    }

    fn for_error(&mut self, detail: &str, tok: Token, label: String) {
        self.report(
            Diagnostic::error("Invalid 'for' expression", detail, tok.span).with_label(label),
        );
    }

    fn expect_for_ident(&mut self, detail: &str, what: &str) -> Option<Ident> {
        let tok = self.peek();
        if tok.kind != TokenKind::Ident {
            let found = self.describe(tok);
            self.for_error(detail, tok, format!("expected {what}, found {found}"));
            return None;
        }
        self.bump();
        Some(Ident {
            name: self.text(tok).to_string(),
            span: tok.span,
        })
    }

    /// The rest of `[for ...]` or `{for ...}`, after the opening bracket; `closer` is `]` or
    /// `}`. Newlines are not significant inside.
    fn parse_for(&mut self, open: Token, closer: TokenKind) -> Expr {
        self.bump(); // `for`
        match self.parse_for_parts(closer) {
            Some(for_expr) => {
                let close = self.bump();
                Expr {
                    kind: ExprKind::For(Box::new(for_expr)),
                    span: open.span.to(close.span),
                }
            }
            None => self.give_up(open, closer),
        }
    }

    /// Reads the parts of a `for` expression, leaving the closing bracket to be consumed;
    /// `None` after reporting an error.
    fn parse_for_parts(&mut self, closer: TokenKind) -> Option<ForExpr> {
        let first = self.expect_for_ident(
            "For expression requires variable name after 'for'.",
            "a variable name after `for`",
        )?;
        let (key_var, value_var) = if self.eat(TokenKind::Comma).is_some() {
            let second = self.expect_for_ident(
                "For expression requires value variable name after comma.",
                "the value variable's name after `,`",
            )?;
            (Some(first), second)
        } else {
            (None, first)
        };
        if !self.at_keyword("in") {
            let tok = self.peek();
            let found = self.describe(tok);
            self.for_error(
                "For expression requires the 'in' keyword after its name declarations.",
                tok,
                format!("expected `in`, found {found}"),
            );
            return None;
        }
        self.bump();
        let before = self.error_count();
        let collection = self.parse_expression();
        if self.error_count() > before {
            return None;
        }
        let colon = self.peek();
        if colon.kind != TokenKind::Colon {
            let found = self.describe(colon);
            self.for_error(
                "For expression requires a colon after the collection expression.",
                colon,
                format!("expected `:` after the collection, found {found}"),
            );
            return None;
        }
        self.bump();
        let object = closer == TokenKind::CBrace;
        let mut key = None;
        let first_expr = self.parse_expression();
        if self.error_count() > before {
            return None;
        }
        let value = if object {
            let arrow = self.peek();
            if arrow.kind != TokenKind::FatArrow {
                let found = self.describe(arrow);
                self.report(
                    Diagnostic::error(
                        "Invalid 'for' expression",
                        "Key expression is required when building an object.",
                        first_expr.span,
                    )
                    .with_label(format!("expected `key => value`, found {found} after this"))
                    .with_help(
                        "write `{for x in xs : key => value}`, or use `[for ...]` for a list",
                    ),
                );
                return None;
            }
            self.bump();
            key = Some(first_expr);
            let value = self.parse_expression();
            if self.error_count() > before {
                return None;
            }
            value
        } else {
            if self.peek_kind() == TokenKind::FatArrow {
                self.report(
                    Diagnostic::error(
                        "Invalid 'for' expression",
                        "Key expression is not valid when building a tuple.",
                        first_expr.span,
                    )
                    .with_label("a tuple `for` has no key")
                    .with_help("use `{for ...}` to build an object, or drop `key =>`"),
                );
                return None;
            }
            first_expr
        };
        let mut grouping = false;
        if let Some(ellipsis) = self.eat(TokenKind::Ellipsis) {
            if !object {
                self.for_error(
                    "Grouping ellipsis (...) cannot be used when building a tuple.",
                    ellipsis,
                    "`...` is not allowed in a tuple `for`".to_string(),
                );
                return None;
            }
            grouping = true;
        }
        let mut condition = None;
        if self.at_keyword("if") {
            self.bump();
            let cond = self.parse_expression();
            if self.error_count() > before {
                return None;
            }
            condition = Some(cond);
        }
        let tok = self.peek();
        if tok.kind != closer {
            let found = self.describe(tok);
            let want = if object { "`}`" } else { "`]`" };
            self.for_error(
                "Extra characters after the end of the 'for' expression.",
                tok,
                format!("expected {want} to end the `for` expression, found {found}"),
            );
            return None;
        }
        Some(ForExpr {
            key_var,
            value_var,
            collection,
            key,
            value,
            grouping,
            condition,
        })
    }

    /// `name(args)` or `ns::name(args)`, from the first name.
    pub(super) fn parse_call(&mut self) -> Expr {
        let first = self.bump();
        let mut name = vec![Ident {
            name: self.text(first).to_string(),
            span: first.span,
        }];
        while self.peek_kind() == TokenKind::DoubleColon {
            let sep = self.bump();
            let part = self.peek();
            if part.kind != TokenKind::Ident {
                let found = self.describe(part);
                self.report(
                    Diagnostic::error(
                        "Missing function name",
                        "Function scope resolution symbol :: must be followed by a function name in this scope.",
                        part.span,
                    )
                    .with_label(format!("expected a name after `::`, found {found}")),
                );
                return error_expr(first.span.to(sep.span));
            }
            self.bump();
            name.push(Ident {
                name: self.text(part).to_string(),
                span: part.span,
            });
        }
        let open = self.peek();
        if open.kind != TokenKind::OParen {
            let found = self.describe(open);
            self.report(
                Diagnostic::error(
                    "Missing open parenthesis",
                    "Function selector must be followed by an open parenthesis to begin the function call.",
                    open.span,
                )
                .with_label(format!("expected `(`, found {found}")),
            );
            return error_expr(first.span.to(open.span));
        }
        self.bump();
        self.push_newlines(false);
        let result = self.parse_call_args(open);
        self.pop_newlines();
        match result {
            Ok((args, expand_final, close)) => Expr {
                kind: ExprKind::FunctionCall {
                    name,
                    args,
                    expand_final,
                },
                span: first.span.to(close.span),
            },
            Err(mut err) => {
                err.span = first.span.to(err.span);
                err
            }
        }
    }

    fn parse_call_args(&mut self, open: Token) -> Result<(Vec<Expr>, bool, Token), Expr> {
        let mut args = Vec::new();
        loop {
            if let Some(close) = self.eat(TokenKind::CParen) {
                return Ok((args, false, close));
            }
            let before = self.error_count();
            let arg = self.parse_expression();
            args.push(arg);
            if self.error_count() > before {
                return Err(self.give_up(open, TokenKind::CParen));
            }
            let tok = self.peek();
            match tok.kind {
                TokenKind::Comma => {
                    self.bump();
                }
                TokenKind::CParen => {}
                TokenKind::Ellipsis => {
                    self.bump();
                    if let Some(close) = self.eat(TokenKind::CParen) {
                        return Ok((args, true, close));
                    }
                    self.report(
                        Diagnostic::error(
                            "Missing closing parenthesis",
                            "An expanded function argument (with ...) must be immediately followed by closing parentheses.",
                            tok.span,
                        )
                        .with_label("`...` may only follow the last argument")
                        .with_help("move the expanded argument to the end of the call"),
                    );
                    return Err(self.give_up(open, TokenKind::CParen));
                }
                _ => {
                    let found = self.describe(tok);
                    self.report(
                        Diagnostic::error(
                            "Missing argument separator",
                            "A comma is required to separate each function argument from the next.",
                            tok.span,
                        )
                        .with_label(format!("expected `,` or `)`, found {found}")),
                    );
                    return Err(self.give_up(open, TokenKind::CParen));
                }
            }
        }
    }
}
