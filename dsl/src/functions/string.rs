//! String functions: chomp endswith indent join lower replace split startswith strcontains
//! strrev substr title trim trimprefix trimspace trimsuffix upper.

use unicode_segmentation::UnicodeSegmentation;

use super::util::{arg_err, fail, int, list_str, p, s, simple, string_list, Builtin};
use super::{CallContext, CallError};
use crate::value::{Type, Value};

fn st() -> Type {
    Type::String
}

pub(super) fn register(list: &mut Vec<Builtin>) {
    list.push(simple("chomp", vec![p("str", st())], st(), |args, _| {
        let mut t = s(args, 0)?;
        loop {
            if let Some(r) = t.strip_suffix("\r\n") {
                t = r;
            } else if let Some(r) = t.strip_suffix('\n').or_else(|| t.strip_suffix('\r')) {
                t = r;
            } else {
                break;
            }
        }
        Ok(Value::string(t))
    }));
    list.push(simple(
        "endswith",
        vec![p("str", st()), p("suffix", st())],
        Type::Bool,
        |args, _| Ok(Value::bool(s(args, 0)?.ends_with(s(args, 1)?))),
    ));
    list.push(simple(
        "startswith",
        vec![p("str", st()), p("prefix", st())],
        Type::Bool,
        |args, _| Ok(Value::bool(s(args, 0)?.starts_with(s(args, 1)?))),
    ));
    list.push(simple(
        "strcontains",
        vec![p("str", st()), p("substr", st())],
        Type::Bool,
        |args, _| Ok(Value::bool(s(args, 0)?.contains(s(args, 1)?))),
    ));
    list.push(simple(
        "indent",
        vec![p("spaces", Type::Number), p("str", st())],
        st(),
        indent,
    ));
    list.push(Builtin {
        name: "join",
        params: vec![p("separator", st())],
        variadic: Some(p("lists", list_str())),
        ret: super::util::Ret::Fixed(st()),
        imp: join,
        keep_nested_marks: false,
    });
    list.push(simple("lower", vec![p("str", st())], st(), |args, _| {
        Ok(Value::string(map_chars(s(args, 0)?, false)))
    }));
    list.push(simple("upper", vec![p("str", st())], st(), |args, _| {
        Ok(Value::string(map_chars(s(args, 0)?, true)))
    }));
    list.push(simple(
        "replace",
        vec![p("str", st()), p("substr", st()), p("replace", st())],
        st(),
        replace,
    ));
    list.push(simple(
        "split",
        vec![p("separator", st()), p("str", st())],
        list_str(),
        |args, _| {
            let sep = s(args, 0)?;
            let text = s(args, 1)?;
            let parts: Vec<String> = if sep.is_empty() {
                text.chars().map(String::from).collect()
            } else {
                text.split(sep).map(String::from).collect()
            };
            Ok(string_list(parts))
        },
    ));
    list.push(simple("strrev", vec![p("str", st())], st(), |args, _| {
        let g: Vec<&str> = s(args, 0)?.graphemes(true).collect();
        Ok(Value::string(g.into_iter().rev().collect::<String>()))
    }));
    list.push(simple(
        "substr",
        vec![
            p("str", st()),
            p("offset", Type::Number),
            p("length", Type::Number),
        ],
        st(),
        substr,
    ));
    list.push(simple("title", vec![p("str", st())], st(), |args, _| {
        Ok(Value::string(title(s(args, 0)?)))
    }));
    list.push(simple(
        "trim",
        vec![p("str", st()), p("cutset", st())],
        st(),
        |args, _| {
            let cut = s(args, 1)?;
            Ok(Value::string(s(args, 0)?.trim_matches(|c| cut.contains(c))))
        },
    ));
    list.push(simple(
        "trimprefix",
        vec![p("str", st()), p("prefix", st())],
        st(),
        |args, _| {
            let t = s(args, 0)?;
            Ok(Value::string(t.strip_prefix(s(args, 1)?).unwrap_or(t)))
        },
    ));
    list.push(simple(
        "trimsuffix",
        vec![p("str", st()), p("suffix", st())],
        st(),
        |args, _| {
            let t = s(args, 0)?;
            Ok(Value::string(t.strip_suffix(s(args, 1)?).unwrap_or(t)))
        },
    ));
    list.push(simple(
        "trimspace",
        vec![p("str", st())],
        st(),
        |args, _| Ok(Value::string(s(args, 0)?.trim())),
    ));
}

/// Largest output `indent` and friends may build (bytes), so no input can exhaust memory.
pub(super) const MAX_OUTPUT: usize = 64 << 20;

fn indent(args: &[Value], _: &CallContext) -> Result<Value, CallError> {
    let spaces = int(args, 0)?;
    let text = s(args, 1)?;
    let spaces = usize::try_from(spaces).unwrap_or(0);
    let lines = text.matches('\n').count();
    if spaces.saturating_mul(lines).saturating_add(text.len()) > MAX_OUTPUT {
        return Err(fail("result would be too large"));
    }
    let pad = format!("\n{}", " ".repeat(spaces));
    Ok(Value::string(text.replace('\n', &pad)))
}

fn join(args: &[Value], _: &CallContext) -> Result<Value, CallError> {
    let sep = s(args, 0)?;
    if args.len() < 2 {
        return Err(fail("at least one list is required"));
    }
    let mut parts: Vec<&str> = Vec::new();
    for (li, l) in args.iter().enumerate().skip(1) {
        for (i, e) in l.elements().unwrap_or_default().iter().enumerate() {
            if e.is_null() {
                return Err(arg_err(
                    li,
                    format!("element {i} is null; cannot concatenate null values"),
                ));
            }
            parts.push(e.as_str().unwrap_or_default());
        }
    }
    Ok(Value::string(parts.join(sep)))
}

/// Go's `unicode.ToUpper`/`ToLower` per character: a one-to-one mapping.
fn map_chars(t: &str, up: bool) -> String {
    t.chars()
        .map(|c| {
            let mut it: Vec<char> = if up {
                c.to_uppercase().collect()
            } else {
                c.to_lowercase().collect()
            };
            if it.len() == 1 {
                it.pop().unwrap_or(c)
            } else {
                c
            }
        })
        .collect()
}

fn replace(args: &[Value], _: &CallContext) -> Result<Value, CallError> {
    let text = s(args, 0)?;
    let sub = s(args, 1)?;
    let rep = s(args, 2)?;
    if sub.len() >= 2 && sub.starts_with('/') && sub.ends_with('/') {
        let re =
            super::regex::compile(&sub[1..sub.len() - 1]).map_err(|e| fail(go_regexp_error(&e)))?;
        return Ok(Value::string(re.replace_all(text, rep)));
    }
    if sub.is_empty() {
        // Go's strings.Replace with an empty old string inserts between every character.
        let mut out = String::with_capacity(text.len() * (rep.len() + 1) + rep.len());
        out.push_str(rep);
        for c in text.chars() {
            out.push(c);
            out.push_str(rep);
        }
        return Ok(Value::string(out));
    }
    Ok(Value::string(text.replace(sub, rep)))
}

/// Terraform's `replace` reports a bad pattern with Go's `regexp` error text as is:
/// "error parsing regexp: missing closing ): `(`".
fn go_regexp_error(msg: &str) -> String {
    let body = msg.strip_prefix("invalid regexp pattern: ").unwrap_or(msg);
    match body.split_once(" in ") {
        Some((code, expr)) => format!("error parsing regexp: {code}: `{expr}`"),
        None => format!("error parsing regexp: {body}"),
    }
}

fn substr(args: &[Value], _: &CallContext) -> Result<Value, CallError> {
    let text = s(args, 0)?;
    let offset = int(args, 1)?;
    let length = int(args, 2)?;
    let g: Vec<&str> = text.graphemes(true).collect();
    let total = g.len() as i64;
    let mut start = offset;
    if start < 0 {
        start += total;
    }
    let start = start.clamp(0, total) as usize;
    let rest = &g[start..];
    let take = if length < 0 {
        rest.len()
    } else {
        (length as usize).min(rest.len())
    };
    Ok(Value::string(rest[..take].concat()))
}

/// Go's `strings.Title`: upper-case the first letter of each word.
fn title(t: &str) -> String {
    let is_sep = |c: char| {
        if c.is_ascii() {
            !(c.is_ascii_alphanumeric() || c == '_')
        } else {
            c.is_whitespace()
        }
    };
    let mut prev_sep = true;
    let mut out = String::with_capacity(t.len());
    for c in t.chars() {
        if prev_sep {
            let up: Vec<char> = c.to_uppercase().collect();
            if up.len() == 1 {
                out.push(up[0]);
            } else {
                out.push(c);
            }
        } else {
            out.push(c);
        }
        prev_sep = is_sep(c);
    }
    out
}
