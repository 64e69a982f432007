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

#[test]
fn nested_marks_as_terraform() {
    use crate::value::{Mark, Type};
    let t = table();
    let ctx = CallContext::default();
    let list = || {
        Value::list(
            Type::String,
            vec![Value::string("a"), Value::string("b").mark(Mark::Sensitive)],
        )
        .unwrap_or_else(|e| panic!("{e}"))
    };
    let call = |name: &str, args: Vec<Value>| {
        t.call(name, args, &ctx)
            .unwrap_or_else(|e| panic!("{name}: {e}"))
    };
    // Structural functions leave element marks on the elements.
    assert!(!call("length", vec![list()]).is_sensitive());
    assert!(!call("element", vec![list(), Value::int(0)]).is_sensitive());
    assert!(call("element", vec![list(), Value::int(1)]).is_sensitive());
    // Functions that look into the elements mark their result.
    assert!(call("join", vec![Value::string(","), list()]).is_sensitive());
    assert!(call("contains", vec![list(), Value::string("a")]).is_sensitive());
    assert!(call("jsonencode", vec![list()]).is_sensitive());
    // A marked argument marks the result.
    assert!(call("length", vec![list().mark(Mark::Sensitive)]).is_sensitive());
    assert!(!call(
        "nonsensitive",
        vec![Value::string("a").mark(Mark::Sensitive)]
    )
    .is_sensitive());
    assert!(call(
        "issensitive",
        vec![Value::string("a").mark(Mark::Sensitive)]
    )
    .as_bool()
    .unwrap_or(false));
}

#[test]
fn unknown_arguments_give_unknown_results() {
    use crate::value::Type;
    let t = table();
    let ctx = CallContext::default();
    for (name, args) in [
        ("length", vec![Value::unknown(Type::list(Type::String))]),
        (
            "format",
            vec![Value::string("%s"), Value::unknown(Type::String)],
        ),
        (
            "cidrhost",
            vec![Value::unknown(Type::String), Value::int(1)],
        ),
        (
            "regex",
            vec![Value::unknown(Type::String), Value::string("x")],
        ),
        (
            "jsonencode",
            vec![Value::tuple(vec![Value::unknown(Type::String)])],
        ),
        ("yamlencode", vec![Value::unknown(Type::String)]),
    ] {
        let r = t
            .call(name, args, &ctx)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(!r.is_known(), "{name}");
    }
    let r = t
        .call("plantimestamp", vec![], &ctx)
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(!r.is_known());
    assert_eq!(r.ty(), &Type::String);
}

#[test]
fn every_documented_function_is_present() {
    let t = table();
    let names: Vec<&str> = t.names().collect();
    for want in "abs ceil floor log max min parseint pow signum chomp endswith format formatlist indent join lower regex regexall replace split startswith strcontains strrev substr title trim trimprefix trimspace trimsuffix upper alltrue anytrue chunklist coalesce coalescelist compact concat contains distinct element flatten index keys length lookup matchkeys merge one range reverse setintersection setproduct setsubtract setunion slice sort sum transpose values zipmap base64decode base64encode base64gzip csvdecode jsondecode jsonencode textdecodebase64 textencodebase64 urlencode yamldecode yamlencode abspath dirname pathexpand basename file fileexists fileset filebase64 formatdate plantimestamp timeadd timecmp timestamp base64sha256 base64sha512 bcrypt filebase64sha256 filebase64sha512 filemd5 filesha1 filesha256 filesha512 md5 rsadecrypt sha1 sha256 sha512 uuid uuidv5 cidrhost cidrnetmask cidrsubnet cidrsubnets ephemeralasnull issensitive nonsensitive sensitive tobool tolist tomap tonumber toset tostring type".split(' ') {
        assert!(names.contains(&want), "missing {want}");
    }
}

#[test]
fn result_types_of_unknown_calls() {
    use crate::value::Type;
    let t = table();
    let ctx = CallContext::default();
    let ty = |name: &str, args: Vec<Value>| {
        t.call(name, args, &ctx)
            .map(|v| v.ty().clone())
            .unwrap_or_else(|e| panic!("{name}: {e}"))
    };
    let tuple = Type::tuple(vec![Type::String, Type::Number]);
    assert_eq!(
        ty("tolist", vec![Value::unknown(tuple.clone())]),
        Type::list(Type::String)
    );
    assert_eq!(
        ty("keys", vec![Value::unknown(Type::map(Type::Number))]),
        Type::list(Type::String)
    );
    assert_eq!(
        ty(
            "element",
            vec![Value::unknown(Type::list(Type::Bool)), Value::int(0)]
        ),
        Type::Bool
    );
    assert_eq!(
        ty("values", vec![Value::unknown(Type::map(Type::Number))]),
        Type::list(Type::Number)
    );
    assert_eq!(
        ty("upper", vec![Value::unknown(Type::String)]),
        Type::String
    );
    assert_eq!(
        ty(
            "regexall",
            vec![Value::string("(a)(b)"), Value::unknown(Type::String)]
        ),
        Type::list(Type::tuple(vec![Type::String, Type::String]))
    );
}
