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
use terrane_provider::values::get_string_map;
use terrane_provider::ProviderError;

use crate::client::{endpoint, AwsError, Element, Idempotency, Params};
use crate::common::{Aws, ResourceType};
use crate::tags::TOKEN_TAG;

/// Every resource type of this module.
pub fn resources() -> Vec<Box<dyn ResourceType>> {
    vec![
        Box::new(subnet_group::SubnetGroup),
        Box::new(parameter_group::ParameterGroup),
        Box::new(db_instance::DbInstance),
    ]
}

/// One RDS call.
pub async fn call(
    aws: &Aws,
    action: &str,
    params: &Params,
    idempotency: Idempotency,
) -> Result<Element, AwsError> {
    aws.client
        .query(&endpoint::RDS, action, params, idempotency)
        .await
}

/// Whether RDS said the object does not exist (`DBInstanceNotFound`,
/// `DBSubnetGroupNotFoundFault`, `DBParameterGroupNotFound`).
pub fn is_gone(e: &AwsError) -> bool {
    e.is_not_found() || e.code.ends_with("NotFoundFault")
}

/// The members of list `name` of `el`, whatever the members are called (RDS names them by
/// their shape: `<Subnets><Subnet>`, `<TagList><Tag>`).
pub fn members<'a>(el: &'a Element, name: &str) -> Vec<&'a Element> {
    el.child(name)
        .map(|l| l.children.iter().collect())
        .unwrap_or_default()
}

/// RDS list parameters: `name.member_name.N`.
pub fn list_params(mut p: Params, name: &str, member: &str, items: &[String]) -> Params {
    for (i, v) in items.iter().enumerate() {
        p = p.set(format!("{name}.{member}.{}", i + 1), v);
    }
    p
}

/// `Tags.Tag.N.Key/Value` parameters.
pub fn tag_params(mut p: Params, tags: &BTreeMap<String, String>) -> Params {
    for (i, (k, v)) in tags.iter().enumerate() {
        p = p
            .set(format!("Tags.Tag.{}.Key", i + 1), k)
            .set(format!("Tags.Tag.{}.Value", i + 1), v);
    }
    p
}

/// A `TagList` as a map (the token tag included).
pub fn tags_of(el: &Element) -> BTreeMap<String, String> {
    members(el, "TagList")
        .into_iter()
        .filter_map(|t| {
            Some((
                t.text_of("Key")?.to_string(),
                t.text_of("Value").unwrap_or("").to_string(),
            ))
        })
        .collect()
}

/// The tags of the object `arn` (ListTagsForResource), the token tag included.
pub async fn list_tags(aws: &Aws, arn: &str) -> Result<BTreeMap<String, String>, AwsError> {
    let r = call(
        aws,
        "ListTagsForResource",
        &Params::new().set("ResourceName", arn),
        Idempotency::Safe,
    )
    .await?;
    Ok(tags_of(&r))
}

/// The tags of an object as the state shows them: no token tag, no `aws:` tags, none the
/// provider ignores.
pub fn visible(aws: &Aws, all: BTreeMap<String, String>) -> BTreeMap<String, String> {
    all.into_iter()
        .filter(|(k, _)| k != TOKEN_TAG && !k.starts_with("aws:") && !aws.ignored(k))
        .collect()
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
    let removed: Vec<String> = old
        .keys()
        .filter(|k| !new.contains_key(*k))
        .cloned()
        .collect();
    if !removed.is_empty() {
        let mut p = Params::new().set("ResourceName", arn);
        for (i, k) in removed.iter().enumerate() {
            p = p.set(format!("TagKeys.member.{}", i + 1), k);
        }
        call(aws, "RemoveTagsFromResource", &p, Idempotency::Safe).await?;
    }
    let changed: BTreeMap<String, String> = new
        .into_iter()
        .filter(|(k, v)| old.get(k) != Some(v))
        .collect();
    if !changed.is_empty() {
        let p = tag_params(Params::new().set("ResourceName", arn), &changed);
        call(aws, "AddTagsToResource", &p, Idempotency::Safe).await?;
    }
    Ok(())
}

/// Every member of a paginated RDS describe call (`Marker`), the list `list` of each page.
pub async fn pages(
    aws: &Aws,
    action: &str,
    params: &Params,
    list: &str,
) -> Result<Vec<Element>, AwsError> {
    let mut out = Vec::new();
    let mut marker: Option<String> = None;
    for _ in 0..1000 {
        let p = params.clone().opt("Marker", marker.take());
        let page = call(aws, action, &p, Idempotency::Safe).await?;
        out.extend(members(&page, list).into_iter().cloned());
        match page.text_of("Marker") {
            Some(m) => marker = Some(m.to_string()),
            None => return Ok(out),
        }
    }
    Ok(out)
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
        || call(aws, action, &params, Idempotency::Safe),
    )
    .await;
    match r {
        Ok(_) => Ok(()),
        Err(e) if is_gone(&e) => Ok(()),
        Err(e) => Err(e.into_provider_error(what)),
    }
}
