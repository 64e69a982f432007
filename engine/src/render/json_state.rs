//! A state in Terraform's JSON output format (`show -json` without a plan, and a plan's
//! `prior_state`): `values` with the root outputs and the resources by module, each with its
//! attribute values and which of them are sensitive.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value as Json};
use terrane_dsl::value::{type_to_json, Mark, PathMarks, Value};
use terrane_state::{IndexKey, Mode, ResourceRecord, Snapshot};

use super::json_values::{sensitive, value};

/// terrane's version, as `terraform_version` in every JSON document.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// `provider["registry.terraform.io/hashicorp/aws"]` -> `registry.terraform.io/hashicorp/aws`.
pub fn provider_name(provider: &str) -> String {
    provider
        .split_once("[\"")
        .and_then(|(_, rest)| rest.split_once("\"]"))
        .map_or_else(|| provider.to_string(), |(name, _)| name.to_string())
}

/// A type as a JSON value (Terraform's type form).
pub fn type_json(v: &Value) -> Json {
    serde_json::from_str(&type_to_json(v.ty())).unwrap_or(Json::Null)
}

/// What names a resource instance in `values` documents.
pub struct Head<'a> {
    pub address: &'a str,
    pub mode: Mode,
    pub type_name: &'a str,
    pub name: &'a str,
    pub index: Option<Json>,
    pub provider: &'a str,
    pub schema_version: u64,
}

/// One resource as `values` documents list it.
pub fn resource(h: Head<'_>, attrs: Option<&Value>) -> Json {
    let Head {
        address,
        mode,
        type_name,
        name,
        index,
        provider,
        schema_version,
    } = h;
    let mut m = Map::new();
    m.insert("address".into(), json!(address));
    m.insert(
        "mode".into(),
        json!(if mode == Mode::Data {
            "data"
        } else {
            "managed"
        }),
    );
    m.insert("type".into(), json!(type_name));
    m.insert("name".into(), json!(name));
    if let Some(i) = index {
        m.insert("index".into(), i);
    }
    m.insert("provider_name".into(), json!(provider_name(provider)));
    m.insert("schema_version".into(), json!(schema_version));
    m.insert(
        "values".into(),
        attrs.map_or(Json::Object(Map::new()), value),
    );
    let s = sensitive(attrs);
    m.insert(
        "sensitive_values".into(),
        if s == Json::Bool(false) {
            Json::Object(Map::new())
        } else {
            s
        },
    );
    Json::Object(m)
}

fn index_json(k: &Option<IndexKey>) -> Option<Json> {
    k.as_ref().map(|k| match k {
        IndexKey::Int(i) => json!(i),
        IndexKey::String(s) => json!(s),
    })
}

fn record_json(r: &ResourceRecord) -> Json {
    let marks: Vec<PathMarks> = r
        .sensitive_paths
        .iter()
        .map(|p| PathMarks {
            path: p.clone(),
            marks: [Mark::Sensitive].into_iter().collect(),
        })
        .collect();
    let attrs = r.attributes.clone().mark_with_paths(&marks);
    let mut j = resource(
        Head {
            address: &r.address,
            mode: r.mode,
            type_name: &r.type_name,
            name: &r.name,
            index: index_json(&r.index_key),
            provider: &r.provider,
            schema_version: r.schema_version,
        },
        Some(&attrs),
    );
    if let (Some(d), Json::Object(m)) = (&r.deposed, &mut j) {
        m.insert("deposed_key".into(), json!(d));
    }
    j
}

/// Builds `root_module` (with `child_modules`) from resources keyed by module address (`""`
/// for the root).
pub fn module_tree(by_module: BTreeMap<String, Vec<Json>>) -> Json {
    fn build(addr: &str, by_module: &BTreeMap<String, Vec<Json>>) -> Json {
        let mut m = Map::new();
        if let Some(rs) = by_module.get(addr) {
            m.insert("resources".into(), Json::Array(rs.clone()));
        }
        if !addr.is_empty() {
            m.insert("address".into(), json!(addr));
        }
        // Direct children: modules whose address extends this one by one `module.x[...]`.
        let children: Vec<Json> = child_addrs(addr, by_module.keys())
            .into_iter()
            .map(|c| build(&c, by_module))
            .collect();
        if !children.is_empty() {
            m.insert("child_modules".into(), Json::Array(children));
        }
        Json::Object(m)
    }
    build("", &by_module)
}

/// The direct children of `parent` among `all` module addresses (and their ancestors).
fn child_addrs<'a>(parent: &str, all: impl Iterator<Item = &'a String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for a in all {
        let rest = if parent.is_empty() {
            a.as_str()
        } else {
            match a.strip_prefix(parent).and_then(|r| r.strip_prefix('.')) {
                Some(r) => r,
                None => continue,
            }
        };
        if rest.is_empty() {
            continue;
        }
        // The first `module.NAME[KEY]` step of `rest`.
        let step_end = rest
            .match_indices(".module.")
            .next()
            .map_or(rest.len(), |(i, _)| i);
        let child = if parent.is_empty() {
            rest[..step_end].to_string()
        } else {
            format!("{parent}.{}", &rest[..step_end])
        };
        if !out.contains(&child) {
            out.push(child);
        }
    }
    out
}

/// The root outputs of a state as `values.outputs`.
pub fn outputs(snapshot: &Snapshot) -> Json {
    let mut m = Map::new();
    for (name, o) in &snapshot.outputs {
        m.insert(
            name.clone(),
            json!({"sensitive": o.sensitive, "value": value(&o.value), "type": type_json(&o.value)}),
        );
    }
    Json::Object(m)
}

/// `values` of a state.
pub fn values(snapshot: &Snapshot) -> Json {
    let mut by_module: BTreeMap<String, Vec<Json>> = BTreeMap::new();
    for r in &snapshot.resources {
        by_module
            .entry(r.module.clone())
            .or_default()
            .push(record_json(r));
    }
    let mut m = Map::new();
    if !snapshot.outputs.is_empty() {
        m.insert("outputs".into(), outputs(snapshot));
    }
    m.insert("root_module".into(), module_tree(by_module));
    Json::Object(m)
}

/// The `show -json` document of a state (Terraform prints `{"format_version":"1.0"}` alone for
/// an empty one).
pub fn document(snapshot: &Snapshot) -> Json {
    if snapshot.resources.is_empty() && snapshot.outputs.is_empty() && snapshot.serial == 0 {
        return json!({"format_version": "1.0"});
    }
    json!({
        "format_version": "1.0",
        "terraform_version": VERSION,
        "values": values(snapshot),
    })
}
