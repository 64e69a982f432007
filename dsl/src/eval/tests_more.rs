//! Evaluator unit tests, continued: `for` expressions, templates, object constructors, calls
//! (`try`, `can`, `templatefile`, `templatestring`, user functions), references, limits, and
//! properties.

use proptest::prelude::*;

use super::tests::{err, ok, parse_expr, run, show};
use super::*;
use crate::value::Mark;

fn assert_err(src: &str, summary: &str, detail: &str) {
    let (s, d) = err(src);
    assert_eq!((s.as_str(), d.as_str()), (summary, detail), "{src}");
}

#[test]
fn for_expressions() {
    assert_eq!(show("[for x in [1, 2] : x * 2]"), "[\n  2,\n  4,\n]");
    assert_eq!(show("[for i, x in [\"a\", \"b\"] : i]"), "[\n  0,\n  1,\n]");
    assert_eq!(
        show("[for k, v in {b = 1, a = 2} : k]"),
        "[\n  \"a\",\n  \"b\",\n]"
    );
    assert_eq!(show("[for x in local.set : x]"), "[\n  \"x\",\n  \"y\",\n]");
    assert_eq!(
        show("{for k, v in {a = 1, b = 2} : v => k}"),
        "{\n  \"1\" = \"a\"\n  \"2\" = \"b\"\n}"
    );
    assert_eq!(
        show("{for x in [\"a\", \"a\"] : x => 1...}"),
        "{\n  \"a\" = [\n    1,\n    1,\n  ]\n}"
    );
    assert_eq!(
        show("[for x in [1, 2, 3] : x if x > 1]"),
        "[\n  2,\n  3,\n]"
    );
    assert_eq!(show("{for x in [1] : x => 1}"), "{\n  \"1\" = 1\n}");
}

#[test]
fn for_errors() {
    assert_err(
        "{for x in [\"a\", \"a\"] : x => 1}",
        "Duplicate object key",
        "Two different items produced the key \"a\" in this 'for' expression. If duplicates are expected, use the ellipsis (...) after the value expression to enable grouping by key.",
    );
    assert_err(
        "[for x in [1, 2] : x if x]",
        "Invalid 'for' condition",
        "The 'if' clause value is invalid: bool required, but have number.",
    );
    assert_err(
        "[for x in [1, 2] : x if local.n]",
        "Condition is null",
        "The value of the 'if' clause must not be null.",
    );
    assert_err(
        "{for x in [\"a\"] : local.n => 1}",
        "Invalid object key",
        "Key expression in 'for' expression must not produce a null value.",
    );
    assert_err(
        "[for x in local.n : x]",
        "Iteration over null value",
        "A null value cannot be used as the collection in a 'for' expression.",
    );
    assert_err(
        "[for x in 1 : x]",
        "Iteration over non-iterable value",
        "A value of type number cannot be used as the collection in a 'for' expression.",
    );
    // Only the first error of a kind is reported.
    assert_eq!(run("[for x in [1, 2] : x if x]").unwrap_err().len(), 1);
}

#[test]
fn for_unknowns() {
    assert!(!ok("[for x in local.ul : x]").is_known());
    assert!(!ok("[for x in [1, 2] : x if local.ub]").is_known());
    assert!(!ok("{for x in [1] : local.u => x}").is_known());
    let v = ok("[for x in [local.u] : x]");
    assert!(v.is_known() && !v.is_wholly_known());
}

#[test]
fn templates() {
    assert_eq!(show("\"a${1}b\""), "\"a1b\"");
    assert_eq!(show("\"${true}\""), "true");
    assert_eq!(show("\"${[1]}\""), "[\n  1,\n]");
    assert!(ok("\"${local.n}\"").is_null());
    assert_eq!(show("\"%{ if true }y%{ else }n%{ endif }\""), "\"y\"");
    assert_eq!(
        show("\"%{ for i, v in [\"a\", \"b\"] }${i}${v}%{ endfor }\""),
        "\"0a1b\""
    );
    assert_eq!(
        show("\"%{ for k, v in {b = 2, a = 1} }${k}${v}%{ endfor }\""),
        "\"a1b2\""
    );
    assert_eq!(show("\"<%{ for v in [] }${v}%{ endfor }>\""), "\"<>\"");
    assert_eq!(show("\"a %{~ if true ~} b %{~ endif ~} c\""), "\"abc\"");
    assert_eq!(ok("<<EOT\nx ${1 + 1}\nEOT").as_str(), Some("x 2\n"));
    assert!(!ok("\"%{ for v in local.ul }${v}%{ endfor }\"").is_known());
    assert!(!ok("\"%{ if local.ub }a%{ endif }\"").is_known());
}

#[test]
fn template_errors() {
    assert_err(
        "\"a${[1]}\"",
        "Invalid template interpolation value",
        "Cannot include the given value in a string template: string required, but have tuple.",
    );
    assert_err(
        "\"a${local.n}\"",
        "Invalid template interpolation value",
        "The expression result is null. Cannot include a null value in a string template.",
    );
    assert_err(
        "\"%{ if local.n }x%{ endif }\"",
        "Null condition",
        "The condition value is null. Conditions must either be true or false.",
    );
    assert_err(
        "\"%{ if 1 }x%{ endif }\"",
        "Incorrect condition type",
        "The condition expression must be of type bool.",
    );
    assert_err(
        "\"%{ for x in local.n }${x}%{ endfor }\"",
        "Iteration over null value",
        "A null value cannot be used as the collection in a 'for' expression.",
    );
}

#[test]
fn object_constructors() {
    assert_eq!(
        show("{a = 1, \"b c\" = 2}"),
        "{\n  \"a\" = 1\n  \"b c\" = 2\n}"
    );
    assert_eq!(show("{(local.s) = 1}"), "{\n  \"abc\" = 1\n}");
    assert_eq!(show("{(local.num) = 1}"), "{\n  \"5\" = 1\n}");
    assert_eq!(show("{(true) = 1}"), "{\n  \"true\" = 1\n}");
    assert_eq!(show("{a = 1, a = 2}"), "{\n  \"a\" = 2\n}");
    assert_err(
        "{(local.n) = 1}",
        "Null value as key",
        "Can't use a null value as a key.",
    );
    assert_err(
        "{(local.s) = 1, ([1]) = 2}",
        "Incorrect key type",
        "Can't use this value as a key: string required, but have tuple.",
    );
    assert!(!ok("{(local.u) = 1}").is_known());
    assert_eq!(
        show("{null = 1, true = 2, false = 3}"),
        "{\n  \"false\" = 3\n  \"null\" = 1\n  \"true\" = 2\n}"
    );
    assert_eq!(show("[for x in [1] : x if \"true\"]"), "[\n  1,\n]");
    assert_err(
        "{local.s = 1}",
        "Ambiguous attribute key",
        "If this expression is intended to be a reference, wrap it in parentheses. If it's instead intended as a literal name containing periods, wrap it in quotes to create a string literal.",
    );
    assert_eq!(show("{\"${local.s}\" = 1}"), "{\n  \"abc\" = 1\n}");
    assert_err(
        "{a = 1}[0]",
        "Invalid index",
        "The given key does not identify an element in this collection value. An object only supports looking up attributes by name, not by numeric index.",
    );
    assert_eq!(
        show("true ? {a = 1} : {a = \"x\"}"),
        "{\n  \"a\" = \"1\"\n}"
    );
    assert_eq!(show("[{a = 1}, {a = \"x\"}][*].a"), "[\n  1,\n  \"x\",\n]");
    assert_eq!(
        show("\"${1.0}|${1e20}|${0.1 + 0.2}|${-0}\""),
        "\"1|100000000000000000000|0.3|-0\""
    );
    assert!(ok("[for k, v in {a = 1} : v if k == local.sec]").is_sensitive());
    assert!(ok("[1, 2][local.sec == \"s\" ? 0 : 1]").is_sensitive());
    assert_err(
        "0 / 0",
        "Operation failed",
        "Error during operation: can't divide zero by zero or infinity by infinity.",
    );
}

#[test]
fn try_and_can() {
    assert_eq!(show("try(local.m.zz, \"none\")"), "\"none\"");
    assert_eq!(show("try(local.m.a, 0)"), "1");
    assert_eq!(show("try(local.s.x, [1][3], 9)"), "9");
    assert_eq!(show("can(local.m.a)"), "true");
    assert_eq!(show("can(local.m.zz)"), "false");
    assert_eq!(show("can(\"a\" + 1)"), "false");
    assert!(!ok("can(local.u)").is_known());
    assert!(!ok("try(local.ul[0], 1)").is_known());
    let (s, d) = err("try(local.s.x, [1][3])");
    assert_eq!(s, "Error in function call");
    assert_eq!(
        d,
        "Call to function \"try\" failed: no expression succeeded:\n- Unsupported attribute\n  Can't access attributes on a primitive-typed value (string).\n- Invalid index\n  The given key does not identify an element in this collection value.\n\nAt least one expression must produce a successful result."
    );
    // A name that does not exist at all is an error even inside try and can.
    assert_eq!(err("try(nope, 1)").0, "Unknown variable");
    assert_eq!(err("can(nope)").0, "Unknown variable");
}

#[test]
fn unknown_functions() {
    assert_err(
        "upperr(\"a\")",
        "Call to unknown function",
        "There is no function named \"upperr\". Did you mean \"upper\"?",
    );
    assert_err(
        "nosuchfunction(1)",
        "Call to unknown function",
        "There is no function named \"nosuchfunction\".",
    );
    assert_err(
        "upper()",
        "Not enough function arguments",
        "Function \"upper\" expects 1 argument(s). Missing value for \"str\".",
    );
    assert_err(
        "upper(\"a\", \"b\")",
        "Too many function arguments",
        "Function \"upper\" expects only 1 argument(s).",
    );
    assert_err(
        "upper([1])",
        "Invalid function argument",
        "Invalid value for \"str\" parameter: string required, but have tuple.",
    );
    assert_eq!(show("max([1, 2]...)"), "2");
    assert_eq!(show("upper(\"a\")"), "\"A\"");
    assert_err(
        "templatefil(1)",
        "Call to unknown function",
        "There is no function named \"templatefil\". Did you mean \"templatefile\"?",
    );
    assert_err(
        "provider::aws::arn_parse(\"x\")",
        "Call to unknown function",
        "There is no function named \"provider::aws::arn_parse\".",
    );
    assert_eq!(show("core::try(1)"), "1");
}

#[test]
fn templatestring_renders_with_its_variables_only() {
    assert_eq!(
        show("templatestring(local.tpl_hello, {name = \"W\"})"),
        "\"Hello, W!\""
    );
    assert_eq!(
        show("templatestring(local.tpl_loop, {xs = [1, 2]})"),
        "\"1,2,\""
    );
    assert_eq!(show("templatestring(local.tpl_v, {v = [1]})"), "[\n  1,\n]");
    let (s, d) = err("templatestring(local.tpl_local, {})");
    assert_eq!(s, "Invalid function argument");
    // Terraform 1.15 names the template and the root name's range.
    assert_eq!(d, "Invalid value for \"vars\" parameter: vars map does not contain key \"local\", referenced at <templatestring argument>:1,3-8.");
    assert_eq!(
        err("templatestring(local.tpl_x, 1)").1,
        "Invalid value for \"vars\" parameter: invalid vars value: must be a map."
    );
    assert_eq!(
        err("templatestring(local.tpl_x, {\"1a\" = 1})").1,
        "Invalid value for \"vars\" parameter: invalid template variable name \"1a\": must start with a letter, followed by zero or more letters, digits, and underscores."
    );
    assert!(ok("templatestring(local.sec, {})").is_sensitive());
    assert_err(
        "templatestring(\"x\", {})",
        "Invalid function argument",
        "Invalid value for \"template\" parameter: invalid template expression: templatestring is only for rendering templates retrieved dynamically from elsewhere, and so does not support providing a literal template; consider using a template string expression instead.",
    );
    assert_err(
        "templatestring(\"${local.s}\", {})",
        "Invalid function argument",
        "Invalid value for \"template\" parameter: invalid template expression: templatestring is only for rendering templates retrieved dynamically from elsewhere; to treat the inner expression as template syntax, write the reference expression directly without any template interpolation syntax.",
    );
    // A template that does not parse is a problem with the template argument (Terraform 1.15).
    assert_eq!(
        err("templatestring(local.tpl_bad, {})").0,
        "Invalid function argument"
    );
}

#[test]
fn templatefile_reads_relative_to_base_dir() {
    let dir = std::env::temp_dir().join(format!("terrane-eval-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("t.tpl"),
        "%{ for s in items ~}\n- ${s}\n%{ endfor ~}\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("rec.tpl"),
        "${templatefile(\"t.tpl\", {items = []})}",
    )
    .unwrap();
    let table = FunctionTable::builtin();
    let mut ctx = EvalContext::new(Scope::new(), &table);
    ctx.call_context.base_dir = dir.clone();
    let v = ctx
        .eval(&parse_expr(
            "templatefile(\"t.tpl\", {items = [\"a\", \"b\"]})",
        ))
        .unwrap();
    assert_eq!(v.as_str(), Some("- a\n- b\n"));
    let d = ctx
        .eval(&parse_expr("templatefile(\"missing.tpl\", {})"))
        .unwrap_err();
    assert_eq!(d[0].summary, "Invalid function argument");
    assert!(d[0]
        .detail
        .starts_with("Invalid value for \"path\" parameter: no file exists at \"missing.tpl\""));
    let d = ctx
        .eval(&parse_expr("templatefile(\"rec.tpl\", {})"))
        .unwrap_err();
    assert!(
        d[0].detail.contains("cannot recursively call templatefile"),
        "{d:?}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn argument_expansion() {
    assert_err(
        "try(local.n...)",
        "Invalid expanding argument value",
        "The expanding argument (indicated by ...) must not be null.",
    );
    assert_err(
        "upper(\"a\"...)",
        "Invalid expanding argument value",
        "The expanding argument (indicated by ...) must be of a tuple, list, or set type.",
    );
    assert_eq!(show("upper([\"x\"]...)"), "\"X\"");
}

fn functions_from(src: &str) -> (UserFunctions, Vec<Diagnostic>) {
    let parsed = crate::syntax::parse(src);
    assert!(!parsed.has_errors(), "{:?}", parsed.diagnostics);
    UserFunctions::from_blocks(parsed.body.blocks().filter(|b| b.ident.name == "function"))
}

fn eval_with_functions(fns: UserFunctions, src: &str) -> Result<Value, Vec<Diagnostic>> {
    let table = FunctionTable::builtin();
    let mut ctx = EvalContext::new(Scope::new().with("local", super::tests::locals()), &table);
    ctx.user_functions = fns;
    ctx.eval(&parse_expr(src))
}

#[test]
fn user_functions() {
    let (fns, diags) = functions_from(
        r#"
function "greet" {
  parameter "name" { type = string }
  parameter "times" { type = number }
  result = join_words([for i in range_of(times) : name])
}
function "join_words" {
  description = "Joins words."
  parameter "words" {
    type        = list(string)
    description = "The words."
  }
  result = "%{ for w in words }${w} %{ endfor }"
}
function "range_of" {
  parameter "n" { type = number }
  result = [for i in [0, 1, 2, 3] : i if i < n]
}
"#,
    );
    assert!(diags.is_empty(), "{diags:?}");
    let v = eval_with_functions(fns.clone(), "greet(\"hi\", 2)").unwrap();
    assert_eq!(v.as_str(), Some("hi hi "));
    // Arguments are converted to the parameter types.
    let v = eval_with_functions(fns.clone(), "greet(\"x\", \"1\")").unwrap();
    assert_eq!(v.as_str(), Some("x "));
    let d = eval_with_functions(fns.clone(), "greet([1], 1)").unwrap_err();
    assert_eq!(d[0].summary, "Invalid function argument");
    assert_eq!(
        d[0].detail,
        "Invalid value for \"name\" parameter: string required, but have tuple."
    );
    let d = eval_with_functions(fns.clone(), "greet(\"x\")").unwrap_err();
    assert_eq!(
        d[0].detail,
        "Function \"greet\" expects 2 argument(s). Missing value for \"times\"."
    );
    // The body sees only its parameters.
    let (fns2, _) = functions_from("function \"f\" {\n  result = local.s\n}\n");
    let d = eval_with_functions(fns2, "f()").unwrap_err();
    assert_eq!(d[0].summary, "Unknown variable");
    assert!(eval_with_functions(fns, "greet(local.sec, 1)")
        .unwrap()
        .is_sensitive());
}

#[test]
fn user_function_recursion_is_rejected() {
    let (fns, diags) = functions_from(
        "function \"a\" {\n  result = b()\n}\nfunction \"b\" {\n  result = a()\n}\nfunction \"c\" {\n  result = c()\n}\nfunction \"ok\" {\n  result = 1\n}\n",
    );
    assert_eq!(diags.len(), 2, "{diags:?}");
    assert!(diags.iter().all(|d| d.summary == "Recursive function call"));
    assert!(
        diags[0].detail.contains("a -> b -> a"),
        "{}",
        diags[0].detail
    );
    assert!(diags[1].detail.contains("c -> c"), "{}", diags[1].detail);
    assert!(fns.get("ok").is_some() && fns.get("a").is_none() && fns.get("c").is_none());
    // The runtime guard catches recursion in a registry built by hand.
    let mut by_hand = UserFunctions::default();
    by_hand.insert(UserFunction {
        name: "r".into(),
        params: vec![],
        result: parse_expr("r()"),
        span: Span::default(),
    });
    let d = eval_with_functions(by_hand, "r()").unwrap_err();
    assert_eq!(d[0].summary, "Recursive function call");
}

#[test]
fn exponential_user_function_calls_are_cut_off() {
    let mut src = String::from("function \"f0\" {\n  result = 1\n}\n");
    for i in 1..40 {
        src.push_str(&format!(
            "function \"f{i}\" {{\n  result = f{p}() + f{p}()\n}}\n",
            p = i - 1
        ));
    }
    let (fns, diags) = functions_from(&src);
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(
        eval_with_functions(fns.clone(), "f3()").unwrap().as_i64(),
        Some(8)
    );
    let d = eval_with_functions(fns, "f39()").unwrap_err();
    assert_eq!(d[0].summary, "Too many function calls");
    assert_eq!(d.len(), 1);
}

#[test]
fn deep_call_chains_stop_with_a_diagnostic() {
    let mut src = String::from("function \"f1000\" {\n  result = 0\n}\n");
    for i in 0..1000 {
        src.push_str(&format!(
            "function \"f{i}\" {{\n  result = f{}() + 1\n}}\n",
            i + 1
        ));
    }
    let (fns, diags) = functions_from(&src);
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(
        eval_with_functions(fns.clone(), "f900()").unwrap().as_i64(),
        Some(100)
    );
    let d = eval_with_functions(fns, "f0()").unwrap_err();
    assert_eq!(d[0].summary, "Expression too deeply nested");
}

#[test]
fn user_function_block_errors() {
    let (_, d) = functions_from("function \"f\" {\n  parameter \"x\" {}\n  parameter \"x\" {}\n  result = x\n}\nfunction \"g\" {\n}\n");
    let summaries: Vec<&str> = d.iter().map(|d| d.summary.as_str()).collect();
    assert_eq!(
        summaries,
        ["Duplicate parameter", "Missing required argument"]
    );
}

#[test]
fn references_list_static_traversals() {
    let refs = references(&parse_expr(
        "var.a.b[0] + local.x[\"k\"].y + [for v in var.l : v.id + each.key][0] + f(module.m.out) + data.d.n[local.i]",
    ));
    let shown: Vec<String> = refs
        .iter()
        .map(|t| {
            let mut s = t.root.clone();
            for step in &t.steps {
                match step {
                    TraversalStep::Attr(n, _) => s.push_str(&format!(".{n}")),
                    TraversalStep::Index(k, _) => s.push_str(&format!("[{k}]")),
                }
            }
            s
        })
        .collect();
    assert_eq!(
        shown,
        [
            "var.a.b[0]",
            "local.x[\"k\"].y",
            "var.l",
            "each.key",
            "module.m.out",
            "data.d.n",
            "local.i"
        ]
    );
    let src = "x = var.a.b[0]\n";
    let expr = parse_expr("var.a.b[0]");
    assert_eq!(&src[references(&expr)[0].span.range()], "var.a.b[0]");
    // Template for directives bind names too.
    let refs = references(&parse_expr(
        "\"%{ for k, v in var.m }${k}${v}${local.z}%{ endfor }\"",
    ));
    let roots: Vec<&str> = refs.iter().map(|t| t.root.as_str()).collect();
    assert_eq!(roots, ["var", "local"]);
}

#[test]
fn body_references_cover_nested_blocks() {
    let parsed = crate::syntax::parse(
        "a = var.x\nblk {\n  b = local.y\n  inner {\n    c = data.z.w\n  }\n}\nd = module.m.o\n",
    );
    let roots: Vec<String> = body_references(&parsed.body)
        .into_iter()
        .map(|t| t.root)
        .collect();
    assert_eq!(roots, ["var", "module", "local", "data"]);
}

#[test]
fn deep_expressions_do_not_overflow() {
    // 300 nested parentheses: within the parser's limit and evaluated fine.
    let src = format!("{}1{}", "(".repeat(300), ")".repeat(300));
    assert_eq!(show(&src), "1");
    // A long chain of operators nests deeply in the tree; the evaluator stops with a
    // diagnostic instead of overflowing.
    let long = vec!["1"; 400].join(" + ");
    let parsed = crate::syntax::parse(&format!("x = {long}\n"));
    let first = parsed.body.attributes().next().cloned();
    if let Some(a) = first {
        let table = FunctionTable::builtin();
        let ctx = EvalContext::new(Scope::new(), &table);
        let handle = std::thread::Builder::new()
            .stack_size(8 << 20)
            .spawn({
                let expr = a.expr.clone();
                move || {
                    let table = FunctionTable::builtin();
                    let ctx = EvalContext::new(Scope::new(), &table);
                    assert!(references(&expr).is_empty());
                    ctx.eval(&expr).map(|v| v.as_i64())
                }
            })
            .unwrap();
        let r = handle.join().unwrap();
        assert_eq!(r, Ok(Some(400)));
        drop(ctx);
    }
}

#[test]
fn scope_resolver_is_consulted() {
    let table = FunctionTable::builtin();
    let scope = Scope::new().with_resolver(
        std::sync::Arc::new(|name: &str| (name == "lazy").then(|| Value::int(7))),
        vec!["lazy".into()],
    );
    let ctx = EvalContext::new(scope, &table);
    assert_eq!(ctx.eval(&parse_expr("lazy + 1")).unwrap().as_i64(), Some(8));
    let d = ctx.eval(&parse_expr("lazzy")).unwrap_err();
    assert_eq!(
        d[0].detail,
        "There is no variable named \"lazzy\". Did you mean \"lazy\"?"
    );
}

#[test]
fn sensitive_collections_keep_marks_through_access() {
    let table = FunctionTable::builtin();
    let secret = Value::list(Type::String, vec![Value::string("a")])
        .unwrap()
        .mark(Mark::Sensitive);
    let ctx = EvalContext::new(Scope::new().with("s", secret), &table);
    for src in ["s[0]", "s[*]", "[for x in s : x]", "\"${s[0]}\"", "s == []"] {
        assert!(ctx.eval(&parse_expr(src)).unwrap().is_sensitive(), "{src}");
    }
}

proptest! {
    #[test]
    fn for_over_n_elements_yields_n(n in 0usize..60) {
        let items: Vec<String> = (0..n).map(|i| i.to_string()).collect();
        let src = format!("[for x in [{}] : x * 2]", items.join(", "));
        prop_assert_eq!(ok(&src).length(), Some(n));
        let src = format!("{{for i, x in [{}] : i => x}}", items.join(", "));
        prop_assert_eq!(ok(&src).length(), Some(n));
    }

    #[test]
    fn equality_is_symmetric(a in "[0-9a-z\"\\[\\]{}=, ]{0,12}", b in -5i64..5) {
        let a_expr = match crate::syntax::parse(&format!("x = {a}\n")) {
            p if !p.has_errors() => a,
            _ => "\"fallback\"".to_string(),
        };
        let l = run(&format!("{a_expr} == {b}"));
        let r = run(&format!("{b} == {a_expr}"));
        if let (Ok(l), Ok(r)) = (l, r) {
            prop_assert_eq!(l.as_bool(), r.as_bool());
        }
    }

    #[test]
    fn arithmetic_matches_integers(a in -1000i64..1000, b in -1000i64..1000) {
        prop_assert_eq!(ok(&format!("{a} + {b}")).as_i64(), Some(a + b));
        prop_assert_eq!(ok(&format!("{a} * {b}")).as_i64(), Some(a * b));
        prop_assert_eq!(ok(&format!("{a} < {b}")).as_bool(), Some(a < b));
    }

    #[test]
    fn evaluation_never_panics(src in "[a-z0-9 +*/%<>=!&|?:()\\[\\]{}\\.,\"$]{0,30}") {
        let parsed = crate::syntax::parse(&format!("x = {src}\n"));
        let first = parsed.body.attributes().next().cloned();
        if let Some(a) = first {
            let table = FunctionTable::builtin();
            let ctx = EvalContext::new(Scope::new().with("local", super::tests::locals()), &table);
            let _ = ctx.eval_with_diagnostics(&a.expr);
            let _ = references(&a.expr);
        }
    }
}
