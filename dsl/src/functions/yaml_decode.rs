//! `yamldecode`: YAML to a value as Terraform's go-cty-yaml decodes it (duplicate keys allowed,
//! the last one winning; keys must be strings; one document only), with its error wording.
//!
//! The syntax is read by libyaml (through `serde_yaml`), the parser go-cty-yaml ports, so the
//! problems are the same; what differs is how the position is told. go-cty-yaml prints one
//! only when the problem's mark is past the first line, and then oddly: for a scanner error
//! the next line and column 1, for a parser error or a problem found while decoding the
//! mark's 0-based line and 1-based column. [`syntax_error`] reproduces that.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, EnumAccess, MapAccess, SeqAccess, VariantAccess};

use super::util::{fail, s};
use super::{CallContext, CallError};
use crate::value::{Number, Type, Value};

/// Deepest nesting `yamldecode` accepts.
const MAX_DEPTH: usize = 500;

/// A YAML node with its mapping entries kept in order (duplicates included).
enum Node {
    Scalar(serde_yaml::Value),
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Node, D::Error> {
        d.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

impl<'de> de::Visitor<'de> for NodeVisitor {
    type Value = Node;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_unit<E>(self) -> Result<Node, E> {
        Ok(Node::Scalar(serde_yaml::Value::Null))
    }
    fn visit_none<E>(self) -> Result<Node, E> {
        Ok(Node::Scalar(serde_yaml::Value::Null))
    }
    fn visit_bool<E>(self, b: bool) -> Result<Node, E> {
        Ok(Node::Scalar(serde_yaml::Value::Bool(b)))
    }
    fn visit_i64<E>(self, n: i64) -> Result<Node, E> {
        Ok(Node::Scalar(serde_yaml::Value::Number(n.into())))
    }
    fn visit_u64<E>(self, n: u64) -> Result<Node, E> {
        Ok(Node::Scalar(serde_yaml::Value::Number(n.into())))
    }
    fn visit_f64<E>(self, n: f64) -> Result<Node, E> {
        Ok(Node::Scalar(serde_yaml::Value::Number(n.into())))
    }
    fn visit_str<E>(self, v: &str) -> Result<Node, E> {
        Ok(Node::Scalar(serde_yaml::Value::String(v.to_string())))
    }
    fn visit_string<E>(self, v: String) -> Result<Node, E> {
        Ok(Node::Scalar(serde_yaml::Value::String(v)))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Node::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<Node>()? {
            if !matches!(key, Node::Scalar(_)) {
                return Err(de::Error::custom(
                    "only strings are allowed as mapping keys",
                ));
            }
            entries.push((key, map.next_value()?));
        }
        Ok(Node::Map(entries))
    }
    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<Node, A::Error> {
        // A value with a tag of its own (`!thing x`): the tag is ignored.
        let (_tag, variant) = data.variant::<String>()?;
        variant.newtype_variant()
    }
}

pub(super) fn yamldecode(args: &[Value], _: &CallContext) -> Result<Value, CallError> {
    let src = s(args, 0)?;
    if !has_content(src) {
        // libyaml reaches the end of the stream (on a line of its own) before any document.
        let line = src.lines().count().max(1);
        return Err(fail(format!(
            "on line {line}, column 1: missing start of document"
        )));
    }
    let mut docs = serde_yaml::Deserializer::from_str(src);
    let Some(first) = docs.next() else {
        return Err(fail("on line 1, column 1: missing start of document"));
    };
    let node = Node::deserialize(first).map_err(|e| fail(syntax_error(src, &e)))?;
    if let Some(next) = docs.next() {
        // A syntax error after the value is reported as such; a second document is not.
        if let Err(e) = serde_yaml::Value::deserialize(next) {
            let msg = e.to_string();
            if !msg.contains("more than one document") {
                return Err(fail(syntax_error(src, &e)));
            }
        }
        return Err(fail(match second_document_line(src) {
            Some(line) if line != 0 => {
                format!("on line {line}, column 1: unexpected extra content after value")
            }
            _ => "unexpected extra content after value".to_string(),
        }));
    }
    from_node(&node, 0)
}

/// Whether the text holds anything but blank lines and comments.
fn has_content(src: &str) -> bool {
    src.lines().any(|l| {
        let t = l.trim_start_matches([' ', '\t', '\r', '\u{feff}']);
        !t.is_empty() && !t.starts_with('#')
    })
}

/// The 0-based line of the `---` that starts a second document.
fn second_document_line(src: &str) -> Option<usize> {
    let mut in_document = false;
    for (i, line) in src.lines().enumerate() {
        let marker = line == "---" || line.starts_with("--- ") || line.starts_with("---\t");
        if marker {
            if in_document {
                return Some(i);
            }
            // The first document's own marker; text after it is its content.
            in_document = !line[3..].trim().is_empty();
            continue;
        }
        let t = line.trim_start();
        if !t.is_empty() && !t.starts_with('#') && !t.starts_with('%') {
            in_document = true;
        }
    }
    None
}

/// libyaml's messages whose error comes from the parser although they have no context.
const CONTEXTLESS_PARSER_PROBLEMS: [&str; 5] = [
    "did not find expected <document start>",
    "found duplicate %YAML directive",
    "found incompatible YAML document",
    "found undefined tag handle",
    "found duplicate %TAG directive",
];

/// go-cty-yaml's message for a `serde_yaml` error.
fn syntax_error(src: &str, e: &serde_yaml::Error) -> String {
    let text = e.to_string();
    // "PROBLEM at line L column C[, CONTEXT at line L column C]" or "PATH: MESSAGE at ...".
    // (Without a position: "PROBLEM, CONTEXT".)
    let (problem, context) = match text.split_once(" at line ") {
        Some((p, r)) => (
            p.to_string(),
            r.split_once(", ").map(|(_, c)| c.to_string()),
        ),
        None => match text.split_once(", while ") {
            Some((p, c)) => (p.to_string(), Some(format!("while {c}"))),
            None => (text.clone(), None),
        },
    };
    let Some(loc) = e.location() else {
        return decoder_problem(src, &problem, None);
    };
    let (line0, column0) = (loc.line().saturating_sub(1), loc.column().saturating_sub(1));
    let scanner = match &context {
        Some(c) => c.starts_with("while scanning"),
        None => !CONTEXTLESS_PARSER_PROBLEMS.contains(&problem.as_str()),
    };
    if is_libyaml_problem(&problem) {
        if line0 == 0 {
            return problem;
        }
        return if scanner {
            format!("on line {}, column 1: {problem}", line0 + 1)
        } else {
            format!("on line {line0}, column {}: {problem}", column0 + 1)
        };
    }
    decoder_problem(src, &problem, Some((line0, column0)))
}

/// Whether `serde_yaml` passed libyaml's own problem through (rather than one of its own).
fn is_libyaml_problem(problem: &str) -> bool {
    const STARTS: [&str; 6] = [
        "did not find",
        "found ",
        "mapping values are not allowed",
        "block sequence entries are not allowed",
        "could not find expected",
        "while ",
    ];
    STARTS.iter().any(|s| problem.starts_with(s))
}

/// A problem found while turning the events into a value, worded as go-cty-yaml words it and
/// placed at the event (0-based line, 0-based column) when that is past the first line.
fn decoder_problem(src: &str, problem: &str, at: Option<(usize, usize)>) -> String {
    // serde_yaml prefixes the path of the value ("a: invalid value: ...").
    let message = problem
        .rsplit_once(": invalid value: ")
        .map_or(problem, |(_, m)| m)
        .trim_start_matches("invalid value: ");
    let reworded = if let Some(v) = message.strip_prefix("string ") {
        let (value, expected) = v.split_once(", expected ").unwrap_or((v, ""));
        let tag = match expected {
            "an integer" | "i64" | "u64" => Some("int"),
            "a float" | "f64" => Some("float"),
            "a boolean" => Some("bool"),
            _ => None,
        };
        tag.map(|t| format!("cannot parse {value} as tag:yaml.org,2002:{t}"))
    } else if message == "unknown anchor" {
        let name = at
            .and_then(|(l, c)| alias_name(src, l, c))
            .unwrap_or_default();
        Some(format!("reference to undefined anchor \"{name}\""))
    } else if message.starts_with("only strings are allowed as mapping keys") {
        Some("only strings are allowed as mapping keys".to_string())
    } else {
        None
    };
    let message = reworded.unwrap_or_else(|| message.to_string());
    match at {
        Some((line0, column0)) if line0 != 0 => {
            format!("on line {line0}, column {}: {message}", column0 + 1)
        }
        _ => message,
    }
}

/// The anchor name of the alias (`*name`) at a 0-based line and column.
fn alias_name(src: &str, line: usize, column: usize) -> Option<String> {
    let text = src.lines().nth(line)?;
    let rest: String = text.chars().skip(column).collect();
    let rest = rest.strip_prefix('*')?;
    Some(
        rest.chars()
            .take_while(|c| !c.is_whitespace() && !",[]{}".contains(*c))
            .collect(),
    )
}

fn from_node(node: &Node, depth: usize) -> Result<Value, CallError> {
    if depth > MAX_DEPTH {
        return Err(fail("document nests too deeply"));
    }
    Ok(match node {
        Node::Scalar(v) => scalar(v)?,
        Node::Seq(items) => Value::tuple(
            items
                .iter()
                .map(|i| from_node(i, depth + 1))
                .collect::<Result<Vec<_>, _>>()?,
        ),
        Node::Map(entries) => {
            let mut out = BTreeMap::new();
            for (k, e) in entries {
                let key = match k {
                    Node::Scalar(serde_yaml::Value::String(s)) => s.clone(),
                    Node::Scalar(serde_yaml::Value::Number(n)) => n.to_string(),
                    Node::Scalar(serde_yaml::Value::Bool(b)) => b.to_string(),
                    Node::Scalar(serde_yaml::Value::Null) => {
                        return Err(fail("mapping key cannot be null"))
                    }
                    _ => return Err(fail("only strings are allowed as mapping keys")),
                };
                // A repeated key replaces the earlier entry, as in Terraform.
                out.insert(key, from_node(e, depth + 1)?);
            }
            Value::object(out)
        }
    })
}

fn scalar(v: &serde_yaml::Value) -> Result<Value, CallError> {
    use serde_yaml::Value as Y;
    Ok(match v {
        Y::Bool(b) => Value::bool(*b),
        Y::Number(n) => {
            let text = n.to_string();
            let text = match text.as_str() {
                ".inf" => "Infinity".to_string(),
                "-.inf" => "-Infinity".to_string(),
                _ => text,
            };
            match Number::parse(&text) {
                Ok(x) => Value::number(x),
                Err(_) if text.contains("inf") => {
                    Value::number(Number::infinity(text.starts_with('-')))
                }
                Err(_) => return Err(fail(format!("cannot parse {text} as a number"))),
            }
        }
        Y::String(s) => Value::string(s),
        _ => Value::null(Type::Dynamic),
    })
}
