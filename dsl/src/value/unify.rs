//! Unification as cty's `convert.Unify`: the single type several types can all convert to, used
//! for the two results of a conditional and for the elements of `tolist`/`toset`/`tomap`.
//! Strings win over numbers and bools; same-kind collections unify their element types; objects
//! with different attributes and tuples of different lengths fall back to maps and lists.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use super::convert::{conversion_exists, convert, ConvertError};
use super::types::Type;
use super::value::Value;

/// Unification allowing only safe conversions.
pub fn unify(types: &[Type]) -> Option<Type> {
    unify_with(types, false)
}

/// Unification allowing unsafe conversions (what HCL's conditional operator uses).
pub fn unify_unsafe(types: &[Type]) -> Option<Type> {
    unify_with(types, true)
}

/// Unifies the values' types (unsafely) and converts every value to the result.
pub fn unify_values(values: &[Value]) -> Result<(Type, Vec<Value>), ConvertError> {
    let types: Vec<Type> = values.iter().map(|v| v.ty().clone()).collect();
    let Some(ty) = unify_unsafe(&types) else {
        return Err(ConvertError::new(
            &super::Path::root(),
            "inconsistent types",
        ));
    };
    let converted = values
        .iter()
        .map(|v| convert(v, &ty))
        .collect::<Result<Vec<_>, _>>()?;
    Ok((ty, converted))
}

pub(crate) fn unify_with(types: &[Type], unsafe_ok: bool) -> Option<Type> {
    if types.is_empty() {
        return None;
    }
    let count = |f: fn(&Type) -> bool| types.iter().filter(|t| f(t)).count();
    let (maps, lists, sets) = (
        count(Type::is_map),
        count(Type::is_list),
        count(Type::is_set),
    );
    let (objects, tuples, dynamics) = (
        count(Type::is_object),
        count(Type::is_tuple),
        count(Type::is_dynamic),
    );
    let n = types.len();
    if maps > 0 && maps + dynamics == n {
        return unify_collections(types, unsafe_ok, dynamics > 0, Type::map);
    }
    if maps > 0 && maps + objects + dynamics == n {
        if let Some(t @ Type::Map(_)) = unify_as_collection(types, unsafe_ok, Type::map) {
            return Some(t);
        }
    } else if lists > 0 && lists + dynamics == n {
        return unify_collections(types, unsafe_ok, dynamics > 0, Type::list);
    } else if lists > 0 && lists + tuples + dynamics == n {
        if let Some(t @ Type::List(_)) = unify_as_collection(types, unsafe_ok, Type::list) {
            return Some(t);
        }
    } else if sets > 0 && sets + dynamics == n {
        return unify_collections(types, unsafe_ok, dynamics > 0, Type::set);
    } else if objects > 0 && objects + dynamics == n {
        return unify_objects(types, unsafe_ok, dynamics > 0);
    } else if tuples > 0 && tuples + dynamics == n {
        return unify_tuples(types, unsafe_ok, dynamics > 0);
    } else if objects > 0 && tuples > 0 {
        return None;
    }

    for want_idx in preference_order(types) {
        let want = &types[want_idx];
        if types
            .iter()
            .all(|t| t == want || conversion_exists(t, want, unsafe_ok))
        {
            return Some(want.clone());
        }
    }
    None
}

fn unify_collections(
    types: &[Type],
    unsafe_ok: bool,
    has_dynamic: bool,
    make: fn(Type) -> Type,
) -> Option<Type> {
    if has_dynamic {
        return Some(Type::Dynamic);
    }
    let etys: Vec<Type> = types
        .iter()
        .filter_map(|t| t.element_type().cloned())
        .collect();
    let ety = unify_with(&etys, unsafe_ok)?;
    let result = make(ety);
    types
        .iter()
        .all(|t| conversion_exists(t, &result, unsafe_ok))
        .then_some(result)
}

/// Objects mixed with maps (or tuples with lists): unify every element type into one collection.
fn unify_as_collection(types: &[Type], unsafe_ok: bool, make: fn(Type) -> Type) -> Option<Type> {
    let mut etys = Vec::new();
    for t in types {
        match t {
            Type::Map(e) | Type::List(e) => etys.push(e.as_ref().clone()),
            Type::Object(attrs) => etys.extend(attrs.values().cloned()),
            Type::Tuple(es) => etys.extend(es.iter().cloned()),
            _ => {}
        }
    }
    let ety = if etys.is_empty() {
        Type::Dynamic
    } else {
        unify_with(&etys, unsafe_ok)?
    };
    let result = make(ety);
    types
        .iter()
        .all(|t| conversion_exists(t, &result, unsafe_ok))
        .then_some(result)
}

fn unify_objects(types: &[Type], unsafe_ok: bool, has_dynamic: bool) -> Option<Type> {
    if has_dynamic {
        return Some(Type::Dynamic);
    }
    let attrs: Vec<&BTreeMap<String, Type>> =
        types.iter().filter_map(Type::attribute_types).collect();
    let first = attrs[0];
    if attrs
        .iter()
        .any(|a| a.len() != first.len() || a.keys().ne(first.keys()))
    {
        return unify_as_collection(types, unsafe_ok, Type::map);
    }
    let mut out = BTreeMap::new();
    for name in first.keys() {
        let tys: Vec<Type> = attrs.iter().map(|a| a[name].clone()).collect();
        out.insert(name.clone(), unify_with(&tys, unsafe_ok)?);
    }
    Some(Type::object_of(out))
}

fn unify_tuples(types: &[Type], unsafe_ok: bool, has_dynamic: bool) -> Option<Type> {
    if has_dynamic {
        return Some(Type::Dynamic);
    }
    let elems: Vec<&[Type]> = types.iter().filter_map(Type::tuple_element_types).collect();
    let first_len = elems[0].len();
    if elems.iter().any(|e| e.len() != first_len) {
        return unify_as_collection(types, unsafe_ok, Type::list);
    }
    let mut out = Vec::with_capacity(first_len);
    for i in 0..first_len {
        let tys: Vec<Type> = elems.iter().map(|e| e[i].clone()).collect();
        out.push(unify_with(&tys, unsafe_ok)?);
    }
    Some(Type::tuple(out))
}

/// Indices of `types`, most general first (a topological sort of cty's `compareTypes`, keeping
/// the given order among incomparable types).
fn preference_order(types: &[Type]) -> Vec<usize> {
    let n = types.len();
    let mut edges: Vec<Vec<usize>> = vec![Vec::new(); n];
    for i in 0..n {
        for j in i + 1..n {
            match compare_types(&types[i], &types[j]) {
                Ordering::Less => edges[i].push(j),
                Ordering::Greater => edges[j].push(i),
                Ordering::Equal => {}
            }
        }
    }
    let mut in_degree = vec![0usize; n];
    for outs in &edges {
        for &j in outs {
            in_degree[j] += 1;
        }
    }
    let mut queue: Vec<usize> = (0..n).filter(|&i| in_degree[i] == 0).collect();
    let mut head = 0;
    while head < queue.len() {
        let i = queue[head];
        head += 1;
        for &j in &edges[i] {
            in_degree[j] -= 1;
            if in_degree[j] == 0 {
                queue.push(j);
            }
        }
    }
    queue
}

/// `Less` means `a` is preferred (more general) as a unification result.
fn compare_types(a: &Type, b: &Type) -> Ordering {
    match (a.is_dynamic(), b.is_dynamic()) {
        (true, true) => return Ordering::Equal,
        (false, true) => return Ordering::Less,
        (true, false) => return Ordering::Greater,
        _ => {}
    }
    if a.is_primitive() && b.is_primitive() && (*a == Type::String || *b == Type::String) {
        return match (*a == Type::String, *b == Type::String) {
            (true, true) => Ordering::Equal,
            (false, _) => Ordering::Greater,
            _ => Ordering::Less,
        };
    }
    match (a, b) {
        (Type::List(x), Type::List(y))
        | (Type::Set(x), Type::Set(y))
        | (Type::Map(x), Type::Map(y)) => return compare_types(x, y),
        _ => {}
    }
    let swapped = matches!(
        (a, b),
        (Type::Tuple(_), Type::List(_))
            | (Type::Object(_), Type::Map(_))
            | (Type::Set(_), Type::Tuple(_))
            | (Type::Set(_), Type::List(_))
    );
    let (a, b, sign) = if swapped { (b, a, -1) } else { (a, b, 1) };
    let result = |v: i32| match (v * sign).cmp(&0) {
        Ordering::Less => Ordering::Less,
        Ordering::Greater => Ordering::Greater,
        Ordering::Equal => Ordering::Equal,
    };
    if b.is_set() && (a.is_tuple() || a.is_list()) {
        return result(-1);
    }
    if (a.is_list() && b.is_tuple()) || (a.is_map() && b.is_object()) {
        return result(-1);
    }
    let pairs: Option<Vec<(&Type, &Type)>> = match (a, b) {
        (Type::Object(x), Type::Object(y)) => {
            if x.len() != y.len() || x.keys().ne(y.keys()) {
                return Ordering::Equal;
            }
            Some(x.values().zip(y.values()).collect())
        }
        (Type::Tuple(x), Type::Tuple(y)) => {
            if x.len() != y.len() {
                return Ordering::Equal;
            }
            Some(x.iter().zip(y.iter()).collect())
        }
        _ => None,
    };
    let Some(pairs) = pairs else {
        return Ordering::Equal;
    };
    let (mut a_super, mut b_super) = (false, false);
    for (x, y) in pairs {
        match compare_types(x, y) {
            Ordering::Less => a_super = true,
            Ordering::Greater => b_super = true,
            Ordering::Equal => {}
        }
    }
    match (a_super, b_super) {
        (true, false) => result(-1),
        (false, true) => result(1),
        _ => Ordering::Equal,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn obj(pairs: &[(&str, Type)]) -> Type {
        Type::object(pairs.iter().cloned())
    }

    #[test]
    fn primitives() {
        assert_eq!(unify(&[Type::Number, Type::String]), Some(Type::String));
        assert_eq!(
            unify(&[Type::Number, Type::String, Type::Bool]),
            Some(Type::String)
        );
        assert_eq!(unify(&[Type::Number, Type::Bool]), None);
        assert_eq!(unify(&[Type::Number, Type::Number]), Some(Type::Number));
        assert_eq!(
            unify_unsafe(&[Type::Dynamic, Type::String]),
            Some(Type::String)
        );
        assert_eq!(unify(&[Type::Dynamic, Type::String]), Some(Type::Dynamic));
        assert_eq!(unify(&[Type::Dynamic, Type::Dynamic]), Some(Type::Dynamic));
        assert_eq!(unify(&[]), None);
    }

    #[test]
    fn structural() {
        // cond ? {a=1} : {b=2} is a map of number in Terraform.
        let t = unify_unsafe(&[obj(&[("a", Type::Number)]), obj(&[("b", Type::Number)])]);
        assert_eq!(t, Some(Type::map(Type::Number)));
        // cond ? [1] : ["a", "b"] is a list of string.
        let t = unify_unsafe(&[
            Type::tuple(vec![Type::Number]),
            Type::tuple(vec![Type::String, Type::String]),
        ]);
        assert_eq!(t, Some(Type::list(Type::String)));
        let t = unify(&[obj(&[("a", Type::Number)]), obj(&[("a", Type::String)])]);
        assert_eq!(t, Some(obj(&[("a", Type::String)])));
        let t = unify(&[
            Type::tuple(vec![Type::Number, Type::Bool]),
            Type::tuple(vec![Type::String, Type::Bool]),
        ]);
        assert_eq!(t, Some(Type::tuple(vec![Type::String, Type::Bool])));
        assert_eq!(unify(&[obj(&[]), Type::tuple(vec![])]), None);
        let t = unify(&[Type::list(Type::Number), Type::tuple(vec![Type::String])]);
        assert_eq!(t, Some(Type::list(Type::String)));
        let t = unify(&[Type::map(Type::String), obj(&[("x", Type::Number)])]);
        assert_eq!(t, Some(Type::map(Type::String)));
        let t = unify(&[Type::list(Type::Number), Type::list(Type::String)]);
        assert_eq!(t, Some(Type::list(Type::String)));
        assert_eq!(
            unify(&[Type::list(Type::Number), Type::Dynamic]),
            Some(Type::Dynamic)
        );
    }

    #[test]
    fn values() {
        let (ty, vals) = unify_values(&[Value::int(1), Value::string("a")]).unwrap();
        assert_eq!(ty, Type::String);
        assert_eq!(vals[0].as_str(), Some("1"));
        assert!(unify_values(&[Value::int(1), Value::bool(true)]).is_err());
        let (ty, vals) = unify_values(&[Value::null(Type::Dynamic), Value::string("a")]).unwrap();
        assert_eq!(ty, Type::String);
        assert!(vals[0].is_null() && vals[0].ty() == &Type::String);
    }

    fn arb_type() -> impl Strategy<Value = Type> {
        let leaf = prop_oneof![
            Just(Type::String),
            Just(Type::Number),
            Just(Type::Bool),
            Just(Type::Dynamic)
        ];
        leaf.prop_recursive(2, 8, 3, |inner| {
            prop_oneof![
                inner.clone().prop_map(Type::list),
                inner.clone().prop_map(Type::map),
                prop::collection::vec(inner.clone(), 0..3).prop_map(Type::tuple),
                prop::collection::btree_map("[ab]", inner, 0..2).prop_map(Type::object_of),
            ]
        })
    }

    proptest! {
        #[test]
        fn symmetric_for_pairs(a in arb_type(), b in arb_type()) {
            prop_assert_eq!(unify(&[a.clone(), b.clone()]), unify(&[b.clone(), a.clone()]));
            prop_assert_eq!(unify_unsafe(&[a.clone(), b.clone()]), unify_unsafe(&[b, a]));
        }

        #[test]
        fn result_accepts_all(a in arb_type(), b in arb_type()) {
            if let Some(u) = unify(&[a.clone(), b.clone()]) {
                prop_assert!(conversion_exists(&a, &u, false));
                prop_assert!(conversion_exists(&b, &u, false));
            }
        }

        #[test]
        fn idempotent(a in arb_type()) {
            prop_assert_eq!(unify(&[a.clone(), a.clone()]), Some(a));
        }
    }
}
