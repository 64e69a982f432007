//! RDS resource types (one file each) and what they share: the awsquery calls, RDS's list
//! encoding (`Tags.Tag.N`, answers' lists named by their member), tags by ARN, waiting for a
//! DB instance's status, and finding what a create tagged with the token.

pub mod db_instance;
pub mod instance_api;
pub mod parameter_group;
pub mod subnet_group;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use terrane_dsl::value::Value;
use terrane_provider::ProviderError;

pub use crate::awsquery::{children as members, list_params};
use crate::awsquery::{key_values, tag_list_params, TagCalls};
use crate::client::{endpoint, AwsError, Element, Idempotency, Params};
use crate::common::{Aws, ResourceType};
pub use crate::tags::visible;
use crate::tags::TOKEN_TAG;

/// Every resource type of this module.
pub fn resources() -> Vec<Box<dyn ResourceType>> {
    vec![
        Box::new(subnet_group::SubnetGroup),
        Box::new(parameter_group::ParameterGroup),
        Box::new(db_instance::DbInstance),
    ]
}

/// Whether RDS said the object does not exist (`DBInstanceNotFound`,
/// `DBSubnetGroupNotFoundFault`, `DBParameterGroupNotFound`).
pub fn is_gone(e: &AwsError) -> bool {
    e.is_not_found() || e.code.ends_with("NotFoundFault")
}

/// `Tags.Tag.N.Key/Value` parameters.
pub fn tag_params(p: Params, tags: &BTreeMap<String, String>) -> Params {
    tag_list_params(p, "Tags.Tag", tags)
}

/// A `TagList` as a map (the token tag included).
pub fn tags_of(el: &Element) -> BTreeMap<String, String> {
    key_values(members(el, "TagList"))
}

/// The tags of the object `arn` (ListTagsForResource), the token tag included.
pub async fn list_tags(aws: &Aws, arn: &str) -> Result<BTreeMap<String, String>, AwsError> {
    let r = aws
        .call(
            &endpoint::RDS,
            "ListTagsForResource",
            &Params::new().set("ResourceName", arn),
            Idempotency::Safe,
        )
        .await?;
    Ok(tags_of(&r))
}

/// Makes the tags of `arn` go from `tags_all` of `prior` to that of `planned`.
pub async fn update_tags(
    aws: &Aws,
    arn: &str,
    prior: &Value,
    planned: &Value,
) -> Result<(), AwsError> {
    TagCalls {
        service: &endpoint::RDS,
        id: ("ResourceName", arn),
        tag: ("AddTagsToResource", "Tags.Tag"),
        untag: ("RemoveTagsFromResource", "TagKeys.member", ""),
    }
    .update(aws, prior, planned)
    .await
}

/// Every member of a paginated RDS describe call (`Marker`), the list `list` of each page.
pub async fn pages(
    aws: &Aws,
    action: &str,
    params: &Params,
    list: &str,
) -> Result<Vec<Element>, AwsError> {
    aws.pages(&endpoint::RDS, action, params, "Marker", list)
        .await
}

/// The name (at `name_field`) of the first object of a describe call whose tags (its
/// `TagList`, else ListTagsForResource on its ARN at `arn_field`) carry `token`.
pub async fn find_tagged(
    aws: &Aws,
    action: &str,
    list: &str,
    name_field: &str,
    arn_field: &str,
    token: &str,
) -> Result<Option<String>, AwsError> {
    for el in pages(aws, action, &Params::new(), list).await? {
        let tags = match el.child("TagList") {
            Some(_) => tags_of(&el),
            None => match el.text_of(arn_field) {
                Some(arn) => list_tags(aws, arn).await?,
                None => BTreeMap::new(),
            },
        };
        if tags.get(TOKEN_TAG).map(String::as_str) == Some(token) {
            return Ok(el.text_of(name_field).map(str::to_string));
        }
    }
    Ok(None)
}

/// Polls `probe` (the current status, `None` when the object is gone) until it is `want`,
/// for at most `limit`.
pub async fn wait_for<F, Fut>(
    what: &str,
    want: Option<&str>,
    limit: Duration,
    mut probe: F,
) -> Result<(), ProviderError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<Option<String>, ProviderError>>,
{
    let start = Instant::now();
    let mut pause = Duration::from_millis(200);
    loop {
        let status = probe().await?;
        if status.as_deref() == want {
            return Ok(());
        }
        if start.elapsed() >= limit {
            return Err(ProviderError::new(
                format!("Timeout waiting for {what}"),
                format!("{what} is {status:?} after {limit:?}, waiting for {want:?}."),
            ));
        }
        tokio::time::sleep(pause.min(limit.saturating_sub(start.elapsed()))).await;
        pause = (pause * 2).min(Duration::from_secs(15));
    }
}

/// On a create's plan, `name` and `name_prefix` as Terraform plans them: a configured name is
/// the id (lower-cased as RDS stores it) and leaves no prefix.
pub fn plan_names(planned: Value, config: &Value, id_attr: &str) -> Value {
    use terrane_provider::values::{get_str, with_attrs};
    match get_str(config, "name") {
        Some(name) => with_attrs(
            &planned,
            [
                (id_attr, Value::string(name.to_lowercase())),
                ("name_prefix", Value::null(terrane_dsl::value::Type::String)),
            ],
        ),
        None => planned,
    }
}

/// The name to create: the configured one, else the prefix (default `terraform-`) and a
/// unique suffix; lower-cased.
pub fn name_for_create(planned: &Value) -> String {
    use terrane_provider::values::get_str;
    match get_str(planned, "name") {
        Some(n) => n.to_lowercase(),
        None => crate::common::unique_name(get_str(planned, "name_prefix").unwrap_or("terraform-"))
            .to_lowercase(),
    }
}

/// The name for the state: the prior (configured) spelling when it names the same object.
pub fn kept_name(prior: &Value, remote: &str) -> Value {
    match terrane_provider::values::get_str(prior, "name") {
        Some(p) if p.eq_ignore_ascii_case(remote) => Value::string(p),
        _ => Value::string(remote),
    }
}

#[cfg(test)]
mod rds_tests;

/// Deletes a group with `action`, retrying while AWS answers `busy` (an instance still holding
/// it) within the delete timeout; a group already gone is deleted.
pub async fn delete_busy(
    aws: &Aws,
    prior: &terrane_dsl::value::Value,
    action: &str,
    params: Params,
    busy: &str,
    what: &str,
) -> Result<(), terrane_provider::ProviderError> {
    let r = crate::common::retry_on(
        &[busy],
        crate::common::timeout(prior, "delete", std::time::Duration::from_secs(600)),
        || aws.call(&endpoint::RDS, action, &params, Idempotency::Safe),
    )
    .await;
    match r {
        Ok(_) => Ok(()),
        Err(e) if is_gone(&e) => Ok(()),
        Err(e) => Err(e.into_provider_error(what)),
    }
}
