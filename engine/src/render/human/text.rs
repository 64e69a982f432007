//! Strings in a plan: primitives quoted as Terraform writes them, multi-line strings as
//! heredocs and their changes as unified line diffs (with runs of unchanged lines hidden),
//! and strings holding JSON or YAML compared by structure: re-ordered keys or re-indentation
//! are no change, and a real change shows only where it is (unchanged keys hidden with a count).

use terrane_dsl::value::{format_value, from_json, Value};

use super::diff::{both_values, Rendered, Sym};

/// Lines of context kept around each change of a multi-line string.
const CONTEXT: usize = 3;

fn pad(n: usize) -> String {
    " ".repeat(n)
}

/// A string, number or bool as written in the language.
pub fn primitive(v: &Value) -> String {
    format_value(&v.clone().unmark().0, 0)
}

/// A multi-line string as a heredoc, its lines at `indent + 6`.
pub fn heredoc(s: &str, indent: usize, _sym: Sym) -> String {
    let mut out = String::from("<<-EOT\n");
    for line in s.strip_suffix('\n').unwrap_or(s).split('\n') {
        out.push_str(&pad(indent + 6));
        out.push_str(line);
        out.push('\n');
    }
    out.push_str(&pad(indent + 2));
    out.push_str("EOT");
    out
}

/// The change of a multi-line string as a heredoc holding a unified line diff.
pub fn lines(old: &str, new: &str, indent: usize) -> String {
    let diff = similar::TextDiff::configure()
        .algorithm(similar::Algorithm::Myers)
        .diff_lines(old, new);
    let mut out = String::from("<<-EOT\n");
    let groups = diff.grouped_ops(CONTEXT);
    let total_old = old.lines().count();
    let mut shown_until = 0;
    for group in &groups {
        let first = group.first().map_or(0, |op| op.old_range().start);
        if first > shown_until {
            out.push_str(&hidden(indent + 6, first - shown_until));
        }
        for op in group {
            for change in diff.iter_changes(op) {
                let line = change.value().trim_end_matches('\n');
                match change.tag() {
                    similar::ChangeTag::Equal => {
                        out.push_str(&format!("{}{line}\n", pad(indent + 6)))
                    }
                    similar::ChangeTag::Delete => {
                        out.push_str(&format!("{}- {line}\n", pad(indent + 4)))
                    }
                    similar::ChangeTag::Insert => {
                        out.push_str(&format!("{}+ {line}\n", pad(indent + 4)))
                    }
                }
            }
        }
        shown_until = group.last().map_or(0, |op| op.old_range().end);
    }
    if total_old > shown_until && !groups.is_empty() {
        out.push_str(&hidden(indent + 6, total_old - shown_until));
    }
    out.push_str(&pad(indent + 2));
    out.push_str("EOT");
    out
}

fn hidden(col: usize, n: usize) -> String {
    format!(
        "{}# ({n} unchanged line{} hidden)\n",
        pad(col),
        if n == 1 { "" } else { "s" }
    )
}

/// Parses a string holding a JSON object or array.
fn parse_json(s: &str) -> Option<Value> {
    let t = s.trim_start();
    if !(t.starts_with('{') || t.starts_with('[')) {
        return None;
    }
    from_json(s).ok()
}

/// Parses a multi-line string holding a YAML mapping or sequence.
fn parse_yaml(s: &str) -> Option<Value> {
    if !s.trim().contains('\n') {
        return None;
    }
    let j: serde_json::Value = serde_yaml::from_str(s).ok()?;
    if !(j.is_object() || j.is_array()) {
        return None;
    }
    from_json(&j.to_string()).ok()
}

/// The change of two strings that both hold JSON (or both YAML), compared by structure;
/// `None` when they do not.
pub fn structured(old: &str, new: &str, indent: usize) -> Option<Rendered> {
    let (b, a, func) = match (parse_json(old), parse_json(new)) {
        (Some(b), Some(a)) => (b, a, "jsonencode"),
        _ => match (parse_yaml(old), parse_yaml(new)) {
            (Some(b), Some(a)) => (b, a, "yamlencode"),
            _ => return None,
        },
    };
    if b.raw_equals(&a) {
        return Some(Rendered {
            sym: Sym::Same,
            text: format!(
                "{} # (same {} structure, written differently)",
                primitive(&Value::string(new)),
                if func == "jsonencode" { "JSON" } else { "YAML" }
            ),
        });
    }
    let inner = both_values(&b, &a, indent + 4, true);
    Some(Rendered {
        sym: Sym::Upd,
        text: format!(
            "{func}(\n{}{} {}\n{})",
            pad(indent + 4),
            inner.sym.as_str(),
            inner.text,
            pad(indent + 2)
        ),
    })
}
