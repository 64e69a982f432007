//! Small helpers for reading arguments out of configuration objects and building state objects
//! that have exactly the type a schema implies.

use std::collections::BTreeMap;

use terrane_dsl::value::{Attrs, Type, Value, ValueKind};

use crate::error::ProviderError;
use crate::schema::{BlockSchema, NestingMode};

/// The attribute `name` of an object when it is known and not null.
pub fn known<'a>(obj: &'a Value, name: &str) -> Option<&'a Value> {
    obj.get_attr(name).filter(|v| v.is_known() && !v.is_null())
}

/// Whether attribute `name` is unknown (not yet known at plan time).
pub fn is_unknown(obj: &Value, name: &str) -> bool {
    obj.get_attr(name).is_some_and(|v| !v.is_known())
}

/// A known string attribute.
pub fn get_str<'a>(obj: &'a Value, name: &str) -> Option<&'a str> {
    known(obj, name).and_then(Value::as_str)
}

/// A known bool attribute.
pub fn get_bool(obj: &Value, name: &str) -> Option<bool> {
    known(obj, name).and_then(Value::as_bool)
}

/// A known number attribute that is a whole number in `i64`'s range; an error naming the
/// attribute when it is a number that is not.
pub fn get_i64(obj: &Value, name: &str) -> Result<Option<i64>, ProviderError> {
    match known(obj, name) {
        None => Ok(None),
        Some(v) => match v.as_number() {
            Some(n) => n.to_i64().map(Some).ok_or_else(|| {
                ProviderError::new(
                    "Invalid number",
                    format!("{name} must be a whole number, got {}.", n.to_text()),
                )
                .at_attr(name)
            }),
            None => Ok(None),
        },
    }
}

/// A known map (or object) of known strings; unknown or null elements are left out.
pub fn get_string_map(obj: &Value, name: &str) -> Option<BTreeMap<String, String>> {
    let entries = known(obj, name)?.entries()?;
    Some(
        entries
            .iter()
            .filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_string())))
            .collect(),
    )
}

/// A known list, set or tuple of known strings; unknown or null elements are left out.
pub fn get_string_list(obj: &Value, name: &str) -> Option<Vec<String>> {
    let elems = known(obj, name)?.elements()?;
    Some(
        elems
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
    )
}

/// A `map(string)` value.
pub fn string_map(entries: BTreeMap<String, String>) -> Value {
    let m = entries
        .into_iter()
        .map(|(k, v)| (k, Value::string(v)))
        .collect();
    // Every element is a string, so the map's element type is right by construction.
    Value::map(Type::String, m).unwrap_or_else(|_| Value::null(Type::map(Type::String)))
}

/// A `list(string)` value.
pub fn string_list(items: impl IntoIterator<Item = String>) -> Value {
    let l = items.into_iter().map(Value::string).collect();
    Value::list(Type::String, l).unwrap_or_else(|_| Value::null(Type::list(Type::String)))
}

/// An object of `block`'s implied type: the given attributes set, every other attribute null,
/// absent nested blocks as Terraform represents them (null for single blocks, empty
/// collections otherwise).
pub fn object_for<'a>(
    block: &BlockSchema,
    set: impl IntoIterator<Item = (&'a str, Value)>,
) -> Value {
    let mut m: BTreeMap<String, Value> = block
        .attributes
        .iter()
        .map(|(k, a)| (k.clone(), Value::null(a.ty.clone())))
        .collect();
    for (name, nested) in &block.blocks {
        let ty = nested.implied_type();
        let empty = match (nested.nesting, &ty) {
            (NestingMode::List, Type::List(e)) => Value::list((**e).clone(), vec![]).ok(),
            (NestingMode::Set, Type::Set(e)) => Value::set((**e).clone(), vec![]).ok(),
            (NestingMode::Map, Type::Map(e)) => Value::map((**e).clone(), BTreeMap::new()).ok(),
            _ => None,
        };
        m.insert(name.clone(), empty.unwrap_or_else(|| Value::null(ty)));
    }
    for (k, v) in set {
        m.insert(k.to_string(), v);
    }
    Value::object(m)
}

/// `obj` with attribute `name` replaced (or added).
pub fn with_attr(obj: &Value, name: &str, v: Value) -> Value {
    let mut m = obj.entries().cloned().unwrap_or_default();
    m.insert(name.to_string(), v);
    Value::object_of(m)
}

/// `obj` with several attributes replaced.
pub fn with_attrs<'a>(obj: &Value, set: impl IntoIterator<Item = (&'a str, Value)>) -> Value {
    let mut m = obj.entries().map(Attrs::to_map).unwrap_or_default();
    for (k, v) in set {
        m.insert(k.to_string(), v);
    }
    Value::object(m)
}

/// Checks that a value handed to a provider is an object (not null, not unknown).
pub fn expect_object<'a>(v: &'a Value, what: &str) -> Result<&'a Value, ProviderError> {
    match v.kind() {
        ValueKind::Object(_) => Ok(v),
        _ => Err(ProviderError::invalid_value(
            what,
            format!(
                "Expected an object, got {} ({}).",
                if v.is_null() {
                    "null"
                } else if !v.is_known() {
                    "an unknown value"
                } else {
                    "another kind of value"
                },
                v.ty().friendly_name()
            ),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{AttributeSchema, NestedBlockSchema};

    #[test]
    fn objects_have_the_implied_type() {
        let block = BlockSchema::with_attributes([
            ("a", AttributeSchema::optional(Type::String)),
            ("b", AttributeSchema::computed(Type::Number)),
        ])
        .with_block(
            "r",
            NestedBlockSchema::new(NestingMode::List, BlockSchema::default()),
        );
        let v = object_for(&block, [("a", Value::string("x"))]);
        assert_eq!(v.ty(), &block.implied_type());
        assert_eq!(get_str(&v, "a"), Some("x"));
        assert_eq!(get_i64(&v, "b"), Ok(None));
        let v = with_attr(&v, "b", Value::int(7));
        assert_eq!(get_i64(&v, "b"), Ok(Some(7)));
        assert_eq!(v.get_attr("r").and_then(Value::length), Some(0));
    }

    #[test]
    fn string_collections() {
        let v = Value::object_from([
            ("m", string_map([("k".to_string(), "v".to_string())].into())),
            ("l", string_list(["x".to_string()])),
        ]);
        assert_eq!(get_string_map(&v, "m").unwrap()["k"], "v");
        assert_eq!(get_string_list(&v, "l").unwrap(), vec!["x".to_string()]);
    }
}
