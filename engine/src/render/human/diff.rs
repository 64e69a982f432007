//! The change of one value, as lines in Terraform's layout: one renderer per value shape
//! (primitive, multi-line string, JSON/YAML string, list/tuple, set, map/object), each told
//! the value before and after (`None` or a known null: absent) and the column it starts at.
//! Unchanged parts are shown or hidden with a count; sensitive parts never shown.

use terrane_dsl::value::{Attrs, Type, Value, ValueKind};

use super::text;
use crate::render::values::key;

/// The symbol of one line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sym {
    Add,
    Del,
    Upd,
    Same,
}

impl Sym {
    pub fn as_str(self) -> &'static str {
        match self {
            Sym::Add => "+",
            Sym::Del => "-",
            Sym::Upd => "~",
            Sym::Same => " ",
        }
    }
}

/// A rendered change: its symbol and its text, which starts after `= ` (or at the element's
/// place) and whose further lines carry their own indentation.
pub struct Rendered {
    pub sym: Sym,
    pub text: String,
}

/// Absent: `None`, or a known null.
pub fn present(v: Option<&Value>) -> Option<&Value> {
    v.filter(|v| !(v.is_known() && v.is_null()))
}

fn is_sensitive(v: &Value) -> bool {
    v.is_sensitive()
}

fn pad(n: usize) -> String {
    " ".repeat(n)
}

/// The change from `b` to `a`, at column `indent` (where the symbol of its line is).
/// `None` when both are absent.
pub fn change(b: Option<&Value>, a: Option<&Value>, indent: usize) -> Option<Rendered> {
    change_in(b, a, indent, false)
}

/// [`change`], hiding unchanged parts of nested objects too when `hide`.
fn change_in(b: Option<&Value>, a: Option<&Value>, indent: usize, hide: bool) -> Option<Rendered> {
    let (b, a) = (present(b), present(a));
    Some(match (b, a) {
        (None, None) => return None,
        (None, Some(a)) => Rendered {
            sym: Sym::Add,
            text: whole(a, indent, Sym::Add),
        },
        (Some(b), None) => Rendered {
            sym: Sym::Del,
            text: format!("{} -> null", whole(b, indent, Sym::Del)),
        },
        (Some(b), Some(a)) => both(b, a, indent, hide),
    })
}

/// The change between two present values.
/// The change between two present values; unchanged parts of objects are hidden when `hide`.
pub fn both_values(b: &Value, a: &Value, indent: usize, hide: bool) -> Rendered {
    both(b, a, indent, hide)
}

fn both(b: &Value, a: &Value, indent: usize, hide: bool) -> Rendered {
    if is_sensitive(b) || is_sensitive(a) {
        let same = b.is_known() && a.is_known() && b.raw_equals(a) && b.ty() == a.ty();
        return Rendered {
            sym: if same { Sym::Same } else { Sym::Upd },
            text: "(sensitive value)".into(),
        };
    }
    if !a.is_known() {
        if !b.is_known() {
            return Rendered {
                sym: Sym::Same,
                text: "(known after apply)".into(),
            };
        }
        return Rendered {
            sym: Sym::Upd,
            text: format!("{} -> (known after apply)", whole(b, indent, Sym::Del)),
        };
    }
    if !b.is_known() {
        return Rendered {
            sym: Sym::Upd,
            text: format!("(known after apply) -> {}", whole(a, indent, Sym::Add)),
        };
    }
    if b.raw_equals(a) && b.ty() == a.ty() {
        return Rendered {
            sym: Sym::Same,
            text: whole(a, indent, Sym::Same),
        };
    }
    match (b.kind(), a.kind()) {
        (ValueKind::String(x), ValueKind::String(y)) => {
            if let Some(r) = text::structured(x, y, indent) {
                return r;
            }
            if x.contains('\n') || y.contains('\n') {
                return Rendered {
                    sym: Sym::Upd,
                    text: text::lines(x, y, indent),
                };
            }
        }
        (ValueKind::List(x) | ValueKind::Tuple(x), ValueKind::List(y) | ValueKind::Tuple(y)) => {
            return Rendered {
                sym: Sym::Upd,
                text: sequence(x, y, indent, hide),
            };
        }
        (ValueKind::Set(x), ValueKind::Set(y)) => {
            return Rendered {
                sym: Sym::Upd,
                text: set(x, y, indent),
            };
        }
        (ValueKind::Map(x) | ValueKind::Object(x), ValueKind::Map(y) | ValueKind::Object(y)) => {
            return Rendered {
                sym: Sym::Upd,
                text: entries(x, y, indent, hide),
            };
        }
        _ => {}
    }
    Rendered {
        sym: Sym::Upd,
        text: format!(
            "{} -> {}",
            whole(b, indent, Sym::Del),
            whole(a, indent, Sym::Add)
        ),
    }
}

/// A whole value whose every part has the same symbol (created, destroyed or unchanged).
pub fn whole(v: &Value, indent: usize, sym: Sym) -> String {
    if is_sensitive(v) {
        return "(sensitive value)".into();
    }
    if !v.is_known() {
        return "(known after apply)".into();
    }
    if v.is_null() {
        return "null".into();
    }
    let inner = indent + 4;
    let s = sym.as_str();
    match v.kind() {
        ValueKind::String(x) if x.contains('\n') => text::heredoc(x, indent, sym),
        ValueKind::String(_) | ValueKind::Number(_) | ValueKind::Bool(_) => text::primitive(v),
        ValueKind::List(es) | ValueKind::Set(es) | ValueKind::Tuple(es) => {
            if es.is_empty() {
                return "[]".into();
            }
            let mut out = String::from("[\n");
            for e in es {
                out.push_str(&format!("{}{s} {},\n", pad(inner), whole(e, inner, sym)));
            }
            out.push_str(&format!("{}]", pad(indent + 2)));
            out
        }
        ValueKind::Map(m) | ValueKind::Object(m) => {
            let shown: Vec<(&String, &Value)> = m
                .iter()
                .filter(|(_, e)| present(Some(e)).is_some())
                .collect();
            if shown.is_empty() {
                return "{}".into();
            }
            let width = shown.iter().map(|(k, _)| key(k).len()).max().unwrap_or(0);
            let mut out = String::from("{\n");
            for (k, e) in shown {
                out.push_str(&format!(
                    "{}{s} {:width$} = {}\n",
                    pad(inner),
                    key(k),
                    whole(e, inner, sym)
                ));
            }
            out.push_str(&format!("{}}}", pad(indent + 2)));
            out
        }
        ValueKind::Null | ValueKind::Unknown => "null".into(),
    }
}

/// Attribute names always shown, changed or not, so that a reader can tell which object it is.
const IDENTIFYING: [&str; 3] = ["id", "name", "tags"];

/// The lines of an object's attributes (without braces) at `indent`, unchanged ones hidden
/// (except identifying ones) when `hide`; returns the lines and how many were hidden.
pub fn attribute_lines(
    b: &Attrs,
    a: &Attrs,
    indent: usize,
    hide: bool,
    nested_hide: bool,
    forces: &dyn Fn(&str) -> bool,
) -> (String, usize) {
    let mut names: Vec<&String> = b.keys().chain(a.keys()).collect();
    names.sort();
    names.dedup();
    let mut rows = Vec::new();
    for n in names {
        if let Some(r) = change_in(b.get(n), a.get(n), indent, nested_hide) {
            rows.push((n, r));
        }
    }
    let width = rows.iter().map(|(k, _)| key(k).len()).max().unwrap_or(0);
    let mut out = String::new();
    let mut hidden = 0;
    for (n, r) in rows {
        if hide && r.sym == Sym::Same && !IDENTIFYING.contains(&n.as_str()) {
            hidden += 1;
            continue;
        }
        let suffix = if r.sym != Sym::Same && forces(n) {
            " # forces replacement"
        } else {
            ""
        };
        out.push_str(&format!(
            "{}{} {:width$} = {}{suffix}\n",
            pad(indent),
            r.sym.as_str(),
            key(n),
            r.text
        ));
    }
    (out, hidden)
}

/// `{ ... }` with every entry's change; unchanged entries are shown in nested objects (as
/// Terraform does) unless `hide`.
fn entries(b: &Attrs, a: &Attrs, indent: usize, hide: bool) -> String {
    let (lines, hidden) = attribute_lines(b, a, indent + 4, hide, hide, &|_| false);
    let mut out = String::from("{\n");
    out.push_str(&lines);
    if hidden > 0 {
        out.push_str(&hidden_note(indent + 6, hidden, "attribute"));
    }
    out.push_str(&format!("{}}}", pad(indent + 2)));
    out
}

/// `# (N unchanged things hidden)` at `col`.
pub fn hidden_note(col: usize, n: usize, what: &str) -> String {
    format!(
        "{}# ({n} unchanged {what}{} hidden)\n",
        pad(col),
        if n == 1 { "" } else { "s" }
    )
}

/// A key that identifies an element for the sequence diff (unknown elements never match).
fn element_key(v: &Value, i: usize, side: char) -> String {
    if !v.is_wholly_known() {
        return format!("\u{0}{side}{i}");
    }
    let (plain, marks) = v.clone().unmark_deep();
    let json = terrane_dsl::value::to_json(&plain).unwrap_or_else(|_| format!("{plain:?}"));
    format!(
        "{}{json}{}",
        terrane_dsl::value::type_to_json(plain.ty()),
        marks.len()
    )
}

/// A list or tuple: elements matched by a longest-common-subsequence diff; unchanged
/// elements next to a change shown, the others hidden with a count.
fn sequence(b: &[Value], a: &[Value], indent: usize, hide: bool) -> String {
    let inner = indent + 4;
    let bk: Vec<String> = b
        .iter()
        .enumerate()
        .map(|(i, v)| element_key(v, i, 'b'))
        .collect();
    let ak: Vec<String> = a
        .iter()
        .enumerate()
        .map(|(i, v)| element_key(v, i, 'a'))
        .collect();
    let ops = similar::capture_diff_slices(similar::Algorithm::Myers, &bk, &ak);
    // Each row: (sym, text); unchanged rows may be hidden later.
    let mut rows: Vec<(Sym, String)> = Vec::new();
    for op in ops {
        match op {
            similar::DiffOp::Equal { old_index, len, .. } => {
                for v in &b[old_index..old_index + len] {
                    rows.push((Sym::Same, whole(v, inner, Sym::Same)));
                }
            }
            similar::DiffOp::Delete {
                old_index, old_len, ..
            } => {
                for v in &b[old_index..old_index + old_len] {
                    rows.push((Sym::Del, whole(v, inner, Sym::Del)));
                }
            }
            similar::DiffOp::Insert {
                new_index, new_len, ..
            } => {
                for v in &a[new_index..new_index + new_len] {
                    rows.push((Sym::Add, whole(v, inner, Sym::Add)));
                }
            }
            similar::DiffOp::Replace {
                old_index,
                old_len,
                new_index,
                new_len,
            } => {
                let n = old_len.max(new_len);
                for i in 0..n {
                    let x = (i < old_len).then(|| &b[old_index + i]);
                    let y = (i < new_len).then(|| &a[new_index + i]);
                    match (x, y) {
                        (Some(x), Some(y)) => {
                            let r = both(x, y, inner, hide);
                            rows.push((r.sym, r.text));
                        }
                        (Some(x), None) => rows.push((Sym::Del, whole(x, inner, Sym::Del))),
                        (None, Some(y)) => rows.push((Sym::Add, whole(y, inner, Sym::Add))),
                        (None, None) => {}
                    }
                }
            }
        }
    }
    rows_block(&rows, indent, "element")
}

/// A set: elements only in the old set removed, only in the new one added.
fn set(b: &[Value], a: &[Value], indent: usize) -> String {
    let inner = indent + 4;
    let mut rows: Vec<(Sym, String)> = Vec::new();
    let has = |list: &[Value], v: &Value| list.iter().any(|x| x.raw_equals(v));
    for v in b {
        if has(a, v) {
            rows.push((Sym::Same, whole(v, inner, Sym::Same)));
        } else {
            rows.push((Sym::Del, whole(v, inner, Sym::Del)));
        }
    }
    for v in a {
        if !has(b, v) {
            rows.push((Sym::Add, whole(v, inner, Sym::Add)));
        }
    }
    rows_block(&rows, indent, "element")
}

/// `[ rows ]`, keeping unchanged rows next to a change and hiding the others with a count.
fn rows_block(rows: &[(Sym, String)], indent: usize, what: &str) -> String {
    let inner = indent + 4;
    let near = |i: usize| {
        (i > 0 && rows[i - 1].0 != Sym::Same) || rows.get(i + 1).is_some_and(|r| r.0 != Sym::Same)
    };
    let mut out = String::from("[\n");
    let mut hidden = 0;
    for (i, (sym, text)) in rows.iter().enumerate() {
        if *sym == Sym::Same && !near(i) {
            hidden += 1;
            continue;
        }
        if hidden > 0 {
            out.push_str(&hidden_note(inner + 2, hidden, what));
            hidden = 0;
        }
        out.push_str(&format!("{}{} {text},\n", pad(inner), sym.as_str()));
    }
    if hidden > 0 {
        out.push_str(&hidden_note(inner + 2, hidden, what));
    }
    out.push_str(&format!("{}]", pad(indent + 2)));
    out
}

/// Whether a type is a collection or structure (rendered over several lines).
pub fn is_multiline(ty: &Type) -> bool {
    !ty.is_primitive() && !ty.is_dynamic()
}
