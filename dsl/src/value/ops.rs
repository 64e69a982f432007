//! Arithmetic and comparison on values, as cty's `Value.Add`, `LessThan`, ... do them: the
//! operands are numbers (the evaluator converts them first), an unknown operand gives an
//! unknown result, and the result carries the marks of both operands.

use std::cmp::Ordering;

use super::number::{Number, NumberError};
use super::types::Type;
use super::value::{Value, ValueKind};

/// `+ - * / %`
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArithOp {
    Add,
    Subtract,
    Multiply,
    Divide,
    Modulo,
}

/// `< <= > >=`
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompareOp {
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
}

/// Why an operation could not produce a value.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum OpError {
    /// An operand is not a number (or is null); `0` is 0 for the left operand, 1 for the right.
    #[error("a number is required")]
    NotNumber(usize),
    /// An operand is not a bool (or is null).
    #[error("a bool is required")]
    NotBool(usize),
    /// The arithmetic itself failed (opposing infinities, zero divided by zero, ...).
    #[error(transparent)]
    Number(#[from] NumberError),
}

enum Operand<'a> {
    Unknown,
    Known(&'a Number),
}

fn number_operand(v: &Value, index: usize) -> Result<Operand<'_>, OpError> {
    match v.kind() {
        ValueKind::Unknown if matches!(v.ty(), Type::Number | Type::Dynamic) => {
            Ok(Operand::Unknown)
        }
        ValueKind::Number(n) => Ok(Operand::Known(n)),
        _ => Err(OpError::NotNumber(index)),
    }
}

impl Value {
    /// `self op other` on numbers.
    pub fn arith(&self, op: ArithOp, other: &Value) -> Result<Value, OpError> {
        let (a, b) = (number_operand(self, 0)?, number_operand(other, 1)?);
        let result = match (a, b) {
            (Operand::Known(x), Operand::Known(y)) => Value::number(match op {
                ArithOp::Add => x.add(y)?,
                ArithOp::Subtract => x.sub(y)?,
                ArithOp::Multiply => x.mul(y)?,
                ArithOp::Divide => x.div(y)?,
                ArithOp::Modulo => x.rem(y)?,
            }),
            _ => Value::unknown_not_null(Type::Number),
        };
        Ok(result.with_marks_of(&[self, other]))
    }

    /// `self op other` on numbers, giving a bool.
    pub fn compare(&self, op: CompareOp, other: &Value) -> Result<Value, OpError> {
        let (a, b) = (number_operand(self, 0)?, number_operand(other, 1)?);
        let result = match (a, b) {
            (Operand::Known(x), Operand::Known(y)) => {
                let ord = x.cmp_num(y);
                Value::bool(match op {
                    CompareOp::Less => ord == Ordering::Less,
                    CompareOp::LessOrEqual => ord != Ordering::Greater,
                    CompareOp::Greater => ord == Ordering::Greater,
                    CompareOp::GreaterOrEqual => ord != Ordering::Less,
                })
            }
            _ => Value::unknown_not_null(Type::Bool),
        };
        Ok(result.with_marks_of(&[self, other]))
    }

    /// `-self` on a number.
    pub fn negate(&self) -> Result<Value, OpError> {
        let result = match number_operand(self, 0)? {
            Operand::Known(x) => Value::number(x.neg()),
            Operand::Unknown => Value::unknown_not_null(Type::Number),
        };
        Ok(result.with_marks_of(&[self]))
    }

    /// `!self` on a bool.
    pub fn not(&self) -> Result<Value, OpError> {
        let result = match self.kind() {
            ValueKind::Bool(b) => Value::bool(!b),
            ValueKind::Unknown if matches!(self.ty(), Type::Bool | Type::Dynamic) => {
                Value::unknown_not_null(Type::Bool)
            }
            _ => return Err(OpError::NotBool(0)),
        };
        Ok(result.with_marks_of(&[self]))
    }

    /// The `!=` operator: the negation of [`Value::equals`].
    pub fn not_equals(&self, other: &Value) -> Value {
        let eq = self.equals(other);
        match eq.as_bool() {
            Some(b) => Value::bool(!b).with_marks_of(&[&eq]),
            None => eq,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::Mark;

    fn n(s: &str) -> Value {
        Value::number(Number::parse(s).unwrap())
    }

    #[test]
    fn arithmetic() {
        let r = n("0.1").arith(ArithOp::Add, &n("0.2")).unwrap();
        assert_eq!(r.equals(&n("0.3")).as_bool(), Some(true));
        let r = n("-7").arith(ArithOp::Modulo, &n("3")).unwrap();
        assert_eq!(r.as_number().unwrap().to_text(), "-1");
        let r = n("1").arith(ArithOp::Divide, &n("0")).unwrap();
        assert!(r.as_number().unwrap().is_infinite());
        let e = n("0").arith(ArithOp::Divide, &n("0")).unwrap_err();
        assert_eq!(
            e.to_string(),
            "can't divide zero by zero or infinity by infinity"
        );
        assert_eq!(
            Value::string("1").arith(ArithOp::Add, &n("1")),
            Err(OpError::NotNumber(0))
        );
        assert_eq!(
            n("1").arith(ArithOp::Add, &Value::null(Type::Number)),
            Err(OpError::NotNumber(1))
        );
        let u = n("1").arith(ArithOp::Add, &Value::dynamic()).unwrap();
        assert!(!u.is_known() && u.ty() == &Type::Number && u.is_known_not_null());
        let secret = n("2").mark(Mark::Sensitive);
        assert!(secret
            .arith(ArithOp::Multiply, &n("3"))
            .unwrap()
            .is_sensitive());
        assert_eq!(
            n("5").negate().unwrap().as_number().unwrap().to_text(),
            "-5"
        );
    }

    #[test]
    fn comparisons() {
        let t = |a: &str, op, b: &str| n(a).compare(op, &n(b)).unwrap().as_bool();
        assert_eq!(t("1", CompareOp::Less, "2"), Some(true));
        assert_eq!(t("2", CompareOp::LessOrEqual, "2"), Some(true));
        assert_eq!(t("-0", CompareOp::GreaterOrEqual, "0"), Some(true));
        assert_eq!(t("1e300", CompareOp::Greater, "inf"), Some(false));
        let u = n("1")
            .compare(CompareOp::Less, &Value::unknown(Type::Number))
            .unwrap();
        assert_eq!(u.ty(), &Type::Bool);
        assert!(!u.is_known());
        assert_eq!(Value::bool(true).not().unwrap().as_bool(), Some(false));
        assert_eq!(n("1").not(), Err(OpError::NotBool(0)));
        assert_eq!(n("1").not_equals(&n("2")).as_bool(), Some(true));
        assert!(!n("1").not_equals(&Value::dynamic()).is_known());
    }
}
