//! What `aws_instance` asks EC2: describing an instance, its user data and volumes, waiting
//! for a state, stopping and starting, and the block device and metadata parameters of
//! RunInstances.

use std::time::{Duration, Instant};

use terrane_dsl::value::{Type, Value};
use terrane_provider::values::{
    get_bool, get_i64, get_str, get_string_map, string_map, with_attrs,
};
use terrane_provider::ProviderError;

use crate::client::{AwsError, Element, Idempotency, Params};
use crate::common::{b, fail, s, Aws};
use crate::tags;

/// The instance with this id and its reservation's owner, `None` when it does not exist.
pub async fn describe(aws: &Aws, id: &str) -> Result<Option<(String, Element)>, AwsError> {
    let p = Params::new().set("InstanceId.1", id);
    let r = match aws.client.ec2("DescribeInstances", &p).await {
        Ok(r) => r,
        Err(e) if e.is_not_found() => return Ok(None),
        Err(e) => return Err(e),
    };
    for res in r.items("reservationSet") {
        let owner = res.text_of("ownerId").unwrap_or_default().to_string();
        for i in res.items("instancesSet") {
            if i.text_of("instanceId") == Some(id) {
                return Ok(Some((owner, i.clone())));
            }
        }
    }
    Ok(None)
}

/// The id of the live instance tagged with `token`.
pub async fn by_token(aws: &Aws, token: &str) -> Result<Option<String>, AwsError> {
    let states = ["pending", "running", "stopping", "stopped", "shutting-down"];
    let filters = vec![
        tags::token_filter(token),
        (
            "instance-state-name".to_string(),
            states.iter().map(|s| s.to_string()).collect(),
        ),
    ];
    let p = Params::new().filters(&filters);
    let found = aws
        .client
        .ec2_pages("DescribeInstances", &p, "reservationSet")
        .await?;
    Ok(found
        .iter()
        .flat_map(|r| r.items("instancesSet"))
        .find_map(|i| i.text_of("instanceId"))
        .map(str::to_string))
}

/// The instance's user data (base64), `None` when it has none.
pub async fn user_data(aws: &Aws, id: &str) -> Result<Option<String>, AwsError> {
    let p = Params::new()
        .set("InstanceId", id)
        .set("Attribute", "userData");
    let r = aws.client.ec2("DescribeInstanceAttribute", &p).await?;
    Ok(r.text_at(&["userData", "value"])
        .filter(|v| !v.is_empty())
        .map(str::to_string))
}

/// The root device name of an AMI.
pub async fn root_device_name(aws: &Aws, ami: &str) -> Result<Option<String>, AwsError> {
    let p = Params::new().set("ImageId.1", ami);
    let r = aws.client.ec2("DescribeImages", &p).await?;
    Ok(r.items("imagesSet")
        .first()
        .and_then(|i| i.text_of("rootDeviceName"))
        .map(str::to_string))
}

/// Waits until the instance is in `want` (a missing instance counts as `terminated`).
pub async fn wait_state(
    aws: &Aws,
    id: &str,
    want: &str,
    limit: Duration,
) -> Result<(), ProviderError> {
    let start = Instant::now();
    let mut wait = Duration::from_millis(200);
    loop {
        let state = describe(aws, id)
            .await
            .map_err(fail(format!("reading EC2 Instance ({id})")))?
            .and_then(|(_, el)| el.text_at(&["instanceState", "name"]).map(str::to_string))
            .unwrap_or_else(|| "terminated".to_string());
        if state == want {
            return Ok(());
        }
        if state == "terminated" || (want == "running" && state == "stopped") {
            return Err(ProviderError::new(
                "EC2 Instance in an unexpected state",
                format!("EC2 Instance ({id}) is {state}, waiting for {want}."),
            ));
        }
        if start.elapsed() >= limit {
            return Err(ProviderError::new(
                "Timeout waiting for EC2 Instance",
                format!(
                    "EC2 Instance ({id}) is still {state} after {limit:?}, waiting for {want}."
                ),
            ));
        }
        tokio::time::sleep(wait).await;
        wait = (wait * 2).min(Duration::from_secs(10));
    }
}

/// Stops the instance and waits for `stopped`.
pub async fn stop(aws: &Aws, id: &str, limit: Duration) -> Result<(), ProviderError> {
    let p = Params::new().set("InstanceId.1", id);
    aws.client
        .ec2_write("StopInstances", &p, Idempotency::Safe)
        .await
        .map_err(fail(format!("stopping EC2 Instance ({id})")))?;
    wait_state(aws, id, "stopped", limit).await
}

/// Starts the instance and waits for `running`.
pub async fn start(aws: &Aws, id: &str, limit: Duration) -> Result<(), ProviderError> {
    let p = Params::new().set("InstanceId.1", id);
    aws.client
        .ec2_write("StartInstances", &p, Idempotency::Safe)
        .await
        .map_err(fail(format!("starting EC2 Instance ({id})")))?;
    wait_state(aws, id, "running", limit).await
}

/// The elements of a nested block value.
pub fn elements(v: &Value, name: &str) -> Vec<Value> {
    v.get_attr(name)
        .and_then(Value::elements)
        .map(<[Value]>::to_vec)
        .unwrap_or_default()
}

pub fn has_root_block(v: &Value) -> bool {
    !elements(v, "root_block_device").is_empty()
}

/// A set of strings from the items of a list.
pub fn strings(items: &[&Element], field: &str) -> Vec<String> {
    items
        .iter()
        .filter_map(|i| i.text_of(field))
        .map(str::to_string)
        .collect()
}

pub fn set_of(items: Vec<String>) -> Value {
    crate::common::string_set(items)
}

fn ebs_params(mut p: Params, prefix: &str, dev: &Value) -> Params {
    let num = |n: &str| get_i64(dev, n).ok().flatten().map(|v| v.to_string());
    p = p
        .opt(&format!("{prefix}.Ebs.VolumeSize"), num("volume_size"))
        .opt(
            &format!("{prefix}.Ebs.VolumeType"),
            get_str(dev, "volume_type"),
        )
        .opt(&format!("{prefix}.Ebs.Iops"), num("iops"))
        .opt(&format!("{prefix}.Ebs.Throughput"), num("throughput"))
        .opt(
            &format!("{prefix}.Ebs.KmsKeyId"),
            get_str(dev, "kms_key_id"),
        )
        .opt(
            &format!("{prefix}.Ebs.SnapshotId"),
            get_str(dev, "snapshot_id"),
        )
        .opt(
            &format!("{prefix}.Ebs.Encrypted"),
            get_bool(dev, "encrypted").map(|b| b.to_string()),
        )
        .set(
            format!("{prefix}.Ebs.DeleteOnTermination"),
            get_bool(dev, "delete_on_termination")
                .unwrap_or(true)
                .to_string(),
        );
    p
}

/// RunInstances' `BlockDeviceMapping.N` parameters.
pub fn block_device_params(mut p: Params, planned: &Value, root_device: Option<&str>) -> Params {
    let mut n = 0;
    if let (Some(root), Some(dev)) = (root_device, elements(planned, "root_block_device").first()) {
        n += 1;
        p = p.set(format!("BlockDeviceMapping.{n}.DeviceName"), root);
        p = ebs_params(p, &format!("BlockDeviceMapping.{n}"), dev);
    }
    for dev in elements(planned, "ebs_block_device") {
        let Some(name) = get_str(&dev, "device_name") else {
            continue;
        };
        n += 1;
        p = p.set(format!("BlockDeviceMapping.{n}.DeviceName"), name);
        p = ebs_params(p, &format!("BlockDeviceMapping.{n}"), &dev);
    }
    p
}

/// RunInstances' `MetadataOptions.*` parameters.
pub fn metadata_params(mut p: Params, planned: &Value) -> Params {
    let Some(m) = elements(planned, "metadata_options").into_iter().next() else {
        return p;
    };
    for (attr, param) in [
        ("http_endpoint", "HttpEndpoint"),
        ("http_tokens", "HttpTokens"),
        ("http_protocol_ipv6", "HttpProtocolIpv6"),
        ("instance_metadata_tags", "InstanceMetadataTags"),
    ] {
        p = p.opt(&format!("MetadataOptions.{param}"), get_str(&m, attr));
    }
    let hops = get_i64(&m, "http_put_response_hop_limit").ok().flatten();
    p.opt(
        "MetadataOptions.HttpPutResponseHopLimit",
        hops.map(|h| h.to_string()),
    )
}

fn block_value(name: &str, mode_set: bool, items: Vec<Value>) -> Value {
    let schema = super::instance::block();
    let ety = schema
        .blocks
        .get(name)
        .map(|b| b.block.implied_type())
        .unwrap_or(Type::Dynamic);
    let v = if mode_set {
        Value::set(ety.clone(), items)
    } else {
        Value::list(ety.clone(), items)
    };
    v.unwrap_or_else(|_| {
        Value::null(if mode_set {
            Type::set(ety)
        } else {
            Type::list(ety)
        })
    })
}

fn nested_tags(dev: &Value) -> Value {
    string_map(get_string_map(dev, "tags").unwrap_or_default())
}

/// The block device and metadata blocks the prior state has, with what AWS says filled in.
pub fn device_blocks(v: &Value, prior: &Value, el: &Element) -> Value {
    let mappings = el.items("blockDeviceMapping");
    let root_name = el.text_of("rootDeviceName");
    let mapping = |dev: Option<&str>| mappings.iter().find(|m| m.text_of("deviceName") == dev);
    let fill = |dev: &Value, m: Option<&Element>, name: Option<&str>| {
        let mut set = vec![
            (
                "volume_id",
                s(m.and_then(|m| m.text_at(&["ebs", "volumeId"]))),
            ),
            (
                "delete_on_termination",
                b(m.and_then(|m| m.child("ebs"))
                    .and_then(|e| e.bool_of("deleteOnTermination"))),
            ),
            ("tags_all", nested_tags(dev)),
        ];
        if let Some(name) = name {
            set.push(("device_name", Value::string(name)));
        }
        with_attrs(dev, set)
    };
    let roots: Vec<Value> = elements(prior, "root_block_device")
        .iter()
        .map(|d| fill(d, mapping(root_name).copied(), root_name))
        .collect();
    let ebs: Vec<Value> = elements(prior, "ebs_block_device")
        .iter()
        .map(|d| fill(d, mapping(get_str(d, "device_name")).copied(), None))
        .collect();
    let meta: Vec<Value> = elements(prior, "metadata_options")
        .iter()
        .map(|m| {
            let o = el.child("metadataOptions");
            let t = |n: &str| s(o.and_then(|o| o.text_of(n)));
            with_attrs(
                m,
                [
                    ("http_endpoint", t("httpEndpoint")),
                    ("http_tokens", t("httpTokens")),
                    ("http_protocol_ipv6", t("httpProtocolIpv6")),
                    ("instance_metadata_tags", t("instanceMetadataTags")),
                    (
                        "http_put_response_hop_limit",
                        crate::common::n(o.and_then(|o| o.i64_of("httpPutResponseHopLimit"))),
                    ),
                ],
            )
        })
        .collect();
    with_attrs(
        v,
        [
            (
                "root_block_device",
                block_value("root_block_device", false, roots),
            ),
            (
                "ebs_block_device",
                block_value("ebs_block_device", true, ebs),
            ),
            (
                "metadata_options",
                block_value("metadata_options", false, meta),
            ),
        ],
    )
}

/// Fills the volume attributes of the block device blocks from DescribeVolumes.
pub async fn with_volumes(aws: &Aws, v: Value) -> Result<Value, AwsError> {
    let roots = elements(&v, "root_block_device");
    let ebs = elements(&v, "ebs_block_device");
    let ids: Vec<String> = roots
        .iter()
        .chain(ebs.iter())
        .filter_map(|d| get_str(d, "volume_id"))
        .map(str::to_string)
        .collect();
    if ids.is_empty() {
        return Ok(v);
    }
    let p = Params::new().list("VolumeId", &ids);
    let vols = aws
        .client
        .ec2_pages("DescribeVolumes", &p, "volumeSet")
        .await?;
    let fill = |dev: &Value| {
        let Some(vol) = vols
            .iter()
            .find(|x| x.text_of("volumeId") == get_str(dev, "volume_id"))
        else {
            return dev.clone();
        };
        let num = |n: &str| crate::common::n(vol.i64_of(n));
        with_attrs(
            dev,
            [
                ("volume_size", num("size")),
                ("volume_type", s(vol.text_of("volumeType"))),
                ("iops", num("iops")),
                ("throughput", num("throughput")),
                ("encrypted", b(vol.bool_of("encrypted"))),
                (
                    "kms_key_id",
                    Value::string(vol.text_of("kmsKeyId").unwrap_or("")),
                ),
            ],
        )
    };
    let roots = roots.iter().map(fill).collect();
    let ebs: Vec<Value> = ebs
        .iter()
        .map(|d| {
            let f = fill(d);
            let snap = vols
                .iter()
                .find(|x| x.text_of("volumeId") == get_str(d, "volume_id"))
                .and_then(|x| x.text_of("snapshotId"));
            with_attrs(&f, [("snapshot_id", Value::string(snap.unwrap_or("")))])
        })
        .collect();
    Ok(with_attrs(
        &v,
        [
            (
                "root_block_device",
                block_value("root_block_device", false, roots),
            ),
            (
                "ebs_block_device",
                block_value("ebs_block_device", true, ebs),
            ),
        ],
    ))
}
