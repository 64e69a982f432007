//! `aws_security_group`: a security group with inline `ingress`/`egress` rules (authorized and
//! revoked in place, rule by rule). As in Terraform, the default allow-all egress rule AWS
//! adds to a new group is removed unless the configuration has it; a direction with no blocks
//! in the state is left to `aws_security_group_rule` resources.

use std::time::Duration;

use async_trait::async_trait;
use terrane_dsl::value::{Type, Value};
use terrane_provider::values::{get_bool, get_str, object_for, with_attr, with_attrs};
use terrane_provider::{
    ApplyError, BlockSchema, NestedBlockSchema, NestingMode, PlanRequest, PlanResponse,
    ProviderError, ResourceSchema,
};

use super::sg_rules::{
    atoms_from_aws, atoms_of, blocks_from_atoms, rule_block, Atom, RuleChanges, Source,
};
use super::{read_after_create, Describe};
use crate::client::{Element, Idempotency, Params};
use crate::common::{
    arn, comp, fail, need, optc, plan_generic, retry_on, tag_attrs, unique_name, Aws, PlanCtx,
    ResourceType, WithAttributes,
};
use crate::tags;

pub struct SecurityGroup;

pub const DESCRIBE: Describe = Describe {
    action: "DescribeSecurityGroups",
    id_param: "GroupId",
    list: "securityGroupInfo",
    id_field: "groupId",
};

fn block() -> BlockSchema {
    BlockSchema::with_attributes([
        ("name", optc(Type::String).force_new()),
        ("name_prefix", optc(Type::String).force_new()),
        ("description", optc(Type::String).force_new()),
        ("vpc_id", optc(Type::String).force_new()),
        ("revoke_rules_on_delete", optc(Type::Bool)),
        ("id", comp(Type::String)),
        ("arn", comp(Type::String)),
        ("owner_id", comp(Type::String)),
    ])
    .with_attributes_from(tag_attrs())
    .with_block(
        "ingress",
        NestedBlockSchema::new(NestingMode::Set, rule_block()),
    )
    .with_block(
        "egress",
        NestedBlockSchema::new(NestingMode::Set, rule_block()),
    )
}

fn blocks(v: &Value, name: &str) -> Vec<Value> {
    v.get_attr(name)
        .and_then(Value::elements)
        .map(<[Value]>::to_vec)
        .unwrap_or_default()
}

fn wanted(v: &Value, name: &str, own: &str) -> Result<Vec<Atom>, ProviderError> {
    let mut out = Vec::new();
    for b in blocks(v, name) {
        out.extend(atoms_of(&b, "security_groups", own)?);
    }
    out.sort();
    out.dedup();
    Ok(out)
}

fn rules_value(blocks: Vec<Value>) -> Value {
    let ety = rule_block().implied_type();
    Value::set(ety.clone(), blocks).unwrap_or_else(|_| Value::null(Type::set(ety)))
}

fn state_from(aws: &Aws, prior: &Value, el: &Element) -> Value {
    state_from_as(aws, prior, el, false)
}

/// The state; `all_rules` reports every rule even where the prior state has none (import).
fn state_from_as(aws: &Aws, prior: &Value, el: &Element, all_rules: bool) -> Value {
    let id = el.text_of("groupId").unwrap_or_default();
    let owner = el.text_of("ownerId").unwrap_or_default();
    let mut v = with_attrs(
        prior,
        [
            ("name", super::text(el, "groupName")),
            ("description", super::text(el, "groupDescription")),
            ("vpc_id", super::text(el, "vpcId")),
            ("owner_id", Value::string(owner)),
            (
                "arn",
                Value::string(arn(aws, "ec2", owner, &format!("security-group/{id}"))),
            ),
            (
                "revoke_rules_on_delete",
                Value::bool(get_bool(prior, "revoke_rules_on_delete").unwrap_or(false)),
            ),
        ],
    );
    if get_str(prior, "name_prefix").is_none() {
        v = with_attr(&v, "name_prefix", Value::string(""));
    }
    for (name, list) in [
        ("ingress", "ipPermissions"),
        ("egress", "ipPermissionsEgress"),
    ] {
        let prior_blocks = blocks(prior, name);
        let managed = all_rules || !prior_blocks.is_empty();
        let rules = if managed {
            blocks_from_atoms(&prior_blocks, atoms_from_aws(el, list), id)
        } else {
            Vec::new()
        };
        v = with_attr(&v, name, rules_value(rules));
    }
    with_attrs(&v, tags::state_values(aws, prior, tags::from_ec2(aws, el)))
}

async fn read(aws: &Aws, prior: &Value) -> Result<Option<Value>, ProviderError> {
    let id = need(prior, "id")?;
    let el = DESCRIBE
        .one(aws, id)
        .await
        .map_err(fail(format!("reading Security Group ({id})")))?;
    Ok(el.map(|el| state_from(aws, prior, &el)))
}

/// Makes one direction's rules on AWS equal `want`.
async fn sync(aws: &Aws, id: &str, egress: bool, want: &[Atom]) -> Result<(), ProviderError> {
    let el = DESCRIBE
        .one(aws, id)
        .await
        .map_err(fail(format!("reading Security Group ({id})")))?
        .ok_or_else(|| ProviderError::new("Security Group gone", id.to_string()))?;
    let list = if egress {
        "ipPermissionsEgress"
    } else {
        "ipPermissions"
    };
    let what = if egress { "egress" } else { "ingress" };
    RuleChanges::between(&atoms_from_aws(&el, list), want)
        .apply(aws, id, egress)
        .await
        .map_err(fail(format!("changing Security Group ({id}) {what} rules")))
}

/// The rules AWS gives a new group: no ingress, and egress to anywhere over IPv4.
fn new_group_egress() -> Vec<Atom> {
    vec![Atom {
        protocol: "-1".into(),
        from: 0,
        to: 0,
        source: Source::Cidr("0.0.0.0/0".into()),
        description: None,
    }]
}

/// Gives a new group its rules: changed from what AWS gives a new group, both directions at
/// once, then checked against what the group has; where it had something else (an IPv6
/// default egress rule, a describe that lags), the rules are synced from what it has. Returns
/// the group as described.
async fn set_new_rules(
    aws: &Aws,
    id: &str,
    ingress: &[Atom],
    egress: &[Atom],
) -> Result<Element, ProviderError> {
    let egress_changes = RuleChanges::between(&new_group_egress(), egress);
    let ingress_changes = RuleChanges::between(&[], ingress);
    tokio::try_join!(
        egress_changes.apply(aws, id, true),
        ingress_changes.apply(aws, id, false),
    )
    .map_err(fail(format!("setting Security Group ({id}) rules")))?;
    let describe = || async {
        DESCRIBE
            .one(aws, id)
            .await
            .map_err(fail(format!("reading Security Group ({id})")))
    };
    let el = read_after_create(describe).await?;
    if atoms_from_aws(&el, "ipPermissions") == ingress
        && atoms_from_aws(&el, "ipPermissionsEgress") == egress
    {
        return Ok(el);
    }
    tokio::try_join!(sync(aws, id, true, egress), sync(aws, id, false, ingress))?;
    read_after_create(describe).await
}

#[async_trait]
impl ResourceType for SecurityGroup {
    fn name(&self) -> &'static str {
        "aws_security_group"
    }

    fn schema(&self) -> ResourceSchema {
        ResourceSchema {
            version: 1,
            block: block(),
        }
    }

    fn plan(&self, ctx: &PlanCtx, req: PlanRequest) -> Result<PlanResponse, ProviderError> {
        let mut defaults = vec![
            ("description", Value::string("Managed by Terraform")),
            ("revoke_rules_on_delete", Value::bool(false)),
        ];
        if req
            .config
            .get_attr("name_prefix")
            .is_none_or(Value::is_null)
        {
            defaults.push(("name_prefix", Value::string("")));
        }
        Ok(plan_generic(&block(), ctx, &req, &defaults))
    }

    async fn create(&self, aws: &Aws, planned: &Value, token: &str) -> Result<Value, ApplyError> {
        let name = match (get_str(planned, "name"), get_str(planned, "name_prefix")) {
            (Some(n), _) => n.to_string(),
            (None, Some(p)) if !p.is_empty() => unique_name(p),
            _ => unique_name("terraform-"),
        };
        let p = Params::new()
            .set("GroupName", &name)
            .set(
                "GroupDescription",
                get_str(planned, "description").unwrap_or("Managed by Terraform"),
            )
            .opt("VpcId", get_str(planned, "vpc_id"));
        let p = tags::spec(p, "security-group", &tags::for_create(planned, token));
        let id = DESCRIBE
            .create(aws, "CreateSecurityGroup", &p, &["groupId"], token)
            .await
            .map_err(fail("creating Security Group"))?;
        let with_id = with_attrs(
            planned,
            [("id", Value::string(&id)), ("name", Value::string(&name))],
        );
        let partial = |e: ProviderError| ApplyError::partial(e, with_id.clone());
        let ingress = wanted(planned, "ingress", &id).map_err(partial)?;
        let egress = wanted(planned, "egress", &id).map_err(partial)?;
        let el = set_new_rules(aws, &id, &ingress, &egress)
            .await
            .map_err(partial)?;
        Ok(state_from(aws, &with_id, &el))
    }

    async fn update(&self, aws: &Aws, prior: &Value, planned: &Value) -> Result<Value, ApplyError> {
        let id = need(prior, "id")?;
        for (name, egress) in [("ingress", false), ("egress", true)] {
            if blocks(prior, name).is_empty() && blocks(planned, name).is_empty() {
                continue;
            }
            let want = wanted(planned, name, id)?;
            sync(aws, id, egress, &want).await?;
        }
        tags::update_ec2(aws, id, prior, planned)
            .await
            .map_err(fail(format!("updating Security Group ({id}) tags")))?;
        read(aws, planned)
            .await?
            .ok_or_else(|| ProviderError::new("Security Group gone", id.to_string()).into())
    }

    async fn delete(&self, aws: &Aws, prior: &Value) -> Result<(), ProviderError> {
        let id = need(prior, "id")?;
        if get_bool(prior, "revoke_rules_on_delete") == Some(true) {
            sync(aws, id, false, &[]).await?;
            sync(aws, id, true, &[]).await?;
        }
        let p = Params::new().set("GroupId", id);
        match retry_on(
            &["DependencyViolation"],
            crate::common::timeout(prior, "delete", Duration::from_secs(300)),
            || {
                aws.client
                    .ec2_write("DeleteSecurityGroup", &p, Idempotency::Safe)
            },
        )
        .await
        {
            Ok(_) => Ok(()),
            Err(e) if e.is_not_found() => Ok(()),
            Err(e) => Err(e.into_provider_error(&format!("deleting Security Group ({id})"))),
        }
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
        // An imported object shows all its rules, so that a configuration that has them plans
        // no change.
        let stub = object_for(block, [("id", Value::string(id))]);
        match DESCRIBE
            .one(aws, id)
            .await
            .map_err(fail(format!("reading Security Group ({id})")))?
        {
            Some(el) => Ok(vec![state_from_as(aws, &stub, &el, true)]),
            None => Err(ProviderError::new(
                "Cannot import non-existent remote object",
                format!("No Security Group with id {id:?}."),
            )),
        }
    }

    async fn find_by_token(&self, aws: &Aws, token: &str) -> Result<Option<Value>, ProviderError> {
        let id = DESCRIBE
            .by_token(aws, token)
            .await
            .map_err(fail("finding Security Group by token"))?;
        match id {
            Some(id) => read(aws, &object_for(&block(), [("id", Value::string(id))])).await,
            None => Ok(None),
        }
    }
}
