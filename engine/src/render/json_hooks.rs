//! `apply -json` and `destroy -json`: Terraform's machine-readable messages of an apply in
//! progress (`apply_start`, `apply_complete`, `provision_progress`) and at its end
//! (`change_summary` with operation `apply`/`destroy`, `outputs` with their values), each with
//! a microsecond `@timestamp` as Terraform writes them.

use serde_json::{json, Map, Value as Json};
use terrane_dsl::value::{to_json, type_to_json};
use terrane_state::Outputs;

use super::json_events::{message, one, resource};
use crate::addrs::parse_instance;
use crate::events::Event;

/// The `resource` object of a hook, from the address an event names.
fn hook_resource(address: &str) -> Json {
    match parse_instance(address) {
        Ok(addr) => resource(&addr),
        Err(_) => json!({ "addr": address }),
    }
}

/// The action of a progress verb.
fn action(verb: &str) -> &'static str {
    match verb {
        "Creating" => "create",
        "Modifying" => "update",
        "Destroying" => "delete",
        "Reading" => "read",
        _ => "noop",
    }
}

fn done_words(verb: &str) -> &'static str {
    match verb {
        "Creating" => "Creation complete",
        "Modifying" => "Modifications complete",
        "Destroying" => "Destruction complete",
        "Reading" => "Read complete",
        _ => "Complete",
    }
}

/// The message of one progress event.
pub fn event(e: &Event, ts: &str) -> String {
    match e {
        Event::Started { address, verb } => {
            let hook = json!({ "resource": hook_resource(address), "action": action(verb) });
            message(
                "info",
                &format!("{address}: {verb}..."),
                "apply_start",
                ts,
                one("hook", hook),
            )
        }
        Event::Finished {
            address,
            verb,
            elapsed,
            id,
        } => {
            let mut hook = Map::new();
            hook.insert("resource".into(), hook_resource(address));
            hook.insert("action".into(), json!(action(verb)));
            if let Some(id) = id {
                hook.insert("id_key".into(), json!("id"));
                hook.insert("id_value".into(), json!(id));
            }
            hook.insert("elapsed_seconds".into(), json!(elapsed.as_secs()));
            let id_text = id
                .as_ref()
                .map(|i| format!(" [id={i}]"))
                .unwrap_or_default();
            message(
                "info",
                &format!(
                    "{address}: {} after {}s{id_text}",
                    done_words(verb),
                    elapsed.as_secs()
                ),
                "apply_complete",
                ts,
                one("hook", Json::Object(hook)),
            )
        }
        Event::Output {
            address,
            provisioner,
            line,
        } => {
            let hook = json!({
                "resource": hook_resource(address),
                "provisioner": provisioner,
                "output": line,
            });
            message(
                "info",
                &format!("{address}: ({provisioner}): {line}"),
                "provision_progress",
                ts,
                one("hook", hook),
            )
        }
    }
}

/// The `change_summary` at the end of an apply (`destroy` for a destroy run).
pub fn summary(added: usize, changed: usize, destroyed: usize, destroy: bool, ts: &str) -> String {
    let (text, operation) = if destroy {
        (
            format!("Destroy complete! Resources: {destroyed} destroyed."),
            "destroy",
        )
    } else {
        (
            format!(
                "Apply complete! Resources: {added} added, {changed} changed, {destroyed} destroyed."
            ),
            "apply",
        )
    };
    let changes = json!({
        "add": added, "change": changed, "import": 0, "remove": destroyed,
        "operation": operation,
    });
    message("info", &text, "change_summary", ts, one("changes", changes))
}

/// The `outputs` message after an apply: each root output's sensitivity, type and value
/// (the value left out when sensitive).
pub fn outputs(outputs: &Outputs, ts: &str) -> String {
    let mut m = Map::new();
    for (name, o) in outputs {
        let mut entry = Map::new();
        entry.insert("sensitive".into(), json!(o.sensitive));
        let ty: Json = serde_json::from_str(&type_to_json(o.value.ty())).unwrap_or(Json::Null);
        entry.insert("type".into(), ty);
        if !o.sensitive {
            let v: Json = to_json(&o.value)
                .ok()
                .and_then(|s| serde_json::from_str(&s).ok())
                .unwrap_or(Json::Null);
            entry.insert("value".into(), v);
        }
        m.insert(name.clone(), Json::Object(entry));
    }
    message(
        "info",
        &format!("Outputs: {}", m.len()),
        "outputs",
        ts,
        one("outputs", Json::Object(m)),
    )
}
