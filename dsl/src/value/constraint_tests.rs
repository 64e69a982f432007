//! Tests of type constraints built from hand-made syntax trees.

use super::*;
use crate::syntax::ast::{Ident, ObjectItem, Template};

fn sp() -> Span {
    Span::new(0, 0)
}

fn e(kind: ExprKind) -> Expr {
    Expr { kind, span: sp() }
}

fn ident(name: &str) -> Ident {
    Ident {
        name: name.to_string(),
        span: sp(),
    }
}

fn var(name: &str) -> Expr {
    e(ExprKind::Variable(ident(name)))
}

fn call(name: &str, args: Vec<Expr>) -> Expr {
    e(ExprKind::FunctionCall {
        name: vec![ident(name)],
        args,
        expand_final: false,
    })
}

fn object(items: Vec<(&str, Expr)>) -> Expr {
    e(ExprKind::Object(
        items
            .into_iter()
            .map(|(k, v)| ObjectItem {
                key: var(k),
                value: v,
                colon: false,
            })
            .collect(),
    ))
}

fn tuple(items: Vec<Expr>) -> Expr {
    e(ExprKind::Tuple(items))
}

fn num(s: &str) -> Expr {
    e(ExprKind::Number(s.to_string()))
}

fn text(s: &str) -> Expr {
    e(ExprKind::Template(Template {
        parts: vec![TemplatePart::Literal {
            text: s.to_string(),
            span: sp(),
        }],
        heredoc: None,
    }))
}

fn n(s: &str) -> Value {
    Value::number(Number::parse(s).unwrap())
}

#[test]
fn parses_types() {
    assert_eq!(parse_constraint(&var("string")).unwrap().ty(), Type::String);
    assert_eq!(parse_constraint(&var("any")).unwrap().ty(), Type::Dynamic);
    assert_eq!(
        parse_constraint(&var("list")).unwrap().ty(),
        Type::list(Type::Dynamic)
    );
    assert_eq!(
        parse_constraint(&var("map")).unwrap().ty(),
        Type::map(Type::Dynamic)
    );
    let c = parse_constraint(&call("map", vec![call("list", vec![var("number")])])).unwrap();
    assert_eq!(c.ty(), Type::map(Type::list(Type::Number)));
    let c = parse_constraint(&call(
        "tuple",
        vec![tuple(vec![var("bool"), call("set", vec![var("string")])])],
    ))
    .unwrap();
    assert_eq!(
        c.ty(),
        Type::tuple(vec![Type::Bool, Type::set(Type::String)])
    );
    let c = parse_constraint(&call(
        "object",
        vec![object(vec![
            ("b", var("number")),
            ("a", call("optional", vec![var("string")])),
        ])],
    ))
    .unwrap();
    assert_eq!(
        c.ty(),
        Type::object([("a", Type::String), ("b", Type::Number)])
    );
    assert!(c.has_optional());
}

#[test]
fn reports_bad_types() {
    let d = parse_constraint(&var("strin")).unwrap_err();
    assert_eq!(d.summary, "Invalid type specification");
    assert_eq!(
        d.detail,
        "The keyword \"strin\" is not a valid type specification."
    );
    let d = parse_constraint(&call("list", vec![])).unwrap_err();
    assert_eq!(
        d.detail,
        "The list type constructor requires one argument specifying the element type."
    );
    let d = parse_constraint(&call("optional", vec![var("string")])).unwrap_err();
    assert!(d
        .detail
        .contains("only as a modifier for object type attributes"));
    let d = parse_constraint(&call("object", vec![tuple(vec![])])).unwrap_err();
    assert!(d
        .detail
        .starts_with("Object type constructor requires a map"));
    let quoted_key = e(ExprKind::Object(vec![ObjectItem {
        key: text("q"),
        value: var("string"),
        colon: false,
    }]));
    let d = parse_constraint(&call("object", vec![quoted_key])).unwrap_err();
    assert_eq!(
        d.detail,
        "Object constructor map keys must be attribute names."
    );
    let two = e(ExprKind::FunctionCall {
        name: vec![ident("list")],
        args: vec![
            var("string"),
            Expr {
                kind: ExprKind::Variable(ident("number")),
                span: Span::new(13, 19),
            },
        ],
        expand_final: false,
    });
    assert_eq!(parse_constraint(&two).unwrap_err().span, Span::new(13, 19));
    let d = parse_constraint(&text("string")).unwrap_err();
    assert!(d.detail.contains("Quoted type constraints"));
    let d = parse_constraint(&num("1")).unwrap_err();
    assert!(d.detail.starts_with("A type specification is either"));
    let bad_default = call(
        "object",
        vec![object(vec![(
            "a",
            call("optional", vec![var("number"), text("x")]),
        )])],
    );
    let d = parse_constraint(&bad_default).unwrap_err();
    assert_eq!(d.summary, "Invalid default value for optional attribute");
    let not_const = call(
        "object",
        vec![object(vec![(
            "a",
            call("optional", vec![var("number"), var("local")]),
        )])],
    );
    assert_eq!(
        parse_constraint(&not_const).unwrap_err().summary,
        "Variables not allowed"
    );
}

/// Terraform 1.15.5: `object({ a = string, b = optional(number, 5), c = optional(list(object({x =
/// optional(bool, true)}))) })` with default `{ a = "x", c = [{}] }` gives
/// `{"a":"x","b":5,"c":[{"x":true}]}`.
#[test]
fn applies_defaults_like_terraform() {
    let inner = call(
        "object",
        vec![object(vec![(
            "x",
            call(
                "optional",
                vec![var("bool"), e(ExprKind::Literal(Literal::Bool(true)))],
            ),
        )])],
    );
    let c = parse_constraint(&call(
        "object",
        vec![object(vec![
            ("a", var("string")),
            ("b", call("optional", vec![var("number"), num("5")])),
            ("c", call("optional", vec![call("list", vec![inner])])),
        ])],
    ))
    .unwrap();
    let v = Value::object_from([
        ("a", Value::string("x")),
        (
            "c",
            Value::tuple(vec![Value::object_from(Vec::<(String, Value)>::new())]),
        ),
    ]);
    let out = convert_to_constraint(&v, &c).unwrap();
    assert_eq!(
        crate::value::to_json(&out).unwrap(),
        r#"{"a":"x","b":5,"c":[{"x":true}]}"#
    );
    assert_eq!(out.ty(), &c.ty());
    // Absent optional attributes without a default are null; null ones get the default.
    let v = Value::object_from([("a", Value::string("x")), ("b", Value::null(Type::Number))]);
    let out = convert_to_constraint(&v, &c).unwrap();
    assert_eq!(
        crate::value::to_json(&out).unwrap(),
        r#"{"a":"x","b":5,"c":null}"#
    );
    // The required attribute is still required.
    let err = convert_to_constraint(&Value::object_from([("b", n("1"))]), &c).unwrap_err();
    assert_eq!(err.to_string(), "attribute \"a\" is required");
    // A null object stays null.
    let out = convert_to_constraint(&Value::null(Type::Dynamic), &c).unwrap();
    assert!(out.is_null());
    assert_eq!(out.ty(), &c.ty());
}

#[test]
fn defaults_inside_collections() {
    let elem = call(
        "object",
        vec![object(vec![
            ("n", var("string")),
            ("port", call("optional", vec![var("number"), num("80")])),
        ])],
    );
    let c = parse_constraint(&call("map", vec![elem])).unwrap();
    let v = Value::object_from([
        ("web", Value::object_from([("n", Value::string("w"))])),
        (
            "db",
            Value::object_from([("n", Value::string("d")), ("port", n("5432"))]),
        ),
    ]);
    let out = convert_to_constraint(&v, &c).unwrap();
    assert_eq!(
        crate::value::to_json(&out).unwrap(),
        r#"{"db":{"n":"d","port":5432},"web":{"n":"w","port":80}}"#
    );
    assert!(out.ty().is_map());
}

#[test]
fn constant_values() {
    let neg = e(ExprKind::Unary {
        op: UnaryOp::Negate,
        op_span: sp(),
        operand: Box::new(num("1.5")),
    });
    assert_eq!(constant_value(&neg).unwrap(), n("-1.5"));
    let o = object(vec![(
        "a",
        tuple(vec![text("x"), e(ExprKind::Literal(Literal::Null))]),
    )]);
    let v = constant_value(&o).unwrap();
    assert_eq!(crate::value::to_json(&v).unwrap(), r#"{"a":["x",null]}"#);
    assert_eq!(
        constant_value(&call("f", vec![])).unwrap_err().summary,
        "Function calls not allowed"
    );
}
