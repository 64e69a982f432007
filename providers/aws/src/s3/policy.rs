//! `aws_s3_bucket_policy`: a bucket's policy document, compared by meaning (IAM's
//! [`crate::iam::policies_equal`]) so a re-ordered or re-formatted document is no change. The
//! id is the bucket name.

use std::time::Duration;

use async_trait::async_trait;
use terrane_dsl::value::{Type, Value};
use terrane_provider::values::{get_str, with_attrs};
use terrane_provider::{
    ApplyError, AttributeSchema, BlockSchema, PlanRequest, PlanResponse, ProviderError,
    ResourceSchema,
};

use super::bucket_gone;
use crate::client::s3::S3Request;
use crate::client::{AwsError, Idempotency};
use crate::common::{comp, fail, need, plan_generic, Aws, PlanCtx, ResourceType};
use crate::iam::{keep_policy, policies_equal};

pub struct BucketPolicy;

fn block() -> BlockSchema {
    BlockSchema::with_attributes([
        (
            "bucket",
            AttributeSchema::required(Type::String).force_new(),
        ),
        ("policy", AttributeSchema::required(Type::String)),
        ("id", comp(Type::String)),
    ])
}

/// The bucket's policy document; `None` when the bucket has none or is gone.
pub async fn get_policy(aws: &Aws, bucket: &str) -> Result<Option<String>, AwsError> {
    let req = S3Request::bucket(bucket, "policy");
    match aws
        .client
        .s3("GetBucketPolicy", "GET", &req, Idempotency::Safe)
        .await
    {
        Ok(r) => Ok(Some(String::from_utf8_lossy(&r.body).into_owned())),
        Err(e) if e.is("NoSuchBucketPolicy") || bucket_gone(&e) => Ok(None),
        Err(e) => Err(e),
    }
}

async fn read(aws: &Aws, prior: &Value) -> Result<Option<Value>, ProviderError> {
    let bucket = need(prior, "id")?;
    let remote = get_policy(aws, bucket)
        .await
        .map_err(fail(format!("reading S3 Bucket Policy ({bucket})")))?;
    Ok(remote.map(|doc| {
        with_attrs(
            prior,
            [
                ("id", Value::string(bucket)),
                ("bucket", Value::string(bucket)),
                ("policy", keep_policy(get_str(prior, "policy"), &doc)),
            ],
        )
    }))
}

async fn put(aws: &Aws, bucket: &str, policy: &str) -> Result<(), AwsError> {
    let mut req = S3Request::bucket(bucket, "policy");
    req.body = policy.as_bytes().to_vec();
    req.headers.push((
        "content-md5".into(),
        crate::client::s3::content_md5(&req.body),
    ));
    // A new bucket, or a principal just made, may not be visible at once.
    crate::common::retry_on(
        &["NoSuchBucket", "MalformedPolicy"],
        Duration::from_secs(120),
        || {
            aws.client
                .s3("PutBucketPolicy", "PUT", &req, Idempotency::Safe)
        },
    )
    .await?;
    Ok(())
}

#[async_trait]
impl ResourceType for BucketPolicy {
    fn name(&self) -> &'static str {
        "aws_s3_bucket_policy"
    }

    fn schema(&self) -> ResourceSchema {
        ResourceSchema {
            version: 0,
            block: block(),
        }
    }

    fn plan(&self, ctx: &PlanCtx, req: PlanRequest) -> Result<PlanResponse, ProviderError> {
        let mut resp = plan_generic(&block(), ctx, &req, &[]);
        resp.planned_state = crate::iam::plan_kept_policies(
            resp.planned_state,
            req.prior_state.as_ref(),
            &["policy"],
        );
        if req.prior_state.is_none() {
            if let Some(b) = get_str(&req.config, "bucket") {
                resp.planned_state = with_attrs(&resp.planned_state, [("id", Value::string(b))]);
            }
        }
        Ok(resp)
    }

    async fn create(&self, aws: &Aws, planned: &Value, _token: &str) -> Result<Value, ApplyError> {
        let bucket = need(planned, "bucket")?;
        put(aws, bucket, need(planned, "policy")?)
            .await
            .map_err(fail(format!("creating S3 Bucket Policy ({bucket})")))?;
        let with_id = with_attrs(planned, [("id", Value::string(bucket))]);
        crate::ec2::read_after_create(|| read(aws, &with_id))
            .await
            .map_err(|e| ApplyError::partial(e, with_id.clone()))
    }

    async fn update(&self, aws: &Aws, prior: &Value, planned: &Value) -> Result<Value, ApplyError> {
        let bucket = need(prior, "id")?;
        let (old, new) = (
            get_str(prior, "policy").unwrap_or_default(),
            need(planned, "policy")?,
        );
        if !policies_equal(old, new) {
            put(aws, bucket, new)
                .await
                .map_err(fail(format!("updating S3 Bucket Policy ({bucket})")))?;
        }
        // A document that says the same as before makes no call; the state keeps the
        // configuration's text either way (see `read`).
        read(aws, planned)
            .await?
            .ok_or_else(|| ProviderError::new("S3 Bucket Policy gone", bucket.to_string()).into())
    }

    async fn delete(&self, aws: &Aws, prior: &Value) -> Result<(), ProviderError> {
        let bucket = need(prior, "id")?;
        let req = S3Request::bucket(bucket, "policy");
        match aws
            .client
            .s3("DeleteBucketPolicy", "DELETE", &req, Idempotency::Safe)
            .await
        {
            Ok(_) => Ok(()),
            Err(e) if e.is("NoSuchBucketPolicy") || bucket_gone(&e) => Ok(()),
            Err(e) => Err(e.into_provider_error(&format!("deleting S3 Bucket Policy ({bucket})"))),
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
