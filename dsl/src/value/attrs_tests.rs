//! Tests of `Attrs`: it must behave as the `BTreeMap<String, Value>` it replaced.

use std::collections::BTreeMap;

use super::Attrs;
use crate::value::Value;

fn keys(a: &Attrs) -> Vec<&str> {
    a.keys().map(String::as_str).collect()
}

#[test]
fn collects_sorted_and_the_last_of_equal_keys_wins() {
    let pairs = [
        ("b", Value::int(1)),
        ("a", Value::int(2)),
        ("b", Value::int(3)),
        ("c", Value::int(4)),
        ("a", Value::int(5)),
    ];
    let a: Attrs = pairs.clone().into_iter().collect();
    let m: BTreeMap<String, Value> = pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
    assert_eq!(keys(&a), ["a", "b", "c"]);
    assert_eq!(a, Attrs::from(m.clone()));
    assert_eq!(a["a"], Value::int(5));
    assert_eq!(a.get("b"), Some(&Value::int(3)));
    assert_eq!(BTreeMap::from(a), m);
}

#[test]
fn keys_in_byte_order_as_a_btreemap() {
    let ks = ["é", "Z", "a", "a0", "", "aa", "_"];
    let a: Attrs = ks.iter().map(|k| (*k, Value::bool(true))).collect();
    let m: BTreeMap<&str, ()> = ks.iter().map(|k| (*k, ())).collect();
    assert_eq!(keys(&a), m.keys().copied().collect::<Vec<_>>());
    for k in ks {
        assert!(a.contains_key(k));
    }
    assert!(!a.contains_key("b"));
    assert_eq!(a.get("zz"), None);
}

#[test]
fn insert_and_remove_keep_the_order() {
    let mut a = Attrs::new();
    assert!(a.is_empty());
    assert_eq!(a.insert("m".into(), Value::int(1)), None);
    assert_eq!(a.insert("b".into(), Value::int(2)), None);
    assert_eq!(a.insert("x".into(), Value::int(3)), None);
    assert_eq!(a.insert("m".into(), Value::int(4)), Some(Value::int(1)));
    assert_eq!(keys(&a), ["b", "m", "x"]);
    assert_eq!(a.remove("b"), Some(Value::int(2)));
    assert_eq!(a.remove("b"), None);
    assert_eq!(keys(&a), ["m", "x"]);
    if let Some(v) = a.get_mut("x") {
        *v = Value::int(9);
    }
    for (_, v) in a.iter_mut() {
        *v = Value::int(v.as_i64().unwrap_or(0) + 1);
    }
    let pairs: Vec<(String, Value)> = a.clone().into_iter().collect();
    assert_eq!(
        pairs,
        [
            ("m".to_string(), Value::int(5)),
            ("x".to_string(), Value::int(10))
        ]
    );
    assert_eq!(a.len(), 2);
    assert_eq!(format!("{:?}", Attrs::new()), "{}");
}

#[test]
fn object_values_compare_as_before() {
    let a = Value::object_from([("b", Value::int(1)), ("a", Value::string("x"))]);
    let b = Value::object(
        [("a", Value::string("x")), ("b", Value::int(1))]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
    );
    assert!(a.raw_equals(&b));
    assert_eq!(a.get_attr("a"), Some(&Value::string("x")));
    assert_eq!(a.length(), Some(2));
}
