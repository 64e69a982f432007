//! Classic Load Balancing (ELB, awsquery): `aws_elb`, and what it needs: the calls, the
//! load balancer's tags (AddTags/RemoveTags/DescribeTags) and lists of names as parameters.

pub mod load_balancer;
pub mod shape;

use std::collections::BTreeMap;

use terrane_dsl::value::Value;
use terrane_provider::values::get_string_map;

use crate::client::{endpoint, AwsError, Element, Idempotency, Params};
use crate::common::{Aws, ResourceType};

/// Every resource type of this module.
pub fn resources() -> Vec<Box<dyn ResourceType>> {
    vec![Box::new(load_balancer::Elb)]
}

/// One ELB call.
pub async fn call(
    aws: &Aws,
    action: &str,
    params: &Params,
    idempotency: Idempotency,
) -> Result<Element, AwsError> {
    aws.client
        .query(&endpoint::ELB, action, params, idempotency)
        .await
}

/// awsquery list members `name.member.1`, `name.member.2`, ...
pub fn members(mut p: Params, name: &str, items: &[String]) -> Params {
    for (i, v) in items.iter().enumerate() {
        p = p.set(format!("{name}.member.{}", i + 1), v);
    }
    p
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

/// The tags of load balancers by name (DescribeTags takes at most 20 names a call).
pub async fn tags_of(
    aws: &Aws,
    names: &[String],
) -> Result<BTreeMap<String, BTreeMap<String, String>>, AwsError> {
    let mut out = BTreeMap::new();
    for chunk in names.chunks(20) {
        let p = members(Params::new(), "LoadBalancerNames", chunk);
        let r = call(aws, "DescribeTags", &p, Idempotency::Safe).await?;
        for d in r.items("TagDescriptions") {
            let Some(name) = d.text_of("LoadBalancerName") else {
                continue;
            };
            let tags = d
                .items("Tags")
                .iter()
                .filter_map(|t| {
                    Some((
                        t.text_of("Key")?.to_string(),
                        t.text_of("Value").unwrap_or("").to_string(),
                    ))
                })
                .collect();
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
    let old = get_string_map(prior, "tags_all").unwrap_or_default();
    let new = get_string_map(planned, "tags_all").unwrap_or_default();
    let lb = Params::new().set("LoadBalancerNames.member.1", name);
    let removed: Vec<&String> = old.keys().filter(|k| !new.contains_key(*k)).collect();
    if !removed.is_empty() {
        let mut p = lb.clone();
        for (i, k) in removed.iter().enumerate() {
            p = p.set(format!("Tags.member.{}.Key", i + 1), k.as_str());
        }
        call(aws, "RemoveTags", &p, Idempotency::Safe).await?;
    }
    let changed: BTreeMap<String, String> = new
        .into_iter()
        .filter(|(k, v)| old.get(k) != Some(v))
        .collect();
    if !changed.is_empty() {
        call(aws, "AddTags", &tag_params(lb, &changed), Idempotency::Safe).await?;
    }
    Ok(())
}

#[cfg(test)]
mod elb_tests;
