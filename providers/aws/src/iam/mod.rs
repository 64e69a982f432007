//! IAM resource types (one file each) and what they share: the awsquery calls, policy
//! documents compared by meaning, and IAM's tag lists.

pub mod instance_profile;
pub mod role;
pub mod role_policy;

use std::collections::BTreeMap;

use terrane_dsl::value::Value;
use terrane_provider::values::{get_str, with_attr};

pub use crate::awsquery::tag_params;
use crate::awsquery::{key_values, TagCalls};
use crate::client::{endpoint, AwsError, Element};
use crate::common::{Aws, ResourceType};
pub use crate::tags::visible;

/// Every resource type of this module.
pub fn resources() -> Vec<Box<dyn ResourceType>> {
    vec![
        Box::new(role::Role),
        Box::new(role_policy::RolePolicy),
        Box::new(instance_profile::InstanceProfile),
    ]
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

/// A policy document in a canonical form, as Terraform's AWS provider compares them: object
/// keys sorted (serde_json's maps), a one-element list the same as its element, lists (of
/// actions, resources, statements) in any order, a `Principal` of `"*"` the same as
/// `{"AWS": "*"}`, an empty `Sid` the same as none.
fn normalize(v: serde_json::Value) -> serde_json::Value {
    use serde_json::Value as J;
    match v {
        J::Array(items) => {
            let mut items: Vec<J> = items.into_iter().map(normalize).collect();
            if items.len() == 1 {
                return items.pop().unwrap_or(J::Null);
            }
            items.sort_by_cached_key(|i| i.to_string());
            J::Array(items)
        }
        J::Object(m) => J::Object(
            m.into_iter()
                .filter(|(k, v)| !(k == "Sid" && v.as_str() == Some("")))
                .map(|(k, v)| {
                    let v = match v {
                        J::String(s) if s == "*" && k.ends_with("Principal") => {
                            serde_json::json!({ "AWS": "*" })
                        }
                        v => normalize(v),
                    };
                    (k, v)
                })
                .collect(),
        ),
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

/// On an update's plan, the prior text of each policy attribute in `names` whose configured
/// document says the same: a re-ordered or re-formatted policy plans no change.
pub fn plan_kept_policies(planned: Value, prior: Option<&Value>, names: &[&str]) -> Value {
    let Some(prior) = prior else {
        return planned;
    };
    names.iter().fold(planned, |planned, name| {
        match (get_str(prior, name), get_str(&planned, name)) {
            (Some(old), Some(new)) if old != new && policies_equal(old, new) => {
                with_attr(&planned, name, Value::string(old))
            }
            _ => planned,
        }
    })
}

/// The `Tags` list of an IAM answer as a map (the token tag included).
pub fn tags_of(el: &Element) -> BTreeMap<String, String> {
    key_values(el.items("Tags"))
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
    let (tag, untag) = (format!("Tag{kind}"), format!("Untag{kind}"));
    TagCalls {
        service: &endpoint::IAM,
        id,
        tag: (&tag, "Tags.member"),
        untag: (&untag, "TagKeys.member", ""),
    }
    .update(aws, prior, planned)
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equivalent_policies_plan_as_the_prior_text() {
        let prior = Value::object_from([("policy", Value::string(r#"{"a":["x"],"b":1}"#))]);
        let same = Value::object_from([("policy", Value::string(r#"{"b":1,"a":"x"}"#))]);
        let other = Value::object_from([("policy", Value::string(r#"{"b":2,"a":"x"}"#))]);
        let kept = plan_kept_policies(same.clone(), Some(&prior), &["policy"]);
        assert!(kept.raw_equals(&prior));
        let changed = plan_kept_policies(other.clone(), Some(&prior), &["policy"]);
        assert!(changed.raw_equals(&other));
        assert!(plan_kept_policies(same.clone(), None, &["policy"]).raw_equals(&same));
    }

    #[test]
    fn policies_compare_by_meaning() {
        let a = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sts:AssumeRole"],"Principal":{"Service":"ec2.amazonaws.com"}}]}"#;
        let b = r#"{"Statement":{"Principal":{"Service":["ec2.amazonaws.com"]},"Action":"sts:AssumeRole","Effect":"Allow"},"Version":"2012-10-17"}"#;
        assert!(policies_equal(a, b));
        assert!(!policies_equal(a, &a.replace("Allow", "Deny")));
        assert!(!policies_equal("{", "{ "));
        // Statements in another order, actions as a set, `"*"` as `{"AWS": "*"}`, no `Sid`.
        let two = r#"{"Version":"2012-10-17","Statement":[{"Sid":"","Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"*","Principal":"*"},{"Effect":"Deny","Action":"s3:DeleteObject","Resource":["arn:aws:s3:::b/*"]}]}"#;
        let two_reordered = r#"{"Statement":[{"Resource":"arn:aws:s3:::b/*","Action":["s3:DeleteObject"],"Effect":"Deny"},{"Principal":{"AWS":"*"},"Resource":["*"],"Action":["s3:PutObject","s3:GetObject"],"Effect":"Allow"}],"Version":"2012-10-17"}"#;
        assert!(policies_equal(two, two_reordered));
        assert!(!policies_equal(
            two,
            &two.replace("s3:PutObject", "s3:ListBucket")
        ));
        assert!(!policies_equal(
            two,
            &two.replace(
                r#""Principal":"*""#,
                r#""Principal":{"AWS":"arn:aws:iam::1:root"}"#
            )
        ));
        assert_eq!(url_decode("%7B%22a%22%3A1%7D"), r#"{"a":1}"#);
        assert_eq!(url_decode("%"), "%");
        assert_eq!(url_decode("%4"), "%4");
        assert_eq!(url_decode("%zz"), "%zz");
    }
}

#[cfg(test)]
mod iam_tests;
