//! Conversion, unification and equality results checked against Terraform 1.15.5 (`terraform
//! output -json` of small configurations); the expected JSON is what Terraform printed.

use super::*;

fn n(s: &str) -> Value {
    Value::number(Number::parse(s).unwrap())
}

fn s(x: &str) -> Value {
    Value::string(x)
}

fn obj(pairs: &[(&str, Value)]) -> Value {
    Value::object_from(pairs.iter().cloned())
}

fn check(v: &Value, ty_json: &str, value_json: &str) {
    assert_eq!(type_to_json(v.ty()), ty_json);
    assert_eq!(to_json(v).unwrap(), value_json);
}

fn any_list() -> Type {
    Type::list(Type::Dynamic)
}

#[test]
fn to_functions() {
    // tolist([{a=1},{b="x"}])
    let v = convert(
        &Value::tuple(vec![obj(&[("a", n("1"))]), obj(&[("b", s("x"))])]),
        &any_list(),
    )
    .unwrap();
    check(
        &v,
        r#"["list",["map","string"]]"#,
        r#"[{"a":"1"},{"b":"x"}]"#,
    );
    // toset([1, "a"])
    let v = convert(
        &Value::tuple(vec![n("1"), s("a")]),
        &Type::set(Type::Dynamic),
    )
    .unwrap();
    check(&v, r#"["set","string"]"#, r#"["1","a"]"#);
    // tolist([1, null])
    let v = convert(
        &Value::tuple(vec![n("1"), Value::null(Type::Dynamic)]),
        &any_list(),
    )
    .unwrap();
    check(&v, r#"["list","number"]"#, "[1,null]");
    // tomap({a=[1], b=["x", true]})
    let o = obj(&[
        ("a", Value::tuple(vec![n("1")])),
        ("b", Value::tuple(vec![s("x"), Value::bool(true)])),
    ]);
    let v = convert(&o, &Type::map(Type::Dynamic)).unwrap();
    check(
        &v,
        r#"["map",["list","string"]]"#,
        r#"{"a":["1"],"b":["x","true"]}"#,
    );
    // tomap({a={x=1}, b={y=2}})
    let o = obj(&[("a", obj(&[("x", n("1"))])), ("b", obj(&[("y", n("2"))]))]);
    let v = convert(&o, &Type::map(Type::Dynamic)).unwrap();
    check(
        &v,
        r#"["map",["map","number"]]"#,
        r#"{"a":{"x":1},"b":{"y":2}}"#,
    );
    // tobool("1"), tostring(0.1+0.2)
    assert_eq!(convert(&s("1"), &Type::Bool).unwrap(), Value::bool(true));
    let sum = Number::parse("0.1")
        .unwrap()
        .add(&Number::parse("0.2").unwrap())
        .unwrap();
    assert_eq!(
        convert(&Value::number(sum), &Type::String).unwrap(),
        s("0.3")
    );
}

#[test]
fn conditionals() {
    // true ? {a=1} : {a="x"}
    let (ty, vals) = unify_values(&[obj(&[("a", n("1"))]), obj(&[("a", s("x"))])]).unwrap();
    check(&vals[0], r#"["object",{"a":"string"}]"#, r#"{"a":"1"}"#);
    assert_eq!(&ty, vals[1].ty());
    // true ? [] : ["a"]
    let (_, vals) = unify_values(&[Value::tuple(vec![]), Value::tuple(vec![s("a")])]).unwrap();
    check(&vals[0], r#"["list","string"]"#, "[]");
    // true ? {a=1} : {b=2}
    let (_, vals) = unify_values(&[obj(&[("a", n("1"))]), obj(&[("b", n("2"))])]).unwrap();
    check(&vals[0], r#"["map","number"]"#, r#"{"a":1}"#);
    // true ? 1 : "a"
    let (_, vals) = unify_values(&[n("1"), s("a")]).unwrap();
    check(&vals[0], r#""string""#, r#""1""#);
}

#[test]
fn equality() {
    let list = convert(&Value::tuple(vec![n("1")]), &any_list()).unwrap();
    assert_eq!(
        Value::tuple(vec![n("1")]).equals(&list).as_bool(),
        Some(false)
    );
    let map = convert(&obj(&[("a", n("1"))]), &Type::map(Type::Dynamic)).unwrap();
    assert_eq!(obj(&[("a", n("1"))]).equals(&map).as_bool(), Some(false));
    assert_eq!(n("1").equals(&n("1.0")).as_bool(), Some(true));
    assert_eq!(
        Value::null(Type::Dynamic)
            .equals(&Value::null(Type::Dynamic))
            .as_bool(),
        Some(true)
    );
}

#[test]
fn variables() {
    use crate::value::constraint::{Attribute, Constraint};
    let opt = |c: Constraint, default: Option<Value>| Attribute {
        constraint: c,
        optional: true,
        default,
    };
    let req = |c: Constraint| Attribute {
        constraint: c,
        optional: false,
        default: None,
    };
    // object({a=string}) given {a="x", b="y"}
    let c = Constraint::Object(
        [("a".to_string(), req(Constraint::String))]
            .into_iter()
            .collect(),
    );
    let v = convert_to_constraint(&obj(&[("a", s("x")), ("b", s("y"))]), &c).unwrap();
    check(&v, r#"["object",{"a":"string"}]"#, r#"{"a":"x"}"#);
    // list(object({a=number, b=optional(string)})) given [{a=1}, {a=2, b="x"}]
    let elem = Constraint::Object(
        [
            ("a".to_string(), req(Constraint::Number)),
            ("b".to_string(), opt(Constraint::String, None)),
        ]
        .into_iter()
        .collect(),
    );
    let c = Constraint::List(Box::new(elem));
    let given = Value::tuple(vec![
        obj(&[("a", n("1"))]),
        obj(&[("a", n("2")), ("b", s("x"))]),
    ]);
    let v = convert_to_constraint(&given, &c).unwrap();
    check(
        &v,
        r#"["list",["object",{"a":"number","b":"string"}]]"#,
        r#"[{"a":1,"b":null},{"a":2,"b":"x"}]"#,
    );
    // map(any) given {a=1, b="x"}; list(any) given [{a=1}, {b="x"}]
    let v = convert_to_constraint(
        &obj(&[("a", n("1")), ("b", s("x"))]),
        &Constraint::Map(Box::new(Constraint::Any)),
    )
    .unwrap();
    check(&v, r#"["map","string"]"#, r#"{"a":"1","b":"x"}"#);
    // object({a=optional(object({b=optional(number, 7)}), {})}) given {}
    let inner = Constraint::Object(
        [("b".to_string(), opt(Constraint::Number, Some(n("7"))))]
            .into_iter()
            .collect(),
    );
    let inner_default = convert_to_constraint(&obj(&[]), &inner).unwrap();
    let c = Constraint::Object(
        [("a".to_string(), opt(inner, Some(inner_default)))]
            .into_iter()
            .collect(),
    );
    let v = convert_to_constraint(&obj(&[]), &c).unwrap();
    check(
        &v,
        r#"["object",{"a":["object",{"b":"number"}]}]"#,
        r#"{"a":{"b":7}}"#,
    );
    // set(number) given ["3", 1, "2"]
    let v = convert_to_constraint(
        &Value::tuple(vec![s("3"), n("1"), s("2")]),
        &Constraint::Set(Box::new(Constraint::Number)),
    )
    .unwrap();
    check(&v, r#"["set","number"]"#, "[1,2,3]");
}

#[test]
fn nested_unification() {
    let tup = |es: Vec<Value>| Value::tuple(es);
    let list_any = |v: Value| convert(&v, &any_list()).unwrap();
    // tolist([[1], ["a"]])
    let v = list_any(tup(vec![tup(vec![n("1")]), tup(vec![s("a")])]));
    check(&v, r#"["list",["tuple",["string"]]]"#, r#"[["1"],["a"]]"#);
    // tomap({a=[1], b=["x"]})
    let v = convert(
        &obj(&[("a", tup(vec![n("1")])), ("b", tup(vec![s("x")]))]),
        &Type::map(Type::Dynamic),
    )
    .unwrap();
    check(
        &v,
        r#"["map",["tuple",["string"]]]"#,
        r#"{"a":["1"],"b":["x"]}"#,
    );
    // true ? [1] : []
    let (_, vals) = unify_values(&[tup(vec![n("1")]), tup(vec![])]).unwrap();
    check(&vals[0], r#"["list","number"]"#, "[1]");
    // true ? {a=1} : null
    let (_, vals) = unify_values(&[obj(&[("a", n("1"))]), Value::null(Type::Dynamic)]).unwrap();
    check(&vals[0], r#"["object",{"a":"number"}]"#, r#"{"a":1}"#);
    // toset([[1], [2]])
    let v = convert(
        &tup(vec![tup(vec![n("1")]), tup(vec![n("2")])]),
        &Type::set(Type::Dynamic),
    )
    .unwrap();
    check(&v, r#"["set",["tuple",["number"]]]"#, "[[1],[2]]");
    // tolist([{a=1, b="x"}, {a="y", b=2}])
    let v = list_any(tup(vec![
        obj(&[("a", n("1")), ("b", s("x"))]),
        obj(&[("a", s("y")), ("b", n("2"))]),
    ]));
    check(
        &v,
        r#"["list",["object",{"a":"string","b":"string"}]]"#,
        r#"[{"a":"1","b":"x"},{"a":"y","b":"2"}]"#,
    );
    // true ? tolist(["a"]) : [1, 2]
    let (_, vals) =
        unify_values(&[list_any(tup(vec![s("a")])), tup(vec![n("1"), n("2")])]).unwrap();
    check(&vals[0], r#"["list","string"]"#, r#"["a"]"#);
    // true ? tomap({a=1}) : {b="x"}
    let m = convert(&obj(&[("a", n("1"))]), &Type::map(Type::Dynamic)).unwrap();
    let (_, vals) = unify_values(&[m, obj(&[("b", s("x"))])]).unwrap();
    check(&vals[0], r#"["map","string"]"#, r#"{"a":"1"}"#);
    // tolist([tolist([1]), ["a"]])
    let v = list_any(tup(vec![list_any(tup(vec![n("1")])), tup(vec![s("a")])]));
    check(&v, r#"["list",["list","string"]]"#, r#"[["1"],["a"]]"#);
    // tolist([null, null])
    let v = list_any(tup(vec![
        Value::null(Type::Dynamic),
        Value::null(Type::Dynamic),
    ]));
    check(&v, r#"["list","dynamic"]"#, "[null,null]");
    // true ? toset(["a"]) : ["b"]
    let st = convert(&tup(vec![s("a")]), &Type::set(Type::Dynamic)).unwrap();
    let (_, vals) = unify_values(&[st, tup(vec![s("b")])]).unwrap();
    check(&vals[0], r#"["set","string"]"#, r#"["a"]"#);
}

/// Value-model parts of the conformance cases 013 (division, modulo) and 031 (conversions).
#[test]
fn conformance_values() {
    let num = |s: &str| Number::parse(s).unwrap();
    let text = |r: Number| r.to_text();
    assert_eq!(
        text(num("1").div(&num("3")).unwrap().mul(&num("3")).unwrap()),
        "1"
    );
    assert_eq!(text(num("1").div(&num("8")).unwrap()), "0.125");
    assert_eq!(text(num("7").neg().div(&num("2")).unwrap()), "-3.5");
    assert_eq!(text(num("7").neg().div(&num("2")).unwrap().floor()), "-4");
    assert_eq!(text(num("7").div(&num("2")).unwrap().ceil()), "4");
    assert_eq!(text(num("7").rem(&num("3").neg()).unwrap()), "1");
    assert_eq!(text(num("7").neg().rem(&num("3").neg()).unwrap()), "-1");
    assert_eq!(text(num("6").rem(&num("3")).unwrap()), "0");
    let inf = num("1").div(&num("0")).unwrap();
    assert!(inf.equals(&num("2").div(&num("0")).unwrap()));
    assert_eq!(inf.cmp_num(&num("1e300")), std::cmp::Ordering::Greater);
    assert_eq!(
        convert(&Value::number(inf), &Type::String).unwrap(),
        s("+Inf")
    );
    assert_eq!(convert(&s("007"), &Type::Number).unwrap(), n("7"));
    for bad in ["0x10", " 1", "1,000", ""] {
        assert!(convert(&s(bad), &Type::Number).is_err(), "{bad:?}");
    }
    assert!(convert(&n("1"), &Type::Bool).is_err());
    let chain = convert(&s("3"), &Type::Number)
        .unwrap()
        .as_number()
        .unwrap()
        .add(&num("1"))
        .unwrap();
    let chain = convert(&Value::number(chain), &Type::String).unwrap();
    let chain = convert(&chain, &Type::Number)
        .unwrap()
        .as_number()
        .unwrap()
        .mul(&num("2"))
        .unwrap();
    assert_eq!(chain.to_text(), "8");
    let mixed = obj(&[("a", Value::tuple(vec![n("1")])), ("b", s("x"))]);
    assert!(convert(&mixed, &Type::map(Type::Dynamic)).is_err());
    let nested = obj(&[
        ("a", Value::tuple(vec![n("1")])),
        ("b", Value::tuple(vec![n("2"), n("3")])),
    ]);
    let v = convert(&nested, &Type::map(Type::Dynamic)).unwrap();
    check(&v, r#"["map",["list","number"]]"#, r#"{"a":[1],"b":[2,3]}"#);
    assert!(convert(&Value::tuple(vec![n("1")]), &Type::String).is_err());
    let null_s = convert(&Value::null(Type::Dynamic), &Type::String).unwrap();
    assert_eq!(
        null_s.equals(&Value::null(Type::Dynamic)).as_bool(),
        Some(true)
    );
}
