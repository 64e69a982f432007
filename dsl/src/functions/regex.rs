//! Regular-expression functions: regex, regexall (RE2 syntax, as Go's `regexp`), and the
//! pattern compiler `replace` uses for its `/pattern/` form.

use std::collections::BTreeMap;

use regex::Regex;

use super::util::{arg_err, computed, fail, s, Builtin};
use super::{CallContext, CallError};
use crate::value::{Type, Value};

pub(super) fn register(list: &mut Vec<Builtin>) {
    let params = || {
        vec![
            super::util::p("pattern", Type::String),
            super::util::p("string", Type::String),
        ]
    };
    list.push(computed("regex", params(), None, regex_ret, regex_impl));
    list.push(computed(
        "regexall",
        params(),
        None,
        |args| Ok(Type::list(regex_ret(args)?)),
        regexall_impl,
    ));
}

/// Compiles an RE2 pattern, with errors worded like Go's `regexp` (without its prefix).
pub(super) fn compile(pattern: &str) -> Result<Regex, String> {
    regex::RegexBuilder::new(&ascii_classes(pattern))
        .size_limit(8 << 20)
        .dfa_size_limit(8 << 20)
        .nest_limit(1000)
        .build()
        .map_err(|e| go_error(pattern, &e))
}

/// RE2's Perl classes (`\\d \\w \\s`) and word boundaries are ASCII-only; the regex crate's
/// are Unicode-aware. Rewrites them to their ASCII meaning.
fn ascii_classes(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut chars = pattern.chars().peekable();
    let mut in_class = false;
    let mut class_start = false;
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let Some(n) = chars.next() else {
                    out.push(c);
                    break;
                };
                let rep = match n {
                    'd' => Some("[0-9]"),
                    'D' => Some("[^0-9]"),
                    'w' => Some("[0-9A-Za-z_]"),
                    'W' => Some("[^0-9A-Za-z_]"),
                    's' => Some("[\\t\\n\\f\\r ]"),
                    'S' => Some("[^\\t\\n\\f\\r ]"),
                    'b' if !in_class => Some("(?-u:\\b)"),
                    'B' if !in_class => Some("(?-u:\\B)"),
                    _ => None,
                };
                match rep {
                    Some(r) => out.push_str(r),
                    None => {
                        out.push(c);
                        out.push(n);
                    }
                }
                class_start = false;
            }
            '[' if !in_class => {
                in_class = true;
                class_start = true;
                out.push(c);
                if chars.peek() == Some(&'^') {
                    out.push('^');
                    chars.next();
                }
                continue;
            }
            '[' if chars.peek() == Some(&':') => {
                // A POSIX class such as [:alpha:] inside a bracket expression.
                out.push(c);
                for d in chars.by_ref() {
                    out.push(d);
                    if d == ']' {
                        break;
                    }
                }
                class_start = false;
            }
            ']' if in_class && !class_start => {
                in_class = false;
                out.push(c);
            }
            _ => {
                out.push(c);
                class_start = false;
            }
        }
        if c != '[' {
            class_start = false;
        }
    }
    out
}

fn go_error(pattern: &str, e: &regex::Error) -> String {
    let text = e.to_string();
    let code = if text.contains("unclosed group") {
        "missing closing )"
    } else if text.contains("unopened group") {
        "unexpected )"
    } else if text.contains("unclosed character class") {
        "missing closing ]"
    } else if text.contains("repetition operator missing expression") {
        "missing argument to repetition operator"
    } else if text.contains("exceeds size limit") {
        "expression too large"
    } else if text.contains("escape sequence") {
        "invalid escape sequence"
    } else if text.contains("invalid character class range") {
        "invalid character class range"
    } else if text.contains("nest limit") {
        "expression nests too deeply"
    } else {
        return format!(
            "invalid regexp pattern: {}",
            text.lines().last().unwrap_or("invalid pattern").trim()
        );
    };
    format!("invalid regexp pattern: {code} in {pattern}")
}

enum Shape {
    Whole,
    Named(Vec<String>),
    Numbered(usize),
}

fn shape(re: &Regex) -> Result<Shape, String> {
    let names: Vec<Option<&str>> = re.capture_names().skip(1).collect();
    if names.is_empty() {
        return Ok(Shape::Whole);
    }
    let named = names.iter().filter(|n| n.is_some()).count();
    if named == 0 {
        Ok(Shape::Numbered(names.len()))
    } else if named == names.len() {
        Ok(Shape::Named(
            names.iter().flatten().map(|s| s.to_string()).collect(),
        ))
    } else {
        Err("invalid regexp pattern: cannot mix both named and unnamed capture groups".into())
    }
}

fn shape_type(sh: &Shape) -> Type {
    match sh {
        Shape::Whole => Type::String,
        Shape::Named(ns) => Type::object(ns.iter().map(|n| (n.clone(), Type::String))),
        Shape::Numbered(k) => Type::tuple(vec![Type::String; *k]),
    }
}

fn regex_ret(args: &[Value]) -> Result<Type, CallError> {
    match args.first().and_then(Value::as_str) {
        None => Ok(Type::Dynamic),
        Some(pat) => {
            let re = compile(pat).map_err(|e| arg_err(0, e))?;
            Ok(shape_type(&shape(&re).map_err(|e| arg_err(0, e))?))
        }
    }
}

fn capture_value(sh: &Shape, caps: &regex::Captures<'_>) -> Value {
    let group = |i: usize| match caps.get(i) {
        Some(m) => Value::string(m.as_str()),
        None => Value::null(Type::String),
    };
    match sh {
        Shape::Whole => group(0),
        Shape::Numbered(k) => Value::tuple((1..=*k).map(group).collect()),
        Shape::Named(ns) => {
            let mut m = BTreeMap::new();
            for n in ns {
                let v = match caps.name(n) {
                    Some(c) => Value::string(c.as_str()),
                    None => Value::null(Type::String),
                };
                m.insert(n.clone(), v);
            }
            Value::object(m)
        }
    }
}

fn setup(args: &[Value]) -> Result<(Regex, Shape), CallError> {
    let re = compile(s(args, 0)?).map_err(|e| arg_err(0, e))?;
    let sh = shape(&re).map_err(|e| arg_err(0, e))?;
    Ok((re, sh))
}

fn regex_impl(args: &[Value], _: &CallContext) -> Result<Value, CallError> {
    let (re, sh) = setup(args)?;
    let text = s(args, 1)?;
    match re.captures(text) {
        Some(c) => Ok(capture_value(&sh, &c)),
        None => Err(fail("pattern did not match any part of the given string")),
    }
}

fn regexall_impl(args: &[Value], _: &CallContext) -> Result<Value, CallError> {
    let (re, sh) = setup(args)?;
    let text = s(args, 1)?;
    let items: Vec<Value> = re
        .captures_iter(text)
        .map(|c| capture_value(&sh, &c))
        .collect();
    Value::list(shape_type(&sh), items).map_err(|e| fail(e.to_string()))
}
