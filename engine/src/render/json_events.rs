//! `plan -json`: Terraform's machine-readable UI, one JSON message a line (`version`,
//! `planned_change`, `change_summary`, `outputs`, `diagnostic`), each with `@level`,
//! `@message`, `@module` and `@timestamp`.

use serde_json::{json, Map, Value as Json};

use super::human::Counts;
use super::json_state::VERSION;
use crate::addrs::{InstanceKey, ResourceInstance};
use crate::plan::model::{Action, Plan, Reason, ResourceChange};

/// The version of the UI message format followed.
pub const UI_VERSION: &str = "1.2";

pub(crate) fn message(
    level: &str,
    text: &str,
    kind: &str,
    ts: &str,
    extra: Map<String, Json>,
) -> String {
    let mut m = Map::new();
    m.insert("@level".into(), json!(level));
    m.insert("@message".into(), json!(text));
    m.insert("@module".into(), json!("terrane.ui"));
    m.insert("@timestamp".into(), json!(ts));
    m.extend(extra);
    m.insert("type".into(), json!(kind));
    // Members in the order Terraform writes them: the `@` ones, the payload, `type`.
    let mut out = String::from("{");
    let mut first = true;
    let mut put = |k: &str, v: &Json, out: &mut String| {
        if !first {
            out.push(',');
        }
        first = false;
        out.push_str(&Json::String(k.to_string()).to_string());
        out.push(':');
        out.push_str(&v.to_string());
    };
    for k in ["@level", "@message", "@module", "@timestamp"] {
        if let Some(v) = m.get(k) {
            put(k, v, &mut out);
        }
    }
    for (k, v) in &m {
        if !k.starts_with('@') && k != "type" {
            put(k, v, &mut out);
        }
    }
    put("type", &json!(kind), &mut out);
    out.push('}');
    out
}

pub(crate) fn one(k: &str, v: Json) -> Map<String, Json> {
    let mut m = Map::new();
    m.insert(k.into(), v);
    m
}

/// The first message.
pub fn version(ts: &str) -> String {
    let mut m = Map::new();
    m.insert("terraform".into(), json!(VERSION));
    m.insert("ui".into(), json!(UI_VERSION));
    message("info", &format!("terrane {VERSION}"), "version", ts, m)
}

/// A resource as messages name it.
pub fn resource(addr: &ResourceInstance) -> Json {
    json!({
        "addr": addr.to_string(),
        "module": if addr.module.is_root() { String::new() } else { addr.module.to_string() },
        "resource": format!("{}{}", addr.resource, addr.key.as_ref().map(ToString::to_string).unwrap_or_default()),
        "implied_provider": addr.resource.implied_provider(),
        "resource_type": addr.resource.type_name,
        "resource_name": addr.resource.name,
        "resource_key": match &addr.key {
            None => Json::Null,
            Some(InstanceKey::Int(i)) => json!(i),
            Some(InstanceKey::Str(s)) => json!(s),
        },
    })
}

fn action_word(a: Action) -> &'static str {
    match a {
        Action::NoOp => "noop",
        Action::Create => "create",
        Action::Read => "read",
        Action::Update => "update",
        Action::DeleteThenCreate | Action::CreateThenDelete => "replace",
        Action::Delete => "delete",
        Action::Forget => "forget",
    }
}

fn reason_word(c: &ResourceChange) -> Option<&'static str> {
    Some(match &c.reason {
        Some(Reason::ReplaceBecauseTainted) => "tainted",
        Some(Reason::ReplaceByRequest) => "requested",
        Some(Reason::ReplaceByTriggers) => "replace_triggered_by",
        Some(Reason::ReplaceBecauseCannotUpdate) => "cannot_update",
        Some(Reason::DeleteBecauseNoResourceConfig) => "delete_because_no_resource_config",
        Some(Reason::DeleteBecauseCountIndex) => "delete_because_count_index",
        Some(Reason::DeleteBecauseEachKey) => "delete_because_each_key",
        Some(Reason::DeleteBecauseNoModule) => "delete_because_no_module",
        Some(Reason::ReadBecauseConfigUnknown) => "read_because_config_unknown",
        Some(Reason::ReadBecauseDependencyPending) => "read_because_dependency_pending",
        None if c.action.is_replace() => "cannot_update",
        None => return None,
    })
}

/// `planned_change` of one change (`None` for a no-op that neither moves nor imports).
pub fn planned_change(c: &ResourceChange, ts: &str) -> Option<String> {
    let (word, text) = match (c.action, &c.prev_addr, &c.importing) {
        (Action::NoOp, Some(p), _) => ("move", format!("{}: Plan to move", p)),
        (Action::NoOp, None, Some(_)) => ("import", format!("{}: Plan to import", c.addr)),
        (Action::NoOp, None, None) => return None,
        (a, _, _) => (
            action_word(a),
            format!("{}: Plan to {}", c.addr, action_word(a)),
        ),
    };
    let mut change = Map::new();
    change.insert("resource".into(), resource(&c.addr));
    if let Some(p) = &c.prev_addr {
        change.insert("previous_resource".into(), resource(p));
    }
    change.insert("action".into(), json!(word));
    if let Some(r) = reason_word(c) {
        change.insert("reason".into(), json!(r));
    }
    if let Some(id) = &c.importing {
        change.insert("importing".into(), json!({"id": id}));
    }
    Some(message(
        "info",
        &text,
        "planned_change",
        ts,
        one("change", Json::Object(change)),
    ))
}

/// `change_summary`.
pub fn change_summary(c: Counts, operation: &str, text: &str, ts: &str) -> String {
    let changes = json!({
        "add": c.add, "change": c.change, "import": c.import, "remove": c.destroy,
        "operation": operation,
    });
    message("info", text, "change_summary", ts, one("changes", changes))
}

/// `outputs` (the planned output changes), `None` when there are none.
pub fn outputs(plan: &Plan, ts: &str) -> Option<String> {
    let mut m = Map::new();
    for o in &plan.outputs {
        let word = match o.action {
            Action::Create => "create",
            Action::Delete => "delete",
            Action::Update => "update",
            _ => "noop",
        };
        m.insert(
            o.name.clone(),
            json!({"sensitive": o.sensitive, "action": word}),
        );
    }
    if m.is_empty() {
        return None;
    }
    Some(message(
        "info",
        &format!("Outputs: {}", m.len()),
        "outputs",
        ts,
        one("outputs", Json::Object(m)),
    ))
}

/// A `diagnostic` message from one entry of the `validate -json` document.
pub fn diagnostic(diag: &Json, ts: &str) -> String {
    let severity = diag
        .get("severity")
        .and_then(Json::as_str)
        .unwrap_or("error");
    let summary = diag.get("summary").and_then(Json::as_str).unwrap_or("");
    let level = if severity == "warning" {
        "warn"
    } else {
        "error"
    };
    let text = format!(
        "{}: {summary}",
        if severity == "warning" {
            "Warning"
        } else {
            "Error"
        }
    );
    message(
        level,
        &text,
        "diagnostic",
        ts,
        one("diagnostic", diag.clone()),
    )
}

/// `resource_drift` of one object refresh found changed or gone.
pub fn resource_drift(d: &ResourceChange, ts: &str) -> String {
    let word = action_word(d.action);
    let change = json!({"resource": resource(&d.addr), "action": word});
    message(
        "info",
        &format!("{}: Drift detected ({word})", d.addr),
        "resource_drift",
        ts,
        one("change", change),
    )
}

/// The whole stream of a finished plan (after `version`): drift first, as Terraform.
pub fn plan_stream(plan: &Plan, summary_text: &str, counts: Counts, ts: &str) -> String {
    let mut out = String::new();
    for d in plan
        .drift
        .iter()
        .filter(|d| d.action != Action::NoOp || plan.refresh_only)
    {
        out.push_str(&resource_drift(d, ts));
        out.push('\n');
    }
    for c in &plan.changes {
        if let Some(l) = planned_change(c, ts) {
            out.push_str(&l);
            out.push('\n');
        }
    }
    out.push_str(&change_summary(counts, "plan", summary_text, ts));
    out.push('\n');
    if let Some(l) = outputs(plan, ts) {
        out.push_str(&l);
        out.push('\n');
    }
    out
}
