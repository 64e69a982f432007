//! Schemas: what a provider's configuration, resources and data sources look like (attributes,
//! nested blocks), and the value type each implies, as Terraform's `configschema` defines them.

use std::collections::BTreeMap;

use terrane_dsl::value::{Mark, Type, Value, ValueKind};

/// Everything a provider offers: its own configuration block, its resource types and its data
/// sources, each keyed by type name (`"random_id"`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ProviderSchema {
    /// The `provider "name" { ... }` block's contents.
    pub provider: BlockSchema,
    pub resources: BTreeMap<String, ResourceSchema>,
    pub data_sources: BTreeMap<String, ResourceSchema>,
}

/// A resource type's or data source's schema, with the version of its state format (states
/// written at an older version go through [`crate::Provider::upgrade_state`]).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ResourceSchema {
    pub version: u64,
    pub block: BlockSchema,
}

/// The contents of a block: attributes (`name = expr`) and nested blocks (`name { ... }`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct BlockSchema {
    pub attributes: BTreeMap<String, AttributeSchema>,
    pub blocks: BTreeMap<String, NestedBlockSchema>,
    pub description: String,
    /// The arguments and blocks here are a subset of the real type's (a provider still being
    /// built): a name that is not here and not close to one that is gets "Not supported yet"
    /// rather than "Unsupported argument".
    pub partial: bool,
}

/// One attribute. Exactly one of these combinations makes sense, as in Terraform: `required`;
/// `optional`; `optional` + `computed` (the provider fills it in when the configuration leaves
/// it null); `computed` alone (set only by the provider, never in configuration).
#[derive(Clone, Debug, PartialEq)]
pub struct AttributeSchema {
    pub ty: Type,
    pub required: bool,
    pub optional: bool,
    pub computed: bool,
    /// Never shown in plans or output; the engine marks the value sensitive.
    pub sensitive: bool,
    /// A change of this attribute cannot be made in place: the resource is replaced.
    /// [`crate::objchange::requires_replace`] turns these into `PlanResponse::requires_replace`.
    pub force_new: bool,
    pub description: String,
}

/// How a nested block may appear, and the type its values take in the parent object.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NestingMode {
    /// At most one block; an object (null when absent).
    Single,
    /// Zero or more blocks in order; a list of objects.
    List,
    /// Zero or more blocks, unordered and deduplicated; a set of objects.
    Set,
    /// Zero or more blocks with one label each; a map of objects keyed by the label.
    Map,
}

/// A nested block type: its nesting mode, its contents and how many may appear
/// (`max_items == 0` means no limit).
#[derive(Clone, Debug, PartialEq)]
pub struct NestedBlockSchema {
    pub nesting: NestingMode,
    pub block: BlockSchema,
    pub min_items: u64,
    pub max_items: u64,
}

impl AttributeSchema {
    fn new(ty: Type, required: bool, optional: bool, computed: bool) -> AttributeSchema {
        AttributeSchema {
            ty,
            required,
            optional,
            computed,
            sensitive: false,
            force_new: false,
            description: String::new(),
        }
    }

    /// An argument that must be set.
    pub fn required(ty: Type) -> AttributeSchema {
        AttributeSchema::new(ty, true, false, false)
    }

    /// An argument that may be set (null otherwise).
    pub fn optional(ty: Type) -> AttributeSchema {
        AttributeSchema::new(ty, false, true, false)
    }

    /// An attribute only the provider sets.
    pub fn computed(ty: Type) -> AttributeSchema {
        AttributeSchema::new(ty, false, false, true)
    }

    /// An argument that may be set; when it is not, the provider computes it.
    pub fn optional_computed(ty: Type) -> AttributeSchema {
        AttributeSchema::new(ty, false, true, true)
    }

    /// Marks the attribute sensitive.
    pub fn sensitive(mut self) -> AttributeSchema {
        self.sensitive = true;
        self
    }

    /// Marks the attribute as forcing replacement when it changes.
    pub fn force_new(mut self) -> AttributeSchema {
        self.force_new = true;
        self
    }

    /// Sets the description.
    pub fn describe(mut self, text: impl Into<String>) -> AttributeSchema {
        self.description = text.into();
        self
    }
}

impl BlockSchema {
    /// A block with these attributes and no nested blocks.
    pub fn with_attributes<K: Into<String>>(
        attrs: impl IntoIterator<Item = (K, AttributeSchema)>,
    ) -> BlockSchema {
        BlockSchema {
            attributes: attrs.into_iter().map(|(k, a)| (k.into(), a)).collect(),
            ..BlockSchema::default()
        }
    }

    /// Adds a nested block type.
    pub fn with_block(mut self, name: impl Into<String>, block: NestedBlockSchema) -> BlockSchema {
        self.blocks.insert(name.into(), block);
        self
    }

    /// Sets the description.
    /// This block and every block nested in it marked [`BlockSchema::partial`].
    pub fn mark_partial(&mut self) {
        self.partial = true;
        for nb in self.blocks.values_mut() {
            nb.block.mark_partial();
        }
    }

    pub fn describe(mut self, text: impl Into<String>) -> BlockSchema {
        self.description = text.into();
        self
    }

    /// The object type a value of this block has, as Terraform's `configschema.Block.ImpliedType`
    /// computes it: each attribute with its type; each nested block as an object (`Single`), a
    /// list, set or map of objects — except that a list or map of blocks whose type contains
    /// `dynamic` becomes `dynamic` itself (a tuple or object at run time), as in Terraform.
    pub fn implied_type(&self) -> Type {
        let mut attrs: BTreeMap<String, Type> = self
            .attributes
            .iter()
            .map(|(k, a)| (k.clone(), a.ty.clone()))
            .collect();
        for (name, nested) in &self.blocks {
            attrs.insert(name.clone(), nested.implied_type());
        }
        Type::object_of(attrs)
    }

    /// The names of attributes that are sensitive, at this level.
    pub fn sensitive_attributes(&self) -> impl Iterator<Item = &str> {
        self.attributes
            .iter()
            .filter(|(_, a)| a.sensitive)
            .map(|(k, _)| k.as_str())
    }

    /// `v` (an object of this block's type) with every attribute the schema calls sensitive
    /// marked [`Mark::Sensitive`], in nested blocks too. The engine calls it on values coming
    /// back from a provider (planned, new, read and imported states; data source results).
    pub fn mark_sensitive(&self, v: Value) -> Value {
        let (plain, outer) = v.unmark();
        let ValueKind::Object(entries) = plain.kind() else {
            return plain.with_marks(outer);
        };
        let mut entries = entries.clone();
        let mut change = |name: &str, f: &dyn Fn(Value) -> Value| {
            if let Some(slot) = entries.get_mut(name) {
                let v = std::mem::replace(slot, Value::dynamic());
                *slot = f(v);
            }
        };
        for (name, attr) in &self.attributes {
            if attr.sensitive {
                change(name, &|a| a.mark(Mark::Sensitive));
            }
        }
        for (name, nested) in &self.blocks {
            change(name, &|b| nested.mark_sensitive(b));
        }
        Value::object_of(entries).with_marks(outer)
    }

    /// Whether any attribute here or in a nested block is sensitive.
    pub fn has_sensitive(&self) -> bool {
        self.attributes.values().any(|a| a.sensitive)
            || self.blocks.values().any(|b| b.block.has_sensitive())
    }

    /// Whether any attribute here or in a nested block forces replacement.
    pub fn has_force_new(&self) -> bool {
        self.attributes.values().any(|a| a.force_new)
            || self.blocks.values().any(|b| b.block.has_force_new())
    }
}

impl NestedBlockSchema {
    /// A nested block type with no limits on the number of blocks.
    pub fn new(nesting: NestingMode, block: BlockSchema) -> NestedBlockSchema {
        NestedBlockSchema {
            nesting,
            block,
            min_items: 0,
            max_items: if nesting == NestingMode::Single { 1 } else { 0 },
        }
    }

    /// Sets the allowed number of blocks (`max == 0`: no limit).
    pub fn items(mut self, min: u64, max: u64) -> NestedBlockSchema {
        self.min_items = min;
        self.max_items = max;
        self
    }

    /// Marks the sensitive attributes of each block in `v` (this nested block's value).
    pub fn mark_sensitive(&self, v: Value) -> Value {
        if !self.block.has_sensitive() {
            return v;
        }
        let (plain, outer) = v.unmark();
        let out = match plain.kind() {
            ValueKind::Object(_) if self.nesting == NestingMode::Single => {
                self.block.mark_sensitive(plain)
            }
            ValueKind::List(es) => {
                let es: Vec<Value> = es
                    .iter()
                    .map(|e| self.block.mark_sensitive(e.clone()))
                    .collect();
                match plain.ty().element_type() {
                    Some(ety) => {
                        Value::list(ety.clone(), es.clone()).unwrap_or_else(|_| Value::tuple(es))
                    }
                    None => Value::tuple(es),
                }
            }
            ValueKind::Tuple(es) => Value::tuple(
                es.iter()
                    .map(|e| self.block.mark_sensitive(e.clone()))
                    .collect(),
            ),
            ValueKind::Map(m) => {
                let m: BTreeMap<String, Value> = m
                    .iter()
                    .map(|(k, e)| (k.clone(), self.block.mark_sensitive(e.clone())))
                    .collect();
                match plain.ty().element_type() {
                    Some(ety) => {
                        Value::map(ety.clone(), m.clone()).unwrap_or_else(|_| Value::object(m))
                    }
                    None => Value::object(m),
                }
            }
            ValueKind::Object(m) => Value::object(
                m.iter()
                    .map(|(k, e)| (k.clone(), self.block.mark_sensitive(e.clone())))
                    .collect(),
            ),
            // Marks inside sets live on the set itself, as cty keeps them.
            ValueKind::Set(_) => plain.mark(Mark::Sensitive),
            _ => plain,
        };
        out.with_marks(outer)
    }

    /// The type of this block's value in its parent object.
    pub fn implied_type(&self) -> Type {
        let ety = self.block.implied_type();
        match self.nesting {
            NestingMode::Single => ety,
            NestingMode::List if ety.has_dynamic_types() => Type::Dynamic,
            NestingMode::List => Type::list(ety),
            NestingMode::Set => Type::set(ety),
            NestingMode::Map if ety.has_dynamic_types() => Type::Dynamic,
            NestingMode::Map => Type::map(ety),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn implied_type_of_attributes_and_blocks() {
        let inner = BlockSchema::with_attributes([("n", AttributeSchema::optional(Type::Number))]);
        let schema = BlockSchema::with_attributes([
            ("a", AttributeSchema::required(Type::String)),
            ("b", AttributeSchema::computed(Type::list(Type::Bool))),
        ])
        .with_block(
            "one",
            NestedBlockSchema::new(NestingMode::Single, inner.clone()),
        )
        .with_block(
            "l",
            NestedBlockSchema::new(NestingMode::List, inner.clone()),
        )
        .with_block("s", NestedBlockSchema::new(NestingMode::Set, inner.clone()))
        .with_block("m", NestedBlockSchema::new(NestingMode::Map, inner.clone()));
        let obj = Type::object([("n", Type::Number)]);
        assert_eq!(
            schema.implied_type(),
            Type::object([
                ("a", Type::String),
                ("b", Type::list(Type::Bool)),
                ("one", obj.clone()),
                ("l", Type::list(obj.clone())),
                ("s", Type::set(obj.clone())),
                ("m", Type::map(obj)),
            ])
        );
    }

    #[test]
    fn marks_sensitive_attributes_in_nested_blocks() {
        let inner = BlockSchema::with_attributes([
            ("key", AttributeSchema::optional(Type::String).sensitive()),
            ("name", AttributeSchema::optional(Type::String)),
        ]);
        let schema = BlockSchema::with_attributes([
            (
                "password",
                AttributeSchema::computed(Type::String).sensitive(),
            ),
            ("user", AttributeSchema::optional(Type::String)),
        ])
        .with_block("cred", NestedBlockSchema::new(NestingMode::List, inner));
        let cred = Value::object_from([("key", Value::string("k")), ("name", Value::string("n"))]);
        let v = Value::object_from([
            ("password", Value::string("p")),
            ("user", Value::string("u")),
            ("cred", Value::list(cred.ty().clone(), vec![cred]).unwrap()),
        ]);
        let m = schema.mark_sensitive(v);
        assert!(m.get_attr("password").unwrap().is_sensitive());
        assert!(!m.get_attr("user").unwrap().is_sensitive());
        let c = &m.get_attr("cred").unwrap().elements().unwrap()[0];
        assert!(c.get_attr("key").unwrap().is_sensitive());
        assert!(!c.get_attr("name").unwrap().is_sensitive());
        assert_eq!(m.ty(), &schema.implied_type());
    }

    #[test]
    fn dynamic_lists_of_blocks_become_dynamic() {
        let inner = BlockSchema::with_attributes([("d", AttributeSchema::optional(Type::Dynamic))]);
        let l = NestedBlockSchema::new(NestingMode::List, inner.clone());
        let m = NestedBlockSchema::new(NestingMode::Map, inner.clone());
        let s = NestedBlockSchema::new(NestingMode::Set, inner);
        assert_eq!(l.implied_type(), Type::Dynamic);
        assert_eq!(m.implied_type(), Type::Dynamic);
        assert_eq!(
            s.implied_type(),
            Type::set(Type::object([("d", Type::Dynamic)]))
        );
    }
}
