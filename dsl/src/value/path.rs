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
