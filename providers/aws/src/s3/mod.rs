//! S3 resource types (one file each) and what they share: the REST-XML calls through
//! [`crate::client::s3`], "no such bucket", bucket tags (a whole tag set put at once) and the
//! bucket's region and hosted zone.

pub mod bucket;
pub mod policy;
pub mod versioning;

use std::collections::BTreeMap;

use crate::client::s3::{xml_escape, S3Request};
use crate::client::{AwsError, Element, Idempotency};
use crate::common::{Aws, ResourceType};

/// Every resource type of this module.
pub fn resources() -> Vec<Box<dyn ResourceType>> {
    vec![
        Box::new(bucket::Bucket),
        Box::new(versioning::BucketVersioning),
        Box::new(policy::BucketPolicy),
    ]
}

/// One S3 call with an XML answer.
pub async fn call(
    aws: &Aws,
    action: &str,
    method: &'static str,
    req: &S3Request<'_>,
    idempotency: Idempotency,
) -> Result<Element, AwsError> {
    aws.client.s3_xml(action, method, req, idempotency).await
}

/// Whether an error says the bucket does not exist (a HEAD's 404 has no body to say so).
pub fn bucket_gone(e: &AwsError) -> bool {
    e.is("NoSuchBucket") || (e.status == Some(404) && e.code.starts_with("HTTP"))
}

/// The tags of a bucket, every one (the token tag included); empty when it has none.
pub async fn get_tags(aws: &Aws, bucket: &str) -> Result<BTreeMap<String, String>, AwsError> {
    let req = S3Request::bucket(bucket, "tagging");
    match call(aws, "GetBucketTagging", "GET", &req, Idempotency::Safe).await {
        Ok(r) => Ok(r
            .child("TagSet")
            .map(|s| crate::awsquery::key_values(s.children.iter().filter(|t| t.name == "Tag")))
            .unwrap_or_default()),
        Err(e) if e.is("NoSuchTagSet") || e.is("NoSuchTagSetError") => Ok(BTreeMap::new()),
        Err(e) => Err(e),
    }
}

/// Replaces a bucket's tag set (deletes it when `tags` is empty).
pub async fn put_tags(
    aws: &Aws,
    bucket: &str,
    tags: &BTreeMap<String, String>,
) -> Result<(), AwsError> {
    if tags.is_empty() {
        let req = S3Request::bucket(bucket, "tagging");
        call(
            aws,
            "DeleteBucketTagging",
            "DELETE",
            &req,
            Idempotency::Safe,
        )
        .await?;
        return Ok(());
    }
    let mut body =
        String::from(r#"<Tagging xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><TagSet>"#);
    for (k, v) in tags {
        body.push_str(&format!(
            "<Tag><Key>{}</Key><Value>{}</Value></Tag>",
            xml_escape(k),
            xml_escape(v)
        ));
    }
    body.push_str("</TagSet></Tagging>");
    let req = S3Request::bucket(bucket, "tagging").xml(body);
    call(aws, "PutBucketTagging", "PUT", &req, Idempotency::Safe).await?;
    Ok(())
}

/// The region a GetBucketLocation answer names (empty is us-east-1, `EU` is eu-west-1).
pub fn region_of_location(loc: Option<&str>) -> String {
    match loc {
        None | Some("") => "us-east-1".into(),
        Some("EU") => "eu-west-1".into(),
        Some(r) => r.to_string(),
    }
}

/// The Route 53 hosted zone of S3's website endpoints in a region.
pub fn hosted_zone_id(region: &str) -> Option<&'static str> {
    Some(match region {
        "us-east-1" => "Z3AQBSTGFYJSTF",
        "us-east-2" => "Z2O1EMRO9K5GLX",
        "us-west-1" => "Z2F56UZL2M1ACD",
        "us-west-2" => "Z3BJ6K6RIION7M",
        "ca-central-1" => "Z1QDHH18159H29",
        "eu-west-1" => "Z1BKCTXD74EZPE",
        "eu-west-2" => "Z3GKZC51ZF0DB4",
        "eu-west-3" => "Z3R1K369G5AVDG",
        "eu-central-1" => "Z21DNDUVLTQW6Q",
        "eu-north-1" => "Z3BAZG2TWCNX0D",
        "ap-south-1" => "Z11RGJOFQNVJUP",
        "ap-southeast-1" => "Z3O0J2DXBE1FTB",
        "ap-southeast-2" => "Z1WCIGYICN2BYD",
        "ap-northeast-1" => "Z2M4EHUR26P7ZW",
        "ap-northeast-2" => "Z3W03O7B5YMIYP",
        "ap-northeast-3" => "Z2YQB5RD63NC85",
        "sa-east-1" => "Z7KQH4QJS55SO",
        "us-gov-west-1" => "Z31GFT0UA1I2HV",
        _ => return None,
    })
}

/// The bucket and expected owner of a `bucket[,expected_bucket_owner]` id.
pub fn split_id(id: &str) -> (&str, Option<&str>) {
    match id.split_once(',') {
        Some((b, o)) => (b, Some(o)),
        None => (id, None),
    }
}

#[cfg(test)]
mod s3_tests;
