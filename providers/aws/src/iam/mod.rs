//! IAM resource types (one file each) and what they share: the awsquery calls, policy
//! documents compared by meaning, and IAM's tag lists.

pub mod instance_profile;
pub mod role;
pub mod role_policy;

use std::collections::BTreeMap;

use terrane_dsl::value::Value;
use terrane_provider::values::get_string_map;

use crate::client::{endpoint, AwsError, Element, Idempotency, Params};
use crate::common::{Aws, ResourceType};
use crate::tags::TOKEN_TAG;

/// Every resource type of this module.
pub fn resources() -> Vec<Box<dyn ResourceType>> {
    vec![
        Box::new(role::Role),
        Box::new(role_policy::RolePolicy),
        Box::new(instance_profile::InstanceProfile),
    ]
}

/// One IAM call.
pub async fn call(
    aws: &Aws,
    action: &str,
    params: &Params,
    idempotency: Idempotency,
) -> Result<Element, AwsError> {
    aws.client
        .query(&endpoint::IAM, action, params, idempotency)
        .await
}

/// One IAM read; `None` when the entity does not exist.
pub async fn get(aws: &Aws, action: &str, params: &Params) -> Result<Option<Element>, AwsError> {
    match call(aws, action, params, Idempotency::Safe).await {
        Ok(r) => Ok(Some(r)),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(e),
    }
}

/// Decodes IAM's percent-encoded policy documents (`%7B%22Version...`).
pub fn url_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        match b[i] {
            b'%' if i + 2 < b.len() => match (hex(b[i + 1]), hex(b[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push((h * 16 + l) as u8);
                    i += 3;
                    continue;
                }
                _ => out.push(b'%'),
            },
            b'+' => out.push(b' '),
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A policy document as AWS shows it: percent-decoded when it is encoded.
pub fn policy_text(raw: &str) -> String {
    if raw.trim_start().starts_with('{') {
        raw.to_string()
    } else {
        url_decode(raw)
    }
}

/// A policy document in a canonical form: object keys sorted (serde_json's maps), a
/// one-element list the same as its element, lists of strings sorted.
fn normalize(v: serde_json::Value) -> serde_json::Value {
    use serde_json::Value as J;
    match v {
        J::Array(items) => {
            let mut items: Vec<J> = items.into_iter().map(normalize).collect();
            if items.len() == 1 {
                return items.pop().unwrap_or(J::Null);
            }
            if items.iter().all(J::is_string) {
                items.sort_by(|a, b| a.as_str().cmp(&b.as_str()));
            }
            J::Array(items)
        }
        J::Object(m) => J::Object(m.into_iter().map(|(k, v)| (k, normalize(v))).collect()),
        other => other,
    }
}

/// Whether two policy documents say the same (both valid JSON, equal once normalized).
pub fn policies_equal(a: &str, b: &str) -> bool {
    match (
        serde_json::from_str::<serde_json::Value>(a),
        serde_json::from_str::<serde_json::Value>(b),
    ) {
        (Ok(a), Ok(b)) => normalize(a) == normalize(b),
        _ => a == b,
    }
}

/// The value to keep for a policy read from AWS: the prior text when it says the same, so a
/// re-ordered or re-formatted document is no difference.
pub fn keep_policy(prior: Option<&str>, remote: &str) -> Value {
    match prior {
        Some(p) if policies_equal(p, remote) => Value::string(p),
        _ => Value::string(remote),
    }
}

/// The `Tags` list of an IAM answer as a map (the token tag included).
pub fn tags_of(el: &Element) -> BTreeMap<String, String> {
    el.items("Tags")
        .iter()
        .filter_map(|t| {
            Some((
                t.text_of("Key")?.to_string(),
                t.text_of("Value").unwrap_or("").to_string(),
            ))
        })
        .collect()
}

/// The tags of an IAM entity as the state shows them: no token tag, no `aws:` tags, none
/// the provider ignores.
pub fn visible(aws: &Aws, all: BTreeMap<String, String>) -> BTreeMap<String, String> {
    all.into_iter()
        .filter(|(k, _)| k != TOKEN_TAG && !k.starts_with("aws:") && !aws.ignored(k))
        .collect()
}

/// `Tags.member.N.Key/Value` parameters.
pub fn tag_params(mut p: Params, tags: &BTreeMap<String, String>) -> Params {
    for (i, (k, v)) in tags.iter().enumerate() {
        p = p
            .set(format!("Tags.member.{}.Key", i + 1), k)
            .set(format!("Tags.member.{}.Value", i + 1), v);
    }
    p
}

/// Makes an entity's tags go from `tags_all` of `prior` to that of `planned` with the
/// `Tag<Kind>`/`Untag<Kind>` calls; `id` is `(parameter, value)` naming the entity.
pub async fn update_tags(
    aws: &Aws,
    kind: &str,
    id: (&str, &str),
    prior: &Value,
    planned: &Value,
) -> Result<(), AwsError> {
    let old = get_string_map(prior, "tags_all").unwrap_or_default();
    let new = get_string_map(planned, "tags_all").unwrap_or_default();
    let removed: Vec<&String> = old.keys().filter(|k| !new.contains_key(*k)).collect();
    if !removed.is_empty() {
        let mut p = Params::new().set(id.0, id.1);
        for (i, k) in removed.iter().enumerate() {
            p = p.set(format!("TagKeys.member.{}", i + 1), k.as_str());
        }
        call(aws, &format!("Untag{kind}"), &p, Idempotency::Safe).await?;
    }
    let changed: BTreeMap<String, String> = new
        .into_iter()
        .filter(|(k, v)| old.get(k) != Some(v))
        .collect();
    if !changed.is_empty() {
        let p = tag_params(Params::new().set(id.0, id.1), &changed);
        call(aws, &format!("Tag{kind}"), &p, Idempotency::Safe).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policies_compare_by_meaning() {
        let a = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sts:AssumeRole"],"Principal":{"Service":"ec2.amazonaws.com"}}]}"#;
        let b = r#"{"Statement":{"Principal":{"Service":["ec2.amazonaws.com"]},"Action":"sts:AssumeRole","Effect":"Allow"},"Version":"2012-10-17"}"#;
        assert!(policies_equal(a, b));
        assert!(!policies_equal(a, &a.replace("Allow", "Deny")));
        assert!(!policies_equal("{", "{ "));
        assert_eq!(url_decode("%7B%22a%22%3A1%7D"), r#"{"a":1}"#);
        assert_eq!(url_decode("%"), "%");
        assert_eq!(url_decode("%4"), "%4");
        assert_eq!(url_decode("%zz"), "%zz");
    }
}

#[cfg(test)]
mod iam_tests;
