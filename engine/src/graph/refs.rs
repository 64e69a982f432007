//! Resolving a reference (`var.x`, `module.net.vpc_id`, `aws_instance.web[0].id`) written in a
//! module to the graph node it names, with Terraform's errors for what is not declared.

use terrane_dsl::eval::{Traversal, TraversalStep};
use terrane_dsl::Diagnostic;

use super::Node;
use crate::addrs::{ModulePath, Resource};
use crate::config::{Config, Module};

/// What a reference names.
#[derive(Clone, Debug, PartialEq)]
pub enum Target {
    Node(Node),
    /// Every output of a module call (`module.net` without an attribute).
    ModuleOutputs(ModulePath, String),
    /// `count.index`, `each.key`, `path.module`, `terraform.workspace`, `self`: no node.
    Contextual,
}

fn attr(t: &Traversal, i: usize) -> Option<(&str, terrane_dsl::syntax::Span)> {
    match t.steps.get(i) {
        Some(TraversalStep::Attr(n, s)) => Some((n.as_str(), *s)),
        _ => None,
    }
}

fn suggestion<'a>(name: &str, candidates: impl Iterator<Item = &'a String>) -> Option<String> {
    let mut best: Option<(usize, &String)> = None;
    for c in candidates {
        let d = edit_distance(name, c);
        if d <= 2.max(name.len() / 3) && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c.clone())
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur.push((prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The attribute after a root that cannot be used alone (`var.NAME`, `local.NAME`, ...).
fn first_name(t: &Traversal) -> Result<&str, Diagnostic> {
    attr(t, 0).map(|(n, _)| n).ok_or_else(|| {
        Diagnostic::error(
            "Invalid reference",
            format!("The \"{}\" object cannot be accessed directly. Instead, access one of its attributes.", t.root),
            t.span,
        )
    })
}

/// A reference to something undeclared, with a "did you mean" when a close name exists.
fn undeclared<'a>(
    summary: &str,
    detail: String,
    t: &Traversal,
    names: impl Iterator<Item = &'a String>,
) -> Diagnostic {
    let name = attr(t, 0).map(|(n, _)| n).unwrap_or_default();
    let mut d = Diagnostic::error(summary, detail, t.span);
    if let Some(s) = suggestion(name, names) {
        d = d.with_help(format!("did you mean {}.{s}?", t.root));
    }
    d
}

/// An attribute read straight off a resource with `count` or `for_each` (`aws_instance.web.id`
/// instead of `aws_instance.web[0].id`): step `at` of `t` is the one after the resource name.
fn missing_instance_key(
    t: &Traversal,
    at: usize,
    rc: &crate::config::ResourceConfig,
    name: &str,
) -> Result<(), Diagnostic> {
    let (meta, key) = match (&rc.count, &rc.for_each) {
        (Some(_), _) => ("count", "count.index"),
        (None, Some(_)) => ("for_each", "each.key"),
        (None, None) => return Ok(()),
    };
    let Some((_, attr_span)) = attr(t, at) else {
        return Ok(());
    };
    Err(Diagnostic::error(
        "Missing resource instance key",
        format!(
            "Because {name} has \"{meta}\" set, its attributes must be accessed on specific instances.\n\nFor example, to correlate with indices of a referring resource, use:\n    {name}[{key}]"
        ),
        terrane_dsl::syntax::Span::new(t.span.start, attr_span.end),
    ))
}

/// Resolves `t`, written in `module`.
pub fn resolve(t: &Traversal, module: &Module, config: &Config) -> Result<Target, Diagnostic> {
    let path = &module.path;
    let span = t.span;
    match t.root.as_str() {
        "var" => {
            let name = first_name(t)?;
            if module.variables.contains_key(name) {
                return Ok(Target::Node(Node::Variable(path.clone(), name.to_string())));
            }
            Err(undeclared(
                "Reference to undeclared input variable",
                format!("An input variable with the name \"{name}\" has not been declared. This variable can be declared with a variable \"{name}\" {{}} block."),
                t,
                module.variables.keys(),
            ))
        }
        "local" => {
            let name = first_name(t)?;
            if module.locals.contains_key(name) {
                return Ok(Target::Node(Node::Local(path.clone(), name.to_string())));
            }
            Err(undeclared(
                "Reference to undeclared local value",
                format!("A local value with the name \"{name}\" has not been declared."),
                t,
                module.locals.keys(),
            ))
        }
        "module" => {
            let name = first_name(t)?;
            if !module.module_calls.contains_key(name) {
                let mut d = Diagnostic::error(
                    "Reference to undeclared module",
                    format!(
                        "No module call named \"{name}\" is declared in {}.",
                        if path.is_root() {
                            "the root module".to_string()
                        } else {
                            path.to_string()
                        }
                    ),
                    span,
                );
                if let Some(s) = suggestion(name, module.module_calls.keys()) {
                    d = d.with_help(format!("did you mean module.{s}?"));
                }
                return Err(d);
            }
            let child = path.child(name);
            // `module.x.out` or `module.x["k"].out`: the output when written after the call.
            let out = match t.steps.get(1) {
                Some(TraversalStep::Attr(o, s)) => Some((o.clone(), *s)),
                Some(TraversalStep::Index(..)) => attr(t, 2).map(|(o, s)| (o.to_string(), s)),
                None => None,
            };
            match (out, config.module(&child)) {
                (Some((o, ospan)), Some(cm)) => {
                    if cm.outputs.contains_key(&o) {
                        Ok(Target::Node(Node::Output(child, o)))
                    } else {
                        Err(Diagnostic::error(
                            "Unsupported attribute",
                            format!("This object does not have an attribute named \"{o}\"."),
                            ospan,
                        ))
                    }
                }
                _ => Ok(Target::ModuleOutputs(path.clone(), name.to_string())),
            }
        }
        "data" => {
            let (Some((ty, _)), Some((name, _))) = (attr(t, 0), attr(t, 1)) else {
                return Err(Diagnostic::error(
                    "Invalid reference",
                    "The \"data\" object must be followed by two attribute names: the data source type and the resource name.",
                    span,
                ));
            };
            let r = Resource::data(ty, name);
            if let Some(rc) = module.resources.get(&r) {
                missing_instance_key(t, 2, rc, &format!("data.{ty}.{name}"))?;
                Ok(Target::Node(Node::Resource(path.clone(), r)))
            } else {
                Err(Diagnostic::error(
                    "Reference to undeclared resource",
                    format!(
                        "A data resource \"{ty}\" \"{name}\" has not been declared in {}.",
                        module_name(path)
                    ),
                    span,
                ))
            }
        }
        "count" | "each" | "self" | "path" | "terraform" => {
            if t.root == "path" {
                if let Some((a, _)) = attr(t, 0) {
                    if !matches!(a, "module" | "root" | "cwd") {
                        return Err(Diagnostic::error(
                            "Invalid \"path\" attribute",
                            format!("The \"path\" object does not have an attribute named \"{a}\". The supported attributes are path.cwd, the current working directory, path.module, the path to the module containing the expression, and path.root, the path to the root module."),
                            span,
                        ));
                    }
                }
            }
            if t.root == "terraform" {
                if let Some((a, _)) = attr(t, 0) {
                    if a != "workspace" {
                        return Err(Diagnostic::error(
                            "Invalid \"terraform\" attribute",
                            format!("The \"terraform\" object does not have an attribute named \"{a}\". The only supported attribute is terraform.workspace, the name of the currently-selected workspace."),
                            span,
                        ));
                    }
                }
            }
            Ok(Target::Contextual)
        }
        ty => {
            let Some((name, _)) = attr(t, 0) else {
                return Err(Diagnostic::error(
                    "Invalid reference",
                    "A reference to a resource type must be followed by at least one attribute access, specifying the resource name.",
                    span,
                ));
            };
            let r = Resource::managed(ty, name);
            if let Some(rc) = module.resources.get(&r) {
                missing_instance_key(t, 1, rc, &format!("{ty}.{name}"))?;
                Ok(Target::Node(Node::Resource(path.clone(), r)))
            } else {
                Err(Diagnostic::error(
                    "Reference to undeclared resource",
                    format!(
                        "A managed resource \"{ty}\" \"{name}\" has not been declared in {}.",
                        module_name(path)
                    ),
                    span,
                ))
            }
        }
    }
}

fn module_name(path: &ModulePath) -> String {
    if path.is_root() {
        "the root module".to_string()
    } else {
        path.to_string()
    }
}
