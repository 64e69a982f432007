//! Encoding functions: base64decode base64encode base64gzip csvdecode jsondecode jsonencode
//! textdecodebase64 textencodebase64 urlencode.

use std::collections::BTreeMap;

use base64::Engine;

use super::util::{a, arg_err, computed, dynamic_ret, fail, p, s, simple, Builtin, ParamExt};
use super::{CallContext, CallError};
use crate::value::{from_json, to_json, types::go_quote, Type, Value};

pub(super) fn b64() -> base64::engine::GeneralPurpose {
    base64::engine::general_purpose::STANDARD
}

fn st() -> Type {
    Type::String
}

pub(super) fn register(list: &mut Vec<Builtin>) {
    list.push(simple(
        "base64encode",
        vec![p("str", st())],
        st(),
        |args, _| Ok(Value::string(b64().encode(s(args, 0)?))),
    ));
    list.push(simple(
        "base64decode",
        vec![p("str", st())],
        st(),
        |args, _| {
            let text = s(args, 0)?;
            let bytes = b64()
                .decode(text)
                .map_err(|_| fail(format!("failed to decode base64 data {}", go_quote(text))))?;
            String::from_utf8(bytes)
                .map(Value::string)
                .map_err(|_| fail("the result of decoding the provided string is not valid UTF-8"))
        },
    ));
    list.push(simple(
        "base64gzip",
        vec![p("str", st())],
        st(),
        |args, _| {
            let out = super::gozip::gzip(s(args, 0)?.as_bytes());
            Ok(Value::string(b64().encode(out)))
        },
    ));
    list.push(computed(
        "csvdecode",
        vec![p("str", st())],
        None,
        dynamic_ret,
        csvdecode,
    ));
    list.push(computed(
        "jsondecode",
        vec![p("str", st())],
        None,
        dynamic_ret,
        |args, _| from_json(s(args, 0)?).map_err(|e| fail(json_err(&e.to_string()))),
    ));
    list.push(simple(
        "jsonencode",
        vec![p("val", Type::Dynamic).null().unknown()],
        st(),
        |args, _| {
            let v = a(args, 0)?;
            if !v.is_wholly_known() {
                return Ok(Value::unknown_not_null(Type::String));
            }
            to_json(v)
                .map(Value::string)
                .map_err(|e| fail(e.to_string()))
        },
    ));
    list.push(simple(
        "textencodebase64",
        vec![p("string", st()), p("encoding", st())],
        st(),
        |args, _| {
            let bytes = encode_text(s(args, 0)?, s(args, 1)?)?;
            Ok(Value::string(b64().encode(bytes)))
        },
    ));
    list.push(simple(
        "textdecodebase64",
        vec![p("source", st()), p("encoding", st())],
        st(),
        |args, _| {
            let text = s(args, 0)?;
            let bytes = b64().decode(text).map_err(|_| {
                // Go reports where the first symbol outside the alphabet is.
                let bad = text.bytes().position(|b| {
                    !(b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=' | b'\r' | b'\n'))
                });
                let at = bad.map(|i| format!(" at offset {i}")).unwrap_or_default();
                arg_err(
                    0,
                    format!("the given value is has an invalid base64 symbol{at}"),
                )
            })?;
            decode_text(&bytes, s(args, 1)?).map(Value::string)
        },
    ));
    list.push(simple(
        "urlencode",
        vec![p("str", st())],
        st(),
        |args, _| Ok(Value::string(urlencode(s(args, 0)?))),
    ));
}

fn json_err(e: &str) -> String {
    if e.contains("trailing characters") {
        return "extraneous data after JSON object".into();
    }
    if e.contains("EOF") || e.contains("end of") {
        "EOF".into()
    } else {
        e.to_string()
    }
}

/// Go's `url.QueryEscape`.
fn urlencode(t: &str) -> String {
    let mut out = String::with_capacity(t.len());
    for b in t.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

fn csvdecode(args: &[Value], _: &CallContext) -> Result<Value, CallError> {
    let text = s(args, 0)?;
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows = rdr.records();
    let header: Vec<String> = match rows.next() {
        None => return Err(fail("missing header line")),
        Some(Err(e)) => return Err(fail(format!("CSV parse error: {e}"))),
        Some(Ok(r)) => r.iter().map(String::from).collect(),
    };
    for (i, h) in header.iter().enumerate() {
        if header[..i].contains(h) {
            return Err(fail(format!("duplicate column name {}", go_quote(h))));
        }
    }
    let mut out = Vec::new();
    for (i, r) in rows.enumerate() {
        let r = r.map_err(|e| fail(format!("CSV parse error on line {}: {e}", i + 2)))?;
        if r.len() != header.len() {
            return Err(fail(format!(
                "CSV parse error on line {}: wrong number of fields",
                i + 2
            )));
        }
        let m: BTreeMap<String, Value> = header
            .iter()
            .cloned()
            .zip(r.iter().map(Value::string))
            .collect();
        out.push(Value::object(m));
    }
    let ety = Type::object(header.iter().map(|h| (h.clone(), Type::String)));
    Value::list(ety, out).map_err(|e| fail(e.to_string()))
}

fn norm_enc(name: &str) -> String {
    name.to_ascii_uppercase().replace('_', "-")
}

fn bad_enc(name: &str) -> CallError {
    arg_err(
        1,
        format!(
            "{} is not a supported IANA encoding name or alias in this Terraform version",
            go_quote(name)
        ),
    )
}

fn encode_text(t: &str, enc: &str) -> Result<Vec<u8>, CallError> {
    let u16s = || t.encode_utf16().collect::<Vec<u16>>();
    Ok(match norm_enc(enc).as_str() {
        "UTF-8" | "UTF8" => t.as_bytes().to_vec(),
        "UTF-16LE" => u16s().iter().flat_map(|c| c.to_le_bytes()).collect(),
        "UTF-16BE" => u16s().iter().flat_map(|c| c.to_be_bytes()).collect(),
        "UTF-16" => {
            let mut v = vec![0xFE, 0xFF];
            v.extend(u16s().iter().flat_map(|c| c.to_be_bytes()));
            v
        }
        "ISO-8859-1" | "LATIN1" | "ISO8859-1" | "US-ASCII" | "ASCII" => {
            let limit = if norm_enc(enc).contains("ASCII") {
                0x7f
            } else {
                0xff
            };
            let mut v = Vec::new();
            for c in t.chars() {
                if (c as u32) > limit {
                    return Err(arg_err(
                        0,
                        format!(
                            "the given string contains characters that cannot be represented in {}",
                            // The IANA name Terraform prints for Latin-1.
                            if limit == 0xff {
                                "ISO_8859-1:1987"
                            } else {
                                enc
                            }
                        ),
                    ));
                }
                v.push(c as u32 as u8);
            }
            v
        }
        _ => return Err(bad_enc(enc)),
    })
}

fn decode_text(b: &[u8], enc: &str) -> Result<String, CallError> {
    let invalid = || arg_err(0, format!("the given value is not valid {enc} text"));
    let from16 = |b: &[u8], le: bool| -> Result<String, CallError> {
        let units: Vec<u16> = b
            .chunks(2)
            .map(|c| {
                let pair = [c[0], *c.get(1).unwrap_or(&0)];
                if le {
                    u16::from_le_bytes(pair)
                } else {
                    u16::from_be_bytes(pair)
                }
            })
            .collect();
        Ok(String::from_utf16_lossy(&units))
    };
    match norm_enc(enc).as_str() {
        "UTF-8" | "UTF8" => String::from_utf8(b.to_vec()).map_err(|_| invalid()),
        "UTF-16LE" => from16(b, true),
        "UTF-16BE" => from16(b, false),
        "UTF-16" => match b {
            [0xFF, 0xFE, rest @ ..] => from16(rest, true),
            [0xFE, 0xFF, rest @ ..] => from16(rest, false),
            _ => from16(b, false),
        },
        "ISO-8859-1" | "LATIN1" | "ISO8859-1" => Ok(b.iter().map(|&c| c as char).collect()),
        "US-ASCII" | "ASCII" => Ok(b
            .iter()
            .map(|&c| if c < 0x80 { c as char } else { '\u{FFFD}' })
            .collect()),
        _ => Err(bad_enc(enc)),
    }
}
