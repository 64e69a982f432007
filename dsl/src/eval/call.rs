//! Function calls: user-defined functions first, then the built-ins of the [`FunctionTable`],
//! with argument expansion (`f(list...)`), HCL's arity diagnostics, errors placed on the
//! argument at fault, and the functions that need the evaluator itself: `try`, `can`,
//! `templatefile` and `templatestring`.

use crate::diagnostic::Diagnostic;
use crate::line_index::LineIndex;
use crate::syntax::ast::{Expr, ExprKind, Ident};
use crate::syntax::Span;
use crate::value::{convert, types::is_identifier, Type, Value, ValueKind};

use super::references::references;
use super::{suggest, Evaluator};

/// The functions the evaluator implements itself.
pub(crate) const LAZY_FUNCTIONS: [&str; 4] = ["can", "templatefile", "templatestring", "try"];

impl Evaluator<'_, '_> {
    pub(crate) fn eval_call(
        &mut self,
        name: &[Ident],
        args: &[Expr],
        expand_final: bool,
        span: Span,
    ) -> Value {
        let full: Vec<&str> = name.iter().map(|i| i.name.as_str()).collect();
        let name_span = name
            .first()
            .map_or(span, |f| f.span.to(name.last().map_or(f.span, |l| l.span)));
        let fname = match full.as_slice() {
            [one] => one.to_string(),
            ["core", one] => one.to_string(),
            _ => {
                self.error(
                    "Call to unknown function",
                    format!("There is no function named \"{}\".", full.join("::")),
                    name_span,
                );
                return Value::dynamic();
            }
        };
        let fname = fname.as_str();
        if self.ctx.user_functions.get(fname).is_some() {
            return self.call_user_function(fname, args, expand_final, span);
        }
        match fname {
            // A failed `try` is placed, like any failed call, on its name and parenthesis.
            "try" if !expand_final => {
                let head = Span::new(name_span.start, (name_span.end + 1).min(span.end));
                return self.call_try(args, head);
            }
            "can" if !expand_final => return self.call_can(args, span),
            _ => {}
        }
        let known = LAZY_FUNCTIONS.contains(&fname) || self.ctx.functions.get(fname).is_some();
        if !known {
            let mut detail = format!("There is no function named \"{fname}\".");
            let mut names: Vec<String> = self.ctx.functions.names().map(String::from).collect();
            names.extend(LAZY_FUNCTIONS.iter().map(|s| s.to_string()));
            names.extend(self.ctx.user_functions.names().map(String::from));
            if let Some(s) = suggest(fname, names.iter().map(String::as_str)) {
                detail.push_str(&format!(" Did you mean \"{s}\"?"));
            }
            self.error("Call to unknown function", detail, name_span);
            return Value::dynamic();
        }
        if fname == "templatestring" && !expand_final {
            if let Some(ExprKind::Template(t)) = args.first().map(|a| &a.kind) {
                let why = if t.single_interpolation().is_some() {
                    "templatestring is only for rendering templates retrieved dynamically from elsewhere; to treat the inner expression as template syntax, write the reference expression directly without any template interpolation syntax"
                } else {
                    "templatestring is only for rendering templates retrieved dynamically from elsewhere, and so does not support providing a literal template; consider using a template string expression instead"
                };
                self.arg_error(
                    "template",
                    &format!("invalid template expression: {why}"),
                    args[0].span,
                );
                return Value::dynamic();
            }
        }
        let Some((values, arg_spans, marks)) = self.eval_args(args, expand_final) else {
            return Value::dynamic();
        };
        // Terraform puts a failed call on its name and opening parenthesis.
        let head = Span::new(name_span.start, (name_span.end + 1).min(span.end));
        let result = match fname {
            "templatefile" | "templatestring" => {
                if fname == "templatefile" {
                    self.call_templatefile(&values, &arg_spans, span, head)
                } else {
                    self.call_templatestring(&values, &arg_spans, span, head)
                }
            }
            _ => self.call_builtin(fname, values, &arg_spans, span, head),
        };
        result.with_marks(marks)
    }

    /// Evaluates the arguments, expanding a final `...` argument. `None` when an argument had
    /// errors or the expansion cannot be done yet (the result is then unknown).
    #[allow(clippy::type_complexity)]
    pub(crate) fn eval_args(
        &mut self,
        args: &[Expr],
        expand_final: bool,
    ) -> Option<(Vec<Value>, Vec<Span>, crate::value::Marks)> {
        let mark = self.diags.len();
        let mut values = Vec::with_capacity(args.len());
        let mut spans = Vec::with_capacity(args.len());
        let mut marks = crate::value::Marks::new();
        for (i, a) in args.iter().enumerate() {
            let v = self.eval(a);
            if expand_final && i + 1 == args.len() {
                if v.is_null() && !self.has_errors_since(mark) {
                    self.error(
                        "Invalid expanding argument value",
                        "The expanding argument (indicated by ...) must not be null.",
                        a.span,
                    );
                    return None;
                }
                if v.ty().is_dynamic() && !self.has_errors_since(mark) {
                    return None;
                }
                let seq = v.ty().is_list() || v.ty().is_tuple() || v.ty().is_set();
                if !seq {
                    if !self.has_errors_since(mark) {
                        self.error(
                            "Invalid expanding argument value",
                            "The expanding argument (indicated by ...) must be of a tuple, list, or set type.",
                            a.span,
                        );
                    }
                    return None;
                }
                if !v.is_known() {
                    return None;
                }
                let (v, m) = v.unmark();
                marks.extend(m);
                for e in v.elements().unwrap_or_default() {
                    values.push(e.clone());
                    spans.push(a.start_span());
                }
            } else {
                values.push(v);
                // Terraform points an argument's problems at the argument's start.
                spans.push(a.start_span());
            }
        }
        if self.has_errors_since(mark) {
            return None;
        }
        Some((values, spans, marks))
    }

    fn call_builtin(
        &mut self,
        name: &str,
        args: Vec<Value>,
        spans: &[Span],
        span: Span,
        head: Span,
    ) -> Value {
        let Some(f) = self.ctx.functions.get(name) else {
            return Value::dynamic();
        };
        let sig = f.signature();
        let nparams = sig.params.len();
        if args.len() < nparams {
            let qual = if sig.variadic.is_some() {
                " at least"
            } else {
                ""
            };
            self.error(
                "Not enough function arguments",
                format!(
                    "Function \"{name}\" expects{qual} {nparams} argument(s). Missing value for \"{}\".",
                    sig.params[args.len()].name
                ),
                Span::new(span.end.saturating_sub(1), span.end),
            );
            return Value::dynamic();
        }
        if sig.variadic.is_none() && args.len() > nparams {
            self.error(
                "Too many function arguments",
                format!("Function \"{name}\" expects only {nparams} argument(s)."),
                spans[nparams],
            );
            return Value::dynamic();
        }
        match self.ctx.functions.call(name, args, &self.ctx.call_context) {
            Ok(v) => v,
            Err(e) => {
                let at = e.arg.and_then(|i| spans.get(i).copied());
                let summary = e.summary();
                let detail = match (at, summary) {
                    (Some(_), _) if !e.message.starts_with("Invalid value for") => {
                        let pname = e
                            .arg
                            .and_then(|i| sig.params.get(i).or(sig.variadic.as_ref()))
                            .map_or("", |p| p.name);
                        format!(
                            "Invalid value for \"{pname}\" parameter: {}.",
                            e.message.trim_end_matches('.')
                        )
                    }
                    (None, "Error in function call")
                        if !e.message.starts_with("Call to function") =>
                    {
                        format!(
                            "Call to function \"{name}\" failed: {}.",
                            e.message.trim_end_matches('.')
                        )
                    }
                    _ => e.message.clone(),
                };
                self.error(summary, detail, at.unwrap_or(head));
                Value::dynamic()
            }
        }
    }

    /// Whether any reference `expr` makes leads to a value not wholly known (HCL's
    /// `dependsOnUnknowns`, used by `try` and `can`).
    fn depends_on_unknowns(&mut self, expr: &Expr) -> bool {
        for t in references(expr) {
            let mark = self.diags.len();
            let saved_len = self.diags.len();
            let mut v = self.lookup(&t.root, t.span);
            for step in &t.steps {
                if self.has_errors_since(mark) {
                    break;
                }
                v = match step {
                    super::TraversalStep::Attr(name, _) => {
                        match super::access::get_attr_value(&v, name) {
                            Ok(x) => x,
                            Err(_) => break,
                        }
                    }
                    super::TraversalStep::Index(k, _) => match super::access::index_value(&v, k) {
                        Ok(x) => x,
                        Err(_) => break,
                    },
                };
            }
            let failed = self.has_errors_since(mark);
            self.diags.truncate(saved_len);
            if !failed && !v.is_wholly_known() {
                return true;
            }
        }
        false
    }

    fn arity_one(&mut self, name: &str, args: &[Expr], span: Span) -> bool {
        if args.is_empty() {
            self.error(
                "Not enough function arguments",
                format!(
                    "Function \"{name}\" expects 1 argument(s). Missing value for \"expression\"."
                ),
                Span::new(span.end.saturating_sub(1), span.end),
            );
            return false;
        }
        if args.len() > 1 {
            self.error(
                "Too many function arguments",
                format!("Function \"{name}\" expects only 1 argument(s)."),
                args[1].span,
            );
            return false;
        }
        true
    }

    /// `can(expr)`: whether `expr` evaluates without errors.
    fn call_can(&mut self, args: &[Expr], span: Span) -> Value {
        if !self.arity_one("can", args, span) {
            return Value::dynamic();
        }
        if self.depends_on_unknowns(&args[0]) {
            return Value::unknown_not_null(Type::Bool);
        }
        let mark = self.diags.len();
        self.eval(&args[0]);
        let failed = self.has_errors_since(mark);
        let static_errors = self.take_static_errors(mark);
        if !static_errors.is_empty() {
            self.diags.extend(static_errors);
            return Value::unknown(Type::Bool);
        }
        Value::bool(!failed)
    }

    /// Removes the diagnostics after `mark`, returning those that no `try`/`can` may hide
    /// (references to names that do not exist at all).
    fn take_static_errors(&mut self, mark: usize) -> Vec<Diagnostic> {
        let tail = self.diags.split_off(mark.min(self.diags.len()));
        tail.into_iter()
            .filter(|d| d.summary == "Unknown variable" || d.summary == "Call to unknown function")
            .collect()
    }

    /// `try(a, b, ...)`: the first argument that evaluates without errors.
    fn call_try(&mut self, args: &[Expr], span: Span) -> Value {
        if args.is_empty() {
            self.error(
                "Error in function call",
                "Call to function \"try\" failed: at least one argument is required.",
                span,
            );
            return Value::dynamic();
        }
        let mut failures: Vec<Diagnostic> = Vec::new();
        for a in args {
            if self.depends_on_unknowns(a) {
                return Value::dynamic();
            }
            let mark = self.diags.len();
            let v = self.eval(a);
            let failed = self.has_errors_since(mark);
            let tail: Vec<Diagnostic> = self.diags[mark..].to_vec();
            let static_errors = self.take_static_errors(mark);
            if !static_errors.is_empty() {
                self.diags.extend(static_errors);
                return Value::dynamic();
            }
            if !failed {
                return v;
            }
            failures.extend(tail.into_iter().filter(Diagnostic::is_error));
        }
        let mut detail =
            String::from("Call to function \"try\" failed: no expression succeeded:\n");
        for d in &failures {
            detail.push_str(&format!("- {}\n  {}\n", d.summary, d.detail));
        }
        detail.push_str("\nAt least one expression must produce a successful result.");
        self.error("Error in function call", detail, span);
        Value::dynamic()
    }

    /// `templatefile(path, vars)`.
    fn call_templatefile(
        &mut self,
        args: &[Value],
        spans: &[Span],
        span: Span,
        head: Span,
    ) -> Value {
        if !self.check_two("templatefile", ["path", "vars"], args, spans, span) {
            return Value::dynamic();
        }
        if self.in_template_function {
            self.error(
                "Error in function call",
                "Call to function \"templatefile\" failed: cannot recursively call templatefile from inside templatefile call.",
                head,
            );
            return Value::dynamic();
        }
        let (path, marks) = args[0].clone().unmark_deep();
        let path = match convert(&path, &Type::String) {
            Ok(p) if p.is_null() => {
                self.arg_error("path", "argument must not be null", spans[0]);
                return Value::dynamic();
            }
            Ok(p) => p,
            Err(e) => {
                self.arg_error("path", &e.to_string(), spans[0]);
                return Value::dynamic();
            }
        };
        let Some(path) = path.as_str() else {
            return Value::dynamic();
        };
        let full = self.ctx.call_context.base_dir.join(path);
        let text = match std::fs::read(&full) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(t) => t,
                Err(_) => {
                    self.arg_error("path", &format!("contents of \"{path}\" are not valid UTF-8; use the filebase64 function to obtain the Base64 encoded contents or the other file functions (e.g. filemd5, filesha256) to obtain file hashing results instead"), spans[0]);
                    return Value::dynamic();
                }
            },
            Err(_) => {
                self.arg_error("path", &format!("no file exists at \"{path}\"; this function works only with files that are distributed as part of the configuration source code, so if this file will be created by a resource in this configuration you must instead obtain this result from an attribute of that resource"), spans[0]);
                return Value::dynamic();
            }
        };
        let source = TemplateSource {
            function: "templatefile",
            name: path,
        };
        self.render_template_text(&source, &text, &args[1], spans, head)
            .with_marks(marks)
    }

    /// `templatestring(template, vars)`.
    fn call_templatestring(
        &mut self,
        args: &[Value],
        spans: &[Span],
        span: Span,
        head: Span,
    ) -> Value {
        if !self.check_two("templatestring", ["template", "vars"], args, spans, span) {
            return Value::dynamic();
        }
        let (tmpl, marks) = args[0].clone().unmark_deep();
        let tmpl = match convert(&tmpl, &Type::String) {
            Ok(t) if t.is_null() => {
                self.arg_error("template", "argument must not be null", spans[0]);
                return Value::dynamic();
            }
            Ok(t) => t,
            Err(e) => {
                self.arg_error("template", &e.to_string(), spans[0]);
                return Value::dynamic();
            }
        };
        let Some(text) = tmpl.as_str() else {
            return Value::dynamic().with_marks(marks);
        };
        let text = text.to_string();
        let source = TemplateSource {
            function: "templatestring",
            name: "<templatestring argument>",
        };
        self.render_template_text(&source, &text, &args[1], spans, head)
            .with_marks(marks)
    }

    fn check_two(
        &mut self,
        name: &str,
        params: [&str; 2],
        args: &[Value],
        spans: &[Span],
        span: Span,
    ) -> bool {
        if args.len() < 2 {
            self.error(
                "Not enough function arguments",
                format!(
                    "Function \"{name}\" expects 2 argument(s). Missing value for \"{}\".",
                    params[args.len()]
                ),
                Span::new(span.end.saturating_sub(1), span.end),
            );
            return false;
        }
        if args.len() > 2 {
            self.error(
                "Too many function arguments",
                format!("Function \"{name}\" expects only 2 argument(s)."),
                spans[2],
            );
            return false;
        }
        true
    }

    fn arg_error(&mut self, param: &str, msg: &str, span: Span) {
        self.error(
            "Invalid function argument",
            format!("Invalid value for \"{param}\" parameter: {msg}."),
            span,
        );
    }

    /// Parses `text` as a template and renders it with only `vars` (the second argument) in
    /// scope, reporting problems as Terraform does: a syntax error fails the call (for
    /// `templatestring`, as a problem with the template argument), a reference to a missing
    /// variable is a problem with `vars`, and an evaluation error fails the call; each names
    /// the place in the template as HCL prints a range (`t.tpl:2,3-7`).
    fn render_template_text(
        &mut self,
        source: &TemplateSource,
        text: &str,
        vars: &Value,
        spans: &[Span],
        span: Span,
    ) -> Value {
        let vars_span = spans[1];
        let vars_ty = vars.ty();
        if vars_ty.is_dynamic() {
            return Value::dynamic();
        }
        let (template, parse_diags) = crate::syntax::parse_template(text);
        if parse_diags.iter().any(Diagnostic::is_error) {
            let why = source.describe(text, &parse_diags);
            if source.function == "templatestring" {
                self.arg_error("template", &format!("invalid template: {why}"), spans[0]);
            } else {
                self.call_failed(source.function, &why, span);
            }
            return Value::dynamic();
        }
        if !(vars_ty.is_map() || vars_ty.is_object()) {
            self.arg_error("vars", "invalid vars value: must be a map", vars_span);
            return Value::dynamic();
        }
        let (vars, vars_marks) = vars.clone().unmark();
        if !vars.is_known() {
            return Value::dynamic().with_marks(vars_marks);
        }
        let entries: Vec<(String, Value)> = match vars.kind() {
            ValueKind::Map(m) | ValueKind::Object(m) => {
                m.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
            }
            _ => Vec::new(),
        };
        for (k, _) in &entries {
            if !is_identifier(k) {
                self.arg_error("vars", &format!("invalid template variable name \"{k}\": must start with a letter, followed by zero or more letters, digits, and underscores"), vars_span);
                return Value::dynamic();
            }
        }
        let expr = Expr {
            span: Span::new(0, text.len()),
            kind: ExprKind::Template(template),
        };
        for t in references(&expr) {
            if !entries.iter().any(|(k, _)| *k == t.root) {
                // Terraform points at the root name only, not the whole traversal.
                let root = Span::new(t.span.start, t.span.start + t.root.len());
                self.arg_error(
                    "vars",
                    &format!(
                        "vars map does not contain key \"{}\", referenced at {}",
                        t.root,
                        source.range(text, root)
                    ),
                    vars_span,
                );
                return Value::dynamic();
            }
        }
        // The template sees only its variables: hide the caller's symbols and scope.
        let saved_items = std::mem::take(&mut self.splat_items);
        let saved_scope = self.scope_visible;
        let saved_in_template = self.in_template_function;
        self.symbols.push(None);
        self.scope_visible = false;
        self.in_template_function = true;
        let mark = self.diags.len();
        let value = self.with_symbols(entries, |ev| ev.eval(&expr));
        self.symbols.pop();
        self.scope_visible = saved_scope;
        self.in_template_function = saved_in_template;
        self.splat_items = saved_items;
        let inner = self.diags.split_off(mark);
        if inner.iter().any(Diagnostic::is_error) {
            let why = source.describe(text, &inner);
            self.call_failed(source.function, &why, span);
            return Value::dynamic();
        }
        value.with_marks(vars_marks)
    }

    fn call_failed(&mut self, function: &str, why: &str, span: Span) {
        self.error(
            "Error in function call",
            format!("Call to function \"{function}\" failed: {why}."),
            span,
        );
    }
}

/// Where a template's text came from, for messages: the function and the name HCL gives the
/// template (the path given to `templatefile`, `<templatestring argument>`).
struct TemplateSource<'a> {
    function: &'a str,
    name: &'a str,
}

impl TemplateSource<'_> {
    /// HCL's `Range.String()` for a span of the template: `name:line,col-col`, or
    /// `name:line,col-line,col` across lines.
    fn range(&self, text: &str, span: Span) -> String {
        let index = LineIndex::new(text);
        let start = index.position(text, span.start);
        let end = index.position(text, span.end.max(span.start));
        if start.line == end.line {
            format!(
                "{}:{},{}-{}",
                self.name, start.line, start.column, end.column
            )
        } else {
            format!(
                "{}:{},{}-{},{}",
                self.name, start.line, start.column, end.line, end.column
            )
        }
    }

    /// HCL's `Diagnostics.Error()`: the first diagnostic as `range: summary; detail`, and how
    /// many others there are.
    fn describe(&self, text: &str, diags: &[Diagnostic]) -> String {
        let Some(first) = diags.iter().find(|d| d.is_error()).or(diags.first()) else {
            return "no diagnostics".into();
        };
        let mut out = format!(
            "{}: {}; {}",
            self.range(text, first.span),
            first.summary,
            first.detail
        );
        if diags.len() > 1 {
            out.push_str(&format!(", and {} other diagnostic(s)", diags.len() - 1));
        }
        out
    }
}
