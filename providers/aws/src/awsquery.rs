//! What the awsquery services (IAM, Auto Scaling, RDS, ELB, CloudWatch) share: one call and
//! one "not found is `None`" read for any service, every page of a describe call, list and
//! tag parameters, `Key`/`Value` lists read as maps, and the tag calls that take an object's
//! tags from the prior `tags_all` to the planned one.

use std::collections::BTreeMap;

use terrane_dsl::value::Value;

use crate::client::{AwsError, Element, Idempotency, Params, Service};
use crate::common::Aws;

impl Aws {
    /// One query-protocol call to `service`: the result element.
    pub async fn call(
        &self,
        service: &Service,
        action: &str,
        params: &Params,
        idempotency: Idempotency,
    ) -> Result<Element, AwsError> {
        self.client
            .query(service, action, params, idempotency)
            .await
    }

    /// One read; `None` when AWS says the object does not exist.
    pub async fn get(
        &self,
        service: &Service,
        action: &str,
        params: &Params,
    ) -> Result<Option<Element>, AwsError> {
        match self.call(service, action, params, Idempotency::Safe).await {
            Ok(r) => Ok(Some(r)),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Every page of a describe call, following the parameter and answer field `cursor`
    /// (`NextToken`, `Marker`): the members of list `list` of each page (whatever the members
    /// are called). At most 1000 pages.
    pub async fn pages(
        &self,
        service: &Service,
        action: &str,
        params: &Params,
        cursor: &str,
        list: &str,
    ) -> Result<Vec<Element>, AwsError> {
        let mut out = Vec::new();
        let mut next: Option<String> = None;
        for _ in 0..1000 {
            let p = params.clone().opt(cursor, next.take());
            let page = self.call(service, action, &p, Idempotency::Safe).await?;
            out.extend(children(&page, list).into_iter().cloned());
            match page.text_of(cursor) {
                Some(t) => next = Some(t.to_string()),
                None => return Ok(out),
            }
        }
        Ok(out)
    }
}

/// The members of list `name` of `el`, whatever the members are called (RDS names them by
/// their shape: `<Subnets><Subnet>`, `<TagList><Tag>`; the others `member`).
pub fn children<'a>(el: &'a Element, name: &str) -> Vec<&'a Element> {
    el.child(name)
        .map(|l| l.children.iter().collect())
        .unwrap_or_default()
}

/// List parameters `name.member.N`, numbered from 1.
pub fn list_params(mut p: Params, name: &str, member: &str, items: &[String]) -> Params {
    for (i, v) in items.iter().enumerate() {
        p = p.set(format!("{name}.{member}.{}", i + 1), v);
    }
    p
}

/// awsquery list members `name.member.1`, `name.member.2`, ...
pub fn members(p: Params, name: &str, items: &[String]) -> Params {
    list_params(p, name, "member", items)
}

/// Tag parameters `list.N.Key` / `list.N.Value` (`list` is `Tags.member`, RDS's `Tags.Tag`).
pub fn tag_list_params(mut p: Params, list: &str, tags: &BTreeMap<String, String>) -> Params {
    for (i, (k, v)) in tags.iter().enumerate() {
        p = p
            .set(format!("{list}.{}.Key", i + 1), k)
            .set(format!("{list}.{}.Value", i + 1), v);
    }
    p
}

/// `Tags.member.N.Key/Value` parameters.
pub fn tag_params(p: Params, tags: &BTreeMap<String, String>) -> Params {
    tag_list_params(p, "Tags.member", tags)
}

/// A list of `Key`/`Value` elements as a map (a missing value is empty).
pub fn key_values<'a>(items: impl IntoIterator<Item = &'a Element>) -> BTreeMap<String, String> {
    items
        .into_iter()
        .filter_map(|t| {
            Some((
                t.text_of("Key")?.to_string(),
                t.text_of("Value").unwrap_or("").to_string(),
            ))
        })
        .collect()
}

/// How a service changes an object's tags: a tag call and an untag call, both naming the
/// object with `id` (parameter, value).
pub struct TagCalls<'a> {
    pub service: &'a Service,
    pub id: (&'a str, &'a str),
    /// The call that adds or changes tags ("TagResource") and its tag list ("Tags.member").
    pub tag: (&'a str, &'a str),
    /// The call that removes tags ("UntagResource") and its key parameter, numbered from 1:
    /// "TagKeys.member" gives `TagKeys.member.N`; ELB's "Tags.member"/".Key" gives
    /// `Tags.member.N.Key`.
    pub untag: (&'a str, &'a str, &'a str),
}

impl TagCalls<'_> {
    /// Makes the object's tags go from `tags_all` of `prior` to that of `planned`.
    pub async fn update(&self, aws: &Aws, prior: &Value, planned: &Value) -> Result<(), AwsError> {
        let (removed, changed) = crate::tags::changes(prior, planned);
        if !removed.is_empty() {
            let (action, list, suffix) = self.untag;
            let mut p = Params::new().set(self.id.0, self.id.1);
            for (i, k) in removed.iter().enumerate() {
                p = p.set(format!("{list}.{}{suffix}", i + 1), k);
            }
            aws.call(self.service, action, &p, Idempotency::Safe)
                .await?;
        }
        if !changed.is_empty() {
            let (action, list) = self.tag;
            let p = tag_list_params(Params::new().set(self.id.0, self.id.1), list, &changed);
            aws.call(self.service, action, &p, Idempotency::Safe)
                .await?;
        }
        Ok(())
    }
}
