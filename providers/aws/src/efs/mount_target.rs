//! `aws_efs_mount_target`: a file system's mount target in one subnet, waited for until
//! `available`; its security groups change in place (ModifyMountTargetSecurityGroups), the
//! rest forces a new one.
//!
//! **No token.** Mount targets cannot be tagged and CreateMountTarget takes no client token,
//! so `find_by_token` finds nothing. A file system has at most one mount target per
//! availability zone, so a create first looks for the mount target of its file system in its
//! subnet, and adopts it when it exists (a create that a crash or a lost answer interrupted
//! made exactly that); a conflicting create (MountTargetConflict) is looked up the same way,
//! and so is the engine's `find_by_config` (a destroy adopting an interrupted create).

use std::time::Duration;

use async_trait::async_trait;
use serde_json::{json, Map, Value as Json};
use terrane_dsl::value::{Type, Value};
use terrane_provider::values::{get_str, get_string_list, with_attr, with_attrs};
use terrane_provider::{ApplyError, AttributeSchema, BlockSchema, ProviderError, ResourceSchema};

use super::{call, describe_mount_target, wait_state};
use crate::client::protocol::encode;
use crate::client::Idempotency;
use crate::common::{arn, comp, fail, need, optc, s, string_set, timeout, Aws, ResourceType};

pub struct MountTarget;

pub fn block() -> BlockSchema {
    let st = || Type::String;
    BlockSchema::with_attributes([
        (
            "file_system_id",
            AttributeSchema::required(st()).force_new(),
        ),
        ("subnet_id", AttributeSchema::required(st()).force_new()),
        ("ip_address", optc(st()).force_new()),
        ("security_groups", optc(Type::set(st()))),
        ("id", comp(st())),
        ("dns_name", comp(st())),
        ("mount_target_dns_name", comp(st())),
        ("file_system_arn", comp(st())),
        ("network_interface_id", comp(st())),
        ("availability_zone_name", comp(st())),
        ("availability_zone_id", comp(st())),
        ("owner_id", comp(st())),
    ])
}

fn state_from(aws: &Aws, prior: &Value, mt: &Json, groups: Vec<String>) -> Value {
    let str_of = |k: &str| s(mt[k].as_str());
    let fs = mt["FileSystemId"].as_str().unwrap_or_default();
    let az = mt["AvailabilityZoneName"].as_str().unwrap_or_default();
    let owner = mt["OwnerId"].as_str().unwrap_or_default();
    let region = &aws.client.region;
    with_attrs(
        prior,
        [
            ("id", str_of("MountTargetId")),
            ("file_system_id", Value::string(fs)),
            ("subnet_id", str_of("SubnetId")),
            ("ip_address", str_of("IpAddress")),
            ("security_groups", string_set(groups)),
            (
                "dns_name",
                Value::string(format!("{fs}.efs.{region}.amazonaws.com")),
            ),
            (
                "mount_target_dns_name",
                Value::string(format!("{az}.{fs}.efs.{region}.amazonaws.com")),
            ),
            (
                "file_system_arn",
                Value::string(arn(
                    aws,
                    "elasticfilesystem",
                    owner,
                    &format!("file-system/{fs}"),
                )),
            ),
            ("network_interface_id", str_of("NetworkInterfaceId")),
            ("availability_zone_name", Value::string(az)),
            ("availability_zone_id", str_of("AvailabilityZoneId")),
            ("owner_id", Value::string(owner)),
        ],
    )
}

/// The security groups of mount target `id`; `None` when it is gone.
async fn groups(aws: &Aws, id: &str) -> Result<Option<Vec<String>>, ProviderError> {
    let path = format!("/mount-targets/{}/security-groups", encode(id));
    let r = super::get(aws, "DescribeMountTargetSecurityGroups", &path)
        .await
        .map_err(fail(format!(
            "reading EFS Mount Target ({id}) security groups"
        )))?;
    Ok(r.map(|r| {
        r["SecurityGroups"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|g| g.as_str().map(str::to_string))
            .collect()
    }))
}

async fn state_of(aws: &Aws, prior: &Value, mt: &Json) -> Result<Option<Value>, ProviderError> {
    let id = mt["MountTargetId"].as_str().unwrap_or_default();
    Ok(groups(aws, id)
        .await?
        .map(|g| state_from(aws, prior, mt, g)))
}

async fn read(aws: &Aws, prior: &Value) -> Result<Option<Value>, ProviderError> {
    let id = need(prior, "id")?;
    let found = describe_mount_target(aws, id)
        .await
        .map_err(fail(format!("reading EFS Mount Target ({id})")))?;
    match found {
        Some(mt) => state_of(aws, prior, &mt).await,
        None => Ok(None),
    }
}

/// The mount target of file system `fs` in `subnet`, if there is one.
async fn existing(aws: &Aws, fs: &str, subnet: &str) -> Result<Option<Json>, ProviderError> {
    let all = super::mount_targets_of(aws, fs)
        .await
        .map_err(fail(format!(
            "reading EFS File System ({fs}) mount targets"
        )))?;
    Ok(all.into_iter().find(|m| m["SubnetId"] == subnet))
}

async fn set_groups(aws: &Aws, id: &str, groups: &[String]) -> Result<(), ProviderError> {
    let path = format!("/mount-targets/{}/security-groups", encode(id));
    call(
        aws,
        "ModifyMountTargetSecurityGroups",
        "PUT",
        &path,
        Some(&json!({ "SecurityGroups": groups })),
        Idempotency::Safe,
    )
    .await
    .map_err(fail(format!(
        "modifying EFS Mount Target ({id}) security groups"
    )))?;
    Ok(())
}

async fn wait(
    aws: &Aws,
    id: &str,
    want: Option<&str>,
    limit: Duration,
) -> Result<(), ProviderError> {
    wait_state(&format!("EFS Mount Target ({id})"), want, limit, || {
        describe_mount_target(aws, id)
    })
    .await
}

fn planned_groups(planned: &Value) -> Option<Vec<String>> {
    planned
        .get_attr("security_groups")
        .filter(|v| v.is_known() && !v.is_null())
        .and_then(|_| get_string_list(planned, "security_groups"))
}

#[async_trait]
impl ResourceType for MountTarget {
    fn name(&self) -> &'static str {
        "aws_efs_mount_target"
    }

    fn schema(&self) -> ResourceSchema {
        ResourceSchema {
            version: 0,
            block: block(),
        }
    }

    async fn create(&self, aws: &Aws, planned: &Value, _token: &str) -> Result<Value, ApplyError> {
        let fs = need(planned, "file_system_id")?;
        let subnet = need(planned, "subnet_id")?;
        let groups = planned_groups(planned);
        let what = "creating EFS Mount Target";
        let mut adopted = existing(aws, fs, subnet).await?;
        if adopted.is_none() {
            let mut m = Map::new();
            m.insert("FileSystemId".into(), json!(fs));
            m.insert("SubnetId".into(), json!(subnet));
            if let Some(ip) = get_str(planned, "ip_address") {
                m.insert("IpAddress".into(), json!(ip));
            }
            if let Some(g) = &groups {
                m.insert("SecurityGroups".into(), json!(g));
            }
            // Safe to repeat: a repeated create conflicts, and is then looked up.
            match call(
                aws,
                "CreateMountTarget",
                "POST",
                "/mount-targets",
                Some(&Json::Object(m)),
                Idempotency::Safe,
            )
            .await
            {
                Ok(r) => adopted = Some(r),
                Err(e) if e.is("MountTargetConflict") => match existing(aws, fs, subnet).await? {
                    Some(mt) => adopted = Some(mt),
                    None => return Err(e.into_provider_error(what).into()),
                },
                Err(e) => return Err(e.into_provider_error(what).into()),
            }
        }
        let id = adopted
            .as_ref()
            .and_then(|m| m["MountTargetId"].as_str())
            .unwrap_or_default()
            .to_string();
        if id.is_empty() {
            return Err(ProviderError::new(what, "the answer has no id").into());
        }
        let with_id = with_attr(planned, "id", Value::string(&id));
        let partial = |e: ProviderError| ApplyError::partial(e, with_id.clone());
        let limit = timeout(planned, "create", Duration::from_secs(1800));
        wait(aws, &id, Some("available"), limit)
            .await
            .map_err(partial)?;
        // An adopted mount target may have other groups than planned.
        if let Some(want) = &groups {
            let mut have = self::groups(aws, &id)
                .await
                .map_err(partial)?
                .unwrap_or_default();
            let mut want = want.clone();
            have.sort();
            want.sort();
            if have != want {
                set_groups(aws, &id, &want).await.map_err(partial)?;
            }
        }
        crate::ec2::read_after_create(|| read(aws, &with_id))
            .await
            .map_err(partial)
    }

    async fn update(&self, aws: &Aws, prior: &Value, planned: &Value) -> Result<Value, ApplyError> {
        let id = need(prior, "id")?;
        let (a, b) = (
            prior.get_attr("security_groups"),
            planned.get_attr("security_groups"),
        );
        if let (Some(a), Some(b)) = (a, b) {
            if b.is_known() && !a.raw_equals(b) {
                set_groups(aws, id, &planned_groups(planned).unwrap_or_default()).await?;
            }
        }
        read(aws, planned)
            .await?
            .ok_or_else(|| ProviderError::new("EFS Mount Target gone", id.to_string()).into())
    }

    async fn delete(&self, aws: &Aws, prior: &Value) -> Result<(), ProviderError> {
        let id = need(prior, "id")?;
        let path = format!("/mount-targets/{}", encode(id));
        match call(
            aws,
            "DeleteMountTarget",
            "DELETE",
            &path,
            None,
            Idempotency::Safe,
        )
        .await
        {
            Ok(_) => {}
            Err(e) if e.is_not_found() => return Ok(()),
            Err(e) => {
                return Err(e.into_provider_error(&format!("deleting EFS Mount Target ({id})")))
            }
        }
        wait(
            aws,
            id,
            None,
            timeout(prior, "delete", Duration::from_secs(600)),
        )
        .await
    }

    async fn read(&self, aws: &Aws, state: &Value) -> Result<Option<Value>, ProviderError> {
        read(aws, state).await
    }

    async fn find_by_token(
        &self,
        _aws: &Aws,
        _token: &str,
    ) -> Result<Option<Value>, ProviderError> {
        // Mount targets carry no token: a repeated create adopts the one in its subnet
        // (above).
        Ok(None)
    }

    async fn find_by_config(
        &self,
        aws: &Aws,
        config: &Value,
    ) -> Result<Option<Value>, ProviderError> {
        // At most one per file system and availability zone: the one in the configured subnet.
        let (Some(fs), Some(subnet)) = (
            get_str(config, "file_system_id"),
            get_str(config, "subnet_id"),
        ) else {
            return Ok(None);
        };
        match existing(aws, fs, subnet).await? {
            Some(mt) => state_of(aws, config, &mt).await,
            None => Ok(None),
        }
    }
}
