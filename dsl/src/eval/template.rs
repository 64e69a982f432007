//! Templates: quoted strings and heredocs with interpolations and `%{if}`/`%{for}` directives.
//! Every interpolated value is converted to a string ("Invalid template interpolation value"
//! otherwise); a template made of one interpolation alone yields that value unconverted; an
//! unknown part makes the result an unknown string that keeps the known prefix; marks of every
//! part end up on the result.

use crate::syntax::ast::{Expr, Ident, Template, TemplatePart};
use crate::syntax::Span;
use crate::value::{convert, Marks, Refinement, Type, Value};

use super::for_expr::{bindings, iteration_pairs};
use super::Evaluator;

impl Evaluator<'_, '_> {
    pub(crate) fn eval_template(&mut self, t: &Template, _span: Span) -> Value {
        if let Some(expr) = t.single_interpolation() {
            return self.eval(expr);
        }
        self.render_parts(&t.parts)
    }

    /// Renders parts to a string value (HCL's `TemplateExpr`).
    pub(crate) fn render_parts(&mut self, parts: &[TemplatePart]) -> Value {
        let start = self.diags.len();
        let mut buf = String::new();
        let mut known = true;
        let mut marks = Marks::new();
        for part in parts {
            let (v, span) = match part {
                TemplatePart::Literal { text, .. } => {
                    if known && !self.has_errors_since(start) {
                        buf.push_str(text);
                    }
                    continue;
                }
                TemplatePart::Interpolation { expr, span, .. } => (self.eval(expr), *span),
                TemplatePart::If {
                    condition,
                    then,
                    otherwise,
                    span,
                } => (self.template_if(condition, then, otherwise), *span),
                TemplatePart::For {
                    key_var,
                    value_var,
                    collection,
                    body,
                    span,
                } => (
                    self.template_for(key_var.as_deref(), value_var, collection, body, *span),
                    *span,
                ),
            };
            if v.is_null() {
                self.error(
                    "Invalid template interpolation value",
                    "The expression result is null. Cannot include a null value in a string template.",
                    span,
                );
                continue;
            }
            let (plain, m) = v.unmark_deep();
            marks.extend(m);
            if !plain.is_known() {
                known = false;
                continue;
            }
            let s = match convert(&plain, &Type::String) {
                Ok(s) => s,
                Err(e) => {
                    self.error(
                        "Invalid template interpolation value",
                        format!("Cannot include the given value in a string template: {e}."),
                        span,
                    );
                    continue;
                }
            };
            if !s.is_known() {
                known = false;
                continue;
            }
            if known && !self.has_errors_since(start) {
                buf.push_str(s.as_str().unwrap_or_default());
            }
        }
        let out = if known {
            Value::string(buf)
        } else if self.has_errors_since(start) {
            Value::unknown_not_null(Type::String)
        } else {
            Value::unknown(Type::String).refine(Refinement {
                not_null: true,
                string_prefix: (!buf.is_empty()).then_some(buf),
                ..Refinement::default()
            })
        };
        out.with_marks(marks)
    }

    /// `%{if}`: a conditional whose branches are templates.
    fn template_if(
        &mut self,
        condition: &Expr,
        then: &[TemplatePart],
        otherwise: &[TemplatePart],
    ) -> Value {
        let c = self.eval(condition);
        if c.is_null() {
            self.error(
                "Null condition",
                "The condition value is null. Conditions must either be true or false.",
                condition.span,
            );
            return Value::unknown(Type::String);
        }
        let c = match convert(&c, &Type::Bool) {
            Ok(c) => c,
            Err(_) => {
                self.error(
                    "Incorrect condition type",
                    "The condition expression must be of type bool.",
                    condition.span,
                );
                return Value::unknown(Type::String);
            }
        };
        let (c, marks) = c.unmark_deep();
        if !c.is_known() {
            // Both branches are still checked for errors.
            self.render_parts(then);
            self.render_parts(otherwise);
            return Value::unknown_not_null(Type::String).with_marks(marks);
        }
        let out = if c.as_bool() == Some(true) {
            self.render_parts(then)
        } else {
            self.render_parts(otherwise)
        };
        out.with_marks(marks)
    }

    /// `%{for}`: the body rendered once per element and joined.
    fn template_for(
        &mut self,
        key_var: Option<&Ident>,
        value_var: &Ident,
        collection: &Expr,
        body: &[TemplatePart],
        span: Span,
    ) -> Value {
        let (coll, mut marks) = match self.for_collection(collection) {
            Ok(c) => c,
            Err(v) => return Value::unknown(Type::String).with_marks(v.marks().clone()),
        };
        let mut buf = String::new();
        let mut known = true;
        for (k, v) in iteration_pairs(&coll) {
            let syms = bindings(key_var, value_var, k, v);
            let part = self.with_symbols(syms, |ev| ev.render_parts(body));
            if part.is_null() {
                self.error(
                    "Invalid template interpolation value",
                    "An iteration result is null. Cannot include a null value in a string template.",
                    span,
                );
                continue;
            }
            let (part, m) = part.unmark_deep();
            marks.extend(m);
            if !part.is_known() {
                known = false;
                continue;
            }
            buf.push_str(part.as_str().unwrap_or_default());
        }
        let out = if known {
            Value::string(buf)
        } else {
            Value::unknown_not_null(Type::String)
        };
        out.with_marks(marks)
    }
}
