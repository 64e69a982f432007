//! Root outputs as `output -json` prints them (Terraform's document: each output's
//! `sensitive`, `type` and `value`, keys sorted, two-space indentation) and as `output`
//! prints them for people.

use serde_json::{Map, Value as Json};
use terrane_dsl::value::{to_json, type_to_json};
use terrane_state::Outputs;

/// The `output -json` document.
pub fn json_document(outputs: &Outputs) -> String {
    let mut map = Map::new();
    for (name, o) in outputs {
        if o.value.is_null() {
            continue;
        }
        let value: Json = to_json(&o.value)
            .ok()
            .and_then(|s| serde_json::from_str(&s).ok())
            .unwrap_or(Json::Null);
        let ty: Json = serde_json::from_str(&type_to_json(o.value.ty())).unwrap_or(Json::Null);
        let mut entry = Map::new();
        entry.insert("sensitive".into(), Json::Bool(o.sensitive));
        entry.insert("type".into(), ty);
        entry.insert("value".into(), value);
        map.insert(name.clone(), Json::Object(entry));
    }
    let mut s = serde_json::to_string_pretty(&Json::Object(map)).unwrap_or_else(|_| "{}".into());
    s.push('\n');
    s
}

/// One output's value as `output -json NAME` prints it.
pub fn json_value(o: &terrane_state::OutputValue) -> String {
    let v: Json = to_json(&o.value)
        .ok()
        .and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or(Json::Null);
    let mut s = serde_json::to_string_pretty(&v).unwrap_or_else(|_| "null".into());
    s.push('\n');
    s
}

/// `output` for people: `name = value`, sensitive ones hidden.
pub fn human(outputs: &Outputs) -> String {
    let mut out = String::new();
    for (name, o) in outputs {
        if o.value.is_null() {
            continue;
        }
        let v = if o.sensitive {
            "<sensitive>".to_string()
        } else {
            super::values::render(&o.value, 0)
        };
        out.push_str(&format!("{name} = {v}\n"));
    }
    out
}
