//! The scope an expression is evaluated in: only the root names it refers to, filled from the
//! values computed so far (so evaluating one expression costs what it references, not the size
//! of the configuration).

use std::collections::BTreeMap;
use std::path::PathBuf;

use terrane_dsl::eval::{Scope, Traversal, TraversalStep};
use terrane_dsl::value::{Type, Value};
use terrane_dsl::Diagnostic;

use super::values::{Repetition, Values};
use crate::addrs::{ModuleInstance, Resource};
use crate::config::{Config, Module};

/// Run-wide facts expressions can see: `path.root`, `path.cwd`, `terraform.workspace`.
#[derive(Clone, Debug)]
pub struct RunInfo {
    pub root_dir: PathBuf,
    pub cwd: PathBuf,
    pub workspace: String,
}

/// Where an expression is evaluated.
pub struct Site<'a> {
    pub config: &'a Config,
    pub module: &'a Module,
    pub instance: &'a ModuleInstance,
    pub repetition: &'a Repetition,
    pub self_value: Option<&'a Value>,
    pub run: &'a RunInfo,
}

fn first_attr(t: &Traversal, i: usize) -> Option<&str> {
    match t.steps.get(i) {
        Some(TraversalStep::Attr(n, _)) => Some(n.as_str()),
        _ => None,
    }
}

/// `path.module` as Terraform gives it: relative to the working directory.
fn module_path_string(site: &Site<'_>) -> String {
    let dir = &site.module.dir;
    let rel = dir.strip_prefix(&site.run.cwd).unwrap_or(dir);
    let s = rel.to_string_lossy().into_owned();
    if s.is_empty() {
        ".".to_string()
    } else {
        s.trim_start_matches("./").to_string()
    }
}

/// Builds the scope for `refs` at `site`; references that make no sense here (`count.index`
/// without `count`) are errors.
pub fn build(refs: &[Traversal], site: &Site<'_>, values: &Values) -> (Scope, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let mut vars = BTreeMap::new();
    let mut locals = BTreeMap::new();
    let mut modules = BTreeMap::new();
    let mut data: BTreeMap<String, BTreeMap<String, Value>> = BTreeMap::new();
    let mut managed: BTreeMap<String, BTreeMap<String, Value>> = BTreeMap::new();
    let mut scope = Scope::new();
    let inst = site.instance;
    for t in refs {
        match t.root.as_str() {
            "var" => {
                if let Some(n) = first_attr(t, 0) {
                    let v = values
                        .variables
                        .get(&(inst.clone(), n.to_string()))
                        .cloned()
                        .unwrap_or_else(Value::dynamic);
                    vars.insert(n.to_string(), v);
                }
            }
            "local" => {
                if let Some(n) = first_attr(t, 0) {
                    let v = values
                        .locals
                        .get(&(inst.clone(), n.to_string()))
                        .cloned()
                        .unwrap_or_else(Value::dynamic);
                    locals.insert(n.to_string(), v);
                }
            }
            "module" => {
                if let Some(n) = first_attr(t, 0) {
                    let child = site.module.path.child(n);
                    let outs: Vec<String> = site
                        .config
                        .module(&child)
                        .map(|m| m.outputs.keys().cloned().collect())
                        .unwrap_or_default();
                    modules.insert(n.to_string(), values.module_value(inst, n, &outs));
                }
            }
            "data" => {
                if let (Some(ty), Some(n)) = (first_attr(t, 0), first_attr(t, 1)) {
                    let v = values
                        .resources
                        .get(&(inst.clone(), Resource::data(ty, n)))
                        .map(|r| r.value())
                        .unwrap_or_else(Value::dynamic);
                    data.entry(ty.to_string()).or_default().insert(n.to_string(), v);
                }
            }
            "count" => match &site.repetition.count_index {
                Some(i) => scope.set("count", Value::object_from([("index", i.clone())])),
                None => diags.push(Diagnostic::error(
                    "Reference to \"count\" in non-counted context",
                    "The \"count\" object can only be used in \"module\", \"resource\", and \"data\" blocks, and only when the \"count\" argument is set.",
                    t.span,
                )),
            },
            "each" => match (&site.repetition.each_key, &site.repetition.each_value) {
                (Some(k), Some(v)) => scope.set(
                    "each",
                    Value::object_from([("key", k.clone()), ("value", v.clone())]),
                ),
                _ => diags.push(Diagnostic::error(
                    "Reference to \"each\" in context without for_each",
                    "The \"each\" object can be used only in \"module\" or \"resource\" blocks, and only when the \"for_each\" argument is set.",
                    t.span,
                )),
            },
            "self" => match site.self_value {
                Some(v) => scope.set("self", v.clone()),
                None => diags.push(Diagnostic::error(
                    "Invalid \"self\" reference",
                    "The \"self\" object is not available in this context. This object can be used only in resource provisioner, connection, and postcondition blocks.",
                    t.span,
                )),
            },
            "path" => scope.set(
                "path",
                Value::object_from([
                    ("module", Value::string(module_path_string(site))),
                    ("root", Value::string(".")),
                    ("cwd", Value::string(site.run.cwd.to_string_lossy())),
                ]),
            ),
            "terraform" => scope.set(
                "terraform",
                Value::object_from([("workspace", Value::string(&site.run.workspace))]),
            ),
            ty => {
                if let Some(n) = first_attr(t, 0) {
                    let v = values
                        .resources
                        .get(&(inst.clone(), Resource::managed(ty, n)))
                        .map(|r| r.value())
                        .unwrap_or_else(Value::dynamic);
                    managed.entry(ty.to_string()).or_default().insert(n.to_string(), v);
                }
            }
        }
    }
    if !vars.is_empty() {
        scope.set("var", Value::object(vars));
    }
    if !locals.is_empty() {
        scope.set("local", Value::object(locals));
    }
    if !modules.is_empty() {
        scope.set("module", Value::object(modules));
    }
    if !data.is_empty() {
        scope.set(
            "data",
            Value::object(
                data.into_iter()
                    .map(|(k, v)| (k, Value::object(v)))
                    .collect(),
            ),
        );
    }
    for (ty, m) in managed {
        scope.set(ty, Value::object(m));
    }
    (scope, diags)
}

/// An unknown of any type, for references to things not evaluated (validation).
pub fn unknown() -> Value {
    Value::unknown(Type::Dynamic)
}
