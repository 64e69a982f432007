//! Expressions: the conditional operator, binary operators by precedence (all left
//! associative), unary `-` and `!`, terms (literals, names, parentheses, constructors,
//! templates, calls) and the traversals after them (`.name`, `[key]`, legacy `.0`, splats).

use super::body::error_expr;
use super::Parser;
use crate::diagnostic::Diagnostic;
use crate::syntax::ast::{BinaryOp, Expr, ExprKind, Ident, Literal, Span, UnaryOp};
use crate::syntax::token::{Token, TokenKind};

fn binary_op(kind: TokenKind) -> Option<BinaryOp> {
    Some(match kind {
        TokenKind::Or => BinaryOp::Or,
        TokenKind::And => BinaryOp::And,
        TokenKind::EqualOp => BinaryOp::Equal,
        TokenKind::NotEqual => BinaryOp::NotEqual,
        TokenKind::LessThan => BinaryOp::Less,
        TokenKind::LessThanEq => BinaryOp::LessOrEqual,
        TokenKind::GreaterThan => BinaryOp::Greater,
        TokenKind::GreaterThanEq => BinaryOp::GreaterOrEqual,
        TokenKind::Plus => BinaryOp::Add,
        TokenKind::Minus => BinaryOp::Subtract,
        TokenKind::Star => BinaryOp::Multiply,
        TokenKind::Slash => BinaryOp::Divide,
        TokenKind::Percent => BinaryOp::Modulo,
        _ => return None,
    })
}

impl Parser<'_> {
    /// A whole expression: `cond ? a : b` or anything that binds tighter.
    pub(super) fn parse_expression(&mut self) -> Expr {
        let at = self.peek().span;
        if !self.enter(at) {
            return error_expr(at);
        }
        let expr = self.parse_conditional();
        self.leave();
        expr
    }

    fn parse_conditional(&mut self) -> Expr {
        let before = self.error_count();
        let condition = self.parse_binary(1);
        if self.peek_kind() != TokenKind::Question || self.error_count() > before {
            return condition;
        }
        self.bump();
        let then = self.parse_expression();
        if self.error_count() > before {
            return self.conditional(condition, then, None);
        }
        let colon = self.peek();
        if colon.kind != TokenKind::Colon {
            let found = self.describe(colon);
            self.report(
                Diagnostic::error(
                    "Missing false expression in conditional",
                    "The conditional operator (...?...:...) requires a false expression, delimited by a colon.",
                    colon.span,
                )
                .with_label(format!("expected `:` and the value when false, found {found}")),
            );
            return self.conditional(condition, then, None);
        }
        self.bump();
        let otherwise = self.parse_expression();
        self.conditional(condition, then, Some(otherwise))
    }

    fn conditional(&self, condition: Expr, then: Expr, otherwise: Option<Expr>) -> Expr {
        let otherwise = otherwise.unwrap_or_else(|| error_expr(Span::empty(then.span.end)));
        Expr {
            span: condition.span.to(otherwise.span),
            kind: ExprKind::Conditional {
                condition: Box::new(condition),
                then: Box::new(then),
                otherwise: Box::new(otherwise),
            },
        }
    }

    /// Operators of precedence `min` and above, by precedence climbing: every level is left
    /// associative, and recursion happens only for an operator that binds tighter, so one
    /// operand costs one stack frame.
    fn parse_binary(&mut self, min: u8) -> Expr {
        let mut lhs = self.parse_unary();
        // Each operator makes the (left-leaning) tree one level deeper: it counts towards the
        // nesting limit, so that no tree is too deep to drop or walk recursively.
        let mut entered = 0;
        loop {
            let tok = self.peek();
            let Some(op) = binary_op(tok.kind) else {
                break;
            };
            if op.precedence() < min || matches!(lhs.kind, ExprKind::Error) {
                break;
            }
            if !self.enter(tok.span) {
                break;
            }
            entered += 1;
            self.bump();
            let rhs = self.parse_binary(op.precedence() + 1);
            lhs = Expr {
                span: lhs.span.to(rhs.span),
                kind: ExprKind::Binary {
                    op,
                    op_span: tok.span,
                    lhs: Box::new(lhs),
                    rhs: Box::new(rhs),
                },
            };
        }
        for _ in 0..entered {
            self.leave();
        }
        lhs
    }

    /// `-x`, `!x` (binding tighter than any binary operator), or a term with its traversals.
    fn parse_unary(&mut self) -> Expr {
        let tok = self.peek();
        let op = match tok.kind {
            TokenKind::Minus => UnaryOp::Negate,
            TokenKind::Bang => UnaryOp::Not,
            _ => return self.parse_postfix(),
        };
        self.bump();
        if !self.enter(tok.span) {
            return error_expr(tok.span);
        }
        let operand = self.parse_unary();
        self.leave();
        Expr {
            span: tok.span.to(operand.span),
            kind: ExprKind::Unary {
                op,
                op_span: tok.span,
                operand: Box::new(operand),
            },
        }
    }

    fn parse_postfix(&mut self) -> Expr {
        let term = self.parse_term();
        if matches!(term.kind, ExprKind::Error) {
            return term;
        }
        self.parse_traversals(term)
    }

    /// `.name`, `.0`, `[key]`, `.*` and `[*]` after `expr`, as many as follow.
    pub(super) fn parse_traversals(&mut self, expr: Expr) -> Expr {
        // Each step makes the tree one level deeper, like a bracket (see `parse_binary`).
        let depth = self.depth;
        let result = self.parse_traversal_steps(expr);
        self.depth = depth;
        result
    }

    fn parse_traversal_steps(&mut self, mut expr: Expr) -> Expr {
        loop {
            let tok = self.peek();
            if matches!(tok.kind, TokenKind::Dot | TokenKind::OBrack) && !self.enter(tok.span) {
                return error_expr(expr.span);
            }
            match tok.kind {
                TokenKind::Dot => {
                    self.bump();
                    let next = self.peek();
                    match next.kind {
                        TokenKind::Ident => {
                            self.bump();
                            expr = get_attr(expr, self.ident(next));
                        }
                        TokenKind::NumberLit => {
                            self.bump();
                            expr = self.legacy_index(expr, next);
                        }
                        TokenKind::Star => {
                            self.bump();
                            expr = self.parse_attr_splat(expr, tok.span.to(next.span));
                        }
                        _ => {
                            self.invalid_attr_name(next);
                            return Expr {
                                span: expr.span.to(tok.span),
                                kind: ExprKind::Error,
                            };
                        }
                    }
                }
                TokenKind::OBrack => {
                    if self.peek_second().kind == TokenKind::Star {
                        let open = self.bump();
                        self.push_newlines(false);
                        self.bump(); // `*`
                        let close = self.peek();
                        if close.kind != TokenKind::CBrack {
                            self.pop_newlines();
                            let at = self.matching_bracket_or_eof();
                            self.report(
                                Diagnostic::error(
                                    "Missing close bracket on splat index",
                                    "The star for a full splat operator must be immediately followed by a closing bracket (\"]\").",
                                    at,
                                )
                                .with_label("expected `]` after `[*`"),
                            );
                            self.recover_to(TokenKind::CBrack);
                            return error_expr(expr.span.to(close.span));
                        }
                        self.bump();
                        self.pop_newlines();
                        let marker = open.span.to(close.span);
                        if !self.enter(marker) {
                            return error_expr(marker);
                        }
                        let item = Expr {
                            kind: ExprKind::SplatItem,
                            span: marker,
                        };
                        let each = self.parse_traversals(item);
                        self.leave();
                        return Expr {
                            span: expr.span.to(each.span),
                            kind: ExprKind::Splat {
                                source: Box::new(expr),
                                each: Box::new(each),
                                full: true,
                            },
                        };
                    }
                    match self.parse_index(expr) {
                        Ok(indexed) => expr = indexed,
                        Err(failed) => return failed,
                    }
                }
                _ => return expr,
            }
        }
    }

    fn ident(&self, tok: Token) -> Ident {
        Ident {
            name: self.text(tok).to_string(),
            span: tok.span,
        }
    }

    fn invalid_attr_name(&mut self, found: Token) {
        let what = self.describe(found);
        self.report(
            Diagnostic::error(
                "Invalid attribute name",
                "An attribute name is required after a dot.",
                found.span,
            )
            .with_label(format!(
                "expected an attribute name after `.`, found {what}"
            )),
        );
    }

    /// `[key]`: on error, the whole expression becomes an error expression.
    fn parse_index(&mut self, collection: Expr) -> Result<Expr, Expr> {
        let open = self.bump();
        self.push_newlines(false);
        let before = self.error_count();
        let key = self.parse_expression();
        if self.error_count() > before {
            self.recover_to(TokenKind::CBrack);
            self.pop_newlines();
            return Err(error_expr(collection.span.to(open.span)));
        }
        let close = self.peek();
        if close.kind != TokenKind::CBrack {
            let found = self.describe(close);
            let at = self.matching_bracket_or_eof();
            self.report(
                Diagnostic::error(
                    "Missing close bracket on index",
                    "The index operator must end with a closing bracket (\"]\").",
                    at,
                )
                .with_label(format!("expected `]`, found {found}")),
            );
            self.recover_to(TokenKind::CBrack);
            self.pop_newlines();
            return Err(error_expr(collection.span.to(open.span)));
        }
        self.bump();
        self.pop_newlines();
        Ok(Expr {
            span: collection.span.to(close.span),
            kind: ExprKind::Index {
                collection: Box::new(collection),
                key: Box::new(Expr {
                    kind: key.kind,
                    span: key.span,
                }),
                legacy: false,
            },
        })
    }

    /// `expr.0`: HIL's index syntax, kept for old configurations.
    fn legacy_index(&mut self, collection: Expr, num: Token) -> Expr {
        let text = self.text(num);
        if let Some((first, second)) = text.split_once('.') {
            self.report(
                Diagnostic::error(
                    "Invalid legacy index syntax",
                    format!(
                        "When using the legacy index syntax, chaining two indexes together is not permitted. Use the proper index syntax instead, like [{first}][{second}]."
                    ),
                    num.span,
                )
                .with_label("two legacy indexes in a row")
                .with_help(format!("write `[{first}][{second}]`")),
            );
            return error_expr(collection.span.to(num.span));
        }
        Expr {
            span: collection.span.to(num.span),
            kind: ExprKind::Index {
                collection: Box::new(collection),
                key: Box::new(Expr {
                    kind: ExprKind::Number(text.to_string()),
                    span: num.span,
                }),
                legacy: true,
            },
        }
    }

    /// `source.*.a.b`: only attribute steps (and legacy indexes) apply to each element.
    fn parse_attr_splat(&mut self, source: Expr, marker: Span) -> Expr {
        let mut each = Expr {
            kind: ExprKind::SplatItem,
            span: marker,
        };
        let depth = self.depth;
        while self.peek_kind() == TokenKind::Dot {
            let next = self.peek_second();
            if !self.enter(next.span) {
                break;
            }
            match next.kind {
                TokenKind::Ident => {
                    self.bump();
                    self.bump();
                    each = get_attr(each, self.ident(next));
                }
                TokenKind::NumberLit => {
                    self.bump();
                    self.bump();
                    each = self.legacy_index(each, next);
                }
                // `.*` again, as Terraform: not allowed inside an attribute-only splat.
                TokenKind::Star => {
                    self.bump();
                    self.bump();
                    self.report(
                        Diagnostic::error(
                            "Nested splat expression not allowed",
                            "A splat expression (*) cannot be used inside another attribute-only splat expression.",
                            next.span,
                        )
                        .with_label("a second `.*` inside an attribute-only splat")
                        .with_help("use the full splat form, `[*]`, to apply a splat to each element's result"),
                    );
                }
                _ => {
                    self.bump();
                    self.invalid_attr_name(next);
                    self.depth = depth;
                    return error_expr(source.span.to(marker));
                }
            }
        }
        self.depth = depth;
        Expr {
            span: source.span.to(each.span),
            kind: ExprKind::Splat {
                source: Box::new(source),
                each: Box::new(each),
                full: false,
            },
        }
    }

    /// A term: literal, name, call, parenthesised expression, constructor or template.
    fn parse_term(&mut self) -> Expr {
        let tok = self.peek();
        match tok.kind {
            TokenKind::NumberLit => {
                self.bump();
                Expr {
                    kind: ExprKind::Number(self.text(tok).to_string()),
                    span: tok.span,
                }
            }
            TokenKind::Ident => {
                let next = self.peek_second().kind;
                if next == TokenKind::OParen || next == TokenKind::DoubleColon {
                    return self.parse_call();
                }
                self.bump();
                let kind = match self.text(tok) {
                    "true" => ExprKind::Literal(Literal::Bool(true)),
                    "false" => ExprKind::Literal(Literal::Bool(false)),
                    "null" => ExprKind::Literal(Literal::Null),
                    _ => ExprKind::Variable(self.ident(tok)),
                };
                Expr {
                    kind,
                    span: tok.span,
                }
            }
            TokenKind::OParen => self.parse_parenthesized(),
            TokenKind::OBrack => self.parse_tuple(),
            TokenKind::OBrace => self.parse_object(),
            TokenKind::OQuote => self.parse_quoted_template(),
            TokenKind::OHeredoc => self.parse_heredoc(),
            TokenKind::Minus | TokenKind::Bang => self.parse_unary(),
            TokenKind::Eof => {
                self.report(
                    Diagnostic::error(
                        "Missing expression",
                        "Expected the start of an expression, but found the end of the file.",
                        tok.span,
                    )
                    .with_label("expected an expression before the end of the file"),
                );
                error_expr(tok.span)
            }
            _ => {
                let found = self.describe(tok);
                self.report(
                    Diagnostic::error(
                        "Invalid expression",
                        "Expected the start of an expression, but found an invalid expression token.",
                        tok.span,
                    )
                    .with_label(format!("expected an expression, found {found}")),
                );
                error_expr(tok.span)
            }
        }
    }

    fn parse_parenthesized(&mut self) -> Expr {
        let open = self.bump();
        self.push_newlines(false);
        let before = self.error_count();
        let inner = self.parse_expression();
        if self.error_count() > before {
            let close = self.recover_to(TokenKind::CParen);
            self.pop_newlines();
            let end = close.map_or(inner.span, |c| c.span);
            return error_expr(open.span.to(end));
        }
        let close = self.peek();
        if close.kind != TokenKind::CParen {
            let found = self.describe(close);
            self.report(
                Diagnostic::error(
                    "Unbalanced parentheses",
                    "Expected a closing parenthesis to terminate the expression.",
                    close.span,
                )
                .with_label(format!("expected `)`, found {found}"))
                .with_help("check that every `(` has its `)`"),
            );
            self.recover_to(TokenKind::CParen);
            self.pop_newlines();
            return error_expr(open.span.to(inner.span));
        }
        self.bump();
        self.pop_newlines();
        Expr {
            span: open.span.to(close.span),
            kind: ExprKind::Parenthesized(Box::new(inner)),
        }
    }
}

fn get_attr(object: Expr, name: Ident) -> Expr {
    Expr {
        span: object.span.to(name.span),
        kind: ExprKind::GetAttr {
            object: Box::new(object),
            name,
        },
    }
}
