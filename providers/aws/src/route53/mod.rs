//! Route 53 resource types (one file each) and what they share: the REST-XML calls, names
//! as Terraform writes them (no trailing dot, lower case, `*` not `\052`), record-set
//! changes waited for until `INSYNC`, and listing a zone's record sets.

pub mod record;
pub mod zone;

use std::time::Duration;

use terrane_provider::ProviderError;

use crate::client::{endpoint, AwsError, Element, Idempotency};
use crate::common::{Aws, ResourceType};

/// Every resource type of this module.
pub fn resources() -> Vec<Box<dyn ResourceType>> {
    vec![Box::new(zone::Zone), Box::new(record::Record)]
}

/// The API version prefix of every path.
pub const V: &str = "/2013-04-01";

/// The XML namespace of request documents.
pub const NS: &str = "https://route53.amazonaws.com/doc/2013-04-01/";

/// One Route 53 call: `method` on `path` (under [`V`]) with an optional XML body.
pub async fn call(
    aws: &Aws,
    action: &str,
    method: &'static str,
    path: &str,
    body: Option<String>,
    idempotency: Idempotency,
) -> Result<Element, AwsError> {
    aws.client
        .rest_xml(
            &endpoint::ROUTE53,
            action,
            method,
            &format!("{V}{path}"),
            body,
            idempotency,
        )
        .await
}

/// Text escaped for an XML document.
pub fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A query-string value, percent-encoded.
pub fn q(s: &str) -> String {
    crate::client::protocol::encode(s)
}

/// A DNS name as Terraform keeps it: lower case, no trailing dot, `*` for Route 53's `\052`.
pub fn clean_name(name: &str) -> String {
    name.trim_end_matches('.')
        .replace("\\052", "*")
        .to_lowercase()
}

/// The zone id without the `/hostedzone/` prefix AWS answers with.
pub fn bare_zone_id(id: &str) -> &str {
    id.trim_start_matches("/hostedzone/")
}

/// The change id without its `/change/` prefix.
fn bare_change_id(id: &str) -> &str {
    id.trim_start_matches("/change/")
}

/// Waits until the change `change_id` is `INSYNC`, for at most `limit`.
pub async fn wait_insync(aws: &Aws, change_id: &str, limit: Duration) -> Result<(), ProviderError> {
    let id = bare_change_id(change_id).to_string();
    crate::rds::wait_for(
        &format!("Route 53 change ({id})"),
        Some("INSYNC"),
        limit,
        || async {
            let r = call(
                aws,
                "GetChange",
                "GET",
                &format!("/change/{id}"),
                None,
                Idempotency::Safe,
            )
            .await
            .map_err(crate::common::fail(format!(
                "reading Route 53 change ({id})"
            )))?;
            Ok(r.text_at(&["ChangeInfo", "Status"]).map(str::to_string))
        },
    )
    .await
}

/// Sends a change batch of `changes` (each a `<Change>` document) to the zone; returns the
/// change id.
pub async fn change(
    aws: &Aws,
    zone_id: &str,
    changes: &[String],
    comment: Option<&str>,
) -> Result<String, AwsError> {
    let comment = comment
        .map(|c| format!("<Comment>{}</Comment>", esc(c)))
        .unwrap_or_default();
    let body = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><ChangeResourceRecordSetsRequest xmlns="{NS}"><ChangeBatch>{comment}<Changes>{}</Changes></ChangeBatch></ChangeResourceRecordSetsRequest>"#,
        changes.concat()
    );
    let r = call(
        aws,
        "ChangeResourceRecordSets",
        "POST",
        &format!("/hostedzone/{zone_id}/rrset"),
        Some(body),
        Idempotency::Safe,
    )
    .await?;
    Ok(r.text_at(&["ChangeInfo", "Id"])
        .unwrap_or_default()
        .to_string())
}

/// The record sets of a zone from `start` (name, type, set identifier) on, at most `max`
/// (every page while `max` is not reached).
pub async fn list_records(
    aws: &Aws,
    zone_id: &str,
    start: Option<(&str, &str, Option<&str>)>,
    max: usize,
) -> Result<Vec<Element>, AwsError> {
    let mut out = Vec::new();
    let mut next: Option<(String, String, Option<String>)> =
        start.map(|(n, t, i)| (n.to_string(), t.to_string(), i.map(str::to_string)));
    for _ in 0..10_000 {
        let mut path = format!("/hostedzone/{zone_id}/rrset?maxitems=300");
        if let Some((n, t, i)) = &next {
            path.push_str(&format!("&name={}&type={}", q(n), q(t)));
            if let Some(i) = i {
                path.push_str(&format!("&identifier={}", q(i)));
            }
        }
        let r = call(
            aws,
            "ListResourceRecordSets",
            "GET",
            &path,
            None,
            Idempotency::Safe,
        )
        .await?;
        if let Some(l) = r.child("ResourceRecordSets") {
            out.extend(l.children.iter().cloned());
        }
        if out.len() >= max || r.text_of("IsTruncated") != Some("true") {
            out.truncate(max);
            return Ok(out);
        }
        match (r.text_of("NextRecordName"), r.text_of("NextRecordType")) {
            (Some(n), Some(t)) => {
                next = Some((
                    n.to_string(),
                    t.to_string(),
                    r.text_of("NextRecordIdentifier").map(str::to_string),
                ))
            }
            _ => return Ok(out),
        }
    }
    Ok(out)
}

/// The `<Tags>` of a ListTagsForResource answer as a map.
pub fn tags_of(el: &Element) -> std::collections::BTreeMap<String, String> {
    el.at(&["ResourceTagSet", "Tags"])
        .map(|t| crate::awsquery::key_values(&t.children))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_as_terraform_keeps_them() {
        assert_eq!(clean_name("\\052.Example.COM."), "*.example.com");
        assert_eq!(bare_zone_id("/hostedzone/Z1"), "Z1");
        assert_eq!(esc("a<b&\"c\""), "a&lt;b&amp;&quot;c&quot;");
    }
}

#[cfg(test)]
mod route53_tests;
