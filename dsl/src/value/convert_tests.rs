//! Tests of conversion: results and error messages as Terraform gives them, and round trips.

use super::*;
use crate::value::marks::Mark;
use proptest::prelude::*;

fn num(s: &str) -> Value {
    Value::number(Number::parse(s).unwrap())
}

fn s(x: &str) -> Value {
    Value::string(x)
}

fn obj(pairs: &[(&str, Value)]) -> Value {
    Value::object_from(pairs.iter().cloned())
}

fn err(v: &Value, t: &Type) -> String {
    convert(v, t).unwrap_err().to_string()
}

#[test]
fn primitives() {
    assert_eq!(convert(&s("1.50"), &Type::Number).unwrap(), num("1.5"));
    assert_eq!(convert(&num("1.5"), &Type::String).unwrap(), s("1.5"));
    assert_eq!(
        convert(&Value::bool(true), &Type::String).unwrap(),
        s("true")
    );
    assert_eq!(
        convert(&s("false"), &Type::Bool).unwrap(),
        Value::bool(false)
    );
    assert_eq!(convert(&s("1"), &Type::Bool).unwrap(), Value::bool(true));
    assert_eq!(err(&s("abc"), &Type::Number), "a number is required");
    assert_eq!(err(&s("yes"), &Type::Bool), "a bool is required");
    assert_eq!(
        err(&s("True"), &Type::Bool),
        "a bool is required; to convert from string, use lowercase \"true\""
    );
    assert_eq!(
        err(&Value::bool(true), &Type::Number),
        "number required, but have bool"
    );
    assert!(convert_safe(&s("1"), &Type::Number).is_err());
    assert!(convert_safe(&num("1"), &Type::String).is_ok());
}

/// Messages Terraform 1.15.5 printed for variable defaults that did not fit their type.
#[test]
fn terraform_messages() {
    let want = Type::object([
        ("a", Type::String),
        ("b", Type::list(Type::Number)),
        ("m", Type::map(Type::Bool)),
    ]);
    let m = |v: &str| Value::object_from([("k", s(v))]);
    let v = obj(&[
        ("a", Value::tuple(vec![num("1")])),
        ("b", Value::tuple(vec![num("1"), s("x")])),
        ("m", m("maybe")),
    ]);
    assert_eq!(
        err(&v, &want),
        "attribute \"a\": string required, but have tuple"
    );
    let v = obj(&[
        ("a", s("s")),
        ("b", Value::tuple(vec![num("1"), s("x")])),
        ("m", m("maybe")),
    ]);
    assert_eq!(err(&v, &want), ".b[1]: a number is required");
    let v = obj(&[
        ("a", s("s")),
        ("b", Value::tuple(vec![num("1"), num("2")])),
        ("m", m("maybe")),
    ]);
    assert_eq!(err(&v, &want), ".m[\"k\"]: a bool is required");
    let mapped = Value::map(
        Type::String,
        [("k".to_string(), s("maybe"))].into_iter().collect(),
    )
    .unwrap();
    let v = obj(&[("a", s("s")), ("b", Value::tuple(vec![])), ("m", mapped)]);
    assert_eq!(err(&v, &want), ".m[\"k\"]: a bool is required");
    assert_eq!(
        err(&obj(&[]), &Type::object([("a", Type::String)])),
        "attribute \"a\" is required"
    );
    assert_eq!(
        err(&s("x"), &Type::list(Type::String)),
        "list of string required, but have string"
    );
    assert_eq!(
        err(&obj(&[]), &Type::Number),
        "number required, but have object"
    );
    let three = Type::object([
        ("a", Type::String),
        ("b", Type::String),
        ("c", Type::String),
    ]);
    assert_eq!(
        err(&obj(&[]), &three),
        "attributes \"a\", \"b\", and \"c\" are required"
    );
    let tup = Value::tuple(vec![num("1"), obj(&[("a", num("1"))])]);
    assert_eq!(
        err(&tup, &Type::list(Type::Dynamic)),
        "all list elements must have the same type"
    );
    assert_eq!(
        err(&tup, &Type::list(Type::String)),
        "element 1: string required, but have object"
    );
}

#[test]
fn collections() {
    // tolist([1, "a", true]) is ["1", "a", "true"].
    let tup = Value::tuple(vec![num("1"), s("a"), Value::bool(true)]);
    let l = convert(&tup, &Type::list(Type::Dynamic)).unwrap();
    assert_eq!(l.ty(), &Type::list(Type::String));
    assert_eq!(l.elements().unwrap()[2].as_str(), Some("true"));
    // tomap({a=1, b="x"}) is a map of string.
    let o = obj(&[("a", num("1")), ("b", s("x"))]);
    let m = convert(&o, &Type::map(Type::Dynamic)).unwrap();
    assert_eq!(m.ty(), &Type::map(Type::String));
    // Empty tuple to list(any) stays dynamic-element.
    let e = convert(&Value::tuple(vec![]), &Type::list(Type::Dynamic)).unwrap();
    assert_eq!(e.ty(), &Type::list(Type::Dynamic));
    assert_eq!(e.length(), Some(0));
    // list -> set dedups and orders; set -> list keeps set order.
    let l = Value::list(Type::String, vec![s("b"), s("a"), s("b")]).unwrap();
    let st = convert(&l, &Type::set(Type::String)).unwrap();
    assert_eq!(st.length(), Some(2));
    let back = convert(&st, &Type::list(Type::String)).unwrap();
    assert_eq!(back.elements().unwrap()[0].as_str(), Some("a"));
    assert!(convert_safe(&l, &Type::set(Type::String)).is_err());
    // map -> object drops extra keys, requires the wanted ones.
    let mp = Value::map(
        Type::String,
        [("a".to_string(), s("1")), ("z".to_string(), s("2"))]
            .into_iter()
            .collect(),
    )
    .unwrap();
    let o = convert(&mp, &Type::object([("a", Type::Number)])).unwrap();
    assert_eq!(o, obj(&[("a", num("1"))]));
    assert_eq!(
        err(&mp, &Type::object([("q", Type::String)])),
        "map has no element for required attribute \"q\""
    );
    // object -> object drops extra attributes.
    let o = convert(
        &obj(&[("a", num("1")), ("b", s("x"))]),
        &Type::object([("a", Type::String)]),
    )
    .unwrap();
    assert_eq!(o, obj(&[("a", s("1"))]));
    // tuple -> tuple elementwise, lengths must match.
    let t = convert(
        &Value::tuple(vec![num("1")]),
        &Type::tuple(vec![Type::String]),
    )
    .unwrap();
    assert_eq!(t, Value::tuple(vec![s("1")]));
    assert!(convert(&Value::tuple(vec![]), &Type::tuple(vec![Type::String])).is_err());
    // Nested any: objects with different attribute types unify as maps.
    let tup = Value::tuple(vec![obj(&[("a", num("1"))]), obj(&[("b", s("x"))])]);
    let l = convert(&tup, &Type::list(Type::Dynamic)).unwrap();
    assert_eq!(l.ty(), &Type::list(Type::map(Type::String)));
}

#[test]
fn null_unknown_marks() {
    let n = convert(&Value::null(Type::Dynamic), &Type::list(Type::String)).unwrap();
    assert!(n.is_null());
    assert_eq!(n.ty(), &Type::list(Type::String));
    let u = convert(&Value::dynamic(), &Type::Number).unwrap();
    assert!(!u.is_known());
    assert_eq!(u.ty(), &Type::Number);
    let u = convert(
        &Value::unknown(Type::tuple(vec![Type::String])),
        &Type::list(Type::Dynamic),
    )
    .unwrap();
    assert_eq!(u.ty(), &Type::list(Type::String));
    let secret = num("2").mark(Mark::Sensitive);
    let out = convert(&secret, &Type::String).unwrap();
    assert!(out.is_sensitive());
    assert_eq!(out.as_str(), Some("2"));
    let nested = Value::tuple(vec![s("a").mark(Mark::Sensitive)]);
    let out = convert(&nested, &Type::list(Type::String)).unwrap();
    assert!(out.elements().unwrap()[0].is_sensitive());
    assert_eq!(convert(&num("1"), &Type::Dynamic).unwrap(), num("1"));
}

#[test]
fn mismatch_messages() {
    assert_eq!(
        mismatch_message(&Type::list(Type::Bool), &Type::list(Type::Number)),
        "incorrect list element type: number required, but have bool"
    );
    assert_eq!(
        mismatch_message(&Type::map(Type::Bool), &Type::list(Type::Number)),
        "list of number required"
    );
    // Where naming both types helps, they are named as types ("dynamic"); otherwise only the
    // wanted type, as a constraint ("any single type"). Wordings from Terraform 1.15.
    assert_eq!(
        mismatch_message(&Type::String, &Type::list(Type::Dynamic)),
        "list of dynamic required, but have string"
    );
    assert_eq!(
        mismatch_message(&Type::map(Type::Number), &Type::list(Type::Dynamic)),
        "list of any single type required"
    );
    assert_eq!(
        mismatch_message(&Type::empty_object(), &Type::list(Type::Dynamic)),
        "list of any single type required"
    );
    assert_eq!(
        mismatch_message(&Type::String, &Type::Number),
        "number required"
    );
    assert_eq!(
        mismatch_message(&Type::Bool, &Type::Number),
        "number required, but have bool"
    );
    let got = Type::object([("a", Type::list(Type::String))]);
    let want = Type::object([("a", Type::String)]);
    assert_eq!(
        mismatch_message(&got, &want),
        "attribute \"a\": string required, but have list of string"
    );
    let got = Type::object([("k", Type::list(Type::String))]);
    assert_eq!(
        mismatch_message(&got, &Type::map(Type::String)),
        "element \"k\": string required, but have list of string"
    );
}

proptest! {
    #[test]
    fn number_strings_round_trip(int in -1_000_000_000i64..1_000_000_000, frac in 0u32..100_000) {
        let text = if frac == 0 { int.to_string() } else { format!("{int}.{}", frac.to_string().trim_end_matches('0')) };
        let n = convert(&s(&text), &Type::Number).unwrap();
        let back = convert(&n, &Type::String).unwrap();
        prop_assert_eq!(back.as_str(), Some(text.as_str()));
    }

    #[test]
    fn list_set_list(xs in prop::collection::vec("[a-d]{0,2}", 0..10)) {
        let l = Value::list(Type::String, xs.iter().map(|x| s(x)).collect()).unwrap();
        let st = convert(&l, &Type::set(Type::String)).unwrap();
        let back = convert(&st, &Type::list(Type::String)).unwrap();
        let mut want = xs.clone();
        want.sort();
        want.dedup();
        let got: Vec<String> = back.elements().unwrap().iter().map(|e| e.as_str().unwrap().to_string()).collect();
        prop_assert_eq!(got, want);
    }
}

fn arb_type() -> impl Strategy<Value = Type> {
    let leaf = prop_oneof![
        Just(Type::String),
        Just(Type::Number),
        Just(Type::Bool),
        Just(Type::Dynamic)
    ];
    leaf.prop_recursive(3, 12, 3, |inner| {
        prop_oneof![
            inner.clone().prop_map(Type::list),
            inner.clone().prop_map(Type::set),
            inner.clone().prop_map(Type::map),
            prop::collection::vec(inner.clone(), 0..3).prop_map(Type::tuple),
            prop::collection::btree_map("[ab]", inner, 0..3).prop_map(Type::object_of),
        ]
    })
}

fn arb_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        any::<bool>().prop_map(Value::bool),
        (-5i64..5).prop_map(Value::int),
        prop_oneof![Just("1"), Just("true"), Just("x"), Just("0.5")].prop_map(Value::string),
        Just(Value::null(Type::Dynamic)),
        Just(Value::dynamic()),
        Just(Value::unknown(Type::String)),
    ];
    leaf.prop_recursive(3, 16, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..3).prop_map(Value::tuple),
            prop::collection::btree_map("[ab]", inner.clone(), 0..3).prop_map(Value::object),
            inner.clone().prop_map(|v| v.mark(Mark::Sensitive)),
        ]
    })
}

proptest! {
    #[test]
    fn conversion_never_panics(v in arb_value(), t in arb_type()) {
        if let Ok(out) = convert(&v, &t) {
            // A successful conversion yields the target type, up to `any` parts.
            prop_assert!(conversion_exists(out.ty(), &t, false) || out.ty() == &t);
            // Marks are never invented (they can go with attributes that conversion drops).
            prop_assert!(!out.contains_marked() || v.contains_marked());
            if v.is_marked() {
                prop_assert!(out.is_marked());
            }
        }
        let _ = convert_safe(&v, &t);
        let _ = mismatch_message(v.ty(), &t);
    }

    #[test]
    fn unify_then_convert(a in arb_value(), b in arb_value()) {
        if let Ok((ty, vals)) = crate::value::unify_values(&[a, b]) {
            for v in vals {
                prop_assert!(v.ty() == &ty || ty.has_dynamic_types());
            }
        }
    }
}
