//! Saved plans (`plan -out=FILE`): one JSON document holding the plan, the root variable values
//! it was made with, a hash of the configuration files, the state it was made against and the
//! configuration summary `show -json` prints. `apply FILE` carries it out without re-deciding
//! anything, and refuses it when the state or the configuration changed since.

mod codec;

use std::collections::BTreeMap;
use std::path::Path as FsPath;

use serde_json::{json, Map, Value as Json};
use sha2::{Digest, Sha256};
use terrane_dsl::value::{Path, Value};

use super::model::{Action, Deferred, OutputChange, Plan, Reason, ResourceAttr, ResourceChange};
use crate::addrs::parse_instance;

pub use codec::{decode as decode_value, encode as encode_value};

/// The `format` field of every saved plan.
pub const FORMAT: &str = "terrane-plan";
/// The version of the layout below; a reader refuses other versions.
pub const VERSION: u64 = 1;

/// A saved plan refused or unreadable.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("cannot read the plan file {path}: {message}")]
    Io { path: String, message: String },
    #[error("the file {path} is not a terrane plan file: {message}")]
    Format { path: String, message: String },
}

/// The options the plan was made with, which the apply reuses.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Options {
    pub refresh: bool,
    pub parallelism: usize,
    pub replace: Vec<String>,
    /// `-target` addresses: the apply carries out only what the targeted plan planned.
    pub targets: Vec<String>,
}

/// Everything a saved plan holds.
#[derive(Clone, Debug, Default)]
pub struct SavedPlan {
    pub plan: Plan,
    pub workspace: String,
    /// Root variable values the plan was made with (`apply FILE` takes no `-var`).
    pub variables: BTreeMap<String, Value>,
    /// Which root variables are declared sensitive.
    pub sensitive_variables: Vec<String>,
    /// [`config_hash`] of the configuration the plan was made from.
    pub config_hash: String,
    pub options: Options,
    /// The prior state, in Terraform's v4 JSON state format (for `show -json`'s `prior_state`).
    pub prior_state: Option<String>,
    /// Terraform's JSON `configuration` object, computed when the plan was made.
    pub configuration: Json,
    /// When the plan was made (RFC 3339, UTC).
    pub timestamp: String,
    pub terrane_version: String,
}

/// The hash of configuration files (name and text; variable files excluded), in name order.
pub fn config_hash<'a>(files: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let mut files: Vec<(&str, &str)> = files
        .into_iter()
        .filter(|(name, _)| !is_var_file(name))
        .collect();
    files.sort();
    files.dedup();
    let mut h = Sha256::new();
    for (name, text) in files {
        h.update((name.len() as u64).to_le_bytes());
        h.update(name.as_bytes());
        h.update((text.len() as u64).to_le_bytes());
        h.update(text.as_bytes());
    }
    hex::encode(h.finalize())
}

fn is_var_file(name: &str) -> bool {
    [".tnvars", ".tfvars", ".tnvars.json", ".tfvars.json"]
        .iter()
        .any(|s| name.ends_with(s))
}

fn action_name(a: Action) -> &'static str {
    match a {
        Action::NoOp => "no-op",
        Action::Create => "create",
        Action::Read => "read",
        Action::Update => "update",
        Action::DeleteThenCreate => "delete-then-create",
        Action::CreateThenDelete => "create-then-delete",
        Action::Delete => "delete",
        Action::Forget => "forget",
    }
}

fn action_from(s: &str) -> Option<Action> {
    [
        Action::NoOp,
        Action::Create,
        Action::Read,
        Action::Update,
        Action::DeleteThenCreate,
        Action::CreateThenDelete,
        Action::Delete,
        Action::Forget,
    ]
    .into_iter()
    .find(|a| action_name(*a) == s)
}

/// Terraform's `action_reason` name of a reason (also the saved form).
pub fn reason_name(r: &Reason) -> &'static str {
    match r {
        Reason::ReplaceBecauseCannotUpdate => "replace_because_cannot_update",
        Reason::ReplaceBecauseTainted => "replace_because_tainted",
        Reason::ReplaceByRequest => "replace_by_request",
        Reason::ReplaceByTriggers => "replace_by_triggers",
        Reason::DeleteBecauseNoResourceConfig => "delete_because_no_resource_config",
        Reason::DeleteBecauseCountIndex => "delete_because_count_index",
        Reason::DeleteBecauseEachKey => "delete_because_each_key",
        Reason::DeleteBecauseNoModule => "delete_because_no_module",
        Reason::ReadBecauseConfigUnknown => "read_because_config_unknown",
        Reason::ReadBecauseDependencyPending => "read_because_dependency_pending",
    }
}

fn reason_from(s: &str) -> Option<Reason> {
    [
        Reason::ReplaceBecauseCannotUpdate,
        Reason::ReplaceBecauseTainted,
        Reason::ReplaceByRequest,
        Reason::ReplaceByTriggers,
        Reason::DeleteBecauseNoResourceConfig,
        Reason::DeleteBecauseCountIndex,
        Reason::DeleteBecauseEachKey,
        Reason::DeleteBecauseNoModule,
        Reason::ReadBecauseConfigUnknown,
        Reason::ReadBecauseDependencyPending,
    ]
    .into_iter()
    .find(|r| reason_name(r) == s)
}

fn opt_value(v: &Option<Value>) -> Result<Json, String> {
    v.as_ref().map_or(Ok(Json::Null), codec::encode)
}

fn opt_value_from(j: Option<&Json>) -> Result<Option<Value>, String> {
    match j {
        None | Some(Json::Null) => Ok(None),
        Some(j) => codec::decode(j).map(Some),
    }
}

fn path_json(p: &Path) -> Result<Json, String> {
    terrane_state::codec::path_to_json(p).map_err(|e| e.to_string())
}

fn change_json(c: &ResourceChange) -> Result<Json, String> {
    Ok(json!({
        "address": c.addr.to_string(),
        "previous_address": c.prev_addr.as_ref().map(|a| a.to_string()),
        "deposed": c.deposed,
        "action": action_name(c.action),
        "reason": c.reason.as_ref().map(reason_name),
        "provider": c.provider,
        "before": opt_value(&c.before)?,
        "after": opt_value(&c.after)?,
        "replace_paths": c.replace_paths.iter().map(path_json).collect::<Result<Vec<_>, _>>()?,
        "importing": c.importing,
        "adopted": c.adopted,
    }))
}

fn str_field<'a>(j: &'a Json, name: &str) -> Result<&'a str, String> {
    j.get(name)
        .and_then(Json::as_str)
        .ok_or_else(|| format!("missing `{name}`"))
}

fn opt_str(j: &Json, name: &str) -> Option<String> {
    j.get(name).and_then(Json::as_str).map(str::to_string)
}

fn change_from(j: &Json) -> Result<ResourceChange, String> {
    let addr = |s: &str| parse_instance(s).map_err(|e| e.to_string());
    let action = str_field(j, "action")?;
    Ok(ResourceChange {
        addr: addr(str_field(j, "address")?)?,
        prev_addr: opt_str(j, "previous_address")
            .map(|s| addr(&s))
            .transpose()?,
        deposed: opt_str(j, "deposed"),
        action: action_from(action).ok_or_else(|| format!("unknown action {action}"))?,
        reason: opt_str(j, "reason").and_then(|r| reason_from(&r)),
        provider: str_field(j, "provider")?.to_string(),
        before: opt_value_from(j.get("before"))?,
        after: opt_value_from(j.get("after"))?,
        replace_paths: j
            .get("replace_paths")
            .map(|p| terrane_state::codec::paths_from_value(p).map_err(|e| e.to_string()))
            .transpose()?
            .unwrap_or_default(),
        importing: opt_str(j, "importing"),
        adopted: j.get("adopted").and_then(Json::as_bool).unwrap_or(false),
    })
}

fn output_json(o: &OutputChange) -> Result<Json, String> {
    Ok(json!({
        "name": o.name,
        "action": action_name(o.action),
        "before": opt_value(&o.before)?,
        "after": opt_value(&o.after)?,
        "sensitive": o.sensitive,
    }))
}

fn output_from(j: &Json) -> Result<OutputChange, String> {
    let action = str_field(j, "action")?;
    Ok(OutputChange {
        name: str_field(j, "name")?.to_string(),
        action: action_from(action).ok_or_else(|| format!("unknown action {action}"))?,
        before: opt_value_from(j.get("before"))?,
        after: opt_value_from(j.get("after"))?,
        sensitive: j.get("sensitive").and_then(Json::as_bool).unwrap_or(false),
    })
}

/// The plan as JSON (the `plan` member of a saved plan).
pub fn plan_to_json(plan: &Plan) -> Result<Json, String> {
    Ok(json!({
        "changes": plan.changes.iter().map(change_json).collect::<Result<Vec<_>, _>>()?,
        "outputs": plan.outputs.iter().map(output_json).collect::<Result<Vec<_>, _>>()?,
        "deferred": plan.deferred.iter()
            .map(|d| json!({"address": d.address, "reason": d.reason}))
            .collect::<Vec<_>>(),
        "drift": plan.drift.iter().map(change_json).collect::<Result<Vec<_>, _>>()?,
        "relevant_attributes": plan.relevant_attributes.iter()
            .map(|r| Ok(json!({"resource": r.resource, "attribute": path_json(&r.attr)?})))
            .collect::<Result<Vec<_>, String>>()?,
        "destroy": plan.destroy,
        "refresh_only": plan.refresh_only,
        "shapes": plan.shapes.iter()
            .map(|(k, v)| (k.clone(), v.to_json()))
            .collect::<Map<String, Json>>(),
        "prior_lineage": plan.prior_lineage,
        "prior_serial": plan.prior_serial,
        "cleared_intents": plan.cleared_intents,
        "data_reads": plan.data_reads.iter()
            .map(|(k, v)| Ok((k.clone(), codec::encode(v)?)))
            .collect::<Result<Map<String, Json>, String>>()?,
    }))
}

/// The plan [`plan_to_json`] wrote.
pub fn plan_from_json(j: &Json) -> Result<Plan, String> {
    let list = |name: &str| -> &[Json] {
        j.get(name)
            .and_then(Json::as_array)
            .map_or(&[], Vec::as_slice)
    };
    Ok(Plan {
        changes: list("changes")
            .iter()
            .map(change_from)
            .collect::<Result<_, _>>()?,
        outputs: list("outputs")
            .iter()
            .map(output_from)
            .collect::<Result<_, _>>()?,
        deferred: list("deferred")
            .iter()
            .map(|d| Deferred {
                address: opt_str(d, "address").unwrap_or_default(),
                reason: opt_str(d, "reason").unwrap_or_default(),
            })
            .collect(),
        drift: list("drift")
            .iter()
            .map(change_from)
            .collect::<Result<_, _>>()?,
        relevant_attributes: list("relevant_attributes")
            .iter()
            .map(|r| {
                Ok(ResourceAttr {
                    resource: str_field(r, "resource")?.to_string(),
                    attr: r
                        .get("attribute")
                        .map(|p| terrane_state::codec::path_from_json(p).map_err(|e| e.to_string()))
                        .transpose()?
                        .unwrap_or_default(),
                })
            })
            .collect::<Result<_, String>>()?,
        destroy: j.get("destroy").and_then(Json::as_bool).unwrap_or(false),
        refresh_only: j
            .get("refresh_only")
            .and_then(Json::as_bool)
            .unwrap_or(false),
        shapes: j
            .get("shapes")
            .and_then(Json::as_object)
            .map(|m| {
                m.iter()
                    .map(|(k, v)| Ok((k.clone(), super::shape::BlockShape::from_json(v)?)))
                    .collect::<Result<_, String>>()
            })
            .transpose()?
            .unwrap_or_default(),
        prior_lineage: opt_str(j, "prior_lineage").unwrap_or_default(),
        prior_serial: j.get("prior_serial").and_then(Json::as_u64).unwrap_or(0),
        cleared_intents: list("cleared_intents")
            .iter()
            .filter_map(|a| a.as_str().map(str::to_string))
            .collect(),
        data_reads: j
            .get("data_reads")
            .and_then(Json::as_object)
            .map(|m| {
                m.iter()
                    .map(|(k, v)| Ok((k.clone(), codec::decode(v)?)))
                    .collect::<Result<_, String>>()
            })
            .transpose()?
            .unwrap_or_default(),
    })
}

impl SavedPlan {
    /// The whole document.
    pub fn to_json(&self) -> Result<Json, String> {
        let mut vars = Map::new();
        for (k, v) in &self.variables {
            vars.insert(k.clone(), codec::encode(v)?);
        }
        Ok(json!({
            "format": FORMAT,
            "version": VERSION,
            "terrane_version": self.terrane_version,
            "timestamp": self.timestamp,
            "workspace": self.workspace,
            "config_hash": self.config_hash,
            "options": {
                "refresh": self.options.refresh,
                "parallelism": self.options.parallelism,
                "replace": self.options.replace,
                "targets": self.options.targets,
            },
            "variables": vars,
            "sensitive_variables": self.sensitive_variables,
            "plan": plan_to_json(&self.plan)?,
            "prior_state": self.prior_state,
            "configuration": self.configuration,
        }))
    }

    /// A saved plan from its document.
    pub fn from_json(j: &Json) -> Result<SavedPlan, String> {
        if j.get("format").and_then(Json::as_str) != Some(FORMAT) {
            return Err("it has no `format: terrane-plan` field".into());
        }
        let version = j.get("version").and_then(Json::as_u64).unwrap_or(0);
        if version != VERSION {
            return Err(format!(
                "it was written in version {version} of the format; this terrane reads version {VERSION}"
            ));
        }
        let mut variables = BTreeMap::new();
        if let Some(vars) = j.get("variables").and_then(Json::as_object) {
            for (k, v) in vars {
                variables.insert(k.clone(), codec::decode(v)?);
            }
        }
        let options = j.get("options").cloned().unwrap_or(Json::Null);
        Ok(SavedPlan {
            plan: plan_from_json(j.get("plan").ok_or("it has no plan")?)?,
            workspace: opt_str(j, "workspace").unwrap_or_else(|| "default".into()),
            variables,
            sensitive_variables: str_list(j, "sensitive_variables"),
            config_hash: opt_str(j, "config_hash").unwrap_or_default(),
            options: Options {
                refresh: options
                    .get("refresh")
                    .and_then(Json::as_bool)
                    .unwrap_or(true),
                parallelism: options
                    .get("parallelism")
                    .and_then(Json::as_u64)
                    .unwrap_or(10) as usize,
                targets: str_list(&options, "targets"),
                replace: str_list(&options, "replace"),
            },
            prior_state: opt_str(j, "prior_state"),
            configuration: j.get("configuration").cloned().unwrap_or(Json::Null),
            timestamp: opt_str(j, "timestamp").unwrap_or_default(),
            terrane_version: opt_str(j, "terrane_version").unwrap_or_default(),
        })
    }

    /// Writes the plan to `path` (created with mode 0600: it may hold sensitive values).
    pub fn write(&self, path: &FsPath) -> Result<(), FileError> {
        let io = |e: String| FileError::Io {
            path: path.display().to_string(),
            message: e,
        };
        let doc = self.to_json().map_err(io)?;
        let text = serde_json::to_string(&doc).map_err(|e| io(e.to_string()))?;
        write_private(path, text.as_bytes()).map_err(|e| io(e.to_string()))
    }

    /// Reads a plan written by [`SavedPlan::write`].
    pub fn read(path: &FsPath) -> Result<SavedPlan, FileError> {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| FileError::Io {
            path: name.clone(),
            message: e.to_string(),
        })?;
        let format = |message: String| FileError::Format {
            path: name.clone(),
            message,
        };
        let doc: Json = serde_json::from_str(&text).map_err(|e| format(e.to_string()))?;
        SavedPlan::from_json(&doc).map_err(format)
    }

    /// Why the plan cannot be applied to a state with this lineage and serial, if it cannot.
    pub fn stale(&self, lineage: &str, serial: u64) -> Option<String> {
        let p = &self.plan;
        let fresh = p.prior_serial == 0 && serial == 0;
        if fresh || (p.prior_lineage == lineage && p.prior_serial == serial) {
            return None;
        }
        Some(format!(
            "The given plan file can no longer be applied because the state was changed by another operation after the plan was created (the plan was made against lineage {} serial {}; the state is now lineage {lineage} serial {serial}).",
            p.prior_lineage, p.prior_serial
        ))
    }
}

fn write_private(path: &FsPath, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

#[cfg(test)]
mod tests;

/// A list of strings at `key` of a JSON object (empty when absent).
fn str_list(j: &Json, key: &str) -> Vec<String> {
    j.get(key)
        .and_then(Json::as_array)
        .map(|l| {
            l.iter()
                .filter_map(Json::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}
