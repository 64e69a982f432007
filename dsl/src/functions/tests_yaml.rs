//! yamldecode's errors for malformed YAML, as Terraform 1.15.5 reports them (recorded with
//! `terraform validate -json`, and `terraform output -json` for the accepted documents).
//! Terraform (go-cty-yaml) prints libyaml's problem, and a position only when the problem is
//! past the first line: a scanner error as the next line, column 1; a parser or decoder error
//! as the 0-based line and 1-based column of libyaml's mark.

use super::tests::check;

#[test]
fn yamldecode_errors_as_terraform() {
    check(&[
        (
            "yamldecode",
            r#"["a: b: c"]"#,
            r#"ERR Call to function "yamldecode" failed: mapping values are not allowed in this context."#,
        ),
        (
            "yamldecode",
            r#"["a:\n  - b\n  c: d"]"#,
            r#"ERR Call to function "yamldecode" failed: on line 2, column 3: did not find expected '-' indicator."#,
        ),
        (
            "yamldecode",
            r#"["[1, 2"]"#,
            r#"ERR Call to function "yamldecode" failed: on line 1, column 1: did not find expected ',' or ']'."#,
        ),
        (
            "yamldecode",
            r#"["{a: 1"]"#,
            r#"ERR Call to function "yamldecode" failed: on line 1, column 1: did not find expected ',' or '}'."#,
        ),
        (
            "yamldecode",
            r#"["a: 'unterminated"]"#,
            r#"ERR Call to function "yamldecode" failed: found unexpected end of stream."#,
        ),
        (
            "yamldecode",
            r#"["a: \"unterminated"]"#,
            r#"ERR Call to function "yamldecode" failed: found unexpected end of stream."#,
        ),
        (
            "yamldecode",
            r#"["- a\nb: c"]"#,
            r#"ERR Call to function "yamldecode" failed: on line 1, column 1: did not find expected '-' indicator."#,
        ),
        ("yamldecode", r#"["a: 1\na: 2"]"#, r#"{"a":2}"#),
        (
            "yamldecode",
            r#"["key: [a, b\nother: c"]"#,
            r#"ERR Call to function "yamldecode" failed: on line 1, column 6: did not find expected ',' or ']'."#,
        ),
        (
            "yamldecode",
            r#"["\t- a"]"#,
            r#"ERR Call to function "yamldecode" failed: found character that cannot start any token."#,
        ),
        (
            "yamldecode",
            r#"["a:\n\tb: c"]"#,
            r#"ERR Call to function "yamldecode" failed: on line 2, column 1: found character that cannot start any token."#,
        ),
        (
            "yamldecode",
            r#"["a: &x 1\nb: *y"]"#,
            r#"ERR Call to function "yamldecode" failed: on line 1, column 4: reference to undefined anchor "y"."#,
        ),
        (
            "yamldecode",
            r#"["a: !!int foo"]"#,
            r#"ERR Call to function "yamldecode" failed: cannot parse "foo" as tag:yaml.org,2002:int."#,
        ),
        (
            "yamldecode",
            r#"["? a\n? b\n: c\n- d"]"#,
            r#"ERR Call to function "yamldecode" failed: on line 3, column 1: did not find expected key."#,
        ),
        (
            "yamldecode",
            r#"["a: |\n  x\n y"]"#,
            r#"ERR Call to function "yamldecode" failed: on line 2, column 2: did not find expected key."#,
        ),
        (
            "yamldecode",
            r#"["---\na: 1\n---\nb: 2"]"#,
            r#"ERR Call to function "yamldecode" failed: on line 2, column 1: unexpected extra content after value."#,
        ),
        (
            "yamldecode",
            r#"["a: b\n  c: d"]"#,
            r#"ERR Call to function "yamldecode" failed: on line 2, column 1: mapping values are not allowed in this context."#,
        ),
        ("yamldecode", r#"["%TAG ! tag:x\n--- a"]"#, r#""a""#),
        (
            "yamldecode",
            r#"["a: @b"]"#,
            r#"ERR Call to function "yamldecode" failed: found character that cannot start any token."#,
        ),
        (
            "yamldecode",
            r#"["a: `b"]"#,
            r#"ERR Call to function "yamldecode" failed: found character that cannot start any token."#,
        ),
        ("yamldecode", r#"["{a: 1, b}"]"#, r#"{"a":1,"b":null}"#),
        (
            "yamldecode",
            r#"["[a, b]]"]"#,
            r#"ERR Call to function "yamldecode" failed: did not find expected <document start>."#,
        ),
        (
            "yamldecode",
            r#"["a: {b: c]"]"#,
            r#"ERR Call to function "yamldecode" failed: did not find expected ',' or '}'."#,
        ),
        (
            "yamldecode",
            r#"["\"a\nb"]"#,
            r#"ERR Call to function "yamldecode" failed: on line 2, column 1: found unexpected end of stream."#,
        ),
        (
            "yamldecode",
            r#"["a:\n  b: 1\n c: 2"]"#,
            r#"ERR Call to function "yamldecode" failed: on line 2, column 2: did not find expected key."#,
        ),
        (
            "yamldecode",
            r#"["a: !!float x"]"#,
            r#"ERR Call to function "yamldecode" failed: cannot parse "x" as tag:yaml.org,2002:float."#,
        ),
        (
            "yamldecode",
            r#"["a: !!bool maybe"]"#,
            r#"ERR Call to function "yamldecode" failed: cannot parse "maybe" as tag:yaml.org,2002:bool."#,
        ),
        (
            "yamldecode",
            r#"["'"]"#,
            r#"ERR Call to function "yamldecode" failed: found unexpected end of stream."#,
        ),
        (
            "yamldecode",
            r#"["a: *"]"#,
            r#"ERR Call to function "yamldecode" failed: did not find expected alphabetic or numeric character."#,
        ),
        ("yamldecode", r#"["&a"]"#, r#"null"#),
        (
            "yamldecode",
            r#"["- - - ["]"#,
            r#"ERR Call to function "yamldecode" failed: on line 1, column 1: did not find expected node content."#,
        ),
        (
            "yamldecode",
            r#"["a: 1\n- b"]"#,
            r#"ERR Call to function "yamldecode" failed: on line 1, column 1: did not find expected key."#,
        ),
        (
            "yamldecode",
            r#"[""]"#,
            r#"ERR Call to function "yamldecode" failed: on line 1, column 1: missing start of document."#,
        ),
        (
            "yamldecode",
            r#"["   "]"#,
            r#"ERR Call to function "yamldecode" failed: on line 1, column 1: missing start of document."#,
        ),
        (
            "yamldecode",
            "[\"# only comment\"]",
            r#"ERR Call to function "yamldecode" failed: on line 1, column 1: missing start of document."#,
        ),
        (
            "yamldecode",
            r#"["{[1]: 2}"]"#,
            r#"ERR Call to function "yamldecode" failed: only strings are allowed as mapping keys."#,
        ),
        (
            "yamldecode",
            r#"["? [1]\n: 2"]"#,
            r#"ERR Call to function "yamldecode" failed: only strings are allowed as mapping keys."#,
        ),
        (
            "yamldecode",
            r#"["null: 1"]"#,
            r#"ERR Call to function "yamldecode" failed: mapping key cannot be null."#,
        ),
        (
            "yamldecode",
            r#"["~: 1"]"#,
            r#"ERR Call to function "yamldecode" failed: mapping key cannot be null."#,
        ),
        ("yamldecode", r#"["1: x"]"#, r#"{"1":"x"}"#),
        ("yamldecode", r#"["true: x"]"#, r#"{"true":"x"}"#),
        ("yamldecode", r#"["1.5: x"]"#, r#"{"1.5":"x"}"#),
        (
            "yamldecode",
            r#"["a:\n  b: [1, *x]"]"#,
            r#"ERR Call to function "yamldecode" failed: on line 1, column 10: reference to undefined anchor "x"."#,
        ),
        (
            "yamldecode",
            r#"["---\na: 1\n...\n---\nb: 2"]"#,
            r#"ERR Call to function "yamldecode" failed: on line 3, column 1: unexpected extra content after value."#,
        ),
        (
            "yamldecode",
            r#"["a: 1\n---\nb: 2"]"#,
            r#"ERR Call to function "yamldecode" failed: on line 1, column 1: unexpected extra content after value."#,
        ),
        (
            "yamldecode",
            r#"["a: 1\n\n\n---\n"]"#,
            r#"ERR Call to function "yamldecode" failed: on line 3, column 1: unexpected extra content after value."#,
        ),
        (
            "yamldecode",
            r#"["\n\n# c\n"]"#,
            r#"ERR Call to function "yamldecode" failed: on line 3, column 1: missing start of document."#,
        ),
        ("yamldecode", r#"["x\n  - y"]"#, r#""x - y""#),
        (
            "yamldecode",
            r#"["a:\n  - [1, 2\n"]"#,
            r#"ERR Call to function "yamldecode" failed: on line 2, column 1: did not find expected ',' or ']'."#,
        ),
        (
            "yamldecode",
            r#"["a: b\n- c\n"]"#,
            r#"ERR Call to function "yamldecode" failed: on line 1, column 1: did not find expected key."#,
        ),
        (
            "yamldecode",
            r#"["a:\n  b: 'x\n"]"#,
            r#"ERR Call to function "yamldecode" failed: on line 3, column 1: found unexpected end of stream."#,
        ),
        ("yamldecode", r#"["c: !!str 1"]"#, r#"{"c":"1"}"#),
        ("yamldecode", r#"["a: !!int 12"]"#, r#"{"a":12}"#),
        (
            "yamldecode",
            r#"["a:\n  - b\n  - !!float 1.5\n  - !!float zz"]"#,
            r#"ERR Call to function "yamldecode" failed: on line 3, column 5: cannot parse "zz" as tag:yaml.org,2002:float."#,
        ),
    ]);
}

// Not matched yet (terrane accepts these; Terraform checks the core-schema tag, which
// serde_yaml does not report): recorded Terraform results for reference.
// ("yamldecode", r#"["x: !!binary Z"]"#, r#"ERR Call to function "yamldecode" failed: cannot parse "Z" as tag:yaml.org,2002:binary: not valid base64."#),
// ("yamldecode", r#"["a: !!timestamp x"]"#, r#"ERR Call to function "yamldecode" failed: cannot parse "x" as tag:yaml.org,2002:timestamp."#),
// ("yamldecode", r#"["a: !!map [1]"]"#, r#"ERR Call to function "yamldecode" failed: can't interpret sequence as tag:yaml.org,2002:map."#),
