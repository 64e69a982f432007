//! The values a walk has computed so far, per module instance: variables, locals, outputs,
//! resource instances and module-call expansions; and how a reference sees them (a resource
//! with `count` is a tuple of its instances, with `for_each` an object, and so on).

use std::collections::{BTreeMap, HashMap};

use terrane_dsl::value::{Type, Value};

use crate::addrs::{InstanceKey, ModuleInstance, ModulePath, Resource};

/// How a resource or module call expands.
#[derive(Clone, Debug, PartialEq)]
pub enum Expansion {
    /// No `count` or `for_each`: one instance without a key.
    Single,
    /// `count`: instances `[0]` to `[n-1]`.
    Count(i64),
    /// `for_each`: one instance per key, with its `each.value`.
    ForEach(BTreeMap<String, Value>),
    /// `count` or `for_each` not known yet (planning only): the value is unknown.
    Unknown,
}

impl Expansion {
    /// The instance keys, in order.
    pub fn keys(&self) -> Vec<Option<InstanceKey>> {
        match self {
            Expansion::Single => vec![None],
            Expansion::Count(n) => (0..*n).map(|i| Some(InstanceKey::Int(i))).collect(),
            Expansion::ForEach(m) => m
                .keys()
                .map(|k| Some(InstanceKey::Str(k.clone())))
                .collect(),
            Expansion::Unknown => Vec::new(),
        }
    }

    /// `count.index` / `each.key` and `each.value` for one instance.
    pub fn repetition(&self, key: &Option<InstanceKey>) -> Repetition {
        match (self, key) {
            (Expansion::Count(_), Some(InstanceKey::Int(i))) => Repetition {
                count_index: Some(Value::int(*i)),
                ..Repetition::default()
            },
            (Expansion::ForEach(m), Some(InstanceKey::Str(k))) => Repetition {
                each_key: Some(Value::string(k)),
                each_value: m.get(k).cloned(),
                ..Repetition::default()
            },
            _ => Repetition::default(),
        }
    }
}

/// What `count` and `each` mean inside one instance.
#[derive(Clone, Debug, Default)]
pub struct Repetition {
    pub count_index: Option<Value>,
    pub each_key: Option<Value>,
    pub each_value: Option<Value>,
}

impl Repetition {
    /// In validation and for unknown expansions: `count.index` and `each.*` are unknown.
    pub fn unknown(expansion: &Expansion, has_count: bool, has_for_each: bool) -> Repetition {
        let _ = expansion;
        Repetition {
            count_index: has_count.then(|| Value::unknown(Type::Number)),
            each_key: has_for_each.then(|| Value::unknown(Type::String)),
            each_value: has_for_each.then(Value::dynamic),
        }
    }
}

/// One resource in one module instance: its expansion and each instance's value.
#[derive(Clone, Debug)]
pub struct ResourceValues {
    pub expansion: Expansion,
    pub instances: InstanceValues,
}

/// The value of each instance of a resource, by key, kept as an exact-size array sorted by key
/// (a `BTreeMap` would allocate a node of eleven slots for each of the many resources that
/// have one instance).
#[derive(Clone, Debug, Default)]
pub struct InstanceValues(Vec<(Option<InstanceKey>, Value)>);

impl InstanceValues {
    pub fn new() -> InstanceValues {
        InstanceValues::default()
    }

    fn position(&self, key: &Option<InstanceKey>) -> Result<usize, usize> {
        self.0.binary_search_by(|(k, _)| k.cmp(key))
    }

    /// Sets the value of `key` (instances come in key order, or nearly: appending is cheap).
    pub fn insert(&mut self, key: Option<InstanceKey>, value: Value) {
        match self.position(&key) {
            Ok(i) => self.0[i].1 = value,
            Err(i) => self.0.insert(i, (key, value)),
        }
    }

    pub fn get(&self, key: &Option<InstanceKey>) -> Option<&Value> {
        self.position(key).ok().map(|i| &self.0[i].1)
    }

    pub fn contains_key(&self, key: &Option<InstanceKey>) -> bool {
        self.position(key).is_ok()
    }

    pub fn clear(&mut self) {
        self.0.clear();
    }

    /// Drops spare capacity (the values are kept for the rest of the walk).
    pub fn shrink_to_fit(&mut self) {
        self.0.shrink_to_fit();
    }

    /// The values, in key order.
    pub fn values(&self) -> impl Iterator<Item = &Value> {
        self.0.iter().map(|(_, v)| v)
    }

    /// `(key, value)` pairs, in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&Option<InstanceKey>, &Value)> {
        self.0.iter().map(|(k, v)| (k, v))
    }
}

impl ResourceValues {
    /// The value a reference to the whole resource sees.
    pub fn value(&self) -> Value {
        collect(&self.expansion, &self.instances)
    }
}

fn collect(expansion: &Expansion, instances: &InstanceValues) -> Value {
    match expansion {
        Expansion::Single => instances.get(&None).cloned().unwrap_or_else(Value::dynamic),
        Expansion::Count(_) => Value::tuple(instances.values().cloned().collect()),
        Expansion::ForEach(_) => Value::object(
            instances
                .iter()
                .filter_map(|(k, v)| match k {
                    Some(InstanceKey::Str(s)) => Some((s.clone(), v.clone())),
                    _ => None,
                })
                .collect(),
        ),
        Expansion::Unknown => Value::dynamic(),
    }
}

/// Every value computed so far.
#[derive(Debug, Default)]
pub struct Values {
    pub variables: HashMap<(ModuleInstance, String), Value>,
    pub locals: HashMap<(ModuleInstance, String), Value>,
    pub outputs: HashMap<(ModuleInstance, String), Value>,
    pub resources: HashMap<(ModuleInstance, Resource), ResourceValues>,
    /// Module calls: (calling instance, call name) -> expansion.
    pub module_calls: HashMap<(ModuleInstance, String), Expansion>,
}

impl Values {
    /// Every instance of a static module, given the expansions known so far (the root has one).
    pub fn module_instances(&self, path: &ModulePath) -> Vec<ModuleInstance> {
        let mut out = vec![ModuleInstance::root()];
        for name in &path.0 {
            let mut next = Vec::new();
            for parent in &out {
                if let Some(exp) = self.module_calls.get(&(parent.clone(), name.clone())) {
                    for k in exp.keys() {
                        next.push(parent.child(name, k));
                    }
                }
            }
            out = next;
        }
        out
    }

    /// Whether `instance` belongs to a module call whose expansion is not known yet.
    pub fn module_unknown(&self, path: &ModulePath) -> bool {
        let mut insts = vec![ModuleInstance::root()];
        for name in &path.0 {
            let mut next = Vec::new();
            for parent in &insts {
                match self.module_calls.get(&(parent.clone(), name.clone())) {
                    Some(Expansion::Unknown) => return true,
                    Some(exp) => next.extend(exp.keys().into_iter().map(|k| parent.child(name, k))),
                    None => {}
                }
            }
            insts = next;
        }
        false
    }

    /// The value of `module.NAME` seen from `caller`: an object of outputs per instance.
    pub fn module_value(&self, caller: &ModuleInstance, name: &str, outputs: &[String]) -> Value {
        let Some(exp) = self.module_calls.get(&(caller.clone(), name.to_string())) else {
            return Value::dynamic();
        };
        if *exp == Expansion::Unknown {
            return Value::dynamic();
        }
        let mut instances = InstanceValues::new();
        for k in exp.keys() {
            let inst = caller.child(name, k.clone());
            let obj: BTreeMap<String, Value> = outputs
                .iter()
                .map(|o| {
                    let v = self
                        .outputs
                        .get(&(inst.clone(), o.clone()))
                        .cloned()
                        .unwrap_or_else(Value::dynamic);
                    (o.clone(), v)
                })
                .collect();
            instances.insert(k, Value::object(obj));
        }
        collect(exp, &instances)
    }
}
