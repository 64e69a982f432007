//! Tests of values: set order (checked against Terraform), equality, marks and paths.

use super::*;
use crate::value::marks::only;
use proptest::prelude::*;

fn num(s: &str) -> Value {
    Value::number(Number::parse(s).unwrap())
}

fn s(x: &str) -> Value {
    Value::string(x)
}

fn strings(v: &Value) -> Vec<String> {
    v.elements()
        .unwrap()
        .iter()
        .map(|e| e.as_str().unwrap().to_string())
        .collect()
}

fn obj(pairs: &[(&str, Value)]) -> Value {
    Value::object_from(pairs.iter().cloned())
}

/// Orders printed by Terraform 1.15.5 for `toset(...)`.
#[test]
fn set_order_matches_terraform() {
    let set = Value::set(
        Type::String,
        ["b", "B", "a", "é", "e", "10", "9"].map(s).to_vec(),
    )
    .unwrap();
    assert_eq!(strings(&set), ["10", "9", "B", "a", "b", "e", "é"]);

    let nums = Value::set(
        Type::Number,
        ["10", "9", "1", "2.5", "-3", "9"].map(num).to_vec(),
    )
    .unwrap();
    let texts: Vec<String> = nums
        .elements()
        .unwrap()
        .iter()
        .map(|e| e.as_number().unwrap().to_text())
        .collect();
    assert_eq!(texts, ["-3", "1", "2.5", "9", "10"]);

    let bools = Value::set(
        Type::Bool,
        vec![Value::bool(true), Value::bool(false), Value::bool(true)],
    )
    .unwrap();
    assert_eq!(bools.length(), Some(2));
    assert_eq!(bools.elements().unwrap()[0].as_bool(), Some(false));

    let objs: Vec<Value> = ["2", "10", "1", "1.5"]
        .iter()
        .map(|n| obj(&[("a", num(n))]))
        .collect();
    let ty = objs[0].ty().clone();
    let set = Value::set(ty, objs).unwrap();
    let order: Vec<String> = set
        .elements()
        .unwrap()
        .iter()
        .map(|o| o.get_attr("a").unwrap().as_number().unwrap().to_text())
        .collect();
    assert_eq!(order, ["1.5", "10", "1", "2"]);

    let lists: Vec<Value> = [vec!["2", "1"], vec!["10"], vec!["1", "2", "3"]]
        .iter()
        .map(|l| Value::list(Type::Number, l.iter().map(|n| num(n)).collect()).unwrap())
        .collect();
    let set = Value::set(Type::list(Type::Number), lists).unwrap();
    let firsts: Vec<String> = set
        .elements()
        .unwrap()
        .iter()
        .map(|l| l.elements().unwrap().len().to_string())
        .collect();
    assert_eq!(firsts, ["1", "3", "2"]);

    let objs = vec![
        obj(&[("n", s("x")), ("v", num("1"))]),
        obj(&[("n", s("a")), ("v", num("2"))]),
        obj(&[("n", s("ab")), ("v", num("3"))]),
    ];
    let set = Value::set(objs[0].ty().clone(), objs).unwrap();
    let names: Vec<&str> = set
        .elements()
        .unwrap()
        .iter()
        .map(|o| o.get_attr("n").unwrap().as_str().unwrap())
        .collect();
    assert_eq!(names, ["a", "ab", "x"]);
}

#[test]
fn sets_dedupe_and_hoist_marks() {
    let set = Value::set(
        Type::String,
        vec![s("a"), s("a").mark(Mark::Sensitive), s("b")],
    )
    .unwrap();
    assert_eq!(strings(&set), ["a", "b"]);
    assert!(set.is_sensitive());
    assert!(!set.elements().unwrap()[0].is_marked());
    // Unknown elements are kept, and sort last.
    let set = Value::set(
        Type::String,
        vec![
            Value::unknown(Type::String),
            s("z"),
            Value::unknown(Type::String),
        ],
    )
    .unwrap();
    assert_eq!(set.length(), Some(3));
    assert_eq!(set.elements().unwrap()[0].as_str(), Some("z"));
}

#[test]
fn construction_checks_types() {
    assert!(Value::list(Type::String, vec![s("a"), num("1")]).is_err());
    assert!(Value::map(
        Type::Number,
        [("k".to_string(), s("x"))].into_iter().collect()
    )
    .is_err());
    let t = Value::tuple(vec![s("a"), num("1")]);
    assert_eq!(t.ty(), &Type::tuple(vec![Type::String, Type::Number]));
}

#[test]
fn strings_are_nfc() {
    assert_eq!(Value::string("e\u{301}").as_str(), Some("é"));
    assert_eq!(Value::string("e\u{301}"), Value::string("é"));
}

#[test]
fn equality() {
    assert_eq!(num("1").equals(&num("1.0")).as_bool(), Some(true));
    assert_eq!(num("1").equals(&s("1")).as_bool(), Some(false));
    let tup = Value::tuple(vec![num("1")]);
    let list = Value::list(Type::Number, vec![num("1")]).unwrap();
    assert_eq!(tup.equals(&list).as_bool(), Some(false));
    assert_eq!(
        tup.equals(&Value::tuple(vec![num("1")])).as_bool(),
        Some(true)
    );
    assert_eq!(
        Value::null(Type::String)
            .equals(&Value::null(Type::Number))
            .as_bool(),
        Some(true)
    );
    assert_eq!(
        Value::null(Type::String).equals(&s("")).as_bool(),
        Some(false)
    );
    let unk = Value::unknown(Type::String);
    assert!(!unk.equals(&s("a")).is_known());
    assert_eq!(unk.equals(&num("1")).as_bool(), Some(false));
    assert!(!Value::dynamic().equals(&num("1")).is_known());
    assert!(!Value::null(Type::String).equals(&unk).is_known());
    let secret = s("x").mark(Mark::Sensitive);
    let r = secret.equals(&s("x"));
    assert_eq!(r.as_bool(), Some(true));
    assert!(r.is_sensitive());
    // 0.1 + 0.2 == 0.3
    let sum = Number::parse("0.1")
        .unwrap()
        .add(&Number::parse("0.2").unwrap())
        .unwrap();
    assert_eq!(Value::number(sum).equals(&num("0.3")).as_bool(), Some(true));
    // Lists with an unknown element compare as unknown.
    let l1 = Value::list(Type::String, vec![unk.clone()]).unwrap();
    let l2 = Value::list(Type::String, vec![s("a")]).unwrap();
    assert!(!l1.equals(&l2).is_known());
    let a = obj(&[("a", num("1")), ("b", s("x"))]);
    let b = obj(&[("a", num("1")), ("b", s("y"))]);
    assert_eq!(a.equals(&b).as_bool(), Some(false));
    assert_eq!(a.equals(&a.clone()).as_bool(), Some(true));
}

#[test]
fn marks_round_trip() {
    let v = obj(&[
        ("a", s("x").mark(Mark::Sensitive)),
        (
            "l",
            Value::tuple(vec![num("1"), num("2").mark(Mark::Ephemeral)]),
        ),
    ])
    .mark(Mark::Other("top".into()));
    assert!(v.contains_marked());
    assert_eq!(v.deep_marks().len(), 3);
    let (plain, paths) = v.clone().unmark_deep_with_paths();
    assert!(!plain.contains_marked());
    assert_eq!(paths.len(), 3);
    let shown: Vec<String> = paths.iter().map(|p| p.path.to_string()).collect();
    assert_eq!(shown, ["", ".a", ".l[1]"]);
    assert_eq!(plain.mark_with_paths(&paths), v);
    let (flat, marks) = v.clone().unmark_deep();
    assert_eq!(marks.len(), 3);
    assert!(!flat.contains_marked());
    let (top, m) = v.unmark();
    assert_eq!(m, only(Mark::Other("top".into())));
    assert!(top.contains_marked());
    let r = Value::bool(true).with_marks_of(&[&s("a").mark(Mark::Sensitive), &s("b")]);
    assert!(r.is_sensitive());
}

#[test]
fn path_display() {
    let p = Path::root().attr("b").index_int(1).index_str("k\"");
    assert_eq!(p.to_string(), ".b[1][\"k\\\"\"]");
    assert_eq!(Path::root().index(num("1000000")).to_string(), "[1e+06]");
    assert_eq!(
        Path::root().index(Value::null(Type::String)).to_string(),
        "[null]"
    );
}

fn arb_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        any::<bool>().prop_map(Value::bool),
        any::<i32>().prop_map(|i| Value::int(i64::from(i))),
        "[a-c]{0,3}".prop_map(Value::string),
        Just(Value::null(Type::String)),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::tuple),
            prop::collection::btree_map("[a-c]", inner, 0..3).prop_map(Value::object),
        ]
    })
}

proptest! {
    #[test]
    fn equality_is_reflexive(v in arb_value()) {
        prop_assert_eq!(v.equals(&v.clone()).as_bool(), Some(true));
        prop_assert!(v.raw_equals(&v.clone()));
    }

    #[test]
    fn set_order_total_and_deterministic(xs in prop::collection::vec(-50i64..50, 0..12), seed in any::<u64>()) {
        let vals: Vec<Value> = xs.iter().map(|x| Value::tuple(vec![Value::int(*x)])).collect();
        let mut shuffled = vals.clone();
        let n = shuffled.len();
        if n > 1 {
            shuffled.rotate_left((seed as usize) % n);
        }
        let ty = Type::tuple(vec![Type::Number]);
        let a = Value::set(ty.clone(), vals).unwrap();
        let b = Value::set(ty, shuffled).unwrap();
        prop_assert_eq!(&a, &b);
        let es = a.elements().unwrap();
        for w in es.windows(2) {
            prop_assert_eq!(set_order(&w[0], &w[1]), Ordering::Less);
        }
    }
}

#[test]
fn large_sets_are_fast() {
    let elems: Vec<Value> = (0..4000)
        .map(|i| obj(&[("k", Value::int(i % 2000)), ("v", s("x"))]))
        .collect();
    let ty = elems[0].ty().clone();
    let set = Value::set(ty, elems).unwrap();
    assert_eq!(set.length(), Some(2000));
    let nums: Vec<Value> = (0..20000).map(|i| Value::int(i % 5000)).collect();
    assert_eq!(Value::set(Type::Number, nums).unwrap().length(), Some(5000));
}

#[test]
fn refined_unknowns() {
    use crate::value::Refinement;
    let id = Value::unknown_not_null(Type::String);
    assert_eq!(
        id.equals(&Value::null(Type::Dynamic)).as_bool(),
        Some(false)
    );
    assert!(!id.equals(&s("x")).is_known());
    assert!(id.is_known_not_null());
    assert!(!Value::unknown(Type::String).is_known_not_null());
    let prefixed = Value::unknown(Type::String).refine(Refinement {
        string_prefix: Some("i-".into()),
        ..Refinement::not_null()
    });
    assert!(prefixed.refinement().unwrap().excludes(&s("sg-1")));
    assert!(!prefixed.equals(&s("sg-1")).is_known());
    assert!(!prefixed.equals(&s("i-1")).is_known());
    let ranged = Value::unknown(Type::Number).refine(Refinement {
        number_lower: Some((Number::from_i64(0), true)),
        number_upper: Some((Number::from_i64(10), false)),
        ..Refinement::default()
    });
    assert!(ranged.refinement().unwrap().excludes(&Value::int(10)));
    assert!(!ranged.equals(&Value::int(0)).is_known());
    let sized = Value::unknown(Type::list(Type::String)).refine(Refinement {
        length_lower: Some(2),
        ..Refinement::default()
    });
    let one = Value::list(Type::String, vec![s("a")]).unwrap();
    assert!(sized.refinement().unwrap().excludes(&one));
    assert_eq!(sized.equals(&Value::null(Type::Dynamic)).as_bool(), None);
    // Refinements survive conversion as far as not-null goes.
    let converted = crate::value::convert(&id, &Type::String).unwrap();
    assert!(converted.is_known_not_null());
    let converted =
        crate::value::convert(&Value::unknown_not_null(Type::Number), &Type::String).unwrap();
    assert!(converted.is_known_not_null());
    // Refinements never attach to known values.
    assert!(s("a").refine(Refinement::not_null()).refinement().is_none());
}

/// More `toset(...)` orders printed by Terraform 1.15.5.
#[test]
fn nested_set_orders_match_terraform() {
    let json = |v: &Value| crate::value::to_json(v).unwrap();
    let strings_obj =
        |xs: &[&str]| -> Vec<Value> { xs.iter().map(|x| obj(&[("a", s(x))])).collect() };
    let elems = strings_obj(&["b", "a\"", "a", "A"]);
    let set = Value::set(elems[0].ty().clone(), elems).unwrap();
    assert_eq!(json(&set), r#"[{"a":"A"},{"a":"a"},{"a":"a\""},{"a":"b"}]"#);

    let map = |k: &str, v: &str| Value::map(Type::String, [(k.to_string(), s(v))].into()).unwrap();
    let set = Value::set(
        Type::map(Type::String),
        vec![map("k", "2"), map("k", "10"), map("j", "1")],
    )
    .unwrap();
    assert_eq!(json(&set), r#"[{"j":"1"},{"k":"10"},{"k":"2"}]"#);

    let sset = |xs: &[&str]| Value::set(Type::String, xs.iter().map(|x| s(x)).collect()).unwrap();
    let set = Value::set(
        Type::set(Type::String),
        vec![sset(&["b"]), sset(&["a", "c"]), sset(&[])],
    )
    .unwrap();
    assert_eq!(json(&set), r#"[["a","c"],["b"],[]]"#);

    let bl = |xs: &[bool]| {
        Value::list(Type::Bool, xs.iter().map(|b| Value::bool(*b)).collect()).unwrap()
    };
    let set = Value::set(
        Type::list(Type::Bool),
        vec![bl(&[true]), bl(&[false]), bl(&[true, false])],
    )
    .unwrap();
    assert_eq!(json(&set), "[[false],[true,false],[true]]");

    let set = Value::set(
        Type::Number,
        ["0.5", "-0.25", "100", "1e-5", "-1e10"].map(num).to_vec(),
    )
    .unwrap();
    assert_eq!(json(&set), "[-10000000000,-0.25,0.00001,0.5,100]");

    let elems: Vec<Value> = ["1e21", "123456789012", "0.00001", "-3"]
        .iter()
        .map(|x| obj(&[("n", num(x))]))
        .collect();
    let set = Value::set(elems[0].ty().clone(), elems).unwrap();
    assert_eq!(
        json(&set),
        r#"[{"n":-3},{"n":123456789012},{"n":1000000000000000000000},{"n":0.00001}]"#
    );

    // toset(["a", null]): the null stays, last.
    let set = Value::set(Type::String, vec![Value::null(Type::String), s("a")]).unwrap();
    assert_eq!(json(&set), r#"["a",null]"#);
}
