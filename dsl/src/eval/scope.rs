//! The root names an expression can refer to (`var`, `local`, `each`, `count`, `path`,
//! `terraform`, `self`, resource types, `data`, `module`, ...): a map the caller fills, plus an
//! optional resolver for roots that are cheaper to compute on demand.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::value::Value;

/// Resolves a root name lazily; `None` when the name is unknown to it.
pub type Resolver = Arc<dyn Fn(&str) -> Option<Value> + Send + Sync>;

/// The root names visible to an expression.
#[derive(Clone, Default)]
pub struct Scope {
    values: BTreeMap<String, Value>,
    resolver: Option<Resolver>,
    /// Names the resolver answers for (used for "did you mean" suggestions only).
    resolver_names: Vec<String>,
}

impl std::fmt::Debug for Scope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scope")
            .field("values", &self.values)
            .field("resolver", &self.resolver.is_some())
            .finish()
    }
}

impl Scope {
    pub fn new() -> Scope {
        Scope::default()
    }

    /// Sets the value of a root name (`var`, `local`, ...).
    pub fn set(&mut self, name: impl Into<String>, value: Value) {
        self.values.insert(name.into(), value);
    }

    /// Builder form of [`Scope::set`].
    pub fn with(mut self, name: impl Into<String>, value: Value) -> Scope {
        self.set(name, value);
        self
    }

    /// Consults `resolver` for names not set explicitly. `names` lists what it can resolve
    /// (for suggestions in "Unknown variable" errors).
    pub fn with_resolver(mut self, resolver: Resolver, names: Vec<String>) -> Scope {
        self.resolver = Some(resolver);
        self.resolver_names = names;
        self
    }

    /// The value of a root name.
    pub fn get(&self, name: &str) -> Option<Value> {
        if let Some(v) = self.values.get(name) {
            return Some(v.clone());
        }
        self.resolver.as_ref().and_then(|r| r(name))
    }

    /// The value of a root name set with [`Scope::set`], by reference (no resolver).
    pub fn get_ref(&self, name: &str) -> Option<&Value> {
        self.values.get(name)
    }

    /// Every name known to be resolvable.
    pub fn names(&self) -> Vec<String> {
        let mut out: Vec<String> = self.values.keys().cloned().collect();
        out.extend(self.resolver_names.iter().cloned());
        out
    }
}
