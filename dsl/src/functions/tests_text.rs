//! Oracle cases for the numeric, string, regex and format families.

use super::tests::check;

#[test]
fn numeric() {
    check(&[
        ("abs", "[-1.5]", "1.5"),
        ("ceil", "[1.2]", "2"),
        ("floor", "[-1.5]", "-2"),
        ("log", "[8, 2]", "3"),
        ("pow", "[2, 0.5]", "1.4142135623730951"),
        ("signum", "[-0]", "0"),
        ("signum", "[-3]", "-1"),
        ("max", "[1, \"2\"]", "2"),
        ("min", "[3, 1, 2]", "1"),
        ("max", "[]", "ERR Call to function \"max\" failed: must pass at least one number."),
        ("parseint", "[\"FF\", 16]", "255"),
        ("parseint", "[\"-101\", 2]", "-5"),
        ("parseint", "[\"123456789012345678901234567890\", 10]", "123456789012345678901234567890"),
        ("parseint", "[\"12\", 1]", "ERR Invalid value for \"base\" parameter: base must be a whole number between 2 and 62 inclusive."),
        ("parseint", "[\"1.5\", 10]", "ERR Invalid value for \"number\" parameter: cannot parse \"1.5\" as a base 10 integer."),
    ]);
}

#[test]
fn strings() {
    check(&[
        ("substr", "[\"hello\", -3, -1]", "\"llo\""),
        ("substr", "[\"hello\", 10, 1]", "\"\""),
        ("substr", "[\"hello\", 1, -5]", "\"ello\""),
        ("substr", "[\"hello\", -10, 2]", "\"he\""),
        ("substr", "[\"héllo\", 1, 2]", "\"él\""),
        ("title", "[\"hello wORLD-foo_bar\"]", "\"Hello WORLD-Foo_bar\""),
        ("split", "[\"\", \"abc\"]", "[\"a\",\"b\",\"c\"]"),
        ("split", "[\",\", \"\"]", "[\"\"]"),
        ("trim", "[\"?!hello?!\", \"!?\"]", "\"hello\""),
        ("chomp", "[\"a\\r\\n\\n\"]", "\"a\""),
        ("replace", "[\"hello\", \"/l+/\", \"$0X\"]", "\"heo\""),
        ("replace", "[\"abc\", \"\", \"-\"]", "\"-a-b-c-\""),
        ("replace", "[\"a.b\", \"/(?P<x>\\\\.)/\", \"[${x}]\"]", "\"a[.]b\""),
        ("join", "[\", \", []]", "\"\""),
        ("join", "[\",\", [\"a\", null]]", "ERR Invalid value for \"lists\" parameter: element 1 is null; cannot concatenate null values."),
        ("strcontains", "[\"abc\", \"\"]", "true"),
        ("startswith", "[\"abc\", \"\"]", "true"),
        ("endswith", "[\"abc\", \"bc\"]", "true"),
        ("trimspace", "[\"\\u00a0 a \\n\"]", "\"a\""),
        ("strrev", "[\"👍🏽a\"]", "\"a👍🏽\""),
        ("upper", "[\"aé\"]", "\"AÉ\""),
        ("lower", "[\"AÉ\"]", "\"aé\""),
        ("trimprefix", "[\"abc\", \"ab\"]", "\"c\""),
        ("trimsuffix", "[\"abc\", \"bc\"]", "\"a\""),
        ("indent", "[2, \"a\\nb\"]", "\"a\\n  b\""),
    ]);
}

#[test]
fn regex() {
    check(&[
        ("regex", "[\"(?P<a>x)(y)\", \"xy\"]", "ERR Invalid value for \"pattern\" parameter: invalid regexp pattern: cannot mix both named and unnamed capture groups."),
        ("regex", "[\"(x)(y)\", \"xy\"]", "[\"x\",\"y\"]"),
        ("regex", "[\"x\", \"axb\"]", "\"x\""),
        ("regexall", "[\"(x)\", \"xx\"]", "[[\"x\"],[\"x\"]]"),
        ("regex", "[\"q\", \"x\"]", "ERR Call to function \"regex\" failed: pattern did not match any part of the given string."),
        ("regex", "[\"(\", \"x\"]", "ERR Invalid value for \"pattern\" parameter: invalid regexp pattern: missing closing ) in (."),
        ("regexall", "[\"a\", \"b\"]", "[]"),
        ("regex", "[\"(?P<a>x)?z\", \"z\"]", "{\"a\":null}"),
        ("regex", "[\"(x)?z\", \"z\"]", "[null]"),
    ]);
}

#[test]
fn format() {
    check(&[
        ("format", "[\"%v|%v|%v|%v\", 1.5, \"a\", true, [1]]", "\"1.5|a|true|[1]\""),
        ("format", "[\"%d\"]", "ERR Call to function \"format\" failed: not enough arguments for \"%d\" at 0: need index 1 but have 0 total."),
        ("format", "[\"%d\", 1.5]", "ERR Call to function \"format\" failed: unsupported value for \"%d\" at 0: an integer is required."),
        ("format", "[\"%d\", \"x\"]", "ERR Call to function \"format\" failed: unsupported value for \"%d\" at 0: a number is required."),
        ("format", "[\"%s\", [1]]", "ERR Call to function \"format\" failed: unsupported value for \"%s\" at 0: string required, but have tuple."),
        ("format", "[\"%z\", 1]", "ERR Call to function \"format\" failed: unsupported format verb 'z' in \"%z\" at offset 0."),
        ("format", "[\"%q\", 1]", "\"\\\"1\\\"\""),
        ("format", "[\"%#v\", {\"a\": 1}]", "\"{\\\"a\\\":1}\""),
        ("format", "[\"%5s|%-5s|%.2s\", \"ab\", \"cd\", \"xyz\"]", "\"   ab|cd   |xy\""),
        ("format", "[\"%x %X %o %b %e %E %g %G\", 255, 255, 8, 5, 1234.5678, 0.000012, 1e21, 1e-7]", "\"ff FF 10 101 1.234568e+03 1.200000E-05 1e+21 1E-07\""),
        ("format", "[\"%+d % d %05d %-5d|\", 3, 3, -3, 3]", "\"+3  3 -0003 3    |\""),
        ("format", "[\"%[2]s %[1]s\", \"a\", \"b\"]", "\"b a\""),
        ("format", "[\"%f %.3f %10.2f\", 3.14159, 2, -1.005]", "\"3.141590 2.000      -1.00\""),
        ("format", "[\"%t\", \"true\"]", "\"true\""),
        ("format", "[\"%s\", null]", "ERR Call to function \"format\" failed: unsupported value for \"%s\" at 0: null value cannot be formatted."),
        ("format", "[\"%v\", null]", "\"null\""),
        ("format", "[\"abc\", 1]", "ERR Invalid value for \"args\" parameter: too many arguments; no verbs in format string."),
        ("format", "[\"%d\", 1e30]", "\"1000000000000000000000000000000\""),
        ("format", "[\"%v\", 100000000000000000000000]", "\"1e+23\""),
        ("format", "[\"%5v|%-6t|\", 1, true]", "\"    1|true|\""),
        ("format", "[\"%\", 1]", "ERR Call to function \"format\" failed: invalid format string starting at offset 1."),
        ("format", "[\"%.1e %g\", 12345.678, 123456789]", "\"1.2e+04 1.23456789e+08\""),
        ("formatlist", "[\"%s-%s\", [\"a\",\"b\"], \"c\"]", "[\"a-c\",\"b-c\"]"),
        ("formatlist", "[\"%s-%s\", [\"a\",\"b\"], [\"c\"]]", "ERR Invalid value for \"args\" parameter: argument 2 has length 1, which is inconsistent with argument 1 of length 2."),
    ]);
}

/// From conformance case 043 (`terraform output -json`) and `terraform console`: RE2's
/// classes are ASCII-only.
#[test]
fn regex_conformance() {
    check(&[
        ("regex", r#"["[a-z]+", "123abc456def"]"#, r#""abc""#),
        (
            "regex",
            r#"["(\\d+)-(\\d+)", "range: 10-20"]"#,
            r#"["10","20"]"#,
        ),
        (
            "regex",
            r#"["(?P<key>\\w+)=(?P<val>\\w+)", "x: color=blue"]"#,
            r#"{"key":"color","val":"blue"}"#,
        ),
        ("regex", r#"["(a)(b)?", "a"]"#, r#"["a",null]"#),
        (
            "regexall",
            r#"["[0-9]+", "a1b22c333"]"#,
            r#"["1","22","333"]"#,
        ),
        (
            "regexall",
            r#"["(\\w)=(\\d)", "a=1, b=2, c=3"]"#,
            r#"[["a","1"],["b","2"],["c","3"]]"#,
        ),
        (
            "regexall",
            r#"["(?P<k>[a-z]+):(?P<v>[0-9]+)", "x:1 y:22"]"#,
            r#"[{"k":"x","v":"1"},{"k":"y","v":"22"}]"#,
        ),
        ("regex", r#"["(?i)HELLO", "say hello"]"#, r#""hello""#),
        (
            "regex",
            r#"["^\\s*(\\S+)", "   padded value"]"#,
            r#"["padded"]"#,
        ),
        ("regex", r#"["[[:upper:]]+", "abcDEFghi"]"#, r#""DEF""#),
        ("regex", r#"["(?s)a.b", "a\nb"]"#, r#""a\nb""#),
        ("regex", r#"["\\p{Greek}+", "abcαβγdef"]"#, r#""αβγ""#),
        ("regex", r#"["\\w+", "éa_1"]"#, r#""a_1""#),
        ("regex", r#"["[\\d.]+", "x1.5"]"#, r#""1.5""#),
        ("regex", r#"["\\s(\\S+)", "a\u00a0b c"]"#, r#"["c"]"#),
        ("replace", r#"["a b", "/\\bb/", "X"]"#, r#""a X""#),
    ]);
}

/// From conformance case 040 (`terraform output -json`).
#[test]
fn format_conformance() {
    check(&[
        ("format", r#"["%[2]s-%[1]s-%[2]s", "a", "b"]"#, r#""b-a-b""#),
        ("format", r#"["%e", 123456.789]"#, r#""1.234568e+05""#),
        ("format", r#"["%.2E", 0.000123]"#, r#""1.23E-04""#),
        ("format", r#"["%f", 3.14159]"#, r#""3.141590""#),
        ("format", r#"["%g", 0.0001]"#, r#""0.0001""#),
        ("format", r#"["%g", 123456789.0]"#, r#""1.23456789e+08""#),
        ("format", r#"["%.1f", 10]"#, r#""10.0""#),
        ("format", r#"["%.0f", 2.5]"#, r#""2""#),
        ("format", r#"["%.0f", 3.5]"#, r#""4""#),
        ("format", r#"["%.2f", 3.14159]"#, r#""3.14""#),
        ("format", r#"["[%8.3f]", -1.5]"#, r#""[  -1.500]""#),
        ("format", r#"["%t", true]"#, r#""true""#),
        (
            "format",
            r#"["%#v", {"b": [1, 2], "a": "x"}]"#,
            r#""{\"a\":\"x\",\"b\":[1,2]}""#,
        ),
        ("format", r#"["%#v", "str"]"#, r#""\"str\"""#),
        ("format", r#"["%v", [1, "a"]]"#, r#""[1,\"a\"]""#),
        ("format", r#"["%d", 42]"#, r#""42""#),
        ("format", r#"["%d", -42]"#, r#""-42""#),
        ("format", r#"["%05d", 42]"#, r#""00042""#),
        ("format", r#"["%+d", 42]"#, r#""+42""#),
        ("format", r#"["[%4d]", 7]"#, r#""[   7]""#),
        ("format", r#"["[%-4d]", 7]"#, r#""[7   ]""#),
        ("format", r#"["%d", "17"]"#, r#""17""#),
        (
            "format",
            r#"["%q", "say \"hi\"\n"]"#,
            r#""\"say \\\"hi\\\"\\n\"""#,
        ),
        ("format", r#"["100%%"]"#, r#""100%""#),
        ("format", r#"["%s", 42]"#, r#""42""#),
        ("format", r#"["[%.2s]", "abcdef"]"#, r#""[ab]""#),
    ]);
}

#[test]
fn more_oracle_edges() {
    check(&[
        ("upper", r#"["ßé"]"#, r#""ßÉ""#),
        ("substr", r#"["hello", 1, -2]"#, r#""ello""#),
        (
            "format",
            r#"["%.3g %G", 0.333333333, 1e-10]"#,
            r#""0.333 1E-10""#,
        ),
        (
            "format",
            r#"["%.30f", 0.1]"#,
            r#""0.100000000000000000000000000000""#,
        ),
        (
            "format",
            r#"["%010.3f|%-8.2e|%+.1f", -3.14159, 1234.5, 2]"#,
            r#""-00003.142|1.23e+03|+2.0""#,
        ),
        ("replace", r#"["abc", "/(b)/", "[$1]"]"#, r#""a[b]c""#),
        ("split", r#"[",", "a,,b"]"#, r#"["a","","b"]"#),
        (
            "index",
            r#"[["1"], 1]"#,
            r#"ERR Call to function "index" failed: item not found."#,
        ),
        ("contains", r#"[["a"], "a"]"#, "true"),
    ]);
}
