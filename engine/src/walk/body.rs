//! Decoding a resource's body against its provider's schema into one object value: arguments
//! evaluated and converted to their types, nested blocks by nesting mode, `dynamic` blocks
//! expanded; unknown arguments, missing required ones and wrong types reported at their spans.

use std::collections::BTreeMap;

use terrane_dsl::syntax::ast::{Block, Body, BodyItem, Expr};
use terrane_dsl::syntax::Span;
use terrane_dsl::value::{convert, Type, Value};
use terrane_dsl::Diagnostic;
use terrane_provider::{BlockSchema, NestingMode};

/// Evaluates one expression with extra root names bound.
pub type EvalFn<'a> = dyn Fn(&Expr, &[(String, Value)]) -> (Value, Vec<Diagnostic>) + 'a;

/// Decodes `body` as `schema` describes; `what` names the block in messages.
pub fn decode(
    body: &Body,
    schema: &BlockSchema,
    open: Span,
    eval: &EvalFn<'_>,
    diags: &mut Vec<Diagnostic>,
) -> Value {
    decode_with(body, schema, open, eval, &[], diags)
}

fn decode_with(
    body: &Body,
    schema: &BlockSchema,
    open: Span,
    eval: &EvalFn<'_>,
    bound: &[(String, Value)],
    diags: &mut Vec<Diagnostic>,
) -> Value {
    let mut attrs: BTreeMap<String, Value> = BTreeMap::new();
    let mut blocks: BTreeMap<String, Vec<(Option<String>, Value)>> = BTreeMap::new();
    let mut unknown_blocks: Vec<String> = Vec::new();
    for item in &body.items {
        match item {
            BodyItem::Attribute(a) => {
                let name = &a.name.name;
                match schema.attributes.get(name) {
                    Some(s) if s.required || s.optional => {
                        let (v, ds) = eval(&a.expr, bound);
                        let had_errors = ds.iter().any(Diagnostic::is_error);
                        diags.extend(ds);
                        if had_errors {
                            attrs.insert(name.clone(), Value::unknown(s.ty.clone()));
                            continue;
                        }
                        match convert(&v, &s.ty) {
                            Ok(v) => {
                                attrs.insert(name.clone(), v);
                            }
                            Err(e) => {
                                diags.push(Diagnostic::error(
                                    "Incorrect attribute value type",
                                    format!(
                                        "Inappropriate value for attribute \"{name}\": {}.",
                                        e.message
                                    ),
                                    a.expr.span,
                                ));
                                attrs.insert(name.clone(), Value::unknown(s.ty.clone()));
                            }
                        }
                    }
                    _ => {
                        let close = suggest(
                            name,
                            schema
                                .attributes
                                .iter()
                                .filter(|(_, s)| s.required || s.optional)
                                .map(|(k, _)| k),
                        );
                        diags.push(unexpected(
                            schema,
                            name,
                            "Unsupported argument",
                            format!("An argument named \"{name}\" is not expected here."),
                            format!("the argument \"{name}\""),
                            close,
                            a.name.span,
                        ));
                    }
                }
            }
            BodyItem::Block(b) if b.ident.name == "dynamic" => dynamic(
                b,
                schema,
                eval,
                bound,
                &mut blocks,
                &mut unknown_blocks,
                diags,
            ),
            BodyItem::Block(b) => {
                let name = &b.ident.name;
                match schema.blocks.get(name) {
                    Some(nb) => {
                        let label = labels_ok(b, nb.nesting, diags);
                        let v = decode_with(&b.body, &nb.block, b.open_brace, eval, bound, diags);
                        blocks.entry(name.clone()).or_default().push((label, v));
                    }
                    None => {
                        let close = suggest(name, schema.blocks.keys());
                        diags.push(unexpected(
                            schema,
                            name,
                            "Unsupported block type",
                            format!("Blocks of type \"{name}\" are not expected here."),
                            format!("blocks of type \"{name}\""),
                            close,
                            b.ident.span,
                        ));
                    }
                }
            }
        }
    }
    let mut out = BTreeMap::new();
    for (name, s) in &schema.attributes {
        let v = attrs
            .remove(name)
            .unwrap_or_else(|| Value::null(s.ty.clone()));
        if s.required && v.is_null() && v.is_known() {
            diags.push(Diagnostic::error(
                "Missing required argument",
                format!("The argument \"{name}\" is required, but no definition was found."),
                open,
            ));
        }
        out.insert(name.clone(), v);
    }
    for (name, nb) in &schema.blocks {
        let items = blocks.remove(name).unwrap_or_default();
        let ety = nb.block.implied_type();
        if unknown_blocks.contains(name) {
            out.insert(name.clone(), Value::unknown(nb.implied_type()));
            continue;
        }
        let n = items.len() as u64;
        if n < nb.min_items || (nb.max_items > 0 && n > nb.max_items) {
            let (summary, detail) = if n < nb.min_items {
                (
                    "Insufficient ".to_string() + name + " blocks",
                    format!("At least {} \"{name}\" blocks are required.", nb.min_items),
                )
            } else {
                (
                    "Too many ".to_string() + name + " blocks",
                    format!(
                        "No more than {} \"{name}\" blocks are allowed.",
                        nb.max_items
                    ),
                )
            };
            diags.push(Diagnostic::error(summary, detail, open));
        }
        let v = match nb.nesting {
            NestingMode::Single => items
                .into_iter()
                .next()
                .map(|(_, v)| v)
                .unwrap_or_else(|| Value::null(ety)),
            NestingMode::List => {
                Value::list(ety.clone(), items.into_iter().map(|(_, v)| v).collect())
                    .unwrap_or_else(|_| Value::unknown(Type::list(ety)))
            }
            NestingMode::Set => {
                Value::set(ety.clone(), items.into_iter().map(|(_, v)| v).collect())
                    .unwrap_or_else(|_| Value::unknown(Type::set(ety)))
            }
            NestingMode::Map => Value::map(
                ety.clone(),
                items
                    .into_iter()
                    .filter_map(|(k, v)| k.map(|k| (k, v)))
                    .collect(),
            )
            .unwrap_or_else(|_| Value::unknown(Type::map(ety))),
        };
        out.insert(name.clone(), v);
    }
    Value::object(out)
}

fn labels_ok(b: &Block, nesting: NestingMode, diags: &mut Vec<Diagnostic>) -> Option<String> {
    let want = usize::from(nesting == NestingMode::Map);
    if b.labels.len() != want {
        let span = b.labels.get(want).map_or(b.open_brace, |l| l.span);
        diags.push(Diagnostic::error(
            if b.labels.len() > want {
                "Extraneous label for ".to_string() + &b.ident.name
            } else {
                "Missing name for ".to_string() + &b.ident.name
            },
            if want == 0 {
                format!("No labels are expected for {} blocks.", b.ident.name)
            } else {
                format!("A {} block needs one label, its key.", b.ident.name)
            },
            span,
        ));
    }
    b.labels.first().map(|l| l.value.clone())
}

/// Expands `dynamic "name" { for_each = ..., iterator = it, labels = [...], content { ... } }`.
fn dynamic(
    b: &Block,
    schema: &BlockSchema,
    eval: &EvalFn<'_>,
    bound: &[(String, Value)],
    blocks: &mut BTreeMap<String, Vec<(Option<String>, Value)>>,
    unknown_blocks: &mut Vec<String>,
    diags: &mut Vec<Diagnostic>,
) {
    let Some(label) = b.labels.first() else {
        diags.push(Diagnostic::error(
            "Missing name for dynamic",
            "A dynamic block needs one label: the type of the blocks it generates.",
            b.open_brace,
        ));
        return;
    };
    let name = &label.value;
    let Some(nb) = schema.blocks.get(name) else {
        diags.push(unexpected(
            schema,
            name,
            "Unsupported block type",
            format!("Blocks of type \"{name}\" are not expected here."),
            format!("blocks of type \"{name}\""),
            suggest(name, schema.blocks.keys()),
            label.span,
        ));
        return;
    };
    let mut for_each = None;
    let mut iterator = name.clone();
    let mut labels_expr = None;
    let mut content = None;
    for item in &b.body.items {
        match item {
            BodyItem::Attribute(a) => match a.name.name.as_str() {
                "for_each" => for_each = Some(&a.expr),
                "iterator" => match terrane_dsl::eval::references(&a.expr).first() {
                    Some(t) if t.steps.is_empty() => iterator = t.root.clone(),
                    _ => diags.push(Diagnostic::error(
                        "Invalid dynamic iterator name",
                        "Dynamic iterator must be a single variable name.",
                        a.expr.span,
                    )),
                },
                "labels" => labels_expr = Some(&a.expr),
                other => diags.push(Diagnostic::error(
                    "Unsupported argument",
                    format!("An argument named \"{other}\" is not expected here."),
                    a.name.span,
                )),
            },
            BodyItem::Block(c) if c.ident.name == "content" => content = Some(c),
            BodyItem::Block(c) => diags.push(Diagnostic::error(
                "Unsupported block type",
                format!("Blocks of type \"{}\" are not expected here.", c.ident.name),
                c.ident.span,
            )),
        }
    }
    let (Some(fe), Some(content)) = (for_each, content) else {
        diags.push(Diagnostic::error(
            "Missing required argument",
            "A dynamic block requires a \"for_each\" argument and a \"content\" block.",
            b.open_brace,
        ));
        return;
    };
    let (coll, ds) = eval(fe, bound);
    let errored = ds.iter().any(Diagnostic::is_error);
    diags.extend(ds);
    if errored {
        return;
    }
    if !coll.is_known() {
        unknown_blocks.push(name.clone());
        return;
    }
    if coll.is_null() {
        diags.push(Diagnostic::error(
            "Invalid dynamic for_each value",
            "Cannot use a null value in for_each.",
            fe.span,
        ));
        return;
    }
    let pairs: Vec<(Value, Value)> = if let Some(es) = coll.elements() {
        es.iter()
            .enumerate()
            .map(|(i, v)| {
                let k = if matches!(coll.ty(), Type::Set(_)) {
                    v.clone()
                } else {
                    Value::int(i as i64)
                };
                (k, v.clone())
            })
            .collect()
    } else if let Some(m) = coll.entries() {
        m.iter()
            .map(|(k, v)| (Value::string(k), v.clone()))
            .collect()
    } else {
        diags.push(Diagnostic::error(
            "Invalid dynamic for_each value",
            format!(
                "Cannot use a {} value in for_each. An iterable collection is required.",
                coll.ty().friendly_name()
            ),
            fe.span,
        ));
        return;
    };
    for (k, v) in pairs {
        let it = Value::object_from([("key", k), ("value", v)]);
        let mut inner: Vec<(String, Value)> = bound.to_vec();
        inner.push((iterator.clone(), it));
        let label = match (labels_expr, nb.nesting) {
            (Some(le), _) => {
                let (lv, ds) = eval(le, &inner);
                diags.extend(ds);
                lv.elements()
                    .and_then(|e| e.first())
                    .and_then(|v| v.as_str().map(str::to_string))
            }
            _ => None,
        };
        let value = decode_with(
            &content.body,
            &nb.block,
            content.open_brace,
            eval,
            &inner,
            diags,
        );
        blocks.entry(name.clone()).or_default().push((label, value));
    }
}

fn suggest<'a>(name: &str, candidates: impl Iterator<Item = &'a String>) -> Option<String> {
    candidates
        .filter(|c| {
            let common = c.chars().filter(|ch| name.contains(*ch)).count();
            c.len().abs_diff(name.len()) <= 2 && common * 4 >= c.len().max(name.len()) * 3
        })
        .min_by_key(|c| c.len().abs_diff(name.len()))
        .cloned()
}

/// The diagnostic of a name the schema does not have: Terraform's ("Unsupported argument",
/// with a "did you mean" when a known name is close), or, in a schema its provider marks
/// partial and with no name within two edits, "Not supported yet": most likely a real
/// argument of the type that terrane's provider does not implement yet.
fn unexpected(
    schema: &BlockSchema,
    name: &str,
    summary: &str,
    detail: String,
    what: String,
    close: Option<String>,
    span: Span,
) -> Diagnostic {
    let typo = close
        .as_deref()
        .is_some_and(|c| edit_distance(name, c) <= 2);
    match close {
        _ if schema.partial && !typo => Diagnostic::error(
            "Not supported yet",
            format!("terrane's provider does not implement {what} of this type yet."),
            span,
        ),
        Some(s) => {
            Diagnostic::error(summary, detail, span).with_help(format!("did you mean \"{s}\"?"))
        }
        None => Diagnostic::error(summary, detail, span),
    }
}

/// Levenshtein distance of two names (characters inserted, deleted or replaced).
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

/// Each `ignore_changes` element names an argument, nested block or attribute of the type.
pub fn check_ignore_changes(
    ignore: &crate::config::IgnoreChanges,
    schema: &terrane_provider::BlockSchema,
    diags: &mut Vec<Diagnostic>,
) {
    let crate::config::IgnoreChanges::Paths(paths) = ignore else {
        return;
    };
    if schema.partial {
        // A type implemented in part may lack an argument the configuration rightly names.
        return;
    }
    for t in paths {
        if !schema.attributes.contains_key(&t.root) && !schema.blocks.contains_key(&t.root) {
            diags.push(Diagnostic::error(
                "Unsupported attribute",
                format!(
                    "This object has no argument, nested block, or exported attribute named \"{}\".",
                    t.root
                ),
                t.span,
            ));
        }
    }
}
