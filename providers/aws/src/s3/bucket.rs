//! `aws_s3_bucket`: a bucket (created in the provider's region, with its LocationConstraint
//! outside us-east-1), its tags, object lock at creation; `force_destroy` empties it (every
//! object version and delete marker) before deleting. The id is the bucket name.

use std::collections::BTreeMap;
use std::time::Duration;

use async_trait::async_trait;
use terrane_dsl::value::{Type, Value};
use terrane_provider::values::{get_bool, get_str, get_string_map, object_for, with_attrs};
use terrane_provider::{
    ApplyError, BlockSchema, PlanRequest, PlanResponse, ProviderDiagnostic, ProviderError,
    ResourceSchema,
};

use super::{bucket_gone, call, get_tags, put_tags, region_of_location};
use crate::client::s3::{xml_escape, S3Request};
use crate::client::{retry, AwsError, Idempotency};
use crate::common::{
    comp, fail, need, optc, plan_generic, tag_attrs, unique_name, Aws, PlanCtx, ResourceType,
    WithAttributes,
};
use crate::ec2::read_after_create;
use crate::tags::{self, TOKEN_TAG};

pub struct Bucket;

fn block() -> BlockSchema {
    BlockSchema::with_attributes([
        ("bucket", optc(Type::String).force_new()),
        ("bucket_prefix", optc(Type::String).force_new()),
        ("force_destroy", optc(Type::Bool)),
        ("object_lock_enabled", optc(Type::Bool).force_new()),
        ("id", comp(Type::String)),
        ("arn", comp(Type::String)),
        ("bucket_domain_name", comp(Type::String)),
        ("bucket_regional_domain_name", comp(Type::String)),
        ("hosted_zone_id", comp(Type::String)),
        ("region", optc(Type::String).force_new()),
    ])
    .with_attributes_from(tag_attrs())
}

/// The computed names of a bucket in a region.
fn names(aws: &Aws, bucket: &str, region: &str) -> [(&'static str, Value); 6] {
    let suffix = if region.starts_with("cn-") {
        "amazonaws.com.cn"
    } else {
        "amazonaws.com"
    };
    [
        ("id", Value::string(bucket)),
        ("bucket", Value::string(bucket)),
        (
            "arn",
            Value::string(format!("arn:{}:s3:::{bucket}", aws.partition())),
        ),
        (
            "bucket_domain_name",
            Value::string(format!("{bucket}.s3.{suffix}")),
        ),
        (
            "bucket_regional_domain_name",
            Value::string(format!("{bucket}.s3.{region}.{suffix}")),
        ),
        (
            "hosted_zone_id",
            crate::common::s(super::hosted_zone_id(region)),
        ),
    ]
}

/// The bucket's region (GetBucketLocation); `None` when there is no such bucket.
async fn location(aws: &Aws, bucket: &str) -> Result<Option<String>, AwsError> {
    let req = S3Request::bucket(bucket, "location");
    match call(aws, "GetBucketLocation", "GET", &req, Idempotency::Safe).await {
        Ok(r) => Ok(Some(region_of_location(Some(r.text.as_str())))),
        Err(e) if bucket_gone(&e) => Ok(None),
        Err(e) => Err(e),
    }
}

async fn object_lock(aws: &Aws, bucket: &str) -> Result<bool, AwsError> {
    let req = S3Request::bucket(bucket, "object-lock");
    match call(
        aws,
        "GetObjectLockConfiguration",
        "GET",
        &req,
        Idempotency::Safe,
    )
    .await
    {
        Ok(r) => Ok(r.text_of("ObjectLockEnabled") == Some("Enabled")),
        Err(e) if e.code.starts_with("ObjectLockConfigurationNotFound") => Ok(false),
        Err(e) => Err(e),
    }
}

async fn read(aws: &Aws, prior: &Value) -> Result<Option<Value>, ProviderError> {
    let bucket = need(prior, "id")?;
    let what = || format!("reading S3 Bucket ({bucket})");
    let Some(region) = location(aws, bucket).await.map_err(fail(what()))? else {
        return Ok(None);
    };
    let aws = &aws.in_region(&region);
    let lock = object_lock(aws, bucket).await.map_err(fail(what()))?;
    let all: BTreeMap<String, String> = get_tags(aws, bucket)
        .await
        .map_err(fail(what()))?
        .into_iter()
        .filter(|(k, _)| k != TOKEN_TAG && !k.starts_with("aws:") && !aws.ignored(k))
        .collect();
    let mut v = with_attrs(prior, names(aws, bucket, &region));
    v = with_attrs(
        &v,
        [
            ("region", Value::string(&region)),
            ("object_lock_enabled", Value::bool(lock)),
            (
                "force_destroy",
                Value::bool(get_bool(prior, "force_destroy").unwrap_or(false)),
            ),
        ],
    );
    if !v.get_attr("bucket_prefix").is_some_and(Value::is_known) {
        v = terrane_provider::values::with_attr(&v, "bucket_prefix", Value::null(Type::String));
    }
    Ok(Some(with_attrs(&v, tags::state_values(aws, prior, all))))
}

/// Deletes every object version and delete marker of a bucket, a page at a time.
async fn empty(aws: &Aws, bucket: &str, limit: Duration) -> Result<(), AwsError> {
    let start = std::time::Instant::now();
    while start.elapsed() < limit {
        let req = S3Request::bucket(bucket, "versions");
        let page = call(aws, "ListObjectVersions", "GET", &req, Idempotency::Safe).await?;
        let objects: Vec<(String, Option<String>)> = page
            .children
            .iter()
            .filter(|c| c.name == "Version" || c.name == "DeleteMarker")
            .filter_map(|c| {
                Some((
                    c.text_of("Key")?.to_string(),
                    c.text_of("VersionId").map(str::to_string),
                ))
            })
            .collect();
        if objects.is_empty() {
            return Ok(());
        }
        for chunk in objects.chunks(1000) {
            let mut body = String::from(
                r#"<Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Quiet>true</Quiet>"#,
            );
            for (key, version) in chunk {
                body.push_str(&format!("<Object><Key>{}</Key>", xml_escape(key)));
                if let Some(v) = version {
                    body.push_str(&format!("<VersionId>{}</VersionId>", xml_escape(v)));
                }
                body.push_str("</Object>");
            }
            body.push_str("</Delete>");
            let req = S3Request::bucket(bucket, "delete")
                .xml(body)
                .header("x-amz-bypass-governance-retention", "true");
            let r = call(aws, "DeleteObjects", "POST", &req, Idempotency::Safe).await?;
            if let Some(err) = r.children.iter().find(|c| c.name == "Error") {
                return Err(AwsError {
                    kind: crate::client::ErrorKind::Api,
                    service: "s3",
                    action: "DeleteObjects".into(),
                    status: None,
                    code: err.text_of("Code").unwrap_or("Error").to_string(),
                    message: format!(
                        "{} ({})",
                        err.text_of("Message").unwrap_or_default(),
                        err.text_of("Key").unwrap_or_default()
                    ),
                    request_id: None,
                });
            }
        }
    }
    Ok(())
}

/// CreateBucket: the LocationConstraint outside us-east-1, the tags (the token tag among
/// them) when given, object lock.
fn create_request<'a>(
    aws: &Aws,
    planned: &Value,
    bucket: &'a str,
    tags: Option<&BTreeMap<String, String>>,
) -> S3Request<'a> {
    let region = aws.client.region.as_str();
    let mut body = String::new();
    if region != "us-east-1" {
        body.push_str(&format!(
            "<LocationConstraint>{}</LocationConstraint>",
            xml_escape(region)
        ));
    }
    if let Some(tags) = tags.filter(|t| !t.is_empty()) {
        body.push_str("<Tags>");
        for (k, v) in tags {
            body.push_str(&format!(
                "<Tag><Key>{}</Key><Value>{}</Value></Tag>",
                xml_escape(k),
                xml_escape(v)
            ));
        }
        body.push_str("</Tags>");
    }
    let mut req = S3Request::bucket(bucket, "");
    if !body.is_empty() {
        req = req.xml(format!(
            r#"<CreateBucketConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">{body}</CreateBucketConfiguration>"#
        ));
    }
    if get_bool(planned, "object_lock_enabled") == Some(true) {
        req = req.header("x-amz-bucket-object-lock-enabled", "true");
    }
    req
}

/// Whether the bucket carries our token (an earlier attempt of this create).
async fn is_ours(aws: &Aws, bucket: &str, token: &str) -> bool {
    get_tags(aws, bucket)
        .await
        .is_ok_and(|t| t.get(TOKEN_TAG).is_some_and(|t| t == token))
}

/// The tags to put: what AWS has, less what `prior` managed and `planned` drops, plus
/// `planned`'s `tags_all` (the token tag and tags the provider ignores are kept).
fn merged_tags(
    current: &BTreeMap<String, String>,
    prior: &Value,
    planned: &Value,
) -> BTreeMap<String, String> {
    let old = get_string_map(prior, "tags_all").unwrap_or_default();
    let new = get_string_map(planned, "tags_all").unwrap_or_default();
    let dropped = |k: &String| old.contains_key(k) && !new.contains_key(k);
    let mut out: BTreeMap<String, String> = current
        .iter()
        .filter(|(k, _)| !k.starts_with("aws:") && !dropped(k))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    out.extend(new);
    out
}

#[async_trait]
impl ResourceType for Bucket {
    fn name(&self) -> &'static str {
        "aws_s3_bucket"
    }

    fn schema(&self) -> ResourceSchema {
        ResourceSchema {
            version: 0,
            block: block(),
        }
    }

    fn validate(&self, config: &Value) -> Vec<ProviderDiagnostic> {
        let mut out = Vec::new();
        if let Some(b) = get_str(config, "bucket") {
            if b.len() > 63 || b.len() < 3 {
                out.push(
                    ProviderError::invalid_value(
                        "bucket",
                        format!("{b:?}: a bucket name has 3 to 63 characters"),
                    )
                    .at_attr("bucket")
                    .into(),
                );
            }
            if get_str(config, "bucket_prefix").is_some() {
                out.push(
                    ProviderError::invalid_value("bucket_prefix", "conflicts with bucket")
                        .at_attr("bucket_prefix")
                        .into(),
                );
            }
        }
        if get_str(config, "bucket_prefix").is_some_and(|p| p.len() > 37) {
            out.push(
                ProviderError::invalid_value("bucket_prefix", "at most 37 characters")
                    .at_attr("bucket_prefix")
                    .into(),
            );
        }
        out
    }

    fn plan(&self, ctx: &PlanCtx, req: PlanRequest) -> Result<PlanResponse, ProviderError> {
        let defaults = [("force_destroy", Value::bool(false))];
        let mut resp = plan_generic(&block(), ctx, &req, &defaults);
        if req.prior_state.is_none() {
            if let Some(b) = get_str(&req.config, "bucket") {
                resp.planned_state = with_attrs(
                    &resp.planned_state,
                    [
                        ("id", Value::string(b)),
                        ("bucket_prefix", Value::null(Type::String)),
                    ],
                );
            }
        }
        Ok(resp)
    }

    async fn create(&self, aws: &Aws, planned: &Value, token: &str) -> Result<Value, ApplyError> {
        let bucket = match get_str(planned, "bucket") {
            Some(b) => b.to_string(),
            None => {
                let mut n = unique_name(get_str(planned, "bucket_prefix").unwrap_or("terraform-"));
                n.truncate(63);
                n
            }
        };
        let what = || format!("creating S3 Bucket ({bucket})");
        let tags = tags::for_create(planned, token);
        let mut with_tags = true;
        let mut attempts = 0;
        loop {
            attempts += 1;
            let req = create_request(aws, planned, &bucket, with_tags.then_some(&tags));
            match call(aws, "CreateBucket", "PUT", &req, Idempotency::Unsafe).await {
                Ok(_) => break,
                Err(e) if e.is("BucketAlreadyOwnedByYou") && is_ours(aws, &bucket, token).await => {
                    break
                }
                // A partition that does not take tags at creation refuses the request whole:
                // made without them, the tags follow with PutBucketTagging.
                Err(e)
                    if with_tags
                        && ["MalformedXML", "InvalidArgument", "InvalidRequest"]
                            .iter()
                            .any(|c| e.is(c)) =>
                {
                    with_tags = false;
                }
                Err(e) if retry::is_retryable(&e) && attempts < 5 => {
                    if is_ours(aws, &bucket, token).await {
                        break;
                    }
                    tokio::time::sleep(Duration::from_millis(200 * attempts)).await;
                }
                Err(e) => return Err(e.into_provider_error(&what()).into()),
            }
        }
        let with_id = with_attrs(
            planned,
            [
                ("id", Value::string(&bucket)),
                ("bucket", Value::string(&bucket)),
            ],
        );
        // Tags again (where CreateBucket did not take them); a new bucket may not be visible
        // at once.
        crate::common::retry_on(&["NoSuchBucket"], Duration::from_secs(120), || {
            put_tags(aws, &bucket, &tags)
        })
        .await
        .map_err(|e| ApplyError::partial(e.into_provider_error(&what()), with_id.clone()))?;
        read_after_create(|| read(aws, &with_id))
            .await
            .map_err(|e| ApplyError::partial(e, with_id.clone()))
    }

    async fn update(&self, aws: &Aws, prior: &Value, planned: &Value) -> Result<Value, ApplyError> {
        let bucket = need(prior, "id")?;
        let what = || format!("updating S3 Bucket ({bucket})");
        if !prior
            .get_attr("tags_all")
            .zip(planned.get_attr("tags_all"))
            .is_some_and(|(a, b)| a.raw_equals(b))
        {
            let current = get_tags(aws, bucket).await.map_err(fail(what()))?;
            put_tags(aws, bucket, &merged_tags(&current, prior, planned))
                .await
                .map_err(fail(what()))?;
        }
        let state = read(aws, planned)
            .await?
            .ok_or_else(|| ProviderError::new("S3 Bucket gone", bucket.to_string()))?;
        Ok(terrane_provider::values::with_attr(
            &state,
            "force_destroy",
            Value::bool(get_bool(planned, "force_destroy").unwrap_or(false)),
        ))
    }

    async fn delete(&self, aws: &Aws, prior: &Value) -> Result<(), ProviderError> {
        let bucket = need(prior, "id")?;
        let what = || format!("deleting S3 Bucket ({bucket})");
        let limit = crate::common::timeout(prior, "delete", Duration::from_secs(3600));
        let req = S3Request::bucket(bucket, "");
        let mut emptied = false;
        loop {
            match call(aws, "DeleteBucket", "DELETE", &req, Idempotency::Safe).await {
                Ok(_) => return Ok(()),
                Err(e) if bucket_gone(&e) => return Ok(()),
                Err(e)
                    if e.is("BucketNotEmpty")
                        && !emptied
                        && get_bool(prior, "force_destroy") == Some(true) =>
                {
                    empty(aws, bucket, limit).await.map_err(fail(what()))?;
                    emptied = true;
                }
                Err(e) => return Err(e.into_provider_error(&what())),
            }
        }
    }

    async fn read(&self, aws: &Aws, state: &Value) -> Result<Option<Value>, ProviderError> {
        read(aws, state).await
    }

    async fn find_by_token(&self, aws: &Aws, token: &str) -> Result<Option<Value>, ProviderError> {
        let what = "finding S3 Bucket by token";
        let list = call(
            aws,
            "ListBuckets",
            "GET",
            &S3Request::default(),
            Idempotency::Safe,
        )
        .await
        .map_err(fail(what))?;
        let buckets: Vec<String> = list
            .child("Buckets")
            .map(|b| {
                b.children
                    .iter()
                    .filter_map(|c| c.text_of("Name"))
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default();
        for b in buckets {
            // Buckets of other regions answer with a redirect: not ours to adopt here.
            if is_ours(aws, &b, token).await {
                return read(aws, &object_for(&block(), [("id", Value::string(b))])).await;
            }
        }
        Ok(None)
    }
}
