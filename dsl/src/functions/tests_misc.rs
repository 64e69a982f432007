//! Oracle cases for the encoding, YAML, hash, crypto, filesystem, date/time, IP network and
//! type-conversion families.

use super::tests::{check, run};

#[test]
fn encoding() {
    check(&[
        ("base64encode", r##"["hi"]"##, r##""aGk=""##),
        ("base64decode", r##"["aGk="]"##, r##""hi""##),
        (
            "base64decode",
            r##"["!!"]"##,
            r##"ERR Call to function "base64decode" failed: failed to decode base64 data "!!"."##,
        ),
        (
            "base64decode",
            r##"["/w=="]"##,
            r##"ERR Call to function "base64decode" failed: the result of decoding the provided string is not valid UTF-8."##,
        ),
        (
            "csvdecode",
            r##"["a,b\n1,2\n"]"##,
            r##"[{"a":"1","b":"2"}]"##,
        ),
        ("csvdecode", r##"["a\n"]"##, "[]"),
        (
            "csvdecode",
            r##"["a,b\n1\n"]"##,
            r##"ERR Call to function "csvdecode" failed: CSV parse error on line 2: wrong number of fields."##,
        ),
        ("urlencode", r##"["a b/c~é"]"##, r##""a+b%2Fc~%C3%A9""##),
        ("textdecodebase64", r##"["aGk=", "UTF-16"]"##, r##""桩""##),
        (
            "textdecodebase64",
            r##"["aGk=", "ISO-8859-1"]"##,
            r##""hi""##,
        ),
        (
            "textencodebase64",
            r##"["hi", "UTF-16LE"]"##,
            r##""aABpAA==""##,
        ),
        (
            "textencodebase64",
            r##"["hi", "nope"]"##,
            r##"ERR Invalid value for "encoding" parameter: "nope" is not a supported IANA encoding name or alias in this Terraform version."##,
        ),
        (
            "jsonencode",
            r##"[{"a":"<&>", "b":[1,true,null]}]"##,
            r##""{\"a\":\"\\u003c\\u0026\\u003e\",\"b\":[1,true,null]}""##,
        ),
        (
            "jsondecode",
            r##"["[1, \"a\", {\"b\": null}]"]"##,
            r##"[1,"a",{"b":null}]"##,
        ),
        ("jsonencode", r##"[1.5]"##, r##""1.5""##),
    ]);
}

#[test]
fn yaml() {
    check(&[
        (
            "yamlencode",
            r##"[{"b":1, "a":"x", "c":true}]"##,
            r##""\"a\": \"x\"\n\"b\": 1\n\"c\": true\n""##,
        ),
        (
            "yamlencode",
            r##"[{"list":[1,"two",false], "obj":{"inner":{"deep":"value"}}, "empty_list":[], "empty_obj":{}, "nothing":null}]"##,
            r##""\"empty_list\": []\n\"empty_obj\": {}\n\"list\":\n- 1\n- \"two\"\n- false\n\"nothing\": null\n\"obj\":\n  \"inner\":\n    \"deep\": \"value\"\n""##,
        ),
        (
            "yamlencode",
            r##"[["true", "no", "", " lead", "a: b", "#hash"]]"##,
            r##""- \"true\"\n- \"no\"\n- \"\"\n- \" lead\"\n- \"a: b\"\n- \"#hash\"\n""##,
        ),
        (
            "yamlencode",
            r##"[{"text":"line one\nline two\n"}]"##,
            r##""\"text\": |\n  line one\n  line two\n""##,
        ),
        ("yamlencode", r##"["s"]"##, r##""\"s\"\n""##),
        ("yamlencode", r##"[1]"##, r##""1\n...\n""##),
        ("yamlencode", r##"[null]"##, r##""null\n...\n""##),
        // Empty collections are flow nodes, not plain scalars: no end-of-document marker.
        ("yamlencode", r##"[[]]"##, r##""[]\n""##),
        ("yamlencode", r##"[{}]"##, r##""{}\n""##),
        (
            "yamlencode",
            r##"[[{"name":"a","port":80},{"name":"b","port":443}]]"##,
            r##""- \"name\": \"a\"\n  \"port\": 80\n- \"name\": \"b\"\n  \"port\": 443\n""##,
        ),
        (
            "yamlencode",
            r##"[{"n":12345678901234567890, "f":0.1}]"##,
            r##""\"f\": 0.1\n\"n\": 12345678901234567890\n""##,
        ),
        ("yamlencode", r##"["a\nb"]"##, r##""|-\n  a\n  b\n""##),
        (
            "yamlencode",
            r##"[[[1,2],[]]]"##,
            r##""- - 1\n  - 2\n- []\n""##,
        ),
        ("yamlencode", r##"[{"a":[[1]]}]"##, r##""\"a\":\n- - 1\n""##),
        (
            "yamlencode",
            r##"["tab\there é \u0001"]"##,
            r##""\"tab\\there é \\x01\"\n""##,
        ),
        (
            "yamlencode",
            r##"[" lead\nx"]"##,
            r##""|2-\n   lead\n  x\n""##,
        ),
        ("yamlencode", r##"["x\n\n"]"##, r##""|+\n  x\n\n""##),
        (
            "yamlencode",
            r##"["trailing \nx"]"##,
            r##""\"trailing \\nx\"\n""##,
        ),
        (
            "yamlencode",
            r##"[[{"a":{"b":1}}]]"##,
            r##""- \"a\":\n    \"b\": 1\n""##,
        ),
        (
            "yamlencode",
            r##"[1e30]"##,
            r##""1000000000000000000000000000000\n...\n""##,
        ),
        ("yamldecode", r##"["a: [1, x]"]"##, r##"{"a":[1,"x"]}"##),
        (
            "yamldecode",
            r##"[""]"##,
            r##"ERR Call to function "yamldecode" failed: on line 1, column 1: missing start of document."##,
        ),
    ]);
    let long = format!("x{}", "abc ".repeat(30));
    let got = run(
        "yamlencode",
        &serde_json::to_string(&vec![long]).unwrap_or_default(),
    );
    assert_eq!(
        got,
        r##""\"xabc abc abc abc abc abc abc abc abc abc abc abc abc abc abc abc abc abc abc abc\n  abc abc abc abc abc abc abc abc abc abc \"\n""##
    );
}

#[test]
fn hashes_and_files() {
    check(&[
        (
            "md5",
            r##"["hi"]"##,
            r##""49f68a5c8493ec2c0bf489821c21fc3b""##,
        ),
        (
            "sha1",
            r##"["hi"]"##,
            r##""c22b5f9178342609428d6f51b2c5af4c0bde6a42""##,
        ),
        (
            "sha256",
            r##"["hi"]"##,
            r##""8f434346648f6b96df89dda901c5176b10a6d83961dd3c1ac88b59b2dc327aa4""##,
        ),
        (
            "sha512",
            r##"["hi"]"##,
            r##""150a14ed5bea6cc731cf86c41566ac427a8db48ef1b9fd626664b3bfbb99071fa4c922f33dde38719b8c8354e2b7ab9d77e0e67fc12843920a712e73d558e197""##,
        ),
        (
            "base64sha256",
            r##"["hi"]"##,
            r##""j0NDRmSPa5bfid2pAcUXaxCm2Dlh3TwayItZstwyeqQ=""##,
        ),
        (
            "base64sha512",
            r##"["hi"]"##,
            r##""FQoU7VvqbMcxz4bEFWasQnqNtI7xuf1iZmSzv7uZBx+kySLzPd44cZuMg1Tit6udd+Dmf8EoQ5IKcS5z1Vjhlw==""##,
        ),
        (
            "filebase64",
            r##"["src/functions/testdata/hi.txt"]"##,
            r##""aGk=""##,
        ),
        (
            "filesha256",
            r##"["src/functions/testdata/hi.txt"]"##,
            r##""8f434346648f6b96df89dda901c5176b10a6d83961dd3c1ac88b59b2dc327aa4""##,
        ),
        (
            "filemd5",
            r##"["src/functions/testdata/hi.txt"]"##,
            r##""49f68a5c8493ec2c0bf489821c21fc3b""##,
        ),
        (
            "filemd5",
            r##"["nope"]"##,
            r##"ERR Call to function "filemd5" failed: open nope: no such file or directory."##,
        ),
        (
            "file",
            r##"["src/functions/testdata/hi.txt"]"##,
            r##""hi""##,
        ),
        (
            "file",
            r##"["nope"]"##,
            r##"ERR Invalid value for "path" parameter: no file exists at "nope"; this function works only"##,
        ),
        (
            "file",
            r##"["src/functions/testdata/bin.txt"]"##,
            r##"ERR Call to function "file" failed: contents of "src/functions/testdata/bin.txt" are not valid UTF-8; use the filebase64 function"##,
        ),
        (
            "fileexists",
            r##"["src/functions/testdata/d"]"##,
            r##"ERR Call to function "fileexists" failed: "src/functions/testdata/d" is a directory, not a file."##,
        ),
        (
            "fileexists",
            r##"["src/functions/testdata/hi.txt"]"##,
            "true",
        ),
        ("fileexists", r##"["nope"]"##, "false"),
        (
            "fileset",
            r##"["src/functions/testdata", "d/**/*.txt"]"##,
            r##"["d/a.txt","d/e/b.txt"]"##,
        ),
        (
            "fileset",
            r##"["src/functions/testdata", "*.txt"]"##,
            r##"["bin.txt","hi.txt"]"##,
        ),
        (
            "fileset",
            r##"[".", "["]"##,
            r##"ERR Call to function "fileset" failed: failed to glob pattern "[": syntax error in pattern."##,
        ),
        ("basename", r##"["a/b/"]"##, r##""b""##),
        ("basename", r##"[""]"##, r##"".""##),
        ("dirname", r##"["a/b/"]"##, r##""a/b""##),
        ("dirname", r##"["a"]"##, r##"".""##),
        (
            "uuidv5",
            r##"["dns", "x"]"##,
            r##""05b16a01-46c6-56dd-bd6e-c6dfb4a1427a""##,
        ),
        (
            "uuidv5",
            r##"["bad", "x"]"##,
            r##"ERR Call to function "uuidv5" failed: uuidv5() doesn't support namespace bad (invalid UUID length: 3)."##,
        ),
    ]);
    assert!(run("abspath", r##"["a/../b"]"##).ends_with("/dsl/b\""));
    assert_eq!(run("uuid", "[]").len(), 38);
    assert!(run("bcrypt", r##"["a", 4]"##).starts_with("\"$2a$04$"));
    assert!(run("bcrypt", r##"["a", 3]"##).starts_with("\"$2a$10$"));
}

#[test]
fn datetime() {
    check(&[
        (
            "timeadd",
            r##"["2020-01-01T00:00:00Z", "1h30m"]"##,
            r##""2020-01-01T01:30:00Z""##,
        ),
        (
            "timeadd",
            r##"["2020-01-01T00:00:00+01:00", "-90m"]"##,
            r##""2019-12-31T22:30:00+01:00""##,
        ),
        (
            "timeadd",
            r##"["2020-01-01T00:00:00Z", "1.5h"]"##,
            r##""2020-01-01T01:30:00Z""##,
        ),
        (
            "timeadd",
            r##"["2020-01-01T00:00:00Z", "1d"]"##,
            r##"ERR Call to function "timeadd" failed: time: unknown unit "d" in duration "1d"."##,
        ),
        (
            "timeadd",
            r##"["2020-01-01T00:00:00Z", "x"]"##,
            r##"ERR Call to function "timeadd" failed: time: invalid duration "x"."##,
        ),
        (
            "formatdate",
            r##"["DD MMM YYYY hh:mm ZZZ EEEE", "2020-01-02T03:04:05Z"]"##,
            r##""02 Jan 2020 03:04 UTC Thursday""##,
        ),
        (
            "formatdate",
            r##"["h:m:s aa AA ZZZZ ZZZZZ Z", "2020-01-02T15:04:05+05:30"]"##,
            r##""15:4:5 pm PM +0530 +05:30 +05:30""##,
        ),
        (
            "formatdate",
            r##"["'quoted' YY M D EEE", "2020-01-02T15:04:05Z"]"##,
            r##""quoted 20 1 2 Thu""##,
        ),
        (
            "formatdate",
            r##"["YYYY-MM-DD", "2020-01-02T03:04:05.123+01:00"]"##,
            r##""2020-01-02""##,
        ),
        (
            "formatdate",
            r##"["x", "bad"]"##,
            r##"ERR Invalid value for "time" parameter: not a valid RFC3339 timestamp: cannot use "bad" as year."##,
        ),
        (
            "timecmp",
            r##"["2020-01-01T00:00:00Z", "2020-01-01T01:00:00+01:00"]"##,
            "0",
        ),
        (
            "timecmp",
            r##"["2020-01-01T00:00:00Z", "2021-01-01T00:00:00Z"]"##,
            "-1",
        ),
    ]);
    assert!(run("timestamp", "[]").ends_with("Z\""));
}

#[test]
fn ipnet() {
    check(&[
        (
            "cidrhost",
            r##"["10.0.0.0/8", -1]"##,
            r##""10.255.255.255""##,
        ),
        (
            "cidrhost",
            r##"["10.0.0.0/30", 5]"##,
            r##"ERR Call to function "cidrhost" failed: prefix of 30 does not accommodate a host numbered 5."##,
        ),
        ("cidrhost", r##"["fd00::/8", 3]"##, r##""fd00::3""##),
        (
            "cidrsubnet",
            r##"["10.0.0.0/8", 8, 2]"##,
            r##""10.2.0.0/16""##,
        ),
        (
            "cidrsubnet",
            r##"["10.0.0.0/8", 30, 2]"##,
            r##"ERR Call to function "cidrsubnet" failed: insufficient address space to extend prefix of 8 by 30."##,
        ),
        ("cidrsubnet", r##"["fd00::/8", 8, 3]"##, r##""fd03::/16""##),
        (
            "cidrsubnet",
            r##"["10.0.0.0/x", 8, 2]"##,
            r##"ERR Call to function "cidrsubnet" failed: invalid CIDR expression: invalid CIDR address: 10.0.0.0/x."##,
        ),
        ("cidrnetmask", r##"["10.0.0.0/8"]"##, r##""255.0.0.0""##),
        (
            "cidrnetmask",
            r##"["fd00::/8"]"##,
            r##"ERR Call to function "cidrnetmask" failed: IPv6 addresses cannot have a netmask: fd00::/8."##,
        ),
        (
            "cidrsubnets",
            r##"["10.0.0.0/8", 4, 8, 4]"##,
            r##"["10.0.0.0/12","10.16.0.0/16","10.32.0.0/12"]"##,
        ),
        (
            "cidrsubnets",
            r##"["10.0.0.0/30", 1, 1, 1]"##,
            r##"ERR Invalid value for "newbits" parameter: not enough remaining address space for a subnet with a prefix of 31 bits after 10.0.0.2/31."##,
        ),
        (
            "cidrsubnets",
            r##"["10.0.0.0/8", 30]"##,
            r##"ERR Invalid value for "newbits" parameter: would extend prefix to 38 bits, which is too long for an IPv4 address."##,
        ),
    ]);
}

#[test]
fn typeconv() {
    check(&[
        (
            "tostring",
            r##"[[1]]"##,
            r##"ERR Invalid value for "v" parameter: cannot convert tuple to string."##,
        ),
        (
            "tonumber",
            r##"["x"]"##,
            r##"ERR Invalid value for "v" parameter: cannot convert "x" to number; given string must be a decimal representation of a number."##,
        ),
        (
            "tonumber",
            r##"[" 1"]"##,
            r##"ERR Invalid value for "v" parameter: cannot convert " 1" to number"##,
        ),
        (
            "tobool",
            r##"["yes"]"##,
            r##"ERR Invalid value for "v" parameter: cannot convert "yes" to bool; only the strings "true" or "false" are allowed."##,
        ),
        (
            "tobool",
            r##"[1]"##,
            r##"ERR Invalid value for "v" parameter: cannot convert number to bool."##,
        ),
        ("tostring", r##"[null]"##, "null"),
        ("tostring", r##"[true]"##, r##""true""##),
        (
            "tolist",
            r##"[{"a":1}]"##,
            r##"ERR Invalid value for "v" parameter: cannot convert object to list of any single type."##,
        ),
        (
            "tomap",
            r##"[["a"]]"##,
            r##"ERR Invalid value for "v" parameter: cannot convert tuple to map of any single type."##,
        ),
        ("toset", r##"[[1,"a"]]"##, r##"["1","a"]"##),
        ("tolist", r##"[[1,"a"]]"##, r##"["1","a"]"##),
        ("nonsensitive", r##"["a"]"##, r##""a""##),
        ("ephemeralasnull", r##"["a"]"##, r##""a""##),
        ("type", r##"[1]"##, r##""number""##),
    ]);
}

#[test]
fn sensitive_conversion_failure_is_not_disclosed() {
    use crate::value::{Mark, Value};
    let t = super::FunctionTable::builtin();
    let err = t
        .call(
            "tonumber",
            vec![Value::string("x").mark(Mark::Sensitive)],
            &super::CallContext::default(),
        )
        .err()
        .map(|e| e.message);
    assert_eq!(
        err.as_deref(),
        Some("Invalid value for \"v\" parameter: cannot convert this sensitive string to number.")
    );
}

#[test]
fn rsadecrypt() {
    let key = include_str!("testdata/key.pem");
    let ct = include_str!("testdata/ct.b64").trim();
    let args = serde_json::to_string(&[ct, key]).unwrap_or_default();
    assert_eq!(run("rsadecrypt", &args), "\"hello\"");
    let args = serde_json::to_string(&["!!", key]).unwrap_or_default();
    assert_eq!(
        run("rsadecrypt", &args),
        "ERR Invalid value for \"ciphertext\" parameter: failed to decode input \"!!\": cipher text must be base64-encoded."
    );
    let args = serde_json::to_string(&[ct, "nope"]).unwrap_or_default();
    assert_eq!(
        run("rsadecrypt", &args),
        "ERR Invalid value for \"privatekey\" parameter: invalid private key: ssh: no key found."
    );
    let args = serde_json::to_string(&["aGk=", key]).unwrap_or_default();
    assert_eq!(
        run("rsadecrypt", &args),
        "ERR Call to function \"rsadecrypt\" failed: failed to decrypt: crypto/rsa: decryption error."
    );
}

/// Inputs at the edges of each function's domain give errors or results, never panics.
#[test]
fn edges_never_panic() {
    for (name, args) in [
        ("cidrhost", r#"["fd00::1/128", 0]"#),
        ("cidrsubnet", r#"["fd00::/127", 1, 1]"#),
        ("cidrsubnets", r#"["fd00::/0", 128]"#),
        ("cidrnetmask", r#"["10.0.0.1/32"]"#),
        ("cidrhost", r#"["0.0.0.0/0", 4294967295]"#),
        ("formatdate", r#"["YYYY", "éé20-01-01T00:00:00Z"]"#),
        ("timeadd", r#"["2020-01-01T00:00:00Z", "99999999999999h"]"#),
        ("format", r#"["%99999999999d", 1]"#),
        ("format", r#"["%[0]d", 1]"#),
        ("format", r#"["%[", 1]"#),
        ("format", r#"["%.", 1]"#),
        ("format", r#"["%é", 1]"#),
        ("indent", r#"[1e12, "a\nb"]"#),
        ("range", r#"[0, 1, 1e-300]"#),
        ("substr", r#"["abc", 1e30, 1]"#),
        ("element", r#"[[1], -9223372036854775808]"#),
        ("parseint", r#"["", 10]"#),
        ("parseint", r#"["-", 10]"#),
        ("regex", r#"["a{99999}{99999}", "a"]"#),
        (
            "setproduct",
            r#"[[1,2,3,4,5,6,7,8,9,10],[1,2,3,4,5,6,7,8,9,10],[1,2,3,4,5,6,7,8,9,10],[1,2,3,4,5,6,7,8,9,10],[1,2,3,4,5,6,7,8,9,10],[1,2,3,4,5,6,7,8,9,10],[1,2,3,4,5,6,7,8,9,10]]"#,
        ),
        ("yamldecode", r#"["a: &a [*a]"]"#),
        ("csvdecode", r#"["\"unterminated"]"#),
        ("textdecodebase64", r#"["AA==", "UTF-16LE"]"#),
        ("base64decode", r#"["a"]"#),
        ("chunklist", r#"[[1], 1e30]"#),
        ("slice", r#"[[1], 1e30, 1e31]"#),
    ] {
        let _ = run(name, args);
    }
    assert_eq!(run("cidrhost", r#"["fd00::1/128", 0]"#), r#""fd00::1""#);
    assert_eq!(
        run("cidrnetmask", r#"["10.0.0.1/32"]"#),
        r#""255.255.255.255""#
    );
}
