//! A saved plan in Terraform's JSON output format (`show -json PLANFILE`): `variables`,
//! `planned_values`, `resource_changes` (actions, before/after, after_unknown, before/after
//! sensitive, replace_paths, action_reason), `output_changes`, `prior_state`, `configuration`,
//! so that the tools reviewers run on Terraform plans read terrane plans unchanged.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{json, Map, Value as Json};

use super::json_state::{self, provider_name, type_json, VERSION};
use super::json_values::{opt_value, output_unknown, path, sensitive, unknown, value};
use crate::addrs::{InstanceKey, ResourceMode};
use crate::plan::file::{reason_name, SavedPlan};
use crate::plan::model::{Action, OutputChange, Plan, Reason, ResourceChange};

/// Terraform's `actions` list of an action.
pub fn actions(a: Action) -> Vec<&'static str> {
    match a {
        Action::NoOp => vec!["no-op"],
        Action::Create => vec!["create"],
        Action::Read => vec!["read"],
        Action::Update => vec!["update"],
        Action::DeleteThenCreate => vec!["delete", "create"],
        Action::CreateThenDelete => vec!["create", "delete"],
        Action::Delete => vec!["delete"],
        Action::Forget => vec!["forget"],
    }
}

/// The `action_reason` of a change, as Terraform names it.
pub fn action_reason(c: &ResourceChange) -> Option<&'static str> {
    match &c.reason {
        Some(r) => Some(reason_name(r)),
        None if c.action.is_replace() => Some(reason_name(&Reason::ReplaceBecauseCannotUpdate)),
        None => None,
    }
}

fn index(key: &Option<InstanceKey>) -> Option<Json> {
    key.as_ref().map(|k| match k {
        InstanceKey::Int(i) => json!(i),
        InstanceKey::Str(s) => json!(s),
    })
}

fn mode(c: &ResourceChange) -> terrane_state::Mode {
    if c.addr.resource.mode == ResourceMode::Data {
        terrane_state::Mode::Data
    } else {
        terrane_state::Mode::Managed
    }
}

/// One `resource_changes` entry.
pub fn resource_change(c: &ResourceChange) -> Json {
    let mut m = Map::new();
    m.insert("address".into(), json!(c.addr.to_string()));
    if let Some(p) = &c.prev_addr {
        m.insert("previous_address".into(), json!(p.to_string()));
    }
    if !c.addr.module.is_root() {
        m.insert("module_address".into(), json!(c.addr.module.to_string()));
    }
    let r = &c.addr.resource;
    m.insert(
        "mode".into(),
        json!(if r.mode == ResourceMode::Data {
            "data"
        } else {
            "managed"
        }),
    );
    m.insert("type".into(), json!(r.type_name));
    m.insert("name".into(), json!(r.name));
    if let Some(i) = index(&c.addr.key) {
        m.insert("index".into(), i);
    }
    if let Some(d) = &c.deposed {
        m.insert("deposed".into(), json!(d));
    }
    m.insert("provider_name".into(), json!(provider_name(&c.provider)));
    let mut change = Map::new();
    change.insert("actions".into(), json!(actions(c.action)));
    change.insert("before".into(), opt_value(c.before.as_ref()));
    change.insert("after".into(), opt_value(c.after.as_ref()));
    change.insert("after_unknown".into(), unknown(c.after.as_ref()));
    change.insert("before_sensitive".into(), sensitive(c.before.as_ref()));
    change.insert("after_sensitive".into(), sensitive(c.after.as_ref()));
    if !c.replace_paths.is_empty() {
        change.insert(
            "replace_paths".into(),
            Json::Array(c.replace_paths.iter().map(path).collect()),
        );
    }
    if let Some(id) = &c.importing {
        change.insert("importing".into(), json!({"id": id}));
    }
    m.insert("change".into(), Json::Object(change));
    if let Some(r) = action_reason(c) {
        m.insert("action_reason".into(), json!(r));
    }
    Json::Object(m)
}

/// One `output_changes` entry.
pub fn output_change(o: &OutputChange) -> Json {
    let marked = |v: Option<&terrane_dsl::value::Value>| {
        if o.sensitive && v.is_some() {
            Json::Bool(true)
        } else {
            sensitive(v)
        }
    };
    let mut j = json!({
        "actions": actions(o.action),
        "before": opt_value(o.before.as_ref()),
        "after": opt_value(o.after.as_ref()),
        "after_unknown": output_unknown(o.after.as_ref()),
        "before_sensitive": marked(o.before.as_ref()),
        "after_sensitive": marked(o.after.as_ref()),
    });
    // As Terraform: a wholly unknown value has no `after` at all.
    if o.after.as_ref().is_some_and(|a| !a.is_known()) {
        if let Some(m) = j.as_object_mut() {
            m.remove("after");
        }
    }
    j
}

/// `planned_values`: the outputs and resources as they will be after the apply.
pub fn planned_values(plan: &Plan) -> Json {
    let mut outputs = Map::new();
    for o in &plan.outputs {
        if o.action == Action::Delete {
            continue;
        }
        let mut m = Map::new();
        m.insert("sensitive".into(), json!(o.sensitive));
        if let Some(a) = o.after.as_ref().filter(|a| a.is_known()) {
            m.insert("type".into(), type_json(a));
            m.insert("value".into(), value(a));
        }
        outputs.insert(o.name.clone(), Json::Object(m));
    }
    let mut by_module: BTreeMap<String, Vec<Json>> = BTreeMap::new();
    for c in &plan.changes {
        if matches!(c.action, Action::Delete | Action::Forget) || c.deposed.is_some() {
            continue;
        }
        let r = &c.addr.resource;
        let address = c.addr.to_string();
        let j = json_state::resource(
            json_state::Head {
                address: &address,
                mode: mode(c),
                type_name: &r.type_name,
                name: &r.name,
                index: index(&c.addr.key),
                provider: &c.provider,
                schema_version: 0,
            },
            c.after.as_ref(),
        );
        by_module
            .entry(c.addr.module.to_string())
            .or_default()
            .push(j);
    }
    let mut m = Map::new();
    if !outputs.is_empty() {
        m.insert("outputs".into(), Json::Object(outputs));
    }
    m.insert("root_module".into(), json_state::module_tree(by_module));
    Json::Object(m)
}

/// The document, members in Terraform's order.
#[derive(Serialize)]
struct Document {
    format_version: &'static str,
    terraform_version: &'static str,
    #[serde(skip_serializing_if = "Map::is_empty")]
    variables: Map<String, Json>,
    planned_values: Json,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    resource_drift: Vec<Json>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    resource_changes: Vec<Json>,
    #[serde(skip_serializing_if = "Map::is_empty")]
    output_changes: Map<String, Json>,
    #[serde(skip_serializing_if = "Option::is_none")]
    prior_state: Option<Json>,
    configuration: Json,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    relevant_attributes: Vec<Json>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    deferred_changes: Vec<Json>,
    timestamp: String,
    applyable: bool,
    complete: bool,
    errored: bool,
}

/// `show -json PLANFILE`: one line of JSON, members in Terraform's order.
pub fn document(saved: &SavedPlan) -> String {
    let plan = &saved.plan;
    let variables = saved
        .variables
        .iter()
        .map(|(k, v)| (k.clone(), json!({"value": value(v)})))
        .collect();
    let prior_state = saved
        .prior_state
        .as_deref()
        .and_then(|t| terrane_state::tfstate::from_v4(t).ok())
        .map(|mut s| {
            // As Terraform, the prior state is the state as refresh found it.
            refreshed(&mut s, plan);
            // As Terraform, the prior state carries the outputs as the plan evaluated them.
            for o in &plan.outputs {
                match (&o.after, o.action) {
                    (_, Action::Delete) => {
                        s.outputs.remove(&o.name);
                    }
                    (Some(a), _) if a.is_wholly_known() => {
                        s.outputs.insert(
                            o.name.clone(),
                            terrane_state::OutputValue {
                                value: a.clone().unmark_deep().0,
                                sensitive: o.sensitive,
                            },
                        );
                    }
                    _ => {}
                }
            }
            json!({
                "format_version": "1.0",
                "terraform_version": VERSION,
                "values": json_state::values(&s),
            })
        });
    let doc = Document {
        format_version: "1.2",
        terraform_version: VERSION,
        variables,
        planned_values: planned_values(plan),
        resource_drift: plan.drift.iter().map(resource_change).collect(),
        resource_changes: plan.changes.iter().map(resource_change).collect(),
        output_changes: plan
            .outputs
            .iter()
            .map(|o| (o.name.clone(), output_change(o)))
            .collect(),
        prior_state,
        configuration: if saved.configuration.is_null() {
            json!({})
        } else {
            saved.configuration.clone()
        },
        relevant_attributes: plan
            .relevant_attributes
            .iter()
            .map(|r| json!({"resource": r.resource, "attribute": attribute_path(&r.attr)}))
            .collect(),
        deferred_changes: plan
            .deferred
            .iter()
            .map(|d| json!({"reason": "instance_count_unknown", "resource_change": {"address": d.address}, "detail": d.reason}))
            .collect(),
        timestamp: saved.timestamp.clone(),
        applyable: plan.has_changes(),
        complete: plan.deferred.is_empty(),
        errored: false,
    };
    serde_json::to_string(&doc).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
}

/// A relevant attribute's path as Terraform writes it: attribute names and index keys.
fn attribute_path(p: &terrane_dsl::value::Path) -> Json {
    Json::Array(
        p.0.iter()
            .map(|s| match s {
                terrane_dsl::value::PathStep::GetAttr(n) => json!(n),
                terrane_dsl::value::PathStep::Index(k) => value(k),
            })
            .collect(),
    )
}

/// Puts the moves and the drift the plan found into the state it was made against: moved
/// objects at their new addresses, changed objects as refresh read them, objects found gone
/// removed.
fn refreshed(s: &mut terrane_state::Snapshot, plan: &Plan) {
    // Moved objects are at their new addresses.
    for c in plan.changes.iter().chain(&plan.drift) {
        let (Some(prev), None) = (&c.prev_addr, &c.deposed) else {
            continue;
        };
        let (old, new) = (prev.to_string(), c.addr.to_string());
        let Ok(new_addr) = terrane_state::ResourceAddress::parse(&new) else {
            continue;
        };
        for r in s.resources.iter_mut().filter(|r| r.address == old) {
            r.set_address(&new_addr);
        }
    }
    for d in &plan.drift {
        let address = d.addr.to_string();
        match &d.after {
            None => s
                .resources
                .retain(|r| r.address != address || r.deposed.is_some()),
            Some(after) => {
                if let Some(r) = s
                    .resources
                    .iter_mut()
                    .find(|r| r.address == address && r.deposed.is_none())
                {
                    let (plain, paths) = after.clone().unmark_deep_with_paths();
                    r.attributes = plain;
                    r.sensitive_paths = paths.into_iter().map(|p| p.path).collect();
                }
            }
        }
    }
}
