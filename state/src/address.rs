//! Resource addresses as the state and the CLI write them: parsing and printing instance
//! addresses (`module.net["a"].data.aws_ami.x[0]`) and the partial addresses that `state list`,
//! `state mv` and `state rm` accept (a module, a resource, or one instance).

use std::fmt;

use terrane_dsl::value::types::go_quote;

use crate::error::{Result, StateError};
use crate::record::{IndexKey, Mode};

/// One step of a module path: `module.NAME` with an optional instance key.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ModuleStep {
    pub name: String,
    pub key: Option<IndexKey>,
}

/// A full resource instance address.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ResourceAddress {
    pub module: Vec<ModuleStep>,
    pub mode: Mode,
    pub type_name: String,
    pub name: String,
    pub key: Option<IndexKey>,
}

/// A partial address: what `state list`/`mv`/`rm` accept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AddressPattern {
    /// A module instance (`module.a`, `module.a[0].module.b`), or a module call with every
    /// instance when its last step has no key. All resources inside match.
    Module(Vec<ModuleStep>),
    /// A resource with all its instances (`aws_instance.web`, `module.a.data.x.y`).
    Resource {
        module: Vec<ModuleStep>,
        mode: Mode,
        type_name: String,
        name: String,
    },
    /// Exactly one instance (`aws_instance.web[0]`, or an unkeyed resource's only instance).
    Instance(ResourceAddress),
}

impl fmt::Display for IndexKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IndexKey::Int(i) => write!(f, "[{i}]"),
            IndexKey::String(s) => write!(f, "[{}]", go_quote(s)),
        }
    }
}

fn write_module(module: &[ModuleStep], f: &mut fmt::Formatter<'_>) -> fmt::Result {
    for (i, step) in module.iter().enumerate() {
        if i > 0 {
            f.write_str(".")?;
        }
        write!(f, "module.{}", step.name)?;
        if let Some(k) = &step.key {
            write!(f, "{k}")?;
        }
    }
    Ok(())
}

/// A module path as text: `""` for the root module.
pub fn module_string(module: &[ModuleStep]) -> String {
    struct M<'a>(&'a [ModuleStep]);
    impl fmt::Display for M<'_> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write_module(self.0, f)
        }
    }
    M(module).to_string()
}

impl fmt::Display for ResourceAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_module(&self.module, f)?;
        if !self.module.is_empty() {
            f.write_str(".")?;
        }
        if self.mode == Mode::Data {
            f.write_str("data.")?;
        }
        write!(f, "{}.{}", self.type_name, self.name)?;
        if let Some(k) = &self.key {
            write!(f, "{k}")?;
        }
        Ok(())
    }
}

impl fmt::Display for AddressPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AddressPattern::Module(m) => write_module(m, f),
            AddressPattern::Resource {
                module,
                mode,
                type_name,
                name,
            } => {
                let a = ResourceAddress {
                    module: module.clone(),
                    mode: *mode,
                    type_name: type_name.clone(),
                    name: name.clone(),
                    key: None,
                };
                a.fmt(f)
            }
            AddressPattern::Instance(a) => a.fmt(f),
        }
    }
}

impl ResourceAddress {
    /// Parses a full instance address.
    pub fn parse(text: &str) -> Result<ResourceAddress> {
        match AddressPattern::parse(text)? {
            AddressPattern::Instance(a) => Ok(a),
            AddressPattern::Resource {
                module,
                mode,
                type_name,
                name,
            } => Ok(ResourceAddress {
                module,
                mode,
                type_name,
                name,
                key: None,
            }),
            AddressPattern::Module(_) => Err(StateError::InvalidAddress {
                address: text.to_string(),
                reason: "a module address, not a resource address".into(),
            }),
        }
    }

    /// The module path as text (`""` for the root module).
    pub fn module_string(&self) -> String {
        module_string(&self.module)
    }
}

impl AddressPattern {
    /// Parses a module, resource or instance address.
    pub fn parse(text: &str) -> Result<AddressPattern> {
        let mut p = Parser {
            text,
            pos: 0,
            original: text,
        };
        p.pattern()
    }

    /// Whether `address` (a full instance address) is selected by this pattern.
    pub fn matches(&self, address: &ResourceAddress) -> bool {
        match self {
            AddressPattern::Module(m) => module_prefix_matches(m, &address.module),
            AddressPattern::Resource {
                module,
                mode,
                type_name,
                name,
            } => {
                module == &address.module
                    && *mode == address.mode
                    && type_name == &address.type_name
                    && name == &address.name
            }
            AddressPattern::Instance(a) => a == address,
        }
    }
}

/// Whether `pattern` is a prefix of `module`; a pattern step without a key matches any key.
fn module_prefix_matches(pattern: &[ModuleStep], module: &[ModuleStep]) -> bool {
    pattern.len() <= module.len()
        && pattern
            .iter()
            .zip(module)
            .all(|(p, m)| p.name == m.name && (p.key.is_none() || p.key == m.key))
}

struct Parser<'a> {
    text: &'a str,
    pos: usize,
    original: &'a str,
}

impl Parser<'_> {
    fn err<T>(&self, reason: impl Into<String>) -> Result<T> {
        Err(StateError::InvalidAddress {
            address: self.original.to_string(),
            reason: reason.into(),
        })
    }

    fn rest(&self) -> &str {
        &self.text[self.pos..]
    }

    fn ident(&mut self) -> Result<String> {
        let rest = self.rest();
        let len = rest
            .char_indices()
            .find(|(_, c)| !(c.is_alphanumeric() || *c == '_' || *c == '-'))
            .map_or(rest.len(), |(i, _)| i);
        let first = rest.chars().next();
        if len == 0 || first.is_some_and(|c| c.is_ascii_digit() || c == '-') {
            return self.err(format!("expected a name at {:?}", rest));
        }
        let s = rest[..len].to_string();
        self.pos += len;
        Ok(s)
    }

    fn eat(&mut self, s: &str) -> bool {
        if self.rest().starts_with(s) {
            self.pos += s.len();
            true
        } else {
            false
        }
    }

    fn key(&mut self) -> Result<Option<IndexKey>> {
        if !self.eat("[") {
            return Ok(None);
        }
        let key = if self.rest().starts_with('"') {
            // A quoted string with Go/HCL escapes: find the closing quote, then decode.
            let bytes = self.rest().as_bytes();
            let mut i = 1;
            let mut escaped = false;
            while i < bytes.len() {
                match bytes[i] {
                    b'\\' if !escaped => escaped = true,
                    b'"' if !escaped => break,
                    _ => escaped = false,
                }
                i += 1;
            }
            if i >= bytes.len() {
                return self.err("unterminated string key");
            }
            let quoted = &self.rest()[..=i];
            let s: String = match serde_json::from_str(quoted) {
                Ok(s) => s,
                Err(_) => return self.err(format!("invalid string key {quoted}")),
            };
            self.pos += i + 1;
            IndexKey::String(s)
        } else {
            let rest = self.rest();
            let len = rest
                .char_indices()
                .find(|(i, c)| !(c.is_ascii_digit() || (*i == 0 && *c == '-')))
                .map_or(rest.len(), |(i, _)| i);
            match rest[..len].parse::<i64>() {
                Ok(n) => {
                    self.pos += len;
                    IndexKey::Int(n)
                }
                Err(_) => return self.err("an index key must be a number or a quoted string"),
            }
        };
        if !self.eat("]") {
            return self.err("expected ] after the index key");
        }
        Ok(Some(key))
    }

    fn pattern(&mut self) -> Result<AddressPattern> {
        let mut module = Vec::new();
        loop {
            if self.rest().is_empty() {
                if module.is_empty() {
                    return self.err("empty address");
                }
                return Ok(AddressPattern::Module(module));
            }
            if self.rest().starts_with("module.") {
                self.pos += "module.".len();
                let name = self.ident()?;
                let key = self.key()?;
                module.push(ModuleStep { name, key });
                if self.rest().is_empty() {
                    continue;
                }
                if !self.eat(".") {
                    return self.err(format!("unexpected {:?}", self.rest()));
                }
                continue;
            }
            let mut mode = Mode::Managed;
            let mut type_name = self.ident()?;
            if type_name == "data" && self.rest().starts_with('.') {
                self.pos += 1;
                mode = Mode::Data;
                type_name = self.ident()?;
            }
            if !self.eat(".") {
                return self.err("a resource address needs TYPE.NAME");
            }
            let name = self.ident()?;
            let key = self.key()?;
            if !self.rest().is_empty() {
                return self.err(format!("unexpected {:?} after the resource", self.rest()));
            }
            return Ok(match key {
                Some(key) => AddressPattern::Instance(ResourceAddress {
                    module,
                    mode,
                    type_name,
                    name,
                    key: Some(key),
                }),
                None => AddressPattern::Resource {
                    module,
                    mode,
                    type_name,
                    name,
                },
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_print() {
        for text in [
            "aws_instance.web",
            "terraform_data.t[0]",
            "data.local_file.f",
            "module.net.aws_subnet.a[\"x\"]",
            "module.a[\"k\"].module.b[2].data.x_y.z[-1]",
            "aws_s3_bucket.b[\"with \\\"quote\\\" and \\\\\"]",
        ] {
            let a = ResourceAddress::parse(text).unwrap();
            assert_eq!(a.to_string(), text);
        }
        let a = ResourceAddress::parse("module.net.aws_subnet.a[\"x\"]").unwrap();
        assert_eq!(a.module_string(), "module.net");
        assert_eq!(a.key, Some(IndexKey::String("x".into())));
        let d = ResourceAddress::parse("data.local_file.f").unwrap();
        assert_eq!(d.mode, Mode::Data);
        assert_eq!(d.type_name, "local_file");
    }

    #[test]
    fn patterns() {
        let inst = ResourceAddress::parse("module.a[0].aws_x.y[1]").unwrap();
        let m = AddressPattern::parse("module.a").unwrap();
        assert!(matches!(m, AddressPattern::Module(_)));
        assert!(m.matches(&inst));
        assert!(AddressPattern::parse("module.a[0]").unwrap().matches(&inst));
        assert!(!AddressPattern::parse("module.a[1]").unwrap().matches(&inst));
        assert!(!AddressPattern::parse("module.ab").unwrap().matches(&inst));
        assert!(AddressPattern::parse("module.a[0].aws_x.y")
            .unwrap()
            .matches(&inst));
        assert!(!AddressPattern::parse("aws_x.y").unwrap().matches(&inst));
        assert_eq!(
            AddressPattern::parse("module.a[0]").unwrap().to_string(),
            "module.a[0]"
        );
    }

    #[test]
    fn bad_addresses() {
        for text in [
            "",
            "aws_instance",
            "aws_instance.",
            "aws_instance.web[",
            "aws_instance.web[x]",
            "aws_instance.web[\"x]",
            "aws_instance.web[0]x",
            "module.",
            "module.a..x.y",
            "1abc.x",
        ] {
            assert!(
                matches!(
                    AddressPattern::parse(text),
                    Err(StateError::InvalidAddress { .. })
                ),
                "{text}"
            );
        }
        assert!(ResourceAddress::parse("module.a").is_err());
    }
}
