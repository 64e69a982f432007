//! `aws_launch_configuration`: an immutable launch configuration (every argument forces a new
//! one; users pair `name_prefix` with `create_before_destroy`). The id is the name.
//!
//! **Adoption.** Launch configurations carry no tags. When `name` is not set, the name is
//! `name_prefix` (default `terraform-`) followed by 26 hex digits derived from the create's
//! idempotency token, so `find_by_token` finds what an interrupted create made by that
//! suffix, and a repeated create of the same name is known to be ours. A configuration
//! that sets `name` cannot be adopted: a repeated create fails with AWS's `AlreadyExists`.

use async_trait::async_trait;
use base64::Engine;
use terrane_dsl::value::{Number, Type, Value};
use terrane_provider::values::{get_bool, get_i64, get_str, object_for, with_attr, with_attrs};
use terrane_provider::{
    ApplyError, AttributeSchema, BlockSchema, NestedBlockSchema, NestingMode, PlanRequest,
    PlanResponse, ProviderError, ResourceSchema,
};

use super::{is_gone, member_texts, members, pages, set_or_null, token_name, token_suffix};
use crate::client::endpoint::AUTOSCALING;
use crate::client::{retry, Element, Idempotency, Params};
use crate::common::{
    b, comp, fail, n, need, opt, optc, plan_generic, s, timeout, Aws, PlanCtx, ResourceType,
};
use crate::ec2::instance_api::{elements, root_device_name};

pub struct LaunchConfiguration;

fn device_block(root: bool) -> BlockSchema {
    let mut blk = BlockSchema::with_attributes([
        ("delete_on_termination", optc(Type::Bool).force_new()),
        ("encrypted", optc(Type::Bool).force_new()),
        ("iops", optc(Type::Number).force_new()),
        ("throughput", optc(Type::Number).force_new()),
        ("volume_size", optc(Type::Number).force_new()),
        ("volume_type", optc(Type::String).force_new()),
    ]);
    if !root {
        for (k, a) in [
            (
                "device_name",
                AttributeSchema::required(Type::String).force_new(),
            ),
            ("no_device", opt(Type::Bool).force_new()),
            ("snapshot_id", optc(Type::String).force_new()),
        ] {
            blk.attributes.insert(k.into(), a);
        }
    }
    blk
}

pub fn block() -> BlockSchema {
    let st = || Type::String;
    BlockSchema::with_attributes([
        ("name", optc(st()).force_new()),
        ("name_prefix", optc(st()).force_new()),
        ("image_id", AttributeSchema::required(st()).force_new()),
        ("instance_type", AttributeSchema::required(st()).force_new()),
        ("key_name", optc(st()).force_new()),
        ("security_groups", opt(Type::set(st())).force_new()),
        ("user_data", opt(st()).force_new()),
        ("user_data_base64", opt(st()).force_new()),
        ("associate_public_ip_address", optc(Type::Bool).force_new()),
        ("iam_instance_profile", opt(st()).force_new()),
        ("enable_monitoring", optc(Type::Bool).force_new()),
        ("ebs_optimized", optc(Type::Bool).force_new()),
        ("placement_tenancy", opt(st()).force_new()),
        ("spot_price", opt(st()).force_new()),
        ("id", comp(st())),
        ("arn", comp(st())),
    ])
    .with_block(
        "root_block_device",
        NestedBlockSchema::new(NestingMode::List, device_block(true)).items(0, 1),
    )
    .with_block(
        "ebs_block_device",
        NestedBlockSchema::new(NestingMode::Set, device_block(false)),
    )
}

/// The launch configuration named `name`, `None` when there is none.
pub async fn describe(aws: &Aws, name: &str) -> Result<Option<Element>, ProviderError> {
    let p = Params::new().set("LaunchConfigurationNames.member.1", name);
    let r = aws
        .call(
            &AUTOSCALING,
            "DescribeLaunchConfigurations",
            &p,
            Idempotency::Safe,
        )
        .await
        .map_err(fail(format!(
            "reading Auto Scaling Launch Configuration ({name})"
        )))?;
    Ok(r.items("LaunchConfigurations")
        .into_iter()
        .find(|e| e.text_of("LaunchConfigurationName") == Some(name))
        .cloned())
}

/// The user data as AWS keeps it (base64), from `user_data` or `user_data_base64`.
fn user_data_b64(v: &Value) -> Option<String> {
    if let Some(u) = get_str(v, "user_data_base64") {
        return Some(u.to_string());
    }
    get_str(v, "user_data").map(|u| base64::engine::general_purpose::STANDARD.encode(u))
}

fn decode(s: &str) -> Vec<u8> {
    base64::engine::general_purpose::STANDARD
        .decode(s.trim())
        .unwrap_or_default()
}

/// `user_data` / `user_data_base64` as configured while AWS holds the same bytes, else AWS's.
fn user_data_value(v: Value, prior: &Value, aws_b64: Option<&str>) -> Value {
    let have = aws_b64.map(decode).unwrap_or_default();
    let prior_bytes = user_data_b64(prior).map(|p| decode(&p)).unwrap_or_default();
    if have == prior_bytes {
        return v;
    }
    if get_str(prior, "user_data_base64").is_some() {
        return with_attr(&v, "user_data_base64", s(aws_b64));
    }
    let text = (!have.is_empty()).then(|| String::from_utf8_lossy(&have).into_owned());
    with_attr(&v, "user_data", s(text.as_deref()))
}

/// A number from AWS's text (`"20"`, `"0.5"`), null when absent.
fn num(el: Option<&Element>, name: &str) -> Value {
    el.and_then(|e| e.text_of(name))
        .and_then(|t| Number::parse(t).ok())
        .map(Value::number)
        .unwrap_or_else(|| n(None))
}

fn device_value(root: bool, m: &Element, prior: Option<&Value>) -> Value {
    let ebs = m.child("Ebs");
    let mut attrs = vec![
        (
            "delete_on_termination",
            b(Some(
                ebs.and_then(|e| e.bool_of("DeleteOnTermination"))
                    .unwrap_or(true),
            )),
        ),
        (
            "encrypted",
            b(Some(
                ebs.and_then(|e| e.bool_of("Encrypted")).unwrap_or(false),
            )),
        ),
        ("iops", num(ebs, "Iops")),
        ("throughput", num(ebs, "Throughput")),
        ("volume_size", num(ebs, "VolumeSize")),
        ("volume_type", s(ebs.and_then(|e| e.text_of("VolumeType")))),
    ];
    if !root {
        attrs.push(("device_name", s(m.text_of("DeviceName"))));
        attrs.push(("snapshot_id", s(ebs.and_then(|e| e.text_of("SnapshotId")))));
        let no_device = m.bool_of("NoDevice").filter(|d| *d);
        let keep = prior.and_then(|p| get_bool(p, "no_device"));
        attrs.push(("no_device", b(no_device.or(keep.filter(|k| !k)))));
    }
    let blk = device_block(root);
    object_for(&blk, attrs)
}

fn blocks_value(blk: &BlockSchema, set: bool, items: Vec<Value>) -> Value {
    let ety = blk.implied_type();
    let v = if set {
        Value::set(ety.clone(), items)
    } else {
        Value::list(ety.clone(), items)
    };
    v.unwrap_or_else(|_| Value::null(Type::list(ety)))
}

async fn state_from(aws: &Aws, prior: &Value, el: &Element) -> Value {
    let name = el.text_of("LaunchConfigurationName").unwrap_or_default();
    let mut v = with_attrs(
        prior,
        [
            ("id", Value::string(name)),
            ("name", Value::string(name)),
            ("arn", s(el.text_of("LaunchConfigurationARN"))),
            ("image_id", s(el.text_of("ImageId"))),
            ("instance_type", s(el.text_of("InstanceType"))),
            ("key_name", s(el.text_of("KeyName"))),
            ("iam_instance_profile", s(el.text_of("IamInstanceProfile"))),
            ("placement_tenancy", s(el.text_of("PlacementTenancy"))),
            (
                "associate_public_ip_address",
                b(Some(
                    el.bool_of("AssociatePublicIpAddress").unwrap_or(false),
                )),
            ),
            (
                "ebs_optimized",
                b(Some(el.bool_of("EbsOptimized").unwrap_or(false))),
            ),
            (
                "enable_monitoring",
                b(Some(
                    el.child("InstanceMonitoring")
                        .and_then(|m| m.bool_of("Enabled"))
                        .unwrap_or(true),
                )),
            ),
        ],
    );
    v = with_attr(
        &v,
        "security_groups",
        set_or_null(prior, "security_groups", member_texts(el, "SecurityGroups")),
    );
    // The spot price as configured while it is the same number ("0.05" and "0.050000").
    let spot = el.text_of("SpotPrice");
    let same_price = match (get_str(prior, "spot_price"), spot) {
        (Some(a), Some(b)) => a.parse::<f64>().ok() == b.parse::<f64>().ok(),
        _ => false,
    };
    if !same_price {
        v = with_attr(&v, "spot_price", s(spot));
    }
    if !v.get_attr("name_prefix").is_some_and(Value::is_known) {
        v = with_attr(&v, "name_prefix", Value::null(Type::String));
    }
    v = user_data_value(v, prior, el.text_of("UserData"));
    // Which mapping is the root device: the AMI says (when it still exists; no need to ask
    // when there is no mapping).
    let mappings = el.items("BlockDeviceMappings");
    let root_name = match el.text_of("ImageId") {
        Some(ami) if !mappings.is_empty() => root_device_name(aws, ami).await.ok().flatten(),
        _ => None,
    };
    let prior_ebs = elements(prior, "ebs_block_device");
    let mut roots = Vec::new();
    let mut ebs = Vec::new();
    for m in mappings {
        let dev = m.text_of("DeviceName");
        if dev.is_some() && dev == root_name.as_deref() {
            roots.push(device_value(true, m, None));
        } else if m.child("Ebs").is_some() || m.bool_of("NoDevice") == Some(true) {
            let p = prior_ebs.iter().find(|p| get_str(p, "device_name") == dev);
            ebs.push(device_value(false, m, p));
        }
    }
    with_attrs(
        &v,
        [
            (
                "root_block_device",
                blocks_value(&device_block(true), false, roots),
            ),
            (
                "ebs_block_device",
                blocks_value(&device_block(false), true, ebs),
            ),
        ],
    )
}

async fn read(aws: &Aws, prior: &Value) -> Result<Option<Value>, ProviderError> {
    let name = need(prior, "id")?;
    match describe(aws, name).await? {
        Some(el) => Ok(Some(state_from(aws, prior, &el).await)),
        None => Ok(None),
    }
}

fn ebs_params(mut p: Params, prefix: &str, dev: &Value) -> Params {
    let num = |k: &str| get_i64(dev, k).ok().flatten().map(|v| v.to_string());
    let flag = |k: &str| get_bool(dev, k).map(|v| v.to_string());
    for (attr, param) in [
        ("volume_size", "VolumeSize"),
        ("iops", "Iops"),
        ("throughput", "Throughput"),
    ] {
        p = p.opt(&format!("{prefix}.Ebs.{param}"), num(attr));
    }
    p.opt(
        &format!("{prefix}.Ebs.VolumeType"),
        get_str(dev, "volume_type"),
    )
    .opt(
        &format!("{prefix}.Ebs.SnapshotId"),
        get_str(dev, "snapshot_id"),
    )
    .opt(&format!("{prefix}.Ebs.Encrypted"), flag("encrypted"))
    .set(
        format!("{prefix}.Ebs.DeleteOnTermination"),
        get_bool(dev, "delete_on_termination")
            .unwrap_or(true)
            .to_string(),
    )
}

fn create_params(planned: &Value, name: &str, root_device: Option<&str>) -> Params {
    let flag = |k: &str| get_bool(planned, k).map(|v| v.to_string());
    let mut p = Params::new()
        .set("LaunchConfigurationName", name)
        .opt("ImageId", get_str(planned, "image_id"))
        .opt("InstanceType", get_str(planned, "instance_type"))
        .opt(
            "KeyName",
            get_str(planned, "key_name").filter(|k| !k.is_empty()),
        )
        .opt("UserData", user_data_b64(planned))
        .opt(
            "IamInstanceProfile",
            get_str(planned, "iam_instance_profile"),
        )
        .opt("SpotPrice", get_str(planned, "spot_price"))
        .opt("PlacementTenancy", get_str(planned, "placement_tenancy"))
        .opt("EbsOptimized", flag("ebs_optimized"))
        .opt(
            "AssociatePublicIpAddress",
            flag("associate_public_ip_address"),
        )
        .set(
            "InstanceMonitoring.Enabled",
            get_bool(planned, "enable_monitoring")
                .unwrap_or(true)
                .to_string(),
        );
    let groups =
        terrane_provider::values::get_string_list(planned, "security_groups").unwrap_or_default();
    p = members(p, "SecurityGroups", &groups);
    let mut i = 0;
    if let (Some(root), Some(dev)) = (root_device, elements(planned, "root_block_device").first()) {
        i += 1;
        let prefix = format!("BlockDeviceMappings.member.{i}");
        p = p.set(format!("{prefix}.DeviceName"), root);
        p = ebs_params(p, &prefix, dev);
    }
    for dev in elements(planned, "ebs_block_device") {
        let Some(name) = get_str(&dev, "device_name") else {
            continue;
        };
        i += 1;
        let prefix = format!("BlockDeviceMappings.member.{i}");
        p = p.set(format!("{prefix}.DeviceName"), name);
        if get_bool(&dev, "no_device") == Some(true) {
            p = p.set(format!("{prefix}.NoDevice"), "true");
        } else {
            p = ebs_params(p, &prefix, &dev);
        }
    }
    p
}

#[async_trait]
impl ResourceType for LaunchConfiguration {
    fn name(&self) -> &'static str {
        "aws_launch_configuration"
    }

    fn schema(&self) -> ResourceSchema {
        ResourceSchema {
            version: 0,
            block: block(),
        }
    }

    fn plan(&self, ctx: &PlanCtx, req: PlanRequest) -> Result<PlanResponse, ProviderError> {
        let mut resp = plan_generic(
            &block(),
            ctx,
            &req,
            &[("enable_monitoring", Value::bool(true))],
        );
        if req.prior_state.is_none() || !resp.requires_replace.is_empty() {
            if let Some(name) = get_str(&req.config, "name") {
                resp.planned_state = with_attrs(
                    &resp.planned_state,
                    [
                        ("id", Value::string(name)),
                        ("name_prefix", Value::null(Type::String)),
                    ],
                );
            }
        }
        Ok(resp)
    }

    async fn create(&self, aws: &Aws, planned: &Value, token: &str) -> Result<Value, ApplyError> {
        let generated = get_str(planned, "name").is_none();
        let name = match get_str(planned, "name") {
            Some(n) => n.to_string(),
            None => token_name(
                get_str(planned, "name_prefix").unwrap_or("terraform-"),
                token,
            ),
        };
        let root_device = match elements(planned, "root_block_device").is_empty() {
            true => None,
            false => root_device_name(aws, get_str(planned, "image_id").unwrap_or(""))
                .await
                .map_err(fail("reading the AMI's root device"))?,
        };
        let p = create_params(planned, &name, root_device.as_deref());
        let what = || format!("creating Auto Scaling Launch Configuration ({name})");
        let mut attempts = 0;
        loop {
            attempts += 1;
            match aws
                .call(
                    &AUTOSCALING,
                    "CreateLaunchConfiguration",
                    &p,
                    Idempotency::Unsafe,
                )
                .await
            {
                Ok(_) => break,
                // A name derived from our token that exists is what an earlier attempt made.
                Err(e) if e.is("AlreadyExists") && generated => break,
                Err(e) if retry::is_retryable(&e) && attempts < 5 => {
                    if describe(aws, &name).await?.is_some() && generated {
                        break;
                    }
                    tokio::time::sleep(std::time::Duration::from_millis(200 * attempts)).await;
                }
                // IAM instance profiles are eventually consistent: a new one may not show yet.
                Err(e)
                    if e.is("ValidationError")
                        && e.message.contains("Invalid IamInstanceProfile")
                        && attempts < 20 =>
                {
                    tokio::time::sleep(std::time::Duration::from_secs(3)).await;
                }
                Err(e) => return Err(e.into_provider_error(&what()).into()),
            }
        }
        let with_id = with_attrs(
            planned,
            [("id", Value::string(&name)), ("name", Value::string(&name))],
        );
        crate::ec2::read_after_create(|| read(aws, &with_id))
            .await
            .map_err(|e| ApplyError::partial(e, with_id.clone()))
    }

    async fn update(&self, aws: &Aws, prior: &Value, planned: &Value) -> Result<Value, ApplyError> {
        // Every argument forces a new launch configuration: only `timeouts` and the like
        // change in place.
        let _ = prior;
        read(aws, planned).await?.ok_or_else(|| {
            ProviderError::new(
                "Auto Scaling Launch Configuration gone",
                get_str(planned, "id").unwrap_or_default().to_string(),
            )
            .into()
        })
    }

    async fn delete(&self, aws: &Aws, prior: &Value) -> Result<(), ProviderError> {
        let name = need(prior, "id")?;
        let q = Params::new().set("LaunchConfigurationName", name);
        // Still in use by a group being deleted or replaced: wait for it to let go.
        let limit = timeout(prior, "delete", std::time::Duration::from_secs(300));
        match crate::common::retry_on(&["ResourceInUse"], limit, || {
            aws.call(
                &AUTOSCALING,
                "DeleteLaunchConfiguration",
                &q,
                Idempotency::Safe,
            )
        })
        .await
        {
            Ok(_) => Ok(()),
            Err(e) if is_gone(&e) => Ok(()),
            Err(e) => Err(e.into_provider_error(&format!(
                "deleting Auto Scaling Launch Configuration ({name})"
            ))),
        }
    }

    async fn read(&self, aws: &Aws, state: &Value) -> Result<Option<Value>, ProviderError> {
        read(aws, state).await
    }

    async fn find_by_token(&self, aws: &Aws, token: &str) -> Result<Option<Value>, ProviderError> {
        let suffix = token_suffix(token);
        let all = pages(
            aws,
            "DescribeLaunchConfigurations",
            &Params::new(),
            "LaunchConfigurations",
        )
        .await
        .map_err(fail("finding Auto Scaling Launch Configuration by token"))?;
        for el in &all {
            let Some(name) = el.text_of("LaunchConfigurationName") else {
                continue;
            };
            if name.ends_with(&suffix) {
                let prefix = &name[..name.len() - suffix.len()];
                let stub = object_for(
                    &block(),
                    [
                        ("id", Value::string(name)),
                        ("name_prefix", Value::string(prefix)),
                    ],
                );
                return Ok(Some(state_from(aws, &stub, el).await));
            }
        }
        Ok(None)
    }
}
