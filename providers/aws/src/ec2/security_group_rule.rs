//! `aws_security_group_rule`: one ingress or egress rule of a security group (its atoms:
//! one per source). Everything but the description forces a new rule.

use async_trait::async_trait;
use terrane_dsl::value::{Type, Value};
use terrane_provider::values::{get_str, with_attr, with_attrs};
use terrane_provider::{
    ApplyError, AttributeSchema, BlockSchema, PlanRequest, PlanResponse, ProviderDiagnostic,
    ProviderError, ResourceSchema,
};

use super::security_group::DESCRIBE as GROUPS;
use super::sg_rules::{self, atoms_from_aws, atoms_of, Atom, Source};
use crate::common::{comp, fail, need, opt, optc, plan_generic, Aws, PlanCtx, ResourceType};

pub struct SecurityGroupRule;

fn block() -> BlockSchema {
    let req = |t: Type| AttributeSchema::required(t).force_new();
    BlockSchema::with_attributes([
        ("type", req(Type::String)),
        ("security_group_id", req(Type::String)),
        ("protocol", req(Type::String)),
        ("from_port", req(Type::Number)),
        ("to_port", req(Type::Number)),
        ("cidr_blocks", opt(Type::list(Type::String)).force_new()),
        (
            "ipv6_cidr_blocks",
            opt(Type::list(Type::String)).force_new(),
        ),
        ("prefix_list_ids", opt(Type::list(Type::String)).force_new()),
        ("source_security_group_id", optc(Type::String).force_new()),
        ("self", optc(Type::Bool).force_new()),
        ("description", opt(Type::String)),
        ("id", comp(Type::String)),
        ("security_group_rule_id", comp(Type::String)),
    ])
}

fn egress(v: &Value) -> bool {
    get_str(v, "type") == Some("egress")
}

fn atoms(v: &Value) -> Result<Vec<Atom>, ProviderError> {
    let group = need(v, "security_group_id")?;
    atoms_of(v, "source_security_group_id", group)
}

/// Terraform-style id: `sgrule-` and a hash of the group, direction and atoms.
fn rule_id(v: &Value, atoms: &[Atom]) -> String {
    let mut key = format!(
        "{}-{}-",
        get_str(v, "security_group_id").unwrap_or_default(),
        get_str(v, "type").unwrap_or_default()
    );
    for a in atoms {
        key.push_str(&format!(
            "{}-{}-{}-{:?}_",
            a.protocol, a.from, a.to, a.source
        ));
    }
    format!("sgrule-{}", super::route::crc32(&key))
}

async fn read(aws: &Aws, prior: &Value) -> Result<Option<Value>, ProviderError> {
    let group = need(prior, "security_group_id")?;
    let Some(el) = GROUPS
        .one(aws, group)
        .await
        .map_err(fail(format!("reading Security Group ({group})")))?
    else {
        return Ok(None);
    };
    let list = if egress(prior) {
        "ipPermissionsEgress"
    } else {
        "ipPermissions"
    };
    let have = atoms_from_aws(&el, list);
    let want = atoms(prior)?;
    if want.is_empty() {
        return Ok(None);
    }
    let mut description: Option<Option<String>> = None;
    for w in &want {
        match have.iter().find(|h| h.same_rule(w)) {
            Some(h) => {
                description.get_or_insert(h.description.clone());
            }
            None => return Ok(None),
        }
    }
    let desc = description.flatten();
    let mut v = prior.clone();
    if get_str(prior, "description").is_some() || desc.is_some() {
        v = with_attr(&v, "description", crate::common::s(desc.as_deref()));
    }
    let self_ref = want
        .iter()
        .any(|a| matches!(&a.source, Source::Group(g) if g == group));
    if prior
        .get_attr("self")
        .is_none_or(|s| !s.is_known() || s.is_null())
    {
        v = with_attr(&v, "self", Value::bool(self_ref));
    }
    if prior
        .get_attr("source_security_group_id")
        .is_none_or(|s| !s.is_known())
    {
        v = with_attr(&v, "source_security_group_id", Value::null(Type::String));
    }
    if prior
        .get_attr("security_group_rule_id")
        .is_none_or(|s| !s.is_known() || s.is_null())
    {
        v = with_attr(&v, "security_group_rule_id", Value::string(""));
    }
    let id = rule_id(&v, &want);
    Ok(Some(with_attr(&v, "id", Value::string(id))))
}

#[async_trait]
impl ResourceType for SecurityGroupRule {
    fn name(&self) -> &'static str {
        "aws_security_group_rule"
    }

    fn schema(&self) -> ResourceSchema {
        ResourceSchema {
            version: 2,
            block: block(),
        }
    }

    fn validate(&self, config: &Value) -> Vec<ProviderDiagnostic> {
        match get_str(config, "type") {
            Some("ingress" | "egress") | None => Vec::new(),
            Some(other) => vec![ProviderDiagnostic::error(
                "Invalid value",
                format!("type must be \"ingress\" or \"egress\", got {other:?}."),
                terrane_dsl::value::Path::root().attr("type"),
            )],
        }
    }

    fn plan(&self, ctx: &PlanCtx, req: PlanRequest) -> Result<PlanResponse, ProviderError> {
        Ok(plan_generic(
            &block(),
            ctx,
            &req,
            &[("self", Value::bool(false))],
        ))
    }

    async fn create(&self, aws: &Aws, planned: &Value, _token: &str) -> Result<Value, ApplyError> {
        let group = need(planned, "security_group_id")?;
        let want = atoms(planned)?;
        if want.is_empty() {
            return Err(ProviderError::new(
                "Invalid security group rule",
                "One of cidr_blocks, ipv6_cidr_blocks, prefix_list_ids, self or source_security_group_id must be set.",
            )
            .into());
        }
        // Rules cannot be tagged; a rule an interrupted run made is found already there and
        // adopted.
        sg_rules::change(aws, group, egress(planned), true, &want)
            .await
            .map_err(fail(format!("authorizing Security Group ({group}) rule")))?;
        let planned = with_attrs(
            planned,
            [
                ("id", Value::string(rule_id(planned, &want))),
                ("security_group_rule_id", Value::string("")),
                (
                    "source_security_group_id",
                    crate::common::s(get_str(planned, "source_security_group_id")),
                ),
            ],
        );
        super::read_after_create(|| read(aws, &planned))
            .await
            .map_err(ApplyError::from)
    }

    async fn update(&self, aws: &Aws, prior: &Value, planned: &Value) -> Result<Value, ApplyError> {
        // Only the description changes in place: revoke and grant again with the new one.
        let group = need(prior, "security_group_id")?;
        let old = atoms(prior)?;
        let new = atoms(planned)?;
        sg_rules::change(aws, group, egress(prior), false, &old)
            .await
            .map_err(fail(format!("updating Security Group ({group}) rule")))?;
        sg_rules::change(aws, group, egress(planned), true, &new)
            .await
            .map_err(fail(format!("updating Security Group ({group}) rule")))?;
        read(aws, planned)
            .await?
            .ok_or_else(|| ProviderError::new("Security Group Rule gone", group.to_string()).into())
    }

    async fn delete(&self, aws: &Aws, prior: &Value) -> Result<(), ProviderError> {
        let group = need(prior, "security_group_id")?;
        let old = atoms(prior)?;
        match sg_rules::change(aws, group, egress(prior), false, &old).await {
            Ok(()) => Ok(()),
            Err(e) if e.is_not_found() => Ok(()),
            Err(e) => {
                Err(e.into_provider_error(&format!("revoking Security Group ({group}) rule")))
            }
        }
    }

    async fn read(&self, aws: &Aws, state: &Value) -> Result<Option<Value>, ProviderError> {
        read(aws, state).await
    }

    async fn import(
        &self,
        _aws: &Aws,
        _block: &BlockSchema,
        id: &str,
    ) -> Result<Vec<Value>, ProviderError> {
        Err(ProviderError::new(
            "Not supported yet",
            format!("Importing aws_security_group_rule ({id}) is not supported yet."),
        ))
    }

    async fn find_by_token(
        &self,
        _aws: &Aws,
        _token: &str,
    ) -> Result<Option<Value>, ProviderError> {
        Ok(None)
    }

    /// The rule an interrupted create of `config` authorized: every one of its atoms in the
    /// group, in its direction.
    async fn find_by_config(
        &self,
        aws: &Aws,
        config: &Value,
    ) -> Result<Option<Value>, ProviderError> {
        if atoms(config)?.is_empty() {
            return Ok(None);
        }
        read(aws, config).await
    }
}
