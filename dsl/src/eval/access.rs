//! Index (`c[k]`, legacy `c.0`), attribute (`o.name`) and splat (`s[*].x`, `s.*.x`) access, with
//! HCL's rules and words: lists and tuples by number, maps and objects by string, sets not
//! indexable, null and unknown collections, and marks of the collection and the key on the
//! result.

use crate::syntax::ast::Expr;
use crate::syntax::Span;
use crate::value::{convert, unify, Number, Type, Value, ValueKind};

use super::Evaluator;

const INVALID_INDEX: &str = "Invalid index";
const NO_ELEMENT: &str = "The given key does not identify an element in this collection value";

impl Evaluator<'_, '_> {
    /// `coll[key]`.
    pub(crate) fn index(&mut self, coll: Value, key: Value, span: Span) -> Value {
        match index_value(&coll, &key) {
            Ok(v) => v,
            Err((summary, detail)) => {
                self.error(summary, detail, span);
                Value::dynamic()
            }
        }
    }

    /// `obj.name`.
    pub(crate) fn get_attr(&mut self, obj: Value, name: &str, span: Span) -> Value {
        match get_attr_value(&obj, name) {
            Ok(v) => v,
            Err((summary, detail)) => {
                self.error(summary, detail, span);
                Value::dynamic()
            }
        }
    }

    /// `source[*]each` / `source.*each`.
    pub(crate) fn eval_splat(&mut self, source: &Expr, each: &Expr) -> Value {
        let mark = self.diags.len();
        let src = self.eval(source);
        if self.has_errors_since(mark) {
            return Value::dynamic();
        }
        let ty = src.ty().clone();
        let sequence = ty.is_tuple() || ty.is_list() || ty.is_set();
        if src.is_null() {
            if !sequence {
                return Value::tuple(Vec::new()).with_marks(src.marks().clone());
            }
            self.error(
                "Splat of null value",
                "Splat expressions (with the * symbol) cannot be applied to null sequences.",
                source.span,
            );
            return Value::dynamic();
        }
        if ty.is_dynamic() {
            return Value::dynamic().with_marks(src.marks().clone());
        }
        let (src, marks) = if sequence {
            src.unmark()
        } else {
            (Value::tuple(vec![src]), Default::default())
        };
        if !src.is_known() {
            let rty = self.splat_result_type(src.ty(), each);
            let out = if rty.is_dynamic() {
                Value::unknown(rty)
            } else {
                Value::unknown_not_null(rty)
            };
            return out.with_marks(marks);
        }
        let elems: Vec<Value> = src.elements().map(<[Value]>::to_vec).unwrap_or_default();
        let mut vals = Vec::with_capacity(elems.len());
        let mut known = true;
        for e in elems {
            let mark = self.diags.len();
            self.splat_items.push(e);
            let v = self.eval(each);
            self.splat_items.pop();
            if self.has_errors_since(mark) {
                known = false;
            }
            vals.push(v);
        }
        if !known {
            let mark = self.diags.len();
            let rty = self.splat_result_type(src.ty(), each);
            self.diags.truncate(mark);
            return Value::unknown(rty).with_marks(marks);
        }
        let out = if src.ty().is_tuple() {
            Value::tuple(vals)
        } else if vals.is_empty() {
            let rty = self.splat_result_type(src.ty(), each);
            Value::list(rty.element_type().cloned().unwrap_or(Type::Dynamic), vals)
                .unwrap_or_else(|_| Value::tuple(Vec::new()))
        } else {
            list_of(vals)
        };
        out.with_marks(marks)
    }

    /// The type a splat would produce, found by applying `each` to unknown elements.
    fn splat_result_type(&mut self, source_ty: &Type, each: &Expr) -> Type {
        match source_ty {
            Type::List(ety) | Type::Set(ety) => {
                self.splat_items.push(Value::unknown((**ety).clone()));
                let v = self.eval(each);
                self.splat_items.pop();
                Type::list(v.ty().clone())
            }
            Type::Tuple(etys) => {
                let mut out = Vec::with_capacity(etys.len());
                for ety in etys.iter() {
                    self.splat_items.push(Value::unknown(ety.clone()));
                    let v = self.eval(each);
                    self.splat_items.pop();
                    out.push(v.ty().clone());
                }
                Type::tuple(out)
            }
            _ => Type::Dynamic,
        }
    }
}

/// A list of values that share a type; values of different types are unified, and a tuple is
/// the last resort.
pub(crate) fn list_of(vals: Vec<Value>) -> Value {
    let types: Vec<Type> = vals.iter().map(|v| v.ty().clone()).collect();
    if let Some(ety) = unify(&types) {
        let converted: Result<Vec<Value>, _> = vals.iter().map(|v| convert(v, &ety)).collect();
        if let Ok(c) = converted {
            if let Ok(l) = Value::list(ety, c) {
                return l;
            }
        }
    }
    Value::tuple(vals)
}

type AccessError = (&'static str, String);

/// HCL's `Index`: `coll[key]`.
pub(crate) fn index_value(coll: &Value, key: &Value) -> Result<Value, AccessError> {
    if coll.is_null() {
        return Err((
            "Attempt to index null value",
            "This value is null, so it does not have any indices.".into(),
        ));
    }
    if key.is_null() {
        return Err((
            INVALID_INDEX,
            "Can't use a null value as an indexing key.".into(),
        ));
    }
    let (key, key_marks) = key.clone().unmark_deep();
    let (plain, coll_marks) = coll.clone().unmark();
    let with_marks = |v: Value| {
        v.with_marks(coll_marks.clone())
            .with_marks(key_marks.clone())
    };
    let ty = plain.ty().clone();
    if ty.is_dynamic() || key.ty().is_dynamic() {
        return Ok(with_marks(Value::dynamic()));
    }
    match &ty {
        Type::List(_) | Type::Tuple(_) | Type::Map(_) => {
            let want = if ty.is_map() { Type::String } else { Type::Number };
            if ty.is_tuple() && !key.is_known() {
                return Ok(with_marks(Value::dynamic()));
            }
            let key = convert(&key, &want)
                .map_err(|e| (INVALID_INDEX, format!("{NO_ELEMENT}: {e}.")))?;
            if !key.is_known() {
                return Ok(with_marks(match &ty {
                    Type::Tuple(_) => Value::dynamic(),
                    _ => Value::unknown(ty.element_type().cloned().unwrap_or(Type::Dynamic)),
                }));
            }
            let found = match &ty {
                Type::Map(ety) => match plain.kind() {
                    ValueKind::Map(m) => key.as_str().and_then(|k| m.get(k)).cloned(),
                    _ => Some(Value::unknown((**ety).clone())),
                },
                _ => {
                    let i = key.as_number().and_then(position);
                    match (plain.kind(), &ty) {
                        (ValueKind::List(es) | ValueKind::Tuple(es), _) => {
                            i.and_then(|i| es.get(i)).cloned()
                        }
                        (_, Type::Tuple(etys)) => {
                            i.and_then(|i| etys.get(i)).map(|t| Value::unknown(t.clone()))
                        }
                        (_, Type::List(ety)) => {
                            if i.is_some() {
                                Some(Value::unknown((**ety).clone()))
                            } else {
                                None
                            }
                        }
                        _ => None,
                    }
                }
            };
            match found {
                Some(v) => Ok(with_marks(v)),
                None => Err((INVALID_INDEX, format!("{NO_ELEMENT}."))),
            }
        }
        Type::Object(attrs) => {
            if !key.is_known() {
                return Ok(with_marks(Value::dynamic()));
            }
            let numeric = key.ty() == &Type::Number;
            let key = convert(&key, &Type::String)
                .map_err(|e| (INVALID_INDEX, format!("{NO_ELEMENT}: {e}.")))?;
            let name = key.as_str().unwrap_or_default();
            let Some(aty) = attrs.get(name) else {
                let hint = if numeric {
                    " An object only supports looking up attributes by name, not by numeric index."
                } else {
                    ""
                };
                return Err((INVALID_INDEX, format!("{NO_ELEMENT}.{hint}")));
            };
            Ok(with_marks(
                plain
                    .get_attr(name)
                    .cloned()
                    .unwrap_or_else(|| Value::unknown(aty.clone())),
            ))
        }
        Type::Set(_) => Err((
            INVALID_INDEX,
            "Elements of a set are identified only by their value and don't have any separate index or key to select with, so it's only possible to perform operations across all elements of the set.".into(),
        )),
        _ => Err((INVALID_INDEX, "This value does not have any indices.".into())),
    }
}

/// A non-negative integral number as a position.
fn position(n: &Number) -> Option<usize> {
    if !n.is_integer() || n.is_negative() && !n.is_zero() {
        return None;
    }
    n.to_u64().and_then(|u| usize::try_from(u).ok())
}

/// HCL's `GetAttr`: `obj.name`.
pub(crate) fn get_attr_value(obj: &Value, name: &str) -> Result<Value, AccessError> {
    const UNSUPPORTED: &str = "Unsupported attribute";
    if obj.is_null() {
        return Err((
            "Attempt to get attribute from null value",
            "This value is null, so it does not have any attributes.".into(),
        ));
    }
    let (plain, marks) = obj.clone().unmark();
    let ty = plain.ty().clone();
    match &ty {
        Type::Object(attrs) => {
            let Some(aty) = attrs.get(name) else {
                return Err((
                    UNSUPPORTED,
                    format!("This object does not have an attribute named \"{name}\"."),
                ));
            };
            let v = plain
                .get_attr(name)
                .cloned()
                .unwrap_or_else(|| Value::unknown(aty.clone()));
            Ok(v.with_marks(marks))
        }
        Type::Map(ety) => match plain.kind() {
            ValueKind::Map(m) => match m.get(name) {
                Some(v) => Ok(v.clone().with_marks(marks)),
                None => Err((
                    "Missing map element",
                    format!("This map does not have an element with the key \"{name}\"."),
                )),
            },
            _ => Ok(Value::unknown((**ety).clone()).with_marks(marks)),
        },
        Type::Dynamic => Ok(Value::dynamic().with_marks(marks)),
        Type::List(ety) if ety.is_object() => {
            let has = ety.attribute_types().is_some_and(|a| a.contains_key(name));
            Err((
                UNSUPPORTED,
                if has {
                    format!("Can't access attributes on a list of objects. Did you mean to access attribute \"{name}\" for a specific element of the list, or across all elements of the list?")
                } else {
                    "Can't access attributes on a list of objects. Did you mean to access an attribute for a specific element of the list, or across all elements of the list?".into()
                },
            ))
        }
        Type::Set(ety) if ety.is_object() => {
            let has = ety.attribute_types().is_some_and(|a| a.contains_key(name));
            Err((
                UNSUPPORTED,
                if has {
                    format!("Can't access attributes on a set of objects. Did you mean to access attribute \"{name}\" across all elements of the set?")
                } else {
                    "Can't access attributes on a set of objects. Did you mean to access an attribute across all elements of the set?".into()
                },
            ))
        }
        t if t.is_primitive() => Err((
            UNSUPPORTED,
            format!(
                "Can't access attributes on a primitive-typed value ({}).",
                t.friendly_name()
            ),
        )),
        _ => Err((
            UNSUPPORTED,
            "This value does not have any attributes.".into(),
        )),
    }
}
