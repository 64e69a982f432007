//! Paths into a value (`.a`, `[0]`, `["k"]`), used to say where a conversion failed and where
//! marks sit inside a value.

use std::fmt;

use super::types::go_quote;
use super::value::{Value, ValueKind};

/// One step: an attribute of an object, or an element of a list, tuple, map or set (for sets
/// the key is the element itself).
#[derive(Clone, Debug, PartialEq)]
pub enum PathStep {
    GetAttr(String),
    Index(Value),
}

/// A sequence of steps from a value to one of its parts.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Path(pub Vec<PathStep>);

impl Path {
    pub fn root() -> Path {
        Path(Vec::new())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn attr(&self, name: &str) -> Path {
        let mut p = self.clone();
        p.0.push(PathStep::GetAttr(name.to_string()));
        p
    }

    pub fn index(&self, key: Value) -> Path {
        let mut p = self.clone();
        p.0.push(PathStep::Index(key));
        p
    }

    pub fn index_int(&self, i: usize) -> Path {
        self.index(Value::number(super::Number::from_u64(i as u64)))
    }

    pub fn index_str(&self, key: &str) -> Path {
        self.index(Value::string(key))
    }
}

/// Terraform's `FormatCtyPath`: `.a.b[0]["k"]`.
impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for step in &self.0 {
            match step {
                PathStep::GetAttr(name) => write!(f, ".{name}")?,
                PathStep::Index(key) => {
                    f.write_str("[")?;
                    match key.kind() {
                        ValueKind::Null => f.write_str("null")?,
                        ValueKind::Unknown => f.write_str("(not yet known)")?,
                        ValueKind::Number(n) => f.write_str(&n.to_text_g_shortest())?,
                        ValueKind::String(s) => f.write_str(&go_quote(s))?,
                        _ => f.write_str("...")?,
                    }
                    f.write_str("]")?;
                }
            }
        }
        Ok(())
    }
}

impl Value {
    /// The value at `path` inside this one, if the path leads somewhere (sets cannot be
    /// navigated into except by their element, which is then returned as the key).
    pub fn get_path(&self, path: &Path) -> Option<&Value> {
        let mut here = self;
        for step in &path.0 {
            here = match (here.kind(), step) {
                (ValueKind::Object(m), PathStep::GetAttr(name)) => m.get(name)?,
                (ValueKind::Map(m) | ValueKind::Object(m), PathStep::Index(k)) => {
                    m.get(k.as_str()?)?
                }
                (ValueKind::List(es) | ValueKind::Tuple(es), PathStep::Index(k)) => {
                    let i = k.as_number().and_then(super::Number::to_u64)?;
                    es.get(usize::try_from(i).ok()?)?
                }
                (ValueKind::Set(es), PathStep::Index(k)) => es.iter().find(|e| e.raw_equals(k))?,
                _ => return None,
            };
        }
        Some(here)
    }

    /// Calls `f` with every value inside this one (this one first), depth first, with its path.
    pub fn walk(&self, f: &mut dyn FnMut(&Path, &Value)) {
        self.walk_from(&Path::root(), f);
    }

    fn walk_from(&self, path: &Path, f: &mut dyn FnMut(&Path, &Value)) {
        f(path, self);
        match self.kind() {
            ValueKind::List(es) | ValueKind::Tuple(es) => {
                for (i, e) in es.iter().enumerate() {
                    e.walk_from(&path.index_int(i), f);
                }
            }
            ValueKind::Set(es) => {
                for e in es {
                    e.walk_from(&path.index(e.clone()), f);
                }
            }
            ValueKind::Map(m) => {
                for (k, v) in m {
                    v.walk_from(&path.index_str(k), f);
                }
            }
            ValueKind::Object(m) => {
                for (k, v) in m {
                    v.walk_from(&path.attr(k), f);
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::Type;

    #[test]
    fn navigate_and_walk() {
        let m = Value::map(Type::String, [("k".to_string(), Value::string("v"))].into()).unwrap();
        let set = Value::set(Type::String, vec![Value::string("s")]).unwrap();
        let v = Value::object_from([("a", Value::tuple(vec![Value::int(1), m])), ("b", set)]);
        let p = Path::root().attr("a").index_int(1).index_str("k");
        assert_eq!(v.get_path(&p).and_then(Value::as_str), Some("v"));
        assert!(v.get_path(&Path::root().attr("a").index_int(5)).is_none());
        assert!(v.get_path(&Path::root().attr("zz")).is_none());
        let sp = Path::root().attr("b").index(Value::string("s"));
        assert_eq!(v.get_path(&sp).and_then(Value::as_str), Some("s"));
        let mut seen = Vec::new();
        v.walk(&mut |p, _| seen.push(p.to_string()));
        assert_eq!(
            seen,
            [
                "",
                ".a",
                ".a[0]",
                ".a[1]",
                ".a[1][\"k\"]",
                ".b",
                ".b[\"s\"]"
            ]
        );
    }
}
