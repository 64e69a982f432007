//! Unit tests of the parser: every construct of the spec (shown as compact tree dumps),
//! spans, precedence, templates and escapes, heredocs, error recovery and deep nesting.

use crate::syntax::ast::{BodyItem, ExprKind, Span};
use crate::syntax::{dump, parse, Parsed};

/// Parses `a = <src>` and dumps the expression; fails on any error.
fn e(src: &str) -> String {
    let text = format!("a = {src}\n");
    let parsed = parse(&text);
    assert!(
        parsed.diagnostics.is_empty(),
        "errors in {src:?}: {:#?}",
        parsed.diagnostics
    );
    match parsed.body.items.as_slice() {
        [BodyItem::Attribute(attr)] => dump::expr(&attr.expr),
        other => panic!("expected one attribute, got {other:?}"),
    }
}

/// `summary @ line:col` of every diagnostic.
fn errs(src: &str) -> Vec<String> {
    let parsed = parse(src);
    positions(src, &parsed)
}

fn positions(src: &str, parsed: &Parsed) -> Vec<String> {
    let index = crate::line_index::LineIndex::new(src);
    parsed
        .diagnostics
        .iter()
        .map(|d| {
            let p = index.position(src, d.span.start);
            format!("{} @ {}:{}", d.summary, p.line, p.column)
        })
        .collect()
}

#[test]
fn literals_and_names() {
    assert_eq!(e("1"), "1");
    assert_eq!(e("1.5e3"), "1.5e3");
    assert_eq!(e("true"), "true");
    assert_eq!(e("null"), "null");
    assert_eq!(e("var.x"), "(. var x)");
    assert_eq!(e("\"s\""), "(tmpl \"s\")");
    assert_eq!(e("\"\""), "(tmpl)");
}

#[test]
fn precedence_and_associativity() {
    assert_eq!(e("1 + 2 * 3"), "(+ 1 (* 2 3))");
    assert_eq!(e("1 - 2 - 3"), "(- (- 1 2) 3)");
    assert_eq!(e("8 / 4 % 3"), "(% (/ 8 4) 3)");
    assert_eq!(
        e("a || b && c == d < e + f * g"),
        "(|| a (&& b (== c (< d (+ e (* f g))))))"
    );
    assert_eq!(e("a != b == c"), "(== (!= a b) c)");
    assert_eq!(e("-1 + 2"), "(+ (neg 1) 2)");
    assert_eq!(e("!a && b"), "(&& (! a) b)");
    assert_eq!(e("- -x"), "(neg (neg x))");
    assert_eq!(e("(1 + 2) * 3"), "(* (paren (+ 1 2)) 3)");
    assert_eq!(e("a >= 1 ? b : c <= 2"), "(? (>= a 1) b (<= c 2))");
    assert_eq!(e("a ? b : c ? d : e"), "(? a b (? c d e))");
    assert_eq!(e("a ? b ? 1 : 2 : 3"), "(? a (? b 1 2) 3)");
}

#[test]
fn traversals_and_splats() {
    assert_eq!(e("a.b[0][\"k\"]"), "(index (index (. a b) 0) (tmpl \"k\"))");
    assert_eq!(e("a.0.b"), "(. (legacy-index a 0) b)");
    assert_eq!(e("a[*].b.c"), "(splat[*] a (. (. @ b) c))");
    assert_eq!(e("a[*].b[0]"), "(splat[*] a (index (. @ b) 0))");
    assert_eq!(e("a.*.b.c"), "(splat.* a (. (. @ b) c))");
    assert_eq!(e("a.*.b[0]"), "(index (splat.* a (. @ b)) 0)");
    assert_eq!(e("a.*.b.0"), "(splat.* a (legacy-index (. @ b) 0))");
    assert_eq!(e("a[*]"), "(splat[*] a @)");
    assert_eq!(e("a[*][*].x"), "(splat[*] a (splat[*] @ (. @ x)))");
    assert_eq!(e("f(x).y"), "(. (call f x) y)");
    assert_eq!(e("[1][0]"), "(index [1] 0)");
}

#[test]
fn collections() {
    assert_eq!(e("[]"), "[]");
    assert_eq!(e("[1, 2,]"), "[1 2]");
    assert_eq!(e("[\n  1,\n  2\n]"), "[1 2]");
    assert_eq!(e("{}"), "{}");
    assert_eq!(
        e("{ a = 1, b: 2, \"c\" = 3, (d) = 4 }"),
        "{a = 1; b : 2; (tmpl \"c\") = 3; (paren d) = 4}"
    );
    assert_eq!(e("{\n  a = 1\n  b = [\n    2,\n  ]\n}"), "{a = 1; b = [2]}");
    assert_eq!(e("{ a = 1, }"), "{a = 1}");
}

#[test]
fn for_expressions() {
    assert_eq!(e("[for x in xs : x * 2]"), "(for x in xs : (* x 2))");
    assert_eq!(
        e("[for i, x in xs : x if i > 0]"),
        "(for i, x in xs : x if (> i 0))"
    );
    assert_eq!(
        e("{for k, v in m : v => k...}"),
        "(for k, v in m : v => k...)"
    );
    assert_eq!(
        e("{\n  for k, v in m :\n  k => upper(v)\n  if v != \"\"\n}"),
        "(for k, v in m : k => (call upper v) if (!= v (tmpl)))"
    );
}

#[test]
fn function_calls() {
    assert_eq!(e("f()"), "(call f)");
    assert_eq!(e("f(1, 2,)"), "(call f 1 2)");
    assert_eq!(e("f(\n  1,\n  2\n)"), "(call f 1 2)");
    assert_eq!(e("f(a, b...)"), "(call f a b...)");
    assert_eq!(
        e("provider::aws::arn_parse(x)"),
        "(call provider::aws::arn_parse x)"
    );
}

#[test]
fn templates_and_escapes() {
    assert_eq!(
        e(r#""a\nb\t\"\\ \u00e9 \U0001F600""#),
        "(tmpl \"a\\nb\\t\\\"\\\\ é 😀\")"
    );
    assert_eq!(e(r#""$${x} %%{y}""#), "(tmpl \"${x} %{y}\")");
    assert_eq!(e(r#""a ${b} c""#), "(tmpl \"a \" ${b} \" c\")");
    assert_eq!(e(r#""a ${~ b ~} c""#), "(tmpl \"a\" ${~b~} \"c\")");
    assert_eq!(
        e(r#""%{ if x }yes%{ else }no%{ endif }""#),
        "(tmpl (%if x [ \"yes\" ] else [ \"no\" ]))"
    );
    assert_eq!(
        e(r#""%{ for k, v in m ~} ${k} %{~ endfor }""#),
        "(tmpl (%for k, v in m [ ${k} ]))"
    );
    assert_eq!(e(r#""${"${1}"}""#), "(tmpl ${(tmpl ${1})})");
}

#[test]
fn heredocs() {
    assert_eq!(
        e("<<EOT\nhello\n  world\nEOT"),
        "(tmpl<<EOT \"hello\\n  world\\n\")"
    );
    assert_eq!(
        e("<<-EOT\n    hello\n      world\n\n    ${x}\n    EOT"),
        "(tmpl<<-EOT \"hello\\n  world\\n\\n\" ${x} \"\\n\")"
    );
    assert_eq!(e("<<EOT\n\\n $${x}\nEOT"), "(tmpl<<EOT \"\\\\n ${x}\\n\")");
    assert_eq!(e("<<EOT\r\nline\r\nEOT"), "(tmpl<<EOT \"line\\r\\n\")");
}

#[test]
fn blocks_and_bodies() {
    let src = "a = 1\nresource \"aws_instance\" web {\n  ami = \"x\"\n  lifecycle {\n    ignore_changes = []\n  }\n}\none \"x\" { y = 1 }\nempty {}\n";
    let parsed = parse(src);
    assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
    assert_eq!(
        dump::body(&parsed.body),
        "a = 1\nresource \"aws_instance\" web {\n  ami = (tmpl \"x\")\n  lifecycle {\n    ignore_changes = []\n  }\n}\none \"x\" {\n  y = 1\n}\nempty {\n}\n"
    );
}

#[test]
fn comments_end_lines() {
    let src = "a = 1 # one\nb = 2 // two\nc = /* inline */ 3\n/* block\ncomment */\nd = [ # in a list\n  4,\n]\n";
    let parsed = parse(src);
    assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
    assert_eq!(dump::body(&parsed.body), "a = 1\nb = 2\nc = 3\nd = [4]\n");
}

#[test]
fn bom_and_crlf() {
    let src = "\u{feff}a = 1\r\nb {\r\n  c = \"x\"\r\n}\r\n";
    let parsed = parse(src);
    assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
    assert_eq!(
        dump::body(&parsed.body),
        "a = 1\nb {\n  c = (tmpl \"x\")\n}\n"
    );
    let BodyItem::Attribute(a) = &parsed.body.items[0] else {
        panic!("expected an attribute");
    };
    assert_eq!(a.name.span, Span::new(3, 4));
}

#[test]
fn spans() {
    let src = "x = foo(1, b.c) + 2\nblk \"l\" {\n}\n";
    let parsed = parse(src);
    let BodyItem::Attribute(attr) = &parsed.body.items[0] else {
        panic!("expected an attribute");
    };
    assert_eq!(attr.span, Span::new(0, 19));
    assert_eq!(&src[attr.expr.span.range()], "foo(1, b.c) + 2");
    let ExprKind::Binary { lhs, op_span, .. } = &attr.expr.kind else {
        panic!("expected a binary expression");
    };
    assert_eq!(&src[lhs.span.range()], "foo(1, b.c)");
    assert_eq!(&src[op_span.range()], "+");
    let BodyItem::Block(block) = &parsed.body.items[1] else {
        panic!("expected a block");
    };
    assert_eq!(&src[block.span.range()], "blk \"l\" {\n}");
    assert_eq!(&src[block.labels[0].span.range()], "\"l\"");
    assert_eq!(&src[block.open_brace.range()], "{");
    assert_eq!(&src[block.close_brace.range()], "}");
}

#[test]
fn terraform_error_positions() {
    assert_eq!(
        errs("resource \"a\" \"b\" {\n  input = 1\n\noutput \"o\" {\n  value = 1\n}\n"),
        ["Unclosed configuration block @ 1:18"]
    );
    assert_eq!(
        errs("locals {\n  a = \"bad \\q escape\"\n}\n"),
        ["Invalid escape sequence @ 2:12"]
    );
    assert_eq!(
        errs("locals {\n  a = 1\n}\n}\n"),
        ["Argument or block definition required @ 4:1"]
    );
    assert_eq!(
        errs("r \"t\" \"x\" { lifecycle { create_before_destroy = true } }\n"),
        ["Argument definition required @ 1:13"]
    );
    assert_eq!(
        errs("r {\n  input = 1\n  input = 2\n}\n"),
        ["Attribute redefined @ 3:3"]
    );
    assert_eq!(
        errs("a = 1 b = 2\n"),
        ["Missing newline after argument @ 1:7"]
    );
    assert_eq!(
        errs("a = 1, b = 2\n"),
        ["Unexpected comma after argument @ 1:6"]
    );
    assert_eq!(
        errs("a 1\n"),
        ["Argument or block definition required @ 1:1"]
    );
    assert_eq!(errs("a = )\n"), ["Invalid expression @ 1:5"]);
    assert_eq!(
        errs("a = \"abc\nb = 1\n"),
        ["Unterminated template string @ 1:9"]
    );
    assert_eq!(errs("a = { b 1 }\n"), ["Missing key/value separator @ 1:9"]);
    assert_eq!(errs("a = [1 2]\n"), ["Missing item separator @ 1:8"]);
    assert_eq!(
        errs("a = f(x..., y)\n"),
        ["Missing closing parenthesis @ 1:8"]
    );
    assert_eq!(
        errs("a = \"%{if x}y\"\n"),
        ["Unexpected end of template @ 1:14"]
    );
    assert_eq!(
        errs("a = \"%{endif}\"\n"),
        ["Unexpected endif directive @ 1:6"]
    );
    assert_eq!(errs("a = \"\\u12\"\n"), ["Invalid escape sequence @ 1:6"]);
    assert_eq!(
        errs("a = <<EOT\nabc\n"),
        ["Unterminated template string @ 3:1"]
    );
    assert_eq!(errs("a = b.0.1\n"), ["Invalid legacy index syntax @ 1:7"]);
    assert_eq!(errs("\"a\" = 1\n"), ["Invalid argument name @ 1:1"]);
    assert_eq!(errs("a = 1 & 2\n"), ["Unsupported operator @ 1:7"]);
}

#[test]
fn several_errors_each_reported_once() {
    let src = "locals {\n  a = )\n  b = \"\\q\"\n  c = (\n}\nd {\n  e = [1 2]\n  f = 1\n}\n";
    assert_eq!(
        errs(src),
        [
            "Invalid expression @ 2:7",
            "Invalid escape sequence @ 3:8",
            "Invalid expression @ 5:1",
            "Missing item separator @ 7:10",
        ]
    );
    // The tree still holds what could be read.
    let parsed = parse(src);
    assert_eq!(
        dump::body(&parsed.body),
        "locals {\n  a = <error>\n  b = (tmpl)\n  c = <error>\n}\nd {\n  e = <error>\n  f = 1\n}\n"
    );
}

#[test]
fn one_line_block_errors() {
    let src = "a { b = \"foo\", c = \"bar\" }\na { b = \"foo\"\n}\na { b = \"foo\"\n  c = \"bar\" }\na { d {} }\nz = 1\n";
    let lines: Vec<String> = errs(src);
    assert_eq!(
        lines,
        [
            "Invalid single-argument block definition @ 1:14",
            "Invalid single-argument block definition @ 2:14",
            "Invalid single-argument block definition @ 4:14",
            "Argument definition required @ 6:5",
        ]
    );
}

#[test]
fn unclosed_brackets_recover_at_the_block() {
    assert_eq!(
        errs("x {\n  a = [1, 2\n}\ny = 1 1\n"),
        [
            "Missing item separator @ 3:1",
            "Missing newline after argument @ 4:7"
        ]
    );
}

fn nested(open: &str, close: &str, n: usize) -> String {
    format!("a = {}1{}\n", open.repeat(n), close.repeat(n))
}

#[test]
fn deep_nesting_is_a_diagnostic_not_a_crash() {
    let handle = std::thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(|| {
            let inputs = [
                nested("[", "]", 10_000),
                nested("(", ")", 10_000),
                nested("{a=", "}", 10_000),
                format!("a = {}1{}\n", "\"${".repeat(10_000), "}\"".repeat(10_000)),
                nested("-", "", 10_000),
                nested("!", "", 10_000),
                format!("a = x{}\n", "[*]".repeat(10_000)),
                format!("{}\n{}", "b {\n".repeat(10_000), "}\n".repeat(10_000)),
                format!(
                    "a = \"{}{}\"\n",
                    "%{if x}".repeat(10_000),
                    "%{endif}".repeat(10_000)
                ),
                nested("[{a=f(\"${(", ")}\")}]", 10_000),
            ];
            inputs
                .iter()
                .map(|src| {
                    parse(src)
                        .diagnostics
                        .iter()
                        .map(|d| d.summary.clone())
                        .collect::<Vec<_>>()
                })
                .collect::<Vec<_>>()
        })
        .expect("spawning a thread");
    let results = handle
        .join()
        .expect("the parser must not overflow its stack");
    for summaries in results {
        assert_eq!(summaries, ["Nesting too deep"]);
    }
}

#[test]
fn nesting_below_the_limit_parses() {
    let src = nested("[", "]", crate::syntax::MAX_NESTING - 2);
    assert!(parse(&src).diagnostics.is_empty());
}

#[test]
fn broken_block_header_does_not_orphan_its_brace() {
    // No `{`: the indented lines are the body, and the `}` closes it without a second error.
    assert_eq!(
        errs("resource \"a\" \"b\"\n  ami = 1\n}\nx = [1 2]\n"),
        [
            "Invalid block definition @ 1:17",
            "Missing item separator @ 4:8"
        ]
    );
    // The `{` lost in an unterminated label.
    assert_eq!(
        errs("resource \"a \"b\" {\n  ami = 1\n}\n"),
        ["Unterminated template string @ 1:18"]
    );
    // `ami "x"` inside a block: the next `}` still closes the enclosing block.
    let src = "r {\n  ami \"x\"\n}\ny = 1 2\n";
    assert_eq!(
        errs(src),
        [
            "Invalid block definition @ 2:10",
            "Missing newline after argument @ 4:7"
        ]
    );
}

#[test]
fn long_chains_are_limited_too() {
    // A chain of operators or traversal steps builds a tree as deep as the chain is long.
    let handle = std::thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(|| {
            [
                format!("a = 1{}\n", "+1".repeat(100_000)),
                format!("a = x{}\n", ".y".repeat(100_000)),
                format!("a = x{}\n", "[0]".repeat(100_000)),
                format!("a = x.*{}\n", ".y".repeat(100_000)),
                format!("a = {}1\n", "x ? 1 : ".repeat(100_000)),
            ]
            .iter()
            .map(|src| {
                let parsed = parse(src);
                parsed
                    .diagnostics
                    .iter()
                    .map(|d| d.summary.clone())
                    .collect::<Vec<_>>()
            })
            .collect::<Vec<_>>()
        })
        .expect("spawning a thread");
    let results = handle
        .join()
        .expect("the parser must not overflow its stack");
    for summaries in results {
        assert_eq!(summaries, ["Nesting too deep"]);
    }
    // Realistic lengths are fine.
    let src = format!("a = 1{}\nb = x{}\n", "+1".repeat(200), ".y".repeat(200));
    assert!(parse(&src).diagnostics.is_empty());
}

#[test]
fn empty_and_trivial_files() {
    for src in [
        "",
        "\u{feff}",
        "\n\n",
        "# only a comment",
        "/* c */",
        "  \t\r\n",
        "a = 1 # no newline",
    ] {
        assert!(parse(src).diagnostics.is_empty(), "{src:?}");
    }
}
