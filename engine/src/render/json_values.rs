//! Values in Terraform's JSON output format: the value itself (unknown attributes left out,
//! unknown elements as null), and the shadow documents that say which parts are unknown
//! (`after_unknown`) or sensitive (`before_sensitive`, `after_sensitive`): `true` where the
//! part is, objects listing only the parts that are, lists one entry per element.

use serde_json::{Map, Value as Json};
use terrane_dsl::value::{Mark, Value, ValueKind};

/// A number as JSON: exact when it is a 64-bit integer, else the nearest double.
fn number(v: &Value) -> Json {
    let Some(n) = v.as_number() else {
        return Json::Null;
    };
    if let Some(i) = n.to_i64() {
        return Json::from(i);
    }
    serde_json::Number::from_f64(n.to_f64()).map_or(Json::Null, Json::Number)
}

/// The value as JSON; marks are ignored (sensitivity is said by [`sensitive`]).
pub fn value(v: &Value) -> Json {
    match v.kind() {
        ValueKind::Null | ValueKind::Unknown => Json::Null,
        ValueKind::Bool(b) => Json::Bool(*b),
        ValueKind::Number(_) => number(v),
        ValueKind::String(s) => Json::String(s.clone()),
        ValueKind::List(es) | ValueKind::Set(es) | ValueKind::Tuple(es) => {
            Json::Array(es.iter().map(value).collect())
        }
        ValueKind::Map(m) | ValueKind::Object(m) => Json::Object(
            m.iter()
                .filter(|(_, e)| e.is_known())
                .map(|(k, e)| (k.clone(), value(e)))
                .collect(),
        ),
    }
}

/// An optional value as JSON (`None`: null).
pub fn opt_value(v: Option<&Value>) -> Json {
    v.map_or(Json::Null, value)
}

/// The shadow document of `v`: `true` where `hit` holds (the part is not looked into),
/// objects of the parts that are not `false`, lists of one entry per element.
fn shadow(v: &Value, hit: &dyn Fn(&Value) -> bool) -> Json {
    if hit(v) {
        return Json::Bool(true);
    }
    match v.kind() {
        ValueKind::List(es) | ValueKind::Set(es) | ValueKind::Tuple(es) => {
            Json::Array(es.iter().map(|e| shadow(e, hit)).collect())
        }
        ValueKind::Map(m) | ValueKind::Object(m) => {
            let mut out = Map::new();
            for (k, e) in m {
                let s = shadow(e, hit);
                if s != Json::Bool(false) {
                    out.insert(k.clone(), s);
                }
            }
            Json::Object(out)
        }
        ValueKind::Unknown if !v.ty().is_primitive() => empty_of(v),
        _ => Json::Bool(false),
    }
}

/// The empty shadow of an unknown collection: `[]` for sequences, `{}` otherwise.
fn empty_of(v: &Value) -> Json {
    let t = v.ty();
    if t.is_list() || t.is_set() || t.is_tuple() {
        Json::Array(Vec::new())
    } else {
        Json::Object(Map::new())
    }
}

/// `after_unknown`.
pub fn unknown(v: Option<&Value>) -> Json {
    match v {
        None => Json::Object(Map::new()),
        Some(v) => shadow(v, &|x: &Value| !x.is_known()),
    }
}

/// `before_sensitive` / `after_sensitive` / `sensitive_values`.
pub fn sensitive(v: Option<&Value>) -> Json {
    match v {
        None => Json::Bool(false),
        Some(v) => {
            let s = shadow(v, &|x: &Value| x.has_mark(&Mark::Sensitive));
            match (&s, v.kind()) {
                // An unknown object is `{}` in the sensitivity document only.
                (Json::Bool(false), ValueKind::Unknown) if !v.ty().is_primitive() => empty_of(v),
                _ => s,
            }
        }
    }
}

/// `after_unknown` of an output: `true` when it is not wholly known... as Terraform, `true`
/// only when the whole value is unknown, else the shadow document.
pub fn output_unknown(v: Option<&Value>) -> Json {
    match v {
        None => Json::Bool(false),
        Some(v) if v.ty().is_primitive() || !v.is_known() => Json::Bool(!v.is_known()),
        Some(v) => shadow(v, &|x: &Value| !x.is_known()),
    }
}

/// A path as Terraform's `replace_paths` entry: attribute names and keys as strings, indexes
/// as numbers.
pub fn path(p: &terrane_dsl::value::Path) -> Json {
    use terrane_dsl::value::PathStep;
    Json::Array(
        p.0.iter()
            .map(|s| match s {
                PathStep::GetAttr(n) => Json::String(n.clone()),
                PathStep::Index(k) => value(k),
            })
            .collect(),
    )
}
