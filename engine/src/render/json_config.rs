//! The configuration in Terraform's JSON output format (a plan's `configuration`): provider
//! configurations, and per module its variables, outputs, resources and module calls, with
//! each argument's expression as a constant value or the references it makes. Computed when
//! the plan is made (the saved plan keeps it), so `show -json` needs no configuration.

use serde_json::{json, Map, Value as Json};
use terrane_dsl::eval::{references, Traversal, TraversalStep};
use terrane_dsl::syntax::ast::{Body, Expr};
use terrane_dsl::value::constraint::constant_value;

use super::json_values::value;
use crate::addrs::{ModulePath, ResourceMode};
use crate::config::model::{Config, Module, ProviderRef, ResourceConfig};

/// `var.x`, `aws_instance.web.id` and `aws_instance.web`, ... as Terraform lists references.
fn reference_strings(t: &Traversal) -> Vec<String> {
    let attrs: Vec<&str> = t
        .steps
        .iter()
        .map_while(|s| match s {
            TraversalStep::Attr(n, _) => Some(n.as_str()),
            TraversalStep::Index(..) => None,
        })
        .collect();
    let join = |n: usize| {
        let mut s = t.root.clone();
        for a in attrs.iter().take(n) {
            s.push('.');
            s.push_str(a);
        }
        s
    };
    let whole = |n: usize| attrs.len() >= n;
    match t.root.as_str() {
        "var" | "local" | "count" | "each" | "path" | "terraform" | "self" => {
            vec![join(1.min(attrs.len()))]
        }
        "data" if whole(3) => vec![join(3), join(2)],
        "module" if whole(2) => vec![join(2), join(1)],
        "data" | "module" => vec![join(attrs.len())],
        _ if whole(2) => vec![join(2), join(1)],
        _ => vec![join(attrs.len())],
    }
}

/// One expression: `{"constant_value": ...}` when it has no references and a constant value,
/// else `{"references": [...]}` (empty `{}` when neither).
pub fn expression(e: &Expr) -> Json {
    let refs = references(e);
    if refs.is_empty() {
        if let Ok(v) = constant_value(e) {
            return json!({"constant_value": value(&v)});
        }
        return json!({});
    }
    let mut list = Vec::new();
    for t in &refs {
        list.extend(reference_strings(t));
    }
    json!({"references": list})
}

/// The expressions of a body: attributes, and nested blocks as lists of bodies.
fn expressions(body: &Body) -> Map<String, Json> {
    let mut m = Map::new();
    for a in body.attributes() {
        m.insert(a.name.name.clone(), expression(&a.expr));
    }
    for b in body.blocks() {
        let entry = m
            .entry(b.ident.name.clone())
            .or_insert_with(|| Json::Array(Vec::new()));
        if let Json::Array(list) = entry {
            list.push(Json::Object(expressions(&b.body)));
        }
    }
    m
}

fn provider_key(module: &ModulePath, p: &ProviderRef) -> String {
    let local = match &p.alias {
        Some(a) => format!("{}.{a}", p.name),
        None => p.name.clone(),
    };
    if module.is_root() {
        local
    } else {
        format!("{}:{local}", module_prefix(module))
    }
}

fn module_prefix(path: &ModulePath) -> String {
    path.0
        .iter()
        .map(|n| format!("module.{n}"))
        .collect::<Vec<_>>()
        .join(".")
}

fn resource(module: &ModulePath, r: &ResourceConfig) -> Json {
    let mut m = Map::new();
    let addr = r.addr.to_string();
    m.insert("address".into(), json!(addr));
    m.insert(
        "mode".into(),
        json!(if r.addr.mode == ResourceMode::Data {
            "data"
        } else {
            "managed"
        }),
    );
    m.insert("type".into(), json!(r.addr.type_name));
    m.insert("name".into(), json!(r.addr.name));
    m.insert(
        "provider_config_key".into(),
        json!(provider_key(module, &r.provider)),
    );
    m.insert("expressions".into(), Json::Object(expressions(&r.body)));
    m.insert("schema_version".into(), json!(0));
    if let Some(c) = &r.count {
        m.insert("count_expression".into(), expression(&c.expr));
    }
    if let Some(f) = &r.for_each {
        m.insert("for_each_expression".into(), expression(&f.expr));
    }
    if !r.depends_on.is_empty() {
        let deps: Vec<String> = r
            .depends_on
            .iter()
            .flat_map(|(_, t)| reference_strings(t).into_iter().take(1))
            .collect();
        m.insert("depends_on".into(), json!(deps));
    }
    Json::Object(m)
}

fn module_json(config: &Config, module: &Module) -> Json {
    let mut m = Map::new();
    let mut outputs = Map::new();
    for (name, o) in &module.outputs {
        let mut j = Map::new();
        if o.sensitive {
            j.insert("sensitive".into(), json!(true));
        }
        if let Some(e) = &o.value {
            j.insert("expression".into(), expression(&e.expr));
        }
        if let Some(d) = &o.description {
            j.insert("description".into(), json!(d));
        }
        outputs.insert(name.clone(), Json::Object(j));
    }
    if !outputs.is_empty() {
        m.insert("outputs".into(), Json::Object(outputs));
    }
    let resources: Vec<Json> = module
        .resources
        .values()
        .map(|r| resource(&module.path, r))
        .collect();
    if !resources.is_empty() {
        m.insert("resources".into(), Json::Array(resources));
    }
    let mut calls = Map::new();
    for (name, call) in &module.module_calls {
        let mut j = Map::new();
        j.insert("source".into(), json!(call.source));
        let exprs: Map<String, Json> = call
            .inputs
            .iter()
            .map(|(k, e)| (k.clone(), expression(&e.expr)))
            .collect();
        j.insert("expressions".into(), Json::Object(exprs));
        if let Some(c) = &call.count {
            j.insert("count_expression".into(), expression(&c.expr));
        }
        if let Some(f) = &call.for_each {
            j.insert("for_each_expression".into(), expression(&f.expr));
        }
        if let Some(child) = config.modules.get(&module.path.child(name)) {
            j.insert("module".into(), module_json(config, child));
        }
        calls.insert(name.clone(), Json::Object(j));
    }
    if !calls.is_empty() {
        m.insert("module_calls".into(), Json::Object(calls));
    }
    let mut vars = Map::new();
    for (name, v) in &module.variables {
        let mut j = Map::new();
        if let Some(d) = v
            .default
            .as_ref()
            .and_then(|d| constant_value(&d.expr).ok())
        {
            j.insert("default".into(), value(&d));
        }
        if let Some(d) = &v.description {
            j.insert("description".into(), json!(d));
        }
        if v.sensitive {
            j.insert("sensitive".into(), json!(true));
        }
        vars.insert(name.clone(), Json::Object(j));
    }
    if !vars.is_empty() {
        m.insert("variables".into(), Json::Object(vars));
    }
    Json::Object(m)
}

/// The full name of a provider (`registry.terraform.io/hashicorp/aws`).
fn full_name(module: &Module, name: &str) -> String {
    if let Some(src) = module
        .required_providers
        .get(name)
        .and_then(|r| r.source.clone())
    {
        return if src.matches('/').count() == 1 {
            format!("registry.terraform.io/{src}")
        } else {
            src
        };
    }
    if name == "terraform" {
        "terraform.io/builtin/terraform".into()
    } else {
        format!("registry.terraform.io/hashicorp/{name}")
    }
}

/// The `configuration` object.
pub fn configuration(config: &Config) -> Json {
    let mut providers = Map::new();
    for module in config.modules.values() {
        let used = module
            .resources
            .values()
            .map(|r| &r.provider)
            .chain(module.providers.keys());
        for p in used {
            let key = provider_key(&module.path, p);
            providers.entry(key).or_insert_with(|| {
                let mut j = Map::new();
                j.insert("name".into(), json!(p.name));
                j.insert("full_name".into(), json!(full_name(module, &p.name)));
                if let Some(a) = &p.alias {
                    j.insert("alias".into(), json!(a));
                }
                if !module.path.is_root() {
                    j.insert("module_address".into(), json!(module_prefix(&module.path)));
                }
                Json::Object(j)
            });
        }
    }
    let mut m = Map::new();
    if !providers.is_empty() {
        m.insert("provider_config".into(), Json::Object(providers));
    }
    m.insert("root_module".into(), module_json(config, config.root()));
    Json::Object(m)
}
