//! Decoding a module's top-level blocks into the [`Module`] model: `terraform`, `variable`,
//! `locals`, `output`, `function`, and (in `decode_resource`) resources, data sources, module
//! calls, providers, `moved`, `removed`, `import` and `check`. Every problem is reported, and
//! decoding goes on with the next block.

use terrane_dsl::syntax::ast::{Block, Body, BodyItem};
use terrane_dsl::value::{parse_constraint, Constraint};
use terrane_dsl::Diagnostic;

use super::content::{check_labels, check_name, const_string, traversal_list, Content};
use super::decode_resource;
use super::model::*;
use crate::source::{Diags, FileId, Sources};

/// Decodes the top-level blocks of one parsed file into `module`.
pub fn decode_file(
    body: &Body,
    file: FileId,
    module: &mut Module,
    sources: &Sources,
    diags: &mut Diags,
) {
    let mut function_blocks = Vec::new();
    for item in &body.items {
        let block = match item {
            BodyItem::Attribute(a) => {
                diags.push(
                    file,
                    Diagnostic::error(
                        "Unsupported argument",
                        format!(
                            "An argument named \"{}\" is not expected here.",
                            a.name.name
                        ),
                        a.name.span,
                    ),
                );
                continue;
            }
            BodyItem::Block(b) => b,
        };
        match block.ident.name.as_str() {
            "terraform" | "terrane" => terraform_block(block, file, module, diags),
            "variable" => variable(block, file, module, sources, diags),
            "locals" => locals(block, file, module, sources, diags),
            "output" => output(block, file, module, sources, diags),
            "function" => {
                if check_labels(block, &["name"], file, diags) {
                    function_blocks.push(block);
                }
            }
            "resource" | "data" | "module" | "provider" | "moved" | "removed" | "import"
            | "check" => decode_resource::decode(block, file, module, sources, diags),
            other => diags.push(
                file,
                Diagnostic::error(
                    "Unsupported block type",
                    format!("Blocks of type \"{other}\" are not expected here."),
                    block.ident.span,
                ),
            ),
        }
    }
    if !function_blocks.is_empty() {
        let (fns, ds) =
            terrane_dsl::eval::UserFunctions::from_blocks(function_blocks.iter().copied());
        diags.extend_in(file, ds);
        for name in fns.names() {
            if module.functions.get(name).is_some() {
                let span = fns.get(name).map(|f| f.span).unwrap_or_default();
                diags.push(
                    file,
                    Diagnostic::error(
                        "Duplicate function definition",
                        format!("A function named \"{name}\" was already defined in this module."),
                        span,
                    ),
                );
                continue;
            }
            module.function_files.insert(name.to_string(), file);
            if let Some(f) = fns.get(name) {
                module.functions.insert(f.clone());
            }
        }
    }
}

/// `header`: the span of a block's type and labels (where Terraform points for a whole block).
pub fn header(block: &Block, file: FileId) -> DeclRange {
    let end = block
        .labels
        .last()
        .map_or(block.ident.span.end, |l| l.span.end);
    DeclRange {
        file,
        span: terrane_dsl::syntax::Span::new(block.ident.span.start, end),
    }
}

/// Where a declaration is, as Terraform writes it in messages: `main.tf:3,1-15`.
pub fn place(sources: &Sources, decl: DeclRange) -> String {
    crate::source::place(sources.get(decl.file), decl.span)
}

/// Reports a second declaration of the same name.
pub fn duplicate(
    what: &str,
    name: &str,
    previous: DeclRange,
    sources: &Sources,
    block: &Block,
    file: FileId,
    diags: &mut Diags,
) {
    let at = place(sources, previous);
    diags.push(
        file,
        Diagnostic::error(
            format!("Duplicate {what} declaration"),
            format!(
                "A {what} named \"{name}\" was already declared at {at}. {} names must be unique within a module.",
                capitalize(what)
            ),
            header(block, file).span,
        ),
    );
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

fn terraform_block(block: &Block, file: FileId, module: &mut Module, diags: &mut Diags) {
    check_labels(block, &[], file, diags);
    let content = Content::read(
        &block.body,
        &["required_version", "experiments", "language"],
        &["required_providers", "backend", "cloud", "provider_meta"],
        file,
        diags,
    );
    if let Some(a) = content.attr("required_version") {
        if let Some(v) = const_string(a, file, diags) {
            module.required_version.push((
                v,
                DeclRange {
                    file,
                    span: a.expr.span,
                },
                block.ident.name == "terrane",
            ));
        }
    }
    for rp in content.blocks_of("required_providers") {
        for item in &rp.body.items {
            let BodyItem::Attribute(a) = item else {
                continue;
            };
            let mut req = RequiredProvider {
                name: a.name.name.clone(),
                source: None,
                version: None,
                configuration_aliases: Vec::new(),
            };
            match &a.expr.kind {
                terrane_dsl::syntax::ast::ExprKind::Object(items) => {
                    for it in items {
                        let key =
                            super::content::traversal(&it.key)
                                .map(|t| t.root)
                                .or_else(|| {
                                    super::content::constant(&it.key)
                                        .ok()
                                        .and_then(|v| v.as_str().map(str::to_string))
                                });
                        match key.as_deref() {
                            Some("source") => {
                                req.source = super::content::constant(&it.value)
                                    .ok()
                                    .and_then(|v| v.as_str().map(str::to_string))
                            }
                            Some("version") => {
                                req.version = super::content::constant(&it.value)
                                    .ok()
                                    .and_then(|v| v.as_str().map(str::to_string))
                            }
                            Some("configuration_aliases") => {
                                if let terrane_dsl::syntax::ast::ExprKind::Tuple(xs) =
                                    &it.value.kind
                                {
                                    for x in xs {
                                        if let Some(t) = super::content::traversal(x) {
                                            if let Some(alias) = t.attr_names().next() {
                                                req.configuration_aliases.push(alias.to_string());
                                            }
                                        }
                                    }
                                }
                            }
                            _ => {}
                        }
                    }
                }
                _ => {
                    // The legacy form `aws = "~> 5.0"` is a version constraint.
                    req.version = super::content::constant(&a.expr)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_string));
                }
            }
            module.required_providers.insert(req.name.clone(), req);
        }
    }
    for b in content.blocks_of("backend") {
        if !check_labels(b, &["type"], file, diags) {
            continue;
        }
        module.backend = Some(BackendConfig {
            kind: b.labels[0].value.clone(),
            body: b.body.clone(),
            file,
            decl: header(b, file),
        });
    }
    for b in content.blocks_of("cloud") {
        diags.push(
            file,
            Diagnostic::error(
                "Not supported yet",
                "terrane does not support HCP Terraform (`cloud` blocks) yet; use a `backend` block.",
                b.ident.span,
            ),
        );
    }
}

fn variable(
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
    if !check_name(&name, label.span, "variable", file, diags) {
        return;
    }
    if matches!(
        name.as_str(),
        "source"
            | "version"
            | "providers"
            | "count"
            | "for_each"
            | "lifecycle"
            | "depends_on"
            | "locals"
    ) {
        diags.push(
            file,
            Diagnostic::error(
                "Invalid variable name",
                format!("The variable name \"{name}\" is reserved due to its special meaning inside module blocks."),
                label.span,
            ),
        );
    }
    let content = Content::read(
        &block.body,
        &[
            "type",
            "default",
            "description",
            "sensitive",
            "nullable",
            "ephemeral",
        ],
        &["validation"],
        file,
        diags,
    );
    let mut constraint = Constraint::Any;
    let mut typed = false;
    if let Some(a) = content.attr("type") {
        match parse_constraint(&a.expr) {
            Ok(c) => {
                constraint = c;
                typed = true;
            }
            Err(d) => diags.push(file, d),
        }
    }
    let description = content.string("description", file, diags);
    let sensitive = content.bool_or("sensitive", false, file, diags);
    let nullable = content.bool_or("nullable", true, file, diags);
    let ephemeral = content.bool_or("ephemeral", false, file, diags);
    let default = content.attr("default").map(|a| Ex {
        file,
        expr: a.expr.clone(),
    });
    if let Some(d) = &default {
        // A default must be a constant of the declared type.
        match super::content::constant(&d.expr) {
            Ok(v) => {
                if let Err(e) = terrane_dsl::value::convert_to_constraint(&v, &constraint) {
                    diags.push(
                        file,
                        Diagnostic::error(
                            "Invalid default value for variable",
                            format!("This default value is not compatible with the variable's type constraint: {e}."),
                            d.expr.span,
                        ),
                    );
                } else if v.is_null() && !nullable {
                    diags.push(
                        file,
                        Diagnostic::error(
                            "Invalid default value for variable",
                            "A null default value is not valid when nullable=false.",
                            d.expr.span,
                        ),
                    );
                }
            }
            Err(ds) => diags.extend_in(file, ds),
        }
    }
    let validations = conditions(&content, "validation", file, diags);
    if let Some(prev) = module.variables.get(&name) {
        duplicate("variable", &name, prev.decl, sources, block, file, diags);
        return;
    }
    module.variables.insert(
        name.clone(),
        Variable {
            name,
            constraint,
            typed,
            default,
            description,
            sensitive,
            nullable,
            ephemeral,
            validations,
            decl: header(block, file),
        },
    );
}

/// `validation`, `precondition` or `postcondition` blocks: `condition` and `error_message`.
pub fn conditions(
    content: &Content<'_>,
    kind: &str,
    file: FileId,
    diags: &mut Diags,
) -> Vec<Condition> {
    let mut out = Vec::new();
    for b in content.blocks_of(kind) {
        check_labels(b, &[], file, diags);
        let c = Content::read(&b.body, &["condition", "error_message"], &[], file, diags);
        let (Some(cond), Some(msg)) = (c.attr("condition"), c.attr("error_message")) else {
            let missing = if c.attr("condition").is_none() {
                "condition"
            } else {
                "error_message"
            };
            diags.push(
                file,
                super::content::missing_argument(missing, b.open_brace),
            );
            continue;
        };
        out.push(Condition {
            condition: Ex {
                file,
                expr: cond.expr.clone(),
            },
            error_message: Ex {
                file,
                expr: msg.expr.clone(),
            },
            decl: header(b, file),
        });
    }
    out
}

fn locals(block: &Block, file: FileId, module: &mut Module, sources: &Sources, diags: &mut Diags) {
    check_labels(block, &[], file, diags);
    for item in &block.body.items {
        match item {
            BodyItem::Attribute(a) => {
                let name = a.name.name.clone();
                if !check_name(&name, a.name.span, "local value", file, diags) {
                    continue;
                }
                if let Some(prev) = module.locals.get(&name) {
                    let at = place(sources, prev.decl);
                    diags.push(
                        file,
                        Diagnostic::error(
                            "Duplicate local value definition",
                            format!(
                                "A local value named \"{name}\" was already defined at {at}. Local value names must be unique within a module."
                            ),
                            a.name.span,
                        ),
                    );
                    continue;
                }
                module.locals.insert(
                    name.clone(),
                    Local {
                        name,
                        value: Ex {
                            file,
                            expr: a.expr.clone(),
                        },
                        decl: DeclRange {
                            file,
                            span: a.name.span,
                        },
                    },
                );
            }
            BodyItem::Block(b) => diags.push(
                file,
                Diagnostic::error(
                    "Unsupported block type",
                    format!("Blocks of type \"{}\" are not expected here.", b.ident.name),
                    b.ident.span,
                ),
            ),
        }
    }
}

fn output(block: &Block, file: FileId, module: &mut Module, sources: &Sources, diags: &mut Diags) {
    if !check_labels(block, &["name"], file, diags) {
        return;
    }
    let label = &block.labels[0];
    let name = label.value.clone();
    if !check_name(&name, label.span, "output", file, diags) {
        return;
    }
    let content = Content::read(
        &block.body,
        &[
            "value",
            "description",
            "sensitive",
            "ephemeral",
            "depends_on",
        ],
        &["precondition"],
        file,
        diags,
    );
    let value = content.attr("value").map(|a| Ex {
        file,
        expr: a.expr.clone(),
    });
    if value.is_none() {
        diags.push(
            file,
            super::content::missing_argument("value", block.open_brace),
        );
    }
    let description = content.string("description", file, diags);
    let sensitive = content.bool_or("sensitive", false, file, diags);
    let ephemeral = content.bool_or("ephemeral", false, file, diags);
    let depends_on = content
        .attr("depends_on")
        .map(|a| traversal_list(a, file, diags))
        .unwrap_or_default()
        .into_iter()
        .map(|t| (file, t))
        .collect();
    let preconditions = conditions(&content, "precondition", file, diags);
    if let Some(prev) = module.outputs.get(&name) {
        duplicate("output", &name, prev.decl, sources, block, file, diags);
        return;
    }
    module.outputs.insert(
        name.clone(),
        Output {
            name,
            value,
            description,
            sensitive,
            ephemeral,
            depends_on,
            preconditions,
            decl: header(block, file),
        },
    );
}
