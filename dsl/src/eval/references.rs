//! The static references an expression makes (HCL's `Variables()`): each a root name followed
//! by the attribute and literal-key index steps written after it, with its span. Names bound by
//! `for` expressions and template `for` directives are local and not references. The engine
//! builds its dependency graph from these.

use crate::syntax::ast::{Body, BodyItem, Expr, ExprKind, TemplatePart};
use crate::syntax::Span;
use crate::value::{Number, Value};

/// One step after the root name.
#[derive(Clone, Debug, PartialEq)]
pub enum TraversalStep {
    /// `.name`
    Attr(String, Span),
    /// `[key]` with a literal key (a number or a string), or the legacy `.0`.
    Index(Value, Span),
}

/// A reference: `var.name`, `aws_instance.web[0].id`, `local.x`, ...
#[derive(Clone, Debug, PartialEq)]
pub struct Traversal {
    pub root: String,
    pub steps: Vec<TraversalStep>,
    /// From the root name to the end of the last step.
    pub span: Span,
}

impl Traversal {
    /// The attribute names of the leading attribute steps (`["name"]` for `var.name.x[0]`).
    pub fn attr_names(&self) -> impl Iterator<Item = &str> {
        self.steps.iter().map_while(|s| match s {
            TraversalStep::Attr(n, _) => Some(n.as_str()),
            TraversalStep::Index(..) => None,
        })
    }
}

/// Every reference `expr` makes, in source order.
pub fn references(expr: &Expr) -> Vec<Traversal> {
    let mut w = Walker {
        out: Vec::new(),
        bound: Vec::new(),
    };
    w.expr(expr);
    w.out
}

/// Every reference made by the attributes of `body` and of its nested blocks: a body's own
/// attributes first, then its blocks one after another, depth first. Names that a `dynamic` block binds (its iterator) are not known here: the caller
/// filters them out.
pub fn body_references(body: &Body) -> Vec<Traversal> {
    let mut out = Vec::new();
    let mut stack: Vec<&Body> = vec![body];
    while let Some(b) = stack.pop() {
        let mut nested = Vec::new();
        for item in &b.items {
            match item {
                BodyItem::Attribute(a) => out.extend(references(&a.expr)),
                BodyItem::Block(blk) => nested.push(&blk.body),
            }
        }
        // Nested bodies are visited after this one's attributes, the first block first.
        stack.extend(nested.into_iter().rev());
    }
    out
}

struct Walker {
    out: Vec<Traversal>,
    bound: Vec<String>,
}

/// A literal index key: a number, or a string without interpolations.
fn literal_key(key: &Expr) -> Option<Value> {
    match &key.kind {
        ExprKind::Number(n) => Number::parse(n).ok().map(Value::number),
        ExprKind::Template(t) => t.literal_text().map(Value::string),
        _ => None,
    }
}

impl Walker {
    /// If `expr` is a traversal (a root name followed by attribute and literal index steps),
    /// records it and returns true.
    fn traversal(&mut self, expr: &Expr) -> bool {
        let mut steps = Vec::new();
        let mut cur = expr;
        loop {
            match &cur.kind {
                ExprKind::GetAttr { object, name } => {
                    steps.push(TraversalStep::Attr(name.name.clone(), name.span));
                    cur = object;
                }
                ExprKind::Index {
                    collection, key, ..
                } => match literal_key(key) {
                    Some(k) => {
                        steps.push(TraversalStep::Index(
                            k,
                            Span::new(collection.span.end, cur.span.end),
                        ));
                        cur = collection;
                    }
                    None => return false,
                },
                ExprKind::Variable(ident) => {
                    if self.bound.contains(&ident.name) {
                        return true;
                    }
                    steps.reverse();
                    self.out.push(Traversal {
                        root: ident.name.clone(),
                        steps,
                        span: expr.span,
                    });
                    return true;
                }
                _ => return false,
            }
        }
    }

    fn expr(&mut self, expr: &Expr) {
        // Deep trees recurse deeply; grow the stack on the heap rather than overflow.
        stacker::maybe_grow(64 * 1024, 1024 * 1024, || self.expr_inner(expr));
    }

    fn expr_inner(&mut self, expr: &Expr) {
        if self.traversal(expr) {
            return;
        }
        match &expr.kind {
            ExprKind::Literal(_)
            | ExprKind::Number(_)
            | ExprKind::SplatItem
            | ExprKind::Error
            | ExprKind::Variable(_) => {}
            ExprKind::Template(t) => self.parts(&t.parts),
            ExprKind::GetAttr { object, .. } => self.expr(object),
            ExprKind::Index {
                collection, key, ..
            } => {
                self.expr(collection);
                self.expr(key);
            }
            ExprKind::Splat { source, each, .. } => {
                self.expr(source);
                self.expr(each);
            }
            ExprKind::FunctionCall { args, .. } => args.iter().for_each(|a| self.expr(a)),
            ExprKind::Conditional {
                condition,
                then,
                otherwise,
            } => {
                self.expr(condition);
                self.expr(then);
                self.expr(otherwise);
            }
            ExprKind::Binary { lhs, rhs, .. } => {
                self.expr(lhs);
                self.expr(rhs);
            }
            ExprKind::Unary { operand, .. } => self.expr(operand),
            ExprKind::Tuple(items) => items.iter().for_each(|e| self.expr(e)),
            ExprKind::Object(items) => {
                for item in items {
                    if !matches!(item.key.kind, ExprKind::Variable(_)) {
                        self.expr(&item.key);
                    }
                    self.expr(&item.value);
                }
            }
            ExprKind::For(f) => {
                self.expr(&f.collection);
                let n = self.bind(
                    f.key_var.as_ref().map(|i| i.name.as_str()),
                    &f.value_var.name,
                );
                if let Some(k) = &f.key {
                    self.expr(k);
                }
                self.expr(&f.value);
                if let Some(c) = &f.condition {
                    self.expr(c);
                }
                self.unbind(n);
            }
            ExprKind::Parenthesized(inner) => self.expr(inner),
        }
    }

    fn bind(&mut self, key: Option<&str>, value: &str) -> usize {
        let mut n = 1;
        if let Some(k) = key {
            self.bound.push(k.to_string());
            n += 1;
        }
        self.bound.push(value.to_string());
        n
    }

    fn unbind(&mut self, n: usize) {
        let keep = self.bound.len().saturating_sub(n);
        self.bound.truncate(keep);
    }

    fn parts(&mut self, parts: &[TemplatePart]) {
        for p in parts {
            match p {
                TemplatePart::Literal { .. } => {}
                TemplatePart::Interpolation { expr, .. } => self.expr(expr),
                TemplatePart::If {
                    condition,
                    then,
                    otherwise,
                    ..
                } => {
                    self.expr(condition);
                    self.parts(then);
                    self.parts(otherwise);
                }
                TemplatePart::For {
                    key_var,
                    value_var,
                    collection,
                    body,
                    ..
                } => {
                    self.expr(collection);
                    let n = self.bind(key_var.as_ref().map(|i| i.name.as_str()), &value_var.name);
                    self.parts(body);
                    self.unbind(n);
                }
            }
        }
    }
}
