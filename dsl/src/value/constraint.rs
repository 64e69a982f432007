//! Type constraints: the `type = ...` expressions of variables (`string`, `list(number)`,
//! `object({a = string, b = optional(number, 1)})`, `any`, legacy bare `list`/`map`), parsed from
//! the syntax tree, and applied to a value as Terraform does for variables: defaults of optional
//! attributes filled in (recursively), missing optional attributes set to null, then conversion.

use std::collections::BTreeMap;

use super::convert::{convert, ConvertError};
use super::number::Number;
use super::types::Type;
use super::value::{Value, ValueKind};
use crate::diagnostic::Diagnostic;
use crate::syntax::ast::{Expr, ExprKind, Literal, TemplatePart, UnaryOp};
use crate::syntax::Span;

const SUMMARY: &str = "Invalid type specification";

/// A type constraint: a type whose object attributes may be optional, with defaults.
#[derive(Clone, Debug, PartialEq)]
pub enum Constraint {
    String,
    Number,
    Bool,
    Any,
    List(Box<Constraint>),
    Set(Box<Constraint>),
    Map(Box<Constraint>),
    Tuple(Vec<Constraint>),
    Object(BTreeMap<String, Attribute>),
}

/// One attribute of an object constraint.
#[derive(Clone, Debug, PartialEq)]
pub struct Attribute {
    pub constraint: Constraint,
    pub optional: bool,
    /// The default of `optional(T, default)`, already converted to `T`.
    pub default: Option<Value>,
}

impl Constraint {
    /// The type values are converted to (optional markers dropped, `any` as dynamic).
    pub fn ty(&self) -> Type {
        match self {
            Constraint::String => Type::String,
            Constraint::Number => Type::Number,
            Constraint::Bool => Type::Bool,
            Constraint::Any => Type::Dynamic,
            Constraint::List(e) => Type::list(e.ty()),
            Constraint::Set(e) => Type::set(e.ty()),
            Constraint::Map(e) => Type::map(e.ty()),
            Constraint::Tuple(es) => Type::tuple(es.iter().map(Constraint::ty).collect()),
            Constraint::Object(attrs) => Type::object_of(
                attrs
                    .iter()
                    .map(|(k, a)| (k.clone(), a.constraint.ty()))
                    .collect(),
            ),
        }
    }

    /// Whether any optional attribute appears anywhere inside.
    pub fn has_optional(&self) -> bool {
        match self {
            Constraint::List(e) | Constraint::Set(e) | Constraint::Map(e) => e.has_optional(),
            Constraint::Tuple(es) => es.iter().any(Constraint::has_optional),
            Constraint::Object(attrs) => attrs
                .values()
                .any(|a| a.optional || a.constraint.has_optional()),
            _ => false,
        }
    }
}

/// Parses a type-constraint expression.
pub fn parse_constraint(expr: &Expr) -> Result<Constraint, Diagnostic> {
    parse(expr)
}

fn invalid(span: Span, detail: impl Into<String>) -> Diagnostic {
    Diagnostic::error(SUMMARY, detail, span)
}

fn parse(expr: &Expr) -> Result<Constraint, Diagnostic> {
    match &expr.kind {
        ExprKind::Variable(id) => match id.name.as_str() {
            "string" => Ok(Constraint::String),
            "number" => Ok(Constraint::Number),
            "bool" => Ok(Constraint::Bool),
            "any" => Ok(Constraint::Any),
            // Legacy shorthands from before Terraform 0.12.
            "list" => Ok(Constraint::List(Box::new(Constraint::Any))),
            "map" => Ok(Constraint::Map(Box::new(Constraint::Any))),
            "set" => Err(invalid(expr.span, "The set type constructor requires one argument specifying the element type.")),
            "object" => Err(invalid(
                expr.span,
                "The object type constructor requires one argument specifying the attribute types and values as a map.",
            )),
            "tuple" => Err(invalid(expr.span, "The tuple type constructor requires one argument specifying the element types as a list.")),
            "optional" => Err(optional_misplaced(expr.span)),
            other => Err(invalid(expr.span, format!("The keyword {:?} is not a valid type specification.", other))),
        },
        ExprKind::FunctionCall { name, args, .. } if name.len() == 1 => {
            let fname = name[0].name.as_str();
            let one_arg = |what: &str| -> Result<&Expr, Diagnostic> {
                match args.as_slice() {
                    [a] => Ok(a),
                    _ => Err(invalid(
                        extra_args_span(expr.span, args),
                        format!("The {fname} type constructor requires one argument specifying {what}."),
                    )),
                }
            };
            match fname {
                "list" | "set" | "map" => {
                    let inner = parse(one_arg("the element type")?)?;
                    Ok(match fname {
                        "list" => Constraint::List(Box::new(inner)),
                        "set" => Constraint::Set(Box::new(inner)),
                        _ => Constraint::Map(Box::new(inner)),
                    })
                }
                "tuple" => {
                    let arg = one_arg("the element types as a list")?;
                    let ExprKind::Tuple(elems) = &arg.kind else {
                        return Err(invalid(arg.span, "Tuple type constructor requires a list of element types."));
                    };
                    Ok(Constraint::Tuple(elems.iter().map(parse).collect::<Result<_, _>>()?))
                }
                "object" => {
                    let arg = one_arg("the attribute types and values as a map")?;
                    parse_object(arg)
                }
                "optional" => Err(optional_misplaced(name[0].span)),
                "string" | "number" | "bool" | "any" => Err(invalid(
                    expr.span,
                    format!("Primitive type keyword {fname:?} does not expect arguments."),
                )),
                other => Err(invalid(name[0].span, format!("Keyword {other:?} is not a valid type constructor."))),
            }
        }
        ExprKind::Parenthesized(inner) => parse(inner),
        ExprKind::Template(t) if t.parts.iter().all(|p| matches!(p, TemplatePart::Literal { .. })) => Err(invalid(
            expr.span,
            "A type specification is either a primitive type keyword (bool, number, string) or a complex type constructor call, like list(string). Quoted type constraints are no longer supported: remove the quotes.",
        )),
        _ => Err(invalid(
            expr.span,
            "A type specification is either a primitive type keyword (bool, number, string) or a complex type constructor call, like list(string).",
        )),
    }
}

/// Where the surplus arguments of a call are (the whole call when there are none).
fn extra_args_span(call: Span, args: &[Expr]) -> Span {
    match args {
        [_, second, .., last] => Span::new(second.span.start, last.span.end),
        [_, second] => second.span,
        _ => call,
    }
}

fn optional_misplaced(span: Span) -> Diagnostic {
    invalid(
        span,
        "Keyword \"optional\" is valid only as a modifier for object type attributes.",
    )
}

fn parse_object(arg: &Expr) -> Result<Constraint, Diagnostic> {
    let ExprKind::Object(items) = &arg.kind else {
        return Err(invalid(
            arg.span,
            "Object type constructor requires a map whose keys are attribute names and whose values are the corresponding attribute types.",
        ));
    };
    let mut attrs = BTreeMap::new();
    for item in items {
        // Only bare names: a quoted key is not an attribute name here, as in HCL's typeexpr.
        let name = match &item.key.kind {
            ExprKind::Variable(id) => id.name.clone(),
            _ => {
                return Err(invalid(
                    item.key.span,
                    "Object constructor map keys must be attribute names.",
                ))
            }
        };
        let attr = match &item.value.kind {
            ExprKind::FunctionCall {
                name: fname, args, ..
            } if fname.len() == 1 && fname[0].name == "optional" => {
                parse_optional(&item.value, fname[0].span, args)?
            }
            _ => Attribute {
                constraint: parse(&item.value)?,
                optional: false,
                default: None,
            },
        };
        if attrs.insert(name.clone(), attr).is_some() {
            return Err(Diagnostic::error(
                "Duplicate attribute",
                format!("Attribute {name:?} is defined more than once in this object type."),
                item.key.span,
            ));
        }
    }
    Ok(Constraint::Object(attrs))
}

fn parse_optional(call: &Expr, name: Span, args: &[Expr]) -> Result<Attribute, Diagnostic> {
    match args {
        [] => Err(invalid(call.span, "Optional attribute modifier requires the attribute type as its first argument.")),
        [ty] => Ok(Attribute { constraint: parse(ty)?, optional: true, default: None }),
        [ty, default] => {
            let constraint = parse(ty)?;
            let raw = constant_value(default)?;
            let converted = convert_to_constraint(&raw, &constraint).map_err(|e| {
                Diagnostic::error(
                    "Invalid default value for optional attribute",
                    format!("This default value is not compatible with the attribute's type constraint: {e}."),
                    default.span,
                )
            })?;
            Ok(Attribute { constraint, optional: true, default: Some(converted) })
        }
        _ => Err(invalid(
            Span::new(name.end, call.span.end),
            "Optional attribute modifier expects at most two arguments: the attribute type, and a default value.",
        )),
    }
}

/// Evaluates a constant expression (no variables or functions), as the defaults of optional
/// attributes must be.
pub fn constant_value(expr: &Expr) -> Result<Value, Diagnostic> {
    match &expr.kind {
        ExprKind::Literal(Literal::Null) => Ok(Value::null(Type::Dynamic)),
        ExprKind::Literal(Literal::Bool(b)) => Ok(Value::bool(*b)),
        ExprKind::Number(text) => Number::parse(text).map(Value::number).map_err(|e| {
            Diagnostic::error(
                "Invalid number literal",
                format!("Failed to recognize the value of this number literal: {e}."),
                expr.span,
            )
        }),
        ExprKind::Template(t) => {
            let mut out = String::new();
            for part in &t.parts {
                match part {
                    TemplatePart::Literal { text, .. } => out.push_str(text),
                    TemplatePart::Interpolation { expr: inner, .. } => {
                        let v = constant_value(inner)?;
                        let s = convert(&v, &Type::String).map_err(|e| {
                            Diagnostic::error(
                                "Invalid template interpolation value",
                                format!(
                                    "Cannot include the given value in a string template: {e}."
                                ),
                                inner.span,
                            )
                        })?;
                        match s.as_str() {
                            Some(text) => out.push_str(text),
                            None => return Err(not_constant(inner.span)),
                        }
                    }
                    _ => return Err(not_constant(expr.span)),
                }
            }
            Ok(Value::string(out))
        }
        ExprKind::Tuple(elems) => Ok(Value::tuple(
            elems.iter().map(constant_value).collect::<Result<_, _>>()?,
        )),
        ExprKind::Object(items) => {
            let mut attrs = BTreeMap::new();
            for item in items {
                let key = match &item.key.kind {
                    ExprKind::Variable(id) => id.name.clone(),
                    _ => {
                        let k = constant_value(&item.key)?;
                        let k = convert(&k, &Type::String)
                            .ok()
                            .and_then(|v| v.as_str().map(str::to_string));
                        k.ok_or_else(|| {
                            Diagnostic::error(
                                "Incorrect key type",
                                "Can't use this value as a key: string required.",
                                item.key.span,
                            )
                        })?
                    }
                };
                attrs.insert(key, constant_value(&item.value)?);
            }
            Ok(Value::object(attrs))
        }
        ExprKind::Parenthesized(inner) => constant_value(inner),
        ExprKind::Unary {
            op: UnaryOp::Negate,
            operand,
            ..
        } => {
            let v = constant_value(operand)?;
            match v.as_number() {
                Some(n) => Ok(Value::number(n.neg())),
                None => Err(Diagnostic::error(
                    "Invalid operand",
                    "Unsuitable value for unary operand: number required.",
                    operand.span,
                )),
            }
        }
        ExprKind::Unary {
            op: UnaryOp::Not,
            operand,
            ..
        } => {
            let v = constant_value(operand)?;
            match v.as_bool() {
                Some(b) => Ok(Value::bool(!b)),
                None => Err(Diagnostic::error(
                    "Invalid operand",
                    "Unsuitable value for unary operand: bool required.",
                    operand.span,
                )),
            }
        }
        ExprKind::Variable(_) | ExprKind::GetAttr { .. } | ExprKind::Index { .. } => {
            Err(Diagnostic::error(
                "Variables not allowed",
                "Variables may not be used here.",
                expr.span,
            ))
        }
        ExprKind::FunctionCall { .. } => Err(Diagnostic::error(
            "Function calls not allowed",
            "Functions may not be called here.",
            expr.span,
        )),
        _ => Err(not_constant(expr.span)),
    }
}

fn not_constant(span: Span) -> Diagnostic {
    Diagnostic::error(
        "Invalid default value",
        "The default value of an optional attribute must be a constant.",
        span,
    )
}

/// Applies a constraint to a value as Terraform does for a variable: defaults of optional
/// attributes fill in absent or null attributes (at every depth), other absent optional
/// attributes become null, and the result is converted to the constraint's type.
pub fn convert_to_constraint(
    value: &Value,
    constraint: &Constraint,
) -> Result<Value, ConvertError> {
    if !constraint.has_optional() {
        return convert(value, &constraint.ty());
    }
    let prepared = apply_defaults(value, constraint);
    convert(&prepared, &constraint.ty())
}

/// Fills defaults and nulls for optional attributes, following the constraint into
/// collections, without converting anything else.
pub fn apply_defaults(value: &Value, constraint: &Constraint) -> Value {
    if !value.is_known() || value.is_null() || !constraint.has_optional() {
        return value.clone();
    }
    let (plain, marks) = value.clone().unmark();
    let result = match (plain.kind(), constraint) {
        (ValueKind::Object(attrs), Constraint::Object(want)) => {
            let mut out = attrs.to_map();
            for (name, attr) in want {
                let present = out.get(name).is_some_and(|v| !v.is_null());
                if !present {
                    if let Some(d) = &attr.default {
                        out.insert(name.clone(), d.clone());
                    } else if attr.optional && !out.contains_key(name) {
                        out.insert(name.clone(), Value::null(attr.constraint.ty()));
                    }
                }
                if let Some(v) = out.remove(name) {
                    out.insert(name.clone(), apply_defaults(&v, &attr.constraint));
                }
            }
            Value::object(out)
        }
        (ValueKind::Map(entries), Constraint::Object(want)) => {
            // A map becomes an object only by conversion; fill what it lacks with its own
            // element type so the conversion can proceed.
            let mut out = entries.to_map();
            let ety = plain.ty().element_type().cloned().unwrap_or(Type::Dynamic);
            for (name, attr) in want {
                if out.get(name).is_none_or(Value::is_null) {
                    if let Some(d) = &attr.default {
                        if let Ok(d) = convert(d, &ety) {
                            out.insert(name.clone(), d);
                        }
                    } else if attr.optional {
                        out.insert(name.clone(), Value::null(ety.clone()));
                    }
                }
            }
            Value::map(ety, out).unwrap_or(plain.clone())
        }
        (
            ValueKind::List(es) | ValueKind::Set(es) | ValueKind::Tuple(es),
            Constraint::List(ec) | Constraint::Set(ec),
        ) => rebuild_sequence(&plain, es.iter().map(|e| apply_defaults(e, ec)).collect()),
        (ValueKind::Tuple(es), Constraint::Tuple(cs)) if es.len() == cs.len() => Value::tuple(
            es.iter()
                .zip(cs)
                .map(|(e, c)| apply_defaults(e, c))
                .collect(),
        ),
        (ValueKind::Map(entries) | ValueKind::Object(entries), Constraint::Map(ec)) => {
            let out: BTreeMap<String, Value> = entries
                .iter()
                .map(|(k, v)| (k.clone(), apply_defaults(v, ec)))
                .collect();
            let first = out.values().next().map(|v| v.ty().clone());
            match first {
                Some(ety) if plain.ty().is_map() && out.values().all(|v| *v.ty() == ety) => {
                    Value::map(ety, out.clone()).unwrap_or_else(|_| Value::object(out))
                }
                _ => Value::object(out),
            }
        }
        _ => plain.clone(),
    };
    result.with_marks(marks)
}

/// Rebuilds a list or set with new elements when they still share one type, else a tuple.
fn rebuild_sequence(original: &Value, elems: Vec<Value>) -> Value {
    let Some(ety) = elems.first().map(|e| e.ty().clone()) else {
        return original.clone();
    };
    if elems.iter().any(|e| *e.ty() != ety) {
        return Value::tuple(elems);
    }
    let rebuilt = match original.ty() {
        Type::List(_) => Value::list(ety, elems.clone()),
        Type::Set(_) => Value::set(ety, elems.clone()),
        _ => return Value::tuple(elems),
    };
    rebuilt.unwrap_or_else(|_| Value::tuple(elems))
}

#[cfg(test)]
#[path = "constraint_tests.rs"]
mod tests;
