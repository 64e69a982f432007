//! Equality of values: the `==` operator (unknown-aware and marked), raw structural equality,
//! and the canonical hash string that orders and deduplicates set elements.

use std::sync::Arc;

use super::{Value, ValueKind};
use crate::value::marks::combine;
use crate::value::types::{go_quote, Type};

impl Value {
    // ----- equality -----

    /// The `==` operator: a bool value, unknown when the answer depends on unknown values, and
    /// marked with every mark of both operands. Values of different types are never equal,
    /// except that all nulls are equal.
    pub fn equals(&self, other: &Value) -> Value {
        let marks = combine([&self.deep_marks(), &other.deep_marks()]);
        let result = match self.equals_inner(other) {
            Some(b) => Value::bool(b),
            None => Value::unknown(Type::Bool),
        };
        result.with_marks(marks)
    }

    fn equals_inner(&self, other: &Value) -> Option<bool> {
        match (self.is_known(), other.is_known()) {
            (false, false) => return None,
            (true, false) | (false, true) => {
                let (known, unknown) = if self.is_known() {
                    (self, other)
                } else {
                    (other, self)
                };
                // As cty: only "definitely not null" decides early; prefixes and ranges do not.
                if known.is_null() && unknown.refinement().is_some_and(|r| r.not_null) {
                    return Some(false);
                }
                if known.is_null() || unknown.0.ty.has_dynamic_types() || known.0.ty == unknown.0.ty
                {
                    return None;
                }
                return Some(false);
            }
            _ => {}
        }
        match (self.is_null(), other.is_null()) {
            (true, true) => return Some(true),
            (true, false) | (false, true) => return Some(false),
            _ => {}
        }
        if self.0.ty.has_dynamic_types() || other.0.ty.has_dynamic_types() {
            if !types_could_conform(&self.0.ty, &other.0.ty) {
                return Some(false);
            }
            if self.0.ty != other.0.ty {
                return None;
            }
        }
        if self.0.ty != other.0.ty {
            return Some(false);
        }
        match (&self.0.kind, &other.0.kind) {
            (ValueKind::Bool(a), ValueKind::Bool(b)) => Some(a == b),
            (ValueKind::Number(a), ValueKind::Number(b)) => Some(a.equals(b)),
            (ValueKind::String(a), ValueKind::String(b)) => Some(a == b),
            (ValueKind::List(a), ValueKind::List(b))
            | (ValueKind::Tuple(a), ValueKind::Tuple(b)) => {
                if a.len() != b.len() {
                    return Some(false);
                }
                for (x, y) in a.iter().zip(b) {
                    match x.equals_inner(y) {
                        Some(true) => {}
                        other => return other,
                    }
                }
                Some(true)
            }
            (ValueKind::Map(a), ValueKind::Map(b))
            | (ValueKind::Object(a), ValueKind::Object(b)) => {
                if a.len() != b.len() || a.keys().ne(b.keys()) {
                    return Some(false);
                }
                for (x, y) in a.values().zip(b.values()) {
                    match x.equals_inner(y) {
                        Some(true) => {}
                        other => return other,
                    }
                }
                Some(true)
            }
            (ValueKind::Set(a), ValueKind::Set(b)) => {
                if a.iter().chain(b).any(|e| !e.is_wholly_known()) {
                    return None;
                }
                let contains = |s: &[Value], e: &Value| s.iter().any(|x| x.raw_equals(e));
                Some(a.iter().all(|e| contains(b, e)) && b.iter().all(|e| contains(a, e)))
            }
            _ => Some(false),
        }
    }

    /// Exact sameness: same type, same content, same marks; two unknowns of the same type are
    /// the same. Numbers compare as cty compares them (by their shortest text).
    pub fn raw_equals(&self, other: &Value) -> bool {
        if Arc::ptr_eq(&self.0, &other.0) {
            return true;
        }
        if self.0.ty != other.0.ty
            || self.marks() != other.marks()
            || self.0.refinement != other.0.refinement
        {
            return false;
        }
        match (&self.0.kind, &other.0.kind) {
            (ValueKind::Null, ValueKind::Null) | (ValueKind::Unknown, ValueKind::Unknown) => true,
            (ValueKind::Bool(a), ValueKind::Bool(b)) => a == b,
            (ValueKind::Number(a), ValueKind::Number(b)) => a.equals(b),
            (ValueKind::String(a), ValueKind::String(b)) => a == b,
            (ValueKind::List(a), ValueKind::List(b))
            | (ValueKind::Set(a), ValueKind::Set(b))
            | (ValueKind::Tuple(a), ValueKind::Tuple(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.raw_equals(y))
            }
            (ValueKind::Map(a), ValueKind::Map(b))
            | (ValueKind::Object(a), ValueKind::Object(b)) => {
                a.len() == b.len()
                    && a.iter()
                        .zip(b)
                        .all(|((ka, va), (kb, vb))| ka == kb && va.raw_equals(vb))
            }
            _ => false,
        }
    }

    /// The text cty hashes a value by, which also orders set elements that are not primitive:
    /// `?` unknown, `~` null, numbers as `%g` with 10 digits, strings Go-quoted, `[a;b;]` for
    /// lists and sets, `{k:v;}` for maps, `<a;b;>` for objects (attributes sorted) and tuples.
    pub fn set_hash_string(&self) -> String {
        let mut out = String::new();
        self.write_hash(&mut out);
        out
    }

    fn write_hash(&self, out: &mut String) {
        match &self.0.kind {
            ValueKind::Unknown => out.push('?'),
            ValueKind::Null => out.push('~'),
            ValueKind::Number(n) => out.push_str(&n.to_text_g10()),
            ValueKind::Bool(b) => out.push(if *b { 'T' } else { 'F' }),
            ValueKind::String(s) => out.push_str(&go_quote(s)),
            ValueKind::Map(m) => {
                out.push('{');
                for (k, v) in m {
                    out.push_str(&go_quote(k));
                    out.push(':');
                    v.write_hash(out);
                    out.push(';');
                }
                out.push('}');
            }
            ValueKind::List(es) | ValueKind::Set(es) => {
                out.push('[');
                for e in es {
                    e.write_hash(out);
                    out.push(';');
                }
                out.push(']');
            }
            ValueKind::Tuple(es) => {
                out.push('<');
                for e in es {
                    e.write_hash(out);
                    out.push(';');
                }
                out.push('>');
            }
            ValueKind::Object(m) => {
                out.push('<');
                for v in m.values() {
                    v.write_hash(out);
                    out.push(';');
                }
                out.push('>');
            }
        }
    }
}

/// Whether values of these types might turn out equal once dynamic parts become known.
fn types_could_conform(a: &Type, b: &Type) -> bool {
    match (a, b) {
        (Type::Dynamic, _) | (_, Type::Dynamic) => true,
        (Type::List(x), Type::List(y))
        | (Type::Set(x), Type::Set(y))
        | (Type::Map(x), Type::Map(y)) => types_could_conform(x, y),
        (Type::Tuple(x), Type::Tuple(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y.iter())
                    .all(|(p, q)| types_could_conform(p, q))
        }
        (Type::Object(x), Type::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y.iter())
                    .all(|((ka, ta), (kb, tb))| ka == kb && types_could_conform(ta, tb))
        }
        _ => a == b,
    }
}
