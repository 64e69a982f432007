//! What `aws_db_instance` asks RDS: describing an instance (by identifier or by DBI resource
//! id), its state from DescribeDBInstances, and waiting for its status.

use std::time::Duration;

use terrane_dsl::value::{Type, Value};
use terrane_provider::values::{get_i64, get_str, with_attr, with_attrs};
use terrane_provider::ProviderError;

use super::{is_gone, members, pages, tags_of, visible, wait_for};
use crate::client::endpoint::RDS;
use crate::client::{AwsError, Element, Idempotency, Params};
use crate::common::{b, fail, n, s, string_set, Aws};
use crate::tags;

/// The instance `identifier`, `None` when there is none.
pub async fn describe(aws: &Aws, identifier: &str) -> Result<Option<Element>, AwsError> {
    let p = Params::new().set("DBInstanceIdentifier", identifier);
    match aws
        .call(&RDS, "DescribeDBInstances", &p, Idempotency::Safe)
        .await
    {
        Ok(r) => Ok(members(&r, "DBInstances")
            .into_iter()
            .find(|d| {
                d.text_of("DBInstanceIdentifier")
                    .is_some_and(|i| i.eq_ignore_ascii_case(identifier))
            })
            .cloned()),
        Err(e) if is_gone(&e) => Ok(None),
        Err(e) => Err(e),
    }
}

/// The instance whose DBI resource id is `id` (`db-...`), `None` when there is none.
pub async fn describe_by_resource_id(aws: &Aws, id: &str) -> Result<Option<Element>, AwsError> {
    let p = Params::new()
        .set("Filters.Filter.1.Name", "dbi-resource-id")
        .set("Filters.Filter.1.Values.Value.1", id);
    match aws
        .call(&RDS, "DescribeDBInstances", &p, Idempotency::Safe)
        .await
    {
        Ok(r) => Ok(members(&r, "DBInstances")
            .into_iter()
            .find(|d| d.text_of("DbiResourceId") == Some(id))
            .cloned()),
        Err(e) if is_gone(&e) => Ok(None),
        Err(e) => Err(e),
    }
}

/// The instance a state names: by `identifier` when known, else by `id` (the DBI resource
/// id, or an identifier given to `import`).
pub async fn find(aws: &Aws, state: &Value) -> Result<Option<Element>, ProviderError> {
    let by_identifier = get_str(state, "identifier");
    let id = get_str(state, "id");
    let what = || {
        format!(
            "reading RDS DB Instance ({})",
            by_identifier.or(id).unwrap_or("?")
        )
    };
    if let Some(i) = by_identifier {
        return describe(aws, i).await.map_err(fail(what()));
    }
    let Some(id) = id else {
        return Err(crate::common::missing("identifier"));
    };
    if id.starts_with("db-") {
        if let Some(el) = describe_by_resource_id(aws, id)
            .await
            .map_err(fail(what()))?
        {
            return Ok(Some(el));
        }
    }
    describe(aws, id).await.map_err(fail(what()))
}

/// The identifier of the instance tagged with `token` (DescribeDBInstances' `TagList`).
pub async fn by_token(aws: &Aws, token: &str) -> Result<Option<String>, AwsError> {
    for el in pages(aws, "DescribeDBInstances", &Params::new(), "DBInstances").await? {
        if tags_of(&el).get(tags::TOKEN_TAG).map(String::as_str) == Some(token) {
            return Ok(el.text_of("DBInstanceIdentifier").map(str::to_string));
        }
    }
    Ok(None)
}

/// Waits until the instance's status is `want` (`None`: gone).
pub async fn wait_status(
    aws: &Aws,
    identifier: &str,
    want: Option<&str>,
    limit: Duration,
) -> Result<(), ProviderError> {
    wait_for(
        &format!("RDS DB Instance ({identifier})"),
        want,
        limit,
        || async {
            Ok(describe(aws, identifier)
                .await
                .map_err(fail(format!("reading RDS DB Instance ({identifier})")))?
                .map(|el| el.text_of("DBInstanceStatus").unwrap_or("").to_string()))
        },
    )
    .await
}

/// `remote` unless `prior` says the same in another case (AWS lower-cases windows).
fn same_or(prior: Option<&str>, remote: Option<&str>) -> Value {
    match (prior, remote) {
        (Some(p), Some(r)) if p.eq_ignore_ascii_case(r) => Value::string(p),
        (_, r) => s(r),
    }
}

/// The state of the instance `el`, over `prior` (which keeps the password, the delete-time
/// settings and the configured spellings).
pub fn state_from(aws: &Aws, prior: &Value, el: &Element) -> Value {
    let ident = el.text_of("DBInstanceIdentifier").unwrap_or_default();
    let address = el.text_at(&["Endpoint", "Address"]);
    let port = el
        .at(&["Endpoint"])
        .and_then(|e| e.i64_of("Port"))
        .or(el.i64_of("DbInstancePort"));
    let version = el.text_of("EngineVersion");
    // A configured "8.0" is what AWS shows as "8.0.35": no difference (as Terraform).
    let engine_version = match (get_str(prior, "engine_version"), version) {
        (Some(p), Some(r)) if r == p || r.starts_with(&format!("{p}.")) => Value::string(p),
        (_, r) => s(r),
    };
    let sgs = members(el, "VpcSecurityGroups")
        .into_iter()
        .filter_map(|g| g.text_of("VpcSecurityGroupId").map(str::to_string));
    let pg = members(el, "DBParameterGroups")
        .first()
        .and_then(|g| g.text_of("DBParameterGroupName"))
        .map(str::to_string);
    let ident_value = match get_str(prior, "identifier") {
        Some(p) if p.eq_ignore_ascii_case(ident) => Value::string(p),
        _ => Value::string(ident),
    };
    let max_storage = el
        .i64_of("MaxAllocatedStorage")
        .filter(|m| Some(*m) != el.i64_of("AllocatedStorage"));
    let max_storage = match (
        get_i64(prior, "max_allocated_storage").ok().flatten(),
        max_storage,
    ) {
        // Unset and "the same as allocated" both mean no autoscaling.
        (None, None) => Value::null(Type::Number),
        (Some(0), None) => Value::int(0),
        (_, m) => n(m),
    };
    let mut v = with_attrs(
        prior,
        [
            ("id", s(el.text_of("DbiResourceId"))),
            ("identifier", ident_value),
            ("resource_id", s(el.text_of("DbiResourceId"))),
            ("arn", s(el.text_of("DBInstanceArn"))),
            ("engine", s(el.text_of("Engine"))),
            ("engine_version", engine_version),
            ("engine_version_actual", s(version)),
            ("instance_class", s(el.text_of("DBInstanceClass"))),
            ("allocated_storage", n(el.i64_of("AllocatedStorage"))),
            ("storage_type", s(el.text_of("StorageType"))),
            ("iops", Value::int(el.i64_of("Iops").unwrap_or(0))),
            ("max_allocated_storage", max_storage),
            ("db_name", s(el.text_of("DBName"))),
            ("username", s(el.text_of("MasterUsername"))),
            ("port", n(port)),
            ("address", s(address)),
            (
                "endpoint",
                match (address, port) {
                    (Some(a), Some(p)) => Value::string(format!("{a}:{p}")),
                    _ => Value::null(Type::String),
                },
            ),
            (
                "hosted_zone_id",
                Value::string(el.text_at(&["Endpoint", "HostedZoneId"]).unwrap_or("")),
            ),
            ("status", s(el.text_of("DBInstanceStatus"))),
            ("availability_zone", s(el.text_of("AvailabilityZone"))),
            ("parameter_group_name", s(pg.as_deref())),
            (
                "db_subnet_group_name",
                s(el.text_at(&["DBSubnetGroup", "DBSubnetGroupName"])),
            ),
            ("vpc_security_group_ids", string_set(sgs)),
            ("multi_az", b(el.bool_of("MultiAZ"))),
            (
                "publicly_accessible",
                b(Some(el.bool_of("PubliclyAccessible").unwrap_or(false))),
            ),
            (
                "backup_retention_period",
                n(el.i64_of("BackupRetentionPeriod")),
            ),
            (
                "backup_window",
                same_or(
                    get_str(prior, "backup_window"),
                    el.text_of("PreferredBackupWindow"),
                ),
            ),
            (
                "maintenance_window",
                same_or(
                    get_str(prior, "maintenance_window"),
                    el.text_of("PreferredMaintenanceWindow"),
                ),
            ),
            (
                "deletion_protection",
                b(Some(el.bool_of("DeletionProtection").unwrap_or(false))),
            ),
            (
                "storage_encrypted",
                b(Some(el.bool_of("StorageEncrypted").unwrap_or(false))),
            ),
            (
                "kms_key_id",
                Value::string(el.text_of("KmsKeyId").unwrap_or("")),
            ),
            (
                "auto_minor_version_upgrade",
                b(Some(el.bool_of("AutoMinorVersionUpgrade").unwrap_or(true))),
            ),
            (
                "copy_tags_to_snapshot",
                b(Some(el.bool_of("CopyTagsToSnapshot").unwrap_or(false))),
            ),
        ],
    );
    // Settings AWS does not show: what the state had, else their defaults.
    for (k, d) in [
        ("skip_final_snapshot", Value::bool(false)),
        ("apply_immediately", Value::bool(false)),
    ] {
        if !v.get_attr(k).is_some_and(|x| x.is_known() && !x.is_null()) {
            v = with_attr(&v, k, d);
        }
    }
    for k in ["identifier_prefix", "password", "final_snapshot_identifier"] {
        if !v.get_attr(k).is_some_and(Value::is_known) {
            v = with_attr(&v, k, Value::null(Type::String));
        }
    }
    with_attrs(
        &v,
        tags::state_values(aws, prior, visible(aws, tags_of(el))),
    )
}
