//! `yamldecode`: YAML to a value as Terraform's go-cty-yaml decodes it, walking libyaml's
//! events ([`super::yaml_events`]): plain scalars resolved as YAML 1.1 does it there (`yes`,
//! `off`, `y` are booleans, `~` null, dates become RFC 3339 strings), quoted ones strings;
//! explicit core tags checked; duplicate keys allowed (the last one wins); keys must be
//! strings; one document only; and go-cty-yaml's error words and odd positions: a position is
//! told only past the first line, for a scanner error as the next line and column 1, for a
//! parser or decoding error as the mark's 0-based line and 1-based column.

use std::collections::{BTreeMap, BTreeSet};

use base64::Engine;

use super::util::{fail, s};
use super::yaml_events::{Event, Mark, Reader, SyntaxError};
use super::{CallContext, CallError};
use crate::value::{Number, Type, Value};

/// Deepest nesting `yamldecode` accepts.
const MAX_DEPTH: usize = 500;

const TAG_PREFIX: &str = "tag:yaml.org,2002:";

pub(super) fn yamldecode(args: &[Value], _: &CallContext) -> Result<Value, CallError> {
    let src = s(args, 0)?;
    let input = if src.is_empty() { "\n" } else { src };
    let mut d = Decoder {
        reader: Reader::new(input.as_bytes()),
        pending: BTreeSet::new(),
        anchors: BTreeMap::new(),
    };
    d.document().map_err(fail)
}

/// An event's problem, placed as go-cty-yaml places it.
fn at(mark: Mark, message: impl Into<String>) -> String {
    let message = message.into();
    if mark.line == 0 {
        message
    } else {
        format!(
            "on line {}, column {}: {message}",
            mark.line,
            mark.column + 1
        )
    }
}

fn syntax(e: SyntaxError) -> String {
    if e.problem_mark.line != 0 {
        if e.scanner {
            // The scanner's mark has not moved past the line yet.
            return format!(
                "on line {}, column 1: {}",
                e.problem_mark.line + 1,
                e.problem
            );
        }
        return at(e.problem_mark, e.problem);
    }
    at(e.context_mark, e.problem)
}

struct Decoder<'a> {
    reader: Reader<'a>,
    /// Anchors whose node is being read (an alias to one would be a cycle).
    pending: BTreeSet<String>,
    anchors: BTreeMap<String, Value>,
}

impl Decoder<'_> {
    fn next(&mut self) -> Result<(Event, Mark), String> {
        self.reader.next().map_err(syntax)
    }

    fn document(&mut self) -> Result<Value, String> {
        let (ev, mark) = self.next()?;
        if !matches!(ev, Event::StreamStart) {
            return Err(at(mark, "missing stream start token"));
        }
        let (ev, mark) = self.next()?;
        if !matches!(ev, Event::DocumentStart) {
            return Err(at(mark, "missing start of document"));
        }
        let (ev, mark) = self.next()?;
        let value = self.node(ev, mark, 0)?;
        let (ev, mark) = self.next()?;
        match ev {
            Event::DocumentEnd => {}
            Event::DocumentStart => return Err(at(mark, "only a single document is allowed")),
            _ => return Err(at(mark, "unexpected extra content after value")),
        }
        let (ev, mark) = self.next()?;
        if !matches!(ev, Event::StreamEnd) {
            return Err(at(mark, "unexpected extra content after value"));
        }
        Ok(value)
    }

    fn node(&mut self, ev: Event, mark: Mark, depth: usize) -> Result<Value, String> {
        // Deep documents recurse deeply; grow the stack on the heap rather than overflow.
        stacker::maybe_grow(64 * 1024, 1024 * 1024, || self.node_inner(ev, mark, depth))
    }

    fn node_inner(&mut self, ev: Event, mark: Mark, depth: usize) -> Result<Value, String> {
        if depth > MAX_DEPTH {
            return Err(at(mark, "document nests too deeply"));
        }
        match ev {
            Event::Scalar {
                value,
                tag,
                anchor,
                plain,
            } => {
                let v = resolve(&tag, &value, plain).map_err(|e| at(mark, e))?;
                if !anchor.is_empty() {
                    self.anchors.insert(anchor, v.clone());
                }
                Ok(v)
            }
            Event::Alias { anchor } => {
                if self.pending.contains(&anchor) {
                    return Err(at(
                        mark,
                        format!(
                            "cannot refer to anchor \"{anchor}\" from inside its own definition"
                        ),
                    ));
                }
                self.anchors
                    .get(&anchor)
                    .cloned()
                    .ok_or_else(|| at(mark, format!("reference to undefined anchor \"{anchor}\"")))
            }
            Event::MappingStart { tag, anchor } => {
                if !tag.is_empty() && tag != format!("{TAG_PREFIX}map") {
                    return Err(at(mark, format!("can't interpret mapping as {tag}")));
                }
                self.begin(&anchor);
                let mut out = BTreeMap::new();
                // Entries merged in with `<<`, which the mapping's own keys override.
                let mut merged = BTreeMap::new();
                loop {
                    let (key_ev, key_mark) = self.next()?;
                    let key = match key_ev {
                        Event::MappingEnd => break,
                        Event::Scalar {
                            value, tag, plain, ..
                        } if plain && tag.is_empty() && value == "<<" => None,
                        Event::Scalar {
                            value, tag, plain, ..
                        } => Some(key_string(&tag, &value, plain, key_mark)?),
                        _ => return Err(at(key_mark, "only strings are allowed as mapping keys")),
                    };
                    let (ev, mark) = self.next()?;
                    let v = self.node(ev, mark, depth + 1)?;
                    match key {
                        Some(k) => {
                            out.insert(k, v);
                        }
                        None => merge_into(&mut merged, &v),
                    }
                }
                for (k, v) in merged {
                    out.entry(k).or_insert(v);
                }
                let v = Value::object(out);
                self.complete(anchor, &v);
                Ok(v)
            }
            Event::SequenceStart { tag, anchor } => {
                if !tag.is_empty() && tag != format!("{TAG_PREFIX}seq") {
                    return Err(at(mark, format!("can't interpret sequence as {tag}")));
                }
                self.begin(&anchor);
                let mut items = Vec::new();
                loop {
                    let (ev, mark) = self.next()?;
                    if matches!(ev, Event::SequenceEnd) {
                        break;
                    }
                    items.push(self.node(ev, mark, depth + 1)?);
                }
                let v = Value::tuple(items);
                self.complete(anchor, &v);
                Ok(v)
            }
            Event::DocumentStart => Err(at(mark, "only a single document is allowed")),
            Event::StreamEnd => Err(at(mark, "expecting value but found end of stream")),
            other => Err(at(mark, format!("unexpected parser event {other:?}"))),
        }
    }

    fn begin(&mut self, anchor: &str) {
        if !anchor.is_empty() {
            self.pending.insert(anchor.to_string());
        }
    }

    fn complete(&mut self, anchor: String, v: &Value) {
        if !anchor.is_empty() {
            self.pending.remove(&anchor);
            self.anchors.insert(anchor, v.clone());
        }
    }
}

/// The entries of a `<<` value (a mapping, or a sequence of mappings, earlier ones winning).
fn merge_into(merged: &mut BTreeMap<String, Value>, v: &Value) {
    if let Some(entries) = v.entries() {
        for (k, e) in entries {
            merged.entry(k.clone()).or_insert_with(|| e.clone());
        }
    } else if let Some(items) = v.elements() {
        for item in items {
            merge_into(merged, item);
        }
    }
}

/// A mapping key: a scalar converted to a string (numbers and booleans as Terraform writes
/// them); null is refused.
fn key_string(tag: &str, value: &str, plain: bool, mark: Mark) -> Result<String, String> {
    // go-cty-yaml reports a key that does not resolve without a position.
    let v = resolve(tag, value, plain)?;
    if v.is_null() {
        return Err(at(mark, "mapping key cannot be null"));
    }
    if let Some(s) = v.as_str() {
        return Ok(s.to_string());
    }
    match crate::value::convert(&v, &Type::String) {
        Ok(s) => Ok(s.as_str().unwrap_or_default().to_string()),
        Err(_) => Err(at(mark, "only strings are allowed as mapping keys")),
    }
}

/// go-cty-yaml's scalar resolution: an explicit tag decides; an untagged quoted or block
/// scalar is a string; an untagged plain one is looked up as YAML 1.1 would.
fn resolve(tag: &str, src: &str, plain: bool) -> Result<Value, String> {
    let short = tag.strip_prefix(TAG_PREFIX);
    let tag = match (tag, short) {
        ("", _) if !plain => "str",
        ("", _) => "",
        (_, Some(t)) => t,
        (other, None) => return Err(format!("unsupported tag \"{other}\"")),
    };
    let long = |t: &str| format!("{TAG_PREFIX}{t}");
    let cannot = |t: &str| format!("cannot parse \"{src}\" as {}", long(t));
    match tag {
        "str" => Ok(Value::string(src)),
        "binary" => match base64::engine::general_purpose::STANDARD.decode(src) {
            Ok(_) => Ok(Value::string(src)),
            Err(_) => Err(format!("{}: not valid base64", cannot("binary"))),
        },
        "null" => Ok(Value::null(Type::Dynamic)),
        "bool" => bool_word(src)
            .map(Value::bool)
            .ok_or_else(|| cannot("bool")),
        "int" | "float" => number(src).ok_or_else(|| cannot(tag)),
        "timestamp" => timestamp(src).map(Value::string).ok_or_else(|| cannot(tag)),
        "" => Ok(implicit(src)?),
        other => Err(format!("unsupported tag \"{}\"", long(other))),
    }
}

fn bool_word(src: &str) -> Option<bool> {
    match src {
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            Some(true)
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            Some(false)
        }
        _ => None,
    }
}

/// A plain scalar without a tag.
fn implicit(src: &str) -> Result<Value, String> {
    if let Some(b) = bool_word(src) {
        return Ok(Value::bool(b));
    }
    match src {
        "" | "~" | "null" | "Null" | "NULL" => return Ok(Value::null(Type::Dynamic)),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return Ok(Value::number(Number::infinity(false)))
        }
        "-.inf" | "-.Inf" | "-.INF" => return Ok(Value::number(Number::infinity(true))),
        ".nan" | ".NaN" | ".NAN" => return Err("floating point NaN is not supported".into()),
        _ => {}
    }
    let first = src.as_bytes().first().copied().unwrap_or(b' ');
    if first.is_ascii_digit() || first == b'+' || first == b'-' || first == b'.' {
        if first != b'.' {
            if let Some(t) = timestamp(src) {
                return Ok(Value::string(t));
            }
        }
        if let Some(n) = number(src) {
            return Ok(n);
        }
    }
    Ok(Value::string(src))
}

/// A decimal number (cty's syntax), or a 0x/0o/0b integer.
fn number(src: &str) -> Option<Value> {
    let decimal = src
        .trim_start_matches(['+', '-'])
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-'));
    if decimal {
        if let Ok(n) = Number::parse(src.strip_prefix('+').unwrap_or(src)) {
            return Some(Value::number(n));
        }
    }
    let (neg, digits) = match src.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, src.strip_prefix('+').unwrap_or(src)),
    };
    let (radix, body) = if let Some(h) = digits.strip_prefix("0x") {
        (16, h)
    } else if let Some(o) = digits.strip_prefix("0o") {
        (8, o)
    } else if let Some(b) = digits.strip_prefix("0b") {
        (2, b)
    } else {
        return None;
    };
    let n = i128::from_str_radix(body, radix).ok()?;
    let n = if neg { -n } else { n };
    Number::parse(&n.to_string()).ok().map(Value::number)
}

/// A YAML timestamp (date, or date and time) as an RFC 3339 string, as go-cty-yaml gives it.
fn timestamp(src: &str) -> Option<String> {
    let digits = src.bytes().take_while(u8::is_ascii_digit).count();
    if digits != 4 || src.as_bytes().get(4) != Some(&b'-') {
        return None;
    }
    use chrono::{DateTime, NaiveDate, NaiveDateTime};
    if let Ok(d) = NaiveDate::parse_from_str(src, "%Y-%m-%d") {
        return Some(format!("{}T00:00:00Z", d.format("%Y-%m-%d")));
    }
    for f in ["%Y-%m-%dT%H:%M:%S%.f%:z", "%Y-%m-%dt%H:%M:%S%.f%:z"] {
        if let Ok(t) = DateTime::parse_from_str(src, f) {
            return Some(t.format("%Y-%m-%dT%H:%M:%S%:z").to_string());
        }
    }
    for f in [
        "%Y-%m-%dT%H:%M:%S%.fZ",
        "%Y-%m-%dt%H:%M:%S%.fZ",
        "%Y-%m-%d %H:%M:%S%.f",
    ] {
        if let Ok(t) = NaiveDateTime::parse_from_str(src, f) {
            return Some(t.format("%Y-%m-%dT%H:%M:%SZ").to_string());
        }
    }
    None
}
