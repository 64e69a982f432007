//! Typing state records with their provider's schema at the v4 boundary. A v4 state file's
//! attributes carry no types, and Terraform writes attributes of dynamic type (such as
//! `terraform_data.input`) as `{"value": ..., "type": ...}`. `state push` converts each record
//! to its schema's implied type (unwrapping those pairs), so a pushed state reads exactly as
//! one terrane wrote itself; `state pull` wraps dynamic attributes the same way, so that
//! Terraform can read the file and push reads it back unchanged.

use std::collections::BTreeMap;

use terrane_dsl::value::json::{from_json, to_json, type_from_json, type_to_json};
use terrane_dsl::value::{convert, Type, Value};
use terrane_provider::schema::ResourceSchema;
use terrane_state::{Mode, ResourceRecord, Snapshot};

use crate::session::EngineHost;

/// The schema of `r`'s type from the provider its record names (found in the registry), if
/// terrane has that provider.
fn schema_of(r: &ResourceRecord) -> Option<ResourceSchema> {
    terrane_provider_builtin::link();
    terrane_provider_aws::link();
    let source = crate::addrs::provider_source(&r.provider);
    let factory = terrane_provider::registry::find_by_source(&source).or_else(|| {
        terrane_provider::registry::find_by_local_name(
            terrane_provider::registry::implied_provider_name(&r.type_name),
        )
    })?;
    let cwd = std::env::current_dir().unwrap_or_default();
    let provider = (factory.make)(EngineHost::shared(&cwd));
    let schemas = match r.mode {
        Mode::Managed => &provider.schema().resources,
        Mode::Data => &provider.schema().data_sources,
    };
    schemas.get(&r.type_name).cloned()
}

/// `v` (decoded without types) as a value of `ty`: objects attribute by attribute, dynamic
/// positions unwrapped from `{"value", "type"}`, everything else converted. A value that does
/// not convert is kept as it is (the provider's upgrade or the next refresh deals with it).
fn conform(v: &Value, ty: &Type) -> Value {
    match ty {
        Type::Dynamic => unwrap_dynamic(v).unwrap_or_else(|| v.clone()),
        _ if v.is_null() => Value::null(ty.clone()),
        Type::Object(attrs) => {
            let Some(entries) = v.entries() else {
                return convert(v, ty).unwrap_or_else(|_| v.clone());
            };
            let mut out = BTreeMap::new();
            for (name, aty) in attrs.iter() {
                let a = entries
                    .get(name)
                    .map(|a| conform(a, aty))
                    .unwrap_or_else(|| Value::null(aty.clone()));
                out.insert(name.clone(), a);
            }
            Value::object(out)
        }
        _ => convert(v, ty).unwrap_or_else(|_| v.clone()),
    }
}

/// The value inside a `{"value": ..., "type": ...}` pair.
fn unwrap_dynamic(v: &Value) -> Option<Value> {
    let entries = v.entries()?;
    if entries.len() != 2 {
        return None;
    }
    let (inner, ty) = (entries.get("value")?, entries.get("type")?);
    let ty = type_from_json(&to_json(ty).ok()?).ok()?;
    convert(inner, &ty).ok()
}

/// `v` (of type `ty`) with its dynamic positions wrapped as `{"value", "type"}`.
fn wrap(v: &Value, ty: &Type) -> Value {
    match ty {
        Type::Dynamic if v.is_null() => v.clone(),
        Type::Dynamic => {
            let Ok(t) = from_json(&type_to_json(v.ty())) else {
                return v.clone();
            };
            Value::object(BTreeMap::from([
                ("type".to_string(), t),
                ("value".to_string(), v.clone()),
            ]))
        }
        Type::Object(attrs) if !v.is_null() => {
            let Some(entries) = v.entries() else {
                return v.clone();
            };
            let out = entries
                .iter()
                .map(|(k, a)| {
                    let a = match attrs.get(k) {
                        Some(aty) => wrap(a, aty),
                        None => a.clone(),
                    };
                    (k.clone(), a)
                })
                .collect();
            Value::object(out)
        }
        _ => v.clone(),
    }
}

/// Whether `ty` has a dynamic position reachable through object attributes.
fn has_dynamic(ty: &Type) -> bool {
    match ty {
        Type::Dynamic => true,
        Type::Object(attrs) => attrs.values().any(has_dynamic),
        _ => false,
    }
}

/// Types every record of a pushed snapshot with its schema (records of providers terrane does
/// not have are kept as read).
pub fn conform_snapshot(snapshot: &mut Snapshot) {
    let mut cache: BTreeMap<(String, String), Option<ResourceSchema>> = BTreeMap::new();
    for r in &mut snapshot.resources {
        let schema = cache
            .entry((r.provider.clone(), r.type_name.clone()))
            .or_insert_with(|| schema_of(r));
        if let Some(s) = schema {
            r.attributes = conform(&r.attributes, &s.block.implied_type());
        }
    }
}

/// Wraps the dynamic attributes of every record as Terraform writes them (for `state pull`).
pub fn wrap_snapshot(snapshot: &mut Snapshot) {
    let mut cache: BTreeMap<(String, String), Option<ResourceSchema>> = BTreeMap::new();
    for r in &mut snapshot.resources {
        let schema = cache
            .entry((r.provider.clone(), r.type_name.clone()))
            .or_insert_with(|| schema_of(r));
        if let Some(s) = schema {
            let ty = s.block.implied_type();
            if has_dynamic(&ty) {
                r.attributes = wrap(&r.attributes, &ty);
            }
        }
    }
}
