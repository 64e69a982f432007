//! `aws_db_subnet_group`: a DB subnet group. The id is the name (lower-cased, as RDS stores
//! it); the description and the subnets change in place with ModifyDBSubnetGroup, the name
//! forces a new group.

use async_trait::async_trait;
use terrane_dsl::value::{Type, Value};
use terrane_provider::values::{get_str, get_string_list, object_for, with_attr, with_attrs};
use terrane_provider::{
    ApplyError, AttributeSchema, BlockSchema, PlanRequest, PlanResponse, ProviderError,
    ResourceSchema,
};

use super::{
    find_tagged, is_gone, kept_name, list_params, list_tags, members, name_for_create, plan_names,
    tag_params, visible,
};
use crate::client::endpoint::RDS;
use crate::client::{retry, AwsError, Element, Idempotency, Params};
use crate::common::{
    comp, fail, need, optc, plan_generic, string_set, tag_attrs, Aws, PlanCtx, ResourceType,
    WithAttributes,
};
use crate::ec2::read_after_create;
use crate::tags::{self, TOKEN_TAG};

pub struct SubnetGroup;

const MANAGED: &str = "Managed by Terraform";

fn block() -> BlockSchema {
    BlockSchema::with_attributes([
        ("name", optc(Type::String).force_new()),
        ("name_prefix", optc(Type::String).force_new()),
        ("description", optc(Type::String)),
        (
            "subnet_ids",
            AttributeSchema::required(Type::set(Type::String)),
        ),
        ("id", comp(Type::String)),
        ("arn", comp(Type::String)),
        ("vpc_id", comp(Type::String)),
        ("supported_network_types", comp(Type::set(Type::String))),
    ])
    .with_attributes_from(tag_attrs())
}

/// DescribeDBSubnetGroups for one name: `None` when there is no such group.
async fn describe(aws: &Aws, name: &str) -> Result<Option<Element>, AwsError> {
    let p = Params::new().set("DBSubnetGroupName", name);
    match aws
        .call(&RDS, "DescribeDBSubnetGroups", &p, Idempotency::Safe)
        .await
    {
        Ok(r) => Ok(members(&r, "DBSubnetGroups")
            .into_iter()
            .find(|g| {
                g.text_of("DBSubnetGroupName")
                    .is_some_and(|n| n.eq_ignore_ascii_case(name))
            })
            .cloned()),
        Err(e) if is_gone(&e) => Ok(None),
        Err(e) => Err(e),
    }
}

async fn read(aws: &Aws, prior: &Value) -> Result<Option<Value>, ProviderError> {
    let id = need(prior, "id")?;
    let what = || format!("reading RDS DB Subnet Group ({id})");
    let Some(el) = describe(aws, id).await.map_err(fail(what()))? else {
        return Ok(None);
    };
    let name = el.text_of("DBSubnetGroupName").unwrap_or(id);
    let arn = el.text_of("DBSubnetGroupArn").unwrap_or_default();
    let all = list_tags(aws, arn).await.map_err(fail(what()))?;
    let subnets = members(&el, "Subnets")
        .into_iter()
        .filter_map(|s| s.text_of("SubnetIdentifier").map(str::to_string));
    let networks = members(&el, "SupportedNetworkTypes")
        .into_iter()
        .map(|n| n.text.clone())
        .collect::<Vec<_>>();
    let networks = if networks.is_empty() {
        vec!["IPV4".to_string()]
    } else {
        networks
    };
    let mut v = with_attrs(
        prior,
        [
            ("id", Value::string(name)),
            ("name", kept_name(prior, name)),
            ("arn", Value::string(arn)),
            (
                "description",
                Value::string(el.text_of("DBSubnetGroupDescription").unwrap_or("")),
            ),
            ("vpc_id", crate::common::s(el.text_of("VpcId"))),
            ("subnet_ids", string_set(subnets)),
            ("supported_network_types", string_set(networks)),
        ],
    );
    if !v.get_attr("name_prefix").is_some_and(Value::is_known) {
        v = with_attr(&v, "name_prefix", Value::null(Type::String));
    }
    Ok(Some(with_attrs(
        &v,
        tags::state_values(aws, prior, visible(aws, all)),
    )))
}

fn subnet_ids(v: &Value) -> Vec<String> {
    get_string_list(v, "subnet_ids").unwrap_or_default()
}

#[async_trait]
impl ResourceType for SubnetGroup {
    fn name(&self) -> &'static str {
        "aws_db_subnet_group"
    }

    fn schema(&self) -> ResourceSchema {
        ResourceSchema {
            version: 0,
            block: block(),
        }
    }

    fn plan(&self, ctx: &PlanCtx, req: PlanRequest) -> Result<PlanResponse, ProviderError> {
        let defaults = [("description", Value::string(MANAGED))];
        let mut resp = plan_generic(&block(), ctx, &req, &defaults);
        if req.prior_state.is_none() {
            resp.planned_state = plan_names(resp.planned_state, &req.config, "id");
        }
        Ok(resp)
    }

    async fn create(&self, aws: &Aws, planned: &Value, token: &str) -> Result<Value, ApplyError> {
        let name = name_for_create(planned);
        let p = Params::new().set("DBSubnetGroupName", &name).set(
            "DBSubnetGroupDescription",
            get_str(planned, "description").unwrap_or(MANAGED),
        );
        let p = list_params(p, "SubnetIds", "SubnetIdentifier", &subnet_ids(planned));
        let p = tag_params(p, &tags::for_create(planned, token));
        let ours = || async {
            match describe(aws, &name).await {
                Ok(Some(el)) => {
                    let arn = el.text_of("DBSubnetGroupArn").unwrap_or_default();
                    list_tags(aws, arn)
                        .await
                        .is_ok_and(|t| t.get(TOKEN_TAG).map(String::as_str) == Some(token))
                }
                _ => false,
            }
        };
        let mut attempts = 0;
        loop {
            attempts += 1;
            match aws
                .call(&RDS, "CreateDBSubnetGroup", &p, Idempotency::Unsafe)
                .await
            {
                Ok(_) => break,
                // A group of this name with our token is an earlier attempt of this create.
                Err(e) if e.is("DBSubnetGroupAlreadyExists") => {
                    if ours().await {
                        break;
                    }
                    return Err(e.into_provider_error("creating RDS DB Subnet Group").into());
                }
                Err(e) if retry::is_retryable(&e) && attempts < 5 => {
                    if ours().await {
                        break;
                    }
                }
                Err(e) => return Err(e.into_provider_error("creating RDS DB Subnet Group").into()),
            }
        }
        let with_id = with_attrs(
            planned,
            [
                ("id", Value::string(&name)),
                ("name", kept_name(planned, &name)),
            ],
        );
        read_after_create(|| read(aws, &with_id))
            .await
            .map_err(|e| ApplyError::partial(e, with_id.clone()))
    }

    async fn update(&self, aws: &Aws, prior: &Value, planned: &Value) -> Result<Value, ApplyError> {
        let id = need(prior, "id")?;
        let what = || format!("updating RDS DB Subnet Group ({id})");
        let changed = |k: &str| match (prior.get_attr(k), planned.get_attr(k)) {
            (Some(a), Some(b)) => !a.raw_equals(b),
            _ => false,
        };
        if changed("description") || changed("subnet_ids") {
            let p = Params::new().set("DBSubnetGroupName", id).set(
                "DBSubnetGroupDescription",
                get_str(planned, "description").unwrap_or(MANAGED),
            );
            let p = list_params(p, "SubnetIds", "SubnetIdentifier", &subnet_ids(planned));
            aws.call(&RDS, "ModifyDBSubnetGroup", &p, Idempotency::Safe)
                .await
                .map_err(fail(what()))?;
        }
        let arn = need(prior, "arn")?;
        super::update_tags(aws, arn, prior, planned)
            .await
            .map_err(fail(what()))?;
        read(aws, planned)
            .await?
            .ok_or_else(|| ProviderError::new("RDS DB Subnet Group gone", id.to_string()).into())
    }

    async fn delete(&self, aws: &Aws, prior: &Value) -> Result<(), ProviderError> {
        let id = need(prior, "id")?;
        // A DB instance just deleted may hold the group a little longer.
        super::delete_busy(
            aws,
            prior,
            "DeleteDBSubnetGroup",
            Params::new().set("DBSubnetGroupName", id),
            "InvalidDBSubnetGroupStateFault",
            &format!("deleting RDS DB Subnet Group ({id})"),
        )
        .await
    }

    async fn read(&self, aws: &Aws, state: &Value) -> Result<Option<Value>, ProviderError> {
        read(aws, state).await
    }

    async fn find_by_token(&self, aws: &Aws, token: &str) -> Result<Option<Value>, ProviderError> {
        let name = find_tagged(
            aws,
            "DescribeDBSubnetGroups",
            "DBSubnetGroups",
            "DBSubnetGroupName",
            "DBSubnetGroupArn",
            token,
        )
        .await
        .map_err(fail("finding RDS DB Subnet Group by token"))?;
        match name {
            Some(n) => read(aws, &object_for(&block(), [("id", Value::string(n))])).await,
            None => Ok(None),
        }
    }
}
