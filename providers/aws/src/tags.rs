//! Tags: `tags` and `tags_all` (the provider's `default_tags` merged in), the idempotency-token
//! tag every create puts on what it makes, and the EC2 calls that read and change tags.

use std::collections::BTreeMap;

use terrane_dsl::value::{Type, Value};
use terrane_provider::values::{get_string_map, string_map};

use crate::client::{AwsError, Element, Idempotency, Params};
use crate::common::Aws;

/// The tag key carrying the engine's idempotency token. Kept out of `tags` and `tags_all`.
pub const TOKEN_TAG: &str = "terrane:token";

/// The planned `tags_all`: `default_tags` with the configured `tags` over them; unknown when
/// the configured tags are not known yet.
pub fn plan_tags_all(defaults: &BTreeMap<String, String>, tags: Option<&Value>) -> Value {
    let ty = Type::map(Type::String);
    let mut all = defaults.clone();
    match tags {
        None => {}
        Some(t) if t.is_null() => {}
        Some(t) if !t.is_wholly_known() => return Value::unknown(ty),
        Some(t) => {
            for (k, v) in t.entries().into_iter().flatten() {
                match v.as_str() {
                    Some(s) => {
                        all.insert(k.clone(), s.to_string());
                    }
                    None => {
                        all.remove(k);
                    }
                }
            }
        }
    }
    string_map(all)
}

/// The tags to put on a new object: `tags_all` of the planned state, plus the token tag.
pub fn for_create(planned: &Value, token: &str) -> BTreeMap<String, String> {
    let mut t = get_string_map(planned, "tags_all").unwrap_or_default();
    t.insert(TOKEN_TAG.to_string(), token.to_string());
    t
}

/// EC2's `TagSpecification.1` parameters for a create.
pub fn spec(params: Params, resource_type: &str, tags: &BTreeMap<String, String>) -> Params {
    crate::awsquery::tag_list_params(
        params.set("TagSpecification.1.ResourceType", resource_type),
        "TagSpecification.1.Tag",
        tags,
    )
}

/// The tags of an EC2 object (its `tagSet`), without the token tag, `aws:` tags and the
/// provider's ignored tags.
pub fn from_ec2(aws: &Aws, el: &Element) -> BTreeMap<String, String> {
    el.items("tagSet")
        .iter()
        .filter_map(|t| {
            let k = t.text_of("key")?;
            Some((k.to_string(), t.text_of("value").unwrap_or("").to_string()))
        })
        .filter(|(k, _)| shown(aws, k))
        .collect()
}

/// Whether a tag shows in the state: not the token tag, no `aws:` tag, none the provider
/// ignores.
fn shown(aws: &Aws, key: &str) -> bool {
    key != TOKEN_TAG && !key.starts_with("aws:") && !aws.ignored(key)
}

/// The tags of an object as the state shows them (see [`shown`]).
pub fn visible(aws: &Aws, all: BTreeMap<String, String>) -> BTreeMap<String, String> {
    all.into_iter().filter(|(k, _)| shown(aws, k)).collect()
}

/// What changes from `tags_all` of `prior` to that of `planned`: the keys removed, and the
/// tags added or changed.
pub fn changes(prior: &Value, planned: &Value) -> (Vec<String>, BTreeMap<String, String>) {
    let old = get_string_map(prior, "tags_all").unwrap_or_default();
    let new = get_string_map(planned, "tags_all").unwrap_or_default();
    let removed = old
        .keys()
        .filter(|k| !new.contains_key(*k))
        .cloned()
        .collect();
    let changed = new
        .into_iter()
        .filter(|(k, v)| old.get(k) != Some(v))
        .collect();
    (removed, changed)
}

/// `tags` and `tags_all` for a state read from AWS: `tags_all` is every tag; `tags` leaves
/// out default tags the configuration (the prior `tags`) did not set itself.
pub fn state_values(
    aws: &Aws,
    prior: &Value,
    all: BTreeMap<String, String>,
) -> [(&'static str, Value); 2] {
    let prior_tags = get_string_map(prior, "tags");
    let tags: BTreeMap<String, String> = all
        .iter()
        .filter(|(k, v)| {
            prior_tags.as_ref().is_some_and(|p| p.contains_key(*k))
                || aws.default_tags.get(*k) != Some(*v)
        })
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let tags = if tags.is_empty() && prior_tags.is_none() {
        Value::null(Type::map(Type::String))
    } else {
        string_map(tags)
    };
    [("tags", tags), ("tags_all", string_map(all))]
}

/// Makes an EC2 object's tags go from `tags_all` of `prior` to that of `planned`.
pub async fn update_ec2(
    aws: &Aws,
    id: &str,
    prior: &Value,
    planned: &Value,
) -> Result<(), AwsError> {
    let (removed, changed) = changes(prior, planned);
    if !removed.is_empty() {
        let mut p = Params::new().set("ResourceId.1", id);
        for (i, k) in removed.iter().enumerate() {
            p = p.set(format!("Tag.{}.Key", i + 1), k.as_str());
        }
        aws.client
            .ec2_write("DeleteTags", &p, Idempotency::Safe)
            .await?;
    }
    if !changed.is_empty() {
        let p = crate::awsquery::tag_list_params(
            Params::new().set("ResourceId.1", id),
            "Tag",
            &changed,
        );
        aws.client
            .ec2_write("CreateTags", &p, Idempotency::Safe)
            .await?;
    }
    Ok(())
}

/// The EC2 filter that finds what a create tagged with `token`.
pub fn token_filter(token: &str) -> (String, Vec<String>) {
    (format!("tag:{TOKEN_TAG}"), vec![token.to_string()])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_all_merges_defaults_under_tags() {
        let d: BTreeMap<String, String> =
            [("env".into(), "dev".into()), ("team".into(), "a".into())].into();
        let tags = string_map([("team".to_string(), "b".to_string())].into());
        let all = plan_tags_all(&d, Some(&tags));
        let m = get_string_map(&Value::object_from([("t", all)]), "t").unwrap();
        assert_eq!(m["env"], "dev");
        assert_eq!(m["team"], "b");
        assert!(!plan_tags_all(&d, Some(&Value::unknown(Type::map(Type::String)))).is_known());
    }
}
