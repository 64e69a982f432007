//! Collection functions (part one): alltrue anytrue chunklist coalesce coalescelist compact
//! concat contains distinct element flatten index keys length lookup matchkeys merge one.

use std::collections::BTreeMap;

use unicode_segmentation::UnicodeSegmentation;

use super::util::{a, arg_err, computed, dynamic_ret, fail, int, p, simple, Builtin, ParamExt};
use super::{CallContext, CallError};
use crate::value::{convert, unify_values, Type, Value};

pub(super) fn list_any() -> Type {
    Type::list(Type::Dynamic)
}

/// Builds a list from values, unifying their types (an empty list has element type `ety`).
pub(super) fn make_list(ety: Type, items: Vec<Value>) -> Result<Value, CallError> {
    if items.is_empty() {
        return Value::list(ety, items).map_err(|e| fail(e.to_string()));
    }
    let (t, items) = unify_values(&items).map_err(|e| fail(e.to_string()))?;
    Value::list(t, items).map_err(|e| fail(e.to_string()))
}

/// Builds a set from values, unifying their types.
pub(super) fn make_set(ety: Type, items: Vec<Value>) -> Result<Value, CallError> {
    if items.is_empty() {
        return Value::set(ety, items).map_err(|e| fail(e.to_string()));
    }
    let (t, items) = unify_values(&items).map_err(|e| fail(e.to_string()))?;
    Value::set(t, items).map_err(|e| fail(e.to_string()))
}

fn elem_type(v: &Value) -> Type {
    v.ty().element_type().cloned().unwrap_or(Type::Dynamic)
}

fn elems(v: &Value) -> &[Value] {
    v.elements().unwrap_or_default()
}

/// A value is a sequence (list, set or tuple).
pub(super) fn is_seq(v: &Value) -> bool {
    v.ty().is_list() || v.ty().is_set() || v.ty().is_tuple()
}

pub(super) fn register(list: &mut Vec<Builtin>) {
    for (name, all) in [("alltrue", true), ("anytrue", false)] {
        list.push(simple(
            name,
            vec![p("list", Type::list(Type::Bool))],
            Type::Bool,
            if all { alltrue } else { anytrue },
        ));
    }
    list.push(computed(
        "chunklist",
        vec![p("list", list_any()), p("size", Type::Number)],
        None,
        |args| {
            Ok(Type::list(
                args.first().map(|v| v.ty().clone()).unwrap_or(list_any()),
            ))
        },
        chunklist,
    ));
    let mut c = computed("coalesce", vec![], None, dynamic_ret, coalesce);
    c.variadic = Some(p("vals", Type::Dynamic).null());
    list.push(c);
    let mut c = computed("coalescelist", vec![], None, dynamic_ret, coalescelist);
    c.variadic = Some(p("vals", Type::Dynamic).null());
    list.push(c);
    list.push(simple(
        "compact",
        vec![p("list", Type::list(Type::String))],
        Type::list(Type::String),
        |args, _| {
            let out: Vec<Value> = elems(a(args, 0)?)
                .iter()
                .filter(|e| !e.is_null() && e.as_str() != Some(""))
                .cloned()
                .collect();
            Value::list(Type::String, out).map_err(|e| fail(e.to_string()))
        },
    ));
    let mut c = computed("concat", vec![], None, dynamic_ret, concat);
    c.variadic = Some(p("seqs", Type::Dynamic));
    list.push(c);
    list.push(simple(
        "contains",
        vec![p("list", Type::Dynamic), p("value", Type::Dynamic)],
        Type::Bool,
        contains,
    ));
    list.push(computed(
        "distinct",
        vec![p("list", list_any())],
        None,
        super::util::same_as_0,
        |args, _| {
            let l = a(args, 0)?;
            let mut out: Vec<Value> = Vec::new();
            for e in elems(l) {
                if !out.iter().any(|o| o.raw_equals(e)) {
                    out.push(e.clone());
                }
            }
            Value::list(elem_type(l), out).map_err(|e| fail(e.to_string()))
        },
    ));
    list.push(computed(
        "element",
        vec![p("list", Type::Dynamic), p("index", Type::Number)],
        None,
        |args| {
            Ok(match args.first().map(Value::ty) {
                Some(Type::List(e)) => (**e).clone(),
                _ => Type::Dynamic,
            })
        },
        element,
    ));
    list.push(computed(
        "flatten",
        vec![p("list", Type::Dynamic)],
        None,
        dynamic_ret,
        flatten,
    ));
    list.push(simple(
        "index",
        vec![p("list", Type::Dynamic), p("value", Type::Dynamic)],
        Type::Number,
        index,
    ));
    list.push(computed(
        "keys",
        vec![p("inputMap", Type::Dynamic)],
        None,
        |args| {
            Ok(match args.first().map(Value::ty) {
                Some(Type::Map(_)) => Type::list(Type::String),
                Some(Type::Object(attrs)) => Type::tuple(vec![Type::String; attrs.len()]),
                _ => Type::Dynamic,
            })
        },
        keys,
    ));
    list.push(simple(
        "length",
        vec![p("value", Type::Dynamic)],
        Type::Number,
        length,
    ));
    let mut c = computed(
        "lookup",
        vec![p("inputMap", Type::Dynamic), p("key", Type::String)],
        None,
        dynamic_ret,
        lookup,
    );
    c.variadic = Some(p("default", Type::Dynamic).null());
    list.push(c);
    list.push(computed(
        "matchkeys",
        vec![
            p("values", list_any()),
            p("keys", list_any()),
            p("searchset", list_any()),
        ],
        None,
        super::util::same_as_0,
        matchkeys,
    ));
    let mut c = computed("merge", vec![], None, dynamic_ret, merge);
    c.variadic = Some(p("maps", Type::Dynamic).null());
    list.push(c);
    list.push(computed(
        "one",
        vec![p("list", Type::Dynamic)],
        None,
        |args| Ok(args.first().map(elem_type).unwrap_or(Type::Dynamic)),
        one,
    ));
}

fn alltrue(args: &[Value], _: &CallContext) -> Result<Value, CallError> {
    let mut unknown = false;
    for e in elems(a(args, 0)?) {
        if !e.is_known() {
            unknown = true;
        } else if e.as_bool() != Some(true) {
            return Ok(Value::bool(false));
        }
    }
    Ok(if unknown {
        Value::unknown_not_null(Type::Bool)
    } else {
        Value::bool(true)
    })
}

fn anytrue(args: &[Value], _: &CallContext) -> Result<Value, CallError> {
    let mut unknown = false;
    for e in elems(a(args, 0)?) {
        if !e.is_known() {
            unknown = true;
        } else if e.as_bool() == Some(true) {
            return Ok(Value::bool(true));
        }
    }
    Ok(if unknown {
        Value::unknown_not_null(Type::Bool)
    } else {
        Value::bool(false)
    })
}

fn chunklist(args: &[Value], _: &CallContext) -> Result<Value, CallError> {
    let l = a(args, 0)?;
    let size = int(args, 1)?;
    if size < 0 {
        return Err(fail("the size argument must be positive"));
    }
    let es = elems(l);
    let chunk_ty = l.ty().clone();
    let ety = elem_type(l);
    let mut out = Vec::new();
    if size == 0 {
        if !es.is_empty() {
            out.push(l.clone());
        }
    } else {
        for ch in es.chunks(size as usize) {
            out.push(Value::list(ety.clone(), ch.to_vec()).map_err(|e| fail(e.to_string()))?);
        }
    }
    Value::list(chunk_ty, out).map_err(|e| fail(e.to_string()))
}

fn coalesce(args: &[Value], _: &CallContext) -> Result<Value, CallError> {
    if args.is_empty() {
        return Err(fail("all arguments must have the same type"));
    }
    let (_, vals) =
        unify_values(args).map_err(|_| fail("all arguments must have the same type"))?;
    for v in vals {
        if !v.is_known() {
            return Ok(Value::unknown(v.ty().clone()));
        }
        if v.is_null() || v.as_str() == Some("") {
            continue;
        }
        return Ok(v);
    }
    Err(fail("no non-null, non-empty-string arguments"))
}

fn coalescelist(args: &[Value], _: &CallContext) -> Result<Value, CallError> {
    if args.is_empty() {
        return Err(fail("at least one argument is required"));
    }
    for v in args {
        if v.is_null() {
            continue;
        }
        if !(v.ty().is_list() || v.ty().is_tuple()) {
            return Err(fail("coalescelist arguments must be lists or tuples"));
        }
        if !v.is_known() {
            return Ok(Value::dynamic());
        }
        if !elems(v).is_empty() {
            return Ok(v.clone());
        }
    }
    Err(fail("no non-null arguments"))
}

fn concat(args: &[Value], _: &CallContext) -> Result<Value, CallError> {
    if args.is_empty() {
        return Err(fail("at least one argument is required"));
    }
    let mut all_lists: Option<Type> = None;
    let mut same = true;
    for (i, v) in args.iter().enumerate() {
        if !(v.ty().is_list() || v.ty().is_tuple() || v.ty().is_set()) {
            return Err(arg_err(
                i,
                format!(
                    "all arguments must be lists or tuples; got {}",
                    v.ty().friendly_name()
                ),
            ));
        }
        if v.ty().is_list() {
            let t = elem_type(v);
            match &all_lists {
                None => all_lists = Some(t),
                Some(prev) if *prev != t => same = false,
                _ => {}
            }
        } else {
            same = false;
        }
    }
    let items: Vec<Value> = args.iter().flat_map(|v| elems(v).iter().cloned()).collect();
    match all_lists {
        Some(t) if same => Value::list(t, items).map_err(|e| fail(e.to_string())),
        _ => Ok(Value::tuple(items)),
    }
}

fn eq_known(x: &Value, y: &Value) -> Option<bool> {
    let r = x.equals(y);
    if !r.is_known() {
        return None;
    }
    Some(r.as_bool() == Some(true))
}

fn contains(args: &[Value], _: &CallContext) -> Result<Value, CallError> {
    let l = a(args, 0)?;
    let v = a(args, 1)?;
    if !is_seq(l) {
        return Err(fail("argument must be list, tuple, or set"));
    }
    let mut unknown = false;
    for e in elems(l) {
        match eq_known(e, v) {
            Some(true) => return Ok(Value::bool(true)),
            None => unknown = true,
            Some(false) => {}
        }
    }
    Ok(if unknown {
        Value::unknown_not_null(Type::Bool)
    } else {
        Value::bool(false)
    })
}

fn element(args: &[Value], _: &CallContext) -> Result<Value, CallError> {
    let l = a(args, 0)?;
    if !(l.ty().is_list() || l.ty().is_tuple()) {
        return Err(arg_err(
            0,
            "cannot read elements from ".to_string() + &l.ty().friendly_name(),
        ));
    }
    let idx = int(args, 1)?;
    let es = elems(l);
    if es.is_empty() {
        return Err(fail("cannot use element function with an empty list"));
    }
    let i = idx.rem_euclid(es.len() as i64) as usize;
    Ok(es[i].clone())
}

fn flatten_into(v: &Value, out: &mut Vec<Value>) -> bool {
    for e in elems(v) {
        if is_seq(e) && !e.is_null() {
            if !e.is_known() {
                return false;
            }
            if !flatten_into(e, out) {
                return false;
            }
        } else {
            out.push(e.clone());
        }
    }
    true
}

fn flatten(args: &[Value], _: &CallContext) -> Result<Value, CallError> {
    let l = a(args, 0)?;
    if !is_seq(l) {
        return Err(fail("can only flatten lists, sets and tuples"));
    }
    let mut out = Vec::new();
    if !flatten_into(l, &mut out) {
        return Ok(Value::dynamic());
    }
    Ok(Value::tuple(out))
}

fn index(args: &[Value], _: &CallContext) -> Result<Value, CallError> {
    let l = a(args, 0)?;
    let v = a(args, 1)?;
    if !(l.ty().is_list() || l.ty().is_tuple()) {
        return Err(fail("argument must be a list or tuple"));
    }
    for (i, e) in elems(l).iter().enumerate() {
        match eq_known(e, v) {
            Some(true) => return Ok(Value::int(i as i64)),
            None => return Ok(Value::unknown_not_null(Type::Number)),
            Some(false) => {}
        }
    }
    Err(fail("item not found"))
}

fn keys(args: &[Value], _: &CallContext) -> Result<Value, CallError> {
    let m = a(args, 0)?;
    let Some(ents) = m.entries() else {
        return Err(arg_err(0, "must have map or object type"));
    };
    let ks: Vec<Value> = ents.keys().map(Value::string).collect();
    if m.ty().is_map() {
        Value::list(Type::String, ks).map_err(|e| fail(e.to_string()))
    } else {
        Ok(Value::tuple(ks))
    }
}

fn length(args: &[Value], _: &CallContext) -> Result<Value, CallError> {
    let v = a(args, 0)?;
    if let Some(t) = v.as_str() {
        return Ok(Value::int(t.graphemes(true).count() as i64));
    }
    match v.length() {
        Some(n) => Ok(Value::int(n as i64)),
        None => Err(fail(
            "argument must be a string, a collection type, or a structural type",
        )),
    }
}

fn lookup(args: &[Value], _: &CallContext) -> Result<Value, CallError> {
    let m = a(args, 0)?;
    let key = super::util::s(args, 1)?;
    if args.len() > 3 {
        return Err(fail("lookup() takes no more than three arguments"));
    }
    let Some(ents) = m.entries() else {
        return Err(arg_err(0, "lookup() requires a map as the first argument"));
    };
    let default = args.get(2);
    if let Some(v) = ents.get(key) {
        if let (Some(d), true) = (default, m.ty().is_map()) {
            if let Ok((_, vs)) = unify_values(&[v.clone(), d.clone()]) {
                return Ok(vs[0].clone());
            }
        }
        return Ok(v.clone());
    }
    match default {
        Some(d) => {
            if m.ty().is_map() {
                let ety = elem_type(m);
                if let Ok((_, vs)) = unify_values(&[Value::null(ety), d.clone()]) {
                    return Ok(vs[1].clone());
                }
            }
            Ok(d.clone())
        }
        None if m.ty().is_map() => Err(arg_err(
            0,
            format!(
                "the given map has no key {}",
                crate::value::types::go_quote(key)
            ),
        )),
        None => Err(arg_err(
            0,
            format!(
                "the given object has no attribute {}",
                crate::value::types::go_quote(key)
            ),
        )),
    }
}

fn matchkeys(args: &[Value], _: &CallContext) -> Result<Value, CallError> {
    let vals = a(args, 0)?;
    let ks = a(args, 1)?;
    let search = a(args, 2)?;
    if elems(vals).len() != elems(ks).len() {
        return Err(fail("length of keys and values should be equal"));
    }
    let ks_c = convert(ks, &Type::list(elem_type(search))).unwrap_or_else(|_| ks.clone());
    let mut out = Vec::new();
    for (v, k) in elems(vals).iter().zip(elems(&ks_c)) {
        if elems(search).iter().any(|s| eq_known(s, k) == Some(true)) {
            out.push(v.clone());
        }
    }
    Value::list(elem_type(vals), out).map_err(|e| fail(e.to_string()))
}

fn merge(args: &[Value], _: &CallContext) -> Result<Value, CallError> {
    let mut all_maps = true;
    let mut out: BTreeMap<String, Value> = BTreeMap::new();
    for v in args {
        if v.is_null() {
            continue;
        }
        let Some(ents) = v.entries() else {
            return Err(fail(format!(
                "arguments must be maps or objects, got {}",
                crate::value::types::go_quote(&v.ty().friendly_name())
            )));
        };
        if !v.ty().is_map() {
            all_maps = false;
        }
        for (k, e) in ents {
            out.insert(k.clone(), e.clone());
        }
    }
    if all_maps && args.iter().any(|v| !v.is_null()) {
        let items: Vec<Value> = out.values().cloned().collect();
        if let Ok((t, vs)) = unify_values(&items) {
            let m: BTreeMap<String, Value> = out.keys().cloned().zip(vs).collect();
            let t = if m.is_empty() {
                args.iter()
                    .find(|v| !v.is_null())
                    .map(elem_type)
                    .unwrap_or(Type::Dynamic)
            } else {
                t
            };
            return Value::map(t, m).map_err(|e| fail(e.to_string()));
        }
    }
    Ok(Value::object(out))
}

fn one(args: &[Value], _: &CallContext) -> Result<Value, CallError> {
    let l = a(args, 0)?;
    if !is_seq(l) {
        return Err(arg_err(
            0,
            "must be a list, set, or tuple value with either zero or one elements",
        ));
    }
    match elems(l) {
        [] => Ok(Value::null(elem_type(l))),
        [x] => Ok(x.clone()),
        _ => Err(arg_err(
            0,
            "must be a list, set, or tuple value with either zero or one elements",
        )),
    }
}
