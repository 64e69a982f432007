//! Round trips of the saved-plan codec: unknowns, marks, nulls, every collection kind.

use std::collections::BTreeMap;

use terrane_dsl::value::{Mark, Number, Type, Value};

use super::codec::{decode, encode};
use super::*;
use crate::plan::model::{Action, Plan, Reason, ResourceChange};

fn roundtrip(v: &Value) -> Value {
    let j = encode(v).expect("encodes");
    decode(&j).expect("decodes")
}

fn same(a: &Value, b: &Value) {
    assert!(a.raw_equals(b), "{a:?}\n!=\n{b:?}");
    assert_eq!(a.ty(), b.ty());
}

#[test]
fn values_round_trip() {
    let big = Value::number(Number::parse("123456789012345678901234567890.125").unwrap());
    let v = Value::object_from([
        ("s", Value::string("x\ny")),
        ("n", big),
        ("b", Value::bool(true)),
        ("null", Value::null(Type::String)),
        ("unk", Value::unknown(Type::list(Type::String))),
        ("dyn", Value::dynamic()),
        (
            "l",
            Value::list(
                Type::String,
                vec![Value::string("a"), Value::unknown(Type::String)],
            )
            .unwrap(),
        ),
        (
            "set",
            Value::set(Type::Number, vec![Value::int(2), Value::int(1)]).unwrap(),
        ),
        (
            "m",
            Value::map(
                Type::String,
                BTreeMap::from([("k".to_string(), Value::string("v").mark(Mark::Sensitive))]),
            )
            .unwrap(),
        ),
        ("t", Value::tuple(vec![Value::int(1), Value::string("a")])),
        ("secret", Value::string("pw").mark(Mark::Sensitive)),
    ]);
    let back = roundtrip(&v);
    same(&back, &v);
    assert!(back.get_attr("secret").unwrap().is_sensitive());
    assert!(!back.get_attr("unk").unwrap().is_known());
    assert!(!back.get_attr("dyn").unwrap().is_known());
    let m = back.get_attr("m").unwrap();
    assert!(m.entries().unwrap()["k"].is_sensitive());
    let l = back.get_attr("l").unwrap().elements().unwrap();
    assert!(!l[1].is_known());
    same(
        &roundtrip(&Value::unknown(Type::String)),
        &Value::unknown(Type::String),
    );
    same(
        &roundtrip(&Value::null(Type::Dynamic)),
        &Value::null(Type::Dynamic),
    );
}

#[test]
fn saved_plans_round_trip() {
    let addr = crate::addrs::parse_instance("module.a[\"x\"].terraform_data.b[0]").unwrap();
    let plan = Plan {
        changes: vec![ResourceChange {
            addr: addr.clone(),
            prev_addr: Some(addr),
            deposed: None,
            action: Action::DeleteThenCreate,
            reason: Some(Reason::ReplaceByTriggers),
            provider: "provider[\"terraform.io/builtin/terraform\"]".into(),
            before: Some(Value::object_from([("id", Value::string("1"))])),
            after: Some(Value::object_from([("id", Value::unknown(Type::String))])),
            replace_paths: vec![Path::root().attr("triggers_replace")],
            importing: None,
            adopted: false,
        }],
        prior_lineage: "lin".into(),
        prior_serial: 3,
        cleared_intents: vec!["terraform_data.gone".into()],
        ..Plan::default()
    };
    let saved = SavedPlan {
        plan,
        variables: BTreeMap::from([("v".to_string(), Value::string("x"))]),
        config_hash: config_hash([("main.tn", "x"), ("a.tnvars", "y")]),
        ..SavedPlan::default()
    };
    let back = SavedPlan::from_json(&saved.to_json().unwrap()).unwrap();
    assert_eq!(back.config_hash, config_hash([("main.tn", "x")]));
    let c = &back.plan.changes[0];
    assert_eq!(c.action, Action::DeleteThenCreate);
    assert_eq!(c.reason, Some(Reason::ReplaceByTriggers));
    assert_eq!(c.addr.to_string(), "module.a[\"x\"].terraform_data.b[0]");
    assert_eq!(c.replace_paths, vec![Path::root().attr("triggers_replace")]);
    assert_eq!(back.plan.cleared_intents, vec!["terraform_data.gone"]);
    assert!(back.stale("lin", 3).is_none());
    assert!(back.stale("lin", 4).is_some());
    assert!(back.stale("other", 3).is_some());
}
