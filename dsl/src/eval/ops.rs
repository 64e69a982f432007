//! Operators and the conditional expression, as HCL evaluates them: operands converted to the
//! operator's parameter type ("Invalid operand"), `&&`/`||` short-circuiting on a deciding
//! operand (dropping the other side's errors, but never a type error), null operands rejected
//! by the operation ("Operation failed"), unknown operands giving unknown results, and marks of
//! the operands on the result.

use crate::diagnostic::Diagnostic;
use crate::syntax::ast::{BinaryOp, Expr, UnaryOp};
use crate::syntax::Span;
use crate::value::{convert, unify_unsafe, ArithOp, CompareOp, OpError, Type, Value};

use super::Evaluator;

fn operand_type(op: BinaryOp) -> Type {
    match op {
        BinaryOp::Or | BinaryOp::And => Type::Bool,
        BinaryOp::Equal | BinaryOp::NotEqual => Type::Dynamic,
        _ => Type::Number,
    }
}

fn result_type(op: BinaryOp) -> Type {
    match op {
        BinaryOp::Add
        | BinaryOp::Subtract
        | BinaryOp::Multiply
        | BinaryOp::Divide
        | BinaryOp::Modulo => Type::Number,
        _ => Type::Bool,
    }
}

fn unknown_bool() -> Value {
    Value::unknown_not_null(Type::Bool)
}

/// `&&` and `||` decide early when one known operand settles the answer (HCL's short-circuit
/// rule). `Some((result, which))`: which side's diagnostics to keep (0 left, 1 right).
fn short_circuit(op: BinaryOp, l: &Value, r: &Value, lhs_errors: bool) -> Option<(Value, usize)> {
    // A null bool is neither true nor false here: cty's `True()` is `Equals(true)`, so a null
    // counts as "false".
    let is_true = |v: &Value| v.is_known() && v.as_bool() == Some(true);
    let is_false = |v: &Value| v.is_known() && v.as_bool() != Some(true);
    let deciding = op == BinaryOp::Or;
    let decides = |v: &Value| if deciding { is_true(v) } else { is_false(v) };
    let other = |v: &Value| if deciding { is_false(v) } else { is_true(v) };
    match () {
        _ if !l.is_known() && !r.is_known() => (!lhs_errors).then(|| (unknown_bool(), 0)),
        _ if decides(l) => Some((Value::bool(deciding), 0)),
        _ if decides(r) => Some((Value::bool(deciding), 1)),
        _ if !l.is_known() && other(r) => Some((unknown_bool(), 0)),
        _ if !r.is_known() && other(l) => Some((unknown_bool(), 1)),
        _ => None,
    }
}

impl Evaluator<'_, '_> {
    /// Evaluates `expr`, returning its value and taking its diagnostics out of the list.
    fn eval_apart(&mut self, expr: &Expr) -> (Value, Vec<Diagnostic>) {
        let mark = self.diags.len();
        let v = self.eval(expr);
        let d = self.diags.split_off(mark);
        (v, d)
    }

    pub(crate) fn eval_binary(
        &mut self,
        op: BinaryOp,
        lhs: &Expr,
        rhs: &Expr,
        _op_span: Span,
        span: Span,
    ) -> Value {
        let (given_l, lhs_diags) = self.eval_apart(lhs);
        let (given_r, rhs_diags) = self.eval_apart(rhs);
        let want = operand_type(op);
        let mut conv_diags = Vec::new();
        let l = match convert(&given_l, &want) {
            Ok(v) => v,
            Err(e) => {
                conv_diags.push(Diagnostic::error(
                    "Invalid operand",
                    format!("Unsuitable value for left operand: {e}."),
                    lhs.span,
                ));
                Value::unknown(want.clone())
            }
        };
        let r = match convert(&given_r, &want) {
            Ok(v) => v,
            Err(e) => {
                conv_diags.push(Diagnostic::error(
                    "Invalid operand",
                    format!("Unsuitable value for right operand: {e}."),
                    rhs.span,
                ));
                Value::unknown(want.clone())
            }
        };
        if !conv_diags.is_empty() {
            // Type errors are reported (first) even when the other side would decide the
            // result.
            self.diags.extend(conv_diags);
            self.diags.extend(lhs_diags);
            self.diags.extend(rhs_diags);
            return Value::unknown(result_type(op));
        }
        if matches!(op, BinaryOp::And | BinaryOp::Or) {
            let (lu, lm) = l.clone().unmark();
            let (ru, rm) = r.clone().unmark();
            let lhs_errors = lhs_diags.iter().any(Diagnostic::is_error);
            if let Some((v, side)) = short_circuit(op, &lu, &ru, lhs_errors) {
                self.diags
                    .extend(if side == 0 { lhs_diags } else { rhs_diags });
                return v.with_marks(lm).with_marks(rm);
            }
        }
        let errors = lhs_diags
            .iter()
            .chain(rhs_diags.iter())
            .any(Diagnostic::is_error);
        self.diags.extend(lhs_diags);
        self.diags.extend(rhs_diags);
        if errors {
            return Value::unknown(result_type(op));
        }
        let result = match op {
            BinaryOp::Equal => return l.equals(&r),
            BinaryOp::NotEqual => return l.not_equals(&r),
            _ if l.is_null() || r.is_null() => Err("argument must not be null".to_string()),
            BinaryOp::And | BinaryOp::Or => Ok(logic(op, &l, &r)),
            BinaryOp::Add => arith(&l, ArithOp::Add, &r),
            BinaryOp::Subtract => arith(&l, ArithOp::Subtract, &r),
            BinaryOp::Multiply => arith(&l, ArithOp::Multiply, &r),
            BinaryOp::Divide => arith(&l, ArithOp::Divide, &r),
            BinaryOp::Modulo => arith(&l, ArithOp::Modulo, &r),
            BinaryOp::Less => compare(&l, CompareOp::Less, &r),
            BinaryOp::LessOrEqual => compare(&l, CompareOp::LessOrEqual, &r),
            BinaryOp::Greater => compare(&l, CompareOp::Greater, &r),
            BinaryOp::GreaterOrEqual => compare(&l, CompareOp::GreaterOrEqual, &r),
        };
        match result {
            Ok(v) => v,
            Err(msg) => {
                self.error(
                    "Operation failed",
                    format!("Error during operation: {msg}."),
                    span,
                );
                Value::unknown(result_type(op))
            }
        }
    }

    pub(crate) fn eval_unary(&mut self, op: UnaryOp, operand: &Expr, span: Span) -> Value {
        let given = self.eval(operand);
        let want = match op {
            UnaryOp::Negate => Type::Number,
            UnaryOp::Not => Type::Bool,
        };
        let v = match convert(&given, &want) {
            Ok(v) => v,
            Err(e) => {
                self.error(
                    "Invalid operand",
                    format!("Unsuitable value for unary operand: {e}."),
                    operand.span,
                );
                return Value::unknown(want);
            }
        };
        if v.is_null() {
            self.error(
                "Operation failed",
                "Error during operation: argument must not be null.",
                span,
            );
            return Value::unknown(want);
        }
        let r = match op {
            UnaryOp::Negate => v.negate(),
            UnaryOp::Not => v.not(),
        };
        match r {
            Ok(v) => v,
            Err(e) => {
                self.error(
                    "Operation failed",
                    format!("Error during operation: {}.", op_message(&e)),
                    span,
                );
                Value::unknown(want)
            }
        }
    }

    pub(crate) fn eval_conditional(&mut self, cond: &Expr, then: &Expr, otherwise: &Expr) -> Value {
        let (t, t_diags) = self.eval_apart(then);
        let (f, f_diags) = self.eval_apart(otherwise);
        let dyn_null = |v: &Value| v.is_null() && v.ty().is_dynamic();
        let result_ty = if dyn_null(&t) {
            Some(f.ty().clone())
        } else if dyn_null(&f) {
            Some(t.ty().clone())
        } else if t.ty().is_dynamic() || f.ty().is_dynamic() {
            Some(Type::Dynamic)
        } else {
            unify_unsafe(&[t.ty().clone(), f.ty().clone()])
        };
        let Some(result_ty) = result_ty else {
            self.error(
                "Inconsistent conditional result types",
                format!(
                    "The true and false result expressions must have consistent types. {}.",
                    describe_mismatch(t.ty(), f.ty())
                ),
                then.span.to(otherwise.span),
            );
            return Value::dynamic();
        };
        let c = self.eval(cond);
        if c.is_null() {
            self.error(
                "Null condition",
                "The condition value is null. Conditions must either be true or false.",
                cond.span,
            );
            return Value::unknown(result_ty);
        }
        let c = match convert(&c, &Type::Bool) {
            Ok(c) => c,
            Err(_) => {
                self.error(
                    "Incorrect condition type",
                    "The condition expression must be of type bool.",
                    cond.span,
                );
                return Value::unknown(result_ty);
            }
        };
        let (c, cond_marks) = c.unmark_deep();
        if !c.is_known() {
            self.diags.extend(t_diags);
            self.diags.extend(f_diags);
            if t.is_null() && f.is_null() {
                return Value::null(result_ty).with_marks(cond_marks);
            }
            let mut out = Value::unknown(result_ty);
            if t.is_known_not_null() && f.is_known_not_null() {
                out = out.refine(crate::value::Refinement::not_null());
            }
            return out.with_marks(cond_marks);
        }
        let (chosen, diags, which, span) = if c.as_bool() == Some(true) {
            (t, t_diags, "true", then.span)
        } else {
            (f, f_diags, "false", otherwise.span)
        };
        self.diags.extend(diags);
        let out = if result_ty.is_dynamic() {
            chosen
        } else {
            match convert(&chosen, &result_ty) {
                Ok(v) => v,
                Err(e) => {
                    self.error(
                        "Inconsistent conditional result types",
                        format!("The {which} result value has the wrong type: {e}."),
                        span,
                    );
                    Value::unknown(result_ty)
                }
            }
        };
        out.with_marks(cond_marks)
    }
}

fn logic(op: BinaryOp, l: &Value, r: &Value) -> Value {
    let out = match (l.as_bool(), r.as_bool()) {
        (Some(a), Some(b)) => Value::bool(if op == BinaryOp::And { a && b } else { a || b }),
        _ => unknown_bool(),
    };
    out.with_marks_of(&[l, r])
}

fn arith(l: &Value, op: ArithOp, r: &Value) -> Result<Value, String> {
    l.arith(op, r).map_err(|e| op_message(&e))
}

fn compare(l: &Value, op: CompareOp, r: &Value) -> Result<Value, String> {
    l.compare(op, r).map_err(|e| op_message(&e))
}

fn op_message(e: &OpError) -> String {
    e.to_string()
}

/// Why two result types do not unify, in HCL's words.
fn describe_mismatch(t: &Type, f: &Type) -> String {
    match (t, f) {
        (Type::Object(ta), Type::Object(fa)) => {
            for (name, tt) in ta.iter() {
                let Some(ft) = fa.get(name) else {
                    return format!("The 'true' value includes object attribute \"{name}\", which is absent in the 'false' value");
                };
                if tt != ft {
                    return format!(
                        "Type mismatch for object attribute \"{name}\": {}",
                        describe_mismatch(tt, ft)
                    );
                }
            }
            if let Some(name) = fa.keys().find(|k| !ta.contains_key(*k)) {
                return format!("The 'false' value includes object attribute \"{name}\", which is absent in the 'true' value");
            }
        }
        (Type::Tuple(te), Type::Tuple(fe)) => {
            if te.len() != fe.len() {
                return format!(
                    "The 'true' tuple has length {}, but the 'false' tuple has length {}",
                    te.len(),
                    fe.len()
                );
            }
            for (i, (a, b)) in te.iter().zip(fe.iter()).enumerate() {
                if a != b {
                    return format!(
                        "Type mismatch for tuple element {i}: {}",
                        describe_mismatch(a, b)
                    );
                }
            }
        }
        (Type::List(a), Type::List(b))
        | (Type::Map(a), Type::Map(b))
        | (Type::Set(a), Type::Set(b))
            if (a.is_object() && b.is_object()) || (a.is_tuple() && b.is_tuple()) =>
        {
            let noun = match t {
                Type::List(_) => "list",
                Type::Map(_) => "map",
                _ => "set",
            };
            return format!(
                "Mismatched {noun} element types: {}",
                describe_mismatch(a, b)
            );
        }
        _ => {}
    }
    format!(
        "The 'true' value is {}, but the 'false' value is {}",
        t.friendly_name(),
        f.friendly_name()
    )
}
