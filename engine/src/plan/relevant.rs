//! The resource attributes relevant to a plan (Terraform's `relevant_attributes`): what the
//! configuration of every resource that changes, and the value of every output that changes,
//! refer to, following locals, module variables and module outputs back to resource
//! attributes. Resources are not followed further: a changing resource that refers to
//! `a.output` makes `a.output` relevant, not what `a` itself refers to. Drift in other
//! attributes cannot explain the plan, so the human rendering leaves it out.

use std::collections::HashSet;

use terrane_dsl::eval::{references, Traversal, TraversalStep};
use terrane_dsl::value::{Path, PathStep, Value};

use super::model::{Action, Plan, ResourceAttr};
use super::shape::{BlockShape, Nesting};
use crate::addrs::{InstanceKey, ModuleInstance, Resource};
use crate::config::Config;
use crate::graph::build::body_refs;

/// The relevant attributes of `plan`, sorted by resource address, then path. (Terraform's
/// order is not deterministic: the same set comes out in different orders from run to run.)
pub fn relevant_attributes(config: &Config, plan: &Plan) -> Vec<ResourceAttr> {
    let mut queue: Vec<(ModuleInstance, Traversal)> = Vec::new();
    for c in &plan.changes {
        if c.action == Action::NoOp || c.deposed.is_some() {
            continue;
        }
        let Some(rc) = config
            .module(&c.addr.module.module())
            .and_then(|m| m.resources.get(&c.addr.resource))
        else {
            continue;
        };
        let module = &c.addr.module;
        for ex in rc.count.iter().chain(&rc.for_each) {
            queue.extend(
                references(&ex.expr)
                    .into_iter()
                    .map(|t| (module.clone(), t)),
            );
        }
        queue.extend(body_refs(&rc.body).into_iter().map(|t| (module.clone(), t)));
    }
    let root = config.root();
    for o in &plan.outputs {
        if o.action == Action::NoOp {
            continue;
        }
        if let Some(v) = root.outputs.get(&o.name).and_then(|o| o.value.as_ref()) {
            queue.extend(
                references(&v.expr)
                    .into_iter()
                    .map(|t| (ModuleInstance::root(), t)),
            );
        }
    }
    let mut visited: HashSet<String> = HashSet::new();
    let mut found: Vec<ResourceAttr> = Vec::new();
    // What `found` holds, as (address, path text): a lookup, not a scan (thousands of
    // resources refer to each other in large configurations).
    let mut seen: HashSet<(String, String)> = HashSet::new();
    while let Some((inst, t)) = queue.pop() {
        let Some(module) = config.module(&inst.module()) else {
            continue;
        };
        let names: Vec<&str> = t.attr_names().collect();
        let mut follow = |key: String, refs: Vec<Traversal>, inst: ModuleInstance| {
            if visited.insert(key) {
                queue.extend(refs.into_iter().map(|t| (inst.clone(), t)));
            }
        };
        match t.root.as_str() {
            "local" => {
                if let Some(l) = names.first().and_then(|n| module.locals.get(*n)) {
                    follow(
                        format!("{inst}.local.{}", l.name),
                        references(&l.value.expr),
                        inst.clone(),
                    );
                }
            }
            "var" => {
                let (Some(name), Some(parent), Some((call, _))) =
                    (names.first(), inst.parent(), inst.0.last())
                else {
                    continue;
                };
                if let Some(ex) = config
                    .module(&parent.module())
                    .and_then(|m| m.module_calls.get(call))
                    .and_then(|c| c.inputs.get(*name))
                {
                    follow(
                        format!("{inst}.var.{name}"),
                        references(&ex.expr),
                        parent.clone(),
                    );
                }
            }
            "module" => {
                let Some(call) = names.first() else { continue };
                let child = inst.child(call, None);
                let Some(cm) = config.module(&child.module()) else {
                    continue;
                };
                for (name, o) in &cm.outputs {
                    if names.get(1).is_some_and(|n| n != name) {
                        continue;
                    }
                    if let Some(v) = &o.value {
                        follow(
                            format!("{child}.output.{name}"),
                            references(&v.expr),
                            child.clone(),
                        );
                    }
                }
            }
            "path" | "count" | "each" | "self" | "terraform" => {}
            root => {
                let (resource, rest) = if root == "data" {
                    match (t.steps.first(), t.steps.get(1)) {
                        (Some(TraversalStep::Attr(ty, _)), Some(TraversalStep::Attr(name, _))) => {
                            (Resource::data(ty, name), &t.steps[2..])
                        }
                        _ => continue,
                    }
                } else {
                    match t.steps.first() {
                        Some(TraversalStep::Attr(name, _)) => {
                            (Resource::managed(root, name), &t.steps[1..])
                        }
                        _ => continue,
                    }
                };
                if !module.resources.contains_key(&resource) {
                    continue;
                }
                let (key, rest) = match rest.first() {
                    Some(TraversalStep::Index(k, _)) => (instance_key(k), &rest[1..]),
                    _ => (None, rest),
                };
                let attr = attribute_path(shape_for(plan, &resource), rest);
                let mut address = String::new();
                if !inst.is_root() {
                    address = format!("{inst}.");
                }
                address.push_str(&resource.to_string());
                if let Some(k) = key {
                    address.push_str(&k.to_string());
                }
                let ra = ResourceAttr {
                    resource: address,
                    attr,
                };
                if seen.insert((ra.resource.clone(), ra.attr.to_string())) {
                    found.push(ra);
                }
            }
        }
    }
    found.sort_by_cached_key(|a| (a.resource.clone(), a.attr.to_string()));
    found
}

/// The shape of `resource`'s type, if the plan has one (any provider).
fn shape_for<'p>(plan: &'p Plan, resource: &Resource) -> Option<&'p BlockShape> {
    let suffix = match resource.mode {
        crate::addrs::ResourceMode::Managed => format!(" {}", resource.type_name),
        crate::addrs::ResourceMode::Data => format!(" data.{}", resource.type_name),
    };
    plan.shapes
        .iter()
        .find(|(k, _)| k.ends_with(&suffix))
        .map(|(_, s)| s)
}

/// The attribute path a reference names, as far as the schema goes (Terraform's): an
/// attribute's name; into a single nested block; into one element of a list or map block
/// (with its index); a set block as a whole.
fn attribute_path(shape: Option<&BlockShape>, rest: &[TraversalStep]) -> Path {
    let mut path = Vec::new();
    let mut shape = shape;
    let mut i = 0;
    while let Some(TraversalStep::Attr(name, _)) = rest.get(i) {
        path.push(PathStep::GetAttr(name.clone()));
        i += 1;
        let Some(nested) = shape.and_then(|s| s.blocks.get(name)) else {
            break;
        };
        match nested.nesting {
            Nesting::Single => {}
            Nesting::List | Nesting::Map => match rest.get(i) {
                Some(TraversalStep::Index(k, _)) => {
                    path.push(PathStep::Index(k.clone()));
                    i += 1;
                }
                _ => break,
            },
            Nesting::Set => break,
        }
        shape = Some(&nested.block);
    }
    Path(path)
}

fn instance_key(v: &Value) -> Option<InstanceKey> {
    if let Some(s) = v.as_str() {
        return Some(InstanceKey::Str(s.to_string()));
    }
    v.as_i64().map(InstanceKey::Int)
}

#[cfg(test)]
mod tests {
    use terrane_dsl::eval::TraversalStep;
    use terrane_dsl::syntax::Span;
    use terrane_dsl::value::{Number, Path, Value};

    use super::attribute_path;
    use crate::plan::shape::{BlockShape, NestedShape, Nesting};

    fn attr(n: &str) -> TraversalStep {
        TraversalStep::Attr(n.to_string(), Span::empty(0))
    }

    fn index(i: i64) -> TraversalStep {
        TraversalStep::Index(Value::number(Number::from_i64(i)), Span::empty(0))
    }

    #[test]
    fn paths_go_as_far_as_the_schema() {
        let leaf = |nesting| NestedShape {
            nesting,
            block: BlockShape::default(),
        };
        let shape = BlockShape {
            blocks: [
                ("disk".to_string(), leaf(Nesting::List)),
                ("rule".to_string(), leaf(Nesting::Set)),
                ("timeouts".to_string(), leaf(Nesting::Single)),
            ]
            .into_iter()
            .collect(),
        };
        let p = |steps: &[TraversalStep]| attribute_path(Some(&shape), steps).to_string();
        let want = |path: Path| path.to_string();
        assert_eq!(p(&[attr("id"), attr("x")]), want(Path::root().attr("id")));
        assert_eq!(
            p(&[attr("disk"), index(0), attr("size"), attr("more")]),
            want(
                Path::root()
                    .attr("disk")
                    .index(Value::number(Number::from_i64(0)))
                    .attr("size")
            )
        );
        assert_eq!(
            p(&[attr("disk"), attr("size")]),
            want(Path::root().attr("disk"))
        );
        assert_eq!(
            p(&[attr("rule"), index(0)]),
            want(Path::root().attr("rule"))
        );
        assert_eq!(
            p(&[attr("timeouts"), attr("create")]),
            want(Path::root().attr("timeouts").attr("create"))
        );
        assert_eq!(p(&[index(0)]), want(Path::root()));
        assert_eq!(
            attribute_path(None, &[attr("disk"), index(0)]).to_string(),
            want(Path::root().attr("disk"))
        );
    }
}
