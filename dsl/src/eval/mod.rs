//! Expression evaluation: a syntax-tree expression plus a scope of named values in, a value (with
//! unknowns and marks) and Terraform's diagnostics out.
//!
//! - [`EvalContext`] holds what the caller provides: the [`Scope`] of root names (`var`, `local`,
//!   `each`, resource types, ...), the built-in [`FunctionTable`], the [`CallContext`] and the
//!   [`UserFunctions`] of the configuration.
//! - [`EvalContext::eval`] evaluates an expression as Terraform 1.15 does; errors come back as
//!   [`Diagnostic`]s on the span of the offending sub-expression, with Terraform's words.
//! - [`references`] lists the static references an expression makes, for dependency graphs.
//!
//! - [`UserFunctions::from_blocks`] collects the `function` blocks of a configuration (a
//!   terrane extension), rejecting recursion with a diagnostic that names the cycle.
//!
//! ```
//! use terrane_dsl::eval::{references, EvalContext, Scope};
//! use terrane_dsl::functions::FunctionTable;
//! use terrane_dsl::value::Value;
//!
//! let parsed = terrane_dsl::syntax::parse("x = [for n in var.names : upper(n)]\n");
//! let expr = &parsed.body.attributes().next().unwrap().expr;
//! assert_eq!(references(expr)[0].root, "var");
//!
//! let names = Value::tuple(vec![Value::string("a"), Value::string("b")]);
//! let scope = Scope::new().with("var", Value::object_from([("names", names)]));
//! let table = FunctionTable::builtin();
//! let ctx = EvalContext::new(scope, &table);
//! let v = ctx.eval(expr).unwrap();
//! assert_eq!(v.elements().unwrap()[1].as_str(), Some("B"));
//! ```
//!
//! Unknown values (not known until apply) propagate as Terraform propagates them, and marks
//! (`sensitive`) travel from every operand to every result. Evaluation never panics and never
//! overflows the stack: deep nesting grows the stack on the heap up to [`MAX_EVAL_DEPTH`]
//! levels, and user-defined functions may make at most [`MAX_USER_FUNCTION_CALLS`] calls.
//!
//! Static checks Terraform makes before evaluating (a reference to an undeclared `local` or
//! `var`, which even `try` does not hide) belong to the caller: it can check [`references`]
//! against what is declared.
//!
//! The work is split by job: [`scope`] (root names and local symbols), `ops` (operators and
//! the conditional), `access` (index, attribute, splat), `for_expr`, `template`, `call`
//! (function calls, `try`, `can`, `templatefile`, `templatestring`), [`user_functions`].

mod access;
mod call;
mod for_expr;
mod ops;
pub mod references;
pub mod scope;
mod template;
pub mod user_functions;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_more;

use std::collections::BTreeMap;

use crate::diagnostic::Diagnostic;
use crate::functions::{CallContext, FunctionTable};
use crate::syntax::ast::{Expr, ExprKind, Literal, ObjectItem};
use crate::syntax::Span;
use crate::value::{convert, Number, Type, Value};

pub use references::{body_references, references, Traversal, TraversalStep};
pub use scope::Scope;
pub use user_functions::{UserFunction, UserFunctions};

/// How deeply evaluation may recurse (expressions, user-function calls, templates) before it
/// stops with a diagnostic instead of overflowing the stack.
pub const MAX_EVAL_DEPTH: usize = 1500;

/// How many user-defined function calls one evaluation may make: functions that each call
/// another several times could otherwise take exponential time.
pub const MAX_USER_FUNCTION_CALLS: usize = 100_000;

/// Everything an expression may refer to.
pub struct EvalContext<'a> {
    pub scope: Scope,
    pub functions: &'a FunctionTable,
    pub call_context: CallContext,
    pub user_functions: UserFunctions,
}

impl<'a> EvalContext<'a> {
    pub fn new(scope: Scope, functions: &'a FunctionTable) -> EvalContext<'a> {
        EvalContext {
            scope,
            functions,
            call_context: CallContext::default(),
            user_functions: UserFunctions::default(),
        }
    }

    /// Evaluates `expr`: its value, or every error found.
    pub fn eval(&self, expr: &Expr) -> Result<Value, Vec<Diagnostic>> {
        let (value, diags) = self.eval_with_diagnostics(expr);
        if diags.iter().any(Diagnostic::is_error) {
            Err(diags)
        } else {
            Ok(value)
        }
    }

    /// Evaluates `expr` and returns the value together with every diagnostic. When there are
    /// errors the value is a best effort (often unknown), as in HCL.
    pub fn eval_with_diagnostics(&self, expr: &Expr) -> (Value, Vec<Diagnostic>) {
        let mut ev = Evaluator::new(self);
        let v = ev.eval(expr);
        (v, ev.diags)
    }
}

/// The state of one evaluation: local symbols (for-expression and template variables, splat
/// items, function parameters), the diagnostics so far, and recursion guards.
pub(crate) struct Evaluator<'c, 'a> {
    pub(crate) ctx: &'c EvalContext<'a>,
    /// Innermost last. A `None` frame hides everything below it (a user function's body or a
    /// template file sees only its own symbols).
    pub(crate) symbols: Vec<Option<(String, Value)>>,
    /// The value of the splat item, innermost last.
    pub(crate) splat_items: Vec<Value>,
    pub(crate) diags: Vec<Diagnostic>,
    pub(crate) depth: usize,
    /// User functions being called, outermost first.
    pub(crate) call_stack: Vec<String>,
    /// Inside a template rendered by `templatefile`/`templatestring`.
    pub(crate) in_template_function: bool,
    /// Roots may be looked up (false inside function bodies and template files).
    pub(crate) scope_visible: bool,
    /// User-defined function calls made so far.
    pub(crate) user_calls: usize,
}

impl<'c, 'a> Evaluator<'c, 'a> {
    pub(crate) fn new(ctx: &'c EvalContext<'a>) -> Evaluator<'c, 'a> {
        Evaluator {
            ctx,
            symbols: Vec::new(),
            splat_items: Vec::new(),
            diags: Vec::new(),
            depth: 0,
            call_stack: Vec::new(),
            in_template_function: false,
            scope_visible: true,
            user_calls: 0,
        }
    }

    pub(crate) fn error(&mut self, summary: &str, detail: impl Into<String>, span: Span) {
        self.diags.push(Diagnostic::error(summary, detail, span));
    }

    pub(crate) fn has_errors_since(&self, mark: usize) -> bool {
        self.diags[mark.min(self.diags.len())..]
            .iter()
            .any(Diagnostic::is_error)
    }

    pub(crate) fn eval(&mut self, expr: &Expr) -> Value {
        if self.depth >= MAX_EVAL_DEPTH {
            self.error(
                "Expression too deeply nested",
                format!(
                    "Evaluation stopped after {MAX_EVAL_DEPTH} nested levels; split the expression into smaller parts."
                ),
                expr.span,
            );
            return Value::dynamic();
        }
        self.depth += 1;
        // Grow the stack on the heap when it runs low, so deep (but allowed) nesting never
        // overflows whatever thread the caller evaluates on.
        let v = stacker::maybe_grow(64 * 1024, 1024 * 1024, || self.eval_inner(expr));
        self.depth -= 1;
        v
    }

    fn eval_inner(&mut self, expr: &Expr) -> Value {
        match &expr.kind {
            ExprKind::Literal(Literal::Null) => Value::null(Type::Dynamic),
            ExprKind::Literal(Literal::Bool(b)) => Value::bool(*b),
            ExprKind::Number(text) => match Number::parse(text) {
                Ok(n) => Value::number(n),
                Err(e) => {
                    self.error(
                        "Invalid number literal",
                        format!("Failed to recognize the value of this number literal: {e}."),
                        expr.span,
                    );
                    Value::unknown(Type::Number)
                }
            },
            ExprKind::Template(t) => self.eval_template(t, expr.span),
            ExprKind::Variable(ident) => self.lookup(&ident.name, ident.span),
            ExprKind::GetAttr { object, name } => {
                if let Some(v) = self.fast_traversal(expr) {
                    return v;
                }
                let obj = self.eval(object);
                let span = Span::new(object.span.end, expr.span.end);
                self.get_attr(obj, &name.name, span)
            }
            ExprKind::Index {
                collection, key, ..
            } => {
                if let Some(v) = self.fast_traversal(expr) {
                    return v;
                }
                let coll = self.eval(collection);
                let k = self.eval(key);
                let span = Span::new(collection.span.end, expr.span.end);
                self.index(coll, k, span)
            }
            ExprKind::Splat { source, each, .. } => self.eval_splat(source, each),
            ExprKind::SplatItem => self
                .splat_items
                .last()
                .cloned()
                .unwrap_or_else(Value::dynamic),
            ExprKind::FunctionCall {
                name,
                args,
                expand_final,
            } => self.eval_call(name, args, *expand_final, expr.span),
            ExprKind::Conditional {
                condition,
                then,
                otherwise,
            } => self.eval_conditional(condition, then, otherwise),
            ExprKind::Binary {
                op,
                lhs,
                rhs,
                op_span,
                ..
            } => self.eval_binary(*op, lhs, rhs, *op_span, expr.span),
            ExprKind::Unary { op, operand, .. } => self.eval_unary(*op, operand, expr.span),
            ExprKind::Tuple(items) => {
                let vals = items.iter().map(|e| self.eval(e)).collect();
                Value::tuple(vals)
            }
            ExprKind::Object(items) => self.eval_object(items),
            ExprKind::For(f) => self.eval_for(f, expr.span),
            ExprKind::Parenthesized(inner) => self.eval(inner),
            // The parser reported the error already.
            ExprKind::Error => Value::dynamic(),
        }
    }

    /// A root name or local symbol.
    fn lookup(&mut self, name: &str, span: Span) -> Value {
        for frame in self.symbols.iter().rev() {
            match frame {
                Some((n, v)) if n == name => return v.clone(),
                Some(_) => {}
                None => break,
            }
        }
        if self.scope_visible {
            if let Some(v) = self.ctx.scope.get(name) {
                return v;
            }
        }
        let mut detail = format!("There is no variable named \"{name}\".");
        let candidates = self.visible_names();
        if let Some(s) = suggest(name, candidates.iter().map(String::as_str)) {
            detail.push_str(&format!(" Did you mean \"{s}\"?"));
        }
        self.error("Unknown variable", detail, span);
        Value::dynamic()
    }

    /// `root.a[0].b["k"]` where `root` is a local symbol or a scope value: walks plain
    /// objects, maps, lists and tuples by reference, so that a reference into a large value
    /// (`local.x` with many locals) does not copy all of it. `None` when the fast path does not
    /// apply (the normal path then handles the expression).
    fn fast_traversal(&mut self, expr: &Expr) -> Option<Value> {
        let mut chain: Vec<&Expr> = Vec::new();
        let mut cur = expr;
        let root = loop {
            match &cur.kind {
                ExprKind::GetAttr { object, .. } => {
                    chain.push(cur);
                    cur = object;
                }
                ExprKind::Index { collection, .. } => {
                    chain.push(cur);
                    cur = collection;
                }
                ExprKind::Variable(ident) => break ident,
                _ => return None,
            }
        };
        let ctx = self.ctx;
        let mut value: &Value = match self.symbol_ref(&root.name) {
            Some(Some(v)) => v,
            Some(None) => return None,
            None if self.scope_visible => ctx.scope.get_ref(&root.name)?,
            None => return None,
        };
        chain.reverse();
        let mut rest = chain.len();
        for (i, node) in chain.iter().enumerate() {
            match step_ref(value, node) {
                Some(child) => value = child,
                None => {
                    rest = i;
                    break;
                }
            }
        }
        let mut v = value.clone();
        for node in &chain[rest..] {
            v = match &node.kind {
                ExprKind::GetAttr { object, name } => {
                    self.get_attr(v, &name.name, Span::new(object.span.end, node.span.end))
                }
                ExprKind::Index {
                    collection, key, ..
                } => {
                    let k = self.eval(key);
                    self.index(v, k, Span::new(collection.span.end, node.span.end))
                }
                _ => v,
            };
        }
        Some(v)
    }

    /// The innermost local symbol `name`: `Some(Some(v))` found, `Some(None)` hidden behind a
    /// barrier (function body, template file), `None` not a symbol.
    fn symbol_ref(&self, name: &str) -> Option<Option<&Value>> {
        for frame in self.symbols.iter().rev() {
            match frame {
                Some((n, v)) if n == name => return Some(Some(v)),
                Some(_) => {}
                None => return if self.scope_visible { None } else { Some(None) },
            }
        }
        None
    }

    fn visible_names(&self) -> Vec<String> {
        let mut out = Vec::new();
        for frame in self.symbols.iter().rev() {
            match frame {
                Some((n, _)) => out.push(n.clone()),
                None => return out,
            }
        }
        if self.scope_visible {
            out.extend(self.ctx.scope.names());
        }
        out
    }

    /// Runs `f` with extra local symbols visible.
    pub(crate) fn with_symbols<T>(
        &mut self,
        syms: Vec<(String, Value)>,
        f: impl FnOnce(&mut Self) -> T,
    ) -> T {
        let n = syms.len();
        self.symbols.extend(syms.into_iter().map(Some));
        let out = f(self);
        let keep = self.symbols.len().saturating_sub(n);
        self.symbols.truncate(keep);
        out
    }

    /// `{ k = v, ... }`: a bare name is a literal key; other keys are evaluated and must be
    /// strings (numbers and bools convert).
    fn eval_object(&mut self, items: &[ObjectItem]) -> Value {
        let mut attrs: BTreeMap<String, Value> = BTreeMap::new();
        let mut known = true;
        let mut marks = crate::value::Marks::new();
        for item in items {
            if is_traversal(&item.key) {
                self.error(
                    "Ambiguous attribute key",
                    "If this expression is intended to be a reference, wrap it in parentheses. If it's instead intended as a literal name containing periods, wrap it in quotes to create a string literal.",
                    item.key.span,
                );
                known = false;
                continue;
            }
            let key = match object_key_literal(&item.key) {
                Some(k) => Value::string(k),
                None => self.eval(&item.key),
            };
            let value = self.eval(&item.value);
            if key.is_null() {
                self.error(
                    "Null value as key",
                    "Can't use a null value as a key.",
                    item.key.span,
                );
                known = false;
                continue;
            }
            let key = match convert(&key, &Type::String) {
                Ok(k) => k,
                Err(e) => {
                    self.error(
                        "Incorrect key type",
                        format!("Can't use this value as a key: {e}."),
                        item.key.span,
                    );
                    known = false;
                    continue;
                }
            };
            let (key, key_marks) = key.unmark();
            marks.extend(key_marks);
            match key.as_str() {
                Some(k) => {
                    attrs.insert(k.to_string(), value);
                }
                None => known = false,
            }
        }
        if !known {
            return Value::dynamic().with_marks(marks);
        }
        Value::object(attrs).with_marks(marks)
    }
}

/// A lone name as an object key is the key itself, as HCL reads it (`{ a = 1 }`), and so is a
/// literal-only template.
fn object_key_literal(key: &Expr) -> Option<String> {
    match &key.kind {
        ExprKind::Variable(ident) => Some(ident.name.clone()),
        ExprKind::Literal(Literal::Null) => Some("null".into()),
        ExprKind::Literal(Literal::Bool(b)) => Some(b.to_string()),
        _ => None,
    }
}

/// One traversal step taken by reference on a plain (known, unmarked) value with a literal
/// key; `None` when the normal rules must decide (errors, marks, unknowns, conversions).
fn step_ref<'v>(value: &'v Value, node: &Expr) -> Option<&'v Value> {
    use crate::value::ValueKind;
    if value.is_marked() {
        return None;
    }
    match (&node.kind, value.kind()) {
        (ExprKind::GetAttr { name, .. }, ValueKind::Object(m) | ValueKind::Map(m)) => {
            m.get(&name.name)
        }
        (ExprKind::Index { key, .. }, ValueKind::Object(m) | ValueKind::Map(m)) => {
            let ExprKind::Template(t) = &key.kind else {
                return None;
            };
            let k = t.literal_text()?;
            m.get(&k)
        }
        (ExprKind::Index { key, .. }, ValueKind::List(es) | ValueKind::Tuple(es)) => {
            let ExprKind::Number(text) = &key.kind else {
                return None;
            };
            let i: usize = text.parse().ok()?;
            es.get(i)
        }
        _ => None,
    }
}

/// A reference with steps (`a.b`, `a[0]`) written without parentheses.
fn is_traversal(e: &Expr) -> bool {
    let mut cur = e;
    let mut steps = 0;
    loop {
        match &cur.kind {
            ExprKind::GetAttr { object, .. } => cur = object,
            ExprKind::Index { collection, .. } => cur = collection,
            ExprKind::Variable(_) => return steps > 0,
            _ => return false,
        }
        steps += 1;
    }
}

/// The candidate closest to `name` (Levenshtein distance under 3), as Terraform suggests.
pub(crate) fn suggest<'n>(name: &str, candidates: impl Iterator<Item = &'n str>) -> Option<String> {
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        let d = levenshtein(name, c);
        if d < 3 && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c.to_string())
}

fn levenshtein(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}
