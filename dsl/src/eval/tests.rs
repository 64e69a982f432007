//! Evaluator unit tests: values and diagnostics checked against `terraform console` (the
//! expected words are Terraform's).

use std::collections::BTreeMap;

use super::*;
use crate::value::{Mark, Refinement};

/// The `local` object the tests evaluate against.
pub(super) fn locals() -> Value {
    let mut m = BTreeMap::new();
    m.insert("n".to_string(), Value::null(Type::Dynamic));
    m.insert("s".to_string(), Value::string("abc"));
    m.insert("num".to_string(), Value::int(5));
    m.insert(
        "l".to_string(),
        Value::list(Type::String, vec![Value::string("a"), Value::string("b")]).unwrap(),
    );
    m.insert(
        "m".to_string(),
        Value::map(
            Type::Number,
            [
                ("a".to_string(), Value::int(1)),
                ("b".to_string(), Value::int(2)),
            ]
            .into_iter()
            .collect(),
        )
        .unwrap(),
    );
    m.insert(
        "set".to_string(),
        Value::set(Type::String, vec![Value::string("y"), Value::string("x")]).unwrap(),
    );
    for (k, v) in [
        ("tpl_hello", "Hello, ${name}!"),
        ("tpl_loop", "%{ for x in xs }${x},%{ endfor }"),
        ("tpl_v", "${v}"),
        ("tpl_local", "${local.s}"),
        ("tpl_x", "x"),
        ("tpl_bad", "${"),
    ] {
        m.insert(k.to_string(), Value::string(v));
    }
    m.insert(
        "sec".to_string(),
        Value::string("hush").mark(Mark::Sensitive),
    );
    m.insert("u".to_string(), Value::unknown(Type::String));
    m.insert("un".to_string(), Value::unknown(Type::Number));
    m.insert("ub".to_string(), Value::unknown(Type::Bool));
    m.insert("ul".to_string(), Value::unknown(Type::list(Type::String)));
    m.insert("d".to_string(), Value::dynamic());
    m.insert(
        "objs".to_string(),
        Value::list(
            Type::object([("id", Type::String)]),
            vec![
                Value::object_from([("id", Value::string("i1"))]),
                Value::object_from([("id", Value::string("i2"))]),
            ],
        )
        .unwrap(),
    );
    Value::object(m)
}

pub(super) fn parse_expr(src: &str) -> Expr {
    let parsed = crate::syntax::parse(&format!("x = {src}\n"));
    assert!(
        !parsed.has_errors(),
        "parse errors in {src}: {:?}",
        parsed.diagnostics
    );
    let expr = parsed
        .body
        .attributes()
        .next()
        .map(|a| a.expr.clone())
        .expect("one attribute");
    expr
}

pub(super) fn run(src: &str) -> Result<Value, Vec<Diagnostic>> {
    let table = FunctionTable::builtin();
    let ctx = EvalContext::new(Scope::new().with("local", locals()), &table);
    ctx.eval(&parse_expr(src))
}

pub(super) fn ok(src: &str) -> Value {
    match run(src) {
        Ok(v) => v,
        Err(d) => panic!("{src}: unexpected errors {d:?}"),
    }
}

/// The value as `terraform console` shows it.
pub(super) fn show(src: &str) -> String {
    crate::value::format_value(&ok(src), 0)
}

/// The first error's summary and detail.
pub(super) fn err(src: &str) -> (String, String) {
    match run(src) {
        Ok(v) => panic!("{src}: expected an error, got {v:?}"),
        Err(d) => (d[0].summary.clone(), d[0].detail.clone()),
    }
}

fn assert_err(src: &str, summary: &str, detail: &str) {
    let (s, d) = err(src);
    assert_eq!((s.as_str(), d.as_str()), (summary, detail), "{src}");
}

#[test]
fn literals() {
    assert_eq!(show("1"), "1");
    assert_eq!(show("1.5e3"), "1500");
    assert_eq!(show("true"), "true");
    assert!(ok("null").is_null());
    assert_eq!(show("\"a\""), "\"a\"");
    assert_eq!(show("[1, \"a\"]"), "[\n  1,\n  \"a\",\n]");
}

#[test]
fn arithmetic() {
    assert_eq!(show("1 + 2 * 3"), "7");
    assert_eq!(show("7 / 2"), "3.5");
    assert_eq!(show("-7 % 3"), "-1");
    assert_eq!(show("\"3\" * 2"), "6");
    assert_eq!(show("-local.num"), "-5");
    assert_eq!(show("0.1 + 0.2 == 0.3"), "true");
}

#[test]
fn arithmetic_errors() {
    assert_err(
        "local.s + 1",
        "Invalid operand",
        "Unsuitable value for left operand: a number is required.",
    );
    assert_err(
        "1 + \"a\"",
        "Invalid operand",
        "Unsuitable value for right operand: a number is required.",
    );
    assert_err(
        "local.n + 1",
        "Operation failed",
        "Error during operation: argument must not be null.",
    );
    assert_err(
        "-\"a\"",
        "Invalid operand",
        "Unsuitable value for unary operand: a number is required.",
    );
    assert_err(
        "-local.n",
        "Operation failed",
        "Error during operation: argument must not be null.",
    );
    assert_err(
        "!local.n",
        "Operation failed",
        "Error during operation: argument must not be null.",
    );
    assert_err(
        "1 < \"a\"",
        "Invalid operand",
        "Unsuitable value for right operand: a number is required.",
    );
}

#[test]
fn operand_error_is_on_the_operand() {
    let d = run("1 + local.s").unwrap_err();
    let src = "x = 1 + local.s\n";
    assert_eq!(&src[d[0].span.range()], "local.s");
}

#[test]
fn comparison_and_equality() {
    assert_eq!(show("\"2\" < 3"), "true");
    assert_eq!(show("1 == \"1\""), "false");
    assert_eq!(show("local.n == null"), "true");
    assert_eq!(show("[1, \"a\"] == [1, \"a\"]"), "true");
    assert_eq!(show("{a = 1} != {a = 2}"), "true");
    assert_eq!(show("-0 == 0"), "true");
}

#[test]
fn logic_and_short_circuit() {
    assert_eq!(show("true || local.n.x"), "true");
    assert_eq!(show("false && local.n"), "false");
    assert_eq!(show("local.n && true"), "false");
    assert_eq!(show("true && local.n"), "false");
    assert_eq!(show("local.n || true"), "true");
    assert_err(
        "local.n || false",
        "Operation failed",
        "Error during operation: argument must not be null.",
    );
    assert_err(
        "false && \"x\"",
        "Invalid operand",
        "Unsuitable value for right operand: a bool is required.",
    );
    // A type error is reported even when the left side decides, together with the
    // right side's own error.
    let d = run("false && (1 + \"a\")").unwrap_err();
    assert_eq!(d.len(), 2);
    assert_eq!(
        d[0].detail,
        "Unsuitable value for right operand: bool required, but have number."
    );
    assert_eq!(
        d[1].detail,
        "Unsuitable value for right operand: a number is required."
    );
    assert_eq!(show("\"true\" && true"), "true");
    assert_eq!(show("!!true"), "true");
}

#[test]
fn unknown_operands() {
    let v = ok("local.un + 1");
    assert!(!v.is_known() && v.ty() == &Type::Number);
    let v = ok("local.ub && true");
    assert!(!v.is_known() && v.ty() == &Type::Bool);
    assert_eq!(show("local.ub && false"), "false");
    assert_eq!(show("local.ub || true"), "true");
    assert!(!ok("local.u == \"a\"").is_known());
    assert_eq!(show("local.u == 1"), "false");
}

#[test]
fn marks_flow_through_operators() {
    assert!(ok("local.sec == \"x\"").is_sensitive());
    assert!(ok("\"${local.sec}!\"").is_sensitive());
    assert!(ok("local.sec != \"\" ? 1 : 2").is_sensitive());
    assert!(ok("[local.sec][0]").is_sensitive());
    assert!(ok("{a = local.sec}.a").is_sensitive());
    assert!(ok("{for x in [1] : x => local.sec}")
        .get_attr("1")
        .is_some_and(Value::is_sensitive));
}

#[test]
fn conditionals() {
    assert_eq!(show("true ? 1 : \"a\""), "\"1\"");
    assert_eq!(show("true ? local.n : 1"), "tonumber(null)");
    assert_eq!(show("true ? {a = 1} : {b = 1}"), "tomap({\n  \"a\" = 1\n})");
    assert_eq!(show("true ? [1, 2] : [1]"), "tolist([\n  1,\n  2,\n])");
    assert_eq!(show("\"true\" ? 1 : 2"), "1");
    assert_err(
        "local.n ? 1 : 2",
        "Null condition",
        "The condition value is null. Conditions must either be true or false.",
    );
    assert_err(
        "1 ? 1 : 2",
        "Incorrect condition type",
        "The condition expression must be of type bool.",
    );
    assert_err(
        "true ? [1] : {a = 1}",
        "Inconsistent conditional result types",
        "The true and false result expressions must have consistent types. The 'true' value is tuple, but the 'false' value is object.",
    );
    // The branch not taken is not reported.
    assert_eq!(show("true ? 1 : local.n.x"), "1");
    let v = ok("local.ub ? 1 : 2");
    assert!(!v.is_known() && v.ty() == &Type::Number && v.is_known_not_null());
}

#[test]
fn index_access() {
    assert_eq!(show("local.l[1]"), "\"b\"");
    assert_eq!(show("local.l[\"1\"]"), "\"b\"");
    assert_eq!(show("local.l[1.0]"), "\"b\"");
    assert_eq!(show("local.l.0"), "\"a\"");
    assert_eq!(show("local.m[\"a\"]"), "1");
    assert_eq!(show("{\"1\" = \"one\"}[1]"), "\"one\"");
    assert_eq!(show("[[1, 2], [3]][0][1]"), "2");
    let invalid = "The given key does not identify an element in this collection value.";
    assert_err("[1][5]", "Invalid index", invalid);
    assert_err("local.l[-1]", "Invalid index", invalid);
    assert_err("local.l[0.5]", "Invalid index", invalid);
    assert_err("local.m[\"zz\"]", "Invalid index", invalid);
    assert_err("{a = 1}[\"b\"]", "Invalid index", invalid);
    assert_err(
        "local.l[\"x\"]",
        "Invalid index",
        "The given key does not identify an element in this collection value: a number is required.",
    );
    assert_err(
        "local.set[0]",
        "Invalid index",
        "Elements of a set are identified only by their value and don't have any separate index or key to select with, so it's only possible to perform operations across all elements of the set.",
    );
    assert_err(
        "local.n[0]",
        "Attempt to index null value",
        "This value is null, so it does not have any indices.",
    );
    assert_err(
        "local.s.0",
        "Invalid index",
        "This value does not have any indices.",
    );
    assert_err(
        "[1][local.n]",
        "Invalid index",
        "Can't use a null value as an indexing key.",
    );
    let v = ok("local.ul[0]");
    assert!(!v.is_known() && v.ty() == &Type::String);
    assert!(!ok("local.l[local.un]").is_known());
    assert!(!ok("local.d[0]").is_known());
}

#[test]
fn attribute_access() {
    assert_eq!(show("{a = {b = \"c\"}}.a.b"), "\"c\"");
    assert_eq!(show("local.m.b"), "2");
    assert_err(
        "{a = 1}.b",
        "Unsupported attribute",
        "This object does not have an attribute named \"b\".",
    );
    assert_err(
        "local.s.foo",
        "Unsupported attribute",
        "Can't access attributes on a primitive-typed value (string).",
    );
    assert_err(
        "local.n.x",
        "Attempt to get attribute from null value",
        "This value is null, so it does not have any attributes.",
    );
    assert_err(
        "[1].x",
        "Unsupported attribute",
        "This value does not have any attributes.",
    );
    assert_err(
        "local.m.zz",
        "Missing map element",
        "This map does not have an element with the key \"zz\".",
    );
    assert_err(
        "local.objs.id",
        "Unsupported attribute",
        "Can't access attributes on a list of objects. Did you mean to access attribute \"id\" for a specific element of the list, or across all elements of the list?",
    );
    assert!(!ok("local.d.anything").is_known());
}

#[test]
fn splats() {
    assert_eq!(
        show("local.objs[*].id"),
        "tolist([\n  \"i1\",\n  \"i2\",\n])"
    );
    assert_eq!(
        show("local.objs.*.id"),
        "tolist([\n  \"i1\",\n  \"i2\",\n])"
    );
    assert_eq!(show("local.n[*]"), "[]");
    assert_eq!(show("{id = 1}[*].id"), "[\n  1,\n]");
    assert_eq!(show("local.s[*]"), "[\n  \"abc\",\n]");
    assert_eq!(show("local.set[*]"), "tolist([\n  \"x\",\n  \"y\",\n])");
    assert_eq!(show("[[1, 2], [3]][*][0]"), "[\n  1,\n  3,\n]");
    // An attribute-only splat ends at the first index; a full splat applies it to each item.
    assert_eq!(show("[{id = \"a\"}, {id = \"b\"}].*.id[0]"), "\"a\"");
    assert_eq!(
        show("[{id = [\"a\"]}, {id = [\"b\"]}][*].id[0]"),
        "[\n  \"a\",\n  \"b\",\n]"
    );
    assert_eq!(show("[1, 2].0"), "1");
    assert_err(
        "local.s[*].x",
        "Unsupported attribute",
        "Can't access attributes on a primitive-typed value (string).",
    );
    assert_err(
        "tolist_null[*]",
        "Unknown variable",
        "There is no variable named \"tolist_null\".",
    );
    let v = ok("local.ul[*]");
    assert!(!v.is_known() && v.ty() == &Type::list(Type::String));
    assert!(!ok("local.d[*].x").is_known());
    // An empty list still has the element type of the splat result.
    let table = FunctionTable::builtin();
    let empty = Value::list(Type::object([("id", Type::Number)]), vec![]).unwrap();
    let ctx = EvalContext::new(Scope::new().with("e", empty), &table);
    let v = ctx.eval(&parse_expr("e[*].id")).unwrap();
    assert_eq!(v.ty(), &Type::list(Type::Number));
}

#[test]
fn splat_of_null_sequence() {
    let table = FunctionTable::builtin();
    let ctx = EvalContext::new(
        Scope::new().with("l", Value::null(Type::list(Type::String))),
        &table,
    );
    let d = ctx.eval(&parse_expr("l[*]")).unwrap_err();
    assert_eq!(d[0].summary, "Splat of null value");
    assert_eq!(
        d[0].detail,
        "Splat expressions (with the * symbol) cannot be applied to null sequences."
    );
}

#[test]
fn errors_come_with_a_best_effort_value() {
    let table = FunctionTable::builtin();
    let ctx = EvalContext::new(Scope::new().with("local", locals()), &table);
    let (v, d) = ctx.eval_with_diagnostics(&parse_expr("[1, local.s + 1]"));
    assert_eq!(d.len(), 1);
    assert_eq!(v.length(), Some(2));
    assert!(!v.is_wholly_known());
}

#[test]
fn unknown_variable_suggests() {
    assert_err(
        "locl.s",
        "Unknown variable",
        "There is no variable named \"locl\". Did you mean \"local\"?",
    );
}

#[test]
fn refinements_from_templates() {
    let v = ok("\"pre-${local.u}\"");
    assert!(!v.is_known());
    assert_eq!(
        v.refinement(),
        Some(&Refinement {
            not_null: true,
            string_prefix: Some("pre-".into()),
            ..Refinement::default()
        })
    );
}
