//! Text forms of state data shared by every backend and by the Terraform v4 format: a value
//! as its JSON plus its type's JSON (so it reads back exactly), sensitive paths in Terraform's
//! `sensitive_attributes` form, and index keys as JSON.

use terrane_dsl::value::json::{
    from_json, from_json_typed, type_from_json, write_string, JsonError,
};
use terrane_dsl::value::{Path, PathStep, Type, Value, ValueKind};

use crate::error::{Result, StateError};
use crate::record::IndexKey;

fn value_error(context: &str, message: impl ToString) -> StateError {
    StateError::Value {
        context: context.to_string(),
        message: message.to_string(),
    }
}

/// A value as `(JSON, type JSON)`. Marks are not kept (sensitivity is stored as paths);
/// unknown values cannot be stored.
pub fn encode_value(value: &Value, context: &str) -> Result<(String, String)> {
    let mut json = String::new();
    write_value(value, &mut json).map_err(|e| value_error(context, e))?;
    let mut ty = String::new();
    write_type(value.ty(), &mut ty);
    Ok((json, ty))
}

/// Appends `value` as compact JSON: the text `terrane_dsl`'s `to_json` gives (the stored
/// digests depend on it), written straight into `out` without building a document tree first
/// (this is on the path of every state write).
pub fn write_value(value: &Value, out: &mut String) -> std::result::Result<(), JsonError> {
    match value.kind() {
        ValueKind::Unknown => return Err(JsonError::Unknown),
        ValueKind::Null => out.push_str("null"),
        ValueKind::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        ValueKind::Number(n) => {
            if n.is_infinite() {
                return Err(JsonError::Infinity);
            }
            out.push_str(&n.to_text());
        }
        ValueKind::String(s) => write_str(s, out),
        ValueKind::List(es) | ValueKind::Set(es) | ValueKind::Tuple(es) => {
            out.push('[');
            for (i, e) in es.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(e, out)?;
            }
            out.push(']');
        }
        ValueKind::Map(m) | ValueKind::Object(m) => {
            out.push('{');
            for (i, (k, v)) in m.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_str(k, out);
                out.push(':');
                write_value(v, out)?;
            }
            out.push('}');
        }
    }
    Ok(())
}

/// Appends `s` as a JSON string, as `terrane_dsl`'s `write_string` does (escaping `<`, `>`
/// and `&` as Go does), copying it whole when it has nothing to escape.
fn write_str(s: &str, out: &mut String) {
    let plain = s
        .bytes()
        .all(|b| (0x20..0x7f).contains(&b) && !matches!(b, b'"' | b'\\' | b'<' | b'>' | b'&'));
    if plain {
        out.reserve(s.len() + 2);
        out.push('"');
        out.push_str(s);
        out.push('"');
    } else {
        write_string(s, out);
    }
}

/// Appends `ty` in Terraform's compact JSON form, as `terrane_dsl`'s `type_to_json` writes it.
pub fn write_type(ty: &Type, out: &mut String) {
    let wrapped = |kind: &str, e: &Type, out: &mut String| {
        out.push_str("[\"");
        out.push_str(kind);
        out.push_str("\",");
        write_type(e, out);
        out.push(']');
    };
    match ty {
        Type::String => out.push_str("\"string\""),
        Type::Number => out.push_str("\"number\""),
        Type::Bool => out.push_str("\"bool\""),
        Type::Dynamic => out.push_str("\"dynamic\""),
        Type::List(e) => wrapped("list", e, out),
        Type::Set(e) => wrapped("set", e, out),
        Type::Map(e) => wrapped("map", e, out),
        Type::Tuple(es) => {
            out.push_str("[\"tuple\",[");
            for (i, e) in es.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_type(e, out);
            }
            out.push_str("]]");
        }
        Type::Object(attrs) => {
            out.push_str("[\"object\",{");
            for (i, (k, t)) in attrs.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_str(k, out);
                out.push(':');
                write_type(t, out);
            }
            out.push_str("}]");
        }
    }
}

/// The value [`encode_value`] encoded.
pub fn decode_value(json: &str, type_json: &str, context: &str) -> Result<Value> {
    let ty = type_from_json(type_json).map_err(|e| value_error(context, e))?;
    from_json_typed(json, &ty).map_err(|e| value_error(context, e))
}

/// Parsed types by their JSON text: the records of one resource type share a few types, so a
/// reader that decodes many records parses each type once.
#[derive(Default)]
pub struct TypeCache {
    types: std::collections::HashMap<String, terrane_dsl::value::Type>,
}

impl TypeCache {
    /// Decodes a value as [`decode_value`] does, parsing its type at most once per cache.
    pub fn decode_value(&mut self, json: &str, type_json: &str, context: &str) -> Result<Value> {
        if !self.types.contains_key(type_json) {
            let ty = type_from_json(type_json).map_err(|e| value_error(context, e))?;
            self.types.insert(type_json.to_string(), ty);
        }
        let ty = &self.types[type_json];
        from_json_typed(json, ty).map_err(|e| value_error(context, e))
    }
}

/// A value from JSON with no type: objects become objects, arrays tuples (as Terraform's
/// `jsondecode`). Used for states imported from Terraform, whose attributes carry no type.
pub fn decode_untyped(json: &str, context: &str) -> Result<Value> {
    from_json(json).map_err(|e| value_error(context, e))
}

/// One path in Terraform's form: `[{"type":"get_attr","value":"a"},{"type":"index",
/// "value":{"value":0,"type":"number"}}]`.
pub fn path_to_json(path: &Path) -> Result<serde_json::Value> {
    let mut steps = Vec::with_capacity(path.0.len());
    for step in &path.0 {
        steps.push(match step {
            PathStep::GetAttr(name) => serde_json::json!({"type": "get_attr", "value": name}),
            PathStep::Index(key) => {
                let (v, t) = encode_value(key, "a sensitive path key")?;
                let v: serde_json::Value =
                    serde_json::from_str(&v).map_err(|e| value_error("a path key", e))?;
                let t: serde_json::Value =
                    serde_json::from_str(&t).map_err(|e| value_error("a path key", e))?;
                serde_json::json!({"type": "index", "value": {"value": v, "type": t}})
            }
        });
    }
    Ok(serde_json::Value::Array(steps))
}

/// A path from Terraform's form.
pub fn path_from_json(json: &serde_json::Value) -> Result<Path> {
    let bad = || value_error("a sensitive path", format!("unexpected step in {json}"));
    let steps = json.as_array().ok_or_else(bad)?;
    let mut path = Path::root();
    for step in steps {
        let kind = step.get("type").and_then(|t| t.as_str()).ok_or_else(bad)?;
        let value = step.get("value").ok_or_else(bad)?;
        path = match kind {
            "get_attr" => path.attr(value.as_str().ok_or_else(bad)?),
            "index" => {
                let v = value.get("value").ok_or_else(bad)?;
                let t = value.get("type").ok_or_else(bad)?;
                path.index(decode_value(
                    &v.to_string(),
                    &t.to_string(),
                    "a sensitive path key",
                )?)
            }
            _ => return Err(bad()),
        };
    }
    Ok(path)
}

/// Paths as a JSON array of paths (Terraform's `sensitive_attributes`).
pub fn paths_to_json(paths: &[Path]) -> Result<String> {
    if paths.is_empty() {
        return Ok("[]".to_string());
    }
    let list = paths.iter().map(path_to_json).collect::<Result<Vec<_>>>()?;
    Ok(serde_json::Value::Array(list).to_string())
}

/// Paths from [`paths_to_json`]'s form.
pub fn paths_from_json(text: &str) -> Result<Vec<Path>> {
    let json: serde_json::Value =
        serde_json::from_str(text).map_err(|e| value_error("sensitive paths", e))?;
    paths_from_value(&json)
}

/// Paths from a parsed `sensitive_attributes` array.
pub fn paths_from_value(json: &serde_json::Value) -> Result<Vec<Path>> {
    match json {
        serde_json::Value::Array(list) => list.iter().map(path_from_json).collect(),
        serde_json::Value::Null => Ok(Vec::new()),
        other => Err(value_error(
            "sensitive paths",
            format!("expected an array, found {other}"),
        )),
    }
}

/// An index key as JSON: a number or a string.
pub fn index_key_to_json(key: &IndexKey) -> serde_json::Value {
    match key {
        IndexKey::Int(i) => serde_json::Value::from(*i),
        IndexKey::String(s) => serde_json::Value::from(s.as_str()),
    }
}

/// An index key from JSON.
pub fn index_key_from_json(json: &serde_json::Value) -> Result<IndexKey> {
    match json {
        serde_json::Value::String(s) => Ok(IndexKey::String(s.clone())),
        serde_json::Value::Number(n) => n
            .as_i64()
            .map(IndexKey::Int)
            .ok_or_else(|| value_error("an index key", format!("{n} is not an integer"))),
        other => Err(value_error(
            "an index key",
            format!("expected a number or a string, found {other}"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use terrane_dsl::value::Number;

    #[test]
    fn values_keep_their_types() {
        let v = Value::object_from([
            (
                "l",
                Value::list(Type::String, vec![Value::string("a")]).unwrap(),
            ),
            (
                "s",
                Value::set(Type::Number, vec![Value::int(2), Value::int(1)]).unwrap(),
            ),
            ("n", Value::null(Type::map(Type::Bool))),
            ("d", Value::null(Type::Dynamic)),
        ]);
        let (j, t) = encode_value(&v, "x").unwrap();
        let back = decode_value(&j, &t, "x").unwrap();
        assert_eq!(back, v);
        assert_eq!(back.ty(), v.ty());
        assert!(encode_value(&Value::unknown(Type::String), "x").is_err());
        assert!(decode_value("[1]", "\"string\"", "x").is_err());
    }

    #[test]
    fn streaming_text_is_the_dsl_text() {
        use terrane_dsl::value::json::{to_json, type_to_json};
        let v = Value::object_from([
            ("s", Value::string("a\"b\\c\n<&>\u{2028}\u{1}é")),
            ("n", Value::int(-42)),
            ("f", Value::number(Number::parse("1.5e300").unwrap())),
            ("z", Value::number(Number::from_f64(-0.0).unwrap())),
            ("b", Value::bool(true)),
            ("e", Value::list(Type::String, vec![]).unwrap()),
            (
                "m",
                Value::map(Type::Number, [("k".to_string(), Value::int(1))].into()).unwrap(),
            ),
            (
                "t",
                Value::tuple(vec![Value::string("x"), Value::null(Type::Dynamic)]),
            ),
            (
                "o",
                Value::null(Type::object([("a", Type::set(Type::Bool))])),
            ),
        ]);
        let (j, t) = encode_value(&v, "x").unwrap();
        assert_eq!(j, to_json(&v).unwrap());
        assert_eq!(t, type_to_json(v.ty()));
    }

    #[test]
    fn paths_in_terraform_form() {
        let paths = vec![
            Path::root().attr("input").attr("pw"),
            Path::root().attr("tags").index_str("k").index_int(3),
        ];
        let text = paths_to_json(&paths).unwrap();
        assert_eq!(
            text,
            r#"[[{"type":"get_attr","value":"input"},{"type":"get_attr","value":"pw"}],[{"type":"get_attr","value":"tags"},{"type":"index","value":{"type":"string","value":"k"}},{"type":"index","value":{"type":"number","value":3}}]]"#
        );
        assert_eq!(paths_from_json(&text).unwrap(), paths);
        assert!(paths_from_json(r#"[[{"type":"what","value":1}]]"#).is_err());
    }
}
