//! User-defined functions (a terrane extension): a configuration block
//!
//! ```text
//! function "name" {
//!   description = "optional documentation"
//!   parameter "x" {
//!     type        = string   # optional: any type when absent
//!     description = "optional documentation"
//!   }
//!   result = "${x}!"
//! }
//! ```
//!
//! Functions are consulted before the built-ins. Arguments are converted to the parameters'
//! type constraints; the body sees only its parameters (and may call other functions).
//! Recursion, direct or mutual, is rejected when the functions are collected, with a diagnostic
//! naming the cycle, and again at call time as a safety net.

use std::collections::BTreeMap;

use crate::diagnostic::Diagnostic;
use crate::syntax::ast::{Block, Expr, ExprKind};
use crate::syntax::Span;
use crate::value::{convert_to_constraint, parse_constraint, Constraint, Value};

use super::Evaluator;

/// One user-defined function.
#[derive(Clone, Debug)]
pub struct UserFunction {
    pub name: String,
    pub params: Vec<(String, Constraint)>,
    pub result: Expr,
    pub span: Span,
}

/// The user-defined functions of a configuration, by name.
#[derive(Clone, Debug, Default)]
pub struct UserFunctions {
    functions: BTreeMap<String, UserFunction>,
}

impl UserFunctions {
    pub fn get(&self, name: &str) -> Option<&UserFunction> {
        self.functions.get(name)
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.functions.keys().map(String::as_str)
    }

    pub fn is_empty(&self) -> bool {
        self.functions.is_empty()
    }

    /// Adds a function (replacing one of the same name). Cycles are not checked here; see
    /// [`UserFunctions::from_blocks`].
    pub fn insert(&mut self, f: UserFunction) {
        self.functions.insert(f.name.clone(), f);
    }

    /// Builds the registry from `function` blocks. Invalid blocks are reported and skipped;
    /// functions that take part in a call cycle are reported and removed.
    pub fn from_blocks<'b>(
        blocks: impl IntoIterator<Item = &'b Block>,
    ) -> (UserFunctions, Vec<Diagnostic>) {
        let mut out = UserFunctions::default();
        let mut diags = Vec::new();
        for b in blocks {
            if let Some(f) = function_from_block(b, &mut diags) {
                if let Some(prev) = out.functions.get(&f.name) {
                    diags.push(
                        Diagnostic::error(
                            "Duplicate function definition",
                            format!(
                                "A function named \"{}\" was already defined; function names must be unique.",
                                f.name
                            ),
                            b.labels.first().map_or(b.span, |l| l.span),
                        )
                        .with_label(format!("first defined at byte {}", prev.span.start)),
                    );
                    continue;
                }
                out.insert(f);
            }
        }
        let cycles = out.find_cycles();
        for cycle in cycles {
            let first = &cycle[0];
            let span = out.functions.get(first).map_or(Span::default(), |f| f.span);
            diags.push(
                Diagnostic::error(
                    "Recursive function call",
                    format!(
                        "User-defined functions may not call themselves, directly or through other functions: {}.",
                        cycle.join(" -> ")
                    ),
                    span,
                )
                .with_help("rewrite the function without recursion (for example with a `for` expression)"),
            );
            for name in &cycle {
                out.functions.remove(name);
            }
        }
        (out, diags)
    }

    /// Each call cycle once, as a path that returns to its start (`a -> b -> a`).
    fn find_cycles(&self) -> Vec<Vec<String>> {
        let calls: BTreeMap<&str, Vec<String>> = self
            .functions
            .iter()
            .map(|(n, f)| {
                let mut callees = Vec::new();
                called_names(&f.result, &mut callees);
                callees.retain(|c| self.functions.contains_key(c));
                callees.sort();
                callees.dedup();
                (n.as_str(), callees)
            })
            .collect();
        let mut cycles: Vec<Vec<String>> = Vec::new();
        let mut in_cycle: std::collections::BTreeSet<String> = Default::default();
        for start in calls.keys() {
            if in_cycle.contains(*start) {
                continue;
            }
            // Depth-first search with an explicit stack: (node, next callee index).
            let mut path: Vec<(&str, usize)> = vec![(start, 0)];
            while let Some((node, idx)) = path.last().copied() {
                let callees = calls.get(node).map_or(&[][..], Vec::as_slice);
                if idx >= callees.len() {
                    path.pop();
                    continue;
                }
                if let Some(top) = path.last_mut() {
                    top.1 += 1;
                }
                let next = callees[idx].as_str();
                if next == *start {
                    let mut cycle: Vec<String> = path.iter().map(|(n, _)| n.to_string()).collect();
                    cycle.push(start.to_string());
                    in_cycle.extend(cycle.iter().cloned());
                    cycles.push(cycle);
                    break;
                }
                if path.iter().any(|(n, _)| *n == next) || path.len() > calls.len() {
                    continue;
                }
                path.push((next, 0));
            }
        }
        cycles
    }
}

/// Names of functions called anywhere in `expr`.
fn called_names(expr: &Expr, out: &mut Vec<String>) {
    let mut stack: Vec<&Expr> = vec![expr];
    while let Some(e) = stack.pop() {
        match &e.kind {
            ExprKind::FunctionCall { name, args, .. } => {
                if let [one] = name.as_slice() {
                    out.push(one.name.clone());
                }
                stack.extend(args.iter());
            }
            ExprKind::Template(t) => push_parts(&t.parts, &mut stack),
            ExprKind::GetAttr { object, .. } => stack.push(object),
            ExprKind::Index {
                collection, key, ..
            } => {
                stack.push(collection);
                stack.push(key);
            }
            ExprKind::Splat { source, each, .. } => {
                stack.push(source);
                stack.push(each);
            }
            ExprKind::Conditional {
                condition,
                then,
                otherwise,
            } => {
                stack.push(condition);
                stack.push(then);
                stack.push(otherwise);
            }
            ExprKind::Binary { lhs, rhs, .. } => {
                stack.push(lhs);
                stack.push(rhs);
            }
            ExprKind::Unary { operand, .. } => stack.push(operand),
            ExprKind::Tuple(items) => stack.extend(items.iter()),
            ExprKind::Object(items) => {
                for i in items {
                    stack.push(&i.key);
                    stack.push(&i.value);
                }
            }
            ExprKind::For(f) => {
                stack.push(&f.collection);
                stack.push(&f.value);
                if let Some(k) = &f.key {
                    stack.push(k);
                }
                if let Some(c) = &f.condition {
                    stack.push(c);
                }
            }
            ExprKind::Parenthesized(inner) => stack.push(inner),
            _ => {}
        }
    }
}

fn push_parts<'e>(parts: &'e [crate::syntax::ast::TemplatePart], stack: &mut Vec<&'e Expr>) {
    use crate::syntax::ast::TemplatePart;
    for p in parts {
        match p {
            TemplatePart::Literal { .. } => {}
            TemplatePart::Interpolation { expr, .. } => stack.push(expr),
            TemplatePart::If {
                condition,
                then,
                otherwise,
                ..
            } => {
                stack.push(condition);
                push_parts(then, stack);
                push_parts(otherwise, stack);
            }
            TemplatePart::For {
                collection, body, ..
            } => {
                stack.push(collection);
                push_parts(body, stack);
            }
        }
    }
}

fn function_from_block(b: &Block, diags: &mut Vec<Diagnostic>) -> Option<UserFunction> {
    let name = match b.labels.as_slice() {
        [one] => one.value.clone(),
        _ => {
            diags.push(Diagnostic::error(
                "Missing name for function",
                "A function block needs exactly one label: the function's name, as in function \"name\" { ... }.",
                b.ident.span,
            ));
            return None;
        }
    };
    if !crate::value::types::is_identifier(&name) {
        diags.push(Diagnostic::error(
            "Invalid function name",
            "A function name must start with a letter or underscore and may contain only letters, digits, underscores, and dashes.",
            b.labels[0].span,
        ));
        return None;
    }
    let mut ok = true;
    let mut result = None;
    for a in b.body.attributes() {
        if a.name.name == "result" {
            result = Some(a.expr.clone());
        } else if a.name.name == "description" {
            // Documentation only.
        } else {
            diags.push(Diagnostic::error(
                "Unsupported argument",
                format!(
                    "An argument named \"{}\" is not expected here.",
                    a.name.name
                ),
                a.name.span,
            ));
            ok = false;
        }
    }
    let mut params: Vec<(String, Constraint)> = Vec::new();
    for p in b.body.blocks() {
        if p.ident.name != "parameter" {
            diags.push(Diagnostic::error(
                "Unsupported block type",
                format!("Blocks of type \"{}\" are not expected here.", p.ident.name),
                p.ident.span,
            ));
            ok = false;
            continue;
        }
        let [label] = p.labels.as_slice() else {
            diags.push(Diagnostic::error(
                "Missing name for parameter",
                "A parameter block needs exactly one label: the parameter's name.",
                p.ident.span,
            ));
            ok = false;
            continue;
        };
        if params.iter().any(|(n, _)| *n == label.value) {
            diags.push(Diagnostic::error(
                "Duplicate parameter",
                format!(
                    "A parameter named \"{}\" was already declared.",
                    label.value
                ),
                label.span,
            ));
            ok = false;
            continue;
        }
        let mut constraint = Constraint::Any;
        for a in p.body.attributes() {
            if a.name.name == "description" {
                continue;
            }
            if a.name.name == "type" {
                match parse_constraint(&a.expr) {
                    Ok(c) => constraint = c,
                    Err(d) => {
                        diags.push(d);
                        ok = false;
                    }
                }
            } else {
                diags.push(Diagnostic::error(
                    "Unsupported argument",
                    format!(
                        "An argument named \"{}\" is not expected here.",
                        a.name.name
                    ),
                    a.name.span,
                ));
                ok = false;
            }
        }
        params.push((label.value.clone(), constraint));
    }
    let Some(result) = result else {
        diags.push(Diagnostic::error(
            "Missing required argument",
            "The argument \"result\" is required, but no definition was found.",
            b.close_brace,
        ));
        return None;
    };
    ok.then_some(UserFunction {
        name,
        params,
        result,
        span: b.span,
    })
}

impl Evaluator<'_, '_> {
    pub(crate) fn call_user_function(
        &mut self,
        name: &str,
        args: &[Expr],
        expand_final: bool,
        span: Span,
    ) -> Value {
        let Some(f) = self.ctx.user_functions.get(name) else {
            return Value::dynamic();
        };
        if self.call_stack.iter().any(|n| n == name) {
            let mut cycle = self.call_stack.clone();
            cycle.push(name.to_string());
            self.error(
                "Recursive function call",
                format!(
                    "User-defined functions may not call themselves, directly or through other functions: {}.",
                    cycle.join(" -> ")
                ),
                span,
            );
            return Value::dynamic();
        }
        self.user_calls += 1;
        if self.user_calls > super::MAX_USER_FUNCTION_CALLS {
            if self.user_calls == super::MAX_USER_FUNCTION_CALLS + 1 {
                self.error(
                    "Too many function calls",
                    format!(
                        "Evaluation stopped after {} calls of user-defined functions; the functions call each other too many times.",
                        super::MAX_USER_FUNCTION_CALLS
                    ),
                    span,
                );
            }
            return Value::dynamic();
        }
        let Some((values, spans, marks)) = self.eval_args(args, expand_final) else {
            return Value::dynamic();
        };
        let n = f.params.len();
        if values.len() < n {
            self.error(
                "Not enough function arguments",
                format!(
                    "Function \"{name}\" expects {n} argument(s). Missing value for \"{}\".",
                    f.params[values.len()].0
                ),
                Span::new(span.end.saturating_sub(1), span.end),
            );
            return Value::dynamic();
        }
        if values.len() > n {
            self.error(
                "Too many function arguments",
                format!("Function \"{name}\" expects only {n} argument(s)."),
                spans[n],
            );
            return Value::dynamic();
        }
        let mut bound = Vec::with_capacity(n);
        for (((pname, constraint), v), at) in f.params.iter().zip(values).zip(&spans) {
            match convert_to_constraint(&v, constraint) {
                Ok(v) => bound.push((pname.clone(), v)),
                Err(e) => {
                    self.error(
                        "Invalid function argument",
                        format!("Invalid value for \"{pname}\" parameter: {e}."),
                        *at,
                    );
                    return Value::dynamic();
                }
            }
        }
        let saved_items = std::mem::take(&mut self.splat_items);
        let saved_scope = self.scope_visible;
        self.symbols.push(None);
        self.scope_visible = false;
        self.call_stack.push(name.to_string());
        let result = self.with_symbols(bound, |ev| ev.eval(&f.result));
        self.call_stack.pop();
        self.symbols.pop();
        self.scope_visible = saved_scope;
        self.splat_items = saved_items;
        result.with_marks(marks)
    }
}
