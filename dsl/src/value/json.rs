//! JSON: values printed exactly as `terraform output -json` prints them (Go's encoding/json
//! escaping and indentation, numbers in full precision), JSON decoded as `jsondecode` does
//! (objects become objects, arrays tuples, numbers exact), and types in Terraform's JSON form
//! (`"string"`, `["list","string"]`, `["object",{"a":"number"}]`).

use std::collections::BTreeMap;

use super::number::Number;
use super::types::Type;
use super::value::{Value, ValueKind};

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum JsonError {
    #[error("value is not known")]
    Unknown,
    #[error("cannot serialize infinity as JSON")]
    Infinity,
    #[error("{0}")]
    Syntax(String),
    #[error("invalid type specification: {0}")]
    Type(String),
}

/// A JSON document tree, kept private so that printing follows Go's rules in one place.
enum Json {
    Null,
    Bool(bool),
    Number(String),
    String(String),
    Array(Vec<Json>),
    Object(Vec<(String, Json)>),
}

/// A value as compact JSON, as `jsonencode` (cty's JSON marshalling) prints it: `-0` stays
/// `-0`. Marks are ignored; unknown values and infinities are errors.
pub fn to_json(value: &Value) -> Result<String, JsonError> {
    let mut out = String::new();
    write_compact(&value_json(value, false)?, &mut out);
    Ok(out)
}

/// A value as `terraform output -json` prints it: indented two spaces per level (Go's
/// `MarshalIndent`), and `-0` printed as `0`. `depth` is the indentation level the value starts
/// at (for embedding in a larger document).
pub fn to_json_pretty(value: &Value, depth: usize) -> Result<String, JsonError> {
    let mut out = String::new();
    write_pretty(&value_json(value, true)?, depth, &mut out);
    Ok(out)
}

/// A type in Terraform's JSON form, compact.
pub fn type_to_json(ty: &Type) -> String {
    let mut out = String::new();
    write_compact(&type_json(ty), &mut out);
    out
}

/// A type in Terraform's JSON form, indented as `terraform output -json` prints it.
pub fn type_to_json_pretty(ty: &Type, depth: usize) -> String {
    let mut out = String::new();
    write_pretty(&type_json(ty), depth, &mut out);
    out
}

fn value_json(value: &Value, plain_zero: bool) -> Result<Json, JsonError> {
    let recurse = |v: &Value| value_json(v, plain_zero);
    Ok(match value.kind() {
        ValueKind::Unknown => return Err(JsonError::Unknown),
        ValueKind::Null => Json::Null,
        ValueKind::Bool(b) => Json::Bool(*b),
        ValueKind::Number(n) => {
            if n.is_infinite() {
                return Err(JsonError::Infinity);
            }
            let text = n.to_text();
            Json::Number(if plain_zero && text == "-0" {
                "0".to_string()
            } else {
                text
            })
        }
        ValueKind::String(s) => Json::String(s.clone()),
        ValueKind::List(es) | ValueKind::Set(es) | ValueKind::Tuple(es) => {
            Json::Array(es.iter().map(recurse).collect::<Result<_, _>>()?)
        }
        ValueKind::Map(m) | ValueKind::Object(m) => Json::Object(
            m.iter()
                .map(|(k, v)| Ok((k.clone(), recurse(v)?)))
                .collect::<Result<_, JsonError>>()?,
        ),
    })
}

fn type_json(ty: &Type) -> Json {
    let s = |x: &str| Json::String(x.to_string());
    match ty {
        Type::String => s("string"),
        Type::Number => s("number"),
        Type::Bool => s("bool"),
        Type::Dynamic => s("dynamic"),
        Type::List(e) => Json::Array(vec![s("list"), type_json(e)]),
        Type::Set(e) => Json::Array(vec![s("set"), type_json(e)]),
        Type::Map(e) => Json::Array(vec![s("map"), type_json(e)]),
        Type::Tuple(es) => Json::Array(vec![
            s("tuple"),
            Json::Array(es.iter().map(type_json).collect()),
        ]),
        Type::Object(attrs) => Json::Array(vec![
            s("object"),
            Json::Object(
                attrs
                    .iter()
                    .map(|(k, t)| (k.clone(), type_json(t)))
                    .collect(),
            ),
        ]),
    }
}

fn write_compact(j: &Json, out: &mut String) {
    match j {
        Json::Null => out.push_str("null"),
        Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Json::Number(n) => out.push_str(n),
        Json::String(s) => write_string(s, out),
        Json::Array(es) => {
            out.push('[');
            for (i, e) in es.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_compact(e, out);
            }
            out.push(']');
        }
        Json::Object(m) => {
            out.push('{');
            for (i, (k, v)) in m.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(k, out);
                out.push(':');
                write_compact(v, out);
            }
            out.push('}');
        }
    }
}

fn newline(depth: usize, out: &mut String) {
    out.push('\n');
    for _ in 0..depth {
        out.push_str("  ");
    }
}

fn write_pretty(j: &Json, depth: usize, out: &mut String) {
    match j {
        Json::Array(es) if !es.is_empty() => {
            out.push('[');
            for (i, e) in es.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(depth + 1, out);
                write_pretty(e, depth + 1, out);
            }
            newline(depth, out);
            out.push(']');
        }
        Json::Object(m) if !m.is_empty() => {
            out.push('{');
            for (i, (k, v)) in m.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(depth + 1, out);
                write_string(k, out);
                out.push_str(": ");
                write_pretty(v, depth + 1, out);
            }
            newline(depth, out);
            out.push('}');
        }
        other => write_compact(other, out),
    }
}

/// A JSON string with Go's escaping: `<`, `>`, `&`, U+2028 and U+2029 as `\u` escapes.
pub fn write_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", c as u32))
            }
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Decodes JSON as `jsondecode` does: objects become objects, arrays tuples, numbers exact
/// (512-bit), `null` a null of unknown type.
pub fn from_json(text: &str) -> Result<Value, JsonError> {
    let parsed: serde_json::Value =
        serde_json::from_str(text).map_err(|e| JsonError::Syntax(e.to_string()))?;
    json_value(&parsed)
}

/// Decodes JSON and converts the result to `ty`.
pub fn from_json_typed(text: &str, ty: &Type) -> Result<Value, JsonError> {
    let parsed: serde_json::Value =
        serde_json::from_str(text).map_err(|e| JsonError::Syntax(e.to_string()))?;
    // The common case (a value this module wrote with this type) is read straight into the
    // type, sharing its parts; anything else goes through the general conversion.
    if let Some(v) = typed_value(&parsed, ty, &mut SharedStrings::default()) {
        return Ok(v);
    }
    let v = json_value(&parsed)?;
    super::convert::convert(&v, ty).map_err(|e| JsonError::Syntax(e.to_string()))
}

/// The long strings already read from one document: a text that comes back (an attribute
/// copied into another, as `input` and `output`, or `tags` and `tags_all`) shares one value.
#[derive(Default)]
struct SharedStrings<'a>(std::collections::HashMap<&'a str, Value>);

impl<'a> SharedStrings<'a> {
    /// Shorter strings cost less than the lookup saves.
    const MIN_LEN: usize = 32;

    fn string(&mut self, s: &'a str) -> Value {
        if s.len() < Self::MIN_LEN {
            return Value::string(s);
        }
        self.0.entry(s).or_insert_with(|| Value::string(s)).clone()
    }
}

/// `j` read as a value of type `ty` exactly, or `None` where it does not fit that type as it
/// stands (a dynamic part, a number in a string, a missing attribute ...).
fn typed_value<'a>(
    j: &'a serde_json::Value,
    ty: &Type,
    strings: &mut SharedStrings<'a>,
) -> Option<Value> {
    use serde_json::Value as J;
    match (j, ty) {
        (J::Null, _) => Some(Value::null(ty.clone())),
        (J::Bool(b), Type::Bool) => Some(Value::bool(*b)),
        (J::Number(n), Type::Number) => Number::parse(&n.to_string()).ok().map(Value::number),
        (J::String(s), Type::String) => Some(strings.string(s)),
        (J::Array(es), Type::List(ety)) => {
            let elems = es
                .iter()
                .map(|e| typed_value(e, ety, strings))
                .collect::<Option<_>>()?;
            Value::of_type(ty, ValueKind::List(elems))
        }
        (J::Array(es), Type::Set(ety)) => {
            let elems = es
                .iter()
                .map(|e| typed_value(e, ety, strings))
                .collect::<Option<_>>()?;
            Value::set((**ety).clone(), elems).ok()
        }
        (J::Array(es), Type::Tuple(etys)) if es.len() == etys.len() => {
            let elems = es
                .iter()
                .zip(etys.iter())
                .map(|(e, t)| typed_value(e, t, strings))
                .collect::<Option<_>>()?;
            Value::of_type(ty, ValueKind::Tuple(elems))
        }
        (J::Object(m), Type::Map(ety)) => {
            let elems = m
                .iter()
                .map(|(k, e)| Some((k.clone(), typed_value(e, ety, strings)?)))
                .collect::<Option<_>>()?;
            Value::of_type(ty, ValueKind::Map(elems))
        }
        (J::Object(m), Type::Object(atys)) if m.len() == atys.len() => {
            let attrs = atys
                .iter()
                .map(|(k, t)| Some((k.clone(), typed_value(m.get(k)?, t, strings)?)))
                .collect::<Option<_>>()?;
            Value::of_type(ty, ValueKind::Object(attrs))
        }
        _ => None,
    }
}

fn json_value(j: &serde_json::Value) -> Result<Value, JsonError> {
    Ok(match j {
        serde_json::Value::Null => Value::null(Type::Dynamic),
        serde_json::Value::Bool(b) => Value::bool(*b),
        serde_json::Value::Number(n) => {
            let text = n.to_string();
            Value::number(
                Number::parse(&text).map_err(|e| JsonError::Syntax(format!("{e}: {text}")))?,
            )
        }
        serde_json::Value::String(s) => Value::string(s),
        serde_json::Value::Array(es) => {
            Value::tuple(es.iter().map(json_value).collect::<Result<_, _>>()?)
        }
        serde_json::Value::Object(m) => {
            let attrs: BTreeMap<String, Value> = m
                .iter()
                .map(|(k, v)| Ok((k.clone(), json_value(v)?)))
                .collect::<Result<_, JsonError>>()?;
            Value::object(attrs)
        }
    })
}

/// Reads a type in Terraform's JSON form.
pub fn type_from_json(text: &str) -> Result<Type, JsonError> {
    let parsed: serde_json::Value =
        serde_json::from_str(text).map_err(|e| JsonError::Syntax(e.to_string()))?;
    json_type(&parsed)
}

fn json_type(j: &serde_json::Value) -> Result<Type, JsonError> {
    use serde_json::Value as J;
    let bad = || JsonError::Type(j.to_string());
    match j {
        J::String(s) => match s.as_str() {
            "string" => Ok(Type::String),
            "number" => Ok(Type::Number),
            "bool" => Ok(Type::Bool),
            "dynamic" => Ok(Type::Dynamic),
            _ => Err(bad()),
        },
        J::Array(parts) => match parts.as_slice() {
            [J::String(kind), inner] => match (kind.as_str(), inner) {
                ("list", e) => Ok(Type::list(json_type(e)?)),
                ("set", e) => Ok(Type::set(json_type(e)?)),
                ("map", e) => Ok(Type::map(json_type(e)?)),
                ("tuple", J::Array(es)) => Ok(Type::tuple(
                    es.iter().map(json_type).collect::<Result<_, _>>()?,
                )),
                ("object", J::Object(attrs)) => Ok(Type::object_of(
                    attrs
                        .iter()
                        .map(|(k, t)| Ok((k.clone(), json_type(t)?)))
                        .collect::<Result<_, JsonError>>()?,
                )),
                _ => Err(bad()),
            },
            _ => Err(bad()),
        },
        _ => Err(bad()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_escape_as_go() {
        let v = Value::string("<&> \u{2028} \t é \u{1} \"q\" \\ / ☃ 😀");
        assert_eq!(
            to_json(&v).unwrap(),
            r#""\u003c\u0026\u003e \u2028 \t é \u0001 \"q\" \\ / ☃ 😀""#
        );
    }

    #[test]
    fn values_and_types_pretty() {
        let v = Value::tuple(vec![
            Value::tuple(vec![]),
            Value::object(BTreeMap::new()),
            Value::tuple(vec![Value::tuple(vec![])]),
            Value::map(Type::Dynamic, BTreeMap::new()).unwrap(),
            Value::null(Type::Dynamic),
        ]);
        assert_eq!(
            to_json_pretty(&v, 2).unwrap(),
            "[\n      [],\n      {},\n      [\n        []\n      ],\n      {},\n      null\n    ]"
        );
        assert_eq!(
            type_to_json(v.ty()),
            r#"["tuple",[["tuple",[]],["object",{}],["tuple",[["tuple",[]]]],["map","dynamic"],"dynamic"]]"#
        );
        let t = Type::object([("b", Type::Number), ("a", Type::list(Type::String))]);
        assert_eq!(
            type_to_json(&t),
            r#"["object",{"a":["list","string"],"b":"number"}]"#
        );
        assert_eq!(type_from_json(&type_to_json(&t)).unwrap(), t);
        assert_eq!(
            type_to_json_pretty(&Type::list(Type::String), 0),
            "[\n  \"list\",\n  \"string\"\n]"
        );
    }

    #[test]
    fn numbers() {
        let n = |s: &str| Value::number(Number::parse(s).unwrap());
        // Terraform: jsonencode(-0) is "-0", but `output -json` prints 0.
        assert_eq!(to_json(&n("-0")).unwrap(), "-0");
        assert_eq!(
            to_json_pretty(&Value::tuple(vec![n("-0")]), 0).unwrap(),
            "[\n  0\n]"
        );
        let third = Number::parse("1")
            .unwrap()
            .div(&Number::parse("3").unwrap())
            .unwrap();
        assert_eq!(to_json(&Value::number(third)).unwrap().len(), 157);
        assert_eq!(
            to_json(&n("1e30")).unwrap(),
            "1000000000000000000000000000000"
        );
        assert_eq!(
            to_json(&n("inf")).unwrap_err().to_string(),
            "cannot serialize infinity as JSON"
        );
        assert_eq!(
            to_json(&Value::unknown(Type::String)).unwrap_err(),
            JsonError::Unknown
        );
    }

    /// `jsonencode({b = [1, "x", null, true], a = 1e30, c = "\u0008\u000c<>&\u2029"})` in
    /// Terraform 1.15.5.
    #[test]
    fn jsonencode_like_terraform() {
        let v = Value::object_from([
            (
                "b",
                Value::tuple(vec![
                    Value::int(1),
                    Value::string("x"),
                    Value::null(Type::Dynamic),
                    Value::bool(true),
                ]),
            ),
            ("a", Value::number(Number::parse("1e30").unwrap())),
            ("c", Value::string("\u{8}\u{c}<>&\u{2029}")),
        ]);
        assert_eq!(
            to_json(&v).unwrap(),
            r#"{"a":1000000000000000000000000000000,"b":[1,"x",null,true],"c":"\b\f\u003c\u003e\u0026\u2029"}"#
        );
        let m = Value::map(
            Type::Number,
            [("z", 1), ("é", 2), ("A", 3)]
                .map(|(k, v)| (k.to_string(), Value::int(v)))
                .into_iter()
                .collect(),
        )
        .unwrap();
        assert_eq!(to_json(&m).unwrap(), r#"{"A":3,"z":1,"é":2}"#);
        // Duplicate keys in jsondecode: the last one wins.
        assert_eq!(
            to_json(&from_json(r#"{"a":1,"a":2}"#).unwrap()).unwrap(),
            r#"{"a":2}"#
        );
    }

    #[test]
    fn decode() {
        let v =
            from_json(r#"{"b": [1, "x", true, null], "a": 12345678901234567890123.5}"#).unwrap();
        let a = v.get_attr("a").unwrap().as_number().unwrap().to_text();
        assert_eq!(a, "12345678901234567890123.5");
        let b = v.get_attr("b").unwrap();
        assert!(b.ty().is_tuple());
        assert_eq!(b.length(), Some(4));
        assert_eq!(
            to_json(&v).unwrap(),
            r#"{"a":12345678901234567890123.5,"b":[1,"x",true,null]}"#
        );
        assert!(from_json("{").is_err());
        let typed = from_json_typed("[1, 2]", &Type::list(Type::String)).unwrap();
        assert_eq!(typed.ty(), &Type::list(Type::String));
    }
}

#[cfg(test)]
mod round_trip {
    use super::*;
    use proptest::prelude::*;

    fn arb_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            any::<bool>().prop_map(Value::bool),
            any::<i64>().prop_map(Value::int),
            (any::<i32>(), 1u32..1000).prop_map(|(a, b)| {
                let q = Number::from_i64(i64::from(a)).div(&Number::from_i64(i64::from(b)));
                Value::number(q.unwrap_or_else(|_| Number::zero()))
            }),
            "\\PC{0,8}".prop_map(Value::string),
        ];
        leaf.prop_recursive(3, 24, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::tuple),
                prop::collection::btree_map("\\PC{0,4}", inner, 0..4).prop_map(Value::object),
            ]
        })
    }

    fn arb_type() -> impl Strategy<Value = Type> {
        let leaf = prop_oneof![
            Just(Type::String),
            Just(Type::Number),
            Just(Type::Bool),
            Just(Type::Dynamic)
        ];
        leaf.prop_recursive(3, 16, 3, |inner| {
            prop_oneof![
                inner.clone().prop_map(Type::list),
                inner.clone().prop_map(Type::set),
                inner.clone().prop_map(Type::map),
                prop::collection::vec(inner.clone(), 0..3).prop_map(Type::tuple),
                prop::collection::btree_map("[a-z]{1,3}", inner, 0..3).prop_map(Type::object_of),
            ]
        })
    }

    proptest! {
        #[test]
        fn values_round_trip(v in arb_value()) {
            let text = to_json(&v).unwrap();
            let back = from_json(&text).unwrap();
            prop_assert_eq!(back.equals(&v).as_bool(), Some(true));
            prop_assert_eq!(to_json(&back).unwrap(), text);
            let pretty = to_json_pretty(&v, 0).unwrap();
            let reparsed: serde_json::Value = serde_json::from_str(&pretty).unwrap();
            let compact: serde_json::Value = serde_json::from_str(&to_json(&v).unwrap()).unwrap();
            prop_assert_eq!(reparsed, compact);
            let _ = v.to_string();
        }

        #[test]
        fn types_round_trip(t in arb_type()) {
            prop_assert_eq!(type_from_json(&type_to_json(&t)).unwrap(), t.clone());
            let _ = t.console_string();
        }
    }
}
