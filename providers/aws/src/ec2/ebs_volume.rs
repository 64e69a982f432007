//! `aws_ebs_volume`: an EBS volume, waited for until `available`; size, type, IOPS and
//! throughput change in place with ModifyVolume, the zone, snapshot and encryption force a
//! new volume.

use std::time::{Duration, Instant};

use async_trait::async_trait;
use terrane_dsl::value::{Type, Value};
use terrane_provider::values::{get_bool, get_i64, get_str, object_for, with_attr, with_attrs};
use terrane_provider::{
    ApplyError, AttributeSchema, BlockSchema, PlanRequest, PlanResponse, ProviderError,
    ResourceSchema,
};

use super::{read_after_create, text, Describe};
use crate::client::{Element, Idempotency, Params};
use crate::common::{
    arn, b, comp, fail, n, need, opt, optc, plan_generic, tag_attrs, timeout, Aws, PlanCtx,
    ResourceType, WithAttributes,
};
use crate::tags;

pub struct EbsVolume;

pub const DESCRIBE: Describe = Describe {
    action: "DescribeVolumes",
    id_param: "VolumeId",
    list: "volumeSet",
    id_field: "volumeId",
};

fn block() -> BlockSchema {
    let st = || Type::String;
    BlockSchema::with_attributes([
        (
            "availability_zone",
            AttributeSchema::required(st()).force_new(),
        ),
        ("size", optc(Type::Number)),
        ("type", optc(st())),
        ("iops", optc(Type::Number)),
        ("throughput", optc(Type::Number)),
        ("encrypted", optc(Type::Bool).force_new()),
        ("kms_key_id", optc(st()).force_new()),
        ("snapshot_id", optc(st()).force_new()),
        ("multi_attach_enabled", opt(Type::Bool).force_new()),
        ("outpost_arn", opt(st()).force_new()),
        ("final_snapshot", opt(Type::Bool)),
        ("id", comp(st())),
        ("arn", comp(st())),
        ("create_time", comp(st())),
    ])
    .with_attributes_from(tag_attrs())
}

fn state_from(aws: &Aws, prior: &Value, owner: &str, el: &Element) -> Value {
    let id = el.text_of("volumeId").unwrap_or_default();
    let v = with_attrs(
        prior,
        [
            ("id", Value::string(id)),
            (
                "arn",
                Value::string(arn(aws, "ec2", owner, &format!("volume/{id}"))),
            ),
            ("availability_zone", text(el, "availabilityZone")),
            ("size", n(el.i64_of("size"))),
            ("type", text(el, "volumeType")),
            ("iops", Value::int(el.i64_of("iops").unwrap_or(0))),
            (
                "throughput",
                Value::int(el.i64_of("throughput").unwrap_or(0)),
            ),
            (
                "encrypted",
                b(Some(el.bool_of("encrypted").unwrap_or(false))),
            ),
            (
                "kms_key_id",
                Value::string(el.text_of("kmsKeyId").unwrap_or("")),
            ),
            (
                "snapshot_id",
                Value::string(el.text_of("snapshotId").unwrap_or("")),
            ),
            ("create_time", text(el, "createTime")),
        ],
    );
    with_attrs(&v, tags::state_values(aws, prior, tags::from_ec2(aws, el)))
}

async fn describe(aws: &Aws, id: &str) -> Result<Option<Element>, ProviderError> {
    DESCRIBE
        .one(aws, id)
        .await
        .map_err(fail(format!("reading EBS Volume ({id})")))
}

async fn read(aws: &Aws, prior: &Value) -> Result<Option<Value>, ProviderError> {
    let id = need(prior, "id")?;
    let owner = match aws.caller().await {
        Ok((account, _, _)) => account.clone(),
        Err(_) => String::new(),
    };
    Ok(describe(aws, id)
        .await?
        .map(|el| state_from(aws, prior, &owner, &el)))
}

/// Waits until the volume is `want` (`None`: gone); returns it as last described.
async fn wait(
    aws: &Aws,
    id: &str,
    want: Option<&str>,
    limit: Duration,
) -> Result<Option<Element>, ProviderError> {
    let start = Instant::now();
    let mut pause = Duration::from_millis(200);
    loop {
        let el = describe(aws, id).await?;
        let state = el.as_ref().and_then(|e| e.text_of("status"));
        if state == want {
            return Ok(el);
        }
        if start.elapsed() >= limit {
            return Err(ProviderError::new(
                "Timeout waiting for EBS Volume",
                format!("EBS Volume ({id}) is {state:?} after {limit:?}, waiting for {want:?}."),
            ));
        }
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(Duration::from_secs(10));
    }
}

fn num(v: &Value, name: &str) -> Option<String> {
    get_i64(v, name)
        .ok()
        .flatten()
        .filter(|x| *x > 0)
        .map(|x| x.to_string())
}

#[async_trait]
impl ResourceType for EbsVolume {
    fn name(&self) -> &'static str {
        "aws_ebs_volume"
    }

    fn schema(&self) -> ResourceSchema {
        ResourceSchema {
            version: 0,
            block: block(),
        }
    }

    fn plan(&self, ctx: &PlanCtx, req: PlanRequest) -> Result<PlanResponse, ProviderError> {
        Ok(plan_generic(&block(), ctx, &req, &[]))
    }

    async fn create(&self, aws: &Aws, planned: &Value, token: &str) -> Result<Value, ApplyError> {
        let p = Params::new()
            .set("AvailabilityZone", need(planned, "availability_zone")?)
            .set("ClientToken", token)
            .opt("Size", num(planned, "size"))
            .opt("VolumeType", get_str(planned, "type"))
            .opt("Iops", num(planned, "iops"))
            .opt("Throughput", num(planned, "throughput"))
            .opt(
                "KmsKeyId",
                get_str(planned, "kms_key_id").filter(|s| !s.is_empty()),
            )
            .opt(
                "SnapshotId",
                get_str(planned, "snapshot_id").filter(|s| !s.is_empty()),
            )
            .opt("OutpostArn", get_str(planned, "outpost_arn"))
            .opt(
                "Encrypted",
                get_bool(planned, "encrypted").map(|b| b.to_string()),
            )
            .opt(
                "MultiAttachEnabled",
                get_bool(planned, "multi_attach_enabled").map(|b| b.to_string()),
            );
        let p = tags::spec(p, "volume", &tags::for_create(planned, token));
        let id = DESCRIBE
            .create(aws, "CreateVolume", &p, &["volumeId"], token)
            .await
            .map_err(fail("creating EBS Volume"))?;
        let with_id = with_attr(planned, "id", Value::string(&id));
        let partial = |e: ProviderError| ApplyError::partial(e, with_id.clone());
        let limit = timeout(planned, "create", Duration::from_secs(300));
        // The wait's last describe is the volume as it now is: no second one.
        if let Some(el) = wait(aws, &id, Some("available"), limit)
            .await
            .map_err(partial)?
        {
            let owner = match aws.caller().await {
                Ok((account, _, _)) => account.clone(),
                Err(_) => String::new(),
            };
            return Ok(state_from(aws, &with_id, &owner, &el));
        }
        read_after_create(|| read(aws, &with_id))
            .await
            .map_err(partial)
    }

    async fn update(&self, aws: &Aws, prior: &Value, planned: &Value) -> Result<Value, ApplyError> {
        let id = need(prior, "id")?;
        let differs = |n: &str| match (prior.get_attr(n), planned.get_attr(n)) {
            (Some(a), Some(b)) => b.is_known() && !a.raw_equals(b),
            _ => false,
        };
        if ["size", "type", "iops", "throughput"]
            .iter()
            .any(|n| differs(n))
        {
            let p = Params::new()
                .set("VolumeId", id)
                .opt("Size", num(planned, "size").filter(|_| differs("size")))
                .opt(
                    "VolumeType",
                    get_str(planned, "type").filter(|_| differs("type")),
                )
                .opt("Iops", num(planned, "iops").filter(|_| differs("iops")))
                .opt(
                    "Throughput",
                    num(planned, "throughput").filter(|_| differs("throughput")),
                );
            aws.client
                .ec2_write("ModifyVolume", &p, Idempotency::Safe)
                .await
                .map_err(fail(format!("modifying EBS Volume ({id})")))?;
        }
        tags::update_ec2(aws, id, prior, planned)
            .await
            .map_err(fail(format!("updating EBS Volume ({id}) tags")))?;
        read(aws, planned)
            .await?
            .ok_or_else(|| ProviderError::new("EBS Volume gone", id.to_string()).into())
    }

    async fn delete(&self, aws: &Aws, prior: &Value) -> Result<(), ProviderError> {
        let id = need(prior, "id")?;
        let p = Params::new().set("VolumeId", id);
        match aws
            .client
            .ec2_write("DeleteVolume", &p, Idempotency::Safe)
            .await
        {
            Ok(_) => {}
            Err(e) if e.is_not_found() => return Ok(()),
            Err(e) => return Err(e.into_provider_error(&format!("deleting EBS Volume ({id})"))),
        }
        wait(
            aws,
            id,
            None,
            timeout(prior, "delete", Duration::from_secs(300)),
        )
        .await
        .map(|_| ())
    }

    async fn read(&self, aws: &Aws, state: &Value) -> Result<Option<Value>, ProviderError> {
        read(aws, state).await
    }

    async fn find_by_token(&self, aws: &Aws, token: &str) -> Result<Option<Value>, ProviderError> {
        let id = DESCRIBE
            .by_token(aws, token)
            .await
            .map_err(fail("finding EBS Volume by token"))?;
        match id {
            Some(id) => read(aws, &object_for(&block(), [("id", Value::string(id))])).await,
            None => Ok(None),
        }
    }
}
