//! Date and time functions: formatdate plantimestamp timeadd timecmp timestamp.

use chrono::{DateTime, Datelike, FixedOffset, Timelike, Utc};

use super::util::{arg_err, fail, p, s, simple, Builtin};
use super::{CallContext, CallError};
use crate::value::{types::go_quote, Type, Value};

pub(super) fn register(list: &mut Vec<Builtin>) {
    let st = || Type::String;
    list.push(simple(
        "formatdate",
        vec![p("format", st()), p("time", st())],
        st(),
        |args, _| {
            let t = parse(s(args, 1)?, 1)?;
            format_date(s(args, 0)?, &t).map(Value::string)
        },
    ));
    list.push(simple("timestamp", vec![], st(), |_, _| {
        Ok(Value::string(rfc3339(&Utc::now().fixed_offset())))
    }));
    list.push(simple(
        "plantimestamp",
        vec![],
        st(),
        |_, ctx: &CallContext| {
            Ok(match &ctx.plan_timestamp {
                Some(t) => Value::string(t),
                None => Value::unknown_not_null(Type::String),
            })
        },
    ));
    list.push(simple(
        "timeadd",
        vec![p("timestamp", st()), p("duration", st())],
        st(),
        |args, _| {
            // Terraform reports a bad timestamp here as a failed call, not a bad argument.
            let t = parse(s(args, 0)?, 0).map_err(|e| fail(e.message))?;
            let d = parse_duration(s(args, 1)?)?;
            let out = t
                .checked_add_signed(chrono::Duration::nanoseconds(d))
                .ok_or_else(|| fail("time out of range"))?;
            Ok(Value::string(rfc3339(&out)))
        },
    ));
    list.push(simple(
        "timecmp",
        vec![p("timestamp_a", st()), p("timestamp_b", st())],
        Type::Number,
        |args, _| {
            let x = parse(s(args, 0)?, 0)?;
            let y = parse(s(args, 1)?, 1)?;
            Ok(Value::int(match x.cmp(&y) {
                std::cmp::Ordering::Less => -1,
                std::cmp::Ordering::Equal => 0,
                std::cmp::Ordering::Greater => 1,
            }))
        },
    ));
}

fn parse(text: &str, arg: usize) -> Result<DateTime<FixedOffset>, CallError> {
    DateTime::parse_from_rfc3339(text).map_err(|_| {
        let what = if text.len() < 4 || !text.as_bytes()[..4].iter().all(u8::is_ascii_digit) {
            format!("cannot use {} as year", go_quote(text))
        } else {
            format!("cannot use {} as a timestamp", go_quote(text))
        };
        arg_err(arg, format!("not a valid RFC3339 timestamp: {what}"))
    })
}

/// Go's `time.Format(time.RFC3339)`: whole seconds, `Z` for UTC.
fn rfc3339(t: &DateTime<FixedOffset>) -> String {
    let off = t.offset().local_minus_utc();
    let zone = if off == 0 {
        "Z".to_string()
    } else {
        offset_text(off, true)
    };
    format!("{}{zone}", t.format("%Y-%m-%dT%H:%M:%S"))
}

fn offset_text(off: i32, colon: bool) -> String {
    let sign = if off < 0 { '-' } else { '+' };
    let a = off.abs();
    if colon {
        format!("{sign}{:02}:{:02}", a / 3600, (a % 3600) / 60)
    } else {
        format!("{sign}{:02}{:02}", a / 3600, (a % 3600) / 60)
    }
}

/// Go's `time.ParseDuration`, in nanoseconds.
fn parse_duration(text: &str) -> Result<i64, CallError> {
    let invalid = || fail(format!("time: invalid duration {}", go_quote(text)));
    let mut rest = text;
    let mut neg = false;
    if let Some(r) = rest.strip_prefix('-') {
        neg = true;
        rest = r;
    } else if let Some(r) = rest.strip_prefix('+') {
        rest = r;
    }
    if rest == "0" {
        return Ok(0);
    }
    if rest.is_empty() {
        return Err(invalid());
    }
    let mut total: f64 = 0.0;
    while !rest.is_empty() {
        let num_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        if num_len == 0 {
            return Err(invalid());
        }
        let value: f64 = rest[..num_len].parse().map_err(|_| invalid())?;
        rest = &rest[num_len..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let unit = &rest[..unit_len];
        rest = &rest[unit_len..];
        let scale: f64 = match unit {
            "ns" => 1.0,
            "us" | "µs" | "μs" => 1e3,
            "ms" => 1e6,
            "s" => 1e9,
            "m" => 60e9,
            "h" => 3600e9,
            "" => {
                return Err(fail(format!(
                    "time: missing unit in duration {}",
                    go_quote(text)
                )))
            }
            u => {
                return Err(fail(format!(
                    "time: unknown unit {} in duration {}",
                    go_quote(u),
                    go_quote(text)
                )))
            }
        };
        total += value * scale;
        if total > 9.223372036854775e18 {
            return Err(invalid());
        }
    }
    Ok(if neg { -(total as i64) } else { total as i64 })
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const DAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

fn format_date(spec: &str, t: &DateTime<FixedOffset>) -> Result<String, CallError> {
    let chars: Vec<char> = spec.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\'' {
            if chars.get(i + 1) == Some(&'\'') {
                out.push('\'');
                i += 2;
                continue;
            }
            let mut j = i + 1;
            loop {
                match chars.get(j) {
                    None => {
                        return Err(arg_err(0, "unterminated literal '"));
                    }
                    Some('\'') if chars.get(j + 1) == Some(&'\'') => {
                        out.push('\'');
                        j += 2;
                    }
                    Some('\'') => break,
                    Some(&x) => {
                        out.push(x);
                        j += 1;
                    }
                }
            }
            i = j + 1;
            continue;
        }
        if !c.is_ascii_alphabetic() {
            out.push(c);
            i += 1;
            continue;
        }
        let mut j = i;
        while chars.get(j) == Some(&c) {
            j += 1;
        }
        let tok: String = chars[i..j].iter().collect();
        i = j;
        let off = t.offset().local_minus_utc();
        let h12 = match t.hour() % 12 {
            0 => 12,
            h => h,
        };
        let piece = match tok.as_str() {
            "YYYY" => format!("{:04}", t.year()),
            "YY" => format!("{:02}", t.year().rem_euclid(100)),
            "MMMM" => MONTHS[t.month0() as usize].to_string(),
            "MMM" => MONTHS[t.month0() as usize][..3].to_string(),
            "MM" => format!("{:02}", t.month()),
            "M" => t.month().to_string(),
            "DD" => format!("{:02}", t.day()),
            "D" => t.day().to_string(),
            "EEEE" => DAYS[t.weekday().num_days_from_monday() as usize].to_string(),
            "EEE" => DAYS[t.weekday().num_days_from_monday() as usize][..3].to_string(),
            "hh" => format!("{:02}", t.hour()),
            "h" => t.hour().to_string(),
            "HH" => format!("{h12:02}"),
            "H" => h12.to_string(),
            "AA" => if t.hour() < 12 { "AM" } else { "PM" }.to_string(),
            "aa" => if t.hour() < 12 { "am" } else { "pm" }.to_string(),
            "mm" => format!("{:02}", t.minute()),
            "m" => t.minute().to_string(),
            "ss" => format!("{:02}", t.second()),
            "s" => t.second().to_string(),
            "ZZZZZ" => offset_text(off, true),
            "ZZZZ" => offset_text(off, false),
            "ZZZ" => {
                if off == 0 {
                    "UTC".to_string()
                } else {
                    offset_text(off, false)
                }
            }
            "Z" => {
                if off == 0 {
                    "Z".to_string()
                } else {
                    offset_text(off, true)
                }
            }
            _ => {
                return Err(arg_err(
                    0,
                    format!("invalid date format verb {}", go_quote(&tok)),
                ))
            }
        };
        out.push_str(&piece);
    }
    Ok(out)
}
