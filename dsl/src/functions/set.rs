//! Set functions: setintersection setproduct setsubtract setunion.

use super::collection::{is_seq, make_set};
use super::util::{arg_err, computed, dynamic_ret, fail, p, Builtin};
use super::{CallContext, CallError};
use crate::value::{unify, Type, Value};

/// Most elements `setproduct` may produce, so that no input can exhaust memory.
const PRODUCT_LIMIT: usize = 1 << 20;

fn set_any() -> Type {
    Type::set(Type::Dynamic)
}

pub(super) fn register(list: &mut Vec<Builtin>) {
    for (name, imp) in [
        ("setintersection", intersection as super::util::ImplFn),
        ("setunion", union),
    ] {
        let mut f = computed(
            name,
            vec![p("first_set", set_any())],
            None,
            dynamic_ret,
            imp,
        );
        f.variadic = Some(p("other_sets", set_any()));
        list.push(f);
    }
    list.push(computed(
        "setsubtract",
        vec![p("a", set_any()), p("b", set_any())],
        None,
        dynamic_ret,
        subtract,
    ));
    let mut f = computed("setproduct", vec![], None, dynamic_ret, product);
    f.variadic = Some(p("sets", Type::Dynamic));
    list.push(f);
}

fn common_type(args: &[Value]) -> Result<Type, CallError> {
    let ts: Vec<Type> = args
        .iter()
        .map(|v| v.ty().element_type().cloned().unwrap_or(Type::Dynamic))
        .collect();
    unify(&ts).ok_or_else(|| fail("given sets must all have compatible element types"))
}

fn contains(set: &[Value], v: &Value) -> bool {
    set.iter().any(|e| e.raw_equals(v))
}

fn conv_all(args: &[Value], t: &Type) -> Result<Vec<Vec<Value>>, CallError> {
    args.iter()
        .map(|s| {
            let c =
                crate::value::convert(s, &Type::set(t.clone())).map_err(|e| fail(e.to_string()))?;
            Ok(c.elements().unwrap_or_default().to_vec())
        })
        .collect()
}

fn union(args: &[Value], _: &CallContext) -> Result<Value, CallError> {
    let t = common_type(args)?;
    let all: Vec<Value> = conv_all(args, &t)?.into_iter().flatten().collect();
    make_set(t, all)
}

fn intersection(args: &[Value], _: &CallContext) -> Result<Value, CallError> {
    let t = common_type(args)?;
    let sets = conv_all(args, &t)?;
    let first = sets.first().cloned().unwrap_or_default();
    let out: Vec<Value> = first
        .into_iter()
        .filter(|e| sets[1..].iter().all(|s| contains(s, e)))
        .collect();
    make_set(t, out)
}

fn subtract(args: &[Value], _: &CallContext) -> Result<Value, CallError> {
    let t = common_type(args)?;
    let sets = conv_all(args, &t)?;
    let (x, y) = (&sets[0], &sets[1]);
    let out: Vec<Value> = x.iter().filter(|e| !contains(y, e)).cloned().collect();
    make_set(t, out)
}

fn product(args: &[Value], _: &CallContext) -> Result<Value, CallError> {
    if args.len() < 2 {
        return Err(fail("at least two arguments are required"));
    }
    let mut all_sets = true;
    let mut total: usize = 1;
    for (i, s) in args.iter().enumerate() {
        if !is_seq(s) {
            return Err(arg_err(i, "a set or a list is required"));
        }
        if !s.ty().is_set() {
            all_sets = false;
        }
        total = total.saturating_mul(s.length().unwrap_or(0));
    }
    if total > PRODUCT_LIMIT {
        return Err(fail("result would be too large"));
    }
    let mut rows: Vec<Vec<Value>> = vec![vec![]];
    for s in args {
        let es = s.elements().unwrap_or_default().to_vec();
        let mut next = Vec::with_capacity(rows.len() * es.len());
        for r in &rows {
            for e in &es {
                let mut r2 = r.clone();
                r2.push(e.clone());
                next.push(r2);
            }
        }
        rows = next;
    }
    let ety = Type::tuple(
        args.iter()
            .map(|s| s.ty().element_type().cloned().unwrap_or(Type::Dynamic))
            .collect(),
    );
    let items: Vec<Value> = rows.into_iter().map(Value::tuple).collect();
    if items.is_empty() {
        return if all_sets {
            Value::set(ety, vec![]).map_err(|e| fail(e.to_string()))
        } else {
            Value::list(ety, vec![]).map_err(|e| fail(e.to_string()))
        };
    }
    if all_sets {
        make_set(ety, items)
    } else {
        super::collection::make_list(ety, items)
    }
}
