//! Values written in Terraform-language form, as `terraform console` and `terraform output`
//! show them: `tolist([...])`, `tomap({...})`, heredocs for multi-line strings, typed nulls,
//! `(sensitive value)` and `(known after apply)`.

use std::fmt;

use super::marks::Mark;
use super::types::{go_quote, Type};
use super::value::{Value, ValueKind};

/// Terraform's `repl.FormatValue`: `indent` is the column the value starts at.
pub fn format_value(value: &Value, indent: usize) -> String {
    let mut out = String::new();
    write_value(value, indent, &mut out);
    out
}

fn write_value(v: &Value, indent: usize, out: &mut String) {
    if !v.is_known() {
        out.push_str("(known after apply)");
        return;
    }
    if v.has_mark(&Mark::Sensitive) {
        out.push_str("(sensitive value)");
        return;
    }
    if v.has_mark(&Mark::Ephemeral) {
        out.push_str("(ephemeral value)");
        return;
    }
    if v.is_null() {
        let ety = || {
            v.ty()
                .element_type()
                .map(Type::friendly_name)
                .unwrap_or_default()
        };
        let text = match v.ty() {
            Type::Dynamic => "null".to_string(),
            Type::String => "tostring(null)".to_string(),
            Type::Number => "tonumber(null)".to_string(),
            Type::Bool => "tobool(null)".to_string(),
            Type::List(_) => format!("tolist(null) /* of {} */", ety()),
            Type::Set(_) => format!("toset(null) /* of {} */", ety()),
            Type::Map(_) => format!("tomap(null) /* of {} */", ety()),
            other => format!("null /* {} */", other.friendly_name()),
        };
        out.push_str(&text);
        return;
    }
    match v.kind() {
        ValueKind::String(s) => write_string(s, indent, out),
        ValueKind::Number(n) => out.push_str(&n.to_text()),
        ValueKind::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        ValueKind::Tuple(es) => write_sequence(es, indent, out),
        ValueKind::List(es) => {
            out.push_str("tolist(");
            write_sequence(es, indent, out);
            out.push(')');
        }
        ValueKind::Set(es) => {
            out.push_str("toset(");
            write_sequence(es, indent, out);
            out.push(')');
        }
        ValueKind::Object(m) => write_mapping(m, indent, out),
        ValueKind::Map(m) => {
            out.push_str("tomap(");
            write_mapping(m, indent, out);
            out.push(')');
        }
        ValueKind::Null | ValueKind::Unknown => {}
    }
}

fn write_string(s: &str, indent: usize, out: &mut String) {
    let lines: Vec<&str> = s.split('\n').collect();
    if lines.len() < 2 {
        out.push_str(&go_quote(s));
        return;
    }
    let mut delimiter = String::from("EOT");
    while lines.iter().any(|l| l.trim() == delimiter) {
        delimiter.push('_');
    }
    out.push_str(if indent > 0 { "<<-" } else { "<<" });
    out.push_str(&delimiter);
    let pad = " ".repeat(indent);
    for line in lines {
        out.push('\n');
        out.push_str(&pad);
        out.push_str(line);
    }
    out.push('\n');
    out.push_str(&pad);
    out.push_str(&delimiter);
}

fn write_sequence(es: &[Value], indent: usize, out: &mut String) {
    out.push('[');
    for e in es {
        out.push('\n');
        out.push_str(&" ".repeat(indent + 2));
        write_value(e, indent + 2, out);
        out.push(',');
    }
    if !es.is_empty() {
        out.push('\n');
        out.push_str(&" ".repeat(indent));
    }
    out.push(']');
}

fn write_mapping(m: &super::Attrs, indent: usize, out: &mut String) {
    out.push('{');
    for (k, v) in m {
        out.push('\n');
        out.push_str(&" ".repeat(indent + 2));
        out.push_str(&go_quote(k));
        out.push_str(" = ");
        write_value(v, indent + 2, out);
    }
    if !m.is_empty() {
        out.push('\n');
        out.push_str(&" ".repeat(indent));
    }
    out.push('}');
}

/// The Terraform-language form of the value (see [`format_value`]).
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&format_value(self, 0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::{convert, Number};

    /// What `terraform output` printed for these values (Terraform 1.15.5).
    #[test]
    fn like_terraform_output() {
        let list = |es: Vec<Value>| convert(&Value::tuple(es), &Type::list(Type::Dynamic)).unwrap();
        let v = Value::object_from([
            ("a", Value::int(1)),
            ("b c", Value::string("x\ny\n")),
            (
                "d",
                Value::tuple(vec![
                    Value::int(1),
                    Value::string("two"),
                    Value::bool(true),
                    Value::null(Type::Dynamic),
                ]),
            ),
            ("e", list(vec![Value::string("p"), Value::string("q")])),
            (
                "f",
                Value::set(Type::Number, vec![Value::int(3), Value::int(1)]).unwrap(),
            ),
            (
                "g",
                Value::map(
                    Type::Number,
                    [(
                        "k".to_string(),
                        Value::number(Number::parse("1.5").unwrap()),
                    )]
                    .into(),
                )
                .unwrap(),
            ),
            ("h", Value::tuple(vec![])),
            ("i", Value::object_from(Vec::<(String, Value)>::new())),
            ("j", Value::list(Type::String, vec![]).unwrap()),
            ("k", Value::string("q\"\\${x}%{y}\t")),
        ]);
        let want = r#"{
  "a" = 1
  "b c" = <<-EOT
  x
  y
  
  EOT
  "d" = [
    1,
    "two",
    true,
    null,
  ]
  "e" = tolist([
    "p",
    "q",
  ])
  "f" = toset([
    1,
    3,
  ])
  "g" = tomap({
    "k" = 1.5
  })
  "h" = []
  "i" = {}
  "j" = tolist([])
  "k" = "q\"\\${x}%{y}\t"
}"#;
        assert_eq!(v.to_string(), want);
        assert_eq!(
            Value::string("line1\nline2").to_string(),
            "<<EOT\nline1\nline2\nEOT"
        );
        assert_eq!(Value::string("é\u{1}").to_string(), "\"é\\x01\"");
        let g = Value::tuple(vec![
            Value::tuple(vec![]),
            Value::tuple(vec![Value::tuple(vec![Value::int(1)])]),
            Value::object_from([("z", Value::object_from(Vec::<(String, Value)>::new()))]),
        ]);
        assert_eq!(
            g.to_string(),
            "[\n  [],\n  [\n    [\n      1,\n    ],\n  ],\n  {\n    \"z\" = {}\n  },\n]"
        );
        let secret = Value::object_from([
            ("a", Value::int(1)),
            ("b", Value::int(2).mark(Mark::Sensitive)),
        ]);
        assert_eq!(
            secret.to_string(),
            "{\n  \"a\" = 1\n  \"b\" = (sensitive value)\n}"
        );
        assert_eq!(
            Value::null(Type::list(Type::String)).to_string(),
            "tolist(null) /* of string */"
        );
        assert_eq!(
            Value::unknown(Type::String).to_string(),
            "(known after apply)"
        );
        assert_eq!(Value::string("EOT\nx").to_string(), "<<EOT_\nEOT\nx\nEOT_");
    }
}
