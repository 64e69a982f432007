//! Numeric functions: abs ceil floor log max min parseint pow signum.

use num_bigint::BigInt;

use super::util::{a, arg_err, fail, n, p, s, simple, Builtin};
use crate::value::{Number, Type, Value};

pub(super) fn register(list: &mut Vec<Builtin>) {
    let num = || Type::Number;
    list.push(simple("abs", vec![p("num", num())], num(), |args, _| {
        Ok(Value::number(n(args, 0)?.abs()))
    }));
    list.push(simple("ceil", vec![p("num", num())], num(), |args, _| {
        Ok(Value::number(n(args, 0)?.ceil()))
    }));
    list.push(simple("floor", vec![p("num", num())], num(), |args, _| {
        Ok(Value::number(n(args, 0)?.floor()))
    }));
    list.push(simple(
        "log",
        vec![p("num", num()), p("base", num())],
        num(),
        |args, _| {
            n(args, 0)?
                .log_f64(n(args, 1)?)
                .map(Value::number)
                .ok_or_else(|| fail("result is not a number"))
        },
    ));
    list.push(simple(
        "pow",
        vec![p("num", num()), p("power", num())],
        num(),
        |args, _| {
            n(args, 0)?
                .pow_f64(n(args, 1)?)
                .map(Value::number)
                .ok_or_else(|| fail("result is not a number"))
        },
    ));
    list.push(simple("signum", vec![p("num", num())], num(), |args, _| {
        let x = n(args, 0)?;
        let r = if x.is_zero() {
            0
        } else if x.is_negative() {
            -1
        } else {
            1
        };
        Ok(Value::int(r))
    }));
    for (name, want_max) in [("max", true), ("min", false)] {
        list.push(Builtin {
            name,
            params: vec![],
            variadic: Some(p("numbers", num())),
            ret: super::util::Ret::Fixed(num()),
            imp: if want_max { max_impl } else { min_impl },
            keep_nested_marks: false,
        });
    }
    list.push(simple(
        "parseint",
        vec![p("number", Type::Dynamic), p("base", num())],
        num(),
        parseint,
    ));
}

fn extreme(args: &[Value], want_max: bool) -> Result<Value, CallError> {
    if args.is_empty() {
        return Err(fail("must pass at least one number"));
    }
    let mut best = n(args, 0)?.clone();
    for i in 1..args.len() {
        let x = n(args, i)?;
        let ord = x.cmp_num(&best);
        if (want_max && ord == std::cmp::Ordering::Greater)
            || (!want_max && ord == std::cmp::Ordering::Less)
        {
            best = x.clone();
        }
    }
    Ok(Value::number(best))
}

use super::CallError;

fn max_impl(args: &[Value], _: &super::CallContext) -> Result<Value, CallError> {
    extreme(args, true)
}

fn min_impl(args: &[Value], _: &super::CallContext) -> Result<Value, CallError> {
    extreme(args, false)
}

fn parseint(args: &[Value], _: &super::CallContext) -> Result<Value, CallError> {
    let v = a(args, 0)?;
    if v.ty() != &Type::String {
        return Err(arg_err(
            0,
            format!(
                "first argument must be a string, not {}",
                v.ty().friendly_name()
            ),
        ));
    }
    let text = s(args, 0)?;
    let base_n = n(args, 1)?;
    let base = base_n
        .to_i64()
        .filter(|b| base_n.is_integer() && (2..=62).contains(b))
        .ok_or_else(|| arg_err(1, "base must be a whole number between 2 and 62 inclusive"))?;
    parse_big(text, base as u32)
        .map(|b| Value::number(Number::from_bigint(&b)))
        .ok_or_else(|| {
            arg_err(
                0,
                format!(
                    "cannot parse {} as a base {base} integer",
                    crate::value::types::go_quote(text)
                ),
            )
        })
}

/// Go's `big.Int.SetString` with an explicit base: optional sign, digits 0-9a-zA-Z (for bases
/// above 36, upper-case letters are 36..61).
fn parse_big(text: &str, base: u32) -> Option<BigInt> {
    let (neg, digits) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    if digits.is_empty() {
        return None;
    }
    let mut out = BigInt::from(0u32);
    for c in digits.chars() {
        let d = match c {
            '0'..='9' => c as u32 - '0' as u32,
            'a'..='z' => c as u32 - 'a' as u32 + 10,
            'A'..='Z' if base <= 36 => c as u32 - 'A' as u32 + 10,
            'A'..='Z' => c as u32 - 'A' as u32 + 36,
            _ => return None,
        };
        if d >= base {
            return None;
        }
        out = out * base + d;
    }
    Some(if neg { -out } else { out })
}
