//! Decoding `resource`, `data`, `module`, `provider`, `moved`, `removed`, `import` and `check`
//! blocks: meta-arguments (`count`, `for_each`, `provider`, `depends_on`, `lifecycle`,
//! provisioners) are taken out; what is left of a resource body is for its provider's schema.

use terrane_dsl::syntax::ast::{Block, Body, BodyItem, ExprKind};
use terrane_dsl::Diagnostic;

use super::content::{
    check_labels, check_name, const_bool, const_string, traversal, traversal_list,
    unsupported_block, Content,
};
use super::decode::{conditions, duplicate, header};
use super::model::*;
use crate::addrs::{Resource, ResourceMode};
use crate::source::{Diags, FileId, Sources};

pub fn decode(
    block: &Block,
    file: FileId,
    module: &mut Module,
    sources: &Sources,
    diags: &mut Diags,
) {
    match block.ident.name.as_str() {
        "resource" => resource(block, ResourceMode::Managed, file, module, sources, diags),
        "data" => resource(block, ResourceMode::Data, file, module, sources, diags),
        "module" => module_call(block, file, module, sources, diags),
        "provider" => provider(block, file, module, diags),
        "moved" => moved(block, file, module, diags),
        "removed" => removed(block, file, module, diags),
        "import" => import(block, file, module, diags),
        "check" => check(block, file, module, diags),
        _ => {}
    }
}

/// Reads `provider = aws.west` (a bare reference).
fn provider_ref(
    expr: &terrane_dsl::syntax::ast::Expr,
    file: FileId,
    diags: &mut Diags,
) -> Option<ProviderRef> {
    let t = traversal(expr);
    let Some(t) = t else {
        diags.push(
            file,
            Diagnostic::error(
                "Invalid provider reference",
                "A provider reference is a provider name, optionally followed by a period and an alias (aws or aws.west).",
                expr.span,
            ),
        );
        return None;
    };
    let alias: Vec<&str> = t.attr_names().collect();
    if alias.len() > 1 || t.steps.len() != alias.len() {
        diags.push(
            file,
            Diagnostic::error(
                "Invalid provider reference",
                "A provider reference is a provider name, optionally followed by a period and an alias (aws or aws.west).",
                expr.span,
            ),
        );
        return None;
    }
    Some(ProviderRef {
        name: t.root.clone(),
        alias: alias.first().map(|s| s.to_string()),
    })
}

const RESOURCE_META: &[&str] = &["count", "for_each", "provider", "depends_on"];
const RESOURCE_META_BLOCKS: &[&str] = &["lifecycle", "provisioner", "connection"];

fn resource(
    block: &Block,
    mode: ResourceMode,
    file: FileId,
    module: &mut Module,
    sources: &Sources,
    diags: &mut Diags,
) {
    if !check_labels(block, &["type", "name"], file, diags) {
        return;
    }
    let (ty, name) = (&block.labels[0], &block.labels[1]);
    let what = if mode == ResourceMode::Data {
        "data source"
    } else {
        "resource"
    };
    if !check_name(&ty.value, ty.span, &format!("{what} type"), file, diags)
        || !check_name(&name.value, name.span, what, file, diags)
    {
        return;
    }
    let addr = Resource {
        mode,
        type_name: ty.value.clone(),
        name: name.value.clone(),
    };
    let mut body = Body {
        items: Vec::new(),
        span: block.body.span,
    };
    let mut count = None;
    let mut for_each = None;
    let mut provider = None;
    let mut depends_on = Vec::new();
    let mut lifecycle = Lifecycle::default();
    let mut provisioners = Vec::new();
    for item in &block.body.items {
        match item {
            BodyItem::Attribute(a) if RESOURCE_META.contains(&a.name.name.as_str()) => {
                let ex = Ex {
                    file,
                    expr: a.expr.clone(),
                };
                match a.name.name.as_str() {
                    "count" => count = Some(ex),
                    "for_each" => for_each = Some(ex),
                    "provider" => provider = provider_ref(&a.expr, file, diags),
                    _ => {
                        depends_on = traversal_list(a, file, diags)
                            .into_iter()
                            .map(|t| (file, t))
                            .collect()
                    }
                }
            }
            BodyItem::Block(b) if RESOURCE_META_BLOCKS.contains(&b.ident.name.as_str()) => {
                match b.ident.name.as_str() {
                    "lifecycle" if mode == ResourceMode::Managed => {
                        lifecycle = decode_lifecycle(b, file, diags)
                    }
                    "lifecycle" => {
                        let c = Content::read(
                            &b.body,
                            &[],
                            &["precondition", "postcondition"],
                            file,
                            diags,
                        );
                        lifecycle.preconditions = conditions(&c, "precondition", file, diags);
                        lifecycle.postconditions = conditions(&c, "postcondition", file, diags);
                    }
                    "provisioner" if mode == ResourceMode::Managed => {
                        if let Some(p) = decode_provisioner(b, file, diags) {
                            provisioners.push(p);
                        }
                    }
                    "connection" if mode == ResourceMode::Managed => {}
                    other => diags.push(file, unsupported_block(other, b.ident.span)),
                }
            }
            other => body.items.push(other.clone()),
        }
    }
    if count.is_some() && for_each.is_some() {
        if let Some(fe) = &for_each {
            diags.push(
                file,
                Diagnostic::error(
                    "Invalid combination of \"count\" and \"for_each\"",
                    "The \"count\" and \"for_each\" meta-arguments are mutually-exclusive, only one should be used to be explicit about the number of resources to be created.",
                    fe.expr.span,
                ),
            );
        }
    }
    // Kept for the whole run, once per resource block: no spare capacity.
    body.items.shrink_to_fit();
    let provider_explicit = provider.is_some();
    let provider = provider.unwrap_or_else(|| ProviderRef {
        name: addr.implied_provider().to_string(),
        alias: None,
    });
    if let Some(prev) = module.resources.get(&addr) {
        let what = if mode == ResourceMode::Data {
            "data"
        } else {
            "resource"
        };
        let at = super::decode::place(sources, prev.decl);
        diags.push(
            file,
            Diagnostic::error(
                format!("Duplicate {what} \"{}\" configuration", addr.type_name),
                format!(
                    "A {} {} named \"{}\" was already declared at {at}. Resource names must be unique per type in each module.",
                    addr.type_name,
                    if mode == ResourceMode::Data { "data resource" } else { "resource" },
                    addr.name,
                ),
                header(block, file).span,
            ),
        );
        return;
    }
    module.resources.insert(
        addr.clone(),
        ResourceConfig {
            addr,
            count,
            for_each,
            provider,
            provider_explicit,
            depends_on,
            lifecycle,
            provisioners,
            body,
            file,
            decl: header(block, file),
        },
    );
}

fn decode_lifecycle(b: &Block, file: FileId, diags: &mut Diags) -> Lifecycle {
    check_labels(b, &[], file, diags);
    let c = Content::read(
        &b.body,
        &[
            "create_before_destroy",
            "prevent_destroy",
            "ignore_changes",
            "replace_triggered_by",
        ],
        &["precondition", "postcondition"],
        file,
        diags,
    );
    let mut l = Lifecycle {
        create_before_destroy: c.bool_or("create_before_destroy", false, file, diags),
        prevent_destroy: c.bool_or("prevent_destroy", false, file, diags),
        ..Lifecycle::default()
    };
    if let Some(a) = c.attr("ignore_changes") {
        l.ignore_changes = match &a.expr.kind {
            ExprKind::Variable(id) if id.name == "all" => IgnoreChanges::All,
            ExprKind::Template(_)
                if super::content::constant(&a.expr)
                    .ok()
                    .and_then(|v| v.as_str().map(|s| s == "all"))
                    .unwrap_or(false) =>
            {
                IgnoreChanges::All
            }
            _ => IgnoreChanges::Paths(traversal_list(a, file, diags)),
        };
    }
    if let Some(a) = c.attr("replace_triggered_by") {
        if let ExprKind::Tuple(items) = &a.expr.kind {
            for item in items {
                check_trigger(item, file, diags);
            }
            l.replace_triggered_by = items
                .iter()
                .map(|e| Ex {
                    file,
                    expr: e.clone(),
                })
                .collect();
        } else {
            diags.push(
                file,
                Diagnostic::error(
                    "Invalid expression",
                    "A static list expression is required.",
                    a.expr.span,
                ),
            );
        }
    }
    l.preconditions = conditions(&c, "precondition", file, diags);
    l.postconditions = conditions(&c, "postcondition", file, diags);
    l
}

/// A `replace_triggered_by` element refers to a managed resource (or one of its instances or
/// attributes), with only `count.index` and `each.key` besides, as Terraform requires.
fn check_trigger(item: &terrane_dsl::syntax::ast::Expr, file: FileId, diags: &mut Diags) {
    const NOT_RESOURCES: &[&str] = &[
        "var",
        "local",
        "module",
        "data",
        "path",
        "terraform",
        "self",
        "count",
        "each",
    ];
    let mut has_resource = false;
    for r in terrane_dsl::eval::references(item) {
        let first = r.attr_names().next();
        let allowed = match r.root.as_str() {
            "count" => first == Some("index"),
            "each" => first == Some("key"),
            root => !NOT_RESOURCES.contains(&root),
        };
        if !allowed {
            diags.push(
                file,
                Diagnostic::error(
                    "Invalid reference in replace_triggered_by expression",
                    "Only resources, count.index, and each.key may be used in replace_triggered_by.",
                    r.span,
                ),
            );
        } else if !NOT_RESOURCES.contains(&r.root.as_str()) {
            has_resource = true;
        }
    }
    if !has_resource {
        diags.push(
            file,
            Diagnostic::error(
                "Invalid replace_triggered_by expression",
                "Missing resource reference in replace_triggered_by expression.",
                item.span,
            ),
        );
    }
}

fn decode_provisioner(b: &Block, file: FileId, diags: &mut Diags) -> Option<Provisioner> {
    if !check_labels(b, &["type"], file, diags) {
        return None;
    }
    let kind = b.labels[0].value.clone();
    if kind != "local-exec" {
        let msg = if kind == "remote-exec" || kind == "file" {
            format!("The \"{kind}\" provisioner (over SSH) is not supported yet by terrane; use \"local-exec\" or a configuration-management tool.")
        } else {
            format!("There is no provisioner named \"{kind}\"; terrane supports \"local-exec\".")
        };
        diags.push(
            file,
            Diagnostic::error(
                if kind == "remote-exec" || kind == "file" {
                    "Not supported yet"
                } else {
                    "Invalid provisioner"
                },
                msg,
                b.labels[0].span,
            ),
        );
        return None;
    }
    let mut when = ProvisionerWhen::Create;
    let mut continue_on_failure = false;
    let mut body = Body {
        items: Vec::new(),
        span: b.body.span,
    };
    for item in &b.body.items {
        match item {
            BodyItem::Attribute(a) if a.name.name == "when" => {
                match traversal(&a.expr).map(|t| t.root) {
                    Some(w) if w == "destroy" => when = ProvisionerWhen::Destroy,
                    Some(w) if w == "create" => when = ProvisionerWhen::Create,
                    _ => diags.push(
                        file,
                        Diagnostic::error("Invalid \"when\" keyword", "The \"when\" argument requires one of the following keywords: create or destroy.", a.expr.span),
                    ),
                }
            }
            BodyItem::Attribute(a) if a.name.name == "on_failure" => {
                match traversal(&a.expr).map(|t| t.root) {
                    Some(w) if w == "continue" => continue_on_failure = true,
                    Some(w) if w == "fail" => continue_on_failure = false,
                    _ => diags.push(
                        file,
                        Diagnostic::error("Invalid \"on_failure\" keyword", "The \"on_failure\" argument requires one of the following keywords: continue or fail.", a.expr.span),
                    ),
                }
            }
            BodyItem::Block(c) if c.ident.name == "connection" => {}
            other => body.items.push(other.clone()),
        }
    }
    let c = Content::read(
        &body,
        &[
            "command",
            "working_dir",
            "interpreter",
            "environment",
            "quiet",
        ],
        &[],
        file,
        diags,
    );
    if c.attr("command").is_none() {
        diags.push(
            file,
            super::content::missing_argument("command", b.open_brace),
        );
    }
    Some(Provisioner {
        kind,
        when,
        continue_on_failure,
        body,
        file,
        decl: header(b, file),
    })
}

fn module_call(
    block: &Block,
    file: FileId,
    module: &mut Module,
    sources: &Sources,
    diags: &mut Diags,
) {
    if !check_labels(block, &["name"], file, diags) {
        return;
    }
    let label = &block.labels[0];
    let name = label.value.clone();
    if !check_name(&name, label.span, "module instance", file, diags) {
        return;
    }
    let mut source = None;
    let mut count = None;
    let mut for_each = None;
    let mut providers = Vec::new();
    let mut depends_on = Vec::new();
    let mut inputs = std::collections::BTreeMap::new();
    let mut input_spans = std::collections::BTreeMap::new();
    for item in &block.body.items {
        match item {
            BodyItem::Attribute(a) => {
                let ex = Ex {
                    file,
                    expr: a.expr.clone(),
                };
                match a.name.name.as_str() {
                    "source" => source = const_string(a, file, diags).map(|s| (s, a.expr.span)),
                    "version" => {}
                    "count" => count = Some(ex),
                    "for_each" => for_each = Some(ex),
                    "depends_on" => {
                        depends_on = traversal_list(a, file, diags)
                            .into_iter()
                            .map(|t| (file, t))
                            .collect()
                    }
                    "providers" => {
                        if let ExprKind::Object(items) = &a.expr.kind {
                            for it in items {
                                let k = provider_ref(&it.key, file, diags);
                                let v = provider_ref(&it.value, file, diags);
                                if let (Some(k), Some(v)) = (k, v) {
                                    providers.push((k, v));
                                }
                            }
                        } else {
                            diags.push(
                                file,
                                Diagnostic::error(
                                    "Invalid expression",
                                    "A static map expression is required.",
                                    a.expr.span,
                                ),
                            );
                        }
                    }
                    other => {
                        input_spans.insert(other.to_string(), a.name.span);
                        inputs.insert(other.to_string(), ex);
                    }
                }
            }
            BodyItem::Block(b) => {
                diags.push(file, unsupported_block(&b.ident.name, b.ident.span));
            }
        }
    }
    let Some((source, source_span)) = source else {
        diags.push(
            file,
            super::content::missing_argument("source", block.open_brace),
        );
        return;
    };
    if let Some(prev) = module.module_calls.get(&name) {
        duplicate("module call", &name, prev.decl, sources, block, file, diags);
        return;
    }
    module.module_calls.insert(
        name.clone(),
        ModuleCall {
            name,
            source,
            source_span,
            count,
            for_each,
            providers,
            depends_on,
            inputs,
            input_spans,
            decl: header(block, file),
        },
    );
}

fn provider(block: &Block, file: FileId, module: &mut Module, diags: &mut Diags) {
    if !check_labels(block, &["name"], file, diags) {
        return;
    }
    let name = block.labels[0].value.clone();
    let mut body = Body {
        items: Vec::new(),
        span: block.body.span,
    };
    let mut alias = None;
    for item in &block.body.items {
        match item {
            BodyItem::Attribute(a) if a.name.name == "alias" => {
                alias = const_string(a, file, diags)
            }
            BodyItem::Attribute(a) if a.name.name == "version" => {}
            other => body.items.push(other.clone()),
        }
    }
    let addr = ProviderRef { name, alias };
    if module.providers.contains_key(&addr) {
        diags.push(
            file,
            Diagnostic::error(
                "Duplicate provider configuration",
                format!("A provider configuration for \"{addr}\" was already given. Each configuration for the same provider must have a distinct alias."),
                header(block, file).span,
            ),
        );
        return;
    }
    module.providers.insert(
        addr.clone(),
        ProviderConfig {
            addr,
            body,
            file,
            decl: header(block, file),
        },
    );
}

fn moved(block: &Block, file: FileId, module: &mut Module, diags: &mut Diags) {
    check_labels(block, &[], file, diags);
    let c = Content::read(&block.body, &["from", "to"], &[], file, diags);
    let get = |name: &str, diags: &mut Diags| {
        let a = c.attr(name);
        match a.and_then(|a| traversal(&a.expr)) {
            Some(t) => Some((file, t)),
            None => {
                match a {
                    Some(a) => diags.push(
                        file,
                        Diagnostic::error(
                            "Invalid address",
                            "A static reference to a resource or module is required.",
                            a.expr.span,
                        ),
                    ),
                    None => diags.push(
                        file,
                        super::content::missing_argument(name, block.open_brace),
                    ),
                }
                None
            }
        }
    };
    let from = get("from", diags);
    let to = get("to", diags);
    if let (Some(from), Some(to)) = (from, to) {
        module.moved.push(Moved {
            from,
            to,
            decl: header(block, file),
        });
    }
}

fn removed(block: &Block, file: FileId, module: &mut Module, diags: &mut Diags) {
    check_labels(block, &[], file, diags);
    let c = Content::read(
        &block.body,
        &["from"],
        &["lifecycle", "provisioner", "connection"],
        file,
        diags,
    );
    let Some(from) = c.attr("from").and_then(|a| traversal(&a.expr)) else {
        diags.push(
            file,
            super::content::missing_argument("from", block.open_brace),
        );
        return;
    };
    let mut destroy = true;
    for l in c.blocks_of("lifecycle") {
        let lc = Content::read(&l.body, &["destroy"], &[], file, diags);
        if let Some(a) = lc.attr("destroy") {
            destroy = const_bool(a, file, diags).unwrap_or(true);
        }
    }
    module.removed.push(Removed {
        from: (file, from),
        destroy,
        decl: header(block, file),
    });
}

fn import(block: &Block, file: FileId, module: &mut Module, diags: &mut Diags) {
    check_labels(block, &[], file, diags);
    let c = Content::read(
        &block.body,
        &["to", "id", "for_each", "provider", "identity"],
        &[],
        file,
        diags,
    );
    let (Some(to), Some(id)) = (c.attr("to"), c.attr("id")) else {
        let missing = if c.attr("to").is_none() { "to" } else { "id" };
        diags.push(
            file,
            super::content::missing_argument(missing, block.open_brace),
        );
        return;
    };
    module.imports.push(Import {
        to: Ex {
            file,
            expr: to.expr.clone(),
        },
        id: Ex {
            file,
            expr: id.expr.clone(),
        },
        for_each: c.attr("for_each").map(|a| Ex {
            file,
            expr: a.expr.clone(),
        }),
        provider: c
            .attr("provider")
            .and_then(|a| provider_ref(&a.expr, file, diags)),
        decl: header(block, file),
    });
}

fn check(block: &Block, file: FileId, module: &mut Module, diags: &mut Diags) {
    if !check_labels(block, &["name"], file, diags) {
        return;
    }
    let c = Content::read(&block.body, &[], &["assert", "data"], file, diags);
    let asserts = conditions(&c, "assert", file, diags);
    let mut scratch = Module::default();
    let sources = Sources::default();
    let mut data = None;
    for d in c.blocks_of("data") {
        resource(d, ResourceMode::Data, file, &mut scratch, &sources, diags);
        data = scratch.resources.values().next().cloned();
    }
    module.checks.push(Check {
        name: block.labels[0].value.clone(),
        asserts,
        data,
        decl: header(block, file),
    });
}
