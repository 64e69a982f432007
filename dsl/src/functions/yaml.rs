//! `yamlencode` (emitting exactly what Terraform's YAML emitter does: double-quoted keys and
//! strings, literal blocks for multi-line strings, folding of long quoted strings at 80
//! columns, indentless sequences in mappings); `yamldecode` is in `yaml_decode`.

use super::util::{a, computed, dynamic_ret, p, simple, Builtin, ParamExt};
use crate::value::{Type, Value, ValueKind};

/// Column after which libyaml folds a double-quoted scalar at a space.
const BEST_WIDTH: usize = 80;

pub(super) fn register(list: &mut Vec<Builtin>) {
    list.push(simple(
        "yamlencode",
        vec![p("value", Type::Dynamic).null().unknown()],
        Type::String,
        |args, _| {
            let v = a(args, 0)?;
            if !v.is_wholly_known() {
                return Ok(Value::unknown_not_null(Type::String));
            }
            Ok(Value::string(encode(v)))
        },
    ));
    list.push(computed(
        "yamldecode",
        vec![p("src", Type::String)],
        None,
        dynamic_ret,
        super::yaml_decode::yamldecode,
    ));
}

struct Out {
    text: String,
    col: usize,
}

impl Out {
    fn push(&mut self, s: &str) {
        for c in s.chars() {
            self.push_char(c);
        }
    }
    fn push_char(&mut self, c: char) {
        self.text.push(c);
        if c == '\n' {
            self.col = 0;
        } else {
            self.col += 1;
        }
    }
    fn at_line_start(&self) -> bool {
        self.text.is_empty() || self.text.ends_with('\n')
    }
    fn line(&mut self, indent: usize) {
        if !self.at_line_start() {
            self.push_char('\n');
        }
        for _ in 0..indent {
            self.push_char(' ');
        }
    }
}

/// Terraform's `yamlencode`.
pub(super) fn encode(v: &Value) -> String {
    let mut out = Out {
        text: String::new(),
        col: 0,
    };
    // A plain scalar at the top ends its document with `...`; a flow `[]`/`{}` does not.
    let plain_top =
        v.is_null() || (v.elements().is_none() && v.entries().is_none() && v.as_str().is_none());
    node(&mut out, v, 0, 2);
    if !out.at_line_start() {
        out.push_char('\n');
    }
    if plain_top {
        out.push("...\n");
    }
    out.text
}

fn is_scalar(v: &Value) -> bool {
    v.is_null() || !(v.elements().is_some() || v.entries().is_some()) || v.length() == Some(0)
}

/// Writes `v` at the current position; `indent` is where a block collection's entries start,
/// `sindent` the indentation for a scalar's continuation lines.
fn node(out: &mut Out, v: &Value, indent: usize, sindent: usize) {
    if v.is_null() {
        out.push("null");
        return;
    }
    match v.kind() {
        ValueKind::Bool(b) => out.push(if *b { "true" } else { "false" }),
        ValueKind::Number(n) => out.push(&n.to_text()),
        ValueKind::String(s) => string(out, s, sindent),
        ValueKind::List(es) | ValueKind::Set(es) | ValueKind::Tuple(es) => {
            if es.is_empty() {
                out.push("[]");
                return;
            }
            for (i, e) in es.iter().enumerate() {
                if i > 0 {
                    out.line(indent);
                }
                out.push("- ");
                node(out, e, indent + 2, indent + 2);
            }
        }
        ValueKind::Map(m) | ValueKind::Object(m) => {
            if m.is_empty() {
                out.push("{}");
                return;
            }
            for (i, (k, e)) in m.iter().enumerate() {
                if i > 0 {
                    out.line(indent);
                }
                double_quoted(out, k, false, 0);
                out.push(":");
                if is_scalar(e) {
                    out.push(" ");
                    node(out, e, indent + 2, indent + 2);
                } else if e.entries().is_some() {
                    out.line(indent + 2);
                    node(out, e, indent + 2, indent + 4);
                } else {
                    out.line(indent);
                    node(out, e, indent, indent + 2);
                }
            }
        }
        ValueKind::Null | ValueKind::Unknown => out.push("null"),
    }
}

/// libyaml's printable test (as go-yaml implements it): characters outside it are escaped.
fn printable(c: char) -> bool {
    matches!(c, '\n' | '\u{20}'..='\u{7E}' | '\u{A0}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}')
        && c != '\u{FEFF}'
}

fn string(out: &mut Out, s: &str, indent: usize) {
    let block_ok =
        s.contains('\n') && !s.ends_with(' ') && !s.contains(" \n") && s.chars().all(printable);
    if block_ok {
        literal(out, s, indent);
    } else {
        double_quoted(out, s, true, indent);
    }
}

fn literal(out: &mut Out, s: &str, indent: usize) {
    out.push("|");
    if s.starts_with(' ') || s.starts_with('\n') {
        out.push("2");
    }
    let trailing = s.len() - s.trim_end_matches('\n').len();
    match trailing {
        0 => out.push("-"),
        1 => {}
        _ => out.push("+"),
    }
    out.push_char('\n');
    let mut line_start = true;
    for c in s.chars() {
        if c == '\n' {
            out.push_char('\n');
            line_start = true;
            continue;
        }
        if line_start {
            for _ in 0..indent {
                out.push_char(' ');
            }
            line_start = false;
        }
        out.push_char(c);
    }
}

fn double_quoted(out: &mut Out, s: &str, allow_breaks: bool, indent: usize) {
    out.push_char('"');
    let chars: Vec<char> = s.chars().collect();
    let mut spaces = false;
    for (i, &c) in chars.iter().enumerate() {
        if !printable(c) || c == '\n' || c == '"' || c == '\\' {
            let esc = match c {
                '\0' => "\\0".to_string(),
                '\u{7}' => "\\a".to_string(),
                '\u{8}' => "\\b".to_string(),
                '\t' => "\\t".to_string(),
                '\n' => "\\n".to_string(),
                '\u{B}' => "\\v".to_string(),
                '\u{C}' => "\\f".to_string(),
                '\r' => "\\r".to_string(),
                '\u{1B}' => "\\e".to_string(),
                '"' => "\\\"".to_string(),
                '\\' => "\\\\".to_string(),
                '\u{85}' => "\\N".to_string(),
                '\u{A0}' => "\\_".to_string(),
                '\u{2028}' => "\\L".to_string(),
                '\u{2029}' => "\\P".to_string(),
                c if (c as u32) <= 0xFF => format!("\\x{:02X}", c as u32),
                c if (c as u32) <= 0xFFFF => format!("\\u{:04X}", c as u32),
                c => format!("\\U{:08X}", c as u32),
            };
            out.push(&esc);
            spaces = false;
        } else if c == ' ' {
            if allow_breaks && !spaces && out.col > BEST_WIDTH && i != 0 && i != chars.len() - 1 {
                out.push_char('\n');
                for _ in 0..indent {
                    out.push_char(' ');
                }
                if chars.get(i + 1) == Some(&' ') {
                    out.push_char('\\');
                }
            } else {
                out.push_char(' ');
            }
            spaces = true;
        } else {
            out.push_char(c);
            spaces = false;
        }
    }
    out.push_char('"');
}
