//! Type-conversion and mark functions: tobool tolist tomap tonumber toset tostring type
//! sensitive nonsensitive issensitive ephemeralasnull.
//!
//! `type(value)` returns the type's console form (`number`, `list(string)`, `object({...})`)
//! as a string carrying the mark [`TYPE_MARK`], so that the evaluator can print it unquoted as
//! Terraform does.

use super::util::{a, arg_err, computed, p, simple, Builtin, ParamExt};
use super::CallError;
use crate::value::convert::conversion_exists;
use crate::value::{convert, Mark, Type, Value};

/// The mark on the result of `type()`: the string is a type expression, not a value.
pub const TYPE_MARK: &str = "terraform-type";

fn vparam() -> super::Param {
    p("v", Type::Dynamic).null().marked()
}

pub(super) fn register(list: &mut Vec<Builtin>) {
    list.push(simple("tobool", vec![vparam()], Type::Bool, |args, _| {
        to(args, &Type::Bool)
    }));
    list.push(simple(
        "tonumber",
        vec![vparam()],
        Type::Number,
        |args, _| to(args, &Type::Number),
    ));
    list.push(simple(
        "tostring",
        vec![vparam()],
        Type::String,
        |args, _| to(args, &Type::String),
    ));
    list.push(computed(
        "tolist",
        vec![vparam()],
        None,
        |args| Ok(converted_type(args, &Type::list(Type::Dynamic))),
        |args, _| to(args, &Type::list(Type::Dynamic)),
    ));
    list.push(computed(
        "toset",
        vec![vparam()],
        None,
        |args| Ok(converted_type(args, &Type::set(Type::Dynamic))),
        |args, _| to(args, &Type::set(Type::Dynamic)),
    ));
    list.push(computed(
        "tomap",
        vec![vparam()],
        None,
        |args| Ok(converted_type(args, &Type::map(Type::Dynamic))),
        |args, _| to(args, &Type::map(Type::Dynamic)),
    ));
    let any = || p("value", Type::Dynamic).null().unknown().marked();
    list.push(computed(
        "sensitive",
        vec![any()],
        None,
        super::util::same_as_0,
        |args, _| Ok(a(args, 0)?.clone().mark(Mark::Sensitive)),
    ));
    list.push(computed(
        "nonsensitive",
        vec![any()],
        None,
        super::util::same_as_0,
        |args, _| {
            let v = a(args, 0)?.clone();
            let (v, mut marks) = v.unmark();
            marks.remove(&Mark::Sensitive);
            Ok(v.with_marks(marks))
        },
    ));
    list.push(simple("issensitive", vec![any()], Type::Bool, |args, _| {
        Ok(Value::bool(a(args, 0)?.is_sensitive()))
    }));
    list.push(computed(
        "ephemeralasnull",
        vec![any()],
        None,
        super::util::same_as_0,
        |args, _| Ok(ephemeral_as_null(a(args, 0)?)),
    ));
    list.push(simple("type", vec![any()], Type::String, |args, _| {
        let v = a(args, 0)?;
        Ok(Value::string(v.ty().console_string()).mark(Mark::Other(TYPE_MARK.into())))
    }));
}

/// The type `to*` gives an argument of this type (an unknown of the argument's type converted).
fn converted_type(args: &[Value], want: &Type) -> Type {
    args.first()
        .and_then(|v| convert(&Value::unknown(v.ty().clone()), want).ok())
        .map(|v| v.ty().clone())
        .unwrap_or_else(|| want.clone())
}

fn ephemeral_as_null(v: &Value) -> Value {
    if v.has_mark(&Mark::Ephemeral) {
        return Value::null(v.ty().clone());
    }
    if !v.contains_marked() {
        return v.clone();
    }
    let (plain, marks) = v.clone().unmark();
    let out = match plain.kind() {
        crate::value::ValueKind::List(es) => {
            let es: Vec<Value> = es.iter().map(ephemeral_as_null).collect();
            Value::list(
                plain.ty().element_type().cloned().unwrap_or(Type::Dynamic),
                es,
            )
            .unwrap_or(plain)
        }
        crate::value::ValueKind::Tuple(es) => {
            Value::tuple(es.iter().map(ephemeral_as_null).collect())
        }
        crate::value::ValueKind::Map(m) => {
            let m = m
                .iter()
                .map(|(k, e)| (k.clone(), ephemeral_as_null(e)))
                .collect();
            Value::map(
                plain.ty().element_type().cloned().unwrap_or(Type::Dynamic),
                m,
            )
            .unwrap_or(plain)
        }
        crate::value::ValueKind::Object(m) => Value::object(
            m.iter()
                .map(|(k, e)| (k.clone(), ephemeral_as_null(e)))
                .collect(),
        ),
        _ => plain,
    };
    out.with_marks(marks)
}

fn to(args: &[Value], want: &Type) -> Result<Value, CallError> {
    let v = a(args, 0)?;
    if !conversion_exists(v.ty(), want, true) {
        return Err(arg_err(
            0,
            format!(
                "cannot convert {} to {}",
                v.ty().friendly_name(),
                want.friendly_name_for_constraint()
            ),
        ));
    }
    match convert(v, want) {
        Ok(r) => Ok(r),
        Err(e) => {
            let (plain, marks) = v.clone().unmark_deep();
            if marks.contains(&Mark::Sensitive) {
                return Err(arg_err(
                    0,
                    format!(
                        "cannot convert this sensitive {} to {}",
                        plain.ty().friendly_name(),
                        want.friendly_name_for_constraint()
                    ),
                ));
            }
            if let Some(text) = plain.as_str() {
                let q = crate::value::types::go_quote(text);
                if *want == Type::Number {
                    return Err(arg_err(0, format!("cannot convert {q} to number; given string must be a decimal representation of a number")));
                }
                if *want == Type::Bool {
                    return Err(arg_err(0, format!("cannot convert {q} to bool; only the strings \"true\" or \"false\" are allowed")));
                }
            }
            Err(arg_err(
                0,
                format!(
                    "cannot convert {} to {}: {e}",
                    v.ty().friendly_name(),
                    want.friendly_name_for_constraint()
                ),
            ))
        }
    }
}
