//! The formatter's contract, as one checkable function: formatting is idempotent and keeps the
//! meaning (the tree parsed from the output equals the tree parsed from the input, ignoring
//! spans and the rewrites `terraform fmt` makes on purpose). Used by property tests and fuzzing.

use crate::syntax::ast::{
    Attribute, Block, Body, BodyItem, Expr, ExprKind, ForExpr, Label, ObjectItem, Span, Template,
    TemplatePart,
};

/// Checks the formatter's contract on `source`. Inputs with syntax errors only have to be
/// parsed and formatted without panicking.
pub fn check_roundtrip(source: &str) -> Result<(), String> {
    let _ = crate::syntax::lex(source);
    let parsed = crate::syntax::parse(source);
    let formatted = super::format(source);
    if parsed.has_errors() {
        return match formatted {
            Ok(_) => Err("a file with syntax errors was formatted".into()),
            Err(_) => Ok(()),
        };
    }
    let formatted = formatted.map_err(|diags| {
        format!(
            "a file that parses without errors was refused by the formatter: {:?}",
            diags.first().map(|d| &d.summary)
        )
    })?;
    let again = super::format(&formatted)
        .map_err(|_| format!("the formatted text does not parse:\n{formatted}"))?;
    if again != formatted {
        return Err(format!(
            "formatting is not idempotent:\n--- once\n{formatted}\n--- twice\n{again}"
        ));
    }
    let reparsed = crate::syntax::parse(&formatted);
    if reparsed.has_errors() {
        return Err(format!(
            "the formatted text has syntax errors ({:?}):\n{formatted}",
            reparsed.diagnostics.first().map(|d| &d.summary)
        ));
    }
    let before = normalized(&parsed.body);
    let after = normalized(&reparsed.body);
    if before != after {
        return Err(format!(
            "formatting changed the meaning:\n--- input\n{source}\n--- output\n{formatted}"
        ));
    }
    Ok(())
}

/// The tree with every span zeroed and the formatter's deliberate rewrites applied, so that two
/// texts that mean the same thing give equal trees.
pub fn normalized(body: &Body) -> Body {
    let mut body = body.clone();
    body_mut(&mut body, &[]);
    body
}

fn body_mut(body: &mut Body, blocks: &[&str]) {
    body.span = Span::default();
    for item in &mut body.items {
        match item {
            BodyItem::Attribute(attr) => attribute_mut(attr, blocks),
            BodyItem::Block(block) => block_mut(block, blocks),
        }
    }
}

fn attribute_mut(attr: &mut Attribute, blocks: &[&str]) {
    attr.span = Span::default();
    attr.name.span = Span::default();
    // `terraform fmt` unwraps `"${expr}"` (adding parentheses around a multi-line result) ...
    loop {
        let inner = match &attr.expr.kind {
            ExprKind::Template(t) if t.heredoc.is_none() => t.single_interpolation().cloned(),
            ExprKind::Parenthesized(inner) => Some((**inner).clone()),
            _ => None,
        };
        match inner {
            Some(inner) => attr.expr = inner,
            None => break,
        }
    }
    // ... and spells legacy type constraints in their modern form.
    if blocks == ["variable"] && attr.name.name == "type" {
        legacy_type_mut(&mut attr.expr);
    }
    expr_mut(&mut attr.expr);
}

fn legacy_type_mut(expr: &mut Expr) {
    let modern = match &expr.kind {
        ExprKind::Variable(id) if matches!(id.name.as_str(), "list" | "map" | "set") => {
            Some((id.name.clone(), "any"))
        }
        ExprKind::Template(t) if t.heredoc.is_none() => match t.parts.as_slice() {
            [TemplatePart::Literal { text, .. }] if text == "string" => {
                expr.kind = ExprKind::Variable(crate::syntax::ast::Ident {
                    name: "string".into(),
                    span: Span::default(),
                });
                None
            }
            [TemplatePart::Literal { text, .. }] if text == "list" || text == "map" => {
                Some((text.clone(), "string"))
            }
            _ => None,
        },
        _ => None,
    };
    if let Some((outer, inner)) = modern {
        let ident = |name: &str| crate::syntax::ast::Ident {
            name: name.into(),
            span: Span::default(),
        };
        expr.kind = ExprKind::FunctionCall {
            name: vec![ident(&outer)],
            args: vec![Expr {
                kind: ExprKind::Variable(ident(inner)),
                span: Span::default(),
            }],
            expand_final: false,
        };
    }
}

fn block_mut(block: &mut Block, outer: &[&str]) {
    block.span = Span::default();
    block.open_brace = Span::default();
    block.close_brace = Span::default();
    block.ident.span = Span::default();
    for label in &mut block.labels {
        // Labels are always written quoted by the formatter.
        *label = Label {
            value: label.value.clone(),
            quoted: true,
            span: Span::default(),
        };
    }
    let name = block.ident.name.clone();
    let mut path: Vec<&str> = outer.to_vec();
    path.push(&name);
    body_mut(&mut block.body, &path);
}

fn expr_mut(expr: &mut Expr) {
    expr.span = Span::default();
    match &mut expr.kind {
        ExprKind::Literal(_) | ExprKind::Number(_) | ExprKind::SplatItem | ExprKind::Error => {}
        ExprKind::Template(t) => template_mut(t),
        ExprKind::Variable(id) => id.span = Span::default(),
        ExprKind::GetAttr { object, name } => {
            expr_mut(object);
            name.span = Span::default();
        }
        ExprKind::Index {
            collection, key, ..
        } => {
            expr_mut(collection);
            expr_mut(key);
        }
        ExprKind::Splat { source, each, .. } => {
            expr_mut(source);
            expr_mut(each);
        }
        ExprKind::FunctionCall { name, args, .. } => {
            name.iter_mut().for_each(|n| n.span = Span::default());
            args.iter_mut().for_each(expr_mut);
        }
        ExprKind::Conditional {
            condition,
            then,
            otherwise,
        } => {
            expr_mut(condition);
            expr_mut(then);
            expr_mut(otherwise);
        }
        ExprKind::Binary {
            op_span, lhs, rhs, ..
        } => {
            *op_span = Span::default();
            expr_mut(lhs);
            expr_mut(rhs);
        }
        ExprKind::Unary {
            op_span, operand, ..
        } => {
            *op_span = Span::default();
            expr_mut(operand);
        }
        ExprKind::Tuple(items) => items.iter_mut().for_each(expr_mut),
        ExprKind::Object(items) => items.iter_mut().for_each(object_item_mut),
        ExprKind::For(f) => for_mut(f),
        ExprKind::Parenthesized(inner) => expr_mut(inner),
    }
}

fn object_item_mut(item: &mut ObjectItem) {
    expr_mut(&mut item.key);
    expr_mut(&mut item.value);
}

fn for_mut(f: &mut ForExpr) {
    if let Some(k) = &mut f.key_var {
        k.span = Span::default();
    }
    f.value_var.span = Span::default();
    expr_mut(&mut f.collection);
    if let Some(k) = &mut f.key {
        expr_mut(k);
    }
    expr_mut(&mut f.value);
    if let Some(c) = &mut f.condition {
        expr_mut(c);
    }
}

fn template_mut(t: &mut Template) {
    parts_mut(&mut t.parts);
}

fn parts_mut(parts: &mut [TemplatePart]) {
    for part in parts {
        match part {
            TemplatePart::Literal { span, .. } => *span = Span::default(),
            TemplatePart::Interpolation { expr, span, .. } => {
                *span = Span::default();
                expr_mut(expr);
            }
            TemplatePart::If {
                condition,
                then,
                otherwise,
                span,
            } => {
                *span = Span::default();
                expr_mut(condition);
                parts_mut(then);
                parts_mut(otherwise);
            }
            TemplatePart::For {
                key_var,
                value_var,
                collection,
                body,
                span,
            } => {
                *span = Span::default();
                if let Some(k) = key_var {
                    k.span = Span::default();
                }
                value_var.span = Span::default();
                expr_mut(collection);
                parts_mut(body);
            }
        }
    }
}
