//! Oracle cases for every encoding, filesystem, date/time, hash/crypto, IP network and type
//! conversion function: at least one success and one error case each, as `terraform console`
//! (1.15) gives them.

use super::tests::check;

#[test]
fn encoding() {
    check(&[
        ("base64decode", r#"["aGk="]"#, r#""hi""#),
        (
            "base64decode",
            r#"["!!"]"#,
            r#"ERR Call to function "base64decode" failed: failed to decode base64 data "!!"."#,
        ),
        (
            "base64decode",
            r#"[[1]]"#,
            r#"ERR Invalid value for "str" parameter: string required, but have tuple."#,
        ),
        ("base64encode", r#"["hi"]"#, r#""aGk=""#),
        (
            "base64encode",
            r#"[[1]]"#,
            r#"ERR Invalid value for "str" parameter: string required, but have tuple."#,
        ),
        (
            "base64gzip",
            r#"["hi"]"#,
            r#""H4sIAAAAAAAA/8rIBAAAAP//AQAA//+sKpPYAgAAAA==""#,
        ),
        (
            "base64gzip",
            r#"[[1]]"#,
            r#"ERR Invalid value for "str" parameter: string required, but have tuple."#,
        ),
        (
            "base64gzip",
            r#"[""]"#,
            r#""H4sIAAAAAAAA/wAAAP//AQAA//8AAAAAAAAAAA==""#,
        ),
        ("csvdecode", r#"["a,b\n1,2\n"]"#, r#"[{"a":"1","b":"2"}]"#),
        (
            "csvdecode",
            r#"["a,b\n1\n"]"#,
            r#"ERR Call to function "csvdecode" failed: CSV parse error on line 2: wrong number of fields."#,
        ),
        (
            "csvdecode",
            r#"[""]"#,
            r#"ERR Call to function "csvdecode" failed: missing header line."#,
        ),
        (
            "csvdecode",
            r#"["a,a\n1,2\n"]"#,
            r#"ERR Call to function "csvdecode" failed: duplicate column name "a"."#,
        ),
        (
            "jsondecode",
            r#"["[1, \"a\", {\"b\": null}]"]"#,
            r#"[1,"a",{"b":null}]"#,
        ),
        (
            "jsondecode",
            r#"["{"]"#,
            r#"ERR Call to function "jsondecode" failed: EOF."#,
        ),
        (
            "jsondecode",
            r#"[""]"#,
            r#"ERR Call to function "jsondecode" failed: EOF."#,
        ),
        (
            "jsondecode",
            r#"["1 2"]"#,
            r#"ERR Call to function "jsondecode" failed: extraneous data after JSON object."#,
        ),
        (
            "jsonencode",
            r#"[{"a": [1, true, null]}]"#,
            r#""{\"a\":[1,true,null]}""#,
        ),
        (
            "jsonencode",
            r#"[]"#,
            r#"ERR Function "jsonencode" expects 1 argument(s). Missing value for "val"."#,
        ),
        ("textdecodebase64", r#"["aGk=", "UTF-8"]"#, r#""hi""#),
        (
            "textdecodebase64",
            r#"["!!", "UTF-8"]"#,
            r#"ERR Invalid value for "source" parameter: the given value is has an invalid base64 symbol at offset 0."#,
        ),
        (
            "textdecodebase64",
            r#"["aGk=", "nope"]"#,
            r#"ERR Invalid value for "encoding" parameter: "nope" is not a supported IANA encoding name or alias in this Terraform version."#,
        ),
        ("textencodebase64", r#"["hi", "UTF-16LE"]"#, r#""aABpAA==""#),
        (
            "textencodebase64",
            r#"["hi", "nope"]"#,
            r#"ERR Invalid value for "encoding" parameter: "nope" is not a supported IANA encoding name or alias in this Terraform version."#,
        ),
        (
            "textencodebase64",
            r#"["☃", "ISO-8859-1"]"#,
            r#"ERR Invalid value for "string" parameter: the given string contains characters that cannot be represented in ISO_8859-1:1987."#,
        ),
        ("urlencode", r#"["a b/c"]"#, r#""a+b%2Fc""#),
        (
            "urlencode",
            r#"[[1]]"#,
            r#"ERR Invalid value for "str" parameter: string required, but have tuple."#,
        ),
        (
            "yamldecode",
            r#"[""]"#,
            r#"ERR Call to function "yamldecode" failed: on line 1, column 1: missing start of document."#,
        ),
        (
            "yamldecode",
            r#"["a: 1\nb: [x, true]\n"]"#,
            r#"{"a":1,"b":["x",true]}"#,
        ),
        (
            "yamlencode",
            r#"[{"a": [1, "x"]}]"#,
            r#""\"a\":\n- 1\n- \"x\"\n""#,
        ),
        (
            "yamlencode",
            r#"[]"#,
            r#"ERR Function "yamlencode" expects 1 argument(s). Missing value for "value"."#,
        ),
    ]);
}

#[test]
fn filesystem() {
    check(&[
        ("abspath", r#"["/a/b/../c"]"#, r#""/a/c""#),
        (
            "abspath",
            r#"[[1]]"#,
            r#"ERR Invalid value for "path" parameter: string required, but have tuple."#,
        ),
        ("dirname", r#"["a/b/c"]"#, r#""a/b""#),
        (
            "dirname",
            r#"[[1]]"#,
            r#"ERR Invalid value for "path" parameter: string required, but have tuple."#,
        ),
        ("dirname", r#"[""]"#, r#"".""#),
        ("pathexpand", r#"["/a/b"]"#, r#""/a/b""#),
        (
            "pathexpand",
            r#"[[1]]"#,
            r#"ERR Invalid value for "path" parameter: string required, but have tuple."#,
        ),
        ("basename", r#"["a/b.txt"]"#, r#""b.txt""#),
        (
            "basename",
            r#"[[1]]"#,
            r#"ERR Invalid value for "path" parameter: string required, but have tuple."#,
        ),
        ("file", r#"["src/functions/testdata/hi.txt"]"#, r#""hi""#),
        (
            "file",
            r#"["nope"]"#,
            r#"ERR Invalid value for "path" parameter: no file exists at "nope"; this function works only with files that are distributed as part of the configuration source code, so if this file will be created by a resource in this configuration you must instead obtain this result from an attribute of that resource."#,
        ),
        (
            "file",
            r#"["src/functions/testdata/d"]"#,
            r#"ERR Invalid value for "path" parameter: failed to read file: read src/functions/testdata/d: is a directory."#,
        ),
        (
            "fileexists",
            r#"["src/functions/testdata/hi.txt"]"#,
            r#"true"#,
        ),
        ("fileexists", r#"["nope"]"#, r#"false"#),
        (
            "fileexists",
            r#"["src/functions/testdata/d"]"#,
            r#"ERR Call to function "fileexists" failed: "src/functions/testdata/d" is a directory, not a file."#,
        ),
        (
            "fileset",
            r#"["src/functions/testdata/", "*.txt"]"#,
            r#"["bin.txt","hi.txt"]"#,
        ),
        (
            "fileset",
            r#"["src/functions/testdata/", "**"]"#,
            r#"["bin.txt","ct.b64","d/a.txt","d/e/b.txt","hi.txt","key.pem","t.tpl"]"#,
        ),
        (
            "fileset",
            r#"["src/functions/testdata/", "["]"#,
            r#"ERR Call to function "fileset" failed: failed to glob pattern "src/functions/testdata/[": syntax error in pattern."#,
        ),
        ("fileset", r#"["nope", "*"]"#, r#"[]"#),
        (
            "filebase64",
            r#"["src/functions/testdata/hi.txt"]"#,
            r#""aGk=""#,
        ),
        (
            "filebase64",
            r#"["nope"]"#,
            r#"ERR Invalid value for "path" parameter: no file exists at "nope"; this function works only with files that are distributed as part of the configuration source code, so if this file will be created by a resource in this configuration you must instead obtain this result from an attribute of that resource."#,
        ),
    ]);
}

#[test]
fn datetime() {
    check(&[
        (
            "formatdate",
            r#"["YYYY-MM-DD hh:mm:ss ZZZ EEE MMM", "2024-01-02T03:04:05Z"]"#,
            r#""2024-01-02 03:04:05 UTC Tue Jan""#,
        ),
        (
            "formatdate",
            r#"["YYYY", "bad"]"#,
            r#"ERR Invalid value for "time" parameter: not a valid RFC3339 timestamp: cannot use "bad" as year."#,
        ),
        (
            "formatdate",
            r#"["Q", "2024-01-02T03:04:05Z"]"#,
            r#"ERR Invalid value for "format" parameter: invalid date format verb "Q"."#,
        ),
        (
            "formatdate",
            r#"["'", "2024-01-02T03:04:05Z"]"#,
            r#"ERR Invalid value for "format" parameter: unterminated literal '."#,
        ),
        (
            "timeadd",
            r#"["2024-01-01T00:00:00Z", "1h30m"]"#,
            r#""2024-01-01T01:30:00Z""#,
        ),
        (
            "timeadd",
            r#"["x", "1h"]"#,
            r#"ERR Call to function "timeadd" failed: not a valid RFC3339 timestamp: cannot use "x" as year."#,
        ),
        (
            "timeadd",
            r#"["2024-01-01T00:00:00Z", "1d"]"#,
            r#"ERR Call to function "timeadd" failed: time: unknown unit "d" in duration "1d"."#,
        ),
        (
            "timecmp",
            r#"["2024-01-01T00:00:00Z", "2024-01-02T00:00:00Z"]"#,
            r#"-1"#,
        ),
        (
            "timecmp",
            r#"["2024-01-01T01:00:00+01:00", "2024-01-01T00:00:00Z"]"#,
            r#"0"#,
        ),
        (
            "timecmp",
            r#"["x", "2024-01-01T00:00:00Z"]"#,
            r#"ERR Invalid value for "timestamp_a" parameter: not a valid RFC3339 timestamp: cannot use "x" as year."#,
        ),
        (
            "timecmp",
            r#"["2024-01-01T00:00:00Z", "y"]"#,
            r#"ERR Invalid value for "timestamp_b" parameter: not a valid RFC3339 timestamp: cannot use "y" as year."#,
        ),
        (
            "timestamp",
            r#"[1]"#,
            r#"ERR Function "timestamp" expects only 0 argument(s)."#,
        ),
    ]);
}

#[test]
fn hash() {
    check(&[
        (
            "base64sha256",
            r#"["hi"]"#,
            r#""j0NDRmSPa5bfid2pAcUXaxCm2Dlh3TwayItZstwyeqQ=""#,
        ),
        (
            "base64sha256",
            r#"[[1]]"#,
            r#"ERR Invalid value for "str" parameter: string required, but have tuple."#,
        ),
        (
            "base64sha512",
            r#"["hi"]"#,
            r#""FQoU7VvqbMcxz4bEFWasQnqNtI7xuf1iZmSzv7uZBx+kySLzPd44cZuMg1Tit6udd+Dmf8EoQ5IKcS5z1Vjhlw==""#,
        ),
        (
            "base64sha512",
            r#"[[1]]"#,
            r#"ERR Invalid value for "str" parameter: string required, but have tuple."#,
        ),
        (
            "bcrypt",
            r#"["x", 32]"#,
            r#"ERR Call to function "bcrypt" failed: error occured generating password crypto/bcrypt: cost 32 is outside allowed inclusive range 4..31."#,
        ),
        (
            "bcrypt",
            r#"[[1]]"#,
            r#"ERR Invalid value for "str" parameter: string required, but have tuple."#,
        ),
        (
            "bcrypt",
            r#"["x", 4, 5]"#,
            r#"ERR Call to function "bcrypt" failed: bcrypt() takes no more than two arguments."#,
        ),
        (
            "filebase64sha256",
            r#"["src/functions/testdata/hi.txt"]"#,
            r#""j0NDRmSPa5bfid2pAcUXaxCm2Dlh3TwayItZstwyeqQ=""#,
        ),
        (
            "filebase64sha256",
            r#"["nope"]"#,
            r#"ERR Call to function "filebase64sha256" failed: open nope: no such file or directory."#,
        ),
        (
            "filebase64sha512",
            r#"["src/functions/testdata/hi.txt"]"#,
            r#""FQoU7VvqbMcxz4bEFWasQnqNtI7xuf1iZmSzv7uZBx+kySLzPd44cZuMg1Tit6udd+Dmf8EoQ5IKcS5z1Vjhlw==""#,
        ),
        (
            "filebase64sha512",
            r#"["nope"]"#,
            r#"ERR Call to function "filebase64sha512" failed: open nope: no such file or directory."#,
        ),
        (
            "filemd5",
            r#"["src/functions/testdata/hi.txt"]"#,
            r#""49f68a5c8493ec2c0bf489821c21fc3b""#,
        ),
        (
            "filemd5",
            r#"["nope"]"#,
            r#"ERR Call to function "filemd5" failed: open nope: no such file or directory."#,
        ),
        (
            "filesha1",
            r#"["src/functions/testdata/hi.txt"]"#,
            r#""c22b5f9178342609428d6f51b2c5af4c0bde6a42""#,
        ),
        (
            "filesha1",
            r#"["nope"]"#,
            r#"ERR Call to function "filesha1" failed: open nope: no such file or directory."#,
        ),
        (
            "filesha256",
            r#"["src/functions/testdata/hi.txt"]"#,
            r#""8f434346648f6b96df89dda901c5176b10a6d83961dd3c1ac88b59b2dc327aa4""#,
        ),
        (
            "filesha256",
            r#"["nope"]"#,
            r#"ERR Call to function "filesha256" failed: open nope: no such file or directory."#,
        ),
        (
            "filesha512",
            r#"["src/functions/testdata/hi.txt"]"#,
            r#""150a14ed5bea6cc731cf86c41566ac427a8db48ef1b9fd626664b3bfbb99071fa4c922f33dde38719b8c8354e2b7ab9d77e0e67fc12843920a712e73d558e197""#,
        ),
        (
            "filesha512",
            r#"["nope"]"#,
            r#"ERR Call to function "filesha512" failed: open nope: no such file or directory."#,
        ),
        ("md5", r#"["hi"]"#, r#""49f68a5c8493ec2c0bf489821c21fc3b""#),
        (
            "md5",
            r#"[[1]]"#,
            r#"ERR Invalid value for "str" parameter: string required, but have tuple."#,
        ),
        (
            "rsadecrypt",
            r#"["!!", "x"]"#,
            r#"ERR Invalid value for "ciphertext" parameter: failed to decode input "!!": cipher text must be base64-encoded."#,
        ),
        (
            "sha1",
            r#"["hi"]"#,
            r#""c22b5f9178342609428d6f51b2c5af4c0bde6a42""#,
        ),
        (
            "sha1",
            r#"[[1]]"#,
            r#"ERR Invalid value for "str" parameter: string required, but have tuple."#,
        ),
        (
            "sha256",
            r#"["hi"]"#,
            r#""8f434346648f6b96df89dda901c5176b10a6d83961dd3c1ac88b59b2dc327aa4""#,
        ),
        (
            "sha256",
            r#"[[1]]"#,
            r#"ERR Invalid value for "str" parameter: string required, but have tuple."#,
        ),
        (
            "sha512",
            r#"["hi"]"#,
            r#""150a14ed5bea6cc731cf86c41566ac427a8db48ef1b9fd626664b3bfbb99071fa4c922f33dde38719b8c8354e2b7ab9d77e0e67fc12843920a712e73d558e197""#,
        ),
        (
            "sha512",
            r#"[[1]]"#,
            r#"ERR Invalid value for "str" parameter: string required, but have tuple."#,
        ),
        (
            "uuid",
            r#"[1]"#,
            r#"ERR Function "uuid" expects only 0 argument(s)."#,
        ),
        (
            "uuidv5",
            r#"["dns", "example.com"]"#,
            r#""cfbff0d1-9375-5685-968c-48ce8b15ae17""#,
        ),
        (
            "uuidv5",
            r#"["bad", "x"]"#,
            r#"ERR Call to function "uuidv5" failed: uuidv5() doesn't support namespace bad (invalid UUID length: 3)."#,
        ),
        (
            "uuidv5",
            r#"["6ba7b810-9dad-11d1-80b4-00c04fd430c8", "x"]"#,
            r#""05b16a01-46c6-56dd-bd6e-c6dfb4a1427a""#,
        ),
    ]);
}

#[test]
fn ipnet() {
    check(&[
        ("cidrhost", r#"["10.0.0.0/8", 2]"#, r#""10.0.0.2""#),
        (
            "cidrhost",
            r#"["10.0.0.0/30", 5]"#,
            r#"ERR Call to function "cidrhost" failed: prefix of 30 does not accommodate a host numbered 5."#,
        ),
        (
            "cidrhost",
            r#"["x", 1]"#,
            r#"ERR Call to function "cidrhost" failed: invalid CIDR expression: invalid CIDR address: x."#,
        ),
        ("cidrhost", r#"["10.0.0.0/8", -1]"#, r#""10.255.255.255""#),
        ("cidrnetmask", r#"["10.0.0.0/8"]"#, r#""255.0.0.0""#),
        (
            "cidrnetmask",
            r#"["x"]"#,
            r#"ERR Call to function "cidrnetmask" failed: invalid CIDR expression: invalid CIDR address: x."#,
        ),
        (
            "cidrnetmask",
            r#"["fd00::/8"]"#,
            r#"ERR Call to function "cidrnetmask" failed: IPv6 addresses cannot have a netmask: fd00::/8."#,
        ),
        ("cidrsubnet", r#"["10.0.0.0/8", 8, 1]"#, r#""10.1.0.0/16""#),
        ("cidrsubnet", r#"["10.0.0.0/8", -1, 0]"#, r#""10.0.0.0/7""#),
        ("cidrsubnet", r#"["11.0.0.0/8", -1, 0]"#, r#""11.0.0.0/7""#),
        ("cidrsubnet", r#"["10.0.0.0/8", -1, 1]"#, r#""10.0.0.0/7""#),
        (
            "cidrsubnet",
            r#"["10.0.0.0/8", 8, 256]"#,
            r#"ERR Call to function "cidrsubnet" failed: prefix extension of 8 does not accommodate a subnet numbered 256."#,
        ),
        (
            "cidrsubnet",
            r#"["x", 8, 1]"#,
            r#"ERR Call to function "cidrsubnet" failed: invalid CIDR expression: invalid CIDR address: x."#,
        ),
        (
            "cidrsubnets",
            r#"["10.0.0.0/8", 8, 8]"#,
            r#"["10.0.0.0/16","10.1.0.0/16"]"#,
        ),
        (
            "cidrsubnets",
            r#"["x", 8]"#,
            r#"ERR Invalid value for "prefix" parameter: invalid CIDR expression: invalid CIDR address: x."#,
        ),
        (
            "cidrsubnets",
            r#"["10.0.0.0/8", 0]"#,
            r#"ERR Invalid value for "newbits" parameter: must extend prefix by at least one bit."#,
        ),
        ("cidrsubnets", r#"["10.0.0.0/8"]"#, r#"[]"#),
    ]);
}

#[test]
fn typeconv() {
    check(&[
        ("ephemeralasnull", r#"["a"]"#, r#""a""#),
        (
            "ephemeralasnull",
            r#"[]"#,
            r#"ERR Function "ephemeralasnull" expects 1 argument(s). Missing value for "value"."#,
        ),
        ("issensitive", r#"["a"]"#, r#"false"#),
        (
            "issensitive",
            r#"[]"#,
            r#"ERR Function "issensitive" expects 1 argument(s). Missing value for "value"."#,
        ),
        ("nonsensitive", r#"["a"]"#, r#""a""#),
        (
            "nonsensitive",
            r#"[]"#,
            r#"ERR Function "nonsensitive" expects 1 argument(s). Missing value for "value"."#,
        ),
        (
            "sensitive",
            r#"[]"#,
            r#"ERR Function "sensitive" expects 1 argument(s). Missing value for "value"."#,
        ),
        ("tobool", r#"["true"]"#, r#"true"#),
        (
            "tobool",
            r#"["yes"]"#,
            r#"ERR Invalid value for "v" parameter: cannot convert "yes" to bool; only the strings "true" or "false" are allowed."#,
        ),
        (
            "tobool",
            r#"[1]"#,
            r#"ERR Invalid value for "v" parameter: cannot convert number to bool."#,
        ),
        ("tolist", r#"[["a", 1]]"#, r#"["a","1"]"#),
        (
            "tolist",
            r#"[{"a": 1}]"#,
            r#"ERR Invalid value for "v" parameter: cannot convert object to list of any single type."#,
        ),
        (
            "tolist",
            r#"[["a", [1]]]"#,
            r#"ERR Invalid value for "v" parameter: cannot convert tuple to list of any single type."#,
        ),
        ("tomap", r#"[{"a": 1, "b": "x"}]"#, r#"{"a":"1","b":"x"}"#),
        (
            "tomap",
            r#"[["a"]]"#,
            r#"ERR Invalid value for "v" parameter: cannot convert tuple to map of any single type."#,
        ),
        (
            "tomap",
            r#"[{"a": [1], "b": "x"}]"#,
            r#"ERR Invalid value for "v" parameter: cannot convert object to map of any single type."#,
        ),
        ("tonumber", r#"["1.5"]"#, r#"1.5"#),
        (
            "tonumber",
            r#"["x"]"#,
            r#"ERR Invalid value for "v" parameter: cannot convert "x" to number; given string must be a decimal representation of a number."#,
        ),
        (
            "tonumber",
            r#"[true]"#,
            r#"ERR Invalid value for "v" parameter: cannot convert bool to number."#,
        ),
        ("toset", r#"[["b", "a", "b"]]"#, r#"["a","b"]"#),
        (
            "toset",
            r#"[[[1], "a"]]"#,
            r#"ERR Invalid value for "v" parameter: cannot convert tuple to set of any single type."#,
        ),
        (
            "toset",
            r#"[{"a": 1}]"#,
            r#"ERR Invalid value for "v" parameter: cannot convert object to set of any single type."#,
        ),
        ("tostring", r#"[1]"#, r#""1""#),
        (
            "tostring",
            r#"[[1]]"#,
            r#"ERR Invalid value for "v" parameter: cannot convert tuple to string."#,
        ),
        ("tostring", r#"[null]"#, r#"null"#),
        ("type", r#"[1]"#, r#""number""#),
        (
            "type",
            r#"[]"#,
            r#"ERR Function "type" expects 1 argument(s). Missing value for "value"."#,
        ),
    ]);
}

/// Evaluates `src` with `local.tpl*` templates in scope and the dsl crate dir as base dir; the
/// result as JSON or `ERR` + the first diagnostic's detail.
fn eval(src: &str) -> String {
    use crate::eval::{EvalContext, Scope};
    use crate::value::{to_json, Value};
    let locals = Value::object_from([
        ("tpl", Value::string("x=${x}")),
        ("tpl_bad", Value::string("${")),
        ("tpl_for", Value::string("%{ for i in xs }${i},%{ endfor }")),
    ]);
    let table = super::FunctionTable::builtin();
    let mut ctx = EvalContext::new(Scope::new().with("local", locals), &table);
    ctx.call_context.base_dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let parsed = crate::syntax::parse(&format!("x = {src}\n"));
    assert!(!parsed.has_errors(), "parse errors in {src}");
    let Some(expr) = parsed.body.attributes().next().map(|a| a.expr.clone()) else {
        panic!("no expression in {src}");
    };
    match ctx.eval(&expr) {
        Ok(v) => to_json(&v).unwrap_or_else(|e| format!("<{e:?}>")),
        Err(d) => format!("ERR {}", d.first().map(|d| d.detail.as_str()).unwrap_or("")),
    }
}

/// Each case: expression, expected JSON result or `ERR` + detail start.
fn check_eval(cases: &[(&str, &str)]) {
    let mut failures = Vec::new();
    for (src, want) in cases {
        let got = eval(src);
        let ok = match want.strip_prefix("ERR ") {
            Some(w) => got.starts_with(&format!("ERR {w}")),
            None => got == *want,
        };
        if !ok {
            failures.push(format!("{src}: want {want}, got {got}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn lazy_functions() {
    check_eval(&[
        ("try(1)", "1"),
        ("try([1][3], \"x\")", r#""x""#),
        (
            "try()",
            r#"ERR Call to function "try" failed: at least one argument is required."#,
        ),
        (
            "try([1][3])",
            r#"ERR Call to function "try" failed: no expression succeeded:"#,
        ),
        ("can(1)", "true"),
        ("can([1][3])", "false"),
        (
            "can()",
            r#"ERR Function "can" expects 1 argument(s). Missing value for "expression"."#,
        ),
        (
            "can(1, 2)",
            r#"ERR Function "can" expects only 1 argument(s)."#,
        ),
        (
            "rsadecrypt(file(\"src/functions/testdata/ct.b64\"), file(\"src/functions/testdata/key.pem\"))",
            r#""hello""#,
        ),
        ("templatestring(local.tpl, {x = 1})", r#""x=1""#),
        ("templatestring(local.tpl_for, {xs = [1, 2]})", r#""1,2,""#),
        (
            "templatestring(local.tpl, \"b\")",
            r#"ERR Invalid value for "vars" parameter: invalid vars value: must be a map."#,
        ),
        (
            "templatestring(local.tpl)",
            r#"ERR Function "templatestring" expects 2 argument(s). Missing value for "vars"."#,
        ),
        (
            "templatestring(\"x\", {})",
            r#"ERR Invalid value for "template" parameter: invalid template expression: templatestring is only for rendering templates retrieved dynamically from elsewhere, and so does not support providing a literal template; consider using a template string expression instead."#,
        ),
        (
            "templatefile(\"src/functions/testdata/t.tpl\", {name = \"w\"})",
            r#""Hello w!\n12\n""#,
        ),
        (
            "templatefile(\"nope\", {})",
            r#"ERR Invalid value for "path" parameter: no file exists at "nope"; this function works only with files that are distributed as part of the configuration source code, so if this file will be created by a resource in this configuration you must instead obtain this result from an attribute of that resource."#,
        ),
        (
            "templatefile(\"src/functions/testdata/t.tpl\")",
            r#"ERR Function "templatefile" expects 2 argument(s). Missing value for "vars"."#,
        ),
        (
            "templatefile(\"src/functions/testdata/t.tpl\", \"x\")",
            r#"ERR Invalid value for "vars" parameter: invalid vars value: must be a map."#,
        ),
        ("sensitive(\"a\")", r#""a""#),
        ("issensitive(sensitive(\"a\"))", "true"),
        ("nonsensitive(sensitive(\"a\"))", r#""a""#),
    ]);
}

/// Non-deterministic functions: the shape of the result, and their errors.
#[test]
fn nondeterministic_shapes() {
    use super::{CallContext, FunctionTable};
    use crate::value::Value;
    let table = FunctionTable::builtin();
    let ctx = CallContext {
        base_dir: std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")),
        plan_timestamp: Some("2026-11-28T22:26:59Z".to_string()),
    };
    let call = |name: &str, args: Vec<Value>| -> String {
        match table.call(name, args, &ctx) {
            Ok(v) => v.as_str().map(str::to_string).unwrap_or_default(),
            Err(e) => panic!("{name}: {e}"),
        }
    };
    let shape = |text: &str, pattern: &str| {
        let re = ::regex::Regex::new(pattern).unwrap_or_else(|e| panic!("{e}"));
        assert!(re.is_match(text), "{text:?} does not match {pattern}");
    };
    let rfc3339 = r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$";
    shape(&call("timestamp", vec![]), rfc3339);
    assert_eq!(call("plantimestamp", vec![]), "2026-11-28T22:26:59Z");
    shape(
        &call("uuid", vec![]),
        r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
    );
    // Terraform: a cost below bcrypt's minimum (4) silently uses the default cost, 10.
    let h = call("bcrypt", vec![Value::string("x"), Value::int(4)]);
    shape(&h, r"^\$2a\$04\$[./A-Za-z0-9]{53}$");
    let h = call("bcrypt", vec![Value::string("x"), Value::int(3)]);
    shape(&h, r"^\$2a\$10\$[./A-Za-z0-9]{53}$");
    check(&[(
        "plantimestamp",
        "[1]",
        r#"ERR Function "plantimestamp" expects only 0 argument(s)."#,
    )]);
}
