//! `aws_db_instance`: an RDS DB instance (MySQL first), waited for until `available` after
//! create and modify and until gone after delete, within the `timeouts {}` (Terraform's 40m,
//! 80m, 60m). The class, storage (size, type, IOPS, autoscaling limit), password, port,
//! groups, windows and flags change in place with ModifyDBInstance, and so does the
//! identifier (a rename, applied at once); the engine, database name, user name and
//! encryption force a new instance. The id is the DBI resource
//! id (`db-...`); import takes the identifier.

use std::time::Duration;

use async_trait::async_trait;
use terrane_dsl::value::{Path, Type, Value};
use terrane_provider::values::{
    get_bool, get_i64, get_str, get_string_list, object_for, with_attrs,
};
use terrane_provider::{
    ApplyError, AttributeSchema, BlockSchema, PlanRequest, PlanResponse, ProviderDiagnostic,
    ProviderError, ResourceSchema,
};

use super::instance_api::{self as api, state_from};
use super::{is_gone, list_params, tag_params};
use crate::client::endpoint::RDS;
use crate::client::{retry, Idempotency, Params};
use crate::common::{
    comp, fail, need, opt, optc, plan_generic, tag_attrs, timeout, unique_name, Aws, PlanCtx,
    ResourceType, WithAttributes,
};
use crate::tags::{self, TOKEN_TAG};

pub struct DbInstance;

const CREATE: Duration = Duration::from_secs(40 * 60);
const UPDATE: Duration = Duration::from_secs(80 * 60);
const DELETE: Duration = Duration::from_secs(60 * 60);

fn block() -> BlockSchema {
    let st = || Type::String;
    let num = || Type::Number;
    BlockSchema::with_attributes([
        ("identifier", optc(st())),
        ("identifier_prefix", optc(st()).force_new()),
        ("engine", optc(st()).force_new()),
        ("engine_version", optc(st())),
        ("engine_version_actual", comp(st())),
        ("instance_class", AttributeSchema::required(st())),
        ("allocated_storage", optc(num())),
        ("storage_type", optc(st())),
        ("iops", optc(num())),
        ("max_allocated_storage", opt(num())),
        ("db_name", optc(st()).force_new()),
        ("username", optc(st()).force_new()),
        ("password", opt(st()).sensitive()),
        ("port", optc(num())),
        ("parameter_group_name", optc(st())),
        ("db_subnet_group_name", optc(st())),
        ("vpc_security_group_ids", optc(Type::set(st()))),
        ("multi_az", optc(Type::Bool)),
        ("publicly_accessible", optc(Type::Bool)),
        ("backup_retention_period", optc(num())),
        ("backup_window", optc(st())),
        ("maintenance_window", optc(st())),
        ("skip_final_snapshot", optc(Type::Bool)),
        ("final_snapshot_identifier", opt(st())),
        ("deletion_protection", optc(Type::Bool)),
        ("apply_immediately", optc(Type::Bool)),
        ("storage_encrypted", optc(Type::Bool).force_new()),
        ("kms_key_id", optc(st()).force_new()),
        ("auto_minor_version_upgrade", optc(Type::Bool)),
        ("copy_tags_to_snapshot", optc(Type::Bool)),
        ("availability_zone", optc(st()).force_new()),
        ("id", comp(st())),
        ("resource_id", comp(st())),
        ("arn", comp(st())),
        ("address", comp(st())),
        ("endpoint", comp(st())),
        ("hosted_zone_id", comp(st())),
        ("status", comp(st())),
    ])
    .with_attributes_from(tag_attrs())
}

fn int(v: &Value, k: &str) -> Option<String> {
    get_i64(v, k).ok().flatten().map(|x| x.to_string())
}

fn flag(v: &Value, k: &str) -> Option<String> {
    get_bool(v, k).map(|x| x.to_string())
}

/// A known, non-empty string argument.
fn text<'a>(v: &'a Value, k: &str) -> Option<&'a str> {
    get_str(v, k).filter(|x| !x.is_empty())
}

/// Whether destroying an object in this state would fail as Terraform's does: no final
/// snapshot skipped nor named.
fn undeletable(v: &Value) -> bool {
    get_bool(v, "skip_final_snapshot") != Some(true)
        && get_str(v, "final_snapshot_identifier").is_none_or(str::is_empty)
}

fn final_snapshot_error() -> ProviderError {
    ProviderError::invalid_value(
        "final_snapshot_identifier",
        "final_snapshot_identifier is required when skip_final_snapshot is false",
    )
    .at_attr("final_snapshot_identifier")
}

async fn read(aws: &Aws, prior: &Value) -> Result<Option<Value>, ProviderError> {
    Ok(api::find(aws, prior)
        .await?
        .map(|el| state_from(aws, prior, &el)))
}

/// ModifyDBInstance's parameters for what differs between `prior` and `planned`.
fn modify_params(prior: &Value, planned: &Value) -> Params {
    let differs = |k: &str| match (prior.get_attr(k), planned.get_attr(k)) {
        (Some(a), Some(b)) => b.is_known() && !b.is_null() && !a.raw_equals(b),
        _ => false,
    };
    let mut p = Params::new();
    let strings = [
        ("instance_class", "DBInstanceClass"),
        ("engine_version", "EngineVersion"),
        ("storage_type", "StorageType"),
        ("password", "MasterUserPassword"),
        ("parameter_group_name", "DBParameterGroupName"),
        ("db_subnet_group_name", "DBSubnetGroupName"),
        ("backup_window", "PreferredBackupWindow"),
        ("maintenance_window", "PreferredMaintenanceWindow"),
    ];
    for (k, param) in strings {
        if differs(k) {
            p = p.opt(param, get_str(planned, k));
        }
    }
    let numbers = [
        ("allocated_storage", "AllocatedStorage"),
        ("iops", "Iops"),
        ("max_allocated_storage", "MaxAllocatedStorage"),
        ("port", "DBPortNumber"),
        ("backup_retention_period", "BackupRetentionPeriod"),
    ];
    for (k, param) in numbers {
        if differs(k) {
            p = p.opt(param, int(planned, k));
        }
    }
    // Taking out the autoscaling limit turns autoscaling off.
    if matches!(prior.get_attr("max_allocated_storage"), Some(v) if !v.is_null())
        && planned
            .get_attr("max_allocated_storage")
            .is_some_and(Value::is_null)
    {
        p = p.set("MaxAllocatedStorage", "0");
    }
    let flags = [
        ("multi_az", "MultiAZ"),
        ("publicly_accessible", "PubliclyAccessible"),
        ("deletion_protection", "DeletionProtection"),
        ("auto_minor_version_upgrade", "AutoMinorVersionUpgrade"),
        ("copy_tags_to_snapshot", "CopyTagsToSnapshot"),
    ];
    for (k, param) in flags {
        if differs(k) {
            p = p.opt(param, flag(planned, k));
        }
    }
    if differs("vpc_security_group_ids") {
        let ids = get_string_list(planned, "vpc_security_group_ids").unwrap_or_default();
        p = list_params(p, "VpcSecurityGroupIds", "VpcSecurityGroupId", &ids);
    }
    if differs("engine_version") {
        p = p.set("AllowMajorVersionUpgrade", "true");
    }
    p
}

#[async_trait]
impl ResourceType for DbInstance {
    fn name(&self) -> &'static str {
        "aws_db_instance"
    }

    fn schema(&self) -> ResourceSchema {
        ResourceSchema {
            version: 0,
            block: block(),
        }
    }

    fn validate(&self, config: &Value) -> Vec<ProviderDiagnostic> {
        let mut out = Vec::new();
        if config.get_attr("engine").is_some_and(Value::is_null) {
            out.push(ProviderDiagnostic::error(
                "Missing required argument",
                "The argument \"engine\" is required (terrane does not restore from snapshots or replicas yet).",
                Path::root().attr("engine"),
            ));
        }
        let set = |k: &str| config.get_attr(k).is_some_and(|v| !v.is_null());
        if set("identifier") && set("identifier_prefix") {
            out.push(ProviderDiagnostic::error(
                "Conflicting configuration arguments",
                "\"identifier\": conflicts with identifier_prefix",
                Path::root().attr("identifier"),
            ));
        }
        let skip = config.get_attr("skip_final_snapshot");
        let known = |v: Option<&Value>| v.is_none_or(Value::is_known);
        if known(skip) && known(config.get_attr("final_snapshot_identifier")) && undeletable(config)
        {
            out.push(ProviderDiagnostic::warning(
                "Destroy will fail without a final snapshot",
                "skip_final_snapshot is false and final_snapshot_identifier is not set: destroying this DB instance will fail, as Terraform's does. Set one of them.",
                Path::root().attr("final_snapshot_identifier"),
            ));
        }
        out
    }

    fn plan(&self, ctx: &PlanCtx, req: PlanRequest) -> Result<PlanResponse, ProviderError> {
        let defaults = [
            ("skip_final_snapshot", Value::bool(false)),
            ("publicly_accessible", Value::bool(false)),
            ("deletion_protection", Value::bool(false)),
            ("apply_immediately", Value::bool(false)),
            ("storage_encrypted", Value::bool(false)),
            ("auto_minor_version_upgrade", Value::bool(true)),
            ("copy_tags_to_snapshot", Value::bool(false)),
        ];
        let mut resp = plan_generic(&block(), ctx, &req, &defaults);
        match &req.prior_state {
            None => {
                if get_str(&req.config, "identifier").is_some() {
                    resp.planned_state = with_attrs(
                        &resp.planned_state,
                        [("identifier_prefix", Value::null(Type::String))],
                    );
                }
            }
            // A replacement destroys the old instance first: it must be able to go.
            Some(prior) if !resp.requires_replace.is_empty() && undeletable(prior) => {
                return Err(final_snapshot_error());
            }
            Some(_) => {}
        }
        Ok(resp)
    }

    async fn create(&self, aws: &Aws, planned: &Value, token: &str) -> Result<Value, ApplyError> {
        let ident = match get_str(planned, "identifier") {
            Some(i) => i.to_lowercase(),
            None => unique_name(get_str(planned, "identifier_prefix").unwrap_or("terraform-"))
                .to_lowercase(),
        };
        let mut p = Params::new()
            .set("DBInstanceIdentifier", &ident)
            .set("Engine", need(planned, "engine")?)
            .set("DBInstanceClass", need(planned, "instance_class")?)
            .opt("EngineVersion", text(planned, "engine_version"))
            .opt("AllocatedStorage", int(planned, "allocated_storage"))
            .opt("StorageType", text(planned, "storage_type"))
            .opt("Iops", int(planned, "iops").filter(|x| x != "0"))
            .opt(
                "MaxAllocatedStorage",
                int(planned, "max_allocated_storage").filter(|x| x != "0"),
            )
            .opt("DBName", text(planned, "db_name"))
            .opt("MasterUsername", text(planned, "username"))
            .opt("MasterUserPassword", text(planned, "password"))
            .opt("Port", int(planned, "port"))
            .opt(
                "DBParameterGroupName",
                text(planned, "parameter_group_name"),
            )
            .opt("DBSubnetGroupName", text(planned, "db_subnet_group_name"))
            .opt("MultiAZ", flag(planned, "multi_az"))
            .opt("PubliclyAccessible", flag(planned, "publicly_accessible"))
            .opt(
                "BackupRetentionPeriod",
                int(planned, "backup_retention_period"),
            )
            .opt("PreferredBackupWindow", text(planned, "backup_window"))
            .opt(
                "PreferredMaintenanceWindow",
                text(planned, "maintenance_window"),
            )
            .opt("DeletionProtection", flag(planned, "deletion_protection"))
            .opt("StorageEncrypted", flag(planned, "storage_encrypted"))
            .opt("KmsKeyId", text(planned, "kms_key_id"))
            .opt(
                "AutoMinorVersionUpgrade",
                flag(planned, "auto_minor_version_upgrade"),
            )
            .opt("CopyTagsToSnapshot", flag(planned, "copy_tags_to_snapshot"))
            .opt("AvailabilityZone", text(planned, "availability_zone"));
        if let Some(ids) = get_string_list(planned, "vpc_security_group_ids") {
            p = list_params(p, "VpcSecurityGroupIds", "VpcSecurityGroupId", &ids);
        }
        let p = tag_params(p, &tags::for_create(planned, token));
        // RDS has no client token: an identifier with our token tag is an earlier attempt.
        let ours = || async {
            api::describe(aws, &ident)
                .await
                .ok()
                .flatten()
                .is_some_and(|el| {
                    super::tags_of(&el).get(TOKEN_TAG).map(String::as_str) == Some(token)
                })
        };
        let what = "creating RDS DB Instance";
        let mut attempts = 0;
        loop {
            attempts += 1;
            match aws
                .call(&RDS, "CreateDBInstance", &p, Idempotency::Unsafe)
                .await
            {
                Ok(_) => break,
                Err(e) if e.is("DBInstanceAlreadyExists") => {
                    if ours().await {
                        break;
                    }
                    return Err(e.into_provider_error(what).into());
                }
                Err(e) if retry::is_retryable(&e) && attempts < 5 => {
                    if ours().await {
                        break;
                    }
                }
                Err(e) => return Err(e.into_provider_error(what).into()),
            }
        }
        let with_id = with_attrs(
            planned,
            [
                ("identifier", Value::string(&ident)),
                ("id", Value::string(&ident)),
            ],
        );
        let partial = |e: ProviderError| ApplyError::partial(e, with_id.clone());
        api::wait_status(
            aws,
            &ident,
            Some("available"),
            timeout(planned, "create", CREATE),
        )
        .await
        .map_err(partial)?;
        crate::ec2::read_after_create(|| read(aws, &with_id))
            .await
            .map_err(partial)
    }

    async fn update(&self, aws: &Aws, prior: &Value, planned: &Value) -> Result<Value, ApplyError> {
        let ident = need(prior, "identifier")?;
        let what = || format!("updating RDS DB Instance ({ident})");
        let mut p = modify_params(prior, planned);
        // A new identifier renames in place, at once (as Terraform: ApplyImmediately).
        let renamed = get_str(planned, "identifier").filter(|n| !n.eq_ignore_ascii_case(ident));
        let immediately = renamed.is_some() || get_bool(planned, "apply_immediately") == Some(true);
        if let Some(n) = renamed {
            p = p.set("NewDBInstanceIdentifier", n);
        }
        if !p.0.is_empty() {
            let p = Params::new()
                .set("DBInstanceIdentifier", ident)
                .set("ApplyImmediately", immediately.to_string())
                .0
                .into_iter()
                .chain(p.0)
                .collect::<Vec<_>>();
            aws.call(&RDS, "ModifyDBInstance", &Params(p), Idempotency::Safe)
                .await
                .map_err(fail(what()))?;
            api::wait_status(
                aws,
                renamed.unwrap_or(ident),
                Some("available"),
                timeout(planned, "update", UPDATE),
            )
            .await?;
        }
        let arn = need(prior, "arn")?;
        super::update_tags(aws, arn, prior, planned)
            .await
            .map_err(fail(what()))?;
        // The password is never shown by AWS: the planned one is what it now is.
        let state = read(aws, planned)
            .await?
            .ok_or_else(|| ProviderError::new("RDS DB Instance gone", ident.to_string()))?;
        Ok(state)
    }

    async fn delete(&self, aws: &Aws, prior: &Value) -> Result<(), ProviderError> {
        let ident = need(prior, "identifier")?;
        if undeletable(prior) {
            return Err(final_snapshot_error());
        }
        let skip = get_bool(prior, "skip_final_snapshot") == Some(true);
        let p = Params::new()
            .set("DBInstanceIdentifier", ident)
            .set("SkipFinalSnapshot", skip.to_string())
            .opt(
                "FinalDBSnapshotIdentifier",
                get_str(prior, "final_snapshot_identifier").filter(|_| !skip),
            );
        match aws
            .call(&RDS, "DeleteDBInstance", &p, Idempotency::Safe)
            .await
        {
            Ok(_) => {}
            Err(e) if is_gone(&e) => return Ok(()),
            // Already being deleted (an earlier attempt): wait for it.
            Err(e) if e.is("InvalidDBInstanceState") && e.message.contains("deleting") => {}
            Err(e) => {
                return Err(e.into_provider_error(&format!("deleting RDS DB Instance ({ident})")))
            }
        }
        api::wait_status(aws, ident, None, timeout(prior, "delete", DELETE)).await
    }

    async fn read(&self, aws: &Aws, state: &Value) -> Result<Option<Value>, ProviderError> {
        read(aws, state).await
    }

    async fn find_by_token(&self, aws: &Aws, token: &str) -> Result<Option<Value>, ProviderError> {
        let ident = api::by_token(aws, token)
            .await
            .map_err(fail("finding RDS DB Instance by token"))?;
        match ident {
            Some(i) => {
                read(
                    aws,
                    &object_for(&block(), [("identifier", Value::string(i))]),
                )
                .await
            }
            None => Ok(None),
        }
    }
}
