//! CloudWatch (awsquery) resource types: `aws_cloudwatch_metric_alarm`, and the calls and
//! tags (TagResource/UntagResource/ListTagsForResource by ARN) they share.

pub mod metric_alarm;

use std::collections::BTreeMap;

use terrane_dsl::value::Value;
use terrane_provider::values::get_string_map;

use crate::client::{endpoint, AwsError, Element, Idempotency, Params};
use crate::common::{Aws, ResourceType};

/// Every resource type of this module.
pub fn resources() -> Vec<Box<dyn ResourceType>> {
    vec![Box::new(metric_alarm::MetricAlarm)]
}

/// One CloudWatch call.
pub async fn call(
    aws: &Aws,
    action: &str,
    params: &Params,
    idempotency: Idempotency,
) -> Result<Element, AwsError> {
    aws.client
        .query(&endpoint::CLOUDWATCH, action, params, idempotency)
        .await
}

/// Every tag of the resource `arn` (the token tag included).
pub async fn tags_of(aws: &Aws, arn: &str) -> Result<BTreeMap<String, String>, AwsError> {
    let p = Params::new().set("ResourceARN", arn);
    let r = call(aws, "ListTagsForResource", &p, Idempotency::Safe).await?;
    Ok(r.items("Tags")
        .iter()
        .filter_map(|t| {
            Some((
                t.text_of("Key")?.to_string(),
                t.text_of("Value").unwrap_or("").to_string(),
            ))
        })
        .collect())
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

/// Makes the tags of `arn` go from `tags_all` of `prior` to that of `planned`.
pub async fn update_tags(
    aws: &Aws,
    arn: &str,
    prior: &Value,
    planned: &Value,
) -> Result<(), AwsError> {
    let old = get_string_map(prior, "tags_all").unwrap_or_default();
    let new = get_string_map(planned, "tags_all").unwrap_or_default();
    let removed: Vec<&String> = old.keys().filter(|k| !new.contains_key(*k)).collect();
    if !removed.is_empty() {
        let mut p = Params::new().set("ResourceARN", arn);
        for (i, k) in removed.iter().enumerate() {
            p = p.set(format!("TagKeys.member.{}", i + 1), k.as_str());
        }
        call(aws, "UntagResource", &p, Idempotency::Safe).await?;
    }
    let changed: BTreeMap<String, String> = new
        .into_iter()
        .filter(|(k, v)| old.get(k) != Some(v))
        .collect();
    if !changed.is_empty() {
        let p = tag_params(Params::new().set("ResourceARN", arn), &changed);
        call(aws, "TagResource", &p, Idempotency::Safe).await?;
    }
    Ok(())
}

#[cfg(test)]
mod alarm_tests;
