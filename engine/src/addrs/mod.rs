//! Addresses: first-class immutable names for what a configuration declares (static config
//! addresses) and for what a run creates (instance addresses), each with one canonical string
//! form (`module.net["a"].aws_subnet.this[0]`) that the state, the plan and the CLI share.

mod parse;
mod provider;

use std::fmt;

pub use parse::{parse_instance, AddrError};
pub use provider::{parse_provider_config_address, provider_config_address, provider_source};

/// The key of one instance of a resource or module with `count` (an integer) or `for_each`
/// (a string).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum InstanceKey {
    Int(i64),
    Str(String),
}

impl fmt::Display for InstanceKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InstanceKey::Int(i) => write!(f, "[{i}]"),
            InstanceKey::Str(s) => write!(f, "[{}]", quote(s)),
        }
    }
}

/// Quotes a string key as Terraform writes it in addresses (Go's `%q`).
pub fn quote(s: &str) -> String {
    terrane_dsl::value::types::go_quote(s)
}

/// A module in the configuration tree: the names of the module calls from the root
/// (`[]` is the root module, `["net", "subnets"]` is `module.net.module.subnets`).
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ModulePath(pub Vec<String>);

impl ModulePath {
    pub fn root() -> ModulePath {
        ModulePath(Vec::new())
    }

    pub fn is_root(&self) -> bool {
        self.0.is_empty()
    }

    pub fn child(&self, name: &str) -> ModulePath {
        let mut v = self.0.clone();
        v.push(name.to_string());
        ModulePath(v)
    }

    /// The path of the module that calls this one (`None` for the root).
    pub fn parent(&self) -> Option<ModulePath> {
        if self.0.is_empty() {
            None
        } else {
            Some(ModulePath(self.0[..self.0.len() - 1].to_vec()))
        }
    }
}

impl fmt::Display for ModulePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, name) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(".")?;
            }
            write!(f, "module.{name}")?;
        }
        Ok(())
    }
}

/// One instance of a module: each call step with its instance key
/// (`module.net["a"].module.subnets`).
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ModuleInstance(pub Vec<(String, Option<InstanceKey>)>);

impl ModuleInstance {
    pub fn root() -> ModuleInstance {
        ModuleInstance(Vec::new())
    }

    pub fn is_root(&self) -> bool {
        self.0.is_empty()
    }

    pub fn child(&self, name: &str, key: Option<InstanceKey>) -> ModuleInstance {
        let mut v = self.0.clone();
        v.push((name.to_string(), key));
        ModuleInstance(v)
    }

    /// The static module this is an instance of.
    pub fn module(&self) -> ModulePath {
        ModulePath(self.0.iter().map(|(n, _)| n.clone()).collect())
    }

    pub fn parent(&self) -> Option<ModuleInstance> {
        if self.0.is_empty() {
            None
        } else {
            Some(ModuleInstance(self.0[..self.0.len() - 1].to_vec()))
        }
    }
}

impl fmt::Display for ModuleInstance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, (name, key)) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(".")?;
            }
            write!(f, "module.{name}")?;
            if let Some(k) = key {
                write!(f, "{k}")?;
            }
        }
        Ok(())
    }
}

/// Managed resources (`resource`) and data sources (`data`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ResourceMode {
    Managed,
    Data,
}

/// A resource block within a module, without a module path (`aws_instance.web`,
/// `data.aws_ami.ubuntu`).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Resource {
    pub mode: ResourceMode,
    pub type_name: String,
    pub name: String,
}

impl Resource {
    pub fn managed(type_name: &str, name: &str) -> Resource {
        Resource {
            mode: ResourceMode::Managed,
            type_name: type_name.to_string(),
            name: name.to_string(),
        }
    }

    pub fn data(type_name: &str, name: &str) -> Resource {
        Resource {
            mode: ResourceMode::Data,
            type_name: type_name.to_string(),
            name: name.to_string(),
        }
    }

    /// The local name of the provider that implements this resource type by default: the
    /// type name up to the first underscore (`aws_instance` -> `aws`), as Terraform infers it.
    pub fn implied_provider(&self) -> &str {
        self.type_name
            .split_once('_')
            .map_or(self.type_name.as_str(), |(p, _)| p)
    }
}

impl fmt::Display for Resource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.mode == ResourceMode::Data {
            f.write_str("data.")?;
        }
        write!(f, "{}.{}", self.type_name, self.name)
    }
}

/// A resource block of a static module: what `terrane graph` and the configuration know.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ConfigResource {
    pub module: ModulePath,
    pub resource: Resource,
}

impl fmt::Display for ConfigResource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.module.is_root() {
            write!(f, "{}.", self.module)?;
        }
        write!(f, "{}", self.resource)
    }
}

/// A resource in one module instance, all of its instances together
/// (`module.net["a"].aws_subnet.this`).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AbsResource {
    pub module: ModuleInstance,
    pub resource: Resource,
}

impl AbsResource {
    pub fn instance(&self, key: Option<InstanceKey>) -> ResourceInstance {
        ResourceInstance {
            module: self.module.clone(),
            resource: self.resource.clone(),
            key,
        }
    }

    pub fn config(&self) -> ConfigResource {
        ConfigResource {
            module: self.module.module(),
            resource: self.resource.clone(),
        }
    }
}

impl fmt::Display for AbsResource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.module.is_root() {
            write!(f, "{}.", self.module)?;
        }
        write!(f, "{}", self.resource)
    }
}

/// One instance of a resource: the unit the state records and providers act on
/// (`module.net["a"].aws_subnet.this[0]`).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ResourceInstance {
    pub module: ModuleInstance,
    pub resource: Resource,
    pub key: Option<InstanceKey>,
}

impl ResourceInstance {
    pub fn abs_resource(&self) -> AbsResource {
        AbsResource {
            module: self.module.clone(),
            resource: self.resource.clone(),
        }
    }
}

impl fmt::Display for ResourceInstance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.abs_resource())?;
        if let Some(k) = &self.key {
            write!(f, "{k}")?;
        }
        Ok(())
    }
}

/// An output value of a module instance (`module.net.output.vpc_id` is written
/// `module.net.vpc_id` in expressions).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct OutputAddr {
    pub module: ModuleInstance,
    pub name: String,
}

impl fmt::Display for OutputAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.module.is_root() {
            write!(f, "{}.", self.module)?;
        }
        write!(f, "output.{}", self.name)
    }
}

#[cfg(test)]
mod tests;
