//! Classic Load Balancing (ELB, awsquery): `aws_elb`, and what it needs: the calls, the
//! load balancer's tags (AddTags/RemoveTags/DescribeTags) and lists of names as parameters.

pub mod load_balancer;
pub mod shape;

use std::collections::BTreeMap;

use terrane_dsl::value::Value;

use crate::awsquery::{key_values, TagCalls};
pub use crate::awsquery::{members, tag_params};
use crate::client::{endpoint, AwsError, Idempotency, Params};
use crate::common::{Aws, ResourceType};

/// Every resource type of this module.
pub fn resources() -> Vec<Box<dyn ResourceType>> {
    vec![Box::new(load_balancer::Elb)]
}

/// The tags of load balancers by name (DescribeTags takes at most 20 names a call).
pub async fn tags_of(
    aws: &Aws,
    names: &[String],
) -> Result<BTreeMap<String, BTreeMap<String, String>>, AwsError> {
    let mut out = BTreeMap::new();
    for chunk in names.chunks(20) {
        let p = members(Params::new(), "LoadBalancerNames", chunk);
        let r = aws
            .call(&endpoint::ELB, "DescribeTags", &p, Idempotency::Safe)
            .await?;
        for d in r.items("TagDescriptions") {
            let Some(name) = d.text_of("LoadBalancerName") else {
                continue;
            };
            let tags = key_values(d.items("Tags"));
            out.insert(name.to_string(), tags);
        }
    }
    Ok(out)
}

/// Makes a load balancer's tags go from `tags_all` of `prior` to that of `planned`.
pub async fn update_tags(
    aws: &Aws,
    name: &str,
    prior: &Value,
    planned: &Value,
) -> Result<(), AwsError> {
    TagCalls {
        service: &endpoint::ELB,
        id: ("LoadBalancerNames.member.1", name),
        tag: ("AddTags", "Tags.member"),
        untag: ("RemoveTags", "Tags.member", ".Key"),
    }
    .update(aws, prior, planned)
    .await
}

#[cfg(test)]
mod elb_tests;
