//! A compact, one-line-per-item text form of a syntax tree (operators and structure made
//! explicit, spans left out), for tests and debugging.
//!
//! Examples: `a = (+ 1 (* 2 3))`, `b = (. var.x name)` is written `(. var x)`, templates as
//! `(tmpl "text" ${expr})`, blocks as `block "type" "label" { ... }`.

use super::ast::{Body, BodyItem, Expr, ExprKind, ForExpr, Literal, TemplatePart, UnaryOp};

/// The body, one attribute or block header per line, nested bodies indented by two spaces.
pub fn body(body: &Body) -> String {
    let mut out = String::new();
    write_body(body, 0, &mut out);
    out
}

fn write_body(body: &Body, indent: usize, out: &mut String) {
    for item in &body.items {
        out.push_str(&"  ".repeat(indent));
        match item {
            BodyItem::Attribute(attr) => {
                out.push_str(&attr.name.name);
                out.push_str(" = ");
                out.push_str(&expr(&attr.expr));
                out.push('\n');
            }
            BodyItem::Block(block) => {
                out.push_str(&block.ident.name);
                for label in &block.labels {
                    if label.quoted {
                        out.push_str(&format!(" {:?}", label.value));
                    } else {
                        out.push(' ');
                        out.push_str(&label.value);
                    }
                }
                out.push_str(" {\n");
                write_body(&block.body, indent + 1, out);
                out.push_str(&"  ".repeat(indent));
                out.push_str("}\n");
            }
        }
    }
}

/// One expression.
pub fn expr(e: &Expr) -> String {
    match &e.kind {
        ExprKind::Literal(Literal::Null) => "null".into(),
        ExprKind::Literal(Literal::Bool(b)) => b.to_string(),
        ExprKind::Number(n) => n.clone(),
        ExprKind::Template(t) => {
            let mut s = String::from("(tmpl");
            if let Some(h) = &t.heredoc {
                s.push_str(if h.indented { "<<-" } else { "<<" });
                s.push_str(&h.marker);
            }
            parts(&t.parts, &mut s);
            s.push(')');
            s
        }
        ExprKind::Variable(id) => id.name.clone(),
        ExprKind::GetAttr { object, name } => format!("(. {} {})", expr(object), name.name),
        ExprKind::Index {
            collection,
            key,
            legacy,
        } => {
            let op = if *legacy { "legacy-index" } else { "index" };
            format!("({op} {} {})", expr(collection), expr(key))
        }
        ExprKind::Splat { source, each, full } => {
            let op = if *full { "splat[*]" } else { "splat.*" };
            format!("({op} {} {})", expr(source), expr(each))
        }
        ExprKind::SplatItem => "@".into(),
        ExprKind::FunctionCall {
            name,
            args,
            expand_final,
        } => {
            let name: Vec<&str> = name.iter().map(|i| i.name.as_str()).collect();
            let mut s = format!("(call {}", name.join("::"));
            for a in args {
                s.push(' ');
                s.push_str(&expr(a));
            }
            if *expand_final {
                s.push_str("...");
            }
            s.push(')');
            s
        }
        ExprKind::Conditional {
            condition,
            then,
            otherwise,
        } => format!("(? {} {} {})", expr(condition), expr(then), expr(otherwise)),
        ExprKind::Binary { op, lhs, rhs, .. } => {
            format!("({} {} {})", op.symbol(), expr(lhs), expr(rhs))
        }
        ExprKind::Unary { op, operand, .. } => {
            let op = match op {
                UnaryOp::Negate => "neg",
                UnaryOp::Not => "!",
            };
            format!("({op} {})", expr(operand))
        }
        ExprKind::Tuple(items) => {
            let items: Vec<String> = items.iter().map(expr).collect();
            format!("[{}]", items.join(" "))
        }
        ExprKind::Object(items) => {
            let items: Vec<String> = items
                .iter()
                .map(|i| {
                    let sep = if i.colon { ":" } else { "=" };
                    format!("{} {sep} {}", expr(&i.key), expr(&i.value))
                })
                .collect();
            format!("{{{}}}", items.join("; "))
        }
        ExprKind::For(f) => for_expr(f),
        ExprKind::Parenthesized(inner) => format!("(paren {})", expr(inner)),
        ExprKind::Error => "<error>".into(),
    }
}

fn for_expr(f: &ForExpr) -> String {
    let mut s = String::from("(for ");
    if let Some(k) = &f.key_var {
        s.push_str(&k.name);
        s.push_str(", ");
    }
    s.push_str(&f.value_var.name);
    s.push_str(" in ");
    s.push_str(&expr(&f.collection));
    s.push_str(" : ");
    if let Some(k) = &f.key {
        s.push_str(&expr(k));
        s.push_str(" => ");
    }
    s.push_str(&expr(&f.value));
    if f.grouping {
        s.push_str("...");
    }
    if let Some(c) = &f.condition {
        s.push_str(" if ");
        s.push_str(&expr(c));
    }
    s.push(')');
    s
}

fn parts(ps: &[TemplatePart], s: &mut String) {
    for p in ps {
        s.push(' ');
        match p {
            TemplatePart::Literal { text, .. } => s.push_str(&format!("{text:?}")),
            TemplatePart::Interpolation { expr: e, strip, .. } => {
                s.push_str("${");
                if strip.left {
                    s.push('~');
                }
                s.push_str(&expr(e));
                if strip.right {
                    s.push('~');
                }
                s.push('}');
            }
            TemplatePart::If {
                condition,
                then,
                otherwise,
                ..
            } => {
                s.push_str(&format!("(%if {} [", expr(condition)));
                parts(then, s);
                s.push_str(" ] else [");
                parts(otherwise, s);
                s.push_str(" ])");
            }
            TemplatePart::For {
                key_var,
                value_var,
                collection,
                body,
                ..
            } => {
                s.push_str("(%for ");
                if let Some(k) = key_var {
                    s.push_str(&k.name);
                    s.push_str(", ");
                }
                s.push_str(&format!("{} in {} [", value_var.name, expr(collection)));
                parts(body, s);
                s.push_str(" ])");
            }
        }
    }
}
