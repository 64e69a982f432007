//! `format` and `formatlist`: Go-style verbs (`%v %#v %t %s %q %d %b %o %x %X %e %E %f %g %G`)
//! with flags, width, precision and explicit argument indexes, as cty's stdlib formats them.

use super::util::{arg_err, fail, list_str, p, s, simple, Builtin, ParamExt};
use super::{CallContext, CallError};
use crate::value::{convert, to_json, Number, Type, Value};

/// Widest field a verb may ask for, so that no format string can exhaust memory.
const MAX_WIDTH: usize = 1 << 20;

pub(super) fn register(list: &mut Vec<Builtin>) {
    let args = || p("args", Type::Dynamic).null();
    let mut f = simple(
        "format",
        vec![p("format", Type::String)],
        Type::String,
        format_impl,
    );
    f.variadic = Some(args());
    list.push(f);
    let mut fl = simple(
        "formatlist",
        vec![p("format", Type::String)],
        list_str(),
        formatlist,
    );
    fl.variadic = Some(args());
    list.push(fl);
}

fn format_impl(args: &[Value], _: &CallContext) -> Result<Value, CallError> {
    let fmt = s(args, 0)?;
    if args[1..].iter().any(|v| !v.is_wholly_known()) {
        return Ok(Value::unknown(Type::String));
    }
    format_str(fmt, &args[1..]).map(Value::string)
}

fn formatlist(args: &[Value], _: &CallContext) -> Result<Value, CallError> {
    let fmt = s(args, 0)?;
    let mut len: Option<(usize, usize)> = None;
    for (i, a) in args.iter().enumerate().skip(1) {
        if a.is_null() {
            continue;
        }
        if let Some(es) = a.elements() {
            if a.ty().is_list() || a.ty().is_set() || a.ty().is_tuple() {
                match len {
                    None => len = Some((i, es.len())),
                    Some((j, l)) if l != es.len() => {
                        return Err(arg_err(
                            i,
                            format!(
                                "argument {i} has length {}, which is inconsistent with argument {j} of length {l}",
                                es.len()
                            ),
                        ))
                    }
                    _ => {}
                }
            }
        }
    }
    let n = len.map(|(_, l)| l).unwrap_or(1);
    let mut out = Vec::with_capacity(n);
    for k in 0..n {
        let row: Vec<Value> = args[1..]
            .iter()
            .map(|a| {
                if !a.is_null() && (a.ty().is_list() || a.ty().is_set() || a.ty().is_tuple()) {
                    a.elements()
                        .and_then(|e| e.get(k))
                        .cloned()
                        .unwrap_or_else(Value::dynamic)
                } else {
                    a.clone()
                }
            })
            .collect();
        if row.iter().any(|v| !v.is_wholly_known()) {
            // As cty: an iteration with an unknown argument gives an unknown string.
            out.push(Value::unknown(Type::String));
            continue;
        }
        let text = format_str(fmt, &row)
            .map_err(|e| fail(format!("error on format iteration {k}: {}", e.message)))?;
        out.push(Value::string(text));
    }
    Value::list(Type::String, out).map_err(|e| fail(e.to_string()))
}

#[derive(Default)]
struct Spec {
    plus: bool,
    minus: bool,
    space: bool,
    zero: bool,
    sharp: bool,
    width: Option<usize>,
    prec: Option<usize>,
}

/// Formats `args` by `fmt`; errors are the bare reasons (argument index 1 for "too many").
pub(super) fn format_str(fmt: &str, args: &[Value]) -> Result<String, CallError> {
    let bytes = fmt.as_bytes();
    let mut out = String::new();
    let mut i = 0;
    let mut next_arg = 0usize;
    let mut verbs = 0usize;
    let mut used_max = 0usize;
    while i < bytes.len() {
        let Some(rel) = fmt[i..].find('%') else {
            out.push_str(&fmt[i..]);
            break;
        };
        out.push_str(&fmt[i..i + rel]);
        let start = i + rel;
        let mut j = start + 1;
        if bytes.get(j) == Some(&b'%') {
            out.push('%');
            i = j + 1;
            continue;
        }
        let mut sp = Spec::default();
        while let Some(&c) = bytes.get(j) {
            match c {
                b'+' => sp.plus = true,
                b'-' => sp.minus = true,
                b' ' => sp.space = true,
                b'0' => sp.zero = true,
                b'#' => sp.sharp = true,
                _ => break,
            }
            j += 1;
        }
        if bytes.get(j) == Some(&b'[') {
            let close = fmt[j..].find(']').map(|k| j + k);
            let idx = close.and_then(|c| fmt[j + 1..c].parse::<usize>().ok());
            match (close, idx) {
                (Some(c), Some(n)) if n >= 1 => {
                    next_arg = n - 1;
                    j = c + 1;
                }
                _ => {
                    return Err(fail(format!(
                        "invalid format string starting at offset {}",
                        j
                    )))
                }
            }
        }
        let digits = |j: &mut usize| -> Option<usize> {
            let s0 = *j;
            while bytes.get(*j).is_some_and(u8::is_ascii_digit) {
                *j += 1;
            }
            (*j > s0).then(|| fmt[s0..*j].parse::<usize>().unwrap_or(usize::MAX))
        };
        sp.width = digits(&mut j);
        if bytes.get(j) == Some(&b'.') {
            j += 1;
            sp.prec = Some(digits(&mut j).unwrap_or(0));
        }
        if sp.width.unwrap_or(0) > MAX_WIDTH || sp.prec.unwrap_or(0) > MAX_WIDTH {
            return Err(fail(format!(
                "invalid format string starting at offset {start}"
            )));
        }
        let Some(verb) = fmt[j..].chars().next() else {
            return Err(fail(format!(
                "invalid format string starting at offset {j}"
            )));
        };
        let end = j + verb.len_utf8();
        let vtext = &fmt[start..end];
        i = end;
        verbs += 1;
        if !"vtsqdboxXeEfgG".contains(verb) {
            return Err(fail(format!(
                "unsupported format verb '{verb}' in \"{vtext}\" at offset {start}"
            )));
        }
        let Some(arg) = args.get(next_arg) else {
            return Err(fail(format!(
                "not enough arguments for \"{vtext}\" at {start}: need index {} but have {} total",
                next_arg + 1,
                args.len()
            )));
        };
        next_arg += 1;
        used_max = used_max.max(next_arg);
        let bad = |why: String| {
            fail(format!(
                "unsupported value for \"{vtext}\" at {start}: {why}"
            ))
        };
        let piece = format_one(verb, &sp, arg).map_err(bad)?;
        out.push_str(&piece);
    }
    if verbs == 0 && !args.is_empty() {
        return Err(arg_err(1, "too many arguments; no verbs in format string"));
    }
    if used_max < args.len() && verbs > 0 {
        return Err(arg_err(
            used_max + 1,
            format!("too many arguments; only {used_max} used by format string"),
        ));
    }
    Ok(out)
}

fn pad(sp: &Spec, body: String, numeric: bool) -> String {
    let Some(w) = sp.width else { return body };
    let len = body.chars().count();
    if len >= w {
        return body;
    }
    let fill = w - len;
    if sp.minus {
        format!("{body}{}", " ".repeat(fill))
    } else if sp.zero && numeric {
        let (sign, rest) = match body.chars().next() {
            Some(c @ ('+' | '-' | ' ')) => (c.to_string(), &body[1..]),
            _ => (String::new(), body.as_str()),
        };
        format!("{sign}{}{rest}", "0".repeat(fill))
    } else {
        format!("{}{body}", " ".repeat(fill))
    }
}

fn format_one(verb: char, sp: &Spec, arg: &Value) -> Result<String, String> {
    if !arg.is_known() {
        return Err("value is not known".into());
    }
    match verb {
        'v' if sp.sharp => to_json(arg)
            .map_err(|e| e.to_string())
            .map(|t| pad(sp, t, false)),
        'v' => {
            if arg.is_null() {
                return Ok(pad(sp, "null".into(), false));
            }
            match arg.ty() {
                Type::String => Ok(pad(sp, arg.as_str().unwrap_or_default().to_string(), false)),
                Type::Number => format_float('g', sp, arg.as_number().unwrap_or(&Number::zero())),
                Type::Bool => Ok(pad(sp, arg.as_bool().unwrap_or(false).to_string(), false)),
                _ => to_json(arg)
                    .map_err(|e| e.to_string())
                    .map(|t| pad(sp, t, false)),
            }
        }
        _ if arg.is_null() => Err("null value cannot be formatted".into()),
        't' => {
            let v = convert(arg, &Type::Bool).map_err(|e| e.to_string())?;
            Ok(v.as_bool().unwrap_or(false).to_string())
        }
        's' | 'q' => {
            let v = convert(arg, &Type::String).map_err(|e| e.to_string())?;
            let text = v.as_str().unwrap_or_default();
            if verb == 'q' {
                return to_json(&v)
                    .map_err(|e| e.to_string())
                    .map(|t| pad(sp, t, false));
            }
            let text: String = match sp.prec {
                Some(pr) => text.chars().take(pr).collect(),
                None => text.to_string(),
            };
            Ok(pad(sp, text, false))
        }
        _ => {
            let v = convert(arg, &Type::Number).map_err(|e| e.to_string())?;
            let num = v.as_number().cloned().unwrap_or_else(Number::zero);
            match verb {
                'd' | 'b' | 'o' | 'x' | 'X' => format_int(verb, sp, &num),
                _ => format_float(verb, sp, &num),
            }
        }
    }
}

fn sign_prefix(sp: &Spec, neg: bool) -> &'static str {
    if neg {
        "-"
    } else if sp.plus {
        "+"
    } else if sp.space {
        " "
    } else {
        ""
    }
}

fn format_int(verb: char, sp: &Spec, num: &Number) -> Result<String, String> {
    if !num.is_integer() {
        return Err("an integer is required".into());
    }
    let big = num.to_bigint().ok_or("an integer is required")?;
    let neg = big.sign() == num_bigint::Sign::Minus;
    let mag = big.magnitude();
    let mut digits = match verb {
        'b' => mag.to_str_radix(2),
        'o' => mag.to_str_radix(8),
        'x' => mag.to_str_radix(16),
        'X' => mag.to_str_radix(16).to_uppercase(),
        _ => mag.to_str_radix(10),
    };
    if let Some(pr) = sp.prec {
        if digits.len() < pr {
            digits = format!("{}{digits}", "0".repeat(pr - digits.len()));
        }
    }
    let prefix = if sp.sharp {
        match verb {
            'b' => "0b",
            'o' => "0",
            'x' => "0x",
            'X' => "0X",
            _ => "",
        }
    } else {
        ""
    };
    Ok(pad(
        sp,
        format!("{}{prefix}{digits}", sign_prefix(sp, neg)),
        true,
    ))
}

/// The decimal digits of `num` (shortest form) and the exponent such that the value is
/// `0.d1d2d3... * 10^exp`.
fn decimal_digits(num: &Number) -> (Vec<u8>, i64) {
    let text = num.abs().to_text();
    let (int_part, frac_part) = text.split_once('.').unwrap_or((&text, ""));
    let all: Vec<u8> = int_part
        .bytes()
        .chain(frac_part.bytes())
        .map(|b| b - b'0')
        .collect();
    let lead = all.iter().take_while(|&&d| d == 0).count();
    if lead == all.len() {
        return (vec![], 0);
    }
    let mut digits = all[lead..].to_vec();
    while digits.last() == Some(&0) {
        digits.pop();
    }
    (digits, int_part.len() as i64 - lead as i64)
}

/// Rounds `digits` (value `0.d... * 10^exp`) to `n` digits, half to even.
fn round_digits(digits: &mut Vec<u8>, exp: &mut i64, n: usize) {
    if digits.len() <= n {
        return;
    }
    let up = match digits[n] {
        d if d > 5 => true,
        5 if digits.len() > n + 1 => true,
        5 => n > 0 && digits[n - 1] % 2 == 1,
        _ => false,
    };
    digits.truncate(n);
    if up {
        let mut k = n;
        loop {
            if k == 0 {
                digits.insert(0, 1);
                *exp += 1;
                break;
            }
            k -= 1;
            if digits[k] == 9 {
                digits[k] = 0;
            } else {
                digits[k] += 1;
                break;
            }
        }
    }
    while digits.last() == Some(&0) {
        digits.pop();
    }
}

fn digit_at(d: &[u8], i: i64) -> char {
    if i < 0 {
        '0'
    } else {
        d.get(i as usize).map(|x| (b'0' + x) as char).unwrap_or('0')
    }
}

fn fmt_f(d: &[u8], exp: i64, prec: usize) -> String {
    let mut s = String::new();
    if exp <= 0 {
        s.push('0');
    } else {
        for i in 0..exp {
            s.push(digit_at(d, i));
        }
    }
    if prec > 0 {
        s.push('.');
        for i in 0..prec as i64 {
            s.push(digit_at(d, exp + i));
        }
    }
    s
}

fn fmt_e(d: &[u8], exp: i64, prec: usize, upper: bool) -> String {
    let mut s = String::new();
    s.push(digit_at(d, 0));
    if prec > 0 {
        s.push('.');
        for i in 1..=prec as i64 {
            s.push(digit_at(d, i));
        }
    }
    let e = if d.is_empty() { 0 } else { exp - 1 };
    s.push(if upper { 'E' } else { 'e' });
    s.push(if e < 0 { '-' } else { '+' });
    s.push_str(&format!("{:02}", e.abs()));
    s
}

fn format_float(verb: char, sp: &Spec, num: &Number) -> Result<String, String> {
    let neg = num.sign_bit();
    if num.is_infinite() {
        let body = format!(
            "{}Inf",
            if neg {
                "-"
            } else if sp.space && !sp.plus {
                " "
            } else {
                "+"
            }
        );
        return Ok(pad(&Spec { zero: false, ..*sp }, body, false));
    }
    let (mut d, mut exp) = decimal_digits(num);
    let body = match verb {
        'f' | 'F' => {
            let pr = sp.prec.unwrap_or(6);
            let keep = exp + pr as i64;
            if keep < 0 {
                d.clear();
            } else {
                round_digits(&mut d, &mut exp, keep as usize);
            }
            fmt_f(&d, exp, pr)
        }
        'e' | 'E' => {
            let pr = sp.prec.unwrap_or(6);
            round_digits(&mut d, &mut exp, pr + 1);
            fmt_e(&d, exp, pr, verb == 'E')
        }
        _ => {
            // 'g', 'G', 'v'
            let shortest = sp.prec.is_none();
            let mut eprec = sp.prec.unwrap_or(0).max(1);
            if !shortest {
                round_digits(&mut d, &mut exp, eprec);
            }
            if eprec > d.len() && d.len() as i64 >= exp {
                eprec = d.len();
            }
            if shortest {
                eprec = 6;
            }
            let x = exp - 1;
            if !d.is_empty() && (x < -4 || x >= eprec as i64) {
                let pr = d.len().saturating_sub(1);
                fmt_e(&d, exp, pr, verb == 'G')
            } else {
                let pr = (d.len() as i64 - exp).max(0) as usize;
                fmt_f(&d, exp, pr)
            }
        }
    };
    let body = format!("{}{body}", sign_prefix(sp, neg));
    Ok(pad(sp, body, true))
}
