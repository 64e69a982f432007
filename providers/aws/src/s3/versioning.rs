//! `aws_s3_bucket_versioning`: a bucket's versioning state (Enabled, Suspended, or Disabled
//! for a bucket never versioned) and MFA delete. The id is the bucket (`bucket,owner` with
//! `expected_bucket_owner`); destroying suspends versioning, as a bucket once versioned
//! cannot go back to unversioned.

use async_trait::async_trait;
use terrane_dsl::value::{Type, Value};
use terrane_provider::values::{get_str, object_for, with_attrs};
use terrane_provider::{
    ApplyError, AttributeSchema, BlockSchema, NestedBlockSchema, NestingMode, PlanRequest,
    PlanResponse, ProviderError, ResourceSchema,
};

use super::{bucket_gone, call, split_id};
use crate::client::s3::S3Request;
use crate::client::{AwsError, Idempotency};
use crate::common::{comp, fail, need, opt, optc, plan_generic, Aws, PlanCtx, ResourceType};

pub struct BucketVersioning;

fn config_block() -> BlockSchema {
    BlockSchema::with_attributes([
        ("status", AttributeSchema::required(Type::String)),
        ("mfa_delete", optc(Type::String)),
    ])
}

fn block() -> BlockSchema {
    BlockSchema::with_attributes([
        (
            "bucket",
            AttributeSchema::required(Type::String).force_new(),
        ),
        ("expected_bucket_owner", opt(Type::String).force_new()),
        ("mfa", opt(Type::String)),
        ("id", comp(Type::String)),
    ])
    .with_block(
        "versioning_configuration",
        NestedBlockSchema::new(NestingMode::List, config_block()).items(1, 1),
    )
}

fn configuration(v: &Value) -> Option<Value> {
    v.get_attr("versioning_configuration")
        .and_then(Value::elements)
        .and_then(|e| e.first().cloned())
}

fn status_of(v: &Value) -> String {
    configuration(v)
        .and_then(|c| get_str(&c, "status").map(str::to_string))
        .unwrap_or_else(|| "Disabled".into())
}

fn request<'a>(bucket: &'a str, query: &'a str, owner: Option<&str>) -> S3Request<'a> {
    let r = S3Request::bucket(bucket, query);
    match owner {
        Some(o) => r.header("x-amz-expected-bucket-owner", o),
        None => r,
    }
}

async fn read(aws: &Aws, prior: &Value) -> Result<Option<Value>, ProviderError> {
    let id = need(prior, "id")?;
    let (bucket, owner) = split_id(id);
    let what = || format!("reading S3 Bucket Versioning ({id})");
    let req = request(bucket, "versioning", owner);
    let r = match call(aws, "GetBucketVersioning", "GET", &req, Idempotency::Safe).await {
        Ok(r) => r,
        Err(e) if bucket_gone(&e) => return Ok(None),
        Err(e) => return Err(e.into_provider_error(&what())),
    };
    let status = r.text_of("Status").unwrap_or("Disabled");
    let mfa_delete = r
        .text_of("MfaDelete")
        .or_else(|| r.text_of("MFADelete"))
        .map(str::to_string)
        .or_else(|| {
            configuration(prior).and_then(|c| get_str(&c, "mfa_delete").map(str::to_string))
        })
        .unwrap_or_else(|| "Disabled".into());
    let conf = object_for(
        &config_block(),
        [
            ("status", Value::string(status)),
            ("mfa_delete", Value::string(mfa_delete)),
        ],
    );
    let ety = config_block().implied_type();
    let list =
        Value::list(ety.clone(), vec![conf]).unwrap_or_else(|_| Value::null(Type::list(ety)));
    Ok(Some(with_attrs(
        prior,
        [
            ("id", Value::string(id)),
            ("bucket", Value::string(bucket)),
            ("expected_bucket_owner", crate::common::s(owner)),
            ("versioning_configuration", list),
        ],
    )))
}

/// PutBucketVersioning with `status` (and, unless `deleting`, the planned MFA delete setting;
/// a create or update waits for a new bucket to be visible).
async fn put(aws: &Aws, planned: &Value, status: &str, deleting: bool) -> Result<(), AwsError> {
    let bucket = get_str(planned, "bucket").unwrap_or_default();
    let owner = get_str(planned, "expected_bucket_owner");
    let mut body = format!(
        r#"<VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Status>{status}</Status>"#
    );
    let mfa_delete = configuration(planned)
        .and_then(|c| get_str(&c, "mfa_delete").map(str::to_string))
        .filter(|_| !deleting);
    if let Some(m) = mfa_delete {
        body.push_str(&format!("<MfaDelete>{m}</MfaDelete>"));
    }
    body.push_str("</VersioningConfiguration>");
    let mut req = request(bucket, "versioning", owner).xml(body);
    if let Some(mfa) = get_str(planned, "mfa") {
        req = req.header("x-amz-mfa", mfa);
    }
    let wait = if deleting { 0 } else { 120 };
    crate::common::retry_on(
        &["NoSuchBucket"],
        std::time::Duration::from_secs(wait),
        || call(aws, "PutBucketVersioning", "PUT", &req, Idempotency::Safe),
    )
    .await?;
    Ok(())
}

fn id_of(v: &Value) -> String {
    let bucket = get_str(v, "bucket").unwrap_or_default();
    match get_str(v, "expected_bucket_owner") {
        Some(o) => format!("{bucket},{o}"),
        None => bucket.to_string(),
    }
}

#[async_trait]
impl ResourceType for BucketVersioning {
    fn name(&self) -> &'static str {
        "aws_s3_bucket_versioning"
    }

    fn schema(&self) -> ResourceSchema {
        ResourceSchema {
            version: 0,
            block: block(),
        }
    }

    fn plan(&self, ctx: &PlanCtx, req: PlanRequest) -> Result<PlanResponse, ProviderError> {
        let mut resp = plan_generic(&block(), ctx, &req, &[]);
        if let Some(prior) = &req.prior_state {
            let (old, new) = (status_of(prior), status_of(&resp.planned_state));
            if new == "Disabled" && old != "Disabled" {
                return Err(ProviderError::invalid_value(
                    "versioning_configuration",
                    format!("versioning_configuration.status cannot be updated from '{old}' to 'Disabled': a bucket once versioned can only be suspended."),
                ));
            }
        }
        if get_str(&req.config, "bucket").is_some() {
            resp.planned_state = with_attrs(
                &resp.planned_state,
                [("id", Value::string(id_of(&req.config)))],
            );
        }
        Ok(resp)
    }

    async fn create(&self, aws: &Aws, planned: &Value, _token: &str) -> Result<Value, ApplyError> {
        let id = id_of(planned);
        let with_id = with_attrs(planned, [("id", Value::string(&id))]);
        let status = status_of(planned);
        // "Disabled" is what a never-versioned bucket is: nothing to do.
        if status != "Disabled" {
            put(aws, planned, &status, false)
                .await
                .map_err(fail(format!("creating S3 Bucket Versioning ({id})")))?;
        }
        read(aws, &with_id).await?.ok_or_else(|| {
            ProviderError::new("S3 Bucket Versioning: no such bucket", id.clone()).into()
        })
    }

    async fn update(&self, aws: &Aws, prior: &Value, planned: &Value) -> Result<Value, ApplyError> {
        let id = need(prior, "id")?;
        put(aws, planned, &status_of(planned), false)
            .await
            .map_err(fail(format!("updating S3 Bucket Versioning ({id})")))?;
        read(aws, planned).await?.ok_or_else(|| {
            ProviderError::new("S3 Bucket Versioning: no such bucket", id.to_string()).into()
        })
    }

    async fn delete(&self, aws: &Aws, prior: &Value) -> Result<(), ProviderError> {
        let id = need(prior, "id")?;
        if status_of(prior) == "Disabled" {
            return Ok(());
        }
        match put(aws, prior, "Suspended", true).await {
            Ok(()) => Ok(()),
            Err(e) if bucket_gone(&e) => Ok(()),
            Err(e) => Err(e.into_provider_error(&format!("deleting S3 Bucket Versioning ({id})"))),
        }
    }

    async fn read(&self, aws: &Aws, state: &Value) -> Result<Option<Value>, ProviderError> {
        read(aws, state).await
    }

    async fn find_by_token(
        &self,
        _aws: &Aws,
        _token: &str,
    ) -> Result<Option<Value>, ProviderError> {
        // A setting of a bucket, not an object: its create is an idempotent PUT.
        Ok(None)
    }
}
