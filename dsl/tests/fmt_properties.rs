//! Property tests of the formatter's contract on generated configurations: formatting is
//! idempotent, its output parses, and the tree parsed from the output equals the tree parsed
//! from the input ignoring spans (`terrane_dsl::format::check_roundtrip`).

use proptest::prelude::*;
use proptest::test_runner::Config;

/// Inline whitespace between two tokens of one line.
fn gap() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => Just(String::new()),
        3 => Just(" ".to_string()),
        1 => Just("   ".to_string()),
        1 => Just("\t".to_string()),
    ]
}

/// Whitespace inside brackets, where newlines and comments are allowed.
fn bracket_gap() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => gap(),
        2 => Just("\n".to_string()),
        1 => Just("\n\n    ".to_string()),
        1 => Just(" # note\n".to_string()),
        1 => Just(" /* c */ ".to_string()),
        1 => Just("\r\n".to_string()),
    ]
}

fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("a"),
        Just("bb"),
        Just("count"),
        Just("foo_bar"),
        Just("x-y"),
        Just("ünï"),
        Just("long_attribute_name"),
    ]
    .prop_map(str::to_string)
}

fn string_literal() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(r#""""#),
        Just(r#""plain""#),
        Just(r#""tab\tquote\"back\\slash\n""#),
        Just(r#""\u00e9 \U0001F600 😀""#),
        Just(r#""$${literal} %%{literal} $ %""#),
        Just(r#""  spaced  ""#),
    ]
    .prop_map(str::to_string)
}

fn leaf() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("1".to_string()),
        Just("0.5".to_string()),
        Just("1e3".to_string()),
        Just("12345678901234567890".to_string()),
        Just("true".to_string()),
        Just("null".to_string()),
        string_literal(),
        (name(), name()).prop_map(|(a, b)| format!("var.{a}.{b}")),
        name().prop_map(|a| format!("local.{a}[0]")),
        name().prop_map(|a| format!("aws_instance.web[*].{a}")),
        name().prop_map(|a| format!("module.m.*.{a}")),
        Just("var.list.0".to_string()),
    ]
}

fn expr() -> impl Strategy<Value = String> {
    leaf().prop_recursive(4, 48, 4, |inner| {
        let binop = prop_oneof![
            Just("+"),
            Just("-"),
            Just("*"),
            Just("/"),
            Just("%"),
            Just("=="),
            Just("!="),
            Just("<"),
            Just("<="),
            Just(">"),
            Just(">="),
            Just("&&"),
            Just("||"),
        ];
        prop_oneof![
            // Binary operators, with their spacing mangled.
            (inner.clone(), gap(), binop, gap(), inner.clone())
                .prop_map(|(a, g1, op, g2, b)| format!("{a}{g1}{op}{g2} {b}")),
            // Unary operators.
            (prop_oneof![Just("-"), Just("!")], gap(), inner.clone())
                .prop_map(|(op, g, a)| format!("{op}{g}({a})")),
            // Conditionals.
            (inner.clone(), gap(), inner.clone(), gap(), inner.clone())
                .prop_map(|(c, g1, t, g2, e)| format!("{c}{g1}? {t} :{g2}{e}")),
            // Parentheses, with newlines allowed inside.
            (bracket_gap(), inner.clone(), bracket_gap())
                .prop_map(|(g1, a, g2)| format!("({g1}{a}{g2})")),
            // Tuples, optionally with a trailing comma.
            (
                prop::collection::vec((bracket_gap(), inner.clone()), 0..4),
                any::<bool>(),
                bracket_gap()
            )
                .prop_map(|(items, trailing, end)| {
                    let mut s = String::from("[");
                    for (i, (g, item)) in items.iter().enumerate() {
                        if i > 0 {
                            s.push(',');
                        }
                        s.push_str(g);
                        s.push_str(item);
                    }
                    if trailing && !items.is_empty() {
                        s.push(',');
                    }
                    s.push_str(&end);
                    s.push(']');
                    s
                }),
            // Objects, one item per line, with `=` or `:`.
            (
                prop::collection::vec((name(), any::<bool>(), gap(), inner.clone()), 0..4),
                gap()
            )
                .prop_map(|(items, g)| {
                    let mut s = String::from("{\n");
                    for (k, colon, g2, v) in items {
                        let sep = if colon { ":" } else { "=" };
                        s.push_str(&format!("{k}{g}{sep}{g2}{v}\n"));
                    }
                    s.push('}');
                    s
                }),
            // Function calls, with an optional expansion of the last argument.
            (
                prop_oneof![Just("max"), Just("join"), Just("provider::aws::arn_parse")],
                prop::collection::vec((bracket_gap(), inner.clone()), 1..4),
                any::<bool>()
            )
                .prop_map(|(f, args, expand)| {
                    let args: Vec<String> =
                        args.into_iter().map(|(g, a)| format!("{g}{a}")).collect();
                    let dots = if expand { "..." } else { "" };
                    format!("{f}({}{dots})", args.join(","))
                }),
            // For expressions, list and object forms.
            (name(), inner.clone(), inner.clone(), any::<bool>()).prop_map(|(v, c, e, cond)| {
                let filter = if cond {
                    format!(" if {v} != null")
                } else {
                    String::new()
                };
                format!("[for {v} in {c}: {e}{filter}]")
            }),
            (name(), inner.clone(), inner.clone(), any::<bool>()).prop_map(|(v, c, e, group)| {
                let dots = if group { "..." } else { "" };
                format!("{{for k, {v} in {c} : k => {e}{dots}}}")
            }),
            // Templates with interpolations and directives.
            (inner.clone(), gap()).prop_map(|(a, g)| format!("\"pre-${{{g}{a}{g}}}-post\"")),
            inner.clone().prop_map(|a| format!("\"${{~ {a} ~}}\"")),
            inner
                .clone()
                .prop_map(|a| format!("\"%{{ if {a} }}yes%{{ else }}no%{{ endif }}\"")),
            inner
                .clone()
                .prop_map(|a| format!("\"%{{for x in {a}}}${{x}},%{{endfor}}\"")),
            // Index and attribute access on parenthesised expressions.
            (inner.clone(), gap(), inner).prop_map(|(a, g, k)| format!("({a}){g}[{k}]")),
        ]
    })
}

/// A right-hand side: an expression, an interpolation-only string, or a heredoc.
fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => expr(),
        1 => expr().prop_map(|e| format!("\"${{{e}}}\"")),
        1 => Just("<<EOT\nline ${var.x}\n  indented\nEOT".to_string()),
        1 => Just("<<-EOT\n    indented ${var.x}\n      more\n    EOT".to_string()),
    ]
}

fn attribute(indent: String) -> impl Strategy<Value = String> {
    // A suffix keeps the names of one body distinct (a repeated argument is a syntax error).
    let unique_name = (name(), 0..10_000u32).prop_map(|(n, i)| format!("{n}_{i}"));
    (
        unique_name,
        gap(),
        gap(),
        value(),
        prop::option::of(Just(" # trailing")),
    )
        .prop_map(move |(n, g1, g2, v, comment)| {
            // A heredoc's closing marker must be alone on its line: no comment after it.
            let comment = if v.starts_with("<<") { None } else { comment };
            format!("{indent}{n}{g1}={g2}{v}{}\n", comment.unwrap_or_default())
        })
}

fn label() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("\"aws_instance\"".to_string()),
        Just("\"web\"".to_string()),
        Just("bare".to_string()),
        Just("\"with space\"".to_string()),
    ]
}

fn body(depth: u32) -> BoxedStrategy<String> {
    let indent = "  ".repeat(depth as usize);
    let item_indent = prop_oneof![
        Just(indent.clone()),
        Just(String::new()),
        Just("     ".to_string())
    ];
    let attr = item_indent.clone().prop_flat_map(attribute).boxed();
    let extras = prop_oneof![
        Just("\n".to_string()),
        Just("# a comment alone\n".to_string()),
        Just("/* block\n   comment */\n".to_string()),
    ];
    if depth >= 2 {
        return prop::collection::vec(prop_oneof![4 => attr, 1 => extras], 0..6)
            .prop_map(|items| items.concat())
            .boxed();
    }
    let block = (
        item_indent,
        name(),
        prop::collection::vec(label(), 0..3),
        gap(),
        body(depth + 1),
    )
        .prop_map(|(ind, n, labels, g, inner)| {
            let labels: String = labels.iter().map(|l| format!(" {l}")).collect();
            format!("{ind}{n}{labels}{g}{{\n{inner}{ind}}}\n")
        });
    let one_line = (name(), expr()).prop_map(|(n, e)| format!("{n} \"x\" {{ a = {e} }}\n"));
    prop::collection::vec(
        prop_oneof![4 => attr, 2 => block, 1 => one_line, 1 => extras],
        0..7,
    )
    .prop_map(|items| items.concat())
    .boxed()
}

proptest! {
    #![proptest_config(Config { cases: 400, ..Config::default() })]

    #[test]
    fn formatting_is_idempotent_and_keeps_the_meaning(src in body(0)) {
        let parsed = terrane_dsl::syntax::parse(&src);
        prop_assume!(!parsed.has_errors());
        if let Err(problem) = terrane_dsl::format::check_roundtrip(&src) {
            return Err(TestCaseError::fail(problem));
        }
    }

    #[test]
    fn any_text_is_handled_without_panicking(src in "\\PC{0,200}") {
        // Errors are fine; panics, hangs and non-idempotent output are not.
        if let Err(problem) = terrane_dsl::format::check_roundtrip(&src) {
            return Err(TestCaseError::fail(problem));
        }
    }
}

#[test]
fn the_generator_produces_valid_configurations() {
    // Guard against a generator that only produces invalid text (every case would be skipped by
    // prop_assume and the property test would check nothing).
    use proptest::strategy::ValueTree;
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let strategy = body(0);
    let mut valid = 0;
    for _ in 0..200 {
        let src = strategy.new_tree(&mut runner).expect("generate").current();
        if !terrane_dsl::syntax::parse(&src).has_errors() {
            valid += 1;
        }
    }
    assert!(
        valid >= 150,
        "only {valid} of 200 generated configurations parse"
    );
}
