//! Planning helpers every provider needs the same way: the proposed new state (Terraform's
//! `objchange.ProposedNew`, simplified) and which changed attributes force a replacement.

use std::collections::BTreeMap;

use terrane_dsl::value::{Path, Type, Value, ValueKind};

use crate::error::ProviderError;
use crate::schema::{BlockSchema, NestedBlockSchema, NestingMode};

/// The proposed new state of an object of block `schema`, from its prior state (`None` on
/// create) and its configuration:
///
/// - an attribute set in the configuration (non-null) takes the configured value;
/// - a computed attribute the configuration leaves null keeps its prior value, or is unknown
///   when there is no prior object (on create, so providers see "known after apply" for every
///   computed attribute they do not fill in);
/// - any other attribute takes the configuration's (null) value;
/// - nested blocks are matched to prior blocks (by position in lists, by key in maps, by equal
///   non-computed attributes in sets) and proposed recursively.
///
/// A null configuration proposes null (the object is going away); an unknown one proposes an
/// unknown object.
pub fn proposed_new(schema: &BlockSchema, prior: Option<&Value>, config: &Value) -> Value {
    if config.is_null() {
        return config.clone();
    }
    if !config.is_known() {
        return Value::unknown(schema.implied_type());
    }
    let prior = prior.filter(|p| !p.is_null() && p.is_known());
    let mut out = BTreeMap::new();
    for (name, attr) in &schema.attributes {
        let cfg = config
            .get_attr(name)
            .cloned()
            .unwrap_or_else(|| Value::null(attr.ty.clone()));
        let v = if attr.computed && cfg.is_null() {
            match prior.and_then(|p| p.get_attr(name)) {
                Some(p) => p.clone(),
                None => Value::unknown(attr.ty.clone()),
            }
        } else {
            cfg
        };
        out.insert(name.clone(), v);
    }
    for (name, nested) in &schema.blocks {
        let ty = nested.implied_type();
        let cfg = config
            .get_attr(name)
            .cloned()
            .unwrap_or_else(|| Value::null(ty.clone()));
        let prior_block = prior.and_then(|p| p.get_attr(name));
        out.insert(name.clone(), proposed_nested(nested, prior_block, &cfg));
    }
    Value::object(out)
}

fn proposed_nested(nested: &NestedBlockSchema, prior: Option<&Value>, config: &Value) -> Value {
    if config.is_null() || !config.is_known() {
        return config.clone();
    }
    let block = &nested.block;
    let prior = prior.filter(|p| !p.is_null() && p.is_known());
    match (nested.nesting, config.kind()) {
        (NestingMode::Single, _) => proposed_new(block, prior, config),
        (NestingMode::List, ValueKind::List(es) | ValueKind::Tuple(es)) => {
            let priors = prior.and_then(Value::elements).unwrap_or(&[]);
            let elems: Vec<Value> = es
                .iter()
                .enumerate()
                .map(|(i, e)| proposed_new(block, priors.get(i), e))
                .collect();
            rebuild_sequence(config, elems)
        }
        (NestingMode::Map, ValueKind::Map(m) | ValueKind::Object(m)) => {
            let priors = prior.and_then(Value::entries);
            let elems: BTreeMap<String, Value> = m
                .iter()
                .map(|(k, e)| {
                    let p = priors.and_then(|ps| ps.get(k));
                    (k.clone(), proposed_new(block, p, e))
                })
                .collect();
            match config.ty() {
                Type::Map(ety) => Value::map((**ety).clone(), elems.clone())
                    .unwrap_or_else(|_| Value::object(elems)),
                _ => Value::object(elems),
            }
        }
        (NestingMode::Set, ValueKind::Set(es)) => {
            let priors = prior.and_then(Value::elements).unwrap_or(&[]);
            let elems: Vec<Value> = es
                .iter()
                .map(|e| {
                    let key = non_computed_part(block, e);
                    let p = priors.iter().find(|p| non_computed_part(block, p) == key);
                    proposed_new(block, p, e)
                })
                .collect();
            match config.ty() {
                Type::Set(ety) => {
                    Value::set((**ety).clone(), elems).unwrap_or_else(|_| config.clone())
                }
                _ => config.clone(),
            }
        }
        _ => config.clone(),
    }
}

/// A list keeps its element type when every proposed element still has it (unknown computed
/// attributes keep their schema types, so they do); otherwise a tuple.
fn rebuild_sequence(config: &Value, elems: Vec<Value>) -> Value {
    match config.ty() {
        Type::List(ety) if elems.iter().all(|e| e.ty() == &**ety) => {
            Value::list((**ety).clone(), elems.clone()).unwrap_or_else(|_| Value::tuple(elems))
        }
        _ => Value::tuple(elems),
    }
}

/// The attributes of a set element a configuration decides (those not computed), to match it
/// with its prior element.
fn non_computed_part(block: &BlockSchema, v: &Value) -> Option<Value> {
    let m = v.entries()?;
    Some(Value::object(
        m.iter()
            .filter(|(k, _)| block.attributes.get(*k).is_none_or(|a| !a.computed))
            .map(|(k, v)| (k.clone(), v.clone().unmark_deep().0))
            .collect(),
    ))
}

/// The attributes marked `force_new` whose planned value differs from the prior one (an
/// unknown planned value counts as a change), as paths for `PlanResponse::requires_replace`.
/// Nested blocks are compared element by element where they can be matched (single blocks,
/// list positions, map keys); a set of blocks that changed at all is reported as the block's
/// path when its block has any `force_new` attribute.
/// `planned` with every computed attribute that the configuration leaves unset unknown, except
/// those `keep` names: what a create or a replacement plans for values only apply will tell.
pub fn unknown_unset_computed(
    schema: &BlockSchema,
    config: &Value,
    planned: &Value,
    keep: impl Fn(&str) -> bool,
) -> Value {
    let fresh: Vec<(&str, Value)> = schema
        .attributes
        .iter()
        .filter(|(name, a)| {
            a.computed && !keep(name) && config.get_attr(name).is_none_or(Value::is_null)
        })
        .map(|(name, a)| (name.as_str(), Value::unknown(a.ty.clone())))
        .collect();
    crate::values::with_attrs(planned, fresh)
}

pub fn requires_replace(schema: &BlockSchema, prior: &Value, planned: &Value) -> Vec<Path> {
    let mut out = Vec::new();
    replace_paths(schema, prior, planned, &Path::root(), &mut out);
    out
}

fn same(a: Option<&Value>, b: Option<&Value>) -> bool {
    let norm = |v: Option<&Value>| v.map(|v| v.clone().unmark_deep().0);
    match (norm(a), norm(b)) {
        (Some(a), Some(b)) => a.raw_equals(&b) || (a.is_null() && b.is_null()),
        (None, None) => true,
        (Some(v), None) | (None, Some(v)) => v.is_null(),
    }
}

fn replace_paths(
    schema: &BlockSchema,
    prior: &Value,
    planned: &Value,
    path: &Path,
    out: &mut Vec<Path>,
) {
    for (name, attr) in &schema.attributes {
        if attr.force_new && !same(prior.get_attr(name), planned.get_attr(name)) {
            out.push(path.attr(name));
        }
    }
    for (name, nested) in &schema.blocks {
        if !nested.block.has_force_new() {
            continue;
        }
        let p = prior.get_attr(name);
        let q = planned.get_attr(name);
        if same(p, q) {
            continue;
        }
        let here = path.attr(name);
        let (Some(p), Some(q)) = (p, q) else {
            out.push(here);
            continue;
        };
        if p.is_null() || q.is_null() || !p.is_known() || !q.is_known() {
            out.push(here);
            continue;
        }
        match nested.nesting {
            NestingMode::Single => replace_paths(&nested.block, p, q, &here, out),
            NestingMode::List => match (p.elements(), q.elements()) {
                (Some(a), Some(b)) if a.len() == b.len() => {
                    for (i, (x, y)) in a.iter().zip(b).enumerate() {
                        replace_paths(&nested.block, x, y, &here.index_int(i), out);
                    }
                }
                _ => out.push(here),
            },
            NestingMode::Map => match (p.entries(), q.entries()) {
                (Some(a), Some(b)) if a.keys().eq(b.keys()) => {
                    for (k, x) in a {
                        if let Some(y) = b.get(k) {
                            replace_paths(&nested.block, x, y, &here.index_str(k), out);
                        }
                    }
                }
                _ => out.push(here),
            },
            NestingMode::Set => out.push(here),
        }
    }
}

/// Checks a provider's planned state against the configuration, as Terraform's
/// `AssertPlanValid` does (simplified): an attribute the configuration sets must be planned
/// with exactly that value (an unknown one stays unknown); a non-computed attribute must be
/// planned as configured even when null; nested blocks must keep their number and keys. Only
/// computed attributes left null in the configuration may take any value. Each problem is an
/// error naming the attribute, for the engine to report as a provider bug.
pub fn check_planned(schema: &BlockSchema, config: &Value, planned: &Value) -> Vec<ProviderError> {
    let mut out = Vec::new();
    check_block(schema, config, planned, &Path::root(), &mut out);
    out
}

fn invalid_plan(path: &Path, what: &str) -> ProviderError {
    ProviderError::new(
        "Provider produced invalid plan",
        format!("The provider's plan has {what} for {path}; this is a bug in the provider."),
    )
    .at(path.clone())
}

fn check_block(
    schema: &BlockSchema,
    config: &Value,
    planned: &Value,
    path: &Path,
    out: &mut Vec<ProviderError>,
) {
    if config.is_null() || !config.is_known() {
        if !same(Some(config), Some(planned)) {
            if config.is_null() {
                out.push(invalid_plan(
                    path,
                    "a value where the configuration has none",
                ));
            } else if planned.is_known() {
                out.push(invalid_plan(
                    path,
                    "a known value for an unknown configuration",
                ));
            }
        }
        return;
    }
    if planned.is_null() || !planned.is_known() {
        out.push(invalid_plan(path, "no object"));
        return;
    }
    for (name, attr) in &schema.attributes {
        let cfg = config.get_attr(name);
        let cfg_null = cfg.is_none_or(Value::is_null);
        if attr.computed && cfg_null {
            continue;
        }
        if !same(cfg, planned.get_attr(name)) {
            out.push(invalid_plan(
                &path.attr(name),
                "a value that differs from the configuration",
            ));
        }
    }
    for (name, nested) in &schema.blocks {
        let here = path.attr(name);
        let (Some(c), Some(p)) = (config.get_attr(name), planned.get_attr(name)) else {
            if config.get_attr(name).is_some() != planned.get_attr(name).is_some() {
                out.push(invalid_plan(&here, "a missing block"));
            }
            continue;
        };
        if c.is_null() || !c.is_known() || p.is_null() || !p.is_known() {
            check_block(&BlockSchema::default(), c, p, &here, out);
            continue;
        }
        match nested.nesting {
            NestingMode::Single => check_block(&nested.block, c, p, &here, out),
            NestingMode::List => match (c.elements(), p.elements()) {
                (Some(a), Some(b)) if a.len() == b.len() => {
                    for (i, (x, y)) in a.iter().zip(b).enumerate() {
                        check_block(&nested.block, x, y, &here.index_int(i), out);
                    }
                }
                _ => out.push(invalid_plan(&here, "a different number of blocks")),
            },
            NestingMode::Map => match (c.entries(), p.entries()) {
                (Some(a), Some(b)) if a.keys().eq(b.keys()) => {
                    for (k, x) in a {
                        if let Some(y) = b.get(k) {
                            check_block(&nested.block, x, y, &here.index_str(k), out);
                        }
                    }
                }
                _ => out.push(invalid_plan(&here, "different block keys")),
            },
            NestingMode::Set => {
                if c.length() != p.length() {
                    out.push(invalid_plan(&here, "a different number of blocks"));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::AttributeSchema;

    fn schema() -> BlockSchema {
        BlockSchema::with_attributes([
            ("input", AttributeSchema::optional(Type::String).force_new()),
            ("size", AttributeSchema::optional(Type::Number)),
            ("id", AttributeSchema::computed(Type::String)),
            ("name", AttributeSchema::optional_computed(Type::String)),
        ])
        .with_block(
            "rule",
            NestedBlockSchema::new(
                NestingMode::List,
                BlockSchema::with_attributes([
                    ("port", AttributeSchema::required(Type::Number).force_new()),
                    ("arn", AttributeSchema::computed(Type::String)),
                ]),
            ),
        )
    }

    fn rule(port: i64, arn: Value) -> Value {
        Value::object_from([("port", Value::int(port)), ("arn", arn)])
    }

    fn rules(items: Vec<Value>) -> Value {
        let ty = Type::object([("port", Type::Number), ("arn", Type::String)]);
        Value::list(ty, items).unwrap()
    }

    fn config(input: &str, rs: Vec<Value>) -> Value {
        Value::object_from([
            ("input", Value::string(input)),
            ("size", Value::null(Type::Number)),
            ("id", Value::null(Type::String)),
            ("name", Value::null(Type::String)),
            ("rule", rules(rs)),
        ])
    }

    #[test]
    fn create_makes_computed_attributes_unknown() {
        let cfg = config("a", vec![rule(80, Value::null(Type::String))]);
        let p = proposed_new(&schema(), None, &cfg);
        assert_eq!(p.get_attr("input"), Some(&Value::string("a")));
        assert_eq!(p.get_attr("size"), Some(&Value::null(Type::Number)));
        assert_eq!(p.get_attr("id"), Some(&Value::unknown(Type::String)));
        assert_eq!(p.get_attr("name"), Some(&Value::unknown(Type::String)));
        let r = &p.get_attr("rule").unwrap().elements().unwrap()[0];
        assert_eq!(r.get_attr("arn"), Some(&Value::unknown(Type::String)));
        assert!(p.ty().is_object());
        assert_eq!(p.ty(), &schema().implied_type());
    }

    #[test]
    fn update_keeps_prior_computed_values() {
        let prior = Value::object_from([
            ("input", Value::string("a")),
            ("size", Value::int(3)),
            ("id", Value::string("x1")),
            ("name", Value::string("gen")),
            ("rule", rules(vec![rule(80, Value::string("arn:1"))])),
        ]);
        let cfg = config(
            "b",
            vec![
                rule(80, Value::null(Type::String)),
                rule(443, Value::null(Type::String)),
            ],
        );
        let p = proposed_new(&schema(), Some(&prior), &cfg);
        assert_eq!(p.get_attr("size"), Some(&Value::null(Type::Number)));
        assert_eq!(p.get_attr("id"), Some(&Value::string("x1")));
        assert_eq!(p.get_attr("name"), Some(&Value::string("gen")));
        let rs = p.get_attr("rule").unwrap().elements().unwrap().to_vec();
        assert_eq!(rs[0].get_attr("arn"), Some(&Value::string("arn:1")));
        assert_eq!(rs[1].get_attr("arn"), Some(&Value::unknown(Type::String)));

        let paths = requires_replace(&schema(), &prior, &p);
        assert_eq!(
            paths,
            vec![Path::root().attr("input"), Path::root().attr("rule")]
        );
    }

    #[test]
    fn replace_paths_inside_matched_blocks() {
        let a = config("a", vec![rule(80, Value::string("x"))]);
        let b = config("a", vec![rule(81, Value::string("x"))]);
        assert_eq!(
            requires_replace(&schema(), &a, &b),
            vec![Path::root().attr("rule").index_int(0).attr("port")]
        );
        assert!(requires_replace(&schema(), &a, &a).is_empty());
        let unknown = config("a", vec![]);
        let unknown = Value::object(
            unknown
                .entries()
                .unwrap()
                .iter()
                .map(|(k, v)| {
                    let v = if k == "input" {
                        Value::unknown(Type::String)
                    } else {
                        v.clone()
                    };
                    (k.clone(), v)
                })
                .collect(),
        );
        let prior = config("a", vec![]);
        assert_eq!(
            requires_replace(&schema(), &prior, &unknown),
            vec![Path::root().attr("input")]
        );
    }

    #[test]
    fn planned_states_must_keep_configured_values() {
        let s = schema();
        let cfg = config("a", vec![rule(80, Value::null(Type::String))]);
        let good = proposed_new(&s, None, &cfg);
        assert!(check_planned(&s, &cfg, &good).is_empty());
        let bad = crate::values::with_attrs(
            &good,
            [("input", Value::string("b")), ("size", Value::int(1))],
        );
        let errs = check_planned(&s, &cfg, &bad);
        let paths: Vec<String> = errs
            .iter()
            .map(|e| e.path.clone().unwrap().to_string())
            .collect();
        assert_eq!(paths, [".input", ".size"]);
        let fewer = crate::values::with_attr(&good, "rule", rules(vec![]));
        assert_eq!(check_planned(&s, &cfg, &fewer).len(), 1);
    }

    #[test]
    fn null_and_unknown_configs() {
        let s = schema();
        let null = Value::null(s.implied_type());
        assert!(proposed_new(&s, None, &null).is_null());
        let unk = Value::unknown(s.implied_type());
        assert!(!proposed_new(&s, None, &unk).is_known());
    }
}
