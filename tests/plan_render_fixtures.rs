//! Plans built directly (no binary, no provider) covering every kind of change and every value
//! shape, shared by the rendering tests.

#![allow(dead_code)]

use std::collections::BTreeMap;

use terrane_dsl::value::{Mark, Path, Type, Value};
use terrane_engine::addrs::parse_instance;
use terrane_engine::plan::file::SavedPlan;
use terrane_engine::plan::model::{Action, Deferred, OutputChange, Plan, Reason, ResourceChange};

pub const PROVIDER: &str = "provider[\"terraform.io/builtin/terraform\"]";

pub fn s(x: &str) -> Value {
    Value::string(x)
}

pub fn obj(pairs: &[(&str, Value)]) -> Value {
    Value::object(
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect(),
    )
}

pub fn list(es: &[Value]) -> Value {
    let ty = es.first().map_or(Type::String, |e| e.ty().clone());
    Value::list(ty, es.to_vec()).expect("a list")
}

pub fn set(es: &[Value]) -> Value {
    let ty = es.first().map_or(Type::String, |e| e.ty().clone());
    Value::set(ty, es.to_vec()).expect("a set")
}

pub fn map(pairs: &[(&str, &str)]) -> Value {
    Value::map(
        Type::String,
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), Value::string(v)))
            .collect::<BTreeMap<_, _>>(),
    )
    .expect("a map")
}

pub fn secret(v: Value) -> Value {
    v.mark(Mark::Sensitive)
}

pub fn unknown_string() -> Value {
    Value::unknown(Type::String)
}

pub fn change(
    addr: &str,
    action: Action,
    before: Option<Value>,
    after: Option<Value>,
) -> ResourceChange {
    ResourceChange {
        addr: parse_instance(addr).expect("an address"),
        prev_addr: None,
        deposed: None,
        action,
        reason: None,
        provider: PROVIDER.to_string(),
        before,
        after,
        replace_paths: Vec::new(),
        importing: None,
        adopted: false,
    }
}

pub fn plan(changes: Vec<ResourceChange>, outputs: Vec<OutputChange>) -> Plan {
    Plan {
        changes,
        outputs,
        prior_lineage: "test-lineage".into(),
        prior_serial: 4,
        ..Plan::default()
    }
}

pub fn output(
    name: &str,
    action: Action,
    before: Option<Value>,
    after: Option<Value>,
    sensitive: bool,
) -> OutputChange {
    OutputChange {
        name: name.into(),
        action,
        before,
        after,
        sensitive,
    }
}

/// A value with every shape in it.
pub fn shapes() -> Value {
    obj(&[
        ("id", s("abc-123")),
        ("count", Value::int(3)),
        ("enabled", Value::bool(true)),
        ("nothing", Value::null(Type::String)),
        ("later", unknown_string()),
        ("names", list(&[s("a"), s("b"), s("c")])),
        ("ports", set(&[Value::int(80), Value::int(443)])),
        ("tags", map(&[("Name", "web"), ("env", "prod")])),
        (
            "network",
            obj(&[
                ("cidr", s("10.0.0.0/16")),
                (
                    "subnets",
                    list(&[obj(&[("az", s("a"))]), obj(&[("az", s("b"))])]),
                ),
            ]),
        ),
        (
            "user_data",
            s("#!/bin/sh\necho one\necho two\necho three\n"),
        ),
        ("password", secret(s("hunter2"))),
        (
            "policy",
            s(
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject"}]}"#,
            ),
        ),
    ])
}

/// The same value after changes to every shape.
pub fn shapes_changed() -> Value {
    obj(&[
        ("id", s("abc-123")),
        ("count", Value::int(4)),
        ("enabled", Value::bool(true)),
        ("nothing", s("now set")),
        ("later", unknown_string()),
        ("names", list(&[s("a"), s("x"), s("c"), s("d")])),
        ("ports", set(&[Value::int(443), Value::int(8080)])),
        ("tags", map(&[("Name", "web"), ("team", "core")])),
        ("network", obj(&[("cidr", s("10.1.0.0/16")), ("subnets", list(&[obj(&[("az", s("a"))]), obj(&[("az", s("c"))])]))])),
        ("user_data", s("#!/bin/sh\necho one\necho 2\necho three\n")),
        ("password", secret(s("correct horse"))),
        // The same JSON, keys re-ordered and re-indented: no change.
        ("policy", s("{\n  \"Statement\": [{\"Action\": \"s3:GetObject\", \"Effect\": \"Allow\"}],\n  \"Version\": \"2012-10-17\"\n}")),
    ])
}

fn td(input: Value) -> Value {
    obj(&[
        ("id", s("0c4f")),
        ("input", input.clone()),
        ("output", input),
        ("triggers_replace", Value::null(Type::Dynamic)),
    ])
}

/// Every kind of change, one each (plus outputs and a deferred part).
pub fn every_kind() -> Plan {
    let mut changes = Vec::new();
    changes.push(change(
        "terraform_data.created",
        Action::Create,
        None,
        Some(shapes()),
    ));
    changes.push(change(
        "terraform_data.updated",
        Action::Update,
        Some(shapes()),
        Some(shapes_changed()),
    ));
    let mut r = change(
        "terraform_data.replaced",
        Action::DeleteThenCreate,
        Some(obj(&[
            ("id", s("1")),
            ("triggers_replace", s("v1")),
            ("input", s("same")),
        ])),
        Some(obj(&[
            ("id", unknown_string()),
            ("triggers_replace", s("v2")),
            ("input", s("same")),
        ])),
    );
    r.reason = Some(Reason::ReplaceBecauseCannotUpdate);
    r.replace_paths = vec![Path::root().attr("triggers_replace")];
    changes.push(r);
    for (name, reason) in [
        ("by_triggers", Reason::ReplaceByTriggers),
        ("by_request", Reason::ReplaceByRequest),
        ("tainted", Reason::ReplaceBecauseTainted),
    ] {
        let mut r = change(
            &format!("terraform_data.{name}"),
            Action::DeleteThenCreate,
            Some(obj(&[("id", s("2")), ("input", s("x"))])),
            Some(obj(&[("id", unknown_string()), ("input", s("x"))])),
        );
        r.reason = Some(reason);
        changes.push(r);
    }
    let mut cbd = change(
        "terraform_data.blue_green",
        Action::CreateThenDelete,
        Some(obj(&[("id", s("3")), ("input", s("blue"))])),
        Some(obj(&[("id", unknown_string()), ("input", s("green"))])),
    );
    cbd.replace_paths = vec![Path::root().attr("input")];
    changes.push(cbd);
    for (addr, reason) in [
        ("terraform_data.gone", Reason::DeleteBecauseNoResourceConfig),
        ("terraform_data.counted[2]", Reason::DeleteBecauseCountIndex),
        ("terraform_data.each[\"b\"]", Reason::DeleteBecauseEachKey),
        ("module.old.terraform_data.x", Reason::DeleteBecauseNoModule),
    ] {
        let mut d = change(addr, Action::Delete, Some(td(s("bye"))), None);
        d.reason = Some(reason);
        changes.push(d);
    }
    let mut deposed = change(
        "terraform_data.blue_green",
        Action::Delete,
        Some(td(s("old"))),
        None,
    );
    deposed.deposed = Some("00a1b2c3".into());
    changes.push(deposed);
    let mut read = change(
        "data.http.page",
        Action::Read,
        None,
        Some(obj(&[
            ("url", s("https://example.com")),
            ("body", unknown_string()),
        ])),
    );
    read.reason = Some(Reason::ReadBecauseConfigUnknown);
    changes.push(read);
    let mut moved = change(
        "terraform_data.new_name",
        Action::NoOp,
        Some(td(s("m"))),
        Some(td(s("m"))),
    );
    moved.prev_addr = Some(parse_instance("terraform_data.old_name").expect("addr"));
    changes.push(moved);
    let mut moved_upd = change(
        "module.net.terraform_data.moved[0]",
        Action::Update,
        Some(td(s("a"))),
        Some(td(s("b"))),
    );
    moved_upd.prev_addr = Some(parse_instance("terraform_data.moved[0]").expect("addr"));
    changes.push(moved_upd);
    let mut imported = change(
        "terraform_data.imported",
        Action::NoOp,
        Some(td(s("i"))),
        Some(td(s("i"))),
    );
    imported.importing = Some("0c4f".into());
    changes.push(imported);
    changes.push(change(
        "terraform_data.forgotten",
        Action::Forget,
        Some(td(s("f"))),
        None,
    ));
    changes.push(change(
        "terraform_data.unchanged",
        Action::NoOp,
        Some(td(s("u"))),
        Some(td(s("u"))),
    ));
    let outputs = vec![
        output("added", Action::Create, None, Some(s("new")), false),
        output("changed", Action::Update, Some(s("a")), Some(s("b")), false),
        output("removed", Action::Delete, Some(s("old")), None, false),
        output("secret", Action::Update, Some(s("p1")), Some(s("p2")), true),
        output(
            "pending",
            Action::Update,
            Some(s("x")),
            Some(unknown_string()),
            false,
        ),
        output("same", Action::NoOp, Some(s("s")), Some(s("s")), false),
    ];
    let mut p = plan(changes, outputs);
    p.deferred.push(Deferred {
        address: "module.later.terraform_data.x".into(),
        reason: "its for_each depends on values known only after apply".into(),
    });
    p
}

/// A saved plan around `plan`, with fixed metadata (for stable JSON).
pub fn saved(plan: Plan) -> SavedPlan {
    SavedPlan {
        plan,
        workspace: "default".into(),
        variables: [("region".to_string(), s("eu-west-1"))]
            .into_iter()
            .collect(),
        timestamp: "2026-01-01T00:00:00Z".into(),
        terrane_version: "0.1.0".into(),
        ..SavedPlan::default()
    }
}
