//! Types of values, as cty defines them: primitives, collections, structural types and the
//! dynamic pseudo-type, with the names Terraform prints for them.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

/// A value type. Object attributes are kept in lexical order, as cty does. Types are immutable
/// and their parts shared: a clone is a reference count, so the type of every nested value
/// of a large value costs nothing more than the value's own type.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Type {
    String,
    Number,
    Bool,
    List(Arc<Type>),
    Set(Arc<Type>),
    Map(Arc<Type>),
    Tuple(Arc<Vec<Type>>),
    Object(Arc<BTreeMap<String, Type>>),
    /// "Any type": a placeholder for a type not yet known (cty's DynamicPseudoType).
    Dynamic,
}

impl Type {
    pub fn list(ety: Type) -> Type {
        Type::List(Arc::new(ety))
    }

    pub fn set(ety: Type) -> Type {
        Type::Set(Arc::new(ety))
    }

    pub fn map(ety: Type) -> Type {
        Type::Map(Arc::new(ety))
    }

    pub fn tuple(etys: Vec<Type>) -> Type {
        Type::Tuple(Arc::new(etys))
    }

    pub fn object<K: Into<String>>(attrs: impl IntoIterator<Item = (K, Type)>) -> Type {
        Type::Object(Arc::new(
            attrs.into_iter().map(|(k, t)| (k.into(), t)).collect(),
        ))
    }

    /// An object type with these attributes.
    pub fn object_of(attrs: BTreeMap<String, Type>) -> Type {
        Type::Object(Arc::new(attrs))
    }

    pub fn empty_object() -> Type {
        Type::Object(Arc::new(BTreeMap::new()))
    }

    pub fn is_primitive(&self) -> bool {
        matches!(self, Type::String | Type::Number | Type::Bool)
    }

    pub fn is_dynamic(&self) -> bool {
        matches!(self, Type::Dynamic)
    }

    pub fn is_list(&self) -> bool {
        matches!(self, Type::List(_))
    }

    pub fn is_set(&self) -> bool {
        matches!(self, Type::Set(_))
    }

    pub fn is_map(&self) -> bool {
        matches!(self, Type::Map(_))
    }

    pub fn is_tuple(&self) -> bool {
        matches!(self, Type::Tuple(_))
    }

    pub fn is_object(&self) -> bool {
        matches!(self, Type::Object(_))
    }

    /// List, set or map.
    pub fn is_collection(&self) -> bool {
        self.element_type().is_some()
    }

    /// Tuple or object.
    pub fn is_structural(&self) -> bool {
        self.is_tuple() || self.is_object()
    }

    /// The element type of a list, set or map.
    pub fn element_type(&self) -> Option<&Type> {
        match self {
            Type::List(e) | Type::Set(e) | Type::Map(e) => Some(e),
            _ => None,
        }
    }

    pub fn attribute_types(&self) -> Option<&BTreeMap<String, Type>> {
        match self {
            Type::Object(a) => Some(a),
            _ => None,
        }
    }

    pub fn tuple_element_types(&self) -> Option<&[Type]> {
        match self {
            Type::Tuple(e) => Some(e),
            _ => None,
        }
    }

    /// Whether the dynamic pseudo-type appears anywhere in this type.
    pub fn has_dynamic_types(&self) -> bool {
        match self {
            Type::Dynamic => true,
            Type::List(e) | Type::Set(e) | Type::Map(e) => e.has_dynamic_types(),
            Type::Tuple(es) => es.iter().any(Type::has_dynamic_types),
            Type::Object(attrs) => attrs.values().any(Type::has_dynamic_types),
            _ => false,
        }
    }

    /// The name Terraform uses for this type in messages: "string", "list of number",
    /// "map of list of string", "object", "tuple", "dynamic".
    pub fn friendly_name(&self) -> String {
        match self {
            Type::String => "string".into(),
            Type::Number => "number".into(),
            Type::Bool => "bool".into(),
            Type::List(e) => format!("list of {}", e.friendly_name()),
            Type::Set(e) => format!("set of {}", e.friendly_name()),
            Type::Map(e) => format!("map of {}", e.friendly_name()),
            Type::Tuple(_) => "tuple".into(),
            Type::Object(_) => "object".into(),
            Type::Dynamic => "dynamic".into(),
        }
    }

    /// The name used when the type is a constraint ("any type", "list of any single type").
    pub fn friendly_name_for_constraint(&self) -> String {
        match self {
            Type::Dynamic => "any type".into(),
            Type::List(e) => format!("list of {}", e.constraint_element_name()),
            Type::Set(e) => format!("set of {}", e.constraint_element_name()),
            Type::Map(e) => format!("map of {}", e.constraint_element_name()),
            other => other.friendly_name(),
        }
    }

    fn constraint_element_name(&self) -> String {
        match self {
            Type::Dynamic => "any single type".into(),
            other => other.friendly_name_for_constraint(),
        }
    }

    /// The type in Terraform's type-expression syntax, as the `type()` function and
    /// `typeexpr.TypeString` print it: `list(string)`, `object({a=number,b=string})`, `any`.
    pub fn type_string(&self) -> String {
        let mut out = String::new();
        self.write_type_string(&mut out);
        out
    }

    fn write_type_string(&self, out: &mut String) {
        match self {
            Type::String | Type::Number | Type::Bool => out.push_str(&self.friendly_name()),
            Type::Dynamic => out.push_str("any"),
            Type::List(e) | Type::Set(e) | Type::Map(e) => {
                out.push_str(match self {
                    Type::List(_) => "list(",
                    Type::Set(_) => "set(",
                    _ => "map(",
                });
                e.write_type_string(out);
                out.push(')');
            }
            Type::Tuple(es) => {
                out.push_str("tuple([");
                for (i, e) in es.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    e.write_type_string(out);
                }
                out.push_str("])");
            }
            Type::Object(attrs) => {
                out.push_str("object({");
                for (i, (name, t)) in attrs.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    if is_identifier(name) {
                        out.push_str(name);
                    } else {
                        out.push_str(&go_quote(name));
                    }
                    out.push('=');
                    t.write_type_string(out);
                }
                out.push_str("})");
            }
        }
    }
}

impl Type {
    /// The type as `terraform console` shows the result of `type(...)`: structural types over
    /// several lines, four spaces per level, `dynamic` for the pseudo-type.
    pub fn console_string(&self) -> String {
        let mut out = String::new();
        self.write_console(0, &mut out);
        out
    }

    fn write_console(&self, depth: usize, out: &mut String) {
        let pad = |d: usize, out: &mut String| out.push_str(&"    ".repeat(d));
        match self {
            Type::Dynamic => out.push_str("dynamic"),
            Type::List(e) | Type::Set(e) | Type::Map(e) => {
                out.push_str(match self {
                    Type::List(_) => "list(",
                    Type::Set(_) => "set(",
                    _ => "map(",
                });
                e.write_console(depth, out);
                out.push(')');
            }
            Type::Tuple(es) if es.is_empty() => out.push_str("tuple([])"),
            Type::Tuple(es) => {
                out.push_str("tuple([\n");
                for e in es.iter() {
                    pad(depth + 1, out);
                    e.write_console(depth + 1, out);
                    out.push_str(",\n");
                }
                pad(depth, out);
                out.push_str("])");
            }
            Type::Object(attrs) if attrs.is_empty() => out.push_str("object({})"),
            Type::Object(attrs) => {
                out.push_str("object({\n");
                for (name, t) in attrs.iter() {
                    pad(depth + 1, out);
                    if is_identifier(name) {
                        out.push_str(name);
                    } else {
                        out.push_str(&go_quote(name));
                    }
                    out.push_str(": ");
                    t.write_console(depth + 1, out);
                    out.push_str(",\n");
                }
                pad(depth, out);
                out.push_str("})");
            }
            primitive => out.push_str(&primitive.friendly_name()),
        }
    }
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.type_string())
    }
}

/// Whether `s` is a valid HCL identifier (ASCII approximation of the Unicode ID rules, plus
/// `-`, which HCL allows after the first character).
pub fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) if c.is_alphabetic() || c == '_' => {}
        _ => return false,
    }
    chars.all(|c| c.is_alphanumeric() || c == '_' || c == '-')
}

/// A string quoted as Go's `%q` does: the form Terraform uses for names and keys in messages.
pub fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c if !go_printable(c) => {
                if (c as u32) <= 0xffff {
                    out.push_str(&format!("\\u{:04x}", c as u32));
                } else {
                    out.push_str(&format!("\\U{:08x}", c as u32));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// An approximation of Go's `unicode.IsPrint`: everything but controls, format characters,
/// private-use characters and spaces other than U+0020.
fn go_printable(c: char) -> bool {
    let u = c as u32;
    if c == ' ' {
        return true;
    }
    if c.is_control() || c.is_whitespace() {
        return false;
    }
    let format = matches!(u,
        0xAD | 0x600..=0x605 | 0x61C | 0x6DD | 0x70F | 0x180E | 0x200B..=0x200F | 0x202A..=0x202E
        | 0x2060..=0x2064 | 0x2066..=0x206F | 0xFEFF | 0xFFF9..=0xFFFB | 0x110BD | 0x1BCA0..=0x1BCA3
        | 0x1D173..=0x1D17A | 0xE0001 | 0xE0020..=0xE007F);
    let private = matches!(u, 0xE000..=0xF8FF | 0xF0000..=0x10FFFF);
    !(format || private)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(Type::list(Type::String).friendly_name(), "list of string");
        assert_eq!(
            Type::map(Type::list(Type::Number)).friendly_name(),
            "map of list of number"
        );
        assert_eq!(Type::empty_object().friendly_name(), "object");
        assert_eq!(Type::tuple(vec![]).friendly_name(), "tuple");
        assert_eq!(Type::Dynamic.friendly_name_for_constraint(), "any type");
        assert_eq!(
            Type::list(Type::Dynamic).friendly_name_for_constraint(),
            "list of any single type"
        );
        assert_eq!(
            Type::map(Type::Dynamic).friendly_name_for_constraint(),
            "map of any single type"
        );
    }

    #[test]
    fn type_strings() {
        let t = Type::object([("b", Type::list(Type::String)), ("a", Type::Number)]);
        assert_eq!(t.type_string(), "object({a=number,b=list(string)})");
        assert_eq!(
            Type::tuple(vec![Type::Bool, Type::Dynamic]).to_string(),
            "tuple([bool,any])"
        );
        assert_eq!(
            Type::object([("a b", Type::Bool)]).to_string(),
            "object({\"a b\"=bool})"
        );
        assert_eq!(
            Type::set(Type::map(Type::Bool)).to_string(),
            "set(map(bool))"
        );
    }

    /// What `terraform console` printed for `type({a=1, b=[1,"x"], c=tolist(["a"])})` etc.
    #[test]
    fn console_strings() {
        let t = Type::object([
            ("a", Type::Number),
            ("b", Type::tuple(vec![Type::Number, Type::String])),
            ("c", Type::list(Type::String)),
        ]);
        assert_eq!(
            t.console_string(),
            "object({\n    a: number,\n    b: tuple([\n        number,\n        string,\n    ]),\n    c: list(string),\n})"
        );
        assert_eq!(
            Type::map(Type::set(Type::Number)).console_string(),
            "map(set(number))"
        );
        assert_eq!(Type::Dynamic.console_string(), "dynamic");
        assert_eq!(Type::empty_object().console_string(), "object({})");
    }

    #[test]
    fn quoting() {
        assert_eq!(go_quote("a\"b\\\n\u{1}é"), "\"a\\\"b\\\\\\n\\x01é\"");
        assert_eq!(
            go_quote("\u{a0}\u{200b}\u{2028}☃\u{1F600}"),
            "\"\\u00a0\\u200b\\u2028☃\u{1F600}\""
        );
    }
}
