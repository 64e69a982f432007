//! Error wordings and positions recorded from real Terraform 1.15.5 (`terraform validate
//! -json` on outputs calling each expression; the position is the part of the expression the
//! diagnostic's range covers): templatefile/templatestring failures, transpose and argument
//! conversion messages, yamldecode syntax errors.

use crate::eval::{EvalContext, Scope};
use crate::value::Value;

/// Evaluates `src` (with `local.t*` templates in scope and the dsl crate as base directory)
/// and returns the first diagnostic: summary, detail, and the source text its span covers.
fn first_error(src: &str) -> (String, String, String) {
    let locals = Value::object_from([
        ("t1", Value::string("Hello ${")),
        ("t2", Value::string("x ${missing} y")),
        ("t3", Value::string("a\n${1 + \"x\"}")),
        ("t4", Value::string("${name.foo}")),
        ("t5", Value::string("${true ? \"a\" : {\n}}")),
        ("t6", Value::string("${1 + \"a\"} ${2 + \"b\"}")),
        ("t7", Value::string("é ${x}")),
        ("l", Value::tuple(vec![Value::int(1)])),
        ("l2", Value::tuple(vec![Value::tuple(vec![Value::int(1)])])),
    ]);
    let table = super::FunctionTable::builtin();
    let mut ctx = EvalContext::new(Scope::new().with("local", locals), &table);
    ctx.call_context.base_dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let text = format!("x = {src}\n");
    let parsed = crate::syntax::parse(&text);
    assert!(!parsed.has_errors(), "parse errors in {src}");
    let Some(expr) = parsed.body.attributes().next().map(|a| a.expr.clone()) else {
        panic!("no expression in {src}");
    };
    match ctx.eval(&expr) {
        Ok(v) => panic!("{src}: expected an error, got {v:?}"),
        Err(d) => {
            let covered = text.get(d[0].span.start..d[0].span.end).unwrap_or("?");
            (
                d[0].summary.clone(),
                d[0].detail.clone(),
                covered.to_string(),
            )
        }
    }
}

/// Each case: expression, summary, detail, covered source text.
fn check(cases: &[(&str, &str, &str, &str)]) {
    let mut failures = Vec::new();
    for &(src, summary, detail, covered) in cases {
        let got = first_error(src);
        let want = (summary.to_string(), detail.to_string(), covered.to_string());
        if got != want {
            failures.push(format!("{src}\n  want {want:?}\n  got  {got:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

const CALL: &str = "Error in function call";
const ARG: &str = "Invalid function argument";

#[test]
fn template_errors() {
    check(&[
        (
            r#"templatefile("tests/fixtures/templates/bad.tpl", {})"#,
            CALL,
            "Call to function \"templatefile\" failed: tests/fixtures/templates/bad.tpl:2,1-1: Missing expression; Expected the start of an expression, but found the end of the file..",
            "templatefile(",
        ),
        (
            r#"templatefile("tests/fixtures/templates/bad.tpl", "x")"#,
            CALL,
            "Call to function \"templatefile\" failed: tests/fixtures/templates/bad.tpl:2,1-1: Missing expression; Expected the start of an expression, but found the end of the file..",
            "templatefile(",
        ),
        (
            r#"templatefile("tests/fixtures/templates/miss.tpl", {})"#,
            ARG,
            "Invalid value for \"vars\" parameter: vars map does not contain key \"missing\", referenced at tests/fixtures/templates/miss.tpl:1,5-12.",
            "{",
        ),
        (
            r#"templatefile("tests/fixtures/templates/a.tpl", {name = "w"})"#,
            ARG,
            "Invalid value for \"vars\" parameter: vars map does not contain key \"nope\", referenced at tests/fixtures/templates/a.tpl:2,3-7.",
            "{",
        ),
        (
            r#"templatefile("tests/fixtures/templates/attr.tpl", {xs = [1]})"#,
            CALL,
            "Call to function \"templatefile\" failed: tests/fixtures/templates/attr.tpl:1,20-24: Unsupported attribute; Can't access attributes on a primitive-typed value (number)..",
            "templatefile(",
        ),
        (
            r#"templatefile("tests/fixtures/templates/two.tpl", {})"#,
            CALL,
            "Call to function \"templatefile\" failed: tests/fixtures/templates/two.tpl:1,12-15: Invalid operand; Unsuitable value for right operand: a number is required., and 1 other diagnostic(s).",
            "templatefile(",
        ),
        (
            "templatestring(local.t1, {})",
            ARG,
            "Invalid value for \"template\" parameter: invalid template: <templatestring argument>:1,9-9: Missing expression; Expected the start of an expression, but found the end of the file..",
            "local.t1",
        ),
        (
            "templatestring(local.t1, 1)",
            ARG,
            "Invalid value for \"template\" parameter: invalid template: <templatestring argument>:1,9-9: Missing expression; Expected the start of an expression, but found the end of the file..",
            "local.t1",
        ),
        (
            "templatestring(local.t2, {})",
            ARG,
            "Invalid value for \"vars\" parameter: vars map does not contain key \"missing\", referenced at <templatestring argument>:1,5-12.",
            "{",
        ),
        (
            "templatestring(local.t3, {})",
            CALL,
            "Call to function \"templatestring\" failed: <templatestring argument>:2,7-10: Invalid operand; Unsuitable value for right operand: a number is required..",
            "templatestring(",
        ),
        (
            "templatestring(local.t4, {name = \"w\"})",
            CALL,
            "Call to function \"templatestring\" failed: <templatestring argument>:1,7-11: Unsupported attribute; Can't access attributes on a primitive-typed value (string)..",
            "templatestring(",
        ),
        (
            "templatestring(local.t5, {})",
            CALL,
            "Call to function \"templatestring\" failed: <templatestring argument>:1,10-2,2: Inconsistent conditional result types; The true and false result expressions must have consistent types. The 'true' value is string, but the 'false' value is object..",
            "templatestring(",
        ),
        (
            "templatestring(local.t6, {})",
            CALL,
            "Call to function \"templatestring\" failed: <templatestring argument>:1,7-10: Invalid operand; Unsuitable value for right operand: a number is required., and 1 other diagnostic(s).",
            "templatestring(",
        ),
        (
            "templatestring(local.t7, {})",
            ARG,
            "Invalid value for \"vars\" parameter: vars map does not contain key \"x\", referenced at <templatestring argument>:1,5-6.",
            "{",
        ),
    ]);
}

#[test]
fn argument_conversion_and_transpose_errors() {
    check(&[
        (
            "chunklist(\"a\", 1)",
            ARG,
            "Invalid value for \"list\" parameter: list of dynamic required, but have string.",
            "a",
        ),
        (
            "setunion(\"a\")",
            ARG,
            "Invalid value for \"first_set\" parameter: set of dynamic required, but have string.",
            "a",
        ),
        (
            "chunklist({a = 1}, 1)",
            ARG,
            "Invalid value for \"list\" parameter: list of any single type required.",
            "{",
        ),
        (
            "chunklist(tomap({a = 1}), 1)",
            ARG,
            "Invalid value for \"list\" parameter: list of any single type required.",
            "tomap(",
        ),
        (
            "chunklist([\"a\", [1]], 1)",
            ARG,
            "Invalid value for \"list\" parameter: all list elements must have the same type.",
            "[",
        ),
        (
            "transpose({a = \"x\"})",
            ARG,
            "Invalid value for \"values\" parameter: element \"a\": list of string required, but have string.",
            "{",
        ),
        (
            "transpose({a = [\"x\", null]})",
            CALL,
            "Call to function \"transpose\" failed: input list must not contain null string.",
            "transpose(",
        ),
        (
            "transpose(\"x\")",
            ARG,
            "Invalid value for \"values\" parameter: map of list of string required, but have string.",
            "x",
        ),
        (
            "transpose({a = [[\"x\"]]})",
            ARG,
            "Invalid value for \"values\" parameter: element \"a\": element 0: string required, but have tuple.",
            "{",
        ),
        (
            "transpose({a = {b = \"x\"}})",
            ARG,
            "Invalid value for \"values\" parameter: element \"a\": list of string required.",
            "{",
        ),
        (
            "transpose([\"x\"])",
            ARG,
            "Invalid value for \"values\" parameter: map of list of string required.",
            "[",
        ),
        (
            "transpose({a = [\"x\"], b = \"y\"})",
            ARG,
            "Invalid value for \"values\" parameter: element \"b\": list of string required, but have string.",
            "{",
        ),
        (
            "transpose({a = tolist([[1]])})",
            ARG,
            "Invalid value for \"values\" parameter: element \"a\": incorrect list element type: string required, but have tuple.",
            "{",
        ),
        (
            "lower([\"x\"])",
            ARG,
            "Invalid value for \"str\" parameter: string required, but have tuple.",
            "[",
        ),
        (
            "join(\",\", {a = [\"x\"]})",
            ARG,
            "Invalid value for \"lists\" parameter: list of string required.",
            "{",
        ),
        (
            "join(\",\", [[\"x\"]])",
            ARG,
            "Invalid value for \"lists\" parameter: element 0: string required, but have tuple.",
            "[",
        ),
    ]);
}

/// Where an argument's problem is placed: HCL's `StartRange` of the argument expression.
#[test]
fn argument_error_positions() {
    let wrong = "Invalid value for \"str\" parameter: string required, but have tuple.";
    let many = "Function \"lower\" expects only 1 argument(s).";
    check(&[
        ("lower([for x in [1] : x])", ARG, wrong, "["),
        ("lower(true ? [1] : [2])", ARG, wrong, "true"),
        (
            "lower(local.l == local.l ? [1] : [2])",
            ARG,
            wrong,
            "local.l",
        ),
        ("lower((local.l))", ARG, wrong, "local.l"),
        ("lower(local.l2[0])", ARG, wrong, "local.l2[0]"),
        ("lower(local.l[*])", ARG, wrong, "[*]"),
        (
            "lower(\"a\", \"b\")",
            "Too many function arguments",
            many,
            "b",
        ),
        (
            "lower(\"a\", [1], 2)",
            "Too many function arguments",
            many,
            "[",
        ),
        (
            "try()",
            CALL,
            "Call to function \"try\" failed: at least one argument is required.",
            "try(",
        ),
        (
            "transpose(\n  {a = [\"x\", null]}\n)",
            CALL,
            "Call to function \"transpose\" failed: input list must not contain null string.",
            "transpose(",
        ),
    ]);
}
