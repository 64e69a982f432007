//! Collection functions (part two): range reverse slice sort sum transpose values zipmap.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use super::collection::{is_seq, list_any};
use super::util::{a, arg_err, computed, dynamic_ret, fail, int, n, p, simple, Builtin};
use super::{CallContext, CallError};
use crate::value::{Number, Type, Value};

/// Most elements `range` may produce (Terraform's limit).
const RANGE_LIMIT: usize = 1024;

pub(super) fn register(list: &mut Vec<Builtin>) {
    let mut r = simple("range", vec![], Type::list(Type::Number), range);
    r.variadic = Some(p("params", Type::Number));
    list.push(r);
    list.push(computed(
        "reverse",
        vec![p("list", Type::Dynamic)],
        None,
        |args| {
            Ok(match args.first().map(Value::ty) {
                Some(Type::Set(e)) => Type::list((**e).clone()),
                Some(t) => t.clone(),
                None => Type::Dynamic,
            })
        },
        reverse,
    ));
    list.push(computed(
        "slice",
        vec![
            p("list", Type::Dynamic),
            p("start_index", Type::Number),
            p("end_index", Type::Number),
        ],
        None,
        dynamic_ret,
        slice,
    ));
    list.push(simple(
        "sort",
        vec![p("list", Type::list(Type::String))],
        Type::list(Type::String),
        sort,
    ));
    list.push(simple(
        "sum",
        vec![p("list", Type::Dynamic)],
        Type::Number,
        sum,
    ));
    let mls = || Type::map(Type::list(Type::String));
    list.push(simple(
        "transpose",
        vec![p("values", mls())],
        mls(),
        transpose,
    ));
    list.push(computed(
        "values",
        vec![p("mapping", Type::Dynamic)],
        None,
        |args| {
            Ok(match args.first().map(Value::ty) {
                Some(Type::Map(e)) => Type::list((**e).clone()),
                Some(Type::Object(attrs)) => Type::tuple(attrs.values().cloned().collect()),
                _ => Type::Dynamic,
            })
        },
        values,
    ));
    list.push(computed(
        "zipmap",
        vec![
            p("keys", Type::list(Type::String)),
            p("values", Type::Dynamic),
        ],
        None,
        dynamic_ret,
        zipmap,
    ));
    let _ = list_any;
}

fn range(args: &[Value], _: &CallContext) -> Result<Value, CallError> {
    let (start, end, step) = match args.len() {
        1 => (Number::zero(), n(args, 0)?.clone(), None),
        2 => (n(args, 0)?.clone(), n(args, 1)?.clone(), None),
        3 => (
            n(args, 0)?.clone(),
            n(args, 1)?.clone(),
            Some(n(args, 2)?.clone()),
        ),
        _ => return Err(fail("must have one, two, or three arguments")),
    };
    let step = match step {
        Some(s) => s,
        None if end.cmp_num(&start) == Ordering::Less => Number::from_i64(-1),
        None => Number::from_i64(1),
    };
    let increasing = !step.is_negative();
    if step.is_negative() && end.cmp_num(&start) == Ordering::Greater {
        return Err(arg_err(
            2,
            "end must be less than start when step is negative",
        ));
    }
    if !step.is_negative() && !step.is_zero() && end.cmp_num(&start) == Ordering::Less {
        return Err(arg_err(
            2,
            "end must be greater than start when step is positive",
        ));
    }
    let mut out = Vec::new();
    let mut cur = start;
    loop {
        let go_on = if increasing {
            cur.cmp_num(&end) == Ordering::Less
        } else {
            cur.cmp_num(&end) == Ordering::Greater
        };
        if !go_on {
            break;
        }
        if out.len() >= RANGE_LIMIT {
            return Err(fail("more than 1024 values were generated; either decrease the difference between start and end or use a smaller step"));
        }
        out.push(Value::number(cur.clone()));
        cur = cur.add(&step).map_err(|e| fail(e.to_string()))?;
    }
    Value::list(Type::Number, out).map_err(|e| fail(e.to_string()))
}

fn reverse(args: &[Value], _: &CallContext) -> Result<Value, CallError> {
    let l = a(args, 0)?;
    if !is_seq(l) {
        return Err(arg_err(
            0,
            "can only reverse list or tuple values, not ".to_string() + &l.ty().friendly_name(),
        ));
    }
    let mut es: Vec<Value> = l.elements().unwrap_or_default().to_vec();
    es.reverse();
    match l.ty() {
        Type::Tuple(_) => Ok(Value::tuple(es)),
        t => Value::list(t.element_type().cloned().unwrap_or(Type::Dynamic), es)
            .map_err(|e| fail(e.to_string())),
    }
}

fn slice(args: &[Value], _: &CallContext) -> Result<Value, CallError> {
    let l = a(args, 0)?;
    if !(l.ty().is_list() || l.ty().is_tuple()) {
        return Err(arg_err(0, "must be a list or tuple value"));
    }
    let start = int(args, 1)?;
    let end = int(args, 2)?;
    let es = l.elements().unwrap_or_default();
    if start < 0 {
        return Err(arg_err(1, "start index must not be less than zero"));
    }
    if end > es.len() as i64 {
        return Err(arg_err(
            2,
            "end index must not be greater than the length of the list",
        ));
    }
    if start > end {
        return Err(arg_err(1, "start index must not be greater than end index"));
    }
    let part = es[start as usize..end as usize].to_vec();
    match l.ty() {
        Type::Tuple(_) => Ok(Value::tuple(part)),
        t => Value::list(t.element_type().cloned().unwrap_or(Type::Dynamic), part)
            .map_err(|e| fail(e.to_string())),
    }
}

fn sort(args: &[Value], _: &CallContext) -> Result<Value, CallError> {
    let l = a(args, 0)?;
    let es = l.elements().unwrap_or_default();
    let mut items: Vec<&str> = Vec::with_capacity(es.len());
    for (i, e) in es.iter().enumerate() {
        if !e.is_known() {
            return Ok(Value::unknown_not_null(Type::list(Type::String)));
        }
        match e.as_str() {
            Some(s) => items.push(s),
            None => {
                return Err(fail(format!(
                    "given list element {i} is null; a null string cannot be sorted"
                )))
            }
        }
    }
    items.sort_unstable();
    Ok(super::util::string_list(
        items.into_iter().map(String::from).collect(),
    ))
}

fn sum(args: &[Value], _: &CallContext) -> Result<Value, CallError> {
    let l = a(args, 0)?;
    if !is_seq(l) {
        return Err(arg_err(0, "cannot sum noniterable"));
    }
    let es = l.elements().unwrap_or_default();
    if es.is_empty() {
        return Err(arg_err(0, "cannot sum an empty list"));
    }
    let mut total: Option<Number> = None;
    for e in es {
        if !e.is_known() {
            return Ok(Value::unknown_not_null(Type::Number));
        }
        let conv = crate::value::convert(e, &Type::Number)
            .map_err(|_| arg_err(0, "argument must be list, set, or tuple of number values"))?;
        let Some(x) = conv.as_number() else {
            return Err(arg_err(
                0,
                "argument must be list, set, or tuple of number values",
            ));
        };
        total = Some(match total {
            None => x.clone(),
            Some(t) => t.add(x).map_err(|e| fail(e.to_string()))?,
        });
    }
    Ok(Value::number(total.unwrap_or_else(Number::zero)))
}

fn transpose(args: &[Value], _: &CallContext) -> Result<Value, CallError> {
    let m = a(args, 0)?;
    let mut out: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for (k, l) in m.entries().into_iter().flatten() {
        for e in l.elements().unwrap_or_default() {
            let Some(s) = e.as_str() else {
                // Terraform fails the call here rather than blaming the argument.
                return Err(fail("input list must not contain null string"));
            };
            out.entry(s.to_string()).or_default().push(Value::string(k));
        }
    }
    let mut res = BTreeMap::new();
    for (k, v) in out {
        res.insert(
            k,
            Value::list(Type::String, v).map_err(|e| fail(e.to_string()))?,
        );
    }
    Value::map(Type::list(Type::String), res).map_err(|e| fail(e.to_string()))
}

fn values(args: &[Value], _: &CallContext) -> Result<Value, CallError> {
    let m = a(args, 0)?;
    let Some(ents) = m.entries() else {
        return Err(fail("values() requires a map as the first argument"));
    };
    let vs: Vec<Value> = ents.values().cloned().collect();
    match m.ty() {
        Type::Map(e) => Value::list((**e).clone(), vs).map_err(|e| fail(e.to_string())),
        _ => Ok(Value::tuple(vs)),
    }
}

fn zipmap(args: &[Value], _: &CallContext) -> Result<Value, CallError> {
    let ks = a(args, 0)?;
    let vs = a(args, 1)?;
    if !(vs.ty().is_list() || vs.ty().is_tuple()) {
        return Err(arg_err(1, "values must be a list or tuple value"));
    }
    let kes = ks.elements().unwrap_or_default();
    let ves = vs.elements().unwrap_or_default();
    if kes.len() != ves.len() {
        return Err(fail(format!(
            "number of keys ({}) does not match number of values ({})",
            kes.len(),
            ves.len()
        )));
    }
    let mut out = BTreeMap::new();
    for (i, (k, v)) in kes.iter().zip(ves).enumerate() {
        let Some(k) = k.as_str() else {
            if !k.is_known() {
                return Ok(Value::dynamic());
            }
            return Err(arg_err(0, format!("key at index {i} is null")));
        };
        out.insert(k.to_string(), v.clone());
    }
    match vs.ty() {
        Type::List(e) => Value::map((**e).clone(), out).map_err(|e| fail(e.to_string())),
        _ => Ok(Value::object(out)),
    }
}
