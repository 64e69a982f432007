//! The value codec of saved plans: a value as its type's JSON, its content as JSON (unknowns
//! written as null, numbers as strings so that they keep their precision), the positions of
//! its unknown parts and the paths of its marks. Decoding is directed by the type, so a value
//! reads back exactly, unknowns and marks included.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Value as Json};
use terrane_dsl::value::json::{type_from_json, type_to_json};
use terrane_dsl::value::{Mark, Number, PathMarks, Type, Value, ValueKind};

/// One step of a position: an attribute or map key, or an element's index in a list, tuple
/// or set (in the set's order).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Step {
    Key(String),
    Pos(usize),
}

fn step_json(s: &Step) -> Json {
    match s {
        Step::Key(k) => Json::from(k.as_str()),
        Step::Pos(i) => Json::from(*i),
    }
}

fn step_from(j: &Json) -> Result<Step, String> {
    match j {
        Json::String(s) => Ok(Step::Key(s.clone())),
        Json::Number(n) => n
            .as_u64()
            .map(|i| Step::Pos(i as usize))
            .ok_or_else(|| format!("bad position step {n}")),
        other => Err(format!("bad position step {other}")),
    }
}

fn mark_name(m: &Mark) -> String {
    match m {
        Mark::Sensitive => "sensitive".into(),
        Mark::Ephemeral => "ephemeral".into(),
        Mark::Other(s) => format!("other:{s}"),
    }
}

fn mark_from(s: &str) -> Mark {
    match s {
        "sensitive" => Mark::Sensitive,
        "ephemeral" => Mark::Ephemeral,
        other => Mark::Other(other.trim_start_matches("other:").to_string()),
    }
}

/// Encodes a value (marks and unknowns included).
pub fn encode(value: &Value) -> Result<Json, String> {
    let (plain, marks) = value.clone().unmark_deep_with_paths();
    let mut unknown = Vec::new();
    let content = content(&plain, &mut Vec::new(), &mut unknown);
    let ty: Json = serde_json::from_str(&type_to_json(plain.ty())).map_err(|e| e.to_string())?;
    let mut marked = Vec::new();
    for pm in &marks {
        let path = terrane_state::codec::path_to_json(&pm.path).map_err(|e| e.to_string())?;
        let names: Vec<String> = pm.marks.iter().map(mark_name).collect();
        marked.push(json!({"path": path, "marks": names}));
    }
    let mut out = serde_json::Map::new();
    out.insert("type".into(), ty);
    out.insert("value".into(), content);
    if !unknown.is_empty() {
        let list = unknown
            .iter()
            .map(|p: &Vec<Step>| Json::Array(p.iter().map(step_json).collect()))
            .collect();
        out.insert("unknown".into(), Json::Array(list));
    }
    if !marked.is_empty() {
        out.insert("marks".into(), Json::Array(marked));
    }
    Ok(Json::Object(out))
}

fn content(v: &Value, here: &mut Vec<Step>, unknown: &mut Vec<Vec<Step>>) -> Json {
    let seq = |es: &[Value], here: &mut Vec<Step>, unknown: &mut Vec<Vec<Step>>| {
        let mut out = Vec::with_capacity(es.len());
        for (i, e) in es.iter().enumerate() {
            here.push(Step::Pos(i));
            out.push(content(e, here, unknown));
            here.pop();
        }
        Json::Array(out)
    };
    match v.kind() {
        ValueKind::Unknown => {
            unknown.push(here.clone());
            Json::Null
        }
        ValueKind::Null => Json::Null,
        ValueKind::Bool(b) => Json::Bool(*b),
        ValueKind::Number(n) => Json::String(n.to_text()),
        ValueKind::String(s) => Json::String(s.clone()),
        ValueKind::List(es) | ValueKind::Set(es) | ValueKind::Tuple(es) => seq(es, here, unknown),
        ValueKind::Map(m) | ValueKind::Object(m) => {
            let mut out = serde_json::Map::new();
            for (k, e) in m {
                here.push(Step::Key(k.clone()));
                out.insert(k.clone(), content(e, here, unknown));
                here.pop();
            }
            Json::Object(out)
        }
    }
}

/// Decodes what [`encode`] wrote.
pub fn decode(j: &Json) -> Result<Value, String> {
    let ty = j.get("type").ok_or("a value without a type")?;
    let ty = type_from_json(&ty.to_string()).map_err(|e| e.to_string())?;
    let mut unknown = BTreeSet::new();
    if let Some(list) = j.get("unknown").and_then(Json::as_array) {
        for p in list {
            let steps = p.as_array().ok_or("bad unknown position")?;
            unknown.insert(steps.iter().map(step_from).collect::<Result<Vec<_>, _>>()?);
        }
    }
    let content = j.get("value").unwrap_or(&Json::Null);
    let mut value = build(content, &ty, &mut Vec::new(), &unknown)?;
    if let Some(list) = j.get("marks").and_then(Json::as_array) {
        let mut marks = Vec::new();
        for m in list {
            let path = terrane_state::codec::path_from_json(m.get("path").unwrap_or(&Json::Null))
                .map_err(|e| e.to_string())?;
            let names = m.get("marks").and_then(Json::as_array).ok_or("bad marks")?;
            marks.push(PathMarks {
                path,
                marks: names
                    .iter()
                    .filter_map(Json::as_str)
                    .map(mark_from)
                    .collect(),
            });
        }
        value = value.mark_with_paths(&marks);
    }
    Ok(value)
}

fn build(
    j: &Json,
    ty: &Type,
    here: &mut Vec<Step>,
    unknown: &BTreeSet<Vec<Step>>,
) -> Result<Value, String> {
    if unknown.contains(here) {
        return Ok(Value::unknown(ty.clone()));
    }
    if j.is_null() {
        return Ok(Value::null(ty.clone()));
    }
    let bad = || format!("a value does not match its type {}", ty.friendly_name());
    let elems = |es: &Json, tys: &dyn Fn(usize) -> Option<Type>, here: &mut Vec<Step>| {
        let es = es.as_array().ok_or_else(bad)?;
        let mut out = Vec::with_capacity(es.len());
        for (i, e) in es.iter().enumerate() {
            here.push(Step::Pos(i));
            out.push(build(e, &tys(i).ok_or_else(bad)?, here, unknown)?);
            here.pop();
        }
        Ok::<_, String>(out)
    };
    let entries = |m: &Json, tys: &dyn Fn(&str) -> Option<Type>, here: &mut Vec<Step>| {
        let m = m.as_object().ok_or_else(bad)?;
        let mut out = BTreeMap::new();
        for (k, e) in m {
            here.push(Step::Key(k.clone()));
            out.insert(
                k.clone(),
                build(e, &tys(k).ok_or_else(bad)?, here, unknown)?,
            );
            here.pop();
        }
        Ok::<_, String>(out)
    };
    Ok(match ty {
        Type::Bool => Value::bool(j.as_bool().ok_or_else(bad)?),
        Type::String => Value::string(j.as_str().ok_or_else(bad)?),
        Type::Number => {
            let text = j.as_str().ok_or_else(bad)?;
            Value::number(Number::parse(text).map_err(|e| e.to_string())?)
        }
        Type::Dynamic => return Err(bad()),
        Type::List(e) => Value::list((**e).clone(), elems(j, &|_| Some((**e).clone()), here)?)
            .map_err(|e| e.to_string())?,
        Type::Set(e) => Value::set((**e).clone(), elems(j, &|_| Some((**e).clone()), here)?)
            .map_err(|e| e.to_string())?,
        Type::Tuple(ts) => Value::tuple(elems(j, &|i| ts.get(i).cloned(), here)?),
        Type::Map(e) => Value::map((**e).clone(), entries(j, &|_| Some((**e).clone()), here)?)
            .map_err(|e| e.to_string())?,
        Type::Object(attrs) => Value::object(entries(j, &|k| attrs.get(k).cloned(), here)?),
    })
}
