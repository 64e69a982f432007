//! `aws_launch_template`: an EC2 launch template, created with a client token and the token
//! tag. A change to what instances get makes a new version in place
//! (CreateLaunchTemplateVersion) that becomes the default with `update_default_version`;
//! refresh reads the latest version. The name forces a new template; `user_data` is the
//! base64 text the user gives, kept as given.

use async_trait::async_trait;
use terrane_dsl::value::{Type, Value};
use terrane_provider::values::{
    get_bool, get_i64, get_str, get_string_map, object_for, with_attr, with_attrs,
};
use terrane_provider::{
    ApplyError, BlockSchema, NestedBlockSchema, NestingMode, PlanRequest, PlanResponse,
    ProviderError, ResourceSchema,
};

use super::instance_api::elements;
use crate::client::{AwsError, Element, Idempotency, Params};
use crate::common::{
    arn, b, comp, fail, n, need, opt, optc, plan_generic, s, string_set, tag_attrs, unique_name,
    Aws, PlanCtx, ResourceType, WithAttributes,
};
use crate::tags;

pub struct LaunchTemplate;

fn ebs_block() -> BlockSchema {
    BlockSchema::with_attributes([
        ("delete_on_termination", opt(Type::String)),
        ("encrypted", opt(Type::String)),
        ("iops", optc(Type::Number)),
        ("kms_key_id", opt(Type::String)),
        ("snapshot_id", opt(Type::String)),
        ("throughput", optc(Type::Number)),
        ("volume_size", optc(Type::Number)),
        ("volume_type", optc(Type::String)),
    ])
}

fn mapping_block() -> BlockSchema {
    BlockSchema::with_attributes([
        ("device_name", opt(Type::String)),
        ("no_device", opt(Type::String)),
        ("virtual_name", opt(Type::String)),
    ])
    .with_block(
        "ebs",
        NestedBlockSchema::new(NestingMode::List, ebs_block()).items(0, 1),
    )
}

fn interface_block() -> BlockSchema {
    BlockSchema::with_attributes([
        ("associate_public_ip_address", opt(Type::String)),
        ("delete_on_termination", opt(Type::String)),
        ("description", opt(Type::String)),
        ("device_index", opt(Type::Number)),
        ("security_groups", opt(Type::set(Type::String))),
        ("subnet_id", opt(Type::String)),
    ])
}

fn list_block(blk: BlockSchema, max: Option<u64>) -> NestedBlockSchema {
    let nb = NestedBlockSchema::new(NestingMode::List, blk);
    match max {
        Some(m) => nb.items(0, m),
        None => nb,
    }
}

pub fn block() -> BlockSchema {
    let st = || Type::String;
    let set = || Type::set(Type::String);
    BlockSchema::with_attributes([
        ("name", optc(st()).force_new()),
        ("name_prefix", optc(st()).force_new()),
        ("description", opt(st())),
        ("default_version", optc(Type::Number)),
        ("update_default_version", opt(Type::Bool)),
        ("latest_version", comp(Type::Number)),
        ("image_id", opt(st())),
        ("instance_type", opt(st())),
        ("key_name", opt(st())),
        ("user_data", opt(st())),
        ("ebs_optimized", opt(st())),
        ("vpc_security_group_ids", opt(set())),
        ("security_group_names", opt(set())),
        ("disable_api_termination", opt(Type::Bool)),
        ("instance_initiated_shutdown_behavior", opt(st())),
        ("id", comp(st())),
        ("arn", comp(st())),
    ])
    .with_attributes_from(tag_attrs())
    .with_block(
        "iam_instance_profile",
        list_block(
            BlockSchema::with_attributes([("arn", opt(st())), ("name", opt(st()))]),
            Some(1),
        ),
    )
    .with_block("block_device_mappings", list_block(mapping_block(), None))
    .with_block("network_interfaces", list_block(interface_block(), None))
    .with_block(
        "monitoring",
        list_block(
            BlockSchema::with_attributes([("enabled", opt(Type::Bool))]),
            Some(1),
        ),
    )
    .with_block(
        "tag_specifications",
        list_block(
            BlockSchema::with_attributes([
                ("resource_type", opt(st())),
                ("tags", opt(Type::map(st()))),
            ]),
            None,
        ),
    )
}

/// The attributes that are part of a version: a change makes a new version.
const VERSIONED: &[&str] = &[
    "description",
    "image_id",
    "instance_type",
    "key_name",
    "user_data",
    "ebs_optimized",
    "vpc_security_group_ids",
    "security_group_names",
    "disable_api_termination",
    "instance_initiated_shutdown_behavior",
    "iam_instance_profile",
    "block_device_mappings",
    "network_interfaces",
    "monitoring",
    "tag_specifications",
];

fn num_text(v: &Value, name: &str) -> Option<String> {
    get_i64(v, name).ok().flatten().map(|x| x.to_string())
}

fn strings(v: &Value, name: &str) -> Vec<String> {
    terrane_provider::values::get_string_list(v, name).unwrap_or_default()
}

/// The `LaunchTemplateData.*` parameters of a state.
fn data_params(mut p: Params, v: &Value) -> Params {
    let d = "LaunchTemplateData";
    for (attr, param) in [
        ("image_id", "ImageId"),
        ("instance_type", "InstanceType"),
        ("key_name", "KeyName"),
        ("user_data", "UserData"),
        ("ebs_optimized", "EbsOptimized"),
        (
            "instance_initiated_shutdown_behavior",
            "InstanceInitiatedShutdownBehavior",
        ),
    ] {
        p = p.opt(
            &format!("{d}.{param}"),
            get_str(v, attr).filter(|x| !x.is_empty()),
        );
    }
    p = p.opt(
        &format!("{d}.DisableApiTermination"),
        get_bool(v, "disable_api_termination").map(|x| x.to_string()),
    );
    p = p.list(
        &format!("{d}.SecurityGroupId"),
        &strings(v, "vpc_security_group_ids"),
    );
    p = p.list(
        &format!("{d}.SecurityGroup"),
        &strings(v, "security_group_names"),
    );
    if let Some(ip) = elements(v, "iam_instance_profile").first() {
        p = p
            .opt(&format!("{d}.IamInstanceProfile.Arn"), get_str(ip, "arn"))
            .opt(&format!("{d}.IamInstanceProfile.Name"), get_str(ip, "name"));
    }
    for (i, m) in elements(v, "block_device_mappings").iter().enumerate() {
        let pre = format!("{d}.BlockDeviceMapping.{}", i + 1);
        p = p
            .opt(&format!("{pre}.DeviceName"), get_str(m, "device_name"))
            .opt(&format!("{pre}.NoDevice"), get_str(m, "no_device"))
            .opt(&format!("{pre}.VirtualName"), get_str(m, "virtual_name"));
        if let Some(e) = elements(m, "ebs").first() {
            let pre = format!("{pre}.Ebs");
            for (attr, param) in [
                ("delete_on_termination", "DeleteOnTermination"),
                ("encrypted", "Encrypted"),
                ("kms_key_id", "KmsKeyId"),
                ("snapshot_id", "SnapshotId"),
                ("volume_type", "VolumeType"),
            ] {
                p = p.opt(
                    &format!("{pre}.{param}"),
                    get_str(e, attr).filter(|x| !x.is_empty()),
                );
            }
            for (attr, param) in [
                ("iops", "Iops"),
                ("throughput", "Throughput"),
                ("volume_size", "VolumeSize"),
            ] {
                p = p.opt(&format!("{pre}.{param}"), num_text(e, attr));
            }
        }
    }
    for (i, ni) in elements(v, "network_interfaces").iter().enumerate() {
        let pre = format!("{d}.NetworkInterface.{}", i + 1);
        for (attr, param) in [
            ("associate_public_ip_address", "AssociatePublicIpAddress"),
            ("delete_on_termination", "DeleteOnTermination"),
            ("description", "Description"),
            ("subnet_id", "SubnetId"),
        ] {
            p = p.opt(
                &format!("{pre}.{param}"),
                get_str(ni, attr).filter(|x| !x.is_empty()),
            );
        }
        p = p.opt(&format!("{pre}.DeviceIndex"), num_text(ni, "device_index"));
        p = p.list(
            &format!("{pre}.SecurityGroupId"),
            &strings(ni, "security_groups"),
        );
    }
    if let Some(m) = elements(v, "monitoring").first() {
        p = p.opt(
            &format!("{d}.Monitoring.Enabled"),
            get_bool(m, "enabled").map(|x| x.to_string()),
        );
    }
    for (i, t) in elements(v, "tag_specifications").iter().enumerate() {
        let pre = format!("{d}.TagSpecification.{}", i + 1);
        p = p.opt(&format!("{pre}.ResourceType"), get_str(t, "resource_type"));
        for (j, (k, val)) in get_string_map(t, "tags")
            .unwrap_or_default()
            .iter()
            .enumerate()
        {
            p = p
                .set(format!("{pre}.Tag.{}.Key", j + 1), k)
                .set(format!("{pre}.Tag.{}.Value", j + 1), val);
        }
    }
    p.opt("VersionDescription", get_str(v, "description"))
}

fn blocks(blk: &BlockSchema, items: Vec<Value>) -> Value {
    let ety = blk.implied_type();
    Value::list(ety.clone(), items).unwrap_or_else(|_| Value::null(Type::list(ety)))
}

/// The texts of every child of list `name` (EC2 names some members `groupId`, not `item`).
fn child_texts(el: &Element, name: &str) -> Vec<String> {
    el.child(name)
        .map(|l| {
            l.children
                .iter()
                .map(|c| c.text.clone())
                .filter(|t| !t.is_empty())
                .collect()
        })
        .unwrap_or_default()
}

fn set_or_null(prior: Option<&Value>, name: &str, items: Vec<String>) -> Value {
    let prior_null = prior.is_none_or(|p| p.get_attr(name).is_none_or(Value::is_null));
    if items.is_empty() && prior_null {
        Value::null(Type::set(Type::String))
    } else {
        string_set(items)
    }
}

fn data_values(prior: &Value, d: &Element) -> Vec<(&'static str, Value)> {
    let top = block();
    let sub = |name: &str| top.blocks[name].block.clone();
    let profile: Vec<Value> = d
        .child("iamInstanceProfile")
        .map(|ip| {
            object_for(
                &sub("iam_instance_profile"),
                [
                    ("arn", s(ip.text_of("arn"))),
                    ("name", s(ip.text_of("name"))),
                ],
            )
        })
        .into_iter()
        .collect();
    let mappings: Vec<Value> = d
        .items("blockDeviceMappingSet")
        .iter()
        .map(|m| {
            let ebs: Vec<Value> = m
                .child("ebs")
                .map(|e| {
                    object_for(
                        &ebs_block(),
                        [
                            ("delete_on_termination", s(e.text_of("deleteOnTermination"))),
                            ("encrypted", s(e.text_of("encrypted"))),
                            ("iops", n(e.i64_of("iops"))),
                            ("kms_key_id", s(e.text_of("kmsKeyId"))),
                            ("snapshot_id", s(e.text_of("snapshotId"))),
                            ("throughput", n(e.i64_of("throughput"))),
                            ("volume_size", n(e.i64_of("volumeSize"))),
                            ("volume_type", s(e.text_of("volumeType"))),
                        ],
                    )
                })
                .into_iter()
                .collect();
            object_for(
                &mapping_block(),
                [
                    ("device_name", s(m.text_of("deviceName"))),
                    ("no_device", s(m.text_of("noDevice"))),
                    ("virtual_name", s(m.text_of("virtualName"))),
                    ("ebs", blocks(&ebs_block(), ebs)),
                ],
            )
        })
        .collect();
    let prior_nis = elements(prior, "network_interfaces");
    let interfaces: Vec<Value> = d
        .items("networkInterfaceSet")
        .iter()
        .enumerate()
        .map(|(i, ni)| {
            object_for(
                &interface_block(),
                [
                    (
                        "associate_public_ip_address",
                        s(ni.text_of("associatePublicIpAddress")),
                    ),
                    (
                        "delete_on_termination",
                        s(ni.text_of("deleteOnTermination")),
                    ),
                    ("description", s(ni.text_of("description"))),
                    ("device_index", n(ni.i64_of("deviceIndex"))),
                    (
                        "security_groups",
                        set_or_null(
                            prior_nis.get(i),
                            "security_groups",
                            child_texts(ni, "groupSet"),
                        ),
                    ),
                    ("subnet_id", s(ni.text_of("subnetId"))),
                ],
            )
        })
        .collect();
    let monitoring: Vec<Value> = d
        .child("monitoring")
        .map(|m| object_for(&sub("monitoring"), [("enabled", b(m.bool_of("enabled")))]))
        .into_iter()
        .collect();
    let specs: Vec<Value> = d
        .items("tagSpecificationSet")
        .iter()
        // (moto copies the template's own tags in; AWS allows no such type here.)
        .filter(|t| t.text_of("resourceType") != Some("launch-template"))
        .map(|t| {
            let tags: std::collections::BTreeMap<String, String> = t
                .items("tagSet")
                .iter()
                .filter_map(|x| {
                    Some((
                        x.text_of("key")?.to_string(),
                        x.text_of("value").unwrap_or("").to_string(),
                    ))
                })
                .collect();
            object_for(
                &sub("tag_specifications"),
                [
                    ("resource_type", s(t.text_of("resourceType"))),
                    ("tags", terrane_provider::values::string_map(tags)),
                ],
            )
        })
        .collect();
    vec![
        ("image_id", s(d.text_of("imageId"))),
        ("instance_type", s(d.text_of("instanceType"))),
        ("key_name", s(d.text_of("keyName"))),
        ("user_data", s(d.text_of("userData"))),
        ("ebs_optimized", s(d.text_of("ebsOptimized"))),
        (
            "instance_initiated_shutdown_behavior",
            s(d.text_of("instanceInitiatedShutdownBehavior")),
        ),
        (
            "disable_api_termination",
            b(d.bool_of("disableApiTermination")),
        ),
        (
            "vpc_security_group_ids",
            set_or_null(
                Some(prior),
                "vpc_security_group_ids",
                child_texts(d, "securityGroupIdSet"),
            ),
        ),
        (
            "security_group_names",
            set_or_null(
                Some(prior),
                "security_group_names",
                child_texts(d, "securityGroupSet"),
            ),
        ),
        (
            "iam_instance_profile",
            blocks(&sub("iam_instance_profile"), profile),
        ),
        ("block_device_mappings", blocks(&mapping_block(), mappings)),
        ("network_interfaces", blocks(&interface_block(), interfaces)),
        ("monitoring", blocks(&sub("monitoring"), monitoring)),
        (
            "tag_specifications",
            blocks(&sub("tag_specifications"), specs),
        ),
    ]
}

fn is_missing(e: &AwsError) -> bool {
    e.is_not_found()
        || e.code.starts_with("InvalidLaunchTemplateId.")
        || e.code.starts_with("InvalidLaunchTemplateName.NotFound")
}

/// The template with this id, `None` when it does not exist.
async fn describe(aws: &Aws, id: &str) -> Result<Option<Element>, AwsError> {
    let p = Params::new().set("LaunchTemplateId.1", id);
    match aws.client.ec2("DescribeLaunchTemplates", &p).await {
        Ok(r) => Ok(r
            .items("launchTemplates")
            .into_iter()
            .find(|t| t.text_of("launchTemplateId") == Some(id))
            .cloned()),
        Err(e) if is_missing(&e) => Ok(None),
        Err(e) => Err(e),
    }
}

async fn read(aws: &Aws, prior: &Value) -> Result<Option<Value>, ProviderError> {
    let id = need(prior, "id")?;
    let what = || format!("reading EC2 Launch Template ({id})");
    let Some(lt) = describe(aws, id).await.map_err(fail(what()))? else {
        return Ok(None);
    };
    let latest = lt.i64_of("latestVersionNumber");
    let p = Params::new().set("LaunchTemplateId", id).set(
        "LaunchTemplateVersion.1",
        latest.map_or("$Latest".to_string(), |l| l.to_string()),
    );
    let versions = match aws.client.ec2("DescribeLaunchTemplateVersions", &p).await {
        Ok(r) => r,
        Err(e) if is_missing(&e) => return Ok(None),
        Err(e) => return Err(e.into_provider_error(&what())),
    };
    let version = versions
        .items("launchTemplateVersionSet")
        .first()
        .map(|v| (*v).clone())
        .unwrap_or_default();
    let data = version
        .child("launchTemplateData")
        .cloned()
        .unwrap_or_default();
    let account = lt
        .text_of("createdBy")
        .and_then(|c| c.split(':').nth(4))
        .filter(|a| !a.is_empty())
        .map(str::to_string);
    let account = match account {
        Some(a) => a,
        None => aws
            .caller()
            .await
            .map_err(|e| e.clone().into_provider_error("reading the account"))?
            .0
            .clone(),
    };
    let name = lt.text_of("launchTemplateName").unwrap_or_default();
    let mut v = with_attrs(
        prior,
        [
            ("id", Value::string(id)),
            ("name", Value::string(name)),
            (
                "arn",
                Value::string(arn(aws, "ec2", &account, &format!("launch-template/{id}"))),
            ),
            ("default_version", n(lt.i64_of("defaultVersionNumber"))),
            ("latest_version", n(latest)),
            ("description", s(version.text_of("versionDescription"))),
        ],
    );
    v = with_attrs(&v, data_values(prior, &data));
    if !v.get_attr("name_prefix").is_some_and(Value::is_known) {
        v = with_attr(&v, "name_prefix", Value::null(Type::String));
    }
    Ok(Some(with_attrs(
        &v,
        tags::state_values(aws, prior, tags::from_ec2(aws, &lt)),
    )))
}

fn changed(prior: &Value, planned: &Value, name: &str) -> bool {
    match (prior.get_attr(name), planned.get_attr(name)) {
        (Some(a), Some(b)) => !a.raw_equals(b),
        _ => false,
    }
}

async fn set_default(aws: &Aws, id: &str, version: i64) -> Result<(), ProviderError> {
    let p = Params::new()
        .set("LaunchTemplateId", id)
        .set("SetDefaultVersion", version.to_string());
    aws.client
        .ec2_write("ModifyLaunchTemplate", &p, Idempotency::Safe)
        .await
        .map(|_| ())
        .map_err(fail(format!(
            "setting the default version of EC2 Launch Template ({id})"
        )))
}

#[async_trait]
impl ResourceType for LaunchTemplate {
    fn name(&self) -> &'static str {
        "aws_launch_template"
    }

    fn schema(&self) -> ResourceSchema {
        ResourceSchema {
            version: 0,
            block: block(),
        }
    }

    fn plan(&self, ctx: &PlanCtx, req: PlanRequest) -> Result<PlanResponse, ProviderError> {
        let mut resp = plan_generic(&block(), ctx, &req, &[]);
        match &req.prior_state {
            Some(prior) if resp.requires_replace.is_empty() => {
                let planned = &resp.planned_state;
                if VERSIONED.iter().any(|k| changed(prior, planned, k)) {
                    let mut set = vec![("latest_version", Value::unknown(Type::Number))];
                    let cfg_default = req.config.get_attr("default_version");
                    if get_bool(planned, "update_default_version") == Some(true)
                        && cfg_default.is_none_or(Value::is_null)
                    {
                        set.push(("default_version", Value::unknown(Type::Number)));
                    }
                    resp.planned_state = with_attrs(&resp.planned_state, set);
                }
            }
            _ => {
                if get_str(&req.config, "name").is_some() {
                    resp.planned_state = with_attr(
                        &resp.planned_state,
                        "name_prefix",
                        Value::null(Type::String),
                    );
                }
            }
        }
        Ok(resp)
    }

    async fn create(&self, aws: &Aws, planned: &Value, token: &str) -> Result<Value, ApplyError> {
        let name = match get_str(planned, "name") {
            Some(n) => n.to_string(),
            None => unique_name(get_str(planned, "name_prefix").unwrap_or("terraform-")),
        };
        let p = Params::new()
            .set("LaunchTemplateName", &name)
            .set("ClientToken", token);
        let p = data_params(p, planned);
        let p = tags::spec(p, "launch-template", &tags::for_create(planned, token));
        let r = aws
            .client
            .ec2_write("CreateLaunchTemplate", &p, Idempotency::Safe)
            .await
            .map_err(fail(format!("creating EC2 Launch Template ({name})")))?;
        let id = r
            .text_at(&["launchTemplate", "launchTemplateId"])
            .ok_or_else(|| {
                ProviderError::new("creating EC2 Launch Template", "the answer has no id")
            })?
            .to_string();
        let with_id = with_attrs(
            planned,
            [("id", Value::string(&id)), ("name", Value::string(&name))],
        );
        let partial = |e: ProviderError| ApplyError::partial(e, with_id.clone());
        if let Some(d) = get_i64(planned, "default_version").ok().flatten() {
            if d != 1 {
                set_default(aws, &id, d).await.map_err(partial)?;
            }
        }
        super::read_after_create(|| read(aws, &with_id))
            .await
            .map_err(partial)
    }

    async fn update(&self, aws: &Aws, prior: &Value, planned: &Value) -> Result<Value, ApplyError> {
        let id = need(prior, "id")?;
        if VERSIONED.iter().any(|k| changed(prior, planned, k)) {
            let p = data_params(Params::new().set("LaunchTemplateId", id), planned);
            let r = aws
                .client
                .ec2_write("CreateLaunchTemplateVersion", &p, Idempotency::Unsafe)
                .await
                .map_err(fail(format!(
                    "creating a version of EC2 Launch Template ({id})"
                )))?;
            let version = r
                .text_at(&["launchTemplateVersion", "versionNumber"])
                .and_then(|v| v.parse::<i64>().ok());
            if let (Some(v), Some(true)) = (version, get_bool(planned, "update_default_version")) {
                set_default(aws, id, v).await?;
            }
        }
        if changed(prior, planned, "default_version")
            && get_bool(planned, "update_default_version") != Some(true)
        {
            if let Some(d) = get_i64(planned, "default_version").ok().flatten() {
                set_default(aws, id, d).await?;
            }
        }
        tags::update_ec2(aws, id, prior, planned)
            .await
            .map_err(fail(format!("updating EC2 Launch Template ({id}) tags")))?;
        read(aws, planned)
            .await?
            .ok_or_else(|| ProviderError::new("EC2 Launch Template gone", id.to_string()).into())
    }

    async fn delete(&self, aws: &Aws, prior: &Value) -> Result<(), ProviderError> {
        let id = need(prior, "id")?;
        let p = Params::new().set("LaunchTemplateId", id);
        match aws
            .client
            .ec2_write("DeleteLaunchTemplate", &p, Idempotency::Safe)
            .await
        {
            Ok(_) => Ok(()),
            Err(e) if is_missing(&e) => Ok(()),
            Err(e) => Err(e.into_provider_error(&format!("deleting EC2 Launch Template ({id})"))),
        }
    }

    async fn read(&self, aws: &Aws, state: &Value) -> Result<Option<Value>, ProviderError> {
        read(aws, state).await
    }

    async fn find_by_token(&self, aws: &Aws, token: &str) -> Result<Option<Value>, ProviderError> {
        let p = Params::new().filters(&[tags::token_filter(token)]);
        let found = aws
            .client
            .ec2_pages("DescribeLaunchTemplates", &p, "launchTemplates")
            .await
            .map_err(fail("finding EC2 Launch Template by token"))?;
        match found.first().and_then(|t| t.text_of("launchTemplateId")) {
            Some(id) => read(aws, &object_for(&block(), [("id", Value::string(id))])).await,
            None => Ok(None),
        }
    }
}
