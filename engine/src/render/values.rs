//! Values as plans show them, one renderer per value shape: strings quoted (multi-line ones as
//! heredocs), numbers and bools as written, collections and objects over several lines,
//! `(known after apply)` for unknowns and `(sensitive value)` for sensitive ones.

use terrane_dsl::value::{format_value, Mark, Type, Value, ValueKind};

/// Renders `v` at `indent` (the column of the line it starts on).
pub fn render(v: &Value, indent: usize) -> String {
    if v.has_mark(&Mark::Sensitive) {
        return "(sensitive value)".into();
    }
    if !v.is_known() {
        return "(known after apply)".into();
    }
    if v.is_null() {
        return "null".into();
    }
    let pad = " ".repeat(indent + 4);
    let close = " ".repeat(indent);
    match v.kind() {
        ValueKind::String(s) if s.contains('\n') => {
            let mut out = String::from("<<-EOT\n");
            for line in s.trim_end_matches('\n').split('\n') {
                out.push_str(&pad);
                out.push_str(line);
                out.push('\n');
            }
            out.push_str(&close);
            out.push_str("EOT");
            out
        }
        ValueKind::String(_) | ValueKind::Number(_) | ValueKind::Bool(_) => {
            format_value(&v.clone().unmark().0, 0)
        }
        _ => match v.ty() {
            Type::List(_) | Type::Set(_) | Type::Tuple(_) => {
                let elems = v.elements().unwrap_or(&[]);
                if elems.is_empty() {
                    return "[]".into();
                }
                let mut out = String::from("[\n");
                for e in elems {
                    out.push_str(&format!("{pad}{},\n", render(e, indent + 4)));
                }
                out.push_str(&close);
                out.push(']');
                out
            }
            _ => {
                let Some(entries) = v.entries() else {
                    return format_value(v, indent);
                };
                if entries.is_empty() {
                    return "{}".into();
                }
                let width = entries.keys().map(|k| key(k).len()).max().unwrap_or(0);
                let mut out = String::from("{\n");
                for (k, e) in entries {
                    if e.is_null() && e.is_known() {
                        continue;
                    }
                    out.push_str(&format!(
                        "{pad}{:width$} = {}\n",
                        key(k),
                        render(e, indent + 4)
                    ));
                }
                out.push_str(&close);
                out.push('}');
                out
            }
        },
    }
}

/// An object key as plans show it: bare when it is an identifier, else quoted.
pub fn key(k: &str) -> String {
    if terrane_dsl::value::types::is_identifier(k) {
        k.to_string()
    } else {
        format!("{k:?}")
    }
}
