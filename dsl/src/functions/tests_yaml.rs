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
        (
            "yamldecode",
            r#"["x: !!binary Z"]"#,
            r#"ERR Call to function "yamldecode" failed: cannot parse "Z" as tag:yaml.org,2002:binary: not valid base64."#,
        ),
        (
            "yamldecode",
            r#"["a: !!timestamp x"]"#,
            r#"ERR Call to function "yamldecode" failed: cannot parse "x" as tag:yaml.org,2002:timestamp."#,
        ),
        (
            "yamldecode",
            r#"["a: !!map [1]"]"#,
            r#"ERR Call to function "yamldecode" failed: can't interpret sequence as tag:yaml.org,2002:map."#,
        ),
        ("yamldecode", r#"["b: yes"]"#, r#"{"b":true}"#),
        ("yamldecode", r#"["b: no"]"#, r#"{"b":false}"#),
        ("yamldecode", r#"["b: True"]"#, r#"{"b":true}"#),
        ("yamldecode", r#"["b: on"]"#, r#"{"b":true}"#),
        ("yamldecode", r#"["b: 'yes'"]"#, r#"{"b":"yes"}"#),
        ("yamldecode", r#"["b: \"on\""]"#, r#"{"b":"on"}"#),
        ("yamldecode", r#"["y: Y"]"#, r#"{"true":true}"#),
        ("yamldecode", r#"["n: 0x10"]"#, r#"{"false":16}"#),
        ("yamldecode", r#"["n: 0o17"]"#, r#"{"false":15}"#),
        ("yamldecode", r#"["n: 017"]"#, r#"{"false":17}"#),
        ("yamldecode", r#"["n: 1e3"]"#, r#"{"false":1000}"#),
        ("yamldecode", r#"["n: 1_000"]"#, r#"{"false":"1_000"}"#),
        (
            "yamldecode",
            r#"["n: 12345678901234567890123"]"#,
            r#"{"false":12345678901234567890123}"#,
        ),
        ("yamldecode", r#"["n: 1.0"]"#, r#"{"false":1}"#),
        ("yamldecode", r#"["n: +1"]"#, r#"{"false":1}"#),
        ("yamldecode", r#"["v: ~"]"#, r#"{"v":null}"#),
        ("yamldecode", r#"["s: |\n  a\n  b\n"]"#, r#"{"s":"a\nb\n"}"#),
        ("yamldecode", r#"["s: >\n  a\n  b\n"]"#, r#"{"s":"a b\n"}"#),
        ("yamldecode", r#"["s: 'it''s'"]"#, r#"{"s":"it's"}"#),
        (
            "yamldecode",
            r#"["d: 2001-12-14"]"#,
            r#"{"d":"2001-12-14T00:00:00Z"}"#,
        ),
        (
            "yamldecode",
            r#"["t: 2001-12-14T21:59:43.10-05:00"]"#,
            r#"{"t":"2001-12-14T21:59:43-05:00"}"#,
        ),
        (
            "yamldecode",
            r#"["t: 2001-12-14 21:59:43.10"]"#,
            r#"{"t":"2001-12-14T21:59:43Z"}"#,
        ),
        (
            "yamldecode",
            r#"["t: 2001-12-14t21:59:43Z"]"#,
            r#"{"t":"2001-12-14T21:59:43Z"}"#,
        ),
        (
            "yamldecode",
            r#"["k: [1, 2.5, abc, null, true]"]"#,
            r#"{"k":[1,2.5,"abc",null,true]}"#,
        ),
        (
            "yamldecode",
            r#"["? |\n  multi\n: v"]"#,
            r#"{"multi\n":"v"}"#,
        ),
        (
            "yamldecode",
            r#"["a: &x {b: 1}\nc: *x"]"#,
            r#"{"a":{"b":1},"c":{"b":1}}"#,
        ),
        (
            "yamldecode",
            r#"["base: &b {x: 1}\nd:\n  <<: *b\n  y: 2"]"#,
            r#"{"base":{"x":1},"d":{"true":2,"x":1}}"#,
        ),
        ("yamldecode", r#"["x: !!binary aGk="]"#, r#"{"x":"aGk="}"#),
        ("yamldecode", r#"["s: !!str 12"]"#, r#"{"s":"12"}"#),
        ("yamldecode", r#"["n: !!int 0x1F"]"#, r#"{"false":31}"#),
        ("yamldecode", r#"["i: !!int 1.5"]"#, r#"{"i":1.5}"#),
        ("yamldecode", r#"["f: !!float 1"]"#, r#"{"f":1}"#),
        ("yamldecode", r#"["b: !!bool yes"]"#, r#"{"b":true}"#),
        ("yamldecode", r#"["x: !!null foo"]"#, r#"{"x":null}"#),
        (
            "yamldecode",
            r#"["v: .nan"]"#,
            r#"ERR Call to function "yamldecode" failed: floating point NaN is not supported."#,
        ),
        (
            "yamldecode",
            r#"["a: &a [*a]"]"#,
            r#"ERR Call to function "yamldecode" failed: cannot refer to anchor "a" from inside its own definition."#,
        ),
        (
            "yamldecode",
            r#"["e: !custom x"]"#,
            r#"ERR Call to function "yamldecode" failed: unsupported tag "!custom"."#,
        ),
    ]);
}

#[test]
fn deep_or_odd_documents_give_errors_not_panics() {
    for src in [
        "[".repeat(20_000),
        "- ".repeat(5_000),
        "{a: ".repeat(3_000),
        "&a [*a, &b [*b]]".to_string(),
        "\u{feff}a: 1".to_string(),
        "%YAML 1.1\n---\na: 1".to_string(),
        "!!! x".to_string(),
    ] {
        let _ = super::tests::run("yamldecode", &serde_json::json!([src]).to_string());
    }
}
