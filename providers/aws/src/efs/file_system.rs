//! `aws_efs_file_system`: an EFS file system, made once per creation token (the configured
//! `creation_token`, else the engine's idempotency token: EFS's own guard against a repeated
//! create), waited for until `available`; throughput (UpdateFileSystem), lifecycle policies
//! (PutLifecycleConfiguration) and tags change in place, the rest forces a new file system.

use std::collections::BTreeMap;
use std::time::Duration;

use async_trait::async_trait;
use serde_json::{json, Map, Value as Json};
use terrane_dsl::value::{Number, Type, Value};
use terrane_provider::values::{get_bool, get_str, get_string_map, object_for, with_attrs};
use terrane_provider::{
    ApplyError, BlockSchema, NestedBlockSchema, NestingMode, PlanRequest, PlanResponse,
    ProviderError, ResourceSchema,
};

use super::{call, describe_file_system, wait_state};
use crate::client::protocol::encode;
use crate::client::Idempotency;
use crate::common::{
    b, comp, fail, need, opt, optc, plan_generic, retry_on, s, tag_attrs, timeout, Aws, PlanCtx,
    ResourceType, WithAttributes,
};
use crate::tags::{self, TOKEN_TAG};

pub struct FileSystem;

/// The `lifecycle_policy` block's attributes and their names in EFS's `LifecyclePolicies`.
const POLICIES: [(&str, &str); 3] = [
    ("transition_to_ia", "TransitionToIA"),
    (
        "transition_to_primary_storage_class",
        "TransitionToPrimaryStorageClass",
    ),
    ("transition_to_archive", "TransitionToArchive"),
];

fn policy_block() -> BlockSchema {
    BlockSchema::with_attributes(POLICIES.map(|(a, _)| (a, opt(Type::String))))
}

fn size_type() -> Type {
    Type::object(
        [
            "value",
            "value_in_ia",
            "value_in_standard",
            "value_in_archive",
        ]
        .map(|k| (k, Type::Number)),
    )
}

pub fn block() -> BlockSchema {
    let st = || Type::String;
    BlockSchema::with_attributes([
        ("availability_zone_name", optc(st()).force_new()),
        ("availability_zone_id", comp(st())),
        ("creation_token", optc(st()).force_new()),
        ("encrypted", optc(Type::Bool).force_new()),
        ("kms_key_id", optc(st()).force_new()),
        ("performance_mode", optc(st()).force_new()),
        ("throughput_mode", optc(st())),
        ("provisioned_throughput_in_mibps", optc(Type::Number)),
        ("id", comp(st())),
        ("arn", comp(st())),
        ("dns_name", comp(st())),
        ("owner_id", comp(st())),
        ("name", comp(st())),
        ("number_of_mount_targets", comp(Type::Number)),
        ("size_in_bytes", comp(Type::list(size_type()))),
    ])
    .with_attributes_from(tag_attrs())
    .with_block(
        "lifecycle_policy",
        NestedBlockSchema::new(NestingMode::List, policy_block()).items(0, 3),
    )
}

fn num(v: Option<f64>) -> Value {
    match v.and_then(Number::from_f64) {
        Some(n) => Value::number(n),
        None => Value::null(Type::Number),
    }
}

/// The `lifecycle_policy` blocks of EFS's `LifecyclePolicies` (one block per policy).
fn policies_value(policies: &Json) -> Value {
    let ety = policy_block().implied_type();
    let items: Vec<Value> = policies
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| {
            Value::object(
                POLICIES
                    .iter()
                    .map(|(attr, field)| (attr.to_string(), s(p[*field].as_str())))
                    .collect(),
            )
        })
        .collect();
    Value::list(ety.clone(), items).unwrap_or_else(|_| Value::null(Type::list(ety)))
}

/// EFS's `LifecyclePolicies` for the `lifecycle_policy` blocks of a planned state.
fn policies_json(planned: &Value) -> Json {
    let blocks = planned
        .get_attr("lifecycle_policy")
        .and_then(Value::elements)
        .unwrap_or_default();
    Json::Array(
        blocks
            .iter()
            .map(|b| {
                let mut m = Map::new();
                for (attr, field) in POLICIES {
                    if let Some(v) = get_str(b, attr) {
                        m.insert(field.to_string(), Json::String(v.to_string()));
                    }
                }
                Json::Object(m)
            })
            .collect(),
    )
}

fn state_from(aws: &Aws, prior: &Value, fs: &Json, policies: &Json) -> Value {
    let id = fs["FileSystemId"].as_str().unwrap_or_default();
    let str_of = |k: &str| s(fs[k].as_str());
    let size = &fs["SizeInBytes"];
    let size_obj = Value::object(
        [
            ("value", "Value"),
            ("value_in_ia", "ValueInIA"),
            ("value_in_standard", "ValueInStandard"),
            ("value_in_archive", "ValueInArchive"),
        ]
        .iter()
        .map(|(a, f)| (a.to_string(), num(Some(size[*f].as_f64().unwrap_or(0.0)))))
        .collect(),
    );
    let throughput = fs["ProvisionedThroughputInMibps"]
        .as_f64()
        .filter(|t| *t > 0.0);
    let all_tags = super::user_tags(aws, &fs["Tags"]);
    let v = with_attrs(
        prior,
        [
            ("id", Value::string(id)),
            ("arn", str_of("FileSystemArn")),
            (
                "dns_name",
                Value::string(format!("{id}.efs.{}.amazonaws.com", aws.client.region)),
            ),
            ("owner_id", str_of("OwnerId")),
            ("creation_token", str_of("CreationToken")),
            ("performance_mode", str_of("PerformanceMode")),
            ("throughput_mode", str_of("ThroughputMode")),
            ("provisioned_throughput_in_mibps", num(throughput)),
            (
                "encrypted",
                b(Some(fs["Encrypted"].as_bool().unwrap_or(false))),
            ),
            (
                "kms_key_id",
                Value::string(fs["KmsKeyId"].as_str().unwrap_or("")),
            ),
            (
                "availability_zone_name",
                Value::string(fs["AvailabilityZoneName"].as_str().unwrap_or("")),
            ),
            (
                "availability_zone_id",
                Value::string(fs["AvailabilityZoneId"].as_str().unwrap_or("")),
            ),
            (
                "name",
                Value::string(all_tags.get("Name").map(String::as_str).unwrap_or("")),
            ),
            (
                "number_of_mount_targets",
                Value::int(fs["NumberOfMountTargets"].as_i64().unwrap_or(0)),
            ),
            (
                "size_in_bytes",
                Value::list(size_type(), vec![size_obj])
                    .unwrap_or_else(|_| Value::null(Type::list(size_type()))),
            ),
            ("lifecycle_policy", policies_value(policies)),
        ],
    );
    with_attrs(&v, tags::state_values(aws, prior, all_tags))
}

/// The state of the file system `id`, `None` when it is gone.
async fn read_id(aws: &Aws, prior: &Value, id: &str) -> Result<Option<Value>, ProviderError> {
    let what = || format!("reading EFS File System ({id})");
    let Some(fs) = describe_file_system(aws, id).await.map_err(fail(what()))? else {
        return Ok(None);
    };
    let path = format!("/file-systems/{}/lifecycle-configuration", encode(id));
    let policies = match super::get(aws, "DescribeLifecycleConfiguration", &path)
        .await
        .map_err(fail(what()))?
    {
        Some(r) => r["LifecyclePolicies"].clone(),
        None => return Ok(None),
    };
    Ok(Some(state_from(aws, prior, &fs, &policies)))
}

async fn read(aws: &Aws, prior: &Value) -> Result<Option<Value>, ProviderError> {
    let id = need(prior, "id")?;
    read_id(aws, prior, id).await
}

/// The file system a create with `token` made: the one with that creation token, else (a
/// configured `creation_token`) the one carrying the token tag.
async fn by_token(aws: &Aws, token: &str) -> Result<Option<String>, ProviderError> {
    let found = super::file_system_by_creation_token(aws, token)
        .await
        .map_err(fail("finding EFS File System by token"))?;
    if let Some(fs) = found {
        return Ok(fs["FileSystemId"].as_str().map(str::to_string));
    }
    let all = super::all_file_systems(aws)
        .await
        .map_err(fail("finding EFS File System by token"))?;
    Ok(all
        .iter()
        .filter(|f| f["LifeCycleState"] != "deleted")
        .find(|f| {
            super::tag_map(&f["Tags"])
                .get(TOKEN_TAG)
                .map(String::as_str)
                == Some(token)
        })
        .and_then(|f| f["FileSystemId"].as_str().map(str::to_string)))
}

fn create_body(planned: &Value, creation_token: &str, token: &str) -> Json {
    let mut m = Map::new();
    m.insert("CreationToken".into(), json!(creation_token));
    let strs = [
        ("performance_mode", "PerformanceMode"),
        ("throughput_mode", "ThroughputMode"),
        ("kms_key_id", "KmsKeyId"),
        ("availability_zone_name", "AvailabilityZoneName"),
    ];
    for (attr, field) in strs {
        if let Some(v) = get_str(planned, attr).filter(|v| !v.is_empty()) {
            m.insert(field.into(), json!(v));
        }
    }
    if let Some(e) = get_bool(planned, "encrypted") {
        m.insert("Encrypted".into(), json!(e));
    }
    if let Some(t) = throughput(planned) {
        m.insert("ProvisionedThroughputInMibps".into(), json!(t));
    }
    m.insert(
        "Tags".into(),
        super::tag_list(&tags::for_create(planned, token)),
    );
    Json::Object(m)
}

fn throughput(v: &Value) -> Option<f64> {
    v.get_attr("provisioned_throughput_in_mibps")
        .and_then(Value::as_number)
        .map(Number::to_f64)
        .filter(|t| *t > 0.0)
}

fn changed(prior: &Value, planned: &Value, name: &str) -> bool {
    match (prior.get_attr(name), planned.get_attr(name)) {
        (Some(a), Some(b)) => b.is_known() && !a.raw_equals(b),
        _ => false,
    }
}

async fn put_policies(aws: &Aws, id: &str, planned: &Value) -> Result<(), ProviderError> {
    let body = json!({ "LifecyclePolicies": policies_json(planned) });
    let path = format!("/file-systems/{}/lifecycle-configuration", encode(id));
    call(
        aws,
        "PutLifecycleConfiguration",
        "PUT",
        &path,
        Some(&body),
        Idempotency::Safe,
    )
    .await
    .map_err(fail(format!(
        "putting EFS File System ({id}) lifecycle configuration"
    )))?;
    Ok(())
}

async fn wait(
    aws: &Aws,
    id: &str,
    want: Option<&str>,
    limit: Duration,
) -> Result<(), ProviderError> {
    wait_state(&format!("EFS File System ({id})"), want, limit, || {
        describe_file_system(aws, id)
    })
    .await
}

#[async_trait]
impl ResourceType for FileSystem {
    fn name(&self) -> &'static str {
        "aws_efs_file_system"
    }

    fn schema(&self) -> ResourceSchema {
        ResourceSchema {
            version: 0,
            block: block(),
        }
    }

    fn plan(&self, ctx: &PlanCtx, req: PlanRequest) -> Result<PlanResponse, ProviderError> {
        Ok(plan_generic(
            &block(),
            ctx,
            &req,
            &[
                ("performance_mode", Value::string("generalPurpose")),
                ("throughput_mode", Value::string("bursting")),
            ],
        ))
    }

    async fn create(&self, aws: &Aws, planned: &Value, token: &str) -> Result<Value, ApplyError> {
        // EFS makes one file system per creation token: a repeated call answers
        // FileSystemAlreadyExists instead of making a second one.
        let creation_token = get_str(planned, "creation_token").unwrap_or(token);
        let body = create_body(planned, creation_token, token);
        let id = match call(
            aws,
            "CreateFileSystem",
            "POST",
            "/file-systems",
            Some(&body),
            Idempotency::Safe,
        )
        .await
        {
            Ok(r) => r["FileSystemId"].as_str().unwrap_or_default().to_string(),
            Err(e) if e.is("FileSystemAlreadyExists") => {
                // Ours when it carries this create's token (an earlier attempt); else a
                // creation token someone else used.
                let found = super::file_system_by_creation_token(aws, creation_token)
                    .await
                    .map_err(fail("creating EFS File System"))?;
                match found.filter(|f| {
                    super::tag_map(&f["Tags"])
                        .get(TOKEN_TAG)
                        .map(String::as_str)
                        == Some(token)
                }) {
                    Some(f) => f["FileSystemId"].as_str().unwrap_or_default().to_string(),
                    None => return Err(e.into_provider_error("creating EFS File System").into()),
                }
            }
            Err(e) => return Err(e.into_provider_error("creating EFS File System").into()),
        };
        if id.is_empty() {
            return Err(
                ProviderError::new("creating EFS File System", "the answer has no id").into(),
            );
        }
        let with_id = terrane_provider::values::with_attr(planned, "id", Value::string(&id));
        let partial = |e: ProviderError| ApplyError::partial(e, with_id.clone());
        let limit = timeout(planned, "create", Duration::from_secs(600));
        wait(aws, &id, Some("available"), limit)
            .await
            .map_err(partial)?;
        if !policies_json(planned).as_array().is_none_or(Vec::is_empty) {
            put_policies(aws, &id, planned).await.map_err(partial)?;
        }
        crate::ec2::read_after_create(|| read(aws, &with_id))
            .await
            .map_err(partial)
    }

    async fn update(&self, aws: &Aws, prior: &Value, planned: &Value) -> Result<Value, ApplyError> {
        let id = need(prior, "id")?;
        if changed(prior, planned, "throughput_mode")
            || changed(prior, planned, "provisioned_throughput_in_mibps")
        {
            let mut m = Map::new();
            if let Some(t) = get_str(planned, "throughput_mode") {
                m.insert("ThroughputMode".into(), json!(t));
            }
            if let Some(t) = throughput(planned) {
                m.insert("ProvisionedThroughputInMibps".into(), json!(t));
            }
            let path = format!("/file-systems/{}", encode(id));
            call(
                aws,
                "UpdateFileSystem",
                "PUT",
                &path,
                Some(&Json::Object(m)),
                Idempotency::Safe,
            )
            .await
            .map_err(fail(format!("updating EFS File System ({id})")))?;
            let limit = timeout(planned, "update", Duration::from_secs(600));
            wait(aws, id, Some("available"), limit).await?;
        }
        if changed(prior, planned, "lifecycle_policy") {
            put_policies(aws, id, planned).await?;
        }
        let old = get_string_map(prior, "tags_all").unwrap_or_default();
        let new: BTreeMap<String, String> = get_string_map(planned, "tags_all").unwrap_or_default();
        super::update_tags(aws, id, &old, &new)
            .await
            .map_err(fail(format!("updating EFS File System ({id}) tags")))?;
        read(aws, planned)
            .await?
            .ok_or_else(|| ProviderError::new("EFS File System gone", id.to_string()).into())
    }

    async fn delete(&self, aws: &Aws, prior: &Value) -> Result<(), ProviderError> {
        let id = need(prior, "id")?;
        let limit = timeout(prior, "delete", Duration::from_secs(600));
        let path = format!("/file-systems/{}", encode(id));
        // Mount targets being deleted still hold the file system for a while.
        match retry_on(&["FileSystemInUse"], limit, || {
            call(
                aws,
                "DeleteFileSystem",
                "DELETE",
                &path,
                None,
                Idempotency::Safe,
            )
        })
        .await
        {
            Ok(_) => {}
            Err(e) if e.is_not_found() => return Ok(()),
            Err(e) => {
                return Err(e.into_provider_error(&format!("deleting EFS File System ({id})")))
            }
        }
        wait(aws, id, None, limit).await
    }

    async fn read(&self, aws: &Aws, state: &Value) -> Result<Option<Value>, ProviderError> {
        read(aws, state).await
    }

    async fn find_by_token(&self, aws: &Aws, token: &str) -> Result<Option<Value>, ProviderError> {
        match by_token(aws, token).await? {
            Some(id) => {
                let stub = object_for(&block(), [("id", Value::string(&id))]);
                read_id(aws, &stub, &id).await
            }
            None => Ok(None),
        }
    }
}
