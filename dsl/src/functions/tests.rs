//! Tests of the function library against results from Terraform (`terraform console` and
//! `terraform output -json`). Arguments and expected results are written as JSON.

use super::{CallContext, FunctionTable};
use crate::value::{from_json, to_json, Value};

fn table() -> FunctionTable {
    FunctionTable::builtin()
}

fn args_of(json: &str) -> Vec<Value> {
    let v = from_json(json).unwrap_or_else(|e| panic!("bad test args {json}: {e:?}"));
    v.elements().map(<[Value]>::to_vec).unwrap_or_default()
}

/// Calls `name` with the JSON array `args`; the result as JSON or the error message.
pub(super) fn run(name: &str, args: &str) -> String {
    let ctx = CallContext {
        base_dir: std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")),
        plan_timestamp: None,
    };
    match table().call(name, args_of(args), &ctx) {
        Ok(v) => to_json(&v).unwrap_or_else(|e| format!("<{e:?}>")),
        Err(e) => format!("ERR {}", e.message),
    }
}

/// Each case: function, JSON arguments, expected JSON result or `ERR` + message start.
pub(super) fn check(cases: &[(&str, &str, &str)]) {
    let mut failures = Vec::new();
    for (name, args, want) in cases {
        let got = run(name, args);
        let ok = if let Some(w) = want.strip_prefix("ERR ") {
            got.starts_with(&format!("ERR {w}"))
        } else {
            got == *want
        };
        if !ok {
            failures.push(format!("{name}({args}): want {want}, got {got}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn machinery() {
    check(&[
        (
            "abs",
            "[]",
            "ERR Function \"abs\" expects 1 argument(s). Missing value for \"num\".",
        ),
        (
            "abs",
            "[1, 2]",
            "ERR Function \"abs\" expects only 1 argument(s).",
        ),
        (
            "abs",
            "[null]",
            "ERR Invalid value for \"num\" parameter: argument must not be null.",
        ),
        (
            "abs",
            "[\"x\"]",
            "ERR Invalid value for \"num\" parameter: a number is required.",
        ),
        ("nosuch", "[]", "ERR There is no function named \"nosuch\"."),
    ]);
}

#[test]
fn unknown_and_marks() {
    use crate::value::{Mark, Type};
    let t = table();
    let ctx = CallContext::default();
    let r = t
        .call("upper", vec![Value::unknown(Type::String)], &ctx)
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(!r.is_known());
    assert_eq!(r.ty(), &Type::String);
    let r = t
        .call(
            "upper",
            vec![Value::string("a").mark(Mark::Sensitive)],
            &ctx,
        )
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(r.is_sensitive());
    assert_eq!(r.as_str(), Some("A"));
}
