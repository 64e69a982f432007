//! `aws_volume_attachment`: an EBS volume attached to an instance at a device name; every
//! argument but `force_detach`/`skip_destroy` forces a new attachment. The id is derived
//! from the device, instance and volume (an attachment has no id or tags of its own).

use std::time::{Duration, Instant};

use async_trait::async_trait;
use terrane_dsl::value::{Type, Value};
use terrane_provider::values::{get_bool, get_str, with_attrs};
use terrane_provider::{
    ApplyError, AttributeSchema, BlockSchema, PlanRequest, PlanResponse, ProviderError,
    ResourceSchema,
};

use super::ebs_volume::DESCRIBE;
use crate::client::{Idempotency, Params};
use crate::common::{comp, fail, need, opt, plan_generic, timeout, Aws, PlanCtx, ResourceType};

pub struct VolumeAttachment;

fn block() -> BlockSchema {
    let req = || AttributeSchema::required(Type::String).force_new();
    BlockSchema::with_attributes([
        ("device_name", req()),
        ("instance_id", req()),
        ("volume_id", req()),
        ("force_detach", opt(Type::Bool)),
        ("skip_destroy", opt(Type::Bool)),
        ("stop_instance_before_detaching", opt(Type::Bool)),
        ("id", comp(Type::String)),
    ])
}

/// The attachment's id: a stable hash of device, instance and volume.
fn attachment_id(device: &str, instance: &str, volume: &str) -> String {
    let mut h: u32 = 0x811c_9dc5;
    for byte in format!("{device}-{instance}-{volume}-").bytes() {
        h ^= u32::from(byte);
        h = h.wrapping_mul(0x0100_0193);
    }
    format!("vai-{h}")
}

/// The attachment's state on AWS (`attached`, `detaching`...), `None` when there is none.
async fn status(aws: &Aws, v: &Value) -> Result<Option<String>, ProviderError> {
    let (vol, inst, dev) = (
        need(v, "volume_id")?,
        need(v, "instance_id")?,
        need(v, "device_name")?,
    );
    let el = DESCRIBE
        .one(aws, vol)
        .await
        .map_err(fail(format!("reading EBS Volume ({vol})")))?;
    Ok(el.and_then(|el| {
        el.items("attachmentSet")
            .into_iter()
            .find(|a| a.text_of("instanceId") == Some(inst) && a.text_of("device") == Some(dev))
            .and_then(|a| a.text_of("status").map(str::to_string))
    }))
}

async fn wait(
    aws: &Aws,
    v: &Value,
    want: Option<&str>,
    limit: Duration,
) -> Result<(), ProviderError> {
    let start = Instant::now();
    let mut pause = Duration::from_millis(200);
    loop {
        let st = status(aws, v).await?;
        if st.as_deref() == want {
            return Ok(());
        }
        if start.elapsed() >= limit {
            return Err(ProviderError::new(
                "Timeout waiting for EBS Volume attachment",
                format!("The attachment is {st:?} after {limit:?}, waiting for {want:?}."),
            ));
        }
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(Duration::from_secs(10));
    }
}

async fn read(aws: &Aws, prior: &Value) -> Result<Option<Value>, ProviderError> {
    Ok(status(aws, prior).await?.map(|_| prior.clone()))
}

#[async_trait]
impl ResourceType for VolumeAttachment {
    fn name(&self) -> &'static str {
        "aws_volume_attachment"
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

    async fn create(&self, aws: &Aws, planned: &Value, _token: &str) -> Result<Value, ApplyError> {
        let (dev, inst, vol) = (
            need(planned, "device_name")?,
            need(planned, "instance_id")?,
            need(planned, "volume_id")?,
        );
        let p = Params::new()
            .set("Device", dev)
            .set("InstanceId", inst)
            .set("VolumeId", vol);
        aws.client
            .ec2_write("AttachVolume", &p, Idempotency::Safe)
            .await
            .map_err(fail(format!("attaching EBS Volume ({vol}) to {inst}")))?;
        let v = with_attrs(
            planned,
            [("id", Value::string(attachment_id(dev, inst, vol)))],
        );
        let limit = timeout(planned, "create", Duration::from_secs(300));
        wait(aws, &v, Some("attached"), limit)
            .await
            .map_err(|e| ApplyError::partial(e, v.clone()))?;
        Ok(v)
    }

    async fn update(
        &self,
        _aws: &Aws,
        _prior: &Value,
        planned: &Value,
    ) -> Result<Value, ApplyError> {
        Ok(planned.clone())
    }

    async fn delete(&self, aws: &Aws, prior: &Value) -> Result<(), ProviderError> {
        if get_bool(prior, "skip_destroy") == Some(true) {
            return Ok(());
        }
        let p = Params::new()
            .set("Device", need(prior, "device_name")?)
            .set("InstanceId", need(prior, "instance_id")?)
            .set("VolumeId", need(prior, "volume_id")?)
            .opt(
                "Force",
                get_bool(prior, "force_detach").map(|b| b.to_string()),
            );
        match aws
            .client
            .ec2_write("DetachVolume", &p, Idempotency::Safe)
            .await
        {
            Ok(_) => {}
            Err(e) if e.is_not_found() => return Ok(()),
            Err(e) => return Err(e.into_provider_error("detaching EBS Volume")),
        }
        wait(
            aws,
            prior,
            None,
            timeout(prior, "delete", Duration::from_secs(300)),
        )
        .await
    }

    async fn read(&self, aws: &Aws, state: &Value) -> Result<Option<Value>, ProviderError> {
        read(aws, state).await
    }

    async fn import(
        &self,
        aws: &Aws,
        block: &BlockSchema,
        id: &str,
    ) -> Result<Vec<Value>, ProviderError> {
        let parts: Vec<&str> = id.split(':').collect();
        let [dev, vol, inst] = parts[..] else {
            return Err(ProviderError::new(
                "Invalid import id",
                format!("Expected DEVICE_NAME:VOLUME_ID:INSTANCE_ID, got {id:?}."),
            ));
        };
        let v = terrane_provider::values::object_for(
            block,
            [
                ("device_name", Value::string(dev)),
                ("volume_id", Value::string(vol)),
                ("instance_id", Value::string(inst)),
                ("id", Value::string(attachment_id(dev, inst, vol))),
            ],
        );
        match read(aws, &v).await? {
            Some(v) => Ok(vec![v]),
            None => Err(ProviderError::new(
                "Cannot import non-existent remote object",
                format!("No attachment {id:?} exists."),
            )),
        }
    }

    async fn find_by_token(
        &self,
        _aws: &Aws,
        _token: &str,
    ) -> Result<Option<Value>, ProviderError> {
        // An attachment carries no tag: found by its configuration (below).
        Ok(None)
    }

    async fn find_by_config(
        &self,
        aws: &Aws,
        config: &Value,
    ) -> Result<Option<Value>, ProviderError> {
        // The configured volume attached (or attaching) to the configured instance at the
        // configured device.
        let (Some(dev), Some(inst), Some(vol)) = (
            get_str(config, "device_name"),
            get_str(config, "instance_id"),
            get_str(config, "volume_id"),
        ) else {
            return Ok(None);
        };
        let id = Value::string(attachment_id(dev, inst, vol));
        let v = with_attrs(config, [("id", id)]);
        let status = status(aws, &v).await?;
        Ok(status
            .filter(|s| s == "attaching" || s == "attached")
            .map(|_| v))
    }
}

/// The id of an attachment (for tests).
pub fn id_of(v: &Value) -> Option<&str> {
    get_str(v, "id")
}
