//! Terraform's v4 state format (`terraform.tfstate`): `pull` writes a snapshot as Terraform
//! writes its state files (resources grouped by module, mode, type and name; instances sorted
//! by key; two-space indentation and Go's string escaping), `push` reads one back (a state
//! from Terraform, to migrate, or a pulled one). Attributes in v4 carry no type: the type is
//! inferred from the JSON (objects become objects, arrays tuples) and the engine converts
//! against the provider schema. Pull then push round-trips unchanged, byte for byte; a file
//! from Terraform comes back as the same JSON document, with object keys inside attributes
//! sorted (terrane's objects are sorted maps; JSON object order carries no meaning).

use std::collections::BTreeMap;

use terrane_dsl::value::json::{to_json_pretty, type_to_json_pretty};
use terrane_dsl::value::Value;

use crate::address::{AddressPattern, ResourceAddress};
use crate::backend::Backend;
use crate::codec;
use crate::error::{Result, StateError};
use crate::record::{
    IndexKey, Mode, OutputValue, Outputs, ResourceRecord, ResourceStatus, Snapshot,
};

/// An ordered JSON document, printed as Go's `json.MarshalIndent(v, "", "  ")` prints.
enum J {
    Null,
    Bool(bool),
    Int(i128),
    Str(String),
    Arr(Vec<J>),
    Obj(Vec<(&'static str, J)>),
    /// An object with dynamic keys.
    Map(Vec<(String, J)>),
    Value(Value),
    Type(terrane_dsl::value::Type),
}

fn from_serde(v: &serde_json::Value) -> J {
    match v {
        serde_json::Value::Null => J::Null,
        serde_json::Value::Bool(b) => J::Bool(*b),
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(i) => J::Int(i128::from(i)),
            None => J::Str(n.to_string()),
        },
        serde_json::Value::String(s) => J::Str(s.clone()),
        serde_json::Value::Array(a) => J::Arr(a.iter().map(from_serde).collect()),
        serde_json::Value::Object(m) => {
            J::Map(m.iter().map(|(k, v)| (k.clone(), from_serde(v))).collect())
        }
    }
}

fn newline(depth: usize, out: &mut String) {
    out.push('\n');
    for _ in 0..depth {
        out.push_str("  ");
    }
}

fn write(j: &J, depth: usize, out: &mut String) -> Result<()> {
    match j {
        J::Null => out.push_str("null"),
        J::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        J::Int(i) => out.push_str(&i.to_string()),
        J::Str(s) => terrane_dsl::value::json::write_string(s, out),
        J::Value(v) => out.push_str(&to_json_pretty(v, depth).map_err(|e| StateError::Value {
            context: "a value written to the state file".into(),
            message: e.to_string(),
        })?),
        J::Type(t) => out.push_str(&type_to_json_pretty(t, depth)),
        J::Arr(items) if items.is_empty() => out.push_str("[]"),
        J::Arr(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(depth + 1, out);
                write(item, depth + 1, out)?;
            }
            newline(depth, out);
            out.push(']');
        }
        J::Obj(fields) => {
            let fields: Vec<(&str, &J)> = fields.iter().map(|(k, v)| (*k, v)).collect();
            write_object(&fields, depth, out)?;
        }
        J::Map(fields) => {
            let fields: Vec<(&str, &J)> = fields.iter().map(|(k, v)| (k.as_str(), v)).collect();
            write_object(&fields, depth, out)?;
        }
    }
    Ok(())
}

fn write_object(fields: &[(&str, &J)], depth: usize, out: &mut String) -> Result<()> {
    if fields.is_empty() {
        out.push_str("{}");
        return Ok(());
    }
    out.push('{');
    for (i, (k, v)) in fields.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        newline(depth + 1, out);
        terrane_dsl::value::json::write_string(k, out);
        out.push_str(": ");
        write(v, depth + 1, out)?;
    }
    newline(depth, out);
    out.push('}');
    Ok(())
}

/// Terraform's instance order: no key first, then integer keys, then string keys; the current
/// object before deposed ones.
fn instance_order(r: &ResourceRecord) -> (u8, i64, String, String) {
    let (rank, i, s) = match &r.index_key {
        None => (0, 0, String::new()),
        Some(IndexKey::Int(i)) => (1, *i, String::new()),
        Some(IndexKey::String(s)) => (2, 0, s.clone()),
    };
    (rank, i, s, r.deposed.clone().unwrap_or_default())
}

fn instance(r: &ResourceRecord) -> Result<J> {
    let mut f: Vec<(&'static str, J)> = Vec::new();
    if let Some(k) = &r.index_key {
        f.push((
            "index_key",
            match k {
                IndexKey::Int(i) => J::Int(i128::from(*i)),
                IndexKey::String(s) => J::Str(s.clone()),
            },
        ));
    }
    // Terraform has no "pending" status: an unconfirmed object is tainted there (replaced at
    // the next apply), which is the safe reading.
    if r.status != ResourceStatus::Ready {
        f.push(("status", J::Str("tainted".into())));
    }
    if let Some(d) = &r.deposed {
        f.push(("deposed", J::Str(d.clone())));
    }
    f.push(("schema_version", J::Int(i128::from(r.schema_version))));
    f.push(("attributes", J::Value(r.attributes.clone())));
    let paths = r
        .sensitive_paths
        .iter()
        .map(|p| codec::path_to_json(p).map(|j| from_serde(&j)))
        .collect::<Result<Vec<_>>>()?;
    f.push(("sensitive_attributes", J::Arr(paths)));
    f.push((
        "identity_schema_version",
        J::Int(i128::from(r.identity_schema_version)),
    ));
    if let Some(identity) = &r.identity {
        let v: serde_json::Value = serde_json::from_str(identity)
            .map_err(|e| StateError::Corrupt(format!("identity of {}: {e}", r.address)))?;
        f.push(("identity", from_serde(&v)));
    }
    if let Some(p) = &r.private {
        f.push(("private", J::Str(p.clone())));
    }
    if !r.dependencies.is_empty() {
        f.push((
            "dependencies",
            J::Arr(r.dependencies.iter().map(|d| J::Str(d.clone())).collect()),
        ));
    }
    if r.create_before_destroy {
        f.push(("create_before_destroy", J::Bool(true)));
    }
    Ok(J::Obj(f))
}

/// A snapshot as a Terraform v4 state file (`state pull`).
pub fn to_v4(snapshot: &Snapshot) -> Result<String> {
    type Group<'a> = (&'a str, &'static str, &'a str, &'a str);
    let mut groups: BTreeMap<Group<'_>, Vec<&ResourceRecord>> = BTreeMap::new();
    for r in &snapshot.resources {
        groups
            .entry((&r.module, r.mode.as_str(), &r.type_name, &r.name))
            .or_default()
            .push(r);
    }
    let mut resources = Vec::new();
    for ((module, mode, type_name, name), mut instances) in groups {
        instances.sort_by_key(|r| instance_order(r));
        let mut f: Vec<(&'static str, J)> = Vec::new();
        if !module.is_empty() {
            f.push(("module", J::Str(module.to_string())));
        }
        f.push(("mode", J::Str(mode.to_string())));
        f.push(("type", J::Str(type_name.to_string())));
        f.push(("name", J::Str(name.to_string())));
        f.push(("provider", J::Str(instances[0].provider.clone())));
        f.push((
            "instances",
            J::Arr(instances.into_iter().map(instance).collect::<Result<_>>()?),
        ));
        resources.push(J::Obj(f));
    }
    let outputs = J::Map(
        snapshot
            .outputs
            .iter()
            .map(|(name, o)| {
                let mut f = vec![
                    ("value", J::Value(o.value.clone())),
                    ("type", J::Type(o.value.ty().clone())),
                ];
                if o.sensitive {
                    f.push(("sensitive", J::Bool(true)));
                }
                (name.clone(), J::Obj(f))
            })
            .collect(),
    );
    let doc = J::Obj(vec![
        ("version", J::Int(4)),
        (
            "terraform_version",
            J::Str(snapshot.terrane_version.clone()),
        ),
        ("serial", J::Int(i128::from(snapshot.serial))),
        ("lineage", J::Str(snapshot.lineage.clone())),
        ("outputs", outputs),
        ("resources", J::Arr(resources)),
        ("check_results", J::Null),
    ]);
    let mut out = String::new();
    write(&doc, 0, &mut out)?;
    out.push('\n');
    Ok(out)
}

fn bad(msg: impl Into<String>) -> StateError {
    StateError::InvalidStateFile(msg.into())
}

fn field<'a>(obj: &'a serde_json::Value, name: &str, what: &str) -> Result<&'a serde_json::Value> {
    obj.get(name)
        .ok_or_else(|| bad(format!("{what} has no \"{name}\"")))
}

fn str_field(obj: &serde_json::Value, name: &str, what: &str) -> Result<String> {
    field(obj, name, what)?
        .as_str()
        .map(str::to_string)
        .ok_or_else(|| bad(format!("\"{name}\" of {what} is not a string")))
}

fn u64_field(obj: &serde_json::Value, name: &str, what: &str) -> Result<u64> {
    match obj.get(name) {
        None | Some(serde_json::Value::Null) => Ok(0),
        Some(v) => v
            .as_u64()
            .ok_or_else(|| bad(format!("\"{name}\" of {what} is not a whole number"))),
    }
}

/// Reads a Terraform v4 state file into a snapshot (`serial`, `lineage` and the writer's
/// version kept).
pub fn from_v4(text: &str) -> Result<Snapshot> {
    let doc: serde_json::Value =
        serde_json::from_str(text).map_err(|e| bad(format!("not JSON: {e}")))?;
    let version = doc.get("version").and_then(|v| v.as_u64());
    if version != Some(4) {
        return Err(bad(format!(
            "only version 4 state files are supported, this one is version {}",
            version.map_or_else(|| "unknown".to_string(), |v| v.to_string())
        )));
    }
    let mut snapshot = Snapshot::empty(&str_field(&doc, "lineage", "the state")?);
    snapshot.serial = u64_field(&doc, "serial", "the state")?;
    snapshot.terrane_version = str_field(&doc, "terraform_version", "the state")?;
    if let Some(outputs) = doc.get("outputs").and_then(|o| o.as_object()) {
        let mut out = Outputs::new();
        for (name, o) in outputs {
            let what = format!("output {name}");
            let value = field(o, "value", &what)?.to_string();
            let ty = field(o, "type", &what)?.to_string();
            out.insert(
                name.clone(),
                OutputValue {
                    value: codec::decode_value(&value, &ty, &what)?,
                    sensitive: o.get("sensitive").and_then(|s| s.as_bool()) == Some(true),
                },
            );
        }
        snapshot.outputs = out;
    }
    let resources = match doc.get("resources") {
        None | Some(serde_json::Value::Null) => Vec::new(),
        Some(serde_json::Value::Array(rs)) => rs.clone(),
        Some(_) => return Err(bad("\"resources\" is not an array")),
    };
    for res in &resources {
        read_resource(res, &mut snapshot.resources)?;
    }
    snapshot.sort();
    Ok(snapshot)
}

fn read_resource(res: &serde_json::Value, out: &mut Vec<ResourceRecord>) -> Result<()> {
    let module_text = res.get("module").and_then(|m| m.as_str()).unwrap_or("");
    let module = if module_text.is_empty() {
        Vec::new()
    } else {
        match AddressPattern::parse(module_text)? {
            AddressPattern::Module(m) => m,
            _ => return Err(bad(format!("invalid module address {module_text:?}"))),
        }
    };
    let mode_text = str_field(res, "mode", "a resource")?;
    let mode = Mode::parse(&mode_text).ok_or_else(|| bad(format!("unknown mode {mode_text:?}")))?;
    let type_name = str_field(res, "type", "a resource")?;
    let name = str_field(res, "name", "a resource")?;
    let provider = str_field(res, "provider", "a resource")?;
    let instances = field(res, "instances", "a resource")?
        .as_array()
        .ok_or_else(|| bad("\"instances\" is not an array"))?;
    for inst in instances {
        let key = match inst.get("index_key") {
            None | Some(serde_json::Value::Null) => None,
            Some(k) => Some(codec::index_key_from_json(k)?),
        };
        let address = ResourceAddress {
            module: module.clone(),
            mode,
            type_name: type_name.clone(),
            name: name.clone(),
            key,
        };
        let what = address.to_string();
        if inst.get("attributes_flat").is_some() {
            return Err(bad(format!(
                "{what} has flat attributes (a state from Terraform 0.11 or older): upgrade it \
                 with Terraform first"
            )));
        }
        let attributes = match inst.get("attributes") {
            None => Value::null(terrane_dsl::value::Type::Dynamic),
            Some(a) => codec::decode_untyped(&a.to_string(), &format!("{what}'s attributes"))?,
        };
        let mut r = ResourceRecord::new(&address, &provider, attributes);
        r.schema_version = u64_field(inst, "schema_version", &what)?;
        r.identity_schema_version = u64_field(inst, "identity_schema_version", &what)?;
        r.status = match inst.get("status").and_then(|s| s.as_str()) {
            None | Some("") => ResourceStatus::Ready,
            Some("tainted") => ResourceStatus::Tainted,
            Some(other) => return Err(bad(format!("{what} has unknown status {other:?}"))),
        };
        r.deposed = inst
            .get("deposed")
            .and_then(|d| d.as_str())
            .filter(|d| !d.is_empty())
            .map(str::to_string);
        r.sensitive_paths = match inst.get("sensitive_attributes") {
            Some(p) => codec::paths_from_value(p)?,
            None => Vec::new(),
        };
        r.private = inst
            .get("private")
            .and_then(|p| p.as_str())
            .map(str::to_string);
        r.identity = inst
            .get("identity")
            .filter(|i| !i.is_null())
            .map(|i| i.to_string());
        r.dependencies = match inst.get("dependencies") {
            None | Some(serde_json::Value::Null) => Vec::new(),
            Some(serde_json::Value::Array(ds)) => ds
                .iter()
                .map(|d| {
                    d.as_str()
                        .map(str::to_string)
                        .ok_or_else(|| bad(format!("a dependency of {what} is not a string")))
                })
                .collect::<Result<_>>()?,
            Some(_) => return Err(bad(format!("dependencies of {what} are not an array"))),
        };
        r.create_before_destroy =
            inst.get("create_before_destroy").and_then(|c| c.as_bool()) == Some(true);
        out.push(r);
    }
    Ok(())
}

/// `state pull`: the workspace's current state as a v4 state file.
pub fn pull(backend: &dyn Backend, workspace: &str) -> Result<String> {
    to_v4(&backend.read(workspace)?)
}

/// `state push`: replaces the workspace's state with a v4 state file. Refuses a state of
/// another lineage, or one older than the stored one, unless `force`. Returns the new serial
/// (the file's own serial when it is above the stored one).
pub fn push(backend: &dyn Backend, workspace: &str, text: &str, force: bool) -> Result<u64> {
    push_snapshot(backend, workspace, from_v4(text)?, force)
}

/// [`push`] of a snapshot already read with [`from_v4`] (and perhaps typed by the caller
/// against provider schemas), with the same refusals.
pub fn push_snapshot(
    backend: &dyn Backend,
    workspace: &str,
    incoming: Snapshot,
    force: bool,
) -> Result<u64> {
    let current = backend.read(workspace)?;
    if !force && current.serial > 0 {
        if !incoming.lineage.is_empty() && incoming.lineage != current.lineage {
            return Err(StateError::LineageMismatch {
                workspace: workspace.to_string(),
                current: current.lineage,
                incoming: incoming.lineage,
            });
        }
        if incoming.serial < current.serial {
            return Err(StateError::SerialBehind {
                workspace: workspace.to_string(),
                current: current.serial,
                incoming: incoming.serial,
            });
        }
    }
    backend.write_snapshot(workspace, &incoming, "push")
}
