//! Building the graph from the configuration: nodes for every declaration, edges from every
//! reference and `depends_on`, then the cycle check.

use petgraph::algo::tarjan_scc;
use terrane_dsl::eval::{references, Traversal};
use terrane_dsl::syntax::ast::{Body, BodyItem};
use terrane_dsl::syntax::Span;
use terrane_dsl::Diagnostic;

use super::refs::{resolve, Target};
use super::{Graph, Node};
use crate::addrs::ModulePath;
use crate::config::{Config, Module, ProviderRef};
use crate::source::{Diag, Diags, FileId};

/// The references of a resource body, leaving out the iterator names of `dynamic` blocks.
pub fn body_refs(body: &Body) -> Vec<Traversal> {
    let mut out = Vec::new();
    collect_body(body, &mut Vec::new(), &mut out);
    out
}

fn collect_body(body: &Body, bound: &mut Vec<String>, out: &mut Vec<Traversal>) {
    for item in &body.items {
        match item {
            BodyItem::Attribute(a) => push_refs(references(&a.expr), bound, out),
            BodyItem::Block(b) if b.ident.name == "dynamic" => {
                let mut iterator = b
                    .labels
                    .first()
                    .map(|l| l.value.clone())
                    .unwrap_or_default();
                for inner in &b.body.items {
                    if let BodyItem::Attribute(a) = inner {
                        match a.name.name.as_str() {
                            "iterator" => {
                                if let Some(t) = references(&a.expr).first() {
                                    iterator = t.root.clone();
                                }
                            }
                            "for_each" => push_refs(references(&a.expr), bound, out),
                            _ => {}
                        }
                    }
                }
                bound.push(iterator);
                for inner in &b.body.items {
                    match inner {
                        BodyItem::Attribute(a) if a.name.name == "labels" => {
                            push_refs(references(&a.expr), bound, out)
                        }
                        BodyItem::Block(c) if c.ident.name == "content" => {
                            collect_body(&c.body, bound, out)
                        }
                        _ => {}
                    }
                }
                bound.pop();
            }
            BodyItem::Block(b) => collect_body(&b.body, bound, out),
        }
    }
}

fn push_refs(refs: Vec<Traversal>, bound: &[String], out: &mut Vec<Traversal>) {
    out.extend(refs.into_iter().filter(|t| !bound.contains(&t.root)));
}

/// Everything a node's expressions refer to, each with its file.
pub fn node_refs(node: &Node, config: &Config) -> Vec<(FileId, Traversal)> {
    let Some(module) = config.module(node.module()) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut add =
        |file: FileId, refs: Vec<Traversal>| out.extend(refs.into_iter().map(|t| (file, t)));
    match node {
        Node::Variable(path, name) => {
            if let Some(v) = module.variables.get(name) {
                for c in &v.validations {
                    add(c.condition.file, references(&c.condition.expr));
                    add(c.error_message.file, references(&c.error_message.expr));
                }
            }
            // A child module's variable takes its value from the call in the parent module.
            let _ = path;
        }
        Node::Local(_, name) => {
            if let Some(l) = module.locals.get(name) {
                add(l.value.file, references(&l.value.expr));
            }
        }
        Node::Output(_, name) => {
            if let Some(o) = module.outputs.get(name) {
                if let Some(v) = &o.value {
                    add(v.file, references(&v.expr));
                }
                for c in &o.preconditions {
                    add(c.condition.file, references(&c.condition.expr));
                    add(c.error_message.file, references(&c.error_message.expr));
                }
                out.extend(o.depends_on.iter().cloned());
            }
        }
        Node::Resource(_, r) => {
            if let Some(rc) = module.resources.get(r) {
                if let Some(c) = &rc.count {
                    add(c.file, references(&c.expr));
                }
                if let Some(c) = &rc.for_each {
                    add(c.file, references(&c.expr));
                }
                add(rc.file, body_refs(&rc.body));
                for c in rc
                    .lifecycle
                    .preconditions
                    .iter()
                    .chain(&rc.lifecycle.postconditions)
                {
                    add(c.condition.file, references(&c.condition.expr));
                    add(c.error_message.file, references(&c.error_message.expr));
                }
                for e in &rc.lifecycle.replace_triggered_by {
                    add(e.file, references(&e.expr));
                }
                for p in &rc.provisioners {
                    add(p.file, body_refs(&p.body));
                }
                out.extend(rc.depends_on.iter().cloned());
            }
        }
        Node::Provider(_, p) => {
            if let Some(pc) = module.providers.get(p) {
                add(pc.file, body_refs(&pc.body));
            }
        }
        Node::ModuleCall(_, name) => {
            if let Some(call) = module.module_calls.get(name) {
                if let Some(c) = &call.count {
                    add(c.file, references(&c.expr));
                }
                if let Some(c) = &call.for_each {
                    add(c.file, references(&c.expr));
                }
                out.extend(call.depends_on.iter().cloned());
            }
        }
    }
    out
}

/// Builds the graph of the whole configuration and checks its references and cycles.
pub fn build(config: &Config) -> (Graph, Diags) {
    let mut g = Graph::default();
    let mut diags = Diags::default();
    for module in config.modules.values() {
        add_nodes(&mut g, module);
    }
    let nodes: Vec<Node> = g.graph.node_weights().cloned().collect();
    for node in &nodes {
        let module = &config.modules[node.module()];
        for (file, t) in node_refs(node, config) {
            match resolve(&t, module, config) {
                Ok(Target::Node(target)) => {
                    if &target == node && !matches!(node, Node::Variable(..)) {
                        diags.push(file, self_reference(node, t.span));
                        continue;
                    }
                    g.depend(node, &target);
                }
                Ok(Target::ModuleOutputs(path, name)) => {
                    let child = path.child(&name);
                    g.depend(node, &Node::ModuleCall(path, name));
                    if let Some(cm) = config.module(&child) {
                        for o in cm.outputs.keys() {
                            g.depend(node, &Node::Output(child.clone(), o.clone()));
                        }
                    }
                }
                Ok(Target::Contextual) => {}
                Err(d) => diags.push(file, d),
            }
        }
        // Module-call wiring: a child's variables depend on the call's input expressions
        // (written in the parent), and everything in the child on the call's expansion.
        if let Some(parent) = node.module().parent() {
            let call_name = node.module().0.last().cloned().unwrap_or_default();
            let call_node = Node::ModuleCall(parent.clone(), call_name.clone());
            g.depend(node, &call_node);
            if let Node::Variable(_, vname) = node {
                let pm = &config.modules[&parent];
                if let Some(call) = pm.module_calls.get(&call_name) {
                    if let Some(ex) = call.inputs.get(vname) {
                        for t in references(&ex.expr) {
                            match resolve(&t, pm, config) {
                                Ok(Target::Node(target)) => g.depend(node, &target),
                                Ok(Target::ModuleOutputs(path, name)) => {
                                    g.depend(node, &Node::ModuleCall(path, name))
                                }
                                Ok(Target::Contextual) => {}
                                Err(d) => diags.push(ex.file, d),
                            }
                        }
                    }
                }
            }
        }
    }
    for node in &nodes {
        if let Node::Resource(path, r) = node {
            if let Some(rc) = config.modules[path].resources.get(r) {
                let (ppath, pref) = provider_for(config, path, &rc.provider);
                let declared = config
                    .module(&ppath)
                    .is_some_and(|m| m.providers.contains_key(&pref));
                if pref.alias.is_some() && !declared {
                    diags.push(
                        rc.file,
                        Diagnostic::error(
                            "Provider configuration not present",
                            format!("{} refers to the provider configuration {pref}, which is not declared: add a provider \"{}\" block with alias = \"{}\", or pass it to the module with providers = {{ ... }}.", rc.addr, pref.name, pref.alias.clone().unwrap_or_default()),
                            rc.decl.span,
                        ),
                    );
                }
                let pnode = Node::Provider(ppath, pref);
                g.add(pnode.clone());
                g.depend(node, &pnode);
            }
        }
    }
    check_module_inputs(config, &mut diags);
    for scc in tarjan_scc(&g.graph) {
        if scc.len() > 1 {
            let names: Vec<String> = scc.iter().map(|i| g.graph[*i].to_string()).collect();
            diags.0.push(Diag::bare(Diagnostic::error(
                format!("Cycle: {}", names.join(", ")),
                format!(
                    "These objects refer to each other, so none of them can be evaluated first: {}. Break the cycle by removing one of the references.",
                    names.join(" -> ")
                ),
                Span::empty(0),
            )));
        }
    }
    (g, diags)
}

/// The provider configuration a resource in `path` uses for `pref`: the module's own block,
/// else what the module call passes in `providers = {...}`, else the caller's (inherited)
/// default configuration; an implied empty configuration at the root when none is declared.
pub fn provider_for(
    config: &Config,
    path: &ModulePath,
    pref: &ProviderRef,
) -> (ModulePath, ProviderRef) {
    let mut path = path.clone();
    let mut pref = pref.clone();
    loop {
        if let Some(m) = config.module(&path) {
            if m.providers.contains_key(&pref) {
                return (path, pref);
            }
        }
        let Some(parent) = path.parent() else {
            return (ModulePath::root(), pref);
        };
        let call_name = path.0.last().cloned().unwrap_or_default();
        if let Some(call) = config
            .module(&parent)
            .and_then(|m| m.module_calls.get(&call_name))
        {
            if let Some((_, to)) = call.providers.iter().find(|(k, _)| *k == pref) {
                pref = to.clone();
            } else if pref.alias.is_some() {
                // An aliased configuration must be passed explicitly; fall back to the root.
            }
        }
        path = parent;
    }
}

fn self_reference(node: &Node, span: Span) -> Diagnostic {
    Diagnostic::error(
        "Self-referential block",
        format!("Configuration for {node} may not refer to itself."),
        span,
    )
}

fn add_nodes(g: &mut Graph, module: &Module) {
    let p = &module.path;
    for n in module.variables.keys() {
        g.add(Node::Variable(p.clone(), n.clone()));
    }
    for n in module.locals.keys() {
        g.add(Node::Local(p.clone(), n.clone()));
    }
    for n in module.outputs.keys() {
        g.add(Node::Output(p.clone(), n.clone()));
    }
    for r in module.resources.keys() {
        g.add(Node::Resource(p.clone(), r.clone()));
    }
    for n in module.module_calls.keys() {
        g.add(Node::ModuleCall(p.clone(), n.clone()));
    }
    for pr in module.providers.keys() {
        g.add(Node::Provider(p.clone(), pr.clone()));
    }
}

/// A module call sets only variables the child declares, and every required one.
fn check_module_inputs(config: &Config, diags: &mut Diags) {
    for module in config.modules.values() {
        for call in module.module_calls.values() {
            let Some(child) = config.module(&module.path.child(&call.name)) else {
                continue;
            };
            for (name, ex) in &call.inputs {
                if !child.variables.contains_key(name) {
                    let span = call.input_spans.get(name).copied().unwrap_or(ex.expr.span);
                    diags.push(
                        ex.file,
                        Diagnostic::error(
                            "Unsupported argument",
                            format!("An argument named \"{name}\" is not expected here."),
                            span,
                        ),
                    );
                }
            }
            for (name, v) in &child.variables {
                if v.default.is_none() && !call.inputs.contains_key(name) {
                    diags.push(
                        call.decl.file,
                        Diagnostic::error(
                            "Missing required argument",
                            format!(
                                "The argument \"{name}\" is required, but no definition was found."
                            ),
                            call.decl.span,
                        ),
                    );
                }
            }
        }
    }
}
