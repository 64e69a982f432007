//! Property tests of the formatter: it never panics, and formatting is idempotent
//! (`format(format(x)) == format(x)`) on generated configuration files.

use proptest::prelude::*;
use terrane_dsl::format::{format, format_unchecked};

/// Whitespace as people type it between tokens.
fn gap() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just(" ".to_string()),
        Just("  ".to_string()),
        Just("\t".to_string()),
    ]
}

fn leaf() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("1".to_string()),
        Just("2.5".to_string()),
        Just("true".to_string()),
        Just("null".to_string()),
        Just("var.x".to_string()),
        Just("local.list[0]".to_string()),
        Just("a[*].b".to_string()),
        Just("\"text\"".to_string()),
        Just("\"a${b}c\"".to_string()),
        Just("\"${var.y}\"".to_string()),
        Just("\"%{if a}x%{endif}\"".to_string()),
        Just("\"é中\"".to_string()),
    ]
}

fn expr() -> impl Strategy<Value = String> {
    leaf().prop_recursive(4, 32, 4, |inner| {
        prop_oneof![
            (
                inner.clone(),
                gap(),
                prop::sample::select(vec!["+", "-", "*", "==", "&&", "<="]),
                gap(),
                inner.clone()
            )
                .prop_map(|(a, g1, op, g2, b)| format!("{a}{g1}{op}{g2}{b}")),
            (gap(), inner.clone()).prop_map(|(g, a)| format!("-{g}{a}")),
            (gap(), inner.clone()).prop_map(|(g, a)| format!("!{g}{a}")),
            (inner.clone(), inner.clone(), inner.clone())
                .prop_map(|(a, b, c)| format!("{a} ? {b} : {c}")),
            (
                prop::collection::vec(inner.clone(), 0..4),
                gap(),
                prop::bool::ANY
            )
                .prop_map(|(items, g, multi)| if multi {
                    format!("[\n{}\n]", items.join(",\n"))
                } else {
                    format!("[{g}{}{g}]", items.join(&format!(",{g}")))
                }),
            (
                prop::collection::vec(inner.clone(), 0..3),
                gap(),
                prop::bool::ANY
            )
                .prop_map(|(items, g, multi)| {
                    let items: Vec<String> = items
                        .iter()
                        .enumerate()
                        .map(|(i, v)| format!("k{}{g}={g}{v}", "x".repeat(i)))
                        .collect();
                    if multi {
                        format!("{{\n{}\n}}", items.join("\n"))
                    } else {
                        format!("{{{g}{}{g}}}", items.join(&format!(",{g}")))
                    }
                }),
            (gap(), prop::collection::vec(inner.clone(), 0..3))
                .prop_map(|(g, args)| format!("f{g}({g}{}{g})", args.join(&format!(",{g}")))),
            (inner.clone(), gap()).prop_map(|(a, g)| format!("[for x in {a}{g}:{g}x]")),
            // Terraform unwraps one `"${...}"` level per run, so `"${"${x}"}"` would take two
            // runs: interpolations here never hold a lone string.
            (inner.clone(), gap()).prop_map(|(a, g)| if a.starts_with('"') {
                format!("\"${{{g}({a}){g}}}\"")
            } else {
                format!("\"${{{g}{a}{g}}}\"")
            }),
            (inner.clone(), gap()).prop_map(|(a, g)| format!("({g}{a}{g})")),
        ]
    })
}

fn item() -> impl Strategy<Value = String> {
    prop_oneof![
        (
            prop::sample::select(vec!["a", "bb", "type", "long_name"]),
            gap(),
            gap(),
            expr(),
            gap()
        )
            .prop_map(|(n, g1, g2, e, ind)| format!("{ind}{n}{g1}={g2}{e}")),
        prop::sample::select(vec![
            "# note",
            "// note",
            "/* note */",
            "/* multi\n line */",
            ""
        ])
        .prop_map(str::to_string),
        (expr(), gap()).prop_map(|(e, g)| format!("a = {e}{g}# trailing")),
    ]
}

fn body() -> impl Strategy<Value = String> {
    prop::collection::vec(item(), 0..6).prop_map(|items| {
        // Attribute names must be unique in a body: number them.
        items
            .into_iter()
            .enumerate()
            .map(|(i, line)| line.replacen(" =", &format!("{} =", "_".repeat(i)), 1))
            .collect::<Vec<_>>()
            .join("\n")
    })
}

fn file() -> impl Strategy<Value = String> {
    (
        body(),
        prop::collection::vec(
            (
                prop::sample::select(vec![
                    "resource \"a\" \"b\"",
                    "variable \"v\"",
                    "locals",
                    "x y",
                ]),
                gap(),
                body(),
                prop::bool::ANY,
            ),
            0..3,
        ),
        prop::sample::select(vec!["", "\n", "\n\n", "\r\n"]),
    )
        .prop_map(|(top, blocks, end)| {
            let mut out = top;
            for (header, g, inner, crlf) in blocks {
                let block = format!("\n{header}{g}{{\n{inner}\n}}\n");
                out.push_str(&if crlf {
                    block.replace('\n', "\r\n")
                } else {
                    block
                });
            }
            out.push_str(end);
            out
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn formatting_is_idempotent(src in file()) {
        if let Ok(once) = format(&src) {
            let twice = format(&once);
            prop_assert_eq!(twice.as_deref(), Ok(once.as_str()), "input: {:?}", src);
        }
    }

    #[test]
    fn never_panics_on_arbitrary_text(src in "\\PC*") {
        let _ = format_unchecked(&src);
        let _ = format(&src);
    }

    #[test]
    fn never_panics_on_token_soup(parts in prop::collection::vec(prop::sample::select(vec![
        "{", "}", "[", "]", "(", ")", "\"", "${", "%{", "~}", "<<EOF\n", "EOF\n", "<<-X\n", "  X\n",
        "=", "\n", "\r\n", "# c\n", "/*", "*/", "a", "1", " ", "\t", "-", "!", ",", ":", "?", "$${",
    ]), 0..40)) {
        let src = parts.concat();
        let _ = format_unchecked(&src);
        let _ = terrane_dsl::syntax::lex(&src);
    }
}
