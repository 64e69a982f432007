//! Type conversion as cty's `convert` package does it: which conversions exist (safe ones never
//! fail; unsafe ones may fail for some values), converting values (nulls and unknowns pass
//! through with the target type, marks are kept), and Terraform's wording for failures.

use std::collections::BTreeMap;
use std::fmt;

use super::number::Number;
use super::path::Path;
use super::types::Type;
use super::unify::unify_with;
use super::value::{Value, ValueKind};

/// A conversion failed at `path` (empty for the value itself).
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub struct ConvertError {
    pub path: Path,
    pub message: String,
}

impl ConvertError {
    pub fn new(path: &Path, message: impl Into<String>) -> ConvertError {
        ConvertError {
            path: path.clone(),
            message: message.into(),
        }
    }
}

/// Terraform's `tfdiags.FormatError`: `.b[1]: a number is required`.
impl fmt::Display for ConvertError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

/// Converts `value` to type `want`, allowing unsafe conversions (cty's `convert.Convert`).
pub fn convert(value: &Value, want: &Type) -> Result<Value, ConvertError> {
    convert_with(value, want, true)
}

/// Converts using safe conversions only: those that cannot fail or lose information.
pub fn convert_safe(value: &Value, want: &Type) -> Result<Value, ConvertError> {
    convert_with(value, want, false)
}

fn convert_with(value: &Value, want: &Type, unsafe_ok: bool) -> Result<Value, ConvertError> {
    if !conversion_exists(value.ty(), want, unsafe_ok) {
        return Err(ConvertError::new(
            &Path::root(),
            mismatch_message(value.ty(), want),
        ));
    }
    convert_at(value, want, &Path::root(), unsafe_ok)
}

/// Whether a conversion from `from` to `to` exists (cty's `GetConversion` /
/// `GetConversionUnsafe` returning non-nil).
pub fn conversion_exists(from: &Type, to: &Type, unsafe_ok: bool) -> bool {
    if to.is_dynamic() || from == to {
        return true;
    }
    match (from, to) {
        (Type::Dynamic, _) => unsafe_ok,
        (Type::Number | Type::Bool, Type::String) => true,
        (Type::String, Type::Number | Type::Bool) => unsafe_ok,
        (a, b) if a.is_primitive() && b.is_primitive() => false,
        (Type::Object(fa), Type::Object(ta)) => ta.iter().all(|(name, tt)| {
            fa.get(name)
                .is_some_and(|ft| conversion_exists(ft, tt, unsafe_ok))
        }),
        (Type::Tuple(fe), Type::Tuple(te)) => {
            fe.len() == te.len()
                && fe
                    .iter()
                    .zip(te.iter())
                    .all(|(f, t)| conversion_exists(f, t, unsafe_ok))
        }
        (Type::List(fe), Type::List(te))
        | (Type::Set(fe), Type::List(te))
        | (Type::Set(fe), Type::Set(te)) => conversion_exists(fe, te, unsafe_ok),
        (Type::List(fe), Type::Set(te)) => unsafe_ok && conversion_exists(fe, te, unsafe_ok),
        (Type::Map(fe), Type::Map(te)) => conversion_exists(fe, te, unsafe_ok),
        (Type::Tuple(fe), Type::List(te)) | (Type::Tuple(fe), Type::Set(te)) => {
            structural_element_type(fe.iter(), te, unsafe_ok).is_some()
        }
        (Type::Object(fa), Type::Map(te)) => {
            structural_element_type(fa.values(), te, unsafe_ok).is_some()
        }
        (Type::Map(fe), Type::Object(ta)) => {
            unsafe_ok && ta.values().all(|t| conversion_exists(fe, t, unsafe_ok))
        }
        _ => false,
    }
}

/// The element type a tuple's or object's parts become in a collection of `want`: `want`
/// itself, or, for `any`, the unification of the parts. `None` when some part cannot convert.
fn structural_element_type<'a>(
    parts: impl Iterator<Item = &'a Type> + Clone,
    want: &Type,
    unsafe_ok: bool,
) -> Option<Type> {
    let parts: Vec<Type> = parts.cloned().collect();
    if parts.is_empty() {
        return Some(want.clone());
    }
    let ety = if want.is_dynamic() {
        unify_with(&parts, unsafe_ok)?
    } else {
        want.clone()
    };
    parts
        .iter()
        .all(|p| conversion_exists(p, &ety, unsafe_ok))
        .then_some(ety)
}

/// Converts a value for which a conversion to `want` exists at the type level.
fn convert_at(
    value: &Value,
    want: &Type,
    path: &Path,
    unsafe_ok: bool,
) -> Result<Value, ConvertError> {
    if value.is_marked() {
        let (plain, marks) = value.clone().unmark();
        return Ok(convert_at(&plain, want, path, unsafe_ok)?.with_marks(marks));
    }
    if want.is_dynamic() || value.ty() == want {
        return Ok(value.clone());
    }
    if !value.is_known() {
        let out = Value::unknown(dynamic_replace(value.ty(), want));
        return Ok(match value.refinement() {
            Some(r) if r.not_null => out.refine(super::refine::Refinement::not_null()),
            _ => out,
        });
    }
    if value.is_null() {
        return Ok(Value::null(dynamic_replace(value.ty(), want)));
    }
    if !conversion_exists(value.ty(), want, unsafe_ok) {
        return Err(ConvertError::new(path, mismatch_message(value.ty(), want)));
    }
    let elem_err = |e| ConvertError::new(path, format!("{e}"));
    match (value.kind(), want) {
        (ValueKind::String(s), Type::Number) => match Number::parse(s) {
            Ok(n) => Ok(Value::number(n)),
            Err(_) => Err(ConvertError::new(path, "a number is required")),
        },
        (ValueKind::String(s), Type::Bool) => match s.as_str() {
            "true" | "1" => Ok(Value::bool(true)),
            "false" | "0" => Ok(Value::bool(false)),
            other => Err(ConvertError::new(
                path,
                match other.to_lowercase().as_str() {
                    "true" => "a bool is required; to convert from string, use lowercase \"true\"",
                    "false" => {
                        "a bool is required; to convert from string, use lowercase \"false\""
                    }
                    _ => "a bool is required",
                },
            )),
        },
        (ValueKind::Number(n), Type::String) => Ok(Value::string(n.to_text())),
        (ValueKind::Bool(b), Type::String) => Ok(Value::string(if *b { "true" } else { "false" })),
        (ValueKind::Object(attrs), Type::Object(want_attrs)) => {
            let mut out = BTreeMap::new();
            for (name, aty) in want_attrs.iter() {
                let p = path.attr(name);
                let Some(v) = attrs.get(name) else {
                    return Err(ConvertError::new(
                        path,
                        format!("attribute {} is required", super::types::go_quote(name)),
                    ));
                };
                out.insert(name.clone(), convert_at(v, aty, &p, unsafe_ok)?);
            }
            Ok(Value::object(out))
        }
        (ValueKind::Map(entries), Type::Object(want_attrs)) => {
            let mut out = BTreeMap::new();
            for (name, aty) in want_attrs.iter() {
                let Some(v) = entries.get(name) else {
                    return Err(ConvertError::new(
                        path,
                        format!(
                            "map has no element for required attribute {}",
                            super::types::go_quote(name)
                        ),
                    ));
                };
                out.insert(
                    name.clone(),
                    convert_at(v, aty, &path.index_str(name), unsafe_ok)?,
                );
            }
            Ok(Value::object(out))
        }
        (ValueKind::Tuple(es), Type::Tuple(want_tys)) => {
            let out = es
                .iter()
                .zip(want_tys.iter())
                .enumerate()
                .map(|(i, (e, t))| convert_at(e, t, &path.index_int(i), unsafe_ok))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Value::tuple(out))
        }
        (
            ValueKind::List(es) | ValueKind::Set(es) | ValueKind::Tuple(es),
            Type::List(ety) | Type::Set(ety),
        ) => {
            let in_ety = match value.ty() {
                Type::List(e) | Type::Set(e) => Some(e.as_ref().clone()),
                _ => None,
            };
            let target = match value.ty() {
                Type::Tuple(parts) => structural_element_type(parts.iter(), ety, unsafe_ok)
                    .unwrap_or_else(|| ety.as_ref().clone()),
                _ => ety.as_ref().clone(),
            };
            let converted = es
                .iter()
                .enumerate()
                .map(|(i, e)| convert_at(e, &target, &path.index_int(i), unsafe_ok))
                .collect::<Result<Vec<_>, _>>()?;
            let is_list = want.is_list();
            let empty_ety = match (&in_ety, target.is_dynamic()) {
                (Some(e), true) => e.clone(),
                _ => target.clone(),
            };
            let (ety, elems) = homogenize(
                converted,
                empty_ety,
                path,
                unsafe_ok,
                if is_list { "list" } else { "set" },
            )?;
            if is_list {
                Value::list(ety, elems).map_err(elem_err)
            } else {
                Value::set(ety, elems).map_err(elem_err)
            }
        }
        (ValueKind::Map(entries) | ValueKind::Object(entries), Type::Map(ety)) => {
            let target = match value.ty() {
                Type::Object(attrs) => structural_element_type(attrs.values(), ety, unsafe_ok)
                    .unwrap_or_else(|| ety.as_ref().clone()),
                _ => ety.as_ref().clone(),
            };
            let mut keys = Vec::new();
            let mut vals = Vec::new();
            for (k, v) in entries {
                let p = path.index_str(k);
                keys.push(k.clone());
                vals.push(convert_at(v, &target, &p, unsafe_ok)?);
            }
            let empty_ety = match (value.ty().element_type(), target.is_dynamic()) {
                (Some(e), true) => e.clone(),
                _ => target.clone(),
            };
            let (ety, vals) = homogenize(vals, empty_ety, path, unsafe_ok, "map")?;
            Value::map(ety, keys.into_iter().zip(vals).collect()).map_err(elem_err)
        }
        _ => Err(ConvertError::new(path, mismatch_message(value.ty(), want))),
    }
}

/// Makes converted collection elements share one type, unifying them if the target element
/// type left room (`any` somewhere inside).
fn homogenize(
    elems: Vec<Value>,
    empty_ety: Type,
    path: &Path,
    unsafe_ok: bool,
    noun: &str,
) -> Result<(Type, Vec<Value>), ConvertError> {
    let Some(first) = elems.first() else {
        return Ok((empty_ety, elems));
    };
    let first_ty = first.ty().clone();
    if elems.iter().all(|e| *e.ty() == first_ty) {
        return Ok((first_ty, elems));
    }
    let types: Vec<Type> = elems.iter().map(|e| e.ty().clone()).collect();
    let fail = || {
        ConvertError::new(
            path,
            format!("element types must all match for conversion to {noun}"),
        )
    };
    let ety = unify_with(&types, unsafe_ok).ok_or_else(fail)?;
    let elems = elems
        .iter()
        .enumerate()
        .map(|(i, e)| convert_at(e, &ety, &path.index_int(i), unsafe_ok))
        .collect::<Result<Vec<_>, _>>()?;
    if elems.iter().any(|e| *e.ty() != ety) {
        return Err(fail());
    }
    Ok((ety, elems))
}

/// The type a null or unknown value of type `have` gets when converted to `want`: `want`,
/// with `any` parts filled from `have` where it has them.
pub fn dynamic_replace(have: &Type, want: &Type) -> Type {
    match (have, want) {
        (_, Type::Dynamic) => have.clone(),
        (Type::List(h) | Type::Set(h) | Type::Map(h), Type::List(w)) => {
            Type::list(dynamic_replace(h, w))
        }
        (Type::List(h) | Type::Set(h) | Type::Map(h), Type::Set(w)) => {
            Type::set(dynamic_replace(h, w))
        }
        (Type::List(h) | Type::Set(h) | Type::Map(h), Type::Map(w)) => {
            Type::map(dynamic_replace(h, w))
        }
        (Type::Tuple(hs), Type::List(w) | Type::Set(w) | Type::Map(w)) if w.has_dynamic_types() => {
            let ety =
                unify_with(hs, true).map_or_else(|| w.as_ref().clone(), |u| dynamic_replace(&u, w));
            rewrap(want, ety)
        }
        (Type::Object(ha), Type::List(w) | Type::Set(w) | Type::Map(w))
            if w.has_dynamic_types() =>
        {
            let parts: Vec<Type> = ha.values().cloned().collect();
            let ety = unify_with(&parts, true)
                .map_or_else(|| w.as_ref().clone(), |u| dynamic_replace(&u, w));
            rewrap(want, ety)
        }
        (Type::Object(ha), Type::Object(wa)) => Type::object_of(
            wa.iter()
                .map(|(k, w)| {
                    (
                        k.clone(),
                        ha.get(k)
                            .map_or_else(|| w.clone(), |h| dynamic_replace(h, w)),
                    )
                })
                .collect(),
        ),
        (Type::Tuple(hs), Type::Tuple(ws)) if hs.len() == ws.len() => Type::tuple(
            hs.iter()
                .zip(ws.iter())
                .map(|(h, w)| dynamic_replace(h, w))
                .collect(),
        ),
        _ => want.clone(),
    }
}

fn rewrap(collection: &Type, ety: Type) -> Type {
    match collection {
        Type::Set(_) => Type::set(ety),
        Type::Map(_) => Type::map(ety),
        _ => Type::list(ety),
    }
}

/// cty's `MismatchMessage`: why no conversion from `got` to `want` exists, in Terraform's words
/// ("string required, but have tuple", `attribute "a" is required`, ...).
///
/// Where both types are worth naming ([`names_both_types`]) the message names them as types
/// (`Type::friendly_name`, so an element of `any` is "dynamic": "list of dynamic required, but
/// have string"); otherwise it names only what was wanted, as a constraint
/// (`Type::friendly_name_for_constraint`: "list of any single type required").
pub fn mismatch_message(got: &Type, want: &Type) -> String {
    let wanted = || format!("{} required", want.friendly_name_for_constraint());
    match (got, want) {
        (Type::Object(ga), Type::Object(wa)) => mismatch_objects(ga, wa),
        (Type::Tuple(_), Type::List(e)) if e.is_dynamic() => {
            "all list elements must have the same type".into()
        }
        (Type::Tuple(_), Type::Set(e)) if e.is_dynamic() => {
            "all set elements must have the same type".into()
        }
        (Type::Object(_), Type::Map(e)) if e.is_dynamic() => {
            "all map element values must have the same type".into()
        }
        (Type::Tuple(_) | Type::Object(_), w) if w.is_collection() => {
            let kinds_fit = match w {
                Type::Map(_) => got.is_object(),
                _ => got.is_tuple(),
            };
            let Some(wety) = w.element_type().filter(|_| kinds_fit) else {
                return wanted();
            };
            match got {
                Type::Tuple(parts) => {
                    for (i, p) in parts.iter().enumerate() {
                        if p != wety && !conversion_exists(p, wety, true) {
                            return format!("element {i}: {}", mismatch_message(p, wety));
                        }
                    }
                    format!(
                        "all elements must be {}",
                        wety.friendly_name_for_constraint()
                    )
                }
                Type::Object(attrs) => {
                    for (name, p) in attrs.iter() {
                        if p != wety && !conversion_exists(p, wety, true) {
                            return format!(
                                "element {}: {}",
                                super::types::go_quote(name),
                                mismatch_message(p, wety)
                            );
                        }
                    }
                    format!(
                        "all elements must be {}",
                        wety.friendly_name_for_constraint()
                    )
                }
                _ => wanted(),
            }
        }
        (g, w) if g.is_collection() && w.is_collection() => {
            let kinds_fit = match w {
                Type::List(_) | Type::Set(_) => g.is_list() || g.is_set(),
                _ => g.is_map(),
            };
            if !kinds_fit {
                return wanted();
            }
            let (Some(gety), Some(wety)) = (g.element_type(), w.element_type()) else {
                return wanted();
            };
            let noun = match w {
                Type::List(_) => "list element type",
                Type::Set(_) => "set element type",
                _ => "map element type",
            };
            format!("incorrect {noun}: {}", mismatch_message(gety, wety))
        }
        _ if names_both_types(got, want) => format!(
            "{} required, but have {}",
            want.friendly_name(),
            got.friendly_name()
        ),
        _ => wanted(),
    }
}

/// cty's `typesAreLikelyToCauseConfusion`, negated: whether "X required, but have Y" helps
/// rather than misleads. It does when a primitive meets a non-primitive, when anything is
/// wanted as a string, between bool and number, and between tuple and object; not for the
/// subtler string-to-number or string-to-bool failures, whose problem is the value.
fn names_both_types(got: &Type, want: &Type) -> bool {
    if got.is_primitive() != want.is_primitive() || *want == Type::String {
        return true;
    }
    if matches!(
        (got, want),
        (Type::Bool, Type::Number) | (Type::Number, Type::Bool)
    ) {
        return true;
    }
    if let (Some(g), Some(w)) = (got.element_type(), want.element_type()) {
        if !g.has_dynamic_types() && w.has_dynamic_types() {
            return true;
        }
    }
    got.is_tuple() && want.is_object()
}

fn mismatch_objects(got: &BTreeMap<String, Type>, want: &BTreeMap<String, Type>) -> String {
    let mut missing = Vec::new();
    let mut unsafe_mismatch: Option<String> = None;
    let mut safe_mismatch: Option<String> = None;
    for (name, wty) in want {
        let Some(gty) = got.get(name) else {
            missing.push(name.clone());
            continue;
        };
        if gty == wty {
            continue;
        }
        let quoted = super::types::go_quote(name);
        if unsafe_mismatch.is_none() && !conversion_exists(gty, wty, true) {
            unsafe_mismatch = Some(format!(
                "attribute {quoted}: {}",
                mismatch_message(gty, wty)
            ));
        }
        if safe_mismatch.is_none() && !conversion_exists(gty, wty, false) {
            safe_mismatch = Some(format!(
                "attribute {quoted}: {}",
                mismatch_message(gty, wty)
            ));
        }
    }
    let q: Vec<String> = missing.iter().map(|n| super::types::go_quote(n)).collect();
    match q.len() {
        0 => unsafe_mismatch
            .or(safe_mismatch)
            .unwrap_or_else(|| "incorrect object attributes".into()),
        1 => format!("attribute {} is required", q[0]),
        2 => format!("attributes {} and {} are required", q[0], q[1]),
        n => format!(
            "attributes {}, and {} are required",
            q[..n - 1].join(", "),
            q[n - 1]
        ),
    }
}

#[cfg(test)]
#[path = "convert_tests.rs"]
mod tests;
