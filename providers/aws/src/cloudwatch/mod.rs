//! CloudWatch (awsquery) resource types: `aws_cloudwatch_metric_alarm`, and the calls and
//! tags (TagResource/UntagResource/ListTagsForResource by ARN) they share.

pub mod metric_alarm;

use std::collections::BTreeMap;

use terrane_dsl::value::Value;

pub use crate::awsquery::tag_params;
use crate::awsquery::{key_values, TagCalls};
use crate::client::{endpoint, AwsError, Idempotency, Params};
use crate::common::{Aws, ResourceType};

/// Every resource type of this module.
pub fn resources() -> Vec<Box<dyn ResourceType>> {
    vec![Box::new(metric_alarm::MetricAlarm)]
}

/// Every tag of the resource `arn` (the token tag included).
pub async fn tags_of(aws: &Aws, arn: &str) -> Result<BTreeMap<String, String>, AwsError> {
    let p = Params::new().set("ResourceARN", arn);
    let r = aws
        .call(
            &endpoint::CLOUDWATCH,
            "ListTagsForResource",
            &p,
            Idempotency::Safe,
        )
        .await?;
    Ok(key_values(r.items("Tags")))
}

/// Makes the tags of `arn` go from `tags_all` of `prior` to that of `planned`.
pub async fn update_tags(
    aws: &Aws,
    arn: &str,
    prior: &Value,
    planned: &Value,
) -> Result<(), AwsError> {
    TagCalls {
        service: &endpoint::CLOUDWATCH,
        id: ("ResourceARN", arn),
        tag: ("TagResource", "Tags.member"),
        untag: ("UntagResource", "TagKeys.member", ""),
    }
    .update(aws, prior, planned)
    .await
}

#[cfg(test)]
mod alarm_tests;
