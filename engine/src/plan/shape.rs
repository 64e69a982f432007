//! The shape of a resource type's schema that the renderers need: which members of its
//! objects are nested blocks, and how each nests (single, list, set, map), recursively. The
//! plan carries it per resource type, so that renderers fed only from the plan draw nested
//! blocks as Terraform does (`+ ingress {` ... `}`) and saved plans keep drawing them so.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value as Json};
use terrane_provider::{BlockSchema, NestingMode};

use super::model::{Plan, ResourceChange};
use crate::addrs::ResourceMode;

/// How a nested block appears in its parent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Nesting {
    Single,
    List,
    Set,
    Map,
}

/// The nested blocks of a block (attributes are everything else).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct BlockShape {
    pub blocks: BTreeMap<String, NestedShape>,
}

/// One nested block type.
#[derive(Clone, Debug, PartialEq)]
pub struct NestedShape {
    pub nesting: Nesting,
    pub block: BlockShape,
}

impl BlockShape {
    /// The shape of a provider schema's block.
    pub fn of(schema: &BlockSchema) -> BlockShape {
        BlockShape {
            blocks: schema
                .blocks
                .iter()
                .map(|(name, b)| {
                    let nesting = match b.nesting {
                        NestingMode::Single => Nesting::Single,
                        NestingMode::List => Nesting::List,
                        NestingMode::Set => Nesting::Set,
                        NestingMode::Map => Nesting::Map,
                    };
                    (
                        name.clone(),
                        NestedShape {
                            nesting,
                            block: BlockShape::of(&b.block),
                        },
                    )
                })
                .collect(),
        }
    }

    /// As JSON, for saved plans.
    pub fn to_json(&self) -> Json {
        let mut blocks = Map::new();
        for (name, n) in &self.blocks {
            let nesting = match n.nesting {
                Nesting::Single => "single",
                Nesting::List => "list",
                Nesting::Set => "set",
                Nesting::Map => "map",
            };
            blocks.insert(
                name.clone(),
                json!({"nesting": nesting, "block": n.block.to_json()}),
            );
        }
        json!({ "blocks": blocks })
    }

    /// The shape [`BlockShape::to_json`] wrote.
    pub fn from_json(j: &Json) -> Result<BlockShape, String> {
        let mut blocks = BTreeMap::new();
        if let Some(m) = j.get("blocks").and_then(Json::as_object) {
            for (name, n) in m {
                let nesting = match n.get("nesting").and_then(Json::as_str) {
                    Some("single") => Nesting::Single,
                    Some("list") => Nesting::List,
                    Some("set") => Nesting::Set,
                    Some("map") => Nesting::Map,
                    other => return Err(format!("unknown block nesting {other:?}")),
                };
                let block = BlockShape::from_json(n.get("block").unwrap_or(&Json::Null))?;
                blocks.insert(name.clone(), NestedShape { nesting, block });
            }
        }
        Ok(BlockShape { blocks })
    }
}

/// The key of a resource type's shape in [`Plan::shapes`]: provider, mode and type
/// (`provider["registry.terraform.io/hashicorp/aws"] aws_security_group`, `data.` before a
/// data source's type).
pub fn shape_key(provider: &str, mode: ResourceMode, type_name: &str) -> String {
    match mode {
        ResourceMode::Managed => format!("{provider} {type_name}"),
        ResourceMode::Data => format!("{provider} data.{type_name}"),
    }
}

impl Plan {
    /// The shape of `c`'s resource type, when it has nested blocks.
    pub fn shape_of(&self, c: &ResourceChange) -> Option<&BlockShape> {
        let r = &c.addr.resource;
        self.shapes
            .get(&shape_key(&c.provider, r.mode, &r.type_name))
    }
}

/// Adds the shapes of the resource types the walk did not plan (destroys of what the
/// configuration no longer has, `-destroy` plans), from their providers' schemas.
pub fn fill_missing(plan: &mut Plan, host: &std::sync::Arc<dyn terrane_provider::Host>) {
    use terrane_provider::registry;
    let mut seen = std::collections::BTreeSet::new();
    let mut found = Vec::new();
    for c in plan.changes.iter().chain(&plan.drift) {
        let r = &c.addr.resource;
        let key = shape_key(&c.provider, r.mode, &r.type_name);
        if plan.shapes.contains_key(&key) || !seen.insert(key.clone()) {
            continue;
        }
        let source = crate::addrs::provider_source(&c.provider);
        let Some(factory) = registry::find_by_source(&source).or_else(|| {
            registry::find_by_local_name(registry::implied_provider_name(&r.type_name))
        }) else {
            continue;
        };
        let provider = (factory.make)(std::sync::Arc::clone(host));
        let schema = provider.schema();
        let types = match r.mode {
            ResourceMode::Managed => &schema.resources,
            ResourceMode::Data => &schema.data_sources,
        };
        if let Some(t) = types
            .get(&r.type_name)
            .filter(|t| !t.block.blocks.is_empty())
        {
            found.push((key, BlockShape::of(&t.block)));
        }
    }
    plan.shapes.extend(found);
}
