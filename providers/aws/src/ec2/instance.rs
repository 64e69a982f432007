//! `aws_instance`: one EC2 instance launched with RunInstances (tagged with the token, made
//! idempotent by its client token), waited for until `running`; the instance type and user
//! data change in place by stopping, modifying and starting it, the security groups and
//! source/destination check change in place, the rest forces a new instance.

use std::time::Duration;

use async_trait::async_trait;
use base64::Engine;
use terrane_dsl::value::{Type, Value};
use terrane_provider::values::{get_bool, get_str, object_for, with_attr, with_attrs};
use terrane_provider::{
    ApplyError, BlockSchema, NestedBlockSchema, NestingMode, PlanRequest, PlanResponse,
    ProviderError, ResourceSchema,
};

use super::instance_api::{self as api, device_blocks, set_of, strings};
use crate::client::{Element, Idempotency, Params};
use crate::common::{
    arn, comp, fail, need, opt, optc, plan_generic, s, tag_attrs, timeout, Aws, PlanCtx,
    ResourceType, WithAttributes,
};
use crate::tags;

pub struct Instance;

fn ebs_attrs(root: bool) -> BlockSchema {
    let mut blk = BlockSchema::with_attributes([
        ("volume_size", optc(Type::Number).force_new()),
        ("volume_type", optc(Type::String).force_new()),
        ("iops", optc(Type::Number).force_new()),
        ("throughput", optc(Type::Number).force_new()),
        ("encrypted", optc(Type::Bool).force_new()),
        ("kms_key_id", optc(Type::String).force_new()),
        ("delete_on_termination", optc(Type::Bool).force_new()),
        ("tags", opt(Type::map(Type::String))),
        ("tags_all", comp(Type::map(Type::String))),
        ("volume_id", comp(Type::String)),
    ]);
    if root {
        blk.attributes
            .insert("device_name".into(), comp(Type::String));
    } else {
        blk.attributes.insert(
            "device_name".into(),
            terrane_provider::AttributeSchema::required(Type::String).force_new(),
        );
        blk.attributes
            .insert("snapshot_id".into(), optc(Type::String).force_new());
    }
    blk
}

fn metadata_block() -> BlockSchema {
    BlockSchema::with_attributes([
        ("http_endpoint", optc(Type::String).force_new()),
        ("http_tokens", optc(Type::String).force_new()),
        (
            "http_put_response_hop_limit",
            optc(Type::Number).force_new(),
        ),
        ("http_protocol_ipv6", optc(Type::String).force_new()),
        ("instance_metadata_tags", optc(Type::String).force_new()),
    ])
}

pub fn block() -> BlockSchema {
    let st = || Type::String;
    let set = || Type::set(Type::String);
    BlockSchema::with_attributes([
        ("ami", optc(st()).force_new()),
        ("instance_type", optc(st())),
        ("user_data", opt(st())),
        ("user_data_base64", opt(st())),
        ("user_data_replace_on_change", opt(Type::Bool)),
        ("key_name", optc(st()).force_new()),
        ("subnet_id", optc(st()).force_new()),
        ("vpc_security_group_ids", optc(set())),
        ("security_groups", optc(set()).force_new()),
        ("associate_public_ip_address", optc(Type::Bool).force_new()),
        ("availability_zone", optc(st()).force_new()),
        ("iam_instance_profile", optc(st()).force_new()),
        ("private_ip", optc(st()).force_new()),
        ("source_dest_check", optc(Type::Bool)),
        ("disable_api_termination", optc(Type::Bool)),
        ("ebs_optimized", optc(Type::Bool).force_new()),
        ("monitoring", optc(Type::Bool)),
        ("get_password_data", opt(Type::Bool)),
        ("volume_tags", opt(Type::map(st()))),
        ("id", comp(st())),
        ("arn", comp(st())),
        ("public_ip", comp(st())),
        ("public_dns", comp(st())),
        ("private_dns", comp(st())),
        ("instance_state", comp(st())),
        ("primary_network_interface_id", comp(st())),
        ("outpost_arn", comp(st())),
        ("password_data", comp(st())),
    ])
    .with_attributes_from(tag_attrs())
    .with_block(
        "root_block_device",
        NestedBlockSchema::new(NestingMode::List, ebs_attrs(true)).items(0, 1),
    )
    .with_block(
        "ebs_block_device",
        NestedBlockSchema::new(NestingMode::Set, ebs_attrs(false)),
    )
    .with_block(
        "metadata_options",
        NestedBlockSchema::new(NestingMode::List, metadata_block()).items(0, 1),
    )
}

/// The user data as AWS keeps it (base64) from a state's `user_data` or `user_data_base64`.
fn user_data_b64(v: &Value) -> Option<String> {
    let b64 = base64::engine::general_purpose::STANDARD;
    if let Some(u) = get_str(v, "user_data_base64") {
        return Some(u.to_string());
    }
    get_str(v, "user_data").map(|u| b64.encode(u.as_bytes()))
}

/// The decoded bytes of base64 `s` (empty when it is not base64).
fn decode(s: &str) -> Vec<u8> {
    base64::engine::general_purpose::STANDARD
        .decode(s.trim())
        .unwrap_or_default()
}

fn state_from(
    aws: &Aws,
    prior: &Value,
    owner: &str,
    el: &Element,
    user_data: Option<&str>,
) -> Value {
    let id = el.text_of("instanceId").unwrap_or_default();
    let groups = el.items("groupSet");
    let eni = el
        .items("networkInterfaceSet")
        .into_iter()
        .find(|n| n.text_at(&["attachment", "deviceIndex"]) == Some("0"))
        .and_then(|n| n.text_of("networkInterfaceId"));
    let profile = el
        .text_at(&["iamInstanceProfile", "arn"])
        .and_then(|a| a.rsplit('/').next());
    let mut v = with_attrs(
        prior,
        [
            ("id", Value::string(id)),
            (
                "arn",
                Value::string(arn(aws, "ec2", owner, &format!("instance/{id}"))),
            ),
            ("ami", super::text(el, "imageId")),
            ("instance_type", super::text(el, "instanceType")),
            (
                "key_name",
                Value::string(el.text_of("keyName").unwrap_or("")),
            ),
            (
                "subnet_id",
                Value::string(el.text_of("subnetId").unwrap_or("")),
            ),
            (
                "availability_zone",
                s(el.text_at(&["placement", "availabilityZone"])),
            ),
            (
                "private_ip",
                Value::string(el.text_of("privateIpAddress").unwrap_or("")),
            ),
            (
                "public_ip",
                Value::string(el.text_of("ipAddress").unwrap_or("")),
            ),
            (
                "public_dns",
                Value::string(el.text_of("dnsName").unwrap_or("")),
            ),
            (
                "private_dns",
                Value::string(el.text_of("privateDnsName").unwrap_or("")),
            ),
            ("instance_state", s(el.text_at(&["instanceState", "name"]))),
            (
                "primary_network_interface_id",
                Value::string(eni.unwrap_or("")),
            ),
            (
                "outpost_arn",
                Value::string(el.text_of("outpostArn").unwrap_or("")),
            ),
            ("iam_instance_profile", Value::string(profile.unwrap_or(""))),
            (
                "associate_public_ip_address",
                Value::bool(el.text_of("ipAddress").is_some()),
            ),
            (
                "source_dest_check",
                Value::bool(el.bool_of("sourceDestCheck").unwrap_or(true)),
            ),
            (
                "ebs_optimized",
                Value::bool(el.bool_of("ebsOptimized").unwrap_or(false)),
            ),
            (
                "monitoring",
                Value::bool(matches!(
                    el.text_at(&["monitoring", "state"]),
                    Some("enabled" | "pending")
                )),
            ),
            (
                "disable_api_termination",
                Value::bool(get_bool(prior, "disable_api_termination").unwrap_or(false)),
            ),
            (
                "password_data",
                Value::string(get_str(prior, "password_data").unwrap_or("")),
            ),
        ],
    );
    let vpc_ids: Vec<String> = strings(&groups, "groupId");
    v = with_attr(&v, "vpc_security_group_ids", set_of(vpc_ids));
    let names = if el.text_of("subnetId").is_some() {
        Vec::new()
    } else {
        strings(&groups, "groupName")
    };
    if get_str(prior, "subnet_id").is_none() || names.is_empty() {
        v = with_attr(&v, "security_groups", set_of(names));
    }
    v = user_data_value(&v, prior, user_data);
    v = device_blocks(&v, prior, el);
    with_attrs(&v, tags::state_values(aws, prior, tags::from_ec2(aws, el)))
}

/// `user_data` / `user_data_base64` from what AWS has: the prior value while it describes
/// the same bytes (the state keeps what was configured), else AWS's.
fn user_data_value(v: &Value, prior: &Value, aws_b64: Option<&str>) -> Value {
    let have = aws_b64.map(decode).unwrap_or_default();
    let prior_bytes = user_data_b64(prior).map(|p| decode(&p)).unwrap_or_default();
    if have == prior_bytes {
        return v.clone();
    }
    if get_str(prior, "user_data_base64").is_some() {
        return with_attr(v, "user_data_base64", s(aws_b64));
    }
    let text = (!have.is_empty()).then(|| String::from_utf8_lossy(&have).into_owned());
    with_attr(v, "user_data", s(text.as_deref()))
}

async fn read(aws: &Aws, prior: &Value) -> Result<Option<Value>, ProviderError> {
    let id = need(prior, "id")?;
    let Some((owner, el)) = api::describe(aws, id)
        .await
        .map_err(fail(format!("reading EC2 Instance ({id})")))?
    else {
        return Ok(None);
    };
    if el.text_at(&["instanceState", "name"]) == Some("terminated") {
        return Ok(None);
    }
    let ud = api::user_data(aws, id)
        .await
        .map_err(fail(format!("reading EC2 Instance ({id}) user data")))?;
    let v = state_from(aws, prior, &owner, &el, ud.as_deref());
    api::with_volumes(aws, v)
        .await
        .map(Some)
        .map_err(fail(format!("reading EC2 Instance ({id}) volumes")))
}

fn run_params(aws_planned: &Value, token: &str, root_device: Option<&str>) -> Params {
    let planned = aws_planned;
    let mut p = Params::new()
        .set("MinCount", "1")
        .set("MaxCount", "1")
        .set("ClientToken", token)
        .opt("ImageId", get_str(planned, "ami"))
        .opt("InstanceType", get_str(planned, "instance_type"))
        .opt(
            "KeyName",
            get_str(planned, "key_name").filter(|k| !k.is_empty()),
        )
        .opt("UserData", user_data_b64(planned))
        .opt(
            "Placement.AvailabilityZone",
            get_str(planned, "availability_zone"),
        )
        .opt(
            "EbsOptimized",
            get_bool(planned, "ebs_optimized").map(|b| b.to_string()),
        )
        .opt(
            "Monitoring.Enabled",
            get_bool(planned, "monitoring").map(|b| b.to_string()),
        )
        .opt(
            "DisableApiTermination",
            get_bool(planned, "disable_api_termination").map(|b| b.to_string()),
        );
    if let Some(profile) = get_str(planned, "iam_instance_profile").filter(|p| !p.is_empty()) {
        let key = if profile.starts_with("arn:") {
            "IamInstanceProfile.Arn"
        } else {
            "IamInstanceProfile.Name"
        };
        p = p.set(key, profile);
    }
    let sg_ids = terrane_provider::values::get_string_list(planned, "vpc_security_group_ids")
        .unwrap_or_default();
    let subnet = get_str(planned, "subnet_id").filter(|s| !s.is_empty());
    let private_ip = get_str(planned, "private_ip").filter(|s| !s.is_empty());
    if let Some(public) = get_bool(planned, "associate_public_ip_address") {
        p = p
            .set("NetworkInterface.1.DeviceIndex", "0")
            .set(
                "NetworkInterface.1.AssociatePublicIpAddress",
                public.to_string(),
            )
            .opt("NetworkInterface.1.SubnetId", subnet)
            .opt("NetworkInterface.1.PrivateIpAddress", private_ip);
        for (i, g) in sg_ids.iter().enumerate() {
            p = p.set(format!("NetworkInterface.1.SecurityGroupId.{}", i + 1), g);
        }
    } else {
        p = p
            .opt("SubnetId", subnet)
            .opt("PrivateIpAddress", private_ip)
            .list("SecurityGroupId", &sg_ids);
        let names = terrane_provider::values::get_string_list(planned, "security_groups")
            .unwrap_or_default();
        p = p.list("SecurityGroup", &names);
    }
    p = api::block_device_params(p, planned, root_device);
    p = api::metadata_params(p, planned);
    let mut p = tags::spec(p, "instance", &tags::for_create(planned, token));
    let volume_tags =
        terrane_provider::values::get_string_map(planned, "volume_tags").unwrap_or_default();
    if !volume_tags.is_empty() {
        p = p.set("TagSpecification.2.ResourceType", "volume");
        for (i, (k, v)) in volume_tags.iter().enumerate() {
            p = p
                .set(format!("TagSpecification.2.Tag.{}.Key", i + 1), k)
                .set(format!("TagSpecification.2.Tag.{}.Value", i + 1), v);
        }
    }
    p
}

async fn modify(aws: &Aws, id: &str, p: Params) -> Result<(), ProviderError> {
    let p = p.set("InstanceId", id);
    aws.client
        .ec2_write("ModifyInstanceAttribute", &p, Idempotency::Safe)
        .await
        .map(|_| ())
        .map_err(fail(format!("modifying EC2 Instance ({id})")))
}

fn changed(prior: &Value, planned: &Value, name: &str) -> bool {
    match (prior.get_attr(name), planned.get_attr(name)) {
        (Some(a), Some(b)) => b.is_known() && !a.raw_equals(b),
        _ => false,
    }
}

#[async_trait]
impl ResourceType for Instance {
    fn name(&self) -> &'static str {
        "aws_instance"
    }

    fn schema(&self) -> ResourceSchema {
        ResourceSchema {
            version: 1,
            block: block(),
        }
    }

    fn plan(&self, ctx: &PlanCtx, req: PlanRequest) -> Result<PlanResponse, ProviderError> {
        let mut resp = plan_generic(&block(), ctx, &req, &[]);
        let Some(prior) = &req.prior_state else {
            return Ok(resp);
        };
        let planned = &resp.planned_state;
        let ud_changed =
            changed(prior, planned, "user_data") || changed(prior, planned, "user_data_base64");
        if ud_changed && get_bool(planned, "user_data_replace_on_change") == Some(true) {
            let which = if changed(prior, planned, "user_data") {
                "user_data"
            } else {
                "user_data_base64"
            };
            resp.requires_replace
                .push(terrane_dsl::value::Path::root().attr(which));
        }
        let restart = ud_changed || changed(prior, planned, "instance_type");
        if resp.requires_replace.is_empty() && restart {
            resp.planned_state = with_attrs(
                &resp.planned_state,
                [
                    ("public_ip", Value::unknown(Type::String)),
                    ("public_dns", Value::unknown(Type::String)),
                ],
            );
        }
        Ok(resp)
    }

    async fn create(&self, aws: &Aws, planned: &Value, token: &str) -> Result<Value, ApplyError> {
        let root_device = match api::has_root_block(planned) {
            true => api::root_device_name(aws, get_str(planned, "ami").unwrap_or(""))
                .await
                .map_err(fail("reading the AMI's root device"))?,
            false => None,
        };
        let p = run_params(planned, token, root_device.as_deref());
        let r = aws
            .client
            .ec2_write("RunInstances", &p, Idempotency::Safe)
            .await
            .map_err(fail("creating EC2 Instance"))?;
        let id = r
            .text_at(&["instancesSet", "item", "instanceId"])
            .ok_or_else(|| ProviderError::new("creating EC2 Instance", "the answer has no id"))?
            .to_string();
        let with_id = with_attr(planned, "id", Value::string(&id));
        let partial = |e: ProviderError| ApplyError::partial(e, with_id.clone());
        let limit = timeout(planned, "create", Duration::from_secs(600));
        api::wait_state(aws, &id, "running", limit)
            .await
            .map_err(partial)?;
        super::read_after_create(|| read(aws, &with_id))
            .await
            .map_err(partial)
    }

    async fn update(&self, aws: &Aws, prior: &Value, planned: &Value) -> Result<Value, ApplyError> {
        let id = need(prior, "id")?;
        let limit = timeout(planned, "update", Duration::from_secs(600));
        let type_changed = changed(prior, planned, "instance_type");
        let ud_changed =
            changed(prior, planned, "user_data") || changed(prior, planned, "user_data_base64");
        if type_changed || ud_changed {
            api::stop(aws, id, limit).await?;
            if type_changed {
                let t = need(planned, "instance_type")?;
                modify(aws, id, Params::new().set("InstanceType.Value", t)).await?;
            }
            if ud_changed {
                // The attribute is a blob holding the base64 text: encoded once more.
                let ud = base64::engine::general_purpose::STANDARD
                    .encode(user_data_b64(planned).unwrap_or_default());
                modify(aws, id, Params::new().set("UserData.Value", ud)).await?;
            }
            api::start(aws, id, limit).await?;
        }
        if changed(prior, planned, "vpc_security_group_ids") {
            let ids = terrane_provider::values::get_string_list(planned, "vpc_security_group_ids")
                .unwrap_or_default();
            modify(aws, id, Params::new().list("GroupId", &ids)).await?;
        }
        for (attr, param) in [
            ("source_dest_check", "SourceDestCheck.Value"),
            ("disable_api_termination", "DisableApiTermination.Value"),
        ] {
            if changed(prior, planned, attr) {
                let v = get_bool(planned, attr).unwrap_or(attr == "source_dest_check");
                modify(aws, id, Params::new().set(param, v.to_string())).await?;
            }
        }
        if changed(prior, planned, "monitoring") {
            let action = match get_bool(planned, "monitoring") {
                Some(true) => "MonitorInstances",
                _ => "UnmonitorInstances",
            };
            aws.client
                .ec2_write(
                    action,
                    &Params::new().set("InstanceId.1", id),
                    Idempotency::Safe,
                )
                .await
                .map_err(fail(format!("{action} EC2 Instance ({id})")))?;
        }
        tags::update_ec2(aws, id, prior, planned)
            .await
            .map_err(fail(format!("updating EC2 Instance ({id}) tags")))?;
        read(aws, planned)
            .await?
            .ok_or_else(|| ProviderError::new("EC2 Instance gone", id.to_string()).into())
    }

    async fn delete(&self, aws: &Aws, prior: &Value) -> Result<(), ProviderError> {
        let id = need(prior, "id")?;
        if get_bool(prior, "disable_api_termination") == Some(true) {
            modify(
                aws,
                id,
                Params::new().set("DisableApiTermination.Value", "false"),
            )
            .await?;
        }
        let p = Params::new().set("InstanceId.1", id);
        match aws
            .client
            .ec2_write("TerminateInstances", &p, Idempotency::Safe)
            .await
        {
            Ok(_) => {}
            Err(e) if e.is_not_found() => return Ok(()),
            Err(e) => {
                return Err(e.into_provider_error(&format!("terminating EC2 Instance ({id})")))
            }
        }
        let limit = timeout(prior, "delete", Duration::from_secs(1200));
        api::wait_state(aws, id, "terminated", limit).await
    }

    async fn read(&self, aws: &Aws, state: &Value) -> Result<Option<Value>, ProviderError> {
        read(aws, state).await
    }

    async fn find_by_token(&self, aws: &Aws, token: &str) -> Result<Option<Value>, ProviderError> {
        let id = api::by_token(aws, token)
            .await
            .map_err(fail("finding EC2 Instance by token"))?;
        match id {
            Some(id) => read(aws, &object_for(&block(), [("id", Value::string(id))])).await,
            None => Ok(None),
        }
    }
}
